//! The exercise setup screen: pick an exercise (a template or a saved setup), a muscle, role and side for
//! each channel, read how to place the electrodes, set the target and the antagonist limit, the tempo and
//! the hold, save it under a name, apply it, and calibrate from here.

use super::InnervateApp;
use super::live_view::WARNING;
use crate::training::presets::{EXERCISES, PRESETS, find};
use crate::training::setup::{ChannelRole, ExerciseSetup, Role, SetupStore, Side};
use egui::{RichText, Ui};

/// The open setup screen: a setup being edited.
#[derive(Clone, Debug)]
pub struct SetupPanel {
    /// The setup as edited.
    pub draft: ExerciseSetup,
    /// Saved setups found in the folder.
    pub saved: Vec<ExerciseSetup>,
    /// The last problem or confirmation, in plain words.
    pub status: Option<String>,
}

/// A setup for `channels` channels from the first exercise template, muscles from the channel names.
fn blank(channels: usize, names: &[String]) -> ExerciseSetup {
    let mut s = ExerciseSetup::from_template(&EXERCISES[0]);
    s.channels.resize(
        channels,
        ChannelRole {
            muscle: String::new(),
            role: Role::Other,
            side: Side::None,
        },
    );
    for (c, role) in s.channels.iter_mut().enumerate().skip(2) {
        role.muscle = names.get(c).cloned().unwrap_or_default();
    }
    s.pairs.retain(|&(a, b)| a < channels && b < channels);
    s
}

/// Fits a setup to `channels` channels (extra channels become "Other" with their current names).
fn fit(mut s: ExerciseSetup, channels: usize, names: &[String]) -> ExerciseSetup {
    let start = s.channels.len();
    s.channels.resize(
        channels,
        ChannelRole {
            muscle: String::new(),
            role: Role::Other,
            side: Side::None,
        },
    );
    for c in start..channels {
        s.channels[c].muscle = names.get(c).cloned().unwrap_or_default();
    }
    s.pairs.retain(|&(a, b)| a < channels && b < channels);
    s.left_right.retain(|&(a, b)| a < channels && b < channels);
    s
}

/// The schematic placement picture for a body region, where there is one (in `assets/placement/`).
pub fn placement_picture(region: &str) -> Option<&'static str> {
    match region {
        "Upper arm" => Some("upper-arm.svg"),
        "Thigh" => Some("thigh.svg"),
        _ => None,
    }
}

impl InnervateApp {
    /// Opens the setup screen with the applied setup (or the first template).
    pub fn open_setup(&mut self) {
        let names: Vec<String> = self.muscles.iter().map(|m| m.name.clone()).collect();
        let n = names.len();
        let draft = match &self.training.setup {
            Some(s) => fit(s.clone(), n, &names),
            None => blank(n, &names),
        };
        let (saved, status) = match SetupStore::new(self.setups_dir()).list_with_problems() {
            Ok((saved, problems)) if problems.is_empty() => (saved, None),
            Ok((saved, problems)) => (
                saved,
                Some(format!(
                    "{} setup file(s) could not be read",
                    problems.len()
                )),
            ),
            Err(e) => (Vec::new(), Some(format!("Setups not read: {e}"))),
        };
        self.setup_panel = Some(SetupPanel {
            draft,
            saved,
            status,
        });
    }

    /// The setup screen, when open.
    pub fn setup_panel(&self) -> Option<&SetupPanel> {
        self.setup_panel.as_ref()
    }

    /// Starts the edited setup from an exercise template.
    pub fn setup_from_template(&mut self, name: &str) {
        let names: Vec<String> = self.muscles.iter().map(|m| m.name.clone()).collect();
        let n = names.len();
        if let (Some(p), Some(t)) = (
            self.setup_panel.as_mut(),
            crate::training::presets::find_exercise(name),
        ) {
            p.draft = fit(ExerciseSetup::from_template(t), n, &names);
            p.status = None;
        }
    }

    /// Saves the edited setup under its name and applies it; false (with the reason shown) if invalid.
    pub fn save_and_apply_setup(&mut self) -> bool {
        let n = self.muscles.len();
        let dir = self.setups_dir();
        let Some(p) = self.setup_panel.as_mut() else {
            return false;
        };
        if let Err(e) = p.draft.validate(n) {
            p.status = Some(e);
            return false;
        }
        match SetupStore::new(dir).save(&p.draft) {
            Ok(_) => {
                let setup = p.draft.clone();
                self.setup_panel = None;
                self.apply_setup(setup);
                true
            }
            Err(e) => {
                p.status = Some(format!("Not saved: {e}"));
                false
            }
        }
    }

