//! Backyard Brains SpikerBox (Muscle/Neuron SpikerBox Pro, Human SpikerBox...) over USB serial.
//!
//! **Frames.** One sample per channel, two bytes each carrying 7 bits, high part first; the top bit of a byte
//! is 1 only on a frame's first byte (`docs/boards/spikerbox.md`, from BYB's USB communication guide). A
//! frame is believed once the next frame (or a message) starts right after it, so the last one waits. A
//! frame cut short by a new start is damaged (`crc_errors`); bytes outside any frame are skipped (`resyncs`).
//! Broken bytes between two good frames are counted: each whole frame's worth of them (2 bytes a channel)
//! is reported lost ([`Event::Lost`]) before the next good frame, so a damaged frame is a marked gap.
//!
//! **Messages.** Between `FF FF 01 01 80 FF` and `FF FF 01 01 81 FF`, as `TYPE:value;`. `EVNT:n;` (an event
//! on the expansion port) becomes [`Event::BoardEvent`]; `HWT:...;` names the hardware (the handshake reads
//! it). A message longer than [`MAX_MESSAGE`] bytes is dropped.
//!
//! **No counter, no checksum.** A frame lost whole in transit cannot be detected, garbage can pass as a
//! frame, and garbage bytes count as lost frames' worth: only damage that leaves its bytes in the stream is
//! measured right. **Values** are ADC steps around mid-scale times a scale the host chooses
//! (BYB publishes no gain: 1.0 gives ADC steps).

use super::carry::{Carry, carried_decoder};
use super::{DecodeCounters, Decoder, Event};
use crate::block::MAX_CHANNELS;

/// Start of a message from the board.
pub const MESSAGE_START: [u8; 6] = [0xFF, 0xFF, 0x01, 0x01, 0x80, 0xFF];
/// End of a message from the board.
pub const MESSAGE_END: [u8; 6] = [0xFF, 0xFF, 0x01, 0x01, 0x81, 0xFF];
/// Longest message kept, bytes (its end sequence included).
pub const MAX_MESSAGE: usize = 64;
/// The command that starts the stream.
pub const START: &[u8] = b"start:;";
/// The command that stops it.
pub const STOP: &[u8] = b"h:;";
/// The command that asks the hardware type (answered `HWT:...;`).
pub const ASK_HARDWARE: &[u8] = b"b:;";
/// Bytes carried between feeds (enough to see a message start).
const CARRY: usize = 8;

/// A frame of samples as the board sends it (`bits` at most 14).
pub fn encode_frame(samples: &[u16], out: &mut Vec<u8>) {
    for (i, &s) in samples.iter().enumerate() {
        let top = if i == 0 { 0x80 } else { 0 };
        out.push(((s >> 7) & 0x7F) as u8 | top);
        out.push((s & 0x7F) as u8);
    }
}

/// A message as the board sends it.
pub fn encode_message(text: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&MESSAGE_START);
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&MESSAGE_END);
}

/// The value of `kind` in message text such as `FWV:0.01;HWT:HUMANSB;` (the last one given).
pub fn message_value<'a>(text: &'a str, kind: &str) -> Option<&'a str> {
    text.split(';')
        .filter_map(|m| m.split_once(':'))
        .filter(|(k, _)| k.trim() == kind)
        .map(|(_, v)| v.trim())
        .next_back()
}

/// A SpikerBox as BYB's guide lists it, by the hardware type it answers to `b:;`.
#[derive(Clone, Copy, Debug)]
pub struct SpikerHardware {
    /// The `HWT` name.
    pub id: &'static str,
    /// What it is.
    pub name: &'static str,
    /// Sample bits.
    pub bits: u8,
    /// Channels it streams unless told otherwise.
    pub channels: usize,
    /// Most channels.
    pub max_channels: usize,
    /// Sample rate with `channels` channels, Hz.
    pub rate_hz: fn(usize) -> u32,
    /// True when `c:N;` sets the channel count (the SpikerShields).
    pub set_channels: bool,
}

fn ten_khz_shared(channels: usize) -> u32 {
    10_000 / channels.max(1) as u32
}

fn pro_rate(channels: usize) -> u32 {
    if channels <= 2 { 10_000 } else { 5_000 }
}

fn five_khz(_: usize) -> u32 {
    5_000
}

fn ten_khz(_: usize) -> u32 {
    10_000
}

