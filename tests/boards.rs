//! The vendor boards (Upside Down Labs Chords, PLUX BITalino, Backyard Brains SpikerBox) end to end:
//!
//! - the hex vectors of an independent Python encoder (`scripts/board_vectors.py`) decode exactly, and the
//!   docs pages carry the same vectors;
//! - every decoder survives random and damaged input (no panic, bounded memory, counters that match the
//!   events; pieces decode as one feed; an intact stream decodes exactly): a few thousand cases per protocol
//!   here, a million in `cargo test --test boards -- --ignored a_million`;
//! - a virtual board on a pseudo-terminal with garbage, drops, damage and an unplug records exactly what the
//!   board sent, except the losses, each of which the protocol can see is a marked gap (a few seconds of
//!   signal here; 60 s in `cargo test --test boards -- --ignored sixty_seconds`);
//! - auto-detection finds each board after the probes meant for the others.

mod common;

use innervate::protocol::bitalino::{self, BitalinoDecoder};
use innervate::protocol::chords::{self, ChordsDecoder, ChordsScale};
use innervate::protocol::spikerbox::{self, SpikerBoxDecoder};
use innervate::protocol::{DecodeCounters, Decoder, Event, Protocol};
use innervate::session::Sidecar;
use innervate::source::serial::{ProtocolChoice, SerialConfig, SerialSource};
use innervate::source::virtual_board::{Faults, VirtualBoard, VirtualBoardConfig};
use innervate::stats::LinkStats;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// One streaming test at a time (a 2-core machine shared with others).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial_lock() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

// ------------------------------------------------------------------------------------------------ decoders

/// A decoder for `protocol` as the vectors and properties configure it, and its memory bound.
fn decoder(protocol: &str, config: &Value) -> (Box<dyn Decoder>, usize) {
    match protocol {
        "chords" => {
            let board = chords::board_by_name(config["board"].as_str().unwrap()).unwrap();
            let gain = config["gain"].as_f64().unwrap();
            (
                Box::new(ChordsDecoder::new(
                    board.channels,
                    ChordsScale::of(board, gain),
                )),
                chords::MAX_PENDING,
            )
        }
        "bitalino" => (
            Box::new(BitalinoDecoder::new(
                config["channels"].as_u64().unwrap() as usize
            )),
            bitalino::MAX_PENDING,
        ),
        "spikerbox" => (
            Box::new(SpikerBoxDecoder::new(
                config["channels"].as_u64().unwrap() as usize,
                config["bits"].as_u64().unwrap() as u8,
                config["uv_per_count"].as_f64().unwrap(),
            )),
            8 + 32 + spikerbox::MAX_MESSAGE,
        ),
        other => panic!("unknown protocol {other}"),
    }
}

/// What a decoder emitted, owned.
#[derive(Debug, PartialEq)]
enum Ev {
    Frame(Vec<f32>),
    Lost(u64),
    Marker(u32),
    Other(String),
}

/// Feeds `data` in pieces of the sizes in `pieces` (cycled; one piece if empty), checking the invariants
/// any input must keep. Returns the events and counters.
fn feed_checked(
    dec: &mut dyn Decoder,
    bound: usize,
    data: &[u8],
    pieces: &[usize],
) -> (Vec<Ev>, DecodeCounters) {
    let mut events = Vec::new();
    let mut width = None;
    let mut rest = data;
    let mut sizes = pieces.iter().copied().cycle();
    while !rest.is_empty() {
        let n = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
        dec.feed(&rest[..n], &mut |e| match e {
            Event::Frame(f) => {
                assert!(!f.is_empty() && f.len() <= 16);
                assert_eq!(*width.get_or_insert(f.len()), f.len(), "frame width");
                assert!(f.iter().all(|v| v.is_finite()), "{f:?}");
                events.push(Ev::Frame(f.to_vec()));
            }
            Event::Lost(n) => events.push(Ev::Lost(n)),
            Event::BoardEvent(c) => events.push(Ev::Marker(c)),
            other => events.push(Ev::Other(format!("{other:?}"))),
        });
        rest = &rest[n..];
        assert!(
            dec.buffered() <= bound,
            "buffered {} > {bound}",
            dec.buffered()
        );
    }
    let c = dec.counters();
    assert_eq!(c.bytes, data.len() as u64);
    let frames = events.iter().filter(|e| matches!(e, Ev::Frame(_))).count() as u64;
    let lost: u64 = events
        .iter()
        .map(|e| if let Ev::Lost(n) = e { *n } else { 0 })
        .sum();
    assert_eq!((c.frames, c.lost_frames), (frames, lost));
    (events, c)
}

