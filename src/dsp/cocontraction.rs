//! Agonist/antagonist co-contraction on envelopes: the live ratio and the Falconer & Winter index.

#[cfg(test)]
use super::moving_sum::MovingSum;
use super::processor::MAX_PAIRS;

/// Below this agonist envelope (in the envelope's unit) the ratio is reported as 0 rather than blowing up.
const RATIO_FLOOR: f64 = 1e-6;

/// Co-contraction values for one pair at one sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CoContraction {
    /// Antagonist envelope / agonist envelope (0 when the agonist is silent).
    pub ratio: f32,
    /// Falconer & Winter 1985 with fixed roles over the trailing window: `200 * I_ant / (I_ag + I_ant)` in %.
    pub cci: f32,
    /// Rudolph et al. 2000 averaged over the trailing window: mean of `(lower / higher) * (lower + higher)`,
    /// in the envelope's unit.
    pub rudolph: f32,
}

/// Antagonist/agonist envelope ratio (0 when the agonist is silent).
#[inline(always)]
pub fn ratio(agonist: f64, antagonist: f64) -> f64 {
    // Divided first and selected after (the same value either way): a select, not a branch, so the pair
    // lanes vectorise. The same holds for the two functions below.
    let q = antagonist / agonist;
    if agonist > RATIO_FLOOR { q } else { 0.0 }
}

/// [`ratio`] of two single-precision envelopes, in single precision: a quotient worked out in f64 and
/// rounded to f32 is the correctly rounded f32 quotient (f64 carries more than 2 x 24 + 2 bits), so this
/// equals `ratio(ag, ant) as f32` bit for bit at half the vector work.
#[inline(always)]
pub fn ratio_f32(agonist: f32, antagonist: f32) -> f32 {
    if agonist as f64 > RATIO_FLOOR {
        antagonist / agonist
    } else {
        0.0
    }
}

/// Falconer & Winter with fixed roles from integrated envelopes: `200 * I_ant / (I_ag + I_ant)` in %
/// (0 when both are silent).
#[inline(always)]
pub fn falconer_winter(i_agonist: f64, i_antagonist: f64) -> f64 {
    let total = i_agonist + i_antagonist;
    let index = 200.0 * i_antagonist / total;
    if total > 0.0 { index } else { 0.0 }
}

/// Rudolph et al. 2000 at one sample: `(lower / higher) * (lower + higher)` (0 when both are silent).
#[inline(always)]
pub fn rudolph(a: f64, b: f64) -> f64 {
    let a_lower = a < b;
    let lo = if a_lower { a } else { b };
    let hi = if a_lower { b } else { a };
    let value = lo / hi * (lo + hi);
    if hi > 0.0 { value } else { 0.0 }
}

/// One-pair reference (tests only): [`PairBank`] must equal it exactly.
#[cfg(test)]
#[derive(Clone, Debug)]
pub struct PairTracker {
    agonist: MovingSum,
    antagonist: MovingSum,
    rudolph: MovingSum,
}

#[cfg(test)]
impl PairTracker {
    /// A tracker whose Falconer & Winter window is `len` samples.
    pub fn new(len: usize) -> Self {
        Self {
            agonist: MovingSum::new(len),
            antagonist: MovingSum::new(len),
            rudolph: MovingSum::new(len),
        }
    }

    /// Adds one pair of envelope samples.
    #[inline]
    pub fn push(&mut self, agonist: f64, antagonist: f64) -> CoContraction {
        let i_ag = self.agonist.push(agonist).max(0.0);
        let i_ant = self.antagonist.push(antagonist).max(0.0);
        let rudolph_sum = self.rudolph.push(rudolph(agonist, antagonist)).max(0.0);
        CoContraction {
            rudolph: (rudolph_sum * (1.0 / self.rudolph.len() as f64)) as f32,
            ratio: ratio(agonist, antagonist) as f32,
            cci: falconer_winter(i_ag, i_ant) as f32,
        }
    }
}

/// Every pair's trailing-window indices in lock-step lanes (vectorisable; checked against a one-pair reference).
///
/// Inputs are the envelopes as the processor hands them out (`f32`); the arithmetic is in `f64` on their
/// exact widened values, as [`PairTracker`] does it. The agonist and antagonist windows keep the `f32` values
/// (widening is exact), which halves their memory.
#[derive(Clone, Debug)]
pub struct PairBank {
    agonist: Vec<[f32; MAX_PAIRS]>,
    antagonist: Vec<[f32; MAX_PAIRS]>,
    pos: usize,
    agonist_sum: [f64; MAX_PAIRS],
    antagonist_sum: [f64; MAX_PAIRS],
    rudolph: Vec<[f64; MAX_PAIRS]>,
    rudolph_sum: [f64; MAX_PAIRS],
    inv_len: f64,
}

