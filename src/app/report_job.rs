//! PDF reports written in the background: a recording's next to it (same name, `.pdf`; the review's and
//! the history's **PDF report** buttons) and the history screen's progress report next to the history
//! (**PDF progress report**).

use crate::task::Task;
use crate::training::history_db::SetFilter;
use std::path::{Path, PathBuf};

/// Writes `wav`'s report (A4) next to it, with its sets' logs from the training history at `history`; the
/// PDF's path, or the problem in words.
pub fn write_next_to(wav: &Path, history: Option<&Path>) -> Result<PathBuf, String> {
    let out = wav.with_extension("pdf");
    crate::report::session_report(wav, Default::default(), history, &mut |_| {})
        .and_then(|r| crate::report::write_pdf(&out, &r.pdf))
        .map_err(|e| format!("PDF report not written: {e}"))?;
    Ok(out)
}

/// Starts writing `wav`'s report (with the logs of the history at `history`); the task's result is the
/// message for the status line.
pub fn spawn(wav: PathBuf, history: PathBuf) -> Task<String> {
    Task::spawn("pdf-report", move |_| {
        match write_next_to(&wav, Some(&history)) {
            Ok(out) => format!("PDF report written to {}", out.display()),
            Err(e) => e,
        }
    })
}

/// Where the history screen's progress report of `filter` goes: next to the history, named after its
/// exercise, muscle and first day (letters, digits and dashes only).
pub fn progress_path(db: &Path, filter: &SetFilter) -> PathBuf {
    let mut name = String::from("progress");
    let since = filter.from_day.as_ref().map(|d| format!("since-{d}"));
    let parts = [&filter.exercise, &filter.muscle, &since];
    for part in parts.into_iter().flatten() {
        name.push('-');
        name.extend(part.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        }));
    }
    db.with_file_name(name + ".pdf")
}

/// Starts writing the progress report (A4) of the sets `filter` chooses in the history at `db`.
pub fn spawn_progress(db: PathBuf, filter: SetFilter) -> Task<String> {
    Task::spawn("pdf-progress", move |_| {
        let out = progress_path(&db, &filter);
        match crate::report::progress_report(&db, &filter, Default::default())
            .and_then(|r| crate::report::write_pdf(&out, &r.pdf))
        {
            Ok(()) => format!("Progress report written to {}", out.display()),
            Err(e) => format!("Progress report not written: {e}"),
        }
    })
}
