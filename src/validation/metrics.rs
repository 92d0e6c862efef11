//! The metrics: each measured value of the analysis against the board's truth, with its bound.

use super::MetricRow;
use super::truth::Truth;
use crate::analysis::{AnalyzeOptions, Report};
use crate::dsp::fatigue::MIN_ACTIVE_FRACTION;
use crate::dsp::spectrum;

/// Edges count as right within this, s.
const EDGE_TOLERANCE_S: f64 = 0.05;
/// Spectral metrics are judged on muscles working above this fraction of their MVC.
const WORKING_ACTIVATION: f64 = 0.2;

/// Every metric's row.
pub fn rows(
    report: &Report,
    truth: &Truth,
    gains: &[f64],
    seconds: f64,
    options: &AnalyzeOptions,
) -> Vec<MetricRow> {
    let agonists: Vec<usize> = (0..report.channels.len()).step_by(2).collect();
    vec![
        envelope_gain(gains),
        edges(report, truth, gains, seconds, &agonists),
        spectral_bias(report, truth, &agonists, options, true),
        spectral_bias(report, truth, &agonists, options, false),
        fatigue_slopes(report, truth, &agonists, options),
        fatigue_signs(report, truth, options),
        cocontraction(report, truth),
    ]
}

fn row(metric: &str, definition: &str, result: String, bound: &str, pass: bool) -> MetricRow {
    MetricRow {
        metric: metric.into(),
        definition: definition.into(),
        result,
        bound: bound.into(),
        pass,
    }
}

fn envelope_gain(gains: &[f64]) -> MetricRow {
    let lo = gains.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = gains.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    row(
        "Envelope gain",
        "least-squares scale of the 100 ms RMS envelope on the true EMG amplitude, every sample, per channel \
         (the 20-450 Hz band-pass removes the simulated EMG's power outside the band)",
        format!("{lo:.3} to {hi:.3} over {} channels", gains.len()),
        "0.85 to 1.05",
        lo >= 0.85 && hi <= 1.05,
    )
}

/// Rep and hold edges of every agonist against the moments its true amplitude crosses the detector's
/// threshold (expressed in true amplitude through the channel's gain).
fn edges(
    report: &Report,
    truth: &Truth,
    gains: &[f64],
    seconds: f64,
    agonists: &[usize],
) -> MetricRow {
    let (mut total, mut matched) = (0usize, 0usize);
    let mut onset_err: Vec<f64> = Vec::new();
    let mut offset_err: Vec<f64> = Vec::new();
    for &c in agonists {
        let ch = &report.channels[c];
        let level = ch.rep_threshold_uv / gains[c].max(1e-9);
        let bursts: Vec<_> = truth
            .bursts_above(c, level, seconds)
            .into_iter()
            .filter(|b| {
                b.offset_s - b.onset_s >= 0.3 && b.onset_s > 0.5 && b.offset_s < seconds - 0.5
            })
            .collect();
        for b in bursts {
            total += 1;
            let nearest = ch.reps.iter().min_by(|x, y| {
                let dx = (x.onset_s - b.onset_s).abs() + (x.offset_s - b.offset_s).abs();
                let dy = (y.onset_s - b.onset_s).abs() + (y.offset_s - b.offset_s).abs();
                dx.total_cmp(&dy)
            });
            if let Some(r) = nearest {
                let (on, off) = (r.onset_s - b.onset_s, r.offset_s - b.offset_s);
                onset_err.push(on);
                offset_err.push(off);
                if on.abs() <= EDGE_TOLERANCE_S && off.abs() <= EDGE_TOLERANCE_S {
                    matched += 1;
                }
            }
        }
    }
    let share = if total > 0 {
        matched as f64 / total as f64
    } else {
        0.0
    };
    let median_ms = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).map_or(f64::NAN, |m| m * 1000.0)
    };
    let worst_ms = onset_err
        .iter()
        .chain(&offset_err)
        .fold(0.0f64, |a, b| a.max(b.abs()))
        * 1000.0;
    row(
        "Rep and hold edges",
        "onset and offset of every rep and hold of the agonists against the moments the true amplitude crosses \
         the detector's threshold; both edges within 50 ms",
        format!(
            "{matched} of {total} ({:.0} %); median error onset {:+.0} ms, offset {:+.0} ms; worst {worst_ms:.0} ms",
            share * 100.0,
            median_ms(&mut onset_err),
            median_ms(&mut offset_err)
        ),
        "at least 95 %",
        total > 0 && share >= 0.95,
    )
}

