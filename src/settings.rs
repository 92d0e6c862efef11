//! Settings kept between runs (a small JSON file in the platform data folder): whether the first-run
//! screen was seen, the last exercise setup, and the display choices.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// What the window remembers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The first-run screen was dismissed.
    pub first_run_done: bool,
    /// Name of the exercise setup used last (applied again at start).
    pub last_setup: Option<String>,
    /// Mains frequency, Hz.
    pub mains_hz: f64,
    /// Mains notch on.
    pub notch: bool,
    /// Raw EMG instead of envelopes in the plots.
    pub show_raw: bool,
    /// Loads in the training log are typed in pounds (else kilograms).
    pub load_in_pounds: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            first_run_done: false,
            last_setup: None,
            mains_hz: 50.0,
            notch: true,
            show_raw: false,
            load_in_pounds: false,
        }
    }
}

impl Settings {
    /// Reads `path`; a missing file is a first run (defaults), a broken one is reported and replaced by
    /// defaults on the next save.
    pub fn load(path: &Path) -> (Self, Option<String>) {
        match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Self::default(), None),
            Err(e) => (
                Self::default(),
                Some(format!("Settings not read ({}): {e}", path.display())),
            ),
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(s) => (s, None),
                Err(e) => (
                    Self {
                        first_run_done: true,
                        ..Self::default()
                    },
                    Some(format!(
                        "Settings file {} is damaged ({e}); using defaults",
                        path.display()
                    )),
                ),
            },
        }
    }

    /// Writes `path` atomically ([`crate::fsio::write_json_atomic`]).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        crate::fsio::write_json_atomic(path, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_first_run_broken_is_reported_and_round_trip_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let (s, problem) = Settings::load(&path);
        assert!(!s.first_run_done && problem.is_none());
        let mine = Settings {
            first_run_done: true,
            last_setup: Some("Biceps curl".into()),
            mains_hz: 60.0,
            notch: false,
            show_raw: true,
            load_in_pounds: true,
        };
        mine.save(&path).unwrap();
        assert_eq!(Settings::load(&path).0, mine);
        std::fs::write(&path, b"{ not json").unwrap();
        let (s, problem) = Settings::load(&path);
        assert!(problem.unwrap().contains("damaged"));
        assert!(s.first_run_done, "a damaged file is not a first run");
    }
}
