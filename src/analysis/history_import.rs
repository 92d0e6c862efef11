//! A recording into the training history (`innervate history import`): the sets marked in it (or its whole
//! span when none is marked) are summarised by the same code as a live set ([`super::analyze`] with the
//! sets as marked sets, which calls [`crate::training::summary::summarize`]) and turned into history rows.
//! Nothing is stored here: the caller adds the rows, all or none.

use super::{AnalyzeOptions, analyze};
use crate::calibration::Profile;
use crate::session::MarkedSet;
use crate::session::load::open_session;
use crate::training::history_db::{CompetitorRole, SetContext, SetLog, SetRecord};
use crate::training::plan::SetPlan;
use std::path::Path;
use std::time::Duration;

/// What the user says about the recording.
#[derive(Clone, Debug, Default)]
pub struct ImportSpec {
    /// The exercise the sets were.
    pub exercise: String,
    /// The target muscle's channel: its number from 1 or its name.
    pub target: String,
    /// The target muscle's name, where the recording does not name its channels.
    pub muscle: Option<String>,
    /// The competing muscle's channel (number or name) and its role.
    pub competitor: Option<(String, CompetitorRole)>,
    /// The target's MVC reference, microvolts (before the sidecar's and the profile's).
    pub mvc_uv: Option<f64>,
    /// The user's profile: its MVC of the target muscle (by name) is used when neither `mvc_uv` nor the
    /// recording has one.
    pub profile: Option<Profile>,
    /// The log every imported set gets (load, felt...).
    pub log: SetLog,
}

/// Why a recording could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not a readable recording (not a WAV, cut short, a broken sidecar...).
    #[error(transparent)]
    Session(#[from] crate::session::SessionError),
    /// A channel that the recording does not have.
    #[error("the recording has no channel `{given}`; its channels are {}", list(.channels))]
    UnknownChannel {
        /// What was asked for.
        given: String,
        /// The recording's channels.
        channels: Vec<String>,
    },
    /// The competing muscle is the target itself.
    #[error("the competing channel `{0}` is the target channel")]
    SameChannel(String),
    /// A plain WAV names no muscles.
    #[error("the recording does not name its muscles: give the target muscle with --muscle")]
    NoMuscleName,
    /// An MVC that is not a positive number.
    #[error("the MVC {0} uV is not a positive number")]
    BadMvc(f64),
    /// Reading or analysing the samples failed.
    #[error("the recording could not be analysed: {0}")]
    Analysis(String),
}

fn list(channels: &[String]) -> String {
    channels
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{} ({n})", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The history rows of the sets in the recording at `wav` (its whole span as one set when none is
/// marked), oldest first.
pub fn import_sets(wav: &Path, spec: &ImportSpec) -> Result<Vec<SetRecord>, ImportError> {
    if let Some(m) = spec.mvc_uv.filter(|m| !(m.is_finite() && *m > 0.0)) {
        return Err(ImportError::BadMvc(m));
    }
    let session = open_session(wav)?;
    let names = &session.channel_names;
    let target = channel(&spec.target, names)?;
    let competitor = match &spec.competitor {
        Some((ch, role)) => {
            let c = channel(ch, names)?;
            if c == target {
                return Err(ImportError::SameChannel(ch.clone()));
            }
            Some((c, *role))
        }
        None => None,
    };
    let muscle = match (&spec.muscle, &session.sidecar) {
        (Some(m), _) => m.clone(),
        (None, Some(_)) => names[target].clone(),
        (None, None) => return Err(ImportError::NoMuscleName),
    };
    let mut options = AnalyzeOptions::for_session(&session);
    let mut mvc = options
        .mvc_uv
        .clone()
        .unwrap_or_else(|| vec![0.0; session.channels]);
    let profile_mvc = spec
        .profile
        .as_ref()
        .and_then(|p| p.mvc.get(&muscle))
        .map(|r| r.mvc_uv);
    if let Some(m) = spec
        .mvc_uv
        .or((mvc[target] > 0.0).then_some(mvc[target]))
        .or(profile_mvc)
    {
        mvc[target] = m;
    }
    options.mvc_uv = Some(mvc.clone());
    let known_mvc: Vec<Option<f64>> = mvc.iter().map(|m| (*m > 0.0).then_some(*m)).collect();
    let pair: Vec<(usize, usize)> = competitor.map(|(c, _)| (target, c)).into_iter().collect();
    // The line a set is judged against when its recorded plan was for another target.
    let assumed = SetPlan::assumed(&pair, &known_mvc);
    let mut sets = std::mem::take(&mut options.marked_sets);
    if sets.is_empty() {
        sets.push(MarkedSet {
            number: 1,
            start_frame: 0,
            end_frame: Some(session.frames),
            plan: assumed.clone(),
            plan_recorded: false,
        });
    }
    for s in &mut sets {
        if s.plan.target != target {
            s.plan.target_level_uv = assumed.target_level_uv;
            s.plan.target_pct_mvc = assumed.target_pct_mvc;
        }
        s.plan.target = target;
        s.plan.competing = competitor.map(|(c, _)| c);
        if let Some((_, role)) = competitor {
            // The summary judges a synergist by the target's share, an antagonist by co-contraction.
            s.plan.competing_role = role.role();
        }
        s.plan.exercise = spec.exercise.clone();
    }
    options.marked_sets = sets;
    let mut replay = session
        .replay()
        .map_err(|e| ImportError::Analysis(e.to_string()))?;
    let report = analyze(&mut replay, &options, &mut |_| {}, None)
        .map_err(|e| ImportError::Analysis(e.to_string()))?;
    let start = session.started_at();
    let wav_abs = std::path::absolute(wav).unwrap_or_else(|_| wav.to_path_buf());
    Ok(report
        .sets
        .iter()
        .map(|set| {
            let at = start + Duration::from_secs_f64(set.start_s.max(0.0));
            let mut context = SetContext::new(
                &humantime::format_rfc3339_millis(at).to_string(),
                &spec.exercise,
                &muscle,
            );
            context.antagonist = set.competing_name.clone();
            context.session_wav = Some(wav_abs.display().to_string());
            context.set_in_session = set.number as u32;
            context.log = spec.log.clone();
            SetRecord::from_summary(context, &set.summary)
        })
        .collect())
}

/// A channel by number (from 1) or by name (any case).
fn channel(given: &str, names: &[String]) -> Result<usize, ImportError> {
    let g = given.trim();
    let by_number = g
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=names.len()).contains(n))
        .map(|n| n - 1);
    by_number
        .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(g)))
        .ok_or_else(|| ImportError::UnknownChannel {
            given: given.to_owned(),
            channels: names.to_vec(),
        })
}
