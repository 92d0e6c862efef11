//! The simulated board: realistic multi-channel sEMG in microvolts, deterministic from a seed, no hardware.
//!
//! Per channel: Gaussian noise shaped to an sEMG-like spectrum (one-pole high-pass at 30 Hz, two one-pole
//! low-passes at 120 Hz that slide down as the muscle fatigues, normalised to unit variance) times an
//! amplitude that follows the workout (see [`super::workout`]), plus mains hum with a third harmonic,
//! baseline wander, a DC offset and broadband electrode noise. Channels come in agonist/antagonist pairs.
//!
//! The random generator is a hand-written SplitMix64 so a seed gives the same signal forever, whatever
//! version of a random-number crate is current: recorded fixtures and test expectations stay valid.

use super::workout;
use super::{FrameGenerator, SourceError, StreamInfo};
use crate::block::MAX_CHANNELS;
use crate::dsp::MusclePair;
use std::f64::consts::PI;

/// Muscle names for the simulated channels, in agonist/antagonist pairs.
pub const SIM_MUSCLES: [&str; MAX_CHANNELS] = [
    "Biceps brachii",
    "Triceps brachii",
    "Vastus lateralis",
    "Biceps femoris",
    "Tibialis anterior",
    "Gastrocnemius",
    "Anterior deltoid",
    "Posterior deltoid",
    "Rectus abdominis",
    "Erector spinae",
    "Wrist flexors",
    "Wrist extensors",
    "Pectoralis major",
    "Rhomboids",
    "Gluteus maximus",
    "Iliopsoas",
];

/// Each further pair runs the workout this much later, so the traces are not identical.
const PAIR_OFFSET_S: f64 = 0.7;
/// How often the fatigue-dependent spectral shaping is re-designed, s.
const SHAPING_UPDATE_S: f64 = 0.05;
/// High-pass corner of the sEMG spectral shape, Hz.
const SHAPE_HIGHPASS_HZ: f64 = 30.0;
/// Low-pass corner of the sEMG spectral shape when fresh, Hz.
const SHAPE_LOWPASS_HZ: f64 = 120.0;

/// Settings of the simulated board.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Channels, 1..=16.
    pub channels: usize,
    /// Sample rate in Hz, 250..=10000 (10 kHz for the SpikerBoxes' rates).
    pub sample_rate: f64,
    /// Seed: the same seed gives the same signal.
    pub seed: u64,
    /// Mains frequency of the simulated hum, Hz.
    pub mains_hz: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            channels: 4,
            sample_rate: 2000.0,
            seed: 1,
            mains_hz: 50.0,
        }
    }
}

impl SimConfig {
    /// Checks the ranges the board supports.
    pub fn validate(&self) -> Result<(), SourceError> {
        if !(1..=MAX_CHANNELS).contains(&self.channels) {
            return Err(SourceError::Config(format!(
                "the simulator has 1 to {MAX_CHANNELS} channels, not {}",
                self.channels
            )));
        }
        if !(250.0..=10_000.0).contains(&self.sample_rate) {
            return Err(SourceError::Config(format!(
                "the simulator samples at 250 to 10000 Hz, not {}",
                self.sample_rate
            )));
        }
        Ok(())
    }
}

/// SplitMix64: tiny, fast, and fixed forever (see the module comment).
#[derive(Clone, Debug)]
struct SplitMix64 {
    state: u64,
    spare: Option<f64>,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        Self {
            state: seed,
            spare: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller, both values used).
    fn gaussian(&mut self) -> f64 {
        if let Some(v) = self.spare.take() {
            return v;
        }
        let r = (-2.0 * self.uniform().ln()).sqrt();
        let theta = 2.0 * PI * self.uniform();
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }
}

/// Whether a simulated channel leads the movement or opposes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The target muscle.
    Agonist,
    /// The opposing muscle.
    Antagonist,
}

/// One simulated electrode.
#[derive(Clone, Debug)]
struct SimChannel {
    role: Role,
    time_offset_s: f64,
    peak_uv: f64,
    floor_uv: f64,
    hum_uv: f64,
    wander_uv: f64,
    wander_hz: f64,
    offset_uv: f64,
    electrode_noise_uv: f64,
    rng: SplitMix64,
    // Spectral shaping state and coefficients.
    hp_prev_in: f64,
    hp_prev_out: f64,
    lp1: f64,
    lp2: f64,
    hp_coef: f64,
    lp_coef: f64,
    norm: f64,
}

/// The board's spectral shaping at one moment: a one-pole high-pass and two one-pole low-passes.
#[derive(Clone, Copy, Debug)]
pub struct EmgShape {
    hp: f64,
    lp: f64,
}

