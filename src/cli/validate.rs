//! `innervate validate`: every analysis metric against the simulated board's truth (docs/VALIDATION.md).

use anyhow::{Result, bail};
use clap::Args;
use innervate::validation::{self, ValidationConfig, document, table};
use std::path::PathBuf;

/// `validate`'s arguments.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Also write the synthetic recording and its truth file into this folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Workout loops to simulate (about 55 s each).
    #[arg(long, default_value_t = ValidationConfig::default().loops)]
    loops: usize,
    /// Print the whole of docs/VALIDATION.md instead of the table alone.
    #[arg(long)]
    markdown: bool,
}

/// Simulates, analyses, prints the metrics; fails when a metric misses its bound.
pub fn run(args: ValidateArgs) -> Result<()> {
    if !(1..=60).contains(&args.loops) {
        bail!("--loops must be 1 to 60");
    }
    let config = ValidationConfig {
        loops: args.loops,
        ..ValidationConfig::default()
    };
    let v = validation::run(&config, args.out.as_deref())?;
    if args.markdown {
        print!("{}", document(&v));
    } else {
        print!("{}", table(&v));
    }
    if !v.all_pass() {
        bail!("some metrics miss their bounds (marked **no**)");
    }
    Ok(())
}
