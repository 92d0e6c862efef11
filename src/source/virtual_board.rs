//! A virtual board on a pseudo-terminal: it speaks the Innervate protocol, the OpenBCI Cyton's (answering
//! `v`, `d`, `~`, `b`, `s` as a real Cyton does) or Serial Plotter text, with the simulated workout as its
//! signal. Anyone can try the app without hardware, and tests drive the real serial path through it. It can
//! inject garbage, drop or corrupt packets, and be unplugged and plugged back in.
//!
//! The pty's path changes when it is re-created, as a USB device's can; give the board a `link` path and it
//! keeps a symlink there pointing at the current pty (removed while unplugged), as udev does for boards.

use super::simulator::{SimConfig, Simulator};
use super::{FrameGenerator, SourceError};
use crate::block::MAX_CHANNELS;
use crate::protocol::innervate::{self, InnervateDecoder, error_code, format, msg};
use crate::protocol::{BoardInfo, Decoder, Event, Protocol};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Faults to inject, each counted in data packets (0 = never).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Write a burst of random garbage before every Nth packet.
    pub garbage_every: u64,
    /// Do not send every Nth packet (a loss the sequence numbers reveal).
    pub drop_every: u64,
    /// Damage one byte of every Nth packet (the decoder must reject it).
    pub corrupt_every: u64,
}

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

/// The signal the board sends: the simulated workout quantised as the protocol carries it, and the exact
/// microvolts a correct host decodes from it.
pub struct BoardSignal {
    sim: Simulator,
    protocol: Protocol,
    channels: usize,
    /// A Daisy streams 125 frames/s; the simulator runs at 250 and every other frame is kept.
    decimate: usize,
    uv_per_code: f64,
    zero: i32,
    raw: [f32; MAX_CHANNELS],
}

/// The description the virtual Innervate board gives of itself at `rate`.
pub fn innervate_info(channels: usize, rate: u32) -> BoardInfo {
    BoardInfo {
        protocol_version: innervate::VERSION,
        channels,
        sample_rate_hz: rate,
        adc_bits: 16,
        sample_format: format::I16,
        vref_uv: 2_500_000,
        gain_milli: 500_000,
        zero_code: 0,
        frames_per_packet: frames_per_packet(channels, rate),
        board_name: "Innervate virtual board".into(),
        firmware_version: env!("CARGO_PKG_VERSION").into(),
        labels: super::simulator::SIM_MUSCLES[..channels]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    }
}

/// About 10 ms per packet, within the protocol's body limit.
fn frames_per_packet(channels: usize, rate: u32) -> u8 {
    let ten_ms = (rate as usize / 100).max(1);
    ten_ms.min(1016 / (2 * channels.max(1))).clamp(1, 64) as u8
}

impl BoardSignal {
    /// The signal of a board with `protocol`, `channels` and `rate` (frames per second as the host sees them).
    pub fn new(
        protocol: Protocol,
        channels: usize,
        rate: u32,
        seed: u64,
    ) -> Result<Self, SourceError> {
        let decimate = if protocol == Protocol::Cyton && rate < 250 {
            2
        } else {
            1
        };
        let sim = Simulator::new(SimConfig {
            channels,
            sample_rate: (rate as usize * decimate) as f64,
            seed,
            mains_hz: 50.0,
        })?;
        let (uv_per_code, zero) = match protocol {
            Protocol::Innervate => {
                let i = innervate_info(channels, rate);
                (i.uv_per_code(), i.zero_code)
            }
            Protocol::Cyton => (crate::protocol::cyton::scale_uv_per_count(24.0), 0),
            Protocol::Plotter => (1.0, 0),
        };
        Ok(Self {
            sim,
            protocol,
            channels,
            decimate,
            uv_per_code,
            zero,
            raw: [0.0; MAX_CHANNELS],
        })
    }

