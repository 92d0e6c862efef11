//! Foundations of review mode: replay from any position at a chosen speed through the live engine, and the
//! sessions folder catalogue.

mod common;

use common::{innervate, read_wav};
use innervate::engine::{Engine, EngineOptions};
use innervate::session::catalog::{delete_session, list_sessions};
use innervate::source::FrameGenerator;
use innervate::source::reader::Pace;
use innervate::source::replay::WavReplay;
use innervate::stats::LinkStats;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn record(dir: &Path, name: &str, seconds: &str, channels: &str) -> PathBuf {
    let wav = dir.join(name);
    let ok = innervate()
        .args([
            "record",
            "--fast",
            "--duration",
            seconds,
            "--channels",
            channels,
            "--out",
        ])
        .arg(&wav)
        .status()
        .unwrap();
    assert!(ok.success());
    wav
}

#[test]
fn replay_seeks_to_a_frame_and_plays_at_twice_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let wav = record(dir.path(), "set.wav", "4", "2");
    let (samples, channels) = read_wav(&wav);
    let mut replay = WavReplay::open(&wav).unwrap();
    replay.seek(1500).unwrap();
    let mut frame = [0.0f32; 2];
    assert!(replay.next_frame(&mut frame).unwrap());
    assert_eq!(&frame[..], &samples[1500 * channels..1501 * channels]);
    replay.seek(10_000_000).unwrap(); // past the end: clamped
    assert!(!replay.next_frame(&mut frame).unwrap());

    let mut replay = WavReplay::open(&wav).unwrap();
    replay.seek(2000).unwrap();
    let options = EngineOptions {
        pace: Pace::RealTime { speed: 2.0 },
        ..EngineOptions::default()
    };
    let started = Instant::now();
    let engine = Engine::start(Box::new(replay), options, None).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let frames = LinkStats::get(&engine.stats().frames_received);
    let elapsed = started.elapsed().as_secs_f64();
    // Frames per second of wall time, against the 2 kHz of the recording.
    let speed = frames as f64 / elapsed / 2000.0;
    assert!((1.6..=2.2).contains(&speed), "replayed at {speed:.2}x");
    // And it stops at the end of the file, with every frame from 2000 on: 6000 of them.
    let deadline = Instant::now() + Duration::from_secs(10);
    while engine.stats().state() != innervate::stats::LinkState::Ended {
        assert!(Instant::now() < deadline, "the replay never ended");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(LinkStats::get(&engine.stats().frames_received), 6000);
}

#[test]
fn the_catalogue_lists_describes_and_deletes_sessions() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        list_sessions(&dir.path().join("none-yet"))
            .unwrap()
            .is_empty()
    );
    let a = record(dir.path(), "a.wav", "1", "2");
    std::thread::sleep(Duration::from_millis(1100)); // a later start time
    let b = record(dir.path(), "b.wav", "2.5", "4");
    std::fs::write(dir.path().join("broken.wav"), b"not audio").unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"ignored").unwrap();

    let list = list_sessions(dir.path()).unwrap();
    assert_eq!(list.len(), 3);
    let ok: Vec<_> = list.iter().filter(|e| e.problem.is_none()).collect();
    assert_eq!(ok.len(), 2);
    assert_eq!(ok[0].wav_path, b, "newest first");
    assert_eq!(ok[0].duration_s, 2.5);
    assert_eq!(ok[0].muscles.len(), 4);
    assert_eq!(ok[1].muscles, vec!["Biceps brachii", "Triceps brachii"]);
    let broken = list.iter().find(|e| e.problem.is_some()).unwrap();
    assert!(
        broken
            .problem
            .as_ref()
            .unwrap()
            .contains("not a usable WAV file")
    );

    delete_session(&a).unwrap();
    assert!(!a.exists() && !a.with_extension("json").exists());
    assert_eq!(list_sessions(dir.path()).unwrap().len(), 2);
    assert!(delete_session(&a).is_err(), "deleting twice says so");
}
