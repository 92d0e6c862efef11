//! Sound cues rendered with `--audio-to`'s path (the engine's sound thread writing a WAV) from the simulated
//! board with known reps and from a real recording, measured: the tone's pitch against the envelope (rustfft,
//! 50 ms windows), one click per counted rep when the counter knew, the warning only while the ratio is over
//! its limit, tempo ticks on the phase boundaries; and ALSA's `file` device getting exactly the render.

mod common;

use innervate::audio::{CuePlan, CueSet, SAMPLE_RATE, SoundSetup};
use innervate::dsp::DspConfig;
use innervate::engine::{Engine, EngineOptions};
use innervate::source::reader::Pace;
use innervate::source::simulator::{SimConfig, Simulator};
use innervate::source::take::Take;
use innervate::source::{FrameGenerator, replay::WavReplay};
use innervate::stats::LinkState;
use innervate::training::live_reps::LiveReps;
use innervate::training::rules;
use innervate::training::setup::Tempo;
use std::path::Path;
use std::time::Duration;

const REAL: &str = "tests/data/real/biceps_two_contractions_1khz.wav";

/// One display point: time, every channel's envelope, the first pair's ratio.
#[derive(Clone, Copy, Debug)]
struct Point {
    t: f64,
    env: [f32; 16],
    ratio: f32,
}

/// Runs `source` to its end through the engine with sound written to `wav`; the display points and samples.
fn render(
    source: Box<dyn FrameGenerator>,
    plan: impl FnOnce(&innervate::source::StreamInfo) -> CuePlan,
    cues: CueSet,
    wav: &Path,
) -> (Vec<Point>, Vec<i16>, CuePlan) {
    let info = source.info().clone();
    let plan = plan(&info);
    let options = EngineOptions {
        pace: Pace::Unthrottled,
        lossless_display: true,
        sound: Some(SoundSetup {
            plan: plan.clone(),
            cues,
            volume: 0.8,
            device: None,
            wav: Some(wav.to_path_buf()),
        }),
        ..EngineOptions::default()
    };
    let mut engine = Engine::start(source, options, None).unwrap();
    let mut points = Vec::new();
    loop {
        match engine.display().recv_timeout(Duration::from_millis(300)) {
            Ok(c) => {
                for p in 0..c.points {
                    let mut env = [0.0; 16];
                    for (ch, e) in env.iter_mut().enumerate() {
                        *e = c.envelope[ch][p];
                    }
                    points.push(Point {
                        t: c.first_time_s + p as f64 * c.step_s,
                        env,
                        ratio: c.ratio[plan.pair.unwrap_or(0)][p],
                    });
                }
            }
            Err(_) if engine.stats().state() == LinkState::Ended => break,
            Err(_) => {}
        }
    }
    engine.stop_sound().unwrap().unwrap();
    let samples = hound::WavReader::open(wav)
        .unwrap()
        .samples::<i16>()
        .map(|s| s.unwrap())
        .collect();
    (points, samples, plan)
}

fn sim(seconds: f64) -> Box<dyn FrameGenerator> {
    let sim = Simulator::new(SimConfig::default()).unwrap();
    let frames = (seconds * sim.config().sample_rate) as u64;
    Box::new(Take::new(sim, frames))
}

fn sim_plan(info: &innervate::source::StreamInfo) -> CuePlan {
    CuePlan::default_for(&info.pairs, 0, DspConfig::default().envelope_window_s)
}

fn only(f: impl FnOnce(&mut CueSet)) -> CueSet {
    let mut c = CueSet::NONE;
    f(&mut c);
    c
}

