//! Drawing the activation drill panel under the training header: its settings and the block's cap, the
//! drill in progress (countdown, hold, rest, with the time left and the target's level), and the result
//! with its score. Draws from borrows; what the user clicks comes back as [`ScreenAction::Drill`].

use super::drill::{DrillAction, DrillPanel};
use super::live::LiveState;
use super::screen::ScreenAction;
use super::theme::{CALM, CAUTION, TARGET_SHARE, WARNING};
use super::train_view::synergist_share;
use super::training::Training;
use crate::training::drill::{DrillConfig, DrillEnd, DrillPhase};
use crate::training::drill_score::{DRILL_SCORE_FORMULA, DrillSummary};
use crate::training::setup::Role;
use crate::training::share::taking_over_words;
use egui::{ProgressBar, RichText, Ui};

/// Draws the drill panel (or the button that opens it).
pub fn show(ui: &mut Ui, training: &Training, live: &LiveState) -> Vec<ScreenAction> {
    let mut acts = Vec::new();
    let panel = &training.drill;
    let act = |a: DrillAction| ScreenAction::Drill(a);
    if !panel.open {
        if ui
            .button("Activation drill")
            .on_hover_text("Contract the target muscle alone for a few holds before the main work")
            .clicked()
        {
            acts.push(act(DrillAction::Show(true)));
        }
        return acts;
    }
    let (target, competing) = training.competition();
    let name = |c: usize| live.muscles.get(c).map_or("", |m| m.name.as_str());
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(format!("Activation drill: {} alone", name(target)));
            if panel.running.is_none() && ui.button("Close drill panel").clicked() {
                acts.push(act(DrillAction::Show(false)));
            }
        });
        if let Some(st) = &panel.status {
            ui.label(RichText::new(st).color(CAUTION).strong());
        }
        match &panel.running {
            Some((drill, _, _)) => {
                progress(ui, training, live, drill.status(), drill.config(), target);
                if ui.button("Stop drill").clicked() {
                    acts.push(act(DrillAction::Stop));
                }
            }
            None => settings(ui, panel, &mut acts),
        }
        if let Some(result) = &panel.result {
            ui.separator();
            let competitor = competing.map(|(c, r)| (name(c), r));
            match &panel.stored {
                Some(Ok(())) => {
                    ui.label("Logged in the history as a drill.");
                }
                Some(Err(e)) => {
                    ui.label(
                        RichText::new(format!("Not stored in the history: {e}")).color(WARNING),
                    );
                }
                None => {}
            }
            if summary(ui, result, competitor, training.share_limit_pct()) {
                acts.push(act(DrillAction::Dismiss));
            }
        }
    });
    acts
}

/// The settings of the next drill and the block's cap.
fn settings(ui: &mut Ui, panel: &DrillPanel, acts: &mut Vec<ScreenAction>) {
    let mut c = panel.config;
    let mut cap_min = panel.block.cap_s / 60.0;
    ui.horizontal(|ui| {
        let l = ui.label("Holds");
        ui.add(egui::DragValue::new(&mut c.holds).range(1..=20))
            .labelled_by(l.id);
        let l = ui.label("Hold (s)");
        ui.add(egui::DragValue::new(&mut c.hold_s).range(2.0..=120.0))
            .labelled_by(l.id);
        let l = ui.label("Rest (s)");
        ui.add(egui::DragValue::new(&mut c.rest_s).range(0.0..=300.0))
            .labelled_by(l.id);
        let l = ui.label("Countdown (s)");
        ui.add(egui::DragValue::new(&mut c.countdown_s).range(0.0..=30.0))
            .labelled_by(l.id);
        let l = ui.label("Block cap (min)");
        ui.add(egui::DragValue::new(&mut cap_min).range(1.0..=60.0))
            .labelled_by(l.id)
            .on_hover_text(
                "Activation work before lifting tires the muscle: drills stop at this total",
            );
    });
    if c != panel.config {
        acts.push(ScreenAction::Drill(DrillAction::Settings(c)));
    }
    if (cap_min * 60.0 - panel.block.cap_s).abs() > 1e-9 {
        acts.push(ScreenAction::Drill(DrillAction::CapMinutes(cap_min)));
    }
    ui.horizontal(|ui| {
        if ui
            .button(RichText::new("Start drill").size(18.0))
            .on_hover_text(format!(
                "{} x {:.0} s holds, {:.0} s rests: {:.0} s in all",
                c.holds,
                c.hold_s,
                c.rest_s,
                c.total_s()
            ))
            .clicked()
        {
            acts.push(ScreenAction::Drill(DrillAction::Start));
        }
        ui.label(format!(
            "Block: {:.1} of {:.0} min used",
            panel.block.used_s / 60.0,
            panel.block.cap_s / 60.0
        ));
        if panel.block.used_s > 0.0 && ui.button("New block").clicked() {
            acts.push(ScreenAction::Drill(DrillAction::NewBlock));
        }
    });
}

