//! The sound thread: takes display points from a bounded queue (the DSP thread never waits on it when the
//! source is live), runs the [`Renderer`] and hands the samples to its outputs: the sound card (ALSA, loaded
//! at run time) and/or a WAV file (`--audio-to`). Controls (cues, volume, plan, device) come on a second
//! queue from the window.

use super::SoundError;
use super::alsa::{Alsa, INSTALL_HINT};
use super::cues::{CuePlan, CueSet};
use super::render::{Renderer, SoundPoints};
use super::synth::SAMPLE_RATE;
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Point chunks the queue holds (about 10 s of a slow board's blocks).
pub const POINT_QUEUE: usize = 512;
/// How often the sound thread looks at its queues when they are empty (adds at most this to the latency).
const POLL: std::time::Duration = std::time::Duration::from_millis(3);
/// A device more than this far behind (its clock slower than the board's) is caught up by skipping, frames.
const MAX_DELAY_FRAMES: i64 = SAMPLE_RATE as i64 / 10;

/// Where rendered samples go.
pub trait AudioOutput: Send {
    /// Plays (or stores) 16-bit mono frames at [`SAMPLE_RATE`], in order.
    fn write(&mut self, frames: &[i16]) -> Result<(), SoundError>;
    /// Frames handed over but not yet heard, if the output knows.
    fn delay_frames(&mut self) -> Option<i64> {
        None
    }
    /// Plays or stores what is pending and closes.
    fn finish(&mut self) -> Result<(), SoundError>;
    /// A short description for the status line.
    fn describe(&self) -> String;
}

/// A 16-bit mono WAV at [`SAMPLE_RATE`]: exactly what the sound card would be given.
pub struct WavOutput {
    writer: Option<hound::WavWriter<std::io::BufWriter<std::fs::File>>>,
    path: PathBuf,
}

impl WavOutput {
    /// Creates (or replaces) `path`.
    pub fn create(path: &std::path::Path) -> Result<WavOutput, SoundError> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: SAMPLE_RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let writer = hound::WavWriter::create(path, spec)
            .map_err(|e| SoundError::File(format!("{}: {e}", path.display())))?;
        Ok(WavOutput {
            writer: Some(writer),
            path: path.to_path_buf(),
        })
    }
}

impl AudioOutput for WavOutput {
    fn write(&mut self, frames: &[i16]) -> Result<(), SoundError> {
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        let mut w16 = w.get_i16_writer(frames.len() as u32);
        for &s in frames {
            w16.write_sample(s);
        }
        w16.flush()
            .map_err(|e| SoundError::File(format!("{}: {e}", self.path.display())))
    }

    fn finish(&mut self) -> Result<(), SoundError> {
        match self.writer.take() {
            Some(w) => w
                .finalize()
                .map_err(|e| SoundError::File(format!("{}: {e}", self.path.display()))),
            None => Ok(()),
        }
    }

    fn describe(&self) -> String {
        format!("file {}", self.path.display())
    }
}

/// How to start sound.
#[derive(Clone, Debug)]
pub struct SoundSetup {
    /// What the cues follow.
    pub plan: CuePlan,
    /// Which cues sound.
    pub cues: CueSet,
    /// Loudness, 0 to 1.
    pub volume: f32,
    /// Play on this ALSA device (`default`, `hw:0,0`, ...); `None`: no sound card.
    pub device: Option<String>,
    /// Also write what is played to this WAV.
    pub wav: Option<PathBuf>,
}

/// What the sound thread is doing, for the status line and the sound panel.
#[derive(Clone, Debug, PartialEq)]
pub enum SoundState {
    /// Playing on a device (or writing a file): its description.
    On(String),
    /// Sound is off (no sound card, no library, a refusing device): why, and what to do about it.
    Off(String),
}

/// Counters and state shared with the sound thread.
#[derive(Debug)]
pub struct SoundStatus {
    state: Mutex<SoundState>,
    /// Frames rendered.
    pub frames: AtomicU64,
    /// Point chunks the DSP thread could not queue (the sound thread was behind).
    pub dropped_points: AtomicU64,
    /// Frames not played to catch up with a device that fell behind.
    pub skipped_frames: AtomicU64,
    /// Target-line crossings measured for latency.
    pub crossings: AtomicU64,
    /// Sum and maximum of their latencies, us.
    pub latency_sum_us: AtomicU64,
    /// The largest latency measured, us.
    pub latency_max_us: AtomicU64,
}

impl SoundStatus {
    fn new(state: SoundState) -> Self {
        Self {
            state: Mutex::new(state),
            frames: AtomicU64::new(0),
            dropped_points: AtomicU64::new(0),
            skipped_frames: AtomicU64::new(0),
            crossings: AtomicU64::new(0),
            latency_sum_us: AtomicU64::new(0),
            latency_max_us: AtomicU64::new(0),
        }
    }

