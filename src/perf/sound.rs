//! `innervate bench sound`: what sound costs the DSP thread, and how late the sound is.
//!
//! - **Per-block time**: the simulated board (16 channels at 2 kHz, played 4x faster than real time so the
//!   DSP thread never waits on anything) runs with sound off and on, alternating, in the same run; the DSP
//!   thread's own per-block time ([`LinkStats::dsp_busy_ns`](crate::stats::LinkStats)) is compared.
//! - **Latency**: the simulated board in real time with the tone on ALSA's `null` device (or the device
//!   asked for); for each crossing of the target line, the time from the crossing's sample to its frames
//!   being handed to the library plus the device's reported delay ([`crate::audio::SoundStatus`]).

use crate::audio::{CuePlan, CueSet, SoundSetup, SoundState};
use crate::dsp::DspConfig;
use crate::engine::{Engine, EngineError, EngineOptions};
use crate::source::reader::Pace;
use crate::source::simulator::{SimConfig, Simulator};
use crate::stats::LinkStats;
use std::time::{Duration, Instant};

/// What one bench run measured.
#[derive(Clone, Debug)]
pub struct SoundBench {
    /// Mean DSP time per block in each round with sound off, us.
    pub off_us: Vec<f64>,
    /// The same with sound on, us.
    pub on_us: Vec<f64>,
    /// Blocks per round (about).
    pub blocks_per_round: u64,
    /// The device the latency was measured on, and its state.
    pub device: String,
    /// Crossings measured, mean and largest latency, ms.
    pub latency: Option<(u64, f64, f64)>,
    /// Whether the device played (else why not).
    pub state: SoundState,
}

impl SoundBench {
    /// Median of on/off ratios of the rounds.
    pub fn ratio(&self) -> f64 {
        let mut r: Vec<f64> = self
            .on_us
            .iter()
            .zip(&self.off_us)
            .map(|(on, off)| on / off)
            .collect();
        r.sort_by(f64::total_cmp);
        r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
    }
}

fn sim(channels: usize) -> Result<Simulator, String> {
    Simulator::new(SimConfig {
        channels,
        sample_rate: 2000.0,
        ..SimConfig::default()
    })
    .map_err(|e| e.to_string())
}

fn start(source: Simulator, options: EngineOptions) -> Result<Engine, String> {
    Engine::start(Box::new(source), options, None).map_err(|e: EngineError| e.to_string())
}

fn plan(engine_pairs: &[crate::dsp::MusclePair], target_uv: f64) -> CuePlan {
    CuePlan {
        target_uv,
        ..CuePlan::default_for(engine_pairs, 0, DspConfig::default().envelope_window_s)
    }
}

/// Mean DSP time per block over `seconds` of wall time, with or without sound, us.
fn round(seconds: f64, sound: bool) -> Result<(f64, u64), String> {
    let source = sim(16)?;
    let pairs = crate::source::FrameGenerator::info(&source).pairs.clone();
    let options = EngineOptions {
        pace: Pace::RealTime { speed: 4.0 },
        sound: sound.then(|| SoundSetup {
            plan: plan(&pairs, 100.0),
            cues: CueSet::ALL,
            volume: 0.8,
            device: Some("null".into()),
            wav: None,
        }),
        ..EngineOptions::default()
    };
    let engine = start(source, options)?;
    let drain = Instant::now();
    while drain.elapsed().as_secs_f64() < seconds {
        // The window would take the display chunks; here they are thrown away.
        while engine.display().try_recv().is_ok() {}
        std::thread::sleep(Duration::from_millis(10));
    }
    let stats = engine.stats().clone();
    drop(engine);
    let blocks = LinkStats::get(&stats.dsp_blocks);
    let ns = LinkStats::get(&stats.dsp_busy_ns);
    Ok((ns as f64 / blocks.max(1) as f64 / 1000.0, blocks))
}

/// Latency on `device` over `seconds` of the simulated board in real time.
fn latency(seconds: f64, device: &str) -> Result<(Option<(u64, f64, f64)>, SoundState), String> {
    let source = sim(2)?;
    let pairs = crate::source::FrameGenerator::info(&source).pairs.clone();
    let options = EngineOptions {
        sound: Some(SoundSetup {
            plan: plan(&pairs, 100.0),
            cues: CueSet {
                tone: true,
                ..CueSet::NONE
            },
            volume: 0.8,
            device: Some(device.to_string()),
            wav: None,
        }),
        ..EngineOptions::default()
    };
    let engine = start(source, options)?;
    let started = Instant::now();
    while started.elapsed().as_secs_f64() < seconds {
        while engine.display().try_recv().is_ok() {}
        std::thread::sleep(Duration::from_millis(10));
    }
    let sound = engine.sound().map(|s| {
        let st = s.status();
        let n = LinkStats::get(&st.crossings);
        (st.latency_ms().map(|(mean, max)| (n, mean, max)), s.state())
    });
    drop(engine);
    Ok(sound.unwrap_or((None, SoundState::Off("no sound".into()))))
}

/// Runs `rounds` rounds of each (off, on, off, on, ...) of `seconds` each, then the latency run.
pub fn run(
    rounds: usize,
    seconds: f64,
    latency_s: f64,
    device: &str,
) -> Result<SoundBench, String> {
    let (mut off_us, mut on_us, mut blocks) = (Vec::new(), Vec::new(), 0);
    for _ in 0..rounds.max(1) {
        let (off, b) = round(seconds, false)?;
        let (on, _) = round(seconds, true)?;
        off_us.push(off);
        on_us.push(on);
        blocks = b;
    }
    let (latency, state) = latency(latency_s, device)?;
    Ok(SoundBench {
        off_us,
        on_us,
        blocks_per_round: blocks,
        device: device.to_string(),
        latency,
        state,
    })
}

/// The bench as a Markdown table with its method.
pub fn report(b: &SoundBench) -> String {
    let mut out = String::new();
    out.push_str("| round | sound off, us/block | sound on, us/block | on/off |\n| --- | --- | --- | --- |\n");
    for (k, (off, on)) in b.off_us.iter().zip(&b.on_us).enumerate() {
        out.push_str(&format!(
            "| {} | {off:.2} | {on:.2} | {:.3} |\n",
            k + 1,
            on / off
        ));
    }
    out.push_str(&format!(
        "\nMedian on/off ratio: {:.3} (16 channels at 2 kHz, 64-frame blocks, about {} blocks a round; \
         the DSP thread's own time per block: chain, display, sound hand-off)\n",
        b.ratio(),
        b.blocks_per_round
    ));
    match (&b.latency, &b.state) {
        (Some((n, mean, max)), _) => out.push_str(&format!(
            "Latency on `{}` over {n} target-line crossings: mean {mean:.1} ms, max {max:.1} ms \
             (crossing sample -> frames handed to ALSA + the device's reported delay)\n",
            b.device
        )),
        (None, SoundState::Off(why)) => {
            out.push_str(&format!("Latency not measured: sound is off ({why})\n"))
        }
        (None, _) => out.push_str("Latency not measured: no crossing of the target line\n"),
    }
    out
}
