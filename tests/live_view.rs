//! The live view driven through egui_kittest: no display, no GPU, the real engine on the simulated board.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::app::{InnervateApp, RecordingStatus};
use innervate::engine::{Engine, EngineOptions};
use std::time::Duration;

fn app(channels: usize, sessions: &std::path::Path) -> InnervateApp {
    common::sim_app(channels, sessions)
}

fn harness(app: InnervateApp) -> common::AppHarness {
    common::harness(app, [1280.0, 2400.0])
}

/// Lets real time pass so the simulated board delivers data, then draws.
fn let_data_flow(h: &mut common::AppHarness, ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
    h.run_steps(2);
}

#[test]
fn one_row_per_muscle_with_live_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(6, dir.path()));
    let_data_flow(&mut h, 300);
    for name in [
        "Biceps brachii",
        "Triceps brachii",
        "Vastus lateralis",
        "Biceps femoris",
        "Tibialis anterior",
        "Gastrocnemius",
    ] {
        // The row title, its activation bar and its target field.
        h.get_by_label(name);
        h.get_by_label(&format!("{name} activation"));
        h.get_by_label(&format!("Target for {name} (µV)"));
    }
    assert_eq!(h.query_all_by_label_contains(" activation").count(), 6);
    // Three pairs, each with a co-contraction readout and limit.
    assert_eq!(h.query_all_by_label_contains("Limit for ").count(), 3);
    h.get_by_label("Triceps brachii vs Biceps brachii");
    // Data arrived and the status line says so.
    assert!(h.state().history().channels[0].envelope.len() > 10);
    h.get_by_label_contains("Source: Simulated board (6 ch");
    h.get_by_label("2000 Hz");
    h.get_by_label("Dropped blocks: 0");
}

#[test]
fn record_starts_a_recording_and_stop_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(2, dir.path()));
    let_data_flow(&mut h, 100);
    h.get_by_label("Record").click();
    h.run_steps(2);
    assert!(h.state().is_recording());
    assert!(h.query_by_label("Record").is_none());
    let_data_flow(&mut h, 400);
    h.get_by_label_contains("REC ");
    h.get_by_label("Stop").click();
    h.run_steps(2);
    assert!(!h.state().is_recording());
    h.get_by_label("Record");
    let status = h.state_mut().wait_for_saved(Duration::from_secs(5)).clone();
    let RecordingStatus::Saved(msg) = status else {
        panic!("not saved: {status:?}")
    };
    assert!(msg.starts_with("Saved "), "{msg}");
    h.run_steps(2);
    h.get_by_label_contains("Saved ");

    // Exactly one recording, with its sidecar.
    let wav = common::find_wav(dir.path());
    let reader = hound::WavReader::open(&wav).unwrap();
    assert_eq!(reader.spec().channels, 2);
    // About 0.4 s at 2 kHz was recorded.
    assert!(reader.duration() > 400, "{} frames", reader.duration());
    assert!(wav.with_extension("json").exists());
}

#[test]
fn typing_a_target_changes_the_drawn_target() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(2, dir.path()));
    h.run_steps(2);
    let field = h.get_by_label("Target for Biceps brachii (µV)");
    assert_eq!(field.value().as_deref(), Some("150"));
    field.click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Target for Biceps brachii (µV)")
        .type_text("220");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().muscles()[0].target_uv, 220.0);
    assert_eq!(
        h.get_by_label("Target for Biceps brachii (µV)")
            .value()
            .as_deref(),
        Some("220")
    );
    // The other muscle keeps its own target.
    assert_eq!(h.state().muscles()[1].target_uv, 150.0);
}

