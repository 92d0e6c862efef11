//! An activation drill through the window (egui_kittest, the simulated board at 8 times real time): the
//! drill panel opens from the training view, a drill whose hold falls on the simulator's isometric hold
//! scores as steady, one whose hold falls on the simulator's reps as unsteady, the share against the
//! lateral raise's synergist shows (in microvolts, not calibrated), the score is on screen, the result is a
//! set summary of kind Drill, and the block's time cap stops the next drill with a reminder.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::app::InnervateApp;
use innervate::app::drill::DrillAction;
use innervate::source::reader::Pace;
use innervate::source::workout;
use innervate::training::drill::{DrillConfig, DrillEnd};
use innervate::training::drill_score::DrillSummary;
use innervate::training::history_db::{CompetitorRole, HistoryDb, SetFilter};
use innervate::training::setup::{ExerciseSetup, Role};
use innervate::training::share::ShareUnit;
use innervate::training::summary::SetKind;
use std::time::Duration;

const SPEED: f64 = 8.0;
const LIMIT: Duration = Duration::from_secs(60);
/// Where the simulator's isometric hold starts in its workout loop, s.
const SIM_HOLD_START: f64 =
    workout::REST_BEFORE_SET_S + workout::SET_S + workout::REST_BEFORE_HOLD_S;

fn loop_time(a: &InnervateApp) -> f64 {
    a.stream_time_s() % workout::LOOP_S
}

/// Starts a drill when the workout loop reaches `at` (s) and returns its result.
fn drill_at(h: &mut common::AppHarness, at: f64) -> DrillSummary {
    common::wait_until(h, "the drill's start in the workout loop", LIMIT, |a| {
        (at..at + 0.5).contains(&loop_time(a))
    });
    h.get_by_label("Start drill").click();
    h.run_steps(2);
    assert!(
        h.state().training().drill.running.is_some(),
        "the drill runs"
    );
    common::wait_until(h, "the drill's result", LIMIT, |a| {
        a.training().drill.result.is_some()
    });
    h.run_steps(2);
    let result = h.state().training().drill.result.clone().unwrap();
    h.get_by_label(&format!("Drill score {} / 10", result.score));
    result
}

