//! The virtual board as a Backyard Brains Human SpikerBox: 14-bit samples at 5 kHz in top-bit frames from
//! power-on, `b:;` and `?:;` answered in escape-sequence messages, `start:;`/`h:;` obeyed, and an `EVNT`
//! (an expansion-port event) every two seconds of signal.

use super::wire::{BoardControl, BoardProtocol, SampleCoding};
use crate::protocol::spikerbox;
use crate::source::SourceError;

/// The hardware type it names.
pub const HARDWARE: &str = "HUMANSB";
/// Sample bits.
const BITS: u32 = 14;
/// Frames between two events.
const EVENT_EVERY: u64 = 10_000;

/// 14-bit ADC steps around mid-scale, one step per microvolt (the host's default scale).
pub(super) struct SpikerCoding;

impl SampleCoding for SpikerCoding {
    fn quantise(&self, uv: f64) -> (i32, f32) {
        let zero = (1u32 << (BITS - 1)) as f64;
        let code = (uv + zero).round().clamp(0.0, ((1u32 << BITS) - 1) as f64);
        (code as i32, (code - zero) as f32)
    }
}

/// The board side of the SpikerBox protocol.
pub(super) struct SpikerBoard {
    channels: usize,
    heard: Vec<u8>,
    frames: u64,
    events: u32,
}

impl SpikerBoard {
    /// A Human SpikerBox of 2 to 4 channels (at its 5000 Hz).
    pub fn new(channels: usize, rate: u32) -> Result<Self, SourceError> {
        if !(2..=4).contains(&channels) || rate != 5000 {
            return Err(SourceError::Config(format!(
                "a Human SpikerBox streams 2 to 4 channels at 5000 Hz, not {channels} at {rate} Hz"
            )));
        }
        Ok(Self {
            channels,
            heard: Vec::new(),
            frames: 0,
            events: 0,
        })
    }
}

impl BoardProtocol for SpikerBoard {
    fn streams_unasked(&self) -> bool {
        true
    }

    fn reset_link(&mut self) {
        self.heard.clear();
    }

    fn answer(&mut self, bytes: &[u8], board: &mut dyn BoardControl) {
        self.heard.extend_from_slice(bytes);
        while let Some(end) = self.heard.iter().position(|&b| b == b';') {
            let cmd: Vec<u8> = self.heard.drain(..=end).collect();
            let mut reply = Vec::new();
            match cmd.as_slice() {
                b"b:;" => spikerbox::encode_message(&format!("HWT:{HARDWARE};"), &mut reply),
                b"?:;" => spikerbox::encode_message(
                    &format!("FWV:0.01;HWT:{HARDWARE};HWV:0.01;"),
                    &mut reply,
                ),
                b"start:;" if !board.is_streaming() => board.start_streaming(),
                b"h:;" => board.stop_streaming(),
                _ => {}
            }
            if !reply.is_empty() {
                board.reply(&reply);
            }
        }
        if self.heard.len() > 64 {
            self.heard.clear();
        }
    }

    fn encode(&mut self, codes: &[i32], _uv: &[f32], out: &mut Vec<u8>) {
        let mut s = [0u16; 4];
        for frame in codes.chunks(self.channels) {
            for (o, &c) in s.iter_mut().zip(frame) {
                *o = c as u16;
            }
            spikerbox::encode_frame(&s[..self.channels], out);
            self.frames += 1;
            if self.frames.is_multiple_of(EVENT_EVERY) {
                self.events = self.events % 9 + 1;
                spikerbox::encode_message(&format!("EVNT:{};", self.events), out);
            }
        }
    }

    fn damage(&self, out: &mut [u8], _at: usize) {
        // Top bit of the frame's second byte: the frame is cut short there, and its bytes are broken.
        if out.len() > 1 {
            out[1] |= 0x80;
        }
    }
}
