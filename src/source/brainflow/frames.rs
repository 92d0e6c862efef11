//! BrainFlow's data (rows of doubles, one row per board channel) into Innervate's frames: the chosen
//! muscle rows in microvolts, the package counter into lost samples, and a non-finite value into a lost
//! frame (a marked gap) so it never reaches the filters. Pure: no library, no clock.

/// What one sample became.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sample<'a> {
    /// A frame to stream (one value per chosen channel, microvolts).
    Frame(&'a [f32]),
    /// This many samples are missing before the next event, by the package counter.
    Lost(u64),
    /// The sample held a non-finite value: it takes its place on the timeline as a one-frame gap.
    NonFinite,
}

/// Maps BrainFlow's sample columns onto frames.
#[derive(Debug)]
pub struct FrameMapper {
    rows: Vec<usize>,
    counter_row: Option<usize>,
    previous: Option<u64>,
    /// Largest counter value seen: the counter wraps after it (BrainFlow's boards count 0..=255 or less).
    max_seen: u64,
    frame: Vec<f32>,
}

impl FrameMapper {
    /// A mapper taking `rows` (BrainFlow row indices, in channel order) and the counter in `counter_row`.
    pub fn new(rows: Vec<usize>, counter_row: Option<usize>) -> Self {
        let n = rows.len();
        Self {
            rows,
            counter_row,
            previous: None,
            max_seen: 0,
            frame: vec![0.0; n],
        }
    }

    /// Maps `n` samples laid out as BrainFlow returns them (`data[row * n + i]`), calling `out` for each
    /// event in stream order. Rows beyond `data` read as non-finite.
    pub fn map(&mut self, data: &[f64], n: usize, mut out: impl FnMut(Sample<'_>)) {
        for i in 0..n {
            let at = |row: usize| data.get(row * n + i).copied().unwrap_or(f64::NAN);
            if let Some(lost) = self.counter_row.and_then(|r| self.lost_before(at(r))) {
                out(Sample::Lost(lost));
            }
            let mut finite = true;
            for (slot, &row) in self.frame.iter_mut().zip(&self.rows) {
                let v = at(row) as f32;
                finite &= v.is_finite();
                *slot = v;
            }
            out(if finite {
                Sample::Frame(&self.frame)
            } else {
                Sample::NonFinite
            });
        }
    }

    /// Samples missing before a sample whose counter reads `value`, if any. A counter that is not a
    /// whole number (or absent) says nothing.
    fn lost_before(&mut self, value: f64) -> Option<u64> {
        if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < 1e15) {
            return None;
        }
        let c = value as u64;
        self.max_seen = self.max_seen.max(c);
        let prev = self.previous.replace(c)?;
        let lost = if c > prev {
            c - prev - 1
        } else if c < prev {
            // Wrapped: the counter runs 0..=max_seen.
            (self.max_seen - prev) + c
        } else {
            0
        };
        (lost > 0).then_some(lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows: 0 counter, 1-2 channels; `samples` as (counter, a, b).
    fn run(mapper: &mut FrameMapper, samples: &[(f64, f64, f64)]) -> Vec<String> {
        let n = samples.len();
        let mut data = vec![0.0; 3 * n];
        for (i, s) in samples.iter().enumerate() {
            data[i] = s.0;
            data[n + i] = s.1;
            data[2 * n + i] = s.2;
        }
        let mut events = Vec::new();
        mapper.map(&data, n, |e| {
            events.push(match e {
                Sample::Frame(f) => format!("{f:?}"),
                Sample::Lost(k) => format!("lost {k}"),
                Sample::NonFinite => "nan".into(),
            })
        });
        events
    }

    #[test]
    fn frames_counter_drops_wraps_and_non_finite_values() {
        let mut m = FrameMapper::new(vec![2, 1], Some(0));
        let events = run(
            &mut m,
            &[
                (253.0, 1.0, 2.0),
                (254.0, 3.0, 4.0),
                (255.0, 5.0, f64::NAN),
                (0.0, 7.0, 8.0),
                (3.0, 9.0, 10.0),
                (4.0, f64::INFINITY, 0.0),
                (5.0, 1e300, 0.0),
            ],
        );
        assert_eq!(
            events,
            vec![
                "[2.0, 1.0]",
                "[4.0, 3.0]",
                "nan",
                "[8.0, 7.0]",
                "lost 2",
                "[10.0, 9.0]",
                "nan",
                "nan",
            ]
        );
        // Across calls, and a drop across the wrap: 5 -> 255 seen, then 1 after 254 means 255 and 0 lost.
        let events = run(&mut m, &[(254.0, 0.0, 0.0), (1.0, 0.0, 0.0)]);
        assert_eq!(
            events,
            vec!["lost 248", "[0.0, 0.0]", "lost 2", "[0.0, 0.0]"]
        );
    }

    #[test]
    fn without_a_counter_nothing_is_called_lost_and_short_data_is_not_a_panic() {
        let mut m = FrameMapper::new(vec![1], None);
        assert_eq!(
            run(&mut m, &[(9.0, 1.5, 0.0), (0.0, 2.5, 0.0)]),
            vec!["[1.5]", "[2.5]"]
        );
        let mut m = FrameMapper::new(vec![7], Some(0));
        let mut seen = Vec::new();
        m.map(&[1.0, 2.0], 2, |e| seen.push(e == Sample::NonFinite));
        assert_eq!(seen, vec![true, true]);
        let mut m = FrameMapper::new(vec![1], Some(0));
        assert_eq!(
            run(&mut m, &[(0.5, 1.0, 0.0), (-1.0, 2.0, 0.0)]),
            vec!["[1.0]", "[2.0]"]
        );
    }
}
