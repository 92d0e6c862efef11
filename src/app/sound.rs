//! The window's side of sound: what the user chose (on/off, cues, volume, device), the cue plan that follows
//! the live state (target muscle, its line, the pair's limit, the set's tempo), and the sound panel's
//! actions applied through the engine's handle. The sound thread itself lives in [`crate::audio`].

use super::InnervateApp;
use crate::audio::{CuePlan, CueSet, SoundSetup, SoundState};
use crate::training::plan::SetMode;

/// Default loudness for sound turned on in the window.
const DEFAULT_VOLUME: f32 = 0.8;

/// What the user chose for sound.
#[derive(Clone, Debug, PartialEq)]
pub struct SoundChoice {
    /// Sound is wanted.
    pub on: bool,
    /// Which cues.
    pub cues: CueSet,
    /// Loudness, 0 to 1.
    pub volume: f32,
    /// The ALSA device.
    pub device: String,
    /// The plan last handed to the sound thread.
    pub(crate) sent_plan: Option<CuePlan>,
}

impl Default for SoundChoice {
    fn default() -> Self {
        Self {
            on: false,
            cues: CueSet::ALL,
            volume: DEFAULT_VOLUME,
            device: "default".into(),
            sent_plan: None,
        }
    }
}

/// A change asked for in the sound panel.
#[derive(Clone, Debug, PartialEq)]
pub enum SoundAction {
    /// Sound on or off.
    On(bool),
    /// Which cues sound.
    Cues(CueSet),
    /// Loudness, 0 to 1.
    Volume(f32),
    /// Play on this device.
    Device(String),
}

impl SoundChoice {
    /// The choice of an engine started with sound (`--audio`), or the default.
    pub fn from_engine(engine: &crate::engine::Engine) -> Self {
        match engine.sound() {
            Some(s) => Self {
                on: true,
                cues: s.cues(),
                volume: s.volume(),
                device: s.device().unwrap_or("default").to_string(),
                sent_plan: None,
            },
            None => Self::default(),
        }
    }
}

impl InnervateApp {
    /// What the cues follow now: the setup's (or the first pair's) target muscle, its line, the pair's
    /// limit; the set's tempo or hold from the set's start (no tempo outside a set).
    pub fn sound_plan(&self) -> CuePlan {
        let (target, antagonist) = self.training.channels();
        let target = target.min(self.live.muscles.len().saturating_sub(1));
        let pair = self
            .live
            .pairs
            .iter()
            .position(|p| p.agonist == target && antagonist.is_none_or(|a| a == p.antagonist));
        let setup = self.training.setup.as_ref();
        let set = self.training.set.as_ref();
        let defaults =
            CuePlan::default_for(&[], target, self.engine.dsp_config().envelope_window_s);
        CuePlan {
            target,
            antagonist: antagonist.or(pair.map(|k| self.live.pairs[k].antagonist)),
            pair,
            target_uv: self
                .live
                .muscles
                .get(target)
                .map_or(defaults.target_uv, |m| m.target_uv as f64),
            ratio_limit: pair.map_or(defaults.ratio_limit, |k| {
                self.live.pairs[k].ratio_limit as f64
            }),
            mode: set.map_or(SetMode::Reps, |s| s.mode),
            tempo: setup.map_or(defaults.tempo, |s| s.tempo),
            hold_s: setup.map_or(defaults.hold_s, |s| s.hold_s),
            tempo_start_s: set.map(|s| s.started_s),
            ..defaults
        }
    }

    /// Hands the plan to the sound thread when it changed (called from `ingest`; a comparison per frame).
    pub(crate) fn sync_sound_plan(&mut self) {
        if self.engine.sound().is_none() {
            return;
        }
        let plan = self.sound_plan();
        if self.sound.sent_plan.as_ref() != Some(&plan) {
            self.engine.set_sound_plan(plan.clone());
            self.sound.sent_plan = Some(plan);
        }
    }

    /// Whether sound plays (and where) or why not; `None` while sound is off by choice.
    pub fn sound_state(&self) -> Option<SoundState> {
        self.engine.sound().map(|s| s.state())
    }

    /// The user's sound choice.
    pub fn sound_choice(&self) -> &SoundChoice {
        &self.sound
    }

    /// Applies a change from the sound panel.
    pub fn apply_sound(&mut self, act: SoundAction) {
        match act {
            SoundAction::On(on) => {
                self.sound.on = on;
                if on {
                    self.start_sound();
                } else if let Some(Err(e)) = self.engine.stop_sound() {
                    self.message = Some(e.to_string());
                }
            }
            SoundAction::Cues(c) => {
                self.sound.cues = c;
                if let Some(s) = self.engine.sound_mut() {
                    s.set_cues(c);
                }
            }
            SoundAction::Volume(v) => {
                self.sound.volume = v.clamp(0.0, 1.0);
                if let Some(s) = self.engine.sound_mut() {
                    s.set_volume(v.clamp(0.0, 1.0));
                }
            }
            SoundAction::Device(d) => {
                self.sound.device.clone_from(&d);
                if let Some(s) = self.engine.sound_mut() {
                    s.set_device(Some(d));
                }
            }
        }
    }

    /// Starts the sound thread on the current engine with the user's choice (also after a board change).
    pub(crate) fn start_sound(&mut self) {
        let setup = SoundSetup {
            plan: self.sound_plan(),
            cues: self.sound.cues,
            volume: self.sound.volume,
            device: Some(self.sound.device.clone()),
            wav: None,
        };
        self.sound.sent_plan = Some(setup.plan.clone());
        if let Err(e) = self.engine.start_sound(setup) {
            self.message = Some(format!("Sound: {e}"));
        }
    }
}
