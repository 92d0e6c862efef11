//! The board's own thread: it waits for power and a pty, hears the host, streams the packets that are due
//! and injects the faults asked for. The same for every protocol: what differs is asked of its
//! [`BoardProtocol`].

use super::faults::FaultRng;
use super::pty::{Pty, point_link};
use super::signal::BoardSignal;
use super::wire::{BoardControl, BoardProtocol};
use super::{Shared, VirtualBoardConfig};
use crate::source::SourceError;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Most packets sent in one go, so commands are still heard while catching up.
const PACKETS_PER_TURN: usize = 64;

/// The board's thread state.
pub(super) struct Board {
    protocol: Box<dyn BoardProtocol>,
    core: BoardCore,
    /// Data packets made so far (sent or not): what the faults count.
    packet_index: u64,
    rng: FaultRng,
    /// The packet being sent.
    out: Vec<u8>,
    /// One frame from the signal: wire codes and decoded microvolts.
    codes: Vec<i32>,
    uv: Vec<f32>,
    /// The packet's frames, one after the other.
    packet_codes: Vec<i32>,
    packet_uv: Vec<f32>,
}

/// Everything of the board but its protocol, so the protocol can act on it while answering the host.
struct BoardCore {
    config: VirtualBoardConfig,
    shared: Arc<Shared>,
    /// `None` while unplugged (or until a new pty could be made).
    pty: Option<Pty>,
    signal: BoardSignal,
    /// Sample rate in force, Hz.
    rate: u32,
    streaming: bool,
    stream_start: Instant,
    /// Frames produced since the current START.
    produced: u64,
    /// Signal frames produced in all (the index into the signal).
    signal_index: u64,
}

impl Board {
    /// A board speaking `protocol` on `pty`.
    pub fn new(
        config: VirtualBoardConfig,
        protocol: Box<dyn BoardProtocol>,
        shared: Arc<Shared>,
        pty: Pty,
    ) -> Result<Self, SourceError> {
        let rate = protocol.power_on_rate(config.rate_hz);
        let signal = BoardSignal::new(
            config.protocol,
            config.channels,
            protocol.frame_rate(rate),
            config.seed,
        )?;
        let channels = config.channels;
        Ok(Self {
            rng: FaultRng::new(config.seed),
            out: Vec::with_capacity(4096),
            codes: vec![0; channels],
            uv: vec![0.0; channels],
            packet_codes: Vec::new(),
            packet_uv: Vec::new(),
            packet_index: 0,
            core: BoardCore {
                signal,
                rate,
                streaming: protocol.streams_unasked(),
                stream_start: Instant::now(),
                produced: 0,
                signal_index: 0,
                pty: Some(pty),
                config,
                shared,
            },
            protocol,
        })
    }

