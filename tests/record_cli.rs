//! `innervate record` as a user runs it: a real process, a real WAV read back with hound.

mod common;

use common::innervate;
use innervate::block::BLOCK_FRAMES;
use innervate::session::Sidecar;
use innervate::source::FrameGenerator;
use innervate::source::simulator::{SimConfig, Simulator};

#[test]
fn record_five_seconds_of_the_simulator_in_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("set1.wav");
    let status = innervate()
        .args([
            "record",
            "--source",
            "sim",
            "--duration",
            "5",
            "--channels",
            "6",
            "--seed",
            "9",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());

    let mut reader = hound::WavReader::open(&out).unwrap();
    let spec = reader.spec();
    assert_eq!(spec.channels, 6);
    assert_eq!(spec.sample_rate, 2000);
    assert_eq!(spec.bits_per_sample, 32);
    assert_eq!(spec.sample_format, hound::SampleFormat::Float);
    let frames = reader.duration() as i64;
    assert!(
        (frames - 10_000).abs() <= BLOCK_FRAMES as i64,
        "{frames} frames"
    );

    let sidecar = Sidecar::read(&out.with_extension("json")).unwrap();
    assert!(sidecar.complete);
    assert_eq!(sidecar.frames_written, frames as u64);
    assert_eq!(sidecar.channel_names.len(), 6);
    assert_eq!(sidecar.channel_names[0], "Biceps brachii");
    assert_eq!(sidecar.units, "microvolt");
    assert_eq!(sidecar.dsp_effective.bandpass_order, 4);
    assert_eq!(sidecar.dsp_effective.notch_hz, vec![50.0]);
    assert!(sidecar.gaps.is_empty());

    // The samples are exactly what the simulated board produced (and so what the DSP thread received),
    // starting at the stream sample the sidecar names.
    let mut sim = Simulator::new(SimConfig {
        channels: 6,
        sample_rate: 2000.0,
        seed: 9,
        mains_hz: 50.0,
    })
    .unwrap();
    let mut frame = [0.0f32; 6];
    for _ in 0..sidecar.first_stream_sample {
        sim.next_frame(&mut frame).unwrap();
    }
    let samples: Vec<f32> = reader.samples::<f32>().map(|s| s.unwrap()).collect();
    for (n, recorded) in samples.chunks_exact(6).enumerate() {
        sim.next_frame(&mut frame).unwrap();
        assert_eq!(recorded, &frame[..], "frame {n}");
    }
}

#[test]
fn record_refuses_bad_arguments_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.wav");
    let run = |args: &[&str]| {
        let o = innervate()
            .args(args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (ok, err) = run(&["record", "--duration", "-1"]);
    assert!(!ok && err.contains("--duration"), "{err}");
    let (ok, err) = run(&["record", "--duration", "1", "--channels", "40"]);
    assert!(!ok && err.contains("1 to 16 channels"), "{err}");
    let (ok, err) = run(&["record", "--duration", "1", "--source", "/no/such/file.wav"]);
    assert!(!ok && err.contains("does not exist"), "{err}");
    let garbage = dir.path().join("garbage.wav");
    std::fs::write(&garbage, b"this is not a wav file at all").unwrap();
    let (ok, err) = run(&[
        "record",
        "--duration",
        "1",
        "--source",
        garbage.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("cannot read"), "{err}");
}

#[test]
fn help_is_there_for_every_command() {
    for args in [vec!["--help"], vec!["record", "--help"]] {
        let o = innervate().args(&args).output().unwrap();
        assert!(o.status.success());
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("--source"), "{text}");
    }
}
