//! Reviewing a recorded session: a whole-recording overview (raw range and envelope per channel), the
//! analyzer's sets and reps, and markers added after the fact. No drawing here; the app's review screen
//! draws what this module computes, and tests check it without a window.
//!
//! Opening a session reads it twice in the background ([`ReviewLoader`]): a quick read for the raw overview,
//! so the plots appear at once, then the analysis pass, which adds the envelope and the report. Memory is
//! bounded by [`MAX_OVERVIEW_POINTS`] whatever the recording's length.

pub mod overview;

pub use overview::{EnvelopeBuckets, Overview, OverviewChannel};

use crate::analysis::{AnalyzeOptions, Report, analyze};
use crate::dsp::Processor;
use crate::session::load::Session;
use crate::session::sidecar::{FORMAT_NAME, FORMAT_VERSION, Sidecar, sidecar_path};
use crate::session::{Marker, MarkerKind, SessionError};
use crate::source::take::Take;
use crate::source::{FrameGenerator, SourceError};
use crate::task::{CancelToken, Poll, Task};

/// Most overview points per channel, whatever the recording's length (about 4 MB for 16 channels).
pub const MAX_OVERVIEW_POINTS: usize = 20_000;
/// Finest overview resolution, points per second (the live view's display rate).
pub const OVERVIEW_RATE_HZ: f64 = 100.0;

/// What polling the background work found.
#[derive(Debug)]
pub enum LoadPoll {
    /// Still working; the fraction done of the current stage, 0..=1.
    Running(f32),
    /// The raw overview is ready (returned once, well before the analysis): plots can be drawn.
    Preview(Box<Overview>),
    /// The analysis finished: the envelope's overview tracks (for [`Overview::set_envelope`] on the
    /// preview) and the report (returned once).
    Done(Box<(EnvelopeBuckets, Report)>),
    /// The work failed; the reason in plain words.
    Failed(String),
}

/// Opening a session in two stages, both on background threads ([`Task`]s): first one quick read of the
/// WAV for the raw overview (the plots can be drawn within a second even for an hour), then the analysis
/// pass, which adds the envelope tracks and the report. Dropping it cancels whatever runs.
#[derive(Debug)]
pub struct ReviewLoader {
    session: Session,
    stage: Stage,
}

#[derive(Debug)]
enum Stage {
    Preview(Task<Result<Overview, String>>),
    Analysis(Task<Result<(EnvelopeBuckets, Report), String>>),
    Finished,
}

impl ReviewLoader {
    /// Starts reading `session` in the background.
    pub fn spawn(session: &Session) -> Self {
        let preview = session.clone();
        Self {
            session: session.clone(),
            stage: Stage::Preview(Task::spawn("review-overview", move |token| {
                raw_overview(&preview, token)
            })),
        }
    }

    /// True once the raw overview is in and the analysis runs.
    pub fn analysing(&self) -> bool {
        matches!(self.stage, Stage::Analysis(_))
    }

    /// Never blocks: progress while working, the preview once, then the result once.
    pub fn poll(&mut self) -> LoadPoll {
        match &mut self.stage {
            Stage::Finished => LoadPoll::Failed("the result was already taken".into()),
            Stage::Preview(task) => match task.poll() {
                Poll::Running => LoadPoll::Running(task.progress()),
                Poll::Done(Ok(overview)) => {
                    let session = self.session.clone();
                    self.stage = Stage::Analysis(Task::spawn("review-analysis", move |token| {
                        analyse(&session, token)
                    }));
                    LoadPoll::Preview(Box::new(overview))
                }
                Poll::Done(Err(e)) | Poll::Lost(e) => {
                    self.stage = Stage::Finished;
                    LoadPoll::Failed(e)
                }
            },
            Stage::Analysis(task) => match task.poll() {
                Poll::Running => LoadPoll::Running(task.progress()),
                Poll::Done(Ok(done)) => {
                    self.stage = Stage::Finished;
                    LoadPoll::Done(Box::new(done))
                }
                Poll::Done(Err(e)) | Poll::Lost(e) => {
                    self.stage = Stage::Finished;
                    LoadPoll::Failed(e)
                }
            },
        }
    }
}

/// Frames read at a time for the raw overview.
const PREVIEW_BLOCK_FRAMES: usize = 8192;

/// The raw overview: one read of the WAV in large blocks, min and max per bucket.
fn raw_overview(session: &Session, token: &CancelToken) -> Result<Overview, String> {
    let mut replay = session.replay().map_err(|e| e.to_string())?;
    let channels = session.channels;
    let bucket = overview::bucket_frames(session.frames, session.sample_rate);
    let mut builder = overview::Builder::new(channels, bucket, session.sample_rate);
    let mut block = vec![0.0f32; PREVIEW_BLOCK_FRAMES * channels];
    let (mut done, total) = (0u64, session.frames.max(1));
    loop {
        if token.is_cancelled() {
            return Err("cancelled".into());
        }
        let n = replay.next_frames(&mut block).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        builder.push_block(&block[..n * channels], channels);
        done += n as u64;
        token.set_progress((done as f64 / total as f64) as f32);
    }
    Ok(builder.finish_raw())
}

/// The analysis pass (the session's own settings), collecting the envelope's overview tracks on the way.
fn analyse(session: &Session, token: &CancelToken) -> Result<(EnvelopeBuckets, Report), String> {
    let replay = session.replay().map_err(|e| e.to_string())?;
    let options = AnalyzeOptions::for_session(session);
    let bucket = overview::bucket_frames(session.frames, session.sample_rate);
    let mut envelope = EnvelopeBuckets::new(session.channels, bucket);
    let total = session.frames.max(1);
    let mut progress = |done: u64| token.set_progress((done as f64 / total as f64) as f32);
    // Closing the review mid-pass ends the file early; the result is thrown away.
    let mut source = Take::new(replay, session.frames).cancelled_by(token.clone());
    let mut sink = |run: &crate::analysis::EnvelopeRun<'_>| -> Result<(), SourceError> {
        envelope.push_run(run);
        Ok(())
    };
    let report = analyze(&mut source, &options, &mut progress, Some(&mut sink))
        .map_err(|e| e.to_string())?;
    if token.is_cancelled() {
        return Err("cancelled".into());
    }
    Ok((envelope, report))
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
