//! Property tests over every protocol decoder: Innervate (learning the board from INFO, and told up front),
//! Cyton, Cyton + Daisy and Serial Plotter text. Two properties each: random bytes, and valid streams with
//! random corruption (bytes flipped, inserted, deleted) fed in random-size pieces.
//!
//! Asserted on every input: no panic; `counters().bytes` is the bytes fed; `buffered()` stays within the
//! decoder's bound after every piece; every frame has the decoder's channel count and finite values; the
//! `frames` and `lost_frames` counters match the events. For valid streams also: pieces give the same events
//! and counters as one feed, and an uncorrupted stream decodes to exactly the frames encoded.
//!
//! Run with `cargo test --test decoder_fuzz` (1,000,000 cases in all by default, split evenly over the
//! properties; about 30 s in the debug profile on 2 idle cores, 60 s of CPU). `INNERVATE_FUZZ_CASES=N cargo
//! test --test decoder_fuzz` runs N cases per property instead.

use innervate::protocol::cyton::{self, CytonDecoder};
use innervate::protocol::innervate::{self as inn, InnervateDecoder};
use innervate::protocol::plotter::{self, PlotterDecoder};
use innervate::protocol::{BoardInfo, DecodeCounters, Decoder, Event};
use proptest::collection::vec;
use proptest::prelude::*;

/// Properties in this file (the default case count is shared among them).
const PROPERTIES: u32 = 10;
/// Cases across all properties by default.
const TOTAL_CASES: u32 = 1_000_000;

