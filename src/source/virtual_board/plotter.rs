//! The virtual board as an Arduino sketch printing for the Serial Plotter: one text line per frame, from
//! power-on, deaf to the host.

use super::wire::{BoardControl, BoardProtocol, SampleCoding};

/// Microvolts as two-decimal text.
pub(super) struct PlotterCoding;

impl SampleCoding for PlotterCoding {
    fn quantise(&self, uv: f64) -> (i32, f32) {
        // What the host parses back from the two-decimal text.
        (0, format!("{uv:.2}").parse().unwrap_or(0.0))
    }
}

/// The board side of Serial Plotter text.
pub(super) struct PlotterBoard {
    channels: usize,
}

impl PlotterBoard {
    /// A sketch printing `channels` values a line.
    pub fn new(channels: usize) -> Self {
        Self { channels }
    }
}

impl BoardProtocol for PlotterBoard {
    fn streams_unasked(&self) -> bool {
        true
    }

    fn answer(&mut self, _bytes: &[u8], _board: &mut dyn BoardControl) {}

    fn encode(&mut self, _codes: &[i32], uv: &[f32], out: &mut Vec<u8>) {
        for frame in uv.chunks(self.channels) {
            let text: Vec<String> = frame.iter().map(|v| format!("{v:.2}")).collect();
            out.extend_from_slice(text.join(" ").as_bytes());
            out.push(b'\n');
        }
    }

    fn damage(&self, out: &mut [u8], at: usize) {
        // A letter where a digit or separator was.
        out[at] = b'x';
    }

    fn shape_garbage(&self, garbage: &mut Vec<u8>) {
        // Text garbage is a line of its own, so it cannot glue onto a good line.
        for b in garbage.iter_mut() {
            if *b == b'\n' {
                *b = b'#';
            }
        }
        garbage.push(b'\n');
    }
}
