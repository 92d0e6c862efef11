//! The history screen: per exercise and muscle, the activation score, peak %MVC, co-contraction index and
//! fatigue slope of every set over time, with the sets listed; a click opens the set's recording in review.

use super::body_map::{self, RegionPaint};
use super::body_map_panel::{HISTORY_PERIODS, history_paints, period_start_day};
use super::screen::ScreenAction;
use super::theme::WARNING;
use crate::training::history_db::{HistoryDb, Metric, SetRecord, series};
use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints, Points};

/// The open history screen.
#[derive(Clone, Debug, Default)]
pub struct HistoryPanel {
    /// Exercises with sets.
    pub exercises: Vec<String>,
    /// Chosen exercise.
    pub exercise: Option<String>,
    /// Muscles trained in it.
    pub muscles: Vec<String>,
    /// Chosen muscle.
    pub muscle: Option<String>,
    /// Sets of the choice, oldest first.
    pub sets: Vec<SetRecord>,
    /// What each plot draws, per [`Metric::ALL`], worked out once per choice (not per frame).
    pub series: Vec<Vec<(f64, f64)>>,
    /// A problem, in plain words.
    pub error: Option<String>,
    /// Every set of the chosen exercise (all muscles), for the body map.
    pub exercise_sets: Vec<SetRecord>,
    /// The body map's metric, an index into [`Metric::ALL`].
    pub map_metric: usize,
    /// The body map's period, an index into [`HISTORY_PERIODS`].
    pub map_period: usize,
    /// The body map's paints, worked out once per choice (not per frame).
    pub map_paints: Vec<RegionPaint>,
}

impl HistoryPanel {
    /// The screen over `db` (or its problem), showing `preferred` (the applied exercise) when it has sets.
    pub fn open(db: Result<&HistoryDb, String>, preferred: Option<&str>) -> Self {
        let mut panel = HistoryPanel::default();
        let db = match db {
            Ok(db) => db,
            Err(e) => {
                panel.error = Some(e);
                return panel;
            }
        };
        match db.exercises() {
            Ok(ex) => panel.exercises = ex,
            Err(e) => panel.error = Some(e.to_string()),
        }
        let first = preferred
            .map(str::to_string)
            .filter(|n| panel.exercises.contains(n))
            .or_else(|| panel.exercises.first().cloned());
        if first.is_some() {
            panel.choose(db, first, None);
        }
        panel
    }

    /// Chooses an exercise (and optionally a muscle; the first one otherwise) and reads its sets.
    pub fn choose(&mut self, db: &HistoryDb, exercise: Option<String>, muscle: Option<String>) {
        let muscles = exercise
            .as_deref()
            .map(|e| db.muscles(e).unwrap_or_default())
            .unwrap_or_default();
        let muscle = muscle.or_else(|| muscles.first().cloned());
        let sets = db.sets(exercise.as_deref(), muscle.as_deref());
        self.exercise = exercise;
        self.muscles = muscles;
        self.muscle = muscle;
        match sets {
            Ok(s) => {
                self.series = Metric::ALL.iter().map(|&m| series(&s, m)).collect();
                self.sets = s;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        self.exercise_sets = db.sets(self.exercise.as_deref(), None).unwrap_or_default();
        self.repaint_map();
    }

    /// The body map's period in weeks (0 = every set).
    fn map_weeks(&self) -> u32 {
        HISTORY_PERIODS[self.map_period.min(HISTORY_PERIODS.len() - 1)]
    }

    /// Works out the body map's paints for the chosen metric and period.
    pub fn repaint_map(&mut self) {
        let metric = Metric::ALL[self.map_metric.min(Metric::ALL.len() - 1)];
        let weeks = self.map_weeks();
        self.map_paints = history_paints(
            &self.exercise_sets,
            metric,
            weeks,
            std::time::SystemTime::now(),
        );
    }

    /// The body map of the chosen exercise: a metric and a period to choose, each muscle by its mean.
    fn body_map(&mut self, ui: &mut Ui) {
        let (mut metric, mut period) = (self.map_metric, self.map_period);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Body map").strong());
            for (k, m) in Metric::ALL.iter().enumerate() {
                ui.radio_value(&mut metric, k, m.label());
            }
            ui.separator();
            for (k, w) in HISTORY_PERIODS.iter().enumerate() {
                let text = match w {
                    0 => "all sets".to_string(),
                    1 => "last week".to_string(),
                    w => format!("last {w} weeks"),
                };
                ui.radio_value(&mut period, k, text);
            }
        });
        if (metric, period) != (self.map_metric, self.map_period) {
            (self.map_metric, self.map_period) = (metric, period);
            self.repaint_map();
        }
        body_map::show(
            ui,
            "history",
            egui::Vec2::new(240.0, 250.0),
            &self.map_paints,
            false,
        );
    }