impl EmgShape {
    /// |H|^2 at the angular frequency whose cosine and sine are `c` and `s`.
    pub fn power(&self, c: f64, s: f64) -> f64 {
        let (hp, lp) = (self.hp, self.lp);
        // One-pole high-pass y = hp * (y1 + x - x1): H = hp (1 - z^-1) / (1 - hp z^-1).
        let hp_mag =
            hp * hp * ((1.0 - c).powi(2) + s * s) / ((1.0 - hp * c).powi(2) + (hp * s).powi(2));
        // One-pole low-pass y = (1 - lp) x + lp y1, twice.
        let lp_mag = (1.0 - lp).powi(2) / ((1.0 - lp * c).powi(2) + (lp * s).powi(2));
        hp_mag * lp_mag * lp_mag
    }
}

/// Power gain (mean of |H|^2 over 0..Nyquist) of the shaping chain: divides the shaped noise back to unit
/// variance so the amplitude is exactly the truth envelope.
fn shaping_power_gain(hp: f64, lp: f64) -> f64 {
    const POINTS: usize = 256;
    let shape = EmgShape { hp, lp };
    let sum: f64 = (0..POINTS)
        .map(|i| {
            let w = PI * (i as f64 + 0.5) / POINTS as f64;
            shape.power(w.cos(), w.sin())
        })
        .sum();
    sum / POINTS as f64
}

impl SimChannel {
    fn redesign(&mut self, fs: f64, scale: f64) {
        self.hp_coef = (-2.0 * PI * SHAPE_HIGHPASS_HZ * scale / fs).exp();
        self.lp_coef = (-2.0 * PI * SHAPE_LOWPASS_HZ * scale / fs).exp();
        self.norm = 1.0 / shaping_power_gain(self.hp_coef, self.lp_coef).sqrt();
    }

    fn shaped_noise(&mut self) -> f64 {
        let x = self.rng.gaussian();
        let hp = self.hp_coef * (self.hp_prev_out + x - self.hp_prev_in);
        self.hp_prev_in = x;
        self.hp_prev_out = hp;
        self.lp1 = (1.0 - self.lp_coef) * hp + self.lp_coef * self.lp1;
        self.lp2 = (1.0 - self.lp_coef) * self.lp1 + self.lp_coef * self.lp2;
        self.lp2 * self.norm
    }
}

/// The simulated board. Call [`FrameGenerator::next_frame`] for each sample; ask the `truth_*` methods what
/// the signal really contains.
#[derive(Clone, Debug)]
pub struct Simulator {
    config: SimConfig,
    info: StreamInfo,
    channels: Vec<SimChannel>,
    sample: u64,
    samples_per_update: u64,
}

impl Simulator {
    /// A board with the given settings.
    pub fn new(config: SimConfig) -> Result<Self, SourceError> {
        config.validate()?;
        let fs = config.sample_rate;
        let mut setup = SplitMix64::new(config.seed ^ 0xA5A5_5A5A_0F0F_F0F0);
        let channels: Vec<SimChannel> = (0..config.channels)
            .map(|c| {
                let role = if c % 2 == 0 {
                    Role::Agonist
                } else {
                    Role::Antagonist
                };
                let mut u = || setup.uniform();
                let mut ch = SimChannel {
                    role,
                    time_offset_s: (c / 2) as f64 * PAIR_OFFSET_S,
                    peak_uv: match role {
                        Role::Agonist => 250.0 + 150.0 * u(),
                        Role::Antagonist => 150.0 + 100.0 * u(),
                    },
                    floor_uv: 2.0 + 2.0 * u(),
                    hum_uv: 10.0 + 20.0 * u(),
                    wander_uv: 50.0 + 100.0 * u(),
                    wander_hz: 0.15 + 0.3 * u(),
                    offset_uv: 100.0 * (u() - 0.5),
                    electrode_noise_uv: 1.0,
                    rng: SplitMix64::new(
                        config.seed.wrapping_mul(0x2545_F491_4F6C_DD1D)
                            ^ (c as u64 + 1).wrapping_mul(0x9E37_79B9),
                    ),
                    hp_prev_in: 0.0,
                    hp_prev_out: 0.0,
                    lp1: 0.0,
                    lp2: 0.0,
                    hp_coef: 0.0,
                    lp_coef: 0.0,
                    norm: 1.0,
                };
                ch.redesign(fs, 1.0);
                ch
            })
            .collect();
        let pairs = (0..config.channels / 2)
            .map(|p| MusclePair {
                agonist: 2 * p,
                antagonist: 2 * p + 1,
            })
            .collect();
        let info = StreamInfo {
            description: format!(
                "Simulated board ({} ch, seed {})",
                config.channels, config.seed
            ),
            kind: super::SourceKind::Simulator,
            sample_rate: fs,
            channel_names: SIM_MUSCLES[..config.channels]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            pairs,
        };
        let samples_per_update = ((SHAPING_UPDATE_S * fs).round() as u64).max(1);
        Ok(Self {
            config,
            info,
            channels,
            sample: 0,
            samples_per_update,
        })
    }

