//! The training log under the set summary, driven with the keyboard only through egui_kittest on the
//! simulated board: a set ends, the felt score is typed with a digit while the entry has the keyboard
//! (the window's single-key shortcuts stay off), Tab moves to the load, Enter saves; the history row holds
//! both and the history screen lists them; the next set of the exercise comes pre-filled with that load,
//! and Esc skips its entry while the summary stays.

mod common;

use egui::{Event, Key};
use egui_kittest::kittest::Queryable;
use innervate::analysis::history_import::{ImportSpec, import_sets};
use innervate::app::InnervateApp;
use innervate::app::set_log::LogStatus;
use innervate::source::reader::Pace;
use innervate::training::history_db::{CompetitorRole, HistoryDb, Load, LoadUnit};
use innervate::training::setup::ExerciseSetup;
use std::time::Duration;

fn harness(dir: &std::path::Path) -> common::AppHarness {
    let engine = common::sim_engine(2, Pace::RealTime { speed: 8.0 });
    let app = InnervateApp::new(engine, dir.join("sessions"))
        .with_profile(dir.join("profile.json"))
        .with_settings(dir.join("settings.json"));
    let mut h = common::harness(app, [1400.0, 1300.0]);
    h.state_mut().finish_first_run();
    let mut setup = ExerciseSetup::from_template(&innervate::training::presets::EXERCISES[0]);
    setup.channels.truncate(2);
    setup.pairs.retain(|&(a, b)| a < 2 && b < 2);
    h.state_mut().apply_setup(setup);
    h.run_steps(2);
    h
}

fn wait_until(h: &mut common::AppHarness, what: &str, ok: impl Fn(&InnervateApp) -> bool) {
    common::wait_until(h, what, Duration::from_secs(40), ok);
}

/// Trains a set of a few seconds with Space and waits for its summary.
fn train_a_set(h: &mut common::AppHarness) {
    let before = h
        .state()
        .training()
        .finished
        .as_ref()
        .and_then(|f| f.log.as_ref().map(|l| l.set_id));
    h.key_press(Key::Space);
    h.run_steps(2);
    assert!(h.state().training().set.is_some(), "Space starts a set");
    let start = h.state().stream_time_s();
    wait_until(h, "four seconds of set", |a| {
        a.stream_time_s() >= start + 4.0
    });
    h.key_press(Key::Space);
    h.run_steps(2);
    assert!(h.state().training().set.is_none(), "Space ends the set");
    wait_until(h, "the set's summary", |a| {
        a.training()
            .finished
            .as_ref()
            .and_then(|f| f.log.as_ref().map(|l| l.set_id))
            .is_some_and(|id| Some(id) != before)
    });
    h.run_steps(2);
}

