//! `innervate bench`: measurements printed as Markdown tables. `bench` (or `bench latency`): end-to-end
//! latency through a pseudo-terminal; `bench offline`: analyze against SciPy and the exports against a copy;
//! `bench sound`: the DSP thread's per-block time with sound off and on, and the sound's latency;
//! `bench lsl`: LSL's latency out (arrival to push) and in (push to display).

use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `bench`'s flags: a part to measure; with none, the latency (its flags may follow `bench` directly).
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    part: Option<Part>,
    #[command(flatten)]
    latency: LatencyArgs,
}

/// The parts of `bench`.
#[derive(Subcommand, Debug)]
enum Part {
    /// End-to-end latency through a pseudo-terminal (the default).
    Latency(LatencyArgs),
    /// A 1-hour 16-channel 2 kHz recording through `innervate analyze` next to a SciPy band-pass + notch +
    /// RMS script, and through the EDF+ and CSV exports next to a plain copy (build with --release first).
    Offline(OfflineArgs),
    /// The DSP thread's per-block time with sound off and on (alternating rounds, same run) and the latency
    /// from a crossing of the target line to the sound device (build with --release first).
    Sound(SoundBenchArgs),
    /// LSL latency with the reference liblsl: a sample's arrival to its LSL push, and an LSL push to the
    /// display output of Innervate's `--lsl` source (needs liblsl, e.g. `pip install pylsl`).
    Lsl(LslBenchArgs),
}

/// `bench lsl`'s flags.
#[derive(Args, Debug, PartialEq)]
struct LslBenchArgs {
    /// Seconds of each direction.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
}

/// `bench sound`'s flags.
#[derive(Args, Debug, PartialEq)]
struct SoundBenchArgs {
    /// Rounds of each (off, on, off, on, ...).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Seconds of each round.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Seconds of the real-time latency run.
    #[arg(long, default_value_t = 30.0)]
    latency_seconds: f64,
    /// ALSA device for the latency run.
    #[arg(long, default_value = "null")]
    device: String,
}

/// `bench latency`'s flags.
#[derive(Args, Debug, PartialEq)]
struct LatencyArgs {
    /// Frames to measure per configuration.
    #[arg(long, default_value_t = 20_000)]
    frames: usize,
}

/// `bench offline`'s flags.
#[derive(Args, Debug, PartialEq)]
struct OfflineArgs {
    /// Length of the recording, s (shorter for a quick run).
    #[arg(long, default_value_t = 3600.0)]
    duration: f64,
    /// Keep the recording and the exports in this folder (a recording of the right length found there is
    /// reused) [default: a temporary folder, deleted afterwards].
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Leave out the SciPy baseline (the report says so).
    #[arg(long)]
    no_scipy: bool,
    /// Times analyze and the SciPy script this many times each, alternating, and reports each one's median.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

/// Runs the part asked for.
pub fn run(args: BenchArgs) -> Result<()> {
    match args.part {
        None => latency(args.latency),
        Some(Part::Latency(a)) => latency(a),
        Some(Part::Offline(a)) => offline(a),
        Some(Part::Sound(a)) => {
            let b = innervate::perf::sound::run(a.rounds, a.seconds, a.latency_seconds, &a.device)
                .map_err(anyhow::Error::msg)?;
            print!("{}", innervate::perf::sound::report(&b));
            Ok(())
        }
        Some(Part::Lsl(a)) => lsl(a),
    }
}

fn lsl(args: LslBenchArgs) -> Result<()> {
    anyhow::ensure!(args.seconds > 1.0, "--seconds must be above 1");
    let out = innervate::perf::lsl::out_latency(args.seconds).map_err(anyhow::Error::msg)?;
    let inn = innervate::perf::lsl::in_latency(args.seconds).map_err(anyhow::Error::msg)?;
    println!(
        "LSL latency (innervate bench lsl, {} s each, reference liblsl)\n",
        args.seconds
    );
    println!("| path | measurements | p50 ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- |");
    for (what, f) in [
        ("sample arrival (DSP thread) -> LSL push, 8 ch x 2 kHz", out),
        (
            "LSL push (10 samples / 5 ms) -> display output, 4 ch x 2 kHz",
            inn,
        ),
    ] {
        println!(
            "| {what} | {} | {:.3} | {:.3} | {:.3} |",
            f.n, f.p50_ms, f.p99_ms, f.max_ms
        );
    }
    Ok(())
}

fn offline(args: OfflineArgs) -> Result<()> {
    anyhow::ensure!(
        args.duration > 0.0,
        "--duration must be positive, not {}",
        args.duration
    );
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; the figures mean something from `cargo build --release && ./target/release/innervate bench offline`"
        );
    }
    let options = innervate::perf::offline::OfflineOptions {
        exe: std::env::current_exe()?,
        project_root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        duration_s: args.duration,
        dir: args.dir,
        scipy: !args.no_scipy,
        runs: args.runs,
    };
    let report = innervate::perf::offline::bench_offline(&options, |step| eprintln!("... {step}"))?;
    if let innervate::perf::offline_report::Baseline::Skipped(why) = &report.scipy {
        eprintln!("WARNING: the SciPy baseline was skipped: {why}");
    }
    println!("Offline: analyze and exports (innervate bench offline)\n");
    print!("{}", report.markdown());
    Ok(())
}