/// Cases per property: `INNERVATE_FUZZ_CASES`, else an even share of [`TOTAL_CASES`].
fn config() -> ProptestConfig {
    let cases = std::env::var("INNERVATE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(TOTAL_CASES.div_ceil(PROPERTIES));
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Which decoder a property drives.
#[derive(Clone, Copy, Debug)]
enum Kind {
    InnervateNew,
    InnervateInfo,
    Cyton8,
    Daisy,
    Plotter,
}

/// What a decoder emitted, owned so two runs can be compared.
#[derive(Debug, PartialEq)]
enum Ev {
    Frame(Vec<f32>),
    Lost(u64),
    Other(String),
}

/// A decoder under test and what it promises.
struct Subject {
    dec: Box<dyn Decoder>,
    /// Largest `buffered()` allowed.
    bound: usize,
    /// Channels of every frame, when known before the first one.
    channels: Option<usize>,
}

fn subject(kind: Kind, info: &BoardInfo) -> Subject {
    match kind {
        Kind::InnervateNew => Subject {
            dec: Box::new(InnervateDecoder::new()),
            bound: cobs::max_encoding_length(inn::MAX_BODY),
            channels: None,
        },
        Kind::InnervateInfo => Subject {
            dec: Box::new(InnervateDecoder::with_info(info.clone())),
            bound: cobs::max_encoding_length(inn::MAX_BODY),
            channels: Some(info.channels),
        },
        Kind::Cyton8 => Subject {
            dec: Box::new(CytonDecoder::new(false)),
            bound: 66,
            channels: Some(8),
        },
        Kind::Daisy => Subject {
            dec: Box::new(CytonDecoder::new(true)),
            bound: 66,
            channels: Some(16),
        },
        Kind::Plotter => Subject {
            dec: Box::new(PlotterDecoder::new()),
            bound: 1024,
            channels: None,
        },
    }
}

/// Feeds `data` in pieces of the sizes in `pieces` (cycled; one piece if empty) and checks the invariants
/// that hold for any input. Returns the events and the final counters.
fn feed_checked(
    kind: Kind,
    info: &BoardInfo,
    data: &[u8],
    pieces: &[usize],
) -> Result<(Vec<Ev>, DecodeCounters), TestCaseError> {
    let Subject {
        mut dec,
        bound,
        mut channels,
    } = subject(kind, info);
    let mut events = Vec::new();
    let mut problem: Option<String> = None;
    let mut rest = data;
    let mut sizes = pieces.iter().copied().cycle();
    while !rest.is_empty() {
        let n = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
        dec.feed(&rest[..n], &mut |e| match e {
            Event::Frame(f) => {
                let want = *channels.get_or_insert(f.len());
                if f.len() != want || f.is_empty() || f.len() > 16 {
                    problem.get_or_insert(format!(
                        "{kind:?}: frame of {} channels, want {want}",
                        f.len()
                    ));
                }
                if f.iter().any(|v| !v.is_finite()) {
                    problem.get_or_insert(format!("{kind:?}: frame not finite: {f:?}"));
                }
                events.push(Ev::Frame(f.to_vec()));
            }
            Event::Lost(n) => events.push(Ev::Lost(n)),
            Event::Info(i) => {
                // A board that describes itself again changes the width from the next frame on.
                channels = Some(i.channels);
                events.push(Ev::Other(format!("{i:?}")));
            }
            other => events.push(Ev::Other(format!("{other:?}"))),
        });
        rest = &rest[n..];
        prop_assert!(
            dec.buffered() <= bound,
            "{kind:?}: buffered {} > {bound}",
            dec.buffered()
        );
    }
    if let Some(p) = problem {
        return Err(TestCaseError::fail(p));
    }
    let c = dec.counters();
    prop_assert_eq!(c.bytes, data.len() as u64);
    let frames = events.iter().filter(|e| matches!(e, Ev::Frame(_))).count() as u64;
    let lost: u64 = events
        .iter()
        .map(|e| if let Ev::Lost(n) = e { *n } else { 0 })
        .sum();
    prop_assert_eq!(c.frames, frames);
    prop_assert_eq!(c.lost_frames, lost);
    Ok((events, c))
}

/// A tiny deterministic generator for stream contents (proptest picks the seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*; a zero seed would stick at zero.
        if self.0 == 0 {
            self.0 = 0x9E37_79B9_7F4A_7C15;
        }
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Parameters of a valid stream, whatever the protocol.
#[derive(Clone, Debug)]
struct StreamSpec {
    /// Packets (Innervate DATA, Cyton packets) or lines.
    units: usize,
    /// Channels (Innervate, plotter).
    channels: usize,
    /// Frames per DATA message (Innervate).
    fpp: u8,
    /// Signed samples (Innervate), labels (plotter).
    flag: bool,
    seed: u64,
}

fn stream_spec(max_units: usize) -> impl Strategy<Value = StreamSpec> {
    (
        0..max_units,
        1usize..=16,
        1u8..=6,
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(units, channels, fpp, flag, seed)| StreamSpec {
            units,
            channels,
            fpp,
            flag,
            seed,
        })
}

/// The board an Innervate stream comes from.
fn board(spec: &StreamSpec) -> BoardInfo {
    let (format, adc_bits, zero_code) = if spec.flag {
        (inn::format::I16, 16, 0)
    } else {
        (inn::format::U16, 12, 2048)
    };
    BoardInfo {
        protocol_version: inn::VERSION,
        channels: spec.channels,
        sample_rate_hz: 1000,
        adc_bits,
        sample_format: format,
        vref_uv: 3_300_000,
        gain_milli: 200_000,
        zero_code,
        frames_per_packet: spec.fpp,
        board_name: "Fuzz board".into(),
        firmware_version: "1.0.0".into(),
        labels: (0..spec.channels).map(|c| format!("ch{c}")).collect(),
    }
}

/// A valid stream for `kind` and the frames it holds.
fn valid_stream(kind: Kind, spec: &StreamSpec) -> (Vec<u8>, Vec<Vec<f32>>) {
    let mut rng = Rng(spec.seed);
    let mut out = Vec::new();
    let mut frames = Vec::new();
    match kind {
        Kind::InnervateNew | Kind::InnervateInfo => {
            let info = board(spec);
            if matches!(kind, Kind::InnervateNew) {
                out.extend_from_slice(&inn::info(&info));
            }
            let seq0 = rng.next() as u32;
            let n = spec.channels * spec.fpp as usize;
            let mut codes = vec![0i32; n];
            for p in 0..spec.units {
                for c in codes.iter_mut() {
                    *c = if spec.flag {
                        rng.next() as i16 as i32
                    } else {
                        rng.below(4096) as i32
                    };
                }
                inn::data(
                    seq0.wrapping_add(p as u32),
                    spec.fpp,
                    &codes,
                    info.sample_format,
                    &mut out,
                );
                frames.extend(
                    codes
                        .chunks_exact(spec.channels)
                        .map(|f| f.iter().map(|&c| info.code_to_uv(c)).collect()),
                );
            }
        }
        Kind::Cyton8 | Kind::Daisy => {
            // Bytes that matter to the framing turn up inside the data often.
            const PALETTE: [u8; 6] = [0xA0, 0xC0, 0xC6, 0x00, 0xFF, 0x7F];
            let first = rng.next() as u8;
            let mut odd_half: Option<Vec<f32>> = None;
            for i in 0..spec.units {
                let counts: [i32; 8] = std::array::from_fn(|_| {
                    let mut b = [0u8; 3];
                    for x in &mut b {
                        *x = if rng.below(2) == 0 {
                            PALETTE[rng.below(6) as usize]
                        } else {
                            rng.next() as u8
                        };
                    }
                    i32::from_be_bytes([b[0], b[1], b[2], 0]) >> 8
                });
                let footer = 0xC0 + rng.below(7) as u8;
                let num = first.wrapping_add(i as u8);
                out.extend_from_slice(&cyton::encode_packet(num, &counts, footer));
                let scale = cyton::scale_uv_per_count(cyton::DEFAULT_GAIN);
                let uv: Vec<f32> = counts.iter().map(|&c| (c as f64 * scale) as f32).collect();
                if matches!(kind, Kind::Cyton8) {
                    frames.push(uv);
                } else {
                    // Packet i has U = first + i: an even U completes the pair started by the packet before.
                    let prev = odd_half.take();
                    if num % 2 == 1 {
                        odd_half = Some(uv);
                    } else if let Some(mut odd) = prev {
                        odd.extend(uv);
                        frames.push(odd);
                    }
                }
            }
            if spec.units < 2 {
                // The first packet is believed only once the next header follows it.
                frames.clear();
            }
        }
        Kind::Plotter => {
            const SEPARATORS: [&str; 5] = [" ", "\t", ",", ", ", " \t,"];
            for _ in 0..spec.units {
                let mut values = Vec::with_capacity(spec.channels);
                for c in 0..spec.channels {
                    if c > 0 {
                        out.extend_from_slice(SEPARATORS[rng.below(5) as usize].as_bytes());
                    }
                    let v = (rng.below(2_000_001) as i64 - 1_000_000) as f32 / 100.0;
                    let token = if spec.flag {
                        format!("ch{c}:{v}")
                    } else {
                        format!("{v}")
                    };
                    out.extend_from_slice(token.as_bytes());
                    values.push(v);
                }
                out.extend_from_slice(if rng.below(2) == 0 { b"\n" } else { b"\r\n" });
                frames.push(values);
            }
        }
    }
    (out, frames)
}

/// Flips, inserts or deletes bytes: `(kind, position, byte)`.
fn corrupt(data: &mut Vec<u8>, ops: &[(u8, usize, u8)]) {
    for &(kind, pos, byte) in ops {
        match kind % 3 {
            0 if !data.is_empty() => {
                let i = pos % data.len();
                data[i] ^= byte.max(1);
            }
            1 => data.insert(pos % (data.len() + 1), byte),
            2 if !data.is_empty() => {
                data.remove(pos % data.len());
            }
            _ => {}
        }
    }
}

/// Random bytes: only the invariants.
fn random_bytes(kind: Kind, data: &[u8], pieces: &[usize]) -> Result<(), TestCaseError> {
    let info = board(&StreamSpec {
        units: 0,
        channels: 8,
        fpp: 4,
        flag: false,
        seed: 0,
    });
    feed_checked(kind, &info, data, pieces)?;
    Ok(())
}

/// A valid stream, corrupted by `ops`, in pieces: invariants, pieces = one feed, and an intact stream
/// decodes exactly.
fn corrupted_stream(
    kind: Kind,
    spec: &StreamSpec,
    ops: &[(u8, usize, u8)],
    pieces: &[usize],
) -> Result<(), TestCaseError> {
    let info = board(spec);
    let (mut data, want) = valid_stream(kind, spec);
    corrupt(&mut data, ops);
    let (events, counters) = feed_checked(kind, &info, &data, pieces)?;
    let (whole, whole_counters) = feed_checked(kind, &info, &data, &[])?;
    prop_assert_eq!(&events, &whole, "{:?}: pieces differ from one feed", kind);
    prop_assert_eq!(counters, whole_counters);
    if ops.is_empty() {
        let got: Vec<&Vec<f32>> = events
            .iter()
            .filter_map(|e| if let Ev::Frame(f) = e { Some(f) } else { None })
            .collect();
        let want: Vec<&Vec<f32>> = want.iter().collect();
        prop_assert_eq!(got, want, "{:?}: intact stream", kind);
        prop_assert_eq!(
            (
                counters.crc_errors,
                counters.resyncs,
                counters.skipped_bytes
            ),
            (0, 0, 0)
        );
        prop_assert_eq!((counters.dropped_packets, counters.lost_frames), (0, 0));
    }
    Ok(())
}

/// Random bytes, 0 to 1023 of them. Drawn as u64 words: proptest's generic code runs unoptimised in a test
/// build, and one value per byte made it the slowest part of the run.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    (0usize..1024).prop_flat_map(|len| {
        vec(any::<u64>(), len.div_ceil(8)).prop_map(move |words| {
            let mut b = vec![0u8; len];
            for (chunk, w) in b.chunks_mut(8).zip(&words) {
                chunk.copy_from_slice(&w.to_le_bytes()[..chunk.len()]);
            }
            b
        })
    })
}

