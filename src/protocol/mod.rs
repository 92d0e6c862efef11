//! Pure decoders for what boards send: bytes in, sample frames and events out. No IO, no clocks, no panic on
//! any input, and memory bounded whatever arrives (each decoder holds at most one frame or line in progress).
//!
//! - [`innervate`]: Innervate's own protocol (`firmware-protocol.md`): COBS frames with a CRC-16.
//! - [`cyton`]: OpenBCI Cyton (8 channels) and Cyton + Daisy (16 channels), 33-byte packets.
//! - [`plotter`]: Arduino Serial Plotter text lines.
//! - [`chords`]: Upside Down Labs Chords firmware (BioAmp boards), sync bytes and an 8-bit counter.
//! - [`bitalino`]: PLUX BITalino, a 4-bit sequence number and a CRC-4 per frame.
//! - [`spikerbox`]: Backyard Brains SpikerBox, frames marked by a top bit, messages in escape sequences.
//!
//! This is the lower layer: it depends on nothing but [`crate::block`]. The serial source above it
//! (`source::serial`) does the talking (handshakes, commands) and feeds the bytes it reads to one of these;
//! the virtual board (`source::virtual_board`) uses the encoders to play a board.

pub mod bitalino;
mod carry;
pub mod chords;
pub mod cyton;
pub mod innervate;
pub mod plotter;
pub mod spikerbox;

use serde::{Deserialize, Serialize};

/// The protocols Innervate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// Innervate's own binary protocol.
    Innervate,
    /// OpenBCI Cyton, 8 channels (16 with a Daisy, found in the handshake).
    Cyton,
    /// Arduino Serial Plotter text.
    Plotter,
    /// Upside Down Labs Chords firmware.
    Chords,
    /// PLUX BITalino.
    Bitalino,
    /// Backyard Brains SpikerBox.
    SpikerBox,
}

impl Protocol {
    /// Lower-case name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Innervate => "innervate",
            Protocol::Cyton => "cyton",
            Protocol::Plotter => "plotter",
            Protocol::Chords => "chords",
            Protocol::Bitalino => "bitalino",
            Protocol::SpikerBox => "spikerbox",
        }
    }
}

/// Counters every decoder keeps (plain numbers: the reader copies them to the shared atomics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeCounters {
    /// Bytes fed in.
    pub bytes: u64,
    /// Data packets (or lines) decoded intact.
    pub packets: u64,
    /// Sample frames emitted.
    pub frames: u64,
    /// Frames that failed their integrity check: CRC or COBS (Innervate), size or footer (Cyton), an
    /// unparseable or wrong-width line (plotter).
    pub crc_errors: u64,
    /// Times the decoder lost the framing and had to skip bytes to find it again.
    pub resyncs: u64,
    /// Bytes thrown away while finding the framing again.
    pub skipped_bytes: u64,
    /// Data packets missing according to the sequence numbers.
    pub dropped_packets: u64,
    /// Sample frames missing because of those packets.
    pub lost_frames: u64,
}

impl DecodeCounters {
    /// A packet expected right behind the last one failed its check: count it as damaged, as a loss of
    /// sync and as one byte skipped (the search restarts on the next byte).
    pub(crate) fn damaged_in_sync(&mut self) {
        self.crc_errors += 1;
        self.resyncs += 1;
        self.skipped_bytes += 1;
    }
}

/// What a board described about itself (Innervate INFO).
#[derive(Clone, Debug, PartialEq)]
pub struct BoardInfo {
    /// Protocol version the board speaks.
    pub protocol_version: u8,
    /// Channels, 1 to 16.
    pub channels: usize,
    /// Samples per second per channel.
    pub sample_rate_hz: u32,
    /// ADC resolution, bits.
    pub adc_bits: u8,
    /// 1 = u16 ADC codes, 2 = i16 ADC codes.
    pub sample_format: u8,
    /// ADC reference voltage, uV.
    pub vref_uv: u32,
    /// Analog gain from electrode to ADC, times 1000.
    pub gain_milli: u32,
    /// The ADC code that means 0 V at the electrodes.
    pub zero_code: i32,
    /// Frames in every DATA message.
    pub frames_per_packet: u8,
    /// Board name.
    pub board_name: String,
    /// Firmware version.
    pub firmware_version: String,
    /// One label per channel (may be empty strings).
    pub labels: Vec<String>,
}

