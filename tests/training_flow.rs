//! The whole training flow through egui_kittest on the simulated board, no display: first run, a 2-muscle
//! exercise set up, MVC calibration on the simulator's contractions, a set of reps, the summary (rep count
//! equal to the simulator's, a score in 1..=10), the history row and plot, review from history, and
//! deleting the session removing its rows. The simulator runs 8 times faster than real time.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::app::InnervateApp;
use innervate::engine::{Engine, EngineOptions};
use innervate::source::reader::Pace;
use innervate::source::simulator::{SimConfig, Simulator};
use innervate::source::workout;
use std::time::Duration;

const SPEED: f64 = 8.0;

fn harness(dir: &std::path::Path) -> common::AppHarness {
    let engine = common::sim_engine(2, Pace::RealTime { speed: SPEED });
    let mut app = InnervateApp::new(engine, dir.join("sessions"))
        .with_profile(dir.join("profile.json"))
        .with_settings(dir.join("settings.json"));
    app.set_mvc_timing(innervate::calibration::MvcTiming {
        ready_s: 0.5,
        contract_s: 4.0,
        rest_s: 0.5,
        trials: 3,
    });
    common::harness(app, [1400.0, 1300.0])
}

fn wait_until(h: &mut common::AppHarness, what: &str, ok: impl Fn(&InnervateApp) -> bool) {
    common::wait_until(h, what, Duration::from_secs(40), ok);
}

fn wait_for_label(h: &mut common::AppHarness, label: &str) {
    common::wait_for_label(h, label, Duration::from_secs(40));
}