/// The SpikerBoxes of BYB's USB communication guide (R7) that stream over serial.
pub const HARDWARE: &[SpikerHardware] = &[
    hw("HUMANSB", "Human SpikerBox", 14, 2, 4, five_khz, false),
    hw("MSBPCDC", "Muscle SpikerBox Pro", 10, 2, 4, pro_rate, false),
    hw("NSBPCDC", "Neuron SpikerBox Pro", 10, 2, 4, pro_rate, false),
    hw("NRNSBPRO", "Neuron SpikerBox Pro", 14, 2, 3, ten_khz, false),
    hw(
        "MUSCLESS",
        "Muscle SpikerShield",
        10,
        1,
        6,
        ten_khz_shared,
        true,
    ),
    hw(
        "HBLEOSB",
        "Heart and Brain SpikerBox",
        10,
        1,
        1,
        ten_khz,
        false,
    ),
    hw("PLANTSS", "Plant SpikerBox", 10, 1, 1, ten_khz, false),
    hw("HHIBOX", "Human-Human-Interface", 10, 1, 1, ten_khz, false),
];

const fn hw(
    id: &'static str,
    name: &'static str,
    bits: u8,
    channels: usize,
    max_channels: usize,
    rate_hz: fn(usize) -> u32,
    set_channels: bool,
) -> SpikerHardware {
    SpikerHardware {
        id,
        name,
        bits,
        channels,
        max_channels,
        rate_hz,
        set_channels,
    }
}

/// The hardware that answered `HWT:id;`.
pub fn hardware(id: &str) -> Option<&'static SpikerHardware> {
    HARDWARE.iter().find(|h| h.id == id.trim())
}

/// The text of the first complete message in `bytes` (bytes before it, frames included, are passed over).
pub fn first_message(bytes: &[u8]) -> Option<String> {
    let start = bytes.windows(6).position(|w| w == MESSAGE_START)? + 6;
    let len = bytes[start..].windows(6).position(|w| w == MESSAGE_END)?;
    Some(String::from_utf8_lossy(&bytes[start..start + len]).to_string())
}

/// Everything but the carried bytes.
struct State {
    channels: usize,
    zero: f64,
    scale: f64,
    /// Bytes of the frame being read (0 = between frames).
    got: usize,
    raw: [u8; 2 * MAX_CHANNELS],
    /// A complete frame waiting for the next start to confirm it.
    held: bool,
    /// Inside a message: its bytes so far.
    message: Option<([u8; MAX_MESSAGE], usize)>,
    /// Bytes have been skipped since the last frame (counted once as a resync).
    lost_sync: bool,
    /// Broken bytes since the last complete frame, and those before the held one.
    junk: u64,
    junk_before_held: u64,
    frame: [f32; MAX_CHANNELS],
    counters: DecodeCounters,
}

impl State {
    /// Bytes kept outside the carry: a frame and a message in progress.
    fn held(&self) -> usize {
        self.got + self.message.as_ref().map_or(0, |m| m.1)
    }

    fn skip(&mut self) {
        self.counters.skipped_bytes += 1;
        self.junk += 1;
        if !self.lost_sync {
            self.lost_sync = true;
            if self.counters.frames > 0 {
                self.counters.resyncs += 1;
            }
        }
    }