/// How random bytes are fed: mostly as drawn; one case in eight without the delimiters (0x00, `\n`) and
/// three times over, so lines and frames outgrow every decoder's bound.
fn stretch(data: Vec<u8>, shape: u8) -> Vec<u8> {
    if shape != 0 {
        return data;
    }
    let no_delimiters = data.iter().map(|&b| match b {
        0 => 1,
        b'\n' => b'x',
        b => b,
    });
    let once: Vec<u8> = no_delimiters.collect();
    once.repeat(3)
}

/// Piece sizes, cycled over the input (none: one piece).
fn pieces() -> impl Strategy<Value = Vec<usize>> {
    vec(1usize..200, 0..8)
}

/// Up to 5 corruptions for [`corrupt`].
fn ops() -> impl Strategy<Value = Vec<(u8, usize, u8)>> {
    vec((0u8..3, any::<usize>(), any::<u8>()), 0..6)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn innervate_new_random_bytes(data in bytes(), shape in 0u8..8, p in pieces()) {
        random_bytes(Kind::InnervateNew, &stretch(data, shape), &p)?;
    }

    #[test]
    fn innervate_with_info_random_bytes(data in bytes(), shape in 0u8..8, p in pieces()) {
        random_bytes(Kind::InnervateInfo, &stretch(data, shape), &p)?;
    }

    #[test]
    fn cyton_random_bytes(data in bytes(), shape in 0u8..8, p in pieces()) {
        random_bytes(Kind::Cyton8, &stretch(data, shape), &p)?;
    }

    #[test]
    fn cyton_daisy_random_bytes(data in bytes(), shape in 0u8..8, p in pieces()) {
        random_bytes(Kind::Daisy, &stretch(data, shape), &p)?;
    }

    #[test]
    fn plotter_random_bytes(data in bytes(), shape in 0u8..8, p in pieces()) {
        random_bytes(Kind::Plotter, &stretch(data, shape), &p)?;
    }

    #[test]
    fn innervate_new_corrupted_stream(spec in stream_spec(5), o in ops(), p in pieces()) {
        corrupted_stream(Kind::InnervateNew, &spec, &o, &p)?;
    }

    #[test]
    fn innervate_with_info_corrupted_stream(spec in stream_spec(5), o in ops(), p in pieces()) {
        corrupted_stream(Kind::InnervateInfo, &spec, &o, &p)?;
    }

    #[test]
    fn cyton_corrupted_stream(spec in stream_spec(24), o in ops(), p in pieces()) {
        corrupted_stream(Kind::Cyton8, &spec, &o, &p)?;
    }

    #[test]
    fn cyton_daisy_corrupted_stream(spec in stream_spec(24), o in ops(), p in pieces()) {
        corrupted_stream(Kind::Daisy, &spec, &o, &p)?;
    }

    #[test]
    fn plotter_corrupted_stream(spec in stream_spec(8), o in ops(), p in pieces()) {
        corrupted_stream(Kind::Plotter, &spec, &o, &p)?;
    }
}

#[test]
fn default_case_count_reaches_a_million() {
    assert!(TOTAL_CASES.div_ceil(PROPERTIES) * PROPERTIES >= 1_000_000);
    // The plotter's bound is its line limit.
    assert_eq!(plotter::MAX_LINE, 1024);
    assert_eq!(cyton::MAX_PENDING, 66);
}
