//! The insights screen: three tabs over the training log (which exercise works a muscle hardest, feel
//! against measurement, activation at the same load), drawn from the numbers [`super::insights`] worked
//! out when the screen opened or a choice changed. Plots are in [`super::insights_plots`].

use super::insights::{InsightsPanel, InsightsTab};
use super::insights_plots;
use super::screen::ScreenAction;
use super::theme::WARNING;
use crate::training::history_db::{ActivationUnit, CompetitorRole};
use crate::training::insights::{DISAGREE_POINTS, ExerciseRank};
use egui::{RichText, Ui};

/// A choice made this frame, applied after drawing (it recomputes the tab's numbers once).
enum Choice {
    Tab(InsightsTab),
    Muscle(String),
    Exercise(String),
    LoadMuscle(String),
}

/// A value in the comparison's unit, e.g. "82 %MVC" or "310 µV".
pub fn in_unit(v: f64, unit: ActivationUnit) -> String {
    match unit {
        ActivationUnit::PctMvc => format!("{v:.0} %MVC"),
        ActivationUnit::Microvolts => format!("{v:.0} µV"),
    }
}

/// The axis label of the unit.
pub fn unit_label(unit: ActivationUnit) -> &'static str {
    match unit {
        ActivationUnit::PctMvc => "%MVC",
        ActivationUnit::Microvolts => "µV",
    }
}

