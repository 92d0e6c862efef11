//! Sessions on disk: a 32-bit float WAV of microvolts plus a JSON sidecar.

pub mod catalog;
pub mod export;
pub mod load;
pub mod recorder;
pub mod repair;
pub mod sets;
pub mod sidecar;

pub use recorder::{Recorder, RecorderSetup, RecordingSummary};
pub use sets::{MarkedSet, marked_sets};
pub use sidecar::{Gap, Marker, MarkerKind, SessionMeta, Sidecar};

use std::path::Path;

/// A session file problem, with the path and a plain-words reason.
pub type SessionError = crate::file_error::FileError;

/// Normalises a user-given output path to the session's WAV path (adds `.wav` when missing).
pub fn wav_path(out: &Path) -> std::path::PathBuf {
    match out.extension() {
        Some(e) if e.eq_ignore_ascii_case("wav") => out.to_path_buf(),
        _ => {
            let mut s = out.as_os_str().to_owned();
            s.push(".wav");
            s.into()
        }
    }
}
