//! Training a set: the active exercise setup, the set in progress (its display points, the live fatigue
//! trend, the hold timer), the summary when it ends, and the history it is stored in. Drawing is in
//! [`super::train_view`] and [`super::setup_view`].

use super::InnervateApp;
use crate::training::history_db::{HistoryDb, SetRecord};
pub use crate::training::plan::SetMode;
use crate::training::setup::{ExerciseSetup, Role};
use crate::training::summary::{SetInput, SetPoint, SetSummary, summarize};
use std::path::PathBuf;

/// Most display points kept for one set (10 minutes at 100 per second).
const MAX_SET_POINTS: usize = 60_000;

/// A set in progress.
#[derive(Clone, Debug)]
pub struct ActiveSet {
    /// Stream time the set began, s.
    pub started_s: f64,
    /// Wall-clock start.
    pub started_at: std::time::SystemTime,
    /// Target (and antagonist) envelope at every display point.
    pub points: Vec<SetPoint>,
    /// Median frequency of the target muscle once a second: (stream time s, Hz).
    pub mdf: Vec<(f64, f64)>,
    /// Reps or hold.
    pub mode: SetMode,
    /// When the target muscle first reached its line during a hold, s.
    pub hold_reached_s: Option<f64>,
}

/// A finished set, as shown in the summary.
#[derive(Clone, Debug)]
pub struct FinishedSet {
    /// The exercise.
    pub exercise: String,
    /// Target muscle.
    pub muscle: String,
    /// Antagonist, if any.
    pub antagonist: Option<String>,
    /// The numbers.
    pub summary: SetSummary,
    /// The recording it is in.
    pub session_wav: Option<PathBuf>,
    /// Whether the history database took it (and the problem if not).
    pub stored: Result<(), String>,
}

/// Training state of the window.
#[derive(Default)]
pub struct Training {
    /// The applied exercise setup.
    pub setup: Option<ExerciseSetup>,
    /// The set in progress.
    pub set: Option<ActiveSet>,
    /// The last finished set (the summary stays up until dismissed).
    pub finished: Option<FinishedSet>,
    /// Mode for the next set.
    pub next_mode: SetMode,
    /// Sets finished in the current recording.
    pub sets_in_session: u32,
    /// The history database (opened on first use).
    pub db: Option<HistoryDb>,
    /// Where the history database lives.
    pub db_path: PathBuf,
    /// We started the recording for the set (and stop it at the set's end).
    pub(crate) started_recording: bool,
    /// A scheduled set (start, end) in stream time.
    pub(crate) auto_set: Option<(f64, f64)>,
}

impl Training {
    /// Target and antagonist channels of the applied setup (target defaults to channel 0).
    pub fn channels(&self) -> (usize, Option<usize>) {
        let Some(s) = &self.setup else {
            return (0, None);
        };
        if let Some(&(ag, ant)) = s.pairs.first() {
            return (ag, Some(ant));
        }
        let target = s
            .channels
            .iter()
            .position(|c| c.role == Role::Target)
            .unwrap_or(0);
        let antagonist = s.channels.iter().position(|c| c.role == Role::Antagonist);
        (target, antagonist)
    }

    /// The history database, opened on first use.
    pub fn db(&mut self) -> Result<&HistoryDb, String> {
        if self.db.is_none() {
            self.db = Some(HistoryDb::open(&self.db_path).map_err(|e| e.to_string())?);
        }
        self.db
            .as_ref()
            .ok_or_else(|| "no history database".to_string())
    }
}

impl InnervateApp {
    /// Applies an exercise setup: muscle names per channel, targets in %MVC where calibrated, the ratio
    /// limit of its pair.
    pub fn apply_setup(&mut self, setup: ExerciseSetup) {
        for (m, role) in self.muscles.iter_mut().zip(&setup.channels) {
            if !role.muscle.trim().is_empty() {
                m.name = role.muscle.clone();
                m.mvc_uv = None;
            }
        }
        self.apply_profile();
        for m in &mut self.muscles {
            if let Some(mvc) = m.mvc_uv {
                m.target_uv = mvc * setup.target_pct_mvc as f32 / 100.0;
            }
        }
        for p in &mut self.pairs {
            p.ratio_limit = setup.ratio_limit as f32;
        }
        self.settings.last_setup = Some(setup.name.clone());
        self.save_settings();
        self.message = Some(format!("Exercise: {}", setup.name));
        self.training.setup = Some(setup);
    }

