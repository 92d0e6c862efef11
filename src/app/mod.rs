//! The egui application: state and actions here, drawing in [`live_view`].
//!
//! `ingest` (run from `App::logic`) moves the DSP thread's display chunks into fixed-size history and polls
//! the engine; `show` only draws. Tests drive both through egui_kittest with no display.

pub mod activation_bar;
pub mod calibration_view;
pub mod connect_view;
pub mod history;
pub mod history_view;
pub mod live_view;
pub mod review_state;
pub mod review_view;
pub mod sessions_view;
pub mod setup_view;
pub mod train_view;
pub mod training;

use crate::calibration::{MvcRoutine, MvcTiming, Profile};
use crate::engine::Engine;
use crate::session::Recorder;
use crate::settings;
use crate::stats::LinkStats;
use crate::training::live_reps;
use crate::training::rules;
use history::LiveHistory;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Most display chunks taken per frame, so a backlog cannot stall one frame.
const MAX_CHUNKS_PER_FRAME: usize = 2048;
/// Default target line for a muscle before calibration, uV (the training rule, as the display's type).
pub const DEFAULT_TARGET_UV: f32 = rules::DEFAULT_TARGET_UV as f32;

/// Per-muscle settings the user makes in the live view.
#[derive(Clone, Debug, PartialEq)]
pub struct MuscleSettings {
    /// Display name.
    pub name: String,
    /// Target line, uV.
    pub target_uv: f32,
    /// MVC reference from the profile, uV; once set, everything shown for this muscle is in %MVC.
    pub mvc_uv: Option<f32>,
}

impl MuscleSettings {
    /// A value in uV as shown to the user: %MVC when calibrated, uV otherwise.
    pub fn shown(&self, uv: f32) -> f32 {
        match self.mvc_uv {
            Some(m) if m > 0.0 => 100.0 * uv / m,
            _ => uv,
        }
    }

    /// The inverse of [`Self::shown`].
    pub fn from_shown(&self, v: f32) -> f32 {
        match self.mvc_uv {
            Some(m) if m > 0.0 => v * m / 100.0,
            _ => v,
        }
    }

    /// The unit values are shown in.
    pub fn unit(&self) -> &'static str {
        if self.mvc_uv.is_some() { "%MVC" } else { "µV" }
    }
}

/// A calibration in progress.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The muscle (channel) being calibrated; `None` while the user picks one.
    pub channel: Option<usize>,
    /// The routine, once started.
    pub routine: Option<MvcRoutine>,
}

/// Per-pair settings.
#[derive(Clone, Debug, PartialEq)]
pub struct PairSettings {
    /// Agonist channel.
    pub agonist: usize,
    /// Antagonist channel.
    pub antagonist: usize,
    /// Ratio above which the readout turns to the warning colour.
    pub ratio_limit: f32,
}

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

/// Measures samples per second actually arriving.
#[derive(Debug)]
struct RateMeter {
    last_frames: u64,
    last_at: Instant,
    rate: f64,
}

/// The Innervate window.
pub struct InnervateApp {
    engine: Engine,
    history: LiveHistory,
    muscles: Vec<MuscleSettings>,
    pairs: Vec<PairSettings>,
    show_raw: bool,
    notch_enabled: bool,
    sessions_dir: PathBuf,
    recording: RecordingStatus,
    finishing: Option<Recorder>,
    rate: RateMeter,
    profile: Profile,
    profile_path: PathBuf,
    calibration: Option<Calibration>,
    mvc_timing: MvcTiming,
    message: Option<String>,
    quality: Vec<crate::dsp::quality::ChannelQuality>,
    reps: Vec<live_reps::LiveReps>,
    marker_text: String,
    markers_added: usize,
    in_set: bool,
    sessions: Option<sessions_view::SessionsPanel>,
    review: Option<review_state::ReviewPanel>,
    connect: Option<connect_view::ConnectPanel>,
    notify: Option<crate::engine::Notifier>,
    settings: settings::Settings,
    settings_path: Option<PathBuf>,
    first_run: bool,
    training: training::Training,
    setup_panel: Option<setup_view::SetupPanel>,
    history_panel: Option<history_view::HistoryPanel>,
}

