//! The BrainFlow bridge: any board BrainFlow supports (OpenBCI Ganglion, Cyton over WiFi, MindRove, its
//! synthetic and playback-file boards, ...) as an Innervate source, through BrainFlow's C library loaded
//! at run time ([`library`]). The board's EMG (else EXG) channels become the frames, in microvolts; its
//! package counter marks lost samples as gaps; a non-finite value is a one-sample gap, never filtered.
//! See docs/boards/brainflow.md.

pub mod board;
pub mod frames;
pub mod library;
pub mod params;
pub mod stream;

use super::{SourceKind, StreamInfo};
use frames::FrameMapper;
use library::BoardController;
use params::InputParams;
use std::ffi::CString;
use std::path::PathBuf;
pub use stream::{BoardStream, spawn_brainflow_reader};

/// How to reach a board through BrainFlow.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BrainflowConfig {
    /// The board: a BrainFlow board id (`-1`) or name (`synthetic`, `cyton_daisy`, `playback_file`).
    pub board: String,
    /// BrainFlow's input parameters as a JSON object (`serial_port`, `mac_address`, `ip_address`, `file`,
    /// `master_board`, ...); empty for none.
    pub params: String,
    /// Which muscle channels (1-based positions, `1-8,10`); `None` takes the first 16.
    pub channels: Option<String>,
    /// The folder holding BrainFlow's library; `None` looks at `INNERVATE_BRAINFLOW_LIB`, then Python.
    pub library: Option<PathBuf>,
}

/// Why a BrainFlow board could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BrainflowError {
    /// The library is missing or unusable.
    #[error("BrainFlow cannot be loaded ({0}); to use BrainFlow boards, {hint}", hint = library::INSTALL_HINT)]
    Missing(String),
    /// The input parameters are wrong.
    #[error("BrainFlow parameters: {0}")]
    Params(String),
    /// The board or the channel choice is wrong.
    #[error("{0}")]
    Board(String),
    /// A BrainFlow call failed.
    #[error("BrainFlow's {call} failed (code {code}: {meaning})")]
    Call {
        /// The C function.
        call: &'static str,
        /// Its status code.
        code: i32,
        /// The code in words.
        meaning: &'static str,
    },
}

/// A prepared, streaming BrainFlow session; dropping it stops the stream and releases the board.
struct Session {
    lib: BoardController,
    board_id: i32,
    params: CString,
    rows: usize,
}

impl BoardStream for Session {
    fn available(&mut self) -> Result<usize, BrainflowError> {
        self.lib.count(self.board_id, &self.params)
    }

    fn take(&mut self, n: usize, out: &mut [f64]) -> Result<(), BrainflowError> {
        self.lib
            .take(self.board_id, &self.params, n, self.rows, out)
    }

    fn rows(&self) -> usize {
        self.rows
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Best effort: the stream may never have started.
        let _ = self.lib.stop(self.board_id, &self.params);
        let _ = self.lib.release(self.board_id, &self.params);
    }
}

/// A BrainFlow board, connected and streaming; hand it to the engine ([`spawn_brainflow_reader`]).
pub struct BrainflowSource {
    pub(crate) stream: Box<dyn BoardStream>,
    pub(crate) mapper: FrameMapper,
    info: StreamInfo,
    /// What the user should know (channels left out, what the sample rate allows).
    pub notices: Vec<String>,
}

impl BrainflowSource {
    /// Loads BrainFlow, prepares the board and starts it streaming.
    pub fn connect(config: &BrainflowConfig) -> Result<Self, BrainflowError> {
        let lib = BoardController::load(config.library.as_deref())?;
        let params = InputParams::parse(&config.params)?;
        let board_id = board::resolve(&lib, &config.board)?;
        let master = match &params.master_board {
            Some(m) => Some(board::resolve(&lib, m)?),
            None => None,
        };
        let replays = board_id == board::PLAYBACK_FILE_BOARD || board_id == board::STREAMING_BOARD;
        // The playback and streaming boards carry another board's data: its description applies.
        let described = match (replays, master) {
            (false, _) => board_id,
            (true, Some(m)) => m,
            (true, None) => {
                return Err(BrainflowError::Params(
                    "this board replays another board's data: say which in master_board, e.g. \
                     {\"file\": \"recording.csv\", \"master_board\": \"cyton\"}"
                        .into(),
                ));
            }
        };
        if board_id == board::PLAYBACK_FILE_BOARD {
            let file = params.text("file");
            if file.is_empty() {
                return Err(BrainflowError::Params(
                    "the playback-file board needs the file: {\"file\": \"recording.csv\", ...}"
                        .into(),
                ));
            }
            if std::fs::File::open(file).is_err() {
                return Err(BrainflowError::Params(format!(
                    "cannot read {file}, the file to play back"
                )));
            }
        }
        let name = lib
            .device_name(described)
            .unwrap_or_else(|| format!("board {described}"));
        let no_data = |what: &str| {
            BrainflowError::Board(format!("BrainFlow does not describe the {what} of {name}"))
        };
        let rate = lib
            .sampling_rate(described)
            .map_err(|_| no_data("sample rate"))?;
        let rows = lib.num_rows(described).map_err(|_| no_data("rows"))?;
        let rows = usize::try_from(rows).map_err(|_| no_data("rows"))?;
        let (muscle_rows, kind) = lib.muscle_rows(described);
        if muscle_rows.is_empty() || rate <= 0 {
            return Err(BrainflowError::Board(format!(
                "{name} has no EMG or EXG channels: nothing for sEMG"
            )));
        }
        if muscle_rows.iter().any(|&r| r >= rows) {
            return Err(no_data("channels"));
        }
        let choice = board::choose(&muscle_rows, config.channels.as_deref())?;
        let json = library::c_string(&params.to_json(master))?;
        lib.prepare(board_id, &json)?;
        // From here on, dropping the session releases the board, whatever fails next.
        let session = Session {
            lib: lib.clone(),
            board_id,
            params: json,
            rows,
        };
        let buffer = (rate.saturating_mul(60)).clamp(4096, 450_000);
        lib.start(board_id, &session.params, buffer)?;
        let fs = f64::from(rate);
        let channels = choice.rows.len();
        let description = if replays {
            format!("BrainFlow board {board_id} replaying {name} ({channels} {kind} ch)")
        } else {
            format!("BrainFlow {name} (board {board_id}, {channels} {kind} ch)")
        };
        let info = StreamInfo {
            description,
            kind: SourceKind::Brainflow,
            sample_rate: fs,
            channel_names: choice
                .positions
                .iter()
                .map(|p| format!("Channel {p}"))
                .collect(),
            pairs: (0..channels / 2)
                .map(|p| crate::dsp::MusclePair {
                    agonist: 2 * p,
                    antagonist: 2 * p + 1,
                })
                .collect(),
        };
        let mut notices: Vec<String> = choice.notice.into_iter().collect();
        if let Some(note) = crate::dsp::config::rate_note(fs) {
            notices.push(format!("{name} samples at {rate} Hz. {note}"));
        }
        Ok(Self {
            stream: Box::new(session),
            mapper: FrameMapper::new(choice.rows, lib.package_num_row(described)),
            info,
            notices,
        })
    }

    /// What the stream carries.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }
}
