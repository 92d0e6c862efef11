//! Percentiles of a long stream in fixed memory: a log-spaced histogram (better than 0.4 % resolution).
//!
//! A value's bin comes from its single-precision IEEE-754 bits (envelopes are f32): the exponent and the
//! top [`MANTISSA_BITS`] bits of the mantissa, i.e. 128 bins per octave, linear within the octave. No
//! logarithm per sample: counting is a clamp, a shift and a subtraction.

/// Counts of positive values in log-spaced bins from [`LOWEST`] to [`HIGHEST`].
#[derive(Clone, Debug)]
pub struct LogHistogram {
    /// Per bin, [`STRIPES`] counters used in turn (their sum is the bin's count).
    counts: Vec<[u64; STRIPES]>,
    total: u64,
}

/// Values at or below this land in the first bin (uV).
pub const LOWEST: f32 = 1e-3;
/// Values at or above this land in the last bin (uV).
pub const HIGHEST: f32 = 1e6;
/// Mantissa bits kept: 2^7 = 128 bins per octave (each under 0.8 % wide).
const MANTISSA_BITS: u32 = 7;
const SHIFT: u32 = 23 - MANTISSA_BITS;
/// Counters per bin. Consecutive values of a slow signal (an envelope) mostly fall in the same bin, and one
/// counter incremented back to back waits for its own previous store every time; four counters taken in
/// turn keep four increments in flight.
const STRIPES: usize = 4;

/// The bin of a positive finite value (its bit pattern shifted).
#[inline(always)]
fn key(v: f32) -> u32 {
    v.to_bits() >> SHIFT
}

/// The bin of a finite value (clamped to [`LOWEST`], [`HIGHEST`]).
#[inline(always)]
fn bin(v: f32) -> usize {
    (key(v.clamp(LOWEST, HIGHEST)) - key(LOWEST)) as usize
}

impl Default for LogHistogram {
    fn default() -> Self {
        let bins = (key(HIGHEST) - key(LOWEST) + 1) as usize;
        Self {
            counts: vec![[0; STRIPES]; bins],
            total: 0,
        }
    }
}

impl LogHistogram {
    /// Counts one value (non-finite values are ignored).
    #[inline]
    pub fn add(&mut self, v: f64) {
        if !v.is_finite() {
            return;
        }
        // Exact: the bounds are single-precision values.
        self.counts[bin(v.clamp(LOWEST as f64, HIGHEST as f64) as f32)][0] += 1;
        self.total += 1;
    }

    /// Counts every value of `values` (non-finite values are ignored), as [`Self::add`] one by one would.
    ///
    /// On x86-64 with AVX2, eight values at a time: their bins are worked out in one register, and when
    /// all eight fall in one bin, the usual case for a slow signal such as an envelope, that bin is counted
    /// up once. Elsewhere value by value.
    pub fn add_all(&mut self, values: &[f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { self.add_all_avx2(values) };
            return;
        }
        self.add_each(values);
    }

