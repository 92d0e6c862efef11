//! Reviewing a recorded session: a whole-recording overview (raw range and envelope per channel), the
//! analyzer's sets and reps, and markers added after the fact. No drawing here; the app's review screen
//! draws what this module computes, and tests check it without a window.
//!
//! One background pass over the WAV does both the overview and the analysis, so opening an hour-long
//! session reads the file once, with memory bounded by [`MAX_OVERVIEW_POINTS`].

pub mod overview;

pub use overview::{Overview, OverviewChannel};

use crate::analysis::{AnalyzeOptions, Report, analyze};
use crate::dsp::Processor;
use crate::session::load::Session;
use crate::session::sidecar::{FORMAT_NAME, FORMAT_VERSION, Sidecar, sidecar_path};
use crate::session::{Marker, MarkerKind, SessionError};
use crate::source::{FrameGenerator, SourceError, StreamInfo};
use crate::task::{CancelToken, Poll, Task};

/// Most overview points per channel, whatever the recording's length (about 4 MB for 16 channels).
pub const MAX_OVERVIEW_POINTS: usize = 20_000;
/// Finest overview resolution, points per second (the live view's display rate).
pub const OVERVIEW_RATE_HZ: f64 = 100.0;

/// What polling the background pass found.
#[derive(Debug)]
pub enum LoadPoll {
    /// Still reading; the fraction of the file read so far, 0..=1.
    Running(f32),
    /// The pass finished (returned once).
    Done(Box<(Overview, Report)>),
    /// The pass failed; the reason in plain words.
    Failed(String),
}

/// A running background pass (a [`Task`]); dropping it cancels the pass.
#[derive(Debug)]
pub struct ReviewLoader {
    task: Task<Result<(Overview, Report), String>>,
}

impl ReviewLoader {
    /// Starts reading `session` in the background.
    pub fn spawn(session: &Session) -> Self {
        let session = session.clone();
        Self {
            task: Task::spawn("review", move |token| build(&session, token)),
        }
    }

    /// Never blocks: progress while reading, then the result once.
    pub fn poll(&mut self) -> LoadPoll {
        match self.task.poll() {
            Poll::Running => LoadPoll::Running(self.task.progress()),
            Poll::Done(Ok(done)) => LoadPoll::Done(Box::new(done)),
            Poll::Done(Err(e)) | Poll::Lost(e) => LoadPoll::Failed(e),
        }
    }
}

fn build(session: &Session, token: &CancelToken) -> Result<(Overview, Report), String> {
    let replay = session.replay().map_err(|e| e.to_string())?;
    let options = AnalyzeOptions::for_session(session);
    let channels = session.channels;
    let bucket = overview::bucket_frames(session.frames, session.sample_rate);
    let builder = overview::Builder::new(channels, bucket, session.sample_rate);
    let mut envelope = overview::EnvelopeBuckets::new(channels, bucket);
    let total = session.frames.max(1);
    let mut progress = |done: u64| token.set_progress((done as f64 / total as f64) as f32);
    let mut tee = Tee {
        inner: replay,
        builder,
        token: token.clone(),
    };
    let mut sink = |env: &[f32]| -> Result<(), SourceError> {
        envelope.push(env);
        Ok(())
    };
    let report =
        analyze(&mut tee, &options, &mut progress, Some(&mut sink)).map_err(|e| e.to_string())?;
    if token.is_cancelled() {
        return Err("cancelled".into());
    }
    Ok((tee.builder.finish(envelope), report))
}

/// Passes frames through to the analyzer while the overview takes its min/max.
struct Tee {
    inner: crate::source::replay::WavReplay,
    builder: overview::Builder,
    token: CancelToken,
}

impl FrameGenerator for Tee {
    fn info(&self) -> &StreamInfo {
        self.inner.info()
    }

    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        // Closing the review mid-pass ends the file early; the result is thrown away.
        if self.token.is_cancelled() {
            return Ok(false);
        }
        let more = self.inner.next_frame(frame)?;
        if more {
            self.builder.push_raw(frame);
        }
        Ok(more)
    }
}

/// Adds a user marker at `time_s` (clamped to the recording) to the session's sidecar, written atomically.
/// A plain WAV gets a sidecar of its own, so its markers are kept too. Returns the marker.
pub fn add_marker(session: &mut Session, time_s: f64, text: &str) -> Result<Marker, SessionError> {
    let side_path = sidecar_path(&session.wav_path);
    if session.sidecar.as_ref().is_some_and(|s| !s.complete) {
        return Err(SessionError::bad(
            &side_path,
            "this session is still being recorded or was interrupted (innervate repair closes it)"
                .into(),
        ));
    }
    let frame = ((time_s.max(0.0) * session.sample_rate).round() as u64).min(session.frames);
    let marker = Marker {
        wav_frame: frame,
        time_s: frame as f64 / session.sample_rate,
        kind: MarkerKind::User,
        text: text.trim().to_string(),
        plan: None,
    };
    let mut sidecar = match &session.sidecar {
        Some(s) => s.clone(),
        None => plain_sidecar(session)?,
    };
    let at = sidecar.markers.partition_point(|m| m.wav_frame <= frame);
    sidecar.markers.insert(at, marker.clone());
    sidecar
        .write_atomic(&side_path)
        .map_err(|e| SessionError::io(&side_path, e))?;
    session.sidecar = Some(sidecar);
    Ok(marker)
}

/// A sidecar describing a plain WAV as it is read: default processing, the default pairs.
fn plain_sidecar(session: &Session) -> Result<Sidecar, SessionError> {
    let replay = session.replay()?;
    let info = replay.info();
    let dsp = crate::dsp::DspConfig::default();
    let processor = Processor::new(info.channels(), info.sample_rate, &dsp, &info.pairs)
        .map_err(|e| SessionError::bad(&session.wav_path, e.to_string()))?;
    Ok(Sidecar {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        app_version: env!("CARGO_PKG_VERSION").into(),
        start_time: String::new(),
        sample_rate_hz: session.sample_rate,
        units: "uV".into(),
        channel_names: session.channel_names.clone(),
        pairs: info.pairs.clone(),
        source: format!("plain WAV {}", session.wav_path.display()),
        dsp_effective: processor.effective().clone(),
        dsp,
        first_stream_sample: 0,
        frames_written: session.frames,
        gaps: Vec::new(),
        markers: Vec::new(),
        meta: Default::default(),
        complete: true,
    })
}