/// Frame index of each sound that starts after at least 30 ms of silence.
fn onsets(samples: &[i16]) -> Vec<usize> {
    let quiet_needed = (0.03 * SAMPLE_RATE as f64) as usize;
    let mut quiet = quiet_needed;
    let mut found = Vec::new();
    for (n, &s) in samples.iter().enumerate() {
        if s.unsigned_abs() > 150 {
            if quiet >= quiet_needed {
                found.push(n);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    found
}

fn secs(frame: usize) -> f64 {
    frame as f64 / SAMPLE_RATE as f64
}

/// Spearman rank correlation.
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    fn ranks(x: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..x.len()).collect();
        idx.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
        let mut r = vec![0.0; x.len()];
        let mut k = 0;
        while k < idx.len() {
            let mut e = k;
            while e + 1 < idx.len() && x[idx[e + 1]] == x[idx[k]] {
                e += 1;
            }
            for &i in &idx[k..=e] {
                r[i] = (k + e) as f64 / 2.0;
            }
            k = e + 1;
        }
        r
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// The strongest frequency of a window (Hann, zero-padded, parabolic peak), Hz.
fn peak_hz(window: &[i16], fft: &dyn rustfft::Fft<f64>, n: usize) -> f64 {
    use rustfft::num_complex::Complex;
    let len = window.len();
    let mut buf: Vec<Complex<f64>> = (0..n)
        .map(|k| {
            let x = if k < len {
                let w = 0.5 - 0.5 * (std::f64::consts::TAU * k as f64 / len as f64).cos();
                window[k] as f64 * w
            } else {
                0.0
            };
            Complex::new(x, 0.0)
        })
        .collect();
    fft.process(&mut buf);
    let mag: Vec<f64> = buf[..n / 2].iter().map(|c| c.norm()).collect();
    let k = (1..n / 2 - 1)
        .max_by(|&i, &j| mag[i].total_cmp(&mag[j]))
        .unwrap();
    let (a, b, c) = (mag[k - 1], mag[k], mag[k + 1]);
    let shift = 0.5 * (a - c) / (a - 2.0 * b + c);
    (k as f64 + shift) * SAMPLE_RATE as f64 / n as f64
}

/// Checks the tone in 50 ms windows: pitch rank-correlates with the envelope where it sounds, silence at
/// rest. Returns the number of sounding windows.
fn check_tone(points: &[Point], samples: &[i16], plan: &CuePlan) -> usize {
    let win = (0.05 * SAMPLE_RATE as f64) as usize;
    let n = 8192;
    let fft = rustfft::FftPlanner::new().plan_fft_forward(n);
    let threshold = rules::working_threshold_uv(plan.target_uv);
    let (mut env, mut hz, mut silent_ok, mut rest) = (Vec::new(), Vec::new(), 0, 0);
    for (w, chunk) in samples.chunks_exact(win).enumerate() {
        let (t0, t1) = (secs(w * win), secs((w + 1) * win));
        let inside: Vec<f32> = points
            .iter()
            .filter(|p| p.t > t0 - 0.06 && p.t <= t1 + 0.01)
            .map(|p| p.env[plan.target])
            .collect();
        if inside.is_empty() {
            continue;
        }
        let all_working = inside.iter().all(|&e| e as f64 >= threshold);
        let all_rest = inside.iter().all(|&e| (e as f64) < threshold);
        let loudest = chunk.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        if all_working {
            assert!(loudest > 1000, "window at {t0:.2} s should sound");
            let mean = inside.iter().map(|&e| e as f64).sum::<f64>() / inside.len() as f64;
            env.push(mean);
            hz.push(peak_hz(chunk, fft.as_ref(), n));
        } else if all_rest {
            rest += 1;
            silent_ok += usize::from(loudest < 50);
        }
    }
    assert!(rest > 10, "the recording should have rest");
    assert_eq!(silent_ok, rest, "silent at rest");
    let rho = spearman(&env, &hz);
    eprintln!("tone: {} sounding windows, Spearman {rho:.3}", env.len());
    assert!(rho >= 0.9, "Spearman {rho}");
    env.len()
}

#[test]
fn tone_follows_the_simulated_envelope_and_is_silent_at_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (points, samples, plan) = render(
        sim(20.0),
        sim_plan,
        only(|c| c.tone = true),
        &dir.path().join("tone.wav"),
    );
    assert_eq!(
        samples.len(),
        (points.last().unwrap().t * SAMPLE_RATE as f64).round() as usize
    );
    assert!(check_tone(&points, &samples, &plan) > 50);
}

#[test]
fn tone_follows_a_real_recording() {
    let dir = tempfile::tempdir().unwrap();
    // The line where the recording's contractions are (what a user sets after calibrating): 60 % of the
    // peak envelope, found by a first pass.
    let (first, _, _) = render(
        Box::new(WavReplay::open(Path::new(REAL)).unwrap()),
        sim_plan,
        CueSet::NONE,
        &dir.path().join("probe.wav"),
    );
    // (After the first second, where the band-pass settles on the file's large DC offset.)
    let peak = first
        .iter()
        .filter(|p| p.t > 1.0)
        .map(|p| p.env[0])
        .fold(0.0f32, f32::max) as f64;
    let (points, samples, plan) = render(
        Box::new(WavReplay::open(Path::new(REAL)).unwrap()),
        |info| CuePlan {
            target_uv: 0.6 * peak,
            ..sim_plan(info)
        },
        only(|c| c.tone = true),
        &dir.path().join("tone.wav"),
    );
    assert!(check_tone(&points, &samples, &plan) > 20);
}

#[test]
fn one_click_per_counted_rep_when_the_counter_knew() {
    let dir = tempfile::tempdir().unwrap();
    let (points, samples, plan) = render(
        sim(38.0),
        sim_plan,
        only(|c| c.reps = true),
        &dir.path().join("reps.wav"),
    );
    // The live rep counter of the app, fed with the same points: when did it know each rep?
    let mut counter = LiveReps::new(
        rules::working_threshold_uv(plan.target_uv),
        plan.rms_window_s,
    );
    let mut knew = Vec::new();
    for p in &points {
        let before = counter.count;
        counter.push(p.t, p.env[0] as f64, p.env[1] as f64);
        if counter.count > before {
            knew.push(p.t);
        }
    }
    let truth = innervate::source::workout::reps_between(0.0, 38.0).len();
    assert!(
        knew.len() >= truth - 1 && knew.len() <= truth,
        "{} counted, {truth} done",
        knew.len()
    );
    let clicks: Vec<f64> = onsets(&samples).into_iter().map(secs).collect();
    assert_eq!(clicks.len(), knew.len(), "{clicks:?} vs {knew:?}");
    for (c, k) in clicks.iter().zip(&knew) {
        assert!(
            (c - k).abs() <= 0.020,
            "click at {c:.4} s, counter knew at {k:.4} s"
        );
    }
}

#[test]
fn warning_sounds_only_while_the_ratio_is_over_its_limit() {
    let dir = tempfile::tempdir().unwrap();
    let (points, samples, plan) = render(
        sim(38.0),
        sim_plan,
        only(|c| c.warn = true),
        &dir.path().join("warn.wav"),
    );
    assert!(plan.pair.is_some());
    let over = |t: f64| {
        // The nearest point at or after `t` (the point whose span holds it).
        points.iter().find(|p| p.t >= t - 1e-9).is_some_and(|p| {
            rules::is_working(p.env[plan.target] as f64, plan.target_uv)
                && p.ratio as f64 > plan.ratio_limit
        })
    };
    // 5 ms frames: a frame with the buzz at full strength must lie where the ratio is over the limit (the
    // 3 ms fade after it is allowed 10 ms).
    let frame = SAMPLE_RATE as usize / 200;
    let mut loud_frames = 0;
    for (k, f) in samples.chunks_exact(frame).enumerate() {
        let loud = f.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        if loud > 2000 {
            loud_frames += 1;
            let t = secs(k * frame);
            assert!(
                over(t) || over(t - 0.01) || over(t - 0.015),
                "warning at {t:.3} s with the ratio under its limit"
            );
        }
    }
    assert!(
        loud_frames > 10,
        "the simulated co-contracted reps should warn"
    );
    // Rate-limited: a buzz of 0.15 s at most once a second, so never more than 0.2 s (with its fades)
    // loud in any 0.8 s.
    let loud: Vec<usize> = samples
        .chunks_exact(frame)
        .enumerate()
        .filter(|(_, f)| f.iter().any(|x| x.unsigned_abs() > 2000))
        .map(|(k, _)| k)
        .collect();
    for &k in &loud {
        let within = loud.iter().filter(|&&j| j >= k && j < k + 160).count();
        assert!(
            within <= 40,
            "{within} loud 5 ms frames in 0.8 s from {:.2} s",
            secs(k * frame)
        );
    }
}

#[test]
fn tempo_ticks_on_the_phase_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let tempo = Tempo {
        concentric_s: 1.0,
        top_s: 0.5,
        eccentric_s: 2.0,
        bottom_s: 0.5,
    };
    let (_, samples, _) = render(
        sim(12.0),
        |info| CuePlan {
            tempo,
            tempo_start_s: Some(0.25),
            ..sim_plan(info)
        },
        only(|c| c.tempo = true),
        &dir.path().join("tempo.wav"),
    );
    let end = secs(samples.len());
    let mut want = Vec::new();
    let mut t = 0.25;
    while t < end - 0.1 {
        for d in [0.0, 1.0, 1.5, 3.5] {
            if t + d < end - 0.1 {
                want.push(t + d);
            }
        }
        t += tempo.total_s();
    }
    let ticks: Vec<f64> = onsets(&samples).into_iter().map(secs).collect();
    assert_eq!(ticks.len(), want.len(), "{ticks:?} vs {want:?}");
    for (got, w) in ticks.iter().zip(&want) {
        assert!(
            (got - w).abs() <= 0.010,
            "tick at {got:.4} s, boundary at {w:.4} s"
        );
    }
}

#[test]
fn alsa_file_device_gets_exactly_what_audio_to_renders() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("alsa.raw");
    let wav = dir.path().join("render.wav");
    let rec = dir.path().join("rec.wav");
    let device = format!("file:'{}',raw", raw.display());
    let run = |extra: &[&str], out: &Path| {
        let out_arg = out.to_string_lossy().into_owned();
        let mut args = vec![
            "record",
            "--source",
            REAL,
            "--fast",
            "--duration",
            "9",
            "--out",
        ];
        args.push(&out_arg);
        args.extend_from_slice(extra);
        common::run_ok(common::innervate().args(&args))
    };
    // The real library plays into ALSA's file plugin (a file behind the null device)...
    let played = run(&["--audio", "--audio-device", &device], &rec);
    let said = String::from_utf8_lossy(&played.stderr);
    assert!(said.contains("Sound: on (ALSA"), "{said}");
    // ... and a second run renders the same set to a WAV.
    run(
        &["--audio-to", wav.to_str().unwrap()],
        &dir.path().join("rec2.wav"),
    );
    let bytes = std::fs::read(&raw).unwrap();
    let from_alsa: Vec<i16> = bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    let rendered: Vec<i16> = hound::WavReader::open(&wav)
        .unwrap()
        .samples::<i16>()
        .map(|s| s.unwrap())
        .collect();
    // Both runs stop after the recording's 9 s; how much of the tail was rendered before the stop may
    // differ by a few blocks, never what was rendered.
    let common = from_alsa.len().min(rendered.len());
    assert!(
        common as f64 >= 8.5 * SAMPLE_RATE as f64,
        "{} and {}",
        from_alsa.len(),
        rendered.len()
    );
    assert!(
        from_alsa[..common] == rendered[..common],
        "the device got other samples than the render"
    );
    assert!(
        rendered.iter().any(|s| s.unsigned_abs() > 1000),
        "the render should not be silent"
    );
}

