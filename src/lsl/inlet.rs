//! Finding streams on the network ([`resolve`]) and reading one ([`Inlet`]).

use super::{Lsl, LslError, c_string, ffi, rust_string};
use std::ffi::{c_char, c_ulong};

/// Most streams one search returns.
const MAX_RESULTS: usize = 64;

/// A stream found on the network: its header, and once an inlet is open its channel labels.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamDescription {
    /// Stream name.
    pub name: String,
    /// Content type (EMG, EEG, Markers, ...).
    pub content_type: String,
    /// Channels per sample.
    pub channels: usize,
    /// Nominal samples per second (0 = irregular).
    pub rate: f64,
    /// Value format: float32, double64, string, int32, int16, int8, int64.
    pub format: &'static str,
    /// The machine it comes from.
    pub host: String,
    /// The sender's stable identifier (may be empty).
    pub source_id: String,
    /// This run of the stream.
    pub uid: String,
    /// `desc/channels/channel/label` per channel (filled by [`Inlet::open`]; empty strings where absent).
    pub labels: Vec<String>,
}

impl StreamDescription {
    /// True for numbers (anything but strings).
    pub fn is_numeric(&self) -> bool {
        self.format != "string" && self.format != "undefined"
    }

    /// The predicate that finds this stream again after it went away: its source_id if it has one.
    pub fn again_predicate(&self) -> String {
        if self.source_id.is_empty() {
            format!("uid='{}'", self.uid)
        } else {
            format!("source_id='{}'", self.source_id)
        }
    }

    fn of(lsl: &Lsl, info: ffi::Info) -> Self {
        let l = lsl.lib();
        // SAFETY: `info` is a live streaminfo; the strings are copied before it changes.
        unsafe {
            StreamDescription {
                name: rust_string((l.get_name)(info)),
                content_type: rust_string((l.get_type)(info)),
                channels: (l.get_channel_count)(info).max(0) as usize,
                rate: (l.get_nominal_srate)(info),
                format: format_name((l.get_channel_format)(info)),
                host: rust_string((l.get_hostname)(info)),
                source_id: rust_string((l.get_source_id)(info)),
                uid: rust_string((l.get_uid)(info)),
                labels: Vec::new(),
            }
        }
    }
}

fn format_name(f: i32) -> &'static str {
    match f {
        ffi::CF_FLOAT32 => "float32",
        ffi::CF_DOUBLE64 => "double64",
        ffi::CF_STRING => "string",
        ffi::CF_INT32 => "int32",
        ffi::CF_INT16 => "int16",
        ffi::CF_INT8 => "int8",
        ffi::CF_INT64 => "int64",
        _ => "undefined",
    }
}

/// A user's query as liblsl's XPath predicate: a predicate as it is (it has `=` or `(`), else a stream name.
pub fn predicate(query: &str) -> String {
    let q = query.trim();
    if q.contains('=') || q.contains('(') {
        q.to_string()
    } else {
        format!("name='{}'", q.replace('\'', ""))
    }
}

/// The streams on the network (all of them, or those matching `query`), waiting up to `wait_s` seconds.
pub fn resolve(lsl: &Lsl, query: Option<&str>, wait_s: f64) -> Vec<StreamDescription> {
    let found = resolve_raw(lsl, query.map(predicate).as_deref(), wait_s);
    let out = found
        .iter()
        .map(|&i| StreamDescription::of(lsl, i))
        .collect();
    for i in found {
        // SAFETY: each result is ours to destroy, once.
        unsafe { (lsl.lib().destroy_streaminfo)(i) };
    }
    out
}

fn resolve_raw(lsl: &Lsl, pred: Option<&str>, wait_s: f64) -> Vec<ffi::Info> {
    let l = lsl.lib();
    let mut buf: Vec<ffi::Info> = vec![std::ptr::null_mut(); MAX_RESULTS];
    let n = match pred {
        // SAFETY: a buffer of MAX_RESULTS slots.
        None => unsafe { (l.resolve_all)(buf.as_mut_ptr(), MAX_RESULTS as u32, wait_s) },
        Some(p) => {
            let p = c_string(p);
            // SAFETY: as above, with a valid predicate string; at least one result or the timeout.
            unsafe {
                (l.resolve_bypred)(buf.as_mut_ptr(), MAX_RESULTS as u32, p.as_ptr(), 1, wait_s)
            }
        }
    };
    buf.truncate(n.clamp(0, MAX_RESULTS as i32) as usize);
    buf
}

/// What one pull gave.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pulled {
    /// Frames written.
    pub frames: usize,
    /// The stream is gone for good (liblsl could not recover it).
    pub lost: bool,
}

/// A connection to one stream.
pub struct Inlet {
    lsl: Lsl,
    handle: ffi::Inlet,
    description: StreamDescription,
}

// SAFETY: an inlet is used by one thread at a time (the reader that owns it); liblsl allows that.
unsafe impl Send for Inlet {}

