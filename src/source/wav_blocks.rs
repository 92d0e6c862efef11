//! The one reader of WAV samples: blocks of interleaved frames from any WAV hound opens, with seeking.
//!
//! [`super::replay::WavReplay`] reads through it frame by frame, in blocks and when it seeks (and so the
//! offline analysis and review do); the exports read through it too. Float samples are microvolts, integers
//! are taken at face value (one count = one microvolt, as hound's `i32` samples: 8-bit as `byte - 128`),
//! anything not finite reads as 0. Float, 8-, 16- and 32-bit integer samples are read as raw little-endian
//! bytes (floats straight into the caller's buffer); 24-bit integers, whose container width the header
//! reader does not expose, go through hound's sample reader, still filling whole blocks. A file that ends
//! before the frames its header promises is an error saying so, never a short read.

use super::SourceError;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// How the data chunk's bytes become samples.
enum Samples {
    /// Raw little-endian bytes read straight from the data chunk.
    Raw {
        file: BufReader<File>,
        kind: RawKind,
        /// Byte offset of the first sample.
        start: u64,
        /// Raw bytes of the last read (integers and big-endian hosts; reused).
        bytes: Vec<u8>,
    },
    /// hound's reader, one sample at a time (24-bit integers).
    Hound {
        reader: hound::WavReader<BufReader<File>>,
        /// Where the data chunk ends if the file holds every frame its header promises.
        data_end: u64,
    },
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
    /// Frames the header promises.
    frames: u64,
    /// Next frame to read.
    position: u64,
    path: String,
}