impl InnervateApp {
    /// A window over a running engine; recordings go into `sessions_dir`.
    pub fn new(engine: Engine, sessions_dir: PathBuf) -> Self {
        let info = engine.info().clone();
        let muscles = info
            .channel_names
            .iter()
            .map(|name| MuscleSettings {
                name: name.clone(),
                target_uv: DEFAULT_TARGET_UV,
                mvc_uv: None,
            })
            .collect();
        let pairs = pair_settings(&info);
        let profile_path = sessions_dir.join("profile.json");
        let sessions_dir_for_db = sessions_dir.clone();
        let mut app = Self {
            history: LiveHistory::new(info.channels(), info.pairs.len()),
            notch_enabled: engine.dsp_config().notch.enabled,
            engine,
            muscles,
            pairs,
            show_raw: false,
            sessions_dir,
            recording: RecordingStatus::Idle,
            finishing: None,
            rate: RateMeter {
                last_frames: 0,
                last_at: Instant::now(),
                rate: 0.0,
            },
            profile: Profile::new("default"),
            profile_path: PathBuf::new(),
            calibration: None,
            mvc_timing: MvcTiming::default(),
            message: None,
            quality: Vec::new(),
            reps: Vec::new(),
            marker_text: String::new(),
            markers_added: 0,
            in_set: false,
            sessions: None,
            review: None,
            connect: None,
            notify: None,
            settings: settings::Settings::default(),
            settings_path: None,
            first_run: false,
            training: training::Training {
                db_path: sessions_dir_for_db.join("history.sqlite"),
                ..Default::default()
            },
            setup_panel: None,
            history_panel: None,
        };
        app.use_profile(profile_path);
        app
    }

    /// Remembers settings in `path` between runs; a missing file means a first run (the welcome screen
    /// shows). The last exercise setup is applied again.
    pub fn with_settings(mut self, path: PathBuf) -> Self {
        let (settings, problem) = settings::Settings::load(&path);
        self.first_run = !settings.first_run_done;
        if problem.is_some() {
            self.message = problem;
        }
        self.show_raw = settings.show_raw;
        if settings.notch != self.notch_enabled
            || settings.mains_hz != self.engine.dsp_config().notch.mains_hz
        {
            let mut cfg = self.engine.dsp_config().notch.clone();
            cfg.enabled = settings.notch;
            cfg.mains_hz = settings.mains_hz;
            if self.engine.set_notch(cfg).is_ok() {
                self.notch_enabled = settings.notch;
            }
        }
        let last = settings.last_setup.clone();
        self.settings = settings;
        self.settings_path = Some(path);
        if let Some(name) = last
            && let Ok(setup) =
                crate::training::setup::SetupStore::new(self.setups_dir()).load(&name)
        {
            self.apply_setup(setup);
        }
        self
    }

    /// Where exercise setups are kept (next to the sessions).
    pub fn setups_dir(&self) -> PathBuf {
        self.sessions_dir.join("setups")
    }

