//! Wires the threads together: source -> reader thread -> lock-free ring -> DSP thread -> UI and recorder.
//!
//! The engine owns the threads and the queues; the UI talks to it through this small API and never touches
//! a thread, a ring or a port.

mod consumers;
pub mod display;
pub mod dsp_thread;

pub use display::{CHUNK_POINTS, DISPLAY_RATE_HZ, DisplayChunk};
pub use dsp_thread::Notifier;

use crate::audio::{CuePlan, SoundError, SoundHandle, SoundRoute, SoundSetup};
use crate::block::{BLOCK_FRAMES, SampleBlock};
use crate::dsp::{DspConfig, DspError, EffectiveDsp, NotchConfig, Processor};
use crate::session::{Recorder, SessionError};
use crate::source::reader::{Pace, ReaderHandle, spawn_generator_reader};
use crate::source::{FrameGenerator, OpenSource, StreamInfo};
use crate::stats::LinkStats;
use crate::stream_out::{OutputChoice, OutputError, OutputHandle};
use consumers::{make_recorder, output_layout};
use crossbeam_channel::{Receiver, Sender};
use dsp_thread::{DspCommand, DspWorker};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Seconds of signal the reader->DSP ring holds.
pub const RING_SECONDS: f64 = 4.0;
/// Commands the DSP thread's queue holds.
const COMMAND_QUEUE: usize = 256;
/// Display chunks the UI queue holds (a few seconds of updates).
const DISPLAY_QUEUE: usize = 1024;

/// Why the engine could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Bad processing settings.
    #[error(transparent)]
    Dsp(#[from] DspError),
    /// A recording could not be started.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// A recording is already running.
    #[error("a recording is already running")]
    AlreadyRecording,
    /// Sound could not start (a `--audio-to` file that cannot be written).
    #[error(transparent)]
    Sound(#[from] SoundError),
    /// The OS would not start a thread.
    #[error("cannot start a thread: {0}")]
    Thread(#[from] std::io::Error),
    /// An output (LSL, OSC) could not start.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// How to run a stream.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Processing parameters.
    pub dsp: DspConfig,
    /// How fast generator sources play.
    pub pace: Pace,
    /// Wait for the display queue instead of dropping updates. Only for a consumer that drains it all the
    /// time (tests, offline tools); a live UI must not be able to hold up acquisition.
    pub lossless_display: bool,
    /// Record from the very first sample (headless recording).
    pub record_from_start: Option<RecordRequest>,
    /// Sound cues from the very first sample (`--audio`, `--audio-to`).
    pub sound: Option<SoundSetup>,
    /// LSL and OSC outputs from the very first sample (`--lsl-out`, `--osc`); off by default.
    pub outputs: OutputChoice,
}

/// Where and how much to record.
#[derive(Clone, Debug)]
pub struct RecordRequest {
    /// The WAV to write (the sidecar goes next to it).
    pub wav_path: PathBuf,
    /// Stop by itself after this many frames.
    pub max_frames: Option<u64>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            dsp: DspConfig::default(),
            pace: Pace::RealTime { speed: 1.0 },
            lossless_display: false,
            record_from_start: None,
            sound: None,
            outputs: OutputChoice::default(),
        }
    }
}

/// A running acquisition: reader and DSP threads plus an optional recording.
pub struct Engine {
    info: StreamInfo,
    config: DspConfig,
    effective: EffectiveDsp,
    stats: Arc<LinkStats>,
    display: Receiver<DisplayChunk>,
    quality: Receiver<Vec<crate::dsp::quality::ChannelQuality>>,
    commands: Sender<DspCommand>,
    reader: Option<ReaderHandle>,
    dsp: Option<JoinHandle<()>>,
    recording: Option<Recorder>,
    sound: Option<SoundHandle>,
    outputs: Option<OutputHandle>,
    meta: crate::session::SessionMeta,
}

impl Engine {
    /// Starts acquisition from `source`. `notify` is called (throttled) when new data is ready to draw.
    pub fn start(
        source: Box<dyn FrameGenerator>,
        options: EngineOptions,
        notify: Option<Notifier>,
    ) -> Result<Self, EngineError> {
        Self::start_source(OpenSource::Generator(source), options, notify)
    }

