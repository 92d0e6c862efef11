//! Helpers shared by the integration tests.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `innervate` binary built for these tests.
pub fn innervate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_innervate"))
}

/// Writes a 32-bit float WAV of `frames` frames; `value(n, c)` gives sample `n` of channel `c`.
pub fn write_wav(
    path: &Path,
    channels: u16,
    rate: u32,
    frames: usize,
    value: impl Fn(usize, usize) -> f32,
) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..frames {
        for c in 0..channels as usize {
            w.write_sample(value(n, c)).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// The one WAV file in `dir`.
pub fn find_wav(dir: &Path) -> PathBuf {
    let wavs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    assert_eq!(wavs.len(), 1, "{wavs:?}");
    wavs.into_iter().next().unwrap()
}

/// All samples of a float WAV, interleaved, and its channel count.
pub fn read_wav(path: &Path) -> (Vec<f32>, usize) {
    let mut r = hound::WavReader::open(path).unwrap();
    let ch = r.spec().channels as usize;
    (r.samples::<f32>().map(|s| s.unwrap()).collect(), ch)
}

/// Runs `cmd`, fails the test with its stderr if it did not succeed, and returns what it printed.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The simulated board cut to a fixed number of frames.
pub struct Limited {
    /// The board.
    pub sim: innervate::source::simulator::Simulator,
    /// Frames still to deliver.
    pub left: u64,
}

impl innervate::source::FrameGenerator for Limited {
    fn info(&self) -> &innervate::source::StreamInfo {
        self.sim.info()
    }
    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, innervate::source::SourceError> {
        if self.left == 0 {
            return Ok(false);
        }
        self.left -= 1;
        self.sim.next_frame(frame)
    }
}
