//! Every analysis metric against the simulated board's truth (docs/VALIDATION.md): the bounds hold, the
//! committed document is what `innervate validate --markdown` prints, `--out` writes the recording with its
//! truth; and the live rep counter finds the board's reps with edges within the same bounds.

use innervate::dsp::Processor;
use innervate::engine::display::DisplayDecimator;
use innervate::source::FrameGenerator;
use innervate::source::simulator::{SimConfig, Simulator};
use innervate::source::workout;
use innervate::training::live_reps::LiveReps;
use innervate::training::rules::working_threshold_uv;
use innervate::validation::{ValidationConfig, document, run};

#[test]
fn every_metric_meets_its_bound_and_the_document_is_the_commands_output() {
    let dir = tempfile::tempdir().unwrap();
    let v = run(&ValidationConfig::default(), Some(dir.path())).unwrap();
    for row in &v.rows {
        eprintln!("{}: {} (bound {})", row.metric, row.result, row.bound);
    }
    for row in &v.rows {
        assert!(row.pass, "{row:#?}");
    }

    // docs/VALIDATION.md is this run's output, not typed in.
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/VALIDATION.md"),
    )
    .unwrap();
    assert_eq!(
        committed,
        document(&v),
        "docs/VALIDATION.md is stale: run `innervate validate --markdown > docs/VALIDATION.md`"
    );

    // The recording and its truth are there for other tools.
    let wav = hound::WavReader::open(dir.path().join("synthetic.wav")).unwrap();
    assert_eq!(wav.spec().channels, 8);
    assert_eq!(
        wav.duration() as u64,
        (v.config.seconds() * v.config.sim.sample_rate).round() as u64
    );
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("synthetic.truth.json")).unwrap())
            .unwrap();
    assert_eq!(truth["channels"].as_array().unwrap().len(), 8);
    // Eight reps per workout loop.
    assert_eq!(
        truth["pairs"][0]["reps"].as_array().unwrap().len(),
        8 * v.config.loops
    );
}

#[test]
fn the_live_counter_finds_the_boards_reps_with_edges_within_50_ms() {
    let fs = 2000.0;
    let config = SimConfig {
        channels: 2,
        sample_rate: fs,
        ..SimConfig::default()
    };
    let truth = Simulator::new(config.clone()).unwrap();
    let mut sim = Simulator::new(config).unwrap();
    let info = sim.info().clone();
    let mut processor =
        Processor::new(2, fs, &innervate::dsp::DspConfig::default(), &info.pairs).unwrap();
    let mut display = DisplayDecimator::new(2, 1, fs);
    // The live rule: a quarter of a 60 %MVC target line.
    let threshold = working_threshold_uv(0.6 * truth.truth_mvc_uv(0));
    let mut counter = LiveReps::new(threshold, 0.1);
    let mut reps = Vec::new();
    let (mut sum_mt, mut sum_tt) = (0.0, 0.0);
    let seconds = 4.0 * workout::LOOP_S;
    let mut frame = [0.0f32; 2];
    for n in 0..(seconds * fs) as u64 {
        sim.next_frame(&mut frame).unwrap();
        let out = *processor.process_frame(&frame);
        let t_amp = truth.truth_envelope(0, n);
        sum_mt += out.envelope[0] as f64 * t_amp;
        sum_tt += t_amp * t_amp;
        display.push(n, &out, |chunk| {
            for p in 0..chunk.points {
                let before = counter.count;
                counter.push(
                    chunk.first_time_s + p as f64 * chunk.step_s,
                    chunk.envelope[0][p] as f64,
                    chunk.envelope[1][p] as f64,
                );
                if counter.count > before {
                    reps.push(counter.last.unwrap().rep);
                }
            }
        });
    }
    // The truth: where the true amplitude crosses the threshold (in true units through the envelope's gain).
    let level = threshold / (sum_mt / sum_tt);
    let dt = 0.0005;
    let mut truth_reps = Vec::new();
    let mut start = None;
    for i in 0..((seconds - 1.0) / dt) as usize {
        let t = i as f64 * dt;
        let above = truth.truth_envelope(0, (t * fs) as u64) >= level;
        match (above, start) {
            (true, None) => start = Some(t),
            (false, Some(s)) if t - s >= 0.3 => {
                truth_reps.push((s, t));
                start = None;
            }
            (false, Some(_)) => start = None,
            _ => {}
        }
    }
    assert!(truth_reps.len() >= 35, "{truth_reps:?}");
    let within = truth_reps
        .iter()
        .filter(|(on, off)| {
            reps.iter()
                .any(|r| (r.onset_s - on).abs() <= 0.05 && (r.offset_s - off).abs() <= 0.05)
        })
        .count();
    for (on, off) in &truth_reps {
        if let Some(r) = reps.iter().min_by(|a, b| {
            ((a.onset_s - on).abs() + (a.offset_s - off).abs())
                .total_cmp(&((b.onset_s - on).abs() + (b.offset_s - off).abs()))
        }) {
            eprintln!(
                "truth {on:.3}-{off:.3}: onset {:+.0} ms, offset {:+.0} ms",
                (r.onset_s - on) * 1000.0,
                (r.offset_s - off) * 1000.0
            );
        }
    }
    eprintln!(
        "live: {within} of {} reps and holds with both edges within 50 ms ({} counted)",
        truth_reps.len(),
        reps.len()
    );
    assert!(
        within as f64 >= 0.95 * truth_reps.len() as f64,
        "{within} of {}: {reps:?} vs {truth_reps:?}",
        truth_reps.len()
    );
}
