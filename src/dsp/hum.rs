//! Mains hum measured coherently at the mains frequency and its odd harmonics ([`HumMeter`]), for the
//! signal-quality verdicts (`super::quality`).

/// Measures mains hum coherently: a Hann-windowed DFT over a whole epoch at exactly the mains frequency and its
/// 3rd and 5th harmonics (noise bandwidth 1.5 / epoch Hz, so little EMG falls under it), minus the same
/// measurement 3 to 5 Hz to either side, which is what the EMG alone contributes. The result is signed:
/// summed over epochs, estimation noise cancels instead of piling up as false hum.
///
/// Each probe's window-times-phasor is tabulated once (single precision: the measure is a quality figure,
/// and f32 halves the memory traffic), so measuring an epoch is a pair of dot products per probe that
/// vectorise, not a rotating phasor whose every step waits on the previous one.
#[derive(Clone, Debug)]
pub struct HumMeter {
    window_sum: f64,
    probes: Vec<HumProbe>,
    /// The epoch in single precision (reused).
    scratch: Vec<f32>,
    /// Per epoch and probe, the running (real, imaginary) sums (reused).
    sums: Vec<(f64, f64)>,
}

/// One frequency the meter looks at.
#[derive(Clone, Debug)]
struct HumProbe {
    /// +1 for a hum line, -1/6 for each of the six side probes that estimate the EMG under it.
    weight: f64,
    /// `w[n] cos(2 pi f n / fs)`.
    cos: Vec<f32>,
    /// `-w[n] sin(2 pi f n / fs)`.
    sin: Vec<f32>,
}

impl HumMeter {
    /// A meter for epochs of `epoch_len` samples at `fs`, with lines up to `high_hz`.
    pub fn new(epoch_len: usize, fs: f64, mains_hz: f64, high_hz: f64) -> Self {
        use std::f64::consts::PI;
        let n = epoch_len.max(2);
        let window: Vec<f64> = (0..n)
            .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos())
            .collect();
        let window_sum = window.iter().sum();
        let probes = [1.0, 3.0, 5.0]
            .iter()
            .map(|k| k * mains_hz)
            .filter(|f| *f + 5.0 <= high_hz.min(fs / 2.0))
            .flat_map(|f| {
                [(f, 1.0)].into_iter().chain(
                    [-5.0, -4.0, -3.0, 3.0, 4.0, 5.0]
                        .into_iter()
                        .map(move |d| (f + d, -1.0 / 6.0)),
                )
            })
            .map(|(f, weight)| {
                let step = 2.0 * PI * f / fs;
                HumProbe {
                    weight,
                    cos: (window.iter().enumerate())
                        .map(|(i, w)| (w * (step * i as f64).cos()) as f32)
                        .collect(),
                    sin: (window.iter().enumerate())
                        .map(|(i, w)| (-w * (step * i as f64).sin()) as f32)
                        .collect(),
                }
            })
            .collect();
        Self {
            window_sum,
            probes,
            scratch: Vec::with_capacity(n),
            sums: Vec::new(),
        }
    }

    /// Hum power (uV^2, mean square of the hum lines) in `x` (one epoch; shorter input is windowed as if
    /// zero-padded).
    pub fn power(&mut self, x: &[f64]) -> f64 {
        let mut x32 = std::mem::take(&mut self.scratch);
        x32.clear();
        x32.extend(x.iter().map(|v| *v as f32));
        let mut out = [0.0];
        self.power_many(&[&x32], &mut out);
        self.scratch = x32;
        out[0]
    }

    /// [`Self::power`] of several epochs at once (one per channel): the tables are walked in tiles, each
    /// tile serving every epoch while it is in the cache, so measuring many channels reads them once.
    pub fn power_many(&mut self, epochs: &[&[f32]], out: &mut [f64]) {
        let probes = self.probes.len();
        self.sums.clear();
        self.sums.resize(epochs.len() * probes, (0.0, 0.0));
        let len = self.probes.first().map_or(0, |p| p.cos.len());
        for t0 in (0..len).step_by(HUM_TILE) {
            let t1 = (t0 + HUM_TILE).min(len);
            let tile = |x: &[f32]| -> std::ops::Range<usize> { t0.min(x.len())..t1.min(x.len()) };
            for (p, probe) in self.probes.iter().enumerate() {
                let (cos, sin) = (&probe.cos[t0..t1], &probe.sin[t0..t1]);
                // Two epochs a time: each table value loaded serves both (the loads, not the
                // multiply-adds, bound this loop).
                let mut e = 0;
                while e < epochs.len() {
                    let x = &epochs[e][tile(epochs[e])];
                    let y = epochs.get(e + 1).map_or(&[][..], |y| &y[tile(y)]);
                    let [xa, xb, ya, yb] = dot4(x, y, cos, sin);
                    for (k, (re, im)) in [(xa, xb), (ya, yb)].into_iter().enumerate() {
                        if let Some(sum) = self.sums.get_mut((e + k) * probes + p)
                            && e + k < epochs.len()
                        {
                            sum.0 += re;
                            sum.1 += im;
                        }
                    }
                    e += 2;
                }
            }
        }
        for (e, o) in out.iter_mut().enumerate().take(epochs.len()) {
            *o = (self
                .probes
                .iter()
                .zip(&self.sums[e * probes..(e + 1) * probes]))
            .map(|(probe, (re, im))| {
                // A sinusoid of amplitude A gives |X| = A * sum(w) / 2; its mean square is A^2 / 2.
                let amplitude = 2.0 * (re * re + im * im).sqrt() / self.window_sum;
                probe.weight * amplitude * amplitude / 2.0
            })
            .sum();
        }
    }
}

