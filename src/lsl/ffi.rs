//! The entry points of the reference liblsl that Innervate calls, loaded at run time with `libloading`.
//!
//! Signatures follow liblsl's public C headers (`lsl/outlet.h`, `inlet.h`, `resolver.h`, `streaminfo.h`,
//! `xml.h`, `common.h`); handles are opaque pointers.

use std::ffi::{c_char, c_double, c_int, c_ulong, c_void};

/// An `lsl_streaminfo`.
pub type Info = *mut c_void;
/// An `lsl_outlet`.
pub type Outlet = *mut c_void;
/// An `lsl_inlet`.
pub type Inlet = *mut c_void;
/// An `lsl_xml_ptr`.
pub type Xml = *mut c_void;

/// `cft_float32` of `lsl_channel_format_t`.
pub const CF_FLOAT32: c_int = 1;
/// `cft_double64`.
pub const CF_DOUBLE64: c_int = 2;
/// `cft_string`.
pub const CF_STRING: c_int = 3;
/// `cft_int32`.
pub const CF_INT32: c_int = 4;
/// `cft_int16`.
pub const CF_INT16: c_int = 5;
/// `cft_int8`.
pub const CF_INT8: c_int = 6;
/// `cft_int64`.
pub const CF_INT64: c_int = 7;
/// `lsl_lost_error`: the stream's source went away (and `recover` could not bring it back).
pub const LOST_ERROR: i32 = -2;

/// The functions used, resolved once when the library is loaded.
pub struct Lib {
    pub local_clock: unsafe extern "C" fn() -> c_double,
    pub library_version: unsafe extern "C" fn() -> i32,
    pub create_streaminfo: unsafe extern "C" fn(
        *const c_char,
        *const c_char,
        i32,
        c_double,
        c_int,
        *const c_char,
    ) -> Info,
    pub destroy_streaminfo: unsafe extern "C" fn(Info),
    pub get_desc: unsafe extern "C" fn(Info) -> Xml,
    pub get_name: unsafe extern "C" fn(Info) -> *const c_char,
    pub get_type: unsafe extern "C" fn(Info) -> *const c_char,
    pub get_source_id: unsafe extern "C" fn(Info) -> *const c_char,
    pub get_hostname: unsafe extern "C" fn(Info) -> *const c_char,
    pub get_uid: unsafe extern "C" fn(Info) -> *const c_char,
    pub get_channel_count: unsafe extern "C" fn(Info) -> i32,
    pub get_nominal_srate: unsafe extern "C" fn(Info) -> c_double,
    pub get_channel_format: unsafe extern "C" fn(Info) -> c_int,
    pub append_child: unsafe extern "C" fn(Xml, *const c_char) -> Xml,
    pub append_child_value: unsafe extern "C" fn(Xml, *const c_char, *const c_char) -> Xml,
    pub child: unsafe extern "C" fn(Xml, *const c_char) -> Xml,
    pub next_sibling_n: unsafe extern "C" fn(Xml, *const c_char) -> Xml,
    pub child_value_n: unsafe extern "C" fn(Xml, *const c_char) -> *const c_char,
    pub empty: unsafe extern "C" fn(Xml) -> i32,
    pub create_outlet: unsafe extern "C" fn(Info, i32, i32) -> Outlet,
    pub destroy_outlet: unsafe extern "C" fn(Outlet),
    pub push_chunk_ftnp:
        unsafe extern "C" fn(Outlet, *const f32, c_ulong, *const c_double, i32) -> i32,
    pub push_sample_strtp: unsafe extern "C" fn(Outlet, *const *const c_char, c_double, i32) -> i32,
    pub have_consumers: unsafe extern "C" fn(Outlet) -> i32,
    pub resolve_all: unsafe extern "C" fn(*mut Info, u32, c_double) -> i32,
    pub resolve_bypred: unsafe extern "C" fn(*mut Info, u32, *const c_char, i32, c_double) -> i32,
    pub create_inlet: unsafe extern "C" fn(Info, i32, i32, i32) -> Inlet,
    pub destroy_inlet: unsafe extern "C" fn(Inlet),
    pub get_fullinfo: unsafe extern "C" fn(Inlet, c_double, *mut i32) -> Info,
    pub open_stream: unsafe extern "C" fn(Inlet, c_double, *mut i32),
    pub pull_chunk_f: unsafe extern "C" fn(
        Inlet,
        *mut f32,
        *mut c_double,
        c_ulong,
        c_ulong,
        c_double,
        *mut i32,
    ) -> c_ulong,
    pub pull_sample_str:
        unsafe extern "C" fn(Inlet, *mut *mut c_char, i32, c_double, *mut i32) -> c_double,
    pub destroy_string: unsafe extern "C" fn(*mut c_char),
    /// Keeps the functions above valid.
    pub _lib: libloading::Library,
}

impl Lib {
    /// Resolves every entry point of `lib`; the error names the first one missing.
    pub fn bind(lib: libloading::Library) -> Result<Lib, String> {
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the type matches the function's declaration in liblsl's C headers; the pointer
                // stays valid while `_lib` lives in the same struct.
                *unsafe { lib.get($name) }.map_err(|e: libloading::Error| e.to_string())?
            };
        }
        Ok(Lib {
            local_clock: sym!(b"lsl_local_clock"),
            library_version: sym!(b"lsl_library_version"),
            create_streaminfo: sym!(b"lsl_create_streaminfo"),
            destroy_streaminfo: sym!(b"lsl_destroy_streaminfo"),
            get_desc: sym!(b"lsl_get_desc"),
            get_name: sym!(b"lsl_get_name"),
            get_type: sym!(b"lsl_get_type"),
            get_source_id: sym!(b"lsl_get_source_id"),
            get_hostname: sym!(b"lsl_get_hostname"),
            get_uid: sym!(b"lsl_get_uid"),
            get_channel_count: sym!(b"lsl_get_channel_count"),
            get_nominal_srate: sym!(b"lsl_get_nominal_srate"),
            get_channel_format: sym!(b"lsl_get_channel_format"),
            append_child: sym!(b"lsl_append_child"),
            append_child_value: sym!(b"lsl_append_child_value"),
            child: sym!(b"lsl_child"),
            next_sibling_n: sym!(b"lsl_next_sibling_n"),
            child_value_n: sym!(b"lsl_child_value_n"),
            empty: sym!(b"lsl_empty"),
            create_outlet: sym!(b"lsl_create_outlet"),
            destroy_outlet: sym!(b"lsl_destroy_outlet"),
            push_chunk_ftnp: sym!(b"lsl_push_chunk_ftnp"),
            push_sample_strtp: sym!(b"lsl_push_sample_strtp"),
            have_consumers: sym!(b"lsl_have_consumers"),
            resolve_all: sym!(b"lsl_resolve_all"),
            resolve_bypred: sym!(b"lsl_resolve_bypred"),
            create_inlet: sym!(b"lsl_create_inlet"),
            destroy_inlet: sym!(b"lsl_destroy_inlet"),
            get_fullinfo: sym!(b"lsl_get_fullinfo"),
            open_stream: sym!(b"lsl_open_stream"),
            pull_chunk_f: sym!(b"lsl_pull_chunk_f"),
            pull_sample_str: sym!(b"lsl_pull_sample_str"),
            destroy_string: sym!(b"lsl_destroy_string"),
            _lib: lib,
        })
    }
}
