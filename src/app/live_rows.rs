//! The live view's muscle rows: the full row (name, signal check, a big activation bar, the target field and a
//! plot) and the compact row that lets 8-16 muscles fit on one screen (the same parts, smaller, in a grid
//! whose columns follow the window's height).

use super::activation_bar::ActivationBar;
use super::live::LiveState;
use super::theme::{CALM, CAUTION, ENVELOPE, TARGET_LINE, WARNING};
use egui::{RichText, Ui};
use egui_plot::{HLine, Line, Plot, PlotPoints};

const ROW_PLOT_HEIGHT: f32 = 90.0;
/// Height of a full row (bar, field and plot), points.
pub const ROW_HEIGHT: f32 = 110.0;
/// Height of a compact row, points.
pub const COMPACT_ROW_HEIGHT: f32 = 34.0;
const COMPACT_BAR_HEIGHT: f32 = 24.0;
const COMPACT_PLOT_HEIGHT: f32 = 30.0;

/// The scale a muscle's bar and plot share: 1.6 x the target or above the window's peak.
fn full_scale(live: &LiveState, c: usize) -> f32 {
    let (m, h) = (&live.muscles[c], &live.history.channels[c]);
    (m.shown(m.target_uv) * 1.6)
        .max(m.shown(h.peak) * 1.1)
        .max(m.shown(20.0))
}

/// The rows in `columns` columns of compact rows, channel order down each column.
pub fn compact_grid(ui: &mut Ui, live: &mut LiveState, columns: usize, show_raw: bool) {
    let n = live.muscles.len();
    let columns = columns.clamp(1, n.max(1));
    let per_column = n.div_ceil(columns);
    ui.columns(columns, |cols| {
        for (k, col) in cols.iter_mut().enumerate() {
            for c in (k * per_column..((k + 1) * per_column).min(n)).collect::<Vec<_>>() {
                compact_row(col, live, c, show_raw);
            }
        }
    });
}

/// One line per muscle: name and signal check, a low activation bar, the target field and a small plot.
fn compact_row(ui: &mut Ui, live: &mut LiveState, c: usize, show_raw: bool) {
    let scale = full_scale(live, c);
    let m = &live.muscles[c];
    let target = m.shown(m.target_uv);
    let latest = m.shown(live.history.channels[c].latest);
    let unit = m.unit();
    let mut t = target;
    ui.horizontal(|ui| {
        ui.set_height(COMPACT_ROW_HEIGHT);
        ui.vertical(|ui| {
            ui.set_width(120.0);
            ui.label(RichText::new(&m.name).size(13.0).strong());
            quality_badge(ui, live, c, 10.0);
        });
        ui.scope(|ui| {
            ui.set_max_width(150.0);
            ui.add(
                ActivationBar::new(&m.name, latest, scale, &mut t, unit).height(COMPACT_BAR_HEIGHT),
            )
            .on_hover_text("Drag or click to move the target line");
        });
        // No room for the words beside the field: they are its accessible name and hover text.
        let label = format!("Target for {} ({unit})", m.name);
        let field = ui
            .add(
                egui::DragValue::new(&mut t)
                    .range(0.0..=100_000.0)
                    .speed(1.0),
            )
            .on_hover_text(&label);
        ui.ctx()
            .accesskit_node_builder(field.id, |node| node.set_label(label));
        row_plot(ui, live, c, (scale, COMPACT_PLOT_HEIGHT), show_raw);
    });
    if t != target {
        let uv = live.muscles[c].from_shown(t);
        live.set_target(c, uv);
    }
}

