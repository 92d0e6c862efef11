//! What `innervate analyze` reports: per channel, per pair, per left/right pair, and per marked set.

use crate::dsp::EffectiveDsp;
use crate::dsp::fatigue::FatigueTrend;
use crate::dsp::quality::ChannelQuality;
use crate::training::plan::SetPlan;
use crate::training::summary::SetSummary;
use serde::{Deserialize, Serialize};

/// One spectral epoch of one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Epoch {
    /// Epoch start, s.
    pub start_s: f64,
    /// RMS of the filtered signal over the epoch, uV.
    pub rms_uv: f64,
    /// Mean of the RMS envelope over the epoch, uV.
    pub envelope_mean_uv: f64,
    /// Standard deviation of the RMS envelope over the epoch, uV.
    pub envelope_sd_uv: f64,
    /// Median frequency, Hz (`None` for a silent epoch).
    pub mdf_hz: Option<f64>,
    /// Mean frequency, Hz.
    pub mnf_hz: Option<f64>,
    /// Share of the epoch the channel was active (envelope at or above its burst threshold); only epochs
    /// active at least half the time enter fatigue slopes ([`crate::dsp::fatigue`]).
    #[serde(default)]
    pub active_fraction: f64,
}

impl Epoch {
    /// The epoch as the fatigue trend reads it (`epoch_s` long).
    pub fn mdf(&self, epoch_s: f64) -> crate::dsp::fatigue::EpochMdf {
        crate::dsp::fatigue::EpochMdf {
            mid_s: self.start_s + epoch_s / 2.0,
            mdf_hz: self.mdf_hz,
            active_fraction: self.active_fraction,
        }
    }
}

/// Results for one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelReport {
    /// Channel name.
    pub name: String,
    /// Mean of the RMS envelope, uV.
    pub envelope_mean_uv: f64,
    /// Median of the RMS envelope, uV.
    pub envelope_median_uv: f64,
    /// Highest RMS envelope value, uV.
    pub envelope_peak_uv: f64,
    /// Signal quality.
    pub quality: ChannelQuality,
    /// MDF slope over the recording's active epochs, Hz per minute (negative = fatiguing); `None` when
    /// unreliable (see `fatigue`).
    pub mdf_slope_hz_per_min: Option<f64>,
    /// The fatigue trend behind the slope: epochs used, span, reliability.
    pub fatigue: FatigueTrend,
    /// Whether the spectral numbers can be trusted (sample rate of at least 1 kHz).
    pub spectral_reliable: bool,
    /// MVC reference used for %MVC, uV (`None` when not calibrated).
    pub mvc_uv: Option<f64>,
    /// Envelope level that separated reps from rest, uV.
    pub rep_threshold_uv: f64,
    /// Activity bursts (contractions) found on this channel by the recording's own threshold, markers or not.
    pub reps: Vec<RepReport>,
    /// Bursts grouped by the pauses between them, each with its fatigue slope (not the user's sets).
    pub burst_groups: Vec<BurstGroup>,
    /// Per-epoch values.
    pub epochs: Vec<Epoch>,
}

/// One activity burst (contraction) of one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepReport {
    /// Onset, s.
    pub onset_s: f64,
    /// Offset, s.
    pub offset_s: f64,
    /// Duration, s.
    pub duration_s: f64,
    /// Peak envelope, uV.
    pub peak_uv: f64,
    /// Mean envelope, uV.
    pub mean_uv: f64,
    /// Peak in %MVC (when calibrated).
    pub peak_pct_mvc: Option<f64>,
    /// Mean in %MVC (when calibrated).
    pub mean_pct_mvc: Option<f64>,
    /// Time the envelope spent at or above the target (`target_pct_mvc`) during the rep, s (when calibrated).
    pub time_above_target_s: Option<f64>,
}

/// Activity bursts closer together than [`super::SET_GAP_S`], found without any marker (the user's own sets
/// are [`Report::sets`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BurstGroup {
    /// First burst's onset, s.
    pub start_s: f64,
    /// Last burst's offset, s.
    pub end_s: f64,
    /// Bursts in the group.
    pub reps: usize,
    /// MDF slope over the group's active epochs, Hz per minute (negative = fatiguing); `None` when
    /// unreliable (see `fatigue`).
    pub mdf_slope_hz_per_min: Option<f64>,
    /// The fatigue trend behind the slope.
    pub fatigue: FatigueTrend,
}

/// Co-contraction during one of the agonist's reps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairRep {
    /// Onset of the agonist's rep, s.
    pub onset_s: f64,
    /// Offset, s.
    pub offset_s: f64,
    /// Falconer & Winter over the rep, %.
    pub falconer_winter_pct: f64,
    /// Rudolph index averaged over the rep.
    pub rudolph: f64,
}

