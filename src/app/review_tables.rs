//! Review's tables: the sets the user marked, each with its summary (the numbers the set summary, the
//! history and `analyze` give), then the activity bursts found without markers, per channel.

use super::review_state::ReviewPanel;
use super::review_view::Act;
use crate::analysis::{ChannelReport, MarkedSetReport, PairReport, Report};
use egui::{RichText, Ui};

/// Draws the tables (once the recording has been read).
pub(super) fn analysis_table(ui: &mut Ui, r: &ReviewPanel, acts: &mut Vec<Act>) {
    ui.heading("Sets");
    let Some(report) = &r.report else {
        ui.label("They appear once the recording has been read.");
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("review-table")
        .show(ui, |ui| {
            marked_sets(ui, &report.sets, acts);
            ui.separator();
            pair_summary(ui, report);
            ui.label(RichText::new("Activity bursts (found without markers)").strong())
                .on_hover_text(
                    "Contractions found by each channel's own threshold (rest + 3 SD, at least 10 % of \
                     the MVC or of the 98th percentile), grouped by pauses of 4 s or more",
                );
            let mut any = false;
            for (c, ch) in report.channels.iter().enumerate() {
                if ch.reps.is_empty() {
                    continue;
                }
                any = true;
                let cci = report.pairs.iter().find(|p| p.agonist == c);
                bursts(ui, c, ch, cci, acts);
            }
            if !any {
                ui.label("No activity bursts found in this recording.");
            }
        });
}

/// One row per marked set: its plan and its summary.
fn marked_sets(ui: &mut Ui, sets: &[MarkedSetReport], acts: &mut Vec<Act>) {
    if sets.is_empty() {
        ui.label(
            "No sets were marked in this recording (Space starts and ends one while training).",
        );
        return;
    }
    egui::Grid::new("marked-sets").striped(true).show(ui, |ui| {
        for h in [
            "Set",
            "Exercise",
            "Start",
            "Reps",
            "Good",
            "Score",
            "Peak",
            "CCI / share",
            "Fatigue",
            "",
        ] {
            ui.label(RichText::new(h).strong());
        }
        ui.end_row();
        for set in sets {
            let s = &set.summary;
            ui.label(set.number.to_string());
            ui.label(&set.plan.exercise).on_hover_text(format!(
                "Target {}{}; line {:.0} µV; limit {:.2}{}",
                set.target_name,
                set.competing_name
                    .as_ref()
                    .map(|c| format!(", against {c}"))
                    .unwrap_or_default(),
                set.plan.target_level_uv,
                set.plan.ratio_limit,
                if set.plan_recorded {
                    ""
                } else {
                    " (assumed: recorded before set plans were kept)"
                }
            ));
            ui.label(format!("{:.1} s", set.start_s));
            ui.label(s.reps.to_string());
            ui.label(s.good_reps.to_string());
            ui.label(format!("{} / 10", s.score));
            ui.label(match s.peak_pct_mvc {
                Some(p) => format!("{p:.0} %MVC"),
                None => format!("{:.0} µV", s.peak_uv),
            });
            ui.label(s.competitor_text());
            ui.label(s.fatigue.describe());
            if ui
                .small_button(format!("Show set {}", set.number))
                .clicked()
            {
                acts.push(Act::Show(set.start_s));
            }
            ui.end_row();
        }
    });
}

/// A channel's bursts and their groups.
fn bursts(
    ui: &mut Ui,
    c: usize,
    ch: &ChannelReport,
    cci: Option<&PairReport>,
    acts: &mut Vec<Act>,
) {
    let pct = ch.mvc_uv.is_some();
    egui::CollapsingHeader::new(format!(
        "{}: {} bursts in {} groups",
        ch.name,
        ch.reps.len(),
        ch.burst_groups.len()
    ))
    .id_salt(("reps", c))
    .default_open(false)
    .show(ui, |ui| {
        egui::Grid::new(("groups", c)).striped(true).show(ui, |ui| {
            for h in ["Group", "Start", "Bursts", "Fatigue", ""] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (k, g) in ch.burst_groups.iter().enumerate() {
                ui.label(format!("{}", k + 1));
                ui.label(format!("{:.1} s", g.start_s));
                ui.label(g.reps.to_string());
                ui.label(g.fatigue.describe());
                if ui
                    .small_button(format!("Show {} group {}", ch.name, k + 1))
                    .clicked()
                {
                    acts.push(Act::Show(g.start_s));
                }
                ui.end_row();
            }
        });
        egui::Grid::new(("rep-rows", c))
            .striped(true)
            .show(ui, |ui| {
                let peak = if pct { "Peak %MVC" } else { "Peak µV" };
                for h in ["Burst", "Start", "Length", peak, "CCI", ""] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for (k, rep) in ch.reps.iter().enumerate() {
                    ui.label(format!("{}", k + 1));
                    ui.label(format!("{:.1} s", rep.onset_s));
                    ui.label(format!("{:.1} s", rep.duration_s));
                    ui.label(match rep.peak_pct_mvc {
                        Some(p) => format!("{p:.0}"),
                        None => format!("{:.0}", rep.peak_uv),
                    });
                    let rep_cci = cci.and_then(|p| {
                        p.reps
                            .iter()
                            .find(|pr| (pr.onset_s - rep.onset_s).abs() < 1e-6)
                    });
                    ui.label(
                        rep_cci
                            .map(|pr| format!("{:.0} %", pr.falconer_winter_pct))
                            .unwrap_or_else(|| "-".into()),
                    );
                    if ui
                        .small_button(format!("Show {} rep {}", ch.name, k + 1))
                        .clicked()
                    {
                        acts.push(Act::Show(rep.onset_s));
                    }
                    ui.end_row();
                }
            });
    });
}

fn pair_summary(ui: &mut Ui, report: &Report) {
    for p in &report.pairs {
        ui.label(format!(
            "{}: co-contraction {:.0} % (Falconer & Winter), Rudolph {:.1}",
            p.label, p.falconer_winter_pct, p.rudolph
        ))
        .on_hover_text("Over the whole recording");
    }
    if !report.pairs.is_empty() {
        ui.separator();
    }
}
