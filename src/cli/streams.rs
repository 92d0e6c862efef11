//! `innervate streams`: the Lab Streaming Layer streams this machine can see (what `--lsl` can read).

use anyhow::Result;
use clap::Args;
use innervate::lsl::{Lsl, resolve};
use innervate::source::lsl_in::unfit;

/// `streams`' flags.
#[derive(Args, Debug)]
pub struct StreamsArgs {
    /// Seconds to look.
    #[arg(long, default_value_t = 2.0)]
    wait: f64,
}

/// Lists the streams: name, type, channels, rate, format, host, source_id, and whether `--lsl` can use it.
pub fn run(args: StreamsArgs) -> Result<()> {
    let lsl = Lsl::load()?;
    let found = resolve(&lsl, None, args.wait);
    if found.is_empty() {
        println!("No LSL streams found (looked for {:.1} s).", args.wait);
    }
    for s in found {
        let fit = unfit(&s).map_or("usable with --lsl".to_string(), |w| format!("not EMG: {w}"));
        println!(
            "{}\ttype {}\t{} ch\t{} Hz\t{}\thost {}\tsource_id {}\t{fit}",
            s.name, s.content_type, s.channels, s.rate, s.format, s.host, s.source_id
        );
    }
    Ok(())
}
