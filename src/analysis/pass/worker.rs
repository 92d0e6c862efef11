//! A worker of the pass: its share of channels and pairs, their running statistics and their epochs.

use super::chunk::{Loan, Slices};
use super::{ChannelPass, PairPass, Setup};
use crate::analysis::histogram::LogHistogram;
use crate::analysis::quality::{self, RawTracker};
use crate::analysis::report::Epoch;
use crate::dsp::MusclePair;
use crate::dsp::moving_sum::MovingSum;
use crate::dsp::spectrum::{self, Welch};
use crossbeam_channel::Receiver;
use std::sync::Arc;

/// What one worker looks after: channels `c` and pairs `k` with `c % workers == w` (`k` likewise).
pub(super) struct Share {
    pub(super) channels: Vec<usize>,
    pub(super) pairs: Vec<(usize, MusclePair)>,
}

/// What a worker hands back.
pub(super) type Done = (Vec<(usize, ChannelPass)>, Vec<(usize, PairPass)>);

/// A worker: absorbs every chunk into its channels and pairs; returns them with their numbers.
pub(super) fn work(rx: Receiver<Arc<Loan>>, share: Share, setup: &Setup) -> Done {
    let mut closer = EpochCloser::new(setup);
    let mut channels: Vec<ChannelWork> = share
        .channels
        .iter()
        .map(|_| ChannelWork::new(setup))
        .collect();
    let mut pairs: Vec<PairPass> = share.pairs.iter().map(|_| PairPass::default()).collect();
    for loan in rx {
        let chunk = &loan.chunk;
        for (&c, st) in share.channels.iter().zip(channels.iter_mut()) {
            st.absorb_whole(&chunk.slices(c));
        }
        // Every channel has the same frames, so their epochs fill together and close together.
        let (n, mut i) = (chunk.frames, 0);
        while i < n {
            let filled = channels.first().map_or(0, |c| c.filtered.len());
            let j = (i + setup.epoch_len - filled).min(n);
            for (&c, st) in share.channels.iter().zip(channels.iter_mut()) {
                st.absorb_range(&chunk.slices(c), chunk.first, i, j, setup);
            }
            if filled + (j - i) == setup.epoch_len {
                let start_s = (chunk.first + j as u64 - setup.epoch_len as u64) as f64 / setup.fs;
                closer.close_all(&mut channels, start_s);
            }
            i = j;
        }
        super::pair_sums::absorb_all(&mut pairs, &share.pairs, chunk, setup);
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
pub(super) struct ChannelWork {
    pub(super) out: ChannelPass,
    pub(super) bandpassed: Vec<f32>,
    pub(super) filtered: Vec<f32>,
    pub(super) epoch_env_sum: f64,
    pub(super) epoch_env_sq: f64,
    pub(super) tke: MovingSum,
    pub(super) last_two: [f64; 2],
}

impl ChannelWork {
    pub(super) fn new(setup: &Setup) -> Self {
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
    pub(super) fn absorb_whole(&mut self, s: &Slices<'_>) {
        self.out.envelope_hist.add_all(s.envelope);
        self.out.raw.add_all(s.raw);
    }

    /// Takes in frames `[i, j)` of a chunk whose first frame is `first` (never past the epoch's end).
    pub(super) fn absorb_range(
        &mut self,
        s: &Slices<'_>,
        first: u64,
        i: usize,
        j: usize,
        setup: &Setup,
    ) {
        let (sum, square, peak) = sums(&s.envelope[i..j]);
        self.out.envelope_sum += sum;
        self.out.envelope_peak = self.out.envelope_peak.max(peak);
        self.epoch_env_sum += sum;
        self.epoch_env_sq += square;
        self.slow_down(s, first, i, j, setup);
        self.bandpassed.extend_from_slice(&s.bandpassed[i..j]);
        self.filtered.extend_from_slice(&s.filtered[i..j]);
    }

    /// Keeps every `slow_every`-th frame of `[i, j)` of the envelope (and of the Teager-Kaiser signal).
    pub(super) fn slow_down(
        &mut self,
        s: &Slices<'_>,
        first: u64,
        i: usize,
        j: usize,
        setup: &Setup,
    ) {
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

/// Sum, sum of squares and largest value of `x` in double precision, in eight partial sums each (one
/// running sum would wait on every addition; the order differs from it only by rounding).
fn sums(x: &[f32]) -> (f64, f64, f64) {
    const W: usize = 8;
    let (mut sum, mut square, mut peak) = ([0.0f64; W], [0.0f64; W], [0.0f64; W]);
    let chunks = x.chunks_exact(W);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..W {
            let v = c[i] as f64;
            sum[i] += v;
            square[i] += v * v;
            peak[i] = peak[i].max(v);
        }
    }
    let mut total = (sum.iter().sum::<f64>(), square.iter().sum::<f64>(), 0.0f64);
    total.2 = peak.iter().copied().fold(0.0, f64::max);
    for &v in rest {
        let v = v as f64;
        total.0 += v;
        total.1 += v * v;
        total.2 = total.2.max(v);
    }
    total
}

/// Turns a full epoch of one channel into its [`Epoch`] and its hum and band power (one per worker).
pub(super) struct EpochCloser {
    pub(super) welch: Welch,
    pub(super) hum_meter: quality::HumMeter,
    pub(super) fs: f64,
    pub(super) band: (f64, f64),
    /// Hum power per channel of the epoch being closed (reused).
    pub(super) hum: Vec<f64>,
}

impl EpochCloser {
    pub(super) fn new(setup: &Setup) -> Self {
        let e = &setup.effective;
        Self {
            welch: Welch::for_rate(setup.fs),
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
    pub(super) fn close_all(&mut self, channels: &mut [ChannelWork], start_s: f64) {
        let epochs: Vec<&[f32]> = channels.iter().map(|c| c.bandpassed.as_slice()).collect();
        self.hum.resize(channels.len(), 0.0);
        self.hum_meter.power_many(&epochs, &mut self.hum);
        for (k, st) in channels.iter_mut().enumerate() {
            let hum = self.hum[k];
            self.close(st, start_s, hum);
        }
    }

    pub(super) fn close(&mut self, st: &mut ChannelWork, start_s: f64, hum: f64) {
        let (low, high) = self.band;
        let n = st.filtered.len();
        let rms = (sums(&st.filtered).1 / n.max(1) as f64).sqrt();
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