#[test]
fn clicking_the_bar_moves_the_target_line_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(2, dir.path()));
    h.run_steps(2);
    let bar = h.get_by_label("Triceps brachii activation");
    let rect = bar.rect();
    // With no signal yet the bar's full scale is 1.6 x the 150 uV target = 240 uV; click at 75 %.
    bar.hover();
    h.run_steps(1);
    let pos = egui::pos2(rect.left() + 0.75 * rect.width(), rect.center().y);
    h.hover_at(pos);
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(3);
    let target = h.state().muscles()[1].target_uv;
    let full_scale = (150.0f32 * 1.6).max(h.state().history().channels[1].peak * 1.1);
    assert!(
        (target - 0.75 * full_scale).abs() < 0.02 * full_scale,
        "target {target}, full scale {full_scale}"
    );
    let shown = h
        .get_by_label("Target for Triceps brachii (µV)")
        .value()
        .unwrap();
    assert_eq!(shown, format!("{target:.0}"));
}

/// Writes a 2-channel WAV: agonist 200 uV-amplitude sine, antagonist at half that (ratio 0.5).
fn known_ratio_wav(path: &std::path::Path) {
    common::write_wav(path, 2, 2000, 4000, |n, c| {
        let s = (2.0 * std::f32::consts::PI * 100.0 * n as f32 / 2000.0).sin();
        if c == 0 { 200.0 * s } else { 100.0 * s }
    });
}

#[test]
fn the_pair_readout_warns_when_the_ratio_passes_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("known.wav");
    known_ratio_wav(&wav);
    let replay = innervate::source::replay::WavReplay::open(&wav).unwrap();
    let options = EngineOptions {
        pace: innervate::source::reader::Pace::Unthrottled,
        ..EngineOptions::default()
    };
    let engine = Engine::start(Box::new(replay), options, None).unwrap();
    let mut h = harness(InnervateApp::new(engine, dir.path().to_path_buf()));
    let_data_flow(&mut h, 300);
    h.get_by_label("Source ended");
    // Agonist envelope 141 uV is above a quarter of its 150 uV target: it works, and the ratio is 0.50 > 0.30.
    assert!(h.state().agonist_active(0));
    assert!(h.state().pair_warning(0));
    h.get_by_label_contains("ratio 0.50");
    // Raising the limit above 0.5 clears the warning.
    let limit = h.get_by_label("Limit for Channel 2");
    limit.click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Limit for Channel 2").type_text("0.6");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().pairs()[0].ratio_limit, 0.6);
    assert!(!h.state().pair_warning(0));
}

/// Steps the UI in real time until `label` is on screen (or fails after `seconds`).
fn wait_for(h: &mut common::AppHarness, label: &str, seconds: f64) {
    common::wait_for_label(h, label, Duration::from_secs_f64(seconds));
}

