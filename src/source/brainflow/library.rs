//! BrainFlow's `BoardController` library, loaded at run time (so building needs nothing of BrainFlow and a
//! machine without it runs everything else). The folder comes from [`LIB_ENV`], else from the Python
//! package (`python3 -c "import brainflow"`), which ships the library in `brainflow/lib`.
//!
//! The entry points and their C types follow BrainFlow 5's published headers
//! (`src/board_controller/inc/board_controller.h`, `board_info_getter.h`): every call returns an `int`
//! status (0 = OK), board settings travel as a JSON string, data comes back as doubles.

use super::BrainflowError;
use std::ffi::{CStr, CString, c_char, c_double, c_int};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The environment variable naming the folder that holds BrainFlow's library.
pub const LIB_ENV: &str = "INNERVATE_BRAINFLOW_LIB";
/// The environment variable naming the Python used to find the `brainflow` package (`python3` when unset;
/// empty to skip the lookup).
pub const PYTHON_ENV: &str = "INNERVATE_BRAINFLOW_PYTHON";
/// What to do when the library is missing.
pub const INSTALL_HINT: &str = "install BrainFlow's Python package, which ships the library: \
     `python3 -m pip install brainflow` (or `bash scripts/brainflow-env.sh`, which installs it into \
     target/), or set INNERVATE_BRAINFLOW_LIB to the folder holding libBoardController";

/// The library's file name on this platform.
pub const LIB_FILE: &str = if cfg!(windows) {
    "BoardController.dll"
} else if cfg!(target_os = "macos") {
    "libBoardController.dylib"
} else {
    "libBoardController.so"
};

/// The oldest BrainFlow whose C interface this bridge speaks (presets and the JSON parameters).
const MIN_MAJOR: u32 = 5;
/// BrainFlow's log level "error" (`LogLevels::LEVEL_ERROR`): its info lines would flood the terminal.
const LOG_LEVEL_ERROR: c_int = 4;
/// BrainFlow's log level "off" (`LogLevels::LEVEL_OFF`).
const LOG_LEVEL_OFF: c_int = 6;

/// The entry points we use, typed as in BrainFlow 5's headers.
struct Entry {
    prepare_session: unsafe extern "C" fn(c_int, *const c_char) -> c_int,
    start_stream: unsafe extern "C" fn(c_int, *const c_char, c_int, *const c_char) -> c_int,
    stop_stream: unsafe extern "C" fn(c_int, *const c_char) -> c_int,
    release_session: unsafe extern "C" fn(c_int, *const c_char) -> c_int,
    get_board_data_count: unsafe extern "C" fn(c_int, *mut c_int, c_int, *const c_char) -> c_int,
    get_board_data:
        unsafe extern "C" fn(c_int, c_int, *mut c_double, c_int, *const c_char) -> c_int,
    get_sampling_rate: unsafe extern "C" fn(c_int, c_int, *mut c_int) -> c_int,
    get_num_rows: unsafe extern "C" fn(c_int, c_int, *mut c_int) -> c_int,
    get_package_num_channel: unsafe extern "C" fn(c_int, c_int, *mut c_int) -> c_int,
    get_exg_channels: unsafe extern "C" fn(c_int, c_int, *mut c_int, *mut c_int) -> c_int,
    get_emg_channels: unsafe extern "C" fn(c_int, c_int, *mut c_int, *mut c_int) -> c_int,
    get_device_name: unsafe extern "C" fn(c_int, c_int, *mut c_char, *mut c_int, c_int) -> c_int,
    get_version: unsafe extern "C" fn(*mut c_char, *mut c_int, c_int) -> c_int,
    set_log_level: unsafe extern "C" fn(c_int) -> c_int,
    /// Keeps the functions above valid.
    _lib: libloading::Library,
}

/// BrainFlow's board controller, loaded.
#[derive(Clone)]
pub struct BoardController {
    entry: Arc<Entry>,
    /// Where it was loaded from.
    pub path: PathBuf,
    /// BrainFlow's version string.
    pub version: String,
}

impl std::fmt::Debug for BoardController {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BoardController({}, {})",
            self.path.display(),
            self.version
        )
    }
}

/// Held around every call into the library. BrainFlow's board descriptions are one global JSON object
/// that its info functions index with a mutating `operator[]` (an unknown board id inserts an entry), and
/// only its session functions take BrainFlow's own lock: two threads asking at once (the connect screen
/// while a board streams, or a lookup by name) corrupted it and crashed the process.
static CALLS: Mutex<()> = Mutex::new(());

