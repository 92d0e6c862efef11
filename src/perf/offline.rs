//! `innervate bench offline`: a long simulated recording through `innervate analyze` next to a SciPy
//! band-pass + notch + RMS script, and through the EDF+ and CSV exports next to a plain copy, all in the same
//! run (each tool as a child process, so its wall time and peak resident memory are its own).

use super::child::{ChildError, measure};
use super::offline_report::{Baseline, OfflineReport};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Channels of the benchmark recording.
pub const CHANNELS: usize = 16;
/// Sample rate of the benchmark recording, Hz.
pub const RATE_HZ: u32 = 2000;

/// What to run.
#[derive(Clone, Debug)]
pub struct OfflineOptions {
    /// The `innervate` executable to run as the child processes (normally the current one).
    pub exe: PathBuf,
    /// The project folder holding `scripts/` (the SciPy script and the Python environment script).
    pub project_root: PathBuf,
    /// Length of the recording, s.
    pub duration_s: f64,
    /// Keep the files in this folder (and reuse a recording of the right length found there); `None`: a
    /// temporary folder, deleted afterwards.
    pub dir: Option<PathBuf>,
    /// Run the SciPy baseline (`false`: the report says it was skipped on request).
    pub scipy: bool,
    /// Times `analyze` and the SciPy script each run, alternating; the report takes each one's median
    /// (the machine may be shared: one run can be unlucky).
    pub runs: usize,
}

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// A file or folder could not be made, read or copied.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// One of the measured commands failed.
    #[error(transparent)]
    Child(#[from] ChildError),
    /// The SciPy script's output was not what it prints.
    #[error("the SciPy script printed {0:?}, not its JSON line")]
    Baseline(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> OfflineError + '_ {
    move |source| OfflineError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The working folder: removed on drop unless the user chose it.
struct WorkDir {
    path: PathBuf,
    keep: bool,
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The machine in words: cores, CPU model and memory (from /proc where there is one).
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(String::new(), |kb| format!(", {:.0} GiB", kb / 1_048_576.0));
    format!("{cores} cores ({cpu}){mem}")
}

/// Shell-like text of a command for the report.
fn shown(program: &Path, args: &[&std::ffi::OsStr]) -> String {
    std::iter::once(program.as_os_str())
        .chain(args.iter().copied())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `program args` measured, noting the command in `commands`.
fn run(
    what: &str,
    program: &Path,
    args: &[&std::ffi::OsStr],
    env: Option<(&str, &Path)>,
    commands: &mut Vec<String>,
) -> Result<super::child::ChildCost, OfflineError> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let prefix = match env {
        Some((key, value)) => {
            cmd.env(key, value);
            format!("{key}={} ", value.display())
        }
        None => String::new(),
    };
    commands.push(format!("{prefix}{}", shown(program, args)));
    Ok(measure(what, &mut cmd)?)
}

/// Whether `wav` already holds the benchmark recording of `frames` frames.
fn is_recording(wav: &Path, frames: u64) -> bool {
    hound::WavReader::open(wav).is_ok_and(|r| {
        let s = r.spec();
        s.channels as usize == CHANNELS && s.sample_rate == RATE_HZ && r.duration() as u64 == frames
    })
}

/// The folder to PYTHONPATH for numpy and SciPy (through `scripts/python-env.sh`), or why there is none.
fn python_env(root: &Path, commands: &mut Vec<String>) -> Result<PathBuf, String> {
    let script = root.join("scripts/python-env.sh");
    let how = format!(
        "install Python 3 with pip, then run `{}` (it installs numpy and SciPy into target/python-ref)",
        script.display()
    );
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        return Err(format!("python3 was not found: {how}"));
    }
    commands.push(script.display().to_string());
    let out = Command::new("bash")
        .arg(&script)
        .output()
        .map_err(|e| format!("{}: {e}: {how}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed ({}): {how}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// The SciPy script on `wav`: measured, skipped on request, or skipped with what to run.
fn scipy_baseline(
    options: &OfflineOptions,
    wav: &Path,
    commands: &mut Vec<String>,
) -> Result<Baseline, OfflineError> {
    if !options.scipy {
        return Ok(Baseline::Skipped("on request (--no-scipy)".into()));
    }
    let pythonpath = match python_env(&options.project_root, commands) {
        Ok(p) => p,
        Err(why) => return Ok(Baseline::Skipped(why)),
    };
    let script = options.project_root.join("scripts/offline_baseline.py");
    let cost = run(
        "the SciPy baseline",
        Path::new("python3"),
        &[script.as_os_str(), wav.as_os_str()],
        Some(("PYTHONPATH", &pythonpath)),
        commands,
    )?;
    let text = String::from_utf8_lossy(&cost.stdout).trim().to_string();
    let script_s = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["wall_s"].as_f64())
        .ok_or(OfflineError::Baseline(text))?;
    Ok(Baseline::Measured {
        script_s,
        process_s: cost.wall_s,
        max_rss_kb: cost.max_rss_kb,
    })
}

/// The middle value (the mean of the two middle ones for an even count); 0 for none.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The SciPy runs' medians (a skipped baseline stays skipped, with its reason).
fn median_baseline(runs: Vec<Baseline>) -> Baseline {
    let (mut script, mut process, mut rss) = (Vec::new(), Vec::new(), 0);
    for b in runs {
        match b {
            Baseline::Measured {
                script_s,
                process_s,
                max_rss_kb,
            } => {
                script.push(script_s);
                process.push(process_s);
                rss = rss.max(max_rss_kb);
            }
            skipped @ Baseline::Skipped(_) => return skipped,
        }
    }
    Baseline::Measured {
        script_s: median(&mut script),
        process_s: median(&mut process),
        max_rss_kb: rss,
    }
}

/// Generates (or reuses) the recording, measures everything and returns the report. `progress` hears what
/// is being done, a line at a time.
pub fn bench_offline(
    options: &OfflineOptions,
    mut progress: impl FnMut(&str),
) -> Result<OfflineReport, OfflineError> {
    let work = match &options.dir {
        Some(d) => WorkDir {
            path: d.clone(),
            keep: true,
        },
        None => WorkDir {
            path: std::env::temp_dir()
                .join(format!("innervate-bench-offline-{}", std::process::id())),
            keep: false,
        },
    };
    std::fs::create_dir_all(&work.path).map_err(io_err(&work.path))?;
    let dir = work.path.clone();
    let wav = dir.join("h1.wav");
    let exe = options.exe.as_path();
    let mut commands = Vec::new();
    let frames = (options.duration_s * RATE_HZ as f64).round() as u64;
    let duration = options.duration_s.to_string();
    let (channels, rate) = (CHANNELS.to_string(), RATE_HZ.to_string());
    let record_args = [
        "record",
        "--source",
        "sim",
        "--channels",
        &channels,
        "--rate",
        &rate,
        "--duration",
        &duration,
        "--fast",
        "--out",
    ];
    let record: Vec<&std::ffi::OsStr> = record_args
        .iter()
        .map(std::ffi::OsStr::new)
        .chain([wav.as_os_str()])
        .collect();
    if is_recording(&wav, frames) {
        progress(&format!("reusing {}", wav.display()));
        commands.push(format!("# reused: {}", shown(exe, &record)));
    } else {
        progress(&format!("recording {} s to {}", duration, wav.display()));
        run("innervate record", exe, &record, None, &mut commands)?;
    }
    let wav_bytes = std::fs::metadata(&wav).map_err(io_err(&wav))?.len();
    let os = std::ffi::OsStr::new;

    let (mut analyze_s, mut analyze_rss_kb, mut baselines) = (Vec::new(), 0, Vec::new());
    for k in 0..options.runs.max(1) {
        progress(&format!("innervate analyze (run {})", k + 1));
        let mut shown_commands = Vec::new();
        let analyze = run(
            "innervate analyze",
            exe,
            &[os("analyze"), wav.as_os_str()],
            None,
            &mut shown_commands,
        )?;
        analyze_s.push(analyze.wall_s);
        analyze_rss_kb = analyze_rss_kb.max(analyze.max_rss_kb);
        progress(&format!("SciPy baseline (run {})", k + 1));
        baselines.push(scipy_baseline(options, &wav, &mut shown_commands)?);
        if k == 0 {
            commands.append(&mut shown_commands);
        }
    }
    let scipy = median_baseline(baselines);

    progress("plain copy");
    let copy = dir.join("copy.wav");
    let _ = std::fs::remove_file(&copy);
    let copy_s = {
        let start = Instant::now();
        std::fs::copy(&wav, &copy).map_err(io_err(&copy))?;
        start.elapsed().as_secs_f64()
    };
    commands.push(format!(
        "# std::fs::copy({}, {})",
        wav.display(),
        copy.display()
    ));
    let _ = std::fs::remove_file(&copy);
    let mut export = |to: &str, commands: &mut Vec<String>| -> Result<(f64, u64), OfflineError> {
        progress(&format!("innervate export --to {to}"));
        let out = dir.join(format!("h1.{to}"));
        // A new file, as the copy writes (rewriting a kept one would also pay for freeing its blocks).
        let _ = std::fs::remove_file(&out);
        let cost = run(
            &format!("innervate export --to {to}"),
            exe,
            &[
                os("export"),
                wav.as_os_str(),
                os("--to"),
                os(to),
                os("--out"),
                out.as_os_str(),
            ],
            None,
            commands,
        )?;
        let bytes = std::fs::metadata(&out).map_err(io_err(&out))?.len();
        if !work.keep {
            let _ = std::fs::remove_file(&out);
        }
        Ok((cost.wall_s, bytes))
    };
    let (edf_s, _) = export("edf", &mut commands)?;
    let (csv_s, csv_bytes) = export("csv", &mut commands)?;
    Ok(OfflineReport {
        machine: machine(),
        duration_s: frames as f64 / RATE_HZ as f64,
        layout: format!("{CHANNELS} ch x {RATE_HZ} Hz"),
        wav_bytes,
        analyze_s: median(&mut analyze_s),
        analyze_rss_kb,
        runs: options.runs.max(1),
        scipy,
        copy_s,
        edf_s,
        csv_s,
        csv_bytes,
        commands,
    })
}
