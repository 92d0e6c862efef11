//! The one pass over a recording, block by block and on every core.
//!
//! The calling thread reads the recording many frames at a time, runs every frame through the live chain
//! ([`Processor`], so envelopes are bit-identical to the live view's), keeps the pair statistics, and lays
//! each chunk out per channel. Worker threads (one per core) own a share of the channels each and keep
//! their running sums, histogram, epochs (spectra and mains hum) and slowed envelope from those contiguous
//! slices. Chunks come from a fixed pool, so memory stays bounded whatever the recording's length.
//! `pass_reference.rs` (tests only) is the frame-by-frame version this one is checked against.

use super::histogram::LogHistogram;
use super::quality::{self, RawTracker};
use super::report::Epoch;
use super::{AnalyzeError, AnalyzeOptions, EnvelopeSink, OnsetSignal, REP_ENVELOPE_RATE_HZ};
use crate::dsp::cocontraction::{falconer_winter, rudolph};
use crate::dsp::moving_sum::MovingSum;
use crate::dsp::spectrum::{self, Welch};
use crate::dsp::{EffectiveDsp, MusclePair, Processor};
use crate::source::FrameGenerator;
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;

/// Frames per chunk handed to the workers.
const CHUNK_FRAMES: usize = 4096;
/// Frames per tile when a worker gathers its channels.
const TILE_FRAMES: usize = 64;
/// Chunks in existence (each about 1 MB at 16 channels): the reader waits when all are in use.
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
            epoch_len: ((options.epoch_s * fs).round() as usize).max(spectrum::SEGMENT),
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
    let mut processor = Processor::new(channels, info.sample_rate, &options.dsp, pairs)?;
    let setup = Setup::new(info.sample_rate, options, processor.effective());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, channels.max(1));
    let (home, pool) = crossbeam_channel::bounded(CHUNKS);
    for _ in 0..CHUNKS {
        // Cannot fail: the pool has room for every chunk and its receiver is alive.
        let _ = home.send(Chunk::new(channels, pairs.len()));
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

/// A chunk of the recording and the chain's output, frame by frame as the chain made it (frame `f`,
/// channel `c` at `f * channels + c`; pair `k`'s ratio at `f * pairs + k`). Each worker gathers its own
/// channels, so the reading thread only copies.
#[derive(Default)]
struct Chunk {
    /// Frame number of the chunk's first frame.
    first: u64,
    frames: usize,
    channels: usize,
    pairs: usize,
    raw: Vec<f32>,
    bandpassed: Vec<f32>,
    filtered: Vec<f32>,
    envelope: Vec<f32>,
    ratio: Vec<f32>,
}

impl Chunk {
    fn new(channels: usize, pairs: usize) -> Self {
        let n = channels * CHUNK_FRAMES;
        Self {
            first: 0,
            frames: 0,
            channels,
            pairs,
            raw: vec![0.0; n],
            bandpassed: vec![0.0; n],
            filtered: vec![0.0; n],
            envelope: vec![0.0; n],
            // At least one slot per frame, so frames zip with it even without pairs.
            ratio: vec![0.0; pairs.max(1) * CHUNK_FRAMES],
        }
    }
}

/// One channel's consecutive frames of a chunk, gathered by a worker.
#[derive(Default)]
struct Gathered {
    raw: Vec<f32>,
    bandpassed: Vec<f32>,
    filtered: Vec<f32>,
    envelope: Vec<f32>,
}

impl Gathered {
    /// Copies channels `mine` of `chunk` out of its frames into `into` (one per channel), reading each of
    /// the chunk's arrays once.
    fn gather(chunk: &Chunk, mine: &[usize], into: &mut [Gathered]) {
        let arrays: [(&[f32], fn(&mut Gathered) -> &mut Vec<f32>); 4] = [
            (&chunk.raw, |g| &mut g.raw),
            (&chunk.bandpassed, |g| &mut g.bandpassed),
            (&chunk.filtered, |g| &mut g.filtered),
            (&chunk.envelope, |g| &mut g.envelope),
        ];
        for (from, field) in arrays {
            let mut outs: Vec<&mut [f32]> = into
                .iter_mut()
                .map(|g| {
                    let v = field(g);
                    v.resize(chunk.frames, 0.0);
                    v.as_mut_slice()
                })
                .collect();
            // In tiles of frames small enough to stay in the first-level cache while every channel of
            // the share is picked out of them.
            let frames = &from[..chunk.frames * chunk.channels];
            for (t, tile) in frames.chunks(TILE_FRAMES * chunk.channels).enumerate() {
                let start = t * TILE_FRAMES;
                for (o, c) in outs.iter_mut().zip(mine) {
                    let o = &mut o[start..start + tile.len() / chunk.channels];
                    for (v, frame) in o.iter_mut().zip(tile.chunks_exact(chunk.channels)) {
                        *v = frame[*c];
                    }
                }
            }
        }
    }

    fn slices(&self) -> Slices<'_> {
        Slices {
            raw: &self.raw,
            bandpassed: &self.bandpassed,
            filtered: &self.filtered,
            envelope: &self.envelope,
        }
    }
}

