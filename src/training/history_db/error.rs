//! Why the training history could not be used, and how an SQLite failure is sorted into "the file is bad"
//! or "the query failed".

/// Why the training history could not be used. The messages are meant to be shown as they are.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file could not be opened or created (missing folder, no permission, disk full…).
    #[error("cannot open the training history {path}: {source}")]
    Open {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file was written by a newer Innervate, in a format this version does not know.
    #[error(
        "the training history {path} was made by a newer Innervate (format version {found}; \
         this version reads up to {supported}); update Innervate to open it"
    )]
    NewerVersion {
        /// The database file.
        path: String,
        /// The format version found in the file.
        found: i32,
        /// The newest format version this build understands.
        supported: i32,
    },
    /// The file is not an Innervate training history, or it is damaged.
    #[error(
        "the training history {path} is a corrupt file or not a training history ({reason}); \
         move it aside and Innervate will start a new one"
    )]
    Corrupt {
        /// The database file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No set has this id (it was deleted meanwhile).
    #[error("the training history {path} has no set {id}")]
    NoSuchSet {
        /// The database file.
        path: String,
        /// The id asked for.
        id: i64,
    },
    /// Reading or writing the history failed for another reason.
    #[error("a query on the training history {path} failed: {source}")]
    Query {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
}

/// Sorts an SQLite failure into "the file is bad" or "the query failed".
pub(super) fn classify(path: &str, e: rusqlite::Error) -> HistoryError {
    use rusqlite::ffi::ErrorCode;
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            return HistoryError::Corrupt {
                path,
                reason: "it is not an SQLite database".to_owned(),
            };
        }
        Some(ErrorCode::DatabaseCorrupt) => {
            return HistoryError::Corrupt {
                path,
                reason: "the database is damaged".to_owned(),
            };
        }
        _ => {}
    }
    match e {
        // A value of the wrong kind in a column (e.g. text where a number belongs):
        // the file was written by something else or damaged.
        rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::FromSqlConversionFailure(..) => HistoryError::Corrupt {
            path,
            reason: format!("unexpected data ({e})"),
        },
        source => HistoryError::Query { path, source },
    }
}
