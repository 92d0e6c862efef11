//! Welch power spectra and the fatigue frequencies computed from them: median (MDF) and mean (MNF).
//!
//! Exact definitions (docs/ARCHITECTURE.md section 7, so results compare with other tools): Welch over an
//! epoch with periodic Hann segments of about a quarter of a second ([`segment_for`]: the power of two
//! nearest `fs / 4`, at least 256 samples: 256 at 1 kHz, 512 at 2 kHz), half overlap, each segment's mean
//! removed (SciPy's `welch(x, fs, window='hann', nperseg=N, noverlap=N//2, detrend='constant')`).
//! Each bin's power is spread evenly over `[f_k - df/2, f_k + df/2]` (centred on its frequency) and only the
//! part inside the band (20 to 450 Hz) counts: a bin that straddles an edge counts in proportion, so the band
//! is the same whatever the bin spacing. With the counted parts `[a_k, b_k]` and their powers `P_k`,
//! `MNF = sum(P_k (a_k + b_k) / 2) / sum(P_k)`; MDF is interpolated linearly inside the part where the
//! cumulative power `C_k` reaches half the total `T`: `MDF = a_k + (T/2 - C_{k-1}) / P_k * (b_k - a_k)`.
//! So a pure tone at `f` reports `f`, on a bin centre or between bins. Constant scale factors (density
//! scaling, the one-sided doubling) cancel in both and are left out.
//!
//! Why a quarter second and not a fixed 256 samples: at 2 kHz, 256 samples give 7.8 Hz bins whose Hann
//! leakage carries power across the band's 20 Hz edge and reads the MDF of a working muscle about 0.6 Hz
//! high; 512 samples halve that (docs/VALIDATION.md).

use rustfft::num_complex::Complex32;
use rustfft::{Fft, FftPlanner};
use std::f64::consts::PI;
use std::sync::Arc;

/// The shortest Welch segment, samples (the segment at 1 kHz and below).
pub const SEGMENT: usize = 256;

/// The Welch segment used at `fs` Hz: the power of two nearest a quarter of a second of samples, at least
/// [`SEGMENT`]. Segments overlap by half.
pub fn segment_for(fs: f64) -> usize {
    let quarter = (fs / 4.0).max(1.0);
    let exponent = quarter.log2().round().clamp(0.0, 20.0) as u32;
    (1usize << exponent).max(SEGMENT)
}

/// Median and mean frequency of one epoch.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpectralFrequencies {
    /// Median frequency, Hz.
    pub mdf_hz: f64,
    /// Mean frequency, Hz.
    pub mnf_hz: f64,
    /// Total power in the band (arbitrary units; 0 means no signal).
    pub band_power: f64,
}

/// A reusable Welch estimator: buffers are sized once.
///
/// The FFTs run in single precision (the samples are f32 to begin with; twice the lanes per vector), with
/// each segment's mean removed in double precision first and the powers averaged in double precision.
pub struct Welch {
    fft: Arc<dyn Fft<f32>>,
    window: Vec<f64>,
    /// The window in single precision, as the FFT's input is formed.
    window_f32: Vec<f32>,
    buffer: Vec<Complex32>,
    scratch: Vec<Complex32>,
    power: Vec<f64>,
    /// The second spectrum of [`Welch::psd_pair`].
    power_b: Vec<f64>,
}

impl std::fmt::Debug for Welch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Welch")
            .field("segment", &self.window.len())
            .finish()
    }
}

impl Default for Welch {
    fn default() -> Self {
        Self::new(SEGMENT)
    }
}

impl Welch {
    /// The estimator for a signal sampled at `fs` Hz (segments of [`segment_for`] samples).
    pub fn for_rate(fs: f64) -> Self {
        Self::new(segment_for(fs))
    }

    /// An estimator with `segment`-sample periodic Hann segments (half overlap).
    pub fn new(segment: usize) -> Self {
        let segment = segment.max(8);
        let fft = FftPlanner::new().plan_fft_forward(segment);
        let scratch = vec![Complex32::default(); fft.get_inplace_scratch_len()];
        // Periodic Hann (SciPy's get_window('hann', N)): 0.5 - 0.5 cos(2 pi n / N).
        let window: Vec<f64> = (0..segment)
            .map(|n| 0.5 - 0.5 * (2.0 * PI * n as f64 / segment as f64).cos())
            .collect();
        Self {
            window_f32: window.iter().map(|w| *w as f32).collect(),
            window,
            buffer: vec![Complex32::default(); segment],
            scratch,
            power: vec![0.0; segment / 2 + 1],
            power_b: vec![0.0; segment / 2 + 1],
            fft,
        }
    }

    /// Segment length.
    pub fn segment(&self) -> usize {
        self.window.len()
    }

