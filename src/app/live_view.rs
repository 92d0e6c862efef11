//! The live view: the training header, the last set's summary, the co-contraction readouts per pair and a
//! row per muscle (activation bar, target, signal check, plot). Nothing here processes signal: it reads
//! [`LiveState`] and edits only the user's targets and limits in it.

use super::activation_bar::ActivationBar;
use super::live::LiveState;
use super::screen::ScreenAction;
use super::theme::{CALM, CAUTION, ENVELOPE, TARGET_LINE, TARGET_SHARE, WARNING};
use super::train_view;
use super::training::Training;
use crate::training::setup::Role;
use egui::{RichText, Ui};
use egui_plot::{HLine, Line, Plot, PlotPoints};

const ROW_PLOT_HEIGHT: f32 = 90.0;

/// What the live view draws from.
pub struct LiveView<'a> {
    /// The live state (targets and limits are edited in place).
    pub live: &'a mut LiveState,
    /// The training state (the set log is typed in place).
    pub training: &'a mut Training,
    /// Plot the raw signal instead of the envelope.
    pub show_raw: bool,
    /// Stream time of the newest frame, s.
    pub now_s: f64,
}

/// Draws the live view.
pub fn show(ui: &mut Ui, v: LiveView<'_>) -> Vec<ScreenAction> {
    let mut acts = train_view::header(ui, v.training, v.live, v.now_s);
    acts.extend(super::drill_view::show(ui, v.training, v.live));
    if !v.training.pending.is_empty() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Summarising the set from its recording...");
        });
    }
    if let Some(finished) = &mut v.training.finished {
        acts.extend(train_view::summary(ui, finished));
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            if !v.live.pairs.is_empty() {
                pair_readouts(ui, v.live, v.training);
                ui.separator();
            }
            for c in 0..v.live.muscles.len() {
                muscle_row(ui, v.live, c, v.show_raw);
                ui.separator();
            }
        });
    acts
}

fn pair_readouts(ui: &mut Ui, live: &mut LiveState, training: &Training) {
    let heading = match training.competition().1 {
        Some((_, Role::Synergist)) => {
            "Muscle pairs (co-contraction; the target's share against a synergist)"
        }
        _ => "Co-contraction (antagonist / agonist)",
    };
    ui.label(RichText::new(heading).strong());
    for k in 0..live.pairs.len() {
        let warn = live.pair_warning(k);
        let active = live.agonist_active(k);
        let p = &live.pairs[k];
        let h = &live.history.pairs[k];
        let ant = live.muscles[p.antagonist].name.clone();
        let ag = &live.muscles[p.agonist].name;
        // The setup's synergist pair reads as the target's share of the work, not as co-contraction.
        let share = match training.competition() {
            (t, Some((s, Role::Synergist))) if (t, s) == (p.agonist, p.antagonist) => {
                Some(train_view::synergist_share(training, live))
            }
            _ => None,
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{ant} vs {ag}")).size(16.0));
            let (text, colour) = if let Some(share) = share {
                let limit = training.share_limit_pct();
                match share.filter(|_| active) {
                    Some(sh) => (
                        format!("{ag} share {:.0} %, {}", sh.pct, sh.unit.words()),
                        if sh.taking_over(limit) {
                            WARNING
                        } else {
                            TARGET_SHARE
                        },
                    ),
                    None => (
                        "agonist at rest".to_string(),
                        ui.visuals().weak_text_color(),
                    ),
                }
            } else if active {
                (
                    format!(
                        "ratio {:.2}   CCI {:.0} %   Rudolph {:.0}",
                        h.latest.ratio, h.latest.cci, h.latest.rudolph
                    ),
                    if warn { WARNING } else { CALM },
                )
            } else {
                (
                    "agonist at rest".to_string(),
                    ui.visuals().weak_text_color(),
                )
            };
            ui.label(RichText::new(text).size(20.0).color(colour).strong());
            if let Some(r) = live.reps.get(k) {
                let last = r
                    .last
                    .map(|l| format!("   last rep CCI {:.0} %", l.cci))
                    .unwrap_or_default();
                ui.label(RichText::new(format!("Reps: {}{last}", r.count)).size(16.0));
            }
            let limit_label = ui.label(format!("Limit for {ant}"));
            ui.add(
                egui::DragValue::new(&mut live.pairs[k].ratio_limit)
                    .range(0.0..=5.0)
                    .speed(0.01)
                    .fixed_decimals(2),
            )
            .labelled_by(limit_label.id)
            .on_hover_text("Warn when antagonist / agonist passes this while the agonist works");
        });
    }
}

fn muscle_row(ui: &mut Ui, live: &mut LiveState, c: usize, show_raw: bool) {
    let m = &live.muscles[c];
    let h = &live.history.channels[c];
    let latest = m.shown(h.latest);
    let target = m.shown(m.target_uv);
    let full_scale = (target * 1.6).max(m.shown(h.peak) * 1.1).max(m.shown(20.0));
    let unit = m.unit();
    let mut t = target;
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.set_width(380.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new(&m.name).size(18.0).strong());
                quality_badge(ui, live, c);
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
        row_plot(ui, live, c, full_scale, show_raw);
    });
    if t != target {
        let uv = live.muscles[c].from_shown(t);
        live.set_target(c, uv);
    }
}

/// The channel's signal check: a coloured verdict with its reason and the measures on hover.
fn quality_badge(ui: &mut Ui, live: &LiveState, c: usize) {
    use crate::dsp::quality::Verdict;
    let Some(q) = live.quality.get(c) else {
        ui.label(RichText::new("signal: checking...").color(ui.visuals().weak_text_color()));
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
    ui.label(RichText::new(text).color(colour)).on_hover_text(format!(
        "Last {:.0} s: baseline noise {:.1} µV, activity {:.1} µV, mains hum {:.1} µV, clipped {:.1} %. \
         Flex the muscle once so the check can see a contraction.",
        crate::dsp::quality::LIVE_WINDOW_S,
        q.baseline_noise_uv,
        q.activity_uv,
        q.mains_hum_uv,
        q.clipped_fraction * 100.0
    ));
}

fn row_plot(ui: &mut Ui, live: &LiveState, c: usize, full_scale: f32, show_raw: bool) {
    let h = &live.history.channels[c];
    let step = live.history.step_s();
    let n = h.envelope.len();
    let x = |i: usize| -((n - 1 - i) as f64) * step;
    let m = &live.muscles[c];
    let target = m.shown(m.target_uv) as f64;
    let shown = |v: f32| m.shown(v) as f64;
    let plot = Plot::new(("live", c))
        .height(ROW_PLOT_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
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
