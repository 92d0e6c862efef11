//! The one pass over a recording, block by block and on every core.
//!
//! The calling thread ([`reader`]) reads the recording thousands of frames at a time, runs them through the
//! live chain ([`Processor::process_block`], so envelopes are bit-identical to the live view's) and copies
//! the outputs into a chunk frame by frame ([`chunk`]). Worker threads ([`worker`], one per core) each own
//! a share of the channels and pairs: they pick their channels out of every chunk and keep the running
//! sums, histogram, epochs (spectra and mains hum) and slowed envelope. Chunks come from a fixed pool, so
//! memory stays bounded whatever the recording's length. [`reference`] (tests only) is the frame-by-frame
//! pass this one is checked against.

use super::histogram::LogHistogram;
use super::quality::RawTracker;
use super::report::Epoch;
use super::{AnalyzeError, AnalyzeOptions, EnvelopeSink, OnsetSignal, REP_ENVELOPE_RATE_HZ};
use crate::dsp::cocontraction::falconer_winter;
use crate::dsp::spectrum;
use crate::dsp::{EffectiveDsp, MusclePair, Processor};
use crate::source::FrameGenerator;
use std::sync::Arc;
/// Chunks in existence (each about 256 KiB at 16 channels): the reader waits when all are in use.
const CHUNKS: usize = 4;

/// What the pass learnt about one channel.
pub(super) struct ChannelPass {
    pub envelope_hist: LogHistogram,
    pub envelope_sum: f64,
    pub envelope_peak: f64,
    pub raw: RawTracker,
    pub hum_power: f64,
    pub band_power: f64,
    pub epochs: Vec<Epoch>,
    /// The envelope at [`REP_ENVELOPE_RATE_HZ`]: sample `k` is frame `k * slow_every` (4 bytes per 5 ms).
    pub slow_envelope: Vec<f32>,
    /// Teager-Kaiser detection signal at the same rate (only with [`OnsetSignal::TeagerKaiser`]).
    pub slow_tke: Vec<f32>,
}

/// What the pass learnt about one agonist/antagonist pair.
#[derive(Default)]
pub(super) struct PairPass {
    pub total_ag: f64,
    pub total_ant: f64,
    pub total_rudolph: f64,
    pub total_ratio: f64,
    pub windows: Vec<f64>,
    pub epochs_fw: Vec<f64>,
    pub epochs_rudolph: Vec<f64>,
    // Running state, used only during the pass.
    window_ag: f64,
    window_ant: f64,
    epoch_ag: f64,
    epoch_ant: f64,
    epoch_rudolph: f64,
}

/// Everything the pass produced.
pub(super) struct Pass {
    /// Frames read.
    pub frames: u64,
    /// Processing parameters in force.
    pub effective: EffectiveDsp,
    /// Frames between two slowed-envelope samples.
    pub slow_every: u64,
    /// Seconds between two slowed-envelope samples.
    pub slow_dt: f64,
    /// Frames in one spectral epoch.
    pub epoch_len: u64,
    pub channels: Vec<ChannelPass>,
    pub pairs: Vec<PairPass>,
}

/// The pass's fixed settings, shared by every thread.
#[derive(Clone)]
pub(super) struct Setup {
    pub fs: f64,
    pub epoch_len: usize,
    pub window_len: usize,
    pub slow_every: u64,
    pub tke_on: bool,
    pub effective: EffectiveDsp,
    pub mains_hz: f64,
}

impl Setup {
    pub fn new(fs: f64, options: &AnalyzeOptions, effective: &EffectiveDsp) -> Self {
        Self {
            fs,
            epoch_len: ((options.epoch_s * fs).round() as usize).max(spectrum::segment_for(fs)),
            window_len: ((options.cci_window_s * fs).round() as usize).max(1),
            slow_every: ((fs / REP_ENVELOPE_RATE_HZ).round() as u64).max(1),
            tke_on: options.onset_signal == OnsetSignal::TeagerKaiser,
            effective: effective.clone(),
            mains_hz: options.dsp.notch.mains_hz,
        }
    }
}

