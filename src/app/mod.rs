//! The egui application. [`InnervateApp`] owns a few parts with one job each: the engine, the live state
//! ([`live::LiveState`]), the recording ([`recording::Recording`]), training ([`training::Training`]),
//! what is kept between runs ([`preferences::Preferences`]) and the open [`Screen`], which owns its own
//! state.
//!
//! `ingest` (run from `App::logic`) moves the DSP thread's display chunks into the live state and polls
//! background work; `show` draws the toolbar, the status line and the open screen, then applies what the
//! user asked for ([`ScreenAction`]) in [`navigation`]. Tests drive both through egui_kittest with no
//! display.

pub mod activation_bar;
pub mod body_map;
pub mod body_map_live;
pub mod body_map_panel;
pub mod brainflow_form;
pub mod calibration_view;
pub mod chrome;
pub mod connect_view;
pub mod drill;
pub mod drill_view;
pub mod gym_view;
pub mod history;
pub mod history_view;
pub mod insights;
pub mod insights_plots;
pub mod insights_view;
pub mod live;
pub mod live_rows;
pub mod live_view;
pub mod navigation;
pub mod placement_view;
pub mod preferences;
pub mod recording;
mod report_job;
pub mod review_state;
mod review_tables;
pub mod review_view;
pub mod screen;
pub mod sessions_view;
pub mod set_flow;
pub mod set_log;
pub mod set_log_view;
pub mod setup_view;
pub mod sound;
pub mod sound_view;
mod state_access;
pub mod theme;
pub mod train_view;
pub mod training;
pub mod welcome_view;

pub use calibration_view::Calibration;
pub use live::{MuscleSettings, PairSettings};
pub use recording::{RecordingStatus, session_file_name};
pub use screen::{CalibrationAction, Screen, ScreenAction, ScreenKind};

use crate::calibration::MvcTiming;
use crate::engine::{Engine, EngineOptions, Notifier};
use crate::stats::LinkStats;
use live::LiveState;
use preferences::Preferences;
use recording::Recording;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Most display chunks taken per frame, so a backlog cannot stall one frame.
const MAX_CHUNKS_PER_FRAME: usize = 2048;

/// The Innervate window.
pub struct InnervateApp {
    engine: Engine,
    live: LiveState,
    recording: Recording,
    training: training::Training,
    prefs: Preferences,
    screen: Screen,
    notify: Option<Notifier>,
    /// The last thing worth telling the user, shown in the status line.
    message: Option<String>,
    /// A PDF report being written (the history's button).
    report_job: Option<crate::task::Task<String>>,
    /// Sound: what the user chose.
    sound: sound::SoundChoice,
    /// The window was made full screen for the gym display.
    fullscreen: bool,
}

impl InnervateApp {
    /// A window over a running engine; recordings go into `sessions_dir`.
    pub fn new(engine: Engine, sessions_dir: PathBuf) -> Self {
        let live = LiveState::new(engine.info(), &[]);
        let sound = sound::SoundChoice::from_engine(&engine);
        let profile_path = sessions_dir.join("profile.json");
        let mut app = Self {
            engine,
            live,
            training: training::Training {
                db_path: sessions_dir.join("history.sqlite"),
                ..Default::default()
            },
            recording: Recording::new(sessions_dir),
            prefs: Preferences::new(),
            screen: Screen::Live,
            notify: None,
            message: None,
            report_job: None,
            sound,
            fullscreen: false,
        };
        app.use_profile(profile_path);
        app
    }

    /// Remembers settings in `path` between runs; a missing file means a first run (the welcome shows).
    /// The last exercise setup is applied again.
    pub fn with_settings(mut self, path: PathBuf) -> Self {
        let (settings, problem) = crate::settings::Settings::load(&path);
        if problem.is_some() {
            self.message = problem;
        }
        let notch = &self.engine.dsp_config().notch;
        if settings.notch != notch.enabled || settings.mains_hz != notch.mains_hz {
            let mut cfg = notch.clone();
            cfg.enabled = settings.notch;
            cfg.mains_hz = settings.mains_hz;
            // A notch the engine refuses stays as it was; the toolbar shows the engine's.
            let _ = self.engine.set_notch(cfg);
        }
        if !settings.first_run_done {
            self.screen = Screen::Welcome;
        }
        let last = settings.last_setup.clone();
        self.prefs.settings = settings;
        self.prefs.settings_path = Some(path);
        if let Some(name) = last
            && let Ok(setup) =
                crate::training::setup::SetupStore::new(self.setups_dir()).load(&name)
        {
            self.apply_setup(setup);
        }
        self
    }

    /// Uses the profile at `path` (created on the first save): its MVC references apply to the muscles
    /// with the same names.
    pub fn with_profile(mut self, path: PathBuf) -> Self {
        self.use_profile(path);
        self
    }

