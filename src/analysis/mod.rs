//! Offline analysis of a recording with the same DSP chain as the live view, in bounded memory.
//!
//! Per channel: envelope percentiles, signal quality, and per 1 s epoch the RMS, MDF and MNF with the MDF
//! slope (fatigue). Per agonist/antagonist pair: Falconer & Winter per 100 ms window and per epoch, and the
//! Rudolph index per epoch. Every processing parameter goes into the report (ISEK reporting).

pub mod format;
pub mod histogram;

/// Signal quality measures and verdicts (shared with the live view).
pub use crate::dsp::quality;

use crate::block::MAX_CHANNELS;
use crate::dsp::reps::{self, DetectedRep, RepDetector, RepDetectorConfig};
use crate::dsp::spectrum::{self, Welch};
use crate::dsp::{DspConfig, DspError, EffectiveDsp, MusclePair, Processor};
use crate::source::{FrameGenerator, SourceError};
pub use format::{report_csv, report_text};
use histogram::LogHistogram;
use quality::{ChannelQuality, RawTracker};
use serde::{Deserialize, Serialize};

/// Settings of an analysis run.
#[derive(Clone, Debug)]
pub struct AnalyzeOptions {
    /// Processing parameters (defaults: DESIGN.md section 3).
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
    /// Signal the rep detector watches.
    pub onset_signal: OnsetSignal,
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
        }
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
    /// MDF slope over the recording, Hz per minute (negative = fatiguing); `None` with fewer than 2 epochs.
    pub mdf_slope_hz_per_min: Option<f64>,
    /// Whether the spectral numbers can be trusted (sample rate of at least 1 kHz).
    pub spectral_reliable: bool,
    /// MVC reference used for %MVC, uV (`None` when not calibrated).
    pub mvc_uv: Option<f64>,
    /// Envelope level that separated reps from rest, uV.
    pub rep_threshold_uv: f64,
    /// Reps (contractions) found on this channel.
    pub reps: Vec<RepReport>,
    /// Sets of reps, each with its fatigue slope.
    pub sets: Vec<SetReport>,
    /// Per-epoch values.
    pub epochs: Vec<Epoch>,
}

/// One rep of one channel.
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

/// A set: reps closer together than [`SET_GAP_S`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetReport {
    /// First rep's onset, s.
    pub start_s: f64,
    /// Last rep's offset, s.
    pub end_s: f64,
    /// Reps in the set.
    pub reps: usize,
    /// MDF slope over the set's epochs, Hz per minute (negative = fatiguing); `None` under 2 epochs.
    pub mdf_slope_hz_per_min: Option<f64>,
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

