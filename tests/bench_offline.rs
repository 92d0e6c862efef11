//! `innervate bench offline` end to end on a short recording: the table's rows, the commands, and a SciPy
//! baseline that is either measured or loudly skipped. The real figures come from a release build on the
//! 1-hour file (`cargo build --release && ./target/release/innervate bench offline`, docs/PERFORMANCE.md).

mod common;

use common::{innervate, run_ok};

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_short_run_without_scipy_prints_every_row_and_says_scipy_was_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_ok(
        innervate()
            .args(["bench", "offline", "--duration", "3", "--no-scipy", "--dir"])
            .arg(dir.path()),
    );
    let (stdout, stderr) = text(&out);
    for row in [
        "Machine: ",
        "| `innervate analyze` wall time (median of 3 runs, alternating with SciPy's) |",
        "| SciPy band-pass + notch + RMS wall time | **skipped**: on request (--no-scipy) |",
        "| speed-up (SciPy script / analyze) | n/a (no SciPy run) | >= 3x |",
        "| `innervate analyze` peak resident memory |",
        "| plain copy of the WAV (std::fs::copy) |",
        "| EDF+ export |",
        "| CSV export (",
        " analyze ",
        " export ",
    ] {
        assert!(stdout.contains(row), "{row} missing from\n{stdout}");
    }
    assert!(
        stderr.contains("WARNING: the SciPy baseline was skipped"),
        "{stderr}"
    );
    // The files stay in --dir, and a second run reuses the recording.
    for f in ["h1.wav", "h1.edf", "h1.csv"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let again = run_ok(
        innervate()
            .args(["bench", "offline", "--duration", "3", "--no-scipy", "--dir"])
            .arg(dir.path()),
    );
    assert!(text(&again).1.contains("reusing"));
}

#[test]
#[ignore = "needs numpy and SciPy in target/python-ref (scripts/python-env.sh installs them); run: cargo test --test bench_offline -- --ignored"]
fn a_short_run_with_scipy_measures_the_baseline_and_the_speed_up() {
    let out = run_ok(innervate().args(["bench", "offline", "--duration", "5"]));
    let (stdout, _) = text(&out);
    assert!(
        stdout
            .contains("| SciPy band-pass + notch + RMS wall time (script's own; whole process) |"),
        "{stdout}"
    );
    assert!(!stdout.contains("n/a (no SciPy run)"), "{stdout}");
    assert!(stdout.contains("offline_baseline.py"), "{stdout}");
}

#[test]
fn plain_bench_still_takes_the_latency_flags() {
    let out = innervate().args(["bench", "--help"]).output().unwrap();
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("--frames") && stdout.contains("offline"),
        "{stdout}"
    );
}
