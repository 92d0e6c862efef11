//! Review mode driven through egui_kittest: open a session from the sessions list, jump to a marker,
//! replay at 4x and stop, add markers (button and M key), the analyzer's reps table; and every real
//! recording opens in review and exports from there.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::app::InnervateApp;
use innervate::session::{Marker, MarkerKind, Sidecar};
use innervate::source::workout;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RATE: f64 = 1000.0;

fn app(sessions: &Path) -> InnervateApp {
    common::sim_app(2, sessions)
}

fn harness(app: InnervateApp) -> common::AppHarness {
    common::harness(app, [1400.0, 1000.0])
}

/// 18.9 s of the simulated workout (2 channels, 1 kHz) recorded by `innervate record`, with a set-start
/// marker at the first rep and a user marker written into the sidecar as the app would.
fn recorded_session(dir: &Path) -> PathBuf {
    let wav = dir.join("session-test.wav");
    common::run_ok(common::innervate().args([
        "record",
        "--fast",
        "--channels",
        "2",
        "--rate",
        "1000",
        "--duration",
        "18.9",
        "--out",
        wav.to_str().unwrap(),
    ]));
    let side_path = wav.with_extension("json");
    let mut side = Sidecar::read(&side_path).unwrap();
    let set_start = workout::REST_BEFORE_SET_S;
    for (t, kind, text) in [
        (set_start, MarkerKind::SetStart, ""),
        (12.5, MarkerKind::User, "heavy"),
    ] {
        side.markers.push(Marker {
            wav_frame: (t * RATE) as u64,
            time_s: t,
            kind,
            text: text.into(),
            plan: None,
        });
    }
    side.write_atomic(&side_path).unwrap();
    wav
}

fn cursor(h: &common::AppHarness) -> f64 {
    h.state().review().unwrap().cursor_s
}

