//! Activity bursts per channel, found without markers: a threshold from the recording itself (Hodges & Bui
//! on its quietest epoch, or a fraction of the MVC or the 98th percentile), then grouped by the pauses
//! between them. The user's own sets are in [`super::sets`].

use super::pass::{ChannelPass, Pass};
use super::report::{BurstGroup, Epoch, RepReport};
use super::{AnalyzeOptions, OnsetSignal, SET_GAP_S};
use crate::dsp::edges;
use crate::dsp::fatigue::fatigue_trend;
use crate::dsp::reps::{self, DetectedRep, RepDetector, RepDetectorConfig};

/// One channel's bursts and how they were found.
pub(super) struct ChannelBursts {
    /// MVC reference in use, uV.
    pub mvc: Option<f64>,
    /// The threshold, uV (or the Teager-Kaiser signal's own unit).
    pub threshold: f64,
    /// The activity threshold on the RMS envelope, uV (the same as `threshold` unless bursts are found on
    /// the Teager-Kaiser signal): epochs count as active above it.
    pub envelope_threshold: f64,
    /// The bursts.
    pub found: Vec<DetectedRep>,
}

/// Finds the bursts of channel `c`.
pub(super) fn detect(
    c: usize,
    st: &ChannelPass,
    slow_dt: f64,
    options: &AnalyzeOptions,
) -> ChannelBursts {
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
    let slow_per_epoch = ((options.epoch_s / slow_dt).round() as usize).max(1);
    let envelope_threshold = reps::threshold(
        rest.0,
        rest.1,
        options.rep_k,
        reference,
        options.rep_fraction,
    );
    let (signal, threshold) = match options.onset_signal {
        OnsetSignal::Rms => (&st.slow_envelope, envelope_threshold),
        OnsetSignal::TeagerKaiser => (
            &st.slow_tke,
            self_referenced_threshold(
                &st.slow_tke,
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
    if options.onset_signal == OnsetSignal::Rms {
        // Edges where the activity crosses, not where the 100 ms window first and last sees it.
        let env = edges::Envelope {
            values: &st.slow_envelope,
            t0: 0.0,
            dt: slow_dt,
            window_s: options.dsp.envelope_window_s,
        };
        for rep in &mut found {
            *rep = edges::refine(*rep, &env, threshold);
        }
    }
    ChannelBursts {
        mvc,
        threshold,
        envelope_threshold,
        found,
    }
}

/// The slowed envelope inside a burst (its times are delay-corrected, so shift back by the delay).
pub(super) fn burst_slice<'a>(
    pass: &'a Pass,
    c: usize,
    r: &DetectedRep,
    options: &AnalyzeOptions,
) -> &'a [f32] {
    let slow = &pass.channels[c].slow_envelope;
    let delay = options.dsp.envelope_window_s / 2.0;
    let from = (((r.onset_s + delay) / pass.slow_dt).round() as usize).min(slow.len());
    let to = (((r.offset_s + delay) / pass.slow_dt).round() as usize).clamp(from, slow.len());
    &slow[from..to]
}

/// Peak, mean and time above the target of each burst of channel `c`.
pub(super) fn burst_reports(
    pass: &Pass,
    c: usize,
    bursts: &ChannelBursts,
    options: &AnalyzeOptions,
) -> Vec<RepReport> {
    let pct = |v: f64| bursts.mvc.map(|m| 100.0 * v / m);
    bursts
        .found
        .iter()
        .map(|r| {
            let seg = burst_slice(pass, c, r, options);
            let peak = seg.iter().copied().fold(0.0f32, f32::max) as f64;
            let mean = if seg.is_empty() {
                0.0
            } else {
                seg.iter().map(|v| *v as f64).sum::<f64>() / seg.len() as f64
            };
            let target_uv = bursts.mvc.map(|m| options.target_pct_mvc / 100.0 * m);
            RepReport {
                onset_s: r.onset_s,
                offset_s: r.offset_s,
                duration_s: r.duration_s(),
                peak_uv: peak,
                mean_uv: mean,
                peak_pct_mvc: pct(peak),
                mean_pct_mvc: pct(mean),
                time_above_target_s: target_uv
                    .map(|t| seg.iter().filter(|v| **v as f64 >= t).count() as f64 * pass.slow_dt),
            }
        })
        .collect()
}

/// Groups bursts by pauses of [`SET_GAP_S`] or more, each group with the fatigue trend over its epochs.
pub(super) fn burst_groups(
    reps: &[RepReport],
    epochs: &[Epoch],
    epoch_s: f64,
    fs: f64,
) -> Vec<BurstGroup> {
    let mut groups: Vec<(f64, f64, usize)> = Vec::new();
    for r in reps {
        match groups.last_mut() {
            Some(last) if r.onset_s - last.1 < SET_GAP_S => {
                last.1 = r.offset_s;
                last.2 += 1;
            }
            _ => groups.push((r.onset_s, r.offset_s, 1)),
        }
    }
    groups
        .into_iter()
        .map(|(start_s, end_s, reps)| {
            let inside = epochs
                .iter()
                .filter(|e| e.start_s >= start_s - 0.5 && e.start_s + epoch_s <= end_s + 0.5);
            let fatigue = fatigue_trend(inside.map(|e| e.mdf(epoch_s)), fs);
            BurstGroup {
                start_s,
                end_s,
                reps,
                mdf_slope_hz_per_min: fatigue.slope_hz_per_min,
                fatigue,
            }
        })
        .collect()
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