/// One channel's consecutive frames.
struct Slices<'a> {
    raw: &'a [f32],
    bandpassed: &'a [f32],
    filtered: &'a [f32],
    envelope: &'a [f32],
}

/// A chunk lent to the workers: when the last of them lets go, it goes back to the pool.
struct Loan {
    chunk: Chunk,
    home: Sender<Chunk>,
}

impl Drop for Loan {
    fn drop(&mut self) {
        let _ = self.home.try_send(std::mem::take(&mut self.chunk));
    }
}

/// The calling thread's part: reading, the chain, and handing chunks out.
struct Reader<'a> {
    processor: &'a mut Processor,
    home: &'a Sender<Chunk>,
    pool: &'a Receiver<Chunk>,
    senders: &'a [Sender<Arc<Loan>>],
}

impl Reader<'_> {
    /// Reads to the end; returns the frames read.
    fn read_all(
        &mut self,
        source: &mut dyn FrameGenerator,
        progress: &mut dyn FnMut(u64),
        mut envelope: Option<&mut EnvelopeSink<'_>>,
    ) -> Result<u64, AnalyzeError> {
        let channels = self.processor.channels();
        let pairs = self.processor.pairs().len();
        let mut frames = 0u64;
        loop {
            let Ok(mut chunk) = self.pool.recv() else {
                break;
            };
            let n = source.next_frames(&mut chunk.raw)?;
            if n == 0 {
                break;
            }
            chunk.first = frames;
            chunk.frames = n;
            let c = &mut chunk;
            let outputs = (c.bandpassed.chunks_exact_mut(channels))
                .zip(c.filtered.chunks_exact_mut(channels))
                .zip(c.envelope.chunks_exact_mut(channels))
                .zip(c.ratio.chunks_exact_mut(pairs.max(1)));
            for (frame, (((bp, filt), env), ratio)) in
                c.raw.chunks_exact(channels).zip(outputs).take(n)
            {
                let out = self.processor.process_frame(frame);
                bp.copy_from_slice(&out.bandpassed[..channels]);
                filt.copy_from_slice(&out.filtered[..channels]);
                env.copy_from_slice(&out.envelope[..channels]);
                for (r, p) in ratio.iter_mut().zip(&out.pairs[..pairs]) {
                    *r = p.ratio;
                }
                if let Some(sink) = envelope.as_deref_mut() {
                    sink(&out.envelope[..channels])?;
                }
            }
            frames += n as u64;
            let loan = Arc::new(Loan {
                chunk,
                home: self.home.clone(),
            });
            for s in self.senders {
                // A worker gone means it panicked; joining it reports that.
                if s.send(Arc::clone(&loan)).is_err() {
                    return Ok(frames);
                }
            }
            progress(frames);
        }
        Ok(frames)
    }
}

impl PairPass {
    /// Adds one frame's envelopes and ratio.
    #[inline]
    pub(super) fn add(&mut self, ag: f64, ant: f64, ratio: f64) {
        self.window_ag += ag;
        self.window_ant += ant;
        self.epoch_ag += ag;
        self.epoch_ant += ant;
        let r = rudolph(ag, ant);
        self.epoch_rudolph += r;
        self.total_rudolph += r;
        self.total_ratio += ratio;
    }

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

    /// Takes in pair `k` (`pair`) of every frame of `chunk`, closing windows and epochs on the way (both
    /// counted from the recording's first frame).
    fn absorb(&mut self, chunk: &Chunk, k: usize, pair: &MusclePair, setup: &Setup) {
        let env = chunk.envelope.chunks_exact(chunk.channels);
        let ratio = chunk.ratio.chunks_exact(chunk.pairs);
        for (f, (e, r)) in env.zip(ratio).take(chunk.frames).enumerate() {
            self.add(
                e[pair.agonist] as f64,
                e[pair.antagonist] as f64,
                r[k] as f64,
            );
            let done = chunk.first + f as u64 + 1;
            if done.is_multiple_of(setup.window_len as u64) {
                self.close_window();
            }
            if done.is_multiple_of(setup.epoch_len as u64) {
                self.close_epoch(setup.epoch_len);
            }
        }
    }