/// The drill in progress: the phase in large words, the time left, the target's level now.
fn progress(
    ui: &mut Ui,
    training: &Training,
    live: &LiveState,
    st: crate::training::drill::DrillStatus,
    config: &DrillConfig,
    target: usize,
) {
    let (text, frac, colour) = match st.phase {
        DrillPhase::Countdown => (
            format!("Get ready: {:.0} s", st.remaining_s.ceil()),
            1.0 - st.remaining_s / config.countdown_s.max(1e-9),
            CAUTION,
        ),
        DrillPhase::Hold(i) => (
            format!(
                "Hold {} of {}: contract the target alone, {:.0} s",
                i + 1,
                config.holds,
                st.remaining_s.ceil()
            ),
            1.0 - st.remaining_s / config.hold_s,
            CALM,
        ),
        DrillPhase::Rest(i) => (
            format!("Rest after hold {}: {:.0} s", i + 1, st.remaining_s.ceil()),
            1.0 - st.remaining_s / config.rest_s.max(1e-9),
            TARGET_SHARE,
        ),
        DrillPhase::Done => ("Done".to_string(), 1.0, CALM),
    };
    ui.label(RichText::new(text).size(24.0).strong().color(colour));
    ui.add(ProgressBar::new(frac.clamp(0.0, 1.0) as f32).desired_width(400.0));
    if let (Some(m), Some(h)) = (live.muscles.get(target), live.history.channels.get(target)) {
        let mut line = format!(
            "{} now {:.0} {} (target line {:.0})",
            m.name,
            m.shown(h.latest),
            m.unit(),
            m.shown(m.target_uv)
        );
        if let Some(share) = synergist_share(training, live) {
            line.push_str(&format!(
                ", target share {:.0} % {}",
                share.pct,
                share.unit.words()
            ));
        }
        ui.label(line);
    }
}

/// The drill's result; returns true when the user closes it.
fn summary(
    ui: &mut Ui,
    s: &DrillSummary,
    competitor: Option<(&str, Role)>,
    share_limit_pct: f64,
) -> bool {
    let colour = match s.score {
        7.. => CALM,
        4..=6 => CAUTION,
        _ => WARNING,
    };
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("Drill score {} / 10", s.score))
                .size(24.0)
                .strong()
                .color(colour),
        )
        .on_hover_text(DRILL_SCORE_FORMULA);
        let ended = match s.end {
            DrillEnd::Completed => "all holds done",
            DrillEnd::Stopped => "stopped",
            DrillEnd::Capped => "the block's time cap was reached",
        };
        ui.label(ended);
    });
    let level = match s.mean_pct_mvc {
        Some(p) => format!("{p:.0} %MVC"),
        None => format!("{:.0} µV", s.mean_uv),
    };
    let mut rows = vec![
        (
            "Good holds",
            format!(
                "{} of {}",
                s.holds.iter().filter(|h| h.good).count(),
                s.holds.len()
            ),
        ),
        ("Mean level", level),
        (
            "Steadiness",
            s.cv_pct
                .map_or("-".into(), |cv| format!("CV {cv:.0} % (lower is steadier)")),
        ),
    ];
    if let (Some((name, _)), Some(share)) = (competitor, s.target_share_pct) {
        let unit = s.share_unit.map_or("", |u| u.words());
        let mut text = format!("target share {share:.0} % {unit} against {name}");
        if share < share_limit_pct {
            text.push_str(&format!(" ({})", taking_over_words(name)));
        }
        rows.push(("Competing muscle", text));
    }
    egui::Grid::new("drill-summary")
        .striped(true)
        .show(ui, |ui| {
            for (k, v) in rows {
                ui.label(RichText::new(k).strong());
                ui.label(v);
                ui.end_row();
            }
        });
    ui.button("Close drill result").clicked()
}