    /// Writes the settings (when a settings file was given).
    pub(crate) fn save_settings(&mut self) {
        self.settings.show_raw = self.show_raw;
        self.settings.notch = self.notch_enabled;
        self.settings.mains_hz = self.engine.dsp_config().notch.mains_hz;
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            self.message = Some(format!("Settings not saved: {e}"));
        }
    }

    /// True while the first-run screen shows.
    pub fn is_first_run(&self) -> bool {
        self.first_run
    }

    /// Leaves the first-run screen for good.
    pub fn finish_first_run(&mut self) {
        self.first_run = false;
        self.settings.first_run_done = true;
        self.save_settings();
    }

    /// Asks for a repaint through `notify` when a new engine (another board) has data.
    pub fn with_notify(mut self, notify: crate::engine::Notifier) -> Self {
        self.notify = Some(notify);
        self
    }

    /// Switches to a new stream (another board): a running recording is finished first, the old engine
    /// stops, and the muscles, pairs and history follow the new channels (targets are kept by name).
    pub fn replace_engine(&mut self, engine: Engine) {
        if self.is_recording() {
            self.toggle_recording();
        }
        let old = std::mem::replace(&mut self.engine, engine);
        if let Some(r) = old.shutdown() {
            self.finishing = Some(r);
        }
        let info = self.engine.info().clone();
        let previous = std::mem::take(&mut self.muscles);
        self.muscles = info
            .channel_names
            .iter()
            .map(|name| {
                previous
                    .iter()
                    .find(|m| &m.name == name)
                    .cloned()
                    .unwrap_or(MuscleSettings {
                        name: name.clone(),
                        target_uv: DEFAULT_TARGET_UV,
                        mvc_uv: None,
                    })
            })
            .collect();
        self.pairs = pair_settings(&info);
        self.history = LiveHistory::new(info.channels(), info.pairs.len());
        self.quality.clear();
        self.reps.clear();
        self.in_set = false;
        self.calibration = None;
        self.notch_enabled = self.engine.dsp_config().notch.enabled;
        self.rate = RateMeter {
            last_frames: 0,
            last_at: Instant::now(),
            rate: 0.0,
        };
        self.apply_profile();
        self.message = Some(format!("Now reading {}", info.description));
    }

    /// Uses the profile at `path` (created on the first save): its MVC references apply to the muscles
    /// with the same names.
    pub fn with_profile(mut self, path: PathBuf) -> Self {
        self.use_profile(path);
        self
    }

    fn use_profile(&mut self, path: PathBuf) {
        match Profile::load(&path) {
            Ok(p) => self.profile = p,
            Err(e) => self.message = Some(format!("Profile not loaded: {e}")),
        }
        self.profile_path = path;
        self.apply_profile();
    }

    fn apply_profile(&mut self) {
        let names: Vec<String> = self.muscles.iter().map(|m| m.name.clone()).collect();
        for (m, mvc) in self.muscles.iter_mut().zip(self.profile.mvc_for(&names)) {
            let mvc = mvc.map(|v| v as f32);
            if mvc.is_some() && m.mvc_uv.is_none() && m.target_uv == DEFAULT_TARGET_UV {
                // A fresh calibration starts with the target at 60 %MVC.
                m.target_uv = rules::target_line_uv(
                    rules::DEFAULT_TARGET_PCT_MVC,
                    f64::from(mvc.unwrap_or_default()),
                ) as f32;
            }
            m.mvc_uv = mvc;
        }
    }

    /// Changes the calibration timing (tests use short phases).
    pub fn set_mvc_timing(&mut self, timing: MvcTiming) {
        self.mvc_timing = timing;
    }

    /// Feeds each pair's rep counter with a chunk's points; the threshold follows the agonist's target.
    fn count_reps(&mut self, chunk: &crate::engine::DisplayChunk) {
        let window = self.engine.dsp_config().envelope_window_s;
        for (k, pair) in self.pairs.iter().enumerate() {
            let threshold =
                rules::working_threshold_uv(self.muscles[pair.agonist].target_uv as f64);
            if self.reps.len() <= k {
                self.reps.push(live_reps::LiveReps::new(threshold, window));
            }
            let counter = &mut self.reps[k];
            if (counter.threshold_uv() - threshold).abs() > 1e-6 {
                // The user moved the target: keep the count, use the new threshold from here on.
                let (count, last) = (counter.count, counter.last);
                *counter = live_reps::LiveReps::new(threshold, window);
                counter.count = count;
                counter.last = last;
            }
            for p in 0..chunk.points {
                counter.push(
                    chunk.first_time_s + p as f64 * chunk.step_s,
                    chunk.envelope[pair.agonist][p] as f64,
                    chunk.envelope[pair.antagonist][p] as f64,
                );
            }
        }
    }

    /// Rep counters per pair (reps of the agonist, with each rep's co-contraction).
    pub fn live_reps(&self) -> &[live_reps::LiveReps] {
        &self.reps
    }

    /// The latest signal-quality judgement per channel (empty during the first second).
    pub fn quality(&self) -> &[crate::dsp::quality::ChannelQuality] {
        &self.quality
    }

    /// The user's profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The calibration in progress, if any.
    pub fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }

    /// Stream time of the newest processed frame, s.
    pub fn stream_time_s(&self) -> f64 {
        self.history.latest_sample as f64 / self.engine.info().sample_rate
    }

    /// Opens the calibration panel.
    pub fn open_calibration(&mut self) {
        self.calibration = Some(Calibration {
            channel: None,
            routine: None,
        });
    }

    /// Starts the routine for `channel`.
    pub fn start_calibration(&mut self, channel: usize) {
        let now = self.stream_time_s();
        self.calibration = Some(Calibration {
            channel: Some(channel),
            routine: Some(MvcRoutine::start(self.mvc_timing.clone(), now)),
        });
    }

    /// Closes the panel; a finished routine is saved to the profile first.
    pub fn close_calibration(&mut self, save: bool) {
        let Some(cal) = self.calibration.take() else {
            return;
        };
        if !save {
            return;
        }
        if let (Some(c), Some(record)) = (cal.channel, cal.routine.and_then(|r| r.result())) {
            let name = self.muscles[c].name.clone();
            self.profile.mvc.insert(name.clone(), record.clone());
            self.muscles[c].mvc_uv = None;
            self.apply_profile();
            self.message = Some(match self.profile.save(&self.profile_path) {
                Ok(()) => format!(
                    "MVC of {name}: {:.0} µV, saved to the profile",
                    record.mvc_uv
                ),
                Err(e) => format!(
                    "MVC of {name}: {:.0} µV, but the profile was not saved: {e}",
                    record.mvc_uv
                ),
            });
        }
    }

    /// Acts on the routine (accept, redo or skip the rest) at the current stream time.
    pub fn calibration_action(&mut self, action: CalibrationAction) {
        let now = self.stream_time_s();
        if let Some(r) = self.calibration.as_mut().and_then(|c| c.routine.as_mut()) {
            match action {
                CalibrationAction::Accept => r.accept(now),
                CalibrationAction::Redo => r.redo(now),
                CalibrationAction::SkipRest => r.skip_rest(now),
            }
        }
    }

    /// Moves new data from the engine into the history and polls the recorder. Cheap; call every frame.
    pub fn ingest(&mut self) {
        let mut taken = 0;
        while taken < MAX_CHUNKS_PER_FRAME {
            let Ok(chunk) = self.engine.display().try_recv() else {
                break;
            };
            self.history.push_chunk(&chunk);
            self.count_reps(&chunk);
            self.track_set(&chunk);
            // The calibration sees every display point, so no peak falls between two frames.
            if let Some(Calibration {
                channel: Some(c),
                routine: Some(r),
            }) = self.calibration.as_mut()
            {
                for p in 0..chunk.points {
                    r.update(
                        chunk.first_time_s + p as f64 * chunk.step_s,
                        chunk.envelope[*c][p] as f64,
                    );
                }
            }
            taken += 1;
        }
        if taken > 0 {
            self.history.update_peaks();
        }
        while let Ok(q) = self.engine.quality().try_recv() {
            self.quality = q;
            self.track_fatigue();
        }
        self.update_rate();
        self.poll_recording();
        self.poll_review();
        self.poll_connect();
        self.run_auto_set();
    }

    fn update_rate(&mut self) {
        let elapsed = self.rate.last_at.elapsed();
        if elapsed >= Duration::from_millis(500) {
            let frames = LinkStats::get(&self.engine.stats().frames_received);
            self.rate.rate = (frames - self.rate.last_frames) as f64 / elapsed.as_secs_f64();
            self.rate.last_frames = frames;
            self.rate.last_at = Instant::now();
        }
    }

    fn poll_recording(&mut self) {
        if let Some(done) = self.engine.take_finished_recording() {
            self.finishing = Some(done);
        }
        if self.finishing.as_ref().is_some_and(|r| r.is_finished())
            && let Some(r) = self.finishing.take()
        {
            self.recording = match r.wait() {
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

    /// Starts a recording (into the sessions folder) or stops the running one.
    pub fn toggle_recording(&mut self) {
        if self.is_recording() {
            self.finishing = self.engine.stop_recording();
            if let RecordingStatus::Recording { path, .. } = &self.recording {
                self.recording = RecordingStatus::Saved(format!("Saving {}...", path.display()));
            }
            return;
        }
        let path = self
            .sessions_dir
            .join(session_file_name(std::time::SystemTime::now()));
        self.start_recording_to(&path);
    }

    /// Starts recording into `path`; the sidecar carries the MVC references of calibrated muscles.
    pub fn start_recording_to(&mut self, path: &Path) {
        self.engine.set_session_meta(crate::session::SessionMeta {
            mvc_uv: self
                .muscles
                .iter()
                .map(|m| m.mvc_uv.map(f64::from))
                .collect(),
            // The user's muscle names (an exercise setup renames channels) and the exercise.
            channel_names: self.muscles.iter().map(|m| m.name.clone()).collect(),
            notes: self
                .training
                .setup
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            ..Default::default()
        });
        match self.engine.start_recording(path, None) {
            Ok(()) => {
                self.recording = RecordingStatus::Recording {
                    path: path.to_path_buf(),
                    start_frame: LinkStats::get(&self.engine.stats().frames_processed),
                }
            }
            Err(e) => self.recording = RecordingStatus::Failed(format!("Cannot record: {e}")),
        }
    }

    /// Adds a user marker with the text typed so far (cleared afterwards); only while recording.
    pub fn add_user_marker(&mut self) {
        if self.is_recording() {
            let text = std::mem::take(&mut self.marker_text);
            self.engine
                .add_marker(crate::session::MarkerKind::User, text.trim());
            self.markers_added += 1;
        }
    }

    /// Starts or ends a set; recorded as set-start/set-end markers.
    pub fn toggle_set(&mut self) {
        let kind = if self.in_set {
            crate::session::MarkerKind::SetEnd
        } else {
            crate::session::MarkerKind::SetStart
        };
        self.engine.add_marker(kind, "");
        self.in_set = !self.in_set;
    }

    /// Markers added by the user in this window.
    pub fn markers_added(&self) -> usize {
        self.markers_added
    }

    /// True while recording.
    pub fn is_recording(&self) -> bool {
        matches!(self.recording, RecordingStatus::Recording { .. })
    }

    /// The recording status line.
    pub fn recording_status(&self) -> &RecordingStatus {
        &self.recording
    }

    /// Waits (up to `timeout`) for a stopped recording to be written, then reports it.
    pub fn wait_for_saved(&mut self, timeout: Duration) -> &RecordingStatus {
        let until = Instant::now() + timeout;
        while self.finishing.is_some() && Instant::now() < until {
            self.poll_recording();
            std::thread::sleep(Duration::from_millis(5));
        }
        &self.recording
    }

    /// Per-muscle settings.
    pub fn muscles(&self) -> &[MuscleSettings] {
        &self.muscles
    }

    /// Sets a muscle's target line (uV; negative values become 0).
    pub fn set_target(&mut self, channel: usize, target_uv: f32) {
        if let Some(m) = self.muscles.get_mut(channel) {
            m.target_uv = target_uv.max(0.0);
        }
    }

    /// Per-pair settings.
    pub fn pairs(&self) -> &[PairSettings] {
        &self.pairs
    }

    /// The live history.
    pub fn history(&self) -> &LiveHistory {
        &self.history
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Samples per second actually received (per channel).
    pub fn received_rate(&self) -> f64 {
        self.rate.rate
    }

    /// Whether a pair's agonist is working ([`rules::is_working`]): only then does the antagonist ratio
    /// mean anything.
    pub fn agonist_active(&self, pair: usize) -> bool {
        self.pairs.get(pair).is_some_and(|p| {
            rules::is_working(
                self.history.channels[p.agonist].latest as f64,
                self.muscles[p.agonist].target_uv as f64,
            )
        })
    }

    /// Whether a pair's readout is in the warning state: the agonist works and the antagonist ratio is above
    /// the limit.
    pub fn pair_warning(&self, pair: usize) -> bool {
        let (Some(p), Some(h)) = (self.pairs.get(pair), self.history.pairs.get(pair)) else {
            return false;
        };
        self.agonist_active(pair) && h.latest.ratio > p.ratio_limit
    }

    /// Closes the engine; a running recording is finished and saved first.
    pub fn shutdown(mut self) {
        self.close_review();
        if let Some(r) = self.engine.shutdown() {
            let _ = r.wait();
        }
        if let Some(r) = self.finishing {
            let _ = r.wait();
        }
    }
}

/// What the user can do during a calibration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalibrationAction {
    /// Keep the trial.
    Accept,
    /// Do the trial again.
    Redo,
    /// End the rest early.
    SkipRest,
}

/// Default pair settings for a stream's pairs.
fn pair_settings(info: &crate::source::StreamInfo) -> Vec<PairSettings> {
    info.pairs
        .iter()
        .map(|p| PairSettings {
            agonist: p.agonist,
            antagonist: p.antagonist,
            ratio_limit: rules::DEFAULT_RATIO_LIMIT as f32,
        })
        .collect()
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

impl eframe::App for InnervateApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.ingest();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(r) = self.engine.stop_recording() {
            let _ = r.wait();
        }
        if let Some(r) = self.finishing.take() {
            let _ = r.wait();
        }
    }
}