    /// The next frame: `codes` as the wire carries them (unused for plotter text) and `uv` as decoded.
    pub fn next(&mut self, codes: &mut [i32], uv: &mut [f32]) -> Result<(), SourceError> {
        let c = self.channels;
        for _ in 0..self.decimate {
            self.sim.next_frame(&mut self.raw[..c])?;
        }
        for ch in 0..c {
            let v = self.raw[ch] as f64;
            match self.protocol {
                Protocol::Plotter => {
                    // What the host parses back from the two-decimal text.
                    uv[ch] = format!("{v:.2}").parse().unwrap_or(0.0);
                    codes[ch] = 0;
                }
                Protocol::Innervate => {
                    let code = ((v / self.uv_per_code).round() as i64 + self.zero as i64)
                        .clamp(i16::MIN as i64, i16::MAX as i64)
                        as i32;
                    codes[ch] = code;
                    uv[ch] = ((code as f64 - self.zero as f64) * self.uv_per_code) as f32;
                }
                Protocol::Cyton => {
                    let code = (v / self.uv_per_code)
                        .round()
                        .clamp(-8_388_608.0, 8_388_607.0) as i32;
                    codes[ch] = code;
                    uv[ch] = (code as f64 * self.uv_per_code) as f32;
                }
            }
        }
        Ok(())
    }
}

/// A pseudo-terminal pair; the master is ours, the slave's path is what a host opens.
struct Pty {
    master: OwnedFd,
    // Held open so the master never sees a hang-up between host connections.
    _slave: OwnedFd,
    path: PathBuf,
}

fn open_pty() -> std::io::Result<Pty> {
    let mut master = 0;
    let mut slave = 0;
    // SAFETY: openpty writes two descriptors; the name, termios and window size pointers may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: openpty succeeded, so both are open descriptors we now own.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // Raw mode on the slave: no echo, no line editing, no CR/LF translation of binary data.
    // SAFETY: tcgetattr/tcsetattr on an open tty descriptor with a termios we own.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(slave.as_raw_fd(), &mut t) == 0 {
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t);
        }
        let flags = libc::fcntl(master.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(master.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: the buffer is large enough and NUL-terminated by ttyname_r on success.
    let rc = unsafe { libc::ttyname_r(slave.as_raw_fd(), name.as_mut_ptr(), name.len()) };
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc));
    }
    // SAFETY: ttyname_r wrote a NUL-terminated string into `name`.
    let path = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    Ok(Pty {
        master,
        _slave: slave,
        path: PathBuf::from(path),
    })
}

fn point_link(link: &Path, target: &Path) -> std::io::Result<()> {
    let tmp = link.with_extension("new-link");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)?;
    std::fs::rename(&tmp, link)
}

impl VirtualBoard {
    /// Creates the pty and starts the board's thread.
    pub fn start(config: VirtualBoardConfig) -> Result<Self, SourceError> {
        let bad = |m: String| SourceError::Config(m);
        if config.protocol == Protocol::Cyton && !matches!(config.channels, 8 | 16) {
            return Err(bad(format!(
                "a Cyton has 8 channels (16 with a Daisy), not {}",
                config.channels
            )));
        }
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
        let pty = open_pty().map_err(|e| bad(format!("cannot create a pseudo-terminal: {e}")))?;
        if let Some(link) = &config.link {
            point_link(link, &pty.path)
                .map_err(|e| bad(format!("cannot link {}: {e}", link.display())))?;
        }
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            unplugged: AtomicBool::new(false),
            path: Mutex::new(pty.path.clone()),
            counters: BoardCounters::default(),
            segment_starts: Mutex::new(Vec::new()),
            stamps: Mutex::new(Vec::new()),
        });
        let board = Board::new(config.clone(), shared.clone(), pty)?;
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

/// The board's own thread state.
struct Board {
    config: VirtualBoardConfig,
    shared: Arc<Shared>,
    pty: Option<Pty>,
    signal: BoardSignal,
    rate: u32,
    streaming: bool,
    stream_start: Instant,
    /// Frames produced since the current START.
    produced: u64,
    /// Signal frames produced in all (the index into the signal).
    signal_index: u64,
    seq: u32,
    cyton_counter: u8,
    packet_index: u64,
    commands: InnervateDecoder,
    cyton_pending: Vec<u8>,
    rng: u64,
    out: Vec<u8>,
    codes: Vec<i32>,
    uv: Vec<f32>,
}

