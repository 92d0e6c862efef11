//! Opening and closing screens, and applying what the user asked for ([`ScreenAction`]) after drawing.
//! Opening a screen is one assignment to `screen` with the screen's fresh state; closing is assigning
//! [`Screen::Live`] (dropping the state: a replay stops, background work is cancelled, a calibration is not
//! saved).

use super::InnervateApp;
use super::calibration_view::Calibration;
use super::connect_view::ConnectPanel;
use super::history_view::HistoryPanel;
use super::insights::InsightsPanel;
use super::review_state::ReviewPanel;
use super::screen::{CalibrationAction, Screen, ScreenAction, ScreenKind, WelcomeChoice};
use super::sessions_view::SessionsPanel;
use super::setup_view::SetupPanel;
use crate::dsp::config::NotchConfig;
use crate::engine::Engine;
use crate::session::catalog;
use crate::source::simulator::{SimConfig, Simulator};
use std::path::Path;
use std::time::{Duration, Instant};

impl InnervateApp {
    /// Applies one action of the user's.
    pub fn apply(&mut self, act: ScreenAction) {
        let from_welcome = matches!(self.screen, Screen::Welcome);
        match act {
            ScreenAction::Open(kind) => self.open(kind),
            ScreenAction::Close => self.close_screen(),
            ScreenAction::OpenReview(wav) => self.open_review(&wav),
            ScreenAction::ReportSession(wav) => {
                self.message = Some(format!("Writing the PDF report of {}...", wav.display()));
                self.report_job =
                    Some(super::report_job::spawn(wav, self.training.db_path.clone()));
            }
            ScreenAction::ReportProgress {
                exercise,
                muscle,
                from_day,
            } => {
                self.message = Some("Writing the progress report...".into());
                let db = self.training.db_path.clone();
                let filter = crate::training::history_db::SetFilter {
                    exercise,
                    muscle,
                    from_day,
                    to_day: None,
                };
                self.report_job = Some(super::report_job::spawn_progress(db, filter));
            }
            ScreenAction::ToggleRecording => self.toggle_recording(),
            ScreenAction::AddMarker => match &mut self.screen {
                Screen::Review(r) => r.add_marker(),
                _ => self.add_user_marker(),
            },
            ScreenAction::ToggleSet => self.toggle_training_set(),
            ScreenAction::SetMode(mode) => self.set_mode(mode),
            ScreenAction::ToggleReplay => {
                if let Screen::Review(r) = &mut self.screen {
                    r.toggle_replay();
                }
            }
            ScreenAction::ShowRaw(on) => {
                self.prefs.settings.show_raw = on;
                self.save_settings();
            }
            ScreenAction::Notch(on) => self.change_notch(|n| n.enabled = on),
            ScreenAction::Mains(hz) => self.change_notch(|n| n.mains_hz = hz),
            ScreenAction::DismissSummary => self.dismiss_summary(),
            ScreenAction::SaveSetLog => self.save_set_log(),
            ScreenAction::SkipSetLog => self.skip_set_log(),
            ScreenAction::LoadUnit(unit) => self.set_load_unit(unit),
            ScreenAction::ReviewSet(wav) => self.open_review(&wav),
            ScreenAction::Welcome(choice) => self.welcome_done(choice),
            ScreenAction::UseSimulator(channels) => self.connect_simulator(channels),
            ScreenAction::SetOutputs(choice) => self.set_outputs(choice),
            ScreenAction::SaveSetup { calibrate } => {
                if self.save_and_apply_setup() && calibrate {
                    self.open_calibration();
                }
            }
            ScreenAction::StartCalibration(c) => self.start_calibration(c),
            ScreenAction::Calibrate(a) => self.calibration_action(a),
            ScreenAction::SaveCalibration => self.close_calibration(true),
            ScreenAction::DeleteSession(wav) => self.delete_session_confirmed(&wav),
            ScreenAction::Drill(a) => self.drill_action(a),
            ScreenAction::Sound(a) => self.apply_sound(a),
        }
        // Leaving the welcome in any way (a button, Esc, the toolbar) counts as having seen it.
        if from_welcome
            && !matches!(self.screen, Screen::Welcome)
            && !self.prefs.settings.first_run_done
        {
            self.finish_first_run();
        }
    }

