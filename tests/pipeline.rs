//! The whole live path on the simulated board: simulator -> reader thread -> lock-free ring -> DSP thread ->
//! display chunks, compared with the simulator's ground truth and with an offline run of the same chain.

mod common;

use innervate::source::take::Take;

use innervate::dsp::{DspConfig, Processor};
use innervate::engine::{DisplayChunk, Engine, EngineOptions};
use innervate::source::FrameGenerator;
use innervate::source::reader::Pace;
use innervate::source::simulator::{SimConfig, Simulator};
use innervate::stats::{LinkState, LinkStats};
use std::time::{Duration, Instant};

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// Runs `seconds` of the simulator through the engine as fast as it goes and collects every display chunk.
fn run_engine(config: SimConfig, seconds: f64) -> (Vec<DisplayChunk>, std::sync::Arc<LinkStats>) {
    let sim = Simulator::new(config.clone()).unwrap();
    let frames = (seconds * config.sample_rate) as u64;
    let source = Take::new(sim, frames);
    let options = EngineOptions {
        pace: Pace::Unthrottled,
        lossless_display: true,
        ..EngineOptions::default()
    };
    let engine = Engine::start(Box::new(source), options, None).unwrap();
    let mut chunks = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        while let Ok(c) = engine.display().try_recv() {
            chunks.push(c);
        }
        let done = engine.stats().state() == LinkState::Ended
            && LinkStats::get(&engine.stats().frames_processed) == frames;
        if done {
            std::thread::sleep(Duration::from_millis(50));
            while let Ok(c) = engine.display().try_recv() {
                chunks.push(c);
            }
            break;
        }
        assert!(Instant::now() < deadline, "pipeline did not finish");
        std::thread::sleep(Duration::from_millis(1));
    }
    let stats = engine.stats().clone();
    drop(engine);
    (chunks, stats)
}

#[test]
fn thirty_seconds_through_the_ring_track_the_ground_truth_with_no_loss() {
    let config = SimConfig {
        channels: 4,
        sample_rate: 2000.0,
        seed: 11,
        mains_hz: 50.0,
    };
    let fs = config.sample_rate;
    let (chunks, stats) = run_engine(config.clone(), 30.0);

    assert_eq!(LinkStats::get(&stats.frames_received), 60_000);
    assert_eq!(LinkStats::get(&stats.frames_processed), 60_000);
    assert_eq!(
        LinkStats::get(&stats.ring_overflows),
        0,
        "blocks lost in the ring"
    );
    assert_eq!(
        LinkStats::get(&stats.frames_missing),
        0,
        "gaps between blocks"
    );
    assert_eq!(LinkStats::get(&stats.display_dropped), 0);

    let truth = Simulator::new(config.clone()).unwrap();
    for c in 0..config.channels {
        let mut measured = Vec::new();
        let mut expected = Vec::new();
        for chunk in &chunks {
            for p in 0..chunk.points {
                let t = chunk.first_time_s + p as f64 * chunk.step_s;
                let n = (t * fs).round() as u64;
                measured.push(chunk.envelope[c][p] as f64);
                expected.push(truth.truth_envelope(c, n));
            }
        }
        // 100 display points per second.
        assert!(
            measured.len() >= 2990,
            "only {} display points",
            measured.len()
        );
        let r = pearson(&measured, &expected);
        eprintln!("channel {c}: r = {r:.4} over {} points", measured.len());
        assert!(r >= 0.95, "channel {c}: r = {r:.4}");
    }
}

#[test]
fn the_engine_output_equals_an_offline_run_of_the_same_chain() {
    let config = SimConfig {
        channels: 3,
        sample_rate: 1000.0,
        seed: 5,
        mains_hz: 60.0,
    };
    let (chunks, _) = run_engine(config.clone(), 8.0);
    let mut sim = Simulator::new(config.clone()).unwrap();
    // The engine ran with the default options (50 Hz notch) while the board hums at 60 Hz: the point here
    // is bit-equality of the live path and an offline run, whatever the settings.
    let mut offline =
        Processor::new(3, 1000.0, &DspConfig::default(), &sim.info().pairs.clone()).unwrap();
    let mut frame = [0.0f32; 3];
    let mut envelopes = Vec::new();
    for _ in 0..8000 {
        sim.next_frame(&mut frame).unwrap();
        envelopes.push(offline.process_frame(&frame).envelope);
    }
    let mut compared = 0;
    for chunk in &chunks {
        for p in 0..chunk.points {
            let n = ((chunk.first_time_s + p as f64 * chunk.step_s) * 1000.0).round() as usize;
            let live: Vec<f32> = chunk.envelope[..3]
                .iter()
                .map(|channel| channel[p])
                .collect();
            assert_eq!(live, envelopes[n][..3], "sample {n}");
            compared += 1;
        }
    }
    assert!(compared >= 790, "compared {compared} points");
}
