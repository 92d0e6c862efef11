//! OpenBCI Cyton (8 channels) and Cyton + Daisy (16 channels): 33-byte packets.
//!
//! A packet is `0xA0`, a sample number (u8), 8 channels of 24-bit big-endian two's complement counts, 6 aux
//! bytes and a footer `0xC0..=0xC6`. Microvolts = counts x 4.5 V / gain / (2^23 - 1) x 1e6, in double
//! precision, stored as f32 ([`scale_uv_per_count`]).
//!
//! **Framing.** `0xA0` also occurs inside channel data, so a start is believed only when the byte 32 on is a
//! footer. In sync, each packet must follow the previous one directly. When it does not (wrong header or
//! footer) the packet counts as damaged (`crc_errors`), the decoder resyncs (`resyncs`) and scans forward
//! byte by byte. It trusts a start again when its footer is right and its sample number continues the
//! count (at most two packets lost), or else when two whole packets agree (header, footer, next header, next
//! footer, consecutive numbers; it waits for those bytes). The decoder starts in that stricter search (joining mid-stream is normal, so it
//! is not counted as a resync): the first packet decodes once the second one begins. Skipped bytes are
//! counted (`skipped_bytes`). Input still undecided is kept in a fixed array of [`MAX_PENDING`] bytes.
//!
//! **Counter.** The sample number counts packets mod 256, so `(num - last - 1) mod 256` packets were dropped
//! before each one (`dropped_packets`). With 8 channels a packet is a frame: the same number of frames is
//! reported lost ([`Event::Lost`], `lost_frames`) before the packet's frame.
//!
//! **Daisy pairing rule.** With a Daisy the board alternates: odd sample numbers carry channels 1-8 (the
//! Cyton), even ones channels 9-16 (the Daisy), so 16-channel frames come at half the packet rate. The
//! decoder unwraps the sample number into a packet counter U: the first packet's number, then
//! `+ (num - last - 1) mod 256 + 1` per packet (one more than the packets dropped; this is `(num - last) mod
//! 256` except that a repeated number counts as 256, consistent with the 255 dropped packets it implies).
//! So U = num mod 256 and, 256 being even, U keeps the parity of `num` across the wrap. Frame k is the odd
//! packet U = 2k+1 and the even packet U = 2k+2; it is emitted when that even packet arrives directly after
//! its odd partner. A half whose partner is missing is never emitted. Before frame k the decoder emits
//! `Lost(k - k_prev - 1)` when that is positive, k_prev being the last frame it emitted: every frame in
//! between lost at least one half. `dropped_packets` still counts packets.

use super::{DecodeCounters, Decoder, Event, Start, judge_start};
use crate::block::MAX_CHANNELS;

/// Bytes in a packet.
pub const PACKET_LEN: usize = 33;
/// First byte of every packet.
pub const HEADER: u8 = 0xA0;
/// Lowest footer byte (`0xC0` = accelerometer aux data; up to `0xC6` for other aux kinds).
pub const FOOTER_MIN: u8 = 0xC0;
/// Highest footer byte.
pub const FOOTER_MAX: u8 = 0xC6;
/// PGA gain of every channel until [`CytonDecoder::set_gain`] says otherwise (the board's default).
pub const DEFAULT_GAIN: f32 = 24.0;
/// Most bytes the decoder ever holds between feeds (two packets).
pub const MAX_PENDING: usize = 2 * PACKET_LEN;
/// Channels in one packet.
const PACKET_CHANNELS: usize = 8;
/// Bytes needed to judge a start while searching with nothing to go on: two whole packets.
const SEARCH_LEN: usize = 2 * PACKET_LEN;
/// Largest 24-bit count, 2^23 - 1.
const MAX_COUNT: i32 = (1 << 23) - 1;
/// Smallest 24-bit count, -2^23.
const MIN_COUNT: i32 = -(1 << 23);

/// Microvolts per ADC count at PGA `gain` (4.5 V reference, 24 bits). Not finite for a gain of 0.
pub fn scale_uv_per_count(gain: f32) -> f64 {
    4.5 / gain as f64 / MAX_COUNT as f64 * 1e6
}