    fn use_profile(&mut self, path: PathBuf) {
        if let Some(problem) = self.prefs.load_profile(path) {
            self.message = Some(problem);
        }
        self.live.apply_profile(&self.prefs.profile);
    }

    /// Asks for a repaint through `notify` when a new engine (another board) has data.
    pub fn with_notify(mut self, notify: Notifier) -> Self {
        self.notify = Some(notify);
        self
    }

    /// Changes the calibration timing (tests use short phases).
    pub fn set_mvc_timing(&mut self, timing: MvcTiming) {
        self.prefs.mvc_timing = timing;
    }

    /// Where exercise setups are kept (next to the sessions).
    pub fn setups_dir(&self) -> PathBuf {
        self.recording.sessions_dir.join("setups")
    }

    /// Writes the settings (when a settings file was given).
    pub(crate) fn save_settings(&mut self) {
        if let Some(problem) = self.prefs.save_settings(&self.engine) {
            self.message = Some(problem);
        }
    }

    /// True while the first-run welcome shows.
    pub fn is_first_run(&self) -> bool {
        matches!(self.screen, Screen::Welcome)
    }

    /// Leaves the welcome for good: it will not show at the next start.
    pub fn finish_first_run(&mut self) {
        if matches!(self.screen, Screen::Welcome) {
            self.screen = Screen::Live;
        }
        self.prefs.settings.first_run_done = true;
        self.save_settings();
    }

    /// Switches to a new stream (another board): a running set ends and a running recording is finished
    /// first, the old engine stops, and the muscles, pairs and history follow the new channels (targets
    /// are kept by name).
    pub fn replace_engine(&mut self, engine: Engine) {
        // The set belongs to the old stream: end it (summarised and stored) before the stream goes.
        self.end_set();
        // So does a drill: scored with the holds done so far.
        self.drill_action(drill::DrillAction::Stop);
        self.training.auto_set = None;
        if self.recording.is_recording() {
            self.toggle_recording();
        }
        let old = std::mem::replace(&mut self.engine, engine);
        let outputs = old.outputs().map(|o| o.choice().clone());
        self.recording.adopt(old.shutdown());
        if let Some(choice) = outputs {
            // The outputs follow the user to the new source (after the old outlets are gone).
            self.set_outputs(choice);
        }
        let info = self.engine.info().clone();
        self.live = LiveState::new(&info, &self.live.muscles);
        self.live.apply_profile(&self.prefs.profile);
        if self.sound.on {
            // Sound follows the user to the new board.
            self.start_sound();
        }
        if matches!(self.screen, Screen::Calibration(_)) {
            self.screen = Screen::Live;
        }
        self.message = Some(format!("Now reading {}", info.description));
    }

    /// Options for a new live engine: the current processing settings.
    fn engine_options(&self) -> EngineOptions {
        EngineOptions {
            dsp: self.engine.dsp_config().clone(),
            ..EngineOptions::default()
        }
    }

    /// Moves new data from the engine into the live state, the set and the calibration, and polls the
    /// recorder and background work. Cheap; call every frame.
    pub fn ingest(&mut self) {
        let window = self.engine.dsp_config().envelope_window_s;
        let mut taken = 0;
        while taken < MAX_CHUNKS_PER_FRAME {
            let Ok(chunk) = self.engine.display().try_recv() else {
                break;
            };
            self.live.history.push_chunk(&chunk);
            self.live.count_reps(&chunk, window);
            self.training.track_set(&chunk, &self.live.muscles);
            self.training.drill.track(&chunk);
            self.store_drill();
            // The calibration sees every display point, so no peak falls between two frames.
            if let Screen::Calibration(cal) = &mut self.screen {
                cal.feed(&chunk);
            }
            taken += 1;
        }
        if taken > 0 {
            self.live.history.update_peaks();
        }
        while let Ok(q) = self.engine.quality().try_recv() {
            self.live.quality = q;
            let now = self.stream_time_s();
            self.training.track_fatigue(&self.live.quality, now);
        }
        self.live
            .update_rate(LinkStats::get(&self.engine.stats().frames_received));
        self.recording.poll(&mut self.engine);
        self.poll_set_summary();
        self.poll_screen();
        self.run_auto_set();
        self.sync_sound_plan();
    }

