//! Throughput of the protocol decoders, bytes per second, on about 4 MB of valid stream each: Innervate DATA
//! (16 channels, 20 frames per message), Cyton (8 channels), Cyton + Daisy (16), Serial Plotter text (8
//! values per line), Chords (6 channels, an Uno R4), BITalino (6 channels), SpikerBox (2 channels, 14 bits,
//! an event message every 1000 frames).
//!
//! Baseline in the same run: summing every byte of the Innervate stream, so each figure can be read as a
//! ratio to what the machine does with the bytes and no decoding at all (shared machines are noisy).
//! `innervate_garbage` is the worst case of the Innervate decoder's salvage: 1 KB frames of random non-zero
//! bytes, each tried from every start (a smaller buffer: it is slow by design).
//!
//! `cargo bench --bench decoders -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use innervate::protocol::bitalino::{self, BitalinoDecoder};
use innervate::protocol::chords::{self, ChordsDecoder, ChordsScale};
use innervate::protocol::cyton::{self, CytonDecoder};
use innervate::protocol::innervate::{self as inn, InnervateDecoder};
use innervate::protocol::plotter::PlotterDecoder;
use innervate::protocol::spikerbox::{self, SpikerBoxDecoder};
use innervate::protocol::{BoardInfo, Decoder, Event};
use std::hint::black_box;

/// Bytes of stream per benchmark.
const TARGET: usize = 4 << 20;

/// Deterministic noise for sample values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn board() -> BoardInfo {
    BoardInfo {
        protocol_version: inn::VERSION,
        channels: 16,
        sample_rate_hz: 2000,
        adc_bits: 12,
        sample_format: inn::format::U16,
        vref_uv: 3_300_000,
        gain_milli: 200_000,
        zero_code: 2048,
        frames_per_packet: 20,
        board_name: "Bench board".into(),
        firmware_version: "1.0.0".into(),
        labels: vec![String::new(); 16],
    }
}

/// INFO, then DATA messages up to [`TARGET`] bytes; and the frames they hold.
fn innervate_stream(info: &BoardInfo) -> (Vec<u8>, u64) {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let mut out = inn::info(info);
    let mut codes = vec![0i32; info.channels * info.frames_per_packet as usize];
    let mut seq = 0u32;
    while out.len() < TARGET {
        for c in codes.iter_mut() {
            *c = 2048 + (rng.next() % 801) as i32 - 400;
        }
        inn::data(
            seq,
            info.frames_per_packet,
            &codes,
            info.sample_format,
            &mut out,
        );
        seq += 1;
    }
    (out, seq as u64 * info.frames_per_packet as u64)
}

fn cyton_stream() -> Vec<u8> {
    let mut rng = Rng(0x0DDB_1A5E_5BAD_5EED);
    let mut out = Vec::with_capacity(TARGET + 33);
    let mut num = 0u8;
    while out.len() < TARGET {
        let counts: [i32; 8] = std::array::from_fn(|_| (rng.next() % 200_001) as i32 - 100_000);
        out.extend_from_slice(&cyton::encode_packet(num, &counts, 0xC0));
        num = num.wrapping_add(1);
    }
    out
}

fn plotter_stream() -> Vec<u8> {
    use std::fmt::Write;
    let mut rng = Rng(0xFEED_FACE_CAFE_BEEF);
    let mut out = String::with_capacity(TARGET + 100);
    while out.len() < TARGET {
        for c in 0..8 {
            let v = (rng.next() % 100_001) as f64 / 100.0 - 500.0;
            let sep = if c == 7 { "\r\n" } else { " " };
            let _ = write!(out, "{v:.2}{sep}");
        }
    }
    out.into_bytes()
}

/// Chords packets of an Uno R4 (6 channels, 14 bits) and the board.
fn chords_stream() -> (Vec<u8>, &'static chords::ChordsBoard) {
    let board = chords::board_by_name("UNO-R4").unwrap();
    let mut rng = Rng(0xC40D_5C40_D5C4_0D51);
    let mut out = Vec::with_capacity(TARGET + 32);
    let mut counter = 0u8;
    let mut codes = [0u16; 6];
    while out.len() < TARGET {
        for c in codes.iter_mut() {
            *c = 8192 + (rng.next() % 2001) as u16 - 1000;
        }
        chords::encode_packet(counter, &codes, &mut out);
        counter = counter.wrapping_add(1);
    }
    (out, board)
}

/// BITalino frames of 6 channels.
fn bitalino_stream() -> Vec<u8> {
    let mut rng = Rng(0xB17A_11E0_B17A_11E0);
    let mut out = Vec::with_capacity(TARGET + 8);
    let mut seq = 0u8;
    let mut codes = [0u16; 6];
    while out.len() < TARGET {
        for (i, c) in codes.iter_mut().enumerate() {
            *c = (rng.next() % (1 << bitalino::channel_bits(i))) as u16;
        }
        bitalino::encode_frame(seq, &codes, 0, &mut out);
        seq = (seq + 1) & 0x0F;
    }
    out
}

