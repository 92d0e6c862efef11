//! Drawing the review screen: controls, markers, one plot per channel with linked time axes, and the
//! analyzer's sets and reps. Reads [`super::review_state::ReviewPanel`]; what the user clicks is applied
//! after drawing.

use super::activation_bar::ActivationBar;
use super::review_state::{ExportKind, REPLAY_SPEEDS, ReviewPanel, marker_words};
use super::review_tables;
use super::screen::ScreenAction;
use super::theme::{CALM, CAUTION, CURSOR, ENVELOPE, RAW, WARNING};
use crate::review::overview::Track;
use crate::session::MarkerKind;
use egui::{RichText, Ui};
use egui_plot::{FilledArea, Line, Plot, VLine};

const PLOT_HEIGHT: f32 = 110.0;

/// What the user did on the review screen this frame.
pub(super) enum Act {
    Close,
    Play(f64),
    Stop,
    Seek(f64),
    Jump(usize),
    Show(f64),
    AddMarker,
    Export(ExportKind),
}

impl ReviewPanel {
    /// Draws the review screen; the review's own controls act on it after drawing, closing goes to the app.
    pub fn show(&mut self, ui: &mut Ui) -> Option<ScreenAction> {
        let mut acts: Vec<Act> = Vec::new();
        if self.loading() || self.replay.is_some() || self.exporting() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(30));
        }
        header(ui, self, &mut acts);
        egui::Panel::right("review-analysis")
            .resizable(true)
            .default_size(400.0)
            .show(ui, |ui| review_tables::analysis_table(ui, self, &mut acts));
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                for c in 0..self.session.channels {
                    channel_row(ui, self, c, &mut acts);
                    ui.separator();
                }
            });
        // A jump moves every plot once.
        self.pending_view = None;
        let mut close = None;
        for act in acts {
            match act {
                Act::Close => close = Some(ScreenAction::Close),
                Act::Play(speed) => self.start_replay(speed),
                Act::Stop => self.stop_replay(),
                Act::Seek(t) => self.seek(t),
                Act::Jump(i) => self.jump_to_marker(i),
                Act::Show(t) => {
                    self.seek(t);
                    self.centre_view(t);
                }
                Act::AddMarker => self.add_marker(),
                Act::Export(kind) => self.export(kind),
            }
        }
        close
    }
}

fn header(ui: &mut Ui, r: &mut ReviewPanel, acts: &mut Vec<Act>) {
    let s = &r.session;
    ui.horizontal(|ui| {
        ui.heading("Review");
        let name = s
            .wav_path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        ui.label(RichText::new(name).strong());
        ui.label(format!(
            "{:.1} s, {} channels at {:.0} Hz",
            s.duration_s(),
            s.channels,
            s.sample_rate
        ));
        if let Some(side) = &s.sidecar
            && !side.meta.notes.is_empty()
        {
            ui.label(RichText::new(&side.meta.notes).italics());
        }
        if ui.button("Close review").clicked() {
            acts.push(Act::Close);
        }
    });
    if r.loading() {
        let stage = if r.overview.is_some() {
            "Analysing: envelopes, sets and reps"
        } else {
            "Reading the recording"
        };
        ui.add(
            egui::ProgressBar::new(r.progress).text(format!("{stage} {:.0} %", r.progress * 100.0)),
        );
    }
    ui.horizontal(|ui| {
        let playing = r.replay.as_ref().map(|p| p.speed);
        for speed in REPLAY_SPEEDS {
            let label = format!("Play {speed:.0}x");
            if ui
                .selectable_label(playing == Some(speed), label)
                .on_hover_text("Replay from the cursor through the same processing as live (Space)")
                .clicked()
            {
                acts.push(Act::Play(speed));
            }
        }
        if playing.is_some() && ui.button("Stop replay").clicked() {
            acts.push(Act::Stop);
        }
        let mut t = r.cursor_s;
        let label = ui.label("Time");
        let slider = egui::Slider::new(&mut t, 0.0..=r.session.duration_s().max(0.001))
            .suffix(" s")
            // Formatting only: a decimals setting would round the cursor itself.
            .custom_formatter(|v, _| format!("{v:.2}"));
        ui.spacing_mut().slider_width = 420.0;
        if ui.add(slider).labelled_by(label.id).changed() {
            acts.push(Act::Seek(t));
        }
    });
    let markers = r.markers();
    if !markers.is_empty() {
        egui::ScrollArea::horizontal()
            .id_salt("review-markers")
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Markers:");
                    for (i, m) in markers.iter().enumerate() {
                        let text = if m.text.is_empty() {
                            format!("{} {:.1} s", marker_words(m.kind), m.time_s)
                        } else {
                            format!("{} {:.1} s: {}", marker_words(m.kind), m.time_s, m.text)
                        };
                        if ui.button(text).on_hover_text("Jump here").clicked() {
                            acts.push(Act::Jump(i));
                        }
                    }
                });
            });
    }
    ui.horizontal(|ui| {
        let label = ui.label("New marker text");
        ui.add(egui::TextEdit::singleline(&mut r.marker_text).desired_width(160.0))
            .labelled_by(label.id);
        if ui
            .button("Add marker (M)")
            .on_hover_text("Mark the cursor's moment; saved in the session's sidecar")
            .clicked()
        {
            acts.push(Act::AddMarker);
        }
        ui.separator();
        if ui
            .button("Export CSV")
            .on_hover_text("Time, raw and envelope per channel, next to the WAV")
            .clicked()
        {
            acts.push(Act::Export(ExportKind::Csv));
        }
        if ui
            .button("Export EDF+")
            .on_hover_text("Raw channels in µV with markers as annotations, next to the WAV")
            .clicked()
        {
            acts.push(Act::Export(ExportKind::Edf));
        }
        if ui
            .button("PDF report")
            .on_hover_text(
                "Sets, processing parameters, envelope plots and body maps, next to the WAV",
            )
            .clicked()
        {
            acts.push(Act::Export(ExportKind::Pdf));
        }
        ui.checkbox(&mut r.show_raw, "Raw range")
            .on_hover_text("Show the raw signal's range behind the envelope");
        if let Some(status) = &r.status {
            ui.label(status);
        }
    });
    ui.separator();
}