    /// Runs until the handle is dropped.
    pub fn run(mut self) {
        let mut buf = [0u8; 1024];
        if self.core.streaming {
            self.core.start_streaming();
        }
        while !self.core.shared.stop.load(Ordering::SeqCst) {
            if self.core.shared.unplugged.load(Ordering::SeqCst) {
                self.core.power_off();
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
            if self.core.pty.is_none() {
                if !self.core.power_on() {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                self.protocol.reset_link();
                if self.protocol.streams_unasked() {
                    self.core.start_streaming();
                }
            }
            let n = self.core.read(&mut buf);
            if n > 0 {
                self.protocol.answer(&buf[..n], &mut self.core);
            }
            self.protocol.tick(&mut self.core);
            if self.core.streaming {
                self.stream_due();
            }
            if n == 0 {
                std::thread::sleep(Duration::from_micros(500));
            }
        }
    }

    /// Sends every packet that is due by now.
    fn stream_due(&mut self) {
        let frame_rate = self.protocol.frame_rate(self.core.rate) as f64;
        let elapsed = self.core.stream_start.elapsed().as_secs_f64();
        let due = (elapsed * frame_rate * self.core.config.speed) as u64;
        let per_packet = self.protocol.frames_per_packet(self.core.rate) as u64;
        let mut budget = PACKETS_PER_TURN;
        while self.core.produced + per_packet <= due && budget > 0 && self.core.streaming {
            budget -= 1;
            if !self.send_packet(per_packet as usize) {
                return;
            }
        }
    }

    /// Makes one packet of `frames` frames and writes it, with any fault due; false if the signal ended or
    /// the pty went away.
    fn send_packet(&mut self, frames: usize) -> bool {
        self.out.clear();
        self.packet_codes.clear();
        self.packet_uv.clear();
        for _ in 0..frames {
            if self
                .core
                .signal
                .next(&mut self.codes, &mut self.uv)
                .is_err()
            {
                return false;
            }
            self.core.signal_index += 1;
            self.packet_codes.extend_from_slice(&self.codes);
            self.packet_uv.extend_from_slice(&self.uv);
        }
        self.core.produced += frames as u64;
        self.packet_index += 1;
        self.protocol
            .encode(&self.packet_codes, &self.packet_uv, &mut self.out);
        let faults = self.core.config.faults.for_packet(self.packet_index);
        let shared = self.core.shared.clone();
        let counters = &shared.counters;
        let frames = frames as u64;
        if faults.drop {
            counters.packets_dropped.fetch_add(1, Ordering::Relaxed);
            counters.frames_dropped.fetch_add(frames, Ordering::Relaxed);
            return true;
        }
        if faults.corrupt && self.out.len() > 4 {
            let at = 2 + (self.rng.next_u64() as usize) % (self.out.len() - 4);
            self.protocol.damage(&mut self.out, at);
            counters.packets_corrupted.fetch_add(1, Ordering::Relaxed);
            counters
                .frames_corrupted
                .fetch_add(frames, Ordering::Relaxed);
        } else {
            counters.frames_sent.fetch_add(frames, Ordering::Relaxed);
        }
        if faults.garbage {
            let mut garbage = self.rng.garbage();
            self.protocol.shape_garbage(&mut garbage);
            counters
                .garbage_bytes
                .fetch_add(garbage.len() as u64, Ordering::Relaxed);
            if !self.core.write_all(&garbage) {
                return false;
            }
        }
        counters.packets_sent.fetch_add(1, Ordering::Relaxed);
        let ok = self.core.write_all(&self.out);
        if ok && self.core.config.stamp_packets {
            let at = Instant::now();
            if let Ok(mut s) = shared.stamps.lock() {
                s.push((self.core.produced, at));
            }
        }
        ok
    }
}

impl BoardCore {
    /// Power gone: the pty closes, the link vanishes, the board forgets it was streaming.
    fn power_off(&mut self) {
        if self.pty.take().is_some() {
            if let Some(link) = &self.config.link {
                let _ = std::fs::remove_file(link);
            }
            self.streaming = false;
        }
    }

    /// Power back: a new pty, the link pointing at it. False if no pty could be made (try again later).
    fn power_on(&mut self) -> bool {
        let Ok(pty) = Pty::open() else {
            return false;
        };
        if let Some(link) = &self.config.link {
            let _ = point_link(link, pty.path());
        }
        if let Ok(mut path) = self.shared.path.lock() {
            *path = pty.path().to_path_buf();
        }
        self.pty = Some(pty);
        true
    }

    /// What the host wrote since the last call (0 bytes when nothing, or no pty).
    fn read(&self, buf: &mut [u8]) -> usize {
        self.pty.as_ref().map_or(0, |pty| pty.read(buf))
    }

    /// Writes everything, waiting while the host's side is full; false if the pty went away.
    fn write_all(&self, mut bytes: &[u8]) -> bool {
        while !bytes.is_empty() {
            if self.shared.stop.load(Ordering::SeqCst)
                || self.shared.unplugged.load(Ordering::SeqCst)
            {
                return false;
            }
            let Some(pty) = &self.pty else { return false };
            match pty.write(bytes) {
                Ok(n) => {
                    bytes = &bytes[n..];
                    continue;
                }
                Err(err)
                    if err.kind() != std::io::ErrorKind::WouldBlock
                        && err.kind() != std::io::ErrorKind::Interrupted =>
                {
                    return false;
                }
                Err(_) => {}
            }
            pty.wait_writable(20);
        }
        true
    }
}

impl BoardControl for BoardCore {
    fn reply(&mut self, bytes: &[u8]) {
        self.write_all(bytes);
    }

    fn start_streaming(&mut self) {
        self.streaming = true;
        self.stream_start = Instant::now();
        self.produced = 0;
        self.shared.counters.starts.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut s) = self.shared.segment_starts.lock() {
            s.push(self.signal_index);
        }
    }

    fn stop_streaming(&mut self) {
        self.streaming = false;
    }

    fn is_streaming(&self) -> bool {
        self.streaming
    }

    fn rate(&self) -> u32 {
        self.rate
    }

    fn set_rate(&mut self, rate: u32, frame_rate: u32) -> bool {
        let signal = BoardSignal::new(
            self.config.protocol,
            self.config.channels,
            frame_rate,
            self.config.seed,
        );
        match signal {
            Ok(signal) => {
                self.signal = signal;
                self.rate = rate;
                self.signal_index = 0;
                true
            }
            Err(_) => false,
        }
    }
}