#[test]
fn open_a_session_jump_to_a_marker_replay_and_add_markers() {
    let dir = tempfile::tempdir().unwrap();
    let wav = recorded_session(dir.path());
    let mut h = harness(app(dir.path()));
    h.run_steps(2);

    // Open it from the sessions list.
    h.get_by_label("Sessions").click();
    h.run_steps(2);
    h.get_by_label("Review session-test.wav").click();
    h.run_steps(2);
    h.state_mut().wait_for_review(Duration::from_secs(20));
    h.run_steps(2);
    let review = h.state().review().expect("review open");
    assert!(review.overview.as_ref().is_some_and(|o| !o.is_empty()));
    h.get_by_label("Review");
    h.get_by_label_contains("18.9 s, 2 channels at 1000 Hz");
    h.get_by_label("Biceps brachii activation");
    h.get_by_label("Triceps brachii activation");

    // The analyzer's reps: the simulator's reps that end inside the recording.
    let truth = workout::reps_between(0.0, 18.9)
        .into_iter()
        .filter(|r| r.offset_s < 18.9)
        .count();
    assert_eq!(truth, 4);
    let report = h.state().review().unwrap().report.clone().unwrap();
    assert_eq!(
        report.channels[0].reps.len(),
        truth,
        "{:?}",
        report.channels[0].reps
    );
    // The set marked in the session (its start only: it runs to the end), with its summary.
    assert_eq!(report.sets.len(), 1);
    assert!(!report.sets[0].plan_recorded, "a marker without a plan");
    assert_eq!(report.sets[0].summary.reps, truth);
    h.get_by_label("Show set 1");
    // The bursts found without markers, per channel, folded until opened.
    h.get_by_label_contains(&format!("Biceps brachii: {truth} bursts in 1 groups"))
        .click();
    h.run_steps(2);
    h.get_by_label("Show Biceps brachii rep 2").click();
    h.run_steps(2);
    let rep2 = report.channels[0].reps[1].onset_s;
    assert!((cursor(&h) - rep2).abs() < 1e-9, "{} vs {rep2}", cursor(&h));

    // Jump to the user marker.
    h.get_by_label("Mark 12.5 s: heavy").click();
    h.run_steps(2);
    assert!((cursor(&h) - 12.5).abs() < 1e-9, "{}", cursor(&h));

    // Replay at 4x from there through the live chain; the cursor follows, the bars show the replay.
    h.get_by_label("Play 4x").click();
    h.run_steps(1);
    let started = Instant::now();
    while cursor(&h) < 13.5 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
        h.run_steps(1);
    }
    let replayed_to = cursor(&h);
    assert!(replayed_to >= 13.5, "replay did not advance: {replayed_to}");
    // 1 s of recording in about 0.25 s: well under real time.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let run = h
        .state()
        .review()
        .unwrap()
        .replay
        .as_ref()
        .expect("replaying");
    assert_eq!(run.speed, 4.0);
    assert!(run.history.channels[0].latest > 0.0);
    h.get_by_label("Stop replay").click();
    h.run_steps(2);
    assert!(h.state().review().unwrap().replay.is_none());
    let stopped_at = cursor(&h);
    std::thread::sleep(Duration::from_millis(100));
    h.run_steps(2);
    assert_eq!(
        cursor(&h),
        stopped_at,
        "the cursor stays where the replay stopped"
    );

    // A marker with text at the cursor, then one with the M key; both saved in the sidecar at once.
    h.get_by_label("New marker text").click();
    h.run_steps(1);
    h.get_by_label("New marker text").type_text("form broke");
    h.run_steps(1);
    h.get_by_label("Add marker (M)").click();
    h.run_steps(2);
    h.get_by_label_contains("Marker added at");
    // Replaying from the same moment and stopping at once leaves the cursor where it was.
    h.get_by_label("Play 1x").click();
    h.run_steps(2);
    h.get_by_label("Stop replay").click();
    h.run_steps(2);
    h.state_mut().review_seek(stopped_at);
    h.key_press(egui::Key::M);
    h.run_steps(2);
    let side = Sidecar::read(&wav.with_extension("json")).unwrap();
    let user: Vec<&Marker> = side
        .markers
        .iter()
        .filter(|m| m.kind == MarkerKind::User)
        .collect();
    assert_eq!(user.len(), 3, "{:?}", side.markers);
    let added = user.iter().find(|m| m.text == "form broke").unwrap();
    assert_eq!(added.wav_frame, (stopped_at * RATE).round() as u64);
    let frames: Vec<u64> = side.markers.iter().map(|m| m.wav_frame).collect();
    assert!(frames.windows(2).all(|w| w[0] <= w[1]), "{frames:?}");
    // The session still opens and its markers are listed in the review.
    innervate::session::load::open_session(&wav).unwrap();
    assert_eq!(h.state().review().unwrap().markers().len(), 4);

    h.get_by_label("Close review").click();
    h.run_steps(2);
    assert!(h.state().review().is_none());
}

#[test]
fn every_real_recording_opens_in_review_and_exports_from_there() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real");
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(dir.path()));
    let mut seen = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let src = entry.unwrap().path();
        if src.extension().is_none_or(|e| e != "wav") {
            continue;
        }
        // Exports go next to the WAV: work on a copy.
        let wav = dir.path().join(src.file_name().unwrap());
        std::fs::copy(&src, &wav).unwrap();
        h.state_mut().open_review(&wav);
        h.state_mut().wait_for_review(Duration::from_secs(30));
        h.run_steps(2);
        let review = h
            .state()
            .review()
            .unwrap_or_else(|| panic!("{wav:?} did not open"));
        assert!(review.status.is_none(), "{wav:?}: {:?}", review.status);
        let overview = review.overview.as_ref().unwrap();
        assert_eq!(overview.channels.len(), review.session.channels);
        assert!(!overview.is_empty());
        assert!(review.report.is_some());
        h.get_by_label("Export CSV").click();
        h.run_steps(1);
        h.get_by_label("Export EDF+").click();
        h.run_steps(1);
        h.state_mut().wait_for_review(Duration::from_secs(30));
        h.run_steps(1);
        let status = h
            .state()
            .review()
            .unwrap()
            .status
            .clone()
            .unwrap_or_default();
        assert!(status.contains("written to"), "{wav:?}: {status}");
        for ext in ["csv", "edf"] {
            let out = wav.with_extension(ext);
            assert!(std::fs::metadata(&out).unwrap().len() > 1000, "{out:?}");
        }
        h.get_by_label("Close review").click();
        h.run_steps(1);
        seen += 1;
    }
    assert_eq!(seen, 9);
}

