//! Percentiles of a long stream in fixed memory: a log-spaced histogram (about 1 % resolution).

/// Counts of positive values in log-spaced bins from [`LOWEST`] to [`HIGHEST`].
#[derive(Clone, Debug)]
pub struct LogHistogram {
    counts: Vec<u64>,
    total: u64,
}

/// Values at or below this land in the first bin (uV).
pub const LOWEST: f64 = 1e-3;
/// Values at or above this land in the last bin (uV).
pub const HIGHEST: f64 = 1e6;
const BINS_PER_DECADE: f64 = 200.0;

impl Default for LogHistogram {
    fn default() -> Self {
        let bins = ((HIGHEST / LOWEST).log10() * BINS_PER_DECADE).ceil() as usize + 1;
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
        let idx = if v <= LOWEST {
            0
        } else {
            (((v / LOWEST).log10() * BINS_PER_DECADE) as usize).min(self.counts.len() - 1)
        };
        self.counts[idx] += 1;
        self.total += 1;
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
                return Some(LOWEST * 10f64.powf((i as f64 + 0.5) / BINS_PER_DECADE));
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
            assert!((v - expected).abs() / expected < 0.012, "q{q}: {v}");
        }
        assert!(LogHistogram::default().quantile(0.5).is_none());
    }
}