// ------------------------------------------------------------------------------------------------ vectors

/// The vectors of the independent Python encoder.
fn python_vectors() -> Vec<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/board_vectors.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .output()
        .expect("python3 is needed for the independent encoder (Debian: apt-get install python3)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .flat_map(|w| {
            (0..w.len())
                .step_by(2)
                .map(move |i| u8::from_str_radix(&w[i..i + 2], 16).unwrap())
        })
        .collect()
}

#[test]
fn the_independent_python_vectors_decode_exactly() {
    let vectors = python_vectors();
    for p in ["chords", "bitalino", "spikerbox"] {
        assert!(
            vectors.iter().filter(|v| v["protocol"] == p).count() >= 2,
            "{p}"
        );
    }
    for v in &vectors {
        let name = v["name"].as_str().unwrap();
        let (mut dec, bound) = decoder(v["protocol"].as_str().unwrap(), &v["config"]);
        let bytes = hex(v["hex"].as_str().unwrap());
        let (events, counters) = feed_checked(dec.as_mut(), bound, &bytes, &[]);
        let want: Vec<Ev> = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| match e[0].as_str().unwrap() {
                "frame" => Ev::Frame(
                    e[1].as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_f64().unwrap() as f32)
                        .collect(),
                ),
                "lost" => Ev::Lost(e[1].as_u64().unwrap()),
                "marker" => Ev::Marker(e[1].as_u64().unwrap() as u32),
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(events, want, "{name}");
        assert_eq!(counters.crc_errors, 0, "{name}");
        // Byte by byte gives the same.
        let (mut dec, bound) = decoder(v["protocol"].as_str().unwrap(), &v["config"]);
        let (one_by_one, _) = feed_checked(dec.as_mut(), bound, &bytes, &[1]);
        assert_eq!(one_by_one, want, "{name} byte by byte");
    }
}