/// Reads `source` to its end through the live chain.
pub(super) fn run(
    source: &mut dyn FrameGenerator,
    options: &AnalyzeOptions,
    pairs: &[MusclePair],
    progress: &mut dyn FnMut(u64),
    envelope: Option<&mut EnvelopeSink<'_>>,
) -> Result<Pass, AnalyzeError> {
    let info = source.info().clone();
    let channels = info.channels();
    // The chain runs without its pair bank: the pass sums each pair's ratio itself from the two
    // envelopes (the same single-precision quotient), and needs none of the bank's windowed values.
    crate::dsp::processor::check_pairs(channels, pairs)?;
    let mut processor = Processor::new(channels, info.sample_rate, &options.dsp, &[])?;
    let setup = Setup::new(info.sample_rate, options, processor.effective());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, channels.max(1));
    let (home, pool) = crossbeam_channel::bounded(CHUNKS);
    for _ in 0..CHUNKS {
        // Cannot fail: the pool has room for every chunk and its receiver is alive.
        let _ = home.send(Chunk::new(channels));
    }
    let mut channel_state: Vec<Option<ChannelPass>> = (0..channels).map(|_| None).collect();
    let mut pair_state: Vec<Option<PairPass>> = pairs.iter().map(|_| None).collect();
    let frames = std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(workers);
        let mut handles = Vec::with_capacity(workers);
        for w in 0..workers {
            let (tx, rx) = crossbeam_channel::bounded::<Arc<Loan>>(CHUNKS);
            let share = Share {
                channels: (w..channels).step_by(workers).collect(),
                pairs: pairs
                    .iter()
                    .copied()
                    .enumerate()
                    .skip(w)
                    .step_by(workers)
                    .collect(),
            };
            let setup = &setup;
            handles.push(scope.spawn(move || work(rx, share, setup)));
            senders.push(tx);
        }
        let mut reader = Reader {
            processor: &mut processor,
            home: &home,
            pool: &pool,
            senders: &senders,
            block: Box::new(crate::block::SampleBlock::new(0, channels)),
            input: Vec::new(),
        };
        let read = reader.read_all(source, progress, envelope);
        drop(senders);
        for h in handles {
            match h.join() {
                Ok((done_channels, done_pairs)) => {
                    done_channels
                        .into_iter()
                        .for_each(|(c, p)| channel_state[c] = Some(p));
                    done_pairs
                        .into_iter()
                        .for_each(|(k, p)| pair_state[k] = Some(p));
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        read
    })?;
    Ok(Pass {
        frames,
        effective: setup.effective.clone(),
        slow_every: setup.slow_every,
        slow_dt: setup.slow_every as f64 / setup.fs,
        epoch_len: setup.epoch_len as u64,
        channels: channel_state.into_iter().flatten().collect(),
        pairs: pair_state.into_iter().flatten().collect(),
    })
}

impl PairPass {
    /// Ends a Falconer & Winter window.
    pub(super) fn close_window(&mut self) {
        self.windows
            .push(falconer_winter(self.window_ag, self.window_ant));
        self.total_ag += self.window_ag;
        self.total_ant += self.window_ant;
        self.window_ag = 0.0;
        self.window_ant = 0.0;
    }

    /// Ends an epoch of `len` frames.
    pub(super) fn close_epoch(&mut self, len: usize) {
        self.epochs_fw
            .push(falconer_winter(self.epoch_ag, self.epoch_ant));
        self.epochs_rudolph.push(self.epoch_rudolph / len as f64);
        self.epoch_ag = 0.0;
        self.epoch_ant = 0.0;
        self.epoch_rudolph = 0.0;
    }

    /// Counts the last, partial window in the totals.
    pub(super) fn finish(&mut self) {
        self.total_ag += self.window_ag;
        self.total_ant += self.window_ant;
    }
}

impl Pass {
    /// The slowed envelope of channel `c` over frames `from..to` (sample `k` is frame `k * slow_every`).
    pub fn slow_span(&self, c: usize, from: u64, to: u64) -> &[f32] {
        let s = &self.channels[c].slow_envelope;
        let a = (from.div_ceil(self.slow_every) as usize).min(s.len());
        let b = (to.div_ceil(self.slow_every) as usize).clamp(a, s.len());
        &s[a..b]
    }

    /// Share of each epoch of channel `c` in which its envelope is at or above `threshold`.
    pub fn epoch_active_fraction(&self, c: usize, epoch: &Epoch, fs: f64, threshold: f64) -> f64 {
        let from = (epoch.start_s * fs).round() as u64;
        crate::dsp::fatigue::active_fraction(
            self.slow_span(c, from, from + self.epoch_len),
            threshold,
        )
    }
}

mod chunk;
mod pair_sums;
mod reader;
mod worker;

use chunk::{Chunk, Loan};
use reader::Reader;
use worker::{Share, work};

#[cfg(test)]
mod reference;
