//! The session report's pages: who, what and when, every processing parameter (ISEK style), each channel's
//! envelope numbers and signal verdict, symmetry and pairs, each marked set's summary, the envelope plots
//! with target lines and set and rep markers, and each set's body map. Every number is the analysis
//! report's (the one `innervate analyze` prints), formatted by [`set_line`] and friends.

use super::figure::draw_set_map;
use super::pdf::{Doc, Rgb};
use super::plot::{EnvelopeColumns, draw_envelope};
use crate::analysis::{MarkedSetReport, Report, set_symmetry_text};
use crate::session::load::Session;
use crate::training::history_db::{SetLog, SetRecord};

const MARGIN: f32 = 48.0;
const BODY: f32 = 9.5;
const LEADING: f32 = 12.5;

/// Writes lines down the page, starting a new page when it is full.
pub(super) struct Writer {
    pub(super) doc: Doc,
    pub(super) y: f32,
}

impl Writer {
    pub(super) fn new(doc: Doc) -> Self {
        let y = doc.size().1 - MARGIN;
        Self { doc, y }
    }

    /// Room for `height` points, else a new page.
    pub(super) fn need(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.doc.new_page();
            self.y = self.doc.size().1 - MARGIN;
        }
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.need(2.5 * LEADING);
        self.y -= 6.0;
        self.doc.text(MARGIN, self.y, 13.0, true, text);
        self.y -= LEADING * 1.3;
    }

    pub(super) fn line(&mut self, text: &str) {
        // Long lines wrap at word boundaries to the page's width (about 5 points per character).
        let width = ((self.doc.size().0 - 2.0 * MARGIN) / (BODY * 0.5)) as usize;
        for part in wrap(text, width) {
            self.need(LEADING);
            self.doc.text(MARGIN, self.y, BODY, false, &part);
            self.y -= LEADING;
        }
    }

    pub(super) fn left(&self) -> f32 {
        MARGIN
    }

    pub(super) fn width(&self) -> f32 {
        self.doc.size().0 - 2.0 * MARGIN
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(format!("    {word}"));
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// A value in %MVC when there is one, else in uV, one decimal.
fn level(pct: Option<f64>, uv: f64) -> String {
    match pct {
        Some(p) => format!("{p:.1} %MVC"),
        None => format!("{uv:.1} uV"),
    }
}

/// One set's numbers in one line, as the report prints them.
pub fn set_line(s: &MarkedSetReport) -> String {
    let m = &s.summary;
    format!(
        "Set {}: reps {}, good reps {}, score {}/10, peak {}, mean {}, time above target {:.1} s, {}, fatigue slope {}",
        s.number,
        m.reps,
        m.good_reps,
        m.score,
        level(m.peak_pct_mvc, m.peak_uv),
        level(m.mean_pct_mvc, m.mean_uv),
        m.time_above_target_s,
        m.competitor_text(),
        m.fatigue_slope_hz_per_min
            .map_or("unreliable".into(), |v| format!("{v:+.2} Hz/min")),
    )
}

/// What the user wrote down after a set (the history's log), as the history screen shows it.
pub fn log_line(log: &SetLog) -> String {
    let mut parts = vec![format!(
        "felt {}",
        log.felt.map_or("not logged".into(), |f| format!("{f}/10"))
    )];
    if let Some(l) = log.load {
        parts.push(format!("load {l}"));
    }
    if let Some(r) = log.reps {
        parts.push(format!("reps logged {r}"));
    }
    if let Some(r) = log.reps_in_reserve {
        parts.push(format!("reps in reserve {r}"));
    }
    format!("    Log: {}", parts.join(", "))
}

/// Every recorded muscle's peak and mean over a set.
pub fn muscles_line(s: &MarkedSetReport) -> String {
    let each: Vec<String> = s
        .muscles
        .iter()
        .map(|m| {
            format!(
                "{} peak {} mean {}",
                m.name,
                level(m.peak_pct_mvc, m.peak_uv),
                level(m.mean_pct_mvc, m.mean_uv)
            )
        })
        .collect();
    format!("    Muscles over the set: {}", each.join("; "))
}

/// The processing parameters in force, ISEK style.
pub fn processing_line(r: &Report) -> String {
    let p = &r.processing;
    let notch = if p.notch_hz.is_empty() {
        "off".to_string()
    } else {
        let hz: Vec<String> = p.notch_hz.iter().map(|h| format!("{h}")).collect();
        format!("{} Hz (Q {})", hz.join(", "), p.notch_q)
    };
    format!(
        "Processing: band-pass {} order {} {}-{} Hz (causal); notch {notch}; envelope {} over {} samples ({:.0} ms); \
         epochs {} s; co-contraction window {} s; spectra: {}",
        p.bandpass_type,
        p.bandpass_order,
        p.bandpass_low_hz,
        p.bandpass_high_hz,
        p.envelope_method,
        p.envelope_window_samples,
        1000.0 * p.envelope_window_samples as f64 / r.sample_rate_hz,
        r.epoch_s,
        r.cci_window_s,
        r.spectral_method,
    )
}

/// Draws the session report.
pub(super) fn write(
    w: &mut Writer,
    session: &Session,
    r: &Report,
    columns: &EnvelopeColumns,
    logs: &Result<Vec<SetRecord>, String>,
) {
    let name = session
        .wav_path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    w.doc
        .text(w.left(), w.y, 18.0, true, "Innervate session report");
    w.y -= 26.0;
    w.line(&format!("Recording: {name}"));
    if let Some(sc) = &session.sidecar {
        w.line(&format!(
            "Recorded: {}   Board: {}",
            sc.start_time, sc.source
        ));
        if !sc.meta.notes.is_empty() {
            w.line(&format!("Notes: {}", sc.meta.notes));
        }
    }
    let mut exercises: Vec<&str> = r.sets.iter().map(|s| s.plan.exercise.as_str()).collect();
    exercises.dedup();
    if !exercises.is_empty() {
        w.line(&format!("Exercise: {}", exercises.join(", ")));
    }
    w.line(&format!(
        "{:.1} s at {} Hz, {} channels: {}",
        r.duration_s,
        r.sample_rate_hz,
        r.channels.len(),
        r.channels
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    w.line(&processing_line(r));
    w.line(&format!("Analysed by innervate {}", r.app_version));
    w.heading("Muscles and signal quality");
    for (c, ch) in r.channels.iter().enumerate() {
        w.line(&format!(
            "{} {}: envelope mean {:.2} uV, peak {:.2} uV{}; fatigue (MDF slope) {}; signal {} ({})",
            c + 1,
            ch.name,
            ch.envelope_mean_uv,
            ch.envelope_peak_uv,
            ch.mvc_uv
                .map_or(String::new(), |m| format!(", MVC {m:.1} uV")),
            ch.fatigue.describe(),
            ch.quality.verdict.words(),
            ch.quality.reason
        ));
    }
    for sym in &r.symmetry {
        w.line(&format!(
            "{}: symmetry index {:.1} % (in {})",
            sym.label, sym.symmetry_index_pct, sym.unit
        ));
    }
    for pair in &r.pairs {
        w.line(&format!(
            "{}: Falconer & Winter {:.1} %, Rudolph {:.2}, mean ratio {:.2}",
            pair.label, pair.falconer_winter_pct, pair.rudolph, pair.mean_ratio
        ));
    }
    w.heading("Sets");
    if r.sets.is_empty() {
        w.line("No marked sets in this recording.");
    }
    for s in &r.sets {
        w.line(&format!(
            "Set {} ({}): {} against {}, {:.1}-{:.1} s{}",
            s.number,
            s.plan.exercise,
            s.target_name,
            s.competing_name.as_deref().unwrap_or("nothing"),
            s.start_s,
            s.end_s,
            if s.plan_recorded {
                ""
            } else {
                " (plan assumed)"
            }
        ));
        w.line(&set_line(s));
        let logged = logs
            .as_ref()
            .ok()
            .and_then(|l| l.iter().find(|x| x.set_in_session as usize == s.number));
        if let Some(log) = logged.map(|x| &x.log) {
            w.line(&log_line(log));
        }
        w.line(&muscles_line(s));
        for sym in &s.symmetry {
            w.line(&set_symmetry_text(sym));
        }
    }
    if let Err(e) = logs {
        w.line(&format!(
            "Felt scores not shown: the training history cannot be read ({e})"
        ));
    }
    w.heading("Envelopes");
    w.line("RMS envelope (min and max per column, so peaks survive); target line, set start and end, rep onsets.");
    for c in 0..r.channels.len() {
        w.need(110.0);
        draw_envelope(w, r, columns, c);
    }
    if !r.sets.is_empty() {
        // Keep the heading with the first map.
        w.need(200.0);
        w.heading(
            "Body map per set (each muscle by its peak and its mean against the target line)",
        );
        for s in &r.sets {
            w.need(190.0);
            w.line(&format!("Set {}: {}", s.number, s.target_name));
            draw_set_map(w, s);
        }
    }
}

/// A colour for the page from 0-255 components.
pub(super) fn rgb(r: u8, g: u8, b: u8) -> Rgb {
    [r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_words() {
        let lines = wrap("aaa bbb ccc ddd", 12);
        assert_eq!(lines, vec!["aaa bbb ccc", "    ddd"]);
        assert_eq!(wrap("", 10), vec![""]);
    }
}
