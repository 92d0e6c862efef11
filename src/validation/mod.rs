//! Every analysis metric measured against the truth of the simulated board: the board knows its own
//! amplitude, its bursts, its spectrum and co-contraction at every moment (see
//! [`crate::source::simulator`] and [`crate::source::workout`] for the model), so `innervate validate`
//! records it, analyses the recording as `innervate analyze` does, and reports each metric's error with
//! the bound it must meet. docs/VALIDATION.md is this module's output.

pub mod metrics;
pub mod truth;

use crate::analysis::{AnalyzeError, AnalyzeOptions, Report, analyze};
use crate::source::simulator::{SimConfig, Simulator};
use crate::source::{FrameGenerator, SourceError, StreamInfo, workout};
use serde::Serialize;
use std::path::Path;

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationConfig {
    /// The board: channels (agonist/antagonist pairs), rate, seed, mains.
    pub sim: SimConfig,
    /// Workout loops to record (each: rest, a set of 8 reps, rest, an isometric hold, rest).
    pub loops: usize,
}

impl Default for ValidationConfig {
    /// Four pairs at 2 kHz, six loops (about 5.6 min: enough working epochs, over 600, for the spectral
    /// biases' standard error to be a fraction of their 1 Hz bound).
    fn default() -> Self {
        Self {
            sim: SimConfig {
                channels: 8,
                sample_rate: 2000.0,
                seed: 1,
                mains_hz: 50.0,
            },
            loops: 6,
        }
    }
}

impl ValidationConfig {
    /// Seconds recorded: the loops plus the later pairs' head start.
    pub fn seconds(&self) -> f64 {
        self.loops as f64 * workout::LOOP_S + 3.0
    }
}

/// One metric's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricRow {
    /// What is measured.
    pub metric: String,
    /// How it is defined and compared.
    pub definition: String,
    /// What was measured.
    pub result: String,
    /// What it must meet.
    pub bound: String,
    /// Whether it meets it.
    pub pass: bool,
}

/// A validation run: the rows and the report they came from.
#[derive(Clone, Debug)]
pub struct Validation {
    /// The settings.
    pub config: ValidationConfig,
    /// One row per metric.
    pub rows: Vec<MetricRow>,
    /// The analysis of the simulated recording.
    pub report: Report,
    /// Envelope gain per channel (measured / true amplitude, least squares).
    pub gains: Vec<f64>,
}

impl Validation {
    /// True when every metric meets its bound.
    pub fn all_pass(&self) -> bool {
        self.rows.iter().all(|r| r.pass)
    }
}

/// Why a validation run failed.
#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    /// The board could not be made.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The analysis failed.
    #[error(transparent)]
    Analyze(#[from] AnalyzeError),
    /// Writing the recording or its truth failed.
    #[error("writing {path}: {reason}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Simulates, analyses and measures. With `out`, the recording (`synthetic.wav`) and its truth
/// (`synthetic.truth.json`) are written there too, so anyone can check the numbers with other tools.
pub fn run(config: &ValidationConfig, out: Option<&Path>) -> Result<Validation, ValidationError> {
    let fs = config.sim.sample_rate;
    let frames = (config.seconds() * fs).round() as u64;
    let truth_sim = Simulator::new(config.sim.clone())?;
    let channels = config.sim.channels;
    let writer = match out {
        Some(dir) => Some(wav_writer(&dir.join("synthetic.wav"), channels, fs)?),
        None => None,
    };
    let mut source = Recorded {
        sim: Simulator::new(config.sim.clone())?,
        left: frames,
        writer,
    };
    let options = AnalyzeOptions {
        mvc_uv: Some((0..channels).map(|c| truth_sim.truth_mvc_uv(c)).collect()),
        ..AnalyzeOptions::default()
    };
    // Envelope gain: least squares of the measured envelope on the true amplitude, every sample.
    let mut sums = vec![(0.0f64, 0.0f64); channels];
    let mut n = 0u64;
    let mut sink = |run: &crate::analysis::EnvelopeRun<'_>| -> Result<(), SourceError> {
        run.for_each_frame(|e| {
            for (c, s) in sums.iter_mut().enumerate() {
                let t = truth_sim.truth_envelope(c, n);
                s.0 += e[c] as f64 * t;
                s.1 += t * t;
            }
            n += 1;
            Ok(())
        })
    };
    let report = analyze(&mut source, &options, &mut |_| {}, Some(&mut sink))?;
    if let Some(w) = source.writer.take() {
        w.finalize().map_err(|e| ValidationError::Write {
            path: "synthetic.wav".into(),
            reason: e.to_string(),
        })?;
    }
    let gains: Vec<f64> = sums
        .iter()
        .map(|(mt, tt)| if *tt > 0.0 { mt / tt } else { 0.0 })
        .collect();
    let truth = truth::Truth::new(&truth_sim, fs, &report.processing);
    let rows = metrics::rows(&report, &truth, &gains, config.seconds(), &options);
    if let Some(dir) = out {
        write_truth(&dir.join("synthetic.truth.json"), &report, &truth, config)?;
    }
    Ok(Validation {
        config: config.clone(),
        rows,
        report,
        gains,
    })
}