/// SpikerBox frames of 2 channels at 14 bits, an event every 1000 frames.
fn spikerbox_stream() -> Vec<u8> {
    let mut rng = Rng(0x5B1C_E4B0_5B1C_E4B0);
    let mut out = Vec::with_capacity(TARGET + 32);
    let mut k = 0u32;
    while out.len() < TARGET {
        let s = [(rng.next() % 16384) as u16, (rng.next() % 16384) as u16];
        spikerbox::encode_frame(&s, &mut out);
        k += 1;
        if k.is_multiple_of(1000) {
            spikerbox::encode_message("EVNT:1;", &mut out);
        }
    }
    out
}

/// 1 KB frames of random non-zero bytes: every one fails its CRC and is salvaged from every start.
fn garbage_stream() -> Vec<u8> {
    let mut rng = Rng(0xBAD0_BAD0_BAD0_BAD1);
    let mut out = Vec::new();
    while out.len() < 256 << 10 {
        out.extend((0..1000).map(|_| (rng.next() % 255) as u8 + 1));
        out.push(0);
    }
    out
}

/// Feeds all of `bytes` to a fresh decoder in 4 KB pieces (a serial read's size); returns a checksum of
/// the frames so nothing is optimised away.
fn decode(mut dec: impl Decoder, bytes: &[u8]) -> (u64, f32) {
    let mut frames = 0u64;
    let mut acc = 0.0f32;
    for piece in bytes.chunks(4096) {
        dec.feed(black_box(piece), &mut |e| {
            if let Event::Frame(f) = e {
                frames += 1;
                acc += f[0];
            }
        });
    }
    (frames, acc)
}

fn bench(c: &mut Criterion) {
    let info = board();
    let (innervate, innervate_frames) = innervate_stream(&info);
    let cyton = cyton_stream();
    let plotter = plotter_stream();
    let garbage = garbage_stream();
    let (chords_bytes, chords_board) = chords_stream();
    let chords_scale = ChordsScale::of(chords_board, chords::DEFAULT_GAIN);
    let bitalino_bytes = bitalino_stream();
    let spiker_bytes = spikerbox_stream();

    // Every stream decodes completely (or, for garbage, not at all).
    assert_eq!(
        decode(InnervateDecoder::new(), &innervate).0,
        innervate_frames
    );
    let (n, _) = decode(CytonDecoder::new(false), &cyton);
    assert_eq!(n, (cyton.len() / 33) as u64);
    let (n, _) = decode(CytonDecoder::new(true), &cyton);
    assert_eq!(n, (cyton.len() / 66) as u64);
    let (n, _) = decode(PlotterDecoder::new(), &plotter);
    assert_eq!(n, plotter.iter().filter(|&&b| b == b'\n').count() as u64);
    assert_eq!(decode(InnervateDecoder::new(), &garbage).0, 0);
    let (n, _) = decode(ChordsDecoder::new(6, chords_scale), &chords_bytes);
    assert_eq!(n, (chords_bytes.len() / chords::packet_len(6)) as u64);
    // A BITalino stream's first two and last two frames are not emitted; a SpikerBox frame waits for the
    // next start.
    let (n, _) = decode(BitalinoDecoder::new(6), &bitalino_bytes);
    assert_eq!(
        n,
        (bitalino_bytes.len() / bitalino::frame_len(6)) as u64 - 4
    );
    let (n, _) = decode(SpikerBoxDecoder::new(2, 14, 1.0), &spiker_bytes);
    assert!(n > 0);

    let mut group = c.benchmark_group("decoders");

    group.throughput(Throughput::Bytes(innervate.len() as u64));
    group.bench_function("baseline_sum_bytes", |b| {
        b.iter(|| {
            black_box(&innervate)
                .iter()
                .fold(0u64, |a, &x| a.wrapping_add(x as u64))
        })
    });
    group.bench_function("innervate_16ch_20fpp", |b| {
        b.iter(|| decode(InnervateDecoder::with_info(info.clone()), &innervate))
    });

    group.throughput(Throughput::Bytes(cyton.len() as u64));
    group.bench_function("cyton_8ch", |b| {
        b.iter(|| decode(CytonDecoder::new(false), &cyton))
    });
    group.bench_function("cyton_daisy_16ch", |b| {
        b.iter(|| decode(CytonDecoder::new(true), &cyton))
    });

    group.throughput(Throughput::Bytes(plotter.len() as u64));
    group.bench_function("plotter_8_values", |b| {
        b.iter(|| decode(PlotterDecoder::new(), &plotter))
    });

    group.throughput(Throughput::Bytes(chords_bytes.len() as u64));
    group.bench_function("chords_6ch", |b| {
        b.iter(|| decode(ChordsDecoder::new(6, chords_scale), &chords_bytes))
    });
    group.throughput(Throughput::Bytes(bitalino_bytes.len() as u64));
    group.bench_function("bitalino_6ch", |b| {
        b.iter(|| decode(BitalinoDecoder::new(6), &bitalino_bytes))
    });
    group.throughput(Throughput::Bytes(spiker_bytes.len() as u64));
    group.bench_function("spikerbox_2ch", |b| {
        b.iter(|| decode(SpikerBoxDecoder::new(2, 14, 1.0), &spiker_bytes))
    });

    group.throughput(Throughput::Bytes(garbage.len() as u64));
    group.bench_function("innervate_garbage", |b| {
        b.iter(|| decode(InnervateDecoder::with_info(info.clone()), &garbage))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
