//! PLUX BITalino (serial, or Bluetooth Classic as `/dev/rfcommN`): frames with a 4-bit sequence number and
//! a CRC-4, 1 to 6 analog channels.
//!
//! **Frame.** Read from the last byte to the first as one stream of bits, most significant first: sequence
//! number (4), CRC-4 (4), digital I1 I2 O1 O2 (4), A1..A4 (10 bits each), A5, A6 (6 bits each), zero padding
//! ([`frame_len`] bytes). The CRC is the remainder of the frame's bits in wire order, CRC nibble as zero,
//! divided by x^4 + x + 1 (`docs/boards/bitalino.md`, from PLUX's API).
//!
//! **Framing.** There is no sync byte and a CRC-4 with a 4-bit sequence number checks only 8 bits, so a
//! frame is believed only when the frames around it agree. In sync, a frame one to three on (drops) is
//! believed when the next two frames continue the count (each one to three on, passing over at most one
//! damaged frame). A damaged frame followed by frames that continue the count is skipped alone
//! (`crc_errors`, a marked gap); anything else loses the framing (`resyncs`). Searching, the decoder needs
//! five intact consecutive frames and believes the third: the frame just before a real one can be garbage
//! that passes (8 bits of chance, and the real frames after it confirm it). So a burst of garbage costs the
//! two frames before it and the two after it (marked gaps: the sequence numbers show them), and the first
//! two and the last two frames of a stream are not emitted. Undecided bytes are kept in a fixed array of
//! [`MAX_PENDING`] bytes.
//!
//! **Sequence.** `(seq - last - 1) mod 16` frames were dropped before each one ([`Event::Lost`]); a run of
//! 16 lost frames cannot be told from none.
//!
//! **Microvolts.** PLUX's EMG sensor: `EMG(V) = (ADC / 2^n - 1/2) x 3.3 V / 1009`, n = 10 bits on A1-A4 and
//! 6 on A5-A6 ([`emg_uv`]).

use super::carry::{Carry, carried_decoder};
use super::{DecodeCounters, Decoder, Event};

/// Most analog channels.
pub const MAX_CHANNELS: usize = 6;
/// The sample rates a BITalino offers, Hz.
pub const RATES_HZ: [u32; 4] = [1, 10, 100, 1000];
/// Lowest rate that carries EMG: a 20 Hz high-pass needs it.
pub const MIN_EMG_RATE_HZ: u32 = 100;
/// Sensor supply, volts.
pub const VCC: f64 = 3.3;
/// Gain of PLUX's EMG sensor.
pub const EMG_GAIN: f64 = 1009.0;
/// Most bytes held between feeds: six frames of the longest kind (the longest look-ahead).
pub const MAX_PENDING: usize = 6 * frame_len(MAX_CHANNELS);

/// Bytes in a frame with `channels` analog channels (1 to 6).
pub const fn frame_len(channels: usize) -> usize {
    let bits = if channels <= 4 {
        12 + 10 * channels
    } else {
        52 + 6 * (channels - 4)
    };
    bits.div_ceil(8)
}

/// Bits of analog channel `i` (0-based): 10 on A1-A4, 6 on A5-A6.
pub fn channel_bits(i: usize) -> u32 {
    if i < 4 { 10 } else { 6 }
}

/// An EMG sensor's reading in microvolts at the electrodes.
pub fn emg_uv(adc: u16, bits: u32) -> f32 {
    ((adc as f64 / (1u32 << bits) as f64 - 0.5) * VCC / EMG_GAIN * 1e6) as f32
}

/// The command that sets the sample rate (sent while idle).
pub fn rate_command(rate_hz: u32) -> Option<u8> {
    let code = RATES_HZ.iter().position(|&r| r == rate_hz)? as u8;
    Some((code << 6) | 0x03)
}

/// The command that starts live acquisition of the first `channels` analog channels.
pub fn start_command(channels: usize) -> u8 {
    let mask = (1u8 << channels.clamp(1, MAX_CHANNELS)) - 1;
    (mask << 2) | 0x01
}

