//! The BrainFlow part of the connect screen: a board by name or id, its parameters as JSON, the channels
//! and, optionally, where BrainFlow's library is. Connecting runs in the connect screen's background task.

use crate::source::brainflow::BrainflowConfig;
use egui::{RichText, Ui};

/// What the user typed for BrainFlow.
#[derive(Clone, Debug)]
pub struct BrainflowForm {
    /// Board name or id.
    pub board: String,
    /// BrainFlow's input parameters (JSON object).
    pub params: String,
    /// Channel choice (`1-8,10`; empty: the first 16).
    pub channels: String,
    /// Library folder (empty: INNERVATE_BRAINFLOW_LIB, else Python's brainflow package).
    pub library: String,
}

impl Default for BrainflowForm {
    fn default() -> Self {
        Self {
            board: "synthetic".into(),
            params: String::new(),
            channels: String::new(),
            library: String::new(),
        }
    }
}

impl BrainflowForm {
    /// The settings to connect with.
    pub fn config(&self) -> BrainflowConfig {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        BrainflowConfig {
            board: self.board.trim().to_string(),
            params: self.params.clone(),
            channels: some(&self.channels),
            library: some(&self.library).map(Into::into),
        }
    }

    /// Draws the form; returns the settings when the user asks to connect.
    pub fn show(&mut self, ui: &mut Ui, busy: bool) -> Option<BrainflowConfig> {
        ui.label(RichText::new("BrainFlow bridge").strong());
        ui.label(
            "Any board BrainFlow supports (OpenBCI Ganglion, Cyton over WiFi, MindRove, ...), by name or \
             id; `synthetic` needs no hardware. Envelopes need 250 Hz, spectra and fatigue 1 kHz.",
        );
        let mut go = false;
        egui::Grid::new("brainflow").show(ui, |ui| {
            let field = |ui: &mut Ui, label: &str, text: &mut String, width: f32| {
                let l = ui.label(label);
                ui.add(egui::TextEdit::singleline(text).desired_width(width))
                    .labelled_by(l.id);
                ui.end_row();
            };
            field(ui, "BrainFlow board", &mut self.board, 200.0);
            field(ui, "BrainFlow parameters (JSON)", &mut self.params, 420.0);
            field(ui, "BrainFlow channels", &mut self.channels, 120.0);
            field(ui, "BrainFlow library folder", &mut self.library, 420.0);
        });
        let ready = !busy && !self.board.trim().is_empty();
        if ui
            .add_enabled(ready, egui::Button::new("Connect through BrainFlow"))
            .clicked()
        {
            go = true;
        }
        ui.label(
            "Parameters, e.g. {\"serial_port\": \"/dev/ttyUSB0\"} or {\"mac_address\": \"...\"}; channels \
             like 1-8 (at most 16; the first 16 when empty). No library? `pip install brainflow`.",
        );
        go.then(|| self.config())
    }
}
