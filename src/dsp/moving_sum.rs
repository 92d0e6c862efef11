//! A trailing window sum in O(1) per sample: the building block of RMS envelopes and windowed indices.

/// Sum of the last `len` values pushed; values before the first push count as zero.
#[derive(Clone, Debug)]
pub struct MovingSum {
    window: Box<[f64]>,
    pos: usize,
    sum: f64,
}

impl MovingSum {
    /// A window of `len` samples (at least 1).
    pub fn new(len: usize) -> Self {
        Self {
            window: vec![0.0; len.max(1)].into_boxed_slice(),
            pos: 0,
            sum: 0.0,
        }
    }

    /// Window length in samples.
    pub fn len(&self) -> usize {
        self.window.len()
    }

    /// Always false: a window holds at least one sample.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Adds `x`, drops the oldest value, and returns the new sum (never below zero for non-negative input,
    /// whatever the rounding).
    #[inline]
    pub fn push(&mut self, x: f64) -> f64 {
        let old = std::mem::replace(&mut self.window[self.pos], x);
        self.pos += 1;
        if self.pos == self.window.len() {
            self.pos = 0;
        }
        self.sum += x - old;
        self.sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_the_trailing_window() {
        let mut m = MovingSum::new(3);
        let sums: Vec<f64> = [1.0, 2.0, 3.0, 4.0, 5.0]
            .iter()
            .map(|&x| m.push(x))
            .collect();
        assert_eq!(sums, vec![1.0, 3.0, 6.0, 9.0, 12.0]);
    }
}