/// The command that stops acquisition.
pub const STOP: u8 = 0x00;
/// The command that asks for the version text (idle only).
pub const VERSION: u8 = 0x07;

/// CRC-4 (x^4 + x + 1, MSB first, from zero) of `frame` with its CRC nibble taken as zero.
pub fn crc4(frame: &[u8]) -> u8 {
    let mut x = 0u8;
    let last = frame.len().saturating_sub(1);
    for (i, &byte) in frame.iter().enumerate() {
        let b = if i == last { byte & 0xF0 } else { byte };
        for bit in (0..8).rev() {
            x <<= 1;
            if x & 0x10 != 0 {
                x ^= 0x13;
            }
            x ^= (b >> bit) & 1;
        }
    }
    x & 0x0F
}

/// A frame as the board sends it: sequence number (low 4 bits), the analog codes (1 to 6) and the digital
/// bits; its CRC filled in.
pub fn encode_frame(seq: u8, analog: &[u16], digital: u8, out: &mut Vec<u8>) {
    let n = analog.len().clamp(1, MAX_CHANNELS);
    let len = frame_len(n);
    // The bit stream from the last byte backwards, most significant first.
    let mut acc: u128 = 0;
    let mut used = 0;
    let mut put = |v: u64, w: u32| {
        acc = (acc << w) | (v & ((1 << w) - 1)) as u128;
        used += w;
    };
    put((seq & 0xF) as u64, 4);
    put(0, 4);
    put((digital & 0xF) as u64, 4);
    for (i, &a) in analog.iter().take(n).enumerate() {
        put(a as u64, channel_bits(i));
    }
    let total = 8 * len as u32;
    acc <<= total - used;
    let start = out.len();
    for k in 0..len {
        // Byte k of the stream (k from the end of the frame) holds bits [total - 8(k+1), total - 8k) of the stream.
        let shift = total - 8 * (k as u32 + 1);
        out.push((acc >> shift) as u8);
    }
    out[start..].reverse();
    let crc = crc4(&out[start..]);
    out[start + len - 1] |= crc;
}

/// The analog codes of an intact frame of `n` channels.
fn analog(frame: &[u8], n: usize, out: &mut [u16; MAX_CHANNELS]) {
    // Bits after the first 12 of the backwards stream; read them byte by byte from the end.
    let len = frame.len();
    let byte = |k: usize| frame[len - 1 - k] as u32;
    let mut pos = 12u32;
    for (i, o) in out.iter_mut().enumerate().take(n) {
        let w = channel_bits(i);
        let mut v = 0u32;
        for b in pos..pos + w {
            let bit = (byte((b / 8) as usize) >> (7 - b % 8)) & 1;
            v = (v << 1) | bit;
        }
        *o = v as u16;
        pos += w;
    }
}

fn seq(frame: &[u8]) -> u8 {
    frame[frame.len() - 1] >> 4
}

fn intact(frame: &[u8]) -> bool {
    crc4(frame) == frame[frame.len() - 1] & 0x0F
}

/// Everything but the carried bytes.
struct State {
    channels: usize,
    len: usize,
    synced: bool,
    last: Option<u8>,
    codes: [u16; MAX_CHANNELS],
    frame: [f32; MAX_CHANNELS],
    counters: DecodeCounters,
}

/// What to do with the frame at the front of the window.
enum Verdict {
    /// Not enough bytes to tell.
    Wait,
    /// Believe it.
    Take,
    /// Skip the first two frames of a run and believe the third.
    TakeThird,
    /// A damaged frame in sync: skip it and keep the framing.
    Damaged,
    /// Skip a byte (damaged when in sync).
    Skip,
}

impl State {
    /// Bytes kept outside the carry (none).
    fn held(&self) -> usize {
        0
    }

