//! Rep edges where the activity crosses the threshold, not where a 100 ms trailing window first and last
//! sees it.
//!
//! A trailing RMS envelope `e` over `W` seconds holds the mean power of the last `W` seconds, so the power of
//! a shorter trailing window `τ` follows from it:
//!
//! `P_τ(t) = (W/τ) (e²(t) − e²(t−τ)) + P_τ(t−W)`
//!
//! Before an onset the last term is the quiet level, read as `e²(t−W)` (the mean power of the window before);
//! after an offset `P_τ(t+W)` is the quiet level after it, read as `e²(t+2W)`. So from the envelope alone
//! each edge is placed again where the `τ`-window power crosses the threshold, searched within one window
//! before the coarse edge, and corrected for the short window's own delay `τ/2`. With `τ = 50 ms` an edge
//! on a ramp is placed where the amplitude crosses, and a step within `τ/2`, instead of the up to ±50 ms a
//! 100 ms window smears them by (docs/VALIDATION.md measures it on the simulated board).
//! Only an edge faster than the window is placed again ([`abrupt`]); a slower ramp's delay-corrected
//! crossing is already right. A coarse edge with nothing to refine (no crossing found, or too little signal
//! around it) is kept.

use super::reps::DetectedRep;

/// The short window the edges are placed with, s.
pub const EDGE_WINDOW_S: f64 = 0.05;

/// An envelope sampled at a fixed step: `values[k]` at time `t0 + k * dt`.
#[derive(Clone, Copy, Debug)]
pub struct Envelope<'a> {
    /// The samples, uV.
    pub values: &'a [f32],
    /// Time of `values[0]`, s.
    pub t0: f64,
    /// Time between samples, s.
    pub dt: f64,
    /// The RMS window it was computed with, s.
    pub window_s: f64,
}

impl Envelope<'_> {
    fn power(&self, k: isize) -> Option<f64> {
        usize::try_from(k)
            .ok()
            .and_then(|k| self.values.get(k))
            .map(|v| (*v as f64) * (*v as f64))
    }

    fn index(&self, t: f64) -> isize {
        ((t - self.t0) / self.dt).round() as isize
    }

    fn time(&self, k: isize) -> f64 {
        self.t0 + k as f64 * self.dt
    }
}

/// `rep` (delay-corrected as [`super::reps::RepDetector`] reports it) with both edges placed on the
/// short-window power; `threshold` is the detector's, uV.
pub fn refine(rep: DetectedRep, env: &Envelope, threshold: f64) -> DetectedRep {
    if !(env.dt > 0.0 && env.window_s > env.dt && threshold.is_finite() && threshold > 0.0) {
        return rep;
    }
    let delay = env.window_s / 2.0;
    let n = (env.window_s / env.dt).round() as isize;
    let m = ((EDGE_WINDOW_S / env.dt).round() as isize).clamp(1, n - 1);
    let tau = m as f64 * env.dt;
    let w = n as f64 * env.dt;
    let level = threshold * threshold;
    // Power of the τ window ending at sample k, from before (onset side) and from after (offset side).
    let rising = |k: isize| -> Option<f64> {
        Some(w / tau * (env.power(k)? - env.power(k - m)?) + env.power(k - n)?)
    };
    let falling = |k: isize| -> Option<f64> {
        Some(w / tau * (env.power(k + n - m)? - env.power(k + n)?) + env.power(k + 2 * n)?)
    };
    let short_delay = tau / 2.0;

    // The long envelope crossed at the raw onset: the activity crossed within one window before it.
    let raw_on = env.index(rep.onset_s + delay);
    let onset = (abrupt(env, raw_on, n, true))
        .then(|| {
            (raw_on - n..=raw_on)
                .find(|&k| rising(k).is_some_and(|p| p >= level))
                .map(|k| env.time(k) - short_delay)
        })
        .flatten();
    // The long envelope fell below at the raw offset: the activity fell within one window before it.
    let raw_off = env.index(rep.offset_s + delay);
    let offset = (abrupt(env, raw_off, n, false))
        .then(|| {
            (raw_off - n..=raw_off)
                .rev()
                .find(|&k| falling(k).is_some_and(|p| p >= level))
                .map(|k| env.time(k) - short_delay)
        })
        .flatten();
    let refined = DetectedRep {
        onset_s: onset.unwrap_or(rep.onset_s).max(0.0),
        offset_s: offset.unwrap_or(rep.offset_s).max(0.0),
    };
    if refined.offset_s > refined.onset_s {
        refined
    } else {
        rep
    }
}

