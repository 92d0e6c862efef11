//! Reads a WAV's samples in large blocks of frames, for the offline paths that read a whole file (exports).
//!
//! The values are exactly those [`crate::source::replay::WavReplay`] gives frame by frame (float samples as
//! microvolts, integers at face value, anything not finite as 0), but read as raw bytes in blocks of
//! thousands of frames instead of one sample at a time. 24-bit integer files (whose container width the header
//! reader does not expose) go through hound's sample reader, still filling whole blocks.

use super::SessionError;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// How the data chunk's bytes become samples.
enum Samples {
    /// Raw little-endian bytes read straight from the data chunk.
    Raw {
        reader: BufReader<File>,
        kind: RawKind,
        bytes: Vec<u8>,
    },
    /// hound's reader, one sample at a time (24-bit integers).
    Hound(hound::WavReader<BufReader<File>>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum RawKind {
    F32,
    U8,
    I16,
    I32,
}

impl RawKind {
    fn width(self) -> usize {
        match self {
            RawKind::U8 => 1,
            RawKind::I16 => 2,
            RawKind::F32 | RawKind::I32 => 4,
        }
    }
}

/// A WAV opened for block reads.
pub struct WavBlocks {
    samples: Samples,
    channels: usize,
    sample_rate: u32,
    frames: u64,
    left: u64,
    path: PathBuf,
}

impl WavBlocks {
    /// Opens `path` (any WAV hound reads: float 32, integer 8, 16, 24 or 32 bits).
    pub fn open(path: &Path) -> Result<Self, SessionError> {
        let file = File::open(path).map_err(|e| SessionError::io(path, e))?;
        let reader = hound::WavReader::new(BufReader::with_capacity(1 << 16, file))
            .map_err(|e| SessionError::bad(path, e.to_string()))?;
        let spec = reader.spec();
        let channels = spec.channels as usize;
        if channels == 0 {
            return Err(SessionError::bad(path, "no channels".into()));
        }
        let frames = reader.duration() as u64;
        let kind = match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Float, 32) => Some(RawKind::F32),
            (hound::SampleFormat::Int, 8) => Some(RawKind::U8),
            (hound::SampleFormat::Int, 16) => Some(RawKind::I16),
            (hound::SampleFormat::Int, 32) => Some(RawKind::I32),
            (hound::SampleFormat::Int, 24) => None,
            (format, bits) => {
                return Err(SessionError::bad(
                    path,
                    format!("{bits}-bit {format:?} samples are not supported"),
                ));
            }
        };
        let samples = match kind {
            // The reader has read the header and stands at the first byte of the data chunk.
            Some(kind) => Samples::Raw {
                reader: reader.into_inner(),
                kind,
                bytes: Vec::new(),
            },
            None => Samples::Hound(reader),
        };
        Ok(Self {
            samples,
            channels,
            sample_rate: spec.sample_rate,
            frames,
            left: frames,
            path: path.to_path_buf(),
        })
    }