/// Mean error of the per-epoch MDF (or MNF) of agonists' working epochs against the true spectrum, pooled
/// over the agonists (with its standard error), and the worst agonist's own mean.
fn spectral_bias(
    report: &Report,
    truth: &Truth,
    agonists: &[usize],
    options: &AnalyzeOptions,
    median: bool,
) -> MetricRow {
    let mut errors: Vec<f64> = Vec::new();
    let mut worst: f64 = 0.0;
    for &c in agonists {
        let first = errors.len();
        for e in &report.channels[c].epochs {
            let t = truth.epoch(c, e.start_s, options.epoch_s);
            let measured = if median { e.mdf_hz } else { e.mnf_hz };
            if let Some(m) = measured
                && e.active_fraction >= MIN_ACTIVE_FRACTION
                && t.min_activation >= WORKING_ACTIVATION
            {
                errors.push(m - if median { t.mdf_hz } else { t.mnf_hz });
            }
        }
        let own = &errors[first..];
        if !own.is_empty() {
            worst = worst.max((own.iter().sum::<f64>() / own.len() as f64).abs());
        }
    }
    let n = errors.len() as f64;
    let mean = errors.iter().sum::<f64>() / n.max(1.0);
    let sd = (errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    let (name, bound, limit) = if median {
        ("MDF bias", "under 1 Hz", 1.0)
    } else {
        ("MNF bias", "under 1 Hz", 1.0)
    };
    row(
        name,
        "mean of (measured - true) over the 1 s epochs in which an agonist works above 20 %MVC throughout \
         (about 20 dB over the noise) and is active for at least half the epoch by its own threshold; the \
         truth is the EMG's spectrum over the epoch (each moment weighted by its power) as the chain's \
         band-pass and notch pass it; pooled over the agonists, and the worst agonist's own mean",
        format!(
            "{mean:+.2} Hz +- {:.2} (standard error; {} epochs at 2 kHz, single-epoch SD {sd:.1} Hz); worst agonist {worst:.2} Hz",
            sd / n.max(1.0).sqrt(),
            errors.len()
        ),
        bound,
        !errors.is_empty() && mean.abs() < limit,
    )
}

/// (minutes, true MDF) at the active epochs of channel `c` inside `[from, to]`.
fn true_mdf_points(
    report: &Report,
    truth: &Truth,
    c: usize,
    from: f64,
    to: f64,
    options: &AnalyzeOptions,
) -> Vec<(f64, f64)> {
    report.channels[c]
        .epochs
        .iter()
        .filter(|e| e.start_s >= from && e.start_s + options.epoch_s <= to)
        .filter(|e| e.active_fraction >= MIN_ACTIVE_FRACTION && e.mdf_hz.is_some())
        .map(|e| {
            let mid = e.start_s + options.epoch_s / 2.0;
            (
                mid / 60.0,
                truth.epoch(c, e.start_s, options.epoch_s).mdf_hz,
            )
        })
        .collect()
}

/// The agonists' per-set fatigue slopes against the true slope over the same epochs: pooled over sets (one
/// set's 32 one-second epochs scatter by about 17 %), and the worst set.
fn fatigue_slopes(
    report: &Report,
    truth: &Truth,
    agonists: &[usize],
    options: &AnalyzeOptions,
) -> MetricRow {
    let (mut measured_sum, mut true_sum, mut sets) = (0.0, 0.0, 0usize);
    let mut worst: f64 = 0.0;
    for &c in agonists {
        for g in report.channels[c]
            .burst_groups
            .iter()
            .filter(|g| g.reps > 1)
        {
            let Some(m) = g.fatigue.fitted_hz_per_min.filter(|_| g.fatigue.reliable) else {
                continue;
            };
            let pts = true_mdf_points(report, truth, c, g.start_s - 0.5, g.end_s + 0.5, options);
            let Some(t) = spectrum::slope(&pts) else {
                continue;
            };
            measured_sum += m;
            true_sum += t;
            sets += 1;
            worst = worst.max(((m - t) / t).abs());
        }
    }
    let pooled = if true_sum != 0.0 {
        (measured_sum - true_sum) / true_sum.abs()
    } else {
        f64::INFINITY
    };
    row(
        "Fatigue slope",
        "MDF slope of each set of the agonists (active epochs only) against the true MDF's slope over the same \
         epochs; pooled over the sets, and the worst single set",
        format!(
            "pooled {:+.1} % over {sets} sets (true mean {:.1} Hz/min); worst set {:.0} %",
            pooled * 100.0,
            true_sum / sets.max(1) as f64,
            worst * 100.0
        ),
        "pooled within 15 %",
        sets > 0 && pooled.abs() <= 0.15,
    )
}

/// Every set or hold of every channel whose slope is reliable (10 active epochs over 20 s): its slope has
/// the true slope's sign.
fn fatigue_signs(report: &Report, truth: &Truth, options: &AnalyzeOptions) -> MetricRow {
    let (mut checked, mut right) = (0usize, 0usize);
    for (c, ch) in report.channels.iter().enumerate() {
        for g in &ch.burst_groups {
            let Some(m) = g.fatigue.slope_hz_per_min else {
                continue;
            };
            let pts = true_mdf_points(report, truth, c, g.start_s - 0.5, g.end_s + 0.5, options);
            let Some(t) = spectrum::slope(&pts) else {
                continue;
            };
            checked += 1;
            if m.signum() == t.signum() {
                right += 1;
            }
        }
    }
    row(
        "Fatigue sign",
        "every set or hold of every channel (agonists and antagonists) with a reliable slope: the sign of its \
         MDF slope against the true slope's over the same active epochs",
        format!("{right} of {checked} sets and holds"),
        "all",
        checked > 0 && right == checked,
    )
}

/// Falconer & Winter and Rudolph per rep of each pair against the same indices on the true amplitudes.
fn cocontraction(report: &Report, truth: &Truth) -> MetricRow {
    let (mut n, mut within, mut worst, mut rud_err) = (0usize, 0usize, 0.0f64, 0.0f64);
    for pair in &report.pairs {
        for r in &pair.reps {
            // The measured index integrates the envelope over the rep (shifted by its delay); the truth
            // integrates the amplitude over the rep itself.
            let (fw, rud) =
                truth.cocontraction(pair.agonist, pair.antagonist, r.onset_s, r.offset_s);
            let err = (r.falconer_winter_pct - fw).abs();
            n += 1;
            if err <= 5.0 {
                within += 1;
            }
            worst = worst.max(err);
            if rud > 0.0 {
                rud_err = rud_err.max(((r.rudolph - rud) / rud).abs());
            }
        }
    }
    row(
        "Co-contraction",
        "Falconer & Winter (and Rudolph) over each rep of each pair against the same index on the true \
         amplitudes over the rep",
        format!(
            "{within} of {n} reps within 5 points (worst {worst:.1}); Rudolph worst {:.0} %",
            rud_err * 100.0
        ),
        "every rep within 5 points",
        n > 0 && within == n,
    )
}
