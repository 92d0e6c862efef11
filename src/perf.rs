//! Measurements behind `innervate bench`: end-to-end latency through a real pseudo-terminal, and the
//! percentiles it reports; the offline figures (analyze against SciPy, exports against a copy) are in
//! [`offline`]; what sound costs the DSP thread and its latency in [`sound`]; LSL's latency both ways in [`lsl`]. (DSP throughput is `cargo bench --bench dsp_chain`; UI frame time and memory have their own
//! harnesses, see docs/PERFORMANCE.md.)

pub mod child;
pub mod lsl;
pub mod offline;
pub mod offline_report;
pub mod sound;

use crate::engine::{Engine, EngineOptions};
use crate::protocol::Protocol;
use crate::source::serial::{ProtocolChoice, SerialConfig, SerialSource};
use crate::source::virtual_board::{Faults, VirtualBoard, VirtualBoardConfig};
use std::time::{Duration, Instant};

/// Latency figures over many frames.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyReport {
    /// Channels.
    pub channels: usize,
    /// Sample rate, Hz.
    pub rate_hz: u32,
    /// Frames measured.
    pub frames: usize,
    /// Median, ms.
    pub p50_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Largest, ms.
    pub max_ms: f64,
    /// The RMS window's own group delay, ms (not included above).
    pub rms_group_delay_ms: f64,
    /// Frames that never showed up (should be 0).
    pub missing: usize,
}

/// Percentile `q` (0..=1) of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Streams `frames` frames (after half a second of start-up) from a virtual Innervate board on a pty at
/// real time and measures, for every frame, the time from the moment its packet's last byte was written into the pty until the engine's
/// display output (what the UI reads) carries a value computed from that frame.
pub fn pty_latency(channels: usize, rate_hz: u32, frames: usize) -> Result<LatencyReport, String> {
    let board = VirtualBoard::start(VirtualBoardConfig {
        protocol: Protocol::Innervate,
        channels,
        rate_hz,
        seed: 11,
        speed: 1.0,
        faults: Faults::default(),
        link: None,
        stamp_packets: true,
    })
    .map_err(|e| e.to_string())?;
    let mut config = SerialConfig::new(board.pty_path().to_string_lossy());
    config.protocol = ProtocolChoice::Fixed(Protocol::Innervate);
    let source = SerialSource::connect(config).map_err(|e| e.to_string())?;
    let engine =
        Engine::start_serial(source, EngineOptions::default(), None).map_err(|e| e.to_string())?;
    let window_s = engine.dsp_config().envelope_window_s;
    let rx = engine.display().clone();
    // The UI side: take each display update the moment it is there and note when.
    let mut seen: Vec<(u64, Instant)> = Vec::with_capacity(frames + 1024);
    let deadline =
        Instant::now() + Duration::from_secs_f64(frames as f64 / rate_hz as f64 * 2.0 + 10.0);
    // The first half second is connection start-up (threads starting while the board already streams).
    let warmup = rate_hz as u64 / 2;
    let total = warmup + frames as u64;
    let mut latest_end = 0u64;
    while latest_end < total + 1 && Instant::now() < deadline {
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(100)) {
            let at = Instant::now();
            latest_end = chunk.latest_sample + 1;
            seen.push((latest_end, at));
        }
    }
    drop(engine);
    let stamps = board.packet_stamps();
    drop(board);
    // Stamps: (frames streamed including this packet, written at). Frames of the same packet share the
    // write time; each is available when the first update covering the packet's last frame arrives.
    let mut latencies = Vec::with_capacity(frames);
    let mut missing = 0;
    let mut j = 0;
    let mut previous_end = 0u64;
    for &(end, written) in &stamps {
        if previous_end >= total {
            break;
        }
        if end <= warmup {
            previous_end = end;
            continue;
        }
        while j < seen.len() && seen[j].0 < end {
            j += 1;
        }
        let n = (end - previous_end.max(warmup)) as usize;
        match seen.get(j) {
            Some(&(_, at)) => {
                let ms = at.saturating_duration_since(written).as_secs_f64() * 1000.0;
                latencies.extend(std::iter::repeat_n(ms, n));
            }
            None => missing += n,
        }
        previous_end = end;
    }
    latencies.truncate(frames);
    latencies.sort_by(f64::total_cmp);
    Ok(LatencyReport {
        channels,
        rate_hz,
        frames: latencies.len(),
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        max_ms: latencies.last().copied().unwrap_or(f64::NAN),
        rms_group_delay_ms: window_s * 1000.0 / 2.0,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