/// Whether the edge at sample `k` is faster than the window: the long envelope moves between the
/// threshold and 90 % of its level across the edge within [`ABRUPT_WINDOWS`] windows. Only such an edge is
/// smeared by the window; on a slower ramp the delay-corrected crossing is already where the amplitude
/// crosses (a trailing RMS of a linear ramp lags it by half the window), and less noisy than any shorter
/// window.
fn abrupt(env: &Envelope, k: isize, n: isize, rising: bool) -> bool {
    let span = 3 * n;
    let range = if rising { k..=k + span } else { k - span..=k };
    let values: Vec<(isize, f64)> = range
        .filter_map(|i| env.power(i).map(|p| (i, p.sqrt())))
        .collect();
    let Some(top) = values.iter().map(|v| v.1).reduce(f64::max) else {
        return false;
    };
    let reached = if rising {
        values.iter().find(|v| v.1 >= 0.9 * top).map(|v| v.0 - k)
    } else {
        values
            .iter()
            .rev()
            .find(|v| v.1 >= 0.9 * top)
            .map(|v| k - v.0)
    };
    reached.is_some_and(|samples| (samples as f64) <= ABRUPT_WINDOWS * n as f64)
}

/// An edge crossing within this many windows counts as abrupt (a step takes 0.81 of one).
const ABRUPT_WINDOWS: f64 = 1.2;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::reps::{RepDetector, RepDetectorConfig};

    /// The exact trailing RMS (window `w` samples) of a signal whose power is `p(k)` per sample.
    fn trailing_rms(power: &[f64], w: usize) -> Vec<f32> {
        let mut sum = 0.0;
        (0..power.len())
            .map(|k| {
                sum += power[k];
                if k >= w {
                    sum -= power[k - w];
                }
                (sum.max(0.0) / w as f64).sqrt() as f32
            })
            .collect()
    }

    #[test]
    fn a_step_burst_is_placed_within_half_the_short_window_where_the_long_window_smears_it() {
        // 200 Hz, a 100 ms window; rest at 5 uV, a burst of 200 uV from 1.000 s to 2.500 s.
        let dt = 0.005;
        let power: Vec<f64> = (0..800)
            .map(|k| {
                let t = k as f64 * dt;
                let a = if (1.0..2.5).contains(&t) { 200.0 } else { 5.0 };
                a * a
            })
            .collect();
        let values = trailing_rms(&power, 20);
        let threshold = 30.0;
        let mut detector = RepDetector::new(RepDetectorConfig::new(threshold, 0.1));
        let mut reps: Vec<DetectedRep> = values
            .iter()
            .enumerate()
            .filter_map(|(k, v)| detector.push(k as f64 * dt, *v as f64))
            .collect();
        reps.extend(detector.flush(values.len() as f64 * dt));
        assert_eq!(reps.len(), 1);
        let coarse = reps[0];
        // The 100 ms window crosses 30 uV after only 2 % of it is filled: 48 ms early once delay-corrected.
        assert!((coarse.onset_s - 1.0).abs() > 0.03, "{coarse:?}");
        let env = Envelope {
            values: &values,
            t0: 0.0,
            dt,
            window_s: 0.1,
        };
        let fine = refine(coarse, &env, threshold);
        assert!((fine.onset_s - 1.0).abs() <= 0.026, "{fine:?}");
        assert!((fine.offset_s - 2.5).abs() <= 0.026, "{fine:?}");
    }

    #[test]
    fn nothing_to_refine_keeps_the_rep() {
        let rep = DetectedRep {
            onset_s: 1.0,
            offset_s: 2.0,
        };
        let flat = vec![1.0f32; 400];
        let env = Envelope {
            values: &flat,
            t0: 0.0,
            dt: 0.005,
            window_s: 0.1,
        };
        assert_eq!(refine(rep, &env, 50.0), rep);
        assert_eq!(refine(rep, &Envelope { values: &[], ..env }, 50.0), rep);
        assert_eq!(refine(rep, &env, f64::NAN), rep);
        assert_eq!(refine(rep, &Envelope { dt: 0.0, ..env }, 50.0), rep);
    }
}
