//! ALSA's `libasound.so.2`, loaded at run time (so building needs no `-dev` package and a machine without
//! it still runs everything but sound). [`ALSA_LIB_ENV`] points the loader at another file (tests use a
//! missing one to check that the app says sound is off and keeps working).

use super::SoundError;
use super::output::AudioOutput;
use super::synth::SAMPLE_RATE;
use std::ffi::{CStr, CString, c_char, c_int, c_long, c_uint, c_ulong, c_void};
use std::sync::Arc;

/// The environment variable naming the ALSA library to load instead of `libasound.so.2`.
pub const ALSA_LIB_ENV: &str = "INNERVATE_ALSA_LIB";
/// What to do when the library is missing.
pub const INSTALL_HINT: &str = "install ALSA's library: `sudo apt-get install libasound2` (Debian, \
     Ubuntu), `sudo dnf install alsa-lib` (Fedora), `sudo pacman -S alsa-lib` (Arch)";
/// The device's buffer, us: room for one block of a slow board plus jitter, and no more (latency).
const BUFFER_US: c_uint = 60_000;
/// Playback starts once this many frames are queued (10 ms).
const START_FRAMES: c_ulong = SAMPLE_RATE as c_ulong / 100;

const SND_PCM_STREAM_PLAYBACK: c_int = 0;
const SND_PCM_FORMAT_S16_LE: c_int = 2;
const SND_PCM_ACCESS_RW_INTERLEAVED: c_int = 3;

type Pcm = *mut c_void;

/// The library's entry points we use.
struct Lib {
    open: unsafe extern "C" fn(*mut Pcm, *const c_char, c_int, c_int) -> c_int,
    set_params: unsafe extern "C" fn(Pcm, c_int, c_int, c_uint, c_uint, c_int, c_uint) -> c_int,
    writei: unsafe extern "C" fn(Pcm, *const c_void, c_ulong) -> c_long,
    recover: unsafe extern "C" fn(Pcm, c_int, c_int) -> c_int,
    delay: unsafe extern "C" fn(Pcm, *mut c_long) -> c_int,
    drain: unsafe extern "C" fn(Pcm) -> c_int,
    close: unsafe extern "C" fn(Pcm) -> c_int,
    strerror: unsafe extern "C" fn(c_int) -> *const c_char,
    sw_malloc: unsafe extern "C" fn(*mut *mut c_void) -> c_int,
    sw_current: unsafe extern "C" fn(Pcm, *mut c_void) -> c_int,
    sw_start: unsafe extern "C" fn(Pcm, *mut c_void, c_ulong) -> c_int,
    sw_apply: unsafe extern "C" fn(Pcm, *mut c_void) -> c_int,
    sw_free: unsafe extern "C" fn(*mut c_void),
    hint: unsafe extern "C" fn(c_int, *const c_char, *mut *mut *mut c_void) -> c_int,
    hint_get: unsafe extern "C" fn(*const c_void, *const c_char) -> *mut c_char,
    hint_free: unsafe extern "C" fn(*mut *mut c_void) -> c_int,
    /// Keeps the functions above valid.
    _lib: libloading::Library,
}

/// The loaded ALSA library.
#[derive(Clone)]
pub struct Alsa(Arc<Lib>);

impl std::fmt::Debug for Alsa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Alsa")
    }
}

