//! The progress report's vector plots: each metric of the history screen against the days (a line through
//! the sets with a dot per set), and the exercise ranking as bars of the median peak with the quartiles.

use super::plot::draw_frame;
use super::session::{Writer, rgb};
use crate::training::history_db::Metric;
use crate::training::insights::Ranking;

const PLOT_HEIGHT: f32 = 90.0;
const GAP: f32 = 24.0;

/// Draws the metrics' plots two to a row below the writer's line and moves it down.
pub(super) fn draw_metric_grid(w: &mut Writer, plots: &[(Metric, Vec<(f64, f64)>)]) {
    let width = (w.width() - GAP) / 2.0;
    for row in plots.chunks(2) {
        w.need(PLOT_HEIGHT + 34.0);
        let top = w.y - 4.0;
        for (k, (metric, pts)) in row.iter().enumerate() {
            let x0 = w.left() + k as f32 * (width + GAP);
            draw_one(w, x0, top, width, *metric, pts);
        }
        w.y = top - PLOT_HEIGHT - 30.0;
    }
}

/// A plot's value range with a margin; a flat series gets a unit-wide range.
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.1).max(0.5);
    (lo - pad, hi + pad)
}

fn draw_one(w: &mut Writer, x0: f32, top: f32, width: f32, metric: Metric, pts: &[(f64, f64)]) {
    w.doc.text(x0, top - 2.0, 8.5, true, metric.label());
    let y0 = top - 8.0 - PLOT_HEIGHT;
    draw_frame(w, [x0, y0], width, PLOT_HEIGHT);
    if pts.is_empty() {
        let why = match metric {
            Metric::PeakPctMvc => "no values: the muscle was not calibrated for %MVC",
            _ => "no values",
        };
        w.doc
            .text(x0 + 6.0, y0 + PLOT_HEIGHT / 2.0, 7.5, false, why);
        return;
    }
    let (lo, hi) = range(pts.iter().map(|p| p.1));
    let last_day = pts.iter().map(|p| p.0).fold(0.0, f64::max).max(1.0);
    let x = |d: f64| x0 + 4.0 + (d / last_day) as f32 * (width - 8.0);
    let y = |v: f64| y0 + ((v - lo) / (hi - lo)) as f32 * PLOT_HEIGHT;
    let line: Vec<[f32; 2]> = pts.iter().map(|&(d, v)| [x(d), y(v)]).collect();
    let blue = rgb(52, 110, 180);
    w.doc.polyline(&line, 0.8, blue);
    for p in &line {
        let r = 1.6;
        let dot = [
            [p[0] - r, p[1]],
            [p[0], p[1] - r],
            [p[0] + r, p[1]],
            [p[0], p[1] + r],
        ];
        w.doc.polygon(&dot, blue, None);
    }
    let small = 7.0;
    w.doc.text(
        x0 + 2.0,
        y0 + PLOT_HEIGHT - 8.0,
        small,
        false,
        &format!("{hi:.1}"),
    );
    w.doc
        .text(x0 + 2.0, y0 + 3.0, small, false, &format!("{lo:.1}"));
    w.doc.text(x0, y0 - 9.0, small, false, "day 0");
    w.doc.text(
        x0 + width - 30.0,
        y0 - 9.0,
        small,
        false,
        &format!("day {last_day:.0}"),
    );
}

/// Draws the ranking's bars (median peak, the quartiles as a whisker) below the writer's line.
pub(super) fn draw_ranking(w: &mut Writer, r: &Ranking) {
    const BAR: f32 = 12.0;
    const LABEL: f32 = 130.0;
    let n = r.exercises.len();
    if n == 0 {
        return;
    }
    w.need(BAR * 1.5 * n as f32 + 24.0);
    let top = w.y - 4.0;
    let x0 = w.left() + LABEL;
    let width = w.width() - LABEL - 60.0;
    let max = r
        .exercises
        .iter()
        .map(|e| e.peak_spread.max.max(e.median_peak))
        .fold(1e-9, f64::max);
    let x = |v: f64| x0 + (v.max(0.0) / max) as f32 * width;
    let unit = r.unit.unit.as_str();
    for (k, e) in r.exercises.iter().enumerate() {
        let yb = top - (k as f32 + 1.0) * BAR * 1.5;
        let mut name = e.exercise.clone();
        if name.chars().count() > 26 {
            name = name.chars().take(25).collect::<String>() + "…";
        }
        w.doc.text(w.left(), yb + 3.0, 8.0, false, &name);
        let bar = [
            [x0, yb],
            [x(e.median_peak), yb],
            [x(e.median_peak), yb + BAR],
            [x0, yb + BAR],
        ];
        let fill = if k == 0 {
            rgb(46, 170, 100)
        } else {
            rgb(90, 150, 210)
        };
        w.doc.polygon(&bar, fill, None);
        let mid = yb + BAR / 2.0;
        let dark = rgb(60, 60, 60);
        let (q1, q3) = (x(e.peak_spread.q1), x(e.peak_spread.q3));
        w.doc.polyline(&[[q1, mid], [q3, mid]], 0.8, dark);
        for q in [q1, q3] {
            w.doc.polyline(&[[q, mid - 3.0], [q, mid + 3.0]], 0.8, dark);
        }
        w.doc.text(
            x(e.median_peak.max(e.peak_spread.q3)) + 4.0,
            yb + 3.0,
            8.0,
            false,
            &format!("{:.1} {unit}", e.median_peak),
        );
    }
    w.y = top - BAR * 1.5 * n as f32 - 16.0;
}
