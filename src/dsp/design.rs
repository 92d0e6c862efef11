//! Digital filter design: Butterworth (any order, low/high/band-pass, band-stop) and IIR notch, as
//! second-order sections.
//!
//! This follows SciPy's published algorithm step for step (`buttap`, `lp2*_zpk`, `bilinear_zpk`,
//! `zpk2sos` with `pairing='nearest'`, `iirnotch`), so the sections equal
//! `scipy.signal.butter(N, Wn, btype, fs=fs, output='sos')` and `iirnotch(f0, Q, fs)` to rounding. That lets
//! results be compared sample by sample with other tools.

use rustfft::num_complex::Complex64 as C64;
use std::f64::consts::PI;

/// One second-order section `[b0, b1, b2, a0, a1, a2]` with `a0 == 1` (SciPy's `sos` row layout).
pub type Sos = [f64; 6];

/// A section's coefficients divided by `a0`: `(b0, b1, b2, a1, a2)`.
pub fn normalised(s: &Sos) -> (f64, f64, f64, f64, f64) {
    (
        s[0] / s[3],
        s[1] / s[3],
        s[2] / s[3],
        s[4] / s[3],
        s[5] / s[3],
    )
}

/// Which band a Butterworth filter passes. Frequencies in Hz.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Band {
    /// Passes below the cut-off.
    Lowpass(f64),
    /// Passes above the cut-off.
    Highpass(f64),
    /// Passes between the two edges.
    Bandpass(f64, f64),
    /// Stops between the two edges.
    Bandstop(f64, f64),
}

/// Why a filter could not be designed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DesignError {
    /// Order must be at least 1 (and is capped at 32 to keep the sections well conditioned).
    #[error("filter order must be between 1 and 32, got {0}")]
    BadOrder(usize),
    /// A frequency outside (0, fs/2), or band edges in the wrong order.
    #[error(
        "cut-off frequencies must satisfy 0 < f < fs/2 = {nyquist} Hz (and low < high); got {what}"
    )]
    BadFrequency {
        /// Nyquist frequency for the given sample rate.
        nyquist: f64,
        /// The offending value(s).
        what: String,
    },
    /// The sample rate is not a positive finite number.
    #[error("sample rate must be positive, got {0}")]
    BadSampleRate(f64),
}

/// Designs a digital Butterworth filter of `order` at sample rate `fs` as second-order sections.
///
/// A band-pass or band-stop of order N has 2N poles (N sections), as in SciPy.
pub fn butterworth(order: usize, band: Band, fs: f64) -> Result<Vec<Sos>, DesignError> {
    if !(1..=32).contains(&order) {
        return Err(DesignError::BadOrder(order));
    }
    if !(fs.is_finite() && fs > 0.0) {
        return Err(DesignError::BadSampleRate(fs));
    }
    let nyquist = fs / 2.0;
    let check = |f: f64| f.is_finite() && f > 0.0 && f < nyquist;
    let edges_ok = match band {
        Band::Lowpass(f) | Band::Highpass(f) => check(f),
        Band::Bandpass(lo, hi) | Band::Bandstop(lo, hi) => check(lo) && check(hi) && lo < hi,
    };
    if !edges_ok {
        return Err(DesignError::BadFrequency {
            nyquist,
            what: format!("{band:?}"),
        });
    }

    // Analog prototype: poles on the unit circle's left half, no zeros, unit gain.
    let n = order as i64;
    let p: Vec<C64> = (0..order)
        .map(|i| {
            let m = (-n + 1 + 2 * i as i64) as f64;
            -C64::from_polar(1.0, PI * m / (2.0 * n as f64))
        })
        .collect();
    let z: Vec<C64> = Vec::new();
    let k = 1.0;

    // Pre-warp the normalised edges as SciPy does (design at fs = 2).
    let warp = |f: f64| 4.0 * (PI * (2.0 * f / fs) / 2.0).tan();
    let (z, p, k) = match band {
        Band::Lowpass(f) => lp2lp(&z, &p, k, warp(f)),
        Band::Highpass(f) => lp2hp(&z, &p, k, warp(f)),
        Band::Bandpass(lo, hi) => {
            let (wl, wh) = (warp(lo), warp(hi));
            lp2bp(&z, &p, k, (wl * wh).sqrt(), wh - wl)
        }
        Band::Bandstop(lo, hi) => {
            let (wl, wh) = (warp(lo), warp(hi));
            lp2bs(&z, &p, k, (wl * wh).sqrt(), wh - wl)
        }
    };
    let (z, p, k) = bilinear(&z, &p, k, 2.0);
    Ok(zpk_to_sos(z, p, k))
}