    /// Counts `values` one by one, the counters of a bin taken in turn.
    fn add_each(&mut self, values: &[f32]) {
        let mut counted = 0;
        for (i, &v) in values.iter().enumerate() {
            if v.is_finite() {
                self.counts[bin(v)][i % STRIPES] += 1;
                counted += 1;
            }
        }
        self.total += counted;
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_all_avx2(&mut self, values: &[f32]) {
        use std::arch::x86_64::*;
        /// Marks a value that is not counted.
        const SKIP: i32 = -1;
        let groups = values.chunks_exact(8);
        let rest = groups.remainder();
        let mut counted = 0;
        // SAFETY: each load reads one whole group of eight (`chunks_exact`); the store writes an array of
        // eight.
        unsafe {
            let abs = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fff_ffff));
            let inf = _mm256_set1_ps(f32::INFINITY);
            let (lowest, highest) = (_mm256_set1_ps(LOWEST), _mm256_set1_ps(HIGHEST));
            let first_key = _mm256_set1_epi32(key(LOWEST) as i32);
            let skip = _mm256_set1_epi32(SKIP);
            for group in groups {
                let v = _mm256_loadu_ps(group.as_ptr());
                let ok =
                    _mm256_castps_si256(_mm256_cmp_ps::<_CMP_LT_OQ>(_mm256_and_ps(v, abs), inf));
                // The clamp of `bin` (the order of the operands sends NaN to LOWEST; it is skipped anyway).
                let clamped = _mm256_min_ps(_mm256_max_ps(v, lowest), highest);
                let keys = _mm256_srli_epi32::<{ SHIFT as i32 }>(_mm256_castps_si256(clamped));
                let bins = _mm256_blendv_epi8(skip, _mm256_sub_epi32(keys, first_key), ok);
                let first = _mm256_set1_epi32(_mm256_cvtsi256_si32(bins));
                if _mm256_movemask_epi8(_mm256_cmpeq_epi32(bins, first)) == -1 {
                    let b = _mm256_cvtsi256_si32(bins);
                    if b != SKIP {
                        self.counts[b as usize][0] += 8;
                        counted += 8;
                    }
                    continue;
                }
                let mut each = [0i32; 8];
                _mm256_storeu_si256(each.as_mut_ptr().cast(), bins);
                for (i, &b) in each.iter().enumerate() {
                    if b != SKIP {
                        self.counts[b as usize][i % STRIPES] += 1;
                        counted += 1;
                    }
                }
            }
        }
        self.total += counted;
        self.add_each(rest);
    }

    /// Values counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0..=1), as the centre of its bin; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let target = (q.clamp(0.0, 1.0) * self.total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c.iter().sum::<u64>();
            if seen >= target {
                let k = key(LOWEST) + i as u32;
                let (lo, hi) = (f32::from_bits(k << SHIFT), f32::from_bits((k + 1) << SHIFT));
                return Some((lo as f64 + hi as f64) / 2.0);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_a_percent() {
        let mut h = LogHistogram::default();
        for i in 1..=10_000 {
            h.add(i as f64);
        }
        for (q, expected) in [(0.05, 500.0), (0.5, 5000.0), (0.95, 9500.0)] {
            let v = h.quantile(q).unwrap();
            assert!((v - expected).abs() / expected < 0.005, "q{q}: {v}");
        }
        // Every quantile within half a bin of the exact order statistic, across nine decades.
        let mut wide = LogHistogram::default();
        let values: Vec<f32> = (0..9000)
            .map(|i| 10f32.powf(i as f32 / 1000.0 - 3.0))
            .collect();
        wide.add_all(&values);
        wide.add(f64::NAN);
        assert_eq!(wide.total(), 9000);
        for q in [0.01, 0.3, 0.77, 0.999] {
            let exact = values[(q * 9000.0_f64).ceil() as usize - 1] as f64;
            let v = wide.quantile(q).unwrap();
            assert!((v - exact).abs() / exact < 0.004, "q{q}: {v} vs {exact}");
        }
        assert!(LogHistogram::default().quantile(0.5).is_none());
    }

    /// Counting a block at once gives every bin the count value-by-value counting gives: runs in one bin,
    /// runs broken by NaN and infinities, the clamped ends, a ragged tail.
    #[test]
    fn add_all_equals_add_one_by_one() {
        let values: Vec<f32> = (0..10_007)
            .map(|i| match i % 97 {
                3 => f32::NAN,
                5 => f32::INFINITY,
                7 => 0.0,
                11 => 1e9,
                _ => 10f32.powf(((i / 40) % 300) as f32 / 50.0 - 2.0),
            })
            .collect();
        let mut one = LogHistogram::default();
        values.iter().for_each(|v| one.add(*v as f64));
        for block in [1, 8, 13, 4096, 10_007] {
            let mut many = LogHistogram::default();
            values.chunks(block).for_each(|c| many.add_all(c));
            assert_eq!(many.total(), one.total(), "block {block}");
            let bins = |h: &LogHistogram| {
                h.counts
                    .iter()
                    .map(|c| c.iter().sum())
                    .collect::<Vec<u64>>()
            };
            assert_eq!(bins(&many), bins(&one), "block {block}");
        }
    }
}