/// Threshold for a signal without a physical scale: rest is its quietest epoch, the reference its 98th
/// percentile.
fn self_referenced_threshold(signal: &[f32], per_epoch: usize, k: f64, fraction: f64) -> f64 {
    if signal.is_empty() {
        return f64::INFINITY;
    }
    let rest = signal
        .chunks(per_epoch)
        .map(|chunk| {
            let n = chunk.len() as f64;
            let mean = chunk.iter().map(|v| *v as f64).sum::<f64>() / n;
            let var = chunk
                .iter()
                .map(|v| (*v as f64 - mean).powi(2))
                .sum::<f64>()
                / n;
            (mean, var.sqrt())
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((0.0, 0.0));
    let mut sorted = signal.to_vec();
    let idx = ((sorted.len() - 1) as f64 * 0.98).round() as usize;
    let (_, p98, _) = sorted.select_nth_unstable_by(idx, |a, b| a.total_cmp(b));
    reps::threshold(rest.0, rest.1, k, *p98 as f64, fraction)
}

/// Groups reps into sets (start, end, rep count): a gap of [`SET_GAP_S`] or more starts a new set.
fn group_sets(reps: &[RepReport]) -> Vec<(f64, f64, usize)> {
    let mut sets: Vec<(f64, f64, usize)> = Vec::new();
    for r in reps {
        match sets.last_mut() {
            Some(last) if r.onset_s - last.1 < SET_GAP_S => {
                last.1 = r.offset_s;
                last.2 += 1;
            }
            _ => sets.push((r.onset_s, r.offset_s, 1)),
        }
    }
    sets
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

/// Per-channel running state.
struct ChannelState {
    bandpassed_epoch: Vec<f64>,
    filtered_epoch: Vec<f64>,
    envelope_hist: LogHistogram,
    epoch_env_sum: f64,
    epoch_env_sq: f64,
    /// The envelope at [`REP_ENVELOPE_RATE_HZ`] for rep detection after the pass (4 bytes per 5 ms).
    slow_envelope: Vec<f32>,
    /// Teager-Kaiser detection signal at the same rate (only with [`OnsetSignal::TeagerKaiser`]).
    slow_tke: Vec<f32>,
    tke: crate::dsp::moving_sum::MovingSum,
    last_two: [f64; 2],
    envelope_sum: f64,
    envelope_peak: f64,
    raw: RawTracker,
    hum_power: f64,
    band_power: f64,
    epochs: Vec<Epoch>,
}

/// Per-pair running state.
struct PairState {
    window_ag: f64,
    window_ant: f64,
    epoch_ag: f64,
    epoch_ant: f64,
    epoch_rudolph: f64,
    total_ag: f64,
    total_ant: f64,
    total_rudolph: f64,
    total_ratio: f64,
    windows: Vec<f64>,
    epochs_fw: Vec<f64>,
    epochs_rudolph: Vec<f64>,
}

pub use crate::dsp::cocontraction::{falconer_winter, rudolph};

/// Called with the envelope of every frame (all channels), e.g. to write an envelope WAV.
pub type EnvelopeSink<'a> = dyn FnMut(&[f32]) -> Result<(), SourceError> + 'a;

/// Analyses everything `source` delivers. `progress` gets the frames done so far about every second of
/// signal; `envelope` (if given) gets every frame's envelopes.
pub fn analyze(
    source: &mut dyn FrameGenerator,
    options: &AnalyzeOptions,
    progress: &mut dyn FnMut(u64),
    mut envelope: Option<&mut EnvelopeSink<'_>>,
) -> Result<Report, AnalyzeError> {
    let info = source.info().clone();
    let fs = info.sample_rate;
    let channels = info.channels();
    let pairs = options.pairs.clone().unwrap_or_else(|| info.pairs.clone());
    let mut processor = Processor::new(channels, fs, &options.dsp, &pairs)?;
    let effective = processor.effective().clone();
    let epoch_len = ((options.epoch_s * fs).round() as usize).max(spectrum::SEGMENT);
    let window_len = ((options.cci_window_s * fs).round() as usize).max(1);
    let mut welch = Welch::default();
    let df = fs / welch.segment() as f64;
    let hum_meter = quality::HumMeter::new(
        epoch_len,
        fs,
        options.dsp.notch.mains_hz,
        effective.bandpass_high_hz,
    );

    let mut state: Vec<ChannelState> = (0..channels)
        .map(|_| ChannelState {
            bandpassed_epoch: Vec::with_capacity(epoch_len),
            filtered_epoch: Vec::with_capacity(epoch_len),
            envelope_hist: LogHistogram::default(),
            epoch_env_sum: 0.0,
            epoch_env_sq: 0.0,
            slow_envelope: Vec::new(),
            slow_tke: Vec::new(),
            tke: crate::dsp::moving_sum::MovingSum::new(effective.envelope_window_samples),
            last_two: [0.0; 2],
            envelope_sum: 0.0,
            envelope_peak: 0.0,
            raw: RawTracker::default(),
            hum_power: 0.0,
            band_power: 0.0,
            epochs: Vec::new(),
        })
        .collect();
    let mut pair_state: Vec<PairState> = pairs
        .iter()
        .map(|_| PairState {
            window_ag: 0.0,
            window_ant: 0.0,
            epoch_ag: 0.0,
            epoch_ant: 0.0,
            epoch_rudolph: 0.0,
            total_ag: 0.0,
            total_ant: 0.0,
            total_rudolph: 0.0,
            total_ratio: 0.0,
            windows: Vec::new(),
            epochs_fw: Vec::new(),
            epochs_rudolph: Vec::new(),
        })
        .collect();

    let mut frame = [0.0f32; MAX_CHANNELS];
    let mut frames: u64 = 0;
    let mut in_window = 0usize;
    let progress_every = fs.round().max(1.0) as u64;
    let slow_every = ((fs / REP_ENVELOPE_RATE_HZ).round() as u64).max(1);
    while source.next_frame(&mut frame[..channels])? {
        let out = processor.process_frame(&frame[..channels]);
        if let Some(sink) = envelope.as_deref_mut() {
            sink(&out.envelope[..channels])?;
        }
        for (c, st) in state.iter_mut().enumerate() {
            let e = out.envelope[c] as f64;
            st.envelope_hist.add(e);
            st.envelope_sum += e;
            st.envelope_peak = st.envelope_peak.max(e);
            st.epoch_env_sum += e;
            st.epoch_env_sq += e * e;
            let tke_mean = if options.onset_signal == OnsetSignal::TeagerKaiser {
                // psi at the previous sample: x[n-1]^2 - x[n-2] x[n] (causal, one sample late).
                let x = out.filtered[c] as f64;
                let psi = (st.last_two[1] * st.last_two[1] - st.last_two[0] * x).abs();
                st.last_two = [st.last_two[1], x];
                st.tke.push(psi).max(0.0) / st.tke.len() as f64
            } else {
                0.0
            };
            if frames.is_multiple_of(slow_every) {
                st.slow_envelope.push(e as f32);
                if options.onset_signal == OnsetSignal::TeagerKaiser {
                    st.slow_tke.push(tke_mean.sqrt() as f32);
                }
            }
            st.raw.add(frame[c]);
            st.bandpassed_epoch.push(out.bandpassed[c] as f64);
            st.filtered_epoch.push(out.filtered[c] as f64);
        }
        for (k, (pair, ps)) in pairs.iter().zip(pair_state.iter_mut()).enumerate() {
            let (ag, ant) = (
                out.envelope[pair.agonist] as f64,
                out.envelope[pair.antagonist] as f64,
            );
            ps.window_ag += ag;
            ps.window_ant += ant;
            ps.epoch_ag += ag;
            ps.epoch_ant += ant;
            let r = rudolph(ag, ant);
            ps.epoch_rudolph += r;
            ps.total_rudolph += r;
            ps.total_ratio += out.pairs[k].ratio as f64;
        }
        in_window += 1;
        if in_window == window_len {
            for ps in &mut pair_state {
                ps.windows
                    .push(falconer_winter(ps.window_ag, ps.window_ant));
                ps.total_ag += ps.window_ag;
                ps.total_ant += ps.window_ant;
                ps.window_ag = 0.0;
                ps.window_ant = 0.0;
            }
            in_window = 0;
        }
        frames += 1;
        if state[0].bandpassed_epoch.len() == epoch_len {
            let start_s = (frames - epoch_len as u64) as f64 / fs;
            close_epoch(
                &mut state, &mut welch, &hum_meter, fs, df, &effective, start_s,
            );
            for ps in &mut pair_state {
                ps.epochs_fw
                    .push(falconer_winter(ps.epoch_ag, ps.epoch_ant));
                ps.epochs_rudolph.push(ps.epoch_rudolph / epoch_len as f64);
                ps.epoch_ag = 0.0;
                ps.epoch_ant = 0.0;
                ps.epoch_rudolph = 0.0;
            }
        }
        if frames.is_multiple_of(progress_every) {
            progress(frames);
        }
    }
    progress(frames);
    for ps in &mut pair_state {
        ps.total_ag += ps.window_ag;
        ps.total_ant += ps.window_ant;
    }

    let spectral_reliable = fs >= 1000.0;
    let slow_dt = slow_every as f64 / fs;
    let slow: Vec<Vec<f32>> = state
        .iter_mut()
        .map(|st| std::mem::take(&mut st.slow_envelope))
        .collect();
    let slow_tke: Vec<Vec<f32>> = state
        .iter_mut()
        .map(|st| std::mem::take(&mut st.slow_tke))
        .collect();
    let slow_per_epoch = ((options.epoch_s / slow_dt).round() as usize).max(1);
    let rep_setup: Vec<(Option<f64>, f64, Vec<DetectedRep>)> = state
        .iter()
        .enumerate()
        .map(|(c, st)| {
            let mvc = options
                .mvc_uv
                .as_ref()
                .and_then(|m| m.get(c).copied())
                .filter(|m| *m > 0.0);
            let reference = mvc.unwrap_or_else(|| st.envelope_hist.quantile(0.98).unwrap_or(0.0));
            // Rest: the quietest epoch (the whole recording if it is shorter than one epoch).
            let rest = st
                .epochs
                .iter()
                .min_by(|a, b| a.envelope_mean_uv.total_cmp(&b.envelope_mean_uv))
                .map(|e| (e.envelope_mean_uv, e.envelope_sd_uv))
                .unwrap_or((st.envelope_hist.quantile(0.05).unwrap_or(0.0), 0.0));
            let (signal, threshold) = match options.onset_signal {
                OnsetSignal::Rms => (
                    &slow[c],
                    reps::threshold(
                        rest.0,
                        rest.1,
                        options.rep_k,
                        reference,
                        options.rep_fraction,
                    ),
                ),
                OnsetSignal::TeagerKaiser => (
                    &slow_tke[c],
                    self_referenced_threshold(
                        &slow_tke[c],
                        slow_per_epoch,
                        options.rep_k,
                        options.rep_fraction,
                    ),
                ),
            };
            let mut detector = RepDetector::new(RepDetectorConfig::new(
                threshold,
                options.dsp.envelope_window_s,
            ));
            let mut found: Vec<DetectedRep> = signal
                .iter()
                .enumerate()
                .filter_map(|(i, e)| detector.push(i as f64 * slow_dt, *e as f64))
                .collect();
            found.extend(detector.flush(signal.len() as f64 * slow_dt));
            (mvc, threshold, found)
        })
        .collect();
    // Envelope samples of channel `c` inside a rep (times already delay-corrected, so shift back).
    let delay = options.dsp.envelope_window_s / 2.0;
    let rep_slice = |c: usize, r: &DetectedRep| -> &[f32] {
        let from = (((r.onset_s + delay) / slow_dt).round() as usize).min(slow[c].len());
        let to = (((r.offset_s + delay) / slow_dt).round() as usize).clamp(from, slow[c].len());
        &slow[c][from..to]
    };
    let channel_reports: Vec<ChannelReport> = state
        .into_iter()
        .enumerate()
        .map(|(c, st)| {
            let (mvc, rep_threshold, found) = &rep_setup[c];
            let pct = |v: f64| mvc.map(|m| 100.0 * v / m);
            let reps_out: Vec<RepReport> = found
                .iter()
                .map(|r| {
                    let seg = rep_slice(c, r);
                    let peak = seg.iter().copied().fold(0.0f32, f32::max) as f64;
                    let mean = if seg.is_empty() {
                        0.0
                    } else {
                        seg.iter().map(|v| *v as f64).sum::<f64>() / seg.len() as f64
                    };
                    let target_uv = mvc.map(|m| options.target_pct_mvc / 100.0 * m);
                    RepReport {
                        onset_s: r.onset_s,
                        offset_s: r.offset_s,
                        duration_s: r.duration_s(),
                        peak_uv: peak,
                        mean_uv: mean,
                        peak_pct_mvc: pct(peak),
                        mean_pct_mvc: pct(mean),
                        time_above_target_s: target_uv.map(|t| {
                            seg.iter().filter(|v| **v as f64 >= t).count() as f64 * slow_dt
                        }),
                    }
                })
                .collect();
            let sets = group_sets(&reps_out)
                .into_iter()
                .map(|(start_s, end_s, reps)| {
                    let points: Vec<(f64, f64)> = st
                        .epochs
                        .iter()
                        .filter(|e| {
                            e.start_s >= start_s - 0.5 && e.start_s + options.epoch_s <= end_s + 0.5
                        })
                        .filter_map(|e| {
                            e.mdf_hz
                                .map(|m| ((e.start_s + options.epoch_s / 2.0) / 60.0, m))
                        })
                        .collect();
                    SetReport {
                        start_s,
                        end_s,
                        reps,
                        mdf_slope_hz_per_min: spectrum::slope(&points),
                    }
                })
                .collect();
            let q = |p: f64| st.envelope_hist.quantile(p).unwrap_or(0.0);
            let activity = q(0.95);
            let hum_uv = quality::hum_rms(st.hum_power, frames);
            let clipped = st.raw.clipped_fraction();
            let (verdict, reason) = quality::judge(activity, hum_uv, clipped);
            let mdf_points: Vec<(f64, f64)> = st
                .epochs
                .iter()
                .filter_map(|e| {
                    e.mdf_hz
                        .map(|m| ((e.start_s + options.epoch_s / 2.0) / 60.0, m))
                })
                .collect();
            ChannelReport {
                name: info.channel_names[c].clone(),
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
                mdf_slope_hz_per_min: spectrum::slope(&mdf_points),
                spectral_reliable,
                mvc_uv: *mvc,
                rep_threshold_uv: *rep_threshold,
                reps: reps_out,
                sets,
                epochs: st.epochs,
            }
        })
        .collect();
    let pair_reports = pairs
        .iter()
        .zip(pair_state)
        .map(|(p, ps)| PairReport {
            agonist: p.agonist,
            antagonist: p.antagonist,
            label: format!(
                "{} / {}",
                info.channel_names[p.antagonist], info.channel_names[p.agonist]
            ),
            falconer_winter_pct: falconer_winter(ps.total_ag, ps.total_ant),
            rudolph: if frames > 0 {
                ps.total_rudolph / frames as f64
            } else {
                0.0
            },
            mean_ratio: if frames > 0 {
                ps.total_ratio / frames as f64
            } else {
                0.0
            },
            falconer_winter_windows: ps.windows,
            falconer_winter_epochs: ps.epochs_fw,
            rudolph_epochs: ps.epochs_rudolph,
            reps: rep_setup[p.agonist]
                .2
                .iter()
                .map(|r| {
                    let ag = rep_slice(p.agonist, r);
                    let ant = rep_slice(p.antagonist, r);
                    let i_ag: f64 = ag.iter().map(|v| *v as f64).sum();
                    let i_ant: f64 = ant.iter().map(|v| *v as f64).sum();
                    let rud: f64 = ag
                        .iter()
                        .zip(ant)
                        .map(|(a, b)| rudolph(*a as f64, *b as f64))
                        .sum();
                    PairRep {
                        onset_s: r.onset_s,
                        offset_s: r.offset_s,
                        falconer_winter_pct: falconer_winter(i_ag, i_ant),
                        rudolph: if ag.is_empty() {
                            0.0
                        } else {
                            rud / ag.len() as f64
                        },
                    }
                })
                .collect(),
        })
        .collect();
    let symmetry = options
        .left_right
        .iter()
        .filter(|(l, r)| *l < channels && *r < channels)
        .map(|&(l, r)| {
            let (cl, cr): (&ChannelReport, &ChannelReport) =
                (&channel_reports[l], &channel_reports[r]);
            let both = cl.mvc_uv.zip(cr.mvc_uv);
            let norm = |v: f64, mvc: Option<f64>| match (both, mvc) {
                (Some(_), Some(m)) => 100.0 * v / m,
                _ => v,
            };
            SymmetryReport {
                left: l,
                right: r,
                label: format!("{} / {}", cl.name, cr.name),
                unit: if both.is_some() { "%MVC" } else { "uV" }.into(),
                symmetry_index_pct: symmetry_index(
                    norm(cl.envelope_mean_uv, cl.mvc_uv),
                    norm(cr.envelope_mean_uv, cr.mvc_uv),
                ),
                epochs_pct: cl
                    .epochs
                    .iter()
                    .zip(&cr.epochs)
                    .map(|(a, b)| {
                        symmetry_index(
                            norm(a.envelope_mean_uv, cl.mvc_uv),
                            norm(b.envelope_mean_uv, cr.mvc_uv),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Report {
        app_version: env!("CARGO_PKG_VERSION").into(),
        sample_rate_hz: fs,
        frames,
        duration_s: frames as f64 / fs,
        processing: effective,
        spectral_method: format!(
            "Welch per {} s epoch: periodic Hann {} samples, {} overlap, mean removed per segment; bins {}-{} Hz; \
             MDF interpolated within the half-power bin",
            options.epoch_s,
            spectrum::SEGMENT,
            spectrum::OVERLAP,
            options.dsp.bandpass_low_hz,
            options.dsp.effective_high_hz(fs)
        ),
        epoch_s: options.epoch_s,
        cci_window_s: options.cci_window_s,
        channels: channel_reports,
        pairs: pair_reports,
        symmetry,
    })
}

fn close_epoch(
    state: &mut [ChannelState],
    welch: &mut Welch,
    hum_meter: &quality::HumMeter,
    fs: f64,
    df: f64,
    effective: &EffectiveDsp,
    start_s: f64,
) {
    for st in state.iter_mut() {
        let n = st.filtered_epoch.len();
        let rms = (st.filtered_epoch.iter().map(|v| v * v).sum::<f64>() / n.max(1) as f64).sqrt();
        let freqs = welch.frequencies(
            &st.filtered_epoch,
            fs,
            effective.bandpass_low_hz,
            effective.bandpass_high_hz,
        );
        let env_mean = st.epoch_env_sum / n.max(1) as f64;
        let env_sd = (st.epoch_env_sq / n.max(1) as f64 - env_mean * env_mean)
            .max(0.0)
            .sqrt();
        st.epoch_env_sum = 0.0;
        st.epoch_env_sq = 0.0;
        st.epochs.push(Epoch {
            start_s,
            rms_uv: rms,
            envelope_mean_uv: env_mean,
            envelope_sd_uv: env_sd,
            mdf_hz: freqs.map(|f| f.mdf_hz),
            mnf_hz: freqs.map(|f| f.mnf_hz),
        });
        st.hum_power += hum_meter.power(&st.bandpassed_epoch) * n as f64;
        let segment = welch.segment();
        if let Some(power) = welch.psd(&st.bandpassed_epoch) {
            let (low, high) = (effective.bandpass_low_hz, effective.bandpass_high_hz);
            st.band_power += quality::band_variance(power, segment, df, low, high) * n as f64;
        }
        st.bandpassed_epoch.clear();
        st.filtered_epoch.clear();
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