    /// Opens a screen in place of the open one (the review opens from the sessions list: it needs a file).
    pub fn open(&mut self, kind: ScreenKind) {
        match kind {
            ScreenKind::Live => self.screen = Screen::Live,
            ScreenKind::Welcome => self.screen = Screen::Welcome,
            ScreenKind::Setup => self.open_setup(),
            ScreenKind::Calibration => self.open_calibration(),
            ScreenKind::History => self.open_history(),
            ScreenKind::Insights => self.open_insights(),
            ScreenKind::Sessions | ScreenKind::Review => self.open_sessions(),
            ScreenKind::Connect => self.open_connect(),
            ScreenKind::Sound => self.screen = Screen::Sound(super::sound_view::SoundPanel::open()),
            ScreenKind::Gym => self.screen = Screen::Gym,
        }
    }

    /// Closes the open screen: back to the live view (a calibration is not saved).
    pub fn close_screen(&mut self) {
        self.screen = Screen::Live;
    }

    fn welcome_done(&mut self, choice: WelcomeChoice) {
        self.finish_first_run();
        match choice {
            WelcomeChoice::Simulate => {
                if self.engine.info().kind != crate::source::SourceKind::Simulator {
                    self.open_connect();
                    self.connect_simulator(2);
                }
            }
            WelcomeChoice::Connect => self.open_connect(),
            WelcomeChoice::Setup => self.open_setup(),
        }
    }

    fn change_notch(&mut self, change: impl FnOnce(&mut NotchConfig)) {
        let mut cfg = self.engine.dsp_config().notch.clone();
        change(&mut cfg);
        if self.engine.set_notch(cfg).is_ok() {
            self.save_settings();
        }
    }

    /// Takes in what the open screen's background work produced (review pass, replay, exports, connect).
    pub(crate) fn poll_screen(&mut self) {
        if let Some(job) = self.report_job.as_mut() {
            match job.poll() {
                crate::task::Poll::Running => {}
                crate::task::Poll::Done(msg) | crate::task::Poll::Lost(msg) => {
                    self.message = Some(msg);
                    self.report_job = None;
                }
            }
        }
        match &mut self.screen {
            Screen::Review(r) => r.poll(),
            Screen::Insights(p) => p.poll(),
            Screen::Connect(p) => {
                if let Some(result) = p.poll() {
                    let mut notices = String::new();
                    let started = result.and_then(|source| {
                        if let crate::source::OpenSource::Brainflow(b) = &source {
                            notices = b.notices.join(" ");
                        }
                        Engine::start_source(source, self.engine_options(), self.notify.clone())
                            .map_err(|e| e.to_string())
                    });
                    let ok = started.is_ok();
                    self.switch_or_explain(started, "Not connected");
                    if ok && !notices.is_empty() {
                        self.message = Some(notices);
                    }
                }
            }
            _ => {}
        }
    }

    // --- Calibration ---

    /// Opens the calibration screen (the user picks a muscle).
    pub fn open_calibration(&mut self) {
        self.screen = Screen::Calibration(Calibration::default());
    }

    /// The calibration in progress, if that screen is open.
    pub fn calibration(&self) -> Option<&Calibration> {
        match &self.screen {
            Screen::Calibration(c) => Some(c),
            _ => None,
        }
    }

    /// Starts the routine for `channel`.
    pub fn start_calibration(&mut self, channel: usize) {
        let now = self.stream_time_s();
        let timing = self.prefs.mvc_timing.clone();
        self.screen = Screen::Calibration(Calibration::start(channel, timing, now));
    }

    /// Acts on the routine (accept, redo or skip the rest) at the current stream time.
    pub fn calibration_action(&mut self, action: CalibrationAction) {
        let now = self.stream_time_s();
        if let Screen::Calibration(c) = &mut self.screen {
            c.act(action, now);
        }
    }

    /// Closes the calibration; with `save`, a finished routine is saved to the profile first.
    pub fn close_calibration(&mut self, save: bool) {
        if !matches!(self.screen, Screen::Calibration(_)) {
            return;
        }
        let Screen::Calibration(cal) = std::mem::replace(&mut self.screen, Screen::Live) else {
            return;
        };
        if let (true, Some(c), Some(record)) =
            (save, cal.channel, cal.routine.and_then(|r| r.result()))
        {
            let name = self.live.muscles[c].name.clone();
            self.message = Some(self.prefs.save_mvc(&name, record));
            // The new reference replaces the old one, and a fresh one sets the target.
            self.live.muscles[c].mvc_uv = None;
            self.live.apply_profile(&self.prefs.profile);
        }
    }

    // --- Exercise setup ---

    /// Opens the setup screen with the applied setup (or the first template).
    pub fn open_setup(&mut self) {
        let panel = SetupPanel::open(
            &self.live.names(),
            self.training.setup.as_ref(),
            &self.setups_dir(),
        );
        self.screen = Screen::Setup(panel);
    }