    /// Draws the setup screen.
    pub(crate) fn setup_screen(&mut self, ui: &mut Ui) {
        let names: Vec<String> = self.muscles.iter().map(|m| m.name.clone()).collect();
        let Some(panel) = self.setup_panel.as_mut() else {
            return;
        };
        let mut template: Option<&'static str> = None;
        let mut load: Option<ExerciseSetup> = None;
        let mut save = false;
        let mut close = false;
        let mut calibrate = false;
        ui.horizontal(|ui| {
            ui.heading("Exercise setup");
            if ui.button("Close setup").clicked() {
                close = true;
            }
        });
        if let Some(st) = &panel.status {
            ui.label(RichText::new(st).color(WARNING));
        }
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new("Start from").strong());
                    for t in EXERCISES {
                        if ui
                            .button(t.name)
                            .on_hover_text(format!(
                                "{} as the target{}",
                                t.target,
                                t.antagonist
                                    .map(|a| format!(", {a} as the antagonist to keep quiet"))
                                    .unwrap_or_default()
                            ))
                            .clicked()
                        {
                            template = Some(t.name);
                        }
                    }
                });
                if !panel.saved.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new("Saved").strong());
                        for s in &panel.saved {
                            if ui.button(format!("Load {}", s.name)).clicked() {
                                load = Some(s.clone());
                            }
                        }
                    });
                }
                ui.separator();
                let d = &mut panel.draft;
                ui.horizontal(|ui| {
                    let label = ui.label("Setup name");
                    ui.add(egui::TextEdit::singleline(&mut d.name).desired_width(260.0))
                        .labelled_by(label.id);
                });
                egui::Grid::new("setup-channels")
                    .striped(true)
                    .show(ui, |ui| {
                        for h in ["Channel", "Muscle", "Role", "Side"] {
                            ui.label(RichText::new(h).strong());
                        }
                        ui.end_row();
                        for (c, role) in d.channels.iter_mut().enumerate() {
                            ui.label(format!(
                                "{} ({})",
                                c + 1,
                                names.get(c).map_or("", String::as_str)
                            ));
                            egui::ComboBox::from_id_salt(("muscle", c))
                                .selected_text(if role.muscle.is_empty() {
                                    "choose..."
                                } else {
                                    &role.muscle
                                })
                                .width(230.0)
                                .show_ui(ui, |ui| {
                                    for p in PRESETS {
                                        ui.selectable_value(
                                            &mut role.muscle,
                                            p.name.to_string(),
                                            p.name,
                                        );
                                    }
                                });
                            for (r, text) in [
                                (Role::Target, "Target"),
                                (Role::Antagonist, "Antagonist"),
                                (Role::Other, "Other"),
                            ] {
                                ui.radio_value(&mut role.role, r, format!("{text} {}", c + 1));
                            }
                            for (sd, text) in
                                [(Side::None, "-"), (Side::Left, "L"), (Side::Right, "R")]
                            {
                                ui.radio_value(&mut role.side, sd, format!("{text} {}", c + 1));
                            }
                            ui.end_row();
                        }
                    });
                // The pair follows the roles: first target with first antagonist.
                let target = d.channels.iter().position(|c| c.role == Role::Target);
                let antagonist = d.channels.iter().position(|c| c.role == Role::Antagonist);
                d.pairs = match (target, antagonist) {
                    (Some(a), Some(b)) => vec![(a, b)],
                    _ => Vec::new(),
                };
                // Left/right pairs: the same muscle marked L on one channel and R on another.
                d.left_right = d
                    .channels
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.side == Side::Left)
                    .filter_map(|(l, c)| {
                        d.channels
                            .iter()
                            .position(|o| o.side == Side::Right && o.muscle == c.muscle)
                            .map(|r| (l, r))
                    })
                    .collect();
                ui.horizontal(|ui| {
                    let l = ui.label("Target (%MVC)");
                    ui.add(egui::DragValue::new(&mut d.target_pct_mvc).range(1.0..=150.0))
                        .labelled_by(l.id);
                    let l = ui.label("Antagonist limit (ratio)");
                    ui.add(
                        egui::DragValue::new(&mut d.ratio_limit)
                            .range(0.0..=5.0)
                            .speed(0.01),
                    )
                    .labelled_by(l.id)
                    .on_hover_text(
                        "Warn when antagonist / target passes this while the target works",
                    );
                });
                ui.horizontal(|ui| {
                    let l = ui.label("Concentric (s)");
                    ui.add(
                        egui::DragValue::new(&mut d.tempo.concentric_s)
                            .range(0.0..=10.0)
                            .speed(0.1),
                    )
                    .labelled_by(l.id);
                    let l = ui.label("Eccentric (s)");
                    ui.add(
                        egui::DragValue::new(&mut d.tempo.eccentric_s)
                            .range(0.0..=10.0)
                            .speed(0.1),
                    )
                    .labelled_by(l.id);
                    let l = ui.label("Hold (s)");
                    ui.add(egui::DragValue::new(&mut d.hold_s).range(5.0..=120.0))
                        .labelled_by(l.id);
                });
                ui.separator();
                ui.label(RichText::new("Electrode placement").strong());
                let mut shown = Vec::new();
                for role in &d.channels {
                    if let Some(p) = find(&role.muscle)
                        && !shown.contains(&p.name)
                    {
                        shown.push(p.name);
                        egui::CollapsingHeader::new(format!("{} ({})", p.name, p.region))
                            .default_open(shown.len() <= 2)
                            .show(ui, |ui| {
                                ui.label(p.placement);
                                if let Some(file) = placement_picture(p.region) {
                                    ui.label(
                                        RichText::new(format!("Diagram: assets/placement/{file}"))
                                            .italics(),
                                    );
                                }
                            });
                    }
                }
                ui.separator();
                ui.horizontal(|ui| {
                    if ui
                        .button(RichText::new("Save and use").size(18.0))
                        .clicked()
                    {
                        save = true;
                    }
                    if ui
                        .button("Save and calibrate")
                        .on_hover_text(
                            "Measure each muscle's maximal contraction, so targets are in %MVC",
                        )
                        .clicked()
                    {
                        calibrate = true;
                    }
                });
            });
        if let Some(name) = template {
            self.setup_from_template(name);
        } else if let Some(s) = load {
            let n = names.len();
            if let Some(p) = self.setup_panel.as_mut() {
                p.draft = fit(s, n, &names);
            }
        }
        if save {
            self.save_and_apply_setup();
        }
        if calibrate && self.save_and_apply_setup() {
            self.open_calibration();
        }
        if close {
            self.setup_panel = None;
        }
    }
}
