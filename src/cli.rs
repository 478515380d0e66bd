//! Command-line structs (clap) only. Turned into a validated plan by `app`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "custody-sim",
    version,
    about = "Agent-based simulator of the US custody pipeline for unaccompanied children (synthetic data only)",
    after_help = "Exit codes: 0 success, 1 run failed, 2 bad input (command line or scenario file)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its outputs.
    Run(RunArgs),
    /// Validate a scenario file without running it.
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of independent replications (1 to 100000).
    #[arg(short, long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub replications: u64,
    /// Master seed: every random stream is derived from it.
    #[arg(short, long, default_value_t = 20190101)]
    pub seed: u64,
    /// Worker threads (0 = all cores). Results do not depend on it.
    #[arg(short, long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1024))]
    pub threads: u64,
    /// Output folder (default: `outputs/<scenario file name>`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no table.
    #[arg(short, long)]
    pub quiet: bool,
}
