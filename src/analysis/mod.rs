//! Offline analysis of a recording with the same DSP chain as the live view, in bounded memory.
//!
//! Per channel: envelope percentiles, signal quality, and per 1 s epoch the RMS, MDF and MNF with the MDF
//! slope (fatigue), and the activity bursts found without markers. Per agonist/antagonist pair: Falconer &
//! Winter per 100 ms window and per epoch, and the Rudolph index per epoch. Per set the user marked: the set
//! summary ([`crate::training::summary`]), the one the live view, the history and review show. Every
//! processing parameter goes into the report (ISEK reporting).
//!
//! One pass ([`pass`]) reads the recording; the reports are made from what it kept.

mod bursts;
pub mod envelope_run;
pub mod format;
pub mod histogram;
pub mod history_import;
mod pairs;
mod pass;
pub mod recorded_set;
pub mod report;
mod sets;

/// Signal quality measures and verdicts (shared with the live view).
pub use crate::dsp::quality;

use crate::dsp::fatigue::fatigue_trend;
use crate::dsp::spectrum;
use crate::dsp::{DspConfig, DspError, MusclePair};
use crate::session::MarkedSet;
use crate::session::load::Session;
use crate::source::{FrameGenerator, SourceError};
pub use format::{report_csv, report_text, set_symmetry_text};
use quality::ChannelQuality;
pub use recorded_set::{RecordedSetError, summarize_recorded_set};
pub use report::{
    BurstGroup, ChannelReport, Epoch, MarkedSetReport, PairRep, PairReport, RepReport, Report,
    SetMuscle, SetSymmetry, SymmetryReport,
};
use serde::{Deserialize, Serialize};

/// Settings of an analysis run.
#[derive(Clone, Debug)]
pub struct AnalyzeOptions {
    /// Processing parameters (defaults: docs/ARCHITECTURE.md section 7).
    pub dsp: DspConfig,
    /// Pairs to report; `None` takes the source's own pairs.
    pub pairs: Option<Vec<MusclePair>>,
    /// Spectral epoch, s (non-overlapping).
    pub epoch_s: f64,
    /// Falconer & Winter window, s (non-overlapping).
    pub cci_window_s: f64,
    /// MVC reference per channel, uV (peak of the 100 ms RMS envelope); enables %MVC.
    pub mvc_uv: Option<Vec<f64>>,
    /// Rep threshold as a fraction of the reference level (the MVC, or the 98th percentile without one).
    pub rep_fraction: f64,
    /// Hodges & Bui k for the rest-based part of the rep threshold.
    pub rep_k: f64,
    /// Left/right pairs (left channel, right channel) for the symmetry index.
    pub left_right: Vec<(usize, usize)>,
    /// Target level in %MVC for "time above target" (used for calibrated channels).
    pub target_pct_mvc: f64,
    /// Signal the burst detector watches.
    pub onset_signal: OnsetSignal,
    /// The sets the user marked (from the session's sidecar), summarised in [`Report::sets`].
    pub marked_sets: Vec<MarkedSet>,
}

/// What rep detection runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnsetSignal {
    /// The RMS envelope (default).
    #[default]
    Rms,
    /// The Teager-Kaiser energy `x[n]^2 - x[n-1] x[n+1]` of the filtered signal, averaged over the RMS window
    /// (square-rooted): it weighs fast, high-frequency activity, which sharpens onsets. Its threshold comes
    /// from the recording itself (the reference is its 98th percentile), as it has no microvolt scale.
    TeagerKaiser,
}

/// Reps further apart than this belong to different sets, s.
pub const SET_GAP_S: f64 = 4.0;

impl Default for AnalyzeOptions {
    fn default() -> Self {
        Self {
            dsp: DspConfig::default(),
            pairs: None,
            epoch_s: 1.0,
            cci_window_s: 0.1,
            mvc_uv: None,
            rep_fraction: crate::dsp::reps::DEFAULT_REFERENCE_FRACTION,
            rep_k: crate::dsp::reps::DEFAULT_K,
            left_right: Vec::new(),
            target_pct_mvc: 60.0,
            onset_signal: OnsetSignal::Rms,
            marked_sets: Vec::new(),
        }
    }
}

