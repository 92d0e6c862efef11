//! Innervate: real-time surface-EMG biofeedback.
//!
//! Data flows one way: source -> reader thread -> lock-free ring -> DSP thread -> UI snapshot and recorder.
//! See the README for the architecture and `firmware-protocol.md` for the board protocol.

pub mod analysis;
pub mod app;
pub mod audio;
pub mod block;
pub mod calendar;
pub mod calibration;
pub mod dsp;
pub mod engine;
pub mod file_error;
pub mod fsio;
pub mod lsl;
pub mod perf;
pub mod protocol;
pub mod python_package;
pub mod report;
pub mod review;
pub mod session;
pub mod settings;
pub mod source;
pub mod stats;
pub mod stream_out;
pub mod task;
pub mod training;
pub mod validation;
