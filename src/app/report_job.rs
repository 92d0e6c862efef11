//! A recording's PDF report written next to it (same name, `.pdf`) in the background: the review's and the
//! history's **PDF report** buttons.

use crate::task::Task;
use std::path::{Path, PathBuf};

/// Writes `wav`'s report (A4) next to it; the PDF's path, or the problem in words.
pub fn write_next_to(wav: &Path) -> Result<PathBuf, String> {
    let out = wav.with_extension("pdf");
    crate::report::session_report(wav, Default::default(), &mut |_| {})
        .and_then(|r| crate::report::write_pdf(&out, &r.pdf))
        .map_err(|e| format!("PDF report not written: {e}"))?;
    Ok(out)
}

/// Starts writing `wav`'s report; the task's result is the message for the status line.
pub fn spawn(wav: PathBuf) -> Task<String> {
    Task::spawn("pdf-report", move |_| match write_next_to(&wav) {
        Ok(out) => format!("PDF report written to {}", out.display()),
        Err(e) => e,
    })
}
