//! The virtual board as a PLUX BITalino with EMG sensors on its first channels: one-byte commands (version,
//! sample rate, start with a channel mask, stop) answered as PLUX's API describes them, CRC-4 frames.

use super::wire::{BoardControl, BoardProtocol, SampleCoding};
use crate::protocol::bitalino::{self, channel_bits, emg_uv};
use crate::source::SourceError;

/// What the board answers to the version command.
pub const VERSION_TEXT: &str = "BITalino_v5.2\n";

/// Simulated frames per frame sent: the simulator runs at 250 Hz or more.
fn decimation(rate: u32) -> usize {
    (250u32.div_ceil(rate.max(1))) as usize
}

/// EMG sensor codes: 10 bits on A1-A4, 6 on A5-A6.
pub(super) struct BitalinoCoding;

impl SampleCoding for BitalinoCoding {
    fn decimation(&self, frame_rate: u32) -> usize {
        decimation(frame_rate)
    }

    fn quantise(&self, uv: f64) -> (i32, f32) {
        self.quantise_at(0, uv)
    }

    fn quantise_at(&self, channel: usize, uv: f64) -> (i32, f32) {
        let bits = channel_bits(channel);
        let full = (1u32 << bits) as f64;
        let code = (uv / 1e6 * bitalino::EMG_GAIN / bitalino::VCC * full + full / 2.0)
            .round()
            .clamp(0.0, full - 1.0) as u16;
        (code as i32, emg_uv(code, bits))
    }
}

/// The board side of the BITalino protocol.
pub(super) struct BitalinoBoard {
    channels: usize,
    seq: u8,
}

impl BitalinoBoard {
    /// A BITalino streaming its first `channels` analog channels (1 to 6), at `rate` Hz until the host
    /// sets another.
    pub fn new(channels: usize, rate: u32) -> Result<Self, SourceError> {
        if !(1..=bitalino::MAX_CHANNELS).contains(&channels) {
            return Err(SourceError::Config(format!(
                "a BITalino has 1 to 6 analog channels, not {channels}"
            )));
        }
        if !bitalino::RATES_HZ.contains(&rate) {
            return Err(SourceError::Config(format!(
                "a BITalino samples at 1, 10, 100 or 1000 Hz, not {rate}"
            )));
        }
        Ok(Self { channels, seq: 0 })
    }

    fn command(&mut self, c: u8, board: &mut dyn BoardControl) {
        if board.is_streaming() {
            // While streaming only STOP matters here (the others set outputs).
            if c == bitalino::STOP {
                board.stop_streaming();
            }
            return;
        }
        match c {
            bitalino::VERSION => board.reply(VERSION_TEXT.as_bytes()),
            // BITalino 2's "go idle from any mode": it is idle already.
            0xFF => {}
            c if c & 0x03 == 0x03 => {
                let rate = bitalino::RATES_HZ[(c >> 6) as usize];
                board.set_rate(rate, rate);
            }
            // Live acquisition of the channels in the mask; this board has its sensors on the first ones.
            c if c & 0x03 == 0x01 && (c >> 2).count_ones() as usize == self.channels => {
                self.seq = 0;
                board.start_streaming();
            }
            // Battery threshold, outputs: nothing this board shows.
            _ => {}
        }
    }
}

impl BoardProtocol for BitalinoBoard {
    fn answer(&mut self, bytes: &[u8], board: &mut dyn BoardControl) {
        for &c in bytes {
            self.command(c, board);
        }
    }

    fn encode(&mut self, codes: &[i32], _uv: &[f32], out: &mut Vec<u8>) {
        let mut analog = [0u16; bitalino::MAX_CHANNELS];
        for frame in codes.chunks(self.channels) {
            for (a, &c) in analog.iter_mut().zip(frame) {
                *a = c as u16;
            }
            bitalino::encode_frame(self.seq, &analog[..self.channels], 0, out);
            self.seq = (self.seq + 1) & 0x0F;
        }
    }

    fn damage(&self, out: &mut [u8], at: usize) {
        // One bit: a CRC-4 catches every single-bit error.
        out[at] ^= 0x04;
    }
}