/// Runs one call into the library under [`CALLS`].
fn serialised<R>(call: impl FnOnce() -> R) -> R {
    let _one_at_a_time = CALLS.lock().unwrap_or_else(|p| p.into_inner());
    call()
}

/// Holders of [`BoardController::quiet`].
static QUIET: Mutex<usize> = Mutex::new(0);

/// Keeps BrainFlow's log off while it lives.
pub struct Quiet(Arc<Entry>);

impl Drop for Quiet {
    fn drop(&mut self) {
        let mut n = QUIET.lock().unwrap_or_else(|p| p.into_inner());
        *n = n.saturating_sub(1);
        if *n == 0 {
            // SAFETY: a plain setter; any level is accepted.
            serialised(|| unsafe { (self.0.set_log_level)(LOG_LEVEL_ERROR) });
        }
    }
}

/// The library stays loaded once loaded: BrainFlow keeps its boards in global state, and unloading it under
/// a running session would pull the code from under its threads.
static LOADED: Mutex<Option<BoardController>> = Mutex::new(None);

/// The most channel indices one `get_*_channels` call can write: BrainFlow collects at most 4096 per data
/// type and `get_exg_channels` merges four types.
const MAX_INDICES: usize = 4 * 4096;

impl BoardController {
    /// Loads the library from `folder`, else from [`LIB_ENV`], else from the Python package; the first
    /// success is kept for the process.
    pub fn load(folder: Option<&Path>) -> Result<BoardController, BrainflowError> {
        let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(lib) = loaded.as_ref() {
            return Ok(lib.clone());
        }
        let folder = match folder {
            Some(f) => f.to_path_buf(),
            None => locate()?,
        };
        let lib = Self::open(&folder)?;
        *loaded = Some(lib.clone());
        Ok(lib)
    }

