//! MVC calibration: the guided routine (get ready, contract as hard as you can, review, rest; three times)
//! and the user profile that keeps each muscle's reference.
//!
//! The reference is the highest peak of the 100 ms RMS envelope over the accepted trials
//! (docs/ARCHITECTURE.md section 7, SENIAM); the mean of the peaks is kept too. The routine is driven by
//! stream time (the sample clock), never by the wall clock, so it behaves the same on a live board, a replay
//! and in tests.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Timing of the routine.
#[derive(Clone, Debug, PartialEq)]
pub struct MvcTiming {
    /// Countdown before each contraction, s.
    pub ready_s: f64,
    /// Length of each maximal contraction, s (SENIAM: 3 to 5).
    pub contract_s: f64,
    /// Rest after an accepted trial, s (can be skipped).
    pub rest_s: f64,
    /// Trials to accept.
    pub trials: usize,
}

impl Default for MvcTiming {
    fn default() -> Self {
        Self {
            ready_s: 3.0,
            contract_s: 4.0,
            rest_s: 30.0,
            trials: 3,
        }
    }
}

/// Where the routine is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MvcPhase {
    /// Counting down to the next contraction.
    Ready {
        /// Stream time the contraction starts, s.
        until_s: f64,
    },
    /// Contracting; the envelope's peak so far.
    Contract {
        /// Stream time the contraction ends, s.
        until_s: f64,
        /// Highest envelope so far, uV.
        peak_uv: f64,
    },
    /// The trial is over: accept or redo it.
    Review {
        /// The trial's peak, uV.
        peak_uv: f64,
    },
    /// Resting between trials.
    Rest {
        /// Stream time the rest ends, s.
        until_s: f64,
    },
    /// All trials accepted.
    Done,
}

/// The calibrated reference of one muscle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MvcRecord {
    /// The reference: highest accepted trial peak, uV.
    pub mvc_uv: f64,
    /// Mean of the accepted trial peaks, uV.
    pub mean_peak_uv: f64,
    /// Every accepted trial's peak, uV.
    pub trial_peaks_uv: Vec<f64>,
    /// When, RFC 3339 UTC.
    pub calibrated_at: String,
}

/// The guided routine for one muscle.
#[derive(Clone, Debug)]
pub struct MvcRoutine {
    timing: MvcTiming,
    phase: MvcPhase,
    accepted: Vec<f64>,
}

impl MvcRoutine {
    /// Starts the countdown at stream time `now_s`.
    pub fn start(timing: MvcTiming, now_s: f64) -> Self {
        Self {
            phase: MvcPhase::Ready {
                until_s: now_s + timing.ready_s,
            },
            timing,
            accepted: Vec::new(),
        }
    }

    /// Current phase.
    pub fn phase(&self) -> MvcPhase {
        self.phase
    }

    /// Trial peaks accepted so far, uV.
    pub fn accepted(&self) -> &[f64] {
        &self.accepted
    }

    /// The trial number under way (1-based).
    pub fn trial(&self) -> usize {
        (self.accepted.len() + 1).min(self.timing.trials)
    }

    /// Feeds the envelope (uV) at stream time `now_s`; moves through the timed phases.
    pub fn update(&mut self, now_s: f64, envelope_uv: f64) {
        self.phase = match self.phase {
            MvcPhase::Ready { until_s } if now_s >= until_s => MvcPhase::Contract {
                until_s: now_s + self.timing.contract_s,
                peak_uv: envelope_uv.max(0.0),
            },
            MvcPhase::Contract { until_s, peak_uv } => {
                let peak_uv = peak_uv.max(envelope_uv);
                if now_s >= until_s {
                    MvcPhase::Review { peak_uv }
                } else {
                    MvcPhase::Contract { until_s, peak_uv }
                }
            }
            MvcPhase::Rest { until_s } if now_s >= until_s => MvcPhase::Ready {
                until_s: now_s + self.timing.ready_s,
            },
            other => other,
        };
    }

