//! The live view: the training header, the last set's summary, the co-contraction readouts per pair, a row
//! per muscle (activation bar, target, signal check, plot; compact rows in a grid when they would not fit)
//! and the body map beside them. Nothing here processes signal: it reads [`LiveState`] and edits only the
//! user's targets and limits in it.

use super::live::LiveState;
use super::live_rows::{COMPACT_ROW_HEIGHT, ROW_HEIGHT, compact_grid, muscle_row};
use super::screen::ScreenAction;
use super::theme::{CALM, TARGET_SHARE, WARNING};
use super::train_view;
use super::training::Training;
use crate::training::setup::Role;
use egui::{RichText, Ui};

/// Width of the body map panel, points.
const BODY_MAP_WIDTH: f32 = 250.0;
/// Height of one compact pair readout line, points.
const COMPACT_PAIR_HEIGHT: f32 = 22.0;

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
    if v.live.show_body_map {
        egui::Panel::right("live-body-map")
            .resizable(false)
            .exact_size(BODY_MAP_WIDTH)
            .show(ui, |ui| super::body_map_panel::live(ui, v.live, v.training));
    }
    let n = v.live.muscles.len();
    let pairs_height = if v.live.pairs.is_empty() {
        0.0
    } else {
        24.0 + v.live.pairs.len().div_ceil(2) as f32 * COMPACT_PAIR_HEIGHT
    };
    // Full rows while they fit; otherwise compact rows in as many columns as the height needs.
    let room = ui.available_height() - 40.0;
    let full_fits = n as f32 * (ROW_HEIGHT + 8.0) + 60.0 * v.live.pairs.len() as f32 <= room;
    let columns = ((n as f32 * (COMPACT_ROW_HEIGHT + 6.0)) / (room - pairs_height).max(1.0))
        .ceil()
        .max(1.0) as usize;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            if !v.live.show_body_map && ui.small_button("Show body map").clicked() {
                v.live.show_body_map = true;
            }
            if !v.live.pairs.is_empty() {
                if full_fits {
                    pair_readouts(ui, v.live, v.training);
                } else {
                    compact_pairs(ui, v.live, v.training);
                }
                ui.separator();
            }
            if full_fits {
                for c in 0..n {
                    muscle_row(ui, v.live, c, v.show_raw);
                    ui.separator();
                }
            } else {
                compact_grid(ui, v.live, columns, v.show_raw);
            }
        });
    acts
}

/// What a pair's readout says and in which colour: the share against a synergist, or the co-contraction.
fn pair_text(ui: &Ui, live: &LiveState, training: &Training, k: usize) -> (String, egui::Color32) {
    let active = live.agonist_active(k);
    let p = &live.pairs[k];
    let h = &live.history.pairs[k];
    let ag = &live.muscles[p.agonist].name;
    // The setup's synergist pair reads as the target's share of the work, not as co-contraction.
    let share = match training.competition() {
        (t, Some((s, Role::Synergist))) if (t, s) == (p.agonist, p.antagonist) => {
            Some(train_view::synergist_share(training, live))
        }
        _ => None,
    };
    let rest = || {
        (
            "agonist at rest".to_string(),
            ui.visuals().weak_text_color(),
        )
    };
    if let Some(share) = share {
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
            None => rest(),
        }
    } else if active {
        (
            format!(
                "ratio {:.2}   CCI {:.0} %   Rudolph {:.0}",
                h.latest.ratio, h.latest.cci, h.latest.rudolph
            ),
            if live.pair_warning(k) { WARNING } else { CALM },
        )
    } else {
        rest()
    }
}

/// The pair readouts folded to one line each, two per row: names, readout, reps and the limit.
fn compact_pairs(ui: &mut Ui, live: &mut LiveState, training: &Training) {
    ui.label(RichText::new("Muscle pairs").strong());
    let n = live.pairs.len();
    let per_column = n.div_ceil(2);
    let columns = if n > 1 { 2 } else { 1 };
    ui.columns(columns, |cols| {
        for (j, col) in cols.iter_mut().enumerate() {
            for k in (j * per_column..((j + 1) * per_column).min(n)).collect::<Vec<_>>() {
                let (text, colour) = pair_text(col, live, training, k);
                let p = &live.pairs[k];
                let ant = live.muscles[p.antagonist].name.clone();
                let ag = live.muscles[p.agonist].name.clone();
                let reps = live.reps.get(k).map_or(0, |r| r.count);
                col.horizontal(|ui| {
                    ui.set_height(COMPACT_PAIR_HEIGHT);
                    ui.label(RichText::new(format!("{ant} vs {ag}")).size(12.0))
                        .on_hover_text("antagonist vs agonist");
                    ui.label(RichText::new(text).size(13.0).color(colour).strong());
                    ui.label(RichText::new(format!("reps {reps}")).size(12.0));
                    let label = format!("Limit for {ant}");
                    let field = ui
                        .add(
                            egui::DragValue::new(&mut live.pairs[k].ratio_limit)
                                .range(0.0..=5.0)
                                .speed(0.01)
                                .fixed_decimals(2),
                        )
                        .on_hover_text(format!(
                            "{label}: warn when antagonist / agonist passes this while the agonist works"
                        ));
                    ui.ctx()
                        .accesskit_node_builder(field.id, |node| node.set_label(label));
                });
            }
        }
    });
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
        let (text, colour) = pair_text(ui, live, training, k);
        let p = &live.pairs[k];
        let ant = live.muscles[p.antagonist].name.clone();
        let ag = &live.muscles[p.agonist].name;
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{ant} vs {ag}")).size(16.0));
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