/// A packet as the board sends it, aux bytes zero. Counts are clamped to the 24-bit range; `footer` is
/// written as given (tests use invalid ones).
pub fn encode_packet(sample_number: u8, counts: &[i32; 8], footer: u8) -> [u8; PACKET_LEN] {
    let mut p = [0u8; PACKET_LEN];
    p[0] = HEADER;
    p[1] = sample_number;
    for (c, &count) in counts.iter().enumerate() {
        let be = count.clamp(MIN_COUNT, MAX_COUNT).to_be_bytes();
        p[2 + 3 * c..5 + 3 * c].copy_from_slice(&be[1..]);
    }
    p[PACKET_LEN - 1] = footer;
    p
}

fn is_footer(b: u8) -> bool {
    (FOOTER_MIN..=FOOTER_MAX).contains(&b)
}

/// Everything but the pending bytes (so it can borrow them while decoding).
struct State {
    daisy: bool,
    synced: bool,
    scale: [f64; MAX_CHANNELS],
    last_num: Option<u8>,
    /// Unwrapped packet counter U (Daisy).
    unwrapped: u64,
    /// U of the odd packet whose channels sit in `frame[..8]` (Daisy).
    odd_half: Option<u64>,
    /// Index k of the last 16-channel frame emitted (Daisy).
    last_frame: Option<u64>,
    frame: [f32; MAX_CHANNELS],
    counters: DecodeCounters,
}

