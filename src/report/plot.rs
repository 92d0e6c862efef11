//! Envelope plots for the report: the analysis pass's per-frame envelopes thinned to a fixed number of
//! columns (minimum and maximum per column, so a short peak survives), drawn as vector lines with the sets'
//! target lines, set start and end markers and rep onsets.

use super::session::{Writer, rgb};
use crate::analysis::{EnvelopeRun, Report};

/// Columns per plot: about one per point of an A4 text width.
pub const COLUMNS: usize = 480;
const PLOT_HEIGHT: f32 = 80.0;

/// Min and max of each channel's envelope per column; memory is fixed by the column count.
#[derive(Clone, Debug)]
pub struct EnvelopeColumns {
    frames_per_column: u64,
    /// Per channel: (min, max) per column, uV.
    pub columns: Vec<Vec<(f32, f32)>>,
}

impl EnvelopeColumns {
    /// Columns for `channels` channels of a recording `frames` long.
    pub fn new(channels: usize, frames: u64) -> Self {
        Self {
            frames_per_column: frames.div_ceil(COLUMNS as u64).max(1),
            columns: vec![Vec::with_capacity(COLUMNS + 1); channels],
        }
    }

    /// Takes a run of frames' envelopes (all channels), the next after those taken so far.
    pub fn push_run(&mut self, run: &EnvelopeRun<'_>) {
        for (c, col) in self.columns.iter_mut().enumerate().take(run.channels()) {
            run.bucket_extremes(c, self.frames_per_column, |start, lo, hi| {
                match col.last_mut() {
                    Some(last) if !start => {
                        last.0 = last.0.min(lo);
                        last.1 = last.1.max(hi);
                    }
                    _ => col.push((lo, hi)),
                }
            });
        }
    }

    /// Seconds per column at `rate` Hz.
    pub fn column_s(&self, rate: f64) -> f64 {
        self.frames_per_column as f64 / rate
    }
}

/// A plot's grey frame, its lower left corner at `origin`.
pub(super) fn draw_frame(w: &mut Writer, [x0, y0]: [f32; 2], width: f32, height: f32) {
    let frame = [
        [x0, y0],
        [x0 + width, y0],
        [x0 + width, y0 + height],
        [x0, y0 + height],
        [x0, y0],
    ];
    w.doc.polyline(&frame, 0.5, rgb(150, 150, 150));
}

/// Draws channel `c`'s plot below the writer's line and moves it down.
pub(super) fn draw_envelope(w: &mut Writer, r: &Report, cols: &EnvelopeColumns, c: usize) {
    let Some(col) = cols.columns.get(c) else {
        return;
    };
    let name = &r.channels[c].name;
    let targets: Vec<f64> = r
        .sets
        .iter()
        .filter(|s| s.plan.target == c)
        .map(|s| s.summary.target_level_uv)
        .collect();
    let top = col
        .iter()
        .map(|p| p.1 as f64)
        .chain(targets.iter().copied())
        .fold(1.0, f64::max)
        * 1.1;
    let (x0, width) = (w.left(), w.width());
    w.doc
        .text(x0, w.y - 2.0, 8.5, true, &format!("{name} (0-{top:.0} uV)"));
    let y0 = w.y - 8.0 - PLOT_HEIGHT;
    draw_frame(w, [x0, y0], width, PLOT_HEIGHT);
    let duration = (cols.column_s(r.sample_rate_hz) * col.len() as f64).max(1e-9);
    let x = |t: f64| x0 + (t / duration).clamp(0.0, 1.0) as f32 * width;
    let y = |v: f64| y0 + (v / top).clamp(0.0, 1.0) as f32 * PLOT_HEIGHT;
    let dx = width / col.len().max(1) as f32;
    let env = rgb(52, 110, 180);
    // One vertical stroke per column from its min to its max, joined by the max line.
    let maxes: Vec<[f32; 2]> = col
        .iter()
        .enumerate()
        .map(|(k, p)| [x0 + (k as f32 + 0.5) * dx, y(p.1 as f64)])
        .collect();
    for (k, p) in col.iter().enumerate() {
        let xk = x0 + (k as f32 + 0.5) * dx;
        w.doc.polyline(
            &[[xk, y(p.0 as f64)], [xk, y(p.1 as f64)]],
            dx.max(0.3),
            env,
        );
    }
    w.doc.polyline(&maxes, 0.6, env);
    for s in r.sets.iter() {
        let (a, b) = (x(s.start_s), x(s.end_s));
        for xm in [a, b] {
            w.doc
                .polyline(&[[xm, y0], [xm, y0 + PLOT_HEIGHT]], 0.8, rgb(80, 80, 80));
        }
        if s.plan.target == c {
            let ty = y(s.summary.target_level_uv);
            w.doc.polyline(&[[a, ty], [b, ty]], 1.0, rgb(230, 170, 0));
            for rep in &s.summary.rep_list {
                let xr = x(rep.onset_s);
                w.doc
                    .polyline(&[[xr, y0], [xr, y0 + 6.0]], 0.8, rgb(200, 60, 50));
            }
        }
    }
    w.y = y0 - 14.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_keep_each_peak() {
        let mut c = EnvelopeColumns::new(1, 10 * COLUMNS as u64);
        let values: Vec<f32> = (0..10 * COLUMNS)
            .map(|n| if n == 37 { 500.0 } else { 1.0 })
            .collect();
        // Runs that straddle the columns' edges, as the pass hands them over.
        let mut first = 0;
        for run in values.chunks(333) {
            c.push_run(&EnvelopeRun::new(run, run.len(), 1, run.len(), first));
            first += run.len() as u64;
        }
        assert_eq!(c.columns[0].len(), COLUMNS);
        assert_eq!(c.columns[0][3], (1.0, 500.0));
        assert_eq!(c.columns[0][4], (1.0, 1.0));
    }
}