    /// Averaged (unscaled) one-sided periodogram of `x`, one value per bin `k * fs / segment`; `None` if
    /// `x` is shorter than one segment.
    pub fn psd(&mut self, x: &[f64]) -> Option<&[f64]> {
        let n = self.window.len();
        if x.len() < n {
            return None;
        }
        let step = n - n / 2;
        self.power.fill(0.0);
        let mut segments = 0;
        let mut start = 0;
        while start + n <= x.len() {
            let seg = &x[start..start + n];
            let mean = seg.iter().sum::<f64>() / n as f64;
            for ((b, v), w) in self.buffer.iter_mut().zip(seg).zip(&self.window) {
                *b = Complex32::new(((v - mean) * w) as f32, 0.0);
            }
            self.fft
                .process_with_scratch(&mut self.buffer, &mut self.scratch);
            for (p, b) in self.power.iter_mut().zip(&self.buffer) {
                *p += b.norm_sqr() as f64;
            }
            segments += 1;
            start += step;
        }
        for p in &mut self.power {
            *p /= segments as f64;
        }
        Some(&self.power)
    }

    /// Averaged (unscaled) one-sided periodograms of two equally long signals at once, as [`Self::psd`]
    /// gives each: one complex FFT carries both (`a` as the real part, `b` as the imaginary part) and the
    /// two spectra are separated by the FFT's symmetry. `None` if the signals are shorter than one segment
    /// or differ in length.
    pub fn psd_pair(&mut self, a: &[f32], b: &[f32]) -> Option<(&[f64], &[f64])> {
        let n = self.window.len();
        if a.len() < n || a.len() != b.len() {
            return None;
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU supports AVX, checked just above.
            unsafe { self.psd_pair_avx(a, b) };
            return Some((&self.power, &self.power_b));
        }
        self.psd_pair_sums(a, b);
        Some((&self.power, &self.power_b))
    }

    /// [`Self::psd_pair_sums`] compiled for AVX (no FMA, so the same values bit for bit).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    fn psd_pair_avx(&mut self, a: &[f32], b: &[f32]) {
        self.psd_pair_sums(a, b);
    }

    /// The work of [`Self::psd_pair`] on signals known to be long enough and equally long.
    #[inline(always)]
    fn psd_pair_sums(&mut self, a: &[f32], b: &[f32]) {
        let n = self.window.len();
        let step = n - n / 2;
        self.power.fill(0.0);
        self.power_b.fill(0.0);
        let mut segments = 0;
        let mut start = 0;
        // Segments overlap by half (n is even for every segment length in use, else the halves are
        // summed afresh): each half's sum is worked out once and serves the two segments it belongs to.
        let half = n / 2;
        let halves = step == half;
        let (mut first_a, mut first_b) = (sum_f32(&a[..half]), sum_f32(&b[..half]));
        while start + n <= a.len() {
            let (sa, sb) = (&a[start..start + n], &b[start..start + n]);
            let (second_a, second_b) = (sum_f32(&sa[half..]), sum_f32(&sb[half..]));
            if !halves {
                (first_a, first_b) = (sum_f32(&sa[..half]), sum_f32(&sb[..half]));
            }
            let (mean_a, mean_b) = (
                (first_a + second_a) / n as f64,
                (first_b + second_b) / n as f64,
            );
            (first_a, first_b) = (second_a, second_b);
            let (mean_a, mean_b) = (mean_a as f32, mean_b as f32);
            let w = &self.window_f32[..n];
            let z = &mut self.buffer[..n];
            for i in 0..n {
                z[i] = Complex32::new((sa[i] - mean_a) * w[i], (sb[i] - mean_b) * w[i]);
            }
            self.fft
                .process_with_scratch(&mut self.buffer, &mut self.scratch);
            // A[k] = (Z[k] + conj Z[N-k]) / 2 and B[k] = (Z[k] - conj Z[N-k]) / 2i, so
            // |A|^2 = |Z[k] + conj Z[N-k]|^2 / 4 and |B|^2 = |Z[k] - conj Z[N-k]|^2 / 4.
            // Bin 0 pairs with itself; bin k with bin n - k.
            let z = &self.buffer[..n];
            let bins = self.power.len().min(self.power_b.len());
            for k in 0..bins {
                let m = z[if k == 0 { 0 } else { n - k }].conj();
                self.power[k] += ((z[k] + m).norm_sqr() / 4.0) as f64;
                self.power_b[k] += ((z[k] - m).norm_sqr() / 4.0) as f64;
            }
            segments += 1;
            start += step;
        }
        for p in self.power.iter_mut().chain(self.power_b.iter_mut()) {
            *p /= segments as f64;
        }
    }

    /// MDF and MNF of `x` (sampled at `fs`) over the band `[low, high]` Hz.
    pub fn frequencies(
        &mut self,
        x: &[f64],
        fs: f64,
        low: f64,
        high: f64,
    ) -> Option<SpectralFrequencies> {
        let n = self.window.len();
        let df = fs / n as f64;
        let power = self.psd(x)?;
        band_frequencies(power, df, low, high)
    }
}

