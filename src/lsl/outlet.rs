//! Creating an outlet (a stream others can find and read) and pushing samples into it.

use super::{Lsl, LslError, c_string, ffi};
use std::ffi::c_ulong;

/// What an outlet publishes: the header readers see when they resolve it, and the `desc` metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamSpec {
    /// Stream name (e.g. "Innervate EMG").
    pub name: String,
    /// Content type (`EMG`, `Markers`, ...; the XDF convention).
    pub content_type: String,
    /// Samples per second; 0 for an irregular stream (markers).
    pub rate: f64,
    /// One string channel instead of float32 channels (markers).
    pub strings: bool,
    /// Stays the same across runs for the same source, so readers reconnect to it.
    pub source_id: String,
    /// Per channel: `label`, `unit`, `type` in `desc/channels/channel`.
    pub channels: Vec<[String; 3]>,
    /// `desc/acquisition` fields (manufacturer, model, ...).
    pub acquisition: Vec<(String, String)>,
    /// Other `desc` fields (name, value), e.g. the processing that made the values.
    pub extra: Vec<(String, String)>,
}

/// A stream others can find and read. Dropping it takes the stream off the network.
pub struct Outlet {
    lsl: Lsl,
    handle: ffi::Outlet,
    channels: usize,
}

// SAFETY: liblsl's outlet is thread-safe (pushes take its own lock); the handle is only used through it.
unsafe impl Send for Outlet {}

impl Outlet {
    /// Creates the outlet: the stream is on the network when this returns.
    pub fn create(lsl: &Lsl, spec: &StreamSpec) -> Result<Outlet, LslError> {
        let l = lsl.lib();
        let channels = spec.channels.len().max(1);
        let (name, kind, id) = (
            c_string(&spec.name),
            c_string(&spec.content_type),
            c_string(&spec.source_id),
        );
        let format = if spec.strings {
            ffi::CF_STRING
        } else {
            ffi::CF_FLOAT32
        };
        // SAFETY: valid NUL-terminated strings; the info is destroyed below (the outlet keeps a copy).
        let info = unsafe {
            (l.create_streaminfo)(
                name.as_ptr(),
                kind.as_ptr(),
                channels as i32,
                spec.rate,
                format,
                id.as_ptr(),
            )
        };
        if info.is_null() {
            return Err(LslError::Failed(format!(
                "cannot describe stream {}",
                spec.name
            )));
        }
        // SAFETY: `info` is a live streaminfo; every child pointer comes from it and strings are valid.
        unsafe {
            let desc = (l.get_desc)(info);
            let add = |parent, k: &str, v: &str| {
                let (k, v) = (c_string(k), c_string(v));
                (l.append_child_value)(parent, k.as_ptr(), v.as_ptr());
            };
            let chans = (l.append_child)(desc, c"channels".as_ptr());
            for [label, unit, kind] in &spec.channels {
                let ch = (l.append_child)(chans, c"channel".as_ptr());
                add(ch, "label", label);
                add(ch, "unit", unit);
                add(ch, "type", kind);
            }
            if !spec.acquisition.is_empty() {
                let acq = (l.append_child)(desc, c"acquisition".as_ptr());
                for (k, v) in &spec.acquisition {
                    add(acq, k, v);
                }
            }
            for (k, v) in &spec.extra {
                add(desc, k, v);
            }
        }
        // Chunks as pushed (one per block), and at most 10 s (or 1000 markers) kept for a slow reader.
        // SAFETY: `info` is live; the outlet copies it.
        let handle = unsafe { (l.create_outlet)(info, 0, 10) };
        // SAFETY: destroyed once, after the outlet made its copy.
        unsafe { (l.destroy_streaminfo)(info) };
        if handle.is_null() {
            return Err(LslError::Failed(format!(
                "cannot open outlet {}",
                spec.name
            )));
        }
        Ok(Outlet {
            lsl: lsl.clone(),
            handle,
            channels,
        })
    }

    /// Pushes interleaved float samples with one LSL timestamp per sample; sent at once.
    pub fn push_chunk(&self, data: &[f32], timestamps: &[f64]) -> Result<(), LslError> {
        let frames = (data.len() / self.channels).min(timestamps.len());
        if frames == 0 {
            return Ok(());
        }
        // SAFETY: `data` holds `frames * channels` floats and `timestamps` `frames` doubles.
        let rc = unsafe {
            (self.lsl.lib().push_chunk_ftnp)(
                self.handle,
                data.as_ptr(),
                (frames * self.channels) as c_ulong,
                timestamps.as_ptr(),
                1,
            )
        };
        check(rc)
    }

    /// Pushes one string sample (a marker) at LSL time `timestamp`.
    pub fn push_marker(&self, text: &str, timestamp: f64) -> Result<(), LslError> {
        let s = c_string(text);
        let one = [s.as_ptr()];
        // SAFETY: one valid string for the one channel of a string stream.
        let rc =
            unsafe { (self.lsl.lib().push_sample_strtp)(self.handle, one.as_ptr(), timestamp, 1) };
        check(rc)
    }

    /// True while at least one reader is connected.
    pub fn has_readers(&self) -> bool {
        // SAFETY: a live outlet.
        unsafe { (self.lsl.lib().have_consumers)(self.handle) != 0 }
    }
}

fn check(rc: i32) -> Result<(), LslError> {
    if rc == 0 {
        Ok(())
    } else {
        Err(LslError::Failed(format!("push refused (error {rc})")))
    }
}

impl Drop for Outlet {
    fn drop(&mut self) {
        // SAFETY: destroyed exactly once.
        unsafe { (self.lsl.lib().destroy_outlet)(self.handle) };
    }
}
