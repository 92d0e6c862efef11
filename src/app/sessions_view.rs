//! The sessions list: every recording in the sessions folder with its date, length, muscles and notes;
//! deleting asks first.

use super::InnervateApp;
use crate::session::catalog::{self, SessionEntry};
use egui::{RichText, Ui};
use std::path::PathBuf;

/// The open sessions panel.
#[derive(Clone, Debug, Default)]
pub struct SessionsPanel {
    /// What the folder held when last read.
    pub entries: Vec<SessionEntry>,
    /// The session the user asked to delete, waiting for confirmation.
    pub confirm_delete: Option<PathBuf>,
    /// The last problem, in plain words.
    pub error: Option<String>,
    /// A WAV path the user typed to review.
    pub open_path: String,
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl InnervateApp {
    /// Opens the sessions list (reads the folder once; reading again happens after a delete).
    pub fn open_sessions(&mut self) {
        let mut panel = SessionsPanel::default();
        match catalog::list_sessions(&self.sessions_dir) {
            Ok(entries) => panel.entries = entries,
            Err(e) => panel.error = Some(format!("Cannot read the sessions folder: {e}")),
        }
        self.sessions = Some(panel);
    }

    /// Deletes a session once the user confirmed, then reads the folder again.
    pub fn delete_session_confirmed(&mut self, wav: &std::path::Path) {
        let result = catalog::delete_session(wav);
        if result.is_ok() {
            // Its sets leave the training history too.
            let key = std::path::absolute(wav).unwrap_or(wav.to_path_buf());
            if let Ok(db) = self.training.db() {
                let _ = db.delete_session(&key.display().to_string());
            }
        }
        self.open_sessions();
        if let (Err(e), Some(panel)) = (result, self.sessions.as_mut()) {
            panel.error = Some(format!("Not deleted: {e}"));
        }
    }

    /// Draws the sessions list (in place of the muscle rows while it is open). Draws from a borrow of the
    /// panel and applies what was clicked afterwards, so nothing is copied per frame.
    pub(crate) fn sessions_panel(&mut self, ui: &mut Ui) {
        let Some(panel) = &self.sessions else { return };
        let mut action = None;
        ui.horizontal(|ui| {
            ui.heading("Sessions");
            ui.label(format!("in {}", self.sessions_dir.display()));
            if ui.button("Close sessions").clicked() {
                action = Some(Action::Close);
            }
        });
        let mut typed = panel.open_path.clone();
        ui.horizontal(|ui| {
            let label = ui.label("Review any WAV (path)");
            ui.add(egui::TextEdit::singleline(&mut typed).desired_width(360.0))
                .labelled_by(label.id);
            if ui.button("Open for review").clicked() && !typed.trim().is_empty() {
                action = Some(Action::Review(PathBuf::from(typed.trim())));
            }
        });
        if let Some(e) = &panel.error {
            ui.label(RichText::new(e).color(super::live_view::WARNING));
        }
        if panel.entries.is_empty() {
            ui.label("No recordings yet: press Record in the live view.");
        }
        if let Some(target) = &panel.confirm_delete {
            let name = file_name(target);
            ui.label(
                RichText::new(format!(
                    "Delete {name}? Its WAV and sidecar will be removed for good."
                ))
                .strong(),
            );
            ui.horizontal(|ui| {
                if ui.button("Yes, delete").clicked() {
                    action = Some(Action::Delete(target.clone()));
                }
                if ui.button("Keep it").clicked() {
                    action = Some(Action::Keep);
                }
            });
            ui.separator();
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            egui::Grid::new("sessions").striped(true).show(ui, |ui| {
                for heading in ["Started", "Length", "Muscles", "Markers", "Notes", "", ""] {
                    ui.label(RichText::new(heading).strong());
                }
                ui.end_row();
                for entry in &panel.entries {
                    let name = file_name(&entry.wav_path);
                    ui.label(&entry.started).on_hover_text(&name);
                    match &entry.problem {
                        None => {
                            ui.label(format!("{:.1} s", entry.duration_s));
                            ui.label(entry.muscles.join(", "));
                            ui.label(entry.markers.to_string());
                            ui.label(&entry.notes);
                        }
                        Some(problem) => {
                            ui.label("?");
                            ui.label(RichText::new(problem).color(super::live_view::CAUTION));
                            ui.label("");
                            ui.label("try innervate repair");
                        }
                    }
                    if entry.problem.is_some() {
                        ui.label("");
                    } else if ui.button(format!("Review {name}")).clicked() {
                        action = Some(Action::Review(entry.wav_path.clone()));
                    }
                    if ui.button(format!("Delete {name}")).clicked() {
                        action = Some(Action::AskDelete(entry.wav_path.clone()));
                    }
                    ui.end_row();
                }
            });
        });
        if let Some(p) = self.sessions.as_mut()
            && p.open_path != typed
        {
            p.open_path = typed;
        }
        match action {
            None => {}
            Some(Action::Review(wav)) => {
                self.open_review(&wav);
                if self.review.is_none()
                    && let (Some(p), Some(msg)) = (self.sessions.as_mut(), self.message.take())
                {
                    p.error = Some(msg);
                }
            }
            Some(Action::Close) => self.sessions = None,
            Some(Action::Keep) => {
                if let Some(p) = self.sessions.as_mut() {
                    p.confirm_delete = None;
                }
            }
            Some(Action::AskDelete(wav)) => {
                if let Some(p) = self.sessions.as_mut() {
                    p.confirm_delete = Some(wav);
                }
            }
            Some(Action::Delete(wav)) => self.delete_session_confirmed(&wav),
        }
    }
}

/// What the user clicked in the sessions panel this frame.
enum Action {
    Close,
    Keep,
    AskDelete(PathBuf),
    Review(PathBuf),
    Delete(PathBuf),
}
