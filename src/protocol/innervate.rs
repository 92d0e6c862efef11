//! Innervate's own protocol (`firmware-protocol.md`): COBS-framed messages ending in 0x00, each with a
//! CRC-16/IBM-3740. The decoder serves both ends (the host reads boards, the virtual board reads commands);
//! the encoders build every message.

use super::{BoardInfo, DecodeCounters, Decoder, Event};
use crate::block::MAX_CHANNELS;

/// Largest body (type + payload + CRC), bytes.
pub const MAX_BODY: usize = 1024;
/// Largest COBS-encoded body.
const MAX_WIRE: usize = cobs::max_encoding_length(MAX_BODY);
/// Most later starts tried when a frame fails, before it is counted as damaged.
const MAX_SALVAGE_TRIES: usize = 64;
/// Protocol version this build speaks.
pub const VERSION: u8 = 1;

/// Message types.
pub mod msg {
    /// Host asks the board to describe itself.
    pub const HELLO: u8 = 0x01;
    /// Host starts streaming.
    pub const START: u8 = 0x02;
    /// Host stops streaming.
    pub const STOP: u8 = 0x03;
    /// Host sets the sample rate.
    pub const SET_RATE: u8 = 0x04;
    /// Board describes itself.
    pub const INFO: u8 = 0x81;
    /// Board acknowledges a command.
    pub const ACK: u8 = 0x82;
    /// Board sends samples.
    pub const DATA: u8 = 0x90;
    /// Board reports an error.
    pub const ERROR: u8 = 0xE0;
}

/// Error codes (`firmware-protocol.md` section 3).
pub mod error_code {
    /// A host frame failed its CRC or COBS.
    pub const BAD_FRAME: u8 = 1;
    /// Unknown command.
    pub const UNKNOWN_COMMAND: u8 = 2;
    /// Bad argument (e.g. a rate the board cannot do).
    pub const BAD_ARGUMENT: u8 = 3;
    /// Not allowed while streaming.
    pub const BUSY: u8 = 4;
    /// The board missed sampling deadlines.
    pub const OVERRUN: u8 = 5;
}

/// Sample formats.
pub mod format {
    /// Unsigned 16-bit ADC codes.
    pub const U16: u8 = 1;
    /// Signed 16-bit ADC codes.
    pub const I16: u8 = 2;
}

/// The protocol's CRC: CRC-16/IBM-3740 (CCITT-FALSE), table-driven 16 bytes at a time.
pub const CRC: crc::Crc<u16, crc::Table<16>> =
    crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_IBM_3740);

/// Appends the wire form of `body` (type + payload, without CRC) to `out`: COBS(body + CRC) then 0x00.
pub fn encode_frame(body: &[u8], out: &mut Vec<u8>) {
    let mut with_crc = Vec::with_capacity(body.len() + 2);
    with_crc.extend_from_slice(body);
    with_crc.extend_from_slice(&CRC.checksum(body).to_le_bytes());
    let start = out.len();
    out.resize(start + cobs::max_encoding_length(with_crc.len()), 0);
    let n = cobs::encode(&with_crc, &mut out[start..]);
    out.truncate(start + n);
    out.push(0);
}

fn push_str(body: &mut Vec<u8>, s: &str) {
    // A string is at most 255 bytes; cut on a character boundary.
    let mut end = s.len().min(255);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    body.push(end as u8);
    body.extend_from_slice(&s.as_bytes()[..end]);
}

/// A command from the host (HELLO, START, STOP; `value` only for SET_RATE).
pub fn command(command: u8, value: u32) -> Vec<u8> {
    let mut body = vec![command];
    match command {
        msg::HELLO => body.push(VERSION),
        msg::SET_RATE => body.extend_from_slice(&value.to_le_bytes()),
        _ => {}
    }
    let mut out = Vec::new();
    encode_frame(&body, &mut out);
    out
}

