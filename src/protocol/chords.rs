//! Upside Down Labs Chords firmware (BioAmp EXG Pill and friends on an Arduino, ESP32, STM32, Pico...).
//!
//! A packet is `C7 7C`, a counter (u8, +1 per packet, wrapping), one big-endian unsigned 16-bit ADC code per
//! channel, and the end byte `01` (`docs/boards/chords.md`, from the vendor's firmware README). The host
//! speaks text: `WHORU` (the board answers its name, e.g. `UNO-R4`), `START`, `STOP`, `STATUS`.
//!
//! **Framing.** In sync, each packet must follow the previous one directly; a packet whose sync bytes or end
//! byte are wrong is damaged (`crc_errors`), the decoder resyncs and scans forward. It trusts a start again
//! when its end byte is right and its counter continues the count (at most two packets lost), or else when
//! the next packet's sync bytes, end byte and counter (one on) agree too. The decoder starts in that stricter
//! search. Undecided bytes are kept in a fixed array of [`MAX_PENDING`] bytes.
//!
//! **Counter.** `(counter - last - 1) mod 256` packets were dropped before each one: that many frames are
//! reported lost ([`Event::Lost`]). A run of 256 lost packets in a row cannot be told from none.
//!
//! **Microvolts.** `uV = (code - 2^(bits-1)) x Vref / 2^bits / gain x 1e6` ([`ChordsScale`]): the ADC's
//! mid-scale is 0 V at the electrodes (the BioAmp output sits at mid-supply).

use super::carry::{Carry, carried_decoder};
use super::{DecodeCounters, Decoder, Event, Start, judge_start};
use crate::block::MAX_CHANNELS;

/// First sync byte.
pub const SYNC1: u8 = 0xC7;
/// Second sync byte.
pub const SYNC2: u8 = 0x7C;
/// Last byte of every packet.
pub const END: u8 = 0x01;
/// Gain of a BioAmp EXG Pill (electrode to ADC), used unless told otherwise.
pub const DEFAULT_GAIN: f64 = 1000.0;
/// Most bytes the decoder holds between feeds (two packets of 16 channels).
pub const MAX_PENDING: usize = 2 * packet_len(MAX_CHANNELS);

/// Bytes in a packet of `channels` channels.
pub const fn packet_len(channels: usize) -> usize {
    4 + 2 * channels
}

/// One board the Chords firmware runs on, as the vendor's README lists it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChordsBoard {
    /// What the board answers to `WHORU`.
    pub id: &'static str,
    /// Channels in every packet.
    pub channels: usize,
    /// Samples per second.
    pub rate_hz: u32,
    /// ADC resolution, bits.
    pub bits: u8,
    /// ADC reference (the board's supply), volts.
    pub vref: f64,
    /// Baud rate of its serial port.
    pub baud: u32,
}

/// The boards of the vendor's README (Chords-Arduino-Firmware, "Supported boards"), by `WHORU` answer.
pub const BOARDS: &[ChordsBoard] = &[
    board("UNO-R3", 6, 250, 10, 5.0, 115_200),
    board("GENUINO-UNO", 6, 250, 10, 5.0, 115_200),
    board("UNO-CLONE", 6, 250, 10, 5.0, 115_200),
    board("NANO-CLASSIC", 8, 250, 10, 5.0, 115_200),
    board("NANO-CLONE", 8, 250, 10, 5.0, 115_200),
    board("MEGA-2560-R3", 16, 250, 10, 5.0, 115_200),
    board("MEGA-2560-CLONE", 16, 250, 10, 5.0, 115_200),
    board("UNO-R4", 6, 500, 14, 5.0, 230_400),
    board("GIGA-R1", 6, 500, 16, 3.3, 230_400),
    board("RPI-PICO-RP2040", 3, 500, 12, 3.3, 230_400),
    board("STM32F4-BLACK-PILL", 8, 500, 12, 3.3, 230_400),
    board("STM32G4-CORE-BOARD", 16, 500, 12, 3.3, 230_400),
    board("ESP32-S3", 16, 500, 12, 3.3, 230_400),
    board("NPG-LITE", 3, 500, 12, 2.5, 230_400),
];

