//! The `innervate` command: the GUI by default, plus headless subcommands.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use innervate::app::InnervateApp;
use innervate::dsp::DspConfig;
use innervate::engine::{Engine, EngineOptions, Notifier, RecordRequest};
use innervate::source::FrameGenerator;
use innervate::source::reader::Pace;
use innervate::source::replay::WavReplay;
use innervate::source::serial::{ProtocolChoice, SerialConfig, SerialSource};
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
    /// User profile holding the MVC calibration (stored in the platform data folder).
    #[arg(long, default_value = "default")]
    profile: String,
    /// Open this recording (a session WAV or any WAV) in review mode at start.
    #[arg(long, value_name = "WAV")]
    review: Option<PathBuf>,
    /// Keep settings (and the first-run state) in this file [default: settings.json in the platform data
    /// folder].
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
    /// Open this screen at start: setup, calibration, history, sessions or connect (for demos and
    /// screenshots).
    #[arg(long, hide = true)]
    start_screen: Option<String>,
    /// Apply this exercise template, start a set after this many seconds and end it this long after
    /// (`DELAY:LENGTH`; for demos and screenshots).
    #[arg(long, hide = true, value_name = "DELAY:LENGTH")]
    auto_set: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Record from a source to a WAV + JSON session without opening a window.
    Record(RecordArgs),
    /// Export a recording to CSV (time, raw and envelope per channel) or EDF+ (with markers as annotations).
    Export {
        /// The session's WAV file (or any WAV).
        wav: PathBuf,
        /// Output format.
        #[arg(long, value_parser = ["csv", "edf"])]
        to: String,
        /// Output file [default: next to the WAV, .csv or .edf].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Make an interrupted recording readable again (header, torn last frame, sidecar) and say what was recovered.
    Repair {
        /// The session's WAV file.
        wav: PathBuf,
    },
    /// Analyse a recording offline with the live chain: envelopes, fatigue, co-contraction, signal quality.
    Analyze(AnalyzeArgs),
    /// List serial ports (path, USB vendor:product, description) to pass to --port.
    Ports,
    /// Measure end-to-end latency through a pseudo-terminal (8 ch x 2 kHz and 16 ch x 4 kHz) and print it
    /// with the method; see docs/PERFORMANCE.md for the other figures.
    Bench {
        /// Frames to measure per configuration.
        #[arg(long, default_value_t = 20_000)]
        frames: usize,
    },
    /// Run a virtual board on a pseudo-terminal (Innervate, Cyton or plotter protocol), for trying the app
    /// and the serial path without hardware.
    Simulate(SimulateArgs),
}

#[derive(Args, Debug)]
struct AnalyzeArgs {
    /// The recording (an Innervate session WAV or any plain WAV).
    file: PathBuf,
    /// Agonist:antagonist pairs by channel number (1-based), e.g. `1:2,3:4` [default: 1:2, 3:4, ...].
    #[arg(long, value_delimiter = ',')]
    pairs: Vec<String>,
    /// Print the full report as JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print per-epoch values as CSV (one row per channel and epoch).
    #[arg(long)]
    csv: bool,
    /// Also write the per-sample RMS envelopes as a float32 WAV (one channel per input channel).
    #[arg(long)]
    envelope_wav: Option<PathBuf>,
    /// Band-pass lower edge, Hz.
    #[arg(long, default_value_t = 20.0)]
    low: f64,
    /// Band-pass upper edge, Hz (clamped to 0.45 x sample rate).
    #[arg(long, default_value_t = 450.0)]
    high: f64,
    /// Butterworth order of the band-pass.
    #[arg(long, default_value_t = 4)]
    order: usize,
    /// Mains frequency of the notch, Hz.
    #[arg(long, default_value_t = 50.0)]
    mains: f64,
    /// Notch quality factor.
    #[arg(long, default_value_t = 30.0)]
    q: f64,
    /// Turn the notch off.
    #[arg(long)]
    no_notch: bool,
    /// RMS window, ms.
    #[arg(long, default_value_t = 100.0)]
    rms_ms: f64,
    /// Spectral epoch, s.
    #[arg(long, default_value_t = 1.0)]
    epoch: f64,
    /// A profile file with MVC references (matched by channel name) for %MVC numbers.
    #[arg(long)]
    mvc: Option<PathBuf>,
    /// Left:right muscle pairs by channel number for the symmetry index, e.g. `1:2`.
    #[arg(long, value_delimiter = ',')]
    lr: Vec<String>,
    /// Target in %MVC for each rep's "time above target" (needs --mvc).
    #[arg(long, default_value_t = 60.0)]
    target_pct: f64,
    /// Detect reps on the Teager-Kaiser energy instead of the RMS envelope (sharper onsets).
    #[arg(long)]
    tke: bool,
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
    /// A board on this serial port instead of --source (see `innervate ports`).
    #[arg(long, value_name = "PATH", conflicts_with = "source")]
    port: Option<String>,
    /// The board's protocol: auto, innervate, cyton or plotter.
    #[arg(long, default_value = "auto", requires = "port")]
    protocol: ProtocolChoice,
    /// Baud rate [default: 500000 for Innervate boards, 115200 for Cyton and plotter].
    #[arg(long, requires = "port")]
    baud: Option<u32>,
    /// Ask the board for this sample rate (Innervate and Cyton boards).
    #[arg(long, requires = "port")]
    board_rate: Option<u32>,
    /// Sample rate of Serial Plotter text, which carries no clock, Hz.
    #[arg(long, default_value_t = 1000.0, requires = "port")]
    plotter_rate: f64,
}

