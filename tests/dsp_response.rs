//! The live chain's frequency response, its envelope calibration, and state kept across blocks.

use innervate::block::{BLOCK_FRAMES, SampleBlock};
use innervate::dsp::{DspConfig, Processor};
use std::f64::consts::PI;

const FS: f64 = 2000.0;

fn sine(freq: f64, amplitude: f64, seconds: f64) -> Vec<f32> {
    (0..(seconds * FS) as usize)
        .map(|n| (amplitude * (2.0 * PI * freq * n as f64 / FS).sin()) as f32)
        .collect()
}

/// Runs a one-channel signal through the default chain; returns (filtered, envelope).
fn run_chain(signal: &[f32]) -> (Vec<f64>, Vec<f64>) {
    let mut p = Processor::new(1, FS, &DspConfig::default(), &[]).unwrap();
    signal
        .iter()
        .map(|&x| {
            let out = p.process_frame(&[x]);
            (out.filtered[0] as f64, out.envelope[0] as f64)
        })
        .unzip()
}

fn rms(x: &[f64]) -> f64 {
    (x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sqrt()
}

/// Gain in dB of the chain at `freq`, measured on the last second after `settle` seconds.
fn gain_db(freq: f64) -> f64 {
    let settle = 3.0;
    let x = sine(freq, 100.0, settle + 1.0);
    let (y, _) = run_chain(&x);
    let tail = (settle * FS) as usize;
    20.0 * (rms(&y[tail..]) / (100.0 / 2f64.sqrt())).log10()
}

#[test]
fn passband_sine_passes_within_half_a_db() {
    let g = gain_db(100.0);
    assert!(g.abs() <= 0.5, "100 Hz gain {g:.3} dB");
}

#[test]
fn motion_artefact_band_and_mains_are_cut_by_30_db() {
    let g5 = gain_db(5.0);
    let g50 = gain_db(50.0);
    assert!(g5 <= -30.0, "5 Hz gain {g5:.1} dB");
    assert!(g50 <= -30.0, "50 Hz gain {g50:.1} dB");
}

#[test]
fn sixty_hz_notch_follows_the_setting() {
    let mut cfg = DspConfig::default();
    cfg.notch.mains_hz = 60.0;
    let mut p = Processor::new(1, FS, &cfg, &[]).unwrap();
    let x = sine(60.0, 100.0, 4.0);
    let y: Vec<f64> = x
        .iter()
        .map(|&v| p.process_frame(&[v]).filtered[0] as f64)
        .collect();
    let g = 20.0 * (rms(&y[(3.0 * FS) as usize..]) / (100.0 / 2f64.sqrt())).log10();
    assert!(g <= -30.0, "60 Hz gain {g:.1} dB with a 60 Hz notch");
}

#[test]
fn rms_envelope_of_a_steady_sine_reads_amplitude_over_root_two() {
    // 150 Hz fills the 100 ms window with whole cycles; 137 Hz does not (13.7 cycles).
    for (freq, amplitude) in [
        (150.0, 10.0),
        (150.0, 250.0),
        (137.0, 1000.0),
        (137.0, 40.0),
    ] {
        let x = sine(freq, amplitude, 3.0);
        let (_, env) = run_chain(&x);
        let expected = amplitude / 2f64.sqrt();
        // After settling, every envelope sample is within 1 % (the window spans whole cycles).
        for (n, e) in env.iter().enumerate().skip((2.0 * FS) as usize) {
            let err = (e - expected).abs() / expected;
            assert!(
                err < 0.01,
                "amplitude {amplitude}: envelope {e:.3} at {n}, expected {expected:.3}"
            );
        }
    }
}

/// A tiny deterministic generator for block sizes and noise.
fn lcg(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *state >> 33
}

#[test]
fn blocks_of_random_sizes_give_the_same_output_as_one_pass() {
    let channels = 3;
    let frames = 20_000;
    let mut seed = 42u64;
    let signal: Vec<f32> = (0..frames * channels)
        .map(|i| {
            ((lcg(&mut seed) % 2001) as f32 - 1000.0) * 0.3
                + 50.0 * ((i / channels) as f32 * 0.157).sin()
        })
        .collect();
    let pairs = [innervate::dsp::MusclePair {
        agonist: 0,
        antagonist: 1,
    }];

    // One pass: the whole signal through one processor in one loop.
    let mut whole = Processor::new(channels, FS, &DspConfig::default(), &pairs).unwrap();
    let reference: Vec<[f32; 4]> = signal
        .chunks_exact(channels)
        .map(|f| {
            let o = whole.process_frame(f);
            [o.filtered[0], o.envelope[1], o.filtered[2], o.pairs[0].cci]
        })
        .collect();

    // Blocks of random sizes (1..=64 frames), as the reader thread makes them.
    let mut blocked = Processor::new(channels, FS, &DspConfig::default(), &pairs).unwrap();
    let mut out = Vec::with_capacity(frames);
    let mut start = 0;
    while start < frames {
        let size = (1 + lcg(&mut seed) as usize % BLOCK_FRAMES).min(frames - start);
        let mut block = SampleBlock::new(start as u64, channels);
        for f in start..start + size {
            block.push_frame(&signal[f * channels..(f + 1) * channels]);
        }
        blocked.process_block(&block, |i, o| {
            assert_eq!(i as usize, out.len());
            out.push([o.filtered[0], o.envelope[1], o.filtered[2], o.pairs[0].cci]);
        });
        start += size;
    }
    assert_eq!(out.len(), reference.len());
    for (n, (a, b)) in out.iter().zip(&reference).enumerate() {
        for k in 0..4 {
            assert!(
                (a[k] - b[k]).abs() <= 1e-6,
                "frame {n} value {k}: {} vs {}",
                a[k],
                b[k]
            );
        }
    }
}

#[test]
fn slow_boards_get_a_clamped_upper_edge() {
    let cfg = DspConfig::default();
    let eff = cfg.effective(250.0).unwrap();
    assert!((eff.bandpass_high_hz - 112.5).abs() < 1e-9);
    let p = Processor::new(8, 250.0, &cfg, &[]);
    assert!(p.is_ok());
}