/// Sum of `x` in double precision, in eight partial sums (a single running sum waits on every addition).
fn sum_f32(x: &[f32]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = x.chunks_exact(8);
    let rest: f64 = chunks.remainder().iter().map(|v| *v as f64).sum();
    for c in chunks {
        for i in 0..8 {
            acc[i] += c[i] as f64;
        }
    }
    rest + acc.iter().sum::<f64>()
}

/// MDF/MNF from a one-sided spectrum with bin spacing `df` over the band `[low, high]` Hz, each bin's power
/// spread over `[f_k - df/2, f_k + df/2]` and counted in proportion to its part inside the band (the module's
/// definition).
pub fn band_frequencies(
    power: &[f64],
    df: f64,
    low: f64,
    high: f64,
) -> Option<SpectralFrequencies> {
    if !(df > 0.0 && high > low) {
        return None;
    }
    // The counted part [a, b] of each bin and its power.
    let parts = || {
        power.iter().enumerate().filter_map(move |(k, p)| {
            let centre = k as f64 * df;
            let (a, b) = ((centre - df / 2.0).max(low), (centre + df / 2.0).min(high));
            (b > a).then(|| (a, b, p * (b - a) / df))
        })
    };
    let (total, moment) = parts().fold((0.0, 0.0), |(t, m), (a, b, p)| {
        (t + p, m + p * (a + b) / 2.0)
    });
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let half = total / 2.0;
    let mut cumulative = 0.0;
    let mut mdf = high;
    for (a, b, p) in parts() {
        if cumulative + p >= half && p > 0.0 {
            mdf = a + (half - cumulative) / p * (b - a);
            break;
        }
        cumulative += p;
    }
    Some(SpectralFrequencies {
        mdf_hz: mdf,
        mnf_hz: moment / total,
        band_power: total,
    })
}

/// (MDF, MNF) of a finely sampled spectrum given as (frequency, power) points in ascending frequency: the
/// MDF is the first frequency where the cumulative power reaches half (so it is exact to the grid's step).
/// `None` without power.
pub fn grid_frequencies(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let total: f64 = points.iter().map(|(_, p)| p).sum();
    if !(total > 0.0 && total.is_finite()) {
        return None;
    }
    let mnf = points.iter().map(|(f, p)| f * p).sum::<f64>() / total;
    let mut acc = 0.0;
    let mdf = points
        .iter()
        .find(|(_, p)| {
            acc += p;
            acc >= total / 2.0
        })
        .map_or(points.last()?.0, |(f, _)| *f);
    Some((mdf, mnf))
}