    /// Frame `k` after the one at the front: intact with sequence number `s0 + step`?
    fn at(&self, w: &[u8], k: usize, s0: u8, step: u8) -> bool {
        let f = &w[k * self.len..(k + 1) * self.len];
        intact(f) && seq(f).wrapping_sub(s0) & 0xF == step
    }

    /// Do `need` frames after frame `k` (sequence `s`) continue the count, each one to three on (drops),
    /// passing over at most one damaged frame before each? `None` until enough bytes are in.
    fn confirmed(&self, w: &[u8], k: usize, s: u8, need: usize) -> Option<bool> {
        if need == 0 {
            return Some(true);
        }
        let window = |j: usize| w.get(j * self.len..(j + 1) * self.len);
        let f = window(k + 1)?;
        let (j, lo, hi) = if intact(f) {
            (k + 1, 1, 3)
        } else {
            // A damaged frame: the one after it must continue the count instead.
            (k + 2, 2, 4)
        };
        let g = window(j)?;
        let step = seq(g).wrapping_sub(s) & 0xF;
        if intact(g) && (lo..=hi).contains(&step) {
            self.confirmed(w, j, seq(g), need - 1)
        } else {
            Some(false)
        }
    }

    fn judge(&self, w: &[u8]) -> Verdict {
        let len = self.len;
        if w.len() < len {
            return Verdict::Wait;
        }
        let f0 = &w[..len];
        if let (true, Some(last)) = (self.synced, self.last) {
            if intact(f0) {
                let s0 = seq(f0);
                if !(1..=3).contains(&(s0.wrapping_sub(last) & 0xF)) {
                    return Verdict::Skip;
                }
                // The expected frame (or one after a drop): the next two frames must continue the count.
                return match self.confirmed(w, 0, s0, 2) {
                    None => Verdict::Wait,
                    Some(true) => Verdict::Take,
                    Some(false) => Verdict::Skip,
                };
            }
            // Damaged where a frame should be: if the frame after it continues the count (and is
            // confirmed), it was one damaged frame and the framing holds; otherwise garbage: search.
            let Some(f1) = w.get(len..2 * len) else {
                return Verdict::Wait;
            };
            let s1 = seq(f1);
            if !intact(f1) || !(2..=4).contains(&(s1.wrapping_sub(last) & 0xF)) {
                return Verdict::Skip;
            }
            return match self.confirmed(w, 1, s1, 2) {
                None => Verdict::Wait,
                Some(true) => Verdict::Damaged,
                Some(false) => Verdict::Skip,
            };
        }
        // Searching: five intact consecutive frames, and the middle one is believed. The frame just before
        // a real one can be garbage that passes (its CRC and sequence number are 8 bits of chance, and the
        // real frames after it confirm it); two such frames in a row are 16 bits of chance.
        if w.len() < 5 * len {
            return Verdict::Wait;
        }
        if !intact(f0) {
            return Verdict::Skip;
        }
        let s0 = seq(f0);
        if (1..=4).all(|k| self.at(w, k, s0, k as u8)) {
            Verdict::TakeThird
        } else {
            Verdict::Skip
        }
    }

