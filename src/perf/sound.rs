//! `innervate bench sound`: what sound costs the DSP thread, and how late the sound is.
//!
//! - **Per-block time**: the simulated board (16 channels at 2 kHz, played 4x faster than real time so the
//!   DSP thread never waits on anything) runs with sound off and on, alternating, in the same run. Compared:
//!   the DSP thread's CPU time per block (the kernel's `schedstat` for that thread: what it costs, whatever
//!   else the shared machine runs) and its wall time per block ([`LinkStats::dsp_busy_ns`]
//!   (crate::stats::LinkStats), which also counts the times it was preempted).
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

/// One round's DSP thread figures per block, us.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerBlock {
    /// CPU time per block (`None` where the kernel does not report it).
    pub cpu_us: Option<f64>,
    /// Wall time per block, preemption included.
    pub wall_us: f64,
}

impl PerBlock {
    /// The CPU figure, or the wall one without it.
    pub fn best(&self) -> f64 {
        self.cpu_us.unwrap_or(self.wall_us)
    }
}

/// Crossings of the target line measured, and their mean and largest latency, ms.
pub type Latency = (u64, f64, f64);

/// What one bench run measured.
#[derive(Clone, Debug)]
pub struct SoundBench {
    /// Each round with sound off.
    pub off: Vec<PerBlock>,
    /// Each round with sound on.
    pub on: Vec<PerBlock>,
    /// Blocks per round (about).
    pub blocks_per_round: u64,
    /// The device the latency was measured on, and its state.
    pub device: String,
    /// Crossings measured, mean and largest latency, ms.
    pub latency: Option<Latency>,
    /// Whether the device played (else why not).
    pub state: SoundState,
}

impl SoundBench {
    /// Median of the rounds' on/off ratios of wall time per block.
    pub fn wall_ratio(&self) -> f64 {
        let mut r: Vec<f64> = self
            .on
            .iter()
            .zip(&self.off)
            .map(|(on, off)| on.wall_us / off.wall_us)
            .collect();
        r.sort_by(f64::total_cmp);
        r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
    }

    /// Median of the rounds' on/off ratios of CPU time per block (wall time without it).
    pub fn ratio(&self) -> f64 {
        let mut r: Vec<f64> = self
            .on
            .iter()
            .zip(&self.off)
            .map(|(on, off)| match (on.cpu_us, off.cpu_us) {
                (Some(a), Some(b)) => a / b,
                _ => on.wall_us / off.wall_us,
            })
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

/// The DSP thread's `/proc` folder (Linux), once it has named itself (it does so as it starts).
fn dsp_task() -> Option<std::path::PathBuf> {
    for _ in 0..200 {
        for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            if comm.trim() == "innervate-dsp" {
                return Some(task.path());
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    None
}

/// CPU time a thread has run, ns, from the kernel's per-thread `schedstat`.
fn cpu_ns(task: Option<&std::path::Path>) -> Option<u64> {
    let stat = std::fs::read_to_string(task?.join("schedstat")).ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// The DSP thread's time per block over `seconds` of wall time, with or without sound.
fn round(seconds: f64, sound: bool) -> Result<(PerBlock, u64), String> {
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
    let task = dsp_task();
    let cpu0 = cpu_ns(task.as_deref());
    let blocks0 = LinkStats::get(&engine.stats().dsp_blocks);
    let drain = Instant::now();
    while drain.elapsed().as_secs_f64() < seconds {
        // The window would take the display chunks; here they are thrown away.
        while engine.display().try_recv().is_ok() {}
        std::thread::sleep(Duration::from_millis(10));
    }
    let cpu1 = cpu_ns(task.as_deref());
    let stats = engine.stats().clone();
    let cpu_blocks = LinkStats::get(&stats.dsp_blocks) - blocks0;
    drop(engine);
    let blocks = LinkStats::get(&stats.dsp_blocks);
    let ns = LinkStats::get(&stats.dsp_busy_ns);
    let cpu_us = match (cpu0, cpu1) {
        (Some(a), Some(b)) if b > a && cpu_blocks > 0 => {
            Some((b - a) as f64 / cpu_blocks as f64 / 1000.0)
        }
        _ => None,
    };
    Ok((
        PerBlock {
            cpu_us,
            wall_us: ns as f64 / blocks.max(1) as f64 / 1000.0,
        },
        blocks,
    ))
}

/// Latency on `device` over `seconds` of the simulated board in real time.
fn latency(seconds: f64, device: &str) -> Result<(Option<Latency>, SoundState), String> {
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
    let (mut off_all, mut on_all, mut blocks) = (Vec::new(), Vec::new(), 0);
    for _ in 0..rounds.max(1) {
        let (off, b) = round(seconds, false)?;
        let (on, _) = round(seconds, true)?;
        off_all.push(off);
        on_all.push(on);
        blocks = b;
    }
    let (latency, state) = latency(latency_s, device)?;
    Ok(SoundBench {
        off: off_all,
        on: on_all,
        blocks_per_round: blocks,
        device: device.to_string(),
        latency,
        state,
    })
}

/// The bench as a Markdown table with its method.
pub fn report(b: &SoundBench) -> String {
    let mut out = String::new();
    let cpu = |p: &PerBlock| p.cpu_us.map_or("-".to_string(), |c| format!("{c:.2}"));
    out.push_str(
        "| round | CPU us/block, off | CPU us/block, on | on/off | wall us/block, off | wall us/block, on |\n\
         | --- | --- | --- | --- | --- | --- |\n",
    );
    for (k, (off, on)) in b.off.iter().zip(&b.on).enumerate() {
        out.push_str(&format!(
            "| {} | {} | {} | {:.3} | {:.2} | {:.2} |\n",
            k + 1,
            cpu(off),
            cpu(on),
            match (on.cpu_us, off.cpu_us) {
                (Some(a), Some(b)) => a / b,
                _ => on.wall_us / off.wall_us,
            },
            off.wall_us,
            on.wall_us
        ));
    }
    out.push_str(&format!(
        "\nMedian on/off ratio of the DSP thread's CPU time per block: {:.3}; of its wall time per block: \
         {:.3} (16 channels at 2 kHz, 64-frame blocks, about {} blocks a round: the chain, the display, \
         the sound hand-off)\n",
        b.ratio(),
        b.wall_ratio(),
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