    /// Starts acquisition from a board on a serial port (already connected and streaming); the pace in
    /// `options` is ignored: the board sets it.
    pub fn start_serial(
        source: crate::source::serial::SerialSource,
        options: EngineOptions,
        notify: Option<Notifier>,
    ) -> Result<Self, EngineError> {
        Self::start_source(OpenSource::Serial(Box::new(source)), options, notify)
    }

    /// Starts acquisition from any opened source. For a board on a serial port the pace in `options` is
    /// ignored: the board sets it.
    pub fn start_source(
        mut source: OpenSource,
        options: EngineOptions,
        notify: Option<Notifier>,
    ) -> Result<Self, EngineError> {
        let info = source.info().clone();
        let source_markers = source.take_markers();
        // A board cannot be asked to wait: its samples are live whatever the options say.
        let live_board = source.is_live_board();
        let processor =
            Processor::new(info.channels(), info.sample_rate, &options.dsp, &info.pairs)?;
        let effective = processor.effective().clone();
        let ring_blocks = ((RING_SECONDS * info.sample_rate) / BLOCK_FRAMES as f64).ceil() as usize;
        let (producer, consumer) = rtrb::RingBuffer::<SampleBlock>::new(ring_blocks.max(64));
        let (display_tx, display_rx) = crossbeam_channel::bounded(DISPLAY_QUEUE);
        let (quality_tx, quality_rx) = crossbeam_channel::bounded(4);
        // Commands come at human pace; a full queue means the DSP thread is stuck, and then a dropped click
        // is better than a frozen window.
        let (cmd_tx, cmd_rx) = crossbeam_channel::bounded(COMMAND_QUEUE);
        let stats = Arc::new(LinkStats::default());
        // Attach before the DSP thread exists, so its very first block is recorded.
        let recording = match &options.record_from_start {
            Some(req) => {
                let r = make_recorder(
                    &info,
                    &options.dsp,
                    &effective,
                    &req.wav_path,
                    req.max_frames,
                    &crate::session::SessionMeta::default(),
                )?;
                let _ = cmd_tx.send(DspCommand::AttachRecorder(r.sender()));
                Some(r)
            }
            None => None,
        };
        let sound = match options.sound {
            Some(setup) => {
                let route = SoundRoute::of(&setup.plan);
                let handle = SoundHandle::start(setup)?;
                let _ = cmd_tx.send(DspCommand::AttachSound(
                    handle.points(),
                    handle.status().clone(),
                    route,
                ));
                Some(handle)
            }
            None => None,
        };
        // Outputs before the DSP thread exists, so readers connected now get every sample.
        let outputs = if options.outputs.is_off() {
            None
        } else {
            let layout = output_layout(&info, &effective, &crate::session::SessionMeta::default());
            let handle = OutputHandle::start(layout, options.outputs.clone())?;
            let _ = cmd_tx.send(DspCommand::AttachOutputs(
                handle.sender(),
                handle.status().clone(),
            ));
            Some(handle)
        };
        let worker = DspWorker {
            ring: consumer,
            commands: cmd_rx,
            processor,
            display: display_tx,
            stats: stats.clone(),
            notify,
            lossless_recording: options.pace == Pace::Unthrottled && !live_board,
            lossless_display: options.lossless_display,
            quality: quality_tx,
            source_markers,
        };
        let dsp = std::thread::Builder::new()
            .name("innervate-dsp".into())
            .spawn(move || worker.run())?;
        let spawned = match source {
            OpenSource::Generator(g) => spawn_generator_reader(
                g,
                producer,
                options.pace,
                stats.clone(),
                dsp.thread().clone(),
            ),
            OpenSource::Serial(s) => crate::source::serial::spawn_serial_reader(
                *s,
                producer,
                stats.clone(),
                dsp.thread().clone(),
            ),
            OpenSource::Brainflow(b) => crate::source::brainflow::spawn_brainflow_reader(
                *b,
                producer,
                stats.clone(),
                dsp.thread().clone(),
            ),
            OpenSource::Lsl(s) => crate::source::lsl_in::spawn_lsl_reader(
                *s,
                producer,
                stats.clone(),
                dsp.thread().clone(),
            ),
        };
        let reader = match spawned {
            Ok(r) => r,
            Err(e) => {
                // Do not leave the DSP thread behind.
                let _ = cmd_tx.send(DspCommand::Stop);
                dsp.thread().unpark();
                let _ = dsp.join();
                return Err(e.into());
            }
        };
        Ok(Self {
            info,
            config: options.dsp,
            effective,
            stats,
            display: display_rx,
            quality: quality_rx,
            commands: cmd_tx,
            reader: Some(reader),
            dsp: Some(dsp),
            recording,
            sound,
            outputs,
            meta: crate::session::SessionMeta::default(),
        })
    }