#[test]
fn mvc_calibration_with_a_redo_saves_to_the_profile_and_switches_to_percent_mvc() {
    let dir = tempfile::tempdir().unwrap();
    let wav = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real/subject1_ta_isometric.wav");
    let replay = innervate::source::replay::WavReplay::open(&wav).unwrap();
    let engine = Engine::start(Box::new(replay), EngineOptions::default(), None).unwrap();
    let profile = dir.path().join("profiles/ana.json");
    let mut app = InnervateApp::new(engine, dir.path().to_path_buf()).with_profile(profile.clone());
    app.set_mvc_timing(innervate::calibration::MvcTiming {
        ready_s: 0.2,
        contract_s: 0.5,
        rest_s: 0.3,
        trials: 3,
    });
    let mut h = harness(app);
    h.run_steps(2);
    h.get_by_label("Target for Channel 3 (µV)");
    h.get_by_label("Calibrate MVC").click();
    h.run_steps(2);
    h.get_by_label("Calibrate Channel 3").click();
    h.run_steps(2);
    wait_for(&mut h, "Contract as hard as you can!", 3.0);
    // First trial: redo it, then accept three.
    wait_for(&mut h, "Redo", 3.0);
    h.get_by_label("Redo").click();
    h.run_steps(2);
    for trial in 1..=3 {
        wait_for(&mut h, "Accept", 3.0);
        h.get_by_label("Accept").click();
        h.run_steps(2);
        if trial < 3 {
            wait_for(&mut h, "Skip rest", 3.0);
            h.get_by_label("Skip rest").click();
            h.run_steps(2);
        }
    }
    wait_for(&mut h, "Save", 3.0);
    h.get_by_label("Save").click();
    h.run_steps(3);

    // Saved in the profile, with three trials; the tibialis anterior peaks at about 100-150 uV in this task.
    let saved = innervate::calibration::Profile::load(&profile).unwrap();
    let rec = &saved.mvc["Channel 3"];
    assert_eq!(rec.trial_peaks_uv.len(), 3);
    assert!((60.0..250.0).contains(&rec.mvc_uv), "{rec:?}");
    // The calibrated muscle is now shown in %MVC (target at 60 %), the others stay in microvolts.
    let target = h.get_by_label("Target for Channel 3 (%MVC)");
    assert_eq!(target.value().as_deref(), Some("60"));
    h.get_by_label("Target for Channel 1 (µV)");
    h.get_by_label_contains("MVC of Channel 3");
    let m = &h.state().muscles()[2];
    assert_eq!(m.mvc_uv, Some(rec.mvc_uv as f32));
    assert!((m.shown(rec.mvc_uv as f32) - 100.0).abs() < 1e-3);

    // A recording made now carries the MVC references in its sidecar.
    h.get_by_label("Record").click();
    h.run_steps(2);
    let_data_flow(&mut h, 200);
    h.get_by_label("Stop").click();
    h.run_steps(2);
    assert!(matches!(
        h.state_mut().wait_for_saved(Duration::from_secs(5)),
        RecordingStatus::Saved(_)
    ));
    let wav = common::find_wav(dir.path());
    let side = innervate::session::Sidecar::read(&wav.with_extension("json")).unwrap();
    assert_eq!(
        side.meta.mvc_uv,
        vec![None, None, Some(rec.mvc_uv as f32 as f64), None]
    );

    // A new window on the same profile starts calibrated.
    let replay = innervate::source::replay::WavReplay::open(&wav).unwrap();
    let engine = Engine::start(Box::new(replay), EngineOptions::default(), None).unwrap();
    let again = InnervateApp::new(engine, dir.path().to_path_buf()).with_profile(profile);
    assert_eq!(again.muscles()[2].mvc_uv, Some(rec.mvc_uv as f32));
}

#[test]
fn the_live_signal_check_calls_a_flat_channel_unusable_and_a_working_one_good() {
    let dir = tempfile::tempdir().unwrap();
    let wav = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real/subject1_vl_isometric.wav");
    let replay = innervate::source::replay::WavReplay::open(&wav).unwrap();
    let engine = Engine::start(Box::new(replay), EngineOptions::default(), None).unwrap();
    let mut h = harness(InnervateApp::new(engine, dir.path().to_path_buf()));
    h.run_steps(1);
    assert_eq!(h.query_all_by_label("signal: checking...").count(), 4);
    // The first judgement comes after one second of signal.
    wait_for(&mut h, "signal: good", 5.0);
    use innervate::dsp::quality::Verdict;
    let q = h.state().quality().to_vec();
    assert_eq!(q.len(), 4);
    assert_eq!(q[0].verdict, Verdict::Good, "vastus lateralis: {:?}", q[0]);
    assert_eq!(q[3].verdict, Verdict::Unusable, "gastrocnemius: {:?}", q[3]);
    for c in &q {
        assert!((0.0..=1.0).contains(&c.mains_hum_ratio), "{c:?}");
        assert!(c.baseline_noise_uv <= c.activity_uv, "{c:?}");
    }
    h.get_by_label_contains("signal: unusable (no EMG");
}

