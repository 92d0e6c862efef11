//! Rep (contraction) detection on an envelope: threshold with hysteresis in time and a minimum duration.
//!
//! Threshold: the higher of Hodges & Bui's `mean_rest + k * sd_rest` and a fraction of a reference level
//! (the MVC when calibrated, otherwise a high percentile of the recording), because between reps of a set the
//! muscle rarely returns to rest: a pure rest-based threshold would merge a whole set into one rep.
//! A rep starts once the envelope has stayed above the threshold for `min_on_s` and ends once it has stayed
//! below for `min_off_s`; shorter reps than `min_rep_s` are dropped. Reported times are when the envelope
//! first crossed, minus the envelope's own delay (half the RMS window), so they match the muscle, not the
//! filter.

use serde::{Deserialize, Serialize};

/// Detector settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepDetectorConfig {
    /// Envelope level that separates on from off, uV (see [`threshold`]).
    pub threshold_uv: f64,
    /// Time above the threshold before a rep counts as started, s.
    pub min_on_s: f64,
    /// Time below the threshold before a rep counts as ended, s.
    pub min_off_s: f64,
    /// Shortest rep kept, s.
    pub min_rep_s: f64,
    /// Delay of the envelope behind the muscle, s (half the RMS window), subtracted from reported times.
    pub envelope_delay_s: f64,
}

/// The default fraction of the reference level used as the threshold.
pub const DEFAULT_REFERENCE_FRACTION: f64 = 0.10;
/// Hodges & Bui's k (2 to 3).
pub const DEFAULT_K: f64 = 3.0;

/// `max(mean_rest + k * sd_rest, fraction * reference)`.
pub fn threshold(mean_rest: f64, sd_rest: f64, k: f64, reference: f64, fraction: f64) -> f64 {
    (mean_rest + k * sd_rest).max(fraction * reference)
}

impl RepDetectorConfig {
    /// Defaults for a given threshold and RMS window: a rep starts at the first crossing (no minimum time
    /// above: a dip shorter than 100 ms never ends a rep and reps under 0.3 s are dropped, so blips cannot
    /// count, while any on-time requirement makes onsets late on a slow, noisy rise).
    pub fn new(threshold_uv: f64, rms_window_s: f64) -> Self {
        Self {
            threshold_uv,
            min_on_s: 0.0,
            min_off_s: 0.1,
            min_rep_s: 0.3,
            envelope_delay_s: rms_window_s / 2.0,
        }
    }
}

/// One detected rep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetectedRep {
    /// Onset, s from stream start.
    pub onset_s: f64,
    /// Offset, s from stream start.
    pub offset_s: f64,
}

impl DetectedRep {
    /// Duration, s.
    pub fn duration_s(&self) -> f64 {
        self.offset_s - self.onset_s
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Off {
        above_since: Option<f64>,
    },
    On {
        onset: f64,
        below_since: Option<f64>,
    },
}

/// A causal rep detector fed one envelope value at a time, at any rate.
#[derive(Clone, Debug)]
pub struct RepDetector {
    config: RepDetectorConfig,
    phase: Phase,
}

impl RepDetector {
    /// A detector with `config`.
    pub fn new(config: RepDetectorConfig) -> Self {
        Self {
            config,
            phase: Phase::Off { above_since: None },
        }
    }

    /// The settings.
    pub fn config(&self) -> &RepDetectorConfig {
        &self.config
    }

    /// True while a rep is under way.
    pub fn in_rep(&self) -> bool {
        matches!(self.phase, Phase::On { .. })
    }

    /// Adds the envelope value `env` (uV) at time `t` (s); returns a rep when one has just ended.
    pub fn push(&mut self, t: f64, env: f64) -> Option<DetectedRep> {
        let above = env >= self.config.threshold_uv;
        match self.phase {
            Phase::Off { above_since } => {
                self.phase = match (above, above_since) {
                    (true, None) => Phase::Off {
                        above_since: Some(t),
                    },
                    (true, Some(start)) if t - start >= self.config.min_on_s => Phase::On {
                        onset: start,
                        below_since: None,
                    },
                    (true, Some(_)) => self.phase,
                    (false, _) => Phase::Off { above_since: None },
                };
                None
            }
            Phase::On { onset, below_since } => match (above, below_since) {
                (true, _) => {
                    self.phase = Phase::On {
                        onset,
                        below_since: None,
                    };
                    None
                }
                (false, None) => {
                    self.phase = Phase::On {
                        onset,
                        below_since: Some(t),
                    };
                    None
                }
                (false, Some(end)) if t - end >= self.config.min_off_s => {
                    self.phase = Phase::Off { above_since: None };
                    self.finish(onset, end)
                }
                (false, Some(_)) => None,
            },
        }
    }

    /// Ends a rep still under way at the end of the stream (time `t`).
    pub fn flush(&mut self, t: f64) -> Option<DetectedRep> {
        match std::mem::replace(&mut self.phase, Phase::Off { above_since: None }) {
            Phase::On { onset, below_since } => self.finish(onset, below_since.unwrap_or(t)),
            Phase::Off { .. } => None,
        }
    }

    fn finish(&self, onset: f64, offset: f64) -> Option<DetectedRep> {
        let d = self.config.envelope_delay_s;
        let rep = DetectedRep {
            onset_s: (onset - d).max(0.0),
            offset_s: (offset - d).max(0.0),
        };
        (rep.duration_s() >= self.config.min_rep_s).then_some(rep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(signal: &[(f64, f64)], config: RepDetectorConfig) -> Vec<DetectedRep> {
        let mut d = RepDetector::new(config);
        let mut reps: Vec<DetectedRep> = signal.iter().filter_map(|&(t, e)| d.push(t, e)).collect();
        reps.extend(d.flush(signal.last().map(|s| s.0).unwrap_or(0.0)));
        reps
    }

    #[test]
    fn finds_square_reps_and_ignores_blips() {
        let dt = 0.01;
        let signal: Vec<(f64, f64)> = (0..1000)
            .map(|i| {
                let t = i as f64 * dt;
                let on =
                    (1.0..2.0).contains(&t) || (4.0..5.5).contains(&t) || (7.0..7.05).contains(&t);
                // A dip below threshold for 50 ms inside the second rep must not split it.
                let dip = (4.5..4.55).contains(&t);
                (t, if on && !dip { 100.0 } else { 5.0 })
            })
            .collect();
        let mut config = RepDetectorConfig::new(20.0, 0.0);
        config.envelope_delay_s = 0.0;
        let reps = run(&signal, config);
        assert_eq!(reps.len(), 2, "{reps:?}");
        assert!((reps[0].onset_s - 1.0).abs() < 0.011 && (reps[0].offset_s - 2.0).abs() < 0.011);
        assert!((reps[1].onset_s - 4.0).abs() < 0.011 && (reps[1].offset_s - 5.5).abs() < 0.011);
    }

    #[test]
    fn threshold_takes_the_higher_rule() {
        assert_eq!(threshold(3.0, 1.0, 3.0, 300.0, 0.1), 30.0);
        assert_eq!(threshold(30.0, 5.0, 3.0, 100.0, 0.1), 45.0);
    }
}