    /// Keeps the trial under review; rests, or finishes after the last trial.
    pub fn accept(&mut self, now_s: f64) {
        if let MvcPhase::Review { peak_uv } = self.phase {
            self.accepted.push(peak_uv);
            self.phase = if self.accepted.len() >= self.timing.trials {
                MvcPhase::Done
            } else {
                MvcPhase::Rest {
                    until_s: now_s + self.timing.rest_s,
                }
            };
        }
    }

    /// Throws the trial under review away and counts down to it again.
    pub fn redo(&mut self, now_s: f64) {
        if let MvcPhase::Review { .. } = self.phase {
            self.phase = MvcPhase::Ready {
                until_s: now_s + self.timing.ready_s,
            };
        }
    }

    /// Ends a rest early.
    pub fn skip_rest(&mut self, now_s: f64) {
        if let MvcPhase::Rest { .. } = self.phase {
            self.phase = MvcPhase::Ready {
                until_s: now_s + self.timing.ready_s,
            };
        }
    }

    /// The reference, once every trial is accepted.
    pub fn result(&self) -> Option<MvcRecord> {
        (self.phase == MvcPhase::Done && !self.accepted.is_empty()).then(|| MvcRecord {
            mvc_uv: self.accepted.iter().copied().fold(0.0, f64::max),
            mean_peak_uv: self.accepted.iter().sum::<f64>() / self.accepted.len() as f64,
            trial_peaks_uv: self.accepted.clone(),
            calibrated_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                .to_string(),
        })
    }

    /// What to tell the user now, and the seconds left in a timed phase.
    pub fn instruction(&self, now_s: f64) -> (String, Option<f64>) {
        let left = |until: f64| Some((until - now_s).max(0.0));
        let n = self.trial();
        let total = self.timing.trials;
        match self.phase {
            MvcPhase::Ready { until_s } => {
                (format!("Trial {n} of {total}: get ready"), left(until_s))
            }
            MvcPhase::Contract { until_s, .. } => {
                ("Contract as hard as you can!".into(), left(until_s))
            }
            MvcPhase::Review { peak_uv } => (
                format!("Trial {n} of {total}: peak {peak_uv:.0} uV. Keep it?"),
                None,
            ),
            MvcPhase::Rest { until_s } => ("Rest and breathe".into(), left(until_s)),
            MvcPhase::Done => ("Calibration complete".into(), None),
        }
    }
}

/// A user's saved references, by muscle name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Profile name.
    pub name: String,
    /// File format version.
    pub format_version: u32,
    /// MVC reference per muscle (channel) name.
    pub mvc: BTreeMap<String, MvcRecord>,
}

/// Profile file format version.
pub const PROFILE_VERSION: u32 = 1;

/// A profile that could not be read or written.
pub type ProfileError = crate::file_error::FileError;