#[test]
fn set_up_calibrate_train_a_set_see_the_summary_and_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.run_steps(2);

    // First run: the welcome explains electrodes and offers the ways in.
    h.get_by_label("Welcome to Innervate");
    h.get_by_label("1. Electrodes");
    h.get_by_label("Try the simulated board");
    h.get_by_label("Set up an exercise").click();
    h.run_steps(2);
    assert!(!h.state().is_first_run());
    assert!(
        dir.path().join("settings.json").exists(),
        "the first run is remembered"
    );

    // Set up a 2-muscle exercise from the Biceps curl template.
    h.get_by_label("Exercise setup");
    h.get_by_label("Biceps curl").click();
    h.run_steps(2);
    let draft = &h.state().setup_panel().unwrap().draft;
    assert_eq!(draft.channels[0].muscle, "Biceps brachii");
    assert_eq!(draft.pairs, vec![(0, 1)]);
    h.get_by_label_contains("Biceps brachii (");
    // Each row's radios read "Target", "Antagonist", "Synergist", "Other", "–", "L", "R"; a test (or a screen reader)
    // finds them in their row's group.
    assert_eq!(h.query_all_by_label("Target").count(), 2);
    h.get_by_label("Role of channel 2")
        .get_by_label("Other")
        .click();
    h.run_steps(2);
    assert!(h.state().setup_panel().unwrap().draft.pairs.is_empty());
    // A synergist pairs with the target too, judged by the target's share.
    h.get_by_label("Role of channel 2")
        .get_by_label("Synergist")
        .click();
    h.run_steps(2);
    let draft = &h.state().setup_panel().unwrap().draft;
    assert_eq!(draft.pairs, vec![(0, 1)]);
    assert_eq!(
        draft.channels[1].role,
        innervate::training::setup::Role::Synergist
    );
    h.get_by_label("Synergist limit (target share %)");
    h.get_by_label("Role of channel 2")
        .get_by_label("Antagonist")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().setup_panel().unwrap().draft.pairs, vec![(0, 1)]);
    let side = h.state().setup_panel().unwrap().draft.channels[0].side;
    h.get_by_label("Side of channel 1")
        .get_by_label("L")
        .click();
    h.run_steps(2);
    assert_eq!(
        h.state().setup_panel().unwrap().draft.channels[0].side,
        innervate::training::setup::Side::Left
    );
    let label = match side {
        innervate::training::setup::Side::Left => "L",
        innervate::training::setup::Side::Right => "R",
        innervate::training::setup::Side::None => "–",
    };
    h.get_by_label("Side of channel 1")
        .get_by_label(label)
        .click();
    h.run_steps(2);
    assert_eq!(
        h.state().setup_panel().unwrap().draft.channels[0].side,
        side
    );
    // Electrode placement notes are there for the chosen muscles.
    assert!(h.query_all_by_label_contains("20 mm").count() >= 1);
    // Calibrate from setup: the setup is saved and applied first.
    h.get_by_label("Save and calibrate").click();
    h.run_steps(2);
    assert_eq!(h.state().muscles()[0].name, "Biceps brachii");
    assert!(
        dir.path()
            .join("sessions/setups")
            .read_dir()
            .unwrap()
            .count()
            == 1
    );

    // MVC: the simulator's reps are the maximal contractions.
    h.get_by_label("Calibrate Biceps brachii").click();
    h.run_steps(2);
    for trial in 1..=3 {
        wait_for_label(&mut h, "Accept");
        h.get_by_label("Accept").click();
        h.run_steps(2);
        if trial < 3 {
            wait_for_label(&mut h, "Skip rest");
            h.get_by_label("Skip rest").click();
            h.run_steps(2);
        }
    }
    wait_for_label(&mut h, "Save");
    h.get_by_label("Save").click();
    h.run_steps(2);
    let biceps = h.state().muscles()[0].clone();
    assert!(biceps.mvc_uv.is_some(), "calibrated");
    assert_eq!(biceps.unit(), "%MVC");

    // Start the set at the start of a workout loop's rest, end it after the 8th rep.
    wait_until(&mut h, "the start of a workout loop", |a| {
        (a.stream_time_s() % workout::LOOP_S) < 1.0
    });
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(h.state().training().set.is_some(), "Space starts a set");
    let set_start = h.state().training().set.as_ref().unwrap().started_s;
    h.get_by_label("End set (Space)");
    h.get_by_label_contains("Tempo: ");
    let set_end_stream =
        set_start - set_start % workout::LOOP_S + workout::REST_BEFORE_SET_S + workout::SET_S + 1.5;
    wait_until(&mut h, "the end of the simulator's set", |a| {
        a.stream_time_s() >= set_end_stream
    });
    h.get_by_label("End set (Space)").click();
    h.run_steps(2);
    // The summary is computed from the set's recording in the background.
    h.get_by_label_contains("Summarising the set");
    wait_until(&mut h, "the set's summary", |a| {
        a.training().finished.is_some()
    });
    h.run_steps(2);
    let truth = workout::reps_between(set_start, set_end_stream)
        .into_iter()
        .filter(|r| r.offset_s < set_end_stream)
        .count();
    assert_eq!(truth, workout::REPS_PER_SET);

    // The summary: the simulator's rep count and a score in 1..=10, with the formula on hover.
    let finished = h.state().training().finished.clone().expect("a summary");
    assert_eq!(
        finished.summary().reps,
        truth,
        "{:?}",
        finished.summary().rep_list
    );
    assert!((1..=10).contains(&finished.summary().score));
    assert!(finished.summary().good_reps <= truth);
    assert!(finished.stored.is_ok(), "{:?}", finished.stored);
    h.get_by_label_contains("Set summary: Biceps curl");
    h.get_by_label(&format!(
        "Activation score {} / 10",
        finished.summary().score
    ));
    h.get_by_label(&truth.to_string());

    // One history row with the summary's values; the history screen plots and lists it.
    let db = innervate::training::history_db::HistoryDb::open(
        &dir.path().join("sessions/history.sqlite"),
    )
    .unwrap();
    let rows = db
        .sets(Some("Biceps curl"), Some("Biceps brachii"))
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].reps as usize, truth);
    assert_eq!(rows[0].score, finished.summary().score);
    assert_eq!(rows[0].good_reps as usize, finished.summary().good_reps);
    let wav = rows[0].session_wav.clone().expect("the set was recorded");
    h.get_by_label("Close summary").click();
    h.run_steps(2);
    h.key_press(egui::Key::H);
    h.run_steps(2);
    let panel = h.state().history_panel().expect("history open").clone();
    assert_eq!(panel.sets.len(), 1);
    // What the plots draw: the set's own values at day 0.
    use innervate::training::history_db::{Metric, series};
    assert_eq!(
        series(&panel.sets, Metric::Score),
        vec![(0.0, finished.summary().score as f64)]
    );
    assert_eq!(
        series(&panel.sets, Metric::PeakPctMvc),
        vec![(0.0, finished.summary().peak_pct_mvc.expect("calibrated"))]
    );
    // Four plots over time: score, peak %MVC, co-contraction and fatigue slope (the label heads each).
    for metric in innervate::training::history_db::Metric::ALL {
        assert!(
            h.query_all_by_label(metric.label()).count() >= 1,
            "{}",
            metric.label()
        );
    }
    // The recording closes in the background: wait for it before opening it.
    assert!(matches!(
        h.state_mut().wait_for_saved(Duration::from_secs(5)),
        innervate::app::RecordingStatus::Saved(_)
    ));
    h.get_by_label("Open set 1").click();
    h.run_steps(2);
    let review = h.state().review().expect("review opened from history");
    assert_eq!(
        std::path::absolute(&review.session.wav_path)
            .unwrap()
            .display()
            .to_string(),
        wav
    );
    h.get_by_label("Close review").click();
    h.run_steps(2);

    // Deleting the session removes its rows.
    h.key_press(egui::Key::S);
    h.run_steps(2);
    let name = std::path::Path::new(&wav)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    h.get_by_label(&format!("Delete {name}")).click();
    h.run_steps(2);
    h.get_by_label("Yes, delete").click();
    h.run_steps(2);
    assert_eq!(db.count().unwrap(), 0);

    // Settings persisted: a new window on the same files applies the setup again and skips the welcome.
    let engine = Engine::start(
        Box::new(
            Simulator::new(SimConfig {
                channels: 2,
                ..SimConfig::default()
            })
            .unwrap(),
        ),
        EngineOptions::default(),
        None,
    )
    .unwrap();
    let again = InnervateApp::new(engine, dir.path().join("sessions"))
        .with_profile(dir.path().join("profile.json"))
        .with_settings(dir.path().join("settings.json"));
    assert!(!again.is_first_run());
    assert_eq!(again.training().setup.as_ref().unwrap().name, "Biceps curl");
    assert_eq!(again.muscles()[0].name, "Biceps brachii");
}
