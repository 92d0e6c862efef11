//! Trailing RMS envelope: sqrt of the mean of the squared signal over the last N samples.

use super::moving_sum::MovingSum;

/// RMS over a trailing window; samples before the first count as zero (so it ramps up over the first window,
/// exactly like a reference implementation that zero-pads).
#[derive(Clone, Debug)]
pub struct RmsEnvelope {
    squares: MovingSum,
    inv_len: f64,
}

impl RmsEnvelope {
    /// A window of `len` samples (at least 1).
    pub fn new(len: usize) -> Self {
        let squares = MovingSum::new(len);
        let inv_len = 1.0 / squares.len() as f64;
        Self { squares, inv_len }
    }

    /// Window length for `seconds` at `fs` Hz: round(seconds * fs), at least 1.
    pub fn window_len(seconds: f64, fs: f64) -> usize {
        ((seconds * fs).round() as usize).max(1)
    }

    /// Adds one filtered sample and returns the envelope at it.
    #[inline]
    pub fn push(&mut self, x: f64) -> f64 {
        (self.squares.push(x * x).max(0.0) * self.inv_len).sqrt()
    }

    /// Forgets the past.
    pub fn reset(&mut self) {
        self.squares.reset();
    }
}
