//! The one pass over a recording: every frame through the live chain ([`Processor`]), and per channel and
//! pair the running sums, histograms, epochs and the slowed envelope that the reports are made from.

use super::histogram::LogHistogram;
use super::quality::{self, RawTracker};
use super::report::Epoch;
use super::{AnalyzeError, AnalyzeOptions, EnvelopeSink, OnsetSignal, REP_ENVELOPE_RATE_HZ};
use crate::block::MAX_CHANNELS;
use crate::dsp::cocontraction::{falconer_winter, rudolph};
use crate::dsp::spectrum::{self, Welch};
use crate::dsp::{EffectiveDsp, MusclePair, Processor};
use crate::source::FrameGenerator;

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
    // Running state, used only during the pass.
    bandpassed_epoch: Vec<f64>,
    filtered_epoch: Vec<f64>,
    epoch_env_sum: f64,
    epoch_env_sq: f64,
    tke: crate::dsp::moving_sum::MovingSum,
    last_two: [f64; 2],
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

/// Reads `source` to its end through the live chain.
pub(super) fn run(
    source: &mut dyn FrameGenerator,
    options: &AnalyzeOptions,
    pairs: &[MusclePair],
    progress: &mut dyn FnMut(u64),
    mut envelope: Option<&mut EnvelopeSink<'_>>,
) -> Result<Pass, AnalyzeError> {
    let info = source.info().clone();
    let fs = info.sample_rate;
    let channels = info.channels();
    let mut processor = Processor::new(channels, fs, &options.dsp, pairs)?;
    let effective = processor.effective().clone();
    let epoch_len = ((options.epoch_s * fs).round() as usize).max(spectrum::SEGMENT);
    let window_len = ((options.cci_window_s * fs).round() as usize).max(1);
    let mut epoch_closer = EpochCloser {
        welch: Welch::default(),
        hum_meter: quality::HumMeter::new(
            epoch_len,
            fs,
            options.dsp.notch.mains_hz,
            effective.bandpass_high_hz,
        ),
        fs,
        effective: effective.clone(),
    };
    let tke_on = options.onset_signal == OnsetSignal::TeagerKaiser;
    let mut state: Vec<ChannelPass> = (0..channels)
        .map(|_| ChannelPass {
            envelope_hist: LogHistogram::default(),
            envelope_sum: 0.0,
            envelope_peak: 0.0,
            raw: RawTracker::default(),
            hum_power: 0.0,
            band_power: 0.0,
            epochs: Vec::new(),
            slow_envelope: Vec::new(),
            slow_tke: Vec::new(),
            bandpassed_epoch: Vec::with_capacity(epoch_len),
            filtered_epoch: Vec::with_capacity(epoch_len),
            epoch_env_sum: 0.0,
            epoch_env_sq: 0.0,
            tke: crate::dsp::moving_sum::MovingSum::new(effective.envelope_window_samples),
            last_two: [0.0; 2],
        })
        .collect();
    let mut pair_state: Vec<PairPass> = pairs.iter().map(|_| PairPass::default()).collect();

    let mut frame = [0.0f32; MAX_CHANNELS];
    let mut frames: u64 = 0;
    let mut in_window = 0usize;
    let progress_every = fs.round().max(1.0) as u64;
    let slow_every = ((fs / REP_ENVELOPE_RATE_HZ).round() as u64).max(1);
    while source.next_frame(&mut frame[..channels])? {
        let out = processor.process_frame(&frame[..channels]);
        if let Some(sink) = envelope.as_deref_mut() {
            sink(&out.envelope[..channels])?;
        }
        let slow_sample = frames.is_multiple_of(slow_every);
        for (c, st) in state.iter_mut().enumerate() {
            let e = out.envelope[c] as f64;
            st.envelope_hist.add(e);
            st.envelope_sum += e;
            st.envelope_peak = st.envelope_peak.max(e);
            st.epoch_env_sum += e;
            st.epoch_env_sq += e * e;
            let tke_mean = if tke_on {
                // psi at the previous sample: x[n-1]^2 - x[n-2] x[n] (causal, one sample late).
                let x = out.filtered[c] as f64;
                let psi = (st.last_two[1] * st.last_two[1] - st.last_two[0] * x).abs();
                st.last_two = [st.last_two[1], x];
                st.tke.push(psi).max(0.0) / st.tke.len() as f64
            } else {
                0.0
            };
            if slow_sample {
                st.slow_envelope.push(e as f32);
                if tke_on {
                    st.slow_tke.push(tke_mean.sqrt() as f32);
                }
            }
            st.raw.add(frame[c]);
            st.bandpassed_epoch.push(out.bandpassed[c] as f64);
            st.filtered_epoch.push(out.filtered[c] as f64);
        }
        for (k, (pair, ps)) in pairs.iter().zip(pair_state.iter_mut()).enumerate() {
            let (ag, ant) = (
                out.envelope[pair.agonist] as f64,
                out.envelope[pair.antagonist] as f64,
            );
            ps.window_ag += ag;
            ps.window_ant += ant;
            ps.epoch_ag += ag;
            ps.epoch_ant += ant;
            let r = rudolph(ag, ant);
            ps.epoch_rudolph += r;
            ps.total_rudolph += r;
            ps.total_ratio += out.pairs[k].ratio as f64;
        }
        in_window += 1;
        if in_window == window_len {
            for ps in &mut pair_state {
                ps.windows
                    .push(falconer_winter(ps.window_ag, ps.window_ant));
                ps.total_ag += ps.window_ag;
                ps.total_ant += ps.window_ant;
                ps.window_ag = 0.0;
                ps.window_ant = 0.0;
            }
            in_window = 0;
        }
        frames += 1;
        if state[0].bandpassed_epoch.len() == epoch_len {
            let start_s = (frames - epoch_len as u64) as f64 / fs;
            for st in state.iter_mut() {
                epoch_closer.close(st, start_s);
            }
            for ps in &mut pair_state {
                ps.epochs_fw
                    .push(falconer_winter(ps.epoch_ag, ps.epoch_ant));
                ps.epochs_rudolph.push(ps.epoch_rudolph / epoch_len as f64);
                ps.epoch_ag = 0.0;
                ps.epoch_ant = 0.0;
                ps.epoch_rudolph = 0.0;
            }
        }
        if frames.is_multiple_of(progress_every) {
            progress(frames);
        }
    }
    progress(frames);
    for ps in &mut pair_state {
        ps.total_ag += ps.window_ag;
        ps.total_ant += ps.window_ant;
    }
    Ok(Pass {
        frames,
        effective,
        slow_every,
        slow_dt: slow_every as f64 / fs,
        epoch_len: epoch_len as u64,
        channels: state,
        pairs: pair_state,
    })
}

