//! `innervate history`: the training log from the command line. `rank`, `feel` and `load` print the
//! insights of [`innervate::training::insights`] (text, `--json` or `--csv`), `import` adds a recording's
//! sets, `export` writes every stored field for spreadsheets and physios.

mod import;
mod output;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use innervate::training::history_db::{HistoryDb, SetFilter};
use innervate::training::{history_csv, insights};
use std::path::{Path, PathBuf};

/// `history`'s arguments.
#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// The training history database [default: history.sqlite in the platform data folder's sessions].
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: HistoryCommand,
}

#[derive(Subcommand, Debug)]
enum HistoryCommand {
    /// Every exercise a muscle was the target in, ranked by the median over sets of the peak activation
    /// (then the mean activation), with the competing muscle's CCI or share, sets and days.
    Rank {
        /// The target muscle, as stored (e.g. "Biceps brachii").
        #[arg(long)]
        muscle: String,
        #[command(flatten)]
        format: Format,
    },
    /// Felt activation (1-10) against the measured activation score (1-10) per set, how often and by how
    /// much they disagree, and the gap week by week.
    Feel {
        /// The target muscle.
        #[arg(long)]
        muscle: String,
        #[command(flatten)]
        format: Format,
    },
    /// An exercise's measured activation per load and week (does activation rise at the same load?).
    Load {
        /// The exercise.
        #[arg(long)]
        exercise: String,
        #[command(flatten)]
        format: Format,
    },
    /// Add the sets marked in a recording (or its whole span when none is marked) to the history.
    Import(import::ImportArgs),
    /// Write every stored field of the sets (all, or those chosen) as CSV or JSON to stdout.
    Export {
        /// CSV with a header line (columns: docs/HISTORY.md).
        #[arg(long, required_unless_present = "json", conflicts_with = "json")]
        csv: bool,
        /// A JSON array of sets.
        #[arg(long)]
        json: bool,
        /// Only sets from this day on (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// Only sets up to this day (YYYY-MM-DD, UTC, inclusive).
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        /// Only sets of this target muscle.
        #[arg(long)]
        muscle: Option<String>,
        /// Only sets of this exercise.
        #[arg(long)]
        exercise: Option<String>,
    },
}

/// How a report is printed.
#[derive(Args, Debug, Clone, Copy)]
struct Format {
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV.
    #[arg(long)]
    csv: bool,
}

/// Runs a `history` subcommand.
pub fn run(args: HistoryArgs) -> Result<()> {
    let path = db_path(args.db);
    let out = match args.command {
        HistoryCommand::Import(a) => return import::run(a, &path),
        HistoryCommand::Rank { muscle, format } => {
            let db = existing(&path)?;
            let sets = db.sets(None, Some(&muscle))?;
            let ranking = insights::rank_exercises(&sets, &muscle);
            if ranking.exercises.is_empty() {
                bail!(
                    "no sets of the muscle `{muscle}` in {}; its muscles are: {}",
                    path.display(),
                    db.all_muscles()?.join(", ")
                );
            }
            output::rank(&ranking, format.json, format.csv)?
        }
        HistoryCommand::Feel { muscle, format } => {
            let sets = existing(&path)?.sets(None, Some(&muscle))?;
            let report = insights::feel_vs_measured(&sets, &muscle);
            output::feel(&report, format.json, format.csv)?
        }
        HistoryCommand::Load { exercise, format } => {
            let sets = existing(&path)?.sets(Some(&exercise), None)?;
            let report = insights::activation_by_load(&sets, &exercise);
            output::load(&report, format.json, format.csv)?
        }
        HistoryCommand::Export {
            csv: _,
            json,
            from,
            to,
            muscle,
            exercise,
        } => {
            let filter = SetFilter {
                exercise,
                muscle,
                from_day: from.map(|d| day(&d, "--from")).transpose()?,
                to_day: to.map(|d| day(&d, "--to")).transpose()?,
            };
            let sets = existing(&path)?.sets_matching(&filter)?;
            if json {
                serde_json::to_string_pretty(&sets)? + "\n"
            } else {
                history_csv::to_csv(&sets)
            }
        }
    };
    print!("{out}");
    Ok(())
}

/// Opens a history that must already exist (reading never creates one).
fn existing(path: &Path) -> Result<HistoryDb> {
    if !path.is_file() {
        bail!(
            "no training history at {} (train a set or `innervate history import` a recording first)",
            path.display()
        );
    }
    HistoryDb::open(path).with_context(|| "reading the training history".to_string())
}

/// The history database: the one given, else history.sqlite in the data folder's sessions (`report
/// --history` chooses it the same way).
pub(super) fn db_path(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| super::gui::data_root().join("sessions/history.sqlite"))
}

/// A day as `YYYY-MM-DD`, checked.
pub(super) fn day(text: &str, flag: &str) -> Result<String> {
    let t = text.trim();
    if t.len() != 10 || insights::days_since_epoch(t).is_none() {
        bail!("{flag} takes a day as YYYY-MM-DD, not `{text}`");
    }
    Ok(t.to_owned())
}
