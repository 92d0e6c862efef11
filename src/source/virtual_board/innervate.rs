//! The virtual board speaking Innervate's own protocol: COBS frames, HELLO/START/STOP/SET_RATE answered as
//! `firmware-protocol.md` says.

use super::wire::{BoardControl, BoardProtocol, SampleCoding};
use crate::protocol::innervate::{self as wire, InnervateDecoder, error_code, format, msg};
use crate::protocol::{BoardInfo, Decoder, Event};
use crate::source::simulator::SIM_MUSCLES;

/// The rates SET_RATE accepts, Hz.
const RATES_HZ: std::ops::RangeInclusive<u32> = 250..=4000;

/// The description the virtual Innervate board gives of itself at `rate`.
pub fn innervate_info(channels: usize, rate: u32) -> BoardInfo {
    BoardInfo {
        labels: SIM_MUSCLES[..channels]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ..info_without_labels(channels, rate)
    }
}

/// [`innervate_info`] without the channel labels (it cannot fail whatever `channels` is).
fn info_without_labels(channels: usize, rate: u32) -> BoardInfo {
    BoardInfo {
        protocol_version: wire::VERSION,
        channels,
        sample_rate_hz: rate,
        adc_bits: 16,
        sample_format: format::I16,
        vref_uv: 2_500_000,
        gain_milli: 500_000,
        zero_code: 0,
        frames_per_packet: frames_per_packet(channels, rate),
        board_name: "Innervate virtual board".into(),
        firmware_version: env!("CARGO_PKG_VERSION").into(),
        labels: Vec::new(),
    }
}

/// About 10 ms per packet, within the protocol's body limit.
fn frames_per_packet(channels: usize, rate: u32) -> u8 {
    let ten_ms = (rate as usize / 100).max(1);
    ten_ms.min(1016 / (2 * channels.max(1))).clamp(1, 64) as u8
}

/// Signed 16-bit ADC codes at the scale [`innervate_info`] announces.
pub(super) struct InnervateCoding {
    uv_per_code: f64,
    zero: i32,
}

impl InnervateCoding {
    /// The coding of a board with `channels` at `rate`.
    pub fn new(channels: usize, rate: u32) -> Self {
        let info = info_without_labels(channels, rate);
        Self {
            uv_per_code: info.uv_per_code(),
            zero: info.zero_code,
        }
    }
}

impl SampleCoding for InnervateCoding {
    fn quantise(&self, uv: f64) -> (i32, f32) {
        let code = ((uv / self.uv_per_code).round() as i64 + self.zero as i64)
            .clamp(i16::MIN as i64, i16::MAX as i64) as i32;
        let decoded = ((code as f64 - self.zero as f64) * self.uv_per_code) as f32;
        (code, decoded)
    }
}

/// The board side of the Innervate protocol.
pub(super) struct InnervateBoard {
    channels: usize,
    /// Decodes the host's commands.
    commands: InnervateDecoder,
    /// Sequence number of the next DATA message.
    seq: u32,
}

impl InnervateBoard {
    /// A board of `channels`.
    pub fn new(channels: usize) -> Self {
        Self {
            channels,
            commands: InnervateDecoder::new(),
            seq: 0,
        }
    }

    fn command(&mut self, command: u8, value: u32, board: &mut dyn BoardControl) {
        let busy = || wire::error(error_code::BUSY, "streaming; send STOP first");
        let reply = match command {
            msg::HELLO if board.is_streaming() => busy(),
            msg::HELLO => wire::info(&innervate_info(self.channels, board.rate())),
            msg::START => {
                board.reply(&wire::ack(msg::START, 0));
                self.seq = 0;
                board.start_streaming();
                return;
            }
            msg::STOP => {
                board.stop_streaming();
                wire::ack(msg::STOP, 0)
            }
            msg::SET_RATE if board.is_streaming() => busy(),
            msg::SET_RATE if RATES_HZ.contains(&value) && board.set_rate(value, value) => {
                wire::ack(msg::SET_RATE, value)
            }
            msg::SET_RATE => wire::error(
                error_code::BAD_ARGUMENT,
                &format!("rate {value} Hz not supported (250 to 4000)"),
            ),
            _ => wire::error(error_code::UNKNOWN_COMMAND, "unknown command"),
        };
        board.reply(&reply);
    }
}

impl BoardProtocol for InnervateBoard {
    fn frames_per_packet(&self, rate: u32) -> usize {
        frames_per_packet(self.channels, rate) as usize
    }

    fn reset_link(&mut self) {
        self.commands = InnervateDecoder::new();
    }

    fn answer(&mut self, bytes: &[u8], board: &mut dyn BoardControl) {
        let mut commands = Vec::new();
        let damaged_before = self.commands.counters().crc_errors;
        self.commands.feed(bytes, &mut |ev| {
            if let Event::Command { command, value } = ev {
                commands.push((command, value));
            }
        });
        // Each damaged host frame gets its ERROR 1.
        let reply = wire::error(error_code::BAD_FRAME, "bad frame");
        for _ in damaged_before..self.commands.counters().crc_errors {
            board.reply(&reply);
        }
        for (command, value) in commands {
            self.command(command, value, board);
        }
    }

    fn encode(&mut self, codes: &[i32], _uv: &[f32], out: &mut Vec<u8>) {
        let frames = codes.len() / self.channels;
        wire::data(self.seq, frames as u8, codes, format::I16, out);
        self.seq = self.seq.wrapping_add(1);
    }

    fn damage(&self, out: &mut [u8], at: usize) {
        // Never 0x00: that would make two frames of one (still damaged, but counted twice).
        out[at] = out[at].wrapping_add(1).max(1);
    }
}
