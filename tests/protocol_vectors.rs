//! Every hex test vector in `firmware-protocol.md` decodes to what the document says. The vectors are read
//! from the document itself, so a vector edited there without the decoder agreeing fails here.

#![allow(
    clippy::excessive_precision,
    reason = "the values are exact binary fractions, written as the document states them"
)]
use innervate::protocol::innervate::{CRC, InnervateDecoder, msg};
use innervate::protocol::{Decoder, Event};
use std::collections::BTreeMap;

/// Owned copy of an event, to compare after decoding.
#[derive(Debug, PartialEq)]
enum Got {
    Frame(Vec<f32>),
    Lost(u64),
    Info(String),
    Ack(u8, u32),
    Command(u8, u32),
    Error(u8, String),
}

fn vectors() -> BTreeMap<String, Vec<u8>> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/firmware-protocol.md"))
        .unwrap();
    let mut out = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | name | `hex` | meaning |
        if cells.len() >= 4 && cells[2].starts_with('`') && cells[2].ends_with('`') {
            let hex = cells[2].trim_matches('`');
            let bytes: Option<Vec<u8>> = hex
                .split_whitespace()
                .map(|b| u8::from_str_radix(b, 16).ok())
                .collect();
            if let Some(bytes) = bytes {
                out.insert(cells[1].to_string(), bytes);
            }
        }
    }
    out
}

fn decode(dec: &mut InnervateDecoder, bytes: &[u8]) -> Vec<Got> {
    let mut got = Vec::new();
    dec.feed(bytes, &mut |ev| {
        got.push(match ev {
            Event::Frame(f) => Got::Frame(f.to_vec()),
            Event::Lost(n) => Got::Lost(n),
            Event::Info(i) => Got::Info(format!(
                "v{} {}ch {}Hz {}bit fmt{} {}uV gain{} zero{} fpp{} {:?} {:?} {:?}",
                i.protocol_version,
                i.channels,
                i.sample_rate_hz,
                i.adc_bits,
                i.sample_format,
                i.vref_uv,
                i.gain_milli,
                i.zero_code,
                i.frames_per_packet,
                i.board_name,
                i.firmware_version,
                i.labels
            )),
            Event::Ack { command, value } => Got::Ack(command, value),
            Event::Command { command, value } => Got::Command(command, value),
            Event::BoardError { code, message } => Got::Error(code, message),
            Event::BoardEvent(n) => Got::Error(0, format!("board event {n}")),
        })
    });
    got
}

#[test]
fn the_crc_is_crc16_ibm_3740_with_check_value_29b1() {
    assert_eq!(CRC.checksum(b"123456789"), 0x29B1);
}

#[test]
fn every_vector_in_the_document_decodes_as_stated() {
    let v = vectors();
    let names: Vec<&str> = v.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        vec![
            "ack_start",
            "data",
            "data_zeros",
            "error",
            "hello",
            "info",
            "set_rate",
            "start",
            "stop"
        ]
    );
    let mut dec = InnervateDecoder::new();
    assert_eq!(
        decode(&mut dec, &v["hello"]),
        vec![Got::Command(msg::HELLO, 1)]
    );
    assert_eq!(
        decode(&mut dec, &v["start"]),
        vec![Got::Command(msg::START, 0)]
    );
    assert_eq!(
        decode(&mut dec, &v["stop"]),
        vec![Got::Command(msg::STOP, 0)]
    );
    assert_eq!(
        decode(&mut dec, &v["set_rate"]),
        vec![Got::Command(msg::SET_RATE, 2000)]
    );
    assert_eq!(
        decode(&mut dec, &v["info"]),
        vec![Got::Info(
            "v1 2ch 1000Hz 10bit fmt1 5000000uV gain200000 zero512 fpp2 \"Innervate Uno\" \"1.0.0\" [\"Biceps\", \"Triceps\"]"
                .into()
        )]
    );
    assert_eq!(dec.info().unwrap().uv_per_code(), 24.4140625);
    assert_eq!(
        decode(&mut dec, &v["ack_start"]),
        vec![Got::Ack(msg::START, 0)]
    );
    assert_eq!(
        decode(&mut dec, &v["data"]),
        vec![
            Got::Frame(vec![439.453125, 0.0]),
            Got::Frame(vec![-292.96875, 12475.5859375])
        ]
    );
    // seq 7 then seq 256: 248 messages of 2 frames missing in between.
    assert_eq!(
        decode(&mut dec, &v["data_zeros"]),
        vec![
            Got::Lost(248 * 2),
            Got::Frame(vec![-12500.0, 0.0]),
            Got::Frame(vec![6250.0, -6250.0])
        ]
    );
    assert_eq!(
        decode(&mut dec, &v["error"]),
        vec![Got::Error(3, "rate 9000 Hz not supported".into())]
    );
    let c = dec.counters();
    assert_eq!((c.crc_errors, c.resyncs, c.packets, c.frames), (0, 0, 2, 4));
}

#[test]
fn each_vector_survives_being_cut_anywhere_and_a_damaged_byte_is_caught() {
    let v = vectors();
    let info = &v["info"];
    let data = &v["data"];
    for cut in 0..=data.len() {
        let mut dec = InnervateDecoder::new();
        decode(&mut dec, info);
        let mut got = decode(&mut dec, &data[..cut]);
        got.extend(decode(&mut dec, &data[cut..]));
        assert_eq!(got.len(), 2, "cut at {cut}");
    }
    for i in 0..data.len() - 1 {
        let mut damaged = data.clone();
        damaged[i] ^= 0x40;
        if damaged[i] == 0 {
            continue;
        }
        let mut dec = InnervateDecoder::new();
        decode(&mut dec, info);
        let got = decode(&mut dec, &damaged);
        assert!(
            got.iter().all(|g| !matches!(g, Got::Frame(_))),
            "byte {i} damaged yet frames came out: {got:?}"
        );
        assert_eq!(dec.counters().crc_errors, 1, "byte {i}");
    }
}

#[test]
fn a_full_size_frame_glued_to_garbage_is_still_decoded() {
    use innervate::protocol::innervate::{data, format, info};
    // 16 channels x 31 frames: a body of 1000 bytes, near the 1024 limit, so garbage in front of it runs
    // past any frame's length before the delimiter arrives.
    let board = innervate::source::virtual_board::innervate_info(16, 4000);
    assert_eq!(board.frames_per_packet, 31);
    let mut dec = InnervateDecoder::new();
    decode(&mut dec, &info(&board));
    let codes: Vec<i32> = (0..31 * 16).map(|i| (i * 37 % 2000) - 1000).collect();
    for garbage_len in [1usize, 20, 48, 200] {
        let mut wire: Vec<u8> = (0..garbage_len).map(|i| (i * 91 % 255 + 1) as u8).collect();
        data(garbage_len as u32, 31, &codes, format::I16, &mut wire);
        let before = dec.counters();
        let got = decode(&mut dec, &wire);
        let frames = got.iter().filter(|g| matches!(g, Got::Frame(_))).count();
        assert_eq!(frames, 31, "garbage of {garbage_len} bytes");
        assert_eq!(
            dec.counters().crc_errors,
            before.crc_errors,
            "garbage of {garbage_len}"
        );
        assert_eq!(dec.counters().resyncs, before.resyncs + 1);
    }
}