impl State {
    /// Decodes what it can from `w`; returns the bytes consumed. What is left is too short to judge: fewer
    /// than [`PACKET_LEN`] bytes in sync, fewer than [`SEARCH_LEN`] while searching.
    fn process(&mut self, w: &[u8], sink: &mut dyn FnMut(Event<'_>)) -> usize {
        let mut i = 0;
        loop {
            let rest = &w[i..];
            if self.synced {
                let Some(p) = rest.first_chunk::<PACKET_LEN>() else {
                    break;
                };
                if p[0] == HEADER && is_footer(p[PACKET_LEN - 1]) {
                    self.packet(p, sink);
                    i += PACKET_LEN;
                } else {
                    // Not where the previous packet said: damaged. Search from the next byte.
                    self.counters.damaged_in_sync();
                    self.synced = false;
                    i += 1;
                }
            } else {
                let Some(s) = rest.iter().position(|&b| b == HEADER) else {
                    self.counters.skipped_bytes += rest.len() as u64;
                    i = w.len();
                    break;
                };
                self.counters.skipped_bytes += s as u64;
                i += s;
                let rest = &w[i..];
                if rest.len() < PACKET_LEN {
                    break;
                }
                if !is_footer(rest[PACKET_LEN - 1]) {
                    self.counters.skipped_bytes += 1;
                    i += 1;
                    continue;
                }
                // The next packet's check: its header and footer.
                let next = (rest.len() >= SEARCH_LEN).then(|| {
                    let second = &rest[PACKET_LEN..SEARCH_LEN];
                    (
                        second[0] == HEADER && is_footer(second[PACKET_LEN - 1]),
                        second[1],
                    )
                });
                match judge_start(self.last_num, rest[1], next) {
                    // The synced branch takes it on the next turn.
                    Start::Believe => self.synced = true,
                    Start::NeedMore => break,
                    Start::Reject => {
                        self.counters.skipped_bytes += 1;
                        i += 1;
                    }
                }
            }
        }
        i
    }

    /// One intact packet.
    fn packet(&mut self, p: &[u8; PACKET_LEN], sink: &mut dyn FnMut(Event<'_>)) {
        self.counters.packets += 1;
        let num = p[1];
        let step = match self.last_num {
            Some(last) => {
                let dropped = num.wrapping_sub(last).wrapping_sub(1) as u64;
                self.counters.dropped_packets += dropped;
                dropped + 1
            }
            None => {
                self.unwrapped = num as u64;
                0
            }
        };
        self.last_num = Some(num);
        if !self.daisy {
            if step > 1 {
                self.counters.lost_frames += step - 1;
                sink(Event::Lost(step - 1));
            }
            self.scale_into(p, 0);
            self.counters.frames += 1;
            sink(Event::Frame(&self.frame[..PACKET_CHANNELS]));
            return;
        }
        self.unwrapped += step;
        let u = self.unwrapped;
        if u % 2 == 1 {
            self.scale_into(p, 0);
            self.odd_half = Some(u);
        } else if self.odd_half.is_some_and(|odd| odd + 1 == u) {
            self.scale_into(p, PACKET_CHANNELS);
            self.odd_half = None;
            let k = u / 2 - 1;
            if let Some(prev) = self.last_frame {
                let lost = k.saturating_sub(prev + 1);
                if lost > 0 {
                    self.counters.lost_frames += lost;
                    sink(Event::Lost(lost));
                }
            }
            self.last_frame = Some(k);
            self.counters.frames += 1;
            sink(Event::Frame(&self.frame[..2 * PACKET_CHANNELS]));
        }
    }

    /// The packet's 8 channels in microvolts into `frame[offset..offset + 8]`.
    fn scale_into(&mut self, p: &[u8; PACKET_LEN], offset: usize) {
        let out = &mut self.frame[offset..offset + PACKET_CHANNELS];
        let scale = &self.scale[offset..offset + PACKET_CHANNELS];
        for ((o, s), b) in out.iter_mut().zip(scale).zip(p[2..26].chunks_exact(3)) {
            // Sign-extend 24 bits by putting them on top of an i32 and shifting back.
            let counts = i32::from_be_bytes([b[0], b[1], b[2], 0]) >> 8;
            *o = (counts as f64 * s) as f32;
        }
    }
}

/// Decodes an OpenBCI Cyton (8 channels) or Cyton + Daisy (16 channels) stream.
pub struct CytonDecoder {
    pending: [u8; MAX_PENDING],
    pending_len: usize,
    state: State,
}

impl CytonDecoder {
    /// A decoder for a Cyton, with a Daisy when `daisy` (16-channel frames from pairs of packets).
    pub fn new(daisy: bool) -> Self {
        Self {
            pending: [0; MAX_PENDING],
            pending_len: 0,
            state: State {
                daisy,
                synced: false,
                scale: [scale_uv_per_count(DEFAULT_GAIN); MAX_CHANNELS],
                last_num: None,
                unwrapped: 0,
                odd_half: None,
                last_frame: None,
                frame: [0.0; MAX_CHANNELS],
                counters: DecodeCounters::default(),
            },
        }
    }

    /// Sets the PGA gain of `channel` (0 to 15). Out-of-range channels and gains that are not finite and
    /// positive are ignored (the board only has gains 1 to 24).
    pub fn set_gain(&mut self, channel: usize, gain: f32) {
        if let Some(s) = self.state.scale.get_mut(channel)
            && gain.is_finite()
            && gain > 0.0
        {
            *s = scale_uv_per_count(gain);
        }
    }

    /// Channels in every frame: 8, or 16 with a Daisy.
    pub fn channels(&self) -> usize {
        if self.state.daisy {
            2 * PACKET_CHANNELS
        } else {
            PACKET_CHANNELS
        }
    }
}

impl Decoder for CytonDecoder {
    fn feed(&mut self, mut bytes: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        self.state.counters.bytes += bytes.len() as u64;
        // Bytes left from before: top the array up and decode from it until the input can take over.
        while self.pending_len > 0 && !bytes.is_empty() {
            let old = self.pending_len;
            let k = (MAX_PENDING - old).min(bytes.len());
            self.pending[old..old + k].copy_from_slice(&bytes[..k]);
            self.pending_len += k;
            let used = self.state.process(&self.pending[..self.pending_len], sink);
            if used >= old {
                // Everything from before is decided; go on from the input itself.
                bytes = &bytes[used - old..];
                self.pending_len = 0;
            } else {
                self.pending.copy_within(used..self.pending_len, 0);
                self.pending_len -= used;
                bytes = &bytes[k..];
            }
        }
        if self.pending_len == 0 && !bytes.is_empty() {
            let used = self.state.process(bytes, sink);
            // `process` leaves fewer than SEARCH_LEN bytes; `min` only guards the array.
            let tail = &bytes[used..];
            let n = tail.len().min(MAX_PENDING);
            self.pending[..n].copy_from_slice(&tail[tail.len() - n..]);
            self.pending_len = n;
        }
    }

    fn counters(&self) -> DecodeCounters {
        self.state.counters
    }

    fn buffered(&self) -> usize {
        self.pending_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Ev {
        Frame(Vec<f32>),
        Lost(u64),
    }

    fn run(dec: &mut CytonDecoder, bytes: &[u8]) -> Vec<Ev> {
        let mut out = Vec::new();
        dec.feed(bytes, &mut |e| match e {
            Event::Frame(f) => out.push(Ev::Frame(f.to_vec())),
            Event::Lost(n) => out.push(Ev::Lost(n)),
            other => panic!("unexpected event {other:?}"),
        });
        out
    }

    fn frames(events: &[Ev]) -> Vec<&[f32]> {
        events
            .iter()
            .filter_map(|e| match e {
                Ev::Frame(f) => Some(f.as_slice()),
                Ev::Lost(_) => None,
            })
            .collect()
    }

    /// Counts carrying the packet index `i` (so frames can be told apart) and the channel.
    fn counts_for(i: usize) -> [i32; 8] {
        std::array::from_fn(|c| (i as i32 * 8 + c as i32) % MAX_COUNT)
    }

    fn uv(counts: i32) -> f32 {
        (counts as f64 * scale_uv_per_count(DEFAULT_GAIN)) as f32
    }

    /// `n` consecutive packets numbered from `first`, except those in `skip`.
    fn stream(first: u8, n: usize, skip: &[usize]) -> Vec<u8> {
        let mut out = Vec::with_capacity(n * PACKET_LEN);
        for i in (0..n).filter(|i| !skip.contains(i)) {
            let num = first.wrapping_add(i as u8);
            out.extend_from_slice(&encode_packet(num, &counts_for(i), 0xC0 + (i % 7) as u8));
        }
        out
    }

    #[test]
    fn known_counts_decode_to_exact_microvolts() {
        let counts = [1, -1, 0x7F_FFFF, -0x80_0000, 0, 2, -2, 1000];
        let mut bytes = encode_packet(7, &counts, 0xC0).to_vec();
        bytes.extend_from_slice(&encode_packet(8, &counts, 0xC6));
        assert_eq!(
            &bytes[2..14],
            &[0, 0, 1, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0x80, 0, 0]
        );
        let mut dec = CytonDecoder::new(false);
        let ev = run(&mut dec, &bytes);
        let f = frames(&ev);
        assert_eq!(f.len(), 2, "the decoder is in sync after the first packet");
        for (got, &c) in f[0].iter().zip(&counts) {
            // The formula as the OpenBCI documentation writes it, in f64, stored as f32.
            let want = (c as f64 * 4.5 / 24.0 / 8_388_607.0 * 1e6) as f32;
            assert_eq!(*got, want, "counts {c}");
        }
        assert_eq!(f[0][0], 0.022_351_743);
        assert_eq!(f[0][2], 187_500.0);
        assert_eq!(f[0][3], -187_500.02);
        assert_eq!(f[0], f[1]);
        let c = dec.counters();
        assert_eq!((c.packets, c.frames, c.bytes), (2, 2, 66));
        assert_eq!((c.crc_errors, c.resyncs, c.skipped_bytes), (0, 0, 0));
        assert_eq!((c.dropped_packets, c.lost_frames), (0, 0));
        assert_eq!(dec.buffered(), 0);
        assert_eq!(dec.channels(), 8);
    }

    #[test]
    fn gains_scale_their_channel_only() {
        let mut dec = CytonDecoder::new(false);
        dec.set_gain(1, 1.0);
        dec.set_gain(16, 2.0);
        dec.set_gain(2, 0.0);
        dec.set_gain(3, f32::NAN);
        let mut bytes = encode_packet(0, &[1000; 8], 0xC0).to_vec();
        bytes.extend_from_slice(&encode_packet(1, &[1000; 8], 0xC0));
        let ev = run(&mut dec, &bytes);
        let f = frames(&ev);
        assert_eq!(f[0][0], uv(1000));
        assert_eq!(f[0][1], (1000.0 * scale_uv_per_count(1.0)) as f32);
        assert_eq!(f[0][2], uv(1000));
        assert_eq!(f[0][3], uv(1000));
    }

    #[test]
    fn header_bytes_inside_channel_data_do_not_break_sync() {
        // Packets alternate A, B. A's data is full of 0xA0; where a false start in A has its footer (in B)
        // B has 0xC0 or 0xC6, so only the next-header check can reject it.
        let a = [
            0xA0A0A0u32 as i32 | !0xFF_FFFF,
            0x00A000,
            0x0000A0,
            1,
            -1,
            0x7F_FFFF,
            0,
            0,
        ];
        let b = [
            0xC0C0C0u32 as i32 | !0xFF_FFFF,
            0xA00000u32 as i32 | !0xFF_FFFF,
            0x00C600,
            2,
            0,
            0,
            0,
            0,
        ];
        let mut bytes = Vec::new();
        for i in 0..100usize {
            let counts = if i % 2 == 0 { &a } else { &b };
            bytes.extend_from_slice(&encode_packet(i as u8, counts, 0xC0));
        }
        let false_starts = (0..bytes.len() - PACKET_LEN)
            .filter(|&p| p % PACKET_LEN != 0 && bytes[p] == HEADER && is_footer(bytes[p + 32]))
            .count();
        assert!(false_starts >= 100, "{false_starts}");
        // Join mid-stream: the first 3 bytes of packet 0 are gone.
        let mut dec = CytonDecoder::new(false);
        let ev = run(&mut dec, &bytes[3..]);
        let f = frames(&ev);
        assert_eq!(f.len(), 99);
        for (i, frame) in f.iter().enumerate() {
            let counts = if i % 2 == 0 { &b } else { &a };
            let want: Vec<f32> = counts.iter().map(|&c| uv(c)).collect();
            assert_eq!(*frame, want.as_slice(), "packet {}", i + 1);
        }
        let c = dec.counters();
        assert_eq!((c.crc_errors, c.resyncs), (0, 0));
        assert_eq!(c.skipped_bytes, 30, "the rest of the cut packet");
        assert_eq!((c.dropped_packets, c.lost_frames), (0, 0));
    }

    #[test]
    fn garbage_between_packets_resyncs_and_keeps_every_intact_packet() {
        let clean = stream(0, 60, &[]);
        let garbage = [0xA0, 0x01, 0xC0, 0xA0, 0xA0, 0xC3, 0x55, 0xA0, 0x00, 0xFF];
        let mut bytes = clean[..20 * PACKET_LEN].to_vec();
        bytes.extend_from_slice(&garbage);
        bytes.extend_from_slice(&clean[20 * PACKET_LEN..]);
        let mut dec = CytonDecoder::new(false);
        let ev = run(&mut dec, &bytes);
        let f = frames(&ev);
        assert_eq!(f.len(), 60, "no intact packet lost");
        for (i, frame) in f.iter().enumerate() {
            let want: Vec<f32> = counts_for(i).iter().map(|&c| uv(c)).collect();
            assert_eq!(*frame, want.as_slice(), "packet {i}");
        }
        assert!(!ev.iter().any(|e| matches!(e, Ev::Lost(_))));
        let c = dec.counters();
        assert_eq!((c.crc_errors, c.resyncs), (1, 1));
        assert_eq!(c.skipped_bytes, garbage.len() as u64);
        assert_eq!((c.packets, c.frames, c.dropped_packets), (60, 60, 0));
    }

    #[test]
    fn a_damaged_footer_loses_that_packet_only() {
        let mut bytes = stream(0, 30, &[]);
        bytes[10 * PACKET_LEN + 32] = 0x00;
        let mut dec = CytonDecoder::new(false);
        let ev = run(&mut dec, &bytes);
        assert_eq!(frames(&ev).len(), 29);
        assert_eq!(ev[10], Ev::Lost(1));
        let c = dec.counters();
        assert_eq!((c.crc_errors, c.resyncs, c.skipped_bytes), (1, 1, 33));
        assert_eq!((c.dropped_packets, c.lost_frames), (1, 1));
    }

    #[test]
    fn counter_wraps_for_300_s_with_five_packets_dropped() {
        // 75,000 packets at 250 Hz is 300 s and 293 wraps of the sample number.
        let skip = [1000, 1001, 30_000, 65_535, 74_000];
        let bytes = stream(200, 75_000, &skip);
        let mut dec = CytonDecoder::new(false);
        let ev = run(&mut dec, &bytes);
        let c = dec.counters();
        assert_eq!((c.dropped_packets, c.lost_frames), (5, 5));
        assert_eq!((c.packets, c.frames), (74_995, 74_995));
        assert_eq!((c.crc_errors, c.resyncs, c.skipped_bytes), (0, 0, 0));
        // Each Lost comes right before the first packet after the gap.
        let losts: Vec<(u64, f32)> = ev
            .windows(2)
            .filter_map(|w| match w {
                [Ev::Lost(n), Ev::Frame(f)] => Some((*n, f[0])),
                _ => None,
            })
            .collect();
        let after = |i: usize| uv(counts_for(i)[0]);
        assert_eq!(
            losts,
            vec![
                (2, after(1002)),
                (1, after(30_001)),
                (1, after(65_536)),
                (1, after(74_001))
            ]
        );
    }

    #[test]
    fn daisy_pairs_odd_and_even_packets_into_16_channel_frames() {
        let bytes = stream(1, 1000, &[]);
        let mut dec = CytonDecoder::new(true);
        assert_eq!(dec.channels(), 16);
        let ev = run(&mut dec, &bytes);
        let f = frames(&ev);
        assert_eq!(f.len(), 500);
        for (k, frame) in f.iter().enumerate() {
            // Packet 2k (sample number odd) is channels 1-8, packet 2k+1 channels 9-16.
            let mut want: Vec<f32> = counts_for(2 * k).iter().map(|&c| uv(c)).collect();
            want.extend(counts_for(2 * k + 1).iter().map(|&c| uv(c)));
            assert_eq!(*frame, want.as_slice(), "frame {k}");
        }
        let c = dec.counters();
        assert_eq!(
            (c.packets, c.frames, c.lost_frames, c.dropped_packets),
            (1000, 500, 0, 0)
        );
        assert!(!ev.iter().any(|e| matches!(e, Ev::Lost(_))));
    }

    #[test]
    fn daisy_lone_even_packet_at_the_start_is_not_emitted() {
        let bytes = stream(0, 1000, &[]);
        let mut dec = CytonDecoder::new(true);
        let ev = run(&mut dec, &bytes);
        // Packets 0 (even, no partner) and 999 (odd, partner never sent) are lone halves.
        assert_eq!(frames(&ev).len(), 499);
        assert_eq!(dec.counters().lost_frames, 0);
    }

    #[test]
    fn daisy_dropped_even_packet_loses_exactly_one_frame() {
        // Sample numbers start at 1: packet i has U = i + 1, so packet 9 (U = 10) is frame 4's even half.
        let bytes = stream(1, 1000, &[9]);
        let mut dec = CytonDecoder::new(true);
        let ev = run(&mut dec, &bytes);
        assert_eq!(frames(&ev).len(), 499);
        let c = dec.counters();
        assert_eq!((c.dropped_packets, c.lost_frames), (1, 1));
        // Frames 0-3, then Lost(1), then frame 5.
        assert_eq!(ev[4], Ev::Lost(1));
        match &ev[5] {
            Ev::Frame(f) => assert_eq!(f[0], uv(counts_for(10)[0])),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn daisy_losses_across_the_wrap_count_frames() {
        // Drop an odd packet and, across the wrap (packet 254 has sample number 255), three in a row.
        let bytes = stream(1, 600, &[20, 253, 254, 255]);
        let mut dec = CytonDecoder::new(true);
        let ev = run(&mut dec, &bytes);
        let c = dec.counters();
        assert_eq!(c.dropped_packets, 4);
        // Frame 10 (packets 20, 21), frames 126 (252, 253) and 127 (254, 255).
        assert_eq!(c.lost_frames, 3);
        assert_eq!(frames(&ev).len(), 297);
        let losts: Vec<u64> = ev
            .iter()
            .filter_map(|e| match e {
                Ev::Lost(n) => Some(*n),
                Ev::Frame(_) => None,
            })
            .collect();
        assert_eq!(losts, vec![1, 2]);
    }

    #[test]
    fn pieces_of_any_size_give_the_same_output() {
        let clean = stream(250, 400, &[37, 38, 200]);
        let mut bytes = b"$$$ board text".to_vec();
        bytes.extend_from_slice(&clean[..3000]);
        bytes.extend_from_slice(&[0xA0, 0xC0, 0xA0, 7, 0xA0]);
        bytes.extend_from_slice(&clean[3005..9000]);
        bytes.extend_from_slice(&clean[9100..]);
        for daisy in [false, true] {
            let mut whole = CytonDecoder::new(daisy);
            let want = run(&mut whole, &bytes);
            assert!(frames(&want).len() > 100);
            let mut seed = 0x2545_F491_4F6C_DD1Du64;
            for max in [1usize, 2, 3, 7, 33, 34, 65, 66, 67, 200, 5000] {
                let mut dec = CytonDecoder::new(daisy);
                let mut got = Vec::new();
                let mut rest = bytes.as_slice();
                while !rest.is_empty() {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let n = (1 + (seed % max as u64) as usize).min(rest.len());
                    got.extend(run(&mut dec, &rest[..n]));
                    rest = &rest[n..];
                    assert!(dec.buffered() <= MAX_PENDING);
                }
                assert_eq!(got, want, "daisy {daisy}, pieces up to {max}");
                assert_eq!(dec.counters(), whole.counters());
                assert_eq!(dec.buffered(), whole.buffered());
            }
        }
    }
}
