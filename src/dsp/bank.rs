//! The same filter and envelope run on every channel at once, lane by lane.
//!
//! All channels share one design, so each coefficient is loaded once per frame and the per-channel loops
//! have no dependencies between lanes: the compiler turns them into SIMD. The arithmetic is exactly that of
//! [`super::sos_filter::SosFilter`] and [`super::envelope::RmsEnvelope`] (same operations in the same order),
//! so a bank's output is bit-identical to running those channel by channel.

use super::design::Sos;
use crate::block::MAX_CHANNELS;

/// Channels a bank processes per frame (unused lanes cost a little time and nothing else).
pub const LANES: usize = MAX_CHANNELS;

/// One value per lane.
pub type Lanes = [f64; LANES];

#[derive(Clone, Debug)]
struct BankSection {
    b0: f64,
    b1: f64,
    b2: f64,
    a1: f64,
    a2: f64,
    s1: Lanes,
    s2: Lanes,
}

/// A cascade of second-order sections applied to [`LANES`] channels in lock-step, state kept across calls.
#[derive(Clone, Debug, Default)]
pub struct FilterBank {
    sections: Vec<BankSection>,
}

impl FilterBank {
    /// A bank from SciPy-layout sections, zero state.
    pub fn new(sos: &[Sos]) -> Self {
        let sections = sos
            .iter()
            .map(|s| {
                let (b0, b1, b2, a1, a2) = super::design::normalised(s);
                BankSection {
                    b0,
                    b1,
                    b2,
                    a1,
                    a2,
                    s1: [0.0; LANES],
                    s2: [0.0; LANES],
                }
            })
            .collect();
        Self { sections }
    }

    /// Filters one frame in place (transposed direct form II, as SciPy's `sosfilt`).
    #[inline(always)]
    #[expect(
        clippy::needless_range_loop,
        reason = "one lane index addresses several arrays in lock-step"
    )]
    pub fn process(&mut self, x: &mut Lanes) {
        for s in &mut self.sections {
            for c in 0..LANES {
                let xc = x[c];
                let y = s.b0 * xc + s.s1[c];
                s.s1[c] = s.b1 * xc - s.a1 * y + s.s2[c];
                s.s2[c] = s.b2 * xc - s.a2 * y;
                x[c] = y;
            }
        }
    }
}

impl FilterBank {
    /// Filters several frames in place, two sections at a time over all of them: each section's state stays
    /// in registers for the whole run instead of being stored and reloaded every frame, and the two
    /// sections' recurrences overlap (one section alone waits on its own latency). The arithmetic per lane
    /// is exactly that of [`FilterBank::process`].
    #[inline(always)]
    pub fn process_frames(&mut self, frames: &mut [Lanes]) {
        let mut pairs = self.sections.chunks_exact_mut(2);
        for pair in &mut pairs {
            let [first, second] = pair else {
                unreachable!("chunks of two")
            };
            // Sections whose outer numerator coefficients are exactly 1 (every band-pass section but the
            // first: SciPy's [1, ±2, 1]) skip those two multiplications: `1.0 * x` is `x` for every value.
            match (first.unit_ends(), second.unit_ends()) {
                (false, false) => run_two::<false, false>(first, second, frames),
                (false, true) => run_two::<false, true>(first, second, frames),
                (true, false) => run_two::<true, false>(first, second, frames),
                (true, true) => run_two::<true, true>(first, second, frames),
            }
        }
        if let [last] = pairs.into_remainder() {
            run_one(last, frames);
        }
    }
}

/// One section over several frames (see [`FilterBank::process_frames`]).
#[inline(always)]
fn run_one(s: &mut BankSection, frames: &mut [Lanes]) {
    let (b0, b1, b2, a1, a2) = (s.b0, s.b1, s.b2, s.a1, s.a2);
    let mut s1 = s.s1;
    let mut s2 = s.s2;
    for x in frames.iter_mut() {
        for c in 0..LANES {
            let xc = x[c];
            let y = b0 * xc + s1[c];
            s1[c] = b1 * xc - a1 * y + s2[c];
            s2[c] = b2 * xc - a2 * y;
            x[c] = y;
        }
    }
    s.s1 = s1;
    s.s2 = s2;
}

impl BankSection {
    /// True when `b0` and `b2` are exactly 1, so multiplying by them can be skipped.
    fn unit_ends(&self) -> bool {
        self.b0 == 1.0 && self.b2 == 1.0
    }
}

/// `b * x`, or `x` itself when the caller knows `b` is exactly 1 (the same value: `1.0 * x == x` bit for
/// bit, signed zeros and subnormals included).
#[inline(always)]
fn times<const UNIT: bool>(b: f64, x: f64) -> f64 {
    if UNIT { x } else { b * x }
}

/// Two consecutive sections over several frames, frame by frame (see [`FilterBank::process_frames`]);
/// `F_UNIT` / `G_UNIT`: the section's `b0` and `b2` are exactly 1.
#[inline(always)]
fn run_two<const F_UNIT: bool, const G_UNIT: bool>(
    f: &mut BankSection,
    g: &mut BankSection,
    frames: &mut [Lanes],
) {
    let (fb0, fb1, fb2, fa1, fa2) = (f.b0, f.b1, f.b2, f.a1, f.a2);
    let (gb0, gb1, gb2, ga1, ga2) = (g.b0, g.b1, g.b2, g.a1, g.a2);
    let (mut f1, mut f2) = (f.s1, f.s2);
    let (mut g1, mut g2) = (g.s1, g.s2);
    for x in frames.iter_mut() {
        for c in 0..LANES {
            let xc = x[c];
            let y = times::<F_UNIT>(fb0, xc) + f1[c];
            f1[c] = fb1 * xc - fa1 * y + f2[c];
            f2[c] = times::<F_UNIT>(fb2, xc) - fa2 * y;
            let z = times::<G_UNIT>(gb0, y) + g1[c];
            g1[c] = gb1 * y - ga1 * z + g2[c];
            g2[c] = times::<G_UNIT>(gb2, y) - ga2 * z;
            x[c] = z;
        }
    }
    (f.s1, f.s2) = (f1, f2);
    (g.s1, g.s2) = (g1, g2);
}