#[test]
fn every_docs_page_carries_its_protocols_python_vectors() {
    let vectors = python_vectors();
    for (protocol, page) in [
        ("chords", "chords.md"),
        ("bitalino", "bitalino.md"),
        ("spikerbox", "spikerbox.md"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/boards")
            .join(page);
        let doc = std::fs::read_to_string(&path).unwrap();
        for v in vectors.iter().filter(|v| v["protocol"] == protocol) {
            let name = v["name"].as_str().unwrap();
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| {name} |")))
                .unwrap_or_else(|| panic!("{page} has no row {name}"));
            let cell = row.split('|').nth(2).unwrap().trim().trim_matches('`');
            assert_eq!(hex(cell), hex(v["hex"].as_str().unwrap()), "{page}: {name}");
        }
    }
}

// ------------------------------------------------------------------------------------------------ properties

/// xorshift64*, seeded per case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A valid stream of `units` packets for `protocol`, the frames it holds (as a correct decoder emits them)
/// and the decoder's settings.
fn valid_stream(protocol: &str, rng: &mut Rng, units: usize) -> (Vec<u8>, Vec<Vec<f32>>, Value) {
    let mut out = Vec::new();
    let mut frames = Vec::new();
    match protocol {
        "chords" => {
            let board = &chords::BOARDS[rng.below(chords::BOARDS.len() as u64) as usize];
            let scale = ChordsScale::of(board, 1000.0);
            let first = rng.next() as u8;
            for k in 0..units {
                // Bytes that matter to the framing turn up in the data often.
                let codes: Vec<u16> = (0..board.channels)
                    .map(|_| match rng.below(4) {
                        0 => 0xC77C,
                        1 => 0x0101,
                        _ => rng.below(1 << board.bits) as u16,
                    })
                    .collect();
                chords::encode_packet(first.wrapping_add(k as u8), &codes, &mut out);
                frames.push(codes.iter().map(|&c| scale.code_to_uv(c)).collect());
            }
            if units < 2 {
                frames.clear(); // a first packet waits for the next to agree
            }
            let cfg = serde_json::json!({"board": board.id, "gain": 1000.0});
            (out, frames, cfg)
        }
        "bitalino" => {
            let n = 1 + rng.below(6) as usize;
            let first = rng.next() as u8;
            for k in 0..units {
                let codes: Vec<u16> = (0..n)
                    .map(|i| rng.below(1 << bitalino::channel_bits(i)) as u16)
                    .collect();
                bitalino::encode_frame(
                    first.wrapping_add(k as u8),
                    &codes,
                    rng.next() as u8,
                    &mut out,
                );
                frames.push(
                    codes
                        .iter()
                        .enumerate()
                        .map(|(i, &c)| bitalino::emg_uv(c, bitalino::channel_bits(i)))
                        .collect(),
                );
            }
            // Searching, the third of five consecutive frames is the first believed; every frame then
            // needs two after it.
            frames = if units >= 5 {
                frames[2..units - 2].to_vec()
            } else {
                Vec::new()
            };
            (out, frames, serde_json::json!({"channels": n}))
        }
        "spikerbox" => {
            let n = 1 + rng.below(4) as usize;
            let bits = if rng.below(2) == 0 { 10 } else { 14 };
            let zero = (1u32 << (bits - 1)) as f32;
            let mut message_last = false;
            for _ in 0..units {
                let s: Vec<u16> = (0..n).map(|_| rng.below(1 << bits) as u16).collect();
                spikerbox::encode_frame(&s, &mut out);
                frames.push(s.iter().map(|&v| v as f32 - zero).collect());
                message_last = rng.below(8) == 0;
                if message_last {
                    spikerbox::encode_message(&format!("EVNT:{};", rng.below(10)), &mut out);
                }
            }
            if !message_last {
                frames.pop(); // the last frame waits for the next start
            }
            let cfg = serde_json::json!({"channels": n, "bits": bits, "uv_per_count": 1.0});
            (out, frames, cfg)
        }
        other => panic!("{other}"),
    }
}

/// Flips, inserts or deletes a few bytes.
fn damage(data: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(5) {
        match rng.below(3) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len() as u64) as usize;
                data[i] ^= (rng.next() as u8).max(1);
            }
            1 => {
                let i = rng.below(data.len() as u64 + 1) as usize;
                data.insert(i, rng.next() as u8);
            }
            _ if !data.is_empty() => {
                let i = rng.below(data.len() as u64) as usize;
                data.remove(i);
            }
            _ => {}
        }
    }
}

fn pieces(rng: &mut Rng) -> Vec<usize> {
    (0..rng.below(8))
        .map(|_| 1 + rng.below(200) as usize)
        .collect()
}