    /// Draws the whole window: toolbar, status line and the open screen; then applies what was asked.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let log_focus = set_log_view::has_focus(ui.ctx());
        let mut acts = chrome::shortcuts(ui, self.screen.kind(), log_focus);
        let gym = matches!(self.screen, Screen::Gym);
        if gym != self.fullscreen {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Fullscreen(gym));
            self.fullscreen = gym;
        }
        if gym {
            // Nothing but the display: no toolbar, no status line.
            let now_s = self.stream_time_s();
            let view = gym_view::GymView {
                live: &self.live,
                training: &self.training,
                now_s,
                sound: self.sound_state().map(|s| match s {
                    crate::audio::SoundState::On(_) => "Sound on".to_string(),
                    crate::audio::SoundState::Off(_) => "Sound is off".to_string(),
                }),
            };
            egui::CentralPanel::default_margins()
                .show(ui, |ui| acts.extend(gym_view::show(ui, view)));
            for act in acts {
                self.apply(act);
            }
            return;
        }
        egui::Panel::top("toolbar").show(ui, |ui| {
            acts.extend(chrome::toolbar(
                ui,
                chrome::ToolbarView {
                    recording: &mut self.recording,
                    in_set: self.training.set.is_some(),
                    show_raw: self.prefs.settings.show_raw,
                    engine: &self.engine,
                },
            ));
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            chrome::status_line(
                ui,
                chrome::StatusView {
                    engine: &self.engine,
                    received_rate: self.live.received_rate(),
                    message: self.message.as_deref(),
                    recording: &self.recording.status,
                    sound: self.sound_state(),
                },
            );
        });
        let now_s = self.stream_time_s();
        egui::CentralPanel::default_margins().show(ui, |ui| {
            let act = match &mut self.screen {
                Screen::Live => {
                    let view = live_view::LiveView {
                        live: &mut self.live,
                        training: &mut self.training,
                        show_raw: self.prefs.settings.show_raw,
                        now_s,
                    };
                    acts.extend(live_view::show(ui, view));
                    None
                }
                Screen::Welcome => welcome_view::show(ui),
                Screen::Setup(p) => p.show(ui, &self.live.names()),
                Screen::Calibration(c) => c.show(ui, &self.live, now_s),
                Screen::History(p) => p.show(ui, self.training.db.as_ref()),
                Screen::Insights(p) => p.show(ui),
                Screen::Sessions(p) => p.show(ui, &self.recording.sessions_dir),
                Screen::Review(r) => r.show(ui),
                Screen::Connect(p) => p.show(ui),
                Screen::Sound(p) => {
                    let state = self.engine.sound().map(|s| s.state());
                    acts.extend(p.show(ui, &self.sound, state.as_ref()));
                    None
                }
                // Drawn above, in place of the whole window.
                Screen::Gym => None,
            };
            acts.extend(act);
        });
        for act in acts {
            self.apply(act);
        }
    }

    /// Whether a PDF report is being written in the background.
    pub fn report_job_running(&self) -> bool {
        self.report_job.is_some()
    }

    /// The open screen.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// Starts a recording (into the sessions folder) or stops the running one.
    pub fn toggle_recording(&mut self) {
        if self.recording.is_recording() {
            self.recording.stop(&mut self.engine);
        } else {
            let path = self.recording.next_path();
            self.start_recording_to(&path);
        }
    }

    /// Starts recording into `path`; the sidecar carries the MVC references of calibrated muscles.
    pub fn start_recording_to(&mut self, path: &Path) {
        let meta = self.session_meta();
        self.recording.start(&mut self.engine, path, meta);
    }

    /// What a recording or an output carries besides the samples: MVC references of calibrated muscles,
    /// the user's muscle names, the exercise.
    fn session_meta(&self) -> crate::session::SessionMeta {
        let muscles = &self.live.muscles;
        crate::session::SessionMeta {
            mvc_uv: muscles.iter().map(|m| m.mvc_uv.map(f64::from)).collect(),
            // The user's muscle names (an exercise setup renames channels) and the exercise.
            channel_names: muscles.iter().map(|m| m.name.clone()).collect(),
            notes: self
                .training
                .setup
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            ..Default::default()
        }
    }

    /// Adds a user marker with the text typed so far (cleared afterwards); only while recording.
    pub fn add_user_marker(&mut self) {
        self.recording.add_marker(&self.engine);
    }

    /// Markers added by the user in this window.
    pub fn markers_added(&self) -> usize {
        self.recording.markers_added
    }

    /// True while recording.
    pub fn is_recording(&self) -> bool {
        self.recording.is_recording()
    }

    /// The recording status line.
    pub fn recording_status(&self) -> &RecordingStatus {
        &self.recording.status
    }

    /// Waits (up to `timeout`) for a stopped recording to be written, then reports it.
    pub fn wait_for_saved(&mut self, timeout: Duration) -> &RecordingStatus {
        self.recording.wait_for_saved(&mut self.engine, timeout)
    }

    /// Closes the engine; a running recording is finished and saved first.
    pub fn shutdown(mut self) {
        // Dropping the open screen stops a replay and cancels background work.
        self.screen = Screen::Live;
        let last = self.engine.shutdown();
        self.recording.finish();
        self.recording.adopt(last);
        self.recording.finish();
    }
}

impl eframe::App for InnervateApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.ingest();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        let last = self.engine.stop_recording();
        self.recording.finish();
        self.recording.adopt(last);
        self.recording.finish();
    }
}
