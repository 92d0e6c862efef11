//! Saved exercise setups on disk: one JSON file per setup in a folder, named by the setup's slug.

use super::setup::ExerciseSetup;
use crate::file_error::FileError;
use std::path::{Path, PathBuf};

/// A file-name-safe form of a setup name: lower-case letters and digits, other runs turned into one `-`
/// ("Bench press (heavy)" becomes `bench-press-heavy`), at most 100 bytes; `setup` when nothing is left, and
/// `-setup` appended to names Windows reserves for devices (`con`, `com1`...).
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    // Keep names well under file-system limits (255 bytes), cutting on a character boundary.
    if out.len() > 100 {
        let mut cut = 100;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        while out.ends_with('-') {
            out.pop();
        }
    }
    if out.is_empty() {
        return "setup".into();
    }
    // Names Windows reserves for devices, whatever the extension.
    let reserved = matches!(out.as_str(), "con" | "prn" | "aux" | "nul")
        || ((out.starts_with("com") || out.starts_with("lpt"))
            && out.len() == 4
            && out.as_bytes()[3].is_ascii_digit());
    if reserved {
        out.push_str("-setup");
    }
    out
}

/// Reads one setup file.
pub fn read_setup(path: &Path) -> Result<ExerciseSetup, FileError> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
    ExerciseSetup::from_json(&text).map_err(|reason| FileError::bad(path, reason))
}

/// A setup file that could not be read, and why.
pub type SetupProblem = (PathBuf, String);

/// The folder of saved setups, one JSON file per setup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupStore {
    dir: PathBuf,
}

impl SetupStore {
    /// A store in `dir` (created on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The usual folder: `setups` in Innervate's data folder (`~/.local/share/innervate/setups` on Linux).
    pub fn default_dir() -> PathBuf {
        dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("innervate")
            .join("setups")
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a setup called `name` is saved in.
    pub fn path_for(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{}.json", slug(name)))
    }

    /// All readable setups, sorted by name; unreadable files are skipped.
    pub fn list(&self) -> Result<Vec<ExerciseSetup>, FileError> {
        self.list_with_problems().map(|(setups, _)| setups)
    }

    /// All readable setups sorted by name, and the files that could not be read with why. A folder that does
    /// not exist yet holds no setups; only a folder that cannot be read is an error.
    pub fn list_with_problems(&self) -> Result<(Vec<ExerciseSetup>, Vec<SetupProblem>), FileError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()));
            }
            Err(e) => return Err(FileError::io(&self.dir, e)),
        };
        let mut setups = Vec::new();
        let mut problems = Vec::new();
        for entry in entries {
            let path = match entry {
                Ok(entry) => entry.path(),
                Err(e) => {
                    problems.push((self.dir.clone(), e.to_string()));
                    continue;
                }
            };
            let is_setup = path.extension().is_some_and(|e| e == "json")
                && !path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
            if !is_setup || !path.is_file() {
                continue;
            }
            match read_setup(&path) {
                Ok(setup) => setups.push(setup),
                Err(FileError::Bad { reason, .. }) => problems.push((path, reason)),
                Err(FileError::Io { source, .. }) => problems.push((path, source.to_string())),
            }
        }
        setups.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.name.cmp(&b.name))
        });
        problems.sort();
        Ok((setups, problems))
    }

    /// Saves a setup (replacing one with the same file name) and returns its path. The setup must pass
    /// [`ExerciseSetup::validate`] for its own channels. Written atomically: a temporary file in the same
    /// folder, synced, then renamed over the old one, so a crash leaves the old or the new file, never half.
    pub fn save(&self, setup: &ExerciseSetup) -> Result<PathBuf, FileError> {
        let path = self.path_for(&setup.name);
        setup
            .validate(setup.channels.len())
            .map_err(|reason| FileError::bad(&path, reason))?;
        let mut text = setup.to_json().into_bytes();
        text.push(b'\n');
        crate::fsio::write_atomic(&path, &text).map_err(|e| FileError::io(&path, e))?;
        Ok(path)
    }

    /// The setup called `name` (found by its file name, see [`slug`]).
    pub fn load(&self, name: &str) -> Result<ExerciseSetup, FileError> {
        read_setup(&self.path_for(name))
    }

    /// Deletes the setup called `name`.
    pub fn delete(&self, name: &str) -> Result<(), FileError> {
        let path = self.path_for(name);
        std::fs::remove_file(&path).map_err(|e| FileError::io(&path, e))
    }
}
