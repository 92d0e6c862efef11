//! `innervate analyze`: a recording through the live chain offline, reported as text, JSON or CSV.

use super::filter_args::FilterArgs;
use anyhow::{Context, Result, bail};
use clap::Args;
use innervate::analysis::{AnalyzeOptions, OnsetSignal, analyze, report_csv, report_text};
use innervate::dsp::MusclePair;
use innervate::session::load::open_session;
use innervate::source::{FrameGenerator, SourceError};
use std::path::{Path, PathBuf};

/// `analyze`'s arguments: the recording, the chain's settings and what to report.
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
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
    #[command(flatten)]
    filter: FilterArgs,
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

/// Analyses the file (with a progress bar on stderr) and prints the report. A session is processed as it
/// was recorded (its own filters, pairs, MVC references, left/right pairs and marked sets); flags override.
pub fn run(args: AnalyzeArgs) -> Result<()> {
    let session = open_session(&args.file)?;
    let mut replay = session.replay()?;
    let channels = replay.info().channels();
    let fs = replay.info().sample_rate;
    let total = replay.total_frames();
    let mut options = AnalyzeOptions::for_session(&session);
    options.dsp = args.filter.apply(&options.dsp);
    options.epoch_s = args.epoch;
    options.target_pct_mvc = args.target_pct;
    if let Some(path) = &args.mvc {
        options.mvc_uv = Some(mvc_references(path, &replay.info().channel_names)?);
    }
    if let Some(pairs) = parse_pairs(&args.pairs, channels)? {
        options.pairs = Some(pairs);
    }
    if let Some(lr) = parse_pairs(&args.lr, channels)? {
        options.left_right = lr.into_iter().map(|p| (p.agonist, p.antagonist)).collect();
    }
    if args.tke {
        options.onset_signal = OnsetSignal::TeagerKaiser;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{}", args.file.display()));
    let mut progress = |done: u64| bar.set_position(done);
    let mut writer = match &args.envelope_wav {
        Some(path) => Some(
            hound::WavWriter::create(path, innervate::session::float_wav_spec(channels, fs))
                .with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => None,
    };
    let env_path = args.envelope_wav.clone().unwrap_or_default();
    let mut write_envelope =
        |run: &innervate::analysis::EnvelopeRun<'_>| -> Result<(), SourceError> {
            let Some(w) = writer.as_mut() else {
                return Ok(());
            };
            run.for_each_frame(|env| {
                env.iter().try_for_each(|v| {
                    w.write_sample(*v).map_err(|e| SourceError::File {
                        path: env_path.display().to_string(),
                        reason: e.to_string(),
                    })
                })
            })
        };
    // Only give the pass a sink when the envelopes are wanted.
    let sink: Option<&mut innervate::analysis::EnvelopeSink<'_>> = if args.envelope_wav.is_some() {
        Some(&mut write_envelope)
    } else {
        None
    };
    let report = analyze(&mut replay, &options, &mut progress, sink)?;
    bar.finish_and_clear();
    if let Some(w) = writer {
        w.finalize().context("finishing the envelope WAV")?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if args.csv {
        print!("{}", report_csv(&report));
    } else {
        print!("{}", report_text(&report));
    }
    Ok(())
}

/// `--mvc`: the profile's MVC per channel of the file (0 where it has none), matched by channel name.
fn mvc_references(path: &Path, channel_names: &[String]) -> Result<Vec<f64>> {
    let profile = innervate::calibration::Profile::load(path)?;
    if !path.exists() {
        bail!("--mvc: {} does not exist", path.display());
    }
    let mvc = profile.mvc_for(channel_names);
    if mvc.iter().all(Option::is_none) {
        bail!(
            "--mvc: {} has no MVC for any of this file's channels ({})",
            path.display(),
            channel_names.join(", ")
        );
    }
    Ok(mvc.into_iter().map(|m| m.unwrap_or(0.0)).collect())
}

/// `A:B` pairs of 1-based channel numbers as 0-based pairs; `None` when none were given.
fn parse_pairs(specs: &[String], channels: usize) -> Result<Option<Vec<MusclePair>>> {
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
        pairs.push(MusclePair {
            agonist: num(a)?,
            antagonist: num(b)?,
        });
    }
    Ok(Some(pairs))
}
