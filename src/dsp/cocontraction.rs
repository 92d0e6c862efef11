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
    if agonist > RATIO_FLOOR {
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
    if total > 0.0 {
        200.0 * i_antagonist / total
    } else {
        0.0
    }
}

/// Rudolph et al. 2000 at one sample: `(lower / higher) * (lower + higher)` (0 when both are silent).
#[inline(always)]
pub fn rudolph(a: f64, b: f64) -> f64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    if hi > 0.0 { lo / hi * (lo + hi) } else { 0.0 }
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
#[derive(Clone, Debug)]
pub struct PairBank {
    agonist: Vec<[f64; MAX_PAIRS]>,
    antagonist: Vec<[f64; MAX_PAIRS]>,
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
        agonist: &[f64; MAX_PAIRS],
        antagonist: &[f64; MAX_PAIRS],
        out: &mut [CoContraction; MAX_PAIRS],
    ) {
        let ag_slot = &mut self.agonist[self.pos];
        let ant_slot = &mut self.antagonist[self.pos];
        let rud_slot = &mut self.rudolph[self.pos];
        for k in 0..MAX_PAIRS {
            let r = rudolph(agonist[k], antagonist[k]);
            self.rudolph_sum[k] += r - std::mem::replace(&mut rud_slot[k], r);
            self.agonist_sum[k] += agonist[k] - std::mem::replace(&mut ag_slot[k], agonist[k]);
            self.antagonist_sum[k] +=
                antagonist[k] - std::mem::replace(&mut ant_slot[k], antagonist[k]);
            out[k] = CoContraction {
                rudolph: (self.rudolph_sum[k].max(0.0) * self.inv_len) as f32,
                ratio: ratio(agonist[k], antagonist[k]) as f32,
                cci: falconer_winter(
                    self.agonist_sum[k].max(0.0),
                    self.antagonist_sum[k].max(0.0),
                ) as f32,
            };
        }
        self.pos += 1;
        if self.pos == self.agonist.len() {
            self.pos = 0;
        }
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
    fn bank_equals_one_tracker_per_pair() {
        let mut bank = PairBank::new(37);
        let mut singles: Vec<PairTracker> = (0..MAX_PAIRS).map(|_| PairTracker::new(37)).collect();
        let mut out = [CoContraction::default(); MAX_PAIRS];
        for n in 0..500 {
            let ag: [f64; MAX_PAIRS] = std::array::from_fn(|k| ((n * (k + 1)) % 23) as f64);
            let ant: [f64; MAX_PAIRS] = std::array::from_fn(|k| ((n * (k + 2)) % 17) as f64 * 0.5);
            bank.push(&ag, &ant, &mut out);
            for k in 0..MAX_PAIRS {
                assert_eq!(out[k], singles[k].push(ag[k], ant[k]), "frame {n} pair {k}");
            }
        }
    }
}
