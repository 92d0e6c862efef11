//! Reps and per-rep co-contraction in the live view, from the display points (100 per second).
//!
//! The rep rule of [`super::rules`] with the analyzer's [`RepDetector`]: the threshold is where the live view
//! calls the agonist "working" (a quarter of its target line), so the counter and the co-contraction warning
//! agree. Each rep's edges are then placed as the set summary places them ([`crate::dsp::edges`]), which
//! needs two envelope windows after the rep's end: a rep is counted that much (0.2 s) after it ends.

use crate::dsp::cocontraction::{falconer_winter, rudolph};
use crate::dsp::edges::{self, Envelope};
use crate::dsp::reps::{DetectedRep, RepDetector, RepDetectorConfig};
use std::collections::VecDeque;

/// Display points kept for placing edges (6 s at 100 per second; allocated once).
const HISTORY_POINTS: usize = 600;

/// What one finished rep showed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LiveRep {
    /// The rep's timing.
    pub rep: DetectedRep,
    /// Falconer & Winter over the rep, %.
    pub cci: f64,
    /// Rudolph index averaged over the rep.
    pub rudolph: f64,
    /// Highest agonist envelope in the rep, uV.
    pub peak_uv: f64,
}

/// Counts one pair's reps and measures each rep's co-contraction.
#[derive(Clone, Debug)]
pub struct LiveReps {
    detector: RepDetector,
    sums: (f64, f64, f64, usize, f64),
    /// Recent agonist envelope values, evenly spaced (`step` apart, the first at `recent_t0`).
    recent: VecDeque<f32>,
    recent_t0: f64,
    step: f64,
    last_t: f64,
    /// A rep whose edges wait for two windows of points after its end.
    waiting: Option<LiveRep>,
    /// Reps finished so far.
    pub count: usize,
    /// The last finished rep.
    pub last: Option<LiveRep>,
}

impl LiveReps {
    /// A counter whose threshold is `threshold_uv` on the agonist envelope.
    pub fn new(threshold_uv: f64, rms_window_s: f64) -> Self {
        Self {
            detector: RepDetector::new(RepDetectorConfig::new(threshold_uv, rms_window_s)),
            sums: (0.0, 0.0, 0.0, 0, 0.0),
            recent: VecDeque::with_capacity(HISTORY_POINTS),
            recent_t0: 0.0,
            step: 0.0,
            last_t: f64::NEG_INFINITY,
            waiting: None,
            count: 0,
            last: None,
        }
    }

    /// The threshold in use, uV.
    pub fn threshold_uv(&self) -> f64 {
        self.detector.config().threshold_uv
    }

    /// Adds one display point: agonist and antagonist envelopes (uV) at stream time `t`.
    pub fn push(&mut self, t: f64, agonist: f64, antagonist: f64) {
        self.remember(t, agonist as f32);
        let finished = self.detector.push(t, agonist);
        if self.detector.in_rep() {
            let s = &mut self.sums;
            s.0 += agonist;
            s.1 += antagonist;
            s.2 += rudolph(agonist, antagonist);
            s.3 += 1;
            s.4 = s.4.max(agonist);
        }
        if let Some(rep) = finished {
            let (ag, ant, rud, n, peak) = std::mem::take(&mut self.sums);
            // A rep still waiting for its edges is counted as it is.
            self.settle(true);
            self.waiting = Some(LiveRep {
                rep,
                cci: falconer_winter(ag, ant),
                rudolph: if n > 0 { rud / n as f64 } else { 0.0 },
                peak_uv: peak,
            });
        } else if !self.detector.in_rep() {
            self.sums = (0.0, 0.0, 0.0, 0, 0.0);
        }
        self.settle(false);
    }

    /// Keeps the point in the ring; a point off the even spacing (a gap) starts the ring again.
    fn remember(&mut self, t: f64, v: f32) {
        let dt = t - self.last_t;
        let even = match self.recent.len() {
            0 => true,
            1 => {
                self.step = dt;
                dt > 0.0
            }
            _ => (dt - self.step).abs() < 1e-6,
        };
        if !even {
            self.recent.clear();
        }
        if self.recent.is_empty() {
            self.recent_t0 = t;
        }
        if self.recent.len() == HISTORY_POINTS {
            self.recent.pop_front();
            self.recent_t0 += self.step;
        }
        self.recent.push_back(v);
        self.last_t = t;
    }

    /// Counts the waiting rep once two windows of points follow its end (or at once with `now`).
    fn settle(&mut self, now: bool) {
        let Some(mut done) = self.waiting else {
            return;
        };
        let window = 2.0 * self.detector.config().envelope_delay_s;
        let raw_end = done.rep.offset_s + window / 2.0;
        if !now && self.last_t < raw_end + 2.0 * window {
            return;
        }
        let threshold = self.threshold_uv();
        if self.recent.len() >= 3 && self.step > 0.0 {
            let t0 = self.recent_t0;
            let step = self.step;
            let env = Envelope {
                values: self.recent.make_contiguous(),
                t0,
                dt: step,
                window_s: window,
            };
            done.rep = edges::refine(done.rep, &env, threshold);
        }
        self.waiting = None;
        self.count += 1;
        self.last = Some(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_burst_is_counted_with_edges_placed_after_two_windows() {
        // 100 points a second of an exact 100 ms trailing RMS: rest 5 uV, a burst of 200 uV over 1-2.5 s.
        let dt = 0.01;
        let power: Vec<f64> = (0..400)
            .map(|k| {
                if (100..250).contains(&k) {
                    40_000.0
                } else {
                    25.0
                }
            })
            .collect();
        let mut counter = LiveReps::new(30.0, 0.1);
        let mut sum = 0.0;
        for (k, p) in power.iter().enumerate() {
            sum += p;
            if k >= 10 {
                sum -= power[k - 10];
            }
            counter.push(k as f64 * dt, (sum / 10.0).sqrt(), 0.0);
            if k == 262 {
                assert_eq!(counter.count, 0, "waits for the edges");
            }
        }
        assert_eq!(counter.count, 1);
        let rep = counter.last.unwrap().rep;
        assert!((rep.onset_s - 1.0).abs() <= 0.026, "{rep:?}");
        assert!((rep.offset_s - 2.5).abs() <= 0.026, "{rep:?}");
    }
}