    /// The training state.
    pub fn training(&self) -> &Training {
        &self.training
    }

    /// Chooses reps or hold for the next set.
    pub fn set_mode(&mut self, mode: SetMode) {
        self.training.next_mode = mode;
    }

    /// Starts a set (recording it, if nothing is being recorded) or ends the running one.
    pub fn toggle_training_set(&mut self) {
        if self.training.set.is_some() {
            self.end_set();
        } else {
            self.start_set();
        }
    }

    /// Starts a set now.
    pub fn start_set(&mut self) {
        if self.training.set.is_some() {
            return;
        }
        self.training.finished = None;
        if !self.is_recording() {
            self.toggle_recording();
            self.training.started_recording = self.is_recording();
            self.training.sets_in_session = 0;
        }
        if !self.in_set {
            self.toggle_set();
        }
        self.training.set = Some(ActiveSet {
            started_s: self.stream_time_s(),
            started_at: std::time::SystemTime::now(),
            points: Vec::with_capacity(4096),
            mdf: Vec::new(),
            mode: self.training.next_mode,
            hold_reached_s: None,
        });
    }

    /// Ends the set: marks it, stops the recording we started, summarises and stores it.
    pub fn end_set(&mut self) {
        let Some(set) = self.training.set.take() else {
            return;
        };
        if self.in_set {
            self.toggle_set();
        }
        let session_wav = match &self.recording {
            super::RecordingStatus::Recording { path, .. } => Some(path.clone()),
            _ => None,
        };
        if self.training.started_recording {
            self.toggle_recording();
            self.training.started_recording = false;
        }
        let (target, antagonist) = self.training.channels();
        let target_m = &self.muscles[target.min(self.muscles.len() - 1)];
        let ratio_limit = antagonist
            .and_then(|a| self.pairs.iter().find(|p| p.antagonist == a))
            .map(|p| p.ratio_limit as f64)
            .or(self.training.setup.as_ref().map(|s| s.ratio_limit))
            .unwrap_or(crate::training::rules::DEFAULT_RATIO_LIMIT);
        let minutes: Vec<(f64, f64)> = set
            .mdf
            .iter()
            .map(|&(t, f)| ((t - set.started_s) / 60.0, f))
            .collect();
        let summary = summarize(&SetInput {
            points: &set.points,
            target_mvc_uv: target_m.mvc_uv.map(f64::from),
            antagonist_mvc_uv: antagonist
                .and_then(|a| self.muscles.get(a))
                .and_then(|m| m.mvc_uv.map(f64::from)),
            target_level_uv: target_m.target_uv as f64,
            ratio_limit,
            rms_window_s: self.engine.dsp_config().envelope_window_s,
            fatigue: crate::dsp::fatigue::fatigue_trend(
                minutes.iter().map(|&(m, f)| crate::dsp::fatigue::EpochMdf {
                    mid_s: m * 60.0,
                    mdf_hz: Some(f),
                    active_fraction: 1.0,
                }),
                self.engine.info().sample_rate,
            ),
        });
        let exercise = self
            .training
            .setup
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "Free training".into());
        let muscle = target_m.name.clone();
        let antagonist_name = antagonist
            .and_then(|a| self.muscles.get(a))
            .map(|m| m.name.clone());
        self.training.sets_in_session += 1;
        let record = SetRecord {
            id: None,
            started_at: humantime::format_rfc3339_millis(set.started_at).to_string(),
            exercise: exercise.clone(),
            muscle: muscle.clone(),
            antagonist: antagonist_name.clone(),
            session_wav: session_wav.as_ref().map(|p| {
                std::path::absolute(p)
                    .unwrap_or(p.clone())
                    .display()
                    .to_string()
            }),
            set_in_session: self.training.sets_in_session,
            duration_s: summary.duration_s,
            reps: summary.reps as u32,
            good_reps: summary.good_reps as u32,
            peak_pct_mvc: summary.peak_pct_mvc,
            peak_uv: summary.peak_uv,
            mean_pct_mvc: summary.mean_pct_mvc,
            time_above_target_s: summary.time_above_target_s,
            cci_pct: summary.cci_pct,
            fatigue_slope_hz_per_min: summary.fatigue_slope_hz_per_min,
            score: summary.score,
        };
        let stored = self
            .training
            .db()
            .and_then(|db| db.insert_set(&record).map_err(|e| e.to_string()))
            .map(|_| ());
        self.training.finished = Some(FinishedSet {
            exercise,
            muscle,
            antagonist: antagonist_name,
            summary,
            session_wav,
            stored,
        });
    }

    /// Starts a set `delay_s` seconds of stream time from now and ends it `length_s` later (demos and
    /// screenshots; the first exercise template is applied if none is).
    pub fn schedule_auto_set(&mut self, delay_s: f64, length_s: f64) {
        if self.training.setup.is_none() {
            let n = self.muscles.len();
            let mut s = ExerciseSetup::from_template(&crate::training::presets::EXERCISES[0]);
            s.channels.truncate(n);
            s.pairs.retain(|&(a, b)| a < n && b < n);
            self.apply_setup(s);
        }
        let now = self.stream_time_s();
        self.training.auto_set = Some((now + delay_s, now + delay_s + length_s));
    }

    /// Runs a scheduled set (called from `ingest`).
    pub(crate) fn run_auto_set(&mut self) {
        let Some((start, end)) = self.training.auto_set else {
            return;
        };
        let now = self.stream_time_s();
        if now >= start && self.training.set.is_none() && now < end {
            self.start_set();
        } else if now >= end && self.training.set.is_some() {
            self.end_set();
            self.training.auto_set = None;
        }
    }

    /// Closes the summary.
    pub fn dismiss_summary(&mut self) {
        self.training.finished = None;
    }

    /// Feeds the set in progress with a display chunk (called from `ingest`).
    pub(crate) fn track_set(&mut self, chunk: &crate::engine::DisplayChunk) {
        let (target, antagonist) = self.training.channels();
        let Some(set) = self.training.set.as_mut() else {
            return;
        };
        let line = self
            .muscles
            .get(target)
            .map_or(f32::INFINITY, |m| m.target_uv);
        for p in 0..chunk.points {
            if set.points.len() >= MAX_SET_POINTS {
                break;
            }
            let t = chunk.first_time_s + p as f64 * chunk.step_s;
            let target_uv = chunk.envelope[target.min(15)][p];
            if set.mode == SetMode::Hold && set.hold_reached_s.is_none() && target_uv >= line {
                set.hold_reached_s = Some(t);
            }
            set.points.push(SetPoint {
                t,
                target_uv,
                antagonist_uv: antagonist.map(|a| chunk.envelope[a.min(15)][p]),
            });
        }
    }

    /// Feeds the set's fatigue trend with a signal-quality update (once a second).
    pub(crate) fn track_fatigue(&mut self) {
        let (target, _) = self.training.channels();
        let now = self.stream_time_s();
        if let (Some(set), Some(q)) = (self.training.set.as_mut(), self.quality.get(target))
            && let Some(mdf) = q.median_frequency_hz
        {
            set.mdf.push((now, mdf));
        }
    }

    /// Seconds the current hold has lasted (from when the target muscle reached its line), if holding.
    pub fn hold_elapsed_s(&self) -> Option<f64> {
        let set = self.training.set.as_ref()?;
        (set.mode == SetMode::Hold).then_some(())?;
        set.hold_reached_s.map(|t| self.stream_time_s() - t)
    }
}
