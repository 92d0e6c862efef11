//! One-channel reference cascade (tests only): the lane-wise [`super::bank::FilterBank`] must equal it bit for bit.

use super::design::Sos;

/// One section in transposed direct form II (what SciPy's `sosfilt` runs), state in f64.
#[derive(Clone, Copy, Debug, Default)]
struct Section {
    b0: f64,
    b1: f64,
    b2: f64,
    a1: f64,
    a2: f64,
    s1: f64,
    s2: f64,
}

/// A stateful cascade of biquads. Feeding a signal in one call or split into blocks of any size gives the
/// same output, because the state lives here and not in the caller.
#[derive(Clone, Debug, Default)]
pub struct SosFilter {
    sections: Vec<Section>,
}

impl SosFilter {
    /// A filter from SciPy-layout sections, starting from zero state.
    pub fn new(sos: &[Sos]) -> Self {
        let sections = sos
            .iter()
            .map(|s| {
                let (b0, b1, b2, a1, a2) = super::design::normalised(s);
                Section {
                    b0,
                    b1,
                    b2,
                    a1,
                    a2,
                    s1: 0.0,
                    s2: 0.0,
                }
            })
            .collect();
        Self { sections }
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f64) -> f64 {
        let mut x = x;
        for s in &mut self.sections {
            let y = s.b0 * x + s.s1;
            s.s1 = s.b1 * x - s.a1 * y + s.s2;
            s.s2 = s.b2 * x - s.a2 * y;
            x = y;
        }
        x
    }
}
