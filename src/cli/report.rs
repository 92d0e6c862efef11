//! `innervate report`: a session's PDF report, or with `--history` a progress report over the training
//! history, to hand over.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use innervate::report::{Paper, progress_report, session_report, write_pdf};
use innervate::training::history_db::SetFilter;
use std::path::PathBuf;

/// Paper sizes on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum PaperArg {
    /// ISO A4.
    A4,
    /// US Letter.
    Letter,
}

/// `report`'s arguments.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The recording (an Innervate session WAV or any plain WAV).
    #[arg(required_unless_present = "history", conflicts_with = "history")]
    file: Option<PathBuf>,
    /// A progress report over the training history instead: each exercise and muscle's metrics over time
    /// (the history screen's plots), every set, and the exercise ranking of each muscle.
    #[arg(long)]
    history: bool,
    /// The training history database: a session report prints its sets' logs (felt, load) from it, a
    /// progress report its sets [default: as `innervate history`].
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// With --history: only sets of this target muscle.
    #[arg(long, requires = "history")]
    muscle: Option<String>,
    /// With --history: only sets of this exercise.
    #[arg(long, requires = "history")]
    exercise: Option<String>,
    /// With --history: only sets from this day on (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "history")]
    from: Option<String>,
    /// With --history: only sets up to this day (YYYY-MM-DD, UTC, inclusive).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "history")]
    to: Option<String>,
    /// The PDF to write (written whole or not at all).
    #[arg(long)]
    out: PathBuf,
    /// Paper size.
    #[arg(long, value_enum, default_value = "a4")]
    paper: PaperArg,
}

/// Analyses the recording as `analyze` does (or reads the history as `history` does) and writes the report.
pub fn run(args: ReportArgs) -> Result<()> {
    let paper = match args.paper {
        PaperArg::A4 => Paper::A4,
        PaperArg::Letter => Paper::Letter,
    };
    let db = super::history::db_path(args.db);
    let Some(file) = args.file else {
        let filter = SetFilter {
            exercise: args.exercise,
            muscle: args.muscle,
            from_day: args
                .from
                .map(|d| super::history::day(&d, "--from"))
                .transpose()?,
            to_day: args
                .to
                .map(|d| super::history::day(&d, "--to"))
                .transpose()?,
        };
        let made = progress_report(&db, &filter, paper).context("no progress report")?;
        write_pdf(&args.out, &made.pdf)?;
        println!(
            "wrote {} ({} sets, {} bytes)",
            args.out.display(),
            made.sets.len(),
            made.pdf.len()
        );
        return Ok(());
    };
    let made = session_report(&file, paper, Some(&db), &mut |_| {})
        .with_context(|| format!("no report for {}", file.display()))?;
    write_pdf(&args.out, &made.pdf)?;
    println!(
        "wrote {} ({} sets, {} bytes)",
        args.out.display(),
        made.report.sets.len(),
        made.pdf.len()
    );
    Ok(())
}
