//! Review mode's state and actions: the opened session, its overview and analysis (read in the
//! background), the time cursor, replay through a second engine, markers and exports. Drawing is in
//! [`super::review_view`].

use super::InnervateApp;
use super::history::LiveHistory;
use crate::analysis::Report;
use crate::engine::{Engine, EngineOptions};
use crate::review::{LoadEvent, Overview, ReviewLoader};
use crate::session::load::{Session, open_session};
use crate::session::{Marker, MarkerKind};
use crate::source::reader::Pace;
use crate::stats::LinkState;
use crossbeam_channel::Receiver;
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
    exports: Vec<Receiver<String>>,
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

    fn poll(&mut self) {
        if let Some(loader) = &self.loader {
            let mut done = false;
            while let Ok(event) = loader.events().try_recv() {
                match event {
                    LoadEvent::Progress(p) => self.progress = p,
                    LoadEvent::Done(result) => {
                        let (overview, report) = *result;
                        self.overview = Some(overview);
                        self.report = Some(report);
                        self.progress = 1.0;
                        done = true;
                    }
                    LoadEvent::Failed(e) => {
                        self.status = Some(format!("Could not read the recording: {e}"));
                        done = true;
                    }
                }
            }
            if done {
                self.loader = None;
            }
        }
        if let Some(run) = &mut self.replay {
            while let Ok(chunk) = run.engine.display().try_recv() {
                run.history.push_chunk(&chunk);
            }
            run.history.update_peaks();
            self.cursor_s = run.position_s().min(self.session.duration_s());
            if run.finished()
                && let Some(run) = self.replay.take()
            {
                let _ = run.engine.shutdown();
                self.status = Some("Replay reached the end".into());
            }
        }
        let mut finished = Vec::new();
        for (k, rx) in self.exports.iter().enumerate() {
            if let Ok(msg) = rx.try_recv() {
                self.status = Some(msg);
                finished.push(k);
            }
        }
        for k in finished.into_iter().rev() {
            self.exports.remove(k);
        }
    }
}

impl InnervateApp {
    /// Opens `wav` (a session or any WAV) for review; a file that cannot be opened leaves the current
    /// screen and says why.
    pub fn open_review(&mut self, wav: &Path) {
        let session = match open_session(wav) {
            Ok(s) => s,
            Err(e) => {
                self.message = Some(format!("Cannot review: {e}"));
                return;
            }
        };
        let loader = match ReviewLoader::spawn(&session) {
            Ok(l) => Some(l),
            Err(e) => {
                self.message = Some(format!("Cannot review: {e}"));
                return;
            }
        };
        self.sessions = None;
        self.review = Some(ReviewPanel {
            session,
            loader,
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
        });
    }

    /// The review screen, when open.
    pub fn review(&self) -> Option<&ReviewPanel> {
        self.review.as_ref()
    }

    /// Leaves review mode (a running replay stops).
    pub fn close_review(&mut self) {
        self.stop_replay();
        self.review = None;
    }