impl Board {
    fn new(config: VirtualBoardConfig, shared: Arc<Shared>, pty: Pty) -> Result<Self, SourceError> {
        let rate = match config.protocol {
            Protocol::Cyton => 250,
            _ => config.rate_hz,
        };
        let frame_rate = Self::frame_rate_of(&config, rate);
        let signal = BoardSignal::new(config.protocol, config.channels, frame_rate, config.seed)?;
        let plotter = config.protocol == Protocol::Plotter;
        Ok(Self {
            rng: config.seed ^ 0x9E37_79B9_7F4A_7C15,
            signal,
            rate,
            streaming: plotter,
            stream_start: Instant::now(),
            produced: 0,
            signal_index: 0,
            seq: 0,
            cyton_counter: 0,
            packet_index: 0,
            commands: InnervateDecoder::new(),
            cyton_pending: Vec::new(),
            out: Vec::with_capacity(4096),
            codes: vec![0; config.channels],
            uv: vec![0.0; config.channels],
            pty: Some(pty),
            config,
            shared,
        })
    }

    /// Frames per second as the host sees them (a Daisy pairs two packets into one frame).
    fn frame_rate_of(config: &VirtualBoardConfig, rate: u32) -> u32 {
        if config.protocol == Protocol::Cyton && config.channels == 16 {
            rate / 2
        } else {
            rate
        }
    }

    fn next_random(&mut self) -> u64 {
        // SplitMix64 step: garbage is reproducible for a seed.
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn run(mut self) {
        let mut buf = [0u8; 1024];
        if self.streaming {
            self.begin_stream();
        }
        while !self.shared.stop.load(Ordering::SeqCst) {
            if self.shared.unplugged.load(Ordering::SeqCst) {
                if self.pty.is_some() {
                    // Power gone: the pty closes, the link vanishes, the board forgets it was streaming.
                    self.pty = None;
                    if let Some(link) = &self.config.link {
                        let _ = std::fs::remove_file(link);
                    }
                    self.streaming = false;
                }
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
            if self.pty.is_none() {
                match open_pty() {
                    Ok(p) => {
                        if let Some(link) = &self.config.link {
                            let _ = point_link(link, &p.path);
                        }
                        if let Ok(mut path) = self.shared.path.lock() {
                            *path = p.path.clone();
                        }
                        self.pty = Some(p);
                        self.commands = InnervateDecoder::new();
                        if self.config.protocol == Protocol::Plotter {
                            self.begin_stream();
                        }
                    }
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(50));
                        continue;
                    }
                }
            }
            let n = self.read_master(&mut buf);
            if n > 0 {
                let bytes = buf[..n].to_vec();
                self.on_host_bytes(&bytes);
            }
            if self.streaming {
                self.stream_due();
            }
            if n == 0 {
                std::thread::sleep(Duration::from_micros(500));
            }
        }
    }

