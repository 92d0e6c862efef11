//! Training state: the active exercise setup, the set in progress (its display points, the live fatigue
//! trend, the hold timer), the summary when it ends, and the history it is stored in. Starting and ending
//! a set is in [`super::set_flow`]; drawing in [`super::train_view`] and [`super::setup_view`].

use super::live::MuscleSettings;
use crate::dsp::quality::ChannelQuality;
use crate::training::history_db::HistoryDb;
pub use crate::training::plan::SetMode;
use crate::training::setup::{ExerciseSetup, Role};
use crate::training::summary::{SetPoint, SetSummary};
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

    /// Seconds the current hold has lasted at stream time `now_s` (from when the target muscle reached its
    /// line), if holding.
    pub fn hold_elapsed_s(&self, now_s: f64) -> Option<f64> {
        let set = self.set.as_ref()?;
        (set.mode == SetMode::Hold).then_some(())?;
        set.hold_reached_s.map(|t| now_s - t)
    }

    /// Feeds the set in progress with a display chunk.
    pub fn track_set(&mut self, chunk: &crate::engine::DisplayChunk, muscles: &[MuscleSettings]) {
        let (target, antagonist) = self.channels();
        let Some(set) = self.set.as_mut() else {
            return;
        };
        let line = muscles.get(target).map_or(f32::INFINITY, |m| m.target_uv);
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

    /// Feeds the set's fatigue trend with a signal-quality update (once a second) at stream time `now_s`.
    pub fn track_fatigue(&mut self, quality: &[ChannelQuality], now_s: f64) {
        let (target, _) = self.channels();
        if let (Some(set), Some(q)) = (self.set.as_mut(), quality.get(target))
            && let Some(mdf) = q.median_frequency_hz
        {
            set.mdf.push((now_s, mdf));
        }
    }
}