/// Trailing RMS over the same window for every lane (samples before the start count as zero).
#[derive(Clone, Debug)]
pub struct RmsBank {
    window: Vec<Lanes>,
    pos: usize,
    sums: Lanes,
    inv_len: f64,
}

impl RmsBank {
    /// A window of `len` samples (at least 1).
    pub fn new(len: usize) -> Self {
        let len = len.max(1);
        Self {
            window: vec![[0.0; LANES]; len],
            pos: 0,
            sums: [0.0; LANES],
            inv_len: 1.0 / len as f64,
        }
    }

    /// Adds one frame of filtered samples; writes the envelope of every lane into `out`.
    #[inline(always)]
    pub fn push(&mut self, x: &Lanes, out: &mut [f32; LANES]) {
        self.push_frames(std::iter::once((x, out)));
    }

    /// Adds several frames in order, writing each frame's envelopes into its output: the running sums stay
    /// in registers for the whole run. The arithmetic per lane is exactly that of [`RmsBank::push`].
    #[inline(always)]
    pub fn push_frames<'a>(
        &mut self,
        frames: impl Iterator<Item = (&'a Lanes, &'a mut [f32; LANES])>,
    ) {
        let inv_len = self.inv_len;
        let len = self.window.len();
        let mut sums = self.sums;
        let mut pos = self.pos;
        for (x, out) in frames {
            let slot = &mut self.window[pos];
            for c in 0..LANES {
                let square = x[c] * x[c];
                let old = slot[c];
                slot[c] = square;
                sums[c] += square - old;
                out[c] = (sums[c].max(0.0) * inv_len).sqrt() as f32;
            }
            pos += 1;
            if pos == len {
                pos = 0;
            }
        }
        self.sums = sums;
        self.pos = pos;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::design::{Band, butterworth};
    use crate::dsp::envelope::RmsEnvelope;
    use crate::dsp::sos_filter::SosFilter;

    #[test]
    fn bank_is_bit_identical_to_per_channel_filters() {
        let sos = butterworth(4, Band::Bandpass(20.0, 450.0), 2000.0).unwrap();
        let mut bank = FilterBank::new(&sos);
        let mut rms_bank = RmsBank::new(200);
        let mut singles: Vec<SosFilter> = (0..LANES).map(|_| SosFilter::new(&sos)).collect();
        let mut rms: Vec<RmsEnvelope> = (0..LANES).map(|_| RmsEnvelope::new(200)).collect();
        let mut env = [0.0f32; LANES];
        for n in 0..5000 {
            let mut x: Lanes = std::array::from_fn(|c| ((n * (c + 3)) % 97) as f64 - 48.0);
            let expected: Vec<f64> = x
                .iter()
                .zip(&mut singles)
                .map(|(v, f)| f.process(*v))
                .collect();
            if n % 2 == 0 {
                bank.process(&mut x);
            } else {
                bank.process_frames(std::slice::from_mut(&mut x));
            }
            if n % 3 == 0 {
                rms_bank.push(&x, &mut env);
            } else {
                rms_bank.push_frames(std::iter::once((&x, &mut env)));
            }
            for c in 0..LANES {
                assert_eq!(x[c].to_bits(), expected[c].to_bits(), "frame {n} lane {c}");
                assert_eq!(env[c], rms[c].push(expected[c]) as f32);
            }
        }
    }

    /// Runs of many frames (the block path: two sections at a time, state kept in registers) equal the
    /// one-channel references bit for bit, for an odd number of sections too and for every mix of
    /// sections with and without unit outer coefficients.
    #[test]
    fn runs_of_frames_equal_the_references() {
        let bandpass = butterworth(4, Band::Bandpass(20.0, 450.0), 2000.0).unwrap();
        let odd = &bandpass[..3];
        // Reversed, the pairs of sections come as (unit ends, unit ends) then (unit ends, general).
        let reversed: Vec<Sos> = bandpass.iter().rev().copied().collect();
        for sos in [&bandpass[..], odd, &reversed[..]] {
            let mut bank = FilterBank::new(sos);
            let mut rms_bank = RmsBank::new(37);
            let mut singles: Vec<SosFilter> = (0..LANES).map(|_| SosFilter::new(sos)).collect();
            let mut rms: Vec<RmsEnvelope> = (0..LANES).map(|_| RmsEnvelope::new(37)).collect();
            let mut n = 0;
            for run in [1usize, 64, 5, 63, 2, 64, 17] {
                let mut frames: Vec<Lanes> = (n..n + run)
                    .map(|f| std::array::from_fn(|c| ((f * (c + 5)) % 89) as f64 - 44.0))
                    .collect();
                let mut env = vec![[0.0f32; LANES]; run];
                bank.process_frames(&mut frames);
                rms_bank.push_frames(frames.iter().zip(env.iter_mut()));
                for (i, x) in frames.iter().enumerate() {
                    for c in 0..LANES {
                        let input = (((n + i) * (c + 5)) % 89) as f64 - 44.0;
                        let y = singles[c].process(input);
                        assert_eq!(x[c].to_bits(), y.to_bits(), "frame {} lane {c}", n + i);
                        assert_eq!(env[i][c], rms[c].push(y) as f32);
                    }
                }
                n += run;
            }
        }
    }
}