impl WavBlocks {
    /// Opens `path` (float 32, integer 8, 16, 24 or 32 bits), standing at its first frame.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let shown = path.display().to_string();
        let err = |reason: String| SourceError::File {
            path: shown.clone(),
            reason,
        };
        let reader = hound::WavReader::open(path).map_err(|e| err(e.to_string()))?;
        let spec = reader.spec();
        let channels = spec.channels as usize;
        if channels == 0 {
            return Err(err("no channels".into()));
        }
        let frames = reader.duration() as u64;
        let kind = match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Float, 32) => Some(RawKind::F32),
            (hound::SampleFormat::Int, 8) => Some(RawKind::U8),
            (hound::SampleFormat::Int, 16) => Some(RawKind::I16),
            (hound::SampleFormat::Int, 32) => Some(RawKind::I32),
            (hound::SampleFormat::Int, 24) => None,
            (format, bits) => {
                return Err(err(format!(
                    "{bits}-bit {format:?} samples are not supported"
                )));
            }
        };
        let mut file = File::open(path).map_err(|e| err(e.to_string()))?;
        let (start, block_align) = data_layout(&mut file).map_err(|e| err(e.to_string()))?;
        // A sample stored wider than its bits (a rare extensible header) is left to hound, as before.
        let kind = kind.filter(|k| block_align == k.width() * channels);
        let samples = match kind {
            Some(kind) => {
                file.seek(SeekFrom::Start(start))
                    .map_err(|e| err(e.to_string()))?;
                Samples::Raw {
                    file: BufReader::with_capacity(1 << 16, file),
                    kind,
                    start,
                    bytes: Vec::new(),
                }
            }
            None => Samples::Hound {
                reader,
                data_end: start + frames * block_align as u64,
            },
        };
        Ok(Self {
            samples,
            channels,
            sample_rate: spec.sample_rate,
            frames,
            position: 0,
            path: shown,
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

    /// Frames the header promises.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The next frame a read returns.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Moves to frame `frame` (clamped to the end).
    pub fn seek(&mut self, frame: u64) -> Result<(), SourceError> {
        let frame = frame.min(self.frames);
        let moved = match &mut self.samples {
            Samples::Raw {
                file, kind, start, ..
            } => file
                .seek(SeekFrom::Start(
                    *start + frame * (kind.width() * self.channels) as u64,
                ))
                .map(|_| ()),
            Samples::Hound { reader, .. } => reader.seek(frame as u32),
        };
        moved.map_err(|e| file_error(&self.path, format!("cannot seek: {e}")))?;
        self.position = frame;
        Ok(())
    }

    /// Writes the next frames, at most `out.len() / channels` of them, interleaved into `out`; returns how
    /// many (0 at the end). A file that ends before its header's last frame is an error.
    pub fn read(&mut self, out: &mut [f32]) -> Result<usize, SourceError> {
        let channels = self.channels;
        let n = ((out.len() / channels) as u64).min(self.frames - self.position) as usize;
        if n == 0 {
            return Ok(0);
        }
        let out = &mut out[..n * channels];
        let (path, position, frames) = (&self.path, self.position, self.frames);
        match &mut self.samples {
            Samples::Raw {
                file, kind, bytes, ..
            } => {
                let frame_bytes = kind.width() * channels;
                let got = if *kind == RawKind::F32 && cfg!(target_endian = "little") {
                    // Little-endian float samples are already f32s in memory: read them in place.
                    // SAFETY: the bytes of initialised f32s, and any bit pattern is an f32.
                    let view = unsafe {
                        std::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<u8>(), out.len() * 4)
                    };
                    fill(file, view)
                } else {
                    bytes.resize(n * frame_bytes, 0);
                    fill(file, bytes)
                };
                let got = got.map_err(|e| file_error(path, e.to_string()))?;
                if got < n * frame_bytes {
                    return Err(cut_off(path, position + (got / frame_bytes) as u64, frames));
                }
                match kind {
                    RawKind::F32 if cfg!(target_endian = "little") => {
                        // A select rather than a branch, so that it vectorises.
                        for v in out.iter_mut() {
                            *v = if v.is_finite() { *v } else { 0.0 };
                        }
                    }
                    RawKind::F32 => {
                        for (v, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                            let x = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                            *v = if x.is_finite() { x } else { 0.0 };
                        }
                    }
                    RawKind::U8 => {
                        for (v, &b) in out.iter_mut().zip(bytes.iter()) {
                            *v = (b as i32 - 128) as f32;
                        }
                    }
                    RawKind::I16 => {
                        for (v, b) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                            *v = i16::from_le_bytes([b[0], b[1]]) as f32;
                        }
                    }
                    RawKind::I32 => {
                        for (v, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                            *v = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32;
                        }
                    }
                }
            }
            Samples::Hound { reader, data_end } => {
                let mut samples = reader.samples::<i32>();
                for (i, v) in out.iter_mut().enumerate() {
                    let ends = position + (i / channels) as u64;
                    match samples.next() {
                        Some(Ok(s)) => *v = s as f32,
                        // hound says only that it could not read enough bytes: a file shorter than its
                        // data chunk was cut off.
                        Some(Err(e)) => {
                            let short = std::fs::metadata(path).is_ok_and(|m| m.len() < *data_end);
                            return Err(if short {
                                cut_off(path, ends, frames)
                            } else {
                                file_error(path, e.to_string())
                            });
                        }
                        None => return Err(cut_off(path, ends, frames)),
                    }
                }
            }
        }
        self.position += n as u64;
        Ok(n)
    }
}

fn file_error(path: &str, reason: String) -> SourceError {
    SourceError::File {
        path: path.to_string(),
        reason,
    }
}

/// The error of a file that ends at frame `ends`, short of the `frames` its header promises.
fn cut_off(path: &str, ends: u64, frames: u64) -> SourceError {
    file_error(
        path,
        format!(
            "the file ends at frame {ends} but its header promises {frames} (truncated? innervate repair \
             makes the rest readable)"
        ),
    )
}

