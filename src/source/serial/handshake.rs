//! Recognising a board and getting it to stream: Innervate's HELLO/INFO/START, the OpenBCI Cyton's text
//! commands (`s`, `v`, `d`, `~`, `b`), or simply listening to Serial Plotter text. Every wait has a timeout.

use super::{Link, ProtocolChoice, SerialConfig, SerialError, open_port};
use crate::protocol::cyton::CytonDecoder;
use crate::protocol::innervate::{InnervateDecoder, command, msg};
use crate::protocol::plotter::{PlotterDecoder, parse_line};
use crate::protocol::{Decoder, Event, Protocol};
use serialport::SerialPort;
use std::io::ErrorKind;
use std::time::{Duration, Instant};

/// How long a board that resets on open (an Uno) may take to answer HELLO.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(3);
/// Interval between HELLOs.
const HELLO_EVERY: Duration = Duration::from_millis(250);
/// How long auto-detection listens before asking anything.
const LISTEN: Duration = Duration::from_millis(300);
/// Longest text reply kept while waiting for the Cyton's `$$$`.
const MAX_REPLY: usize = 8192;

pub(super) fn io_err(path: &str) -> impl Fn(std::io::Error) -> SerialError + '_ {
    move |e| SerialError::Io(e, path.to_string())
}

pub(super) fn fail(path: &str, reason: impl Into<String>) -> SerialError {
    SerialError::Handshake {
        path: path.into(),
        reason: reason.into(),
    }
}

/// Reads what is there (waits at most the port's timeout); 0 when nothing came.
pub(crate) fn read_some(port: &mut dyn SerialPort, buf: &mut [u8]) -> std::io::Result<usize> {
    match port.read(buf) {
        Ok(n) => Ok(n),
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::TimedOut | ErrorKind::WouldBlock | ErrorKind::Interrupted
            ) =>
        {
            Ok(0)
        }
        Err(e) => Err(e),
    }
}

/// Everything that arrives within `for_how_long` (at most [`MAX_REPLY`] bytes kept).
pub(super) fn listen(
    port: &mut dyn SerialPort,
    for_how_long: Duration,
    path: &str,
) -> Result<Vec<u8>, SerialError> {
    let until = Instant::now() + for_how_long;
    let mut heard = Vec::new();
    let mut buf = [0u8; 1024];
    while Instant::now() < until {
        let n = read_some(port, &mut buf).map_err(io_err(path))?;
        if heard.len() < MAX_REPLY {
            heard.extend_from_slice(&buf[..n]);
        }
    }
    Ok(heard)
}

/// Reads until `pattern` arrives; the text so far.
fn read_until(
    port: &mut dyn SerialPort,
    pattern: &[u8],
    timeout: Duration,
    path: &str,
) -> Result<Option<Vec<u8>>, SerialError> {
    let until = Instant::now() + timeout;
    let mut text = Vec::new();
    let mut buf = [0u8; 256];
    while Instant::now() < until {
        let n = read_some(port, &mut buf).map_err(io_err(path))?;
        text.extend_from_slice(&buf[..n]);
        if text.windows(pattern.len()).any(|w| w == pattern) {
            return Ok(Some(text));
        }
        if text.len() > MAX_REPLY {
            text.drain(..text.len() - pattern.len());
        }
    }
    Ok(None)
}

pub(super) fn send(port: &mut dyn SerialPort, bytes: &[u8], path: &str) -> Result<(), SerialError> {
    port.write_all(bytes).map_err(io_err(path))?;
    port.flush().map_err(io_err(path))
}

/// What the first bytes of an unasked stream look like.
fn classify(heard: &[u8]) -> Option<Protocol> {
    // Two complete lines of numbers with the same width: Serial Plotter text.
    let text = String::from_utf8_lossy(heard);
    let mut widths = text
        .split('\n')
        .skip(1) // the first line may be cut
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| parse_line(l).map(|(v, _)| v.len()));
    if let (Some(a), Some(b)) = (widths.next(), widths.next())
        && a == b
        && a > 0
    {
        return Some(Protocol::Plotter);
    }
    // A Cyton already streaming: 0xA0, a footer 32 bytes on, and the next header right after.
    let cyton = heard
        .windows(34)
        .any(|w| w[0] == 0xA0 && (0xC0..=0xC6).contains(&w[32]) && w[33] == 0xA0);
    cyton.then_some(Protocol::Cyton)
}

