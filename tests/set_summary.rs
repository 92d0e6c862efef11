//! One set summary: a set marked while the simulated board records is summarised from the recording while
//! the recording goes on, and equals, field by field, the set `analyze` reports for the whole session
//! later; its reps are the simulator's. Sessions written before set plans were recorded (format 1) still
//! read, with the plan assumed.

mod common;

use innervate::analysis::{AnalyzeOptions, analyze};
use innervate::engine::{Engine, EngineOptions};
use innervate::session::load::open_session;
use innervate::source::reader::Pace;
use innervate::source::simulator::{SimConfig, Simulator};
use innervate::source::workout;
use innervate::stats::LinkStats;
use innervate::task::Task;
use innervate::training::plan::{SetMode, SetPlan};
use innervate::training::setup::Role;
use innervate::training::share::ShareUnit;
use std::path::Path;
use std::time::{Duration, Instant};

const RATE: f64 = 2000.0;
// Real time x4: the markers are placed by waiting on the stream, so the margins below (2 s of stream, half a
// second of wall time) absorb a loaded machine's scheduling delays.
const SPEED: f64 = 4.0;

fn stream_time(engine: &Engine) -> f64 {
    LinkStats::get(&engine.stats().frames_processed) as f64 / RATE
}

fn wait_for_stream_time(engine: &Engine, t: f64) {
    let until = Instant::now() + Duration::from_secs(60);
    while stream_time(engine) < t {
        assert!(Instant::now() < until, "the board stalled before {t} s");
        // The display queue is the UI's; nobody reads it here, and the engine never waits on it.
        while engine.display().try_recv().is_ok() {}
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn plan(mvc: f64) -> SetPlan {
    SetPlan {
        exercise: "Biceps curl".into(),
        target: 0,
        competing: Some(1),
        competing_role: Role::Antagonist,
        share_limit_pct: 60.0,
        target_level_uv: 0.6 * mvc,
        target_pct_mvc: Some(60.0),
        ratio_limit: 0.3,
        mode: SetMode::Reps,
        tempo: Default::default(),
        hold_s: 10.0,
    }
}

fn analyze_session(wav: &Path) -> innervate::analysis::Report {
    let session = open_session(wav).unwrap();
    let mut replay = session.replay().unwrap();
    analyze(
        &mut replay,
        &AnalyzeOptions::for_session(&session),
        &mut |_| {},
        None,
    )
    .unwrap()
}

#[test]
fn a_set_summarised_while_recording_equals_the_set_analyze_reports_later() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("set.wav");
    let config = SimConfig {
        channels: 2,
        sample_rate: RATE,
        ..SimConfig::default()
    };
    let mvc = Simulator::new(config.clone()).unwrap().truth_mvc_uv(0);
    let mut engine = Engine::start(
        Box::new(Simulator::new(config).unwrap()),
        EngineOptions {
            pace: Pace::RealTime { speed: SPEED },
            ..EngineOptions::default()
        },
        None,
    )
    .unwrap();
    engine.set_session_meta(innervate::session::SessionMeta {
        mvc_uv: vec![Some(mvc), None],
        ..Default::default()
    });
    engine.start_recording(&wav, None).unwrap();
    // The set: from inside the rest before the simulator's set to 2.5 s after its last rep (the rests are
    // 3 s before the set and 5 s after it).
    let set_start = workout::REST_BEFORE_SET_S - 2.0;
    let set_end = workout::REST_BEFORE_SET_S + workout::SET_S + 2.5;
    wait_for_stream_time(&engine, set_start);
    engine.mark_set_start(plan(mvc));
    wait_for_stream_time(&engine, set_end);
    engine.add_marker(innervate::session::MarkerKind::SetEnd, "");

    // Summarised from the recording while it goes on, as the app does when a set ends.
    let summary_wav = wav.clone();
    let task = Task::spawn("set-summary", move |cancel| {
        innervate::analysis::summarize_recorded_set(
            &summary_wav,
            1,
            Duration::from_secs(30),
            cancel,
        )
    });
    let live = task
        .wait(Duration::from_secs(60))
        .expect("the summary task answered")
        .expect("the set was summarised");
    assert!(
        engine.is_recording(),
        "the recording was still going when the set was summarised"
    );
    wait_for_stream_time(&engine, set_end + 4.0);
    engine.stop_recording().unwrap().wait().unwrap();
    let _ = engine.shutdown();

    // The same set in `analyze` of the whole session: equal in every field.
    let report = analyze_session(&wav);
    assert_eq!(report.sets.len(), 1);
    assert_eq!(report.sets[0], live);
    assert!(live.plan_recorded && live.ended_by_marker);
    assert_eq!(live.plan, plan(mvc));
    assert_eq!(live.target_name, "Biceps brachii");
    // The simulator's eight reps, each once.
    let s = &live.summary;
    let sidecar = open_session(&wav).unwrap().sidecar.unwrap();
    let offset = sidecar.first_stream_sample as f64 / RATE;
    let truth = workout::reps_between(live.start_s + offset, live.end_s + offset).len();
    assert_eq!(truth, workout::REPS_PER_SET);
    assert_eq!(s.reps, truth, "{:?}", s.rep_list);
    assert!((1..=10).contains(&s.score));
    assert!(s.peak_pct_mvc.is_some() && s.cci_pct.is_some() && s.rudolph.is_some());
    assert!(
        s.fatigue.reliable && s.fatigue.epochs_used >= 10,
        "{:?}",
        s.fatigue
    );
    assert_eq!(s.fatigue_slope_hz_per_min, s.fatigue.slope_hz_per_min);

    // The text report names the marked set; the bursts found without markers are still there.
    let text = innervate::analysis::report_text(&report);
    assert!(text.contains("Set 1 (Biceps curl"), "{text}");
    assert!(!report.channels[0].reps.is_empty());
}

#[test]
fn a_format_1_session_reads_with_an_assumed_plan() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("old.wav");
    record_one_loop(&wav);
    // Rewrite the sidecar as the format-1 release wrote it: version 1, set markers without a plan.
    let side = wav.with_extension("json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&side).unwrap()).unwrap();
    v["format_version"] = 1.into();
    let frame = |t: f64| (t * RATE) as u64;
    v["markers"] = serde_json::json!([
        {"wav_frame": frame(2.0), "time_s": 2.0, "kind": "set_start", "text": ""},
        {"wav_frame": frame(36.5), "time_s": 36.5, "kind": "set_end", "text": ""}
    ]);
    std::fs::write(&side, serde_json::to_vec_pretty(&v).unwrap()).unwrap();

    let report = analyze_session(&wav);
    assert_eq!(report.sets.len(), 1);
    let set = &report.sets[0];
    assert!(!set.plan_recorded);
    assert_eq!((set.plan.target, set.plan.competing), (0, Some(1)));
    assert_eq!(set.summary.reps, workout::REPS_PER_SET);
    assert!((set.start_s - 2.0).abs() < 1e-9 && (set.end_s - 36.5).abs() < 1e-9);
    let text = innervate::analysis::report_text(&report);
    assert!(text.contains("plan assumed"), "{text}");
}

/// Records one workout loop of the simulated board (unthrottled) into `wav` and waits for it to close.
fn record_one_loop(wav: &Path) {
    let config = SimConfig {
        channels: 2,
        sample_rate: RATE,
        ..SimConfig::default()
    };
    let frames = (workout::LOOP_S * RATE) as u64;
    let mut engine = Engine::start(
        Box::new(innervate::source::take::Take::new(
            Simulator::new(config).unwrap(),
            frames,
        )),
        EngineOptions {
            pace: Pace::Unthrottled,
            record_from_start: Some(innervate::engine::RecordRequest {
                wav_path: wav.to_path_buf(),
                max_frames: None,
            }),
            ..EngineOptions::default()
        },
        None,
    )
    .unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    while engine
        .take_finished_recording()
        .is_none_or(|r| r.wait().is_err())
    {
        assert!(Instant::now() < until, "recording did not finish");
        while engine.display().try_recv().is_ok() {}
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = engine.shutdown();
}

#[test]
fn a_synergist_set_keeps_its_role_in_the_sidecar_and_summarises_the_same_live_and_offline() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("raise.wav");
    record_one_loop(&wav);
    // The same span marked twice: once judged against an antagonist, once against a synergist, with
    // both muscles calibrated (so the share is in %MVC).
    let side = wav.with_extension("json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&side).unwrap()).unwrap();
    let (mvc_t, mvc_s) = (400.0, 250.0);
    v["mvc_uv"] = serde_json::json!([mvc_t, mvc_s]);
    let antagonist = plan(mvc_t);
    let synergist = SetPlan {
        exercise: "Lateral raise".into(),
        competing_role: Role::Synergist,
        share_limit_pct: 60.0,
        ..plan(mvc_t)
    };
    let frame = |t: f64| (t * RATE) as u64;
    let marker = |t: f64, kind: &str, plan: Option<&SetPlan>| {
        let mut m =
            serde_json::json!({"wav_frame": frame(t), "time_s": t, "kind": kind, "text": ""});
        if let Some(p) = plan {
            m["plan"] = serde_json::to_value(p).unwrap();
        }
        m
    };
    v["markers"] = serde_json::json!([
        marker(2.0, "set_start", Some(&antagonist)),
        marker(36.5, "set_end", None),
        marker(36.6, "set_start", Some(&synergist)),
        marker(36.7, "set_end", None),
    ]);
    std::fs::write(&side, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    // The role is in the sidecar and reads back.
    let sidecar = open_session(&wav).unwrap().sidecar.unwrap();
    assert_eq!(sidecar.markers[2].plan.as_ref(), Some(&synergist));

    let report = analyze_session(&wav);
    assert_eq!(report.sets.len(), 2);
    let (a, s) = (&report.sets[0].summary, &report.sets[1].summary);
    assert_eq!(a.competitor_role, Some(Role::Antagonist));
    assert!(a.cci_pct.is_some() && a.target_share_pct.is_none());
    // The second span is 0.1 s of rest: no reps, so no share.
    assert_eq!(s.reps, 0);

    // Judge the first span against a synergist instead: same reps, share in %MVC, no CCI.
    v["markers"][0]["plan"] = serde_json::to_value(&synergist).unwrap();
    std::fs::write(&side, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let report = analyze_session(&wav);
    let s = &report.sets[0].summary;
    assert_eq!(s.reps, a.reps);
    assert_eq!(s.competitor_role, Some(Role::Synergist));
    assert_eq!(s.share_unit, Some(ShareUnit::PctMvc));
    assert_eq!((s.cci_pct, s.rudolph), (None, None));
    let share = s.target_share_pct.expect("a share");
    assert!((0.0..=100.0).contains(&share), "{share}");
    assert!(s.rep_list.iter().all(|r| r.target_share_pct.is_some()));
    // The simulator's antagonist is much quieter than its agonist: the target does most of the work.
    assert!(share > 60.0, "{share}");
    let text = innervate::analysis::report_text(&report);
    assert!(text.contains("target share"), "{text}");

    // The path the app takes when a set ends gives the very same summary.
    let task = Task::spawn("set-summary", move |cancel| {
        innervate::analysis::summarize_recorded_set(&wav, 1, Duration::from_secs(30), cancel)
    });
    let live = task
        .wait(Duration::from_secs(60))
        .expect("the summary task answered")
        .expect("the set was summarised");
    assert_eq!(live, report.sets[0]);
}
