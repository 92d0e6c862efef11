//! A set as the history keeps it, the context a caller knows beside its summary, and which sets a query
//! returns.

use super::{ActivationUnit, CompetitorRole, SetKind, SetLog};
use serde::{Deserialize, Serialize};

/// One set as remembered in the training history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetRecord {
    /// The row id; `None` before the record is inserted.
    pub id: Option<i64>,
    /// When the set started, RFC 3339 in UTC (e.g. `2025-03-01T17:04:05Z`). Sets are
    /// ordered by this text, so always write it with the same precision.
    pub started_at: String,
    /// The exercise, as named by the user (e.g. "Bench press").
    pub exercise: String,
    /// The target muscle.
    pub muscle: String,
    /// The antagonist muscle watched for co-contraction, if any.
    pub antagonist: Option<String>,
    /// Absolute path of the recording the set came from, if it was recorded.
    pub session_wav: Option<String>,
    /// The set's number within its session (1 = first).
    pub set_in_session: u32,
    /// Length of the set in seconds.
    pub duration_s: f64,
    /// Repetitions detected.
    pub reps: u32,
    /// Repetitions that reached the target.
    pub good_reps: u32,
    /// Highest activation of the target muscle in % of MVC (needs a calibration).
    pub peak_pct_mvc: Option<f64>,
    /// Highest envelope amplitude of the target muscle in microvolts.
    pub peak_uv: f64,
    /// Mean activation of the target muscle in % of MVC (needs a calibration).
    pub mean_pct_mvc: Option<f64>,
    /// Seconds the target muscle spent above the target level.
    pub time_above_target_s: f64,
    /// Co-contraction index with the antagonist in percent (needs an antagonist).
    pub cci_pct: Option<f64>,
    /// Slope of the median frequency over the set in Hz per minute (negative = fatiguing).
    pub fatigue_slope_hz_per_min: Option<f64>,
    /// The set's activation score, 1 to 10.
    pub score: u8,
    /// Mean envelope of the target muscle in its reps, microvolts (`None` in rows from format 1).
    pub mean_uv: Option<f64>,
    /// A set or an activation drill.
    pub kind: SetKind,
    /// The unit its activation is in: %MVC when the target had an MVC reference, microvolts otherwise.
    pub activation_unit: ActivationUnit,
    /// What the competing muscle (`antagonist`) does: oppose the movement or help and take over.
    pub competitor_role: Option<CompetitorRole>,
    /// The target's share of the work against a synergist, percent.
    pub target_share_pct: Option<f64>,
    /// What the user wrote down after the set.
    #[serde(flatten)]
    pub log: SetLog,
}

/// Who and what a set was, beside its numbers: what [`SetRecord::from_summary`] needs besides the summary.
#[derive(Clone, Debug, PartialEq)]
pub struct SetContext {
    /// When the set started, RFC 3339 UTC.
    pub started_at: String,
    /// The exercise.
    pub exercise: String,
    /// The target muscle.
    pub muscle: String,
    /// The competing muscle, if any.
    pub antagonist: Option<String>,
    /// Absolute path of the recording.
    pub session_wav: Option<String>,
    /// The set's number in its session (1 = first).
    pub set_in_session: u32,
    /// What the user wrote down (often empty here and attached later with [`HistoryDb::attach_log`]).
    pub log: SetLog,
}

impl SetContext {
    /// A set of `exercise` on `muscle` started at `started_at`, with nothing else known.
    pub fn new(started_at: &str, exercise: &str, muscle: &str) -> Self {
        Self {
            started_at: started_at.to_owned(),
            exercise: exercise.to_owned(),
            muscle: muscle.to_owned(),
            antagonist: None,
            session_wav: None,
            set_in_session: 1,
            log: SetLog::default(),
        }
    }
}

impl SetRecord {
    /// The history row of a set: its context and the summary's numbers, unchanged (so the row, the live
    /// summary, review and `analyze` agree), its kind, the competing muscle's role and the target's share
    /// included.
    pub fn from_summary(context: SetContext, s: &crate::training::summary::SetSummary) -> Self {
        Self {
            id: None,
            started_at: context.started_at,
            exercise: context.exercise,
            muscle: context.muscle,
            antagonist: context.antagonist,
            session_wav: context.session_wav,
            set_in_session: context.set_in_session,
            duration_s: s.duration_s,
            reps: s.reps as u32,
            good_reps: s.good_reps as u32,
            peak_pct_mvc: s.peak_pct_mvc,
            peak_uv: s.peak_uv,
            mean_pct_mvc: s.mean_pct_mvc,
            time_above_target_s: s.time_above_target_s,
            cci_pct: s.cci_pct,
            fatigue_slope_hz_per_min: s.fatigue_slope_hz_per_min,
            score: s.score,
            // "Mean in reps": a set without reps has none (not 0 uV).
            mean_uv: (s.reps > 0).then_some(s.mean_uv),
            kind: s.kind,
            activation_unit: if s.peak_pct_mvc.is_some() {
                ActivationUnit::PctMvc
            } else {
                ActivationUnit::Microvolts
            },
            competitor_role: s.competitor_role.and_then(CompetitorRole::of),
            target_share_pct: s.target_share_pct,
            log: context.log,
        }
    }
}

/// Which sets [`HistoryDb::sets_matching`] returns; every part left `None` lets all through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetFilter {
    /// Only this exercise.
    pub exercise: Option<String>,
    /// Only this target muscle.
    pub muscle: Option<String>,
    /// Only sets started on this day (`YYYY-MM-DD`, UTC) or later.
    pub from_day: Option<String>,
    /// Only sets started on this day (`YYYY-MM-DD`, UTC) or earlier.
    pub to_day: Option<String>,
}
