//! What the live view shows, worked out from the engine's display chunks: the history per channel and pair,
//! the user's per-muscle and per-pair settings, the live rep counters, the signal check and the arriving
//! sample rate. One owner, so nothing is copied: screens borrow it.

use super::history::LiveHistory;
use crate::calibration::Profile;
use crate::dsp::quality::ChannelQuality;
use crate::engine::DisplayChunk;
use crate::source::StreamInfo;
use crate::training::{live_reps::LiveReps, rules};
use std::time::{Duration, Instant};

/// The target line of a muscle before calibration, as the display keeps it ([`rules::DEFAULT_TARGET_UV`]).
fn default_target_uv() -> f32 {
    rules::DEFAULT_TARGET_UV as f32
}

/// Per-muscle settings the user makes in the live view.
#[derive(Clone, Debug, PartialEq)]
pub struct MuscleSettings {
    /// Display name.
    pub name: String,
    /// Target line, uV.
    pub target_uv: f32,
    /// MVC reference from the profile, uV; once set, everything shown for this muscle is in %MVC.
    pub mvc_uv: Option<f32>,
}

impl MuscleSettings {
    /// A value in uV as shown to the user: %MVC when calibrated, uV otherwise.
    pub fn shown(&self, uv: f32) -> f32 {
        match self.mvc_uv {
            Some(m) if m > 0.0 => 100.0 * uv / m,
            _ => uv,
        }
    }

    /// The inverse of [`Self::shown`].
    pub fn from_shown(&self, v: f32) -> f32 {
        match self.mvc_uv {
            Some(m) if m > 0.0 => v * m / 100.0,
            _ => v,
        }
    }

    /// The unit values are shown in.
    pub fn unit(&self) -> &'static str {
        if self.mvc_uv.is_some() { "%MVC" } else { "µV" }
    }
}

/// Per-pair settings.
#[derive(Clone, Debug, PartialEq)]
pub struct PairSettings {
    /// Agonist channel.
    pub agonist: usize,
    /// Antagonist channel.
    pub antagonist: usize,
    /// Ratio above which the readout turns to the warning colour.
    pub ratio_limit: f32,
}

/// Measures samples per second actually arriving.
#[derive(Debug)]
struct RateMeter {
    last_frames: u64,
    last_at: Instant,
    rate: f64,
}

/// The live view's state for one stream.
#[derive(Debug)]
pub struct LiveState {
    /// Recent display points.
    pub history: LiveHistory,
    /// Per-muscle settings.
    pub muscles: Vec<MuscleSettings>,
    /// Per-pair settings.
    pub pairs: Vec<PairSettings>,
    /// Rep counters per pair.
    pub reps: Vec<LiveReps>,
    /// The latest signal check per channel (empty during the first second).
    pub quality: Vec<ChannelQuality>,
    /// Whether the live view shows the body map beside the rows.
    pub show_body_map: bool,
    rate: RateMeter,
}

impl LiveState {
    /// Fresh state for a stream; muscles named as in `previous` keep their targets and MVC.
    pub fn new(info: &StreamInfo, previous: &[MuscleSettings]) -> Self {
        let muscles = info
            .channel_names
            .iter()
            .map(|name| {
                previous
                    .iter()
                    .find(|m| &m.name == name)
                    .cloned()
                    .unwrap_or(MuscleSettings {
                        name: name.clone(),
                        target_uv: default_target_uv(),
                        mvc_uv: None,
                    })
            })
            .collect();
        let pairs = info
            .pairs
            .iter()
            .map(|p| PairSettings {
                agonist: p.agonist,
                antagonist: p.antagonist,
                ratio_limit: rules::DEFAULT_RATIO_LIMIT as f32,
            })
            .collect();
        Self {
            history: LiveHistory::new(info.channels(), info.pairs.len()),
            muscles,
            pairs,
            reps: Vec::new(),
            quality: Vec::new(),
            show_body_map: true,
            rate: RateMeter {
                last_frames: 0,
                last_at: Instant::now(),
                rate: 0.0,
            },
        }
    }

    /// The muscles' names, in channel order.
    pub fn names(&self) -> Vec<String> {
        self.muscles.iter().map(|m| m.name.clone()).collect()
    }

    /// Applies the profile's MVC references to the muscles with the same names.
    pub fn apply_profile(&mut self, profile: &Profile) {
        let names = self.names();
        for (m, mvc) in self.muscles.iter_mut().zip(profile.mvc_for(&names)) {
            let mvc = mvc.map(|v| v as f32);
            if let Some(v) = mvc
                && m.mvc_uv.is_none()
                && m.target_uv == default_target_uv()
            {
                // A fresh calibration starts with the target at 60 %MVC.
                m.target_uv = rules::target_line_uv(rules::DEFAULT_TARGET_PCT_MVC, v as f64) as f32;
            }
            m.mvc_uv = mvc;
        }
    }