const fn board(
    id: &'static str,
    channels: usize,
    rate_hz: u32,
    bits: u8,
    vref: f64,
    baud: u32,
) -> ChordsBoard {
    ChordsBoard {
        id,
        channels,
        rate_hz,
        bits,
        vref,
        baud,
    }
}

/// The board that answered `reply` to `WHORU` (surrounding whitespace ignored; an answer that only begins
/// with a known name, such as `NPG-LITE-3CH`, is that board).
pub fn board_by_name(reply: &str) -> Option<&'static ChordsBoard> {
    let name = reply.trim();
    BOARDS
        .iter()
        .find(|b| b.id == name)
        .or_else(|| BOARDS.iter().find(|b| name.starts_with(b.id)))
}

/// The first board of [`BOARDS`] with `channels` channels at `rate_hz` (what a virtual board plays).
pub fn board_for(channels: usize, rate_hz: u32) -> Option<&'static ChordsBoard> {
    BOARDS
        .iter()
        .find(|b| b.channels == channels && b.rate_hz == rate_hz)
}

/// How ADC codes become microvolts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChordsScale {
    /// ADC resolution, bits (1 to 16).
    pub bits: u8,
    /// ADC reference, volts.
    pub vref: f64,
    /// Gain from electrode to ADC.
    pub gain: f64,
}

impl ChordsScale {
    /// The scale of `board` with amplifier gain `gain`.
    pub fn of(board: &ChordsBoard, gain: f64) -> Self {
        Self {
            bits: board.bits,
            vref: board.vref,
            gain,
        }
    }

    /// Microvolts per ADC step.
    pub fn uv_per_code(&self) -> f64 {
        self.vref / (1u64 << self.bits.clamp(1, 16)) as f64 / self.gain * 1e6
    }

    /// The code that means 0 V at the electrodes.
    pub fn zero_code(&self) -> i32 {
        1 << (self.bits.clamp(1, 16) - 1)
    }

    /// `code` in microvolts.
    pub fn code_to_uv(&self, code: u16) -> f32 {
        ((code as i32 - self.zero_code()) as f64 * self.uv_per_code()) as f32
    }
}

/// A packet as the board sends it.
pub fn encode_packet(counter: u8, codes: &[u16], out: &mut Vec<u8>) {
    out.extend_from_slice(&[SYNC1, SYNC2, counter]);
    for c in codes {
        out.extend_from_slice(&c.to_be_bytes());
    }
    out.push(END);
}

/// Everything but the carried bytes.
struct State {
    channels: usize,
    len: usize,
    synced: bool,
    last: Option<u8>,
    scale: ChordsScale,
    frame: [f32; MAX_CHANNELS],
    counters: DecodeCounters,
}

impl State {
    /// Bytes kept outside the carry (none).
    fn held(&self) -> usize {
        0
    }

    fn framed(&self, p: &[u8]) -> bool {
        p[0] == SYNC1 && p[1] == SYNC2 && p[self.len - 1] == END
    }