/// Least-squares slope of `y` against `x` (e.g. MDF in Hz against time in minutes); `None` for fewer than
/// two distinct points.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pure_tone_has_its_frequency_as_mdf_and_mnf() {
        let fs = 2000.0;
        // 125 Hz sits exactly on bin 16 (df = 7.8125 Hz).
        let x: Vec<f64> = (0..2000)
            .map(|n| (2.0 * PI * 125.0 * n as f64 / fs).sin())
            .collect();
        let f = Welch::default().frequencies(&x, fs, 20.0, 450.0).unwrap();
        assert!((f.mnf_hz - 125.0).abs() < 1.0, "{f:?}");
        assert!((f.mdf_hz - 125.0).abs() < 0.5, "{f:?}");
    }

    #[test]
    fn a_tone_reports_its_frequency_as_mdf_on_and_between_bins() {
        let fs = 2000.0;
        let df = fs / SEGMENT as f64;
        // 100 Hz (between bins 12 and 13), a bin centre, exactly between two bins, and a few others.
        for f0 in [100.0, 16.0 * df, 16.5 * df, 63.3, 211.7, 333.0] {
            let x: Vec<f64> = (0..2000)
                .map(|n| (2.0 * PI * f0 * n as f64 / fs + 0.3).sin())
                .collect();
            let f = Welch::default().frequencies(&x, fs, 20.0, 450.0).unwrap();
            assert!((f.mdf_hz - f0).abs() < 0.5, "tone {f0} Hz: {f:?}");
        }
    }

    #[test]
    fn the_segment_is_about_a_quarter_second_and_never_under_256() {
        assert_eq!(segment_for(2000.0), 512);
        assert_eq!(segment_for(1000.0), 256);
        assert_eq!(segment_for(250.0), 256);
        assert_eq!(segment_for(4000.0), 1024);
        assert_eq!(segment_for(0.0), 256);
    }

    #[test]
    fn a_tone_at_2_khz_reports_its_frequency_with_the_rates_segment() {
        let fs = 2000.0;
        let df = fs / segment_for(fs) as f64;
        for f0 in [100.0, 16.0 * df, 16.5 * df, 63.3, 211.7] {
            let x: Vec<f64> = (0..2000)
                .map(|n| (2.0 * PI * f0 * n as f64 / fs + 0.3).sin())
                .collect();
            let f = Welch::for_rate(fs)
                .frequencies(&x, fs, 20.0, 450.0)
                .unwrap();
            assert!((f.mdf_hz - f0).abs() < 0.5, "tone {f0} Hz: {f:?}");
        }
    }

    #[test]
    fn a_bin_straddling_a_band_edge_counts_in_proportion() {
        // Flat power, bins every 10 Hz: the band 25..95 Hz takes half of the 20 Hz bin's [15, 25]... none of
        // it, half of the 30 Hz bin's [25, 35]... and so on: exactly 70 Hz of flat power, MDF and MNF at 60.
        let power = vec![1.0; 20];
        let f = band_frequencies(&power, 10.0, 25.0, 95.0).unwrap();
        assert!((f.mdf_hz - 60.0).abs() < 1e-9, "{f:?}");
        assert!((f.mnf_hz - 60.0).abs() < 1e-9, "{f:?}");
        assert!((f.band_power - 7.0).abs() < 1e-9, "{f:?}");
        // Power only in the straddling bins' outer halves is not counted at all.
        let mut edge = vec![0.0; 20];
        edge[2] = 1.0;
        edge[5] = 1.0;
        let f = band_frequencies(&edge, 10.0, 20.0, 50.0).unwrap();
        // Bin 2 [15, 25] counts [20, 25] (half its power), bin 5 [45, 55] counts [45, 50] (half).
        assert!((f.band_power - 1.0).abs() < 1e-9, "{f:?}");
        assert!((f.mnf_hz - (22.5 + 47.5) / 2.0).abs() < 1e-9, "{f:?}");
        assert!((f.mdf_hz - 25.0).abs() < 1e-9, "{f:?}");
    }

    #[test]
    fn white_noise_mdf_is_the_band_middle() {
        let mut state = 7u64;
        let x: Vec<f64> = (0..20_000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
            })
            .collect();
        let f = Welch::default()
            .frequencies(&x, 2000.0, 20.0, 450.0)
            .unwrap();
        assert!((f.mdf_hz - 235.0).abs() < 15.0, "{f:?}");
        assert!((f.mnf_hz - 235.0).abs() < 15.0, "{f:?}");
    }

    #[test]
    fn silence_and_short_input_give_none() {
        let mut w = Welch::default();
        assert!(w.frequencies(&[0.0; 1000], 2000.0, 20.0, 450.0).is_none());
        assert!(w.frequencies(&[1.0; 100], 2000.0, 20.0, 450.0).is_none());
    }

    #[test]
    fn a_pair_of_spectra_from_one_fft_equals_each_alone() {
        let mut state = 11u64;
        let mut noise = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) as f32
        };
        let a: Vec<f32> = (0..2000).map(|_| noise() * 40.0 + 3.0).collect();
        let b: Vec<f32> = (0..2000)
            .map(|n| 25.0 * (2.0 * PI * 50.0 * n as f64 / 2000.0).sin() as f32 + noise())
            .collect();
        let mut w = Welch::default();
        let (pa, pb) = w
            .psd_pair(&a, &b)
            .map(|(x, y)| (x.to_vec(), y.to_vec()))
            .unwrap();
        let alone = |x: &[f32], w: &mut Welch| {
            w.psd(&x.iter().map(|v| *v as f64).collect::<Vec<_>>())
                .unwrap()
                .to_vec()
        };
        for (pair, single) in [(pa, alone(&a, &mut w)), (pb, alone(&b, &mut w))] {
            let scale = single.iter().cloned().fold(0.0, f64::max);
            for (p, s) in pair.iter().zip(&single) {
                // Single-precision FFTs: equal to a few parts in a million of the largest bin.
                assert!((p - s).abs() <= 1e-5 * scale, "{p} vs {s}");
            }
        }
        assert!(w.psd_pair(&a[..100], &b[..100]).is_none());
        assert!(w.psd_pair(&a, &b[..1000]).is_none());
    }

    #[test]
    fn slope_of_a_line() {
        let pts: Vec<(f64, f64)> = (0..10)
            .map(|i| (i as f64, 100.0 - 3.0 * i as f64))
            .collect();
        assert!((slope(&pts).unwrap() + 3.0).abs() < 1e-12);
        assert!(slope(&pts[..1]).is_none());
    }
}
