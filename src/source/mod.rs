//! Where samples come from: the simulated board, file replay, boards on a serial port and boards through
//! the BrainFlow bridge, and the reader threads that move their frames into the lock-free ring.

pub mod brainflow;
pub mod lsl_in;
pub mod reader;
pub mod replay;
pub mod serial;
pub mod simulator;
pub mod take;
pub mod virtual_board;
pub mod wav_blocks;
pub mod workout;

use crate::dsp::MusclePair;

/// What kind of source a stream comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The built-in simulated board.
    Simulator,
    /// A recording played back.
    FileReplay,
    /// A board on a serial port.
    Serial,
    /// A board through the BrainFlow bridge.
    Brainflow,
    /// A Lab Streaming Layer stream.
    Lsl,
}

/// What a stream carries: fixed for its lifetime.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamInfo {
    /// Human-readable source name for the status line.
    pub description: String,
    /// Kind of source.
    pub kind: SourceKind,
    /// Samples per second per channel.
    pub sample_rate: f64,
    /// One name per channel (the muscle).
    pub channel_names: Vec<String>,
    /// Suggested agonist/antagonist pairs (channel indices).
    pub pairs: Vec<MusclePair>,
}

impl StreamInfo {
    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.channel_names.len()
    }
}

/// A source's channel labels as muscle names: trimmed, "Channel N" where a label is empty.
pub fn names_from_labels(labels: &[String]) -> Vec<String> {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if l.trim().is_empty() {
                format!("Channel {}", i + 1)
            } else {
                l.trim().to_string()
            }
        })
        .collect()
}

/// The suggested pairs of a source without its own: channels (1,2), (3,4), ...
pub fn adjacent_pairs(channels: usize) -> Vec<MusclePair> {
    (0..channels / 2)
        .map(|p| MusclePair {
            agonist: 2 * p,
            antagonist: 2 * p + 1,
        })
        .collect()
}

/// Why a source failed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Settings the source cannot honour.
    #[error("invalid source settings: {0}")]
    Config(String),
    /// A file could not be read or is not a usable recording.
    #[error("cannot read {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// What went wrong, in plain words.
        reason: String,
    },
}

/// A source that produces frames on demand (simulator, file replay); the reader thread paces it.
pub trait FrameGenerator: Send + 'static {
    /// What the stream carries.
    fn info(&self) -> &StreamInfo;
    /// Writes the next frame (one value per channel, microvolts) into `frame`. Returns `Ok(false)` at the
    /// end of the stream.
    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError>;

    /// Writes up to `out.len() / channels` frames, interleaved, into `out`; returns how many (0 at the
    /// end). Offline passes read through this; sources that can read many frames at once override it.
    fn next_frames(&mut self, out: &mut [f32]) -> Result<usize, SourceError> {
        let channels = self.info().channels().max(1);
        let mut frames = 0;
        for frame in out.chunks_exact_mut(channels) {
            if !self.next_frame(frame)? {
                break;
            }
            frames += 1;
        }
        Ok(frames)
    }
}

/// A source, opened and ready to stream: what the engine's reader thread runs.
pub enum OpenSource {
    /// Frames made on demand (simulator, file replay); the reader thread paces them.
    Generator(Box<dyn FrameGenerator>),
    /// A board on a serial port, connected and streaming; the board sets the pace.
    Serial(Box<serial::SerialSource>),
    /// A board through BrainFlow, streaming; the board sets the pace.
    Brainflow(Box<brainflow::BrainflowSource>),
    /// An LSL stream, connected; the sender sets the pace.
    Lsl(Box<lsl_in::LslSource>),
}

impl OpenSource {
    /// What the stream carries.
    pub fn info(&self) -> &StreamInfo {
        match self {
            OpenSource::Generator(g) => g.info(),
            OpenSource::Serial(s) => s.info(),
            OpenSource::Brainflow(b) => b.info(),
            OpenSource::Lsl(s) => s.info(),
        }
    }

    /// Markers the source itself carries (an LSL marker stream), once.
    pub fn take_markers(&mut self) -> Option<crossbeam_channel::Receiver<(u64, String)>> {
        match self {
            OpenSource::Lsl(s) => s.take_markers(),
            _ => None,
        }
    }

    /// True for a live board, whose samples cannot be asked to wait.
    pub fn is_live_board(&self) -> bool {
        matches!(
            self,
            OpenSource::Serial(_) | OpenSource::Brainflow(_) | OpenSource::Lsl(_)
        )
    }
}
