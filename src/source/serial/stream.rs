//! The serial reader thread: reads bytes, decodes them, and pushes blocks into the lock-free ring without
//! ever waiting on the DSP thread. A sequence gap becomes a jump in the sample index (a marked gap). When the
//! port goes away (cable pulled) or falls silent, the thread says Disconnected, reopens the port with
//! back-off, repeats the handshake, and carries on where the timeline says it should.

use super::handshake::{handshake, read_some};
use super::{Link, SerialSource, open_port};
use crate::block::SampleBlock;
use crate::protocol::{DecodeCounters, Event};
use crate::source::reader::{ReaderHandle, push_live};
use crate::stats::{LinkState, LinkStats};
use serialport::SerialPort;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// Silence after which a streaming board counts as gone.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(2);
/// Longest a decoded frame waits to be pushed with others.
const COALESCE: Duration = Duration::from_millis(1);
/// First wait before reopening; it doubles up to [`BACKOFF_MAX`].
const BACKOFF_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Starts the reader thread for a connected board.
pub fn spawn_serial_reader(
    source: SerialSource,
    ring: rtrb::Producer<SampleBlock>,
    stats: Arc<LinkStats>,
    wake: Thread,
) -> std::io::Result<ReaderHandle> {
    crate::source::reader::spawn_live("innervate-serial", move |stop| {
        Streamer::new(source, ring, stats, wake).run(stop)
    })
}

struct Streamer {
    config: super::SerialConfig,
    /// `None` while the board is away.
    port: Option<Box<dyn SerialPort>>,
    link: Link,
    ring: rtrb::Producer<SampleBlock>,
    stats: Arc<LinkStats>,
    wake: Thread,
    channels: usize,
    fs: f64,
    block: SampleBlock,
    /// Stream index of the next frame.
    next: u64,
    /// Counters of earlier connections (each connection has a fresh decoder).
    base: DecodeCounters,
    last_frame_at: Instant,
    index_at_last_frame: u64,
    /// When frames were last pushed to the ring.
    last_push: Instant,
}

impl Streamer {
    fn new(
        source: SerialSource,
        ring: rtrb::Producer<SampleBlock>,
        stats: Arc<LinkStats>,
        wake: Thread,
    ) -> Self {
        let channels = source.link.channels;
        let fs = source.link.sample_rate;
        Self {
            config: source.config,
            port: Some(source.port),
            link: source.link,
            ring,
            stats,
            wake,
            channels,
            fs,
            block: SampleBlock::new(0, channels),
            next: 0,
            base: DecodeCounters::default(),
            last_frame_at: Instant::now(),
            index_at_last_frame: 0,
            last_push: Instant::now(),
        }
    }