    /// Counts the last, partial window in the totals.
    pub(super) fn finish(&mut self) {
        self.total_ag += self.window_ag;
        self.total_ant += self.window_ant;
    }
}

/// What one worker looks after: channels `c` and pairs `k` with `c % workers == w` (`k` likewise).
struct Share {
    channels: Vec<usize>,
    pairs: Vec<(usize, MusclePair)>,
}

/// What a worker hands back.
type Done = (Vec<(usize, ChannelPass)>, Vec<(usize, PairPass)>);

/// A worker: absorbs every chunk into its channels and pairs; returns them with their numbers.
fn work(rx: Receiver<Arc<Loan>>, share: Share, setup: &Setup) -> Done {
    let mut closer = EpochCloser::new(setup);
    let mut channels: Vec<ChannelWork> = share
        .channels
        .iter()
        .map(|_| ChannelWork::new(setup))
        .collect();
    let mut pairs: Vec<PairPass> = share.pairs.iter().map(|_| PairPass::default()).collect();
    let mut gathered: Vec<Gathered> = share.channels.iter().map(|_| Gathered::default()).collect();
    for loan in rx {
        let chunk = &loan.chunk;
        Gathered::gather(chunk, &share.channels, &mut gathered);
        for (g, st) in gathered.iter().zip(channels.iter_mut()) {
            st.absorb_whole(&g.slices());
        }
        // Every channel has the same frames, so their epochs fill together and close together.
        let (n, mut i) = (chunk.frames, 0);
        while i < n {
            let filled = channels.first().map_or(0, |c| c.filtered.len());
            let j = (i + setup.epoch_len - filled).min(n);
            for (g, st) in gathered.iter().zip(channels.iter_mut()) {
                st.absorb_range(&g.slices(), chunk.first, i, j, setup);
            }
            if filled + (j - i) == setup.epoch_len {
                let start_s = (chunk.first + j as u64 - setup.epoch_len as u64) as f64 / setup.fs;
                closer.close_all(&mut channels, start_s);
            }
            i = j;
        }
        for ((k, pair), ps) in share.pairs.iter().zip(pairs.iter_mut()) {
            ps.absorb(chunk, *k, pair, setup);
        }
    }
    pairs.iter_mut().for_each(PairPass::finish);
    (
        share
            .channels
            .into_iter()
            .zip(channels.into_iter().map(|s| s.out))
            .collect(),
        share.pairs.into_iter().map(|(k, _)| k).zip(pairs).collect(),
    )
}

/// One channel during the pass: what it has learnt, and the epoch being filled.
struct ChannelWork {
    out: ChannelPass,
    bandpassed: Vec<f32>,
    filtered: Vec<f32>,
    epoch_env_sum: f64,
    epoch_env_sq: f64,
    tke: MovingSum,
    last_two: [f64; 2],
}

impl ChannelWork {
    fn new(setup: &Setup) -> Self {
        Self {
            out: ChannelPass {
                envelope_hist: LogHistogram::default(),
                envelope_sum: 0.0,
                envelope_peak: 0.0,
                raw: RawTracker::default(),
                hum_power: 0.0,
                band_power: 0.0,
                epochs: Vec::new(),
                slow_envelope: Vec::new(),
                slow_tke: Vec::new(),
            },
            bandpassed: Vec::with_capacity(setup.epoch_len),
            filtered: Vec::with_capacity(setup.epoch_len),
            epoch_env_sum: 0.0,
            epoch_env_sq: 0.0,
            tke: MovingSum::new(setup.effective.envelope_window_samples),
            last_two: [0.0; 2],
        }
    }

    /// Takes in a chunk's frames for what does not depend on epochs: the histogram and the raw range.
    fn absorb_whole(&mut self, s: &Slices<'_>) {
        self.out.envelope_hist.add_all(s.envelope);
        self.out.raw.add_all(s.raw);
    }

    /// Takes in frames `[i, j)` of a chunk whose first frame is `first` (never past the epoch's end).
    fn absorb_range(&mut self, s: &Slices<'_>, first: u64, i: usize, j: usize, setup: &Setup) {
        let (mut sum, mut peak) = (self.out.envelope_sum, self.out.envelope_peak);
        let (mut esum, mut esq) = (self.epoch_env_sum, self.epoch_env_sq);
        for &e in &s.envelope[i..j] {
            let e = e as f64;
            sum += e;
            peak = peak.max(e);
            esum += e;
            esq += e * e;
        }
        (self.out.envelope_sum, self.out.envelope_peak) = (sum, peak);
        (self.epoch_env_sum, self.epoch_env_sq) = (esum, esq);
        self.slow_down(s, first, i, j, setup);
        self.bandpassed.extend_from_slice(&s.bandpassed[i..j]);
        self.filtered.extend_from_slice(&s.filtered[i..j]);
    }

