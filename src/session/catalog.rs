//! The sessions folder: what is in it, described for a list, and deleting a session (both of its files).

use super::SessionError;
use super::load::open_session;
use super::sidecar::sidecar_path;
use std::path::{Path, PathBuf};

/// One session as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionEntry {
    /// The WAV.
    pub wav_path: PathBuf,
    /// Start time (RFC 3339), or the file's modification time when there is no sidecar.
    pub started: String,
    /// Duration, s.
    pub duration_s: f64,
    /// The muscles (channel names).
    pub muscles: Vec<String>,
    /// The user's notes.
    pub notes: String,
    /// Markers in the session.
    pub markers: usize,
    /// Why the session could not be read, if it could not (it is listed anyway, so it can be repaired or
    /// deleted).
    pub problem: Option<String>,
}

/// Every WAV in `dir`, newest first (by start time). A missing folder is an empty list.
pub fn list_sessions(dir: &Path) -> Result<Vec<SessionEntry>, SessionError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(SessionError::io(dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| SessionError::io(dir, e))?.path();
        if path
            .extension()
            .is_none_or(|e| !e.eq_ignore_ascii_case("wav"))
        {
            continue;
        }
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map(|t| humantime::format_rfc3339_seconds(t).to_string())
            .unwrap_or_default();
        out.push(match open_session(&path) {
            Ok(s) => SessionEntry {
                started: s
                    .sidecar
                    .as_ref()
                    .map(|c| c.start_time.clone())
                    .unwrap_or(modified),
                duration_s: s.duration_s(),
                notes: s
                    .sidecar
                    .as_ref()
                    .map(|c| c.meta.notes.clone())
                    .unwrap_or_default(),
                markers: s.sidecar.as_ref().map(|c| c.markers.len()).unwrap_or(0),
                muscles: s.channel_names,
                wav_path: path,
                problem: None,
            },
            Err(e) => SessionEntry {
                wav_path: path,
                started: modified,
                duration_s: 0.0,
                muscles: Vec::new(),
                notes: String::new(),
                markers: 0,
                problem: Some(e.to_string()),
            },
        });
    }
    out.sort_by(|a, b| b.started.cmp(&a.started));
    Ok(out)
}

/// Deletes a session: its WAV, its sidecar and any leftover temporary sidecar. The caller asks the user first.
pub fn delete_session(wav: &Path) -> Result<(), SessionError> {
    let side = sidecar_path(wav);
    for path in [
        wav.to_path_buf(),
        side.clone(),
        side.with_extension("json.tmp"),
    ] {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && path != wav => {}
            Err(e) => return Err(SessionError::io(&path, e)),
        }
    }
    Ok(())
}