/// A muscle's full row: name and signal check, a big activation bar, the target field and the plot.
pub fn muscle_row(ui: &mut Ui, live: &mut LiveState, c: usize, show_raw: bool) {
    let m = &live.muscles[c];
    let h = &live.history.channels[c];
    let latest = m.shown(h.latest);
    let target = m.shown(m.target_uv);
    let full_scale = full_scale(live, c);
    let unit = m.unit();
    let mut t = target;
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.set_width(380.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new(&m.name).size(18.0).strong());
                quality_badge(ui, live, c, 14.0);
            });
            ui.add(ActivationBar::new(
                &m.name, latest, full_scale, &mut t, unit,
            ))
            .on_hover_text("Drag or click to move the target line");
            ui.horizontal(|ui| {
                let label = ui.label(format!("Target for {} ({unit})", m.name));
                ui.add(
                    egui::DragValue::new(&mut t)
                        .range(0.0..=100_000.0)
                        .speed(1.0),
                )
                .labelled_by(label.id);
            });
        });
        row_plot(ui, live, c, (full_scale, ROW_PLOT_HEIGHT), show_raw);
    });
    if t != target {
        let uv = live.muscles[c].from_shown(t);
        live.set_target(c, uv);
    }
}

/// The channel's signal check: a coloured verdict with its reason and the measures on hover.
fn quality_badge(ui: &mut Ui, live: &LiveState, c: usize, size: f32) {
    use crate::dsp::quality::Verdict;
    let Some(q) = live.quality.get(c) else {
        let weak = ui.visuals().weak_text_color();
        ui.label(RichText::new("signal: checking...").size(size).color(weak));
        return;
    };
    let colour = match q.verdict {
        Verdict::Good => CALM,
        Verdict::CheckElectrode => CAUTION,
        Verdict::Unusable => WARNING,
    };
    let text = if q.verdict == Verdict::Good {
        "signal: good".to_string()
    } else {
        format!("signal: {} ({})", q.verdict.words(), q.reason)
    };
    ui.label(RichText::new(text).size(size).color(colour)).on_hover_text(format!(
        "Last {:.0} s: baseline noise {:.1} µV, activity {:.1} µV, mains hum {:.1} µV, clipped {:.1} %. \
         Flex the muscle once so the check can see a contraction.",
        crate::dsp::quality::LIVE_WINDOW_S,
        q.baseline_noise_uv,
        q.activity_uv,
        q.mains_hum_uv,
        q.clipped_fraction * 100.0
    ));
}

fn row_plot(
    ui: &mut Ui,
    live: &LiveState,
    c: usize,
    (full_scale, height): (f32, f32),
    show_raw: bool,
) {
    let h = &live.history.channels[c];
    let step = live.history.step_s();
    let n = h.envelope.len();
    let x = |i: usize| -((n - 1 - i) as f64) * step;
    let m = &live.muscles[c];
    let target = m.shown(m.target_uv) as f64;
    let shown = |v: f32| m.shown(v) as f64;
    let plot = Plot::new(("live", c))
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_axes(height >= 50.0)
        .default_x_bounds(-super::history::HISTORY_SECONDS, 0.0)
        .x_axis_formatter(|mark, _| format!("{:.0} s", mark.value));
    let raw_scale = (h.signal_peak as f64).max(20.0);
    let series = |v: &std::collections::VecDeque<f32>, f: &dyn Fn(f32) -> f64| -> PlotPoints {
        v.iter().enumerate().map(|(i, v)| [x(i), f(*v)]).collect()
    };
    plot.show(ui, |p| {
        if show_raw {
            p.set_plot_bounds_y(-raw_scale..=raw_scale);
            let lo = series(&h.signal_min, &|v| v as f64);
            let hi = series(&h.signal_max, &|v| v as f64);
            p.line(Line::new("min", lo).color(ENVELOPE).width(1.0));
            p.line(Line::new("max", hi).color(ENVELOPE).width(1.0));
        } else {
            p.set_plot_bounds_y(0.0..=full_scale as f64);
            let env = series(&h.envelope, &shown);
            p.line(
                Line::new("envelope", env)
                    .color(ENVELOPE)
                    .width(2.0)
                    .fill(0.0),
            );
            p.hline(HLine::new("target", target).color(TARGET_LINE).width(2.0));
        }
        p.set_plot_bounds_x(-super::history::HISTORY_SECONDS..=0.0);
    });
}
