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
    let summary = &shown.summary;
    assert_eq!(
        summary.reps,
        workout::REPS_PER_SET,
        "{:?}",
        summary.rep_list
    );
    assert_eq!(*summary, shown.report.summary);
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
