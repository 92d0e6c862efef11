//! `innervate analyze` on real recordings: equal to an independent SciPy implementation
//! (tests/reference/gen_analyze_reference.py), and physiologically sensible.

mod common;

use innervate::analysis::quality::Verdict;
use innervate::analysis::{AnalyzeOptions, Report, analyze};
use innervate::dsp::MusclePair;
use innervate::source::SourceError;
use innervate::source::replay::WavReplay;
use serde_json::Value;
use std::path::PathBuf;

const VL: usize = 0;
const TA: usize = 2;
const GL: usize = 3;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real")
        .join(name)
}

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(name)
}

fn pairs() -> Vec<MusclePair> {
    vec![
        MusclePair {
            agonist: 0,
            antagonist: 1,
        },
        MusclePair {
            agonist: 2,
            antagonist: 3,
        },
    ]
}

/// Runs the analyzer on a file; returns the report and every frame's envelopes.
fn run(file: &str) -> (Report, Vec<Vec<f32>>) {
    let mut replay = WavReplay::open(&data(file)).unwrap();
    let options = AnalyzeOptions {
        pairs: Some(pairs()),
        ..AnalyzeOptions::default()
    };
    let mut envelopes = Vec::new();
    let mut sink = |run: &innervate::analysis::EnvelopeRun<'_>| -> Result<(), SourceError> {
        run.for_each_frame(|e| {
            envelopes.push(e.to_vec());
            Ok(())
        })
    };
    let report = analyze(&mut replay, &options, &mut |_| {}, Some(&mut sink)).unwrap();
    (report, envelopes)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-9)
}