/// Designs SciPy's `iirnotch(f0, q, fs)`: a second-order notch at `f0` Hz with quality factor `q`.
pub fn notch(f0: f64, q: f64, fs: f64) -> Result<Sos, DesignError> {
    if !(fs.is_finite() && fs > 0.0) {
        return Err(DesignError::BadSampleRate(fs));
    }
    if !(f0.is_finite() && f0 > 0.0 && f0 < fs / 2.0 && q.is_finite() && q > 0.0) {
        return Err(DesignError::BadFrequency {
            nyquist: fs / 2.0,
            what: format!("notch at {f0} Hz, Q {q}"),
        });
    }
    let w0 = 2.0 * f0 / fs;
    let bw = w0 / q * PI;
    let w0 = w0 * PI;
    // Gain at the -3 dB band edges is 1/sqrt(2), so beta reduces to tan(bw/2).
    let beta = (bw / 2.0).tan();
    let gain = 1.0 / (1.0 + beta);
    let c = w0.cos();
    Ok([
        gain,
        -2.0 * c * gain,
        gain,
        1.0,
        -2.0 * gain * c,
        2.0 * gain - 1.0,
    ])
}

type Zpk = (Vec<C64>, Vec<C64>, f64);

fn lp2lp(z: &[C64], p: &[C64], k: f64, wo: f64) -> Zpk {
    let degree = p.len() - z.len();
    (
        z.iter().map(|x| x * wo).collect(),
        p.iter().map(|x| x * wo).collect(),
        k * wo.powi(degree as i32),
    )
}

fn lp2hp(z: &[C64], p: &[C64], k: f64, wo: f64) -> Zpk {
    let degree = p.len() - z.len();
    let mut zh: Vec<C64> = z.iter().map(|x| wo / x).collect();
    let ph: Vec<C64> = p.iter().map(|x| wo / x).collect();
    zh.extend(std::iter::repeat_n(C64::new(0.0, 0.0), degree));
    let num: C64 = z.iter().map(|x| -x).product();
    let den: C64 = p.iter().map(|x| -x).product();
    (zh, ph, k * (num / den).re)
}

fn lp2bp(z: &[C64], p: &[C64], k: f64, wo: f64, bw: f64) -> Zpk {
    let degree = p.len() - z.len();
    let split = |v: &[C64]| -> Vec<C64> {
        let scaled: Vec<C64> = v.iter().map(|x| x * (bw / 2.0)).collect();
        let plus = scaled.iter().map(|x| x + (x * x - wo * wo).sqrt());
        let minus = scaled.iter().map(|x| x - (x * x - wo * wo).sqrt());
        plus.chain(minus).collect()
    };
    let mut zb = split(z);
    zb.extend(std::iter::repeat_n(C64::new(0.0, 0.0), degree));
    (zb, split(p), k * bw.powi(degree as i32))
}

fn lp2bs(z: &[C64], p: &[C64], k: f64, wo: f64, bw: f64) -> Zpk {
    let degree = p.len() - z.len();
    let split = |v: &[C64]| -> Vec<C64> {
        let inv: Vec<C64> = v.iter().map(|x| (bw / 2.0) / x).collect();
        let plus = inv.iter().map(|x| x + (x * x - wo * wo).sqrt());
        let minus = inv.iter().map(|x| x - (x * x - wo * wo).sqrt());
        plus.chain(minus).collect()
    };
    let mut zb = split(z);
    zb.extend(std::iter::repeat_n(C64::new(0.0, wo), degree));
    zb.extend(std::iter::repeat_n(C64::new(0.0, -wo), degree));
    let num: C64 = z.iter().map(|x| -x).product();
    let den: C64 = p.iter().map(|x| -x).product();
    (zb, split(p), k * (num / den).re)
}

fn bilinear(z: &[C64], p: &[C64], k: f64, fs: f64) -> Zpk {
    let degree = p.len() - z.len();
    let fs2 = 2.0 * fs;
    let mut zz: Vec<C64> = z.iter().map(|x| (fs2 + x) / (fs2 - x)).collect();
    let pz: Vec<C64> = p.iter().map(|x| (fs2 + x) / (fs2 - x)).collect();
    zz.extend(std::iter::repeat_n(C64::new(-1.0, 0.0), degree));
    let num: C64 = z.iter().map(|x| fs2 - x).product();
    let den: C64 = p.iter().map(|x| fs2 - x).product();
    (zz, pz, k * (num / den).re)
}