    /// The current state.
    pub fn state(&self) -> SoundState {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    fn set(&self, s: SoundState) {
        match self.state.lock() {
            Ok(mut g) => *g = s,
            Err(p) => *p.into_inner() = s,
        }
    }

    /// Mean and largest latency from a crossing of the target line to its frames reaching the device
    /// (handed over plus the device's reported delay), ms; `None` before the first crossing.
    pub fn latency_ms(&self) -> Option<(f64, f64)> {
        let n = self.crossings.load(Ordering::Relaxed);
        (n > 0).then(|| {
            let sum = self.latency_sum_us.load(Ordering::Relaxed) as f64;
            let max = self.latency_max_us.load(Ordering::Relaxed) as f64;
            (sum / n as f64 / 1000.0, max / 1000.0)
        })
    }
}

/// Requests to the sound thread.
#[derive(Clone, Debug)]
pub enum SoundControl {
    /// Follow a new plan.
    Plan(CuePlan),
    /// Switch cues.
    Cues(CueSet),
    /// Change the loudness.
    Volume(f32),
    /// Play on another device (`None`: none).
    Device(Option<String>),
    /// Render what is queued, close the outputs and end.
    Finish,
}

/// The window's and the engine's handle on the sound thread.
pub struct SoundHandle {
    points: Sender<SoundPoints>,
    control: Sender<SoundControl>,
    status: Arc<SoundStatus>,
    thread: Option<JoinHandle<Result<(), SoundError>>>,
    cues: CueSet,
    volume: f32,
    device: Option<String>,
}

impl SoundHandle {
    /// Starts the sound thread. A WAV that cannot be created is an error; a missing sound card or library
    /// is not: sound is then off (see [`SoundHandle::state`]) and everything else goes on.
    pub fn start(setup: SoundSetup) -> Result<SoundHandle, SoundError> {
        let wav = setup.wav.as_deref().map(WavOutput::create).transpose()?;
        let (points_tx, points_rx) = crossbeam_channel::bounded(POINT_QUEUE);
        let (control_tx, control_rx) = crossbeam_channel::bounded(64);
        let mut worker = Worker {
            renderer: Renderer::new(setup.plan, setup.cues, setup.volume),
            wav,
            device: None,
            status: Arc::new(SoundStatus::new(SoundState::Off("starting".into()))),
        };
        worker.open_device(setup.device.as_deref());
        let status = worker.status.clone();
        let thread = std::thread::Builder::new()
            .name("innervate-sound".into())
            .spawn(move || worker.run(points_rx, control_rx))
            .map_err(|e| SoundError::Device(format!("cannot start the sound thread: {e}")))?;
        Ok(SoundHandle {
            points: points_tx,
            control: control_tx,
            status,
            thread: Some(thread),
            cues: setup.cues,
            volume: setup.volume,
            device: setup.device,
        })
    }

    /// The queue the DSP thread feeds.
    pub fn points(&self) -> Sender<SoundPoints> {
        self.points.clone()
    }

    /// Shared counters and state.
    pub fn status(&self) -> &Arc<SoundStatus> {
        &self.status
    }

    /// Whether sound plays, and on what; or why not.
    pub fn state(&self) -> SoundState {
        self.status.state()
    }

    /// The cues switched on.
    pub fn cues(&self) -> CueSet {
        self.cues
    }

    /// The loudness.
    pub fn volume(&self) -> f32 {
        self.volume
    }

    /// The device chosen.
    pub fn device(&self) -> Option<&str> {
        self.device.as_deref()
    }

    /// Switches cues.
    pub fn set_cues(&mut self, cues: CueSet) {
        self.cues = cues;
        let _ = self.control.try_send(SoundControl::Cues(cues));
    }

    /// Changes the loudness (0 to 1).
    pub fn set_volume(&mut self, volume: f32) {
        self.volume = volume;
        let _ = self.control.try_send(SoundControl::Volume(volume));
    }

    /// Follows a new plan (through [`crate::engine::Engine::set_sound_plan`], which also tells the DSP
    /// thread which channels to hand over).
    pub(crate) fn set_plan(&self, plan: CuePlan) {
        let _ = self.control.try_send(SoundControl::Plan(plan));
    }

    /// Plays on another device.
    pub fn set_device(&mut self, device: Option<String>) {
        self.device.clone_from(&device);
        let _ = self.control.try_send(SoundControl::Device(device));
    }

    /// Renders what is queued, closes the outputs (the WAV is complete after this) and ends the thread.
    pub fn finish(mut self) -> Result<(), SoundError> {
        self.finish_inner()
    }

    fn finish_inner(&mut self) -> Result<(), SoundError> {
        let _ = self.control.send(SoundControl::Finish);
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(SoundError::Device("the sound thread failed".into()))),
            None => Ok(()),
        }
    }
}

impl Drop for SoundHandle {
    fn drop(&mut self) {
        let _ = self.finish_inner();
    }
}

/// The sound devices ALSA lists, or why there are none.
pub fn list_devices() -> Result<Vec<String>, SoundError> {
    Ok(Alsa::load()?.devices())
}

