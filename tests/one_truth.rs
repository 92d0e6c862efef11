//! One truth: a set recorded through the window (egui_kittest, the simulated board, Space to start and to
//! end) has one summary. The summary the app shows, the history row, review's set row and
//! `innervate analyze SESSION --json` agree field by field.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::analysis::MarkedSetReport;
use innervate::app::InnervateApp;
use innervate::source::reader::Pace;
use innervate::source::workout;
use innervate::training::history_db::HistoryDb;
use innervate::training::setup::ExerciseSetup;
use std::time::Duration;

const SPEED: f64 = 8.0;
const LIMIT: Duration = Duration::from_secs(60);

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9,
        (None, None) => true,
        _ => false,
    }
}

#[test]
fn the_app_the_history_review_and_analyze_agree_on_a_set() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    let engine = common::sim_engine(2, Pace::RealTime { speed: SPEED });
    let mut app = InnervateApp::new(engine, sessions.clone());
    let mut setup = ExerciseSetup::from_template(&innervate::training::presets::EXERCISES[0]);
    setup.channels.truncate(2);
    setup.pairs.retain(|&(a, b)| a < 2 && b < 2);
    app.apply_setup(setup);
    let mut h = common::harness(app, [1400.0, 1000.0]);
    h.run_steps(2);

    // Space at the start of a workout loop, Space again after the simulator's set of 8 reps.
    common::wait_until(&mut h, "a workout loop's start", LIMIT, |a| {
        (a.stream_time_s() % workout::LOOP_S) < 1.0
    });
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    let started = h.state().training().set.as_ref().expect("a set").started_s;
    let end =
        started - started % workout::LOOP_S + workout::REST_BEFORE_SET_S + workout::SET_S + 1.5;
    common::wait_until(&mut h, "the end of the simulator's set", LIMIT, |a| {
        a.stream_time_s() >= end
    });
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    common::wait_until(&mut h, "the set's summary", LIMIT, |a| {
        a.training().finished.is_some()
    });
    h.run_steps(2);
    let shown = h.state().training().finished.clone().unwrap();
    assert!(shown.stored.is_ok(), "{:?}", shown.stored);
    let summary = shown.summary();
    assert_eq!(
        summary.reps,
        workout::REPS_PER_SET,
        "{:?}",
        summary.rep_list
    );
    assert!(
        summary.cci_pct.is_some() && summary.fatigue.reliable,
        "{summary:?}"
    );
    h.get_by_label(&format!("Activation score {} / 10", summary.score));

    // The history row holds the same numbers.
    let db = HistoryDb::open(&sessions.join("history.sqlite")).unwrap();
    let rows = db.sets(None, None).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.reps as usize, row.good_reps as usize, row.score),
        (summary.reps, summary.good_reps, summary.score)
    );
    assert!(close(row.cci_pct, summary.cci_pct));
    assert!(close(
        row.fatigue_slope_hz_per_min,
        summary.fatigue_slope_hz_per_min
    ));
    assert!(close(row.peak_pct_mvc, summary.peak_pct_mvc));
    assert!(close(Some(row.peak_uv), Some(summary.peak_uv)));
    assert!(close(
        Some(row.time_above_target_s),
        Some(summary.time_above_target_s)
    ));
    assert!(close(Some(row.duration_s), Some(summary.duration_s)));
    let wav = std::path::PathBuf::from(row.session_wav.clone().expect("recorded"));

    // Review of the recording: its set row is the same set, field by field.
    assert!(matches!(
        h.state_mut().wait_for_saved(Duration::from_secs(10)),
        innervate::app::RecordingStatus::Saved(_)
    ));
    h.get_by_label("Review this set").click();
    h.run_steps(2);
    h.state_mut().wait_for_review(LIMIT);
    h.run_steps(2);
    let review = h.state().review().expect("review open");
    let in_review = review.report.as_ref().expect("read").sets.clone();
    assert_eq!(in_review.len(), 1);
    assert_eq!(in_review[0], *shown.report);
    h.get_by_label("Show set 1");

    // `innervate analyze SESSION --json` prints the same set.
    let out = common::run_ok(common::innervate().arg("analyze").arg(&wav).arg("--json"));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from_cli: Vec<MarkedSetReport> = serde_json::from_value(json["sets"].clone()).unwrap();
    assert_eq!(from_cli.len(), 1);
    assert_eq!(from_cli[0], *shown.report);
    // And its text names it.
    let text = common::run_ok(common::innervate().arg("analyze").arg(&wav));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "Set 1 (Biceps curl, Biceps brachii {:.1}-",
            shown.report.start_s
        )),
        "{text}"
    );
}

#[test]
fn back_to_back_sets_in_one_recording_are_each_summarised_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    let engine = common::sim_engine(2, Pace::RealTime { speed: SPEED });
    let app = InnervateApp::new(engine, sessions.clone());
    let mut h = common::harness(app, [1400.0, 1000.0]);
    h.run_steps(2);
    // The user records; two sets follow each other at once inside that recording.
    h.key_press(egui::Key::R);
    h.run_steps(2);
    assert!(h.state().is_recording());
    for _ in 0..2 {
        let t = h.state().stream_time_s();
        h.key_press(egui::Key::Space);
        h.run_steps(2);
        common::wait_until(&mut h, "six seconds of set", LIMIT, |a| {
            a.stream_time_s() >= t + 6.0
        });
        h.key_press(egui::Key::Space);
        h.run_steps(1);
    }
    common::wait_until(&mut h, "both summaries", LIMIT, |a| {
        a.training().pending.is_empty() && a.training().finished.is_some()
    });
    assert!(h.state().is_recording(), "the user's recording goes on");
    let db = HistoryDb::open(&sessions.join("history.sqlite")).unwrap();
    let mut rows = db.sets(None, None).unwrap();
    rows.sort_by_key(|r| r.set_in_session);
    assert_eq!(
        rows.iter().map(|r| r.set_in_session).collect::<Vec<_>>(),
        vec![1, 2]
    );
    // The recording closed, `analyze` reports both sets with the history's numbers. (The last summary's
    // training log has the keyboard: Esc skips it, then R works again.)
    h.run_steps(2);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    h.key_press(egui::Key::R);
    h.run_steps(2);
    assert!(matches!(
        h.state_mut().wait_for_saved(Duration::from_secs(10)),
        innervate::app::RecordingStatus::Saved(_)
    ));
    let wav = rows[0].session_wav.clone().unwrap();
    assert_eq!(rows[1].session_wav.as_deref(), Some(wav.as_str()));
    let out = common::run_ok(common::innervate().arg("analyze").arg(&wav).arg("--json"));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sets: Vec<MarkedSetReport> = serde_json::from_value(json["sets"].clone()).unwrap();
    assert_eq!(sets.len(), 2);
    for (set, row) in sets.iter().zip(&rows) {
        assert_eq!(set.number as u32, row.set_in_session);
        assert_eq!(
            (set.summary.reps as u32, set.summary.score),
            (row.reps, row.score)
        );
        assert!(close(set.summary.cci_pct, row.cci_pct));
        assert!(close(Some(set.summary.duration_s), Some(row.duration_s)));
    }
}