/// A source, opened.
enum Opened {
    Generator(Box<dyn FrameGenerator>),
    Board(Box<SerialSource>),
}

impl Opened {
    fn info(&self) -> &innervate::source::StreamInfo {
        match self {
            Opened::Generator(g) => g.info(),
            Opened::Board(b) => b.info(),
        }
    }

    fn start(self, options: EngineOptions, notify: Option<Notifier>) -> Result<Engine> {
        Ok(match self {
            Opened::Generator(g) => Engine::start(g, options, notify)?,
            Opened::Board(b) => Engine::start_serial(*b, options, notify)?,
        })
    }
}

#[derive(Args, Debug)]
struct SimulateArgs {
    /// Serve the board on a pseudo-terminal (the only transport so far; its path is printed).
    #[arg(long, required = true)]
    pty: bool,
    /// Protocol to speak: innervate, cyton or plotter.
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
    fn open(&self) -> Result<Opened> {
        if let Some(port) = &self.port {
            let mut config = SerialConfig::new(port.clone());
            config.protocol = self.protocol;
            config.baud = self.baud;
            config.rate_hz = self.board_rate;
            config.plotter_rate_hz = self.plotter_rate;
            let board = SerialSource::connect(config)?;
            return Ok(Opened::Board(Box::new(board)));
        }
        Ok(Opened::Generator(self.open_generator()?))
    }

    fn open_generator(&self) -> Result<Box<dyn FrameGenerator>> {
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
        Some(Command::Analyze(args)) => analyze(args),
        Some(Command::Ports) => ports(),
        Some(Command::Bench { frames }) => bench(frames),
        Some(Command::Simulate(args)) => simulate(args),
        Some(Command::Export { wav, to, out }) => {
            let out = out.unwrap_or_else(|| wav.with_extension(&to));
            let what = if to == "csv" {
                format!(
                    "{} rows",
                    innervate::session::export::export_csv(&wav, &out)?
                )
            } else {
                format!(
                    "{} one-second records",
                    innervate::session::export::export_edf(&wav, &out)?
                )
            };
            println!("Wrote {} ({what})", out.display());
            Ok(())
        }
        Some(Command::Repair { wav }) => {
            let report = innervate::session::repair::repair(&wav)?;
            println!("{report}");
            Ok(())
        }
        None => gui(GuiArgs {
            source: cli.source,
            sessions_dir: cli.sessions_dir,
            profile: cli.profile,
            review: cli.review,
            settings: cli.settings,
            start_screen: cli.start_screen,
            auto_set: cli.auto_set,
        }),
    }
}

fn data_root() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("innervate")
}

fn profile_path(name: &str) -> Result<PathBuf> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        bail!("--profile takes a plain name (letters, digits, - and _), not `{name}`");
    }
    Ok(data_root().join("profiles").join(format!("{name}.json")))
}

/// What the window starts with.
struct GuiArgs {
    source: SourceArgs,
    sessions_dir: Option<PathBuf>,
    profile: String,
    review: Option<PathBuf>,
    settings: Option<PathBuf>,
    start_screen: Option<String>,
    auto_set: Option<String>,
}

