//! Opens a session for reading and checks that its parts agree, with a plain-words error for each way they
//! can be broken: not a WAV, a damaged header, a WAV cut short, a sidecar that is not JSON, misses a field,
//! comes from a newer Innervate, or disagrees with its WAV.

use super::SessionError;
use super::sidecar::{Sidecar, sidecar_path};
use crate::source::replay::WavReplay;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A session whose WAV and sidecar were checked against each other.
#[derive(Clone, Debug)]
pub struct Session {
    /// The WAV.
    pub wav_path: PathBuf,
    /// The sidecar, when there is one (a plain WAV has none).
    pub sidecar: Option<Sidecar>,
    /// Channels in the WAV.
    pub channels: usize,
    /// Sample rate, Hz.
    pub sample_rate: f64,
    /// Frames the WAV holds.
    pub frames: u64,
    /// Channel names (the sidecar's, or "Channel 1", ...).
    pub channel_names: Vec<String>,
}

impl Session {
    /// Duration, s.
    pub fn duration_s(&self) -> f64 {
        self.frames as f64 / self.sample_rate
    }

    /// When the recording started: the sidecar's start time, or for a plain WAV its last change minus its
    /// length (a recorder writes the file until it stops).
    pub fn started_at(&self) -> SystemTime {
        let from_sidecar = self
            .sidecar
            .as_ref()
            .and_then(|s| humantime::parse_rfc3339_weak(&s.start_time).ok());
        from_sidecar.unwrap_or_else(|| {
            let changed = std::fs::metadata(&self.wav_path)
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            let length = Duration::try_from_secs_f64(self.duration_s()).unwrap_or_default();
            changed
                .checked_sub(length)
                .unwrap_or(SystemTime::UNIX_EPOCH)
        })
    }

    /// A replay source over the samples, with the session's channel names.
    pub fn replay(&self) -> Result<WavReplay, SessionError> {
        let r = WavReplay::open(&self.wav_path)
            .map_err(|e| SessionError::bad(&self.wav_path, e.to_string()))?;
        let r = r.with_channel_names(self.channel_names.clone());
        Ok(match &self.sidecar {
            Some(s) => r.with_pairs(s.pairs.clone()),
            None => r,
        })
    }
}

/// Opens the session whose WAV is `wav`.
pub fn open_session(wav: &Path) -> Result<Session, SessionError> {
    let reader = hound::WavReader::open(wav).map_err(|e| {
        let reason = match e {
            hound::Error::FormatError(what) => format!("not a usable WAV file ({what})"),
            hound::Error::Unsupported => {
                "a WAV format Innervate does not read (use PCM or float)".into()
            }
            // hound reports a header that ends early as "Failed to read enough bytes." (kind Other).
            hound::Error::IoError(io)
                if io.kind() == std::io::ErrorKind::UnexpectedEof
                    || io.to_string().contains("enough bytes") =>
            {
                "the WAV header is cut short".into()
            }
            other => other.to_string(),
        };
        SessionError::bad(wav, reason)
    })?;
    let spec = reader.spec();
    let declared = reader.duration() as u64;
    let channels = spec.channels as usize;
    let block = (spec.bits_per_sample as u64).div_ceil(8) * spec.channels as u64;
    // hound trusts the header; check the bytes are really there.
    let len = std::fs::metadata(wav)
        .map_err(|e| SessionError::io(wav, e))?
        .len();
    let data_bytes = declared * block;
    if block > 0 && data_bytes > len {
        return Err(SessionError::bad(
            wav,
            format!(
                "the header promises {declared} frames but the file is shorter: it was cut off (innervate repair makes the rest readable)"
            ),
        ));
    }
    if !(1..=crate::block::MAX_CHANNELS).contains(&channels) || spec.sample_rate == 0 {
        return Err(SessionError::bad(
            wav,
            format!(
                "{channels} channels at {} Hz is not a recording Innervate can open",
                spec.sample_rate
            ),
        ));
    }
    let side_path = sidecar_path(wav);
    let sidecar = if side_path.exists() {
        Some(Sidecar::read(&side_path)?)
    } else {
        None
    };
    if let Some(s) = &sidecar {
        let disagree = |what: String| {
            Err(SessionError::bad(
                &side_path,
                format!("the sidecar disagrees with its WAV: {what}"),
            ))
        };
        if s.channel_names.len() != channels {
            return disagree(format!(
                "{} channel names for {channels} channels",
                s.channel_names.len()
            ));
        }
        if (s.sample_rate_hz - spec.sample_rate as f64).abs() > 0.5 {
            return disagree(format!(
                "{} Hz in the sidecar, {} Hz in the WAV",
                s.sample_rate_hz, spec.sample_rate
            ));
        }
        if s.complete && s.frames_written != declared {
            return disagree(format!(
                "{} frames in the sidecar, {declared} in the WAV",
                s.frames_written
            ));
        }
        if let Some(p) = s
            .pairs
            .iter()
            .find(|p| p.agonist >= channels || p.antagonist >= channels)
        {
            return disagree(format!(
                "pair {}:{} names a missing channel",
                p.agonist + 1,
                p.antagonist + 1
            ));
        }
        if let Some(m) = s.markers.iter().find(|m| m.wav_frame > declared) {
            return disagree(format!(
                "a marker at frame {} is past the end ({declared})",
                m.wav_frame
            ));
        }
    }
    let channel_names = match &sidecar {
        Some(s) => s.channel_names.clone(),
        None => (1..=channels).map(|i| format!("Channel {i}")).collect(),
    };
    Ok(Session {
        wav_path: wav.to_path_buf(),
        sidecar,
        channels,
        sample_rate: spec.sample_rate as f64,
        frames: declared,
        channel_names,
    })
}