/// Measures both configurations and prints the method, the table and where the other figures are.
fn latency(args: LatencyArgs) -> Result<()> {
    println!(
        "End-to-end latency: a virtual Innervate board writes DATA packets into a pseudo-terminal in real"
    );
    println!(
        "time; for every frame, from the moment its packet's last byte was written until the engine's"
    );
    println!(
        "display output (what the UI reads) carries a value computed from that frame. Processing and"
    );
    println!("queues only: the RMS window's own group delay is listed separately.");
    println!();
    println!(
        "| channels x rate | frames | p50 ms | p99 ms | max ms | missing | RMS group delay ms |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (channels, rate) in [(8, 2000), (16, 4000)] {
        let r = innervate::perf::pty_latency(channels, rate, args.frames)
            .map_err(anyhow::Error::msg)?;
        println!(
            "| {} x {} Hz | {} | {:.2} | {:.2} | {:.2} | {} | {:.1} |",
            r.channels,
            r.rate_hz,
            r.frames,
            r.p50_ms,
            r.p99_ms,
            r.max_ms,
            r.missing,
            r.rms_group_delay_ms
        );
    }
    println!();
    println!(
        "DSP throughput: cargo bench --bench dsp_chain; offline analyze and exports: innervate bench offline;"
    );
    println!("UI frame time: cargo test --release --test ui_frame_time -- --nocapture; memory:");
    println!("scripts/measure_recorder_memory.sh (see docs/PERFORMANCE.md).");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Bench {
        #[command(flatten)]
        args: BenchArgs,
    }

    fn parse(args: &[&str]) -> Result<BenchArgs, clap::Error> {
        Bench::try_parse_from(std::iter::once("bench").chain(args.iter().copied())).map(|b| b.args)
    }

    #[test]
    fn plain_bench_is_the_latency_as_before() {
        let a = parse(&[]).unwrap();
        assert!(a.part.is_none());
        assert_eq!(a.latency, LatencyArgs { frames: 20_000 });
        let a = parse(&["--frames", "500"]).unwrap();
        assert!(a.part.is_none());
        assert_eq!(a.latency.frames, 500);
        match parse(&["latency", "--frames", "7"]).unwrap().part {
            Some(Part::Latency(l)) => assert_eq!(l.frames, 7),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn offline_part_and_its_flags() {
        match parse(&["offline"]).unwrap().part {
            Some(Part::Offline(o)) => assert_eq!(
                o,
                OfflineArgs {
                    duration: 3600.0,
                    dir: None,
                    no_scipy: false,
                    runs: 3
                }
            ),
            other => panic!("{other:?}"),
        }
        match parse(&["offline", "--duration", "5", "--dir", "d", "--no-scipy"])
            .unwrap()
            .part
        {
            Some(Part::Offline(o)) => {
                assert_eq!(o.duration, 5.0);
                assert_eq!(o.dir, Some(PathBuf::from("d")));
                assert!(o.no_scipy);
            }
            other => panic!("{other:?}"),
        }
        assert!(parse(&["offline", "--frames", "5"]).is_err());
        assert!(parse(&["--frames", "5", "offline"]).is_err());
    }
}