impl AnalyzeOptions {
    /// The settings a session implies: its own processing parameters, pairs, MVC references, left/right
    /// pairs and marked sets (the defaults for a plain WAV). Review, `analyze` and the set summary start here,
    /// so they process a session as it was recorded.
    pub fn for_session(session: &Session) -> Self {
        let mut options = Self::default();
        if let Some(s) = &session.sidecar {
            options.dsp = s.dsp.clone();
            options.pairs = Some(s.pairs.clone());
            options.left_right = s.meta.left_right.clone();
            if s.meta.mvc_uv.iter().any(Option::is_some) && s.meta.mvc_uv.len() == session.channels
            {
                options.mvc_uv = Some(s.meta.mvc_uv.iter().map(|m| m.unwrap_or(0.0)).collect());
            }
            options.marked_sets = crate::session::marked_sets(s);
        }
        options
    }
}

/// Rate of the stored envelope that rep detection runs on after the pass, Hz (5 ms resolution).
pub const REP_ENVELOPE_RATE_HZ: f64 = 200.0;

/// Why an analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The recording could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The settings do not work for this recording.
    #[error(transparent)]
    Dsp(#[from] DspError),
}

/// Left/right symmetry index `|L - R| / ((L + R) / 2) * 100` (0 when both are silent).
pub fn symmetry_index(left: f64, right: f64) -> f64 {
    let mean = (left + right) / 2.0;
    if mean > 0.0 {
        (left - right).abs() / mean * 100.0
    } else {
        0.0
    }
}

/// The symmetry index of a left/right pair from each side's mean envelope (uV) and MVC reference: in %MVC
/// when both sides are calibrated, else in uV. Returns the index (%) and the unit it compared in. The one
/// rule for `analyze --lr`, review, the set summary and the live body map.
pub fn normalised_symmetry(
    (left_uv, left_mvc): (f64, Option<f64>),
    (right_uv, right_mvc): (f64, Option<f64>),
) -> (f64, &'static str) {
    match left_mvc.zip(right_mvc) {
        Some((l, r)) if l > 0.0 && r > 0.0 => (
            symmetry_index(100.0 * left_uv / l, 100.0 * right_uv / r),
            "%MVC",
        ),
        _ => (symmetry_index(left_uv, right_uv), "uV"),
    }
}

pub use crate::dsp::cocontraction::{falconer_winter, rudolph};

pub use envelope_run::EnvelopeRun;

/// Called with every frame's envelopes (all channels), a run of frames at a time in order, e.g. to write an
/// envelope WAV or draw an overview.
pub type EnvelopeSink<'a> = dyn FnMut(&EnvelopeRun<'_>) -> Result<(), SourceError> + 'a;

