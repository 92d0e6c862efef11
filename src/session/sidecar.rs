//! The JSON sidecar that travels with a session's WAV: everything needed to interpret the samples.

use crate::dsp::{DspConfig, EffectiveDsp, MusclePair};
use crate::training::plan::SetPlan;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Identifies the file as ours.
pub const FORMAT_NAME: &str = "innervate-session";
/// Current sidecar format version; readers refuse newer ones with a clear message. Version 2 added the set
/// plan on set-start markers ([`Marker::plan`]); version-1 files read as before (their sets get
/// [`SetPlan::assumed`]).
pub const FORMAT_VERSION: u32 = 2;

/// A run of samples that never reached the recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// WAV frame before which the samples are missing.
    pub wav_frame: u64,
    /// Stream sample index of the first missing sample.
    pub stream_sample: u64,
    /// How many samples (frames) are missing.
    pub missing: u64,
}

/// What a marker marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    /// A set begins.
    SetStart,
    /// A set ends.
    SetEnd,
    /// A rep (found by the detector).
    Rep,
    /// The user pressed M or the Mark button.
    User,
}

/// A moment in the recording worth finding again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// WAV frame it points at.
    pub wav_frame: u64,
    /// The same moment as seconds from the start of the WAV.
    pub time_s: f64,
    /// What it marks.
    pub kind: MarkerKind,
    /// The user's words (may be empty).
    #[serde(default)]
    pub text: String,
    /// On a set start: the set's plan (target and competing channels, target line, limit, mode, tempo), so
    /// its summary can be computed again from the session alone. Absent in format-1 sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<SetPlan>,
}

/// What the user knows about a session beyond the samples: carried into its sidecar.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    /// Left/right muscle pairs (left channel, right channel).
    #[serde(default)]
    pub left_right: Vec<(usize, usize)>,
    /// MVC reference per channel, uV (None where not calibrated).
    #[serde(default)]
    pub mvc_uv: Vec<Option<f64>>,
    /// Free text.
    #[serde(default)]
    pub notes: String,
    /// Muscle names to record instead of the source's channel names (the sidecar's `channel_names` carries
    /// them); empty keeps the source's.
    #[serde(skip)]
    pub channel_names: Vec<String>,
}

/// Session metadata (format version 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sidecar {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written by this build.
    pub format_version: u32,
    /// Program that wrote it.
    pub app_version: String,
    /// Wall-clock time of the first recorded sample, RFC 3339 UTC.
    pub start_time: String,
    /// Samples per second per channel.
    pub sample_rate_hz: f64,
    /// Unit of the WAV samples.
    pub units: String,
    /// One name per WAV channel.
    pub channel_names: Vec<String>,
    /// Agonist/antagonist pairs, by channel index.
    pub pairs: Vec<MusclePair>,
    /// Where the samples came from.
    pub source: String,
    /// Processing parameters as set.
    pub dsp: DspConfig,
    /// Processing parameters in force at this sample rate (ISEK reporting).
    pub dsp_effective: EffectiveDsp,
    /// Stream sample index of WAV frame 0.
    pub first_stream_sample: u64,
    /// Frames in the WAV when this sidecar was last written.
    pub frames_written: u64,
    /// Samples lost on the way (the WAV holds only what arrived).
    pub gaps: Vec<Gap>,
    /// Markers in time order.
    #[serde(default)]
    pub markers: Vec<Marker>,
    /// Left/right pairs, MVC references and notes.
    #[serde(default, flatten)]
    pub meta: SessionMeta,
    /// True once the recording was closed normally.
    pub complete: bool,
}

/// The sidecar path for a session WAV: same name, `.json`.
pub fn sidecar_path(wav: &Path) -> PathBuf {
    wav.with_extension("json")
}

impl Sidecar {
    /// Writes atomically ([`crate::fsio::write_json_atomic`]), so a crash leaves either the old or the new
    /// sidecar, never half of one.
    pub fn write_atomic(&self, path: &Path) -> std::io::Result<()> {
        crate::fsio::write_json_atomic(path, self)
    }

    /// Reads a sidecar, refusing other formats and newer versions.
    pub fn read(path: &Path) -> Result<Self, super::SessionError> {
        let text = std::fs::read(path).map_err(|e| super::SessionError::io(path, e))?;
        let value: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|e| super::SessionError::bad(path, e.to_string()))?;
        if value.get("format").and_then(|v| v.as_str()) != Some(FORMAT_NAME) {
            return Err(super::SessionError::bad(
                path,
                "not an Innervate session sidecar".into(),
            ));
        }
        let version = value
            .get("format_version")
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        if version > FORMAT_VERSION as u64 {
            return Err(super::SessionError::bad(
                path,
                format!(
                    "format version {version} is newer than this program understands ({FORMAT_VERSION}); update Innervate"
                ),
            ));
        }
        serde_json::from_value(value).map_err(|e| super::SessionError::bad(path, e.to_string()))
    }
}
