//! `innervate repair`: an interrupted recording made readable again.

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

/// `repair`'s argument: the recording.
#[derive(Args, Debug)]
pub struct RepairArgs {
    /// The session's WAV file.
    wav: PathBuf,
}

/// Repairs the session and prints what was recovered.
pub fn run(args: RepairArgs) -> Result<()> {
    let report = innervate::session::repair::repair(&args.wav)?;
    println!("{report}");
    Ok(())
}
