//! Signal quality per channel, in plain words: is this electrode worth looking at?
//!
//! Measures: baseline noise (5th percentile of the 100 ms RMS envelope: the quietest moments), activity (95th
//! percentile), mains hum as an RMS amplitude (the spectral lines at the mains frequency and its 3rd and 5th harmonics,
//! above the local EMG floor),
//! clipping (share of samples sitting at the channel's extreme value) and resolution (how many distinct
//! values the channel took: a flat or disconnected channel shows only a few ADC steps).

use serde::{Deserialize, Serialize};

/// The verdict shown before a set and in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Usable as it is.
    Good,
    /// Usable, but something should be fixed (hum, clipping, a weak signal).
    CheckElectrode,
    /// No usable EMG on this channel.
    Unusable,
}

impl Verdict {
    /// Plain words for the UI.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::CheckElectrode => "check electrode",
            Verdict::Unusable => "unusable",
        }
    }
}

/// Thresholds (uV and fractions); chosen from SENIAM practice and checked on the real recordings in
/// tests/data/real.
pub mod limits {
    /// Below this 95th-percentile envelope a channel never showed EMG: flat, dead or off the muscle.
    pub const FLAT_ACTIVITY_UV: f64 = 5.0;
    /// Below this the EMG is weak: move the electrode over the muscle belly.
    pub const WEAK_ACTIVITY_UV: f64 = 15.0;
    /// Mains hum RMS above which the signal is drowned.
    pub const HUM_UNUSABLE_UV: f64 = 100.0;
    /// Mains hum RMS above which the skin preparation or reference electrode needs attention.
    pub const HUM_CHECK_UV: f64 = 30.0;
    /// Share of clipped samples that makes a channel unusable.
    pub const CLIP_UNUSABLE: f64 = 0.05;
    /// Share of clipped samples worth a warning.
    pub const CLIP_CHECK: f64 = 0.01;
}

/// Quality measures of one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelQuality {
    /// 5th percentile of the RMS envelope, uV.
    pub baseline_noise_uv: f64,
    /// 95th percentile of the RMS envelope, uV.
    pub activity_uv: f64,
    /// RMS of the mains hum (before the notch), uV.
    pub mains_hum_uv: f64,
    /// Mains hum power / 20-450 Hz band power (before the notch).
    pub mains_hum_ratio: f64,
    /// Share of samples at the channel's extreme value (0..1).
    pub clipped_fraction: f64,
    /// Distinct raw values seen (capped at 1000).
    pub distinct_values: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in plain words.
    pub reason: String,
}

/// Applies the limits to the measures.
pub fn judge(activity_uv: f64, hum_uv: f64, clipped: f64) -> (Verdict, String) {
    use limits::*;
    if activity_uv < FLAT_ACTIVITY_UV {
        return (
            Verdict::Unusable,
            format!("no EMG: the envelope never rises above {activity_uv:.1} uV"),
        );
    }
    if clipped > CLIP_UNUSABLE {
        return (
            Verdict::Unusable,
            format!(
                "{:.1} % of samples clipped: lower the gain",
                clipped * 100.0
            ),
        );
    }
    if hum_uv > HUM_UNUSABLE_UV {
        return (
            Verdict::Unusable,
            format!("mains hum of {hum_uv:.0} uV drowns the EMG"),
        );
    }
    if hum_uv > HUM_CHECK_UV {
        return (
            Verdict::CheckElectrode,
            format!("mains hum of {hum_uv:.0} uV: prepare the skin, check the reference"),
        );
    }
    if clipped > CLIP_CHECK {
        return (
            Verdict::CheckElectrode,
            format!("{:.1} % of samples clipped", clipped * 100.0),
        );
    }
    if activity_uv < WEAK_ACTIVITY_UV {
        return (
            Verdict::CheckElectrode,
            format!("weak EMG ({activity_uv:.1} uV): move over the muscle belly"),
        );
    }
    (Verdict::Good, "good signal".into())
}

/// Streaming counters for clipping and resolution of one channel (bounded memory).
#[derive(Clone, Debug, Default)]
pub struct RawTracker {
    min: f32,
    max: f32,
    at_min: u64,
    at_max: u64,
    total: u64,
    distinct: std::collections::BTreeSet<u32>,
}

/// Distinct values tracked before counting stops (enough to tell a flat channel from a live one).
const DISTINCT_CAP: usize = 1000;

impl RawTracker {
    /// Counts one raw sample.
    #[inline]
    pub fn add(&mut self, v: f32) {
        if !v.is_finite() {
            return;
        }
        if self.total == 0 || v < self.min {
            self.min = v;
            self.at_min = 0;
        }
        if self.total == 0 || v > self.max {
            self.max = v;
            self.at_max = 0;
        }
        if v == self.min {
            self.at_min += 1;
        }
        if v == self.max {
            self.at_max += 1;
        }
        self.total += 1;
        if self.distinct.len() < DISTINCT_CAP {
            self.distinct.insert(v.to_bits());
        }
    }

    /// Share of samples at the extremes, counting an extreme only when it repeats (a railed ADC), so a
    /// single peak is not called clipping.
    pub fn clipped_fraction(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let railed = |n: u64| {
            if n > 2 && n as f64 > 1e-3 * self.total as f64 {
                n
            } else {
                0
            }
        };
        let n = if self.min == self.max {
            0
        } else {
            railed(self.at_min) + railed(self.at_max)
        };
        n as f64 / self.total as f64
    }

    /// Distinct values seen (capped).
    pub fn distinct_values(&self) -> usize {
        self.distinct.len()
    }
}