impl Inlet {
    /// Connects to the first stream matching `predicate` (waiting up to `wait_s`), reads its full
    /// description (channel labels) and opens the data stream. liblsl reconnects by itself when a stream
    /// with the same source_id comes back; `buffer_s` is how much it holds for us.
    pub fn open(lsl: &Lsl, predicate: &str, wait_s: f64, buffer_s: i32) -> Result<Inlet, LslError> {
        let l = lsl.lib();
        let found = resolve_raw(lsl, Some(predicate), wait_s);
        let Some(&info) = found.first() else {
            return Err(LslError::Failed(format!("no stream matches {predicate}")));
        };
        // SAFETY: `info` is live; the inlet copies it.
        let handle = unsafe { (l.create_inlet)(info, buffer_s.max(1), 0, 1) };
        let mut description = StreamDescription::of(lsl, info);
        for i in found {
            // SAFETY: each result is ours to destroy, once.
            unsafe { (l.destroy_streaminfo)(i) };
        }
        if handle.is_null() {
            return Err(LslError::Failed(format!(
                "cannot connect to {}",
                description.name
            )));
        }
        description.labels = vec![String::new(); description.channels];
        // From here the inlet is destroyed by Drop on every path.
        let mut inlet = Inlet {
            lsl: lsl.clone(),
            handle,
            description,
        };
        let mut ec = 0;
        // SAFETY: a live inlet and a valid error slot.
        let full = unsafe { (l.get_fullinfo)(handle, wait_s.max(1.0), &mut ec) };
        if !full.is_null() {
            inlet.description.labels = channel_labels(lsl, full, inlet.description.channels);
            // SAFETY: ours to destroy.
            unsafe { (l.destroy_streaminfo)(full) };
        }
        // SAFETY: a live inlet and a valid error slot.
        unsafe { (l.open_stream)(handle, wait_s.max(1.0), &mut ec) };
        if ec != 0 {
            return Err(LslError::Failed(format!(
                "cannot open {} (error {ec})",
                inlet.description.name
            )));
        }
        Ok(inlet)
    }

    /// The stream's header and channel labels.
    pub fn description(&self) -> &StreamDescription {
        &self.description
    }

    /// Pulls what is there (waiting up to `timeout_s` for something) into `data` (interleaved, converted to
    /// float) and one timestamp per frame into `stamps` (the sender's LSL clock).
    pub fn pull_chunk(&mut self, data: &mut [f32], stamps: &mut [f64], timeout_s: f64) -> Pulled {
        let c = self.description.channels.max(1);
        let frames = (data.len() / c).min(stamps.len());
        let mut ec = 0;
        // SAFETY: `data` holds `frames * c` floats and `stamps` `frames` doubles.
        let n = unsafe {
            (self.lsl.lib().pull_chunk_f)(
                self.handle,
                data.as_mut_ptr(),
                stamps.as_mut_ptr(),
                (frames * c) as c_ulong,
                frames as c_ulong,
                timeout_s,
                &mut ec,
            )
        } as usize;
        Pulled {
            frames: n / c,
            lost: ec == ffi::LOST_ERROR,
        }
    }

    /// Pulls one string sample (a marker) and its timestamp, waiting up to `timeout_s`.
    pub fn pull_marker(&mut self, timeout_s: f64) -> Option<(String, f64)> {
        let mut text: *mut c_char = std::ptr::null_mut();
        let mut ec = 0;
        // SAFETY: one slot for the one channel; liblsl allocates the string, freed below.
        let ts = unsafe {
            (self.lsl.lib().pull_sample_str)(self.handle, &mut text, 1, timeout_s, &mut ec)
        };
        if text.is_null() {
            return None;
        }
        let s = rust_string(text);
        // SAFETY: the string liblsl allocated for us, freed once.
        unsafe { (self.lsl.lib().destroy_string)(text) };
        (ts != 0.0).then_some((s, ts))
    }
}

/// `desc/channels/channel/label` of each channel (empty where the sender gave none).
fn channel_labels(lsl: &Lsl, info: ffi::Info, channels: usize) -> Vec<String> {
    let l = lsl.lib();
    let mut labels = Vec::with_capacity(channels);
    // SAFETY: every pointer comes from the live `info`; lsl_empty tells the end of a list.
    unsafe {
        let desc = (l.get_desc)(info);
        let chans = (l.child)(desc, c"channels".as_ptr());
        let mut ch = (l.child)(chans, c"channel".as_ptr());
        while labels.len() < channels && (l.empty)(ch) == 0 {
            labels.push(rust_string((l.child_value_n)(ch, c"label".as_ptr())));
            ch = (l.next_sibling_n)(ch, c"channel".as_ptr());
        }
    }
    labels.resize(channels, String::new());
    labels
}

impl Drop for Inlet {
    fn drop(&mut self) {
        // SAFETY: destroyed exactly once.
        unsafe { (self.lsl.lib().destroy_inlet)(self.handle) };
    }
}
