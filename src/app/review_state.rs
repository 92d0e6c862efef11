//! Review mode's state and actions: the opened session, its overview and analysis (read in the
//! background), the time cursor, replay through a second engine, markers and exports (background
//! [`Task`]s). Drawing is in [`super::review_view`]. Closing the review drops all of it: the replay's
//! engine stops and the background pass is cancelled.

use super::history::LiveHistory;
use crate::analysis::Report;
use crate::engine::{Engine, EngineOptions};
use crate::review::{LoadPoll, Overview, ReviewLoader};
use crate::session::load::{Session, open_session};
use crate::session::{Marker, MarkerKind};
use crate::source::reader::Pace;
use crate::stats::LinkState;
use crate::task::{Poll, Task};
use std::path::Path;

/// Replay speeds offered.
pub const REPLAY_SPEEDS: [f64; 3] = [1.0, 2.0, 4.0];
/// Seconds shown around a marker the user jumps to.
pub const JUMP_SPAN_S: f64 = 10.0;

/// A replay of the session through the live DSP, from a chosen moment at a chosen speed.
pub struct ReplayRun {
    /// The engine playing the WAV.
    pub engine: Engine,
    /// Recording time the replay started from, s.
    pub offset_s: f64,
    /// Playback speed (1, 2 or 4).
    pub speed: f64,
    /// What the replay's DSP produced so far (its latest envelope values feed the bars).
    pub history: LiveHistory,
}

impl ReplayRun {
    /// Recording time of the newest replayed frame, s.
    pub fn position_s(&self) -> f64 {
        self.offset_s + self.history.latest_sample as f64 / self.engine.info().sample_rate
    }

    /// True once the replay reached the end of the file.
    pub fn finished(&self) -> bool {
        matches!(
            self.engine.stats().state(),
            LinkState::Ended | LinkState::Failed
        ) && self.engine.display().is_empty()
    }
}

/// Which export the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// Time, raw and envelope per channel.
    Csv,
    /// EDF+ with annotations.
    Edf,
    /// The PDF report (`innervate report`).
    Pdf,
}

/// The review screen's state.
pub struct ReviewPanel {
    /// The session (its sidecar is updated when markers are added).
    pub session: Session,
    loader: Option<ReviewLoader>,
    /// Fraction of the background pass done.
    pub progress: f32,
    /// The whole recording at screen resolution, once read.
    pub overview: Option<Overview>,
    /// The analyzer's report (sets, reps, pairs), once read.
    pub report: Option<Report>,
    /// Recording time under the cursor, s.
    pub cursor_s: f64,
    /// The running replay.
    pub replay: Option<ReplayRun>,
    /// Text for the next marker.
    pub marker_text: String,
    /// The last thing that happened (export written, marker added, a problem), in plain words.
    pub status: Option<String>,
    /// Show the raw signal's range behind the envelope.
    pub show_raw: bool,
    /// A view the plots should move to on the next frame (after a jump).
    pub(crate) pending_view: Option<(f64, f64)>,
    exports: Vec<Task<String>>,
    /// The training history whose logs (felt, load) the PDF report prints, if any.
    pub history: Option<std::path::PathBuf>,
}

impl ReviewPanel {
    /// Markers of the session (empty for a plain WAV).
    pub fn markers(&self) -> &[Marker] {
        self.session
            .sidecar
            .as_ref()
            .map_or(&[], |s| s.markers.as_slice())
    }

    /// True while the background pass runs.
    pub fn loading(&self) -> bool {
        self.loader.is_some()
    }

    /// True while exports are being written.
    pub fn exporting(&self) -> bool {
        !self.exports.is_empty()
    }

    /// Opens `wav` (a session or any WAV) and starts reading it in the background; the reason in plain
    /// words if it cannot be opened.
    pub fn open(wav: &Path) -> Result<Self, String> {
        let session = open_session(wav).map_err(|e| format!("Cannot review: {e}"))?;
        Ok(Self {
            loader: Some(ReviewLoader::spawn(&session)),
            session,
            progress: 0.0,
            overview: None,
            report: None,
            cursor_s: 0.0,
            replay: None,
            marker_text: String::new(),
            status: None,
            show_raw: false,
            pending_view: None,
            exports: Vec::new(),
            history: None,
        })
    }

    /// Takes in what the background work and the replay produced. Cheap; call every frame.
    pub fn poll(&mut self) {
        if let Some(loader) = &mut self.loader {
            match loader.poll() {
                LoadPoll::Running(p) => self.progress = p,
                LoadPoll::Preview(overview) => {
                    self.overview = Some(*overview);
                    self.progress = 0.0;
                }
                LoadPoll::Done(result) => {
                    let (envelope, report) = *result;
                    // The preview came first; the analysis adds its envelope tracks.
                    if let Some(overview) = &mut self.overview {
                        overview.set_envelope(envelope);
                    }
                    self.report = Some(report);
                    self.progress = 1.0;
                    self.loader = None;
                }
                LoadPoll::Failed(e) => {
                    self.status = Some(format!("Could not read the recording: {e}"));
                    self.loader = None;
                }
            }
        }
        if let Some(run) = &mut self.replay {
            while let Ok(chunk) = run.engine.display().try_recv() {
                run.history.push_chunk(&chunk);
            }
            run.history.update_peaks();
            self.cursor_s = run.position_s().min(self.session.duration_s());
            if run.finished() {
                // Dropping the run stops its engine.
                self.replay = None;
                self.status = Some("Replay reached the end".into());
            }
        }
        let status = &mut self.status;
        self.exports.retain_mut(|task| match task.poll() {
            Poll::Running => true,
            Poll::Done(msg) | Poll::Lost(msg) => {
                *status = Some(msg);
                false
            }
        });
    }

