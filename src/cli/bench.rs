//! `innervate bench`: end-to-end latency through a pseudo-terminal, printed as a Markdown table.

use anyhow::Result;
use clap::Args;

/// `bench`'s flags.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Frames to measure per configuration.
    #[arg(long, default_value_t = 20_000)]
    frames: usize,
}

/// Measures both configurations and prints the method, the table and where the other figures are.
pub fn run(args: BenchArgs) -> Result<()> {
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
        "DSP throughput: cargo bench --bench dsp_chain; UI frame time: cargo test --release --test ui_frame_time"
    );
    println!(
        "-- --nocapture; memory: scripts/measure_recorder_memory.sh (see docs/PERFORMANCE.md)."
    );
    Ok(())
}