/// The rows as a Markdown table.
pub fn table(v: &Validation) -> String {
    let mut out = String::from(
        "| metric | definition | result | bound | met |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in &v.rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.metric,
            r.definition,
            r.result,
            r.bound,
            if r.pass { "yes" } else { "**no**" }
        ));
    }
    out
}

/// The simulated board cut to a number of frames, optionally writing what it delivers to a WAV.
struct Recorded {
    sim: Simulator,
    left: u64,
    writer: Option<hound::WavWriter<std::io::BufWriter<std::fs::File>>>,
}

impl FrameGenerator for Recorded {
    fn info(&self) -> &StreamInfo {
        self.sim.info()
    }

    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        if self.left == 0 {
            return Ok(false);
        }
        self.left -= 1;
        let more = self.sim.next_frame(frame)?;
        if let (true, Some(w)) = (more, self.writer.as_mut()) {
            for v in frame.iter() {
                w.write_sample(*v).map_err(|e| SourceError::File {
                    path: "synthetic.wav".into(),
                    reason: e.to_string(),
                })?;
            }
        }
        Ok(more)
    }
}

fn wav_writer(
    path: &Path,
    channels: usize,
    fs: f64,
) -> Result<hound::WavWriter<std::io::BufWriter<std::fs::File>>, ValidationError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ValidationError::Write {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    hound::WavWriter::create(path, crate::session::float_wav_spec(channels, fs)).map_err(|e| {
        ValidationError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    })
}