/// `cases` random inputs and `cases` damaged valid streams for `protocol`.
fn properties(protocol: &str, cases: u64, seed: u64) {
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
        // Random bytes, with the framing's bytes more likely than chance.
        let (_, _, cfg) = valid_stream(protocol, &mut rng, 0);
        let len = rng.below(1024) as usize;
        let palette = [0xC7, 0x7C, 0x01, 0xFF, 0x80, 0x00];
        let data: Vec<u8> = (0..len)
            .map(|_| {
                if rng.below(4) == 0 {
                    palette[rng.below(6) as usize]
                } else {
                    rng.next() as u8
                }
            })
            .collect();
        let (mut dec, bound) = decoder(protocol, &cfg);
        let p = pieces(&mut rng);
        feed_checked(dec.as_mut(), bound, &data, &p);

        // A valid stream, damaged or not, in pieces and whole.
        let units = rng.below(24) as usize;
        let (mut data, want, cfg) = valid_stream(protocol, &mut rng, units);
        let intact = rng.below(4) == 0;
        if !intact {
            damage(&mut data, &mut rng);
        }
        let p = pieces(&mut rng);
        let (mut dec, bound) = decoder(protocol, &cfg);
        let (events, counters) = feed_checked(dec.as_mut(), bound, &data, &p);
        let (mut dec, bound) = decoder(protocol, &cfg);
        let (whole, whole_counters) = feed_checked(dec.as_mut(), bound, &data, &[]);
        assert_eq!(events, whole, "{protocol} case {case}: pieces differ");
        assert_eq!(counters, whole_counters);
        if intact {
            let got: Vec<&Vec<f32>> = events
                .iter()
                .filter_map(|e| if let Ev::Frame(f) = e { Some(f) } else { None })
                .collect();
            let want: Vec<&Vec<f32>> = want.iter().collect();
            assert_eq!(got, want, "{protocol} case {case}: intact stream");
            assert_eq!(
                (counters.crc_errors, counters.lost_frames, counters.resyncs),
                (0, 0, 0),
                "{protocol} case {case}"
            );
        }
    }
}

/// Cases per property in the default run (about a second each in the debug build).
const QUICK_CASES: u64 = 4000;

#[test]
fn chords_decoder_survives_random_and_damaged_input() {
    properties("chords", QUICK_CASES, 1);
}

#[test]
fn bitalino_decoder_survives_random_and_damaged_input() {
    properties("bitalino", QUICK_CASES, 2);
}

#[test]
fn spikerbox_decoder_survives_random_and_damaged_input() {
    properties("spikerbox", QUICK_CASES, 3);
}

#[test]
#[ignore = "long: a million random and a million damaged inputs per protocol; run with `cargo test --test boards -- --ignored a_million`"]
fn a_million_random_and_damaged_inputs_per_protocol() {
    std::thread::scope(|s| {
        for (i, p) in ["chords", "bitalino", "spikerbox"].into_iter().enumerate() {
            s.spawn(move || properties(p, 1_000_000, 100 + i as u64));
        }
    });
}

// ------------------------------------------------------------------------------------------------ pty

/// A virtual board to run through the serial path.
struct PtyCase {
    protocol: Protocol,
    channels: usize,
    rate: u32,
    /// Time factor of the board's signal.
    speed: f64,
    faults: Faults,
    /// Seconds of signal to record.
    seconds: f64,
    /// Pull the cable this long after the recording starts, for this long (wall clock).
    unplug: Option<(f64, f64)>,
}

struct PtyRun {
    samples: Vec<f32>,
    sidecar: Sidecar,
    stats: std::sync::Arc<LinkStats>,
    board: VirtualBoard,
}

/// Starts the board, connects with its protocol forced, records, and reads the recording back.
fn run_pty(case: &PtyCase, dir: &Path) -> PtyRun {
    let link = dir.join("board");
    let board = VirtualBoard::start(VirtualBoardConfig {
        protocol: case.protocol,
        channels: case.channels,
        rate_hz: case.rate,
        seed: 7,
        speed: case.speed,
        faults: case.faults,
        link: Some(link.clone()),
        stamp_packets: false,
    })
    .unwrap();
    let mut config = SerialConfig::new(link.to_string_lossy());
    config.protocol = ProtocolChoice::Fixed(case.protocol);
    config.channels = Some(case.channels);
    if case.protocol == Protocol::Bitalino {
        config.rate_hz = Some(case.rate);
    }
    let source = SerialSource::connect(config).unwrap();
    assert_eq!(source.info().channels(), case.channels);
    assert_eq!(source.info().sample_rate, case.rate as f64);
    let frames = (case.seconds * case.rate as f64) as u64;
    let limit = Duration::from_secs_f64(case.seconds / case.speed * 4.0 + 30.0);
    let recording = common::record_serial(source, frames, dir, limit, || {
        if let Some((after, away)) = case.unplug {
            std::thread::sleep(Duration::from_secs_f64(after));
            board.unplug();
            std::thread::sleep(Duration::from_secs_f64(away));
            board.replug();
        }
    });
    let common::SerialRecording {
        samples,
        channels,
        sidecar,
        stats,
    } = recording;
    assert_eq!(channels, case.channels);
    assert_eq!(
        samples.len() as u64,
        frames * channels as u64,
        "frames recorded"
    );
    PtyRun {
        samples,
        sidecar,
        stats,
        board,
    }
}