/// Opens `config.path` and brings the board up with the chosen (or detected) protocol.
pub fn connect(config: &SerialConfig) -> Result<(Box<dyn SerialPort>, Link), SerialError> {
    let path = config.path.as_str();
    match config.protocol {
        ProtocolChoice::Fixed(Protocol::Chords) if config.baud.is_none() => {
            super::boards::chords_any_baud(config)
        }
        ProtocolChoice::Fixed(p) => {
            let mut port = open_port(path, config.baud_for(p))?;
            let link = handshake(port.as_mut(), p, config, HELLO_TIMEOUT)?;
            Ok((port, link))
        }
        ProtocolChoice::Auto => {
            let first_baud = config.baud_for(Protocol::Innervate);
            let mut port = open_port(path, first_baud)?;
            let heard = listen(port.as_mut(), LISTEN, path)?;
            if let Some(p) = classify(&heard) {
                return reopen_and_handshake(port, first_baud, p, config);
            }
            match handshake(
                port.as_mut(),
                Protocol::Innervate,
                config,
                Duration::from_secs(2),
            ) {
                Ok(link) => return Ok((port, link)),
                Err(SerialError::Io(e, p)) => return Err(SerialError::Io(e, p)),
                Err(_) => {}
            }
            let second_baud = config.baud_for(Protocol::Cyton);
            if second_baud != first_baud {
                drop(port);
                port = open_port(path, second_baud)?;
                let heard = listen(port.as_mut(), LISTEN, path)?;
                if let Some(p) = classify(&heard) {
                    return reopen_and_handshake(port, second_baud, p, config);
                }
            }
            match handshake(
                port.as_mut(),
                Protocol::Cyton,
                config,
                Duration::from_millis(1500),
            ) {
                Ok(link) => return Ok((port, link)),
                Err(SerialError::Io(e, p)) => return Err(SerialError::Io(e, p)),
                Err(_) => {}
            }
            drop(port);
            super::boards::probe_vendor_boards(config)
        }
    }
}

fn reopen_and_handshake(
    mut port: Box<dyn SerialPort>,
    baud: u32,
    p: Protocol,
    config: &SerialConfig,
) -> Result<(Box<dyn SerialPort>, Link), SerialError> {
    if config.baud_for(p) != baud {
        drop(port);
        port = open_port(&config.path, config.baud_for(p))?;
    }
    let link = handshake(port.as_mut(), p, config, HELLO_TIMEOUT)?;
    Ok((port, link))
}

/// Brings up a board that speaks `protocol` on an open port.
pub fn handshake(
    port: &mut dyn SerialPort,
    protocol: Protocol,
    config: &SerialConfig,
    timeout: Duration,
) -> Result<Link, SerialError> {
    let baud = config.baud_for(protocol);
    match protocol {
        Protocol::Innervate => innervate(port, config, timeout, baud),
        Protocol::Cyton => cyton(port, config, timeout, baud),
        Protocol::Plotter => plotter(port, config, timeout, baud),
        Protocol::Chords => super::boards::chords(port, config, timeout, baud),
        Protocol::Bitalino => super::boards::bitalino(port, config, timeout, baud),
        Protocol::SpikerBox => super::boards::spikerbox(port, config, timeout, baud),
    }
}

