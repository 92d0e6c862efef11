//! Handshakes of the vendor boards: Upside Down Labs Chords (`WHORU`, `START`, `STOP`), PLUX BITalino
//! (one-byte commands: stop, version, rate, start) and Backyard Brains SpikerBox (`b:;`, `start:;`, `h:;`).
//!
//! Each is a short exchange of the vendor's own commands with a timeout; the decoder it hands on starts in
//! its search for the framing, so whatever else arrives meanwhile is simply skipped and counted.

use super::handshake::{fail, io_err, listen, read_some, send};
use super::{Link, SerialConfig, SerialError};
use crate::protocol::Protocol;
use crate::protocol::bitalino::{self, BitalinoDecoder};
use crate::protocol::chords::{self, ChordsBoard, ChordsDecoder, ChordsScale};
use crate::protocol::spikerbox::{self, SpikerBoxDecoder};
use serialport::SerialPort;
use std::time::{Duration, Instant};

/// The Chords firmware reads a command until the line is silent for 1 s (Arduino's `readString`), so a
/// `WHORU` is answered a second after it is sent, and a second command must wait that long too.
const CHORDS_COMMAND_GAP: Duration = Duration::from_millis(1100);
/// Time between two `WHORU`s (an Uno resets when the port opens and misses the first).
const CHORDS_WHORU_EVERY: Duration = Duration::from_millis(2500);
/// Text kept while waiting for the answer.
const MAX_TEXT: usize = 4096;

/// The board named at the end of a line of `text`, if any (a board already streaming may put its answer
/// right after packet bytes).
fn chords_board_in(text: &[u8]) -> Option<&'static ChordsBoard> {
    let text = String::from_utf8_lossy(text);
    text.split(['\n', '\r']).find_map(|line| {
        let line = line.trim();
        chords::BOARDS.iter().find(|b| {
            line.strip_suffix(b.id).is_some_and(|before| {
                before
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-')
            })
        })
    })
}

/// Brings up a board running the Chords firmware at the port's baud rate.
pub(super) fn chords(
    port: &mut dyn SerialPort,
    config: &SerialConfig,
    timeout: Duration,
    baud: u32,
) -> Result<Link, SerialError> {
    let path = config.path.as_str();
    // One WHORU is answered only after a second of silence: give it room.
    let timeout = timeout.max(CHORDS_COMMAND_GAP * 2);
    let Some(board) = ask_until(
        port,
        b"WHORU\n",
        CHORDS_WHORU_EVERY,
        timeout,
        path,
        chords_board_in,
    )?
    else {
        return Err(fail(
            path,
            format!(
                "no answer to WHORU at {baud} baud within {:.1} s (is it running the Chords firmware? \
                 Uno R3, Nano and Mega run at 115200 baud, the others at 230400: try --baud)",
                timeout.as_secs_f64()
            ),
        ));
    };
    if let Some(rate) = config.rate_hz
        && rate != board.rate_hz
    {
        return Err(fail(
            path,
            format!(
                "a Chords {} samples at {} Hz only, not {rate} Hz",
                board.id, board.rate_hz
            ),
        ));
    }
    let gain = config.gain.unwrap_or(chords::DEFAULT_GAIN);
    if !(gain.is_finite() && gain > 0.0) {
        return Err(fail(path, format!("the gain must be positive, not {gain}")));
    }
    send(port, b"START\n", path)?;
    Ok(Link {
        protocol: Protocol::Chords,
        baud,
        decoder: Box::new(ChordsDecoder::new(
            board.channels,
            ChordsScale::of(board, gain),
        )),
        channels: board.channels,
        sample_rate: board.rate_hz as f64,
        labels: vec![String::new(); board.channels],
        board: format!("Chords {} (gain {gain})", board.id),
    })
}

