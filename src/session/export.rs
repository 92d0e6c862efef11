//! Exports a session (or any WAV) to formats other tools open: CSV and EDF+.
//!
//! CSV: one row per sample, `time_s`, then each channel's raw value and RMS envelope (uV), computed with the
//! session's own processing settings. EDF+ (EDF+C, 1 s data records): each channel as 16-bit samples with the
//! physical range of that channel (so the resolution is range / 65535 uV), dimension "uV", the band-pass in
//! the prefiltering field, and the sidecar's markers and gaps as EDF+ annotations. A last partial second is
//! padded with zeros (EDF records are whole) and an annotation says where the recording really ends.
//!
//! Both read the WAV in blocks of thousands of frames ([`crate::source::wav_blocks`], the reader replay and analysis use) and write in large blocks; the
//! CSV's numbers are formatted without allocation ([`text`]) on every core while one thread reads and runs
//! the envelopes.

mod csv;
mod edf;
mod pipeline;
pub mod text;

pub use csv::export_csv;
pub use edf::export_edf;

use super::SessionError;
use super::load::Session;
use crate::source::SourceError;
use crate::source::wav_blocks::WavBlocks;
use std::path::Path;

/// Frames read at a time.
const BLOCK_FRAMES: usize = 4096;

/// A session opened for export (checked by [`super::load::open_session`]) and its samples in blocks.
fn open(wav: &Path) -> Result<(Session, WavBlocks), SessionError> {
    let session = super::load::open_session(wav)?;
    let blocks = WavBlocks::open(&session.wav_path).map_err(|e| read_error(wav, e))?;
    Ok((session, blocks))
}

/// A reading error of `wav` as a session error (the reason without the source's own wording).
fn read_error(wav: &Path, e: SourceError) -> SessionError {
    match e {
        SourceError::File { reason, .. } => SessionError::bad(wav, reason),
        other => SessionError::bad(wav, other.to_string()),
    }
}

/// Replaces `out` with the next frames of `blocks`, at most `max_frames` of them; returns how many.
fn read_block(
    wav: &Path,
    blocks: &mut WavBlocks,
    out: &mut Vec<f32>,
    max_frames: usize,
) -> Result<usize, SessionError> {
    let channels = blocks.channels();
    out.resize(max_frames * channels, 0.0);
    let n = blocks.read(out).map_err(|e| read_error(wav, e))?;
    out.truncate(n * channels);
    Ok(n)
}
