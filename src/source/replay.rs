//! Plays a WAV recording back as a source: Innervate's own sessions or any plain WAV.
//!
//! Integer WAVs are taken at face value (one count = one microvolt) since a plain WAV carries no unit;
//! float WAVs are read as microvolts, which is what Innervate writes. Frames, blocks and seeks all go
//! through the one WAV reader, [`super::wav_blocks::WavBlocks`].

use super::wav_blocks::WavBlocks;
use super::{FrameGenerator, SourceError, SourceKind, StreamInfo};
use crate::block::MAX_CHANNELS;
use std::path::Path;

/// A WAV file streamed frame by frame or in blocks (bounded memory, whatever the file's length).
pub struct WavReplay {
    info: StreamInfo,
    blocks: WavBlocks,
}

impl WavReplay {
    /// Opens `path`; channel names default to "Channel 1", "Channel 2", ... and pairs to (1,2), (3,4), ...
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let blocks = WavBlocks::open(path)?;
        let err = |reason: String| SourceError::File {
            path: path.display().to_string(),
            reason,
        };
        let channels = blocks.channels();
        if channels > MAX_CHANNELS {
            return Err(err(format!(
                "{channels} channels; 1 to {MAX_CHANNELS} are supported"
            )));
        }
        if blocks.sample_rate() == 0 {
            return Err(err("sample rate is 0".into()));
        }
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let info = StreamInfo {
            description: format!("Replay of {name}"),
            kind: SourceKind::FileReplay,
            sample_rate: blocks.sample_rate() as f64,
            channel_names: (1..=channels).map(|i| format!("Channel {i}")).collect(),
            pairs: (0..channels / 2)
                .map(|p| crate::dsp::MusclePair {
                    agonist: 2 * p,
                    antagonist: 2 * p + 1,
                })
                .collect(),
        };
        Ok(Self { info, blocks })
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
        self.blocks.frames()
    }

    /// Moves to frame `frame` (clamped to the end), so a review can replay from any moment.
    pub fn seek(&mut self, frame: u64) -> Result<(), SourceError> {
        self.blocks.seek(frame)
    }
}

impl FrameGenerator for WavReplay {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_frames(&mut self, out: &mut [f32]) -> Result<usize, SourceError> {
        self.blocks.read(out)
    }

    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        let channels = self.info.channels();
        let mut one = [0.0f32; MAX_CHANNELS];
        let read = self.blocks.read(&mut one[..channels])?;
        for (o, v) in frame.iter_mut().zip(&one[..channels]) {
            *o = *v;
        }
        Ok(read == 1)
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

    #[test]
    fn integer_files_read_at_face_value_by_frame_block_and_seek() {
        let dir = tempfile::tempdir().unwrap();
        for bits in [8u16, 16, 24, 32] {
            let spec = hound::WavSpec {
                channels: 2,
                sample_rate: 500,
                bits_per_sample: bits,
                sample_format: hound::SampleFormat::Int,
            };
            let path = dir.path().join(format!("i{bits}.wav"));
            let mut w = hound::WavWriter::create(&path, spec).unwrap();
            let top = (1i64 << (bits - 1)) - 1;
            let values: Vec<i32> = (0..2 * 300)
                .map(|i| ((i as f64 * 0.37).sin() * top as f64) as i32)
                .collect();
            for v in &values {
                w.write_sample(*v).unwrap();
            }
            w.finalize().unwrap();
            // hound's own i32 samples (8-bit: byte - 128), as the replay always gave them.
            let expect: Vec<f32> = hound::WavReader::open(&path)
                .unwrap()
                .samples::<i32>()
                .map(|v| v.unwrap() as f32)
                .collect();
            let mut r = WavReplay::open(&path).unwrap();
            let mut frame = [0.0f32; 2];
            for f in expect.chunks_exact(2).take(100) {
                assert!(r.next_frame(&mut frame).unwrap());
                assert_eq!(frame[..], f[..], "{bits} bits");
            }
            let mut rest = vec![0.0f32; 2 * 500];
            assert_eq!(r.next_frames(&mut rest).unwrap(), 200);
            assert_eq!(rest[..400], expect[200..], "{bits} bits");
            assert!(!r.next_frame(&mut frame).unwrap());
            r.seek(250).unwrap();
            assert!(r.next_frame(&mut frame).unwrap());
            assert_eq!(frame[..], expect[500..502], "{bits} bits");
        }
    }
}
