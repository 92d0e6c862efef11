//! `innervate report`: a session's PDF report to hand over.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use innervate::report::{Paper, session_report, write_pdf};
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
    file: PathBuf,
    /// The PDF to write (written whole or not at all).
    #[arg(long)]
    out: PathBuf,
    /// Paper size.
    #[arg(long, value_enum, default_value = "a4")]
    paper: PaperArg,
}

/// Analyses the recording as `analyze` does and writes its report.
pub fn run(args: ReportArgs) -> Result<()> {
    let paper = match args.paper {
        PaperArg::A4 => Paper::A4,
        PaperArg::Letter => Paper::Letter,
    };
    let made = session_report(&args.file, paper, &mut |_| {})
        .with_context(|| format!("no report for {}", args.file.display()))?;
    write_pdf(&args.out, &made.pdf)?;
    println!(
        "wrote {} ({} sets, {} bytes)",
        args.out.display(),
        made.report.sets.len(),
        made.pdf.len()
    );
    Ok(())
}