    /// What the stream carries.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// Processing parameters as set.
    pub fn dsp_config(&self) -> &DspConfig {
        &self.config
    }

    /// Link and pipeline counters.
    pub fn stats(&self) -> &Arc<LinkStats> {
        &self.stats
    }

    /// Display chunks for the UI (drain it every frame).
    pub fn display(&self) -> &Receiver<DisplayChunk> {
        &self.display
    }

    /// Signal-quality judgements per channel, about once per second of signal.
    pub fn quality(&self) -> &Receiver<Vec<crate::dsp::quality::ChannelQuality>> {
        &self.quality
    }

    /// Switches the mains notch on/off or changes it; takes effect at the next block.
    pub fn set_notch(&mut self, notch: NotchConfig) -> Result<(), EngineError> {
        let mut config = self.config.clone();
        config.notch = notch.clone();
        self.effective = config.effective(self.info.sample_rate)?;
        self.config = config;
        let _ = self.commands.try_send(DspCommand::SetNotch(notch));
        Ok(())
    }

    /// Starts recording into `wav_path` (sidecar alongside); stops by itself after `max_frames` if given.
    pub fn start_recording(
        &mut self,
        wav_path: &Path,
        max_frames: Option<u64>,
    ) -> Result<(), EngineError> {
        if self.recording.as_ref().is_some_and(|r| !r.is_finished()) {
            return Err(EngineError::AlreadyRecording);
        }
        let recorder = make_recorder(
            &self.info,
            &self.config,
            &self.effective,
            wav_path,
            max_frames,
            &self.meta,
        )?;
        let _ = self.commands.send_timeout(
            DspCommand::AttachRecorder(recorder.sender()),
            std::time::Duration::from_secs(1),
        );
        self.recording = Some(recorder);
        Ok(())
    }

    /// Marks the current moment (the next sample to be processed) in the recording, if one is running.
    pub fn add_marker(&self, kind: crate::session::MarkerKind, text: &str) {
        self.send_marker(kind, text, None);
    }

    /// Marks the start of a set with its plan (stored on the marker, so the set can be summarised from the
    /// session alone), if a recording is running.
    pub fn mark_set_start(&self, plan: crate::training::plan::SetPlan) {
        self.send_marker(crate::session::MarkerKind::SetStart, "", Some(plan));
    }

    fn send_marker(
        &self,
        kind: crate::session::MarkerKind,
        text: &str,
        plan: Option<crate::training::plan::SetPlan>,
    ) {
        if self.recording.is_some() || self.outputs.is_some() {
            let _ = self.commands.try_send(DspCommand::Marker(
                kind,
                text.to_string(),
                plan.map(Box::new),
            ));
        }
    }

    /// What the next recordings' sidecars carry besides the samples (MVC references, left/right pairs, notes).
    pub fn set_session_meta(&mut self, meta: crate::session::SessionMeta) {
        if let Some(o) = &self.outputs {
            o.set_mvc(meta.mvc_uv.clone());
        }
        self.meta = meta;
    }

    /// The LSL/OSC outputs, while any is on.
    pub fn outputs(&self) -> Option<&OutputHandle> {
        self.outputs.as_ref()
    }

