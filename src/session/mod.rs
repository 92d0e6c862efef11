//! Sessions on disk: a 32-bit float WAV of microvolts plus a JSON sidecar.

pub mod catalog;
pub mod export;
pub mod load;
pub mod recorder;
pub mod repair;
pub mod sets;
pub mod sidecar;

pub use recorder::{Recorder, RecorderSetup, RecordingSummary};
pub use sets::{MarkedSet, marked_sets};
pub use sidecar::{Gap, Marker, MarkerKind, SessionMeta, Sidecar};

use std::path::Path;

/// A session file problem, with the path and a plain-words reason.
pub type SessionError = crate::file_error::FileError;

/// The WAV format of every file Innervate writes (recordings, envelope tracks, synthetic recordings): 32-bit
/// float, one channel per muscle, at the stream's rate rounded to whole hertz.
pub fn float_wav_spec(channels: usize, sample_rate: f64) -> hound::WavSpec {
    hound::WavSpec {
        channels: channels as u16,
        sample_rate: sample_rate.round() as u32,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    }
}

/// Normalises a user-given output path to the session's WAV path (adds `.wav` when missing).
pub fn wav_path(out: &Path) -> std::path::PathBuf {
    match out.extension() {
        Some(e) if e.eq_ignore_ascii_case("wav") => out.to_path_buf(),
        _ => {
            let mut s = out.as_os_str().to_owned();
            s.push(".wav");
            s.into()
        }
    }
}
