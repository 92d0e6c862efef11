//! Trailing RMS envelope: sqrt of the mean of the squared signal over the last N samples.
//!
//! The live and offline chains compute it lane by lane in [`super::bank::RmsBank`]; this module holds the
//! window arithmetic they share, and (in tests) the one-channel reference the bank is checked against.

/// Window length for `seconds` at `fs` Hz: round(seconds * fs), at least 1.
pub fn window_len(seconds: f64, fs: f64) -> usize {
    ((seconds * fs).round() as usize).max(1)
}

/// One-channel reference: RMS over a trailing window, samples before the first counting as zero.
#[cfg(test)]
#[derive(Clone, Debug)]
pub struct RmsEnvelope {
    squares: super::moving_sum::MovingSum,
    inv_len: f64,
}

#[cfg(test)]
impl RmsEnvelope {
    /// A window of `len` samples (at least 1).
    pub fn new(len: usize) -> Self {
        let squares = super::moving_sum::MovingSum::new(len);
        let inv_len = 1.0 / squares.len() as f64;
        Self { squares, inv_len }
    }

    /// Adds one filtered sample and returns the envelope at it.
    pub fn push(&mut self, x: f64) -> f64 {
        (self.squares.push(x * x).max(0.0) * self.inv_len).sqrt()
    }
}