#[test]
fn a_file_that_is_not_a_recording_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    // Outside the sessions folder, so only the review refuses it.
    let elsewhere = tempfile::tempdir().unwrap();
    let bad = elsewhere.path().join("notes.wav");
    std::fs::write(&bad, b"this is not audio").unwrap();
    let mut h = harness(app(dir.path()));
    h.get_by_label("Sessions").click();
    h.run_steps(2);
    h.get_by_label("Review any WAV (path)").click();
    h.run_steps(1);
    h.get_by_label("Review any WAV (path)")
        .type_text(bad.to_str().unwrap());
    h.run_steps(1);
    h.get_by_label("Open for review").click();
    h.run_steps(2);
    assert!(h.state().review().is_none());
    h.get_by_label_contains("not a usable WAV file");
}

#[test]
fn a_marker_on_a_plain_wav_gets_a_sidecar_that_opens_as_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("plain.wav");
    common::write_wav(&wav, 2, 1000, 3000, |n, c| ((n * (c + 1)) % 7) as f32);
    let mut session = innervate::session::load::open_session(&wav).unwrap();
    assert!(session.sidecar.is_none());
    let m = innervate::review::add_marker(&mut session, 1.2345, " here ").unwrap();
    assert_eq!((m.wav_frame, m.text.as_str()), (1235, "here"));
    // Past the end is clamped to the end.
    let end = innervate::review::add_marker(&mut session, 99.0, "").unwrap();
    assert_eq!(end.wav_frame, 3000);
    let reopened = innervate::session::load::open_session(&wav).unwrap();
    let side = reopened.sidecar.unwrap();
    assert_eq!(side.markers.len(), 2);
    assert_eq!(side.frames_written, 3000);
    assert_eq!(side.channel_names, vec!["Channel 1", "Channel 2"]);
}

#[test]
fn markers_are_refused_on_a_session_still_being_written() {
    let dir = tempfile::tempdir().unwrap();
    let wav = recorded_session(dir.path());
    let side_path = wav.with_extension("json");
    let mut side = Sidecar::read(&side_path).unwrap();
    side.complete = false;
    side.write_atomic(&side_path).unwrap();
    let before = std::fs::read(&side_path).unwrap();
    let mut session = innervate::session::load::open_session(&wav).unwrap();
    let err = innervate::review::add_marker(&mut session, 1.0, "x").unwrap_err();
    assert!(err.to_string().contains("still being recorded"), "{err}");
    assert_eq!(std::fs::read(&side_path).unwrap(), before);
}

#[test]
fn a_review_asked_for_at_start_shows_on_a_first_run_too() {
    use innervate::app::ScreenKind;
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("plain.wav");
    common::write_wav(&wav, 2, 1000, 3000, |n, c| ((n * (c + 1)) % 7) as f32);
    // Fresh settings: a path in a folder that does not exist yet, as on a new machine.
    let settings = dir.path().join("fresh/settings.json");
    let mut app = app(&dir.path().join("sessions")).with_settings(settings.clone());
    assert!(app.is_first_run(), "no settings: the welcome would show");
    // What `innervate --review FILE` does before the window's first frame.
    app.open_review(&wav);
    let mut h = harness(app);
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Review);
    assert!(h.query_by_label("Welcome to Innervate").is_none());
    h.get_by_label("Review");
    h.get_by_label("plain.wav");
    h.get_by_label("Close review");
    h.get_by_label("Export CSV");
    h.state_mut().wait_for_review(Duration::from_secs(20));
    h.run_steps(2);
    assert!(h.state().review().unwrap().overview.is_some());
    h.get_by_label("Channel 1 activation");
    // Closing it shows the live view; the welcome was not seen, so it is kept for the next start.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Live);
    assert!(!settings.exists());
}