#[test]
fn envelope_spectra_and_cocontraction_equal_the_scipy_reference() {
    let reference_json: Value = serde_json::from_str(
        &std::fs::read_to_string(reference("analyze_reference.json")).unwrap(),
    )
    .unwrap();
    let files = reference_json["files"].as_object().unwrap();
    assert_eq!(files.len(), 4);
    for (name, expected) in files {
        let (report, envelopes) = run(&format!("{name}.wav"));

        // Envelopes, sample by sample, after the first 0.5 s.
        let mut r = hound::WavReader::open(reference(&format!("{name}_envelope.wav"))).unwrap();
        let reference_env: Vec<f32> = r.samples::<f32>().map(|s| s.unwrap()).collect();
        assert_eq!(reference_env.len(), envelopes.len() * 4, "{name}");
        let mut worst = 0.0f64;
        for (n, frame) in envelopes.iter().enumerate().skip(1000) {
            for c in 0..4 {
                let (a, b) = (frame[c] as f64, reference_env[n * 4 + c] as f64);
                worst = worst.max((a - b).abs() / b.abs());
                assert!(
                    close(a, b, 1e-3),
                    "{name} envelope ch {c} sample {n}: {a} vs {b}"
                );
            }
        }
        eprintln!("{name}: worst envelope relative difference {worst:.2e}");

        // MDF and MNF per 1 s epoch.
        let epochs = expected["epochs_mdf_mnf"].as_array().unwrap();
        for (c, channel) in epochs.iter().enumerate() {
            let ours = &report.channels[c].epochs;
            let theirs = channel.as_array().unwrap();
            assert_eq!(ours.len(), theirs.len(), "{name} ch {c} epochs");
            for (k, (e, t)) in ours.iter().zip(theirs).enumerate() {
                let (mdf, mnf) = (t[0].as_f64().unwrap(), t[1].as_f64().unwrap());
                assert!(
                    close(e.mdf_hz.unwrap(), mdf, 1e-3),
                    "{name} ch {c} epoch {k} MDF {:?} vs {mdf}",
                    e.mdf_hz
                );
                assert!(
                    close(e.mnf_hz.unwrap(), mnf, 1e-3),
                    "{name} ch {c} epoch {k} MNF {:?} vs {mnf}",
                    e.mnf_hz
                );
            }
        }

        // Falconer & Winter per 100 ms window, after the first 0.5 s.
        let fw = expected["falconer_winter_100ms"].as_array().unwrap();
        for (p, theirs) in fw.iter().enumerate() {
            let theirs = theirs.as_array().unwrap();
            let ours = &report.pairs[p].falconer_winter_windows;
            assert_eq!(ours.len(), theirs.len());
            for (k, (a, b)) in ours.iter().zip(theirs).enumerate().skip(5) {
                let b = b.as_f64().unwrap();
                assert!(close(*a, b, 1e-3), "{name} pair {p} window {k}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn tibialis_anterior_is_most_active_in_its_own_task_for_both_subjects() {
    for subject in [1, 2] {
        let level = |task: &str| {
            run(&format!("subject{subject}_{task}_isometric.wav"))
                .0
                .channels[TA]
                .envelope_mean_uv
        };
        let own = level("ta");
        for other in ["vl", "bf", "gl"] {
            let theirs = level(other);
            assert!(
                own > theirs,
                "subject {subject}: TA {own:.1} uV in its task vs {theirs:.1} uV in {other}"
            );
        }
    }
}

#[test]
fn both_pairs_are_reported_finite_and_quality_calls_gastrocnemius_unusable_and_vastus_good() {
    for subject in [1, 2] {
        for task in ["vl", "bf", "ta", "gl"] {
            let file = format!("subject{subject}_{task}_isometric.wav");
            let (report, _) = run(&file);
            assert_eq!(report.pairs.len(), 2);
            for p in &report.pairs {
                let mut values = vec![p.falconer_winter_pct, p.rudolph, p.mean_ratio];
                values.extend(&p.falconer_winter_windows);
                values.extend(&p.falconer_winter_epochs);
                values.extend(&p.rudolph_epochs);
                assert!(values.iter().all(|v| v.is_finite()), "{file}: {}", p.label);
                assert!(!p.falconer_winter_windows.is_empty());
            }
            assert_eq!(
                report.channels[GL].quality.verdict,
                Verdict::Unusable,
                "{file}: {:?}",
                report.channels[GL].quality
            );
            // Real data is messy: in both subjects' biceps-femoris recordings the vastus lateralis channel is
            // flat as well (about 3 uV, a dozen distinct ADC values), and calling it unusable is right there.
            let vl = &report.channels[VL].quality;
            let expected = if task == "bf" {
                Verdict::Unusable
            } else {
                Verdict::Good
            };
            assert_eq!(vl.verdict, expected, "{file}: {vl:?}");
            for ch in &report.channels {
                assert!(
                    ch.epochs
                        .iter()
                        .all(|e| e.mdf_hz.is_none_or(|m| m.is_finite()))
                );
            }
        }
    }
}

#[test]
fn the_analyze_command_writes_json_csv_and_an_envelope_wav() {
    let dir = tempfile::tempdir().unwrap();
    let env_path = dir.path().join("env.wav");
    let out = common::run_ok(
        common::innervate()
            .arg("analyze")
            .arg(data("subject1_ta_isometric.wav"))
            .args(["--pairs", "1:2,3:4", "--json", "--envelope-wav"])
            .arg(&env_path),
    );
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report.channels.len(), 4);
    assert_eq!(report.processing.bandpass_order, 4);
    assert_eq!(report.processing.notch_hz, vec![50.0]);
    assert_eq!(report.processing.envelope_window_samples, 200);
    // The envelope WAV equals the reference written by SciPy.
    let ours: Vec<f32> = hound::WavReader::open(&env_path)
        .unwrap()
        .samples::<f32>()
        .map(|s| s.unwrap())
        .collect();
    let theirs: Vec<f32> = hound::WavReader::open(reference("subject1_ta_isometric_envelope.wav"))
        .unwrap()
        .samples::<f32>()
        .map(|s| s.unwrap())
        .collect();
    assert_eq!(ours.len(), theirs.len());
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate().skip(4000) {
        assert!(close(*a as f64, *b as f64, 1e-3), "sample {i}: {a} vs {b}");
    }

    let csv = common::innervate()
        .arg("analyze")
        .arg(data("subject1_ta_isometric.wav"))
        .arg("--csv")
        .output()
        .unwrap();
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(text.contains("channel,name,epoch_start_s,rms_uv,mdf_hz,mnf_hz"));
    assert_eq!(
        text.lines().filter(|l| !l.starts_with('#')).count(),
        1 + 4 * 10
    );

    let bad = common::innervate()
        .arg("analyze")
        .arg(data("subject1_ta_isometric.wav"))
        .args(["--pairs", "1:9"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not exist"));
}

#[test]
fn analyze_reports_left_right_symmetry() {
    // Left side twice as active as the right: SI = |2 - 1| / 1.5 * 100 = 66.7 %.
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("lr.wav");
    common::write_wav(&wav, 2, 2000, 8000, |n, c| {
        let s = (2.0 * std::f32::consts::PI * 120.0 * n as f32 / 2000.0).sin();
        if c == 0 { 200.0 * s } else { 100.0 * s }
    });
    let out = common::run_ok(
        common::innervate()
            .arg("analyze")
            .arg(&wav)
            .args(["--lr", "1:2", "--json"]),
    );
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    let sym = &report.symmetry[0];
    assert_eq!((sym.left, sym.right), (0, 1));
    assert_eq!(sym.unit, "uV");
    assert!(
        (sym.symmetry_index_pct - 200.0 / 3.0).abs() < 1.0,
        "{sym:?}"
    );
    assert_eq!(sym.epochs_pct.len(), 4);
    assert!(
        sym.epochs_pct[1..]
            .iter()
            .all(|e| (e - 200.0 / 3.0).abs() < 1.0),
        "{sym:?}"
    );
}
