//! The `innervate` command: the GUI by default, plus headless subcommands (see `cli`).

mod cli;

use clap::Parser;

fn main() -> anyhow::Result<()> {
    cli::Cli::parse().run()
}