/// Splits the recording at its gaps and checks each stretch, whole and unchanged, against the board's
/// signal: after a gap of known length (a counted loss) exactly that many frames on; at the start and after
/// the reconnection (a gap measured in time, not counted) wherever the following stretches fit (a board may
/// restart its signal when it is set up again). Returns the frames lost at gaps of known length.
fn stretches_are_what_the_board_sent(case: &PtyCase, run: &PtyRun) -> u64 {
    let c = case.channels;
    let total = run.samples.len() / c;
    let signal_frames = total * 3 + 4 * case.rate as usize;
    let want = common::board_signal(case.protocol, c, case.rate, signal_frames);
    // (first WAV frame, frames, frames missing before it, whether that count is exact)
    let mut stretches = Vec::new();
    let mut wav_at = 0;
    let mut before = (0u64, false);
    for g in &run.sidecar.gaps {
        let end = g.wav_frame as usize;
        if end > wav_at {
            stretches.push((wav_at, end - wav_at, before.0, before.1));
            before = (0, true);
        }
        // The reconnection's gap is the only long one: its length is time, not a count.
        let exact = (g.missing as f64) < case.rate as f64 * 0.2;
        before = (before.0 + g.missing, before.1 && exact);
        wav_at = end;
    }
    if total > wav_at {
        stretches.push((wav_at, total - wav_at, before.0, before.1));
    }
    let matches = |j: usize, at: usize| {
        let (w, n, _, _) = stretches[j];
        at + n <= signal_frames && run.samples[w * c..(w + n) * c] == want[at * c..(at + n) * c]
    };
    // Stretch `i` at `at`, and the ones after it joined by exact gaps (the first 2000 frames of them).
    let fits = |i: usize, at: usize| {
        let mut q = at;
        let mut checked = 0;
        for (j, &(_, n, missing, exact)) in stretches.iter().enumerate().skip(i) {
            if j > i {
                if !exact || checked > 2000 {
                    break;
                }
                q += missing as usize;
            }
            if !matches(j, q) {
                return false;
            }
            checked += n;
            q += n;
        }
        true
    };
    let mut cursor = 0;
    let mut exact_missing = 0;
    for (i, &(w, n, missing, exact)) in stretches.iter().enumerate() {
        let at = if i > 0 && exact {
            exact_missing += missing;
            cursor + missing as usize
        } else {
            (0..signal_frames)
                .find(|&at| fits(i, at))
                .unwrap_or_else(|| {
                    // Where the chain breaks, for the message.
                    let mut report = String::new();
                    for at in (0..signal_frames).filter(|&at| matches(i, at)).take(3) {
                        let mut q = at;
                        for (j, &(w, n, missing, _)) in stretches.iter().enumerate().skip(i) {
                            if j > i {
                                q += missing as usize;
                            }
                            if !matches(j, q) {
                                let near = (q.saturating_sub(40)..q + 40).find(|&k| matches(j, k));
                                let first = (0..n).find(|&k| {
                                    run.samples[(w + k) * c..(w + k + 1) * c]
                                        != want[(q + k) * c..(q + k + 1) * c]
                                });
                                report += &format!(
                                    " [from board frame {at}: stretch {j} (WAV {w}, {n} frames, {missing} missing \
                                     before) does not match at board frame {q} (first differing frame {first:?}; \
                                     it matches at {near:?})]"
                                );
                                break;
                            }
                            q += n;
                        }
                    }
                    panic!(
                        "{:?}: the recording from WAV frame {w} fits nowhere in what the board sent:{report}; {}",
                        case.protocol,
                        counters(&run.stats)
                    )
                })
        };
        if !matches(i, at) {
            let k = (0..n)
                .find(|&k| {
                    run.samples[(w + k) * c..(w + k + 1) * c]
                        != want[(at + k) * c..(at + k + 1) * c]
                })
                .unwrap_or(0);
            let near: Vec<_> = run
                .sidecar
                .gaps
                .iter()
                .filter(|g| (g.wav_frame as usize).abs_diff(w) < 40)
                .collect();
            panic!(
                "{:?}: WAV frame {} is not the board's frame {} after a gap of {missing}: an unmarked loss or \
                 a frame the board never sent; gaps near: {near:?}; {}",
                case.protocol,
                w + k,
                at + k,
                counters(&run.stats)
            );
        }
        cursor = at + n;
    }
    exact_missing
}

