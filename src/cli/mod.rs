//! The `innervate` command line: the window by default, plus headless subcommands (one module each).

mod analyze;
mod bench;
mod export;
mod filter_args;
mod gui;
mod history;
mod output_args;
mod ports;
mod record;
mod repair;
mod report;
mod simulate;
mod sound_args;
mod source_args;
mod streams;
mod validate;

use anyhow::Result;
use clap::{Parser, Subcommand};
use source_args::SourceArgs;
use std::path::PathBuf;

/// Real-time surface-EMG biofeedback. With no subcommand, opens the live view.
#[derive(Parser, Debug)]
#[command(
    name = "innervate",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
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
    /// Open this screen at start: setup, placements (the placement guide), calibration, history, insights
    /// (insights-feel, insights-load for its other tabs), sessions, connect or drill (the live view with a
    /// drill started; for demos and screenshots).
    #[arg(long, hide = true)]
    start_screen: Option<String>,
    /// Apply this exercise template, start a set after this many seconds and end it this long after
    /// (`DELAY:LENGTH`; for demos and screenshots).
    #[arg(long, hide = true, value_name = "DELAY:LENGTH")]
    auto_set: Option<String>,
    #[command(flatten)]
    sound: sound_args::SoundArgs,
    #[command(flatten)]
    outputs: output_args::OutputArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Record from a source to a WAV + JSON session without opening a window.
    Record(Box<record::RecordArgs>),
    /// Export a recording to CSV (time, raw and envelope per channel) or EDF+ (with markers as annotations).
    Export(export::ExportArgs),
    /// Make an interrupted recording readable again (header, torn last frame, sidecar) and say what was recovered.
    Repair(repair::RepairArgs),
    /// Analyse a recording offline with the live chain: envelopes, fatigue, co-contraction, signal quality.
    Analyze(analyze::AnalyzeArgs),
    /// Write a PDF report: a session's (processing parameters, each set's summary, envelope plots, body maps)
    /// or, with --history, the training history's progress (metrics over time, the exercise ranking).
    Report(report::ReportArgs),
    /// List serial ports (path, USB vendor:product, description) to pass to --port.
    Ports,
    /// List the Lab Streaming Layer streams this machine sees (name, type, channels, rate, host) for --lsl.
    Streams(streams::StreamsArgs),
    /// Measure end-to-end latency through a pseudo-terminal (8 ch x 2 kHz and 16 ch x 4 kHz; `bench` or
    /// `bench latency`), or analyze and exports of a 1-hour recording against SciPy and a plain copy
    /// (`bench offline`), and print them with the method; see docs/PERFORMANCE.md.
    Bench(bench::BenchArgs),
    /// Run a virtual board on a pseudo-terminal (Innervate, Cyton or plotter protocol), for trying the app
    /// and the serial path without hardware.
    Simulate(simulate::SimulateArgs),
    /// The training log: rank exercises per muscle, felt vs measured activation, activation by load,
    /// import recordings, export every stored field.
    History(history::HistoryArgs),
    /// Measure every analysis metric against the simulated board's truth and print the table of
    /// docs/VALIDATION.md (--out DIR also writes the recording and its truth).
    Validate(validate::ValidateArgs),
}

impl Cli {
    /// Runs the chosen subcommand, or opens the window when there is none.
    pub fn run(self) -> Result<()> {
        match self.command {
            Some(Command::Record(args)) => record::run(*args),
            Some(Command::Export(args)) => export::run(args),
            Some(Command::Repair(args)) => repair::run(args),
            Some(Command::Analyze(args)) => analyze::run(args),
            Some(Command::Report(args)) => report::run(args),
            Some(Command::Ports) => ports::run(),
            Some(Command::Streams(args)) => streams::run(args),
            Some(Command::Bench(args)) => bench::run(args),
            Some(Command::Simulate(args)) => simulate::run(args),
            Some(Command::Validate(args)) => validate::run(args),
            Some(Command::History(args)) => history::run(args),
            None => gui::run(gui::GuiArgs {
                source: self.source,
                sessions_dir: self.sessions_dir,
                profile: self.profile,
                review: self.review,
                settings: self.settings,
                start_screen: self.start_screen,
                auto_set: self.auto_set,
                sound: self.sound,
                outputs: self.outputs,
            }),
        }
    }
}