/// The truth file: per channel its MVC and, per epoch, its activation (at the centre and at its lowest), MDF and MNF; per pair the reps the
/// board performed (with which ones co-contracted).
fn write_truth(
    path: &Path,
    report: &Report,
    truth: &truth::Truth,
    config: &ValidationConfig,
) -> Result<(), ValidationError> {
    #[derive(Serialize)]
    struct ChannelTruth {
        name: String,
        mvc_uv: f64,
        epochs: Vec<truth::TrueEpoch>,
    }
    #[derive(Serialize)]
    struct PairTruth {
        agonist: usize,
        antagonist: usize,
        reps: Vec<(f64, f64, bool)>,
    }
    #[derive(Serialize)]
    struct TruthFile {
        model: &'static str,
        sample_rate_hz: f64,
        seconds: f64,
        seed: u64,
        channels: Vec<ChannelTruth>,
        pairs: Vec<PairTruth>,
    }
    let file = TruthFile {
        model: "innervate simulated board: see src/source/simulator.rs and src/source/workout.rs",
        sample_rate_hz: config.sim.sample_rate,
        seconds: config.seconds(),
        seed: config.sim.seed,
        channels: report
            .channels
            .iter()
            .enumerate()
            .map(|(c, ch)| ChannelTruth {
                name: ch.name.clone(),
                mvc_uv: truth.sim.truth_mvc_uv(c),
                epochs: ch
                    .epochs
                    .iter()
                    .map(|e| truth.epoch(c, e.start_s, report.epoch_s))
                    .collect(),
            })
            .collect(),
        pairs: report
            .pairs
            .iter()
            .map(|pr| PairTruth {
                agonist: pr.agonist,
                antagonist: pr.antagonist,
                reps: truth
                    .sim
                    .truth_reps(pr.agonist, 0.0, config.seconds())
                    .into_iter()
                    .map(|r| (r.onset_s, r.offset_s, r.co_contracted))
                    .collect(),
            })
            .collect(),
    };
    crate::fsio::write_json_atomic(path, &file).map_err(|e| ValidationError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// docs/VALIDATION.md: the model, the table, the agreement with SciPy on real recordings, the known limits
/// and how to reproduce it.
pub fn document(v: &Validation) -> String {
    let c = &v.config;
    format!(
        "# Validation\n\n\
         Each number Innervate reports, measured against a signal whose truth is known. Produced by \
         `innervate validate --markdown > docs/VALIDATION.md` (this file is that command's output; \
         `tests/validation.rs` checks every bound on the same run). `innervate validate --out DIR` also \
         writes the recording (`synthetic.wav`) and its truth (`synthetic.truth.json`: per channel its MVC and, \
         per epoch, its activation (at the centre and at its lowest), MDF and MNF; per pair the reps the board performed) so other tools can \
         check them.\n\n\
         ## The synthetic recording\n\n\
         The simulated board (`src/source/simulator.rs`, `src/source/workout.rs`): {ch} channels in \
         agonist/antagonist pairs at {fs} Hz, seed {seed}, {loops} workout loops ({secs:.0} s). Per channel, \
         Gaussian noise shaped to an sEMG spectrum (high-pass 30 Hz, two low-passes at 120 Hz that slide down \
         as the muscle tires, so the median frequency falls linearly through each set and hold) times an \
         amplitude that follows the workout: rest, a set of 8 reps (1 s concentric, 0.5 s top, 2 s eccentric, \
         0.5 s bottom; every third rep the antagonist co-contracts at 60 % of the agonist), rest, a 10 s \
         isometric hold, rest. Plus mains hum (50 Hz and its third harmonic, 10-30 uV), baseline wander, a DC \
         offset, a 2-4 uV EMG floor and 1 uV electrode noise: about 20 dB of signal over noise at 20 %MVC. \
         Each later pair runs the workout 0.7 s later. The board knows at every moment its true amplitude, \
         activation, MDF and MNF, and its reps.\n\n\
         ## Metrics against the truth\n\n{table}\n\
         Envelope gains per channel: {gains}.\n\n\
         A row marked **no** is a target not met yet. What the spectral biases are made of: the truth is the \
         spectrum the epoch really holds (each moment's spectrum weighted by its power, so the fatigue slide \
         and the reps' rise and fall within an epoch are in it); the board's hum, wander and electrode noise \
         play no part. The bias is the Welch estimate's own: on stationary noise with the board's spectrum \
         through the same chain (`scripts/welch_bias.py`, 3000 one-second epochs, SciPy) the quarter-second \
         (512-sample) segments read the MDF +0.65 Hz (+- 0.1) high at the working muscle's spectrum: about +0.4 Hz is \
         leakage (the Hann kernel carries power across the band's 20 Hz edge) and the rest comes from \
         averaging per-epoch ratios of a spectrum estimated from only six segments. 256-sample segments read about \
         +1 Hz.\n\n\
         ## Agreement with SciPy on real recordings\n\n\
         `cargo test --test analyze_real` runs `analyze` on the real recordings in `tests/data/real` and \
         compares with an independent SciPy implementation (`tests/reference/gen_analyze_reference.py`, \
         regenerated by `bash tests/reference/regenerate.sh`): envelopes sample by sample (bit-identical), \
         MDF and MNF per 1 s epoch and Falconer & Winter per 100 ms window within 1e-3.\n\n\
         ## Known limits\n\n\
         - Below 1 kHz (OpenBCI Cyton at 250 Hz, Daisy at 125 Hz) the band-pass edge is clamped to 0.45 fs and \
           spectral numbers are reported as unreliable: fatigue slopes are not given as numbers.\n\
         - One set's fatigue slope rests on about 25 active one-second epochs over 30 s whose MDF scatters by \
           about 5 Hz: its standard error is about a quarter of a typical set's slope, so a single set can be \
           off by half (the worst set above) while the pooled slope over sets is within a few percent. Judge \
           fatigue over several sets, or over a long hold.\n\
         - At low signal-to-noise (an antagonist at a few %MVC) the MDF drifts towards the noise floor's: \
           those epochs are not active and do not enter fatigue slopes, and a muscle with fewer than 10 \
           active epochs over 20 s gets no slope at all.\n\
         - Edges are placed where the activity crosses the detector's threshold; a slow ramp's true start lies \
           earlier, where no threshold can see it in noise.\n",
        ch = c.sim.channels,
        fs = c.sim.sample_rate,
        seed = c.sim.seed,
        loops = c.loops,
        secs = c.seconds(),
        table = table(v),
        gains = v
            .gains
            .iter()
            .map(|g| format!("{g:.3}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}