    fn run(mut self, stop: &AtomicBool) {
        self.stats.set_state(LinkState::Streaming);
        let mut buf = vec![0u8; 16 * 1024];
        let mut last_bytes_at = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            let Some(port) = self.port.as_mut() else {
                break;
            };
            // With frames waiting, come back soon to push them; otherwise wait longer for bytes.
            let wait = if self.block.is_empty() {
                super::READ_TIMEOUT
            } else {
                COALESCE
            };
            let _ = port.set_timeout(wait);
            match read_some(port.as_mut(), &mut buf) {
                Ok(0) => {
                    self.flush();
                    if last_bytes_at.elapsed() > SILENCE_LIMIT {
                        self.disconnected("the board fell silent", stop);
                        last_bytes_at = Instant::now();
                    }
                }
                Ok(n) => {
                    last_bytes_at = Instant::now();
                    self.decode(&buf[..n]);
                    // Push when nothing more is waiting in the port, or a block's worth of time has passed:
                    // latency stays under COALESCE while tiny packets do not become tiny blocks.
                    let more_waiting = self
                        .port
                        .as_ref()
                        .and_then(|p| p.bytes_to_read().ok())
                        .is_some_and(|b| b > 0);
                    if (!more_waiting && self.last_push.elapsed() >= COALESCE)
                        || self.last_push.elapsed() >= COALESCE * 4
                    {
                        self.flush();
                    }
                }
                Err(e) => {
                    self.disconnected(&e.to_string(), stop);
                    last_bytes_at = Instant::now();
                }
            }
        }
        self.flush();
        if let Some(port) = self.port.as_mut() {
            let _ = stop_board(port.as_mut(), &self.link);
        }
        if self.stats.state() != LinkState::Failed {
            self.stats.set_state(LinkState::Ended);
        }
        self.wake.unpark();
    }

    /// Decodes one read's bytes and pushes what they completed (a partial block too: latency first).
    fn decode(&mut self, bytes: &[u8]) {
        let before = self.next;
        let Self {
            link,
            ring,
            stats,
            block,
            next,
            channels,
            ..
        } = self;
        link.decoder.feed(bytes, &mut |ev| match ev {
            Event::Frame(f) => {
                block.push_frame(f);
                *next += 1;
                if block.is_full() {
                    push_live(ring, *block, stats);
                    *block = SampleBlock::new(*next, *channels);
                }
            }
            Event::Lost(n) => {
                if !block.is_empty() {
                    push_live(ring, *block, stats);
                }
                *next += n;
                *block = SampleBlock::new(*next, *channels);
            }
            Event::BoardError { .. } => {
                stats.board_errors.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        });
        if self.next != before {
            self.last_frame_at = Instant::now();
            self.index_at_last_frame = self.next;
        }
        self.publish();
    }

    fn flush(&mut self) {
        self.last_push = Instant::now();
        if !self.block.is_empty() {
            push_live(&mut self.ring, self.block, &self.stats);
            self.block = SampleBlock::new(self.next, self.channels);
        }
        self.wake.unpark();
    }

    fn publish(&self) {
        let c = self.link.decoder.counters();
        let s = &self.stats;
        let b = &self.base;
        s.bytes_received.store(b.bytes + c.bytes, Ordering::Relaxed);
        s.packets_dropped
            .store(b.dropped_packets + c.dropped_packets, Ordering::Relaxed);
        s.crc_errors
            .store(b.crc_errors + c.crc_errors, Ordering::Relaxed);
        s.resyncs.store(b.resyncs + c.resyncs, Ordering::Relaxed);
    }

    /// The port went away: say so, reopen with back-off until the same board is back, and move the
    /// timeline on by the time lost so the gap is marked at its true length.
    fn disconnected(&mut self, why: &str, stop: &AtomicBool) {
        self.flush();
        self.stats.set_state(LinkState::Disconnected);
        self.stats
            .set_notice(format!("Disconnected: {why}; reconnecting"));
        let path = self.config.path.clone();
        let protocol = self.link.protocol;
        let baud = self.link.baud;
        let mut backoff = BACKOFF_START;
        // Close our end now, so the device can come back under the same name.
        self.port = None;
        let link = loop {
            if sleep_unless_stopped(backoff, stop) {
                return;
            }
            backoff = (backoff * 2).min(BACKOFF_MAX);
            let Ok(mut port) = open_port(&path, baud) else {
                continue;
            };
            match handshake(
                port.as_mut(),
                protocol,
                &self.config,
                Duration::from_secs(2),
            ) {
                Ok(link) => {
                    if link.channels != self.channels || (link.sample_rate - self.fs).abs() > 1e-9 {
                        self.stats.set_error(format!(
                            "the board came back with {} channels at {} Hz instead of {} at {} Hz; reconnect by hand",
                            link.channels, link.sample_rate, self.channels, self.fs
                        ));
                        // Keep it stopped: it is not the stream we were recording.
                        let _ = stop_board(port.as_mut(), &link);
                        return;
                    }
                    self.port = Some(port);
                    break link;
                }
                Err(_) => continue,
            }
        };
        let old = std::mem::replace(&mut self.link, link);
        let c = old.decoder.counters();
        self.base.bytes += c.bytes;
        self.base.dropped_packets += c.dropped_packets;
        self.base.crc_errors += c.crc_errors;
        self.base.resyncs += c.resyncs;
        let lost = (self.last_frame_at.elapsed().as_secs_f64() * self.fs) as u64;
        self.next = self.next.max(self.index_at_last_frame + lost);
        self.block = SampleBlock::new(self.next, self.channels);
        self.stats.reconnects.fetch_add(1, Ordering::Relaxed);
        self.stats.set_notice(String::new());
        self.stats.set_state(LinkState::Streaming);
    }
}

/// Sleeps `d` in small steps; true if asked to stop meanwhile.
fn sleep_unless_stopped(d: Duration, stop: &AtomicBool) -> bool {
    let until = Instant::now() + d;
    while Instant::now() < until {
        if stop.load(Ordering::Relaxed) {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    stop.load(Ordering::Relaxed)
}

/// Asks the board to stop streaming (best effort: the port may be gone).
fn stop_board(port: &mut dyn SerialPort, link: &Link) -> std::io::Result<()> {
    use crate::protocol::Protocol;
    match link.protocol {
        Protocol::Innervate => port.write_all(&crate::protocol::innervate::command(
            crate::protocol::innervate::msg::STOP,
            0,
        )),
        Protocol::Cyton => port.write_all(b"s"),
        Protocol::Plotter => Ok(()),
    }
}
