//! Broken sessions get a clear error and no panic: truncated WAV, damaged header, not a WAV, sidecar with a
//! missing field, from a newer version, or disagreeing with its WAV. Property tests throw random bytes and
//! random damage at the loaders.

use innervate::session::Sidecar;
mod common;

use innervate::session::load::open_session;
use innervate::source::FrameGenerator;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// A small real session: 0.5 s of the simulator, 2 channels.
fn session(dir: &Path) -> PathBuf {
    let wav = dir.join("ok.wav");
    let status = common::innervate()
        .args([
            "record",
            "--fast",
            "--duration",
            "0.5",
            "--channels",
            "2",
            "--out",
        ])
        .arg(&wav)
        .status()
        .unwrap();
    assert!(status.success());
    wav
}

fn error_of(wav: &Path) -> String {
    open_session(wav)
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn every_kind_of_damage_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let wav = session(dir.path());
    let side = wav.with_extension("json");
    let good_wav = std::fs::read(&wav).unwrap();
    let good_side = std::fs::read_to_string(&side).unwrap();
    let s = open_session(&wav).unwrap();
    assert_eq!((s.channels, s.frames), (2, 1000));
    assert_eq!(s.channel_names[1], "Triceps brachii");

    // Truncated WAV (the header still promises 1000 frames).
    std::fs::write(&wav, &good_wav[..good_wav.len() / 2]).unwrap();
    assert!(error_of(&wav).contains("cut off"), "{}", error_of(&wav));
    // Damaged header: the format chunk's id overwritten.
    let mut broken = good_wav.clone();
    broken[12..16].copy_from_slice(b"junk");
    std::fs::write(&wav, &broken).unwrap();
    assert!(
        error_of(&wav).contains("not a usable WAV file"),
        "{}",
        error_of(&wav)
    );
    // Not a WAV at all.
    std::fs::write(&wav, b"name,value\nbiceps,3\n").unwrap();
    assert!(
        error_of(&wav).contains("not a usable WAV file"),
        "{}",
        error_of(&wav)
    );
    std::fs::write(&wav, &good_wav).unwrap();

    // Sidecar with a missing field.
    let mut v: serde_json::Value = serde_json::from_str(&good_side).unwrap();
    v.as_object_mut().unwrap().remove("sample_rate_hz");
    std::fs::write(&side, v.to_string()).unwrap();
    assert!(
        error_of(&wav).contains("missing field `sample_rate_hz`"),
        "{}",
        error_of(&wav)
    );
    // From a newer Innervate.
    let mut v: serde_json::Value = serde_json::from_str(&good_side).unwrap();
    v["format_version"] = 7.into();
    std::fs::write(&side, v.to_string()).unwrap();
    assert!(error_of(&wav).contains("newer"), "{}", error_of(&wav));
    // Disagreeing with its WAV: channels, sample rate, frames, a marker past the end.
    for (key, value, says) in [
        (
            "channel_names",
            serde_json::json!(["a", "b", "c"]),
            "3 channel names for 2 channels",
        ),
        (
            "sample_rate_hz",
            serde_json::json!(1000.0),
            "1000 Hz in the sidecar, 2000 Hz in the WAV",
        ),
        (
            "frames_written",
            serde_json::json!(5000),
            "5000 frames in the sidecar, 1000 in the WAV",
        ),
        (
            "markers",
            serde_json::json!([{"wav_frame": 99999, "time_s": 50.0, "kind": "user", "text": ""}]),
            "past the end",
        ),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(&good_side).unwrap();
        v[key] = value;
        std::fs::write(&side, v.to_string()).unwrap();
        let e = error_of(&wav);
        assert!(e.contains("disagrees") && e.contains(says), "{key}: {e}");
    }
    // Not JSON.
    std::fs::write(&side, b"\x00\xff not json").unwrap();
    assert!(!error_of(&wav).is_empty());
    // And the good pair opens again.
    std::fs::write(&side, &good_side).unwrap();
    assert!(open_session(&wav).is_ok());
}

/// Opens `bytes` as a WAV (with and without the good sidecar) and, if it opens, reads every frame: any
/// result is fine, a panic is not.
fn exercise(dir: &Path, bytes: &[u8], sidecar: Option<&str>) {
    let wav = dir.join("fuzz.wav");
    std::fs::write(&wav, bytes).unwrap();
    let side = wav.with_extension("json");
    match sidecar {
        Some(text) => std::fs::write(&side, text).unwrap(),
        None => {
            let _ = std::fs::remove_file(&side);
        }
    }
    if let Ok(s) = open_session(&wav)
        && let Ok(mut replay) = s.replay()
    {
        let mut frame = vec![0.0f32; s.channels];
        for _ in 0..100_000 {
            match replay.next_frame(&mut frame) {
                Ok(true) => {}
                _ => break,
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_the_wav_loader(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        exercise(dir.path(), &bytes, None);
    }

    #[test]
    fn random_damage_to_a_real_session_never_panics(
        flips in proptest::collection::vec((0usize..8100, any::<u8>()), 1..12),
        cut in 0usize..9000,
        side_cut in 0usize..4000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let wav = session_bytes();
        let mut bytes = wav.0.clone();
        for (at, v) in flips {
            if at < bytes.len() { bytes[at] = v; }
        }
        bytes.truncate(cut.max(1));
        let side: String = wav.1.chars().take(side_cut).collect();
        exercise(dir.path(), &bytes, Some(&side));
        exercise(dir.path(), &bytes, Some(&wav.1));
    }

    #[test]
    fn random_sidecar_text_never_panics(text in ".{0,300}") {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        std::fs::write(&p, text).unwrap();
        let _ = Sidecar::read(&p);
    }
}

/// One recorded session's bytes, made once for all property cases.
fn session_bytes() -> &'static (Vec<u8>, String) {
    static ONCE: std::sync::OnceLock<(Vec<u8>, String)> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let wav = session(dir.path());
        (
            std::fs::read(&wav).unwrap(),
            std::fs::read_to_string(wav.with_extension("json")).unwrap(),
        )
    })
}
