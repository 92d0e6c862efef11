//! The `innervate` command: the GUI by default, plus headless subcommands.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use innervate::app::InnervateApp;
use innervate::dsp::DspConfig;
use innervate::engine::{Engine, EngineOptions, Notifier, RecordRequest};
use innervate::source::FrameGenerator;
use innervate::source::reader::Pace;
use innervate::source::replay::WavReplay;
use innervate::source::simulator::{SimConfig, Simulator};
use innervate::stats::{LinkState, LinkStats};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Real-time surface-EMG biofeedback. With no subcommand, opens the live view.
#[derive(Parser, Debug)]
#[command(
    name = "innervate",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    source: SourceArgs,
    /// Folder for recordings made with the Record button [default: the platform data folder].
    #[arg(long)]
    sessions_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Record from a source to a WAV + JSON session without opening a window.
    Record(RecordArgs),
}

/// Where samples come from.
#[derive(Args, Debug, Clone)]
struct SourceArgs {
    /// `sim` for the built-in simulated board, or the path of a WAV file to replay.
    #[arg(long, default_value = "sim")]
    source: String,
    /// Simulated board: number of channels (1-16).
    #[arg(long, default_value_t = 4)]
    channels: usize,
    /// Simulated board: sample rate in Hz (250-4000).
    #[arg(long, default_value_t = 2000.0)]
    rate: f64,
    /// Simulated board: random seed (the same seed gives the same signal).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Mains frequency in Hz (50 or 60): the notch and the simulated hum.
    #[arg(long, default_value_t = 50.0)]
    mains: f64,
    /// Turn the mains notch off.
    #[arg(long)]
    no_notch: bool,
}

#[derive(Args, Debug)]
struct RecordArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Seconds of signal to record.
    #[arg(long)]
    duration: f64,
    /// Output WAV path (the JSON sidecar is written next to it).
    #[arg(long)]
    out: PathBuf,
    /// Run the simulator or a file faster than real time (nothing is dropped).
    #[arg(long)]
    fast: bool,
}

impl SourceArgs {
    fn open(&self) -> Result<Box<dyn FrameGenerator>> {
        if self.source == "sim" {
            let sim = Simulator::new(SimConfig {
                channels: self.channels,
                sample_rate: self.rate,
                seed: self.seed,
                mains_hz: self.mains,
            })?;
            Ok(Box::new(sim))
        } else {
            let path = PathBuf::from(&self.source);
            if !path.exists() {
                bail!(
                    "--source must be `sim` or an existing WAV file; {} does not exist",
                    path.display()
                );
            }
            Ok(Box::new(WavReplay::open(&path)?))
        }
    }

    fn dsp(&self) -> DspConfig {
        let mut dsp = DspConfig::default();
        dsp.notch.mains_hz = self.mains;
        dsp.notch.enabled = !self.no_notch;
        dsp
    }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Record(args)) => record(args),
        None => gui(cli.source, cli.sessions_dir),
    }
}

fn default_sessions_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("innervate")
        .join("sessions")
}

fn gui(source: SourceArgs, sessions_dir: Option<PathBuf>) -> Result<()> {
    let generator = source.open()?;
    let dsp = source.dsp();
    let sessions_dir = sessions_dir.unwrap_or_else(default_sessions_dir);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Innervate")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Innervate",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let notify: Notifier = Arc::new(move || ctx.request_repaint());
            let engine = Engine::start(
                generator,
                EngineOptions {
                    dsp,
                    ..EngineOptions::default()
                },
                Some(notify),
            )?;
            Ok(Box::new(InnervateApp::new(engine, sessions_dir)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

fn record(args: RecordArgs) -> Result<()> {
    if !(args.duration.is_finite() && args.duration > 0.0) {
        bail!("--duration must be a positive number of seconds");
    }
    let generator = args.source.open()?;
    let fs = generator.info().sample_rate;
    let frames = (args.duration * fs).round() as u64;
    let pace = if args.fast {
        Pace::Unthrottled
    } else {
        Pace::RealTime { speed: 1.0 }
    };
    let wav = innervate::session::wav_path(&args.out);
    let options = EngineOptions {
        dsp: args.source.dsp(),
        pace,
        lossless_display: false,
        record_from_start: Some(RecordRequest {
            wav_path: wav.clone(),
            max_frames: Some(frames),
        }),
    };
    let mut engine = Engine::start(generator, options, None)
        .with_context(|| format!("cannot record to {}", wav.display()))?;
    eprintln!(
        "Recording {:.1} s from {} ({} ch at {fs} Hz) to {}",
        args.duration,
        engine.info().description,
        engine.info().channels(),
        wav.display()
    );
    let started = Instant::now();
    let recorder = loop {
        if let Some(r) = engine.take_finished_recording() {
            break r;
        }
        if matches!(engine.stats().state(), LinkState::Failed) {
            let msg = engine.stats().error().unwrap_or_default();
            if let Some(r) = engine.stop_recording() {
                let _ = r.wait();
            }
            bail!("the source failed: {msg}");
        }
        if started.elapsed() > Duration::from_secs_f64(args.duration * 3.0 + 30.0) && !args.fast {
            bail!("the recording did not finish in time: the source delivered too few samples");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stats = engine.stats().clone();
    drop(engine);
    let summary = recorder.wait()?;
    println!(
        "Wrote {} frames ({:.3} s) to {} and {}; dropped blocks {}, missing samples {}",
        summary.frames,
        summary.seconds,
        summary.wav_path.display(),
        summary.sidecar_path.display(),
        LinkStats::get(&stats.ring_overflows),
        LinkStats::get(&stats.frames_missing)
    );
    if summary.frames < frames {
        eprintln!("note: the source ended after {:.3} s", summary.seconds);
    }
    Ok(())
}
