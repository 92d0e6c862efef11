//! Drawing the live view. Nothing here processes signal: it reads the history and the settings.

use super::activation_bar::{ActivationBar, TARGET_LINE};
use super::{InnervateApp, RecordingStatus};
use crate::stats::{LinkState, LinkStats};
use egui::{Color32, RichText, Ui};
use egui_plot::{HLine, Line, Plot, PlotPoints};

/// Warning colour of a co-contraction readout.
pub const WARNING: Color32 = Color32::from_rgb(231, 76, 60);
/// Colour of advice that is not an alarm.
pub const CAUTION: Color32 = Color32::from_rgb(243, 156, 18);
/// Calm colour of a co-contraction readout.
pub const CALM: Color32 = Color32::from_rgb(46, 204, 113);
const ENVELOPE: Color32 = Color32::from_rgb(52, 152, 219);
const ROW_PLOT_HEIGHT: f32 = 90.0;

impl InnervateApp {
    /// Draws the whole window.
    pub fn show(&mut self, ui: &mut Ui) {
        self.shortcuts(ui);
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_line(ui));
        egui::CentralPanel::default_margins().show(ui, |ui| {
            if self.first_run {
                self.first_run_screen(ui);
                return;
            }
            if self.setup_panel.is_some() {
                self.setup_screen(ui);
                return;
            }
            if self.history_panel.is_some() {
                self.history_screen(ui);
                return;
            }
            if self.calibration.is_some() {
                self.calibration_panel(ui);
                return;
            }
            if self.sessions.is_some() {
                self.sessions_panel(ui);
                return;
            }
            if self.review.is_some() {
                self.review_screen(ui);
                return;
            }
            if self.connect.is_some() {
                self.connect_screen(ui);
                return;
            }
            self.training_header(ui);
            if self.training.finished.is_some() {
                self.summary_panel(ui);
            }
            ui.separator();
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    if !self.pairs.is_empty() {
                        self.pair_readouts(ui);
                        ui.separator();
                    }
                    for c in 0..self.muscles.len() {
                        self.muscle_row(ui, c);
                        ui.separator();
                    }
                });
        });
    }

    /// Keyboard shortcuts (ignored while the user types in a field): Space starts/ends a set (or plays a
    /// review), M marks, R records, E exercise setup, H history, C calibration, S sessions, Esc closes.
    fn shortcuts(&mut self, ui: &mut Ui) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let pressed = |k: egui::Key| ui.input(|i| i.key_pressed(k));
        if pressed(egui::Key::M) {
            if self.review.is_some() {
                self.add_review_marker();
            } else {
                self.add_user_marker();
            }
        }
        let panel_open = self.review.is_some()
            || self.sessions.is_some()
            || self.setup_panel.is_some()
            || self.history_panel.is_some()
            || self.connect.is_some()
            || self.calibration.is_some()
            || self.first_run;
        if pressed(egui::Key::Escape) {
            self.review = None;
            self.sessions = None;
            self.setup_panel = None;
            self.history_panel = None;
            self.connect = None;
            if self.training.finished.is_some() {
                self.dismiss_summary();
            }
        }
        if panel_open {
            return;
        }
        if pressed(egui::Key::Space) {
            self.toggle_training_set();
        } else if pressed(egui::Key::R) {
            self.toggle_recording();
        } else if pressed(egui::Key::E) {
            self.open_setup();
        } else if pressed(egui::Key::H) {
            self.open_history();
        } else if pressed(egui::Key::C) {
            self.open_calibration();
        } else if pressed(egui::Key::S) {
            self.open_sessions();
        }
    }

    fn toolbar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.heading("Innervate");
            ui.separator();
            let record_label = if self.is_recording() {
                "Stop"
            } else {
                "Record"
            };
            let button = egui::Button::new(RichText::new(record_label).size(18.0));
            if ui
                .add(button)
                .on_hover_text("Record every channel to a WAV file with a JSON sidecar")
                .clicked()
            {
                self.toggle_recording();
            }
            if self.is_recording() {
                let label = ui.label("Marker text");
                ui.add(egui::TextEdit::singleline(&mut self.marker_text).desired_width(140.0))
                    .labelled_by(label.id);
                if ui
                    .button("Mark (M)")
                    .on_hover_text("Mark this moment in the recording")
                    .clicked()
                {
                    self.add_user_marker();
                }
                // The same set as Space: marked in the recording and summarised when it ends.
                let set_label = if self.training.set.is_some() {
                    "End set"
                } else {
                    "Start set"
                };
                if ui.button(set_label).clicked() {
                    self.toggle_training_set();
                }
            }
            if ui
                .button("Exercise (E)")
                .on_hover_text(
                    "Muscles per channel, target and antagonist, electrode placement, tempo",
                )
                .clicked()
            {
                self.open_setup();
            }
            if ui
                .button("History (H)")
                .on_hover_text(
                    "Every set over the weeks: score, peak %MVC, co-contraction, fatigue",
                )
                .clicked()
            {
                self.open_history();
            }
            if ui
                .button("Connect")
                .on_hover_text("Choose a board: a serial port, a protocol, or the simulated board")
                .clicked()
            {
                self.open_connect();
            }
            if ui
                .button("Sessions")
                .on_hover_text("Your recordings: length, muscles, notes; delete")
                .clicked()
            {
                self.open_sessions();
            }
            if ui
                .button("Calibrate MVC")
                .on_hover_text("Measure each muscle's maximal contraction for %MVC")
                .clicked()
            {
                self.open_calibration();
            }
            ui.separator();
            if ui
                .checkbox(&mut self.show_raw, "Raw EMG")
                .on_hover_text("Show the filtered, unrectified signal instead of the RMS envelope")
                .changed()
            {
                self.save_settings();
            }
            let mut notch = self.notch_enabled;
            if ui
                .checkbox(&mut notch, "Mains notch")
                .on_hover_text("Remove mains hum (it also removes a little real EMG power)")
                .changed()
            {
                let mut cfg = self.engine.dsp_config().notch.clone();
                cfg.enabled = notch;
                if self.engine.set_notch(cfg).is_ok() {
                    self.notch_enabled = notch;
                    self.save_settings();
                }
            }
            let mains = self.engine.dsp_config().notch.mains_hz;
            for hz in [50.0, 60.0] {
                if ui
                    .selectable_label(mains == hz, format!("{hz:.0} Hz"))
                    .clicked()
                    && mains != hz
                {
                    let mut cfg = self.engine.dsp_config().notch.clone();
                    cfg.mains_hz = hz;
                    if self.engine.set_notch(cfg).is_ok() {
                        self.save_settings();
                    }
                }
            }
        });
    }

    fn status_line(&self, ui: &mut Ui) {
        let info = self.engine.info();
        let stats = self.engine.stats();
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("Source: {}", info.description));
            ui.separator();
            ui.label(format!("{:.0} Hz", info.sample_rate));
            ui.separator();
            ui.label(format!("Received {:.0} samples/s", self.received_rate()));
            ui.separator();
            let dropped = LinkStats::get(&stats.ring_overflows);
            let text = format!("Dropped blocks: {dropped}");
            ui.label(if dropped > 0 {
                RichText::new(text).color(WARNING)
            } else {
                RichText::new(text)
            });
            let missing = LinkStats::get(&stats.frames_missing);
            if missing > 0 {
                ui.separator();
                ui.label(RichText::new(format!("Missing samples: {missing}")).color(WARNING));
            }
            if info.sample_rate < 1000.0 {
                ui.separator();
                ui.label(
                    RichText::new("Below 1 kHz: envelopes only, no full sEMG bandwidth")
                        .color(WARNING),
                );
            }
            let link = |c: &std::sync::atomic::AtomicU64| LinkStats::get(c);
            if info.kind == crate::source::SourceKind::Serial {
                ui.separator();
                let health = format!(
                    "Link: board drops {}, CRC errors {}, resyncs {}, reconnects {}",
                    link(&stats.packets_dropped),
                    link(&stats.crc_errors),
                    link(&stats.resyncs),
                    link(&stats.reconnects)
                );
                let bad = link(&stats.packets_dropped) + link(&stats.crc_errors) > 0;
                ui.label(if bad {
                    RichText::new(health).color(CAUTION)
                } else {
                    RichText::new(health)
                })
                .on_hover_text(format!(
                    "{} bytes received. Drops are packets missing by their sequence numbers (marked as gaps); \
                     CRC errors are damaged frames; resyncs are times garbage had to be skipped; the board \
                     reported {} errors.",
                    link(&stats.bytes_received),
                    link(&stats.board_errors)
                ));
            }
            match stats.state() {
                LinkState::Disconnected => {
                    ui.separator();
                    ui.label(
                        RichText::new(format!(
                            "Board disconnected: reconnecting... ({})",
                            stats.notice()
                        ))
                        .color(WARNING)
                        .strong(),
                    );
                }
                LinkState::Ended => {
                    ui.separator();
                    ui.label("Source ended");
                }
                LinkState::Failed => {
                    ui.separator();
                    let msg = stats.error().unwrap_or_else(|| "source failed".into());
                    ui.label(RichText::new(msg).color(WARNING));
                }
                _ => {}
            }
            ui.separator();
            if let Some(msg) = &self.message {
                ui.label(msg);
                ui.separator();
            }
            match &self.recording {
                RecordingStatus::Idle => {}
                RecordingStatus::Recording { path, start_frame } => {
                    let frames =
                        LinkStats::get(&stats.frames_processed).saturating_sub(*start_frame);
                    ui.label(
                        RichText::new(format!(
                            "REC {:.1} s  {}",
                            frames as f64 / info.sample_rate,
                            path.file_name()
                                .map(|f| f.to_string_lossy())
                                .unwrap_or_default()
                        ))
                        .color(WARNING)
                        .strong(),
                    );
                    let lost = LinkStats::get(&stats.recorder_dropped);
                    if lost > 0 {
                        ui.label(
                            RichText::new(format!(
                                "Recorder fell behind: {lost} blocks marked as gaps"
                            ))
                            .color(WARNING),
                        );
                    }
                }
                RecordingStatus::Saved(msg) => {
                    ui.label(msg);
                }
                RecordingStatus::Failed(msg) => {
                    ui.label(RichText::new(msg).color(WARNING));
                }
            }
        });
    }

    fn pair_readouts(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("Co-contraction (antagonist / agonist)").strong());
        for k in 0..self.pairs.len() {
            let warn = self.pair_warning(k);
            let p = &self.pairs[k];
            let h = &self.history.pairs[k];
            let ag = &self.muscles[p.agonist].name;
            let ant = &self.muscles[p.antagonist].name;
            let active = self.agonist_active(k);
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{ant} vs {ag}")).size(16.0));
                let (text, colour) = if active {
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
                if let Some(r) = self.reps.get(k) {
                    let last = r
                        .last
                        .map(|l| format!("   last rep CCI {:.0} %", l.cci))
                        .unwrap_or_default();
                    ui.label(RichText::new(format!("Reps: {}{last}", r.count)).size(16.0));
                }
                let limit_label = ui.label(format!("Limit for {ant}"));
                let p = &mut self.pairs[k];
                ui.add(
                    egui::DragValue::new(&mut p.ratio_limit)
                        .range(0.0..=5.0)
                        .speed(0.01)
                        .fixed_decimals(2),
                )
                .labelled_by(limit_label.id)
                .on_hover_text(
                    "Warn when antagonist / agonist passes this while the agonist works",
                );
            });
        }
    }

    fn muscle_row(&mut self, ui: &mut Ui, c: usize) {
        let m = self.muscles[c].clone();
        let h = &self.history.channels[c];
        let latest = m.shown(h.latest);
        let target = m.shown(m.target_uv);
        let full_scale = (target * 1.6).max(m.shown(h.peak) * 1.1).max(m.shown(20.0));
        let unit = m.unit();
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.set_width(380.0);
                ui.horizontal(|ui| {
                    ui.label(RichText::new(&m.name).size(18.0).strong());
                    self.quality_badge(ui, c);
                });
                let mut t = target;
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
                if t != target {
                    self.set_target(c, m.from_shown(t));
                }
            });
            self.row_plot(ui, c, full_scale);
        });
    }

    /// The channel's signal check: a coloured verdict with its reason and the measures on hover.
    fn quality_badge(&self, ui: &mut Ui, c: usize) {
        use crate::dsp::quality::Verdict;
        let Some(q) = self.quality.get(c) else {
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

    fn row_plot(&self, ui: &mut Ui, c: usize, full_scale: f32) {
        let h = &self.history.channels[c];
        let step = self.history.step_s();
        let n = h.envelope.len();
        let x = |i: usize| -((n - 1 - i) as f64) * step;
        let m = &self.muscles[c];
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
        let show_raw = self.show_raw;
        let raw_scale = (h.signal_peak as f64).max(20.0);
        plot.show(ui, |p| {
            if show_raw {
                p.set_plot_bounds_y(-raw_scale..=raw_scale);
                let lo: PlotPoints = h
                    .signal_min
                    .iter()
                    .enumerate()
                    .map(|(i, v)| [x(i), *v as f64])
                    .collect();
                let hi: PlotPoints = h
                    .signal_max
                    .iter()
                    .enumerate()
                    .map(|(i, v)| [x(i), *v as f64])
                    .collect();
                p.line(Line::new("min", lo).color(ENVELOPE).width(1.0));
                p.line(Line::new("max", hi).color(ENVELOPE).width(1.0));
            } else {
                p.set_plot_bounds_y(0.0..=full_scale as f64);
                let env: PlotPoints = h
                    .envelope
                    .iter()
                    .enumerate()
                    .map(|(i, v)| [x(i), shown(*v)])
                    .collect();
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
}
