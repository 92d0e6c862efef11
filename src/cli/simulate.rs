//! `innervate simulate`: a virtual board on a pseudo-terminal, with faults and unplugging on demand.

use anyhow::{Result, bail};
use clap::Args;
use innervate::protocol::Protocol;
use innervate::source::virtual_board::{Faults, VirtualBoard, VirtualBoardConfig};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// `simulate`'s flags: the board, its signal and the faults to inject.
#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Serve the board on a pseudo-terminal (the only transport so far; its path is printed).
    #[arg(long, required = true)]
    pty: bool,
    /// Protocol to speak: innervate, cyton, plotter, chords (a Chords board of the vendor's table with
    /// --channels at --rate, e.g. 6 at 500 for an Uno R4), bitalino (1-6 EMG channels at 100 or 1000 Hz)
    /// or spikerbox (a Human SpikerBox: 2-4 channels at 5000 Hz).
    #[arg(long, default_value = "innervate")]
    protocol: String,
    /// Channels (a Cyton has 8; 16 makes it a Cyton + Daisy).
    #[arg(long, default_value_t = 8)]
    channels: usize,
    /// Sample rate, Hz (a Cyton starts at 250 and changes when the host asks).
    #[arg(long, default_value_t = 2000)]
    rate: u32,
    /// Signal seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Time factor (2 = twice real time).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Keep a symlink to the current pty here (it survives an unplug/replug).
    #[arg(long)]
    link: Option<PathBuf>,
    /// Write random garbage before every Nth packet.
    #[arg(long, default_value_t = 0)]
    garbage_every: u64,
    /// Drop every Nth packet.
    #[arg(long, default_value_t = 0)]
    drop_every: u64,
    /// Damage every Nth packet.
    #[arg(long, default_value_t = 0)]
    corrupt_every: u64,
    /// Pull the virtual cable after this many seconds...
    #[arg(long)]
    unplug_after: Option<f64>,
    /// ...for this many seconds, then plug it back in.
    #[arg(long, default_value_t = 2.0)]
    unplug_for: f64,
    /// Stop after this many seconds [default: run until interrupted].
    #[arg(long)]
    duration: Option<f64>,
}

/// Runs the board until `--duration` (or Ctrl-C), then prints what it sent.
pub fn run(args: SimulateArgs) -> Result<()> {
    let protocol = match args.protocol.as_str() {
        "innervate" => Protocol::Innervate,
        "cyton" => Protocol::Cyton,
        "plotter" => Protocol::Plotter,
        "chords" => Protocol::Chords,
        "bitalino" => Protocol::Bitalino,
        "spikerbox" => Protocol::SpikerBox,
        other => bail!(
            "--protocol must be innervate, cyton, plotter, chords, bitalino or spikerbox, not `{other}`"
        ),
    };
    let board = VirtualBoard::start(VirtualBoardConfig {
        protocol,
        channels: args.channels,
        rate_hz: args.rate,
        seed: args.seed,
        speed: args.speed,
        faults: Faults {
            garbage_every: args.garbage_every,
            drop_every: args.drop_every,
            corrupt_every: args.corrupt_every,
        },
        link: args.link.clone(),
        stamp_packets: false,
    })?;
    // The path first and alone on its line, so scripts can read it.
    println!("{}", board.path().display());
    eprintln!(
        "Virtual {} board ({} ch) on {}; connect with: innervate --port {} --protocol {}",
        args.protocol,
        args.channels,
        board.pty_path().display(),
        board.path().display(),
        args.protocol
    );
    let started = Instant::now();
    let mut unplugged_at: Option<Instant> = None;
    let mut replugged = false;
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let t = started.elapsed().as_secs_f64();
        if let Some(d) = args.duration
            && t >= d
        {
            break;
        }
        match (args.unplug_after, unplugged_at) {
            (Some(after), None) if t >= after => {
                board.unplug();
                unplugged_at = Some(Instant::now());
                eprintln!("unplugged at {t:.1} s");
            }
            (Some(_), Some(at)) if !replugged && at.elapsed().as_secs_f64() >= args.unplug_for => {
                board.replug();
                replugged = true;
                eprintln!("plugged back in at {t:.1} s");
            }
            _ => {}
        }
    }
    let c = board.counters();
    eprintln!(
        "sent {} frames in {} packets; dropped {}, damaged {}, garbage bytes {}",
        c.frames_sent.load(Ordering::Relaxed),
        c.packets_sent.load(Ordering::Relaxed),
        c.packets_dropped.load(Ordering::Relaxed),
        c.packets_corrupted.load(Ordering::Relaxed),
        c.garbage_bytes.load(Ordering::Relaxed)
    );
    Ok(())
}
