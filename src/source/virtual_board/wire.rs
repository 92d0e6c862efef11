//! What differs between the protocols a virtual board speaks, as two traits each protocol module
//! implements, and which module speaks which [`Protocol`] (the only place that asks).

use super::{bitalino, chords, cyton, innervate, plotter, spikerbox};
use crate::protocol::Protocol;
use crate::source::SourceError;

/// How one protocol carries a sample: the code on the wire and the microvolts a correct host reads back.
pub(super) trait SampleCoding: Send {
    /// Simulated frames per frame sent at `frame_rate` (more than one where the signal must run faster than
    /// the simulator allows).
    fn decimation(&self, _frame_rate: u32) -> usize {
        1
    }

    /// `uv` as the wire carries it (0 for text) and as the host decodes it.
    fn quantise(&self, uv: f64) -> (i32, f32);

    /// [`SampleCoding::quantise`] on channel `channel` (0-based), for wires whose channels differ.
    fn quantise_at(&self, _channel: usize, uv: f64) -> (i32, f32) {
        self.quantise(uv)
    }
}

/// One protocol as a board speaks it: how data packets look and how the host's commands are answered.
pub(super) trait BoardProtocol: Send {
    /// The sample rate at power-on, given the configured one.
    fn power_on_rate(&self, configured: u32) -> u32 {
        configured
    }

    /// Frames per second as the host sees them at sample rate `rate`.
    fn frame_rate(&self, rate: u32) -> u32 {
        rate
    }

    /// Frames in each data packet at sample rate `rate`.
    fn frames_per_packet(&self, _rate: u32) -> usize {
        1
    }

    /// True for a board that streams from power-on without being asked.
    fn streams_unasked(&self) -> bool {
        false
    }

    /// A host connected to a new pty: forget any half-heard command.
    fn reset_link(&mut self) {}

    /// Hears `bytes` from the host and acts on them through `board`.
    fn answer(&mut self, bytes: &[u8], board: &mut dyn BoardControl);

    /// Called on every turn of the board's loop, bytes or not (for commands that end with silence).
    fn tick(&mut self, _board: &mut dyn BoardControl) {}

    /// Appends a data packet of frames to `out`: `codes` and `uv` hold the frames one after the other.
    fn encode(&mut self, codes: &[i32], uv: &[f32], out: &mut Vec<u8>);

    /// Damages the packet in `out` so a decoder can tell; `at` is a random index inside it.
    fn damage(&self, out: &mut [u8], at: usize);

    /// Shapes random garbage as this link carries it.
    fn shape_garbage(&self, _garbage: &mut Vec<u8>) {}
}

/// What a protocol may do to the board when the host asks.
pub(super) trait BoardControl {
    /// Sends bytes to the host (dropped if the cable is gone).
    fn reply(&mut self, bytes: &[u8]);
    /// Starts a stream (the frame count restarts).
    fn start_streaming(&mut self);
    /// Stops streaming.
    fn stop_streaming(&mut self);
    /// True while streaming.
    fn is_streaming(&self) -> bool;
    /// The sample rate in force.
    fn rate(&self) -> u32;
    /// Switches to sample rate `rate` (`frame_rate` frames/s as the host sees them) and restarts the
    /// signal; false, changing nothing, if the signal cannot run at that rate.
    fn set_rate(&mut self, rate: u32, frame_rate: u32) -> bool;
}

/// The board side of `protocol` for a board of `channels` at `rate` Hz.
pub(super) fn board_protocol(
    protocol: Protocol,
    channels: usize,
    rate: u32,
) -> Result<Box<dyn BoardProtocol>, SourceError> {
    Ok(match protocol {
        Protocol::Innervate => Box::new(innervate::InnervateBoard::new(channels)),
        Protocol::Cyton => Box::new(cyton::CytonBoard::new(channels)?),
        Protocol::Plotter => Box::new(plotter::PlotterBoard::new(channels)),
        Protocol::Chords => Box::new(chords::ChordsBoardSide::new(channels, rate)?),
        Protocol::Bitalino => Box::new(bitalino::BitalinoBoard::new(channels, rate)?),
        Protocol::SpikerBox => Box::new(spikerbox::SpikerBoard::new(channels, rate)?),
    })
}

/// How `protocol` carries samples from a board of `channels` at `rate` frames/s.
pub(super) fn sample_coding(
    protocol: Protocol,
    channels: usize,
    rate: u32,
) -> Box<dyn SampleCoding> {
    match protocol {
        Protocol::Innervate => Box::new(innervate::InnervateCoding::new(channels, rate)),
        Protocol::Cyton => Box::new(cyton::CytonCoding::new()),
        Protocol::Plotter => Box::new(plotter::PlotterCoding),
        Protocol::Chords => Box::new(chords::ChordsCoding::new(channels, rate)),
        Protocol::Bitalino => Box::new(bitalino::BitalinoCoding),
        Protocol::SpikerBox => Box::new(spikerbox::SpikerCoding),
    }
}
