//! `innervate history import`: checks every argument first, summarises the recording's sets, then stores
//! them all in one transaction, so a bad argument or a bad file leaves the history as it was.

use anyhow::{Result, bail};
use clap::Args;
use innervate::analysis::history_import::{ImportSpec, import_sets};
use innervate::calibration::Profile;
use innervate::training::history_db::{CompetitorRole, HistoryDb, Load, SetLog, parse_felt};
use std::path::{Path, PathBuf};

/// `history import`'s arguments.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The recording (an Innervate session WAV, or any WAV).
    file: PathBuf,
    /// The exercise the sets were.
    #[arg(long)]
    exercise: String,
    /// The target muscle's channel: its number from 1 or its name.
    #[arg(long, value_name = "CH")]
    target: String,
    /// The target muscle's name (needed when the recording does not name its channels).
    #[arg(long)]
    muscle: Option<String>,
    /// The antagonist's channel (co-contraction is measured against it).
    #[arg(long, value_name = "CH", conflicts_with = "synergist")]
    antagonist: Option<String>,
    /// A synergist's channel (a helper muscle that tends to take over).
    #[arg(long, value_name = "CH")]
    synergist: Option<String>,
    /// The target's MVC reference in microvolts (else the recording's, else the profile's; without one
    /// the sets are stored in microvolts).
    #[arg(long, value_name = "UV", allow_negative_numbers = true)]
    mvc: Option<f64>,
    /// The profile whose MVC of the target muscle is used when the recording has none.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The load of every imported set, with its unit: 40kg or 90lb.
    #[arg(long)]
    load: Option<String>,
    /// Felt activation of the target, 1 to 10.
    #[arg(long)]
    felt: Option<String>,
    /// Replace the sets already imported from this recording (otherwise importing it twice is refused).
    #[arg(long)]
    replace: bool,
}

/// Imports the recording's sets into the history at `db_path`.
pub fn run(args: ImportArgs, db_path: &Path) -> Result<()> {
    let load = args.load.as_deref().map(Load::parse).transpose()?;
    let felt = args.felt.as_deref().map(parse_felt).transpose()?;
    let profile = match &args.profile {
        Some(name) => Some(Profile::load(&super::super::gui::profile_path(name)?)?),
        None => None,
    };
    let competitor = match (&args.antagonist, &args.synergist) {
        (Some(ch), _) => Some((ch.clone(), CompetitorRole::Antagonist)),
        (None, Some(ch)) => Some((ch.clone(), CompetitorRole::Synergist)),
        (None, None) => None,
    };
    let spec = ImportSpec {
        exercise: args.exercise.trim().to_owned(),
        target: args.target.clone(),
        muscle: args.muscle.as_deref().map(str::trim).map(str::to_owned),
        competitor,
        mvc_uv: args.mvc,
        profile,
        log: SetLog {
            felt,
            load,
            ..SetLog::default()
        },
    };
    if spec.exercise.is_empty() {
        bail!("--exercise needs a name");
    }
    let records = import_sets(&args.file, &spec)?;
    if records.is_empty() {
        bail!("{}: no set could be summarised", args.file.display());
    }
    let mut db = HistoryDb::open_creating_folder(db_path)?;
    let wav = records[0].session_wav.clone().unwrap_or_default();
    let already = db.count_session(&wav)?;
    if already > 0 && !args.replace {
        bail!(
            "{} is already in the history ({already} sets); add --replace to import it again",
            args.file.display()
        );
    }
    db.replace_session(&wav, &records)?;
    for r in &records {
        let (peak, unit) = match r.peak_pct_mvc {
            Some(p) => (p, "%MVC"),
            None => (r.peak_uv, "uV"),
        };
        println!(
            "set {} of {}: {} on {}, {} reps, peak {peak:.1} {unit}, score {}/10",
            r.set_in_session,
            args.file.display(),
            r.exercise,
            r.muscle,
            r.reps,
            r.score
        );
    }
    println!("{} sets stored in {}", records.len(), db_path.display());
    Ok(())
}