    fn open(folder: &Path) -> Result<BoardController, BrainflowError> {
        let path = if folder.is_file() {
            folder.to_path_buf()
        } else {
            folder.join(LIB_FILE)
        };
        let missing = |why: String| BrainflowError::Missing(format!("{}: {why}", path.display()));
        if !path.is_file() {
            return Err(missing("no such file".into()));
        }
        // SAFETY: loading BrainFlow runs its C++ static initialisers, which have no preconditions.
        let lib = unsafe { libloading::Library::new(&path) }.map_err(|e| missing(e.to_string()))?;
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the type matches the declaration in BrainFlow 5's board_controller.h or
                // board_info_getter.h; the pointer stays valid while `_lib` lives in the same struct.
                *unsafe { lib.get($name) }.map_err(|e| {
                    missing(format!("{e} (BrainFlow {MIN_MAJOR} or newer is needed)"))
                })?
            };
        }
        let entry = Entry {
            prepare_session: sym!(b"prepare_session"),
            start_stream: sym!(b"start_stream"),
            stop_stream: sym!(b"stop_stream"),
            release_session: sym!(b"release_session"),
            get_board_data_count: sym!(b"get_board_data_count"),
            get_board_data: sym!(b"get_board_data"),
            get_sampling_rate: sym!(b"get_sampling_rate"),
            get_num_rows: sym!(b"get_num_rows"),
            get_package_num_channel: sym!(b"get_package_num_channel"),
            get_exg_channels: sym!(b"get_exg_channels"),
            get_emg_channels: sym!(b"get_emg_channels"),
            get_device_name: sym!(b"get_device_name"),
            get_version: sym!(b"get_version_board_controller"),
            set_log_level: sym!(b"set_log_level_board_controller"),
            _lib: lib,
        };
        let mut buf = [0 as c_char; 64];
        let mut len: c_int = 0;
        // SAFETY: BrainFlow writes at most `max_chars` bytes into our buffer and their count into `len`.
        let code = serialised(|| unsafe {
            (entry.get_version)(buf.as_mut_ptr(), &mut len, buf.len() as c_int)
        });
        let version = text(&buf, len);
        let major = version
            .split('.')
            .next()
            .and_then(|m| m.trim().parse::<u32>().ok());
        if code != 0 || major.is_none_or(|m| m < MIN_MAJOR) {
            return Err(missing(format!(
                "BrainFlow `{version}` found; version {MIN_MAJOR} or newer is needed"
            )));
        }
        // SAFETY: a plain setter; any level is accepted.
        serialised(|| unsafe { (entry.set_log_level)(LOG_LEVEL_ERROR) });
        Ok(BoardController {
            entry: Arc::new(entry),
            path,
            version,
        })
    }

    /// Turns BrainFlow's log off until the guard is dropped (it logs an error for every question about
    /// a board or channel it does not have). Counted, so overlapping callers on several threads agree.
    pub fn quiet(&self) -> Quiet {
        let mut n = QUIET.lock().unwrap_or_else(|p| p.into_inner());
        if *n == 0 {
            // SAFETY: a plain setter; any level is accepted.
            serialised(|| unsafe { (self.entry.set_log_level)(LOG_LEVEL_OFF) });
        }
        *n += 1;
        Quiet(self.entry.clone())
    }

    /// The board's name (`get_device_name`), or `None` for an id BrainFlow does not know.
    pub fn device_name(&self, board_id: i32) -> Option<String> {
        let mut buf = [0 as c_char; 256];
        let mut len: c_int = 0;
        // SAFETY: bounded by `max_len`; `len` receives the count written.
        let code = serialised(|| unsafe {
            (self.entry.get_device_name)(
                board_id,
                0,
                buf.as_mut_ptr(),
                &mut len,
                buf.len() as c_int,
            )
        });
        (code == 0).then(|| text(&buf, len))
    }

    /// One integer of the board's description (default preset).
    fn single(
        &self,
        board_id: i32,
        f: unsafe extern "C" fn(c_int, c_int, *mut c_int) -> c_int,
    ) -> Result<i32, i32> {
        let mut v: c_int = 0;
        // SAFETY: writes one int we own.
        let code = serialised(|| unsafe { f(board_id, 0, &mut v) });
        if code == 0 { Ok(v) } else { Err(code) }
    }

    /// Samples per second of the board (`get_sampling_rate`).
    pub fn sampling_rate(&self, board_id: i32) -> Result<i32, i32> {
        self.single(board_id, self.entry.get_sampling_rate)
    }

    /// Rows of one sample in the data buffer (`get_num_rows`).
    pub fn num_rows(&self, board_id: i32) -> Result<i32, i32> {
        self.single(board_id, self.entry.get_num_rows)
    }

    /// The row of the package counter, if the board has one (`get_package_num_channel`).
    pub fn package_num_row(&self, board_id: i32) -> Option<usize> {
        // Asking for what a board may not have: BrainFlow would log an error.
        let _quiet = self.quiet();
        let row = self.single(board_id, self.entry.get_package_num_channel);
        row.ok().and_then(|r| usize::try_from(r).ok())
    }

    /// The rows of EMG, else of all EXG (EEG/EMG/ECG/EOG) channels; empty when the board has none.
    pub fn muscle_rows(&self, board_id: i32) -> (Vec<usize>, &'static str) {
        let quiet = self.quiet();
        let emg = self.indices(board_id, self.entry.get_emg_channels);
        drop(quiet);
        if !emg.is_empty() {
            return (emg, "EMG");
        }
        (self.indices(board_id, self.entry.get_exg_channels), "EXG")
    }

    fn indices(
        &self,
        board_id: i32,
        f: unsafe extern "C" fn(c_int, c_int, *mut c_int, *mut c_int) -> c_int,
    ) -> Vec<usize> {
        let mut buf = vec![0 as c_int; MAX_INDICES];
        let mut len: c_int = 0;
        // SAFETY: BrainFlow writes at most MAX_INDICES ints (see the constant) and their count.
        let code = serialised(|| unsafe { f(board_id, 0, buf.as_mut_ptr(), &mut len) });
        if code != 0 {
            return Vec::new();
        }
        let n = usize::try_from(len).unwrap_or(0).min(MAX_INDICES);
        buf[..n]
            .iter()
            .filter_map(|&r| usize::try_from(r).ok())
            .collect()
    }

    /// `prepare_session`: connects to the board described by `params`.
    pub(crate) fn prepare(&self, board_id: i32, params: &CStr) -> Result<(), BrainflowError> {
        // SAFETY: a NUL-terminated JSON string that outlives the call.
        check(
            "prepare_session",
            serialised(|| unsafe { (self.entry.prepare_session)(board_id, params.as_ptr()) }),
        )
    }

    /// `start_stream` with a ring of `buffer` samples inside BrainFlow and no streamer of its own.
    pub(crate) fn start(
        &self,
        board_id: i32,
        params: &CStr,
        buffer: i32,
    ) -> Result<(), BrainflowError> {
        // SAFETY: NUL-terminated strings that outlive the call.
        check(
            "start_stream",
            serialised(|| unsafe {
                (self.entry.start_stream)(buffer, c"".as_ptr(), board_id, params.as_ptr())
            }),
        )
    }

    /// `stop_stream`.
    pub(crate) fn stop(&self, board_id: i32, params: &CStr) -> Result<(), BrainflowError> {
        // SAFETY: as above.
        check(
            "stop_stream",
            serialised(|| unsafe { (self.entry.stop_stream)(board_id, params.as_ptr()) }),
        )
    }

    /// `release_session`.
    pub(crate) fn release(&self, board_id: i32, params: &CStr) -> Result<(), BrainflowError> {
        // SAFETY: as above.
        check(
            "release_session",
            serialised(|| unsafe { (self.entry.release_session)(board_id, params.as_ptr()) }),
        )
    }

    /// `get_board_data_count`: samples waiting in BrainFlow's ring.
    pub(crate) fn count(&self, board_id: i32, params: &CStr) -> Result<usize, BrainflowError> {
        let mut n: c_int = 0;
        // SAFETY: writes one int we own.
        check(
            "get_board_data_count",
            serialised(|| unsafe {
                (self.entry.get_board_data_count)(0, &mut n, board_id, params.as_ptr())
            }),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// `get_board_data`: takes `n` samples out of BrainFlow's ring into `out`, row by row (`rows x n`).
    /// `n` must not exceed the last [`BoardController::count`] (BrainFlow lays the rows out `n` apart only
    /// when it has `n` samples) and `out` must hold `rows * n` values.
    pub(crate) fn take(
        &self,
        board_id: i32,
        params: &CStr,
        n: usize,
        rows: usize,
        out: &mut [f64],
    ) -> Result<(), BrainflowError> {
        assert!(out.len() >= rows * n, "buffer too small for {n} samples");
        // SAFETY: `out` holds rows * n doubles, what BrainFlow writes for n samples.
        check(
            "get_board_data",
            serialised(|| unsafe {
                (self.entry.get_board_data)(
                    n as c_int,
                    0,
                    out.as_mut_ptr(),
                    board_id,
                    params.as_ptr(),
                )
            }),
        )
    }
}

/// The library's folder: [`LIB_ENV`] when set, else `brainflow/lib` of the Python package.
fn locate() -> Result<PathBuf, BrainflowError> {
    if let Some(dir) = std::env::var_os(LIB_ENV) {
        return Ok(PathBuf::from(dir));
    }
    let python = std::env::var_os(PYTHON_ENV).unwrap_or_else(|| "python3".into());
    if python.is_empty() {
        return Err(BrainflowError::Missing(format!(
            "{LIB_ENV} is not set and the Python lookup is off ({PYTHON_ENV} is empty)"
        )));
    }
    crate::python_package::package_dir(&python, "brainflow")
        .map(|dir| dir.join("lib"))
        .map_err(|why| BrainflowError::Missing(format!("{LIB_ENV} is not set and {why}")))
}

/// A C string BrainFlow wrote: `len` bytes, or up to the first NUL.
fn text(buf: &[c_char], len: c_int) -> String {
    let n = usize::try_from(len).unwrap_or(0).min(buf.len());
    let bytes: Vec<u8> = buf[..n]
        .iter()
        .map(|&c| c as u8)
        .take_while(|&b| b != 0)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A BrainFlow status code as an error (0 is success).
fn check(call: &'static str, code: c_int) -> Result<(), BrainflowError> {
    if code == 0 {
        Ok(())
    } else {
        Err(BrainflowError::Call {
            call,
            code,
            meaning: exit_code_name(code),
        })
    }
}

/// BrainFlow's `BrainFlowExitCodes`, in words (brainflow_constants.h).
pub fn exit_code_name(code: i32) -> &'static str {
    match code {
        1 => "the port is already open",
        2 => "unable to open the port",
        3 => "cannot set the port's parameters",
        4 => "cannot write to the board",
        5 => "unexpected message from the board",
        6 => "the board's first message was wrong",
        7 => "the board is not ready (check power, pairing, port or address)",
        8 => "the stream is already running",
        9 => "invalid buffer size",
        10 => "the stream thread failed",
        11 => "the stream thread is not running",
        12 => "empty buffer",
        13 => "invalid arguments (check the board's parameters)",
        14 => "unsupported board",
        15 => "the board session was not created",
        16 => "another session with this board and these parameters is open",
        17 => "general error (BrainFlow's log says more)",
        18 => "timed out waiting for the board",
        19 => "JSON not found",
        20 => "no such data in the JSON",
        _ => "unknown error",
    }
}

/// Keeps `CString` in this module's vocabulary for callers building the parameters.
pub(crate) fn c_string(s: &str) -> Result<CString, BrainflowError> {
    CString::new(s).map_err(|_| BrainflowError::Params("the parameters contain a NUL byte".into()))
}