    /// Channels per frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Sample rate, Hz.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Frames the header announces.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Replaces `out` with the next frames, at most `max_frames` of them (interleaved: `channels` values
    /// per frame); returns how many frames it holds (0 at the end).
    pub fn read(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, SessionError> {
        let n = (max_frames as u64).min(self.left) as usize;
        let count = n * self.channels;
        out.clear();
        if n == 0 {
            return Ok(0);
        }
        let path = &self.path;
        let cut = |e: std::io::Error| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                SessionError::bad(path, "file ends inside a frame (truncated?)".into())
            } else {
                SessionError::io(path, e)
            }
        };
        match &mut self.samples {
            Samples::Raw {
                reader,
                kind,
                bytes,
            } => {
                if *kind == RawKind::F32 && cfg!(target_endian = "little") {
                    // Little-endian float samples are already f32s in memory: read them in place.
                    out.resize(count, 0.0);
                    // SAFETY: the bytes of `count` f32s, all initialised, and any bit pattern is an f32.
                    let view = unsafe {
                        std::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<u8>(), count * 4)
                    };
                    reader.read_exact(view).map_err(cut)?;
                    for v in out.iter_mut() {
                        if !v.is_finite() {
                            *v = 0.0;
                        }
                    }
                    self.left -= n as u64;
                    return Ok(n);
                }
                let width = kind.width();
                bytes.resize(count * width, 0);
                reader.read_exact(bytes).map_err(cut)?;
                out.reserve(count);
                match kind {
                    RawKind::F32 => out.extend(bytes.chunks_exact(4).map(|b| {
                        let v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                        if v.is_finite() { v } else { 0.0 }
                    })),
                    RawKind::U8 => out.extend(bytes.iter().map(|&b| (b as i32 - 128) as f32)),
                    RawKind::I16 => out.extend(
                        bytes
                            .chunks_exact(2)
                            .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32),
                    ),
                    RawKind::I32 => out.extend(
                        bytes
                            .chunks_exact(4)
                            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32),
                    ),
                }
            }
            Samples::Hound(reader) => {
                for s in reader.samples::<i32>().take(count) {
                    out.push(s.map_err(|e| SessionError::bad(path, e.to_string()))? as f32);
                }
                if out.len() < count {
                    return Err(SessionError::bad(
                        path,
                        "file ends inside a frame (truncated?)".into(),
                    ));
                }
            }
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FrameGenerator;
    use crate::source::replay::WavReplay;

    /// Every value equal to WavReplay's, frame by frame, across block boundaries.
    fn same_as_replay(path: &Path, block: usize) {
        let mut replay = WavReplay::open(path).unwrap();
        let mut blocks = WavBlocks::open(path).unwrap();
        let channels = blocks.channels();
        let mut frame = vec![0.0f32; channels];
        let mut buf = Vec::new();
        let mut total = 0u64;
        loop {
            let n = blocks.read(&mut buf, block).unwrap();
            for f in buf.chunks_exact(channels) {
                assert!(replay.next_frame(&mut frame).unwrap());
                assert_eq!(
                    f.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    frame.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
                );
            }
            total += n as u64;
            if n == 0 {
                break;
            }
        }
        assert!(!replay.next_frame(&mut frame).unwrap());
        assert_eq!(total, blocks.frames());
    }

    fn write(path: &Path, spec: hound::WavSpec, values: &[i32]) {
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &v in values {
            if spec.sample_format == hound::SampleFormat::Float {
                w.write_sample(v as f32 * 0.37).unwrap();
            } else {
                w.write_sample(v).unwrap();
            }
        }
        w.finalize().unwrap();
    }

    #[test]
    fn every_format_reads_as_the_replay_does() {
        let dir = tempfile::tempdir().unwrap();
        for (format, bits, scale) in [
            (hound::SampleFormat::Float, 32, 1000),
            (hound::SampleFormat::Int, 8, 100),
            (hound::SampleFormat::Int, 16, 30_000),
            (hound::SampleFormat::Int, 24, 8_000_000),
            (hound::SampleFormat::Int, 32, 2_000_000_000),
        ] {
            let spec = hound::WavSpec {
                channels: 3,
                sample_rate: 1000,
                bits_per_sample: bits,
                sample_format: format,
            };
            let values: Vec<i32> = (0..3 * 1001)
                .map(|i| ((i as f64 * 0.731).sin() * scale as f64) as i32)
                .collect();
            let path = dir.path().join(format!("{bits}{format:?}.wav"));
            write(&path, spec, &values);
            for block in [1, 7, 1000, 5000] {
                same_as_replay(&path, block);
            }
        }
    }

    #[test]
    fn samples_that_are_not_finite_read_as_zero() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nan.wav");
        let mut w =
            hound::WavWriter::create(&path, crate::session::float_wav_spec(2, 1000.0)).unwrap();
        for v in [1.5, f32::NAN, f32::INFINITY, -2.0, f32::NEG_INFINITY, 0.25] {
            w.write_sample(v).unwrap();
        }
        w.finalize().unwrap();
        let mut out = Vec::new();
        assert_eq!(
            WavBlocks::open(&path).unwrap().read(&mut out, 10).unwrap(),
            3
        );
        assert_eq!(out, [1.5, 0.0, 0.0, -2.0, 0.0, 0.25]);
        same_as_replay(&path, 2);
    }

    #[test]
    fn a_file_cut_short_is_an_error_not_a_short_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.wav");
        let spec = crate::session::float_wav_spec(2, 1000.0);
        write(&path, spec, &[1; 200]);
        let len = std::fs::metadata(&path).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(len - 6).unwrap();
        let mut blocks = WavBlocks::open(&path).unwrap();
        let err = blocks.read(&mut Vec::new(), 1000).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
    }
}
