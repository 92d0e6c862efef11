//! `--audio`, `--audio-cues`, `--audio-to`, `--audio-device`, `--volume` and `--setup`: sound cues for the
//! window and `record`.

use anyhow::{Context, Result};
use clap::Args;
use innervate::audio::{CuePlan, CueSet, SoundSetup};
use innervate::source::StreamInfo;
use innervate::training::setup::SetupStore;
use std::path::PathBuf;

/// Sound cue flags.
#[derive(Args, Debug, Clone, Default)]
pub struct SoundArgs {
    /// Play sound cues on the sound card (ALSA's libasound.so.2, loaded at run time).
    #[arg(long)]
    audio: bool,
    /// Which cues: any of tone, reps, warn, tempo (comma-separated), or all.
    #[arg(long, value_name = "LIST", default_value = "all")]
    audio_cues: String,
    /// Write exactly what would be played to this WAV (48 kHz, 16-bit mono); works without a sound card.
    #[arg(long, value_name = "PATH.wav")]
    audio_to: Option<PathBuf>,
    /// ALSA device to play on.
    #[arg(long, value_name = "NAME", default_value = "default")]
    audio_device: String,
    /// Loudness, 0 to 1.
    #[arg(long, default_value_t = 0.8)]
    volume: f32,
    /// Follow this saved exercise setup (target muscle, line, limit, tempo); without one the first channel
    /// is the target at the default line and the second its antagonist.
    #[arg(long, value_name = "NAME")]
    setup: Option<String>,
    /// Folder of saved setups for --setup [default: the window's (`setups` in the sessions folder), then
    /// `setups` in the platform data folder].
    #[arg(long, value_name = "DIR")]
    setups_dir: Option<PathBuf>,
}

impl SoundArgs {
    /// Whether any sound was asked for.
    pub fn wanted(&self) -> bool {
        self.audio || self.audio_to.is_some()
    }

    /// The cues chosen.
    pub fn cues(&self) -> Result<CueSet> {
        CueSet::parse(&self.audio_cues).map_err(anyhow::Error::msg)
    }

    /// The setup named by `--setup`, if any: from `--setups-dir`, else the first of `usual` that has it.
    pub fn exercise(
        &self,
        usual: &[PathBuf],
    ) -> Result<Option<innervate::training::setup::ExerciseSetup>> {
        let Some(name) = &self.setup else {
            return Ok(None);
        };
        let dirs: Vec<PathBuf> = match &self.setups_dir {
            Some(d) => vec![d.clone()],
            None => usual
                .iter()
                .cloned()
                .chain([SetupStore::default_dir()])
                .collect(),
        };
        let store = dirs
            .iter()
            .map(|d| SetupStore::new(d.clone()))
            .find(|s| s.path_for(name).exists())
            .unwrap_or_else(|| SetupStore::new(dirs[0].clone()));
        let setup = store.load(name).with_context(|| {
            format!(
                "--setup {name}: no such saved setup in {}",
                store.dir().display()
            )
        })?;
        Ok(Some(setup))
    }

    /// What the engine should start with, for a stream described by `info`; `None` without `--audio` or
    /// `--audio-to`.
    pub fn setup(
        &self,
        info: &StreamInfo,
        rms_window_s: f64,
        mvc_uv: &[Option<f64>],
        setup: Option<&innervate::training::setup::ExerciseSetup>,
    ) -> Result<Option<SoundSetup>> {
        let cues = self.cues()?;
        if !self.wanted() {
            return Ok(None);
        }
        let plan = match setup {
            Some(s) => {
                s.validate(info.channels())
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("--setup {}", s.name))?;
                CuePlan::from_setup(s, &info.pairs, mvc_uv, rms_window_s)
            }
            None => default_plan(info, rms_window_s),
        };
        Ok(Some(SoundSetup {
            plan,
            cues,
            volume: self.volume.clamp(0.0, 1.0),
            device: self.audio.then(|| self.audio_device.clone()),
            wav: self.audio_to.clone(),
        }))
    }
}

/// Without a setup: channel 0 is the target at the default line, channel 1 its antagonist.
fn default_plan(info: &StreamInfo, rms_window_s: f64) -> CuePlan {
    let mut plan = CuePlan::default_for(&info.pairs, 0, rms_window_s);
    if plan.antagonist.is_none() && info.channels() > 1 {
        plan.antagonist = Some(1);
    }
    plan
}

/// Says on stderr whether sound plays (and where) or why it is off.
pub fn report_state(state: &innervate::audio::SoundState) {
    match state {
        innervate::audio::SoundState::On(what) => eprintln!("Sound: on ({what})"),
        innervate::audio::SoundState::Off(why) => eprintln!("Sound is off: {why}"),
    }
}