impl PairBank {
    /// A bank whose Falconer & Winter window is `len` samples.
    pub fn new(len: usize) -> Self {
        let len = len.max(1);
        Self {
            agonist: vec![[0.0; MAX_PAIRS]; len],
            antagonist: vec![[0.0; MAX_PAIRS]; len],
            pos: 0,
            agonist_sum: [0.0; MAX_PAIRS],
            antagonist_sum: [0.0; MAX_PAIRS],
            rudolph: vec![[0.0; MAX_PAIRS]; len],
            rudolph_sum: [0.0; MAX_PAIRS],
            inv_len: 1.0 / len as f64,
        }
    }

    /// Adds one frame of agonist and antagonist envelopes (one per pair lane); writes every lane's values.
    #[inline(always)]
    pub fn push(
        &mut self,
        agonist: &[f32; MAX_PAIRS],
        antagonist: &[f32; MAX_PAIRS],
        out: &mut [CoContraction; MAX_PAIRS],
    ) {
        let mut lanes = PairValues::default();
        self.push_frames(std::iter::once((*agonist, *antagonist, &mut lanes)));
        *out = lanes.to_pairs();
    }

    /// Adds several frames in order (agonist envelopes, antagonist envelopes, where to write the frame's
    /// values): the running sums stay in registers for the whole run, and each index is computed for all
    /// lanes at once (the values are written index by index, [`PairValues`], so the compiler keeps them in
    /// vectors). The arithmetic per lane is exactly that of [`PairBank::push`].
    #[inline(always)]
    #[expect(
        clippy::needless_range_loop,
        reason = "one lane index addresses several arrays in lock-step"
    )]
    pub fn push_frames<'a>(
        &mut self,
        frames: impl Iterator<Item = ([f32; MAX_PAIRS], [f32; MAX_PAIRS], &'a mut PairValues)>,
    ) {
        let inv_len = self.inv_len;
        let len = self.agonist.len();
        let mut pos = self.pos;
        let mut ag_sum = self.agonist_sum;
        let mut ant_sum = self.antagonist_sum;
        let mut rud_sum = self.rudolph_sum;
        for (ag32, ant32, out) in frames {
            // Whole-lane steps on local copies (old values read and new ones written back in one go, one
            // small loop per step), so the compiler sees no aliasing and turns each step into a few vector
            // instructions.
            let ag = ag32.map(f64::from);
            let ant = ant32.map(f64::from);
            let old_ag = std::mem::replace(&mut self.agonist[pos], ag32).map(f64::from);
            let old_ant = std::mem::replace(&mut self.antagonist[pos], ant32).map(f64::from);
            let mut r = [0.0; MAX_PAIRS];
            for k in 0..MAX_PAIRS {
                r[k] = rudolph(ag[k], ant[k]);
            }
            let old_r = std::mem::replace(&mut self.rudolph[pos], r);
            for k in 0..MAX_PAIRS {
                rud_sum[k] += r[k] - old_r[k];
            }
            for k in 0..MAX_PAIRS {
                ag_sum[k] += ag[k] - old_ag[k];
            }
            for k in 0..MAX_PAIRS {
                ant_sum[k] += ant[k] - old_ant[k];
            }
            for k in 0..MAX_PAIRS {
                out.rudolph[k] = (rud_sum[k].max(0.0) * inv_len) as f32;
            }
            for k in 0..MAX_PAIRS {
                out.ratio[k] = ratio_f32(ag32[k], ant32[k]);
            }
            for k in 0..MAX_PAIRS {
                out.cci[k] = falconer_winter(ag_sum[k].max(0.0), ant_sum[k].max(0.0)) as f32;
            }
            pos += 1;
            if pos == len {
                pos = 0;
            }
        }
        self.pos = pos;
        self.agonist_sum = ag_sum;
        self.antagonist_sum = ant_sum;
        self.rudolph_sum = rud_sum;
    }
}

/// One frame's values of every pair lane, laid out index by index (the bank's working layout; see
/// [`PairValues::to_pairs`] for the per-pair records).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairValues {
    /// [`CoContraction::ratio`] per pair lane.
    pub ratio: [f32; MAX_PAIRS],
    /// [`CoContraction::cci`] per pair lane.
    pub cci: [f32; MAX_PAIRS],
    /// [`CoContraction::rudolph`] per pair lane.
    pub rudolph: [f32; MAX_PAIRS],
}

