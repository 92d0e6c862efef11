//! The summary of a set just finished, from its recording: waits until the session on disk holds the set
//! through its end marker, then runs [`super::analyze`] over the recording up to that end. The numbers are
//! exactly those `innervate analyze`, review and the history show for the same set (see [`super::sets`]).

use super::{AnalyzeOptions, MarkedSetReport, analyze};
use crate::session::load::{Session, open_session};
use crate::session::{MarkedSet, marked_sets};
use crate::task::CancelToken;
use std::path::Path;
use std::time::{Duration, Instant};

/// How often the session on disk is looked at again while the recorder catches up.
const POLL: Duration = Duration::from_millis(50);

/// Why a recorded set could not be summarised.
#[derive(Debug, thiserror::Error)]
pub enum RecordedSetError {
    /// The set never reached the disk in time (the recorder fell behind or failed).
    #[error("set {number} was not on disk after {waited_s:.0} s: {last}")]
    NotOnDisk {
        /// The set's number in the session.
        number: usize,
        /// Seconds waited.
        waited_s: f64,
        /// What the last look found.
        last: String,
    },
    /// Reading or analysing the recording failed.
    #[error("the set's recording could not be analysed: {0}")]
    Analysis(String),
    /// The task was dropped.
    #[error("cancelled")]
    Cancelled,
}

/// Summarises set `number` (from 1) of the session at `wav`, waiting up to `timeout` for the recorder to
/// write it. Stops early when `cancel` is set.
pub fn summarize_recorded_set(
    wav: &Path,
    number: usize,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<MarkedSetReport, RecordedSetError> {
    let started = Instant::now();
    loop {
        if cancel.is_cancelled() {
            return Err(RecordedSetError::Cancelled);
        }
        let last = match ready(wav, number) {
            Ok((session, set)) => return summarize(&session, set, cancel),
            Err(why) => why,
        };
        if started.elapsed() >= timeout {
            return Err(RecordedSetError::NotOnDisk {
                number,
                waited_s: started.elapsed().as_secs_f64(),
                last,
            });
        }
        std::thread::sleep(POLL);
    }
}

/// The session and the set once the set's end is on disk; otherwise what is still missing.
fn ready(wav: &Path, number: usize) -> Result<(Session, MarkedSet), String> {
    // While the recorder writes, the sidecar can name frames the WAV header does not count yet: that is
    // "not yet", not an error.
    let session = open_session(wav).map_err(|e| e.to_string())?;
    let sidecar = session
        .sidecar
        .as_ref()
        .ok_or_else(|| "the recording has no sidecar yet".to_string())?;
    let set = marked_sets(sidecar)
        .into_iter()
        .find(|s| s.number == number)
        .ok_or_else(|| format!("set {number} is not marked yet"))?;
    match set.end_frame {
        Some(end) if end <= session.frames => Ok((session, set)),
        // The recording was closed before the set's end was marked: the set runs to its end.
        None if sidecar.complete => Ok((session, set)),
        _ => Err(format!(
            "the recording has not reached set {number}'s end yet"
        )),
    }
}

fn summarize(
    session: &Session,
    set: MarkedSet,
    cancel: &CancelToken,
) -> Result<MarkedSetReport, RecordedSetError> {
    let mut options = AnalyzeOptions::for_session(session);
    let end = set.end_frame.unwrap_or(session.frames).min(session.frames);
    options.marked_sets = vec![set];
    let replay = session
        .replay()
        .map_err(|e| RecordedSetError::Analysis(e.to_string()))?;
    let mut source = crate::source::take::Take::new(replay, end).cancelled_by(cancel.clone());
    let report = analyze(&mut source, &options, &mut |_| {}, None)
        .map_err(|e| RecordedSetError::Analysis(e.to_string()))?;
    if cancel.is_cancelled() {
        return Err(RecordedSetError::Cancelled);
    }
    report
        .sets
        .into_iter()
        .next()
        .ok_or_else(|| RecordedSetError::Analysis("the set's target channel is missing".into()))
}