    /// A frame or message starts here: the held frame is confirmed, a frame in progress is cut short.
    fn start(&mut self, sink: &mut dyn FnMut(Event<'_>)) {
        if self.held {
            self.held = false;
            self.emit(sink);
        }
        if self.got > 0 {
            self.junk += self.got as u64;
            self.got = 0;
            self.counters.crc_errors += 1;
            self.counters.resyncs += 1;
        }
    }

    fn emit(&mut self, sink: &mut dyn FnMut(Event<'_>)) {
        let lost = self.junk_before_held / (2 * self.channels as u64);
        if lost > 0 {
            self.counters.lost_frames += lost;
            sink(Event::Lost(lost));
        }
        for (o, b) in self.frame.iter_mut().zip(self.raw.chunks_exact(2)) {
            let v = (((b[0] & 0x7F) as u32) << 7) | (b[1] & 0x7F) as u32;
            *o = ((v as f64 - self.zero) * self.scale) as f32;
        }
        self.counters.packets += 1;
        self.counters.frames += 1;
        self.lost_sync = false;
        sink(Event::Frame(&self.frame[..self.channels]));
    }

    fn message_byte(&mut self, b: u8, sink: &mut dyn FnMut(Event<'_>)) {
        let Some((buf, n)) = self.message.as_mut() else {
            return;
        };
        if *n == MAX_MESSAGE {
            // Too long to be a message: drop it and look for frames again.
            self.counters.skipped_bytes += *n as u64;
            self.counters.resyncs += 1;
            self.message = None;
            return;
        }
        buf[*n] = b;
        *n += 1;
        if buf[..*n].ends_with(&MESSAGE_END) {
            let text = String::from_utf8_lossy(&buf[..*n - MESSAGE_END.len()]).to_string();
            self.message = None;
            if let Some(code) = message_value(&text, "EVNT").and_then(|v| v.parse().ok()) {
                sink(Event::BoardEvent(code));
            }
        }
    }

    fn process(&mut self, w: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> usize {
        let mut i = 0;
        while i < w.len() {
            let b = w[i];
            if self.message.is_some() {
                self.message_byte(b, sink);
                i += 1;
                continue;
            }
            if b & 0x80 != 0 {
                let rest = &w[i..];
                let n = rest.len().min(MESSAGE_START.len());
                if rest[..n] == MESSAGE_START[..n] {
                    if n < MESSAGE_START.len() {
                        break; // maybe a message: wait for the rest
                    }
                    self.start(sink);
                    self.message = Some(([0; MAX_MESSAGE], 0));
                    i += MESSAGE_START.len();
                    continue;
                }
                self.start(sink);
                self.raw[0] = b;
                self.got = 1;
            } else if self.got > 0 {
                self.raw[self.got] = b;
                self.got += 1;
            } else {
                if self.held {
                    // The bytes after a frame are not a start: it was not a frame after all.
                    self.held = false;
                    self.counters.crc_errors += 1;
                    self.junk += self.junk_before_held + 2 * self.channels as u64;
                }
                self.skip();
            }
            if self.got == 2 * self.channels {
                self.got = 0;
                self.held = true;
                self.junk_before_held = std::mem::take(&mut self.junk);
            }
            i += 1;
        }
        i
    }
}

/// Decodes a SpikerBox stream of a known channel count.
pub struct SpikerBoxDecoder {
    carry: Carry<CARRY>,
    state: State,
}

impl SpikerBoxDecoder {
    /// A decoder for `channels` channels (clamped to 1..=16) of `bits`-bit samples (at most 14), values
    /// times `scale` (microvolts per ADC step, or 1.0 for steps).
    pub fn new(channels: usize, bits: u8, scale: f64) -> Self {
        let channels = channels.clamp(1, MAX_CHANNELS);
        Self {
            carry: Carry::new(),
            state: State {
                channels,
                zero: (1u32 << (bits.clamp(1, 14) - 1)) as f64,
                scale: if scale.is_finite() { scale } else { 1.0 },
                got: 0,
                raw: [0; 2 * MAX_CHANNELS],
                held: false,
                message: None,
                lost_sync: false,
                junk: 0,
                junk_before_held: 0,
                frame: [0.0; MAX_CHANNELS],
                counters: DecodeCounters::default(),
            },
        }
    }
}

carried_decoder!(SpikerBoxDecoder);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_values_are_found() {
        let t = "FWV:0.01;HWT:HUMANSB;HWV:0.01;";
        assert_eq!(message_value(t, "HWT"), Some("HUMANSB"));
        assert_eq!(message_value("EVNT:2;", "EVNT"), Some("2"));
        assert_eq!(message_value("EVNT2;", "EVNT"), None);
    }

    #[test]
    fn a_frame_cut_short_is_damaged_and_the_next_one_decodes() {
        let mut bytes = Vec::new();
        encode_frame(&[8192, 8200], &mut bytes);
        bytes.extend_from_slice(&[0x80, 0x01]); // half a frame
        encode_frame(&[8000, 8100], &mut bytes);
        encode_frame(&[8192, 8192], &mut bytes);
        let mut dec = SpikerBoxDecoder::new(2, 14, 1.0);
        let mut frames = Vec::new();
        dec.feed(&bytes, &mut |e| {
            if let Event::Frame(f) = e {
                frames.push(f.to_vec());
            }
        });
        assert_eq!(frames, vec![vec![0.0, 8.0], vec![-192.0, -92.0]]);
        assert_eq!(dec.counters().crc_errors, 1);
        // Two broken bytes are not a whole frame of two channels.
        assert_eq!(dec.counters().lost_frames, 0);
    }

    #[test]
    fn a_damaged_frame_is_one_marked_loss() {
        let mut bytes = Vec::new();
        for k in 0..6u16 {
            let start = bytes.len();
            encode_frame(&[8192 + k, 8192], &mut bytes);
            if k == 2 {
                bytes[start + 1] |= 0x80;
            }
        }
        let mut dec = SpikerBoxDecoder::new(2, 14, 1.0);
        let mut got = Vec::new();
        dec.feed(&bytes, &mut |e| match e {
            Event::Frame(f) => got.push(f[0]),
            Event::Lost(n) => got.push(-(n as f32)),
            _ => {}
        });
        assert_eq!(got, vec![0.0, 1.0, -1.0, 3.0, 4.0]);
    }
}