fn counters(s: &LinkStats) -> String {
    format!(
        "packets dropped {}, crc errors {}, resyncs {}, reconnects {}, ring overflows {}",
        LinkStats::get(&s.packets_dropped),
        LinkStats::get(&s.crc_errors),
        LinkStats::get(&s.resyncs),
        LinkStats::get(&s.reconnects),
        LinkStats::get(&s.ring_overflows)
    )
}

/// The checks every protocol's run must pass; what the link health counted is returned for the
/// protocol's own checks.
fn check_faulty_run(case: &PtyCase, dir: &Path) -> PtyRun {
    let run = run_pty(case, dir);
    let exact_missing = stretches_are_what_the_board_sent(case, &run);
    let b = run.board.counters();
    let s = &run.stats;
    assert_eq!(LinkStats::get(&s.ring_overflows), 0);
    if case.unplug.is_some() {
        assert_eq!(LinkStats::get(&s.reconnects), 1, "{}", counters(s));
        assert!(
            run.sidecar
                .gaps
                .iter()
                .any(|g| g.missing as f64 > case.rate as f64 * 0.2),
            "the time away is a marked gap: {:?}",
            run.sidecar.gaps
        );
    }
    // Losses at gaps of known length happened only where the board lost or damaged packets, or garbage
    // broke the framing: never more than those.
    let made = b.packets_sent.load(Ordering::Relaxed) + b.packets_dropped.load(Ordering::Relaxed);
    let bursts = made.checked_div(case.faults.garbage_every).unwrap_or(0);
    // A burst of garbage may cost frames around it too (a BITalino loses the two before it and the two
    // after it, more when a drop or damage falls among those: docs/boards/bitalino.md): six a burst.
    let injected = b.frames_dropped.load(Ordering::Relaxed)
        + b.frames_corrupted.load(Ordering::Relaxed)
        + 6 * bursts;
    assert!(
        exact_missing <= injected,
        "{:?}: {exact_missing} frames missing at marked gaps, {injected} lost or broken on purpose",
        case.protocol
    );
    if case.faults.corrupt_every > 0 {
        assert!(LinkStats::get(&s.crc_errors) > 0, "damage counted");
        assert!(exact_missing > 0, "damage is a marked gap");
    }
    if case.faults.garbage_every > 0 {
        assert!(LinkStats::get(&s.resyncs) > 0, "garbage needed resyncs");
    }
    run
}

fn chords_case(seconds: f64) -> PtyCase {
    PtyCase {
        protocol: Protocol::Chords,
        channels: 6,
        rate: 500,
        speed: 4.0,
        faults: Faults {
            garbage_every: 7,
            drop_every: 53,
            corrupt_every: 101,
        },
        seconds,
        unplug: Some((1.5, 1.0)),
    }
}

fn bitalino_case(seconds: f64) -> PtyCase {
    PtyCase {
        protocol: Protocol::Bitalino,
        channels: 3,
        rate: 1000,
        speed: 4.0,
        faults: Faults {
            garbage_every: 23,
            drop_every: 53,
            corrupt_every: 101,
        },
        seconds,
        unplug: Some((1.5, 1.0)),
    }
}

