//! A virtual board on a pseudo-terminal: it speaks the Innervate protocol, the OpenBCI Cyton's (answering
//! `v`, `d`, `~`, `b`, `s` as a real Cyton does) or Serial Plotter text, with the simulated workout as its
//! signal. Anyone can try the app without hardware, and tests drive the real serial path through it. It can
//! inject garbage, drop or corrupt packets, and be unplugged and plugged back in.
//!
//! The pty's path changes when it is re-created, as a USB device's can; give the board a `link` path and it
//! keeps a symlink there pointing at the current pty (removed while unplugged), as udev does for boards.
//!
//! The board's thread ([`board`]) is the same for every protocol; what differs (packet encoding, answers
//! to the host's commands, sample coding) is behind the traits in [`wire`], one module per protocol.

mod bitalino;
mod board;
mod chords;
mod cyton;
mod faults;
mod innervate;
mod plotter;
mod pty;
mod signal;
mod spikerbox;
mod wire;

pub use faults::Faults;
pub use innervate::innervate_info;
pub use signal::BoardSignal;

use super::SourceError;
use crate::block::MAX_CHANNELS;
use crate::protocol::Protocol;
use board::Board;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

/// How the virtual board behaves.
#[derive(Clone, Debug, PartialEq)]
pub struct VirtualBoardConfig {
    /// Protocol spoken.
    pub protocol: Protocol,
    /// Channels (Cyton: 8, or 16 for a Cyton + Daisy).
    pub channels: usize,
    /// Sample rate in Hz at start (Innervate and plotter; a Cyton starts at 250 Hz as the real one does).
    pub rate_hz: u32,
    /// Seed of the simulated signal.
    pub seed: u64,
    /// Time factor: 1.0 streams in real time, 10.0 ten times faster.
    pub speed: f64,
    /// Faults to inject.
    pub faults: Faults,
    /// A stable path kept as a symlink to the current pty.
    pub link: Option<PathBuf>,
    /// Keep the time each packet's last byte was written (for latency measurements).
    pub stamp_packets: bool,
}

impl Default for VirtualBoardConfig {
    fn default() -> Self {
        Self {
            protocol: Protocol::Innervate,
            channels: 8,
            rate_hz: 2000,
            seed: 1,
            speed: 1.0,
            faults: Faults::default(),
            link: None,
            stamp_packets: false,
        }
    }
}

/// What the board has done so far (for tests and the `simulate` command's summary).
#[derive(Debug, Default)]
pub struct BoardCounters {
    /// Frames delivered to the pty.
    pub frames_sent: AtomicU64,
    /// Data packets written.
    pub packets_sent: AtomicU64,
    /// Packets dropped on purpose.
    pub packets_dropped: AtomicU64,
    /// Frames in those packets.
    pub frames_dropped: AtomicU64,
    /// Packets damaged on purpose.
    pub packets_corrupted: AtomicU64,
    /// Frames in those packets.
    pub frames_corrupted: AtomicU64,
    /// Garbage bytes written between packets.
    pub garbage_bytes: AtomicU64,
    /// Times streaming was started.
    pub starts: AtomicU64,
}

/// What the board's thread and its handle share.
struct Shared {
    stop: AtomicBool,
    unplugged: AtomicBool,
    path: Mutex<PathBuf>,
    counters: BoardCounters,
    /// Signal frame index at each START (where each streamed segment begins).
    segment_starts: Mutex<Vec<u64>>,
    /// (frames produced since START after this packet, when its last byte was written).
    stamps: Mutex<Vec<(u64, Instant)>>,
}

/// A running virtual board.
pub struct VirtualBoard {
    shared: Arc<Shared>,
    config: VirtualBoardConfig,
    thread: Option<JoinHandle<()>>,
}

impl VirtualBoard {
    /// Creates the pty and starts the board's thread.
    pub fn start(config: VirtualBoardConfig) -> Result<Self, SourceError> {
        let bad = |m: String| SourceError::Config(m);
        let protocol = wire::board_protocol(config.protocol, config.channels, config.rate_hz)?;
        if !(1..=MAX_CHANNELS).contains(&config.channels) {
            return Err(bad(format!("1 to {MAX_CHANNELS} channels")));
        }
        if !(config.speed.is_finite() && config.speed > 0.0) {
            return Err(bad("speed must be positive".into()));
        }
        // Check the signal can be made before anything starts.
        BoardSignal::new(
            config.protocol,
            config.channels,
            config.rate_hz,
            config.seed,
        )?;
        let pty =
            pty::Pty::open().map_err(|e| bad(format!("cannot create a pseudo-terminal: {e}")))?;
        if let Some(link) = &config.link {
            pty::point_link(link, pty.path())
                .map_err(|e| bad(format!("cannot link {}: {e}", link.display())))?;
        }
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            unplugged: AtomicBool::new(false),
            path: Mutex::new(pty.path().to_path_buf()),
            counters: BoardCounters::default(),
            segment_starts: Mutex::new(Vec::new()),
            stamps: Mutex::new(Vec::new()),
        });
        let board = Board::new(config.clone(), protocol, shared.clone(), pty)?;
        let thread = std::thread::Builder::new()
            .name("virtual-board".into())
            .spawn(move || board.run())
            .map_err(|e| bad(format!("cannot start the board thread: {e}")))?;
        Ok(Self {
            shared,
            config,
            thread: Some(thread),
        })
    }

    /// The path a host opens: the link when there is one, else the current pty.
    pub fn path(&self) -> PathBuf {
        match &self.config.link {
            Some(l) => l.clone(),
            None => self.pty_path(),
        }
    }

    /// The current pty's own path.
    pub fn pty_path(&self) -> PathBuf {
        self.shared
            .path
            .lock()
            .map(|p| p.clone())
            .unwrap_or_default()
    }

    /// Pulls the cable: the pty closes (the host sees the port fail) and the link disappears.
    pub fn unplug(&self) {
        self.shared.unplugged.store(true, Ordering::SeqCst);
    }

    /// Plugs it back in: a new pty, the link pointing at it; the board waits for a host again.
    pub fn replug(&self) {
        self.shared.unplugged.store(false, Ordering::SeqCst);
    }

    /// What the board has done.
    pub fn counters(&self) -> &BoardCounters {
        &self.shared.counters
    }

    /// For each packet written (when `stamp_packets`): the frames streamed since START including it, and
    /// when its last byte went into the pty.
    pub fn packet_stamps(&self) -> Vec<(u64, Instant)> {
        self.shared
            .stamps
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Signal frame index at each START.
    pub fn segment_starts(&self) -> Vec<u64> {
        self.shared
            .segment_starts
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }
}

impl Drop for VirtualBoard {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(link) = &self.config.link {
            let _ = std::fs::remove_file(link);
        }
    }
}
