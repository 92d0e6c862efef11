//! The sound panel: sound on or off, each cue, the volume, the device, and plainly whether sound plays.

use super::screen::ScreenAction;
use super::sound::{SoundAction, SoundChoice};
use super::theme::{CALM, WARNING};
use crate::audio::{CueSet, SoundState};
use egui::{RichText, Ui};

/// The sound panel's state: the devices ALSA lists (read once when the panel opens).
#[derive(Debug)]
pub struct SoundPanel {
    /// Device names, or why there are none.
    pub devices: Result<Vec<String>, String>,
}

impl SoundPanel {
    /// Lists the devices (loading ALSA's library takes a few milliseconds, once).
    pub fn open() -> Self {
        Self {
            devices: crate::audio::output::list_devices().map_err(|e| e.to_string()),
        }
    }

    /// Draws the panel from the user's choice and the sound thread's state; returns what was changed.
    pub fn show(
        &self,
        ui: &mut Ui,
        choice: &SoundChoice,
        state: Option<&SoundState>,
    ) -> Vec<ScreenAction> {
        let mut acts = Vec::new();
        let mut act = |a: SoundAction| acts.push(ScreenAction::Sound(a));
        ui.heading("Sound");
        ui.label(
            "Cues you can hear while you look at the bar: a tone that rises with the target muscle, a chime \
             per rep (a low knock if it missed the line), a buzz while the antagonist works too hard, and \
             the tempo's ticks during a set.",
        );
        ui.add_space(8.0);
        match (choice.on, state) {
            (true, Some(SoundState::On(what))) => {
                ui.label(
                    RichText::new(format!("Sound is on: {what}"))
                        .color(CALM)
                        .strong(),
                );
            }
            (true, Some(SoundState::Off(why))) => {
                ui.label(
                    RichText::new(format!("Sound is off: {why}"))
                        .color(WARNING)
                        .strong(),
                );
            }
            _ => {
                ui.label("Sound is off.");
            }
        }
        let mut on = choice.on;
        if ui.checkbox(&mut on, "Sound cues").changed() {
            act(SoundAction::On(on));
        }
        ui.add_space(8.0);
        let mut cues = choice.cues;
        let before = cues;
        ui.checkbox(&mut cues.tone, "Activation tone")
            .on_hover_text("Pitch follows the target muscle; a second voice past the target line");
        ui.checkbox(&mut cues.reps, "Rep chime").on_hover_text(
            "A chime for each rep that reached the line, a knock for one that did not",
        );
        ui.checkbox(&mut cues.warn, "Co-contraction warning")
            .on_hover_text(
                "A short buzz, at most once a second, while the antagonist is over its limit",
            );
        ui.checkbox(&mut cues.tempo, "Tempo ticks").on_hover_text(
            "A tick per phase during a set; a hold counts its seconds and ends with a tone",
        );
        if cues != before {
            act(SoundAction::Cues(cues));
        }
        if ui.button("All cues").clicked() && choice.cues != CueSet::ALL {
            act(SoundAction::Cues(CueSet::ALL));
        }
        ui.add_space(8.0);
        let mut volume = choice.volume;
        if ui
            .add(egui::Slider::new(&mut volume, 0.0..=1.0).text("Volume"))
            .changed()
        {
            act(SoundAction::Volume(volume));
        }
        ui.add_space(8.0);
        match &self.devices {
            Ok(devices) => {
                let mut device = choice.device.clone();
                egui::ComboBox::from_label("Device")
                    .selected_text(&device)
                    .show_ui(ui, |ui| {
                        for d in devices {
                            ui.selectable_value(&mut device, d.clone(), d);
                        }
                    });
                if device != choice.device {
                    act(SoundAction::Device(device));
                }
            }
            Err(why) => {
                ui.label(
                    RichText::new(format!(
                        "No sound device: {why}. {}",
                        crate::audio::alsa::INSTALL_HINT
                    ))
                    .color(WARNING),
                );
            }
        }
        ui.add_space(12.0);
        ui.label("Without speakers: `innervate --audio-to cues.wav` writes exactly what would be played.");
        if ui.button("Close (Esc)").clicked() {
            acts.push(ScreenAction::Close);
        }
        acts
    }
}