impl Profile {
    /// An empty profile.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            format_version: PROFILE_VERSION,
            mvc: BTreeMap::new(),
        }
    }

    /// Reads `path`; a missing file gives an empty profile named after the file.
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let shown = path.display().to_string();
        let text = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                return Ok(Self::new(&name));
            }
            Err(source) => {
                return Err(ProfileError::Io {
                    path: shown,
                    source,
                });
            }
        };
        let profile: Profile = serde_json::from_slice(&text).map_err(|e| ProfileError::Bad {
            path: shown.clone(),
            reason: format!("not a profile: {e}"),
        })?;
        if profile.format_version > PROFILE_VERSION {
            return Err(ProfileError::Bad {
                path: shown,
                reason: format!(
                    "format version {} is newer than this program understands",
                    profile.format_version
                ),
            });
        }
        Ok(profile)
    }

    /// Writes atomically ([`crate::fsio::write_json_atomic`]).
    pub fn save(&self, path: &Path) -> Result<(), ProfileError> {
        let io = |source| ProfileError::Io {
            path: path.display().to_string(),
            source,
        };
        crate::fsio::write_json_atomic(path, self).map_err(io)
    }

    /// MVC references for a list of channel names (None where a muscle is not calibrated).
    pub fn mvc_for(&self, channel_names: &[String]) -> Vec<Option<f64>> {
        channel_names
            .iter()
            .map(|n| self.mvc.get(n).map(|r| r.mvc_uv))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing() -> MvcTiming {
        MvcTiming {
            ready_s: 1.0,
            contract_s: 2.0,
            rest_s: 5.0,
            trials: 3,
        }
    }

    #[test]
    fn three_trials_with_a_redo_give_the_highest_accepted_peak() {
        let mut r = MvcRoutine::start(timing(), 0.0);
        let mut t = 0.0;
        // Drives the routine with an envelope that peaks at `peak` while contracting.
        let run_trial = |r: &mut MvcRoutine, t: &mut f64, peak: f64| {
            while !matches!(r.phase(), MvcPhase::Review { .. }) {
                let env = if matches!(r.phase(), MvcPhase::Contract { .. }) {
                    peak * (0.5 + 0.5 * (*t % 1.0))
                } else {
                    5.0
                };
                r.update(*t, env);
                *t += 0.01;
                assert!(*t < 1000.0);
            }
        };
        run_trial(&mut r, &mut t, 300.0);
        let MvcPhase::Review { peak_uv } = r.phase() else {
            panic!()
        };
        assert!(peak_uv > 290.0 && peak_uv <= 300.0, "{peak_uv}");
        r.accept(t);
        assert!(matches!(r.phase(), MvcPhase::Rest { .. }));
        r.skip_rest(t);
        run_trial(&mut r, &mut t, 200.0);
        r.redo(t); // a poor trial: do it again
        assert!(matches!(r.phase(), MvcPhase::Ready { .. }));
        run_trial(&mut r, &mut t, 350.0);
        r.accept(t);
        // The rest runs out by itself.
        for _ in 0..600 {
            r.update(t, 5.0);
            t += 0.01;
        }
        assert!(matches!(
            r.phase(),
            MvcPhase::Ready { .. } | MvcPhase::Contract { .. }
        ));
        run_trial(&mut r, &mut t, 320.0);
        r.accept(t);
        assert_eq!(r.phase(), MvcPhase::Done);
        let rec = r.result().unwrap();
        assert_eq!(rec.trial_peaks_uv.len(), 3);
        assert!((rec.mvc_uv - 350.0).abs() < 10.0, "{rec:?}");
        assert!(rec.mean_peak_uv < rec.mvc_uv);
    }

    #[test]
    fn profiles_round_trip_and_refuse_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles/ana.json");
        assert_eq!(Profile::load(&path).unwrap(), Profile::new("ana"));
        let mut p = Profile::new("ana");
        p.mvc.insert(
            "Biceps brachii".into(),
            MvcRecord {
                mvc_uv: 420.0,
                mean_peak_uv: 400.0,
                trial_peaks_uv: vec![380.0, 400.0, 420.0],
                calibrated_at: "2026-11-21T20:00:00Z".into(),
            },
        );
        p.save(&path).unwrap();
        let back = Profile::load(&path).unwrap();
        assert_eq!(back, p);
        assert_eq!(
            back.mvc_for(&["Triceps brachii".into(), "Biceps brachii".into()]),
            vec![None, Some(420.0)]
        );
        std::fs::write(&path, b"{not json").unwrap();
        assert!(
            Profile::load(&path)
                .unwrap_err()
                .to_string()
                .contains("not a profile")
        );
        std::fs::write(&path, br#"{"name":"x","format_version":99,"mvc":{}}"#).unwrap();
        assert!(
            Profile::load(&path)
                .unwrap_err()
                .to_string()
                .contains("newer")
        );
    }
}
