//! The signal a virtual board sends, and what a correct host must decode from it.

use super::wire::{SampleCoding, sample_coding};
use crate::block::MAX_CHANNELS;
use crate::protocol::Protocol;
use crate::source::simulator::{SimConfig, Simulator};
use crate::source::{FrameGenerator, SourceError};

/// The signal the board sends: the simulated workout quantised as the protocol carries it, and the exact
/// microvolts a correct host decodes from it.
pub struct BoardSignal {
    sim: Simulator,
    coding: Box<dyn SampleCoding>,
    channels: usize,
    /// Simulated frames per frame sent (a Daisy streams 125 frames/s from a 250 Hz signal, every other
    /// frame kept).
    decimate: usize,
    raw: [f32; MAX_CHANNELS],
}

impl BoardSignal {
    /// The signal of a board with `protocol`, `channels` and `rate` (frames per second as the host sees them).
    pub fn new(
        protocol: Protocol,
        channels: usize,
        rate: u32,
        seed: u64,
    ) -> Result<Self, SourceError> {
        let coding = sample_coding(protocol, channels, rate);
        let decimate = coding.decimation(rate);
        let sim = Simulator::new(SimConfig {
            channels,
            sample_rate: (rate as usize * decimate) as f64,
            seed,
            mains_hz: 50.0,
        })?;
        Ok(Self {
            sim,
            coding,
            channels,
            decimate,
            raw: [0.0; MAX_CHANNELS],
        })
    }

    /// The next frame: `codes` as the wire carries them (unused for plotter text) and `uv` as decoded.
    pub fn next(&mut self, codes: &mut [i32], uv: &mut [f32]) -> Result<(), SourceError> {
        let c = self.channels;
        for _ in 0..self.decimate {
            self.sim.next_frame(&mut self.raw[..c])?;
        }
        for ch in 0..c {
            (codes[ch], uv[ch]) = self.coding.quantise_at(ch, self.raw[ch] as f64);
        }
        Ok(())
    }
}