/// Connects to a Chords board whose baud rate was not given: 115200 (the AVR boards), then 230400.
pub(super) fn chords_any_baud(
    config: &SerialConfig,
) -> Result<(Box<dyn SerialPort>, Link), SerialError> {
    let mut last = None;
    for baud in [115_200, 230_400] {
        let mut port = super::open_port(&config.path, baud)?;
        match chords(port.as_mut(), config, CHORDS_WHORU_EVERY * 2, baud) {
            Ok(link) => return Ok((port, link)),
            Err(SerialError::Io(e, p)) => return Err(SerialError::Io(e, p)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| fail(&config.path, "no Chords board")))
}

/// Reads until `done` finds what it wants in the bytes so far, sending `ask` every `every`.
fn ask_until<T>(
    port: &mut dyn SerialPort,
    ask: &[u8],
    every: Duration,
    timeout: Duration,
    path: &str,
    mut done: impl FnMut(&[u8]) -> Option<T>,
) -> Result<Option<T>, SerialError> {
    let start = Instant::now();
    let mut sent_at: Option<Instant> = None;
    let mut heard = Vec::new();
    let mut buf = [0u8; 1024];
    while start.elapsed() < timeout {
        if sent_at.is_none_or(|t| t.elapsed() >= every) {
            send(port, ask, path)?;
            sent_at = Some(Instant::now());
        }
        let n = read_some(port, &mut buf).map_err(io_err(path))?;
        heard.extend_from_slice(&buf[..n]);
        if let Some(t) = done(&heard) {
            return Ok(Some(t));
        }
        if heard.len() > MAX_TEXT {
            heard.drain(..heard.len() - 256);
        }
    }
    Ok(None)
}

/// The BITalino's version line in `heard` (`BITalino_v5.2`).
fn bitalino_version(heard: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(heard);
    let at = text.find("BITalino")?;
    let line = text[at..].split('\n').next()?;
    text[at..].contains('\n').then(|| line.trim().to_string())
}

/// Brings up a BITalino: stop whatever runs, ask the version, set the rate, start the first N channels.
pub(super) fn bitalino(
    port: &mut dyn SerialPort,
    config: &SerialConfig,
    timeout: Duration,
    baud: u32,
) -> Result<Link, SerialError> {
    let path = config.path.as_str();
    let rate = config.rate_hz.unwrap_or(1000);
    if !bitalino::RATES_HZ.contains(&rate) {
        return Err(fail(
            path,
            format!("a BITalino samples at 1, 10, 100 or 1000 Hz, not {rate} Hz"),
        ));
    }
    if rate < bitalino::MIN_EMG_RATE_HZ {
        return Err(fail(
            path,
            format!(
                "{rate} Hz cannot carry EMG: the 20 Hz high-pass needs at least 100 Hz (use 1000 Hz, \
                 or 100 Hz for envelopes only)"
            ),
        ));
    }
    let channels = config.channels.unwrap_or(1);
    if !(1..=bitalino::MAX_CHANNELS).contains(&channels) {
        return Err(fail(
            path,
            format!("a BITalino has 1 to 6 analog channels, not {channels}"),
        ));
    }
    // A board left streaming stops first; what it already sent is thrown away.
    send(port, &[bitalino::STOP], path)?;
    listen(port, Duration::from_millis(100), path)?;
    let Some(version) = ask_until(
        port,
        &[bitalino::VERSION],
        Duration::from_millis(500),
        timeout,
        path,
        bitalino_version,
    )?
    else {
        return Err(fail(
            path,
            format!(
                "no answer to the version command within {:.1} s (is it a BITalino? over Bluetooth, \
                 bind it first: rfcomm bind 0 MAC, then use /dev/rfcomm0)",
                timeout.as_secs_f64()
            ),
        ));
    };
    let rate_cmd = bitalino::rate_command(rate).unwrap_or(0x03);
    send(port, &[rate_cmd, bitalino::start_command(channels)], path)?;
    Ok(Link {
        protocol: Protocol::Bitalino,
        baud,
        decoder: Box::new(BitalinoDecoder::new(channels)),
        channels,
        sample_rate: rate as f64,
        labels: (1..=channels).map(|i| format!("A{i}")).collect(),
        board: format!("PLUX {version} (EMG sensors)"),
    })
}

/// Brings up a SpikerBox: ask its hardware type (`b:;`), set the channels where it can, start it.
pub(super) fn spikerbox(
    port: &mut dyn SerialPort,
    config: &SerialConfig,
    timeout: Duration,
    baud: u32,
) -> Result<Link, SerialError> {
    let path = config.path.as_str();
    let hwt = ask_until(
        port,
        spikerbox::ASK_HARDWARE,
        Duration::from_millis(500),
        timeout,
        path,
        |heard| {
            let text = spikerbox::first_message(heard)?;
            spikerbox::message_value(&text, "HWT").map(str::to_string)
        },
    )?;
    let Some(hwt) = hwt else {
        return Err(fail(
            path,
            format!(
                "no answer to b:; within {:.1} s (is it a SpikerBox that speaks serial?)",
                timeout.as_secs_f64()
            ),
        ));
    };
    let Some(hw) = spikerbox::hardware(&hwt) else {
        return Err(fail(path, format!("unknown SpikerBox hardware `{hwt}`")));
    };
    let channels = config.channels.unwrap_or(hw.channels);
    if !(1..=hw.max_channels).contains(&channels) {
        return Err(fail(
            path,
            format!(
                "a {} streams 1 to {} channels, not {channels}",
                hw.name, hw.max_channels
            ),
        ));
    }
    if hw.set_channels {
        send(port, format!("c:{channels};").as_bytes(), path)?;
    }
    let rate = (hw.rate_hz)(channels);
    if let Some(want) = config.rate_hz
        && want != rate
    {
        return Err(fail(
            path,
            format!(
                "a {} with {channels} channels samples at {rate} Hz, not {want} Hz",
                hw.name
            ),
        ));
    }
    send(port, spikerbox::START, path)?;
    Ok(Link {
        protocol: Protocol::SpikerBox,
        baud,
        // BYB publishes no gain: the values are ADC steps around mid-scale.
        decoder: Box::new(SpikerBoxDecoder::new(channels, hw.bits, 1.0)),
        channels,
        sample_rate: rate as f64,
        labels: vec![String::new(); channels],
        board: format!("Backyard Brains {} (ADC steps, not calibrated)", hw.name),
    })
}

/// The last probes of auto-detection, once Innervate's HELLO and the Cyton's `v` went unanswered, in this
/// order: BITalino (stop, version) at 115200, Chords `WHORU` at 115200 and 230400, SpikerBox `b:;` at
/// 230400. A board that answers never hears a later probe; why the earlier ones leave each board as it was
/// is in `docs/boards/README.md`.
pub(super) fn probe_vendor_boards(
    config: &SerialConfig,
) -> Result<(Box<dyn SerialPort>, Link), SerialError> {
    type Probe = fn(&mut dyn SerialPort, &SerialConfig, Duration, u32) -> Result<Link, SerialError>;
    // (probe, baud, timeout, quiet first): the Chords firmware takes a command after a second of silence,
    // so the bytes of the probes before would run into its WHORU.
    let probes: [(Probe, u32, Duration, bool); 4] = [
        (bitalino, 115_200, Duration::from_millis(800), false),
        (chords, 115_200, CHORDS_COMMAND_GAP * 2, true),
        (chords, 230_400, CHORDS_COMMAND_GAP * 2, false),
        (spikerbox, 230_400, Duration::from_millis(1200), false),
    ];
    for (probe, baud, timeout, quiet_first) in probes {
        let mut port = super::open_port(&config.path, baud)?;
        if quiet_first {
            listen(port.as_mut(), CHORDS_COMMAND_GAP, &config.path)?;
        }
        match probe(port.as_mut(), config, timeout, baud) {
            Ok(link) => return Ok((port, link)),
            Err(SerialError::Io(e, p)) => return Err(SerialError::Io(e, p)),
            Err(_) => {}
        }
    }
    Err(fail(
        &config.path,
        "no board recognised: no answer to Innervate's HELLO, the Cyton's `v`, the BITalino's version, \
         the Chords `WHORU` or the SpikerBox's `b:;`, and no Serial Plotter lines (check the cable and \
         the baud rate, or force --protocol)",
    ))
}

#[cfg(test)]
mod tests {
    use super::chords_board_in;

    #[test]
    fn the_answer_is_found_among_stream_bytes() {
        let mut text = vec![0xC7, 0x7C, 0x01, 0x02];
        text.extend_from_slice(b"UNO-R4\r\n");
        assert_eq!(chords_board_in(&text).map(|b| b.id), Some("UNO-R4"));
        assert!(chords_board_in(b"UNO-R44\r\n").is_none());
        assert_eq!(
            chords_board_in(b"MEGA-2560-CLONE\r\n").map(|b| b.id),
            Some("MEGA-2560-CLONE")
        );
        assert_eq!(
            chords_board_in(b"\r\nUNO-R3\r\n").map(|b| b.id),
            Some("UNO-R3")
        );
    }
}