#[test]
fn reps_are_counted_live_with_each_reps_cocontraction() {
    // Three 0.6 s bursts, antagonist at half the agonist: every rep's Falconer & Winter index is
    // 200 * 1 / (2 + 1) = 66.7 %.
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("bursts.wav");
    common::write_wav(&wav, 2, 2000, 8000, |n, c| {
        let t = n as f32 / 2000.0;
        let on = [(0.5, 1.1), (1.7, 2.3), (2.9, 3.5)]
            .iter()
            .any(|(a, b)| t >= *a && t < *b);
        let s = if on {
            (2.0 * std::f32::consts::PI * 120.0 * t).sin()
        } else {
            0.0
        };
        if c == 0 { 200.0 * s } else { 100.0 * s }
    });
    let replay = innervate::source::replay::WavReplay::open(&wav).unwrap();
    let engine = Engine::start(Box::new(replay), EngineOptions::default(), None).unwrap();
    let mut h = harness(InnervateApp::new(engine, dir.path().to_path_buf()));
    wait_for(&mut h, "Source ended", 8.0);
    h.run_steps(2);
    let reps = &h.state().live_reps()[0];
    assert_eq!(reps.count, 3);
    let last = reps.last.unwrap();
    assert!((last.cci - 200.0 / 3.0).abs() < 1.0, "{last:?}");
    // Each edge within 50 ms. (On an ideal step the 100 ms RMS crosses a low threshold soon after the rise
    // and late after the fall, so the half-window correction is off by up to about 45 ms per edge.)
    assert!((last.rep.onset_s - 2.9).abs() <= 0.05, "{last:?}");
    assert!((last.rep.offset_s - 3.5).abs() <= 0.05, "{last:?}");
    h.get_by_label_contains("Reps: 3   last rep CCI 67 %");
}

#[test]
fn markers_while_recording_land_in_the_sidecar_in_order() {
    use innervate::session::{MarkerKind, Sidecar};
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(2, dir.path()));
    let_data_flow(&mut h, 100);
    assert!(
        h.query_by_label("Mark (M)").is_none(),
        "no marking without a recording"
    );
    h.get_by_label("Record").click();
    h.run_steps(2);
    let_data_flow(&mut h, 200);
    h.get_by_label("Start set").click();
    h.run_steps(2);
    let_data_flow(&mut h, 200);
    h.get_by_label("Marker text").click();
    h.run_steps(1);
    h.get_by_label("Marker text").type_text("knee caved in");
    h.run_steps(1);
    h.get_by_label("Mark (M)").click();
    h.run_steps(2);
    let_data_flow(&mut h, 200);
    // The M key, with no text field focused.
    h.get_by_label("End set").click();
    h.run_steps(1);
    h.key_press(egui::Key::M);
    h.run_steps(2);
    let_data_flow(&mut h, 100);
    assert_eq!(h.state().markers_added(), 2);
    h.get_by_label("Stop").click();
    h.run_steps(2);
    let RecordingStatus::Saved(_) = h.state_mut().wait_for_saved(Duration::from_secs(5)).clone()
    else {
        panic!("not saved")
    };
    let wav = common::find_wav(dir.path());
    let side = Sidecar::read(&wav.with_extension("json")).unwrap();
    let kinds: Vec<MarkerKind> = side.markers.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        vec![
            MarkerKind::SetStart,
            MarkerKind::User,
            MarkerKind::SetEnd,
            MarkerKind::User
        ]
    );
    assert_eq!(side.markers[1].text, "knee caved in");
    assert_eq!(side.markers[3].text, "");
    let frames: Vec<u64> = side.markers.iter().map(|m| m.wav_frame).collect();
    assert!(frames.windows(2).all(|w| w[0] <= w[1]), "{frames:?}");
    // Set start about 0.2 s in, within the recording.
    assert!(
        side.markers[0].time_s > 0.1 && side.markers[0].time_s < 0.6,
        "{:?}",
        side.markers[0]
    );
    assert!(*frames.last().unwrap() <= side.frames_written);
}