    fn read_master(&mut self, buf: &mut [u8]) -> usize {
        let Some(pty) = &self.pty else { return 0 };
        // SAFETY: reading into a buffer we own from a descriptor we own.
        let n = unsafe { libc::read(pty.master.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        n.max(0) as usize
    }

    /// Writes everything, waiting while the host's side is full; false if the pty went away.
    fn write_all(&mut self, mut bytes: &[u8]) -> bool {
        while !bytes.is_empty() {
            if self.shared.stop.load(Ordering::SeqCst)
                || self.shared.unplugged.load(Ordering::SeqCst)
            {
                return false;
            }
            let Some(pty) = &self.pty else { return false };
            let fd = pty.master.as_raw_fd();
            // SAFETY: writing from a slice we own to a descriptor we own.
            let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
            if n > 0 {
                bytes = &bytes[n as usize..];
                continue;
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::WouldBlock
                && err.kind() != std::io::ErrorKind::Interrupted
            {
                return false;
            }
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLOUT,
                revents: 0,
            };
            // SAFETY: one pollfd we own, 20 ms timeout.
            unsafe { libc::poll(&mut pfd, 1, 20) };
        }
        true
    }

    fn begin_stream(&mut self) {
        self.streaming = true;
        self.stream_start = Instant::now();
        self.produced = 0;
        self.seq = 0;
        self.cyton_counter = if self.config.channels == 16 { 1 } else { 0 };
        self.shared.counters.starts.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut s) = self.shared.segment_starts.lock() {
            s.push(self.signal_index);
        }
    }

    fn on_host_bytes(&mut self, bytes: &[u8]) {
        match self.config.protocol {
            Protocol::Innervate => {
                let mut cmds = Vec::new();
                let damaged_before = self.commands.counters().crc_errors;
                self.commands.feed(bytes, &mut |ev| {
                    if let Event::Command { command, value } = ev {
                        cmds.push((command, value));
                    }
                });
                // Each damaged host frame gets its ERROR 1.
                let reply = innervate::error(error_code::BAD_FRAME, "bad frame");
                for _ in damaged_before..self.commands.counters().crc_errors {
                    self.write_all(&reply);
                }
                for (command, value) in cmds {
                    self.innervate_command(command, value);
                }
            }
            Protocol::Cyton => {
                self.cyton_pending.extend_from_slice(bytes);
                while !self.cyton_pending.is_empty() {
                    let c = self.cyton_pending[0];
                    if c == b'~' {
                        if self.cyton_pending.len() < 2 {
                            break;
                        }
                        let code = self.cyton_pending[1];
                        self.cyton_pending.drain(..2);
                        self.cyton_rate(code);
                    } else {
                        self.cyton_pending.remove(0);
                        self.cyton_command(c);
                    }
                }
            }
            Protocol::Plotter => {}
        }
    }

    fn innervate_command(&mut self, command: u8, value: u32) {
        let reply = match command {
            msg::HELLO if self.streaming => {
                innervate::error(error_code::BUSY, "streaming; send STOP first")
            }
            msg::HELLO => innervate::info(&innervate_info(self.config.channels, self.rate)),
            msg::START => {
                let ack = innervate::ack(msg::START, 0);
                self.write_all(&ack);
                self.begin_stream();
                return;
            }
            msg::STOP => {
                self.streaming = false;
                innervate::ack(msg::STOP, 0)
            }
            msg::SET_RATE if self.streaming => {
                innervate::error(error_code::BUSY, "streaming; send STOP first")
            }
            msg::SET_RATE => match BoardSignal::new(
                Protocol::Innervate,
                self.config.channels,
                value,
                self.config.seed,
            ) {
                Ok(signal) if (250..=4000).contains(&value) => {
                    self.rate = value;
                    self.signal = signal;
                    self.signal_index = 0;
                    innervate::ack(msg::SET_RATE, value)
                }
                _ => innervate::error(
                    error_code::BAD_ARGUMENT,
                    &format!("rate {value} Hz not supported (250 to 4000)"),
                ),
            },
            _ => innervate::error(error_code::UNKNOWN_COMMAND, "unknown command"),
        };
        self.write_all(&reply);
    }

    fn cyton_command(&mut self, c: u8) {
        let daisy = self.config.channels == 16;
        let reply: Option<String> = match c {
            b'v' => {
                self.streaming = false;
                Some(format!(
                    "OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\n{}LIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$",
                    if daisy {
                        "On Daisy ADS1299 Device ID: 0x3E\n"
                    } else {
                        ""
                    }
                ))
            }
            b'd' => Some("updating channel settings to default$$$".into()),
            b'b' => {
                self.begin_stream();
                None
            }
            b's' => {
                self.streaming = false;
                None
            }
            // Everything else a real Cyton either ignores or answers in ways Innervate does not use.
            _ => None,
        };
        if let Some(r) = reply {
            self.write_all(r.as_bytes());
        }
    }

    fn cyton_rate(&mut self, code: u8) {
        let rate = match code {
            b'2' => 4000,
            b'3' => 2000,
            b'4' => 1000,
            b'5' => 500,
            b'6' => 250,
            _ => 0,
        };
        let frame_rate = Self::frame_rate_of(&self.config, rate);
        let reply = match BoardSignal::new(
            Protocol::Cyton,
            self.config.channels,
            frame_rate,
            self.config.seed,
        ) {
            Ok(signal) if rate > 0 && !self.streaming => {
                self.rate = rate;
                self.signal = signal;
                self.signal_index = 0;
                format!("Success: Sample rate is {rate}Hz$$$")
            }
            _ => "Failure: sample rate not supported$$$".to_string(),
        };
        self.write_all(reply.as_bytes());
    }

    /// Sends every packet that is due by now.
    fn stream_due(&mut self) {
        let frame_rate = Self::frame_rate_of(&self.config, self.rate) as f64;
        let due =
            (self.stream_start.elapsed().as_secs_f64() * frame_rate * self.config.speed) as u64;
        let per_packet = match self.config.protocol {
            Protocol::Innervate => frames_per_packet(self.config.channels, self.rate) as u64,
            _ => 1,
        };
        // Bounded work per call, so commands are still heard while catching up.
        let mut budget = 64;
        while self.produced + per_packet <= due && budget > 0 && self.streaming {
            budget -= 1;
            if !self.send_packet(per_packet as usize) {
                return;
            }
        }
    }

    /// Makes one packet of `frames` frames and writes it, with any fault due.
    fn send_packet(&mut self, frames: usize) -> bool {
        let channels = self.config.channels;
        self.out.clear();
        let mut codes_all: Vec<i32> = Vec::with_capacity(frames * channels);
        let mut lines = String::new();
        for _ in 0..frames {
            if self.signal.next(&mut self.codes, &mut self.uv).is_err() {
                return false;
            }
            self.signal_index += 1;
            match self.config.protocol {
                Protocol::Plotter => {
                    let text: Vec<String> = self.uv.iter().map(|v| format!("{v:.2}")).collect();
                    lines.push_str(&text.join(" "));
                    lines.push('\n');
                }
                _ => codes_all.extend_from_slice(&self.codes),
            }
        }
        self.produced += frames as u64;
        self.packet_index += 1;
        let k = self.packet_index;
        let f = self.config.faults;
        let hits = |every: u64| every > 0 && k.is_multiple_of(every);
        match self.config.protocol {
            Protocol::Innervate => {
                innervate::data(
                    self.seq,
                    frames as u8,
                    &codes_all,
                    format::I16,
                    &mut self.out,
                );
                self.seq = self.seq.wrapping_add(1);
            }
            Protocol::Cyton => {
                let chunks: Vec<&[i32]> = codes_all.chunks(8).collect();
                for chunk in chunks {
                    let mut counts = [0i32; 8];
                    counts[..chunk.len()].copy_from_slice(chunk);
                    let packet =
                        crate::protocol::cyton::encode_packet(self.cyton_counter, &counts, 0xC0);
                    self.out.extend_from_slice(&packet);
                    self.cyton_counter = self.cyton_counter.wrapping_add(1);
                }
            }
            Protocol::Plotter => self.out.extend_from_slice(lines.as_bytes()),
        }
        let shared = self.shared.clone();
        let counters = &shared.counters;
        if hits(f.drop_every) {
            counters.packets_dropped.fetch_add(1, Ordering::Relaxed);
            counters
                .frames_dropped
                .fetch_add(frames as u64, Ordering::Relaxed);
            return true;
        }
        if hits(f.corrupt_every) && self.out.len() > 4 {
            let i = 2 + (self.next_random() as usize) % (self.out.len() - 4);
            match self.config.protocol {
                // Text: a letter where a digit or separator was.
                Protocol::Plotter => self.out[i] = b'x',
                // A Cyton packet has no checksum: only a damaged footer can be noticed.
                Protocol::Cyton => self.out[32] = 0x00,
                // Never 0x00: that would make two frames of one (still damaged, but counted twice).
                Protocol::Innervate => self.out[i] = self.out[i].wrapping_add(1).max(1),
            }
            counters.packets_corrupted.fetch_add(1, Ordering::Relaxed);
            counters
                .frames_corrupted
                .fetch_add(frames as u64, Ordering::Relaxed);
        } else {
            counters
                .frames_sent
                .fetch_add(frames as u64, Ordering::Relaxed);
        }
        if hits(f.garbage_every) {
            let n = 1 + (self.next_random() % 48) as usize;
            let mut garbage: Vec<u8> = (0..n).map(|_| self.next_random() as u8).collect();
            if self.config.protocol == Protocol::Plotter {
                // Text garbage is a line of its own, so it cannot glue onto a good line.
                for b in garbage.iter_mut() {
                    if *b == b'\n' {
                        *b = b'#';
                    }
                }
                garbage.push(b'\n');
            }
            counters
                .garbage_bytes
                .fetch_add(garbage.len() as u64, Ordering::Relaxed);
            if !self.write_all(&garbage) {
                return false;
            }
        }
        counters.packets_sent.fetch_add(1, Ordering::Relaxed);
        let out = std::mem::take(&mut self.out);
        let ok = self.write_all(&out);
        self.out = out;
        if ok && self.config.stamp_packets {
            let at = Instant::now();
            if let Ok(mut s) = self.shared.stamps.lock() {
                s.push((self.produced, at));
            }
        }
        ok
    }
}
