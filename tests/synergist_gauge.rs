//! The synergist through the window (egui_kittest, the simulated board at 8 times real time): with a
//! lateral raise set up, the live gauge shows the medial deltoid's share of the work against the upper
//! trapezius (in microvolts before calibration, and says so) and names the upper trapezius when it takes
//! over; a set's summary shows the target's share (between its reps' shares), not a co-contraction index,
//! and names the upper trapezius when the share is below the limit.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::app::InnervateApp;
use innervate::source::reader::Pace;
use innervate::source::workout;
use innervate::training::setup::{ExerciseSetup, Role};
use innervate::training::share::ShareUnit;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn the_gauge_and_the_summary_show_the_targets_share_against_the_upper_trapezius() {
    let dir = tempfile::tempdir().unwrap();
    let engine = common::sim_engine(2, Pace::RealTime { speed: 8.0 });
    let mut app = InnervateApp::new(engine, dir.path().join("sessions"));
    let mut setup = ExerciseSetup::from_template(
        innervate::training::presets::find_exercise("Lateral raise").unwrap(),
    );
    setup.channels.truncate(2);
    // A strict limit, so the simulated trapezius (never silent while the deltoid works) takes over.
    setup.share_limit_pct = 99.0;
    app.apply_setup(setup);
    let mut h = common::harness(app, [1400.0, 1300.0]);
    h.run_steps(2);
    assert_eq!(
        h.state().training().competition(),
        (0, Some((1, Role::Synergist)))
    );

    // Space at a workout loop's start; during the reps the gauge shows the share and the warning.
    common::wait_until(&mut h, "a workout loop's start", LIMIT, |a| {
        (a.stream_time_s() % workout::LOOP_S) < 1.0
    });
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    let started = h.state().training().set.as_ref().expect("a set").started_s;
    common::wait_for_label(&mut h, "Upper trapezius taking over", LIMIT);
    h.get_by_label_contains("target share ");
    h.get_by_label_contains("(limit 99 %), share in µV, not calibrated");
    assert_eq!(h.query_all_by_label("Antagonist taking over").count(), 0);

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
    let finished = h.state().training().finished.clone().unwrap();
    let s = finished.summary();
    assert_eq!(finished.report.plan.competing_role, Role::Synergist);
    assert_eq!(s.competitor_role, Some(Role::Synergist));
    assert_eq!(s.share_unit, Some(ShareUnit::Microvolts));
    assert_eq!((s.cci_pct, s.rudolph), (None, None));
    assert_eq!(s.reps, workout::REPS_PER_SET);
    // Every rep falls below a 99 % share: none is good, and the summary names the muscle.
    assert_eq!(s.good_reps, 0);
    let share = s.target_share_pct.expect("a share");
    h.get_by_label("Target's share");
    h.get_by_label(&format!(
        "{share:.0} % of the work share in µV, not calibrated (limit 99 %): Upper trapezius taking over"
    ));
    assert_eq!(h.query_all_by_label("Co-contraction").count(), 0);
    // Each rep's share lies between the smallest and largest: the set's is their weighted mean.
    let (lo, hi) = s
        .rep_list
        .iter()
        .filter_map(|r| r.target_share_pct)
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
    assert!(lo <= share && share <= hi, "{lo} {share} {hi}");
}