    fn process(&mut self, w: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> usize {
        let len = self.len;
        let mut i = 0;
        loop {
            let rest = &w[i..];
            if rest.len() < len {
                break;
            }
            if self.synced {
                if self.framed(rest) {
                    self.packet(&rest[..len], sink);
                    i += len;
                } else {
                    self.counters.damaged_in_sync();
                    self.synced = false;
                    i += 1;
                }
                continue;
            }
            if !self.framed(rest) {
                self.counters.skipped_bytes += 1;
                i += 1;
                continue;
            }
            let next = (rest.len() >= 2 * len).then(|| (self.framed(&rest[len..]), rest[len + 2]));
            match judge_start(self.last, rest[2], next) {
                // The synced branch takes it on the next turn.
                Start::Believe => self.synced = true,
                Start::NeedMore => break,
                Start::Reject => {
                    self.counters.skipped_bytes += 1;
                    i += 1;
                }
            }
        }
        i
    }

    fn packet(&mut self, p: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        self.counters.packets += 1;
        let counter = p[2];
        if let Some(last) = self.last {
            let dropped = counter.wrapping_sub(last).wrapping_sub(1) as u64;
            if dropped > 0 {
                self.counters.dropped_packets += dropped;
                self.counters.lost_frames += dropped;
                sink(Event::Lost(dropped));
            }
        }
        self.last = Some(counter);
        for (o, b) in self.frame.iter_mut().zip(p[3..p.len() - 1].chunks_exact(2)) {
            *o = self.scale.code_to_uv(u16::from_be_bytes([b[0], b[1]]));
        }
        self.counters.frames += 1;
        sink(Event::Frame(&self.frame[..self.channels]));
    }
}

/// Decodes a Chords stream of a known channel count.
pub struct ChordsDecoder {
    carry: Carry<MAX_PENDING>,
    state: State,
}

impl ChordsDecoder {
    /// A decoder for `channels` channels (clamped to 1..=16) scaled by `scale`.
    pub fn new(channels: usize, scale: ChordsScale) -> Self {
        let channels = channels.clamp(1, MAX_CHANNELS);
        Self {
            carry: Carry::new(),
            state: State {
                channels,
                len: packet_len(channels),
                synced: false,
                last: None,
                scale,
                frame: [0.0; MAX_CHANNELS],
                counters: DecodeCounters::default(),
            },
        }
    }
}

carried_decoder!(ChordsDecoder);

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> ChordsScale {
        ChordsScale::of(board_by_name("UNO-R4").unwrap(), DEFAULT_GAIN)
    }

    fn decode(dec: &mut ChordsDecoder, bytes: &[u8]) -> (Vec<Vec<f32>>, u64) {
        let mut frames = Vec::new();
        let mut lost = 0;
        dec.feed(bytes, &mut |e| match e {
            Event::Frame(f) => frames.push(f.to_vec()),
            Event::Lost(n) => lost += n,
            _ => {}
        });
        (frames, lost)
    }

    #[test]
    fn the_readme_boards_are_found_by_their_whoru_answer() {
        let r4 = board_by_name("UNO-R4\r\n").unwrap();
        assert_eq!(
            (r4.channels, r4.rate_hz, r4.bits, r4.baud),
            (6, 500, 14, 230_400)
        );
        assert_eq!(board_by_name("UNO-R3").unwrap().rate_hz, 250);
        assert!(board_by_name("HELLO").is_none());
    }

    #[test]
    fn mid_scale_is_zero_and_one_step_is_vref_over_gain() {
        let s = scale();
        assert_eq!(s.code_to_uv(8192), 0.0);
        // 5 V / 16384 / 1000 = 0.30517578125 uV, exact in f32 (10000 / 32768).
        assert_eq!(s.code_to_uv(8193), 10_000.0 / 32_768.0);
    }

    #[test]
    fn drops_are_lost_frames_and_garbage_costs_only_the_packet_it_hits() {
        let mut bytes = Vec::new();
        for c in 0..10u8 {
            if c == 4 {
                continue; // dropped
            }
            if c == 7 {
                bytes.extend_from_slice(&[0xC7, 0x7C, 0x55, 0x01, 0xC7]);
            }
            encode_packet(c, &[8192 + c as u16, 8192], &mut bytes);
        }
        let mut dec = ChordsDecoder::new(2, scale());
        let (frames, lost) = decode(&mut dec, &bytes);
        assert_eq!(frames.len(), 9);
        assert_eq!(lost, 1);
        assert_eq!(dec.counters().dropped_packets, 1);
        assert!(dec.counters().resyncs >= 1);
    }
}