    /// The setup screen, when open.
    pub fn setup_panel(&self) -> Option<&SetupPanel> {
        match &self.screen {
            Screen::Setup(p) => Some(p),
            _ => None,
        }
    }

    /// Opens the setup on its placement guide: every preset muscle's placement picture.
    pub fn open_placement_guide(&mut self) {
        self.open_setup();
        if let Screen::Setup(p) = &mut self.screen {
            p.all_pictures = true;
        }
    }

    /// Starts the edited setup from an exercise template.
    pub fn setup_from_template(&mut self, name: &str) {
        let names = self.live.names();
        if let Screen::Setup(p) = &mut self.screen {
            p.from_template(name, &names);
        }
    }

    /// Saves the edited setup under its name and applies it; false (with the reason shown) if invalid.
    pub fn save_and_apply_setup(&mut self) -> bool {
        let (channels, dir) = (self.live.muscles.len(), self.setups_dir());
        let Screen::Setup(p) = &mut self.screen else {
            return false;
        };
        let Some(setup) = p.save(channels, &dir) else {
            return false;
        };
        self.screen = Screen::Live;
        self.apply_setup(setup);
        true
    }

    // --- History and sessions ---

    /// Opens the history screen (reads the database).
    pub fn open_history(&mut self) {
        let preferred = self.training.setup.as_ref().map(|s| s.name.clone());
        let panel = HistoryPanel::open(self.training.db(), preferred.as_deref());
        self.screen = Screen::History(panel);
    }

    /// The history screen, when open.
    pub fn history_panel(&self) -> Option<&HistoryPanel> {
        match &self.screen {
            Screen::History(p) => Some(p),
            _ => None,
        }
    }

    /// Chooses an exercise (and optionally a muscle; the first one otherwise) on the history screen.
    pub fn choose_history(&mut self, exercise: Option<String>, muscle: Option<String>) {
        if let (Screen::History(p), Ok(db)) = (&mut self.screen, self.training.db()) {
            p.choose(db, exercise, muscle);
        }
    }

    /// Opens the insights screen on the applied setup's target muscle and exercise (the rows are read in
    /// the background).
    pub fn open_insights(&mut self) {
        let setup = self.training.setup.as_ref();
        let exercise = setup.map(|s| s.name.clone());
        let (target, _) = self.training.channels();
        let muscle = setup.and_then(|_| self.live.muscles.get(target).map(|m| m.name.clone()));
        let panel = InsightsPanel::open(self.training.db_path.clone(), muscle, exercise);
        self.screen = Screen::Insights(Box::new(panel));
    }

    /// The insights screen, when open.
    pub fn insights_panel(&self) -> Option<&InsightsPanel> {
        match &self.screen {
            Screen::Insights(p) => Some(p),
            _ => None,
        }
    }

    /// The insights screen, when open, to choose on.
    pub fn insights_panel_mut(&mut self) -> Option<&mut InsightsPanel> {
        match &mut self.screen {
            Screen::Insights(p) => Some(p),
            _ => None,
        }
    }

    /// Waits (up to `timeout`) for the insights screen to read the history, polling as the UI would.
    pub fn wait_for_insights(&mut self, timeout: Duration) {
        if let Some(p) = self.insights_panel_mut() {
            p.wait(timeout);
        }
    }

    /// Opens the sessions list (reads the folder once; again after a delete).
    pub fn open_sessions(&mut self) {
        self.screen = Screen::Sessions(SessionsPanel::open(&self.recording.sessions_dir));
    }

    /// The sessions list, when open.
    pub fn sessions_panel(&self) -> Option<&SessionsPanel> {
        match &self.screen {
            Screen::Sessions(p) => Some(p),
            _ => None,
        }
    }

    /// Deletes a session once the user confirmed (its sets leave the history too), then reads the folder
    /// again.
    pub fn delete_session_confirmed(&mut self, wav: &Path) {
        let result = catalog::delete_session(wav);
        if result.is_ok() {
            let key = std::path::absolute(wav).unwrap_or(wav.to_path_buf());
            if let Ok(db) = self.training.db() {
                let _ = db.delete_session(&key.display().to_string());
            }
        }
        self.open_sessions();
        if let (Err(e), Screen::Sessions(p)) = (result, &mut self.screen) {
            p.error = Some(format!("Not deleted: {e}"));
        }
    }

    // --- Review ---

