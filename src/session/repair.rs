//! Makes an interrupted session readable again.
//!
//! A killed recorder leaves a WAV whose header counts only the samples flushed before the last header refresh
//! (at most a second old), maybe a torn last frame, and a sidecar that says `complete: false` (or only its
//! temporary file). Repair extends the header over every whole frame on disk, cuts the torn bytes, and brings the
//! sidecar up to date (or writes one from the WAV if it is gone).

use super::SessionError;
use super::sidecar::{Sidecar, sidecar_path};
use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What repair found and did.
#[derive(Clone, Debug, PartialEq)]
pub struct RepairReport {
    /// The WAV.
    pub wav_path: PathBuf,
    /// Frames the header counted before.
    pub frames_before: u64,
    /// Frames readable now.
    pub frames_after: u64,
    /// Bytes of a torn last frame that were cut.
    pub torn_bytes_cut: u64,
    /// Channels.
    pub channels: u16,
    /// Sample rate, Hz.
    pub sample_rate: u32,
    /// What happened to the sidecar, in plain words.
    pub sidecar: String,
}

impl std::fmt::Display for RepairReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = |n: u64| n as f64 / self.sample_rate.max(1) as f64;
        write!(
            f,
            "{}: {} channels at {} Hz; the header counted {} frames ({:.3} s), now {} frames ({:.3} s) are readable",
            self.wav_path.display(),
            self.channels,
            self.sample_rate,
            self.frames_before,
            secs(self.frames_before),
            self.frames_after,
            secs(self.frames_after)
        )?;
        if self.torn_bytes_cut > 0 {
            write!(
                f,
                "; cut {} bytes of a torn last frame",
                self.torn_bytes_cut
            )?;
        }
        write!(f, "; sidecar: {}", self.sidecar)
    }
}

struct WavLayout {
    block_align: u64,
    channels: u16,
    sample_rate: u32,
    data_size_at: u64,
    data_start: u64,
    declared_data: u64,
    fact_at: Option<u64>,
}

fn read_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// Walks the RIFF chunks up to `data` (bounded: a header larger than 1 MiB is not a recording of ours).
fn layout(file: &mut std::fs::File, path: &Path) -> Result<WavLayout, SessionError> {
    let bad = |r: &str| SessionError::bad(path, r.to_string());
    let mut head = vec![0u8; 1 << 20];
    let n = {
        let mut total = 0;
        loop {
            let k = file
                .read(&mut head[total..])
                .map_err(|e| SessionError::io(path, e))?;
            if k == 0 || total + k == head.len() {
                break total + k;
            }
            total += k;
        }
    };
    let head = &head[..n];
    if n < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Err(bad("not a WAV file (no RIFF/WAVE header)"));
    }
    let mut pos = 12usize;
    let mut fmt: Option<(u16, u32, u16)> = None;
    let mut fact_at = None;
    while pos + 8 <= n {
        let id = &head[pos..pos + 4];
        let size = read_u32(&head[pos + 4..pos + 8]) as usize;
        let body = pos + 8;
        match id {
            b"fmt " => {
                if body + 16 > n {
                    return Err(bad("the fmt chunk is cut short"));
                }
                let channels = u16::from_le_bytes([head[body + 2], head[body + 3]]);
                let rate = read_u32(&head[body + 4..body + 8]);
                let align = u16::from_le_bytes([head[body + 12], head[body + 13]]);
                fmt = Some((channels, rate, align));
            }
            b"fact" => fact_at = Some(body as u64),
            b"data" => {
                let (channels, sample_rate, align) =
                    fmt.ok_or_else(|| bad("no fmt chunk before the data"))?;
                if align == 0 || channels == 0 {
                    return Err(bad("the fmt chunk says 0 channels or 0 bytes per frame"));
                }
                return Ok(WavLayout {
                    block_align: align as u64,
                    channels,
                    sample_rate,
                    data_size_at: (pos + 4) as u64,
                    data_start: body as u64,
                    declared_data: size as u64,
                    fact_at,
                });
            }
            _ => {}
        }
        pos = body + size + (size & 1);
    }
    Err(bad("no data chunk"))
}

/// Repairs the session whose WAV is `wav` (see the module comment).
pub fn repair(wav: &Path) -> Result<RepairReport, SessionError> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(wav)
        .map_err(|e| SessionError::io(wav, e))?;
    let l = layout(&mut file, wav)?;
    let file_len = file.metadata().map_err(|e| SessionError::io(wav, e))?.len();
    let on_disk = file_len.saturating_sub(l.data_start);
    let whole = on_disk / l.block_align * l.block_align;
    let data_size = whole.min(u32::MAX as u64 - 64);
    let torn = on_disk - whole;
    let mut put = |at: u64, v: u32| -> Result<(), SessionError> {
        file.seek(SeekFrom::Start(at))
            .map_err(|e| SessionError::io(wav, e))?;
        file.write_all(&v.to_le_bytes())
            .map_err(|e| SessionError::io(wav, e))
    };
    put(l.data_size_at, data_size as u32)?;
    put(4, (l.data_start + data_size - 8) as u32)?;
    if let Some(at) = l.fact_at {
        put(at, (data_size / l.block_align) as u32)?;
    }
    file.set_len(l.data_start + data_size)
        .map_err(|e| SessionError::io(wav, e))?;
    file.sync_all().map_err(|e| SessionError::io(wav, e))?;
    let frames_after = data_size / l.block_align;

    let side_path = sidecar_path(wav);
    let tmp = side_path.with_extension("json.tmp");
    let sidecar = match Sidecar::read(&side_path) {
        Ok(mut s) => {
            s.frames_written = frames_after;
            let was = if s.complete {
                "was complete"
            } else {
                "was left open by the crash"
            };
            s.complete = true;
            s.write_atomic(&side_path)
                .map_err(|e| SessionError::io(&side_path, e))?;
            format!(
                "{was}; now closed with {frames_after} frames and {} markers",
                s.markers.len()
            )
        }
        Err(_) if tmp.exists() && Sidecar::read(&tmp).is_ok() => {
            let mut s = Sidecar::read(&tmp)?;
            s.frames_written = frames_after;
            s.complete = true;
            s.write_atomic(&side_path)
                .map_err(|e| SessionError::io(&side_path, e))?;
            "restored from its temporary copy".to_string()
        }
        Err(e) if side_path.exists() => format!("left as it is: {e}"),
        Err(_) => {
            "none (the WAV opens as a plain recording with default channel names)".to_string()
        }
    };
    let _ = std::fs::remove_file(&tmp);
    Ok(RepairReport {
        wav_path: wav.to_path_buf(),
        frames_before: l.declared_data / l.block_align,
        frames_after,
        torn_bytes_cut: torn,
        channels: l.channels,
        sample_rate: l.sample_rate,
        sidecar,
    })
}