/// Analyses everything `source` delivers. `progress` gets the frames done so far about every second of
/// signal; `envelope` (if given) gets every frame's envelopes.
pub fn analyze(
    source: &mut dyn FrameGenerator,
    options: &AnalyzeOptions,
    progress: &mut dyn FnMut(u64),
    envelope: Option<&mut EnvelopeSink<'_>>,
) -> Result<Report, AnalyzeError> {
    let info = source.info().clone();
    let fs = info.sample_rate;
    let channels = info.channels();
    let pairs = options.pairs.clone().unwrap_or_else(|| info.pairs.clone());
    let mut pass = pass::run(source, options, &pairs, progress, envelope)?;
    let names = &info.channel_names;
    let frames = pass.frames;
    let bursts: Vec<bursts::ChannelBursts> = pass
        .channels
        .iter()
        .enumerate()
        .map(|(c, st)| bursts::detect(c, st, pass.slow_dt, options))
        .collect();
    // Each epoch's share of activity, against the channel's own threshold.
    for (c, found) in bursts.iter().enumerate() {
        let fractions: Vec<f64> = pass.channels[c]
            .epochs
            .iter()
            .map(|e| pass.epoch_active_fraction(c, e, fs, found.envelope_threshold))
            .collect();
        for (e, f) in pass.channels[c].epochs.iter_mut().zip(fractions) {
            e.active_fraction = f;
        }
    }
    let sets = options
        .marked_sets
        .iter()
        .filter_map(|set| sets::marked_set_report(set, &pass, names, fs, options))
        .collect();
    let channel_reports: Vec<ChannelReport> = (0..channels)
        .map(|c| channel_report(c, &pass, &bursts[c], names, fs, options))
        .collect();
    let pair_passes = std::mem::take(&mut pass.pairs);
    let pair_reports = pairs
        .iter()
        .zip(pair_passes)
        .map(|(p, ps)| pairs::pair_report(p, ps, &pass, &bursts, names, options))
        .collect();
    let symmetry = options
        .left_right
        .iter()
        .filter(|(l, r)| *l < channels && *r < channels)
        .map(|&(l, r)| pairs::symmetry_report(l, r, &channel_reports))
        .collect();
    Ok(Report {
        app_version: env!("CARGO_PKG_VERSION").into(),
        sample_rate_hz: fs,
        frames,
        duration_s: frames as f64 / fs,
        processing: pass.effective.clone(),
        spectral_method: format!(
            "Welch per {} s epoch: periodic Hann {} samples, half overlap, mean removed per segment; band {}-{} Hz, \
             each bin's power spread over its width and counted in proportion to its part in the band; \
             MDF interpolated within the half-power bin",
            options.epoch_s,
            spectrum::segment_for(fs),
            options.dsp.bandpass_low_hz,
            options.dsp.effective_high_hz(fs)
        ),
        epoch_s: options.epoch_s,
        cci_window_s: options.cci_window_s,
        channels: channel_reports,
        pairs: pair_reports,
        symmetry,
        sets,
    })
}

/// The report of channel `c`: envelope statistics, quality, fatigue, bursts and epochs.
fn channel_report(
    c: usize,
    pass: &pass::Pass,
    found: &bursts::ChannelBursts,
    names: &[String],
    fs: f64,
    options: &AnalyzeOptions,
) -> ChannelReport {
    let st = &pass.channels[c];
    let frames = pass.frames;
    let reps = bursts::burst_reports(pass, c, found, options);
    let burst_groups = bursts::burst_groups(&reps, &st.epochs, options.epoch_s, fs);
    let q = |p: f64| st.envelope_hist.quantile(p).unwrap_or(0.0);
    let activity = q(0.95);
    let hum_uv = quality::hum_rms(st.hum_power, frames);
    let clipped = st.raw.clipped_fraction();
    let (verdict, reason) = quality::judge(activity, hum_uv, clipped);
    let fatigue = fatigue_trend(st.epochs.iter().map(|e| e.mdf(options.epoch_s)), fs);
    ChannelReport {
        name: names[c].clone(),
        envelope_mean_uv: if frames > 0 {
            st.envelope_sum / frames as f64
        } else {
            0.0
        },
        envelope_median_uv: q(0.5),
        envelope_peak_uv: st.envelope_peak,
        quality: ChannelQuality {
            baseline_noise_uv: q(0.05),
            activity_uv: activity,
            mains_hum_uv: hum_uv,
            mains_hum_ratio: if st.band_power > 0.0 {
                st.hum_power / st.band_power
            } else {
                0.0
            },
            clipped_fraction: clipped,
            distinct_values: st.raw.distinct_values(),
            verdict,
            reason,
            median_frequency_hz: None,
        },
        mdf_slope_hz_per_min: fatigue.slope_hz_per_min,
        fatigue,
        spectral_reliable: fs >= 1000.0,
        mvc_uv: found.mvc,
        rep_threshold_uv: found.threshold,
        reps,
        burst_groups,
        epochs: st.epochs.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetry_index_and_rudolph() {
        assert_eq!(symmetry_index(100.0, 100.0), 0.0);
        // |120 - 80| / 100 * 100 = 40 %
        assert!((symmetry_index(120.0, 80.0) - 40.0).abs() < 1e-12);
        assert_eq!(symmetry_index(0.0, 0.0), 0.0);
        // Rudolph: (lower / higher) * (lower + higher)
        assert!((rudolph(10.0, 30.0) - 40.0 / 3.0).abs() < 1e-12);
        assert_eq!(rudolph(0.0, 0.0), 0.0);
    }
}
