//! A recording survives SIGKILL: the session opens without repair with all but about a second, and
//! `innervate repair` makes everything on disk readable. Also: repair refuses what is not a WAV.

mod common;

use common::innervate;
use innervate::session::Sidecar;
use innervate::source::FrameGenerator;
use innervate::source::simulator::{SimConfig, Simulator};
use std::process::Stdio;
use std::time::Duration;

/// Checks every frame of `wav` against the simulator (seed 4, 3 channels), from the sidecar's first sample.
fn assert_equals_simulator(wav: &std::path::Path, first: u64) -> u64 {
    let mut r = hound::WavReader::open(wav).unwrap();
    let samples: Vec<f32> = r.samples::<f32>().map(|s| s.unwrap()).collect();
    let mut sim = Simulator::new(SimConfig {
        channels: 3,
        seed: 4,
        ..SimConfig::default()
    })
    .unwrap();
    let mut frame = [0.0f32; 3];
    for _ in 0..first {
        sim.next_frame(&mut frame).unwrap();
    }
    for (n, got) in samples.chunks_exact(3).enumerate() {
        sim.next_frame(&mut frame).unwrap();
        assert_eq!(got, &frame[..], "frame {n}");
    }
    (samples.len() / 3) as u64
}

#[test]
fn sigkill_after_ten_seconds_loses_at_most_a_second_and_repair_recovers_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("killed.wav");
    let mut child = innervate()
        .args([
            "record",
            "--source",
            "sim",
            "--channels",
            "3",
            "--seed",
            "4",
            "--duration",
            "60",
            "--out",
        ])
        .arg(&wav)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(10));
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no flush
    child.wait().unwrap();

    // Opens as it is, without repair.
    let side = Sidecar::read(&wav.with_extension("json")).unwrap();
    assert!(!side.complete, "the crash left the sidecar open");
    let before = assert_equals_simulator(&wav, side.first_stream_sample);
    assert!(
        before >= 9 * 2000,
        "only {before} frames readable before repair"
    );

    let out = common::run_ok(innervate().arg("repair").arg(&wav));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("now") && text.contains("readable"), "{text}");
    eprintln!("{text}");

    let side = Sidecar::read(&wav.with_extension("json")).unwrap();
    assert!(side.complete);
    let after = assert_equals_simulator(&wav, side.first_stream_sample);
    assert!(after >= before, "{after} < {before}");
    assert_eq!(side.frames_written, after);
    // Everything the process wrote is readable: the file holds nothing beyond the frames.
    let len = std::fs::metadata(&wav).unwrap().len();
    let data_start = len - after * 3 * 4;
    assert!(data_start < 100, "header of {data_start} bytes?");
}

#[test]
fn repair_cuts_a_torn_frame_and_refuses_non_wav_files() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("torn.wav");
    common::write_wav(&wav, 2, 1000, 1000, |n, c| {
        if c == 0 { n as f32 } else { -(n as f32) }
    });
    // Append 2.5 frames the header does not know about, as a crash between flushes would leave them.
    let mut bytes = std::fs::read(&wav).unwrap();
    for v in [1000.0f32, -1000.0, 1001.0, -1001.0, 1002.0] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(&wav, &bytes).unwrap();
    let report = innervate::session::repair::repair(&wav).unwrap();
    assert_eq!(
        (
            report.frames_before,
            report.frames_after,
            report.torn_bytes_cut
        ),
        (1000, 1002, 4)
    );
    let r = hound::WavReader::open(&wav).unwrap();
    assert_eq!(r.duration(), 1002);
    let last: Vec<f32> = r
        .into_samples::<f32>()
        .map(|s| s.unwrap())
        .skip(2002)
        .collect();
    assert_eq!(last, vec![1001.0, -1001.0]);
    assert!(report.sidecar.starts_with("none"), "{}", report.sidecar);

    let junk = dir.path().join("junk.wav");
    std::fs::write(&junk, b"definitely not audio").unwrap();
    let out = innervate().arg("repair").arg(&junk).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a WAV file"));
}
