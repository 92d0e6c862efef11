//! `innervate bench lsl`: how late LSL is, both ways, with the reference liblsl (no pylsl, no SciPy).
//!
//! - **Out**: the simulated board (8 channels, 2 kHz) in real time with the LSL outlets on; per block, the
//!   time from the DSP thread taking it off the ring (its arrival in the pipeline) to liblsl accepting its
//!   push ([`crate::stream_out::OutputStatus::latencies_us`]).
//! - **In**: an outlet made here with liblsl (standing in for a device's software: 4 channels, 2 kHz, 10
//!   samples every 5 ms, as pylsl would push) read back by Innervate's `--lsl` source; per push, the time
//!   from the push until the engine's display output carries a value computed from its last sample.

use super::percentile;
use crate::engine::{Engine, EngineOptions};
use crate::lsl::{Lsl, Outlet, StreamSpec};
use crate::source::OpenSource;
use crate::source::lsl_in::{LslConfig, LslSource};
use crate::source::reader::Pace;
use crate::source::simulator::{SimConfig, Simulator};
use crate::stream_out::OutputChoice;
use std::time::{Duration, Instant};

/// Percentiles of one direction, ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    /// Measurements.
    pub n: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

fn figures(mut ms: Vec<f64>) -> Figures {
    ms.sort_by(f64::total_cmp);
    Figures {
        n: ms.len(),
        p50_ms: percentile(&ms, 0.5),
        p99_ms: percentile(&ms, 0.99),
        max_ms: ms.last().copied().unwrap_or(f64::NAN),
    }
}

/// Sample arrival to LSL push, over `seconds` of the simulated board.
pub fn out_latency(seconds: f64) -> Result<Figures, String> {
    let sim = Simulator::new(SimConfig {
        channels: 8,
        ..SimConfig::default()
    })
    .map_err(|e| e.to_string())?;
    let options = EngineOptions {
        pace: Pace::RealTime { speed: 1.0 },
        outputs: OutputChoice {
            lsl: true,
            osc: None,
        },
        ..EngineOptions::default()
    };
    let engine = Engine::start(Box::new(sim), options, None).map_err(|e| e.to_string())?;
    std::thread::sleep(Duration::from_secs_f64(seconds));
    let us = engine
        .outputs()
        .map(|o| o.status().latencies_us())
        .unwrap_or_default();
    drop(engine);
    // The first half second is start-up.
    let skip = us.len().min((2000.0 * 0.5 / 64.0) as usize);
    Ok(figures(
        us[skip..].iter().map(|&u| u as f64 / 1000.0).collect(),
    ))
}

/// An LSL push (10 samples every 5 ms, 4 channels at 2 kHz) to Innervate's display output.
pub fn in_latency(seconds: f64) -> Result<Figures, String> {
    let lsl = Lsl::load().map_err(|e| e.to_string())?;
    let spec = StreamSpec {
        name: "Innervate bench device".into(),
        content_type: "EMG".into(),
        rate: 2000.0,
        strings: false,
        source_id: "innervate-bench-device".into(),
        channels: (1..=4)
            .map(|i| [format!("Channel {i}"), "microvolts".into(), "EMG".into()])
            .collect(),
        acquisition: vec![],
        extra: vec![],
    };
    let outlet = Outlet::create(&lsl, &spec).map_err(|e| e.to_string())?;
    let source = LslSource::connect(&LslConfig {
        query: "source_id='innervate-bench-device'".into(),
        markers: None,
        wait_s: 5.0,
    })
    .map_err(|e| e.to_string())?;
    let engine = Engine::start_source(
        OpenSource::Lsl(Box::new(source)),
        EngineOptions::default(),
        None,
    )
    .map_err(|e| e.to_string())?;
    let rx = engine.display().clone();
    let pusher = std::thread::spawn(move || {
        let t0 = lsl.local_clock();
        let started = Instant::now();
        let mut pushes: Vec<(u64, Instant)> = Vec::new();
        let mut data = [0f32; 40];
        let mut stamps = [0f64; 10];
        let mut i = 0u64;
        while started.elapsed().as_secs_f64() < seconds {
            for (k, s) in stamps.iter_mut().enumerate() {
                *s = t0 + (i + k as u64) as f64 / 2000.0;
            }
            for (k, v) in data.iter_mut().enumerate() {
                *v = ((i as usize * 4 + k) % 97) as f32;
            }
            if outlet.push_chunk(&data, &stamps).is_ok() {
                i += 10;
                pushes.push((i, Instant::now()));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        pushes
    });
    let mut seen: Vec<(u64, Instant)> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds + 3.0);
    while Instant::now() < deadline {
        if let Ok(c) = rx.recv_timeout(Duration::from_millis(50)) {
            seen.push((c.latest_sample + 1, Instant::now()));
        }
        if pusher.is_finished() && seen.len() > 10 && rx.is_empty() {
            std::thread::sleep(Duration::from_millis(200));
            seen.extend(rx.try_iter().map(|c| (c.latest_sample + 1, Instant::now())));
            break;
        }
    }
    let pushes = pusher
        .join()
        .map_err(|_| "the pushing thread failed".to_string())?;
    drop(engine);
    // Stream index 0 is the first sample Innervate received: the pushes line up from there.
    let mut ms = Vec::new();
    let mut j = 0;
    for &(end, at) in pushes.iter().skip(100) {
        while j < seen.len() && seen[j].0 < end {
            j += 1;
        }
        if let Some(&(_, shown)) = seen.get(j) {
            ms.push(shown.saturating_duration_since(at).as_secs_f64() * 1000.0);
        }
    }
    Ok(figures(ms))
}
