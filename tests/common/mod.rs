//! Helpers shared by the integration tests.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `innervate` binary built for these tests.
pub fn innervate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_innervate"))
}

/// Writes a 32-bit float WAV of `frames` frames; `value(n, c)` gives sample `n` of channel `c`.
pub fn write_wav(
    path: &Path,
    channels: u16,
    rate: u32,
    frames: usize,
    value: impl Fn(usize, usize) -> f32,
) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..frames {
        for c in 0..channels as usize {
            w.write_sample(value(n, c)).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// The one WAV file in `dir`.
pub fn find_wav(dir: &Path) -> PathBuf {
    let wavs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    assert_eq!(wavs.len(), 1, "{wavs:?}");
    wavs.into_iter().next().unwrap()
}

/// All samples of a float WAV, interleaved, and its channel count.
pub fn read_wav(path: &Path) -> (Vec<f32>, usize) {
    let mut r = hound::WavReader::open(path).unwrap();
    let ch = r.spec().channels as usize;
    (r.samples::<f32>().map(|s| s.unwrap()).collect(), ch)
}

/// Runs `cmd`, fails the test with its stderr if it did not succeed, and returns what it printed.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The window under egui_kittest.
pub type AppHarness = egui_kittest::Harness<'static, innervate::app::InnervateApp>;

/// An engine on the simulated board with `channels` channels, played at `pace`.
pub fn sim_engine(
    channels: usize,
    pace: innervate::source::reader::Pace,
) -> innervate::engine::Engine {
    let sim =
        innervate::source::simulator::Simulator::new(innervate::source::simulator::SimConfig {
            channels,
            ..Default::default()
        })
        .unwrap();
    let options = innervate::engine::EngineOptions {
        pace,
        ..Default::default()
    };
    innervate::engine::Engine::start(Box::new(sim), options, None).unwrap()
}

/// A window on the simulated board in real time, recording into `sessions`.
pub fn sim_app(channels: usize, sessions: &Path) -> innervate::app::InnervateApp {
    let engine = sim_engine(
        channels,
        innervate::source::reader::Pace::RealTime { speed: 1.0 },
    );
    innervate::app::InnervateApp::new(engine, sessions.to_path_buf())
}

/// Drives `app` as eframe does each frame: take in new data, then draw.
pub fn harness(app: innervate::app::InnervateApp, size: [f32; 2]) -> AppHarness {
    egui_kittest::Harness::builder()
        .with_size(size)
        .build_ui_state(
            |ui, app: &mut innervate::app::InnervateApp| {
                app.ingest();
                app.show(ui);
            },
            app,
        )
}

/// Steps the window until `ok` holds, failing after `limit`.
pub fn wait_until(
    h: &mut AppHarness,
    what: &str,
    limit: std::time::Duration,
    ok: impl Fn(&innervate::app::InnervateApp) -> bool,
) {
    let started = std::time::Instant::now();
    while !ok(h.state()) {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run_steps(1);
    }
}

/// Steps the window until a widget labelled `label` shows, failing after `limit`.
pub fn wait_for_label(h: &mut AppHarness, label: &str, limit: std::time::Duration) {
    use egui_kittest::kittest::Queryable;
    let started = std::time::Instant::now();
    while h.query_all_by_label(label).next().is_none() {
        assert!(started.elapsed() < limit, "`{label}` never appeared");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run_steps(1);
    }
}

/// CPU time of the calling thread (what a UI frame costs, whatever else the machine runs).
pub fn thread_cpu() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The recording an engine started with `record_from_start` and a frame limit, once it has finished;
/// fails if it takes longer than `limit` or the source fails.
pub fn wait_recorder(
    engine: &mut innervate::engine::Engine,
    limit: std::time::Duration,
) -> innervate::session::Recorder {
    let started = std::time::Instant::now();
    loop {
        if let Some(r) = engine.take_finished_recording() {
            return r;
        }
        assert!(
            started.elapsed() < limit,
            "recording did not finish in {limit:?}"
        );
        assert_ne!(
            engine.stats().state(),
            innervate::stats::LinkState::Failed,
            "{:?}",
            engine.stats().error()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// What [`record_serial`] got: the samples (interleaved), channels, sidecar and the link's counters.
pub struct SerialRecording {
    pub samples: Vec<f32>,
    pub channels: usize,
    pub sidecar: innervate::session::Sidecar,
    pub stats: std::sync::Arc<innervate::stats::LinkStats>,
}

/// Records `frames` frames from a connected board into `dir/board.wav` through the whole engine, runs
/// `meanwhile` while it records (an unplug, say), and reads the session back; fails after `limit`.
pub fn record_serial(
    source: innervate::source::serial::SerialSource,
    frames: u64,
    dir: &Path,
    limit: std::time::Duration,
    meanwhile: impl FnOnce(),
) -> SerialRecording {
    use innervate::engine::{Engine, EngineOptions, RecordRequest};
    let wav = dir.join("board.wav");
    let mut engine = Engine::start_serial(
        source,
        EngineOptions {
            record_from_start: Some(RecordRequest {
                wav_path: wav.clone(),
                max_frames: Some(frames),
            }),
            ..EngineOptions::default()
        },
        None,
    )
    .unwrap();
    meanwhile();
    let recorder = wait_recorder(&mut engine, limit);
    let stats = engine.stats().clone();
    drop(engine);
    recorder.wait().unwrap();
    let (samples, channels) = read_wav(&wav);
    let sidecar = innervate::session::Sidecar::read(&wav.with_extension("json")).unwrap();
    SerialRecording {
        samples,
        channels,
        sidecar,
        stats,
    }
}

/// The frames a virtual board with this signal sends (seed 7), in order: microvolts as a correct host
/// decodes them.
pub fn board_signal(
    protocol: innervate::protocol::Protocol,
    channels: usize,
    rate: u32,
    frames: usize,
) -> Vec<f32> {
    let mut signal =
        innervate::source::virtual_board::BoardSignal::new(protocol, channels, rate, 7).unwrap();
    let mut codes = vec![0; channels];
    let mut uv = vec![0.0; channels];
    let mut all = Vec::with_capacity(frames * channels);
    for _ in 0..frames {
        signal.next(&mut codes, &mut uv).unwrap();
        all.extend_from_slice(&uv);
    }
    all
}

/// A simulated two-channel session recorded by `innervate record --fast` for `seconds`, with a marked set
/// (biceps against triceps) for each (start s, end s, exercise, target line uV) and the two channels as a
/// left/right pair.
pub fn simulated_sets(dir: &Path, seconds: u32, sets: &[(f64, f64, &str, f64)]) -> PathBuf {
    let wav = dir.join("sim.wav");
    run_ok(
        innervate()
            .args(["record", "--source", "sim", "--channels", "2", "--fast"])
            .args(["--duration", &seconds.to_string()])
            .arg("--out")
            .arg(&wav),
    );
    let side = wav.with_extension("json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&side).unwrap()).unwrap();
    let rate = v["sample_rate_hz"].as_f64().unwrap();
    let marker = |t: f64, kind: &str| serde_json::json!({"wav_frame": (t * rate) as u64, "time_s": t, "kind": kind, "text": ""});
    let mut markers = Vec::new();
    for &(start, end, exercise, level_uv) in sets {
        let mut m = marker(start, "set_start");
        m["plan"] = serde_json::json!({
            "exercise": exercise, "target": 0, "competing": 1, "competing_role": "Antagonist",
            "share_limit_pct": 60.0, "target_level_uv": level_uv, "target_pct_mvc": null,
            "ratio_limit": 0.3, "mode": "reps",
            "tempo": {"concentric_s": 1.0, "top_s": 0.5, "eccentric_s": 2.0, "bottom_s": 0.5},
            "hold_s": 10.0
        });
        markers.push(m);
        markers.push(marker(end, "set_end"));
    }
    v["markers"] = serde_json::Value::Array(markers);
    v["left_right"] = serde_json::json!([[0, 1]]);
    std::fs::write(&side, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    wav
}
