//! The exercise setup screen: pick an exercise (a template or a saved setup), a muscle, role and side for
//! each channel (target, antagonist, synergist or other), read how to place the electrodes, set the target,
//! the antagonist and synergist limits, the tempo and the hold, save it under a name, apply it, and calibrate from here.

use super::body_map::{self, RegionPaint};
use super::placement_view;
use super::screen::ScreenAction;
use super::theme::{SERIES, TARGET_LINE, WARNING};
use crate::training::body_figure::BodySide;
use crate::training::presets::{Competing, EXERCISES, PRESETS, find};
use crate::training::setup::{ChannelRole, ExerciseSetup, Role, SetupStore, Side};
use egui::{RichText, Ui, UiBuilder, Vec2};
use std::path::Path;

/// The open setup screen: a setup being edited.
#[derive(Clone, Debug)]
pub struct SetupPanel {
    /// The setup as edited.
    pub draft: ExerciseSetup,
    /// Saved setups found in the folder.
    pub saved: Vec<ExerciseSetup>,
    /// The last problem or confirmation, in plain words.
    pub status: Option<String>,
    /// The channel row a click on the body map assigns its muscle to.
    pub selected: usize,
    /// Showing every preset's placement picture instead of the setup (a placement guide).
    pub all_pictures: bool,
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

impl SetupPanel {
    /// The screen editing `current` (or the first template), fitted to the channels named `names`; the
    /// saved setups are read from `dir`.
    pub fn open(names: &[String], current: Option<&ExerciseSetup>, dir: &Path) -> Self {
        let n = names.len();
        let draft = match current {
            Some(s) => fit(s.clone(), n, names),
            None => blank(n, names),
        };
        let (saved, status) = match SetupStore::new(dir).list_with_problems() {
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
        Self {
            draft,
            saved,
            status,
            selected: 0,
            all_pictures: false,
        }
    }

    /// Starts the draft from an exercise template.
    pub fn from_template(&mut self, name: &str, names: &[String]) {
        if let Some(t) = crate::training::presets::find_exercise(name) {
            self.draft = fit(ExerciseSetup::from_template(t), names.len(), names);
            self.status = None;
        }
    }

    /// Saves the draft under its name in `dir` and returns it; `None` (with the reason shown) if invalid
    /// for `channels` channels or not saved.
    pub fn save(&mut self, channels: usize, dir: &Path) -> Option<ExerciseSetup> {
        if let Err(e) = self.draft.validate(channels) {
            self.status = Some(e);
            return None;
        }
        match SetupStore::new(dir).save(&self.draft) {
            Ok(_) => Some(self.draft.clone()),
            Err(e) => {
                self.status = Some(format!("Not saved: {e}"));
                None
            }
        }
    }

    /// Draws the screen for the channels named `names`.
    pub fn show(&mut self, ui: &mut Ui, names: &[String]) -> Option<ScreenAction> {
        let mut template: Option<&'static str> = None;
        let mut load: Option<ExerciseSetup> = None;
        let mut save = false;
        let mut close = false;
        let mut calibrate = false;
        // The save buttons stay at the top, in view however long the pictures make the page.
        ui.horizontal(|ui| {
            ui.heading("Exercise setup");
            if ui
                .button(RichText::new("Save and use").size(18.0))
                .clicked()
            {
                save = true;
            }
            if ui
                .button("Save and calibrate")
                .on_hover_text("Measure each muscle's maximal contraction, so targets are in %MVC")
                .clicked()
            {
                calibrate = true;
            }
            if ui.button("Close setup").clicked() {
                close = true;
            }
            let guide = if self.all_pictures {
                "Back to the setup"
            } else {
                "All placement pictures"
            };
            if ui.button(guide).clicked() {
                self.all_pictures = !self.all_pictures;
            }
        });
        if self.all_pictures {
            placement_guide(ui);
        }
        if save || calibrate {
            return Some(ScreenAction::SaveSetup { calibrate });
        }
        if self.all_pictures {
            return close.then_some(ScreenAction::Close);
        }
        if let Some(st) = &self.status {
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
                                t.competing
                                    .map(|c| match c {
                                        Competing::Antagonist(m) =>
                                            format!(", {m} as the antagonist to keep quiet"),
                                        Competing::Synergist(m) => format!(
                                            ", {m} as the synergist that tends to take over"
                                        ),
                                    })
                                    .unwrap_or_default()
                            ))
                            .clicked()
                        {
                            template = Some(t.name);
                        }
                    }
                });
                if !self.saved.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new("Saved").strong());
                        for s in &self.saved {
                            if ui.button(format!("Load {}", s.name)).clicked() {
                                load = Some(s.clone());
                            }
                        }
                    });
                }
                ui.separator();
                let d = &mut self.draft;
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
                            let text =
                                format!("{} ({})", c + 1, names.get(c).map_or("", String::as_str));
                            if ui
                                .selectable_label(self.selected == c, text)
                                .on_hover_text("Select, then click a muscle on the body map")
                                .clicked()
                            {
                                self.selected = c;
                            }
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
                            // One labelled group per row and question, so each radio reads
                            // "Target" or "L" and still says which channel it is for.
                            radio_group(ui, format!("Role of channel {}", c + 1), |ui| {
                                for (r, text) in [
                                    (Role::Target, "Target"),
                                    (Role::Antagonist, "Antagonist"),
                                    (Role::Synergist, "Synergist"),
                                    (Role::Other, "Other"),
                                ] {
                                    ui.radio_value(&mut role.role, r, text)
                                        .on_hover_text(role_help(r));
                                }
                            });
                            radio_group(ui, format!("Side of channel {}", c + 1), |ui| {
                                ui.radio_value(&mut role.side, Side::None, "–")
                                    .on_hover_text("No side (a single muscle)");
                                ui.radio_value(&mut role.side, Side::Left, "L")
                                    .on_hover_text("Left");
                                ui.radio_value(&mut role.side, Side::Right, "R")
                                    .on_hover_text("Right");
                            });
                            ui.end_row();
                        }
                    });
                // The pair follows the roles: first target with first antagonist (or synergist).
                d.pairs = d.pairs_from_roles();
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
                    let l = ui.label("Synergist limit (target share %)");
                    ui.add(
                        egui::DragValue::new(&mut d.share_limit_pct)
                            .range(1.0..=99.0)
                            .speed(0.5),
                    )
                    .labelled_by(l.id)
                    .on_hover_text(
                        "Warn when the target does less than this share of the work: target %MVC / \
                         (target + synergist %MVC), in µV before calibration",
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
                if let Some((muscle, side)) = setup_map(ui, d, self.selected)
                    && let Some(role) = d.channels.get_mut(self.selected)
                {
                    role.muscle = muscle.to_string();
                    role.side = match side {
                        BodySide::Left => Side::Left,
                        BodySide::Right => Side::Right,
                    };
                }
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
                                ui.horizontal_top(|ui| {
                                    placement_view::show_for_name(ui, p.name, Vec2::splat(240.0));
                                    ui.vertical(|ui| {
                                        ui.set_max_width(520.0);
                                        ui.label(p.placement);
                                    });
                                });
                            });
                    }
                }
            });
        if let Some(name) = template {
            self.from_template(name, names);
        } else if let Some(s) = load {
            self.draft = fit(s, names.len(), names);
        }
        if save || calibrate {
            return Some(ScreenAction::SaveSetup { calibrate });
        }
        close.then_some(ScreenAction::Close)
    }
}

