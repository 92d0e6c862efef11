//! The frame-by-frame pass the block-wise [`super::run`] replaced, kept to check it: one thread, every
//! statistic updated per frame, each epoch's spectra from two separate FFTs and the hum from double
//! precision input. `run` must give the same envelopes, histograms and pair statistics bit for bit, and
//! the sums (added in partial sums), epoch RMS and spectral figures to rounding (1e-9).

use super::*;
use crate::analysis::quality;
use crate::dsp::cocontraction::rudolph;
use crate::dsp::moving_sum::MovingSum;
use crate::dsp::spectrum::Welch;

struct RefChannel {
    out: ChannelPass,
    bandpassed_epoch: Vec<f64>,
    filtered_epoch: Vec<f64>,
    epoch_env_sum: f64,
    epoch_env_sq: f64,
    tke: MovingSum,
    last_two: [f64; 2],
}

/// Reads `source` to its end, frame by frame.
pub(super) fn run(
    source: &mut dyn FrameGenerator,
    options: &AnalyzeOptions,
    pairs: &[MusclePair],
) -> Result<Pass, AnalyzeError> {
    let info = source.info().clone();
    let fs = info.sample_rate;
    let channels = info.channels();
    let mut processor = Processor::new(channels, fs, &options.dsp, pairs)?;
    let setup = Setup::new(fs, options, processor.effective());
    let epoch_len = setup.epoch_len;
    let (low, high) = (
        setup.effective.bandpass_low_hz,
        setup.effective.bandpass_high_hz,
    );
    let mut welch = Welch::for_rate(fs);
    let mut hum_meter = quality::HumMeter::new(epoch_len, fs, setup.mains_hz, high);
    let mut state: Vec<RefChannel> = (0..channels)
        .map(|_| RefChannel {
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
            bandpassed_epoch: Vec::new(),
            filtered_epoch: Vec::new(),
            epoch_env_sum: 0.0,
            epoch_env_sq: 0.0,
            tke: MovingSum::new(setup.effective.envelope_window_samples),
            last_two: [0.0; 2],
        })
        .collect();
    let mut pair_state: Vec<PairPass> = pairs.iter().map(|_| PairPass::default()).collect();
    let mut frame = [0.0f32; crate::block::MAX_CHANNELS];
    let (mut frames, mut in_window) = (0u64, 0usize);
    while source.next_frame(&mut frame[..channels])? {
        let out = processor.process_frame(&frame[..channels]);
        let slow_sample = frames.is_multiple_of(setup.slow_every);
        for (c, st) in state.iter_mut().enumerate() {
            let e = out.envelope[c] as f64;
            st.out.envelope_hist.add(e);
            st.out.envelope_sum += e;
            st.out.envelope_peak = st.out.envelope_peak.max(e);
            st.epoch_env_sum += e;
            st.epoch_env_sq += e * e;
            let tke_mean = if setup.tke_on {
                let x = out.filtered[c] as f64;
                let psi = (st.last_two[1] * st.last_two[1] - st.last_two[0] * x).abs();
                st.last_two = [st.last_two[1], x];
                st.tke.push(psi).max(0.0) / st.tke.len() as f64
            } else {
                0.0
            };
            if slow_sample {
                st.out.slow_envelope.push(e as f32);
                if setup.tke_on {
                    st.out.slow_tke.push(tke_mean.sqrt() as f32);
                }
            }
            st.out.raw.add(frame[c]);
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
        if in_window == setup.window_len {
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
        if state[0].filtered_epoch.len() == epoch_len {
            let start_s = (frames - epoch_len as u64) as f64 / fs;
            for st in state.iter_mut() {
                let n = st.filtered_epoch.len();
                let rms = (st.filtered_epoch.iter().map(|v| v * v).sum::<f64>() / n as f64).sqrt();
                let freqs = welch.frequencies(&st.filtered_epoch, fs, low, high);
                let env_mean = st.epoch_env_sum / n as f64;
                let env_sd = (st.epoch_env_sq / n as f64 - env_mean * env_mean)
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
                    active_fraction: 0.0,
                });
                st.out.hum_power += hum_meter.power(&st.bandpassed_epoch) * n as f64;
                let segment = welch.segment();
                let df = fs / segment as f64;
                if let Some(power) = welch.psd(&st.bandpassed_epoch) {
                    st.out.band_power +=
                        quality::band_variance(power, segment, df, low, high) * n as f64;
                }
                st.bandpassed_epoch.clear();
                st.filtered_epoch.clear();
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
    }
    for ps in &mut pair_state {
        ps.total_ag += ps.window_ag;
        ps.total_ant += ps.window_ant;
    }
    Ok(Pass {
        frames,
        effective: setup.effective.clone(),
        slow_every: setup.slow_every,
        slow_dt: setup.slow_every as f64 / fs,
        epoch_len: epoch_len as u64,
        channels: state.into_iter().map(|s| s.out).collect(),
        pairs: pair_state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::simulator::{SimConfig, Simulator};
    use crate::source::take::Take;

    fn close(a: f64, b: f64, what: &str) {
        close_to(a, b, 1e-9, what);
    }

    fn close_to(a: f64, b: f64, relative: f64, what: &str) {
        assert!(
            (a - b).abs() <= relative * a.abs().max(b.abs()).max(1e-9),
            "{what}: {a} vs {b}"
        );
    }

    /// `run` against the frame-by-frame reference on the simulated board: 8 channels at 2 kHz and 5
    /// channels at 1 kHz (an odd count, so the workers' shares differ), each with both onset signals.
    #[test]
    fn block_wise_pass_equals_the_frame_by_frame_reference() {
        for (channels, rate, seconds) in [(8, 2000.0, 23.3), (5, 1000.0, 17.9)] {
            for onset_signal in [OnsetSignal::Rms, OnsetSignal::TeagerKaiser] {
                let options = AnalyzeOptions {
                    onset_signal,
                    ..AnalyzeOptions::default()
                };
                let source = || {
                    let config = SimConfig {
                        channels,
                        sample_rate: rate,
                        ..SimConfig::default()
                    };
                    Take::new(Simulator::new(config).unwrap(), (seconds * rate) as u64)
                };
                let pairs = source().info().pairs.clone();
                let mut progress_calls = 0;
                let new = super::super::run(
                    &mut source(),
                    &options,
                    &pairs,
                    &mut |_| progress_calls += 1,
                    None,
                )
                .unwrap();
                let old = run(&mut source(), &options, &pairs).unwrap();
                assert!(progress_calls > 0);
                assert_eq!(new.frames, old.frames);
                assert_eq!(new.frames, (seconds * rate) as u64);
                assert_eq!(new.channels.len(), channels);
                for (n, o) in new.channels.iter().zip(&old.channels) {
                    assert_eq!(n.slow_envelope, o.slow_envelope);
                    assert_eq!(n.slow_tke, o.slow_tke);
                    close(n.envelope_sum, o.envelope_sum, "envelope sum");
                    assert_eq!(n.envelope_peak, o.envelope_peak);
                    for q in [0.05, 0.5, 0.95, 0.98] {
                        assert_eq!(n.envelope_hist.quantile(q), o.envelope_hist.quantile(q));
                    }
                    assert_eq!(n.raw.distinct_values(), o.raw.distinct_values());
                    assert_eq!(n.raw.clipped_fraction(), o.raw.clipped_fraction());
                    close(n.hum_power, o.hum_power, "hum");
                    close_to(n.band_power, o.band_power, 1e-6, "band power");
                    assert_eq!(n.epochs.len(), o.epochs.len());
                    assert_eq!(n.epochs.len(), seconds as usize);
                    for (a, b) in n.epochs.iter().zip(&o.epochs) {
                        assert_eq!(a.start_s, b.start_s);
                        close(a.rms_uv, b.rms_uv, "epoch RMS");
                        close(
                            a.envelope_mean_uv,
                            b.envelope_mean_uv,
                            "epoch envelope mean",
                        );
                        close(a.envelope_sd_uv, b.envelope_sd_uv, "epoch envelope SD");
                        // The spectra come from single-precision FFTs, two signals per FFT in the
                        // pass and one in the reference: equal to a few parts in a million.
                        close_to(a.mdf_hz.unwrap(), b.mdf_hz.unwrap(), 1e-6, "MDF");
                        close_to(a.mnf_hz.unwrap(), b.mnf_hz.unwrap(), 1e-6, "MNF");
                    }
                }
                assert_eq!(new.pairs.len(), channels / 2);
                for (n, o) in new.pairs.iter().zip(&old.pairs) {
                    assert_eq!(n.windows, o.windows);
                    assert_eq!(n.epochs_fw, o.epochs_fw);
                    assert_eq!(n.epochs_rudolph, o.epochs_rudolph);
                    assert_eq!(
                        (n.total_ag, n.total_ant, n.total_rudolph, n.total_ratio),
                        (o.total_ag, o.total_ant, o.total_rudolph, o.total_ratio)
                    );
                }
            }
        }
    }
}