#[test]
fn a_drill_on_the_simulated_board_scores_a_steady_hold_above_reps_and_stops_at_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let engine = common::sim_engine(2, Pace::RealTime { speed: SPEED });
    let mut app = InnervateApp::new(engine, dir.path().join("sessions"));
    let mut setup = ExerciseSetup::from_template(
        innervate::training::presets::find_exercise("Lateral raise").unwrap(),
    );
    setup.channels.truncate(2);
    app.apply_setup(setup);
    let mut h = common::harness(app, [1400.0, 1300.0]);
    h.run_steps(2);

    // The panel opens from the training view.
    h.get_by_label("Activation drill").click();
    h.run_steps(2);
    h.get_by_label("Activation drill: Medial deltoid alone");
    h.get_by_label("Block cap (min)");
    // One 6 s hold after a 1 s countdown.
    let config = DrillConfig {
        holds: 1,
        hold_s: 6.0,
        rest_s: 0.0,
        countdown_s: 1.0,
    };
    h.state_mut().drill_action(DrillAction::Settings(config));
    h.run_steps(2);

    // The hold falls inside the simulator's isometric hold (after its ramp).
    common::wait_until(&mut h, "the hold before the simulator's", LIMIT, |a| {
        (SIM_HOLD_START..SIM_HOLD_START + 0.5).contains(&loop_time(a))
    });
    h.get_by_label("Start drill").click();
    h.run_steps(2);
    common::wait_for_label(&mut h, "Get ready: 1 s", LIMIT);
    common::wait_until(&mut h, "the drill's hold", LIMIT, |a| {
        loop_time(a) > SIM_HOLD_START + 3.0
    });
    h.run_steps(1);
    h.get_by_label_contains("Hold 1 of 1: contract the target alone");
    // The synergist's share of the work, in microvolts before calibration, and said so.
    assert!(
        h.query_all_by_label_contains("share in µV, not calibrated")
            .next()
            .is_some()
    );
    common::wait_until(&mut h, "the drill's result", LIMIT, |a| {
        a.training().drill.result.is_some()
    });
    h.run_steps(2);
    let steady = h.state().training().drill.result.clone().unwrap();
    h.get_by_label(&format!("Drill score {} / 10", steady.score));
    h.get_by_label_contains("not calibrated against Upper trapezius");
    assert_eq!(steady.end, DrillEnd::Completed);
    assert_eq!(steady.holds.len(), 1);
    assert!(
        (steady.duration_s - 7.0).abs() < 0.1,
        "{}",
        steady.duration_s
    );
    let cv = steady.cv_pct.expect("a CV");
    assert!(cv < 15.0, "the simulator's hold is steady: CV {cv}");
    assert_eq!(steady.competitor_role, Some(Role::Synergist));
    assert_eq!(steady.share_unit, Some(ShareUnit::Microvolts));
    let share = steady.target_share_pct.unwrap();
    assert!(
        share > 70.0,
        "the synergist is quiet in the simulator's hold: {share}"
    );
    // Logged like a set: a set summary of kind Drill, stored as a history row of that kind.
    let as_set = steady.to_set_summary();
    assert_eq!(
        (as_set.kind, as_set.reps, as_set.score),
        (SetKind::Drill, 1, steady.score)
    );
    h.get_by_label("Logged in the history as a drill.");
    let db = HistoryDb::open(&dir.path().join("sessions").join("history.sqlite")).unwrap();
    let rows = db.sets_matching(&SetFilter::default()).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (row.kind, row.exercise.as_str(), row.score, row.reps),
        (SetKind::Drill, "Lateral raise", steady.score, 1)
    );
    assert_eq!(row.competitor_role, Some(CompetitorRole::Synergist));
    assert_eq!(row.target_share_pct, steady.target_share_pct);

    // The hold on the simulator's reps: bursts, not a hold.
    h.get_by_label("Close drill result").click();
    h.run_steps(2);
    let reps = drill_at(&mut h, workout::REST_BEFORE_SET_S + 2.0);
    let cv_reps = reps.cv_pct.expect("a CV");
    assert!(cv_reps > 2.0 * cv, "reps {cv_reps} vs hold {cv}");
    assert!(
        reps.score < steady.score,
        "{} vs {}",
        reps.score,
        steady.score
    );

    // The block's cap: 1 min, of which about 14 s are used. The next drill, one 60 s hold, stops at the
    // cap and reminds.
    let used = h.state().training().drill.block.used_s;
    assert!((used - 14.0).abs() < 0.2, "{used}");
    h.state_mut().drill_action(DrillAction::CapMinutes(1.0));
    h.state_mut()
        .drill_action(DrillAction::Settings(DrillConfig {
            hold_s: 60.0,
            ..config
        }));
    h.run_steps(2);
    h.get_by_label("Start drill").click();
    h.run_steps(2);
    common::wait_until(&mut h, "the cap", LIMIT, |a| {
        a.training().drill.result.is_some()
    });
    h.run_steps(2);
    let capped = h.state().training().drill.result.clone().unwrap();
    assert_eq!(capped.end, DrillEnd::Capped);
    assert!(
        (capped.duration_s - (60.0 - used)).abs() < 0.1,
        "{}",
        capped.duration_s
    );
    assert!(h.state().training().drill.block.reached());
    h.get_by_label("the block's time cap was reached");
    h.get_by_label_contains("move on to the main work");
    // A full block starts no new drill until a new block.
    h.get_by_label("Start drill").click();
    h.run_steps(2);
    assert!(h.state().training().drill.running.is_none());
    h.get_by_label("New block").click();
    h.run_steps(2);
    assert_eq!(h.state().training().drill.block.used_s, 0.0);
}
