//! The recorder thread: writes blocks to a 32-bit float WAV and keeps the sidecar current.
//!
//! It is fed by a bounded crossbeam channel sized for [`QUEUE_SECONDS`] of signal, so a slow disk never
//! stalls the DSP thread. The WAV header is refreshed every second, so a killed process loses at most about
//! a second of signal.

use super::SessionError;
use super::sidecar::{FORMAT_NAME, FORMAT_VERSION, Gap, Sidecar, sidecar_path};
use crate::block::{BLOCK_FRAMES, SampleBlock};
use crate::dsp::{DspConfig, EffectiveDsp};
use crate::source::StreamInfo;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// Seconds of signal the recorder's queue holds before it would have to drop (and mark a gap).
pub const QUEUE_SECONDS: f64 = 20.0;
/// How often the WAV header and data are pushed to the OS.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// Messages to the recorder thread.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "blocks travel by value so the bounded queue's slots are allocated once, never per block"
)]
pub enum RecorderMsg {
    /// Samples to append (full blocks, except at the end or before a gap).
    Block(SampleBlock),
    /// A marker at stream sample `at` (sent in order with the blocks).
    Marker {
        /// Stream sample index it points at.
        at: u64,
        /// What it marks.
        kind: super::MarkerKind,
        /// The user's words.
        text: String,
        /// A set start's plan.
        plan: Option<Box<crate::training::plan::SetPlan>>,
    },
    /// Close the files.
    Finish,
}

/// Everything a recording needs to know up front.
#[derive(Clone, Debug)]
pub struct RecorderSetup {
    /// The WAV to write; the sidecar goes next to it.
    pub wav_path: PathBuf,
    /// The stream being recorded.
    pub info: StreamInfo,
    /// Processing parameters as set.
    pub dsp: DspConfig,
    /// Processing parameters in force.
    pub effective: EffectiveDsp,
    /// Stop by itself after this many frames.
    pub max_frames: Option<u64>,
    /// Left/right pairs, MVC references, notes.
    pub meta: super::SessionMeta,
}

/// What a finished recording holds.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordingSummary {
    /// The WAV.
    pub wav_path: PathBuf,
    /// The sidecar.
    pub sidecar_path: PathBuf,
    /// Frames written.
    pub frames: u64,
    /// Seconds of signal written.
    pub seconds: f64,
    /// Gaps marked.
    pub gaps: usize,
    /// Samples (frames) missing in those gaps.
    pub missing_frames: u64,
}

/// A running recording.
pub struct Recorder {
    tx: Sender<RecorderMsg>,
    join: Option<JoinHandle<Result<RecordingSummary, SessionError>>>,
    wav_path: PathBuf,
}

impl Recorder {
    /// Creates the files (so a bad path fails here, at once) and starts the writer thread.
    pub fn start(setup: RecorderSetup) -> Result<Self, SessionError> {
        let wav_path = setup.wav_path.clone();
        if let Some(dir) = wav_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| SessionError::io(dir, e))?;
        }
        let spec = super::float_wav_spec(setup.info.channels(), setup.info.sample_rate);
        let writer = hound::WavWriter::create(&wav_path, spec)
            .map_err(|e| SessionError::bad(&wav_path, format!("cannot create WAV: {e}")))?;
        let sidecar = Sidecar {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            app_version: env!("CARGO_PKG_VERSION").into(),
            start_time: humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            sample_rate_hz: setup.info.sample_rate,
            units: "microvolt".into(),
            channel_names: setup.info.channel_names.clone(),
            pairs: setup.info.pairs.clone(),
            source: setup.info.description.clone(),
            dsp: setup.dsp.clone(),
            dsp_effective: setup.effective.clone(),
            first_stream_sample: 0,
            frames_written: 0,
            gaps: Vec::new(),
            markers: Vec::new(),
            meta: setup.meta.clone(),
            complete: false,
        };
        let side_path = sidecar_path(&wav_path);
        sidecar
            .write_atomic(&side_path)
            .map_err(|e| SessionError::io(&side_path, e))?;
        let capacity =
            ((QUEUE_SECONDS * setup.info.sample_rate) / BLOCK_FRAMES as f64).ceil() as usize;
        let (tx, rx) = crossbeam_channel::bounded(capacity.max(16));
        let max_frames = setup.max_frames;
        let join = std::thread::Builder::new()
            .name("innervate-recorder".into())
            .spawn(move || {
                let w = WavSink {
                    writer,
                    sidecar,
                    wav_path: setup.wav_path,
                    side_path,
                    next_stream_sample: None,
                };
                w.run(rx, max_frames)
            })
            .map_err(|e| SessionError::io(&wav_path, e))?;
        Ok(Self {
            tx,
            join: Some(join),
            wav_path,
        })
    }

    /// The queue into the recorder (the DSP thread holds a clone).
    pub fn sender(&self) -> Sender<RecorderMsg> {
        self.tx.clone()
    }

    /// The WAV being written.
    pub fn wav_path(&self) -> &Path {
        &self.wav_path
    }

    /// True once the writer thread has closed the files.
    pub fn is_finished(&self) -> bool {
        self.join.as_ref().is_none_or(|j| j.is_finished())
    }

    /// Waits for the writer to close the files (it closes when told `Finish`, when every sender is gone, or
    /// at its frame limit) and returns what was written.
    pub fn wait(mut self) -> Result<RecordingSummary, SessionError> {
        drop(self.tx);
        match self.join.take().map(|j| j.join()) {
            Some(Ok(result)) => result,
            _ => Err(SessionError::bad(
                &self.wav_path,
                "the recorder thread died".into(),
            )),
        }
    }
}