    /// Opens `wav` (a session or any WAV) for review in place of the open screen; a file that cannot be
    /// opened leaves the screen as it is and says why (in the sessions list when that is open).
    ///
    /// Called before the first frame (`innervate --review FILE`) on a first run, the review replaces the
    /// welcome: the file the user asked for wins. The welcome was not seen then, so it is not marked as
    /// done and shows at the next start.
    pub fn open_review(&mut self, wav: &Path) {
        match ReviewPanel::open(wav) {
            Ok(mut panel) => {
                panel.history = Some(self.training.db_path.clone());
                self.screen = Screen::Review(Box::new(panel));
            }
            Err(e) => match &mut self.screen {
                Screen::Sessions(p) => p.error = Some(e),
                _ => self.message = Some(e),
            },
        }
    }

    /// The review screen, when open.
    pub fn review(&self) -> Option<&ReviewPanel> {
        match &self.screen {
            Screen::Review(r) => Some(r),
            _ => None,
        }
    }

    /// The review screen, when open, to act on (seek, replay, markers, exports).
    pub fn review_mut(&mut self) -> Option<&mut ReviewPanel> {
        match &mut self.screen {
            Screen::Review(r) => Some(r),
            _ => None,
        }
    }

    /// Leaves review mode (a running replay stops).
    pub fn close_review(&mut self) {
        if matches!(self.screen, Screen::Review(_)) {
            self.screen = Screen::Live;
        }
    }

    /// Waits (up to `timeout`) for the background pass and any exports, polling as the UI would.
    pub fn wait_for_review(&mut self, timeout: Duration) {
        if let Some(r) = self.review_mut() {
            r.wait(timeout);
        }
    }

    /// Moves the review's cursor to `time_s` (clamped to the recording). A running replay restarts there.
    pub fn review_seek(&mut self, time_s: f64) {
        if let Some(r) = self.review_mut() {
            r.seek(time_s);
        }
    }

    // --- Connect ---

    /// Opens the connect screen (lists the ports once).
    pub fn open_connect(&mut self) {
        let outputs = self
            .engine
            .outputs()
            .map(|o| o.choice().clone())
            .unwrap_or_default();
        self.screen = Screen::Connect(ConnectPanel::open(outputs));
    }

    /// Turns the outputs to other programs (LSL, OSC) to `choice`; a problem (no liblsl, a bad address) is
    /// said on the connect screen or the status line, and the outputs stay off.
    pub fn set_outputs(&mut self, choice: crate::stream_out::OutputChoice) {
        // The streams carry the muscle names and MVC references as they are now.
        if !self.recording.is_recording() {
            let meta = self.session_meta();
            self.engine.set_session_meta(meta);
        }
        if let Err(e) = self.engine.set_outputs(choice) {
            let msg = format!("Output not started: {e}");
            match &mut self.screen {
                Screen::Connect(p) => {
                    p.outputs = Default::default();
                    p.error = Some(msg);
                }
                _ => self.message = Some(msg),
            }
        }
    }

    /// The connect screen, when open.
    pub fn connect_panel(&self) -> Option<&ConnectPanel> {
        match &self.screen {
            Screen::Connect(p) => Some(p),
            _ => None,
        }
    }

    /// Starts connecting to the board at `path` in the background (on the connect screen).
    pub fn connect_board(&mut self, path: &str) {
        if let Screen::Connect(p) = &mut self.screen {
            p.connect(path);
        }
    }

    /// Switches to the simulated board with `channels` channels.
    pub fn connect_simulator(&mut self, channels: usize) {
        let started = Simulator::new(SimConfig {
            channels,
            ..SimConfig::default()
        })
        .map_err(|e| e.to_string())
        .and_then(|sim| {
            Engine::start(Box::new(sim), self.engine_options(), self.notify.clone())
                .map_err(|e| e.to_string())
        });
        self.switch_or_explain(started, "Cannot start the simulated board");
    }

    /// Switches to a newly started engine and closes the connect screen, or says why not there (the current
    /// stream goes on).
    fn switch_or_explain(&mut self, started: Result<Engine, String>, failure: &str) {
        match started {
            Ok(engine) => {
                self.replace_engine(engine);
                if matches!(self.screen, Screen::Connect(_)) {
                    self.screen = Screen::Live;
                }
            }
            Err(e) => match &mut self.screen {
                Screen::Connect(p) => p.error = Some(format!("{failure}: {e}")),
                _ => self.message = Some(format!("{failure}: {e}")),
            },
        }
    }

    /// Waits (up to `timeout`) for a background connection to finish, polling as the UI would.
    pub fn wait_for_connect(&mut self, timeout: Duration) {
        let until = Instant::now() + timeout;
        while self.connect_panel().is_some_and(ConnectPanel::connecting) && Instant::now() < until {
            self.poll_screen();
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
