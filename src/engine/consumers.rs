//! What the engine tells its consumers about a stream: the recorder's setup and the outputs' layout.

use super::DISPLAY_RATE_HZ;
use crate::dsp::{DspConfig, EffectiveDsp};
use crate::session::{Recorder, RecorderSetup, SessionError};
use crate::source::StreamInfo;
use crate::stream_out::OutputLayout;
use std::path::Path;

/// What the outputs publish about this stream: the user's muscle names when set, the board's otherwise.
pub(super) fn output_layout(
    info: &StreamInfo,
    effective: &EffectiveDsp,
    meta: &crate::session::SessionMeta,
) -> OutputLayout {
    let names = if meta.channel_names.len() == info.channels() {
        meta.channel_names.clone()
    } else {
        info.channel_names.clone()
    };
    let manufacturer = match info.kind {
        crate::source::SourceKind::Simulator => "Innervate (simulated board)",
        crate::source::SourceKind::FileReplay => "Innervate (file replay)",
        crate::source::SourceKind::Serial => "serial board",
        crate::source::SourceKind::Brainflow => "board through BrainFlow",
        crate::source::SourceKind::Lsl => "LSL stream",
    };
    let samples_per_point = (info.sample_rate / DISPLAY_RATE_HZ).ceil().max(1.0);
    OutputLayout {
        source: info.description.clone(),
        manufacturer: manufacturer.into(),
        sample_rate: info.sample_rate,
        display_rate: info.sample_rate / samples_per_point,
        rms_ms: effective.envelope_window_samples as f64 / effective.sample_rate_hz * 1000.0,
        pair_names: info
            .pairs
            .iter()
            .map(|p| {
                let n = |i: usize| names.get(i).cloned().unwrap_or_default();
                format!("{}/{}", n(p.agonist), n(p.antagonist))
            })
            .collect(),
        channel_names: names,
        mvc_uv: meta.mvc_uv.clone(),
    }
}

/// Starts the recording of this stream, with the user's muscle names in the sidecar when they are set.
pub(super) fn make_recorder(
    info: &StreamInfo,
    dsp: &DspConfig,
    effective: &EffectiveDsp,
    wav_path: &Path,
    max_frames: Option<u64>,
    meta: &crate::session::SessionMeta,
) -> Result<Recorder, SessionError> {
    let mut info = info.clone();
    // The user's muscle names (from an exercise setup) go into the sidecar instead of the board's labels.
    if meta.channel_names.len() == info.channels() {
        info.channel_names = meta.channel_names.clone();
    }
    Recorder::start(RecorderSetup {
        wav_path: wav_path.to_path_buf(),
        info,
        dsp: dsp.clone(),
        effective: effective.clone(),
        max_frames,
        meta: meta.clone(),
    })
}