impl BoardInfo {
    /// Microvolts at the electrodes per ADC code step.
    pub fn uv_per_code(&self) -> f64 {
        let full_scale = (1u64 << self.adc_bits.min(32)) as f64;
        self.vref_uv as f64 / full_scale * 1000.0 / (self.gain_milli.max(1) as f64)
    }

    /// A code in microvolts at the electrodes (as `firmware-protocol.md` defines it).
    pub fn code_to_uv(&self, code: i32) -> f32 {
        ((code as i64 - self.zero_code as i64) as f64 * self.uv_per_code()) as f32
    }
}

/// What a decoder found in the bytes.
#[derive(Debug, PartialEq)]
pub enum Event<'a> {
    /// One frame: a sample per channel, microvolts.
    Frame(&'a [f32]),
    /// This many frames were lost just before the next [`Event::Frame`] (a sequence gap).
    Lost(u64),
    /// The board described itself.
    Info(BoardInfo),
    /// The board acknowledged a command.
    Ack {
        /// The command's type byte.
        command: u8,
        /// The rate in force after SET_RATE, else 0.
        value: u32,
    },
    /// A command from the host (what a board decodes): HELLO (value = version), START, STOP, SET_RATE
    /// (value = rate); an unknown type has value `u32::MAX`.
    Command {
        /// The type byte.
        command: u8,
        /// Its argument.
        value: u32,
    },
    /// Something happened on the board's side (a SpikerBox `EVNT`: a button, the reaction timer): it
    /// belongs just before the next [`Event::Frame`].
    BoardEvent(u32),
    /// The board reported an error.
    BoardError {
        /// Error code (`firmware-protocol.md` section 3).
        code: u8,
        /// The board's words.
        message: String,
    },
}

/// A streaming decoder: feed it bytes in any pieces; it calls `sink` for what they complete.
pub trait Decoder: Send {
    /// Takes the next bytes from the board.
    fn feed(&mut self, bytes: &[u8], sink: &mut dyn FnMut(Event<'_>));
    /// Counters so far.
    fn counters(&self) -> DecodeCounters;
    /// Bytes held for a frame or line still in progress (bounded by each decoder's largest frame).
    fn buffered(&self) -> usize;
}

/// What a decoder searching for its framing makes of a candidate packet start whose own check passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Start {
    /// Take it: the decoder is in sync from here.
    Believe,
    /// A false start: skip a byte and search on.
    Reject,
    /// Not enough bytes yet to judge: wait for more.
    NeedMore,
}

/// Judges a candidate start for the protocols that number packets with a wrapping 8-bit counter (Cyton,
/// Chords). A start whose counter continues the last one heard (at most two packets lost) is believed at
/// once, so an intact packet is not lost just because garbage follows it. Otherwise two packets must agree:
/// `next` is the following packet's frame check and counter (`None` while it has not arrived), and its
/// counter must be one on. A false start inside data or garbage almost never passes both.
pub(crate) fn judge_start(last: Option<u8>, counter: u8, next: Option<(bool, u8)>) -> Start {
    if last.is_some_and(|l| (1..=3).contains(&counter.wrapping_sub(l))) {
        return Start::Believe;
    }
    match next {
        None => Start::NeedMore,
        Some((true, n)) if n == counter.wrapping_add(1) => Start::Believe,
        Some(_) => Start::Reject,
    }
}

#[cfg(test)]
mod start_tests {
    use super::*;

    #[test]
    fn a_start_is_believed_when_it_continues_the_count_or_the_next_packet_agrees() {
        // Continues (one to three on, across the wrap) without waiting for the next packet.
        assert_eq!(judge_start(Some(255), 1, None), Start::Believe);
        assert_eq!(judge_start(Some(10), 13, None), Start::Believe);
        // Four on, or nothing heard yet: the next packet decides.
        assert_eq!(judge_start(Some(10), 14, None), Start::NeedMore);
        assert_eq!(judge_start(None, 7, Some((true, 8))), Start::Believe);
        assert_eq!(judge_start(None, 255, Some((true, 0))), Start::Believe);
        assert_eq!(judge_start(None, 7, Some((true, 9))), Start::Reject);
        assert_eq!(judge_start(None, 7, Some((false, 8))), Start::Reject);
    }
}
