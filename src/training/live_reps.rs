//! Reps and per-rep co-contraction in the live view, from the display points (100 per second).
//!
//! Uses the analyzer's [`RepDetector`]; the threshold is the level at which the live view already calls the
//! agonist "working" (a quarter of its target line), so the rep counter and the co-contraction warning agree.

use crate::dsp::cocontraction::{falconer_winter, rudolph};
use crate::dsp::reps::{DetectedRep, RepDetector, RepDetectorConfig};

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
            self.count += 1;
            self.last = Some(LiveRep {
                rep,
                cci: falconer_winter(ag, ant),
                rudolph: if n > 0 { rud / n as f64 } else { 0.0 },
                peak_uv: peak,
            });
        } else if !self.detector.in_rep() {
            self.sums = (0.0, 0.0, 0.0, 0, 0.0);
        }
    }
}