fn gui(args: GuiArgs) -> Result<()> {
    let GuiArgs {
        source,
        sessions_dir,
        profile,
        review,
        settings,
        start_screen,
        auto_set,
    } = args;
    let profile = profile_path(&profile)?;
    let settings = settings.unwrap_or_else(|| data_root().join("settings.json"));
    let auto_set = match auto_set.as_deref().map(|s| s.split_once(':')) {
        None => None,
        Some(Some((d, l))) => Some((
            d.parse::<f64>().context("--auto-set DELAY")?,
            l.parse::<f64>().context("--auto-set LENGTH")?,
        )),
        Some(None) => bail!("--auto-set takes DELAY:LENGTH in seconds"),
    };
    if let Some(wav) = &review {
        // Say what is wrong before a window opens.
        innervate::session::load::open_session(wav)?;
    }
    let opened = source.open()?;
    let dsp = source.dsp();
    let sessions_dir = sessions_dir.unwrap_or_else(|| data_root().join("sessions"));
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
            let engine = opened.start(
                EngineOptions {
                    dsp,
                    ..EngineOptions::default()
                },
                Some(notify.clone()),
            )?;
            let mut app = InnervateApp::new(engine, sessions_dir)
                .with_profile(profile)
                .with_notify(notify)
                .with_settings(settings);
            if let Some(wav) = &review {
                app.open_review(wav);
            }
            match start_screen.as_deref() {
                Some("setup") => app.open_setup(),
                Some("calibration") => app.open_calibration(),
                Some("history") => app.open_history(),
                Some("sessions") => app.open_sessions(),
                Some("connect") => app.open_connect(),
                _ => {}
            }
            if let Some((delay, length)) = auto_set {
                app.schedule_auto_set(delay, length);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

fn record(args: RecordArgs) -> Result<()> {
    if !(args.duration.is_finite() && args.duration > 0.0) {
        bail!("--duration must be a positive number of seconds");
    }
    let opened = args.source.open()?;
    let fs = opened.info().sample_rate;
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
    let mut engine = opened
        .start(options, None)
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

fn parse_pairs(
    specs: &[String],
    channels: usize,
) -> Result<Option<Vec<innervate::dsp::MusclePair>>> {
    if specs.is_empty() {
        return Ok(None);
    }
    let mut pairs = Vec::new();
    for spec in specs {
        let (a, b) = spec.split_once(':').with_context(|| {
            format!("pair `{spec}` must look like AGONIST:ANTAGONIST, e.g. 1:2")
        })?;
        let num = |s: &str| -> Result<usize> {
            let n: usize = s
                .trim()
                .parse()
                .with_context(|| format!("`{s}` in pair `{spec}` is not a channel number"))?;
            if n == 0 || n > channels {
                bail!(
                    "channel {n} in pair `{spec}` does not exist: the file has channels 1 to {channels}"
                );
            }
            Ok(n - 1)
        };
        pairs.push(innervate::dsp::MusclePair {
            agonist: num(a)?,
            antagonist: num(b)?,
        });
    }
    Ok(Some(pairs))
}

fn analyze(args: AnalyzeArgs) -> Result<()> {
    use innervate::analysis::{AnalyzeOptions, analyze};
    let mut replay = WavReplay::open(&args.file)?;
    let channels = replay.info().channels();
    let fs = replay.info().sample_rate;
    let total = replay.total_frames();
    let mut dsp = DspConfig {
        bandpass_low_hz: args.low,
        bandpass_high_hz: args.high,
        bandpass_order: args.order,
        envelope_window_s: args.rms_ms / 1000.0,
        ..DspConfig::default()
    };
    dsp.notch.mains_hz = args.mains;
    dsp.notch.q = args.q;
    dsp.notch.enabled = !args.no_notch;
    let mvc_uv = match &args.mvc {
        Some(path) => {
            let profile = innervate::calibration::Profile::load(path)?;
            if !path.exists() {
                bail!("--mvc: {} does not exist", path.display());
            }
            let mvc = profile.mvc_for(&replay.info().channel_names);
            if mvc.iter().all(Option::is_none) {
                bail!(
                    "--mvc: {} has no MVC for any of this file's channels ({})",
                    path.display(),
                    replay.info().channel_names.join(", ")
                );
            }
            Some(mvc.into_iter().map(|m| m.unwrap_or(0.0)).collect())
        }
        None => None,
    };
    let options = AnalyzeOptions {
        dsp,
        pairs: parse_pairs(&args.pairs, channels)?,
        epoch_s: args.epoch,
        mvc_uv,
        target_pct_mvc: args.target_pct,
        onset_signal: if args.tke {
            innervate::analysis::OnsetSignal::TeagerKaiser
        } else {
            innervate::analysis::OnsetSignal::Rms
        },
        left_right: parse_pairs(&args.lr, channels)?
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.agonist, p.antagonist))
            .collect(),
        ..AnalyzeOptions::default()
    };
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{}", args.file.display()));
    let mut progress = |done: u64| bar.set_position(done);
    let mut writer = match &args.envelope_wav {
        Some(path) => Some(
            hound::WavWriter::create(
                path,
                hound::WavSpec {
                    channels: channels as u16,
                    sample_rate: fs.round() as u32,
                    bits_per_sample: 32,
                    sample_format: hound::SampleFormat::Float,
                },
            )
            .with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => None,
    };
    let env_path = args.envelope_wav.clone().unwrap_or_default();
    let mut write_envelope = |env: &[f32]| -> Result<(), innervate::source::SourceError> {
        if let Some(w) = writer.as_mut() {
            for v in env {
                w.write_sample(*v)
                    .map_err(|e| innervate::source::SourceError::File {
                        path: env_path.display().to_string(),
                        reason: e.to_string(),
                    })?;
            }
        }
        Ok(())
    };
    let report = analyze(
        &mut replay,
        &options,
        &mut progress,
        Some(&mut write_envelope),
    )?;
    bar.finish_and_clear();
    if let Some(w) = writer {
        w.finalize().context("finishing the envelope WAV")?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if args.csv {
        print!("{}", innervate::analysis::report_csv(&report));
    } else {
        print!("{}", innervate::analysis::report_text(&report));
    }
    Ok(())
}

fn ports() -> Result<()> {
    let ports = innervate::source::serial::list_ports()?;
    if ports.is_empty() {
        println!("No serial ports found. Plug the board in, or try `innervate simulate --pty`.");
    }
    for p in ports {
        let usb = p
            .usb
            .map(|(v, d)| format!("{v:04x}:{d:04x}"))
            .unwrap_or_else(|| "-".into());
        println!("{}\t{usb}\t{}", p.path, p.description);
    }
    Ok(())
}

fn simulate(args: SimulateArgs) -> Result<()> {
    use innervate::source::virtual_board::{Faults, VirtualBoard, VirtualBoardConfig};
    let protocol = match args.protocol.as_str() {
        "innervate" => innervate::protocol::Protocol::Innervate,
        "cyton" => innervate::protocol::Protocol::Cyton,
        "plotter" => innervate::protocol::Protocol::Plotter,
        other => bail!("--protocol must be innervate, cyton or plotter, not `{other}`"),
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
        c.frames_sent.load(std::sync::atomic::Ordering::Relaxed),
        c.packets_sent.load(std::sync::atomic::Ordering::Relaxed),
        c.packets_dropped.load(std::sync::atomic::Ordering::Relaxed),
        c.packets_corrupted
            .load(std::sync::atomic::Ordering::Relaxed),
        c.garbage_bytes.load(std::sync::atomic::Ordering::Relaxed)
    );
    Ok(())
}

fn bench(frames: usize) -> Result<()> {
    println!(
        "End-to-end latency: a virtual Innervate board writes DATA packets into a pseudo-terminal in real"
    );
    println!(
        "time; for every frame, from the moment its packet's last byte was written until the engine's"
    );
    println!(
        "display output (what the UI reads) carries a value computed from that frame. Processing and"
    );
    println!("queues only: the RMS window's own group delay is listed separately.");
    println!();
    println!(
        "| channels x rate | frames | p50 ms | p99 ms | max ms | missing | RMS group delay ms |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (channels, rate) in [(8, 2000), (16, 4000)] {
        let r = innervate::perf::pty_latency(channels, rate, frames).map_err(anyhow::Error::msg)?;
        println!(
            "| {} x {} Hz | {} | {:.2} | {:.2} | {:.2} | {} | {:.1} |",
            r.channels,
            r.rate_hz,
            r.frames,
            r.p50_ms,
            r.p99_ms,
            r.max_ms,
            r.missing,
            r.rms_group_delay_ms
        );
    }
    println!();
    println!(
        "DSP throughput: cargo bench --bench dsp_chain; UI frame time: cargo test --release --test ui_frame_time"
    );
    println!(
        "-- --nocapture; memory: scripts/measure_recorder_memory.sh (see docs/PERFORMANCE.md)."
    );
    Ok(())
}
