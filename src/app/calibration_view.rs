//! The MVC calibration screen: pick a muscle, follow the countdown, keep or redo each trial, save.
//! Closing it any other way (Cancel, Esc, another screen) saves nothing.

use super::live::LiveState;
use super::screen::{CalibrationAction, ScreenAction};
use crate::calibration::{MvcPhase, MvcRoutine, MvcTiming};
use egui::{RichText, Ui};

/// A calibration in progress.
#[derive(Clone, Debug, Default)]
pub struct Calibration {
    /// The muscle (channel) being calibrated; `None` while the user picks one.
    pub channel: Option<usize>,
    /// The routine, once started.
    pub routine: Option<MvcRoutine>,
}

impl Calibration {
    /// The routine for `channel`, started at stream time `now_s`.
    pub fn start(channel: usize, timing: MvcTiming, now_s: f64) -> Self {
        Self {
            channel: Some(channel),
            routine: Some(MvcRoutine::start(timing, now_s)),
        }
    }

    /// Acts on the routine at stream time `now_s`.
    pub fn act(&mut self, action: CalibrationAction, now_s: f64) {
        if let Some(r) = self.routine.as_mut() {
            match action {
                CalibrationAction::Accept => r.accept(now_s),
                CalibrationAction::Redo => r.redo(now_s),
                CalibrationAction::SkipRest => r.skip_rest(now_s),
            }
        }
    }

    /// Feeds the routine with the calibrated channel's envelope from a display chunk.
    pub fn feed(&mut self, chunk: &crate::engine::DisplayChunk) {
        if let (Some(c), Some(r)) = (self.channel, self.routine.as_mut()) {
            for p in 0..chunk.points {
                r.update(
                    chunk.first_time_s + p as f64 * chunk.step_s,
                    chunk.envelope[c][p] as f64,
                );
            }
        }
    }

    /// Draws the screen.
    pub fn show(&self, ui: &mut Ui, live: &LiveState, now_s: f64) -> Option<ScreenAction> {
        let mut act = None;
        ui.heading("MVC calibration");
        ui.label(
            "For each muscle: three maximal isometric contractions of a few seconds, with rest between. \
             Push against something that does not move, as hard as you can.",
        );
        ui.add_space(8.0);
        let (Some(c), Some(routine)) = (self.channel, self.routine.as_ref()) else {
            ui.label(RichText::new("Which muscle?").size(18.0));
            for (c, m) in live.muscles.iter().enumerate() {
                let done = m
                    .mvc_uv
                    .map(|v| format!(" (now {v:.0} µV)"))
                    .unwrap_or_default();
                if ui.button(format!("Calibrate {}{done}", m.name)).clicked() {
                    act = Some(ScreenAction::StartCalibration(c));
                }
            }
            if ui.button("Close").clicked() {
                act = Some(ScreenAction::Close);
            }
            return act;
        };
        let (text, left) = routine.instruction(now_s);
        ui.label(RichText::new(&live.muscles[c].name).size(20.0).strong());
        super::placement_view::show_for_name(ui, &live.muscles[c].name, egui::Vec2::splat(200.0));
        ui.label(RichText::new(&text).size(34.0).strong());
        if let Some(left) = left {
            ui.label(RichText::new(format!("{left:.0} s")).size(48.0));
        }
        let now = live.history.channels[c].latest;
        ui.label(RichText::new(format!("Now: {now:.0} µV")).size(20.0));
        if let MvcPhase::Contract { peak_uv, .. } = routine.phase() {
            ui.label(RichText::new(format!("Peak so far: {peak_uv:.0} µV")).size(20.0));
        }
        let accepted: Vec<String> = routine
            .accepted()
            .iter()
            .map(|p| format!("{p:.0} µV"))
            .collect();
        ui.label(format!(
            "Accepted trials: {}",
            if accepted.is_empty() {
                "none yet".into()
            } else {
                accepted.join(", ")
            }
        ));
        ui.horizontal(|ui| match routine.phase() {
            MvcPhase::Review { .. } => {
                if ui.button(RichText::new("Accept").size(18.0)).clicked() {
                    act = Some(ScreenAction::Calibrate(CalibrationAction::Accept));
                }
                if ui.button(RichText::new("Redo").size(18.0)).clicked() {
                    act = Some(ScreenAction::Calibrate(CalibrationAction::Redo));
                }
            }
            MvcPhase::Rest { .. } if ui.button("Skip rest").clicked() => {
                act = Some(ScreenAction::Calibrate(CalibrationAction::SkipRest));
            }
            MvcPhase::Done => {
                if let Some(r) = routine.result() {
                    let text = format!("MVC {:.0} µV", r.mvc_uv);
                    ui.label(RichText::new(text).size(22.0).strong());
                }
                if ui.button(RichText::new("Save").size(18.0)).clicked() {
                    act = Some(ScreenAction::SaveCalibration);
                }
            }
            _ => {}
        });
        if ui.button("Cancel").clicked() {
            act = Some(ScreenAction::Close);
        }
        act
    }
}
