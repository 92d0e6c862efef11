//! LSL in and out against the reference implementation (pylsl, whose wheel ships liblsl; installed into
//! target/ by scripts/lsl-env.sh), OSC out to a UDP socket, and nothing on the network by default.
//! Every LSL process here reads tests/lsl/lsl_api.cfg through LSLAPICFG: discovery on this machine only.

mod common;

use common::{harness, innervate, read_wav, wait_until};
use egui_kittest::kittest::Queryable;
use innervate::engine::{DisplayChunk, Engine, EngineOptions};
use innervate::source::reader::Pace;
use innervate::source::{FrameGenerator, SourceError, StreamInfo};
use innervate::stream_out::OutputChoice;
use innervate::stream_out::osc::{OscArg, decode_packet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> PathBuf {
    root().join("tests/lsl/lsl_api.cfg")
}

/// pylsl's folder (installed by the project script on first use) and its liblsl; sets LSLAPICFG and
/// INNERVATE_LSL_LIB for this process once, before any LSL call.
fn lsl_env() -> &'static (PathBuf, PathBuf) {
    static ENV: std::sync::OnceLock<(PathBuf, PathBuf)> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join("scripts/lsl-env.sh"))
            .output()
            .expect("bash and python3 with pip are needed for the LSL tests");
        assert!(
            out.status.success(),
            "scripts/lsl-env.sh could not install pylsl (is PyPI reachable?): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let py = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let lib = py.join("pylsl/lib/liblsl.so");
        assert!(lib.exists(), "pylsl has no {}", lib.display());
        // SAFETY: set once, under the OnceLock, before this process loads liblsl or reads these.
        unsafe {
            std::env::set_var("LSLAPICFG", config());
            std::env::set_var("INNERVATE_LSL_LIB", &lib);
        }
        (py, lib)
    })
}

fn python(script: &str) -> Command {
    let (py, lib) = lsl_env();
    let mut c = Command::new("python3");
    c.arg(root().join("tests/lsl").join(script))
        .env("PYTHONPATH", py)
        .env("PYLSL_LIB", lib)
        .env("LSLAPICFG", config())
        .stdout(Stdio::piped());
    c
}

/// Waits for `child` to print a line starting with `word`.
fn wait_line(child: &mut Child, word: &str) {
    let out = child.stdout.as_mut().unwrap();
    let mut line = String::new();
    let mut r = BufReader::new(out);
    loop {
        line.clear();
        let n = r.read_line(&mut line).unwrap();
        assert!(n > 0, "the script ended before saying {word}");
        if line.starts_with(word) {
            return;
        }
    }
}

/// A source held back until the test opens the gate (so a reader can connect before sample 0).
struct Gated<G> {
    inner: G,
    gate: Arc<AtomicBool>,
}

impl<G: FrameGenerator> FrameGenerator for Gated<G> {
    fn info(&self) -> &StreamInfo {
        self.inner.info()
    }
    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        while !self.gate.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(2));
        }
        self.inner.next_frame(frame)
    }
}

fn real_wav() -> PathBuf {
    root().join("tests/data/real/subject1_vl_isometric.wav")
}

fn lsl_only() -> OutputChoice {
    OutputChoice {
        lsl: true,
        osc: None,
    }
}

/// An engine publishing `source` on LSL, held before its first sample until the returned gate opens.
fn gated_lsl_engine<G: FrameGenerator>(inner: G, pace: Pace) -> (Engine, Arc<AtomicBool>) {
    let gate = Arc::new(AtomicBool::new(false));
    let options = EngineOptions {
        pace,
        outputs: lsl_only(),
        ..EngineOptions::default()
    };
    let source = Gated {
        inner,
        gate: gate.clone(),
    };
    (
        Engine::start(Box::new(source), options, None).unwrap(),
        gate,
    )
}