#[test]
fn the_sessions_list_shows_recordings_and_deletes_only_after_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    for (name, secs) in [("a.wav", "1"), ("b.wav", "2.5")] {
        let ok = common::innervate()
            .args([
                "record",
                "--fast",
                "--duration",
                secs,
                "--channels",
                "2",
                "--out",
            ])
            .arg(dir.path().join(name))
            .status()
            .unwrap();
        assert!(ok.success());
    }
    std::fs::write(dir.path().join("broken.wav"), b"not audio").unwrap();
    let mut h = harness(app(2, dir.path()));
    h.run_steps(1);
    h.get_by_label("Sessions").click();
    h.run_steps(2);
    h.get_by_label("1.0 s");
    h.get_by_label("2.5 s");
    assert_eq!(
        h.query_all_by_label("Biceps brachii, Triceps brachii")
            .count(),
        2
    );
    h.get_by_label_contains("not a usable WAV file");

    // Asking to delete shows a confirmation; keeping it deletes nothing.
    h.get_by_label("Delete a.wav").click();
    h.run_steps(2);
    h.get_by_label_contains("Delete a.wav? Its WAV and sidecar will be removed");
    h.get_by_label("Keep it").click();
    h.run_steps(2);
    assert!(dir.path().join("a.wav").exists());
    assert!(h.query_by_label("Yes, delete").is_none());

    h.get_by_label("Delete a.wav").click();
    h.run_steps(2);
    h.get_by_label("Yes, delete").click();
    h.run_steps(2);
    assert!(!dir.path().join("a.wav").exists() && !dir.path().join("a.json").exists());
    assert!(dir.path().join("b.wav").exists());
    assert!(h.query_by_label("1.0 s").is_none());
    h.get_by_label("2.5 s");
    h.get_by_label("Close sessions").click();
    h.run_steps(2);
    h.get_by_label("Biceps brachii activation");
}

#[test]
fn every_screen_opens_from_the_toolbar_or_a_shortcut_and_esc_returns_to_the_live_view() {
    use innervate::app::ScreenKind;
    let dir = tempfile::tempdir().unwrap();
    known_ratio_wav(&dir.path().join("plain.wav"));
    let mut h = harness(app(2, dir.path()));
    h.run_steps(2);
    let back_to_live = |h: &mut common::AppHarness, what: &str| {
        h.key_press(egui::Key::Escape);
        h.run_steps(2);
        assert_eq!(h.state().screen().kind(), ScreenKind::Live, "Esc on {what}");
        h.get_by_label("Biceps brachii activation");
    };
    // (toolbar button, shortcut, screen, something only that screen shows)
    let screens = [
        (
            "Exercise (E)",
            egui::Key::E,
            ScreenKind::Setup,
            "Exercise setup",
        ),
        (
            "History (H)",
            egui::Key::H,
            ScreenKind::History,
            "Close history",
        ),
        (
            "Calibrate MVC",
            egui::Key::C,
            ScreenKind::Calibration,
            "MVC calibration",
        ),
        (
            "Sessions",
            egui::Key::S,
            ScreenKind::Sessions,
            "Close sessions",
        ),
        (
            "Connect",
            egui::Key::B,
            ScreenKind::Connect,
            "Connect a board",
        ),
        (
            "Help",
            egui::Key::F1,
            ScreenKind::Welcome,
            "Welcome to Innervate",
        ),
    ];
    for (button, key, kind, shows) in screens {
        h.get_by_label(button).click();
        h.run_steps(2);
        assert_eq!(h.state().screen().kind(), kind, "{button}");
        h.get_by_label(shows);
        back_to_live(&mut h, button);
        h.key_press(key);
        h.run_steps(2);
        assert_eq!(h.state().screen().kind(), kind, "{key:?}");
        h.get_by_label(shows);
        back_to_live(&mut h, &format!("{key:?}"));
    }
    // One screen at a time: a shortcut on another screen replaces it.
    h.key_press(egui::Key::E);
    h.run_steps(2);
    h.key_press(egui::Key::H);
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::History);
    assert!(h.query_by_label("Exercise setup").is_none());
    back_to_live(&mut h, "history after setup");
    // The review opens from the sessions list.
    h.key_press(egui::Key::S);
    h.run_steps(2);
    h.get_by_label("Review plain.wav").click();
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Review);
    h.get_by_label("Close review");
    back_to_live(&mut h, "review");
    // A calibration under way closes without saving anything.
    h.key_press(egui::Key::C);
    h.run_steps(2);
    h.get_by_label("Calibrate Biceps brachii").click();
    h.run_steps(2);
    assert!(h.state().calibration().unwrap().routine.is_some());
    back_to_live(&mut h, "a running calibration");
    assert!(h.state().profile().mvc.is_empty());
    assert!(h.state().muscles()[0].mvc_uv.is_none());
}