    /// Keeps every `slow_every`-th frame of `[i, j)` of the envelope (and of the Teager-Kaiser signal).
    fn slow_down(&mut self, s: &Slices<'_>, first: u64, i: usize, j: usize, setup: &Setup) {
        let every = setup.slow_every;
        let next_slow = |k: usize| -> usize {
            let g = first + k as u64;
            k + ((every - g % every) % every) as usize
        };
        if setup.tke_on {
            for k in i..j {
                // psi at the previous sample: x[n-1]^2 - x[n-2] x[n] (causal, one sample late).
                let x = s.filtered[k] as f64;
                let psi = (self.last_two[1] * self.last_two[1] - self.last_two[0] * x).abs();
                self.last_two = [self.last_two[1], x];
                let mean = self.tke.push(psi).max(0.0) / self.tke.len() as f64;
                if (first + k as u64).is_multiple_of(every) {
                    self.out.slow_tke.push(mean.sqrt() as f32);
                }
            }
        }
        let mut k = next_slow(i);
        while k < j {
            self.out.slow_envelope.push(s.envelope[k]);
            k += every as usize;
        }
    }
}

/// Turns a full epoch of one channel into its [`Epoch`] and its hum and band power (one per worker).
struct EpochCloser {
    welch: Welch,
    hum_meter: quality::HumMeter,
    fs: f64,
    band: (f64, f64),
    /// Hum power per channel of the epoch being closed (reused).
    hum: Vec<f64>,
}

impl EpochCloser {
    fn new(setup: &Setup) -> Self {
        let e = &setup.effective;
        Self {
            welch: Welch::default(),
            hum_meter: quality::HumMeter::new(
                setup.epoch_len,
                setup.fs,
                setup.mains_hz,
                e.bandpass_high_hz,
            ),
            fs: setup.fs,
            band: (e.bandpass_low_hz, e.bandpass_high_hz),
            hum: Vec::new(),
        }
    }

    /// Closes the full epoch of every channel in `channels`: mains hum for all at once, then each one's
    /// spectra and statistics.
    fn close_all(&mut self, channels: &mut [ChannelWork], start_s: f64) {
        let epochs: Vec<&[f32]> = channels.iter().map(|c| c.bandpassed.as_slice()).collect();
        self.hum.resize(channels.len(), 0.0);
        self.hum_meter.power_many(&epochs, &mut self.hum);
        for (k, st) in channels.iter_mut().enumerate() {
            let hum = self.hum[k];
            self.close(st, start_s, hum);
        }
    }

    fn close(&mut self, st: &mut ChannelWork, start_s: f64, hum: f64) {
        let (low, high) = self.band;
        let n = st.filtered.len();
        let rms = (st
            .filtered
            .iter()
            .map(|v| *v as f64 * *v as f64)
            .sum::<f64>()
            / n.max(1) as f64)
            .sqrt();
        let segment = self.welch.segment();
        let df = self.fs / segment as f64;
        let (freqs, band) = match self.welch.psd_pair(&st.filtered, &st.bandpassed) {
            Some((filtered, bandpassed)) => (
                spectrum::band_frequencies(filtered, df, low, high),
                Some(quality::band_variance(bandpassed, segment, df, low, high)),
            ),
            None => (None, None),
        };
        let env_mean = st.epoch_env_sum / n.max(1) as f64;
        let env_sd = (st.epoch_env_sq / n.max(1) as f64 - env_mean * env_mean)
            .max(0.0)
            .sqrt();
        st.epoch_env_sum = 0.0;
        st.epoch_env_sq = 0.0;
        st.out.epochs.push(Epoch {
            start_s,
            rms_uv: rms,
            envelope_mean_uv: env_mean,
            envelope_sd_uv: env_sd,
            mdf_hz: freqs.map(|f| f.mdf_hz),
            mnf_hz: freqs.map(|f| f.mnf_hz),
            // Known once the channel's threshold is (after the pass).
            active_fraction: 0.0,
        });
        st.out.hum_power += hum * n as f64;
        if let Some(band) = band {
            st.out.band_power += band * n as f64;
        }
        st.bandpassed.clear();
        st.filtered.clear();
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

#[cfg(test)]
#[path = "pass_reference.rs"]
mod reference;
