//! Reports to hand over: a session's PDF (who, what, when, every processing parameter, each set's
//! summary, envelope plots with target lines and set and rep markers, each set's body map), and a progress
//! report over the training history ([`progress`]). The numbers come from the analysis report `innervate
//! analyze` and review use ([`crate::analysis::analyze`]) and from the history queries and insights
//! `innervate history` and the history screen use, so a printed number is the one the screen and the
//! command line show. Drawn with `pdf-writer` (pure Rust) in an embedded typeface ([`font`]).

mod figure;
mod font;
mod history_plot;
pub mod pdf;
mod plot;
pub mod progress;
pub mod session;

use crate::analysis::{AnalyzeError, AnalyzeOptions, Report, analyze};
use crate::session::SessionError;
use crate::session::load::{Session, open_session};
use crate::source::FrameGenerator;
use crate::training::history_db::{HistoryDb, SetRecord};
pub use pdf::Paper;
use plot::EnvelopeColumns;
pub use progress::{ProgressReport, progress_report};
use std::path::Path;
use std::time::Duration;

/// Why a report was not made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The recording could not be opened.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The recording could not be analysed.
    #[error(transparent)]
    Analyze(#[from] AnalyzeError),
    /// The question asked of the history has no answer (no such history, muscle or exercise, an empty
    /// period); in words.
    #[error("{0}")]
    Question(String),
    /// The output could not be written (nothing is left behind).
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The output path.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

/// A session report: the PDF's bytes and the analysis it printed.
pub struct SessionReport {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// The analysis behind every number in it.
    pub report: Report,
}

/// Analyses `wav` as `innervate analyze` does (the session's own settings) and draws its report on `paper`;
/// each set's log (felt activation, load) comes from the training history at `history` when it has the
/// recording's sets. `progress` gets the frames done so far.
pub fn session_report(
    wav: &Path,
    paper: Paper,
    history: Option<&Path>,
    progress: &mut dyn FnMut(u64),
) -> Result<SessionReport, ReportError> {
    let session = open_session(wav)?;
    // The font is compressed once per process; doing it beside the analysis takes it off the end.
    // (Should no thread be had, the report compresses it at the end as before.)
    let _ = std::thread::Builder::new()
        .name("pdf-font".into())
        .spawn(font::embedded);
    let mut replay = session.replay()?;
    let options = AnalyzeOptions::for_session(&session);
    let mut columns = EnvelopeColumns::new(replay.info().channels(), replay.total_frames());
    let mut sink = |run: &crate::analysis::EnvelopeRun<'_>| {
        columns.push_run(run);
        Ok::<(), crate::source::SourceError>(())
    };
    let report = analyze(&mut replay, &options, progress, Some(&mut sink))?;
    let logs = history.map_or(Ok(Vec::new()), |db| logged_sets(db, &session));
    let mut w = session::Writer::new(pdf::Doc::new(paper));
    session::write(&mut w, &session, &report, &columns, &logs);
    Ok(SessionReport {
        pdf: w.doc.finish(),
        report,
    })
}

/// The history's rows of the recording `session` (stored under its absolute path, or, when it was moved
/// since, under one other path with the same file name and sets started while it recorded); none when
/// there is no history, the problem in words when it cannot be read.
fn logged_sets(db: &Path, session: &Session) -> Result<Vec<SetRecord>, String> {
    if !db.is_file() {
        return Ok(Vec::new());
    }
    let wav = &session.wav_path;
    let path = std::path::absolute(wav).unwrap_or_else(|_| wav.to_path_buf());
    let history = HistoryDb::open(db).map_err(|e| e.to_string())?;
    let stored = history
        .sets_of_session(&path.display().to_string())
        .map_err(|e| e.to_string())?;
    let name = wav.file_name().and_then(|n| n.to_str());
    let Some(name) = name.filter(|_| stored.is_empty()) else {
        return Ok(stored);
    };
    let start = session.started_at();
    let length = Duration::try_from_secs_f64(session.duration_s()).unwrap_or_default();
    // Clocks written to the millisecond, and a set's start taken a moment after its marker: 2 s of slack.
    let slack = Duration::from_secs(2);
    let from = start.checked_sub(slack).unwrap_or(start);
    let to = start
        .checked_add(length.saturating_add(slack))
        .unwrap_or(start);
    let mut sets = history
        .sets_of_file_named(name)
        .map_err(|e| e.to_string())?;
    sets.retain(|r| {
        humantime::parse_rfc3339_weak(r.started_at.trim()).is_ok_and(|t| (from..=to).contains(&t))
    });
    let mut recordings: Vec<&Option<String>> = sets.iter().map(|r| &r.session_wav).collect();
    recordings.dedup();
    // Two recordings of that name and time (copies): neither is known to be this one.
    Ok(if recordings.len() == 1 {
        sets
    } else {
        Vec::new()
    })
}

/// Writes a report to `out` atomically: a complete file or none (a temporary file renamed into place).
pub fn write_pdf(out: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    crate::fsio::write_atomic(out, bytes).map_err(|e| ReportError::Write {
        path: out.display().to_string(),
        reason: e.to_string(),
    })
}
