//! What the window keeps between runs: the settings file and the user's profile (MVC references), both
//! read and written through the library ([`crate::settings`], [`crate::calibration`]).

use crate::calibration::{MvcRecord, MvcTiming, Profile};
use crate::engine::Engine;
use crate::settings::Settings;
use crate::training::history_db::LoadUnit;
use std::path::PathBuf;

/// Settings and profile, with where they are stored.
#[derive(Debug)]
pub struct Preferences {
    /// The settings as last loaded or changed.
    pub settings: Settings,
    /// Where they are kept; `None` keeps them for this window only (tests).
    pub settings_path: Option<PathBuf>,
    /// The user's profile.
    pub profile: Profile,
    /// Where the profile is kept (created on the first save).
    pub profile_path: PathBuf,
    /// Calibration phase lengths (tests use short ones).
    pub mvc_timing: MvcTiming,
}

impl Preferences {
    /// Defaults, not stored anywhere yet.
    pub fn new() -> Self {
        Self {
            settings: Settings::default(),
            settings_path: None,
            profile: Profile::new("default"),
            profile_path: PathBuf::new(),
            mvc_timing: MvcTiming::default(),
        }
    }

    /// The unit loads are typed in (a setting).
    pub fn load_unit(&self) -> LoadUnit {
        if self.settings.load_in_pounds {
            LoadUnit::Lb
        } else {
            LoadUnit::Kg
        }
    }

    /// Loads the profile at `path`; the problem in plain words if it could not be read.
    pub fn load_profile(&mut self, path: PathBuf) -> Option<String> {
        let problem = match Profile::load(&path) {
            Ok(p) => {
                self.profile = p;
                None
            }
            Err(e) => Some(format!("Profile not loaded: {e}")),
        };
        self.profile_path = path;
        problem
    }

    /// Writes the settings (when a settings file was given) with the engine's current notch; the problem in
    /// plain words if they could not be written.
    pub fn save_settings(&mut self, engine: &Engine) -> Option<String> {
        let notch = &engine.dsp_config().notch;
        self.settings.notch = notch.enabled;
        self.settings.mains_hz = notch.mains_hz;
        let path = self.settings_path.as_deref()?;
        self.settings
            .save(path)
            .err()
            .map(|e| format!("Settings not saved: {e}"))
    }

    /// Keeps a muscle's MVC in the profile and saves it; what happened, in plain words.
    pub fn save_mvc(&mut self, muscle: &str, record: MvcRecord) -> String {
        let mvc = record.mvc_uv;
        self.profile.mvc.insert(muscle.to_string(), record);
        match self.profile.save(&self.profile_path) {
            Ok(()) => format!("MVC of {muscle}: {mvc:.0} µV, saved to the profile"),
            Err(e) => format!("MVC of {muscle}: {mvc:.0} µV, but the profile was not saved: {e}"),
        }
    }
}

impl Default for Preferences {
    fn default() -> Self {
        Self::new()
    }
}
