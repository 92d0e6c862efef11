//! Record, export to CSV and EDF+, and read back: EDF+ through pyedflib (an independent reader, installed by
//! this test into Cargo's temporary folder when missing), CSV by parsing it.

mod common;

use common::{innervate, read_wav};
use innervate::dsp::{DspConfig, Processor};
use innervate::session::{Marker, MarkerKind, Sidecar};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A Python that can import pyedflib: installs it under target/ once if needed.
fn python_with_pyedflib() -> (String, PathBuf) {
    let tools = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pytools");
    let can_import = || {
        Command::new("python3")
            .args(["-c", "import pyedflib"])
            .env("PYTHONPATH", &tools)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !can_import() {
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--root-user-action=ignore",
            ])
            .arg("--target")
            .arg(&tools)
            .arg("pyedflib")
            .status()
            .expect("python3 is needed for the independent EDF reader");
        assert!(status.success(), "pip could not install pyedflib");
        assert!(can_import(), "pyedflib installed but does not import");
    }
    ("python3".into(), tools)
}

/// A 6.5 s, 3-channel simulated session with three markers.
fn session(dir: &Path) -> PathBuf {
    let wav = dir.join("set.wav");
    let status = innervate()
        .args([
            "record",
            "--fast",
            "--duration",
            "6.5",
            "--channels",
            "3",
            "--seed",
            "8",
            "--out",
        ])
        .arg(&wav)
        .status()
        .unwrap();
    assert!(status.success());
    let side_path = wav.with_extension("json");
    let mut side = Sidecar::read(&side_path).unwrap();
    for (frame, kind, text) in [
        (2001u64, MarkerKind::SetStart, ""),
        (5000, MarkerKind::User, "wobble at the top"),
        (10_500, MarkerKind::SetEnd, ""),
    ] {
        side.markers.push(Marker {
            wav_frame: frame,
            time_s: frame as f64 / 2000.0,
            kind,
            text: text.into(),
            plan: None,
        });
    }
    side.write_atomic(&side_path).unwrap();
    wav
}

#[test]
fn edf_plus_reads_back_in_pyedflib_to_its_resolution_with_markers_as_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let wav = session(dir.path());
    let edf = dir.path().join("set.edf");
    let out = common::run_ok(
        innervate()
            .arg("export")
            .arg(&wav)
            .args(["--to", "edf", "--out"])
            .arg(&edf),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("7 one-second records"));

    let (python, tools) = python_with_pyedflib();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/edf_check.py");
    let read = Command::new(python)
        .arg(script)
        .arg(&edf)
        .env("PYTHONPATH", tools)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "pyedflib: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    let edf: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();

    let labels: Vec<String> = serde_json::from_value(edf["labels"].clone()).unwrap();
    assert_eq!(
        labels,
        vec!["Biceps brachii", "Triceps brachii", "Vastus lateralis"]
    );
    for c in 0..3 {
        assert_eq!(edf["dimensions"][c], "uV");
        assert_eq!(edf["rates"][c].as_f64().unwrap(), 2000.0);
    }
    let (samples, channels) = read_wav(&wav);
    let frames = samples.len() / channels;
    assert_eq!(frames, 13_000);
    for c in 0..3 {
        let (lo, hi) = (
            edf["physical_min"][c].as_f64().unwrap(),
            edf["physical_max"][c].as_f64().unwrap(),
        );
        let resolution = (hi - lo) / 65535.0;
        let signal = edf["signals"][c].as_array().unwrap();
        assert_eq!(signal.len(), 14_000, "7 whole records");
        for n in 0..frames {
            let (a, b) = (
                signal[n].as_f64().unwrap(),
                samples[n * channels + c] as f64,
            );
            assert!(
                (a - b).abs() <= resolution,
                "channel {c} sample {n}: {a} vs {b} (resolution {resolution})"
            );
        }
    }
    let notes: Vec<(f64, String)> = serde_json::from_value(edf["annotations"].clone()).unwrap();
    let expect = [
        (2001.0 / 2000.0, "set start"),
        (2.5, "mark: wobble at the top"),
        (5.25, "set end"),
        (6.5, "recording ends (padding after)"),
    ];
    assert_eq!(notes.len(), expect.len(), "{notes:?}");
    for ((t, text), (et, etext)) in notes.iter().zip(expect) {
        assert!(
            (t - et).abs() <= 1.0 / 2000.0,
            "{text} at {t}, expected {et}"
        );
        assert_eq!(text, etext);
    }
}

#[test]
fn csv_has_time_raw_and_envelope_per_channel() {
    let dir = tempfile::tempdir().unwrap();
    let wav = session(dir.path());
    let csv = dir.path().join("set.csv");
    common::run_ok(
        innervate()
            .arg("export")
            .arg(&wav)
            .args(["--to", "csv", "--out"])
            .arg(&csv),
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time_s,Biceps brachii raw_uv,Biceps brachii envelope_uv,Triceps brachii raw_uv,Triceps brachii envelope_uv,\
         Vastus lateralis raw_uv,Vastus lateralis envelope_uv"
    );
    let (samples, channels) = read_wav(&wav);
    let mut p = Processor::new(3, 2000.0, &DspConfig::default(), &[]).unwrap();
    let mut rows = 0;
    for (n, line) in lines.enumerate() {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        assert!((v[0] - n as f64 / 2000.0).abs() < 1e-6);
        let frame = &samples[n * channels..(n + 1) * channels];
        let env = p.process_frame(frame).envelope;
        for c in 0..3 {
            assert_eq!(v[1 + 2 * c] as f32, frame[c], "raw, row {n}");
            assert_eq!(v[2 + 2 * c] as f32, env[c], "envelope, row {n}");
        }
        rows += 1;
    }
    assert_eq!(rows, 13_000);
}

#[test]
fn every_real_recording_exports_to_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real");
    let mut n = 0;
    for entry in std::fs::read_dir(data).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "wav") {
            continue;
        }
        for to in ["csv", "edf"] {
            let out = dir.path().join(format!(
                "{}.{to}",
                path.file_stem().unwrap().to_string_lossy()
            ));
            let o = innervate()
                .arg("export")
                .arg(&path)
                .args(["--to", to, "--out"])
                .arg(&out)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(std::fs::metadata(&out).unwrap().len() > 1000);
        }
        n += 1;
    }
    assert_eq!(n, 9);
}