fn spikerbox_case(seconds: f64) -> PtyCase {
    PtyCase {
        protocol: Protocol::SpikerBox,
        // Three channels: the board damages only packets longer than 4 bytes.
        channels: 3,
        rate: 5000,
        speed: 2.0,
        // No counter: a drop cannot be seen, and garbage passes as frames (docs/boards/spikerbox.md).
        faults: Faults {
            garbage_every: 0,
            drop_every: 0,
            corrupt_every: 997,
        },
        seconds,
        unplug: Some((1.5, 1.0)),
    }
}

#[test]
fn chords_through_a_pty_with_garbage_drops_damage_and_an_unplug() {
    let _one = serial_lock();
    let dir = tempfile::tempdir().unwrap();
    let run = check_faulty_run(&chords_case(20.0), dir.path());
    assert!(
        LinkStats::get(&run.stats.packets_dropped) > 0,
        "drops counted"
    );
}

#[test]
fn bitalino_through_a_pty_with_garbage_drops_damage_and_an_unplug() {
    let _one = serial_lock();
    let dir = tempfile::tempdir().unwrap();
    let run = check_faulty_run(&bitalino_case(20.0), dir.path());
    assert!(
        LinkStats::get(&run.stats.packets_dropped) > 0,
        "drops counted"
    );
}

#[test]
fn spikerbox_through_a_pty_with_damage_an_unplug_and_events_as_markers() {
    let _one = serial_lock();
    let dir = tempfile::tempdir().unwrap();
    let run = check_faulty_run(&spikerbox_case(12.0), dir.path());
    // An event every 10,000 frames (2 s at 5 kHz): each is a marker where the board sent it.
    let marks: Vec<_> = run
        .sidecar
        .markers
        .iter()
        .filter(|m| m.text.starts_with("board event"))
        .collect();
    assert!(marks.len() >= 4, "{:?}", run.sidecar.markers);
}

#[test]
#[ignore = "long: 60 s of signal per protocol; run with `cargo test --test boards -- --ignored sixty_seconds`"]
fn sixty_seconds_per_protocol_through_a_pty_with_every_fault() {
    let _one = serial_lock();
    for case in [chords_case(60.0), bitalino_case(60.0), spikerbox_case(60.0)] {
        let dir = tempfile::tempdir().unwrap();
        check_faulty_run(&case, dir.path());
    }
}

#[test]
fn a_bitalino_below_100_hz_is_refused_for_emg_with_the_reason() {
    let _one = serial_lock();
    let board = VirtualBoard::start(VirtualBoardConfig {
        protocol: Protocol::Bitalino,
        channels: 1,
        rate_hz: 1000,
        ..VirtualBoardConfig::default()
    })
    .unwrap();
    let mut config = SerialConfig::new(board.pty_path().to_string_lossy());
    config.protocol = ProtocolChoice::Fixed(Protocol::Bitalino);
    config.rate_hz = Some(10);
    let err = SerialSource::connect(config).err().unwrap().to_string();
    assert!(err.contains("10 Hz cannot carry EMG"), "{err}");
    assert!(err.contains("100 Hz"), "{err}");
}

#[test]
fn auto_detection_finds_each_vendor_board_after_the_other_probes() {
    let _one = serial_lock();
    for (protocol, channels, rate) in [
        (Protocol::Bitalino, 1, 1000),
        (Protocol::Chords, 6, 250),
        (Protocol::SpikerBox, 2, 5000),
    ] {
        let board = VirtualBoard::start(VirtualBoardConfig {
            protocol,
            channels,
            rate_hz: rate,
            ..VirtualBoardConfig::default()
        })
        .unwrap();
        let config = SerialConfig::new(board.pty_path().to_string_lossy());
        let source = SerialSource::connect(config).unwrap();
        assert_eq!(source.protocol(), protocol);
        assert_eq!(source.info().channels(), channels);
        assert_eq!(source.info().sample_rate, rate as f64);
    }
}
