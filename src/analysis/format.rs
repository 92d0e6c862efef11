//! The analyzer's report as CSV and as text for a person.

use super::Report;
use std::fmt::Write;

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_default()
}

/// One row per channel and epoch, after `#` lines with every processing parameter.
pub fn report_csv(report: &Report) -> String {
    let mut out = String::new();
    let p = &report.processing;
    let _ = writeln!(
        out,
        "# innervate {} analyze; sample rate {} Hz",
        report.app_version, report.sample_rate_hz
    );
    let _ = writeln!(
        out,
        "# {} order {} {}-{} Hz; notch {:?} Hz Q {}; {} {} samples",
        p.bandpass_type,
        p.bandpass_order,
        p.bandpass_low_hz,
        p.bandpass_high_hz,
        p.notch_hz,
        p.notch_q,
        p.envelope_method,
        p.envelope_window_samples
    );
    let _ = writeln!(out, "# {}", report.spectral_method);
    out.push_str("channel,name,epoch_start_s,rms_uv,mdf_hz,mnf_hz,active_fraction\n");
    for (c, ch) in report.channels.iter().enumerate() {
        for e in &ch.epochs {
            let _ = writeln!(
                out,
                "{},{},{:.3},{:.4},{},{},{:.3}",
                c + 1,
                ch.name.replace(',', " "),
                e.start_s,
                e.rms_uv,
                opt(e.mdf_hz),
                opt(e.mnf_hz),
                e.active_fraction
            );
        }
    }
    out
}

/// A summary a person reads in a terminal.
pub fn report_text(report: &Report) -> String {
    let mut out = String::new();
    let p = &report.processing;
    let _ = writeln!(
        out,
        "{:.1} s at {} Hz, {} channels",
        report.duration_s,
        report.sample_rate_hz,
        report.channels.len()
    );
    let _ = writeln!(
        out,
        "Processing: band-pass {}-{} Hz order {}, notch {:?} Hz (Q {}), RMS {} samples",
        p.bandpass_low_hz,
        p.bandpass_high_hz,
        p.bandpass_order,
        p.notch_hz,
        p.notch_q,
        p.envelope_window_samples
    );
    out.push('\n');
    for (c, ch) in report.channels.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>2} {:<24} envelope mean {:>8.2} uV, peak {:>8.2} uV; fatigue (MDF slope) {}{}; quality: {} ({})",
            c + 1,
            ch.name,
            ch.envelope_mean_uv,
            ch.envelope_peak_uv,
            ch.fatigue.describe(),
            if ch.spectral_reliable {
                ""
            } else {
                " (unreliable below 1 kHz)"
            },
            ch.quality.verdict.words(),
            ch.quality.reason
        );
    }
    if !report.pairs.is_empty() {
        out.push('\n');
    }
    for sym in &report.symmetry {
        let _ = writeln!(
            out,
            "{}: symmetry index {:.1} % (in {})",
            sym.label, sym.symmetry_index_pct, sym.unit
        );
    }
    for pair in &report.pairs {
        let _ = writeln!(
            out,
            "{}: Falconer & Winter {:.1} %, Rudolph {:.2}, mean ratio {:.2}",
            pair.label, pair.falconer_winter_pct, pair.rudolph, pair.mean_ratio
        );
    }
    marked_sets_text(&mut out, report);
    out
}

/// The sets the user marked, one line each, then where to find the bursts found without markers.
fn marked_sets_text(out: &mut String, report: &Report) {
    if report.sets.is_empty() {
        let bursts: usize = report.channels.iter().map(|c| c.reps.len()).sum();
        let _ = writeln!(
            out,
            "\nNo marked sets; {bursts} activity bursts found without markers (--json lists them)."
        );
        return;
    }
    let _ = writeln!(out, "\nMarked sets:");
    for set in &report.sets {
        let s = &set.summary;
        let level = |uv: f64, pct: Option<f64>| match pct {
            Some(p) => format!("{p:.0} %MVC"),
            None => format!("{uv:.0} uV"),
        };
        let _ = writeln!(
            out,
            "  Set {} ({}, {} {:.1}-{:.1} s): {} reps, {} good, score {}/10; peak {}, {}, fatigue {}{}",
            set.number,
            set.plan.exercise,
            set.target_name,
            set.start_s,
            set.end_s,
            s.reps,
            s.good_reps,
            s.score,
            level(s.peak_uv, s.peak_pct_mvc),
            s.competitor_text(),
            s.fatigue.describe(),
            if set.plan_recorded {
                ""
            } else {
                " (plan assumed: recorded before set plans were kept)"
            }
        );
        for sym in &set.symmetry {
            let _ = writeln!(out, "    {}", set_symmetry_text(sym));
        }
    }
}

/// A set's left/right symmetry in words, as `analyze` and the PDF report print it.
pub fn set_symmetry_text(sym: &super::SetSymmetry) -> String {
    format!(
        "{}: symmetry index {:.1} % over the set (in {})",
        sym.label, sym.symmetry_index_pct, sym.unit
    )
}