/// Samples per tile when [`HumMeter::power_many`] walks its tables (a tile of every probe fits the cache).
const HUM_TILE: usize = 512;

/// `[x . a, x . b, y . a, y . b]`, each over the shorter of its two slices, in partial sums that
/// vectorise; with AVX2 and FMA where the processor has them (twice the lanes of the baseline x86-64
/// build, one instruction per multiply-add). Each product is summed exactly as [`dot_lanes`] sums it alone.
fn dot4(x: &[f32], y: &[f32], a: &[f32], b: &[f32]) -> [f64; 4] {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the processor supports AVX2 and FMA, checked just above.
        return unsafe { dot4_avx2_fma(x, y, a, b) };
    }
    dot4_lanes::<false>(x, y, a, b)
}

/// [`dot4_lanes`] compiled for AVX2 with fused multiply-adds.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot4_avx2_fma(x: &[f32], y: &[f32], a: &[f32], b: &[f32]) -> [f64; 4] {
    dot4_lanes::<true>(x, y, a, b)
}

/// The four products of [`dot4`] in one walk over the tables. Where `x` and `y` are as long as the tables
/// (every epoch but a recording's last), all four run in the same loop; otherwise each is summed alone.
#[inline(always)]
fn dot4_lanes<const FUSED: bool>(x: &[f32], y: &[f32], a: &[f32], b: &[f32]) -> [f64; 4] {
    const W: usize = 16;
    let n = a.len().min(b.len());
    if x.len() != n || y.len() != n {
        return [
            dot_lanes::<FUSED>(x, a),
            dot_lanes::<FUSED>(x, b),
            dot_lanes::<FUSED>(y, a),
            dot_lanes::<FUSED>(y, b),
        ];
    }
    let step = |acc: f32, u: f32, v: f32| {
        if FUSED {
            u.mul_add(v, acc)
        } else {
            acc + u * v
        }
    };
    let mut acc = [[0.0f32; W]; 4];
    for (((xs, ys), as_), bs) in (x.chunks_exact(W))
        .zip(y.chunks_exact(W))
        .zip(a.chunks_exact(W))
        .zip(b.chunks_exact(W))
    {
        for i in 0..W {
            acc[0][i] = step(acc[0][i], xs[i], as_[i]);
            acc[1][i] = step(acc[1][i], xs[i], bs[i]);
            acc[2][i] = step(acc[2][i], ys[i], as_[i]);
            acc[3][i] = step(acc[3][i], ys[i], bs[i]);
        }
    }
    let tail = n - n % W;
    let finish = |acc: &[f32; W], u: &[f32], v: &[f32]| {
        let rest: f64 = (tail..n).map(|i| (u[i] * v[i]) as f64).sum();
        rest + acc.iter().map(|s| *s as f64).sum::<f64>()
    };
    [
        finish(&acc[0], x, a),
        finish(&acc[1], x, b),
        finish(&acc[2], y, a),
        finish(&acc[3], y, b),
    ]
}

/// `x . a` in sixteen partial sums (two vectors' worth, so two additions are in flight at once); `FUSED`
/// uses `mul_add`, which is one instruction only where FMA is enabled.
#[inline(always)]
fn dot_lanes<const FUSED: bool>(x: &[f32], a: &[f32]) -> f64 {
    const W: usize = 16;
    let n = x.len().min(a.len());
    let (x, a) = (&x[..n], &a[..n]);
    let mut acc = [0.0f32; W];
    for (xs, as_) in x.chunks_exact(W).zip(a.chunks_exact(W)) {
        for i in 0..W {
            acc[i] = if FUSED {
                xs[i].mul_add(as_[i], acc[i])
            } else {
                acc[i] + xs[i] * as_[i]
            };
        }
    }
    let tail = n - n % W;
    let rest: f64 = (tail..n).map(|i| (x[i] * a[i]) as f64).sum();
    rest + acc.iter().map(|v| *v as f64).sum::<f64>()
}
