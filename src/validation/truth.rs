//! What the simulated board knows about its own signal, in the shape the metrics compare against: the
//! true amplitude per channel, the moments it crosses a level (the edges a perfect envelope would give), the
//! true median and mean frequency per epoch, and co-contraction from the true envelopes.

use crate::dsp::EffectiveDsp;
use crate::dsp::cocontraction::{falconer_winter, rudolph};
use crate::dsp::design::sos_power_gain;
use crate::dsp::spectrum::grid_frequencies;
use crate::source::simulator::Simulator;
use serde::{Deserialize, Serialize};

/// Time step the truth is sampled at, s (finer than any edge tolerance).
const STEP_S: f64 = 0.0005;

/// One burst of the true amplitude above a level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrueBurst {
    /// The true amplitude rises through the level, s.
    pub onset_s: f64,
    /// It falls back through it, s.
    pub offset_s: f64,
}

/// The truth of one epoch of one channel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrueEpoch {
    /// Epoch start, s.
    pub start_s: f64,
    /// Activation at the epoch's centre, 0..1 (fraction of MVC).
    pub activation: f64,
    /// Lowest activation anywhere in the epoch, 0..1.
    pub min_activation: f64,
    /// Median frequency of the EMG over the epoch, Hz: of its spectrum averaged over the epoch with each
    /// moment weighted by its power (what a spectral estimate over the epoch measures).
    pub mdf_hz: f64,
    /// Mean frequency of the same spectrum, Hz.
    pub mnf_hz: f64,
}

/// One frequency of the truth's grid: the chain's power gain there and its angle's cosine and sine.
struct GridPoint {
    f: f64,
    gain: f64,
    cos: f64,
    sin: f64,
}

/// Moments per epoch at which the truth samples the EMG's spectrum (the board redesigns its spectral
/// shaping every 50 ms, so 20 per second follow it step by step).
const SPECTRUM_MOMENTS_PER_S: f64 = 20.0;
/// Frequency step of the true spectra, Hz.
const SPECTRUM_STEP_HZ: f64 = 0.05;

/// Reads the truth off a simulated board (a second instance of the one that made the recording).
pub struct Truth<'a> {
    /// The board.
    pub sim: &'a Simulator,
    /// Sample rate, Hz.
    pub fs: f64,
    /// The band's frequencies with the chain's power gain at each (worked out once).
    grid: Vec<GridPoint>,
}

impl<'a> Truth<'a> {
    /// True RMS amplitude of channel `c` at time `t`, uV.
    pub fn amplitude(&self, c: usize, t: f64) -> f64 {
        self.sim
            .truth_envelope(c, (t * self.fs).round().max(0.0) as u64)
    }

    /// Every stretch in `[0, seconds)` where channel `c`'s true amplitude is at or above `level` uV.
    pub fn bursts_above(&self, c: usize, level: f64, seconds: f64) -> Vec<TrueBurst> {
        let mut out = Vec::new();
        let mut start = None;
        for i in 0..(seconds / STEP_S) as usize {
            let t = i as f64 * STEP_S;
            let above = self.amplitude(c, t) >= level;
            match (above, start) {
                (true, None) => start = Some(t),
                (false, Some(s)) => {
                    out.push(TrueBurst {
                        onset_s: s,
                        offset_s: t,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    /// The truth of channel `c`'s epoch starting at `start_s`, `epoch_s` long: its activation at the centre
    /// and at its lowest, and the MDF and MNF of its EMG as the chain's filters pass it (the EMG's
    /// spectrum times the band-pass and notch power gains), averaged over the epoch with each moment
    /// weighted by its power: what an ideal estimator of the filtered signal over the epoch reads.
    pub fn epoch(&self, c: usize, start_s: f64, epoch_s: f64) -> TrueEpoch {
        let grid = &self.grid;
        let moments = ((epoch_s * SPECTRUM_MOMENTS_PER_S).round() as usize).max(1);
        let mut average = vec![0.0; grid.len()];
        let mut min_activation = f64::INFINITY;
        for k in 0..moments {
            let t = start_s + (k as f64 + 0.5) * epoch_s / moments as f64;
            min_activation = min_activation.min(self.sim.truth_activation(c, t));
            // The board's EMG at t: its RMS amplitude squared spread over the shape's whole spectrum.
            let power = self.amplitude(c, t).powi(2) / self.sim.truth_emg_shape_area(c, t);
            let shape = self.sim.truth_emg_shape(c, t);
            for (p, a) in grid.iter().zip(average.iter_mut()) {
                *a += power * shape.power(p.cos, p.sin) * p.gain;
            }
        }
        let points: Vec<(f64, f64)> = grid.iter().map(|p| p.f).zip(average).collect();
        let (mdf_hz, mnf_hz) = grid_frequencies(&points).unwrap_or((0.0, 0.0));
        TrueEpoch {
            start_s,
            activation: self.sim.truth_activation(c, start_s + epoch_s / 2.0),
            min_activation,
            mdf_hz,
            mnf_hz,
        }
    }

    /// The truth of `sim` (sampled at `fs`) as the chain with `dsp`'s filters passes it.
    pub fn new(sim: &'a Simulator, fs: f64, dsp: &EffectiveDsp) -> Self {
        Self {
            sim,
            fs,
            grid: band_grid(fs, dsp),
        }
    }

    /// Falconer & Winter (%) and Rudolph from the true amplitudes of `agonist` and `antagonist` over
    /// `[from_s, to_s)`.
    pub fn cocontraction(
        &self,
        agonist: usize,
        antagonist: usize,
        from_s: f64,
        to_s: f64,
    ) -> (f64, f64) {
        let (mut ag, mut ant, mut rud, mut n) = (0.0, 0.0, 0.0, 0usize);
        let mut t = from_s.max(0.0);
        while t < to_s {
            let (a, b) = (self.amplitude(agonist, t), self.amplitude(antagonist, t));
            ag += a;
            ant += b;
            rud += rudolph(a, b);
            n += 1;
            t += STEP_S;
        }
        (
            falconer_winter(ag, ant),
            if n > 0 { rud / n as f64 } else { 0.0 },
        )
    }
}

/// The band's frequencies on a fine grid with the chain's power gain at each (band-pass and notch).
fn band_grid(fs: f64, dsp: &EffectiveDsp) -> Vec<GridPoint> {
    let (low, high) = (dsp.bandpass_low_hz, dsp.bandpass_high_hz);
    (0..)
        .map(|i| low + i as f64 * SPECTRUM_STEP_HZ)
        .take_while(|f| *f <= high)
        .map(|f| {
            let w = 2.0 * std::f64::consts::PI * f / fs;
            GridPoint {
                f,
                gain: sos_power_gain(&dsp.bandpass_sos, f, fs)
                    * sos_power_gain(&dsp.notch_sos, f, fs),
                cos: w.cos(),
                sin: w.sin(),
            }
        })
        .collect()
}
