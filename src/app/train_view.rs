//! Drawing a training set: the exercise header with Start/End set, the co-contraction gauge of the pair,
//! the rep counter with each rep's verdict, the tempo guide or hold timer, the fatigue trend; the summary
//! when a set ends; and the first-run welcome.

use super::InnervateApp;
use super::live_view::{CALM, CAUTION, WARNING};
use super::training::SetMode;
use crate::dsp::cocontraction::falconer_winter;
use crate::training::summary::SCORE_FORMULA;
use egui::{Color32, ProgressBar, RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

/// Seconds of history the co-contraction gauge averages.
const GAUGE_WINDOW_S: f64 = 0.5;

impl InnervateApp {
    /// Antagonist/target ratio and Falconer & Winter over the last half second, from the display history.
    pub fn live_pair_gauge(&self) -> Option<(f64, f64)> {
        let (target, antagonist) = self.training.channels();
        let antagonist = antagonist?;
        let n = ((GAUGE_WINDOW_S / self.history.step_s()).round() as usize).max(1);
        let ag = self.history.channels.get(target)?;
        let ant = self.history.channels.get(antagonist)?;
        // Sums over the newest n points: the same window for both, no allocation per frame.
        let sum = |v: &std::collections::VecDeque<f32>| -> (f64, usize) {
            v.iter()
                .rev()
                .take(n)
                .fold((0.0, 0), |(s, k), x| (s + *x as f64, k + 1))
        };
        let ((a, na), (b, nb)) = (sum(&ag.envelope), sum(&ant.envelope));
        if na == 0 || nb == 0 {
            return None;
        }
        let ratio = if a > 0.0 {
            (b / nb as f64) / (a / na as f64)
        } else {
            0.0
        };
        Some((ratio, falconer_winter(a, b)))
    }

    /// The training header above the muscle rows.
    pub(crate) fn training_header(&mut self, ui: &mut Ui) {
        let (target, antagonist) = self.training.channels();
        let exercise = self
            .training
            .setup
            .as_ref()
            .map_or("Free training".to_string(), |s| s.name.clone());
        let in_set = self.training.set.is_some();
        ui.horizontal(|ui| {
            ui.label(RichText::new(&exercise).size(20.0).strong());
            let label = if in_set {
                "End set (Space)"
            } else {
                "Start set (Space)"
            };
            if ui
                .button(RichText::new(label).size(20.0))
                .on_hover_text("A set is recorded, marked and summarised when it ends")
                .clicked()
            {
                self.toggle_training_set();
            }
            if !in_set {
                let mut mode = self.training.next_mode;
                ui.radio_value(&mut mode, SetMode::Reps, "Reps with tempo");
                ui.radio_value(&mut mode, SetMode::Hold, "Isometric hold");
                self.set_mode(mode);
            }
        });
        if let (Some(ant), Some((ratio, cci))) = (antagonist, self.live_pair_gauge()) {
            let limit = self
                .training
                .setup
                .as_ref()
                .map_or(crate::training::rules::DEFAULT_RATIO_LIMIT, |s| {
                    s.ratio_limit
                });
            let working = self.history.channels.get(target).is_some_and(|h| {
                crate::training::rules::is_working(
                    h.latest as f64,
                    self.muscles[target].target_uv as f64,
                )
            });
            let warn = working && ratio > limit;
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!(
                        "{} / {}",
                        self.muscles[ant].name, self.muscles[target].name
                    ))
                    .size(16.0),
                );
                // At rest the ratio means nothing: say so instead of showing it.
                let (fill, text) = if working {
                    (
                        (ratio / (2.0 * limit).max(0.01)).min(1.0) as f32,
                        format!("ratio {ratio:.2} (limit {limit:.2}), CCI {cci:.0} %"),
                    )
                } else {
                    (0.0, "target muscle at rest".to_string())
                };
                ui.add(
                    ProgressBar::new(fill)
                        .desired_width(300.0)
                        .fill(if warn { WARNING } else { CALM })
                        .text(text),
                )
                .on_hover_text(
                    "Co-contraction gauge: the antagonist's envelope over the target's, last 0.5 s",
                );
                if warn {
                    ui.label(
                        RichText::new("Antagonist taking over")
                            .color(WARNING)
                            .strong(),
                    );
                }
            });
        }
        // Only what the header needs: the set's points (up to 10 minutes of them) are not copied per frame.
        let Some((started_s, mode)) = self.training.set.as_ref().map(|s| (s.started_s, s.mode))
        else {
            return;
        };
        let now = self.stream_time_s();
        let elapsed = now - started_s;
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Set {:.0} s", elapsed.max(0.0))).size(18.0));
            let reps = self
                .reps
                .get(self.pair_index_of(target))
                .map_or(0, |r| r.count);
            ui.label(RichText::new(format!("Reps {reps}")).size(22.0).strong());
            if let Some(last) = self
                .reps
                .get(self.pair_index_of(target))
                .and_then(|r| r.last)
            {
                let good = last.peak_uv >= self.muscles[target].target_uv as f64;
                ui.label(
                    RichText::new(if good {
                        "last rep: on target"
                    } else {
                        "last rep: below target"
                    })
                    .color(if good { CALM } else { CAUTION }),
                );
            }
        });
        match mode {
            SetMode::Reps => {
                if let Some(setup) = &self.training.setup {
                    let (phase, done) = setup.tempo.phase_at(elapsed.max(0.0));
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(format!("Tempo: {}", phase.label())).size(18.0));
                        ui.add(ProgressBar::new(done as f32).desired_width(300.0))
                            .on_hover_text(format!(
                                "Metronome: {:.1} s up, {:.1} s down",
                                setup.tempo.concentric_s, setup.tempo.eccentric_s
                            ));
                    });
                }
            }
            SetMode::Hold => {
                let goal = self.training.setup.as_ref().map_or(10.0, |s| s.hold_s);
                let text = match self.hold_elapsed_s() {
                    None => "Hold: contract to reach the target line".to_string(),
                    Some(t) if t >= goal => format!("Hold done: {t:.1} s"),
                    Some(t) => format!("Hold {t:.1} / {goal:.0} s"),
                };
                let frac = self.hold_elapsed_s().map_or(0.0, |t| (t / goal).min(1.0));
                ui.add(
                    ProgressBar::new(frac as f32)
                        .desired_width(400.0)
                        .text(text),
                );
            }
        }
        if let Some(set) = &self.training.set
            && set.mdf.len() >= 2
        {
            let pts: PlotPoints = set.mdf.iter().map(|&(t, f)| [t - started_s, f]).collect();
            ui.label("Fatigue trend: median frequency of the target muscle (falls as it tires)");
            Plot::new("mdf-trend")
                .height(80.0)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .show(ui, |p| {
                    p.line(Line::new("MDF (Hz)", pts).color(Color32::from_rgb(155, 89, 182)))
                });
        }
    }

    /// Which engine pair (for the live rep counter) has `agonist` as its agonist; 0 if none.
    fn pair_index_of(&self, agonist: usize) -> usize {
        self.pairs
            .iter()
            .position(|p| p.agonist == agonist)
            .unwrap_or(0)
    }

    /// The summary of the last set.
    pub(crate) fn summary_panel(&mut self, ui: &mut Ui) {
        let Some(f) = self.training.finished.clone() else {
            return;
        };
        let s = &f.summary;
        let mut close = false;
        let mut review = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(format!("Set summary: {}", f.exercise));
                ui.label(
                    RichText::new(format!("Activation score {} / 10", s.score))
                        .size(26.0)
                        .strong()
                        .color(if s.score >= 7 {
                            CALM
                        } else if s.score >= 4 {
                            CAUTION
                        } else {
                            WARNING
                        }),
                )
                .on_hover_text(SCORE_FORMULA);
            });
            let pct = |v: Option<f64>, uv: f64| match v {
                Some(p) => format!("{p:.0} %MVC"),
                None => format!("{uv:.0} µV"),
            };
            egui::Grid::new("summary").striped(true).show(ui, |ui| {
                let rows = [
                    ("Reps", s.reps.to_string()),
                    (
                        "Good reps",
                        format!(
                            "{} (target reached, antagonist within its limit)",
                            s.good_reps
                        ),
                    ),
                    ("Peak", pct(s.peak_pct_mvc, s.peak_uv)),
                    (
                        "Mean in reps",
                        s.mean_pct_mvc
                            .map_or("-".into(), |m| format!("{m:.0} %MVC")),
                    ),
                    (
                        "Time above target",
                        format!("{:.1} s of {:.1} s", s.time_above_target_s, s.duration_s),
                    ),
                    (
                        "Co-contraction",
                        s.cci_pct
                            .map_or("-".into(), |c| format!("{c:.0} % (Falconer & Winter)")),
                    ),
                    (
                        "Fatigue slope",
                        s.fatigue_slope_hz_per_min
                            .map_or("-".into(), |v| format!("{v:+.1} Hz/min (median frequency)")),
                    ),
                ];
                for (k, v) in rows {
                    ui.label(RichText::new(k).strong());
                    ui.label(v);
                    ui.end_row();
                }
            });
            if let Err(e) = &f.stored {
                ui.label(RichText::new(format!("Not stored in the history: {e}")).color(WARNING));
            }
            ui.horizontal(|ui| {
                if ui.button("Close summary").clicked() {
                    close = true;
                }
                if f.session_wav.is_some() && ui.button("Review this set").clicked() {
                    review = true;
                }
            });
        });
        if close {
            self.dismiss_summary();
        }
        if review && let Some(wav) = f.session_wav {
            // The recording may still be closing; wait briefly for it.
            let _ = self.wait_for_saved(std::time::Duration::from_secs(2));
            self.open_review(&wav);
        }
    }

    /// The welcome shown on the first run.
    pub(crate) fn first_run_screen(&mut self, ui: &mut Ui) {
        let mut simulate = false;
        let mut connect = false;
        let mut start = false;
        ui.heading("Welcome to Innervate");
        ui.label(RichText::new("See which muscle really does the work.").size(18.0));
        ui.add_space(8.0);
        for (title, text) in [
            (
                "1. Electrodes",
                "Two electrodes on the muscle belly, 20 mm apart, in line with the fibres; the reference \
                 electrode on bone (elbow, knee, collarbone). Shave and clean the skin with alcohol first: \
                 a good contact gives a quiet baseline.",
            ),
            (
                "2. Target and antagonist",
                "Put the first sensor on the muscle you want to train and the second on its antagonist. \
                 The setup screen lists muscles with SENIAM placement notes and common exercises.",
            ),
            (
                "3. Calibrate",
                "Three maximal contractions per muscle give the MVC, so every bar and target is in %MVC \
                 and sets compare week to week.",
            ),
            (
                "4. Train",
                "Press Space to start and end a set: reps are counted, each rep is checked against the \
                 target line and the antagonist limit, and the set gets an activation score.",
            ),
        ] {
            ui.label(RichText::new(title).strong());
            ui.label(text);
            ui.add_space(4.0);
        }
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new("Try the simulated board").size(18.0))
                .clicked()
            {
                simulate = true;
            }
            if ui
                .button(RichText::new("Connect a board").size(18.0))
                .clicked()
            {
                connect = true;
            }
            if ui
                .button(RichText::new("Set up an exercise").size(18.0))
                .clicked()
            {
                start = true;
            }
        });
        if simulate {
            self.finish_first_run();
            if self.engine.info().kind != crate::source::SourceKind::Simulator {
                self.open_connect();
                self.connect_simulator(2);
            }
        }
        if connect {
            self.finish_first_run();
            self.open_connect();
        }
        if start {
            self.finish_first_run();
            self.open_setup();
        }
    }
}
