//! The MVC calibration panel: pick a muscle, follow the countdown, keep or redo each trial, save.

use super::{CalibrationAction, InnervateApp};
use crate::calibration::MvcPhase;
use egui::{RichText, Ui};

impl InnervateApp {
    /// Draws the calibration panel (in place of the muscle rows while it is open).
    pub(crate) fn calibration_panel(&mut self, ui: &mut Ui) {
        let Some(cal) = self.calibration.clone() else {
            return;
        };
        ui.heading("MVC calibration");
        ui.label(
            "For each muscle: three maximal isometric contractions of a few seconds, with rest between. \
             Push against something that does not move, as hard as you can.",
        );
        ui.add_space(8.0);
        match (cal.channel, cal.routine) {
            (None, _) | (_, None) => {
                ui.label(RichText::new("Which muscle?").size(18.0));
                for c in 0..self.muscles.len() {
                    let name = self.muscles[c].name.clone();
                    let done = self.muscles[c]
                        .mvc_uv
                        .map(|m| format!(" (now {m:.0} µV)"))
                        .unwrap_or_default();
                    if ui.button(format!("Calibrate {name}{done}")).clicked() {
                        self.start_calibration(c);
                    }
                }
                if ui.button("Close").clicked() {
                    self.close_calibration(false);
                }
            }
            (Some(c), Some(routine)) => {
                let now = self.stream_time_s();
                let (text, left) = routine.instruction(now);
                let name = &self.muscles[c].name;
                ui.label(RichText::new(name).size(20.0).strong());
                ui.label(RichText::new(&text).size(34.0).strong());
                if let Some(left) = left {
                    ui.label(RichText::new(format!("{left:.0} s")).size(48.0));
                }
                let live = self.history.channels[c].latest;
                ui.label(RichText::new(format!("Now: {live:.0} µV")).size(20.0));
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
                            self.calibration_action(CalibrationAction::Accept);
                        }
                        if ui.button(RichText::new("Redo").size(18.0)).clicked() {
                            self.calibration_action(CalibrationAction::Redo);
                        }
                    }
                    MvcPhase::Rest { .. } if ui.button("Skip rest").clicked() => {
                        self.calibration_action(CalibrationAction::SkipRest);
                    }
                    MvcPhase::Done => {
                        if let Some(r) = routine.result() {
                            ui.label(
                                RichText::new(format!("MVC {:.0} µV", r.mvc_uv))
                                    .size(22.0)
                                    .strong(),
                            );
                        }
                        if ui.button(RichText::new("Save").size(18.0)).clicked() {
                            self.close_calibration(true);
                        }
                    }
                    _ => {}
                });
                if ui.button("Cancel").clicked() {
                    self.close_calibration(false);
                }
            }
        }
    }
}