    /// Turns the outputs to `choice` from the next block (all off for an off choice). LSL streams are on
    /// the network when this returns; a missing liblsl or a bad OSC address is an error and leaves the
    /// outputs off.
    pub fn set_outputs(&mut self, choice: OutputChoice) -> Result<(), EngineError> {
        if self.outputs.as_ref().map(|o| o.choice()) == Some(&choice) {
            return Ok(());
        }
        let _ = self
            .commands
            .send_timeout(DspCommand::DetachOutputs, std::time::Duration::from_secs(1));
        self.outputs = None;
        if choice.is_off() {
            return Ok(());
        }
        let layout = output_layout(&self.info, &self.effective, &self.meta);
        let handle = OutputHandle::start(layout, choice)?;
        let _ = self.commands.send_timeout(
            DspCommand::AttachOutputs(handle.sender(), handle.status().clone()),
            std::time::Duration::from_secs(1),
        );
        self.outputs = Some(handle);
        Ok(())
    }

    /// True while a recording is being written.
    pub fn is_recording(&self) -> bool {
        self.recording.as_ref().is_some_and(|r| !r.is_finished())
    }

    /// Stops the recording; the returned recorder finishes writing in the background (`wait` for it).
    pub fn stop_recording(&mut self) -> Option<Recorder> {
        let _ = self.commands.try_send(DspCommand::DetachRecorder);
        self.recording.take()
    }

    /// Takes the recorder once it has finished by itself (frame limit or end of stream).
    pub fn take_finished_recording(&mut self) -> Option<Recorder> {
        if self.recording.as_ref().is_some_and(|r| r.is_finished()) {
            self.recording.take()
        } else {
            None
        }
    }

    /// The sound thread, while sound is on.
    pub fn sound(&self) -> Option<&SoundHandle> {
        self.sound.as_ref()
    }

    /// The sound thread, to change cues, volume, plan or device.
    pub fn sound_mut(&mut self) -> Option<&mut SoundHandle> {
        self.sound.as_mut()
    }

    /// Turns sound on from the next block (off first if it was on).
    pub fn start_sound(&mut self, setup: SoundSetup) -> Result<(), EngineError> {
        self.stop_sound();
        let route = SoundRoute::of(&setup.plan);
        let handle = SoundHandle::start(setup)?;
        let _ = self.commands.send_timeout(
            DspCommand::AttachSound(handle.points(), handle.status().clone(), route),
            std::time::Duration::from_secs(1),
        );
        self.sound = Some(handle);
        Ok(())
    }

    /// Makes the cues follow a new plan (target, line, limit, tempo): the DSP thread hands over the new
    /// target's channels from its next block.
    pub fn set_sound_plan(&self, plan: CuePlan) {
        if let Some(s) = &self.sound {
            let _ = self
                .commands
                .try_send(DspCommand::SoundRoute(SoundRoute::of(&plan)));
            s.set_plan(plan);
        }
    }

    /// Turns sound off; a `--audio-to` file is complete when this returns.
    pub fn stop_sound(&mut self) -> Option<Result<(), SoundError>> {
        let handle = self.sound.take()?;
        let _ = self.commands.try_send(DspCommand::DetachSound);
        Some(handle.finish())
    }

    /// Stops everything; a running recording is closed properly first, and sound after the last block.
    pub fn shutdown(mut self) -> Option<Recorder> {
        self.stop_threads();
        if let Some(s) = self.sound.take() {
            let _ = s.finish();
        }
        self.recording.take()
    }

    fn stop_threads(&mut self) {
        if let Some(r) = self.reader.take() {
            r.stop();
        }
        let _ = self
            .commands
            .send_timeout(DspCommand::Stop, std::time::Duration::from_secs(1));
        if let Some(d) = self.dsp.take() {
            d.thread().unpark();
            let _ = d.join();
        }
        // After the DSP thread: everything it handed over is pushed before the outlets close.
        self.outputs = None;
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.stop_threads();
        if let Some(s) = self.sound.take() {
            let _ = s.finish();
        }
        if let Some(r) = self.recording.take() {
            let _ = r.wait();
        }
    }
}
