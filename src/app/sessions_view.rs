//! The sessions list: every recording in the sessions folder with its date, length, muscles and notes;
//! deleting asks first.

use super::screen::ScreenAction;
use super::theme::{CAUTION, WARNING};
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

impl SessionsPanel {
    /// The list of the recordings in `dir` (read once; again after a delete).
    pub fn open(dir: &std::path::Path) -> Self {
        let mut panel = SessionsPanel::default();
        panel.read(dir);
        panel
    }

    /// Reads the folder again (the typed path stays).
    pub fn read(&mut self, dir: &std::path::Path) {
        self.confirm_delete = None;
        self.error = None;
        match catalog::list_sessions(dir) {
            Ok(entries) => self.entries = entries,
            Err(e) => self.error = Some(format!("Cannot read the sessions folder: {e}")),
        }
    }

    /// Draws the list of the recordings in `dir`. Asking and keeping are handled here; reviewing and
    /// deleting go to the app.
    pub fn show(&mut self, ui: &mut Ui, dir: &std::path::Path) -> Option<ScreenAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            ui.heading("Sessions");
            ui.label(format!("in {}", dir.display()));
            if ui.button("Close sessions").clicked() {
                action = Some(Action::Close);
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Review any WAV (path)");
            ui.add(egui::TextEdit::singleline(&mut self.open_path).desired_width(360.0))
                .labelled_by(label.id);
            let typed = self.open_path.trim();
            if ui.button("Open for review").clicked() && !typed.is_empty() {
                action = Some(Action::Review(PathBuf::from(typed)));
            }
        });
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(WARNING));
        }
        if self.entries.is_empty() {
            ui.label("No recordings yet: press Record in the live view.");
        }
        if let Some(target) = &self.confirm_delete {
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
                for entry in &self.entries {
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
                            ui.label(RichText::new(problem).color(CAUTION));
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
        match action? {
            Action::Review(wav) => return Some(ScreenAction::OpenReview(wav)),
            Action::Delete(wav) => return Some(ScreenAction::DeleteSession(wav)),
            Action::Close => return Some(ScreenAction::Close),
            Action::Keep => self.confirm_delete = None,
            Action::AskDelete(wav) => self.confirm_delete = Some(wav),
        }
        None
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