/// Reads into `buf` until it is full or the file ends; returns the bytes read.
fn fill(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Byte offset of the `data` chunk's first sample in a RIFF/WAVE file, and the bytes per frame its `fmt `
/// chunk declares (its block align).
fn data_layout(file: &mut File) -> std::io::Result<(u64, usize)> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut head = [0u8; 12];
    file.read_exact(&mut head)?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Err(bad("not a RIFF/WAVE file"));
    }
    let mut offset = 12u64;
    let mut block_align = None;
    loop {
        let mut chunk = [0u8; 8];
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(&mut chunk)
            .map_err(|_| bad("no data chunk"))?;
        let len = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]) as u64;
        match &chunk[0..4] {
            b"fmt " => {
                let mut fmt = [0u8; 14];
                file.read_exact(&mut fmt)?;
                block_align = Some(u16::from_le_bytes([fmt[12], fmt[13]]) as usize);
            }
            b"data" => {
                return block_align
                    .map(|b| (offset + 8, b))
                    .ok_or_else(|| bad("no fmt chunk before the data"));
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        offset += 8 + len + (len & 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What hound's own sample reader gives (floats and integers at face value, non-finite as 0).
    fn reference(path: &Path) -> Vec<f32> {
        let mut r = hound::WavReader::open(path).unwrap();
        match r.spec().sample_format {
            hound::SampleFormat::Float => r
                .samples::<f32>()
                .map(|s| {
                    let v = s.unwrap();
                    if v.is_finite() { v } else { 0.0 }
                })
                .collect(),
            hound::SampleFormat::Int => r.samples::<i32>().map(|s| s.unwrap() as f32).collect(),
        }
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|v| v.to_bits()).collect()
    }

    /// Every value equal to hound's, across block boundaries, and again after seeking.
    fn same_as_hound(path: &Path, block: usize) {
        let expect = reference(path);
        let mut blocks = WavBlocks::open(path).unwrap();
        let channels = blocks.channels();
        let mut buf = vec![0.0f32; block * channels];
        let mut all = Vec::new();
        loop {
            let n = blocks.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n * channels]);
        }
        assert_eq!(bits(&all), bits(&expect));
        assert_eq!(all.len() as u64, blocks.frames() * channels as u64);
        let middle = blocks.frames() / 3;
        blocks.seek(middle).unwrap();
        assert_eq!(blocks.position(), middle);
        let n = blocks.read(&mut buf).unwrap();
        let from = middle as usize * channels;
        assert_eq!(
            bits(&buf[..n * channels]),
            bits(&expect[from..from + n * channels])
        );
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

    fn float_spec(channels: u16) -> hound::WavSpec {
        hound::WavSpec {
            channels,
            sample_rate: 1000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        }
    }

    #[test]
    fn every_format_reads_as_hound_does() {
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
                same_as_hound(&path, block);
            }
        }
    }

    #[test]
    fn samples_that_are_not_finite_read_as_zero() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nan.wav");
        let mut w = hound::WavWriter::create(&path, float_spec(2)).unwrap();
        for v in [1.5, f32::NAN, f32::INFINITY, -2.0, f32::NEG_INFINITY, 0.25] {
            w.write_sample(v).unwrap();
        }
        w.finalize().unwrap();
        let mut out = [9.0f32; 20];
        assert_eq!(WavBlocks::open(&path).unwrap().read(&mut out).unwrap(), 3);
        assert_eq!(out[..6], [1.5, 0.0, 0.0, -2.0, 0.0, 0.25]);
        same_as_hound(&path, 2);
    }

    #[test]
    fn a_file_cut_short_is_an_error_not_a_short_read() {
        let dir = tempfile::tempdir().unwrap();
        for (name, spec) in [
            ("float.wav", float_spec(2)),
            (
                "int24.wav",
                hound::WavSpec {
                    bits_per_sample: 24,
                    sample_format: hound::SampleFormat::Int,
                    ..float_spec(2)
                },
            ),
        ] {
            let path = dir.path().join(name);
            write(&path, spec, &[1; 200]);
            let len = std::fs::metadata(&path).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            f.set_len(len - 6).unwrap(); // inside the 100th frame
            let mut blocks = WavBlocks::open(&path).unwrap();
            let err = blocks.read(&mut [0.0; 2000]).unwrap_err().to_string();
            assert!(
                err.contains("ends at frame 99 but its header promises 100 (truncated?"),
                "{err}"
            );
        }
    }
}