/// Keeps one of each conjugate pair (positive imaginary part) followed by the real values, each group
/// sorted by real part then |imag|, like SciPy's `_cplxreal`.
fn complex_then_real(v: &[C64]) -> Vec<C64> {
    let tol = 100.0 * f64::EPSILON;
    let mut sorted = v.to_vec();
    sorted.sort_by(|a, b| {
        a.re.partial_cmp(&b.re)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(
                a.im.abs()
                    .partial_cmp(&b.im.abs())
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
    });
    let is_real = |x: &C64| x.im.abs() <= tol * x.norm();
    let positive: Vec<C64> = sorted
        .iter()
        .filter(|x| !is_real(x) && x.im > 0.0)
        .copied()
        .collect();
    let negative: Vec<C64> = sorted
        .iter()
        .filter(|x| !is_real(x) && x.im < 0.0)
        .copied()
        .collect();
    let mut out: Vec<C64> = positive
        .iter()
        .zip(negative.iter())
        // Average out rounding between the two halves of a pair.
        .map(|(a, b)| (a + b.conj()) / 2.0)
        .collect();
    out.extend(
        sorted
            .iter()
            .filter(|x| is_real(x))
            .map(|x| C64::new(x.re, 0.0)),
    );
    out
}

fn nearest(from: &[C64], to: C64, want: Want) -> Option<usize> {
    let mut order: Vec<usize> = (0..from.len()).collect();
    order.sort_by(|&a, &b| {
        (from[a] - to)
            .norm()
            .partial_cmp(&(from[b] - to).norm())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    order.into_iter().find(|&i| match want {
        Want::Any => true,
        Want::Real => from[i].im == 0.0,
        Want::Complex => from[i].im != 0.0,
    })
}

#[derive(Clone, Copy)]
enum Want {
    Any,
    Real,
    Complex,
}

/// Polynomial coefficients (highest power first) with the given roots, real part.
fn poly(roots: &[C64]) -> Vec<f64> {
    let mut c = vec![C64::new(1.0, 0.0)];
    for r in roots {
        let mut next = vec![C64::new(0.0, 0.0); c.len() + 1];
        for (i, ci) in c.iter().enumerate() {
            next[i] += ci;
            next[i + 1] -= ci * r;
        }
        c = next;
    }
    c.into_iter().map(|x| x.re).collect()
}

fn section(zeros: &[C64], poles: &[C64]) -> Sos {
    let b = poly(zeros);
    let a = poly(poles);
    let mut s = [0.0; 6];
    s[3 - b.len()..3].copy_from_slice(&b);
    s[6 - a.len()..6].copy_from_slice(&a);
    s
}

/// SciPy's `zpk2sos(z, p, k, pairing='nearest')`: the poles closest to the unit circle go last, each
/// paired with its nearest zeros.
fn zpk_to_sos(mut z: Vec<C64>, mut p: Vec<C64>, k: f64) -> Vec<Sos> {
    let zero = C64::new(0.0, 0.0);
    if z.is_empty() && p.is_empty() {
        return vec![[k, 0.0, 0.0, 1.0, 0.0, 0.0]];
    }
    while p.len() < z.len() {
        p.push(zero);
    }
    while z.len() < p.len() {
        z.push(zero);
    }
    let n_sections = p.len().div_ceil(2);
    if p.len() % 2 == 1 {
        p.push(zero);
        z.push(zero);
    }
    let mut z = complex_then_real(&z);
    let mut p = complex_then_real(&p);
    let mut sos = vec![[0.0; 6]; n_sections];
    let is_real = |x: &C64| x.im == 0.0;
    for si in (0..n_sections).rev() {
        let p1_idx = (0..p.len())
            .min_by(|&a, &b| {
                (1.0 - p[a].norm())
                    .abs()
                    .partial_cmp(&(1.0 - p[b].norm()).abs())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .expect("poles remain while sections remain");
        let p1 = p.remove(p1_idx);
        let reals_left = p.iter().filter(|x| is_real(x)).count();
        if is_real(&p1) && reals_left == 0 {
            // The last real pole: a first-order section with its nearest real zero.
            let z1 = nearest(&z, p1, Want::Real)
                .map(|i| z.remove(i))
                .unwrap_or(zero);
            sos[si] = section(&[z1, zero], &[p1, zero]);
        } else if p.len() + 1 == z.len()
            && !is_real(&p1)
            && reals_left == 1
            && z.iter().filter(|x| is_real(x)).count() == 1
        {
            // One real pole and one real zero will remain: this complex pole must take a complex zero.
            let z1 = nearest(&z, p1, Want::Complex)
                .map(|i| z.remove(i))
                .unwrap_or(zero);
            sos[si] = section(&[z1, z1.conj()], &[p1, p1.conj()]);
        } else {
            let p2 = if is_real(&p1) {
                let idx = (0..p.len())
                    .filter(|&i| is_real(&p[i]))
                    .min_by(|&a, &b| {
                        (p[a].norm() - 1.0)
                            .abs()
                            .partial_cmp(&(p[b].norm() - 1.0).abs())
                            .unwrap_or(std::cmp::Ordering::Equal)
                    })
                    .expect("a real pole pairs with another real pole");
                p.remove(idx)
            } else {
                p1.conj()
            };
            sos[si] = match nearest(&z, p1, Want::Any) {
                None => section(&[], &[p1, p2]),
                Some(i) => {
                    let z1 = z.remove(i);
                    if !is_real(&z1) {
                        section(&[z1, z1.conj()], &[p1, p2])
                    } else if let Some(j) = nearest(&z, p1, Want::Real) {
                        let z2 = z.remove(j);
                        section(&[z1, z2], &[p1, p2])
                    } else {
                        section(&[z1], &[p1, p2])
                    }
                }
            };
        }
    }
    for c in &mut sos[0][..3] {
        *c *= k;
    }
    sos
}

/// Power gain `|H(e^{j 2 pi f / fs})|^2` of a cascade of second-order sections at `f` Hz.
pub fn sos_power_gain(sos: &[Sos], f: f64, fs: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * f / fs;
    let (c1, s1, c2, s2) = (w.cos(), w.sin(), (2.0 * w).cos(), (2.0 * w).sin());
    sos.iter()
        .map(|s| {
            let num = (s[0] + s[1] * c1 + s[2] * c2).powi(2) + (s[1] * s1 + s[2] * s2).powi(2);
            let den = (s[3] + s[4] * c1 + s[5] * c2).powi(2) + (s[4] * s1 + s[5] * s2).powi(2);
            if den > 0.0 { num / den } else { 0.0 }
        })
        .product()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Magnitude response of a cascade at frequency `f`.
    fn gain(sos: &[Sos], f: f64, fs: f64) -> f64 {
        let w = C64::from_polar(1.0, -2.0 * PI * f / fs);
        sos.iter()
            .map(|s| {
                let num = s[0] + s[1] * w + s[2] * w * w;
                let den = s[3] + s[4] * w + s[5] * w * w;
                (num / den).norm()
            })
            .product()
    }

    #[test]
    fn bandpass_has_unit_gain_in_band_and_half_power_at_edges() {
        let sos = butterworth(4, Band::Bandpass(20.0, 450.0), 2000.0).unwrap();
        assert_eq!(sos.len(), 4);
        let centre = (20.0f64 * 450.0).sqrt();
        assert!((gain(&sos, centre, 2000.0) - 1.0).abs() < 1e-3);
        assert!((gain(&sos, 20.0, 2000.0) - 0.5f64.sqrt()).abs() < 1e-6);
        assert!((gain(&sos, 450.0, 2000.0) - 0.5f64.sqrt()).abs() < 1e-6);
    }

    #[test]
    fn low_high_and_stop_bands_behave() {
        let lp = butterworth(3, Band::Lowpass(100.0), 1000.0).unwrap();
        assert_eq!(lp.len(), 2);
        assert!((gain(&lp, 1.0, 1000.0) - 1.0).abs() < 1e-6);
        assert!((gain(&lp, 100.0, 1000.0) - 0.5f64.sqrt()).abs() < 1e-6);
        let hp = butterworth(2, Band::Highpass(100.0), 1000.0).unwrap();
        assert!((gain(&hp, 499.0, 1000.0) - 1.0).abs() < 1e-3);
        let bs = butterworth(2, Band::Bandstop(45.0, 55.0), 1000.0).unwrap();
        // The null sits at the pre-warped geometric centre of the edges, close to 50 Hz.
        let (w1, w2) = ((PI * 45.0 / 1000.0).tan(), (PI * 55.0 / 1000.0).tan());
        let centre = (w1 * w2).sqrt().atan() * 1000.0 / PI;
        assert!((centre - 50.0).abs() < 0.5);
        assert!(gain(&bs, centre, 1000.0) < 1e-6);
        assert!(gain(&bs, 50.0, 1000.0) < 0.05);
        assert!((gain(&bs, 1.0, 1000.0) - 1.0).abs() < 1e-3);
    }

    #[test]
    fn notch_kills_its_frequency_only() {
        let s = notch(50.0, 30.0, 2000.0).unwrap();
        assert!(gain(&[s], 50.0, 2000.0) < 1e-9);
        assert!((gain(&[s], 100.0, 2000.0) - 1.0).abs() < 0.01);
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(butterworth(0, Band::Lowpass(10.0), 100.0).is_err());
        assert!(butterworth(2, Band::Lowpass(60.0), 100.0).is_err());
        assert!(butterworth(2, Band::Bandpass(30.0, 20.0), 100.0).is_err());
        assert!(butterworth(2, Band::Lowpass(10.0), f64::NAN).is_err());
        assert!(notch(0.0, 30.0, 100.0).is_err());
    }
}
