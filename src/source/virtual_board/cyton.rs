//! The virtual board as an OpenBCI Cyton (8 channels, or 16 with a Daisy): 33-byte packets, and the
//! single-letter commands answered as the real board does.

use super::wire::{BoardControl, BoardProtocol, SampleCoding};
use crate::protocol::cyton::{encode_packet, scale_uv_per_count};
use crate::source::SourceError;

/// The ADS1299 gain the board runs at (the Cyton's default).
const GAIN: f32 = 24.0;
/// The footer byte of a standard data packet.
const FOOTER: u8 = 0xC0;
/// The Cyton's rate at power-on, Hz.
const POWER_ON_RATE_HZ: u32 = 250;

/// Signed 24-bit counts at gain 24.
pub(super) struct CytonCoding {
    uv_per_count: f64,
}

impl CytonCoding {
    /// The coding of a Cyton at its default gain.
    pub fn new() -> Self {
        Self {
            uv_per_count: scale_uv_per_count(GAIN),
        }
    }
}

impl SampleCoding for CytonCoding {
    fn decimation(&self, frame_rate: u32) -> usize {
        // A Daisy streams 125 frames/s; the simulator runs at 250 and every other frame is kept.
        if frame_rate < 250 { 2 } else { 1 }
    }

    fn quantise(&self, uv: f64) -> (i32, f32) {
        let count = (uv / self.uv_per_count)
            .round()
            .clamp(-8_388_608.0, 8_388_607.0) as i32;
        (count, (count as f64 * self.uv_per_count) as f32)
    }
}

/// The board side of the Cyton protocol.
pub(super) struct CytonBoard {
    /// A Daisy adds 8 channels, sent in every other packet.
    daisy: bool,
    /// Sample number of the next packet.
    counter: u8,
    /// Host bytes not yet acted on (a `~` waits for its rate code).
    pending: Vec<u8>,
}

impl CytonBoard {
    /// A Cyton (8 channels) or a Cyton + Daisy (16).
    pub fn new(channels: usize) -> Result<Self, SourceError> {
        if !matches!(channels, 8 | 16) {
            return Err(SourceError::Config(format!(
                "a Cyton has 8 channels (16 with a Daisy), not {channels}"
            )));
        }
        Ok(Self {
            daisy: channels == 16,
            counter: 0,
            pending: Vec::new(),
        })
    }

    fn command(&mut self, c: u8, board: &mut dyn BoardControl) {
        let reply: Option<String> = match c {
            b'v' => {
                board.stop_streaming();
                Some(format!(
                    "OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\n{}LIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$",
                    if self.daisy {
                        "On Daisy ADS1299 Device ID: 0x3E\n"
                    } else {
                        ""
                    }
                ))
            }
            b'd' => Some("updating channel settings to default$$$".into()),
            b'b' => {
                // With a Daisy, odd sample numbers carry channels 1-8: the first frame starts at 1.
                self.counter = if self.daisy { 1 } else { 0 };
                board.start_streaming();
                None
            }
            b's' => {
                board.stop_streaming();
                None
            }
            // Everything else a real Cyton either ignores or answers in ways Innervate does not use.
            _ => None,
        };
        if let Some(r) = reply {
            board.reply(r.as_bytes());
        }
    }

    /// `~` followed by a rate code.
    fn set_rate(&mut self, code: u8, board: &mut dyn BoardControl) {
        let rate = match code {
            b'2' => 4000,
            b'3' => 2000,
            b'4' => 1000,
            b'5' => 500,
            b'6' => 250,
            _ => 0,
        };
        let reply =
            if rate > 0 && !board.is_streaming() && board.set_rate(rate, self.frame_rate(rate)) {
                format!("Success: Sample rate is {rate}Hz$$$")
            } else {
                "Failure: sample rate not supported$$$".to_string()
            };
        board.reply(reply.as_bytes());
    }
}

impl BoardProtocol for CytonBoard {
    fn power_on_rate(&self, _configured: u32) -> u32 {
        POWER_ON_RATE_HZ
    }

    fn frame_rate(&self, rate: u32) -> u32 {
        // A Daisy pairs two packets into one frame.
        if self.daisy { rate / 2 } else { rate }
    }

    fn answer(&mut self, bytes: &[u8], board: &mut dyn BoardControl) {
        self.pending.extend_from_slice(bytes);
        while let Some(&c) = self.pending.first() {
            if c == b'~' {
                let Some(&code) = self.pending.get(1) else {
                    break;
                };
                self.pending.drain(..2);
                self.set_rate(code, board);
            } else {
                self.pending.remove(0);
                self.command(c, board);
            }
        }
    }

    fn encode(&mut self, codes: &[i32], _uv: &[f32], out: &mut Vec<u8>) {
        // Eight channels a packet: a Daisy frame takes two.
        for chunk in codes.chunks(8) {
            let mut counts = [0i32; 8];
            counts[..chunk.len()].copy_from_slice(chunk);
            out.extend_from_slice(&encode_packet(self.counter, &counts, FOOTER));
            self.counter = self.counter.wrapping_add(1);
        }
    }

    fn damage(&self, out: &mut [u8], _at: usize) {
        // A Cyton packet has no checksum: only a damaged footer can be noticed.
        out[32] = 0x00;
    }
}