    /// Waits (up to `timeout`) for the background pass and any exports, polling as the UI would.
    pub fn wait(&mut self, timeout: std::time::Duration) {
        let until = std::time::Instant::now() + timeout;
        while (self.loading() || self.exporting()) && std::time::Instant::now() < until {
            self.poll();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Moves the cursor to `time_s` (clamped to the recording). A running replay restarts from there.
    pub fn seek(&mut self, time_s: f64) {
        self.cursor_s = time_s.clamp(0.0, self.session.duration_s());
        if let Some(speed) = self.replay.as_ref().map(|run| run.speed) {
            self.start_replay(speed);
        }
    }

    /// Moves the cursor to marker `index` and centres the view on it.
    pub fn jump_to_marker(&mut self, index: usize) {
        if let Some(t) = self.markers().get(index).map(|m| m.time_s) {
            self.seek(t);
            self.centre_view(t);
        }
    }

    /// Centres the plots on `time_s` (e.g. a rep from the table).
    pub fn centre_view(&mut self, time_s: f64) {
        self.pending_view = Some((time_s - JUMP_SPAN_S / 2.0, time_s + JUMP_SPAN_S / 2.0));
    }

    /// Replays from the cursor at `speed` through the same processing as live; replaces a running replay.
    pub fn start_replay(&mut self, speed: f64) {
        self.stop_replay();
        let mut source = match self.session.replay() {
            Ok(s) => s,
            Err(e) => {
                self.status = Some(format!("Cannot replay: {e}"));
                return;
            }
        };
        // At the end, play from the start again.
        if self.cursor_s >= self.session.duration_s() - 0.05 {
            self.cursor_s = 0.0;
        }
        let frame = (self.cursor_s * self.session.sample_rate).round() as u64;
        if let Err(e) = source.seek(frame) {
            self.status = Some(format!("Cannot replay: {e}"));
            return;
        }
        let dsp = self
            .session
            .sidecar
            .as_ref()
            .map(|s| s.dsp.clone())
            .unwrap_or_default();
        let channels = self.session.channels;
        let pairs = crate::source::FrameGenerator::info(&source).pairs.len();
        let options = EngineOptions {
            dsp,
            pace: Pace::RealTime { speed },
            ..EngineOptions::default()
        };
        match Engine::start(Box::new(source), options, None) {
            Ok(engine) => {
                self.replay = Some(ReplayRun {
                    engine,
                    offset_s: frame as f64 / self.session.sample_rate,
                    speed,
                    history: LiveHistory::new(channels, pairs),
                });
                self.status = None;
            }
            Err(e) => self.status = Some(format!("Cannot replay: {e}")),
        }
    }

    /// Stops a running replay; the cursor stays where the replay was.
    pub fn stop_replay(&mut self) {
        if let Some(run) = self.replay.take() {
            let _ = run.engine.shutdown();
        }
    }

    /// Plays at 1x, or stops a running replay (Space).
    pub fn toggle_replay(&mut self) {
        if self.replay.is_some() {
            self.stop_replay();
        } else {
            self.start_replay(1.0);
        }
    }

    /// Adds a user marker at the cursor with the typed text; saved to the session's sidecar at once.
    pub fn add_marker(&mut self) {
        let text = std::mem::take(&mut self.marker_text);
        self.status = Some(
            match crate::review::add_marker(&mut self.session, self.cursor_s, &text) {
                Ok(m) => format!("Marker added at {:.2} s", m.time_s),
                Err(e) => {
                    self.marker_text = text;
                    format!("Marker not saved: {e}")
                }
            },
        );
    }

    /// Exports the session next to its WAV (same name, `.csv` or `.edf`) in the background.
    pub fn export(&mut self, kind: ExportKind) {
        let wav = self.session.wav_path.clone();
        let (out, label) = match kind {
            ExportKind::Csv => (wav.with_extension("csv"), "CSV"),
            ExportKind::Edf => (wav.with_extension("edf"), "EDF+"),
            ExportKind::Pdf => (wav.with_extension("pdf"), "PDF report"),
        };
        let history = self.history.clone();
        self.exports.push(Task::spawn("export", move |_| {
            let result: Result<(), String> = match kind {
                ExportKind::Csv => crate::session::export::export_csv(&wav, &out)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                ExportKind::Edf => crate::session::export::export_edf(&wav, &out)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                ExportKind::Pdf => {
                    super::report_job::write_next_to(&wav, history.as_deref()).map(|_| ())
                }
            };
            match result {
                Ok(_) => format!("{label} written to {}", out.display()),
                Err(e) => format!("{label} export failed: {e}"),
            }
        }));
        self.status = Some(format!("Writing {label}..."));
    }
}

/// Short words for a marker kind.
pub fn marker_words(kind: MarkerKind) -> &'static str {
    match kind {
        MarkerKind::SetStart => "Set start",
        MarkerKind::SetEnd => "Set end",
        MarkerKind::Rep => "Rep",
        MarkerKind::User => "Mark",
    }
}
