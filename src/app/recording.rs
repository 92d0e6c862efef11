//! The recording the user started (or a set started for them): its status line, the recorder still
//! closing its file, and the markers typed in the toolbar. The engine writes the files; this only keeps
//! track of them.

use crate::engine::Engine;
use crate::session::{MarkerKind, Recorder, SessionMeta};
use crate::stats::LinkStats;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the status line says about recording.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordingStatus {
    /// Not recording.
    Idle,
    /// Writing to a file since the given stream frame.
    Recording {
        /// The WAV.
        path: PathBuf,
        /// Frames processed when recording began.
        start_frame: u64,
    },
    /// The last recording was saved.
    Saved(String),
    /// Something went wrong.
    Failed(String),
}

/// Recording state of the window.
pub struct Recording {
    /// Where recordings go.
    pub sessions_dir: PathBuf,
    /// The status line's words.
    pub status: RecordingStatus,
    /// A stopped recording still being written.
    finishing: Option<Recorder>,
    /// Text for the next user marker.
    pub marker_text: String,
    /// User markers added in this window.
    pub markers_added: usize,
}

impl Recording {
    /// Nothing recorded yet; recordings go into `sessions_dir`.
    pub fn new(sessions_dir: PathBuf) -> Self {
        Self {
            sessions_dir,
            status: RecordingStatus::Idle,
            finishing: None,
            marker_text: String::new(),
            markers_added: 0,
        }
    }

    /// True while recording.
    pub fn is_recording(&self) -> bool {
        matches!(self.status, RecordingStatus::Recording { .. })
    }

    /// True while a stopped recording is still being written to disk.
    pub fn is_finishing(&self) -> bool {
        self.finishing.is_some()
    }

    /// The WAV being written, if recording.
    pub fn path(&self) -> Option<&Path> {
        match &self.status {
            RecordingStatus::Recording { path, .. } => Some(path),
            _ => None,
        }
    }

    /// A new file name in the sessions folder for a recording starting now.
    pub fn next_path(&self) -> PathBuf {
        self.sessions_dir
            .join(session_file_name(std::time::SystemTime::now()))
    }

    /// Starts recording into `path` with `meta` in the sidecar.
    pub fn start(&mut self, engine: &mut Engine, path: &Path, meta: SessionMeta) {
        engine.set_session_meta(meta);
        self.status = match engine.start_recording(path, None) {
            Ok(()) => RecordingStatus::Recording {
                path: path.to_path_buf(),
                start_frame: LinkStats::get(&engine.stats().frames_processed),
            },
            Err(e) => RecordingStatus::Failed(format!("Cannot record: {e}")),
        };
    }

    /// Stops the running recording; it is written in the background (see [`Self::poll`]).
    pub fn stop(&mut self, engine: &mut Engine) {
        if let Some(r) = engine.stop_recording() {
            self.finishing = Some(r);
        }
        if let RecordingStatus::Recording { path, .. } = &self.status {
            self.status = RecordingStatus::Saved(format!("Saving {}...", path.display()));
        }
    }

    /// Keeps the recorder of an engine that was shut down, so its file is finished and reported.
    pub fn adopt(&mut self, finishing: Option<Recorder>) {
        if finishing.is_some() {
            self.finishing = finishing;
        }
    }

    /// Adds a user marker with the typed text (cleared afterwards); only while recording.
    pub fn add_marker(&mut self, engine: &Engine) {
        if self.is_recording() {
            let text = std::mem::take(&mut self.marker_text);
            engine.add_marker(MarkerKind::User, text.trim());
            self.markers_added += 1;
        }
    }

    /// Picks up a recording the engine ended by itself and reports a finished file. Cheap.
    pub fn poll(&mut self, engine: &mut Engine) {
        if let Some(done) = engine.take_finished_recording() {
            self.finishing = Some(done);
        }
        if self.finishing.as_ref().is_some_and(|r| r.is_finished())
            && let Some(r) = self.finishing.take()
        {
            self.status = match r.wait() {
                Ok(s) => RecordingStatus::Saved(format!(
                    "Saved {:.1} s to {}{}",
                    s.seconds,
                    s.wav_path.display(),
                    if s.gaps > 0 {
                        format!(" ({} gaps marked)", s.gaps)
                    } else {
                        String::new()
                    }
                )),
                Err(e) => RecordingStatus::Failed(format!("Recording failed: {e}")),
            };
        }
    }

    /// Waits (up to `timeout`) for a stopped recording to be written, then reports it.
    pub fn wait_for_saved(&mut self, engine: &mut Engine, timeout: Duration) -> &RecordingStatus {
        let until = Instant::now() + timeout;
        while self.finishing.is_some() && Instant::now() < until {
            self.poll(engine);
            std::thread::sleep(Duration::from_millis(5));
        }
        &self.status
    }

    /// Blocks until a stopped recording is written (closing the window).
    pub fn finish(&mut self) {
        if let Some(r) = self.finishing.take() {
            let _ = r.wait();
        }
    }
}

/// `session-YYYYMMDD-HHMMSS.wav` in UTC.
pub fn session_file_name(at: std::time::SystemTime) -> String {
    let stamp = humantime::format_rfc3339_seconds(at).to_string();
    let compact: String = stamp
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    format!("session-{}.wav", compact.replace('T', "-"))
}
