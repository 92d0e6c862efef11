//! Sound feedback: the cue logic ([`cues`], pure), a small oscillator bank ([`synth`]), both on the sample
//! clock ([`render`]), and the sound thread with its outputs ([`output`]): ALSA loaded at run time
//! ([`alsa`]) and a WAV file (`--audio-to`, exactly what would be played).
//!
//! The DSP thread hands display points to the sound thread through a bounded queue and never waits on it
//! for a live source; the window talks to it only through [`SoundHandle`] (held by the engine).

pub mod alsa;
pub mod cues;
pub mod output;
pub mod render;
pub mod synth;

pub use cues::{CueEngine, CuePlan, CueSet, Sound, Voices};
pub use output::{
    AudioOutput, SoundControl, SoundHandle, SoundSetup, SoundState, SoundStatus, WavOutput,
};
pub use render::{Renderer, SoundPoints, SoundRoute};
pub use synth::SAMPLE_RATE;

/// Why sound could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SoundError {
    /// The system sound library is not there (everything else keeps working).
    #[error("ALSA's library could not be loaded ({0})")]
    Unavailable(String),
    /// The device refused.
    #[error("{0}")]
    Device(String),
    /// The `--audio-to` file could not be written.
    #[error("cannot write the sound file {0}")]
    File(String),
}