    /// Waits (up to `timeout`) for the background pass and any exports, polling as the UI would.
    pub fn wait_for_review(&mut self, timeout: std::time::Duration) {
        let until = std::time::Instant::now() + timeout;
        while self
            .review
            .as_ref()
            .is_some_and(|r| r.loading() || r.exporting())
            && std::time::Instant::now() < until
        {
            self.poll_review();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    pub(crate) fn poll_review(&mut self) {
        if let Some(r) = self.review.as_mut() {
            r.poll();
        }
    }

    /// Moves the cursor to `time_s` (clamped to the recording). A running replay restarts from there.
    pub fn review_seek(&mut self, time_s: f64) {
        let Some(r) = self.review.as_mut() else {
            return;
        };
        let t = time_s.clamp(0.0, r.session.duration_s());
        r.cursor_s = t;
        if let Some(speed) = r.replay.as_ref().map(|run| run.speed) {
            self.start_replay(speed);
        }
    }

    /// Moves the cursor to marker `index` and centres the view on it.
    pub fn jump_to_marker(&mut self, index: usize) {
        let Some(t) = self
            .review
            .as_ref()
            .and_then(|r| r.markers().get(index))
            .map(|m| m.time_s)
        else {
            return;
        };
        self.review_seek(t);
        self.centre_view(t);
    }

    /// Centres the plots on `time_s` (e.g. a rep from the table).
    pub fn centre_view(&mut self, time_s: f64) {
        if let Some(r) = self.review.as_mut() {
            r.pending_view = Some((time_s - JUMP_SPAN_S / 2.0, time_s + JUMP_SPAN_S / 2.0));
        }
    }

    /// Replays from the cursor at `speed` through the same processing as live; replaces a running replay.
    pub fn start_replay(&mut self, speed: f64) {
        self.stop_replay();
        let Some(r) = self.review.as_mut() else {
            return;
        };
        let mut source = match r.session.replay() {
            Ok(s) => s,
            Err(e) => {
                r.status = Some(format!("Cannot replay: {e}"));
                return;
            }
        };
        // At the end, play from the start again.
        if r.cursor_s >= r.session.duration_s() - 0.05 {
            r.cursor_s = 0.0;
        }
        let frame = (r.cursor_s * r.session.sample_rate).round() as u64;
        if let Err(e) = source.seek(frame) {
            r.status = Some(format!("Cannot replay: {e}"));
            return;
        }
        let dsp = r
            .session
            .sidecar
            .as_ref()
            .map(|s| s.dsp.clone())
            .unwrap_or_default();
        let channels = r.session.channels;
        let pairs = crate::source::FrameGenerator::info(&source).pairs.len();
        match Engine::start(
            Box::new(source),
            EngineOptions {
                dsp,
                pace: Pace::RealTime { speed },
                ..EngineOptions::default()
            },
            None,
        ) {
            Ok(engine) => {
                r.replay = Some(ReplayRun {
                    engine,
                    offset_s: frame as f64 / r.session.sample_rate,
                    speed,
                    history: LiveHistory::new(channels, pairs),
                });
                r.status = None;
            }
            Err(e) => r.status = Some(format!("Cannot replay: {e}")),
        }
    }

    /// Stops a running replay; the cursor stays where the replay was.
    pub fn stop_replay(&mut self) {
        if let Some(run) = self.review.as_mut().and_then(|r| r.replay.take()) {
            let _ = run.engine.shutdown();
        }
    }

    /// Adds a user marker at the cursor with the typed text; saved to the session's sidecar at once.
    pub fn add_review_marker(&mut self) {
        let Some(r) = self.review.as_mut() else {
            return;
        };
        let text = std::mem::take(&mut r.marker_text);
        r.status = Some(
            match crate::review::add_marker(&mut r.session, r.cursor_s, &text) {
                Ok(m) => format!("Marker added at {:.2} s", m.time_s),
                Err(e) => {
                    r.marker_text = text;
                    format!("Marker not saved: {e}")
                }
            },
        );
    }

    /// Exports the session next to its WAV (same name, `.csv` or `.edf`) on a background thread.
    pub fn review_export(&mut self, kind: ExportKind) {
        let Some(r) = self.review.as_mut() else {
            return;
        };
        let wav = r.session.wav_path.clone();
        let (out, label) = match kind {
            ExportKind::Csv => (wav.with_extension("csv"), "CSV"),
            ExportKind::Edf => (wav.with_extension("edf"), "EDF+"),
        };
        let (tx, rx) = crossbeam_channel::bounded(1);
        let spawned = std::thread::Builder::new()
            .name("innervate-export".into())
            .spawn(move || {
                let result = match kind {
                    ExportKind::Csv => crate::session::export::export_csv(&wav, &out),
                    ExportKind::Edf => crate::session::export::export_edf(&wav, &out),
                };
                let _ = tx.send(match result {
                    Ok(_) => format!("{label} written to {}", out.display()),
                    Err(e) => format!("{label} export failed: {e}"),
                });
            });
        match spawned {
            Ok(_) => {
                r.exports.push(rx);
                r.status = Some(format!("Writing {label}..."));
            }
            Err(e) => r.status = Some(format!("{label} export failed: {e}")),
        }
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