impl PairValues {
    /// Pair lane `k`'s values as one record.
    #[inline(always)]
    pub fn get(&self, k: usize) -> CoContraction {
        CoContraction {
            ratio: self.ratio[k],
            cci: self.cci[k],
            rudolph: self.rudolph[k],
        }
    }

    /// The same values as one record per pair.
    #[inline(always)]
    pub fn to_pairs(&self) -> [CoContraction; MAX_PAIRS] {
        std::array::from_fn(|k| CoContraction {
            ratio: self.ratio[k],
            cci: self.cci[k],
            rudolph: self.rudolph[k],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_activity_gives_100_percent_and_silence_gives_zero() {
        let mut t = PairTracker::new(10);
        let mut last = CoContraction::default();
        for _ in 0..20 {
            last = t.push(5.0, 5.0);
        }
        assert!((last.cci - 100.0).abs() < 1e-4);
        assert!((last.ratio - 1.0).abs() < 1e-6);
        // Rudolph: (5 / 5) * (5 + 5) = 10.
        assert!((last.rudolph - 10.0).abs() < 1e-4);
        for _ in 0..20 {
            last = t.push(8.0, 2.0);
        }
        // 200 * 2 / (8 + 2) = 40 %
        assert!((last.cci - 40.0).abs() < 1e-4);
        let silent = PairTracker::new(4).push(0.0, 0.0);
        assert_eq!(silent, CoContraction::default());
    }

    #[test]
    fn an_f32_quotient_equals_the_f64_quotient_rounded_to_f32() {
        // The bank divides envelopes in single precision; the one-pair reference in double, then rounds.
        let mut state = 3u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Positive finite f32 values across every exponent, subnormals included.
            f32::from_bits(((state >> 33) as u32) % 0x7F80_0000)
        };
        for _ in 0..1_000_000 {
            let (ag, ant) = (next(), next());
            let wide = ((ant as f64) / (ag as f64)) as f32;
            assert_eq!((ant / ag).to_bits(), wide.to_bits(), "{ant} / {ag}");
        }
    }

    #[test]
    fn bank_equals_one_tracker_per_pair() {
        let mut bank = PairBank::new(37);
        let mut singles: Vec<PairTracker> = (0..MAX_PAIRS).map(|_| PairTracker::new(37)).collect();
        let mut out = [CoContraction::default(); MAX_PAIRS];
        for n in 0..500 {
            let ag: [f32; MAX_PAIRS] = std::array::from_fn(|k| ((n * (k + 1)) % 23) as f32);
            let ant: [f32; MAX_PAIRS] = std::array::from_fn(|k| ((n * (k + 2)) % 17) as f32 * 0.5);
            bank.push(&ag, &ant, &mut out);
            for k in 0..MAX_PAIRS {
                let expected = singles[k].push(ag[k] as f64, ant[k] as f64);
                assert_eq!(out[k], expected, "frame {n} pair {k}");
            }
        }
    }

    #[test]
    fn runs_of_frames_equal_one_tracker_per_pair() {
        let mut bank = PairBank::new(29);
        let mut singles: Vec<PairTracker> = (0..MAX_PAIRS).map(|_| PairTracker::new(29)).collect();
        let mut n = 0;
        for run in [1usize, 64, 3, 40, 64, 7] {
            let ag: Vec<[f32; MAX_PAIRS]> = (n..n + run)
                .map(|f| {
                    std::array::from_fn(|k| {
                        if f % 50 < 10 {
                            0.0
                        } else {
                            ((f * (k + 1)) % 23) as f32 * 0.3
                        }
                    })
                })
                .collect();
            let ant: Vec<[f32; MAX_PAIRS]> = (n..n + run)
                .map(|f| std::array::from_fn(|k| ((f * (k + 2)) % 17) as f32 * 0.7))
                .collect();
            let mut out = vec![PairValues::default(); run];
            bank.push_frames(
                ag.iter()
                    .zip(&ant)
                    .zip(out.iter_mut())
                    .map(|((a, b), o)| (*a, *b, o)),
            );
            for i in 0..run {
                for k in 0..MAX_PAIRS {
                    let expected = singles[k].push(ag[i][k] as f64, ant[i][k] as f64);
                    assert_eq!(out[i].get(k), expected, "frame {} pair {k}", n + i);
                    assert_eq!(out[i].to_pairs()[k], expected);
                }
            }
            n += run;
        }
    }
}