/// Sends `bytes` and waits for an event `want` picks, feeding everything through `dec`.
fn exchange<T>(
    port: &mut dyn SerialPort,
    dec: &mut InnervateDecoder,
    bytes: &[u8],
    resend_every: Option<Duration>,
    timeout: Duration,
    path: &str,
    mut want: impl FnMut(Event<'_>) -> Option<T>,
) -> Result<Option<T>, SerialError> {
    let start = Instant::now();
    let mut sent_at: Option<Instant> = None;
    let mut buf = [0u8; 1024];
    let mut got = None;
    while start.elapsed() < timeout {
        let due = match (sent_at, resend_every) {
            (None, _) => true,
            (Some(t), Some(every)) => t.elapsed() >= every,
            _ => false,
        };
        if due {
            send(port, bytes, path)?;
            sent_at = Some(Instant::now());
        }
        let n = read_some(port, &mut buf).map_err(io_err(path))?;
        dec.feed(&buf[..n], &mut |ev| {
            if got.is_none() {
                got = want(ev);
            }
        });
        if got.is_some() {
            return Ok(got);
        }
    }
    Ok(None)
}

fn innervate(
    port: &mut dyn SerialPort,
    config: &SerialConfig,
    timeout: Duration,
    baud: u32,
) -> Result<Link, SerialError> {
    let path = config.path.as_str();
    // A board left streaming by an earlier run stops first; what it already sent is thrown away.
    send(port, &command(msg::STOP, 0), path)?;
    listen(port, Duration::from_millis(50), path)?;
    let mut dec = InnervateDecoder::new();
    let hello = command(msg::HELLO, 0);
    let ask_info = |port: &mut dyn SerialPort, dec: &mut InnervateDecoder, t: Duration| {
        exchange(
            port,
            dec,
            &hello,
            Some(HELLO_EVERY),
            t,
            path,
            |ev| match ev {
                Event::Info(i) => Some(Ok(i)),
                Event::BoardError { code, message } => Some(Err((code, message))),
                _ => None,
            },
        )
    };
    let mut info = match ask_info(port, &mut dec, timeout)? {
        Some(Ok(i)) => i,
        Some(Err((code, m))) => return Err(fail(path, format!("board error {code}: {m}"))),
        None => {
            return Err(fail(
                path,
                format!(
                    "no answer to HELLO within {:.1} s (is it an Innervate board?)",
                    timeout.as_secs_f64()
                ),
            ));
        }
    };
    if let Some(rate) = config.rate_hz
        && rate != info.sample_rate_hz
    {
        let reply = exchange(
            port,
            &mut dec,
            &command(msg::SET_RATE, rate),
            None,
            Duration::from_secs(1),
            path,
            |ev| match ev {
                Event::Ack { command, value } if command == msg::SET_RATE => Some(Ok(value)),
                Event::BoardError { code, message } => {
                    Some(Err(format!("error {code}: {message}")))
                }
                _ => None,
            },
        )?;
        match reply {
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(fail(path, format!("the board refused {rate} Hz ({e})"))),
            None => return Err(fail(path, "no answer to SET_RATE")),
        }
        info = match ask_info(port, &mut dec, Duration::from_secs(1))? {
            Some(Ok(i)) => i,
            _ => return Err(fail(path, "no INFO after SET_RATE")),
        };
    }
    dec.restart_sequence();
    send(port, &command(msg::START, 0), path)?;
    let labels = info.labels.clone();
    Ok(Link {
        protocol: Protocol::Innervate,
        baud,
        channels: info.channels,
        sample_rate: info.sample_rate_hz as f64,
        labels,
        board: format!("{} {}", info.board_name, info.firmware_version),
        decoder: Box::new(dec),
    })
}

/// The Cyton's `~` code for a sample rate.
fn cyton_rate_code(rate: u32) -> Option<u8> {
    Some(match rate {
        16000 => b'0',
        8000 => b'1',
        4000 => b'2',
        2000 => b'3',
        1000 => b'4',
        500 => b'5',
        250 => b'6',
        _ => return None,
    })
}

fn cyton(
    port: &mut dyn SerialPort,
    config: &SerialConfig,
    timeout: Duration,
    baud: u32,
) -> Result<Link, SerialError> {
    let path = config.path.as_str();
    send(port, b"s", path)?;
    listen(port, Duration::from_millis(100), path)?;
    send(port, b"v", path)?;
    let Some(reply) = read_until(port, b"$$$", timeout, path)? else {
        return Err(fail(path, "no answer to `v` (is it an OpenBCI Cyton?)"));
    };
    let text = String::from_utf8_lossy(&reply).to_string();
    if !text.contains("OpenBCI") {
        return Err(fail(
            path,
            format!("`v` answered, but not as a Cyton: {}", text.trim()),
        ));
    }
    let daisy = text.to_ascii_lowercase().contains("daisy");
    let firmware = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Firmware:"))
        .map(|f| f.trim().to_string())
        .unwrap_or_default();
    // Default channel settings: gain 24 on every channel, which the decoder assumes.
    send(port, b"d", path)?;
    if read_until(port, b"$$$", Duration::from_secs(1), path)?.is_none() {
        return Err(fail(path, "no answer to `d` (default channel settings)"));
    }
    let mut rate = 250;
    if let Some(want) = config.rate_hz {
        let code = cyton_rate_code(want).ok_or_else(|| {
            fail(
                path,
                format!("a Cyton cannot sample at {want} Hz (250 to 16000, powers of two)"),
            )
        })?;
        send(port, &[b'~', code], path)?;
        match read_until(port, b"$$$", Duration::from_secs(1), path)? {
            Some(r) if String::from_utf8_lossy(&r).contains("Success") => rate = want,
            _ => return Err(fail(path, format!("the Cyton refused {want} Hz"))),
        }
    }
    send(port, b"b", path)?;
    let channels = if daisy { 16 } else { 8 };
    // With a Daisy, two packets make one 16-channel frame.
    let sample_rate = if daisy {
        rate as f64 / 2.0
    } else {
        rate as f64
    };
    Ok(Link {
        protocol: Protocol::Cyton,
        baud,
        decoder: Box::new(CytonDecoder::new(daisy)),
        channels,
        sample_rate,
        labels: vec![String::new(); channels],
        board: format!(
            "OpenBCI Cyton{}{}",
            if daisy { " + Daisy" } else { "" },
            if firmware.is_empty() {
                String::new()
            } else {
                format!(" {firmware}")
            }
        ),
    })
}

fn plotter(
    port: &mut dyn SerialPort,
    config: &SerialConfig,
    timeout: Duration,
    baud: u32,
) -> Result<Link, SerialError> {
    let path = config.path.as_str();
    let start = Instant::now();
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 1024];
    let mut run: Vec<(usize, Vec<String>)> = Vec::new();
    let mut first_line = true;
    while start.elapsed() < timeout {
        let n = read_some(port, &mut buf).map_err(io_err(path))?;
        pending.extend_from_slice(&buf[..n]);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            // The first line may have been cut by opening the port mid-line.
            if std::mem::take(&mut first_line) {
                continue;
            }
            let text = String::from_utf8_lossy(&line);
            if text.trim().is_empty() {
                continue;
            }
            match parse_line(&text) {
                Some((values, labels)) if run.last().is_none_or(|(w, _)| *w == values.len()) => {
                    run.push((values.len(), labels));
                }
                Some((values, labels)) => run = vec![(values.len(), labels)],
                None => run.clear(),
            }
            if run.len() >= 3 {
                let (channels, labels) = run.pop().unwrap_or_default();
                let mut dec = PlotterDecoder::with_channels(channels);
                // The rest of the current line goes on into the stream.
                dec.feed(&pending, &mut |_| {});
                return Ok(Link {
                    protocol: Protocol::Plotter,
                    baud,
                    decoder: Box::new(dec),
                    channels,
                    sample_rate: config.plotter_rate_hz,
                    labels,
                    board: "Serial Plotter board".into(),
                });
            }
        }
        if pending.len() > 4096 {
            pending.clear();
        }
    }
    Err(fail(
        path,
        "no Serial Plotter lines (numbers separated by spaces, tabs or commas, one line per sample)",
    ))
}