    /// The settings this board was made with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Workout time (s) of channel `c` at stream time `t`: each pair runs the workout a little later.
    pub fn workout_time(&self, c: usize, t: f64) -> f64 {
        (t - self.channels[c].time_offset_s).max(0.0)
    }

    /// Activation (0..1) of channel `c` at stream time `t` s.
    pub fn truth_activation(&self, c: usize, t: f64) -> f64 {
        let w = self.workout_time(c, t);
        match self.channels[c].role {
            Role::Agonist => workout::agonist_activation(w),
            Role::Antagonist => workout::antagonist_activation(w),
        }
    }

    /// The true RMS amplitude (uV) of channel `c`'s EMG component at sample `n`: what an ideal envelope reads.
    pub fn truth_envelope(&self, c: usize, n: u64) -> f64 {
        let ch = &self.channels[c];
        let t = n as f64 / self.config.sample_rate;
        ch.floor_uv + ch.peak_uv * self.truth_activation(c, t)
    }

    /// The channel's maximal voluntary contraction level: its RMS amplitude at full activation, uV.
    pub fn truth_mvc_uv(&self, c: usize) -> f64 {
        self.channels[c].floor_uv + self.channels[c].peak_uv
    }

    /// Median frequency (Hz) of channel `c`'s EMG component at stream time `t`, within `[low, high]` Hz:
    /// computed from the shaping filters' own spectrum, so it is exact up to a 0.1 Hz grid.
    pub fn truth_median_frequency(&self, c: usize, t: f64, low: f64, high: f64) -> f64 {
        self.truth_frequencies(c, t, low, high).0
    }

    /// Mean frequency (Hz) of channel `c`'s EMG component at stream time `t`, within `[low, high]` Hz, from
    /// the same spectrum.
    pub fn truth_mean_frequency(&self, c: usize, t: f64, low: f64, high: f64) -> f64 {
        self.truth_frequencies(c, t, low, high).1
    }

    /// The shape of channel `c`'s EMG power spectrum at stream time `t`, at `f` Hz (unnormalised: only
    /// ratios between frequencies mean anything).
    pub fn truth_emg_power(&self, c: usize, t: f64, f: f64) -> f64 {
        let w = 2.0 * PI * f / self.config.sample_rate;
        self.truth_emg_shape(c, t).power(w.cos(), w.sin())
    }

    /// The shaping chain of channel `c` at stream time `t`, to evaluate its spectrum at many frequencies.
    pub fn truth_emg_shape(&self, c: usize, t: f64) -> EmgShape {
        let fs = self.config.sample_rate;
        let scale = self.truth_spectral_scale(c, t);
        EmgShape {
            hp: (-2.0 * PI * SHAPE_HIGHPASS_HZ * scale / fs).exp(),
            lp: (-2.0 * PI * SHAPE_LOWPASS_HZ * scale / fs).exp(),
        }
    }

    /// The area under [`Self::truth_emg_power`] over `[0, fs/2]` Hz (the shaping chain's power gain times
    /// the band's width, as the board normalises its noise): dividing by it turns the shape into a spectrum
    /// whose total is one, so the amplitude squared scales it to uV^2.
    pub fn truth_emg_shape_area(&self, c: usize, t: f64) -> f64 {
        let shape = self.truth_emg_shape(c, t);
        (shaping_power_gain(shape.hp, shape.lp) * self.config.sample_rate / 2.0)
            .max(f64::MIN_POSITIVE)
    }

    /// (MDF, MNF) of the shaping filters' spectrum on a 0.1 Hz grid over `[low, high]`.
    fn truth_frequencies(&self, c: usize, t: f64, low: f64, high: f64) -> (f64, f64) {
        let grid: Vec<(f64, f64)> = (0..)
            .map(|i| low + i as f64 * 0.1)
            .take_while(|f| *f <= high)
            .map(|f| (f, self.truth_emg_power(c, t, f)))
            .collect();
        crate::dsp::spectrum::grid_frequencies(&grid).unwrap_or((high, 0.0))
    }

    /// Spectral compression of channel `c` at stream time `t` (1 = fresh).
    pub fn truth_spectral_scale(&self, c: usize, t: f64) -> f64 {
        workout::spectral_scale(self.workout_time(c, t))
    }

    /// Reps channel `c`'s pair performs with onsets in `[from_s, to_s)` of stream time.
    pub fn truth_reps(&self, c: usize, from_s: f64, to_s: f64) -> Vec<workout::RepTruth> {
        let off = self.channels[c].time_offset_s;
        workout::reps_between(from_s - off, to_s - off)
            .into_iter()
            .map(|r| workout::RepTruth {
                onset_s: r.onset_s + off,
                offset_s: r.offset_s + off,
                ..r
            })
            .collect()
    }
}