    /// Draws the screen; choosing reads `db` (the app's history database) after drawing.
    pub fn show(&mut self, ui: &mut Ui, db: Option<&HistoryDb>) -> Option<ScreenAction> {
        let mut choose: Option<(Option<String>, Option<String>)> = None;
        let mut open: Option<String> = None;
        let mut report: Option<String> = None;
        let mut progress = false;
        let mut close = false;
        ui.horizontal(|ui| {
            ui.heading("History");
            if ui.button("Close history").clicked() {
                close = true;
            }
            if !self.sets.is_empty()
                && ui
                    .button("PDF progress report")
                    .on_hover_text(
                        "These sets' plots and the muscle's exercise ranking over the body map's period, \
                         as a PDF next to the history",
                    )
                    .clicked()
            {
                progress = true;
            }
        });
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(WARNING));
        }
        if self.exercises.is_empty() {
            ui.label("No sets yet: apply an exercise setup and press Space to train a set.");
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("Exercise");
            for e in &self.exercises {
                if ui
                    .selectable_label(self.exercise.as_ref() == Some(e), e)
                    .clicked()
                {
                    choose = Some((Some(e.clone()), None));
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Muscle");
            for m in &self.muscles {
                if ui
                    .selectable_label(self.muscle.as_ref() == Some(m), m)
                    .clicked()
                {
                    choose = Some((self.exercise.clone(), Some(m.clone())));
                }
            }
        });
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                self.body_map(ui);
                ui.columns(2, |cols| {
                    for (k, metric) in Metric::ALL.into_iter().enumerate() {
                        let ui = &mut cols[k % 2];
                        ui.label(RichText::new(metric.label()).strong());
                        let pts = self.series.get(k).map_or(&[][..], Vec::as_slice);
                        let line: PlotPoints = pts.iter().map(|&(x, y)| [x, y]).collect();
                        let dots: PlotPoints = pts.iter().map(|&(x, y)| [x, y]).collect();
                        if pts.is_empty() {
                            ui.label(match metric {
                                Metric::PeakPctMvc => {
                                    "no values yet: calibrate the muscle for %MVC"
                                }
                                _ => "no values yet",
                            });
                        }
                        let last = pts.iter().map(|p| p.0).fold(0.0, f64::max);
                        Plot::new(("history", k))
                            .height(140.0)
                            .default_x_bounds(-0.5, (last + 0.5).max(7.0))
                            .x_axis_formatter(|m, _| format!("day {:.0}", m.value))
                            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [7.0, 1.0, 1.0]))
                            .show(ui, |p| {
                                p.line(Line::new(metric.label(), line));
                                p.points(Points::new(metric.label(), dots).radius(3.0));
                            });
                    }
                });
                ui.separator();
                egui::Grid::new("history-sets")
                    .striped(true)
                    .show(ui, |ui| {
                        for h in [
                            "Date", "Set", "Reps", "Good", "Score", "Peak", "CCI", "Fatigue",
                            "Felt", "Load", "",
                        ] {
                            ui.label(RichText::new(h).strong());
                        }
                        ui.end_row();
                        for (i, r) in self.sets.iter().enumerate().rev() {
                            ui.label(
                                r.started_at
                                    .get(..16)
                                    .unwrap_or(&r.started_at)
                                    .replace('T', " "),
                            );
                            ui.label(r.set_in_session.to_string());
                            ui.label(r.reps.to_string());
                            ui.label(r.good_reps.to_string());
                            ui.label(r.score.to_string());
                            ui.label(r.peak_pct_mvc.map_or(format!("{:.0} µV", r.peak_uv), |p| {
                                format!("{p:.0} %MVC")
                            }));
                            ui.label(r.cci_pct.map_or("-".into(), |c| format!("{c:.0} %")));
                            ui.label(
                                r.fatigue_slope_hz_per_min
                                    .map_or("-".into(), |v| format!("{v:+.1} Hz/min")),
                            );
                            ui.label(r.log.felt.map_or("-".into(), |f| format!("{f} / 10")));
                            ui.label(r.log.load.map_or("-".into(), |l| l.to_string()));
                            match &r.session_wav {
                                Some(wav) => {
                                    ui.horizontal(|ui| {
                                        if ui.button(format!("Open set {}", i + 1)).clicked() {
                                            open = Some(wav.clone());
                                        }
                                        if ui
                                            .button(format!("PDF report {}", i + 1))
                                            .on_hover_text(
                                                "The set's recording as a PDF, next to it",
                                            )
                                            .clicked()
                                        {
                                            report = Some(wav.clone());
                                        }
                                    });
                                }
                                None => {
                                    ui.label("");
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
        if let (Some((e, m)), Some(db)) = (choose, db) {
            self.choose(db, e, m);
        }
        if let Some(wav) = open {
            return Some(ScreenAction::OpenReview(wav.into()));
        }
        if let Some(wav) = report {
            return Some(ScreenAction::ReportSession(wav.into()));
        }
        if progress {
            return Some(ScreenAction::ReportProgress {
                exercise: self.exercise.clone(),
                muscle: self.muscle.clone(),
                from_day: period_start_day(self.map_weeks(), std::time::SystemTime::now()),
            });
        }
        close.then_some(ScreenAction::Close)
    }
}