#[test]
fn log_a_set_with_the_keyboard_and_the_next_set_pre_fills_the_load() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    let exercise = h.state().training().setup.as_ref().unwrap().name.clone();
    train_a_set(&mut h);

    // The felt score has the keyboard as soon as the summary shows.
    let felt = h.get_by_label("Felt activation not given");
    assert!(felt.is_focused(), "the felt score takes the keyboard");
    h.key_press(Key::Num7);
    h.run_steps(2);
    h.get_by_label("Felt activation 7 / 10");
    // 0 means 10; then 7 again.
    h.key_press(Key::Num0);
    h.run_steps(2);
    h.get_by_label("Felt activation 10 / 10");
    h.key_press(Key::Num7);
    h.run_steps(2);
    // While the entry has the keyboard, the single-key shortcuts do not fire: Space starts no set, H
    // opens no history, M adds no marker.
    for key in [Key::Space, Key::H, Key::M] {
        h.key_press(key);
        h.run_steps(2);
    }
    assert!(
        h.state().training().set.is_none(),
        "Space did not start a set"
    );
    assert!(
        h.state().history_panel().is_none(),
        "H did not open the history"
    );
    assert_eq!(h.state().markers_added(), 0);
    h.get_by_label("Felt activation 7 / 10");

    // Tab to the load, type it, Enter saves.
    h.key_press(Key::Tab);
    h.run_steps(2);
    h.event(Event::Text("62.5".into()));
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    let finished = h.state().training().finished.clone().unwrap();
    let entry = finished.log.clone().unwrap();
    assert_eq!(entry.status, LogStatus::Saved, "{:?}", entry.problem);
    h.get_by_label("Logged with the set");

    // The history row holds them.
    let db = HistoryDb::open(&dir.path().join("sessions/history.sqlite")).unwrap();
    let rows = db.sets(Some(&exercise), None).unwrap();
    assert_eq!(rows.len(), 1);
    let log = &rows[0].log;
    assert_eq!(log.felt, Some(7));
    assert_eq!(
        log.load,
        Some(Load {
            value: 62.5,
            unit: LoadUnit::Kg
        })
    );
    assert_eq!(
        log.reps,
        Some(finished.summary().reps as u32),
        "reps pre-filled with the count"
    );
    assert_eq!(rows[0].id, Some(entry.set_id));

    // The same set imported from its recording (`innervate history import`) gets the same numbers: one
    // summary code for live sets and imports.
    let wav = std::path::PathBuf::from(rows[0].session_wav.clone().unwrap());
    let spec = ImportSpec {
        exercise: exercise.clone(),
        target: "1".into(),
        competitor: Some(("2".into(), CompetitorRole::Antagonist)),
        ..ImportSpec::default()
    };
    let imported = import_sets(&wav, &spec).unwrap();
    assert_eq!(imported.len(), 1, "the recording holds one marked set");
    let (a, b) = (&imported[0], &rows[0]);
    assert_eq!(
        (
            &a.muscle,
            &a.antagonist,
            a.set_in_session,
            a.reps,
            a.good_reps,
            a.score
        ),
        (
            &b.muscle,
            &b.antagonist,
            b.set_in_session,
            b.reps,
            b.good_reps,
            b.score
        )
    );
    assert_eq!(
        (
            a.duration_s,
            a.peak_uv,
            a.peak_pct_mvc,
            a.mean_uv,
            a.mean_pct_mvc
        ),
        (
            b.duration_s,
            b.peak_uv,
            b.peak_pct_mvc,
            b.mean_uv,
            b.mean_pct_mvc
        )
    );
    assert_eq!(
        (
            a.cci_pct,
            a.time_above_target_s,
            a.fatigue_slope_hz_per_min,
            a.activation_unit
        ),
        (
            b.cci_pct,
            b.time_above_target_s,
            b.fatigue_slope_hz_per_min,
            b.activation_unit
        )
    );

    // The history screen lists them with the set.
    h.key_press(Key::H);
    h.run_steps(3);
    assert!(h.state().history_panel().is_some());
    h.get_by_label("7 / 10");
    h.get_by_label("62.5 kg");
    h.key_press(Key::Escape);
    h.run_steps(2);

    // The next set of the exercise comes with that load; Esc skips its entry and keeps the summary.
    train_a_set(&mut h);
    let entry = h
        .state()
        .training()
        .finished
        .as_ref()
        .unwrap()
        .log
        .clone()
        .unwrap();
    assert_eq!(
        (entry.load.as_str(), entry.unit, entry.felt),
        ("62.5", LoadUnit::Kg, None)
    );
    h.key_press(Key::Escape);
    h.run_steps(2);
    let finished = h
        .state()
        .training()
        .finished
        .as_ref()
        .expect("the summary stays");
    assert_eq!(finished.log.as_ref().unwrap().status, LogStatus::Skipped);
    h.get_by_label("Log skipped");
    h.get_by_label_contains("Set summary: ");
    let rows = db.sets(Some(&exercise), None).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[1].log,
        Default::default(),
        "a skipped entry stores nothing"
    );
    // With the entry skipped the shortcuts work again: Esc closes the summary.
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.state().training().finished.is_none());
}