impl FrameGenerator for Simulator {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        let fs = self.config.sample_rate;
        let n = self.sample;
        let t = n as f64 / fs;
        let update = n.is_multiple_of(self.samples_per_update);
        let mains = 2.0 * PI * self.config.mains_hz * t;
        for c in 0..self.channels.len() {
            let amplitude = self.truth_envelope(c, n);
            let scale = if update {
                self.truth_spectral_scale(c, t)
            } else {
                0.0
            };
            let ch = &mut self.channels[c];
            if update {
                ch.redesign(fs, scale);
            }
            let emg = amplitude * ch.shaped_noise();
            let hum = ch.hum_uv * (mains.sin() + 0.15 * (3.0 * mains).sin());
            let wander = ch.wander_uv * (2.0 * PI * ch.wander_hz * t).sin() + ch.offset_uv;
            let electrode = ch.electrode_noise_uv * ch.rng.gaussian();
            if let Some(out) = frame.get_mut(c) {
                *out = (emg + hum + wander + electrode) as f32;
            }
        }
        self.sample += 1;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_signal_other_seed_other_signal() {
        let make = |seed| {
            let mut s = Simulator::new(SimConfig {
                seed,
                ..SimConfig::default()
            })
            .unwrap();
            let mut f = [0.0f32; 4];
            (0..2000)
                .map(|_| {
                    s.next_frame(&mut f).unwrap();
                    f
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(make(3), make(3));
        assert_ne!(make(3), make(4));
    }

    #[test]
    fn shaped_noise_has_unit_variance() {
        let mut s = Simulator::new(SimConfig::default()).unwrap();
        let n = 200_000;
        let var: f64 = (0..n)
            .map(|_| s.channels[0].shaped_noise().powi(2))
            .sum::<f64>()
            / n as f64;
        assert!((var - 1.0).abs() < 0.03, "variance {var}");
    }

    /// Median frequency of `x` at `fs` from an averaged periodogram (1024-sample segments).
    fn median_frequency(x: &[f64], fs: f64) -> f64 {
        use rustfft::num_complex::Complex64;
        let n = 1024;
        let fft = rustfft::FftPlanner::new().plan_fft_forward(n);
        let mut power = vec![0.0; n / 2];
        for seg in x.chunks_exact(n) {
            let mut buf: Vec<Complex64> = seg.iter().map(|&v| Complex64::new(v, 0.0)).collect();
            fft.process(&mut buf);
            for (k, p) in power.iter_mut().enumerate() {
                *p += buf[k].norm_sqr();
            }
        }
        let total: f64 = power.iter().sum();
        let mut acc = 0.0;
        for (k, p) in power.iter().enumerate() {
            acc += p;
            if acc >= total / 2.0 {
                return k as f64 * fs / n as f64;
            }
        }
        fs / 2.0
    }

    #[test]
    fn fatigue_compresses_the_spectrum_in_proportion() {
        let fs = 2000.0;
        let mut s = Simulator::new(SimConfig::default()).unwrap();
        let mut mdf_at = |scale: f64| {
            let ch = &mut s.channels[0];
            ch.redesign(fs, scale);
            let x: Vec<f64> = (0..1 << 17).map(|_| ch.shaped_noise()).collect();
            median_frequency(&x, fs)
        };
        let fresh = mdf_at(1.0);
        let tired = mdf_at(1.0 - workout::SET_FATIGUE);
        // A realistic sEMG median frequency, and a decline close to the modelled 20 %.
        assert!((50.0..150.0).contains(&fresh), "fresh MDF {fresh} Hz");
        let ratio = tired / fresh;
        assert!(
            (ratio - 0.8).abs() < 0.04,
            "MDF ratio {ratio} ({tired} / {fresh} Hz)"
        );
        // And the truth tells the tests where in the set the muscle is.
        assert_eq!(s.truth_spectral_scale(0, 1.0), 1.0);
        let end_of_set = workout::REST_BEFORE_SET_S + workout::SET_S - 0.01;
        assert!((s.truth_spectral_scale(0, end_of_set) - 0.8).abs() < 0.01);
    }

    #[test]
    fn rejects_out_of_range_settings() {
        assert!(
            Simulator::new(SimConfig {
                channels: 0,
                ..SimConfig::default()
            })
            .is_err()
        );
        assert!(
            Simulator::new(SimConfig {
                channels: 17,
                ..SimConfig::default()
            })
            .is_err()
        );
        assert!(
            Simulator::new(SimConfig {
                sample_rate: 100.0,
                ..SimConfig::default()
            })
            .is_err()
        );
    }
}