/// Turns a full epoch of one channel into its [`Epoch`] and its hum and band power.
struct EpochCloser {
    welch: Welch,
    hum_meter: quality::HumMeter,
    fs: f64,
    effective: EffectiveDsp,
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

impl EpochCloser {
    fn close(&mut self, st: &mut ChannelPass, start_s: f64) {
        let (low, high) = (
            self.effective.bandpass_low_hz,
            self.effective.bandpass_high_hz,
        );
        let n = st.filtered_epoch.len();
        let rms = (st.filtered_epoch.iter().map(|v| v * v).sum::<f64>() / n.max(1) as f64).sqrt();
        let freqs = self
            .welch
            .frequencies(&st.filtered_epoch, self.fs, low, high);
        let env_mean = st.epoch_env_sum / n.max(1) as f64;
        let env_sd = (st.epoch_env_sq / n.max(1) as f64 - env_mean * env_mean)
            .max(0.0)
            .sqrt();
        st.epoch_env_sum = 0.0;
        st.epoch_env_sq = 0.0;
        st.epochs.push(Epoch {
            start_s,
            rms_uv: rms,
            envelope_mean_uv: env_mean,
            envelope_sd_uv: env_sd,
            mdf_hz: freqs.map(|f| f.mdf_hz),
            mnf_hz: freqs.map(|f| f.mnf_hz),
            // Known once the channel's threshold is (after the pass).
            active_fraction: 0.0,
        });
        st.hum_power += self.hum_meter.power(&st.bandpassed_epoch) * n as f64;
        let segment = self.welch.segment();
        let df = self.fs / segment as f64;
        if let Some(power) = self.welch.psd(&st.bandpassed_epoch) {
            st.band_power += quality::band_variance(power, segment, df, low, high) * n as f64;
        }
        st.bandpassed_epoch.clear();
        st.filtered_epoch.clear();
    }
}
