//! Percentiles of a long stream in fixed memory: a log-spaced histogram (better than 0.4 % resolution).
//!
//! A value's bin comes from its single-precision IEEE-754 bits (envelopes are f32): the exponent and the
//! top [`MANTISSA_BITS`] bits of the mantissa, i.e. 128 bins per octave, linear within the octave. No
//! logarithm per sample: counting is a clamp, a shift and a subtraction.

/// Counts of positive values in log-spaced bins from [`LOWEST`] to [`HIGHEST`].
#[derive(Clone, Debug)]
pub struct LogHistogram {
    counts: Vec<u64>,
    total: u64,
}

/// Values at or below this land in the first bin (uV).
pub const LOWEST: f32 = 1e-3;
/// Values at or above this land in the last bin (uV).
pub const HIGHEST: f32 = 1e6;
/// Mantissa bits kept: 2^7 = 128 bins per octave (each under 0.8 % wide).
const MANTISSA_BITS: u32 = 7;
const SHIFT: u32 = 23 - MANTISSA_BITS;

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
            counts: vec![0; bins],
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
        self.counts[bin(v.clamp(LOWEST as f64, HIGHEST as f64) as f32)] += 1;
        self.total += 1;
    }

    /// Counts every value of `values` (non-finite values are ignored).
    pub fn add_all(&mut self, values: &[f32]) {
        let mut counted = 0;
        for &v in values {
            if v.is_finite() {
                self.counts[bin(v)] += 1;
                counted += 1;
            }
        }
        self.total += counted;
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
            seen += c;
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
}
