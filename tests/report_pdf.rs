//! `innervate report`: the PDF of a real recording and of a simulated session with sets, read back by an
//! independent reader (pypdf, installed into target/ by scripts/python-env.sh), its numbers compared with
//! `innervate analyze --json` for the same file at the precision printed; and bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the Python `script` prints with pypdf importable and the PDF's path in `sys.argv[1]`.
fn pypdf(pdf: &Path, script: &str) -> String {
    let env_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/python-env.sh");
    let out = Command::new("bash")
        .arg(&env_script)
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
        .args(["-c", script])
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "pypdf: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    String::from_utf8(read.stdout).unwrap()
}

/// The text of every page of `pdf`, extracted by pypdf, with runs of white space made one space.
fn pdf_text(pdf: &Path) -> String {
    let text = pypdf(
        pdf,
        "import sys, pypdf; r = pypdf.PdfReader(sys.argv[1]); \
         print('\\n'.join(p.extract_text() for p in r.pages))",
    );
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every font every page uses is a TrueType font with its file embedded (FontFile2), none of the 14
/// standard fonts a reader substitutes.
fn fonts_are_embedded(pdf: &Path) {
    let said = pypdf(
        pdf,
        "import sys, pypdf\n\
         r = pypdf.PdfReader(sys.argv[1])\n\
         for p in r.pages:\n\
         \x20   for name, f in p['/Resources']['/Font'].items():\n\
         \x20       f = f.get_object(); d = f['/FontDescriptor'].get_object()\n\
         \x20       print(name, f['/Subtype'], f['/BaseFont'], '/FontFile2' in d, len(f['/Widths']))",
    );
    let standard = ["Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats"];
    assert!(!said.trim().is_empty(), "no fonts in {}", pdf.display());
    for line in said.lines() {
        assert!(
            line.contains("/TrueType") && line.contains(" True ") && line.ends_with(" 224"),
            "not an embedded TrueType font: {line}"
        );
        assert!(
            !standard.iter().any(|s| line.contains(s)),
            "a standard font: {line}"
        );
    }
}

fn analyze_json(wav: &Path) -> serde_json::Value {
    let out = common::run_ok(common::innervate().arg("analyze").arg(wav).arg("--json"));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `innervate report WAV --out OUT --paper PAPER`, the sets' logs read from the history next to `out`
/// (never the user's own).
fn report(wav: &Path, out: &Path, paper: &str) {
    common::run_ok(
        common::innervate()
            .arg("report")
            .arg(wav)
            .arg("--out")
            .arg(out)
            .arg("--db")
            .arg(out.with_file_name("history.sqlite"))
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
    fonts_are_embedded(&out);
    check_common(&text, &analyze_json(&wav));
}

/// A simulated session (one workout loop) with two marked sets.
fn simulated_session(dir: &Path) -> PathBuf {
    common::simulated_sets(
        dir,
        40,
        &[
            (2.0, 20.0, "Biceps curl", 150.0),
            (20.5, 36.0, "Hammer curl", 120.0),
        ],
    )
}

#[test]
fn a_simulated_session_reports_every_set_as_analyze_does_on_letter() {
    let dir = tempfile::tempdir().unwrap();
    let wav = simulated_session(dir.path());
    // Its sets in the training history with a felt score, as `history import` stores them.
    common::run_ok(
        common::innervate()
            .args(["history", "--db"])
            .arg(dir.path().join("history.sqlite"))
            .arg("import")
            .arg(&wav)
            .args(["--exercise", "Curl", "--target", "1", "--felt", "6"]),
    );
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
        // The set's symmetry as `analyze --json` has it, and its felt score from the history.
        let sym = &s["symmetry"][0];
        let part = format!(
            "{}: symmetry index {:.1} % over the set (in {})",
            sym["label"].as_str().unwrap(),
            sym["symmetry_index_pct"].as_f64().unwrap(),
            sym["unit"].as_str().unwrap()
        );
        let at = text
            .find(&part)
            .unwrap_or_else(|| panic!("`{part}` not in: {text}"));
        let set_at = text.find(&format!("Set {}: reps", s["number"])).unwrap();
        assert!(at > set_at, "the symmetry follows its set");
        assert!(text[set_at..at].contains("Log: felt 6/10"), "{text}");
        assert_eq!(s["muscles"].as_array().unwrap().len(), 2, "{s}");
    }
    assert!(text.contains("Body map per set (each muscle by its peak and its mean"));
    assert!(
        text.contains("Peak, front") && text.contains("Mean, back"),
        "{text}"
    );
}

#[test]
fn a_moved_recording_keeps_its_logs_unless_a_copy_makes_it_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let wav = simulated_session(dir.path());
    let db = dir.path().join("history.sqlite");
    let import = |wav: &Path, felt: &str| {
        common::run_ok(
            common::innervate()
                .args(["history", "--db"])
                .arg(&db)
                .arg("import")
                .arg(wav)
                .args(["--exercise", "Curl", "--target", "1", "--felt", felt]),
        );
    };
    import(&wav, "6");
    // Moved to another folder after its sets were stored (the sidecar's start time travels with it).
    let moved_dir = dir.path().join("moved");
    std::fs::create_dir(&moved_dir).unwrap();
    let moved = moved_dir.join(wav.file_name().unwrap());
    for ext in ["wav", "json"] {
        std::fs::rename(wav.with_extension(ext), moved.with_extension(ext)).unwrap();
    }
    let out = dir.path().join("moved.pdf");
    report(&moved, &out, "a4");
    let text = pdf_text(&out);
    assert_eq!(text.matches("Log: felt 6/10").count(), 2, "{text}");
    // A copy imported with other logs: the same name and time twice, so the moved one's logs are unknown
    // (the copy still has its own, stored under its own path).
    let copy_dir = dir.path().join("copy");
    std::fs::create_dir(&copy_dir).unwrap();
    let copy = copy_dir.join(wav.file_name().unwrap());
    for ext in ["wav", "json"] {
        std::fs::copy(moved.with_extension(ext), copy.with_extension(ext)).unwrap();
    }
    import(&copy, "3");
    report(&moved, &out, "a4");
    let text = pdf_text(&out);
    assert!(!text.contains("Log: felt"), "{text}");
    report(&copy, &out, "a4");
    assert_eq!(pdf_text(&out).matches("Log: felt 3/10").count(), 2);
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

/// A history database built as `innervate history import` builds one (as tests/history_cli.rs does): the
/// real recordings of tests/data/real, vastus lateralis under two exercises, the knee extensions logged.
fn real_history(dir: &Path) -> PathBuf {
    let db = dir.join("history.sqlite");
    for (exercise, file, log) in [
        ("Knee extension", "subject1_vl_isometric.wav", true),
        ("Knee extension", "subject2_vl_isometric.wav", true),
        ("Leg curl", "subject1_bf_isometric.wav", false),
        ("Leg curl", "subject2_bf_isometric.wav", false),
    ] {
        let mut cmd = common::innervate();
        cmd.arg("history")
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(real_wav().with_file_name(file))
            .args(["--exercise", exercise, "--target", "1"])
            .args(["--muscle", "vastus_lateralis", "--antagonist", "2"]);
        if log {
            cmd.args(["--felt", "7", "--load", "40kg"]);
        }
        common::run_ok(&mut cmd);
    }
    db
}

fn history_json(db: &Path, args: &[&str]) -> serde_json::Value {
    let out = common::run_ok(
        common::innervate()
            .arg("history")
            .arg("--db")
            .arg(db)
            .args(args),
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `innervate report --history --db DB ARGS --out OUT`.
fn progress(db: &Path, args: &[&str], out: &Path) -> std::process::Output {
    common::innervate()
        .args(["report", "--history", "--db"])
        .arg(db)
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_progress_report_prints_the_histories_numbers_and_ranking_in_an_embedded_font() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_history(dir.path());
    let out = dir.path().join("progress.pdf");
    let made = progress(
        &db,
        &["--muscle", "vastus_lateralis", "--paper", "letter"],
        &out,
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let text = pdf_text(&out);
    assert!(text.contains("Innervate progress report"), "{text}");
    fonts_are_embedded(&out);
    // Every set with the numbers `history export --json` has, at the precision printed.
    let sets = history_json(&db, &["export", "--json", "--muscle", "vastus_lateralis"]);
    let sets = sets.as_array().unwrap();
    assert_eq!(sets.len(), 4);
    for s in sets {
        let mut part = format!(
            "{} / vastus_lateralis set 1: reps {}, good reps {}, score {}/10, peak {:.1} uV",
            s["exercise"].as_str().unwrap(),
            s["reps"],
            s["good_reps"],
            s["score"],
            s["peak_uv"].as_f64().unwrap()
        );
        if let Some(c) = s["cci_pct"].as_f64() {
            part += &format!(", CCI {c:.1} %");
        }
        assert!(text.contains(&part), "`{part}` not in: {text}");
        if s["felt"].as_u64().is_some() {
            let log = format!("{part}, felt {}/10, load 40 kg", s["felt"]);
            assert!(text.contains(&log), "`{log}` not in: {text}");
        }
    }
    // Each metric's plot is there, per exercise.
    for heading in [
        "Knee extension: vastus_lateralis (2 sets)",
        "Leg curl: vastus_lateralis (2 sets)",
        "Co-contraction (CCI %)",
        "Fatigue slope (Hz/min)",
    ] {
        assert!(text.contains(heading), "`{heading}` not in: {text}");
    }
    // The ranking in `history rank`'s order with its medians.
    let rank = history_json(&db, &["rank", "--muscle", "vastus_lateralis", "--json"]);
    let mut at = text
        .find("Exercise ranking for vastus_lateralis")
        .expect("ranking");
    for (k, e) in rank["exercises"].as_array().unwrap().iter().enumerate() {
        let line = format!(
            "{}. {}: median peak {:.1} uV",
            k + 1,
            e["exercise"].as_str().unwrap(),
            e["median_peak"].as_f64().unwrap()
        );
        let found = text[at..]
            .find(&line)
            .unwrap_or_else(|| panic!("`{line}` not after the last in: {text}"));
        at += found;
    }
    assert_eq!(rank["exercises"][0]["exercise"], "Knee extension");
    // One exercise: its sets only, and the muscle's ranking over the same days still compares both.
    let one = dir.path().join("one.pdf");
    assert!(
        progress(&db, &["--exercise", "Leg curl"], &one)
            .status
            .success()
    );
    let text = pdf_text(&one);
    assert!(text.contains("2 sets in Leg curl"), "{text}");
    assert!(
        !text.contains("Knee extension / vastus_lateralis set"),
        "{text}"
    );
    assert!(text.contains("1. Knee extension: median peak"), "{text}");
}

#[test]
fn a_progress_report_refuses_bad_questions_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_history(dir.path());
    let day = history_json(&db, &["export", "--json"])[0]["started_at"]
        .as_str()
        .unwrap()[..10]
        .to_owned();
    let out = dir.path().join("p.pdf");
    let refused = |args: &[&str], out: &Path, words: &[&str]| {
        let o = progress(&db, args, out);
        let said = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!o.status.success(), "{args:?} succeeded");
        for w in words {
            assert!(said.contains(w), "{args:?}: `{w}` not in: {said}");
        }
        assert!(!out.exists(), "{args:?} left {}", out.display());
    };
    refused(
        &["--from", "1990-01-01", "--to", "1990-01-31"],
        &out,
        &["no sets from 1990-01-01 to 1990-01-31"],
    );
    refused(
        &["--from", &day, "--to", "2000-01-01"],
        &out,
        &["starts", "after it ends"],
    );
    refused(&["--from", "2026-13-01"], &out, &["YYYY-MM-DD"]);
    refused(
        &["--muscle", "Biceps brachii"],
        &out,
        &["no muscle `Biceps brachii`", "vastus_lateralis"],
    );
    refused(
        &["--exercise", "Bench press"],
        &out,
        &["no exercise `Bench press`", "Knee extension"],
    );
    // An output path that cannot be written (its "folder" is a file).
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    refused(&[], &blocker.join("p.pdf"), &["cannot write"]);
    // No history at all.
    let o = progress(&dir.path().join("none.sqlite"), &[], &out);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no training history"));
    assert!(
        !dir.path().join("none.sqlite").exists(),
        "reading created a history"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("history.sqlite"))
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec!["file"],
        "nothing but the blocker besides the history"
    );
}
