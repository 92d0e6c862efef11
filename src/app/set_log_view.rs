//! Drawing the training log entry under a set summary, keyboard first: the felt-activation field takes the
//! keyboard when the summary appears; digits 1-9 choose the score and 0 means 10, Tab moves to load, reps,
//! reps in reserve and note, Enter accepts and Esc skips the entry (the summary stays). While any of its
//! fields has the keyboard the window's single-key shortcuts are off ([`has_focus`]).

use super::screen::ScreenAction;
use super::set_log::{LogEntry, LogStatus};
use super::theme::{CALM, WARNING};
use crate::training::history_db::LoadUnit;
use egui::{Id, Key, Modifiers, RichText, Role, Sense, Ui, Vec2, WidgetInfo};

/// Digit keys and the felt score each gives.
const DIGITS: [(Key, u8); 10] = [
    (Key::Num1, 1),
    (Key::Num2, 2),
    (Key::Num3, 3),
    (Key::Num4, 4),
    (Key::Num5, 5),
    (Key::Num6, 6),
    (Key::Num7, 7),
    (Key::Num8, 8),
    (Key::Num9, 9),
    (Key::Num0, 10),
];

/// The ids of the entry's fields, in Tab order: felt, load, reps, reps in reserve, note.
fn ids() -> [Id; 5] {
    ["felt", "load", "reps", "rir", "note"].map(|f| Id::unique(("set-log", f)))
}

/// True while a field of the log entry has the keyboard (the shortcuts then stay off). Also true in the
/// frame a field gives the keyboard up: egui drops focus on Esc before anything draws, and that Esc
/// belongs to the entry (skip), not to the window (close the summary).
pub fn has_focus(ctx: &egui::Context) -> bool {
    ctx.memory(|m| {
        ids()
            .iter()
            .any(|&id| m.has_focus(id) || m.had_focus_last_frame(id))
    })
}

/// Draws the entry; returns what the user asked for.
pub fn show(ui: &mut Ui, entry: &mut LogEntry) -> Option<ScreenAction> {
    match entry.status {
        LogStatus::Saved => {
            ui.label(RichText::new("Logged with the set").color(CALM));
            return None;
        }
        LogStatus::Skipped => {
            ui.label("Log skipped");
            return None;
        }
        LogStatus::Open => {}
    }
    let [felt_id, load_id, reps_id, rir_id, note_id] = ids();
    let mut act = None;
    ui.label(RichText::new("Training log").strong());
    ui.horizontal(|ui| {
        ui.label("Felt activation");
        let (focused, lost) = felt(ui, entry, felt_id);
        if focused {
            for (key, score) in DIGITS {
                if ui.input_mut(|i| i.consume_key(Modifiers::NONE, key)) {
                    entry.felt = Some(score);
                }
            }
            if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter)) {
                act = Some(ScreenAction::SaveSetLog);
            }
        }
        // egui takes the keyboard away on Esc before the field draws.
        if lost && ui.input(|i| i.key_pressed(Key::Escape)) {
            act = Some(ScreenAction::SkipSetLog);
        }
        ui.label(if focused {
            "keys 1-9, 0 = 10; Tab to the next field, Enter saves, Esc skips"
        } else {
            "click or Tab here to type the score"
        });
    });
    ui.horizontal(|ui| {
        // Enter in a field saves, Esc skips (each field gives up the keyboard on either key).
        let field = |ui: &mut Ui, label: &str, text: &mut String, id: Id, width: f32| {
            ui.label(label);
            let r = ui.add(egui::TextEdit::singleline(text).id(id).desired_width(width));
            let r = r.on_hover_text(label);
            if !r.lost_focus() {
                None
            } else if ui.input(|i| i.key_pressed(Key::Enter)) {
                Some(ScreenAction::SaveSetLog)
            } else if ui.input(|i| i.key_pressed(Key::Escape)) {
                Some(ScreenAction::SkipSetLog)
            } else {
                None
            }
        };
        let mut typed = field(ui, "Load", &mut entry.load, load_id, 60.0);
        let mut unit = entry.unit;
        for u in LoadUnit::ALL {
            ui.radio_value(&mut unit, *u, u.as_str());
        }
        if unit != entry.unit {
            act = Some(ScreenAction::LoadUnit(unit));
        }
        typed = typed.or(field(ui, "Reps", &mut entry.reps, reps_id, 40.0));
        typed = typed.or(field(
            ui,
            "Reps in reserve",
            &mut entry.reps_in_reserve,
            rir_id,
            40.0,
        ));
        typed = typed.or(field(ui, "Note", &mut entry.note, note_id, 200.0));
        if typed.is_some() {
            act = typed;
        }
    });
    ui.horizontal(|ui| {
        if ui.button("Save log").clicked() {
            act = Some(ScreenAction::SaveSetLog);
        }
        if ui.button("Skip log").clicked() {
            act = Some(ScreenAction::SkipSetLog);
        }
        if let Some(p) = &entry.problem {
            ui.label(RichText::new(p).color(WARNING));
        }
    });
    act
}

/// The felt score as ten cells, 1 to 10, the chosen one filled; focusable (Tab or a click). Returns
/// whether it has the keyboard, and whether it lost it this frame.
fn felt(ui: &mut Ui, entry: &mut LogEntry, id: Id) -> (bool, bool) {
    let cell = Vec2::new(24.0, 22.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(cell.x * 10.0, cell.y), Sense::hover());
    let response = ui.interact(rect, id, Sense::click());
    let label = match entry.felt {
        Some(f) => format!("Felt activation {f} / 10"),
        None => "Felt activation not given".to_string(),
    };
    response.widget_info(|| WidgetInfo::labeled(Role::Slider, true, &label));
    if entry.wants_focus {
        response.request_focus();
        entry.wants_focus = false;
    }
    if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
    {
        let k = ((pos.x - rect.left()) / cell.x).floor().clamp(0.0, 9.0) as u8;
        entry.felt = Some(k + 1);
        response.request_focus();
    }
    let (focused, lost) = (response.has_focus(), response.lost_focus());
    let visuals = ui.visuals().clone();
    let painter = ui.painter();
    for k in 0..10u8 {
        let r = egui::Rect::from_min_size(rect.min + Vec2::new(cell.x * k as f32, 0.0), cell)
            .shrink(1.0);
        let chosen = entry.felt == Some(k + 1);
        let fill = if chosen {
            visuals.selection.bg_fill
        } else {
            visuals.widgets.inactive.bg_fill
        };
        painter.rect_filled(r, 3.0, fill);
        painter.text(
            r.center(),
            egui::Align2::CENTER_CENTER,
            (k + 1).to_string(),
            egui::FontId::proportional(13.0),
            visuals.text_color(),
        );
    }
    if focused {
        painter.rect_stroke(
            rect,
            3.0,
            visuals.selection.stroke,
            egui::StrokeKind::Outside,
        );
    }
    (focused, lost)
}