struct Worker {
    renderer: Renderer,
    wav: Option<WavOutput>,
    device: Option<Box<dyn AudioOutput>>,
    status: Arc<SoundStatus>,
}

impl Worker {
    fn open_device(&mut self, device: Option<&str>) {
        self.device = None;
        let state = match device {
            None => match &self.wav {
                Some(w) => SoundState::On(w.describe()),
                None => SoundState::Off("no sound device chosen".into()),
            },
            Some(name) => match Alsa::load().and_then(|a| a.open(name)) {
                Ok(out) => {
                    let s = SoundState::On(out.describe());
                    self.device = Some(Box::new(out));
                    s
                }
                Err(e @ SoundError::Unavailable(_)) => {
                    SoundState::Off(format!("{e}; {INSTALL_HINT}"))
                }
                Err(e) => SoundState::Off(e.to_string()),
            },
        };
        self.status.set(state);
    }

    fn run(
        mut self,
        points: Receiver<SoundPoints>,
        control: Receiver<SoundControl>,
    ) -> Result<(), SoundError> {
        let mut result = Ok(());
        // The thread polls instead of blocking on the queue: a sender then never has to wake it, so handing
        // points over costs the DSP thread a copy and an atomic, not a system call and a context switch.
        'run: loop {
            loop {
                match control.try_recv() {
                    Ok(SoundControl::Finish) | Err(TryRecvError::Disconnected) => {
                        // Everything queued before the finish is still heard (and written).
                        while let Ok(p) = points.try_recv() {
                            self.play(&p, &mut result);
                        }
                        break 'run;
                    }
                    Ok(SoundControl::Plan(plan)) => self.renderer.set_plan(plan),
                    Ok(SoundControl::Cues(c)) => self.renderer.set_cues(c),
                    Ok(SoundControl::Volume(v)) => self.renderer.set_volume(v),
                    Ok(SoundControl::Device(d)) => self.open_device(d.as_deref()),
                    Err(TryRecvError::Empty) => break,
                }
            }
            let mut played = false;
            while let Ok(p) = points.try_recv() {
                self.play(&p, &mut result);
                played = true;
            }
            if !played {
                std::thread::sleep(POLL);
            }
        }
        if let Some(d) = self.device.as_mut() {
            let _ = d.finish();
        }
        if let Some(w) = self.wav.as_mut() {
            w.finish()?;
        }
        result
    }

    fn play(&mut self, p: &SoundPoints, result: &mut Result<(), SoundError>) {
        let (wav, device, status) = (&mut self.wav, &mut self.device, &self.status);
        let mut failed = None;
        self.renderer.feed(p, &mut |frames| {
            status
                .frames
                .fetch_add(frames.len() as u64, Ordering::Relaxed);
            if let Some(w) = wav.as_mut()
                && let Err(e) = w.write(frames)
            {
                failed = Some(e);
            }
            if let Some(d) = device.as_mut() {
                if d.delay_frames().is_some_and(|f| f > MAX_DELAY_FRAMES) {
                    status
                        .skipped_frames
                        .fetch_add(frames.len() as u64, Ordering::Relaxed);
                } else if let Err(e) = d.write(frames) {
                    status.set(SoundState::Off(format!("the device stopped: {e}")));
                    *device = None;
                }
            }
        });
        if let Some(e) = failed {
            // The file is broken: stop writing it, keep playing.
            *wav = None;
            if result.is_ok() {
                *result = Err(e);
            }
        }
        self.measure_latency(p);
    }

    /// From a crossing of the target line to its frames being heard: its age when the points were made,
    /// the time to here, and the device's delay less the frames rendered after it.
    fn measure_latency(&mut self, p: &SoundPoints) {
        let Some(t) = self.renderer.take_crossing() else {
            return;
        };
        let (Some(made), Some(device)) = (p.made_at, self.device.as_mut()) else {
            return;
        };
        let Some(delay) = device.delay_frames() else {
            return;
        };
        let handed = made.elapsed().as_secs_f64() + (p.latest_time_s - t).max(0.0);
        let after = self.renderer.frame() as f64 - t * SAMPLE_RATE as f64;
        let queued = ((delay as f64 - after) / SAMPLE_RATE as f64).max(0.0);
        let us = ((handed + queued) * 1e6) as u64;
        self.status.crossings.fetch_add(1, Ordering::Relaxed);
        self.status.latency_sum_us.fetch_add(us, Ordering::Relaxed);
        self.status.latency_max_us.fetch_max(us, Ordering::Relaxed);
    }
}

/// Renders `points` offline into samples (the same renderer as the sound thread): for tests and tools.
pub fn render_all<'a>(
    plan: CuePlan,
    cues: CueSet,
    volume: f32,
    points: impl IntoIterator<Item = &'a SoundPoints>,
) -> Vec<i16> {
    let mut r = Renderer::new(plan, cues, volume);
    let mut out = Vec::new();
    for p in points {
        r.feed(p, &mut |s| out.extend_from_slice(s));
    }
    out
}
