//! Throughput of the per-sample DSP chain, 16 channels at 2 kHz, in channel-samples per second:
//! `bandpass_notch_rms` is band-pass order 4 + notch + RMS envelope; `full_chain` adds the 8 pairs'
//! co-contraction indices, as the live view runs it.
//!
//! Baseline in the same run: one pass that only reads and sums the same samples, so the chain's figure can
//! be read as a ratio to what the machine does with no filtering at all (shared machines are noisy).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use innervate::block::{BLOCK_FRAMES, SampleBlock};
use innervate::dsp::{DspConfig, MusclePair, Processor};
use innervate::source::FrameGenerator;
use innervate::source::simulator::{SimConfig, Simulator};
use std::hint::black_box;

const CHANNELS: usize = 16;
const FS: f64 = 2000.0;
/// One second of signal per iteration.
const FRAMES: usize = 2000;

fn blocks() -> Vec<SampleBlock> {
    let mut sim = Simulator::new(SimConfig {
        channels: CHANNELS,
        sample_rate: FS,
        seed: 3,
        mains_hz: 50.0,
    })
    .unwrap();
    let mut frame = [0.0f32; CHANNELS];
    let mut out = Vec::new();
    let mut block = SampleBlock::new(0, CHANNELS);
    for _ in 0..FRAMES {
        sim.next_frame(&mut frame).unwrap();
        block.push_frame(&frame);
        if block.is_full() {
            out.push(block);
            block.reset(block.end_sample());
        }
    }
    if !block.is_empty() {
        out.push(block);
    }
    assert!(out.len() >= FRAMES / BLOCK_FRAMES);
    out
}

fn bench(c: &mut Criterion) {
    let blocks = blocks();
    let pairs: Vec<MusclePair> = (0..CHANNELS / 2)
        .map(|p| MusclePair {
            agonist: 2 * p,
            antagonist: 2 * p + 1,
        })
        .collect();
    let mut group = c.benchmark_group("dsp_chain_16ch_2khz");
    group.throughput(Throughput::Elements((CHANNELS * FRAMES) as u64));

    group.bench_function(BenchmarkId::new("baseline_read_and_sum", CHANNELS), |b| {
        b.iter(|| {
            let mut acc = 0.0f32;
            for block in &blocks {
                for v in block.interleaved() {
                    acc += *v;
                }
            }
            black_box(acc)
        })
    });

    let mut chain = Processor::new(CHANNELS, FS, &DspConfig::default(), &[]).unwrap();
    group.bench_function(BenchmarkId::new("bandpass_notch_rms", CHANNELS), |b| {
        b.iter(|| {
            let mut acc = 0.0f32;
            for block in &blocks {
                chain.process_block(black_box(block), |_, out| acc += out.envelope[0]);
            }
            black_box(acc)
        })
    });

    let mut full = Processor::new(CHANNELS, FS, &DspConfig::default(), &pairs).unwrap();
    group.bench_function(BenchmarkId::new("full_chain", CHANNELS), |b| {
        b.iter(|| {
            let mut acc = 0.0f32;
            for block in &blocks {
                full.process_block(black_box(block), |_, out| acc += out.envelope[0]);
            }
            black_box(acc)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
