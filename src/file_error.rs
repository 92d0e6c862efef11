//! The one error type for files the program keeps (sessions, profiles).

use std::path::Path;

/// A file Innervate reads or writes (a session, a profile) that could not be used: the path and why.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file system refused.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not what it should be.
    #[error("{path}: {reason}")]
    Bad {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

impl FileError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn bad(path: &Path, reason: String) -> Self {
        Self::Bad {
            path: path.display().to_string(),
            reason,
        }
    }
}
