//! Training state: the active exercise setup, the set in progress (its live fatigue trend, the hold timer),
//! the summary being computed from the recording when it ends, the finished summary, and the history it
//! is stored in. Starting and ending a set is in [`super::set_flow`]; drawing in [`super::train_view`] and
//! [`super::setup_view`].

use super::live::MuscleSettings;
use crate::analysis::{MarkedSetReport, RecordedSetError};
use crate::dsp::quality::ChannelQuality;
use crate::task::Task;
use crate::training::history_db::{HistoryDb, SetContext};
pub use crate::training::plan::SetMode;
use crate::training::rules::is_working;
use crate::training::setup::{ExerciseSetup, Role};
use crate::training::summary::SetSummary;
use std::path::PathBuf;

/// A set in progress.
#[derive(Clone, Debug)]
pub struct ActiveSet {
    /// Stream time the set began, s.
    pub started_s: f64,
    /// Wall-clock start.
    pub started_at: std::time::SystemTime,
    /// The set's number in its recording (1 = first).
    pub number: u32,
    /// Median frequency of the target muscle once a second while it worked for at least half of that
    /// second: (stream time s, Hz). Only a live view; the summary's slope comes from the recording.
    pub mdf: Vec<(f64, f64)>,
    /// Display points since the last fatigue reading: (with the target muscle working, all).
    pub working_points: (u32, u32),
    /// Reps or hold.
    pub mode: SetMode,
    /// When the target muscle first reached its line during a hold, s.
    pub hold_reached_s: Option<f64>,
}

/// A set that ended and whose summary is being computed from its recording.
#[derive(Debug)]
pub struct PendingSummary {
    /// The background job ([`crate::analysis::summarize_recorded_set`]).
    pub task: Task<Result<MarkedSetReport, RecordedSetError>>,
    /// Who and what the set was, for the history row.
    pub context: SetContext,
    /// The recording it is in.
    pub session_wav: PathBuf,
}

/// A finished set, as shown in the summary.
#[derive(Clone, Debug)]
pub struct FinishedSet {
    /// The set as the analysis reports it: its plan (exercise, muscles), times in the recording and its
    /// summary, the numbers review and `analyze` show.
    pub report: Box<MarkedSetReport>,
    /// The recording it is in.
    pub session_wav: Option<PathBuf>,
    /// Whether the history database took it (and the problem if not).
    pub stored: Result<(), String>,
    /// The training log typed under the summary (for a stored set).
    pub log: Option<super::set_log::LogEntry>,
    /// Each channel's side in the setup the set was done with (for the body map).
    pub sides: Vec<crate::training::setup::Side>,
    /// Which of the set's numbers colours the body map.
    pub map_metric: super::body_map_panel::SetMetric,
}

/// Training state of the window.
#[derive(Default)]
pub struct Training {
    /// The applied exercise setup.
    pub setup: Option<ExerciseSetup>,
    /// The set in progress.
    pub set: Option<ActiveSet>,
    /// Sets whose summaries are being computed, oldest first (a set can end before the last one's summary
    /// is ready; each is stored when it is).
    pub pending: Vec<PendingSummary>,
    /// The last finished set (the summary stays up until dismissed).
    pub finished: Option<FinishedSet>,
    /// Mode for the next set.
    pub next_mode: SetMode,
    /// The recording the last set went into and how many sets it holds, so each set knows its number.
    pub sets_in_recording: Option<(PathBuf, u32)>,
    /// The history database (opened on first use).
    pub db: Option<HistoryDb>,
    /// Where the history database lives.
    pub db_path: PathBuf,
    /// We started the recording for the set (and stop it at the set's end).
    pub(crate) started_recording: bool,
    /// A scheduled set (start, end) in stream time.
    pub(crate) auto_set: Option<(f64, f64)>,
    /// The activation drill panel: settings, the block's cap, the drill in progress and its result.
    pub drill: super::drill::DrillPanel,
}

impl FinishedSet {
    /// The set's numbers.
    pub fn summary(&self) -> &SetSummary {
        &self.report.summary
    }

    /// The exercise it was done as.
    pub fn exercise(&self) -> &str {
        &self.report.plan.exercise
    }
}

impl Training {
    /// Target and competing (antagonist or synergist) channels of the applied setup (target defaults to
    /// channel 0).
    pub fn channels(&self) -> (usize, Option<usize>) {
        let (target, competing) = self.competition();
        (target, competing.map(|(c, _)| c))
    }

    /// The target channel and the competing one with its role ([`ExerciseSetup::competition`]).
    pub fn competition(&self) -> (usize, Option<(usize, Role)>) {
        self.setup
            .as_ref()
            .map_or((0, None), ExerciseSetup::competition)
    }

    /// The share limit of the applied setup, %.
    pub fn share_limit_pct(&self) -> f64 {
        self.setup
            .as_ref()
            .map_or(crate::training::share::DEFAULT_SHARE_LIMIT_PCT, |s| {
                s.share_limit_pct
            })
    }

    /// The history database, opened on first use.
    pub fn db(&mut self) -> Result<&HistoryDb, String> {
        if self.db.is_none() {
            self.db =
                Some(HistoryDb::open_creating_folder(&self.db_path).map_err(|e| e.to_string())?);
        }
        self.db
            .as_ref()
            .ok_or_else(|| "no history database".to_string())
    }

    /// Seconds the current hold has lasted at stream time `now_s` (from when the target muscle reached its
    /// line), if holding.
    pub fn hold_elapsed_s(&self, now_s: f64) -> Option<f64> {
        let set = self.set.as_ref()?;
        (set.mode == SetMode::Hold).then_some(())?;
        set.hold_reached_s.map(|t| now_s - t)
    }

    /// Feeds the set in progress with a display chunk: the hold timer and the live trend's activity count.
    pub fn track_set(&mut self, chunk: &crate::engine::DisplayChunk, muscles: &[MuscleSettings]) {
        let (target, _) = self.channels();
        let Some(set) = self.set.as_mut() else {
            return;
        };
        let line = muscles.get(target).map_or(f32::INFINITY, |m| m.target_uv);
        for p in 0..chunk.points {
            let t = chunk.first_time_s + p as f64 * chunk.step_s;
            let target_uv = chunk.envelope[target.min(15)][p];
            if set.mode == SetMode::Hold && set.hold_reached_s.is_none() && target_uv >= line {
                set.hold_reached_s = Some(t);
            }
            let (on, all) = &mut set.working_points;
            *on += u32::from(is_working(target_uv as f64, line as f64));
            *all += 1;
        }
    }

    /// Feeds the set's live fatigue trend with a signal-quality update (once a second) at stream time
    /// `now_s`: as in the summary, a reading counts only when the target muscle worked for at least half
    /// of the time since the last one ([`crate::dsp::fatigue::MIN_ACTIVE_FRACTION`]).
    pub fn track_fatigue(&mut self, quality: &[ChannelQuality], now_s: f64) {
        let (target, _) = self.channels();
        let Some(set) = self.set.as_mut() else {
            return;
        };
        let (on, all) = std::mem::take(&mut set.working_points);
        let active = all > 0 && on as f64 >= crate::dsp::fatigue::MIN_ACTIVE_FRACTION * all as f64;
        if let Some(mdf) = quality.get(target).and_then(|q| q.median_frequency_hz)
            && active
        {
            set.mdf.push((now_s, mdf));
        }
    }
}