#[test]
fn without_the_library_record_runs_and_says_sound_is_off() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_ok(
        common::innervate()
            .env(
                "INNERVATE_ALSA_LIB",
                dir.path().join("missing-libasound.so.2"),
            )
            .args(["record", "--fast", "--duration", "2", "--audio", "--out"])
            .arg(dir.path().join("rec.wav")),
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Sound is off"), "{said}");
    assert!(said.contains("apt-get install libasound2"), "{said}");
    let (samples, channels) = common::read_wav(&dir.path().join("rec.wav"));
    assert_eq!(samples.len() / channels, 4000);
}

#[test]
fn bench_sound_compares_per_block_time_in_the_same_run() {
    let b = innervate::perf::sound::run(1, 0.6, 0.5, "null").unwrap();
    assert_eq!((b.off.len(), b.on.len()), (1, 1));
    assert!(b.off[0].best() > 0.0 && b.on[0].best() > 0.0, "{b:?}");
    assert!(b.blocks_per_round > 10, "{b:?}");
    let report = innervate::perf::sound::report(&b);
    assert!(report.contains("Median on/off ratio"), "{report}");
}

#[test]
fn record_follows_a_saved_setup_and_refuses_bad_names() {
    use innervate::training::presets::EXERCISES;
    use innervate::training::setup::{ExerciseSetup, SetupStore};
    let dir = tempfile::tempdir().unwrap();
    let setups = dir.path().join("setups");
    let mut setup = ExerciseSetup::from_template(&EXERCISES[0]);
    setup.name = "Slow curl".into();
    setup.tempo = Tempo {
        concentric_s: 2.0,
        top_s: 0.0,
        eccentric_s: 2.0,
        bottom_s: 0.0,
    };
    SetupStore::new(&setups).save(&setup).unwrap();
    let channels = setup.channels.len().to_string();
    let cues = dir.path().join("cues.wav");
    common::run_ok(
        common::innervate()
            .args([
                "record",
                "--fast",
                "--duration",
                "9",
                "--channels",
                &channels,
            ])
            .args([
                "--setup",
                "Slow curl",
                "--audio-cues",
                "tempo",
                "--setups-dir",
            ])
            .arg(&setups)
            .arg("--audio-to")
            .arg(&cues)
            .arg("--out")
            .arg(dir.path().join("rec.wav")),
    );
    let samples: Vec<i16> = hound::WavReader::open(&cues)
        .unwrap()
        .samples::<i16>()
        .map(|s| s.unwrap())
        .collect();
    // The setup's tempo: a tick every 2 s from the start.
    let ticks: Vec<f64> = onsets(&samples).into_iter().map(secs).collect();
    assert!(ticks.len() >= 4, "{ticks:?}");
    for (k, t) in ticks.iter().enumerate() {
        assert!((t - 2.0 * k as f64).abs() <= 0.010, "{ticks:?}");
    }
    let refuse = |args: &[&str], says: &str| {
        let out = common::innervate()
            .args(["record", "--fast", "--duration", "1", "--out"])
            .arg(dir.path().join("x.wav"))
            .args(args)
            .arg("--setups-dir")
            .arg(&setups)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    };
    refuse(&["--audio", "--setup", "Nope"], "no such saved setup");
    refuse(
        &["--audio", "--audio-cues", "tone,bell"],
        "unknown cue `bell`",
    );
}
