//! What the UI gets from the DSP thread: decimated, fixed-size chunks ready to draw.
//!
//! The DSP thread reduces the signal to about [`DISPLAY_RATE_HZ`] points per second (envelope value and the
//! filtered signal's min/max per point), so drawing is copying, never processing.

use crate::block::MAX_CHANNELS;
use crate::dsp::{FrameOutput, MAX_PAIRS};

/// Display points per second (per channel).
pub const DISPLAY_RATE_HZ: f64 = 100.0;
/// Most points in one chunk.
pub const CHUNK_POINTS: usize = 16;

/// A run of display points for every channel and pair.
#[derive(Clone, Copy, Debug)]
pub struct DisplayChunk {
    /// Stream time of point 0, s.
    pub first_time_s: f64,
    /// Time between points, s.
    pub step_s: f64,
    /// Points held.
    pub points: usize,
    /// RMS envelope at each point, per channel, uV.
    pub envelope: [[f32; CHUNK_POINTS]; MAX_CHANNELS],
    /// Lowest filtered sample since the previous point, per channel, uV.
    pub signal_min: [[f32; CHUNK_POINTS]; MAX_CHANNELS],
    /// Highest filtered sample since the previous point, per channel, uV.
    pub signal_max: [[f32; CHUNK_POINTS]; MAX_CHANNELS],
    /// Antagonist/agonist ratio at each point, per pair.
    pub ratio: [[f32; CHUNK_POINTS]; MAX_PAIRS],
    /// Falconer & Winter index at each point, per pair, %.
    pub cci: [[f32; CHUNK_POINTS]; MAX_PAIRS],
    /// Stream sample index of the newest processed frame.
    pub latest_sample: u64,
    /// Envelope at the newest processed frame (for bars and gauges), per channel.
    pub latest_envelope: [f32; MAX_CHANNELS],
    /// Co-contraction at the newest processed frame, per pair.
    pub latest_pairs: [crate::dsp::CoContraction; MAX_PAIRS],
}

impl DisplayChunk {
    fn empty(step_s: f64) -> Self {
        Self {
            first_time_s: 0.0,
            step_s,
            points: 0,
            envelope: [[0.0; CHUNK_POINTS]; MAX_CHANNELS],
            signal_min: [[0.0; CHUNK_POINTS]; MAX_CHANNELS],
            signal_max: [[0.0; CHUNK_POINTS]; MAX_CHANNELS],
            ratio: [[0.0; CHUNK_POINTS]; MAX_PAIRS],
            cci: [[0.0; CHUNK_POINTS]; MAX_PAIRS],
            latest_sample: 0,
            latest_envelope: [0.0; MAX_CHANNELS],
            latest_pairs: [crate::dsp::CoContraction::default(); MAX_PAIRS],
        }
    }
}

/// Turns per-sample outputs into display chunks.
#[derive(Debug)]
pub struct DisplayDecimator {
    channels: usize,
    pairs: usize,
    fs: f64,
    samples_per_point: u64,
    in_bucket: u64,
    lo: [f32; MAX_CHANNELS],
    hi: [f32; MAX_CHANNELS],
    chunk: DisplayChunk,
    fresh: bool,
}

impl DisplayDecimator {
    /// A decimator for a stream of `channels` channels and `pairs` pairs at `fs` Hz.
    pub fn new(channels: usize, pairs: usize, fs: f64) -> Self {
        let samples_per_point = ((fs / DISPLAY_RATE_HZ).ceil() as u64).max(1);
        Self {
            channels: channels.min(MAX_CHANNELS),
            pairs: pairs.min(MAX_PAIRS),
            fs,
            samples_per_point,
            in_bucket: 0,
            lo: [f32::INFINITY; MAX_CHANNELS],
            hi: [f32::NEG_INFINITY; MAX_CHANNELS],
            chunk: DisplayChunk::empty(samples_per_point as f64 / fs),
            fresh: false,
        }
    }

    /// Adds one frame's output (sample `index`); calls `emit` when a chunk is full.
    #[inline]
    pub fn push(&mut self, index: u64, out: &FrameOutput, emit: impl FnMut(&DisplayChunk)) {
        for c in 0..self.channels {
            self.lo[c] = self.lo[c].min(out.filtered[c]);
            self.hi[c] = self.hi[c].max(out.filtered[c]);
        }
        self.chunk.latest_sample = index;
        self.chunk.latest_envelope = out.envelope;
        self.chunk.latest_pairs = out.pairs;
        self.fresh = true;
        self.in_bucket += 1;
        if self.in_bucket < self.samples_per_point {
            return;
        }
        self.in_bucket = 0;
        let p = self.chunk.points;
        if p == 0 {
            self.chunk.first_time_s = index as f64 / self.fs;
        }
        for c in 0..self.channels {
            self.chunk.envelope[c][p] = out.envelope[c];
            self.chunk.signal_min[c][p] = self.lo[c];
            self.chunk.signal_max[c][p] = self.hi[c];
            self.lo[c] = f32::INFINITY;
            self.hi[c] = f32::NEG_INFINITY;
        }
        for k in 0..self.pairs {
            self.chunk.ratio[k][p] = out.pairs[k].ratio;
            self.chunk.cci[k][p] = out.pairs[k].cci;
        }
        self.chunk.points += 1;
        if self.chunk.points == CHUNK_POINTS {
            self.flush(emit);
        }
    }

    /// Emits the points gathered so far and the newest values (called after each block, so the UI is never
    /// behind by more than a block).
    pub fn flush(&mut self, mut emit: impl FnMut(&DisplayChunk)) {
        if self.chunk.points > 0 || self.fresh {
            emit(&self.chunk);
            self.chunk.points = 0;
            self.fresh = false;
        }
    }
}
