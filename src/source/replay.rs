//! Plays a WAV recording back as a source: Innervate's own sessions or any plain WAV.
//!
//! Integer WAVs are taken at face value (one count = one microvolt) since a plain WAV carries no unit;
//! float WAVs are read as microvolts, which is what Innervate writes.

use super::{FrameGenerator, SourceError, SourceKind, StreamInfo};
use crate::block::MAX_CHANNELS;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// A WAV file streamed frame by frame (bounded memory, whatever the file's length).
pub struct WavReplay {
    info: StreamInfo,
    reader: hound::WavReader<BufReader<File>>,
    format: hound::SampleFormat,
    path: String,
}

impl WavReplay {
    /// Opens `path`; channel names default to "Channel 1", "Channel 2", ... and pairs to (1,2), (3,4), ...
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let shown = path.display().to_string();
        let err = |reason: String| SourceError::File {
            path: shown.clone(),
            reason,
        };
        let reader = hound::WavReader::open(path).map_err(|e| err(e.to_string()))?;
        let spec = reader.spec();
        let channels = spec.channels as usize;
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(err(format!(
                "{channels} channels; 1 to {MAX_CHANNELS} are supported"
            )));
        }
        if spec.sample_rate == 0 {
            return Err(err("sample rate is 0".into()));
        }
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let info = StreamInfo {
            description: format!("Replay of {name}"),
            kind: SourceKind::FileReplay,
            sample_rate: spec.sample_rate as f64,
            channel_names: (1..=channels).map(|i| format!("Channel {i}")).collect(),
            pairs: (0..channels / 2)
                .map(|p| crate::dsp::MusclePair {
                    agonist: 2 * p,
                    antagonist: 2 * p + 1,
                })
                .collect(),
        };
        Ok(Self {
            info,
            format: spec.sample_format,
            reader,
            path: shown,
        })
    }

    /// Replaces the default channel names (e.g. from a session sidecar or a manifest).
    pub fn with_channel_names(mut self, names: Vec<String>) -> Self {
        if names.len() == self.info.channel_names.len() {
            self.info.channel_names = names;
        }
        self
    }

    /// Replaces the default agonist/antagonist pairs (e.g. from a session sidecar); pairs naming a missing
    /// channel are left out.
    pub fn with_pairs(mut self, pairs: Vec<crate::dsp::MusclePair>) -> Self {
        let n = self.info.channels();
        self.info.pairs = pairs
            .into_iter()
            .filter(|p| p.agonist < n && p.antagonist < n)
            .collect();
        self
    }

    /// Total frames the header announces.
    pub fn total_frames(&self) -> u64 {
        self.reader.duration() as u64
    }

    /// Moves to frame `frame` (clamped to the end), so a review can replay from any moment.
    pub fn seek(&mut self, frame: u64) -> Result<(), SourceError> {
        let frame = frame.min(self.total_frames()) as u32;
        self.reader.seek(frame).map_err(|e| SourceError::File {
            path: self.path.clone(),
            reason: format!("cannot seek: {e}"),
        })
    }
}

impl FrameGenerator for WavReplay {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        let channels = self.info.channels();
        for c in 0..channels {
            let value = match self.format {
                hound::SampleFormat::Float => self
                    .reader
                    .samples::<f32>()
                    .next()
                    .map(|r| r.map(|v| v as f64)),
                hound::SampleFormat::Int => self
                    .reader
                    .samples::<i32>()
                    .next()
                    .map(|r| r.map(|v| v as f64)),
            };
            match value {
                None if c == 0 => return Ok(false),
                None => {
                    return Err(SourceError::File {
                        path: self.path.clone(),
                        reason: "file ends inside a frame (truncated?)".into(),
                    });
                }
                Some(Err(e)) => {
                    return Err(SourceError::File {
                        path: self.path.clone(),
                        reason: e.to_string(),
                    });
                }
                Some(Ok(v)) => {
                    if let Some(out) = frame.get_mut(c) {
                        *out = if v.is_finite() { v as f32 } else { 0.0 };
                    }
                }
            }
        }
        Ok(true)
    }
}
