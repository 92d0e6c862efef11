//! The gym display on the simulated board under egui_kittest: F11 opens it in place of the whole window, the
//! bar takes at least 40 % of a 1280x800 window's height, every number is at least 64 px tall, the rep count
//! follows the live counter and a set shows its tempo phase; F11 leaves it.

mod common;

use common::{harness, sim_app, wait_until};
use egui_kittest::kittest::{NodeT, Queryable};
use innervate::app::ScreenKind;
use std::time::Duration;

#[test]
fn gym_display_is_readable_from_across_the_room() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sim_app(2, dir.path()), [1280.0, 800.0]);
    h.run_steps(2);
    assert!(
        h.query_by_label("Exercise (E)").is_some(),
        "the toolbar shows first"
    );
    h.key_press(egui::Key::F11);
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Gym);
    assert!(
        h.query_by_label("Exercise (E)").is_none(),
        "nothing but the display"
    );
    // A set (Space works here too), and the simulator's first rep (3 s of rest, 4 s a rep).
    h.key_press(egui::Key::Space);
    wait_until(&mut h, "the first rep", Duration::from_secs(30), |app| {
        app.live_reps().first().is_some_and(|r| r.count >= 1)
    });
    h.run_steps(1);
    assert!(h.state().training().set.is_some());

    let bar = h.get_by_label("Target bar").rect();
    assert!(bar.height() >= 0.4 * 800.0, "bar {bar:?}");
    assert!(h.query_by_label("Antagonist bar").is_some());
    let reps = h.state().live_reps()[0].count.to_string();
    assert!(h.query_by_label(&reps).is_some(), "rep count {reps} shown");
    // Every number on the display (the rep count, each muscle's % of its line) is at least 64 px tall.
    let mut numbers = vec![h.get_by_label(&reps).rect()];
    for node in h.query_all_by_role(egui::accesskit::Role::Label) {
        let text = node.accesskit_node().value().unwrap_or_default();
        if text.trim_end_matches('%').parse::<f64>().is_ok() {
            numbers.push(node.rect());
        }
    }
    for rect in &numbers {
        assert!(rect.height() >= 64.0, "a number only {rect:?} tall");
    }
    let numbers = numbers.len();
    assert!(
        numbers >= 3,
        "rep count and two percentages, found {numbers}"
    );
    // The tempo phase of the set (the default tempo: lift 1 s, lower 3 s).
    let phases = ["LIFT", "LOWER", "HOLD TOP", "HOLD BOTTOM"];
    assert!(
        phases.iter().any(|p| h.query_by_label(p).is_some()),
        "a tempo phase shows"
    );
    // The co-contraction state, in words and colour.
    let states = ["CLEAN", "CO-CONTRACTION", "AT REST"];
    assert!(states.iter().any(|s| h.query_by_label(s).is_some()));

    h.key_press(egui::Key::F11);
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Live);
    assert!(h.query_by_label("Exercise (E)").is_some());
}

#[test]
fn the_gym_display_button_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sim_app(2, dir.path()), [1280.0, 800.0]);
    h.run_steps(2);
    h.get_by_label("Gym display").click();
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Gym);
    h.get_by_label("Leave (F11 / Esc)").click();
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Live);
}
