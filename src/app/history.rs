//! The last seconds of display points per channel and pair, in rings of fixed capacity.
//!
//! Filled in `App::logic` from the DSP thread's chunks; read by the drawing code. After warm-up nothing
//! here allocates.

use crate::dsp::CoContraction;
use crate::engine::{CHUNK_POINTS, DISPLAY_RATE_HZ, DisplayChunk};
use std::collections::VecDeque;

/// Seconds of history kept (the live plots' width).
pub const HISTORY_SECONDS: f64 = 10.0;

/// One channel's recent display points.
#[derive(Clone, Debug, Default)]
pub struct ChannelHistory {
    /// RMS envelope, uV.
    pub envelope: VecDeque<f32>,
    /// Filtered signal minimum per point, uV.
    pub signal_min: VecDeque<f32>,
    /// Filtered signal maximum per point, uV.
    pub signal_max: VecDeque<f32>,
    /// Envelope at the newest processed frame, uV.
    pub latest: f32,
    /// Highest envelope point in the window, uV (for scaling).
    pub peak: f32,
    /// Largest |signal| in the window, uV (for scaling the raw trace).
    pub signal_peak: f32,
}

/// One pair's recent co-contraction points.
#[derive(Clone, Debug, Default)]
pub struct PairHistory {
    /// Antagonist/agonist ratio.
    pub ratio: VecDeque<f32>,
    /// Falconer & Winter index, %.
    pub cci: VecDeque<f32>,
    /// Values at the newest processed frame.
    pub latest: CoContraction,
}

/// Recent history of everything the live view draws.
#[derive(Clone, Debug)]
pub struct LiveHistory {
    capacity: usize,
    step_s: f64,
    /// Per channel.
    pub channels: Vec<ChannelHistory>,
    /// Per pair.
    pub pairs: Vec<PairHistory>,
    /// Stream sample index of the newest processed frame.
    pub latest_sample: u64,
}

fn ring(capacity: usize) -> VecDeque<f32> {
    VecDeque::with_capacity(capacity)
}

fn push(ring: &mut VecDeque<f32>, capacity: usize, v: f32) {
    if ring.len() == capacity {
        ring.pop_front();
    }
    ring.push_back(v);
}

impl LiveHistory {
    /// Empty history for `channels` channels and `pairs` pairs.
    pub fn new(channels: usize, pairs: usize) -> Self {
        let capacity = (HISTORY_SECONDS * DISPLAY_RATE_HZ).ceil() as usize + CHUNK_POINTS;
        let channel = || ChannelHistory {
            envelope: ring(capacity),
            signal_min: ring(capacity),
            signal_max: ring(capacity),
            ..ChannelHistory::default()
        };
        let pair = || PairHistory {
            ratio: ring(capacity),
            cci: ring(capacity),
            latest: CoContraction::default(),
        };
        Self {
            capacity,
            step_s: 1.0 / DISPLAY_RATE_HZ,
            channels: (0..channels).map(|_| channel()).collect(),
            pairs: (0..pairs).map(|_| pair()).collect(),
            latest_sample: 0,
        }
    }

    /// Time between points, s.
    pub fn step_s(&self) -> f64 {
        self.step_s
    }

    /// Appends a chunk from the DSP thread.
    pub fn push_chunk(&mut self, chunk: &DisplayChunk) {
        let cap = self.capacity;
        let n = chunk.points.min(CHUNK_POINTS);
        for (c, ch) in self.channels.iter_mut().enumerate() {
            for p in 0..n {
                push(&mut ch.envelope, cap, chunk.envelope[c][p]);
                push(&mut ch.signal_min, cap, chunk.signal_min[c][p]);
                push(&mut ch.signal_max, cap, chunk.signal_max[c][p]);
            }
            ch.latest = chunk.latest_envelope[c];
        }
        for (k, pair) in self.pairs.iter_mut().enumerate() {
            for p in 0..n {
                push(&mut pair.ratio, cap, chunk.ratio[k][p]);
                push(&mut pair.cci, cap, chunk.cci[k][p]);
            }
            pair.latest = chunk.latest_pairs[k];
        }
        if n > 0 {
            self.step_s = chunk.step_s;
        }
        self.latest_sample = chunk.latest_sample;
    }

    /// Recomputes the scaling peaks (once per ingest, not per drawn frame).
    pub fn update_peaks(&mut self) {
        for ch in &mut self.channels {
            ch.peak = ch.envelope.iter().copied().fold(0.0, f32::max);
            let lo = ch.signal_min.iter().copied().fold(0.0, f32::min);
            let hi = ch.signal_max.iter().copied().fold(0.0, f32::max);
            ch.signal_peak = hi.max(-lo);
        }
    }
}