/// Results for one agonist/antagonist pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairReport {
    /// Agonist channel index.
    pub agonist: usize,
    /// Antagonist channel index.
    pub antagonist: usize,
    /// Names, for reading.
    pub label: String,
    /// Falconer & Winter over the whole recording, %.
    pub falconer_winter_pct: f64,
    /// Rudolph index averaged over the whole recording.
    pub rudolph: f64,
    /// Mean antagonist/agonist envelope ratio.
    pub mean_ratio: f64,
    /// Falconer & Winter per non-overlapping window (`cci_window_s`), %.
    pub falconer_winter_windows: Vec<f64>,
    /// Falconer & Winter per epoch, %.
    pub falconer_winter_epochs: Vec<f64>,
    /// Rudolph index per epoch.
    pub rudolph_epochs: Vec<f64>,
    /// Co-contraction during each of the agonist's reps.
    pub reps: Vec<PairRep>,
}

/// Everything `innervate analyze` reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Program that made it.
    pub app_version: String,
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Frames analysed.
    pub frames: u64,
    /// Duration, s.
    pub duration_s: f64,
    /// Processing parameters in force.
    pub processing: EffectiveDsp,
    /// Spectral method, for reporting.
    pub spectral_method: String,
    /// Epoch length, s.
    pub epoch_s: f64,
    /// Falconer & Winter window, s.
    pub cci_window_s: f64,
    /// Per channel.
    pub channels: Vec<ChannelReport>,
    /// Per pair.
    pub pairs: Vec<PairReport>,
    /// Per left/right pair.
    pub symmetry: Vec<SymmetryReport>,
    /// The sets the user marked in the session (from its sidecar), each summarised by
    /// [`crate::training::summary::summarize`]: the same numbers as the live set summary and the history.
    #[serde(default)]
    pub sets: Vec<MarkedSetReport>,
}

/// A set the user marked (set-start to set-end marker) and its summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarkedSetReport {
    /// The set's number in the session, from 1.
    pub number: usize,
    /// Start, s from the start of the recording.
    pub start_s: f64,
    /// End, s (the recording's end when no set-end marker was written).
    pub end_s: f64,
    /// A set-end marker closed it.
    pub ended_by_marker: bool,
    /// The plan it was done to (recorded on its start marker, or assumed for older sessions).
    pub plan: SetPlan,
    /// False when the plan was assumed ([`SetPlan::assumed`]).
    pub plan_recorded: bool,
    /// The target muscle's name.
    pub target_name: String,
    /// The competing muscle's name, if any.
    pub competing_name: Option<String>,
    /// The summary.
    pub summary: SetSummary,
    /// Every recorded muscle over the set (the set summary's and the report's body map).
    #[serde(default)]
    pub muscles: Vec<SetMuscle>,
    /// The symmetry index of each left/right pair over the set.
    #[serde(default)]
    pub symmetry: Vec<SetSymmetry>,
}

/// One muscle's envelope over a set (all of it, not only its reps), from the pass's slowed envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetMuscle {
    /// Channel index.
    pub channel: usize,
    /// The muscle's name.
    pub name: String,
    /// Highest envelope point in the set, uV.
    pub peak_uv: f64,
    /// Mean envelope over the set, uV.
    pub mean_uv: f64,
    /// The peak in %MVC, where the channel has an MVC reference.
    pub peak_pct_mvc: Option<f64>,
    /// The mean in %MVC, where the channel has an MVC reference.
    pub mean_pct_mvc: Option<f64>,
}

/// A left/right pair's symmetry over one set: [`super::normalised_symmetry`] of the sides' mean envelopes
/// over the set (the rule `analyze --lr` applies to the whole recording).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetSymmetry {
    /// Left channel index.
    pub left: usize,
    /// Right channel index.
    pub right: usize,
    /// Names, for reading.
    pub label: String,
    /// "%MVC" when both sides are calibrated, "uV" otherwise.
    pub unit: String,
    /// Symmetry index, %: 0 = equal sides.
    pub symmetry_index_pct: f64,
}

/// Left/right symmetry of one muscle pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SymmetryReport {
    /// Left channel index.
    pub left: usize,
    /// Right channel index.
    pub right: usize,
    /// Names, for reading.
    pub label: String,
    /// Unit the sides were compared in: "%MVC" when both are calibrated, "uV" otherwise.
    pub unit: String,
    /// Symmetry index over the recording (mean envelopes), %: 0 = equal sides.
    pub symmetry_index_pct: f64,
    /// Symmetry index per epoch, %.
    pub epochs_pct: Vec<f64>,
}
