//! `innervate export`: a recording as CSV or EDF+.

use anyhow::Result;
use clap::Args;
use innervate::session::export::{export_csv, export_edf};
use std::path::PathBuf;

/// `export`'s arguments: the recording, the format and the output file.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The session's WAV file (or any WAV).
    wav: PathBuf,
    /// Output format.
    #[arg(long, value_parser = ["csv", "edf"])]
    to: String,
    /// Output file [default: next to the WAV, .csv or .edf].
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Writes the export and says how much it holds.
pub fn run(args: ExportArgs) -> Result<()> {
    let ExportArgs { wav, to, out } = args;
    let out = out.unwrap_or_else(|| wav.with_extension(&to));
    let what = if to == "csv" {
        format!("{} rows", export_csv(&wav, &out)?)
    } else {
        format!("{} one-second records", export_edf(&wav, &out)?)
    };
    println!("Wrote {} ({what})", out.display());
    Ok(())
}
