//! The Lab Streaming Layer through the reference liblsl, loaded at run time (no build-time package): the
//! library `pylsl`'s wheel ships (`pip install pylsl`), a system `liblsl.so.2`, or the file named by
//! [`LSL_LIB_ENV`]. Missing, it is an error that says how to get it, and everything else keeps working.
//!
//! Safe wrappers: [`StreamSpec`] describes an outlet to create, [`Outlet`] pushes, [`resolve`] finds streams
//! ([`StreamDescription`]), [`Inlet`] pulls. The network settings are liblsl's own (`LSLAPICFG`,
//! `lsl_api.cfg`), so a lab's configuration applies to Innervate as it does to LabRecorder.

mod ffi;
mod inlet;
mod outlet;

pub use inlet::{Inlet, Pulled, StreamDescription, predicate as inlet_predicate, resolve};
pub use outlet::{Outlet, StreamSpec};

use std::ffi::{CStr, CString, c_char};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The environment variable naming the liblsl file to load (tried first).
pub const LSL_LIB_ENV: &str = "INNERVATE_LSL_LIB";
/// How to get liblsl, said whenever it cannot be loaded.
pub const INSTALL_HINT: &str = "LSL needs the reference liblsl: `python3 -m pip install --user pylsl` \
     (its wheel ships liblsl.so, which Innervate finds through `python3 -c 'import pylsl'`), or a liblsl \
     package from the labstreaminglayer releases; or set INNERVATE_LSL_LIB=/path/to/liblsl.so";

/// Why LSL could not do what was asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LslError {
    /// liblsl is not there (everything else keeps working).
    #[error("LSL is not available ({0}). {INSTALL_HINT}")]
    Unavailable(String),
    /// liblsl refused (an outlet or inlet could not be made, a stream went away).
    #[error("LSL: {0}")]
    Failed(String),
}

/// The loaded library; cheap to clone, shared by every thread that uses LSL.
#[derive(Clone)]
pub struct Lsl(Arc<ffi::Lib>);

impl std::fmt::Debug for Lsl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "liblsl {}", self.version())
    }
}

static LOADED: OnceLock<Result<Lsl, String>> = OnceLock::new();

impl Lsl {
    /// Loads liblsl once per process: [`LSL_LIB_ENV`], else `PYLSL_LIB`, else a system `liblsl.so.2`, else
    /// the copy inside the `pylsl` package python3 imports.
    pub fn load() -> Result<Lsl, LslError> {
        LOADED
            .get_or_init(load_first)
            .clone()
            .map_err(LslError::Unavailable)
    }

    /// liblsl's version, e.g. 118 for 1.18.
    pub fn version(&self) -> i32 {
        // SAFETY: no arguments, no preconditions.
        unsafe { (self.0.library_version)() }
    }

    /// LSL's clock, s: the time base of every LSL timestamp on this machine (the monotonic clock, the same
    /// one `std::time::Instant` reads on Linux).
    pub fn local_clock(&self) -> f64 {
        // SAFETY: no arguments, no preconditions.
        unsafe { (self.0.local_clock)() }
    }

    /// LSL's clock at `instant` (read now and stepped back by the time since), s.
    pub fn clock_at(&self, instant: std::time::Instant) -> f64 {
        let now = std::time::Instant::now();
        let lsl_now = self.local_clock();
        lsl_now - now.saturating_duration_since(instant).as_secs_f64()
    }

    pub(crate) fn lib(&self) -> &ffi::Lib {
        &self.0
    }
}

fn load_first() -> Result<Lsl, String> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    for var in [LSL_LIB_ENV, "PYLSL_LIB"] {
        if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
            // An explicit choice is the only one tried: a wrong path must not be hidden by another copy.
            return open(Path::new(&p)).map_err(|e| format!("{var}={}: {e}", p.to_string_lossy()));
        }
    }
    candidates.push("liblsl.so.2".into());
    candidates.push("liblsl.so".into());
    candidates.extend(pylsl_copy());
    let mut why = Vec::new();
    for c in &candidates {
        match open(c) {
            Ok(l) => return Ok(l),
            Err(e) => why.push(format!("{}: {e}", c.display())),
        }
    }
    if why.len() == 2 {
        why.push("python3 found no pylsl".into());
    }
    Err(why.join("; "))
}

fn open(path: &Path) -> Result<Lsl, String> {
    // SAFETY: loading liblsl runs its static initialisers, which have no preconditions.
    let lib = unsafe { libloading::Library::new(path) }.map_err(|e| e.to_string())?;
    Ok(Lsl(Arc::new(ffi::Lib::bind(lib)?)))
}

/// The liblsl inside the `pylsl` package that `python3` imports (its own PYTHONPATH applies).
fn pylsl_copy() -> Option<PathBuf> {
    let dir = crate::python_package::package_dir("python3".as_ref(), "pylsl")
        .ok()?
        .join("lib");
    ["liblsl.so", "liblsl.so.2", "liblsl.dylib", "lsl.dll"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists())
}

/// A Rust string for liblsl (interior NULs, which C cannot carry, become spaces).
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// A C string from liblsl as an owned Rust string (empty for NULL).
pub(crate) fn rust_string(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: liblsl returns NUL-terminated strings valid until the object they belong to changes.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}