    fn process(&mut self, w: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> usize {
        let mut i = 0;
        loop {
            match self.judge(&w[i..]) {
                Verdict::Wait => break,
                Verdict::Take => {
                    let len = self.len;
                    self.frame_at(&w[i..i + len], sink);
                    self.synced = true;
                    i += len;
                }
                Verdict::TakeThird => {
                    let len = self.len;
                    self.counters.skipped_bytes += 2 * len as u64;
                    i += 2 * len;
                    self.frame_at(&w[i..i + len], sink);
                    self.synced = true;
                    i += len;
                }
                Verdict::Damaged => {
                    self.counters.crc_errors += 1;
                    self.counters.skipped_bytes += self.len as u64;
                    i += self.len;
                }
                Verdict::Skip => {
                    if self.synced {
                        if !intact(&w[i..i + self.len]) {
                            self.counters.crc_errors += 1;
                        }
                        self.counters.resyncs += 1;
                        self.synced = false;
                    }
                    self.counters.skipped_bytes += 1;
                    i += 1;
                }
            }
        }
        i
    }

    fn frame_at(&mut self, f: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        self.counters.packets += 1;
        let s = seq(f);
        if let Some(last) = self.last {
            let dropped = (s.wrapping_sub(last).wrapping_sub(1) & 0xF) as u64;
            if dropped > 0 {
                self.counters.dropped_packets += dropped;
                self.counters.lost_frames += dropped;
                sink(Event::Lost(dropped));
            }
        }
        self.last = Some(s);
        analog(f, self.channels, &mut self.codes);
        for (i, (o, &c)) in self.frame.iter_mut().zip(&self.codes).enumerate() {
            *o = emg_uv(c, channel_bits(i));
        }
        self.counters.frames += 1;
        sink(Event::Frame(&self.frame[..self.channels]));
    }
}

/// Decodes a BITalino stream of `channels` analog channels (EMG sensors).
pub struct BitalinoDecoder {
    carry: Carry<MAX_PENDING>,
    state: State,
}

impl BitalinoDecoder {
    /// A decoder for frames of `channels` analog channels (clamped to 1..=6).
    pub fn new(channels: usize) -> Self {
        let channels = channels.clamp(1, MAX_CHANNELS);
        Self {
            carry: Carry::new(),
            state: State {
                channels,
                len: frame_len(channels),
                synced: false,
                last: None,
                codes: [0; MAX_CHANNELS],
                frame: [0.0; MAX_CHANNELS],
                counters: DecodeCounters::default(),
            },
        }
    }
}

carried_decoder!(BitalinoDecoder);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_lengths_follow_the_api() {
        let lens: Vec<usize> = (1..=6).map(frame_len).collect();
        assert_eq!(lens, [3, 4, 6, 7, 8, 8]);
    }

    #[test]
    fn commands_are_the_api_bytes() {
        assert_eq!(rate_command(1000), Some(0xC3));
        assert_eq!(rate_command(1), Some(0x03));
        assert_eq!(rate_command(500), None);
        assert_eq!(start_command(6), 0xFD);
        assert_eq!(start_command(1), 0x05);
    }

    #[test]
    fn encoded_frames_decode_for_every_width() {
        for n in 1..=6 {
            let codes: Vec<u16> = (0..n)
                .map(|i| {
                    if i < 4 {
                        1000 - 77 * i as u16
                    } else {
                        40 + i as u16
                    }
                })
                .collect();
            let mut bytes = Vec::new();
            for s in 0..8u8 {
                encode_frame(s, &codes, 0b1010, &mut bytes);
            }
            let mut dec = BitalinoDecoder::new(n);
            let mut frames = Vec::new();
            dec.feed(&bytes, &mut |e| {
                if let Event::Frame(f) = e {
                    frames.push(f.to_vec());
                }
            });
            // The first two and the last two wait for frames around them.
            assert_eq!(frames.len(), 4, "{n} channels");
            let want: Vec<f32> = codes
                .iter()
                .enumerate()
                .map(|(i, &c)| emg_uv(c, channel_bits(i)))
                .collect();
            assert!(frames.iter().all(|f| *f == want), "{n} channels");
        }
    }

    #[test]
    fn a_damaged_frame_costs_only_itself_and_is_a_marked_loss() {
        let mut bytes = Vec::new();
        for s in 0..12u8 {
            let start = bytes.len();
            encode_frame(s, &[512, 600], 0, &mut bytes);
            if s == 6 {
                bytes[start] ^= 0x10;
            }
        }
        let mut dec = BitalinoDecoder::new(2);
        let mut frames = 0;
        let mut lost = 0;
        dec.feed(&bytes, &mut |e| match e {
            Event::Frame(_) => frames += 1,
            Event::Lost(n) => lost += n,
            _ => {}
        });
        // 12 frames: the first two and last two not emitted, one damaged.
        assert_eq!((frames, lost), (7, 1));
        assert_eq!(dec.counters().crc_errors, 1);
    }
}
