//! `innervate record`: a session (WAV + JSON sidecar) from any source, without a window.

use super::sound_args::SoundArgs;
use super::source_args::SourceArgs;
use anyhow::{Context, Result, bail};
use clap::Args;
use innervate::engine::{Engine, EngineOptions, RecordRequest};
use innervate::source::reader::Pace;
use innervate::stats::{LinkState, LinkStats};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `record`'s flags: the source, how long, where to.
#[derive(Args, Debug)]
pub struct RecordArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Seconds of signal to record.
    #[arg(long)]
    duration: f64,
    /// Output WAV path (the JSON sidecar is written next to it).
    #[arg(long)]
    out: PathBuf,
    /// Run the simulator or a file faster than real time (nothing is dropped).
    #[arg(long)]
    fast: bool,
    #[command(flatten)]
    sound: SoundArgs,
    #[command(flatten)]
    outputs: super::output_args::OutputArgs,
}

/// Records `--duration` seconds and prints what was written.
pub fn run(args: RecordArgs) -> Result<()> {
    if !(args.duration.is_finite() && args.duration > 0.0) {
        bail!("--duration must be a positive number of seconds");
    }
    let dsp = args.source.dsp();
    // Bad cue names or a missing setup are reported before anything starts.
    args.sound.cues()?;
    let outputs = args.outputs.choice()?;
    let exercise = args
        .sound
        .exercise(&[super::gui::data_root().join("sessions").join("setups")])?;
    let opened = args.source.open()?;
    let fs = opened.info().sample_rate;
    let sound = args
        .sound
        .setup(opened.info(), dsp.envelope_window_s, &[], exercise.as_ref())?;
    let frames = (args.duration * fs).round() as u64;
    let pace = if args.fast {
        Pace::Unthrottled
    } else {
        Pace::RealTime { speed: 1.0 }
    };
    let wav = innervate::session::wav_path(&args.out);
    let options = EngineOptions {
        dsp,
        pace,
        lossless_display: false,
        record_from_start: Some(RecordRequest {
            wav_path: wav.clone(),
            max_frames: Some(frames),
        }),
        sound,
        outputs,
    };
    let mut engine = Engine::start_source(opened, options, None)
        .with_context(|| format!("cannot record to {}", wav.display()))?;
    eprintln!(
        "Recording {:.1} s from {} ({} ch at {fs} Hz) to {}",
        args.duration,
        engine.info().description,
        engine.info().channels(),
        wav.display()
    );
    if let Some(s) = engine.sound() {
        super::sound_args::report_state(&s.state());
    }
    if let Some(o) = engine.outputs() {
        eprintln!("{}", super::output_args::describe(o.choice()));
    }
    let started = Instant::now();
    let recorder = loop {
        if let Some(r) = engine.take_finished_recording() {
            break r;
        }
        if matches!(engine.stats().state(), LinkState::Failed) {
            let msg = engine.stats().error().unwrap_or_default();
            if let Some(r) = engine.stop_recording() {
                let _ = r.wait();
            }
            bail!("the source failed: {msg}");
        }
        // A real-time source that stalls must not hang a script for ever.
        if started.elapsed() > Duration::from_secs_f64(args.duration * 3.0 + 30.0) && !args.fast {
            bail!("the recording did not finish in time: the source delivered too few samples");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stats = engine.stats().clone();
    let latency = engine.sound().and_then(|s| s.status().latency_ms());
    if let Some(Err(e)) = engine.stop_sound() {
        eprintln!("warning: {e}");
    }
    if let Some((mean, max)) = latency {
        eprintln!(
            "Sound latency (target-line crossing to the device): mean {mean:.1} ms, max {max:.1} ms"
        );
    }
    drop(engine);
    let summary = recorder.wait()?;
    println!(
        "Wrote {} frames ({:.3} s) to {} and {}; dropped blocks {}, missing samples {}",
        summary.frames,
        summary.seconds,
        summary.wav_path.display(),
        summary.sidecar_path.display(),
        LinkStats::get(&stats.ring_overflows),
        LinkStats::get(&stats.frames_missing)
    );
    if summary.frames < frames {
        eprintln!("note: the source ended after {:.3} s", summary.seconds);
    }
    Ok(())
}
