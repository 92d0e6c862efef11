//! Plays a WAV recording back as a source: Innervate's own sessions or any plain WAV.
//!
//! Integer WAVs are taken at face value (one count = one microvolt) since a plain WAV carries no unit;
//! float WAVs are read as microvolts, which is what Innervate writes.

use super::{FrameGenerator, SourceError, SourceKind, StreamInfo};
use crate::block::MAX_CHANNELS;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// A WAV file streamed frame by frame (bounded memory, whatever the file's length).
pub struct WavReplay {
    info: StreamInfo,
    reader: hound::WavReader<BufReader<File>>,
    format: hound::SampleFormat,
    path: String,
    /// 32-bit float files (Innervate's own) are read directly, many frames at a time.
    float: Option<FloatData>,
}

/// The sample data of a 32-bit float WAV, read as raw little-endian bytes.
struct FloatData {
    file: BufReader<File>,
    /// Byte offset of the first sample.
    start: u64,
    /// Frames the header promises.
    frames: u64,
    /// Next frame to read.
    position: u64,
    /// Raw bytes of the last read (reused).
    bytes: Vec<u8>,
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
        let float =
            if spec.sample_format == hound::SampleFormat::Float && spec.bits_per_sample == 32 {
                let frames = reader.duration() as u64;
                let mut file = File::open(path).map_err(|e| err(e.to_string()))?;
                let start = data_chunk_offset(&mut file).map_err(|e| err(e.to_string()))?;
                file.seek(SeekFrom::Start(start))
                    .map_err(|e| err(e.to_string()))?;
                Some(FloatData {
                    file: BufReader::with_capacity(1 << 16, file),
                    start,
                    frames,
                    position: 0,
                    bytes: Vec::new(),
                })
            } else {
                None
            };
        Ok(Self {
            info,
            format: spec.sample_format,
            reader,
            path: shown,
            float,
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
        let cannot = |e: std::io::Error| SourceError::File {
            path: self.path.clone(),
            reason: format!("cannot seek: {e}"),
        };
        if let Some(d) = &mut self.float {
            let bytes_per_frame = 4 * self.info.channels() as u64;
            d.file
                .seek(SeekFrom::Start(d.start + frame as u64 * bytes_per_frame))
                .map_err(cannot)?;
            d.position = frame as u64;
            return Ok(());
        }
        self.reader.seek(frame).map_err(|e| SourceError::File {
            path: self.path.clone(),
            reason: format!("cannot seek: {e}"),
        })
    }

    /// Reads up to `out.len() / channels` float frames; `None` if the file is not 32-bit float.
    fn read_float(&mut self, out: &mut [f32]) -> Option<Result<usize, SourceError>> {
        let channels = self.info.channels();
        let d = self.float.as_mut()?;
        let frames = ((out.len() / channels) as u64).min(d.frames - d.position) as usize;
        let want = frames * channels * 4;
        d.bytes.resize(want, 0);
        let mut got = 0;
        while got < want {
            match d.file.read(&mut d.bytes[got..want]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Some(Err(SourceError::File {
                        path: self.path.clone(),
                        reason: e.to_string(),
                    }));
                }
            }
        }
        if got < want {
            let ends = d.position + (got / (channels * 4)) as u64;
            return Some(Err(SourceError::File {
                path: self.path.clone(),
                reason: format!(
                    "the file ends at frame {ends} but its header promises {} (truncated? innervate repair \
                     makes the rest readable)",
                    d.frames
                ),
            }));
        }
        let read = got / (channels * 4);
        for (v, b) in out.iter_mut().zip(d.bytes[..got].chunks_exact(4)) {
            let x = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            *v = if x.is_finite() { x } else { 0.0 };
        }
        d.position += read as u64;
        Some(Ok(read))
    }
}

/// Byte offset of the `data` chunk's first sample in a RIFF/WAVE file.
fn data_chunk_offset(file: &mut File) -> std::io::Result<u64> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut head = [0u8; 12];
    file.read_exact(&mut head)?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Err(bad("not a RIFF/WAVE file"));
    }
    let mut offset = 12u64;
    loop {
        let mut chunk = [0u8; 8];
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(&mut chunk)
            .map_err(|_| bad("no data chunk"))?;
        let len = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]) as u64;
        if &chunk[0..4] == b"data" {
            return Ok(offset + 8);
        }
        // Chunks are padded to an even length.
        offset += 8 + len + (len & 1);
    }
}

impl FrameGenerator for WavReplay {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_frames(&mut self, out: &mut [f32]) -> Result<usize, SourceError> {
        if let Some(read) = self.read_float(out) {
            return read;
        }
        let channels = self.info.channels();
        let mut frames = 0;
        for frame in out.chunks_exact_mut(channels) {
            if !self.next_frame(frame)? {
                break;
            }
            frames += 1;
        }
        Ok(frames)
    }

    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        let channels = self.info.channels();
        if self.float.is_some() {
            let mut one = [0.0f32; MAX_CHANNELS];
            let read = self.read_float(&mut one[..channels]).unwrap_or(Ok(0))?;
            for (o, v) in frame.iter_mut().zip(&one[..channels]) {
                *o = *v;
            }
            return Ok(read == 1);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, frames: usize, channels: u16) -> Vec<f32> {
        let spec = hound::WavSpec {
            channels,
            sample_rate: 1000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        let values: Vec<f32> = (0..frames * channels as usize)
            .map(|i| {
                if i == 7 {
                    f32::NAN
                } else {
                    i as f32 * 0.25 - 3.0
                }
            })
            .collect();
        for v in &values {
            w.write_sample(*v).unwrap();
        }
        w.finalize().unwrap();
        values
    }

    #[test]
    fn float_files_read_in_blocks_and_frames_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.wav");
        let mut values = write(&path, 1000, 3);
        values[7] = 0.0; // non-finite samples read as 0
        let mut r = WavReplay::open(&path).unwrap();
        let mut all = vec![0.0f32; 3 * 1000];
        let mut done = 0;
        while done < 1000 {
            let n = r
                .next_frames(&mut all[done * 3..(done + 77).min(1000) * 3])
                .unwrap();
            assert!(n > 0);
            done += n;
        }
        assert_eq!(all, values);
        assert_eq!(r.next_frames(&mut all).unwrap(), 0);
        r.seek(500).unwrap();
        let mut frame = [0.0f32; 3];
        assert!(r.next_frame(&mut frame).unwrap());
        assert_eq!(frame[..], values[1500..1503]);
    }

    #[test]
    fn a_cut_off_float_file_is_an_error_not_a_short_recording() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.wav");
        write(&path, 1000, 2);
        let len = std::fs::metadata(&path).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(len - 800).unwrap();
        let mut r = WavReplay::open(&path).unwrap();
        let mut out = vec![0.0f32; 2 * 4096];
        let err = r.next_frames(&mut out).unwrap_err().to_string();
        assert!(err.contains("header promises 1000"), "{err}");
    }
}
