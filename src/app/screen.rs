//! Which screen shows, and what a screen can ask the app to do. Each screen owns its state inside its
//! [`Screen`] variant; opening or closing one is one assignment to `InnervateApp::screen`. Screens draw from
//! borrows and return [`ScreenAction`]s, which the app applies after drawing.

use super::calibration_view::Calibration;
use super::connect_view::ConnectPanel;
use super::drill::DrillAction;
use super::history_view::HistoryPanel;
use super::insights::InsightsPanel;
use super::review_state::ReviewPanel;
use super::sessions_view::SessionsPanel;
use super::setup_view::SetupPanel;
use super::sound::SoundAction;
use super::sound_view::SoundPanel;
use crate::training::history_db::LoadUnit;
use crate::training::plan::SetMode;
use std::path::PathBuf;

/// The screen in the window's centre (the toolbar and status line are always there).
pub enum Screen {
    /// Muscle rows, pair readouts, the training header and the last set's summary.
    Live,
    /// The first-run welcome.
    Welcome,
    /// The exercise setup being edited.
    Setup(SetupPanel),
    /// MVC calibration.
    Calibration(Calibration),
    /// Sets over the weeks.
    History(HistoryPanel),
    /// What the training log says: exercise ranking, feel against measurement, activation by load (boxed:
    /// it holds the history's rows).
    Insights(Box<InsightsPanel>),
    /// The recordings in the sessions folder.
    Sessions(SessionsPanel),
    /// A recording under review (boxed: it is much larger than the others).
    Review(Box<ReviewPanel>),
    /// Choosing a board.
    Connect(ConnectPanel),
    /// Sound cues: on/off, each cue, volume, device.
    Sound(SoundPanel),
    /// The gym display: huge bar, rep count, co-contraction colour, tempo (F11).
    Gym,
}

/// A screen without its state: what the toolbar and shortcuts open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenKind {
    /// See [`Screen::Live`].
    Live,
    /// See [`Screen::Welcome`].
    Welcome,
    /// See [`Screen::Setup`].
    Setup,
    /// See [`Screen::Calibration`].
    Calibration,
    /// See [`Screen::History`].
    History,
    /// See [`Screen::Insights`].
    Insights,
    /// See [`Screen::Sessions`].
    Sessions,
    /// See [`Screen::Review`] (opened with a file: [`ScreenAction::OpenReview`]).
    Review,
    /// See [`Screen::Connect`].
    Connect,
    /// See [`Screen::Sound`].
    Sound,
    /// See [`Screen::Gym`].
    Gym,
}

impl Screen {
    /// Which screen this is.
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::Live => ScreenKind::Live,
            Screen::Welcome => ScreenKind::Welcome,
            Screen::Setup(_) => ScreenKind::Setup,
            Screen::Calibration(_) => ScreenKind::Calibration,
            Screen::History(_) => ScreenKind::History,
            Screen::Insights(_) => ScreenKind::Insights,
            Screen::Sessions(_) => ScreenKind::Sessions,
            Screen::Review(_) => ScreenKind::Review,
            Screen::Connect(_) => ScreenKind::Connect,
            Screen::Sound(_) => ScreenKind::Sound,
            Screen::Gym => ScreenKind::Gym,
        }
    }
}

/// What the welcome's buttons lead to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WelcomeChoice {
    /// The simulated board.
    Simulate,
    /// The connect screen.
    Connect,
    /// The exercise setup.
    Setup,
}

/// Something the user asked for this frame, applied by the app after drawing.
#[derive(Clone, Debug, PartialEq)]
pub enum ScreenAction {
    /// Show a screen in place of the open one (the review needs [`ScreenAction::OpenReview`]).
    Open(ScreenKind),
    /// Close the open screen: back to the live view.
    Close,
    /// Review a recording.
    OpenReview(PathBuf),
    /// Write a recording's PDF report next to it.
    ReportSession(PathBuf),
    /// Write the progress report of the history's sets of an exercise and muscle (next to the history).
    ReportProgress {
        /// The exercise shown.
        exercise: Option<String>,
        /// The muscle shown.
        muscle: Option<String>,
        /// The first day (`YYYY-MM-DD`, UTC) of the period the body map shows; `None` for every set.
        from_day: Option<String>,
    },
    /// Start or stop recording.
    ToggleRecording,
    /// A user marker: in the recording (live) or at the review's cursor.
    AddMarker,
    /// Start or end a training set.
    ToggleSet,
    /// Reps or hold for the next set.
    SetMode(SetMode),
    /// Start or stop the review's replay (Space in review).
    ToggleReplay,
    /// Raw signal instead of envelopes.
    ShowRaw(bool),
    /// Mains notch on or off.
    Notch(bool),
    /// Mains frequency, Hz.
    Mains(f64),
    /// Close the set summary.
    DismissSummary,
    /// Open the last set's recording in review (once it is written).
    ReviewSet(PathBuf),
    /// A welcome button: the welcome is done.
    Welcome(WelcomeChoice),
    /// Switch to the simulated board with this many channels.
    UseSimulator(usize),
    /// Turn the outputs to other programs (LSL, OSC) to this.
    SetOutputs(crate::stream_out::OutputChoice),
    /// Save the edited setup and use it; then calibrate if asked.
    SaveSetup {
        /// Open the calibration afterwards.
        calibrate: bool,
    },
    /// Start calibrating a channel.
    StartCalibration(usize),
    /// Accept, redo or skip the rest of the calibration routine.
    Calibrate(CalibrationAction),
    /// Save the finished calibration to the profile and close it.
    SaveCalibration,
    /// Delete a recording (confirmed) and its sets in the history.
    DeleteSession(PathBuf),
    /// Something for the activation drill panel.
    Drill(DrillAction),
    /// Store the training log typed under the set summary.
    SaveSetLog,
    /// Skip the training log (the summary stays).
    SkipSetLog,
    /// Type loads in this unit (a setting).
    LoadUnit(LoadUnit),
    /// A change in the sound panel.
    Sound(SoundAction),
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