    /// Sets a muscle's target line (uV; negative values become 0).
    pub fn set_target(&mut self, channel: usize, target_uv: f32) {
        if let Some(m) = self.muscles.get_mut(channel) {
            m.target_uv = target_uv.max(0.0);
        }
    }

    /// Feeds each pair's rep counter with a chunk's points; the threshold follows the agonist's target.
    pub fn count_reps(&mut self, chunk: &DisplayChunk, rms_window_s: f64) {
        for (k, pair) in self.pairs.iter().enumerate() {
            let threshold =
                rules::working_threshold_uv(self.muscles[pair.agonist].target_uv as f64);
            if self.reps.len() <= k {
                self.reps.push(LiveReps::new(threshold, rms_window_s));
            }
            let counter = &mut self.reps[k];
            if (counter.threshold_uv() - threshold).abs() > 1e-6 {
                // The user moved the target: keep the count, use the new threshold from here on.
                let (count, last) = (counter.count, counter.last);
                *counter = LiveReps::new(threshold, rms_window_s);
                counter.count = count;
                counter.last = last;
            }
            for p in 0..chunk.points {
                counter.push(
                    chunk.first_time_s + p as f64 * chunk.step_s,
                    chunk.envelope[pair.agonist][p] as f64,
                    chunk.envelope[pair.antagonist][p] as f64,
                );
            }
        }
    }

    /// Updates the arriving rate from the engine's frame counter (twice a second).
    pub fn update_rate(&mut self, frames_received: u64) {
        let elapsed = self.rate.last_at.elapsed();
        if elapsed >= Duration::from_millis(500) {
            self.rate.rate = frames_received.saturating_sub(self.rate.last_frames) as f64
                / elapsed.as_secs_f64();
            self.rate.last_frames = frames_received;
            self.rate.last_at = Instant::now();
        }
    }

    /// Samples per second actually received (per channel).
    pub fn received_rate(&self) -> f64 {
        self.rate.rate
    }

    /// Whether a pair's agonist is working ([`rules::is_working`]): only then does the antagonist ratio
    /// mean anything.
    pub fn agonist_active(&self, pair: usize) -> bool {
        self.pairs.get(pair).is_some_and(|p| {
            rules::is_working(
                self.history.channels[p.agonist].latest as f64,
                self.muscles[p.agonist].target_uv as f64,
            )
        })
    }

    /// Whether a pair's readout is in the warning state: the agonist works and the antagonist ratio is above
    /// the limit.
    pub fn pair_warning(&self, pair: usize) -> bool {
        let (Some(p), Some(h)) = (self.pairs.get(pair), self.history.pairs.get(pair)) else {
            return false;
        };
        self.agonist_active(pair) && h.latest.ratio > p.ratio_limit
    }

    /// Which pair (for the live rep counter) has `agonist` as its agonist; 0 if none.
    pub fn pair_index_of(&self, agonist: usize) -> usize {
        self.pairs
            .iter()
            .position(|p| p.agonist == agonist)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::MvcRecord;
    use crate::dsp::MusclePair;
    use crate::source::SourceKind;

    fn info(names: &[&str]) -> StreamInfo {
        StreamInfo {
            description: "test".into(),
            kind: SourceKind::Simulator,
            sample_rate: 1000.0,
            channel_names: names.iter().map(|n| n.to_string()).collect(),
            pairs: vec![MusclePair {
                agonist: 0,
                antagonist: 1,
            }],
        }
    }

    #[test]
    fn a_new_stream_keeps_targets_by_name_and_a_profile_sets_the_target_at_60_pct_mvc() {
        let mut first = LiveState::new(&info(&["Biceps", "Triceps"]), &[]);
        first.set_target(1, 90.0);
        first.set_target(0, -5.0);
        assert_eq!(first.muscles[0].target_uv, 0.0, "negative targets become 0");
        let next = LiveState::new(&info(&["Triceps", "Deltoid"]), &first.muscles);
        assert_eq!(next.muscles[0].target_uv, 90.0);
        assert_eq!(next.muscles[1].target_uv, default_target_uv());
        assert_eq!(next.pairs[0].ratio_limit, rules::DEFAULT_RATIO_LIMIT as f32);

        let mut profile = Profile::new("p");
        profile.mvc.insert(
            "Deltoid".into(),
            MvcRecord {
                mvc_uv: 400.0,
                mean_peak_uv: 380.0,
                trial_peaks_uv: vec![400.0],
                calibrated_at: String::new(),
            },
        );
        let mut next = next;
        next.apply_profile(&profile);
        assert_eq!(next.muscles[1].mvc_uv, Some(400.0));
        assert_eq!(next.muscles[1].target_uv, 240.0);
        assert_eq!(next.muscles[1].unit(), "%MVC");
        assert_eq!(next.muscles[0].mvc_uv, None);
    }
}