/// What reader.py wrote, and its timestamps.
fn read_json(path: &Path) -> (serde_json::Value, Vec<f64>) {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let ts = v["timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    (v, ts)
}

#[test]
fn pylsl_reads_every_sample_of_a_real_recording_with_its_labels_units_and_rate() {
    lsl_env();
    let names: Vec<String> = [
        "Vastus lateralis",
        "Biceps femoris",
        "Tibialis anterior",
        "Gastrocnemius",
    ]
    .map(String::from)
    .to_vec();
    let replay = innervate::source::replay::WavReplay::open(&real_wav())
        .unwrap()
        .with_channel_names(names.clone());
    // As fast as the outputs take it (the source waits rather than drops), once the reader is connected.
    let (engine, gate) = gated_lsl_engine(replay, Pace::Unthrottled);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("read.json");
    let (file, channels) = read_wav(&real_wav());
    let frames = file.len() / channels;
    let mut reader = python("reader.py")
        .args(["--contains", "Replay of subject1_vl", "--samples"])
        .arg(frames.to_string())
        .arg("--out")
        .arg(&out)
        .spawn()
        .unwrap();
    wait_line(&mut reader, "READY");
    gate.store(true, Ordering::Relaxed);
    assert!(reader.wait().unwrap().success(), "the pylsl reader failed");
    drop(engine);
    let (read, ts) = read_json(&out);
    assert_eq!(read["type"], "EMG");
    assert_eq!(read["rate"], 2000.0);
    assert!(
        read["source_id"]
            .as_str()
            .unwrap()
            .starts_with("innervate:")
    );
    let chans = read["channels"].as_array().unwrap();
    let labels: Vec<&str> = chans.iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(labels, names);
    assert!(
        chans
            .iter()
            .all(|c| c["unit"] == "microvolts" && c["type"] == "EMG")
    );
    assert_eq!(
        read["acquisition"]["manufacturer"],
        "Innervate (file replay)"
    );
    let samples = read["samples"].as_array().unwrap();
    assert_eq!(
        samples.len(),
        frames,
        "every sample, none missing or repeated"
    );
    for (i, s) in samples.iter().enumerate() {
        let got: Vec<f32> = s
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(got, file[i * channels..(i + 1) * channels], "sample {i}");
    }
    for w in ts.windows(2) {
        assert!(
            (w[1] - w[0] - 1.0 / 2000.0).abs() < 1e-6,
            "spacing {}",
            w[1] - w[0]
        );
    }
}

#[test]
fn set_markers_made_in_the_app_arrive_at_their_samples_lsl_time() {
    use innervate::session::{MarkerKind, Sidecar};
    lsl_env();
    let sim = innervate::source::simulator::Simulator::new(Default::default()).unwrap();
    let (engine, gate) = gated_lsl_engine(sim, Pace::RealTime { speed: 1.0 });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("read.json");
    let mut reader = python("reader.py")
        .args([
            "--contains",
            "imulated",
            "--until-marker",
            "set end",
            "--out",
        ])
        .arg(&out)
        .spawn()
        .unwrap();
    wait_line(&mut reader, "READY");
    gate.store(true, Ordering::Relaxed);
    let app = innervate::app::InnervateApp::new(engine, dir.path().to_path_buf());
    let mut h = harness(app, [1280.0, 800.0]);
    let flow = |h: &mut common::AppHarness, ms| {
        let until = Instant::now() + Duration::from_millis(ms);
        while Instant::now() < until {
            h.run_steps(1);
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    flow(&mut h, 300);
    h.get_by_label("Record").click();
    h.run_steps(2);
    flow(&mut h, 300);
    h.get_by_label("Start set").click();
    h.run_steps(2);
    flow(&mut h, 500);
    h.get_by_label("End set").click();
    h.run_steps(2);
    flow(&mut h, 300);
    h.get_by_label("Stop").click();
    h.run_steps(2);
    wait_until(
        &mut h,
        "the recording to be saved",
        Duration::from_secs(10),
        |a| !a.is_recording(),
    );
    let _ = h.state_mut().wait_for_saved(Duration::from_secs(5));
    assert!(reader.wait().unwrap().success(), "the pylsl reader failed");
    let (read, ts) = read_json(&out);
    let marks = read["markers"].as_array().unwrap();
    let side = Sidecar::read(&common::find_wav(dir.path()).with_extension("json")).unwrap();
    for (kind, words) in [
        (MarkerKind::SetStart, "set start"),
        (MarkerKind::SetEnd, "set end"),
    ] {
        let m = side
            .markers
            .iter()
            .find(|m| m.kind == kind)
            .expect("marker in the sidecar");
        let sample = (side.first_stream_sample + m.wav_frame) as usize;
        let lsl = marks
            .iter()
            .find(|x| x[0].as_str().unwrap().starts_with(words))
            .unwrap_or_else(|| panic!("{words} not received: {marks:?}"))[1]
            .as_f64()
            .unwrap();
        assert!(
            (lsl - ts[sample]).abs() <= 1.0 / 2000.0,
            "{words}: marker at {lsl}, its sample {sample} at {}",
            ts[sample]
        );
    }
}

/// Frames the pylsl outlet logged: stream index and values.
fn pushed(log: &Path) -> Vec<(i64, [f32; 4])> {
    let b = std::fs::read(log).unwrap();
    b.chunks_exact(24)
        .map(|c| {
            let i = i64::from_le_bytes(c[..8].try_into().unwrap());
            let v = std::array::from_fn(|k| {
                f32::from_le_bytes(c[8 + 4 * k..12 + 4 * k].try_into().unwrap())
            });
            (i, v)
        })
        .collect()
}

#[test]
fn record_from_a_pylsl_outlet_keeps_its_samples_gaps_markers_and_survives_a_restart() {
    use innervate::session::Sidecar;
    let (py, lib) = lsl_env();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("pushed.bin");
    let mut outlet = python("outlet.py")
        .args(["--frames", "10400", "--nan-at", "4000", "--log"])
        .arg(&log)
        .spawn()
        .unwrap();
    let wav = dir.path().join("lsl.wav");
    let rec = innervate()
        .args(["record", "--lsl", "TestEMG", "--duration", "5", "--out"])
        .arg(&wav)
        .env("LSLAPICFG", config())
        .env("INNERVATE_LSL_LIB", lib)
        .env("PYTHONPATH", py)
        .output()
        .unwrap();
    let _ = outlet.wait();
    assert!(
        rec.status.success(),
        "record failed: {}",
        String::from_utf8_lossy(&rec.stderr)
    );
    let pushed = pushed(&log);
    let (got, channels) = read_wav(&wav);
    assert_eq!(channels, 4);
    assert_eq!(got.len() / 4, 10_000);
    for (k, (i, v)) in pushed.iter().take(10_000).enumerate() {
        assert_eq!(&got[4 * k..4 * k + 4], v, "frame {k} (pushed index {i})");
    }
    let side = Sidecar::read(&wav.with_extension("json")).unwrap();
    assert_eq!(
        side.channel_names[0], "Biceps brachii",
        "labels become muscle names"
    );
    let gaps: Vec<(u64, u64)> = side
        .gaps
        .iter()
        .map(|g| (g.stream_sample, g.missing))
        .collect();
    assert_eq!(gaps[0], (3000, 100), "the skipped samples: {gaps:?}");
    assert_eq!(gaps[1], (4000, 1), "the NaN sample: {gaps:?}");
    // The outlet was away about a second (2000 samples); its first sample after coming back says where.
    let back = pushed.iter().find(|(i, _)| *i > 7000).unwrap().0 as u64;
    assert_eq!(gaps[2], (7000, back - 7000), "the time away: {gaps:?}");
    assert!(gaps[2].1 >= 1800, "{gaps:?}");
    let at = |text: &str| {
        let m = side
            .markers
            .iter()
            .find(|m| m.text == text)
            .unwrap_or_else(|| panic!("no {text}"));
        m.wav_frame as i64
    };
    // Within one block of the marked sample (wav frames: the stream index less the samples missing before).
    assert!((at("set start") - 2000).abs() <= 64, "{}", at("set start"));
    assert!(
        (at("trigger 7") - (5000 - 101)).abs() <= 64,
        "{}",
        at("trigger 7")
    );
}

#[test]
fn unfit_and_missing_streams_are_refused_in_words() {
    let (py, lib) = lsl_env();
    let out = innervate()
        .args([
            "record",
            "--lsl",
            "NoSuchStream",
            "--lsl-wait",
            "0.5",
            "--duration",
            "1",
            "--out",
            "/tmp/x.wav",
        ])
        .env("LSLAPICFG", config())
        .env("INNERVATE_LSL_LIB", lib)
        .env("PYTHONPATH", py)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no LSL stream matches `NoSuchStream`"));
    let missing = innervate()
        .args([
            "record",
            "--duration",
            "0.2",
            "--fast",
            "--lsl-out",
            "--out",
        ])
        .arg(tempfile::tempdir().unwrap().path().join("x.wav"))
        .env("INNERVATE_LSL_LIB", "/nonexistent/liblsl.so")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("pip install --user pylsl") && err.contains("INNERVATE_LSL_LIB"),
        "{err}"
    );
}

#[test]
fn osc_bundles_carry_the_display_envelopes_of_the_same_instants() {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let replay = innervate::source::replay::WavReplay::open(&real_wav()).unwrap();
    let options = EngineOptions {
        pace: Pace::RealTime { speed: 4.0 },
        lossless_display: true,
        outputs: OutputChoice {
            lsl: false,
            osc: Some((socket.local_addr().unwrap(), 100.0)),
        },
        ..EngineOptions::default()
    };
    let engine = Engine::start(
        Box::new(innervate::source::take::Take::new(replay, 8000)),
        options,
        None,
    )
    .unwrap();
    let mut display: Vec<DisplayChunk> = Vec::new();
    let mut bundles = Vec::new();
    let mut buf = [0u8; 2048];
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until && bundles.len() < 400 {
        display.extend(engine.display().try_iter());
        if let Ok(n) = socket.recv(&mut buf) {
            bundles.push(decode_packet(&buf[..n]).expect("a valid OSC bundle"));
        }
    }
    std::thread::sleep(Duration::from_millis(100));
    display.extend(engine.display().try_iter());
    assert!(bundles.len() >= 350, "only {} bundles", bundles.len());
    let names = ["channel_1", "channel_2", "channel_3", "channel_4"];
    let mut matched = 0;
    for b in &bundles {
        let OscArg::Double(t) = b[0].1[0] else {
            panic!("time first: {b:?}")
        };
        let point = display.iter().find_map(|c| {
            (0..c.points)
                .find(|&p| c.first_time_s + p as f64 * c.step_s == t)
                .map(|p| (c, p))
        });
        let (c, p) = point.unwrap_or_else(|| panic!("no display point at {t}"));
        for (k, n) in names.iter().enumerate() {
            let m = b
                .iter()
                .find(|m| m.0 == format!("/innervate/{n}/envelope"))
                .unwrap();
            assert_eq!(m.1[0], OscArg::Float(c.envelope[k][p]), "{n} at {t}");
        }
        let cci = b.iter().find(|m| m.0 == "/innervate/pair/1/cci").unwrap();
        assert_eq!(cci.1[0], OscArg::Float(c.cci[0][p]));
        matched += 1;
    }
    assert_eq!(matched, bundles.len());
}

/// Sockets a process holds open (from its file descriptors).
fn sockets_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter(|l| l.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn nothing_is_opened_on_the_network_unless_asked() {
    let (py, lib) = lsl_env();
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        // Through a python3 that closes every inherited descriptor first: this test process holds other
        // tests' LSL sockets, which a child would otherwise inherit and be counted with.
        let mut child = Command::new("python3")
            .args([
                "-c",
                "import os, sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])",
                env!("CARGO_BIN_EXE_innervate"),
                "record",
                "--duration",
                "1.5",
                "--out",
            ])
            .arg(dir.path().join(format!("x{}.wav", extra.len())))
            .args(extra)
            .env("LSLAPICFG", config())
            .env("INNERVATE_LSL_LIB", lib)
            .env("PYTHONPATH", py)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(900));
        let n = sockets_of(child.id());
        assert!(child.wait().unwrap().success());
        n
    };
    assert_eq!(run(&[]), 0, "a default recording opens no socket");
    // The check sees sockets when there are some.
    assert!(run(&["--lsl-out"]) > 0);
    assert!(run(&["--osc", "127.0.0.1:9", "--osc-rate", "50"]) > 0);
}

#[test]
fn lsl_discovery_under_the_test_config_sends_nothing_off_loopback() {
    let (py, lib) = lsl_env();
    let script = root().join("tests/lsl/netns_check.sh");
    if !Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!(
            "NOTE: no network namespace here (needs root and util-linux): loopback check not run"
        );
        return;
    }
    let empty = tempfile::NamedTempFile::new().unwrap();
    // Counts "<lo TX> <v0 TX>" packets while `innervate streams` looks for streams for a second.
    let count = |cfg: &Path| -> (u64, u64) {
        let out = Command::new("bash")
            .arg(&script)
            .arg("env")
            .arg(format!("LSLAPICFG={}", cfg.display()))
            .arg(format!("INNERVATE_LSL_LIB={}", lib.display()))
            .arg(format!("PYTHONPATH={}", py.display()))
            .arg(env!("CARGO_BIN_EXE_innervate"))
            .args(["streams", "--wait", "1"])
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let n: Vec<u64> = text
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        assert_eq!(
            n.len(),
            2,
            "netns_check.sh said {text:?} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (n[0], n[1])
    };
    let (lo, out) = count(&config());
    assert!(lo > 0, "discovery ran on loopback");
    assert_eq!(
        out, 0,
        "datagrams left loopback under tests/lsl/lsl_api.cfg"
    );
    // liblsl's defaults (an empty file) do send discovery out: the check would see a leak.
    let (_, leaked) = count(empty.path());
    assert!(
        leaked > 0,
        "the namespace check sees nothing even without the config"
    );
}

#[test]
fn connect_finds_lsl_streams_and_reads_one() {
    use innervate::lsl::{Lsl, Outlet, StreamSpec};
    lsl_env();
    let lsl = Lsl::load().unwrap();
    let spec = StreamSpec {
        name: "Panel test device".into(),
        content_type: "EMG".into(),
        rate: 1000.0,
        strings: false,
        source_id: "innervate-test-panel-device".into(),
        channels: ["Deltoid", "Trapezius"]
            .map(|l| [l.to_string(), "microvolts".into(), "EMG".into()])
            .to_vec(),
        acquisition: vec![],
        extra: vec![],
    };
    let outlet = Outlet::create(&lsl, &spec).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::sim_app(4, dir.path()), [1280.0, 1000.0]);
    h.state_mut().open_connect();
    h.run_steps(2);
    h.get_by_label("Find streams").click();
    h.run_steps(2);
    common::wait_for_label(&mut h, "Connect Panel test device", Duration::from_secs(10));
    h.get_by_label("Connect Panel test device").click();
    h.run_steps(2);
    // The device pushes while the window connects (the source takes whatever arrives once it is in).
    let stop = Arc::new(AtomicBool::new(false));
    let s2 = stop.clone();
    let pusher = std::thread::spawn(move || {
        let t0 = lsl.local_clock();
        let mut i = 0u64;
        while !s2.load(Ordering::Relaxed) {
            let stamps: Vec<f64> = (0..10).map(|k| t0 + (i + k) as f64 / 1000.0).collect();
            let _ = outlet.push_chunk(&[1.0; 20], &stamps);
            i += 10;
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    wait_until(
        &mut h,
        "the LSL stream to be the source",
        Duration::from_secs(15),
        |a| {
            a.engine()
                .info()
                .description
                .starts_with("LSL Panel test device")
        },
    );
    assert_eq!(
        h.state().engine().info().channel_names,
        ["Deltoid", "Trapezius"]
    );
    stop.store(true, Ordering::Relaxed);
    pusher.join().unwrap();
}