/// An INFO message.
pub fn info(i: &BoardInfo) -> Vec<u8> {
    let mut body = vec![msg::INFO, i.protocol_version, i.channels as u8];
    body.extend_from_slice(&i.sample_rate_hz.to_le_bytes());
    body.push(i.adc_bits);
    body.push(i.sample_format);
    body.extend_from_slice(&i.vref_uv.to_le_bytes());
    body.extend_from_slice(&i.gain_milli.to_le_bytes());
    body.extend_from_slice(&i.zero_code.to_le_bytes());
    body.push(i.frames_per_packet);
    push_str(&mut body, &i.board_name);
    push_str(&mut body, &i.firmware_version);
    for c in 0..i.channels {
        push_str(&mut body, i.labels.get(c).map_or("", String::as_str));
    }
    let mut out = Vec::new();
    encode_frame(&body, &mut out);
    out
}

/// An ACK message.
pub fn ack(command: u8, value: u32) -> Vec<u8> {
    let mut body = vec![msg::ACK, command];
    body.extend_from_slice(&value.to_le_bytes());
    let mut out = Vec::new();
    encode_frame(&body, &mut out);
    out
}

/// An ERROR message.
pub fn error(code: u8, message: &str) -> Vec<u8> {
    let mut body = vec![msg::ERROR, code];
    push_str(&mut body, message);
    let mut out = Vec::new();
    encode_frame(&body, &mut out);
    out
}

/// Appends a DATA message: `codes` holds `frames` frames of ADC codes, frame-major, in `sample_format`.
pub fn data(seq: u32, frames: u8, codes: &[i32], sample_format: u8, out: &mut Vec<u8>) {
    let mut body = Vec::with_capacity(6 + 2 * codes.len());
    body.push(msg::DATA);
    body.extend_from_slice(&seq.to_le_bytes());
    body.push(frames);
    for &c in codes {
        let bytes = if sample_format == format::I16 {
            (c.clamp(i16::MIN as i32, i16::MAX as i32) as i16).to_le_bytes()
        } else {
            (c.clamp(0, u16::MAX as i32) as u16).to_le_bytes()
        };
        body.extend_from_slice(&bytes);
    }
    encode_frame(&body, out);
}

/// Reads little-endian fields off a body, failing (not panicking) when it runs out.
struct Fields<'a> {
    b: &'a [u8],
}

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.b.len() < n {
            return None;
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i32(&mut self) -> Option<i32> {
        self.u32().map(|v| v as i32)
    }
    fn string(&mut self) -> Option<String> {
        let n = self.u8()? as usize;
        self.take(n)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }
}

/// Parses an INFO payload (after the type byte).
fn parse_info(payload: &[u8]) -> Option<BoardInfo> {
    let mut f = Fields { b: payload };
    let protocol_version = f.u8()?;
    let channels = f.u8()? as usize;
    let sample_rate_hz = f.u32()?;
    let adc_bits = f.u8()?;
    let sample_format = f.u8()?;
    let vref_uv = f.u32()?;
    let gain_milli = f.u32()?;
    let zero_code = f.i32()?;
    let frames_per_packet = f.u8()?;
    let board_name = f.string()?;
    let firmware_version = f.string()?;
    if !(1..=MAX_CHANNELS).contains(&channels)
        || frames_per_packet == 0
        || !(1..=24).contains(&adc_bits)
        || !matches!(sample_format, format::U16 | format::I16)
        || sample_rate_hz == 0
        || gain_milli == 0
    {
        return None;
    }
    let mut labels = Vec::with_capacity(channels);
    for _ in 0..channels {
        labels.push(f.string()?);
    }
    Some(BoardInfo {
        protocol_version,
        channels,
        sample_rate_hz,
        adc_bits,
        sample_format,
        vref_uv,
        gain_milli,
        zero_code,
        frames_per_packet,
        board_name,
        firmware_version,
        labels,
    })
}

/// What a checked body turned out to be (used to judge a salvage attempt).
enum Parsed {
    Good,
    Bad,
}

/// Decodes Innervate frames from either end of the link.
pub struct InnervateDecoder {
    buf: Vec<u8>,
    scratch: Vec<u8>,
    /// Salvage's marks of which starts' COBS chains end at the frame's end.
    chain_ends: Vec<bool>,
    /// Bytes were dropped from the front of the frame in progress (it ran past any frame's length).
    trimmed: bool,
    info: Option<BoardInfo>,
    uv_per_code: f64,
    expected_seq: Option<u32>,
    frame: [f32; MAX_CHANNELS],
    counters: DecodeCounters,
}