struct WavSink {
    writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
    sidecar: Sidecar,
    wav_path: PathBuf,
    side_path: PathBuf,
    next_stream_sample: Option<u64>,
}

impl WavSink {
    fn run(
        mut self,
        rx: Receiver<RecorderMsg>,
        max_frames: Option<u64>,
    ) -> Result<RecordingSummary, SessionError> {
        let mut last_flush = Instant::now();
        let mut gaps_saved = 0;
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(RecorderMsg::Block(b)) => {
                    if self.write_block(&b, max_frames)? {
                        break;
                    }
                }
                Ok(RecorderMsg::Marker {
                    at,
                    kind,
                    text,
                    plan,
                }) => {
                    self.add_marker(at, kind, text, plan.map(|p| *p));
                    // A marker is worth a sidecar write at once: it is small and it is what the user asked for.
                    self.save_sidecar()?;
                }
                Ok(RecorderMsg::Finish) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            if last_flush.elapsed() >= FLUSH_INTERVAL {
                self.writer.flush().map_err(|e| self.bad(e))?;
                if self.sidecar.gaps.len() != gaps_saved {
                    self.save_sidecar()?;
                    gaps_saved = self.sidecar.gaps.len();
                }
                last_flush = Instant::now();
            }
        }
        let WavSink {
            writer,
            mut sidecar,
            wav_path,
            side_path,
            ..
        } = self;
        writer
            .finalize()
            .map_err(|e| SessionError::bad(&wav_path, e.to_string()))?;
        sidecar.complete = true;
        sidecar
            .write_atomic(&side_path)
            .map_err(|e| SessionError::io(&side_path, e))?;
        Ok(RecordingSummary {
            frames: sidecar.frames_written,
            seconds: sidecar.frames_written as f64 / sidecar.sample_rate_hz,
            gaps: sidecar.gaps.len(),
            missing_frames: sidecar.gaps.iter().map(|g| g.missing).sum(),
            wav_path,
            sidecar_path: side_path,
        })
    }

    /// Appends a block; returns true when the frame limit is reached.
    fn write_block(
        &mut self,
        b: &SampleBlock,
        max_frames: Option<u64>,
    ) -> Result<bool, SessionError> {
        match self.next_stream_sample {
            None => self.sidecar.first_stream_sample = b.first_sample,
            Some(expected) if b.first_sample > expected => self.sidecar.gaps.push(Gap {
                wav_frame: self.sidecar.frames_written,
                stream_sample: expected,
                missing: b.first_sample - expected,
            }),
            Some(_) => {}
        }
        self.next_stream_sample = Some(b.end_sample());
        for frame in b.frames() {
            if max_frames.is_some_and(|m| self.sidecar.frames_written >= m) {
                return Ok(true);
            }
            for &v in frame {
                self.writer.write_sample(v).map_err(|e| self.bad(e))?;
            }
            self.sidecar.frames_written += 1;
        }
        Ok(max_frames.is_some_and(|m| self.sidecar.frames_written >= m))
    }

    /// Converts a stream sample index into a WAV frame (the WAV holds no gaps) and stores the marker.
    fn add_marker(
        &mut self,
        at: u64,
        kind: super::MarkerKind,
        text: String,
        plan: Option<crate::training::plan::SetPlan>,
    ) {
        let side = &self.sidecar;
        let missing_before: u64 = side
            .gaps
            .iter()
            .filter(|g| g.stream_sample < at)
            .map(|g| g.missing)
            .sum();
        // Before the first block arrives the recording is empty: the marker is at its start.
        let wav_frame = match self.next_stream_sample {
            None => 0,
            Some(_) => at
                .saturating_sub(side.first_stream_sample)
                .saturating_sub(missing_before),
        };
        let time_s = wav_frame as f64 / side.sample_rate_hz;
        self.sidecar.markers.push(super::Marker {
            wav_frame,
            time_s,
            kind,
            text,
            plan,
        });
    }

    fn save_sidecar(&self) -> Result<(), SessionError> {
        self.sidecar
            .write_atomic(&self.side_path)
            .map_err(|e| SessionError::io(&self.side_path, e))
    }

    fn bad(&self, e: hound::Error) -> SessionError {
        SessionError::bad(&self.wav_path, format!("writing failed: {e}"))
    }
}