impl Alsa {
    /// Loads the library named by [`ALSA_LIB_ENV`], else `libasound.so.2`.
    pub fn load() -> Result<Alsa, SoundError> {
        let name = std::env::var_os(ALSA_LIB_ENV).unwrap_or_else(|| "libasound.so.2".into());
        let shown = name.to_string_lossy().into_owned();
        let unavailable = |why: String| SoundError::Unavailable(format!("{shown}: {why}"));
        // SAFETY: loading ALSA runs its initialisers, which have no preconditions.
        let lib =
            unsafe { libloading::Library::new(&name) }.map_err(|e| unavailable(e.to_string()))?;
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the type matches the function's C declaration in alsa/pcm.h, alsa/error.h or
                // alsa/control.h; the pointer stays valid while `_lib` lives in the same struct.
                *unsafe { lib.get($name) }.map_err(|e| unavailable(e.to_string()))?
            };
        }
        let l = Lib {
            open: sym!(b"snd_pcm_open"),
            set_params: sym!(b"snd_pcm_set_params"),
            writei: sym!(b"snd_pcm_writei"),
            recover: sym!(b"snd_pcm_recover"),
            delay: sym!(b"snd_pcm_delay"),
            drain: sym!(b"snd_pcm_drain"),
            close: sym!(b"snd_pcm_close"),
            strerror: sym!(b"snd_strerror"),
            sw_malloc: sym!(b"snd_pcm_sw_params_malloc"),
            sw_current: sym!(b"snd_pcm_sw_params_current"),
            sw_start: sym!(b"snd_pcm_sw_params_set_start_threshold"),
            sw_apply: sym!(b"snd_pcm_sw_params"),
            sw_free: sym!(b"snd_pcm_sw_params_free"),
            hint: sym!(b"snd_device_name_hint"),
            hint_get: sym!(b"snd_device_name_get_hint"),
            hint_free: sym!(b"snd_device_name_free_hint"),
            _lib: lib,
        };
        Ok(Alsa(Arc::new(l)))
    }

    fn error(&self, what: &str, code: c_int) -> SoundError {
        // SAFETY: snd_strerror returns a static NUL-terminated string for any code.
        let text = unsafe { CStr::from_ptr((self.0.strerror)(code)) };
        SoundError::Device(format!("{what}: {}", text.to_string_lossy()))
    }

    /// The playback devices ALSA knows (`default` first).
    pub fn devices(&self) -> Vec<String> {
        let mut names = vec!["default".to_string()];
        let mut hints: *mut *mut c_void = std::ptr::null_mut();
        // SAFETY: a valid out-pointer; on success the array is NULL-terminated and freed below.
        if unsafe { (self.0.hint)(-1, c"pcm".as_ptr(), &mut hints) } < 0 || hints.is_null() {
            return names;
        }
        let mut k = 0;
        loop {
            // SAFETY: reading within the NULL-terminated array ALSA gave us.
            let h = unsafe { *hints.add(k) };
            if h.is_null() {
                break;
            }
            k += 1;
            let get = |id: &CStr| {
                // SAFETY: `h` is a hint from the array; the returned string is malloc'd and freed here.
                let p = unsafe { (self.0.hint_get)(h, id.as_ptr()) };
                if p.is_null() {
                    return None;
                }
                let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
                unsafe { libc::free(p.cast()) };
                Some(s)
            };
            let output = get(c"IOID").is_none_or(|io| io == "Output");
            if let Some(name) = get(c"NAME")
                && output
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
        // SAFETY: the array from snd_device_name_hint, freed once.
        unsafe { (self.0.hint_free)(hints) };
        names
    }

    /// Opens `device` for 16-bit mono playback at [`SAMPLE_RATE`].
    pub fn open(&self, device: &str) -> Result<AlsaOutput, SoundError> {
        let name = CString::new(device)
            .map_err(|_| SoundError::Device("a device name cannot hold a NUL".into()))?;
        let mut pcm: Pcm = std::ptr::null_mut();
        // SAFETY: valid out-pointer and NUL-terminated name; blocking mode.
        let rc = unsafe { (self.0.open)(&mut pcm, name.as_ptr(), SND_PCM_STREAM_PLAYBACK, 0) };
        if rc < 0 {
            return Err(self.error(&format!("cannot open sound device `{device}`"), rc));
        }
        let out = AlsaOutput {
            alsa: self.clone(),
            pcm,
            device: device.to_string(),
        };
        // SAFETY: `pcm` is open; plain values.
        let rc = unsafe {
            (self.0.set_params)(
                pcm,
                SND_PCM_FORMAT_S16_LE,
                SND_PCM_ACCESS_RW_INTERLEAVED,
                1,
                SAMPLE_RATE,
                1,
                BUFFER_US,
            )
        };
        if rc < 0 {
            return Err(self.error(&format!("sound device `{device}` refuses 16-bit mono"), rc));
        }
        out.start_early()?;
        Ok(out)
    }
}

/// An open ALSA playback device.
pub struct AlsaOutput {
    alsa: Alsa,
    pcm: Pcm,
    device: String,
}

// SAFETY: the handle is used by one thread at a time (the output thread owns it); ALSA allows that.
unsafe impl Send for AlsaOutput {}

impl AlsaOutput {
    /// Starts playback once 10 ms are queued instead of a full buffer (the default), for latency.
    fn start_early(&self) -> Result<(), SoundError> {
        let l = &self.alsa.0;
        let mut sw: *mut c_void = std::ptr::null_mut();
        // SAFETY: sw params allocated, filled from the open pcm, applied and freed in order.
        unsafe {
            let rc = (l.sw_malloc)(&mut sw);
            if rc < 0 {
                return Err(self.alsa.error("sound parameters", rc));
            }
            let mut rc = (l.sw_current)(self.pcm, sw);
            if rc >= 0 {
                rc = (l.sw_start)(self.pcm, sw, START_FRAMES);
            }
            if rc >= 0 {
                rc = (l.sw_apply)(self.pcm, sw);
            }
            (l.sw_free)(sw);
            if rc < 0 {
                return Err(self.alsa.error("sound start threshold", rc));
            }
        }
        Ok(())
    }
}

impl AudioOutput for AlsaOutput {
    fn write(&mut self, frames: &[i16]) -> Result<(), SoundError> {
        let mut rest = frames;
        let mut retries = 0;
        while !rest.is_empty() {
            // SAFETY: `rest` holds rest.len() mono 16-bit frames; the pcm is open.
            let n = unsafe {
                (self.alsa.0.writei)(self.pcm, rest.as_ptr().cast(), rest.len() as c_ulong)
            };
            if n >= 0 {
                rest = &rest[(n as usize).min(rest.len())..];
                continue;
            }
            // An underrun or a suspend: recover (the gap is heard as silence) and go on.
            // SAFETY: the pcm is open; `n` is the error just returned.
            let rc = unsafe { (self.alsa.0.recover)(self.pcm, n as c_int, 1) };
            retries += 1;
            if rc < 0 || retries > 3 {
                return Err(self.alsa.error("cannot play", n as c_int));
            }
        }
        Ok(())
    }

    fn delay_frames(&mut self) -> Option<i64> {
        let mut d: c_long = 0;
        // SAFETY: the pcm is open; valid out-pointer.
        let rc = unsafe { (self.alsa.0.delay)(self.pcm, &mut d) };
        (rc >= 0).then_some(d as i64)
    }

    fn finish(&mut self) -> Result<(), SoundError> {
        // SAFETY: the pcm is open.
        let rc = unsafe { (self.alsa.0.drain)(self.pcm) };
        if rc < 0 {
            return Err(self.alsa.error("cannot finish playing", rc));
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!("ALSA `{}`", self.device)
    }
}

impl Drop for AlsaOutput {
    fn drop(&mut self) {
        // SAFETY: closed once; the pcm is not used after.
        unsafe { (self.alsa.0.close)(self.pcm) };
    }
}