impl InsightsPanel {
    /// Draws the screen.
    pub fn show(&mut self, ui: &mut Ui) -> Option<ScreenAction> {
        let mut choice = None;
        let mut close = false;
        ui.horizontal(|ui| {
            ui.heading("Insights");
            if ui.button("Close insights").clicked() {
                close = true;
            }
            ui.separator();
            for tab in InsightsTab::ALL {
                if ui.selectable_label(self.tab == tab, tab.title()).clicked() {
                    choice = Some(Choice::Tab(tab));
                }
            }
        });
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(WARNING));
        }
        if self.loading() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the training history...");
            });
        } else if self.muscles.is_empty() && self.error.is_none() {
            ui.label(
                "No sets yet: train sets (or add recordings with `innervate history import`) and \
                 log how well you felt the muscle under each set's summary.",
            );
        } else {
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| match self.tab {
                    InsightsTab::Ranking => self.ranking_tab(ui, &mut choice),
                    InsightsTab::Feel => self.feel_tab(ui, &mut choice),
                    InsightsTab::Load => self.load_tab(ui, &mut choice),
                });
        }
        match choice {
            Some(Choice::Tab(t)) => self.tab = t,
            Some(Choice::Muscle(m)) => self.choose_muscle(&m),
            Some(Choice::Exercise(e)) => self.choose_exercise(&e),
            Some(Choice::LoadMuscle(m)) => self.choose_load_muscle(&m),
            None => {}
        }
        close.then_some(ScreenAction::Close)
    }

    fn muscle_combo(&self, ui: &mut Ui, choice: &mut Option<Choice>) {
        ui.horizontal(|ui| {
            ui.label("Muscle");
            combo(
                ui,
                "insights-muscle",
                &self.muscles,
                self.muscle.as_deref(),
                |m| *choice = Some(Choice::Muscle(m)),
            );
        });
    }

    fn ranking_tab(&self, ui: &mut Ui, choice: &mut Option<Choice>) {
        self.muscle_combo(ui, choice);
        let Some(r) = &self.ranking else {
            return;
        };
        ui.label(
            "Every exercise this muscle was the target in, best first: ranked by the median over sets of \
             each set's peak activation, then by the mean activation in the reps.",
        );
        ui.label(RichText::new(format!("Compared in {}", r.unit.reason)).strong());
        if r.drills_left_out > 0 {
            ui.label(format!(
                "{} activation drills left out (they are not exercises).",
                r.drills_left_out
            ));
        }
        if r.exercises.is_empty() {
            ui.label("No sets of this muscle as the target (only drills).");
            return;
        }
        insights_plots::ranking(ui, r);
        let unit = r.unit.unit;
        egui::Grid::new("insights-ranking-table")
            .striped(true)
            .show(ui, |ui| {
                for h in [
                    "Rank",
                    "Exercise",
                    "Median peak",
                    "Mean",
                    "Spread (min-max)",
                    "Sets",
                    "Competing muscle",
                    "Days",
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for (i, e) in r.exercises.iter().enumerate() {
                    ui.label(format!("{}.", i + 1));
                    ui.label(&e.exercise);
                    ui.label(in_unit(e.median_peak, unit));
                    ui.label(e.mean_activation.map_or("-".into(), |m| in_unit(m, unit)));
                    ui.label(format!(
                        "{} - {}",
                        in_unit(e.peak_spread.min, unit),
                        in_unit(e.peak_spread.max, unit)
                    ));
                    ui.label(e.sets.to_string());
                    ui.label(competitor(e));
                    ui.label(if e.first_day == e.last_day {
                        e.first_day.clone()
                    } else {
                        format!("{} to {}", e.first_day, e.last_day)
                    });
                    ui.end_row();
                }
            });
    }

    fn feel_tab(&self, ui: &mut Ui, choice: &mut Option<Choice>) {
        self.muscle_combo(ui, choice);
        let Some(f) = &self.feel else {
            return;
        };
        let r = &f.report;
        ui.label(
            "How well the felt activation (1-10, typed after a set) matches the measured activation \
             score (1-10) of the same set: the mind-muscle connection.",
        );
        ui.label(RichText::new(&f.verdict).strong());
        if r.points.is_empty() {
            return;
        }
        let n = r.points.len();
        ui.label(format!(
            "{n} sets with a felt score: the feel disagreed with the measurement by {DISAGREE_POINTS} \
             points or more in {} ({:.0} %): {} felt higher, {} felt lower than measured.",
            r.disagreements,
            100.0 * r.disagreements as f64 / n as f64,
            r.felt_higher,
            r.felt_lower
        ));
        if let (Some(abs), Some(signed)) = (r.mean_abs_gap, r.mean_gap) {
            ui.label(format!(
                "Mean gap {abs:.1} points either way; on average the feel {} by {:.1}.",
                if signed >= 0.0 {
                    "overrates"
                } else {
                    "underrates"
                },
                signed.abs()
            ));
        }
        if r.sets_without_felt > 0 {
            ui.label(format!(
                "{} sets without a felt score are not compared.",
                r.sets_without_felt
            ));
        }
        insights_plots::feel(ui, f);
    }

    fn load_tab(&self, ui: &mut Ui, choice: &mut Option<Choice>) {
        ui.horizontal(|ui| {
            ui.label("Exercise");
            combo(
                ui,
                "insights-exercise",
                &self.exercises,
                self.exercise.as_deref(),
                |e| *choice = Some(Choice::Exercise(e)),
            );
            if let Some(v) = &self.load
                && v.muscles.len() > 1
            {
                ui.label("Target muscle");
                combo(
                    ui,
                    "insights-load-muscle",
                    &v.muscles,
                    v.muscle.as_deref(),
                    |m| *choice = Some(Choice::LoadMuscle(m)),
                );
            }
        });
        let Some(v) = &self.load else {
            return;
        };
        ui.label(
            "Measured activation against load over time: at an unchanged load, a rising line means the \
             muscle does more of the work.",
        );
        ui.label(RichText::new(format!("Compared in {}", v.report.unit.reason)).strong());
        if v.report.sets_without_load > 0 {
            ui.label(format!(
                "{} sets without a logged load are not shown.",
                v.report.sets_without_load
            ));
        }
        if v.lines.is_empty() {
            ui.label(
                "No sets of this exercise with a load yet: log the load under a set's summary.",
            );
            return;
        }
        insights_plots::load(ui, v);
        let unit = v.report.unit.unit;
        egui::Grid::new("insights-load-table")
            .striped(true)
            .show(ui, |ui| {
                for h in ["Load", "Week of", "Sets", "Median peak"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                let shown = v
                    .report
                    .cells
                    .iter()
                    .filter(|c| Some(&c.muscle) == v.muscle.as_ref());
                for c in shown {
                    ui.label(c.load.to_string());
                    ui.label(&c.week);
                    ui.label(c.sets.to_string());
                    ui.label(in_unit(c.median_peak, unit));
                    ui.end_row();
                }
            });
    }
}

/// The competing muscle's median CCI or the target's share, in words.
fn competitor(e: &ExerciseRank) -> String {
    match (e.competitor_role, e.median_cci_pct, e.median_share_pct) {
        (Some(CompetitorRole::Synergist), _, Some(s)) => format!("target's share {s:.0} %"),
        (_, Some(c), _) => format!("CCI {c:.0} %"),
        (_, None, Some(s)) => format!("target's share {s:.0} %"),
        _ => "-".into(),
    }
}

/// A combo box of `items` showing `chosen`; `pick` gets the item clicked.
fn combo(
    ui: &mut Ui,
    id: &str,
    items: &[String],
    chosen: Option<&str>,
    mut pick: impl FnMut(String),
) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(chosen.unwrap_or("-"))
        .show_ui(ui, |ui| {
            for item in items {
                if ui
                    .selectable_label(chosen == Some(item.as_str()), item)
                    .clicked()
                    && chosen != Some(item.as_str())
                {
                    pick(item.clone());
                }
            }
        });
}