impl Default for InnervateDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl InnervateDecoder {
    /// A decoder that learns the board from its INFO message.
    pub fn new() -> Self {
        Self {
            buf: Vec::with_capacity(MAX_WIRE),
            scratch: Vec::with_capacity(MAX_WIRE),
            chain_ends: Vec::with_capacity(MAX_WIRE + 1),
            trimmed: false,
            info: None,
            uv_per_code: 0.0,
            expected_seq: None,
            frame: [0.0; MAX_CHANNELS],
            counters: DecodeCounters::default(),
        }
    }

    /// A decoder for a board already described (DATA decodes from the first byte).
    pub fn with_info(info: BoardInfo) -> Self {
        let mut d = Self::new();
        d.set_info(info);
        d
    }

    /// Uses `info` to decode DATA from now on.
    pub fn set_info(&mut self, info: BoardInfo) {
        self.uv_per_code = info.uv_per_code();
        self.info = Some(info);
    }

    /// The board's description, once known.
    pub fn info(&self) -> Option<&BoardInfo> {
        self.info.as_ref()
    }

    /// Forgets the expected sequence number (a new START begins at 0).
    pub fn restart_sequence(&mut self) {
        self.expected_seq = None;
    }

    /// One COBS frame (without its 0x00) from `buf`.
    fn frame_done(&mut self, sink: &mut dyn FnMut(Event<'_>)) {
        let mut wire = std::mem::take(&mut self.buf);
        let trimmed = std::mem::take(&mut self.trimmed);
        if !wire.is_empty() {
            match self.check_and_dispatch(&wire, sink) {
                // The frame was found behind the garbage that was cut off.
                Parsed::Good if trimmed => self.counters.resyncs += 1,
                Parsed::Good => {}
                Parsed::Bad => self.salvage(&wire, sink),
            }
        }
        wire.clear();
        self.buf = wire;
    }

    /// Decodes and checks `wire`; on success dispatches it.
    fn check_and_dispatch(&mut self, wire: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> Parsed {
        self.scratch.clear();
        self.scratch.extend_from_slice(wire);
        let Ok(n) = cobs::decode_in_place(&mut self.scratch) else {
            return Parsed::Bad;
        };
        if n < 3 {
            return Parsed::Bad;
        }
        let body = std::mem::take(&mut self.scratch);
        let (content, crc) = body[..n].split_at(n - 2);
        let parsed = if CRC.checksum(content) == u16::from_le_bytes([crc[0], crc[1]]) {
            self.dispatch(content, sink)
        } else {
            Parsed::Bad
        };
        self.scratch = body;
        parsed
    }

    /// Garbage glued in front of a frame: the frame itself is intact at some later start. Tries each
    /// start (bounded by the frame size) so an intact frame after garbage is not lost.
    fn salvage(&mut self, wire: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        // Only a start whose COBS chain of codes lands exactly on the frame's end can be a frame: one
        // backward pass finds them all, and at most a few are decoded, so garbage costs linear time.
        let n = wire.len();
        let mut ends = std::mem::take(&mut self.chain_ends);
        ends.clear();
        ends.resize(n + 1, false);
        ends[n] = true;
        for i in (0..n).rev() {
            let next = i + wire[i] as usize;
            ends[i] = wire[i] != 0 && next <= n && ends[next];
        }
        let mut tries = 0;
        let found = (1..n).filter(|&i| ends[i]).find(|&start| {
            tries += 1;
            tries <= MAX_SALVAGE_TRIES
                && matches!(self.check_and_dispatch(&wire[start..], sink), Parsed::Good)
        });
        self.chain_ends = ends;
        if let Some(start) = found {
            self.counters.resyncs += 1;
            self.counters.skipped_bytes += start as u64;
            return;
        }
        self.counters.crc_errors += 1;
        self.counters.skipped_bytes += wire.len() as u64;
    }

    fn dispatch(&mut self, content: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> Parsed {
        let (kind, payload) = (content[0], &content[1..]);
        match kind {
            msg::DATA => return self.data(payload, sink),
            msg::INFO => match parse_info(payload) {
                Some(info) => {
                    self.set_info(info.clone());
                    sink(Event::Info(info));
                }
                None => return Parsed::Bad,
            },
            msg::ACK if payload.len() == 5 => sink(Event::Ack {
                command: payload[0],
                value: u32::from_le_bytes([payload[1], payload[2], payload[3], payload[4]]),
            }),
            msg::ERROR => {
                let mut f = Fields { b: payload };
                match (f.u8(), f.string()) {
                    (Some(code), Some(message)) if f.b.is_empty() => {
                        sink(Event::BoardError { code, message })
                    }
                    _ => return Parsed::Bad,
                }
            }
            msg::HELLO if payload.len() == 1 => sink(Event::Command {
                command: kind,
                value: payload[0] as u32,
            }),
            msg::START | msg::STOP if payload.is_empty() => sink(Event::Command {
                command: kind,
                value: 0,
            }),
            msg::SET_RATE if payload.len() == 4 => sink(Event::Command {
                command: kind,
                value: u32::from_le_bytes([payload[0], payload[1], payload[2], payload[3]]),
            }),
            // A well-formed frame of a type this build does not know: say so, skip it.
            _ => sink(Event::Command {
                command: kind,
                value: u32::MAX,
            }),
        }
        Parsed::Good
    }

    fn data(&mut self, payload: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> Parsed {
        let Some(info) = &self.info else {
            // Samples before the board described itself cannot be scaled: drop them (counted).
            return Parsed::Bad;
        };
        let channels = info.channels;
        let fpp = info.frames_per_packet as usize;
        let signed = info.sample_format == format::I16;
        let zero = info.zero_code as f64;
        if payload.len() < 5 {
            return Parsed::Bad;
        }
        let seq = u32::from_le_bytes([payload[0], payload[1], payload[2], payload[3]]);
        let frames = payload[4] as usize;
        let samples = &payload[5..];
        if frames != fpp || samples.len() != frames * channels * 2 {
            return Parsed::Bad;
        }
        if let Some(expected) = self.expected_seq {
            let gap = seq.wrapping_sub(expected);
            // A small step back is a duplicate or reordering: not a loss of 4 billion packets.
            if gap != 0 && gap < u32::MAX / 2 {
                self.counters.dropped_packets += gap as u64;
                let lost = gap as u64 * fpp as u64;
                self.counters.lost_frames += lost;
                sink(Event::Lost(lost));
            } else if gap != 0 {
                return Parsed::Bad;
            }
        }
        self.expected_seq = Some(seq.wrapping_add(1));
        self.counters.packets += 1;
        let scale = self.uv_per_code;
        for frame in samples.chunks_exact(channels * 2) {
            for (out, b) in self.frame.iter_mut().zip(frame.chunks_exact(2)) {
                let code = if signed {
                    i16::from_le_bytes([b[0], b[1]]) as f64
                } else {
                    u16::from_le_bytes([b[0], b[1]]) as f64
                };
                *out = ((code - zero) * scale) as f32;
            }
            self.counters.frames += 1;
            sink(Event::Frame(&self.frame[..channels]));
        }
        Parsed::Good
    }
}

impl Decoder for InnervateDecoder {
    fn feed(&mut self, mut bytes: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        self.counters.bytes += bytes.len() as u64;
        while !bytes.is_empty() {
            let end = bytes.iter().position(|&b| b == 0);
            let segment = &bytes[..end.unwrap_or(bytes.len())];
            if self.buf.len() + segment.len() > MAX_WIRE {
                // Longer than any frame: garbage in front of (perhaps) a good frame. Keep only the last
                // frame's worth, so a full-size frame glued to garbage is still found at the delimiter.
                let keep_from_seg = segment.len().min(MAX_WIRE);
                let keep_from_buf = MAX_WIRE - keep_from_seg;
                let dropped = self.buf.len() - keep_from_buf.min(self.buf.len());
                self.buf.drain(..dropped);
                let seg_dropped = segment.len() - keep_from_seg;
                self.buf.extend_from_slice(&segment[seg_dropped..]);
                self.counters.skipped_bytes += (dropped + seg_dropped) as u64;
                self.trimmed = true;
            } else {
                self.buf.extend_from_slice(segment);
            }
            match end {
                Some(e) => {
                    self.frame_done(sink);
                    bytes = &bytes[e + 1..];
                }
                None => bytes = &[],
            }
        }
    }

    fn counters(&self) -> DecodeCounters {
        self.counters
    }

    fn buffered(&self) -> usize {
        self.buf.len()
    }
}