/// The envelope value at the cursor (from the replay while one runs, else from the overview).
fn value_now(r: &ReviewPanel, c: usize) -> f32 {
    if let Some(run) = &r.replay {
        return run.history.channels.get(c).map_or(0.0, |h| h.latest);
    }
    let Some(o) = &r.overview else { return 0.0 };
    let i = (r.cursor_s / o.step_s()) as usize;
    o.channels
        .get(c)
        .and_then(|ch| ch.envelope.get(i.min(ch.envelope.len().saturating_sub(1))))
        .copied()
        .unwrap_or(0.0)
}

fn channel_row(ui: &mut Ui, r: &ReviewPanel, c: usize, acts: &mut Vec<Act>) {
    let name = &r.session.channel_names[c];
    let peak = r
        .overview
        .as_ref()
        .and_then(|o| o.channels.get(c))
        .map_or(0.0, |ch| ch.envelope.iter().copied().fold(0.0, f32::max));
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.set_width(220.0);
            ui.label(RichText::new(name).size(16.0).strong());
            let mut no_target = 0.0;
            ui.add(ActivationBar::new(
                name,
                value_now(r, c),
                (peak * 1.1).max(20.0),
                &mut no_target,
                "µV",
            ));
        });
        let link = egui::Id::unique("review-time");
        let duration = r.session.duration_s();
        let plot = Plot::new(("review", c))
            .height(PLOT_HEIGHT)
            .link_axis(link, [true, false])
            .link_cursor(link, [true, false])
            .allow_zoom([true, false])
            .allow_drag([true, false])
            .allow_scroll([true, false])
            .allow_boxed_zoom(false)
            .default_x_bounds(0.0, duration.max(0.001))
            .y_axis_min_width(48.0)
            .x_axis_formatter(|mark, _| format!("{:.1} s", mark.value));
        let response = plot.show(ui, |p| {
            if let Some((a, b)) = r.pending_view {
                p.set_plot_bounds_x(a..=b);
            }
            let bounds = p.plot_bounds();
            let (t0, t1) = (bounds.min()[0], bounds.max()[0]);
            let width = (p.transform().frame().width() as usize).clamp(16, 4096);
            if let Some(o) = &r.overview {
                let env = o.visible(c, Track::Envelope, t0, t1, width);
                let env_max = env.iter().map(|p| p[1]).fold(0.0, f64::max).max(5.0);
                // Until the analysis adds the envelope, the raw range is all there is to draw.
                if r.show_raw || !o.has_envelope() {
                    let lo = o.visible(c, Track::RawMin, t0, t1, width);
                    let hi = o.visible(c, Track::RawMax, t0, t1, width);
                    let xs: Vec<f64> = lo.iter().map(|p| p[0]).collect();
                    let ys_lo: Vec<f64> = lo.iter().map(|p| p[1]).collect();
                    let ys_hi: Vec<f64> = hi.iter().map(|p| p[1]).collect();
                    let low = ys_lo.iter().copied().fold(0.0, f64::min);
                    let high = ys_hi.iter().copied().fold(env_max, f64::max);
                    p.set_plot_bounds_y(low * 1.05..=high * 1.05);
                    p.add(
                        FilledArea::new("raw", &xs, &ys_lo, &ys_hi)
                            .fill_color(RAW.gamma_multiply(0.5)),
                    );
                } else {
                    p.set_plot_bounds_y(0.0..=env_max * 1.15);
                }
                p.line(Line::new("envelope", env).color(ENVELOPE).width(1.5));
            }
            for m in r.markers() {
                let colour = match m.kind {
                    MarkerKind::SetStart | MarkerKind::SetEnd => CALM,
                    MarkerKind::Rep => RAW,
                    MarkerKind::User => CAUTION,
                };
                p.vline(VLine::new("marker", m.time_s).color(colour).width(1.5));
            }
            if let Some(side) = &r.session.sidecar {
                for g in &side.gaps {
                    let t = g.wav_frame as f64 / r.session.sample_rate;
                    p.vline(VLine::new("gap", t).color(WARNING).width(2.0));
                }
            }
            p.vline(VLine::new("cursor", r.cursor_s).color(CURSOR).width(2.0));
            if p.response().clicked() {
                p.pointer_coordinate().map(|pt| pt.x)
            } else {
                None
            }
        });
        if let Some(t) = response.inner {
            acts.push(Act::Seek(t));
        }
    });
}