/// What each role means, on hover.
fn role_help(role: Role) -> &'static str {
    match role {
        Role::Target => "The muscle the exercise trains",
        Role::Antagonist => {
            "Works against the target and should stay quiet: judged by its ratio and co-contraction"
        }
        Role::Synergist => {
            "Helps the target and tends to take over: judged by the target's share of the work"
        }
        Role::Other => "Recorded and shown, not judged",
    }
}

/// A horizontal group named `label` for assistive technology (and tests): its radios are found in it.
fn radio_group(ui: &mut Ui, label: String, add: impl FnOnce(&mut Ui)) {
    ui.scope_builder(
        UiBuilder::new()
            .layout(egui::Layout::left_to_right(egui::Align::Center))
            .accessibility_label(label)
            .accessibility_role(egui::accesskit::Role::RadioGroup),
        add,
    );
}

/// The body map in the setup: each channel's muscle in its own colour (the selected row's with an edge);
/// returns the region clicked, to be assigned to the selected row.
fn setup_map(ui: &mut Ui, d: &ExerciseSetup, selected: usize) -> Option<(&'static str, BodySide)> {
    ui.label(RichText::new(format!(
        "Body map: click a muscle to put it on channel {}",
        selected + 1
    )));
    let mut paints = Vec::new();
    for (c, role) in d.channels.iter().enumerate() {
        for (muscle, side) in super::body_map_live::channel_regions(&role.muscle, role.side) {
            paints.push(RegionPaint {
                muscle,
                side,
                fill: SERIES[c % SERIES.len()],
                edge: (c == selected).then_some(TARGET_LINE),
                value: format!("channel {}", c + 1),
            });
        }
    }
    body_map::show(ui, "setup", Vec2::new(320.0, 330.0), &paints, true)
}

/// Every preset muscle's placement picture with its name, in a grid that fills the window's width.
fn placement_guide(ui: &mut Ui) {
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            placement_view::legend(ui);
            // Fixed rows of as many pictures as the width takes (a wrapped layout would not wrap columns).
            let size = Vec2::new(170.0, 140.0);
            let per_row = ((ui.available_width() / (size.x + 8.0)) as usize).max(1);
            for row in PRESETS.chunks(per_row) {
                ui.horizontal_top(|ui| {
                    for p in row {
                        ui.vertical(|ui| {
                            ui.set_width(size.x);
                            ui.label(RichText::new(p.name).small().strong());
                            if let Some(shape) = crate::training::muscle_map::shape(p.name) {
                                placement_view::show(ui, shape, size);
                            }
                        });
                    }
                });
            }
        });
}
