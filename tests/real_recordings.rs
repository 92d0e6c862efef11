//! Real sEMG recordings by other people open through the file-replay source and give sane envelopes.

use innervate::engine::{Engine, EngineOptions};
use innervate::source::FrameGenerator;
use innervate::source::reader::Pace;
use innervate::source::replay::WavReplay;
use innervate::stats::{LinkState, LinkStats};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/real")
}

fn real_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_real_recording_replays_with_finite_non_zero_envelopes() {
    let files = real_files();
    assert_eq!(
        files.len(),
        9,
        "expected the 9 real recordings in tests/data/real"
    );
    for path in files {
        let replay = WavReplay::open(&path).unwrap();
        let channels = replay.info().channels();
        let total = replay.total_frames();
        let options = EngineOptions {
            pace: Pace::Unthrottled,
            lossless_display: true,
            ..EngineOptions::default()
        };
        let engine = Engine::start(Box::new(replay), options, None).unwrap();
        let mut peak = vec![0.0f32; channels];
        let mut points = 0usize;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ended = engine.stats().state() == LinkState::Ended
                && LinkStats::get(&engine.stats().frames_processed) == total;
            while let Ok(chunk) = engine.display().try_recv() {
                for p in 0..chunk.points {
                    points += 1;
                    for (c, peak) in peak.iter_mut().enumerate() {
                        let e = chunk.envelope[c][p];
                        assert!(
                            e.is_finite(),
                            "{}: channel {c} envelope {e}",
                            path.display()
                        );
                        *peak = peak.max(e);
                    }
                }
            }
            if ended && engine.display().is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not finish",
                path.display()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(LinkStats::get(&engine.stats().frames_missing), 0);
        assert!(points > 0);
        for (c, p) in peak.iter().enumerate() {
            assert!(
                *p > 0.0,
                "{}: channel {c} envelope is all zero",
                path.display()
            );
        }
    }
}

#[test]
fn a_truncated_wav_ends_with_a_clear_error_not_a_panic() {
    let src = data_dir().join("subject1_ta_isometric.wav");
    let bytes = std::fs::read(&src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.wav");
    // Cut in the middle of a frame: the header still promises 10 s.
    std::fs::write(&cut, &bytes[..bytes.len() / 2 + 3]).unwrap();
    let mut replay = WavReplay::open(&cut).unwrap();
    let mut frame = [0.0f32; 4];
    let mut frames = 0;
    let err = loop {
        match replay.next_frame(&mut frame) {
            Ok(true) => frames += 1,
            Ok(false) => panic!("a truncated file must not look complete"),
            Err(e) => break e,
        }
    };
    assert!(frames > 9000, "the intact part is read ({frames} frames)");
    assert!(err.to_string().contains("cut.wav"), "{err}");
}
