//! `innervate report`: the PDF of a real recording and of a simulated session with sets, read back by an
//! independent reader (pypdf, installed into target/ by scripts/python-env.sh), its numbers compared with
//! `innervate analyze --json` for the same file at the precision printed; and bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The text of every page of `pdf`, extracted by pypdf, with runs of white space made one space.
fn pdf_text(pdf: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/python-env.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg("pypdf")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/python-env.sh pypdf failed (pip needs the package index): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let read = Command::new("python3")
        .env("PYTHONPATH", path)
        .args([
            "-c",
            "import sys, pypdf; r = pypdf.PdfReader(sys.argv[1]); \
             print('\\n'.join(p.extract_text() for p in r.pages))",
        ])
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "pypdf: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    let text = String::from_utf8(read.stdout).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn analyze_json(wav: &Path) -> serde_json::Value {
    let out = common::run_ok(common::innervate().arg("analyze").arg(wav).arg("--json"));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn report(wav: &Path, out: &Path, paper: &str) {
    common::run_ok(
        common::innervate()
            .arg("report")
            .arg(wav)
            .arg("--out")
            .arg(out)
            .args(["--paper", paper]),
    );
}

/// A value printed in %MVC when there is one, else in uV, one decimal (as the report prints it).
fn level(pct: &serde_json::Value, uv: &serde_json::Value) -> String {
    match pct.as_f64() {
        Some(p) => format!("{p:.1} %MVC"),
        None => format!("{:.1} uV", uv.as_f64().unwrap()),
    }
}

/// The processing parameters and every channel's numbers are in the text, as `analyze --json` has them.
fn check_common(text: &str, json: &serde_json::Value) {
    let p = &json["processing"];
    for part in [
        format!(
            "band-pass {} order {} {}-{} Hz",
            p["bandpass_type"].as_str().unwrap(),
            p["bandpass_order"],
            p["bandpass_low_hz"].as_f64().unwrap(),
            p["bandpass_high_hz"].as_f64().unwrap()
        ),
        format!("over {} samples", p["envelope_window_samples"]),
        format!("at {} Hz", json["sample_rate_hz"].as_f64().unwrap()),
    ] {
        assert!(text.contains(&part), "`{part}` not in: {text}");
    }
    for ch in json["channels"].as_array().unwrap() {
        let part = format!(
            "{}: envelope mean {:.2} uV, peak {:.2} uV",
            ch["name"].as_str().unwrap(),
            ch["envelope_mean_uv"].as_f64().unwrap(),
            ch["envelope_peak_uv"].as_f64().unwrap()
        );
        assert!(text.contains(&part), "`{part}` not in: {text}");
    }
}

#[test]
fn a_real_recording_reports_its_numbers_on_a4() {
    let dir = tempfile::tempdir().unwrap();
    let wav = real_wav();
    let out = dir.path().join("real.pdf");
    report(&wav, &out, "a4");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&bytes).contains("595.28 841.89"));
    let text = pdf_text(&out);
    assert!(text.contains("Innervate session report"), "{text}");
    check_common(&text, &analyze_json(&wav));
}

fn plan(exercise: &str, level_uv: f64) -> serde_json::Value {
    serde_json::json!({
        "exercise": exercise, "target": 0, "competing": 1, "competing_role": "Antagonist",
        "share_limit_pct": 60.0, "target_level_uv": level_uv, "target_pct_mvc": null,
        "ratio_limit": 0.3, "mode": "reps",
        "tempo": {"concentric_s": 1.0, "top_s": 0.5, "eccentric_s": 2.0, "bottom_s": 0.5}, "hold_s": 10.0
    })
}

/// A simulated session (one workout loop) with two marked sets.
fn simulated_session(dir: &Path) -> PathBuf {
    let wav = dir.join("sim.wav");
    common::run_ok(
        common::innervate()
            .args([
                "record",
                "--source",
                "sim",
                "--channels",
                "2",
                "--duration",
                "40",
                "--fast",
            ])
            .arg("--out")
            .arg(&wav),
    );
    let side = wav.with_extension("json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&side).unwrap()).unwrap();
    let rate = v["sample_rate_hz"].as_f64().unwrap();
    let marker = |t: f64, kind: &str, plan: Option<serde_json::Value>| {
        let mut m = serde_json::json!({"wav_frame": (t * rate) as u64, "time_s": t, "kind": kind, "text": ""});
        if let Some(p) = plan {
            m["plan"] = p;
        }
        m
    };
    v["markers"] = serde_json::json!([
        marker(2.0, "set_start", Some(plan("Biceps curl", 150.0))),
        marker(20.0, "set_end", None),
        marker(20.5, "set_start", Some(plan("Hammer curl", 120.0))),
        marker(36.0, "set_end", None),
    ]);
    std::fs::write(&side, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    wav
}

#[test]
fn a_simulated_session_reports_every_set_as_analyze_does_on_letter() {
    let dir = tempfile::tempdir().unwrap();
    let wav = simulated_session(dir.path());
    let out = dir.path().join("sim.pdf");
    report(&wav, &out, "letter");
    assert!(String::from_utf8_lossy(&std::fs::read(&out).unwrap()).contains("612 792"));
    let text = pdf_text(&out);
    let json = analyze_json(&wav);
    check_common(&text, &json);
    let sets = json["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 2);
    for s in sets {
        let m = &s["summary"];
        assert!(m["reps"].as_u64().unwrap() > 0, "the simulator's reps: {m}");
        let part = format!(
            "Set {}: reps {}, good reps {}, score {}/10, peak {}, mean {}, time above target {:.1} s",
            s["number"],
            m["reps"],
            m["good_reps"],
            m["score"],
            level(&m["peak_pct_mvc"], &m["peak_uv"]),
            level(&m["mean_pct_mvc"], &m["mean_uv"]),
            m["time_above_target_s"].as_f64().unwrap()
        );
        assert!(text.contains(&part), "`{part}` not in: {text}");
        let exercise = s["plan"]["exercise"].as_str().unwrap();
        assert!(text.contains(&format!("({exercise})")), "{exercise}");
    }
    assert!(text.contains("Body map per set"));
}

/// Runs `innervate report WAV --out OUT`, which must fail, and returns what it said.
fn report_fails(wav: &Path, out: &Path) -> String {
    let o = common::innervate()
        .arg("report")
        .arg(wav)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        !o.status.success(),
        "a report for {} succeeded",
        wav.display()
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn real_wav() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real/subject1_vl_isometric.wav")
}

#[test]
fn bad_input_says_why_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.pdf");
    // Missing.
    let said = report_fails(&dir.path().join("nope.wav"), &out);
    assert!(said.contains("nope.wav"), "{said}");
    assert!(!out.exists());
    // Truncated: a header cut short.
    let cut = dir.path().join("cut.wav");
    std::fs::write(&cut, &std::fs::read(real_wav()).unwrap()[..30]).unwrap();
    let said = report_fails(&cut, &out);
    assert!(
        said.contains("cut.wav") && said.contains("cut short"),
        "{said}"
    );
    assert!(!out.exists());
    // An output path that cannot be written (its "folder" is a file).
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let said = report_fails(&real_wav(), &blocker.join("r.pdf"));
    assert!(said.contains("cannot write"), "{said}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "only the two inputs remain: {left:?}");
}
