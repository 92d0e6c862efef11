//! `--lsl-out`, `--osc` and `--osc-rate`: what Innervate sends to other programs, shared by the window and
//! `record`. Everything is off unless asked for.

use anyhow::{Context, Result, bail};
use clap::Args;
use innervate::stream_out::OutputChoice;
use std::net::ToSocketAddrs;

/// Outputs to other programs.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Publish the raw EMG, the envelopes (RMS, %MVC, co-contraction) and the markers as Lab Streaming Layer
    /// streams (needs liblsl: `pip install pylsl`).
    #[arg(long)]
    lsl_out: bool,
    /// Send the envelopes, %MVC and co-contraction as OSC bundles over UDP to HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    osc: Option<String>,
    /// OSC bundles per second.
    #[arg(long, value_name = "HZ", default_value_t = 100.0, requires = "osc")]
    osc_rate: f64,
}

impl OutputArgs {
    /// The outputs asked for; a bad address or rate is an error before anything starts.
    pub fn choice(&self) -> Result<OutputChoice> {
        let osc = match &self.osc {
            None => None,
            Some(s) => {
                if !(self.osc_rate.is_finite() && self.osc_rate > 0.0 && self.osc_rate <= 1000.0) {
                    bail!(
                        "--osc-rate must be between 0 and 1000 Hz, not {}",
                        self.osc_rate
                    );
                }
                let addr = s
                    .to_socket_addrs()
                    .with_context(|| {
                        format!("--osc takes HOST:PORT (e.g. 127.0.0.1:9000), not `{s}`")
                    })?
                    .next()
                    .with_context(|| format!("--osc: `{s}` has no address"))?;
                Some((addr, self.osc_rate))
            }
        };
        Ok(OutputChoice {
            lsl: self.lsl_out,
            osc,
        })
    }
}

/// One line saying what is being sent where.
pub fn describe(choice: &OutputChoice) -> String {
    let mut parts = Vec::new();
    if choice.lsl {
        parts.push(
            "LSL streams Innervate EMG, Innervate Envelopes and Innervate Markers".to_string(),
        );
    }
    if let Some((addr, rate)) = choice.osc {
        parts.push(format!("OSC to {addr} at {rate} Hz"));
    }
    format!("Publishing: {}", parts.join("; "))
}
