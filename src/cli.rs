//! Command-line structs (clap) only. Turned into a validated plan by `app`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The command line: one command and its options.
#[derive(Debug, Parser)]
#[command(
    name = "custody-sim",
    version,
    about = "Agent-based simulator of the US custody pipeline for unaccompanied children (synthetic data only)",
    after_help = "Exit codes: 0 success, 1 run failed, 2 bad input (command line or scenario file)."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its outputs.
    Run(RunArgs),
    /// Validate a scenario file without running it.
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Print nothing when the scenario is valid (the exit code says it: 0 valid, 2 not).
        #[arg(short, long)]
        quiet: bool,
    },
    /// Compare reforms with a baseline under common random numbers (paired differences).
    Compare(CompareArgs),
    /// Run a parameter sweep (grid, Latin hypercube, Morris, Sobol) described by a sweep file.
    Sweep(SweepArgs),
    /// Merge the outputs of sweep (or explore) shards into one folder.
    Merge(MergeArgs),
    /// Run reforms in many futures (uncertain assumptions) with common random numbers: regret and
    /// robustness of each reform.
    Explore(ExploreArgs),
    /// Scenario discovery (PRIM) on an explore's outputs: the boxes of uncertain parameters where
    /// a condition on a reform holds, and which assumptions matter.
    Discover(DiscoverArgs),
    /// Compare a scenario with published figures (a targets file); exit 1 if any misses.
    Validate(ValidateArgs),
    /// Fit free parameters to published targets (ABC rejection), reporting held-out targets apart.
    Calibrate(CalibrateArgs),
    /// Follow one synthetic child through one replication: what happened, and which agency knew
    /// where the child lived, when.
    Journey(JourneyArgs),
    /// Write one self-contained HTML report (charts inline, works offline) from output folders.
    Report(ReportArgs),
    /// Write a classroom explorer: one offline HTML page with levers and charts over a grid of
    /// scenarios, and a teacher's mode.
    Explorer(ExplorerArgs),
    /// Print a shell completion script on standard output (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Write the manual pages: custody-sim.1 and one page per command (custody-sim-run.1, ...).
    Man(ManArgs),
}

/// Worker threads, for every command that runs simulations in parallel.
#[derive(Debug, Args)]
pub struct Workers {
    /// Worker threads (0 = all cores). Results do not depend on it.
    #[arg(short, long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1024))]
    pub threads: u64,
}

/// What a command that ends with a table prints: no progress bar and no table with `--quiet`, one
/// JSON document with `--json`.
#[derive(Debug, Args)]
pub struct Printing {
    /// No progress bar and no table.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print one JSON document on standard output (headline results with their intervals, the
    /// output folder, the seed, the identity hash) and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// `--json` alone, for a command whose `--quiet` is its own (`sweep`, `discover`).
#[derive(Debug, Args)]
pub struct JsonOutput {
    /// Print one JSON document on standard output (headline results with their intervals, the
    /// output folder, the seed, the identity hash) and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder for the pages (created if missing).
    #[arg(short, long, default_value = "man")]
    pub out: PathBuf,
}

/// Options of `explorer`.
#[derive(Debug, Args)]
pub struct ExplorerArgs {
    /// Explorer file (TOML): the base scenario, 2-5 levers of 2-5 levels, the teacher's steps.
    #[arg(default_value = "scenarios/explorer/default.toml")]
    pub explorer: PathBuf,
    /// The HTML page to write (one self-contained file).
    #[arg(short, long, default_value = "outputs/explorer.html")]
    pub out: PathBuf,
    /// Share of the cohort simulated (0.001 to 1): arrivals and every capacity are multiplied by it.
    #[arg(long, default_value_t = 0.1)]
    pub scale: f64,
    /// Replications per setting (2 to 100: every number shown has a 95% interval).
    #[arg(short, long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(2..=100))]
    pub replications: u64,
    /// Master seed, shared by every setting (common random numbers).
    #[arg(short, long, default_value_t = 20190101)]
    pub seed: u64,
    /// A calibrated posterior: a calibration's output folder (its `ensemble.csv`) or the file.
    /// Every setting runs at each of --draws draws (-r replications each), and the page shades the
    /// range the assumptions allow beside the random draws' band.
    #[arg(long, value_name = "DIR")]
    pub posterior: Option<PathBuf>,
    /// With --posterior: how many draws, spread evenly over the ensemble (2 to 1000).
    #[arg(long, value_name = "N", default_value_t = 10, requires = "posterior", value_parser = clap::value_parser!(u64).range(2..=1000))]
    pub draws: u64,
    /// `--threads`.
    #[command(flatten)]
    pub workers: Workers,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `journey`.
#[derive(Debug, Args)]
pub struct JourneyArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Follow the child with this id (0-based, in order of arrival).
    #[arg(long, value_name = "ID", conflicts_with = "typical_unlocatable")]
    pub child: Option<u32>,
    /// Follow the median child (by id) among those unlocatable at the horizon (the default).
    #[arg(long)]
    pub typical_unlocatable: bool,
    /// Master seed.
    #[arg(short, long, default_value_t = 20190101)]
    pub seed: u64,
    /// Which replication to run (0-based).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=99_999))]
    pub replication: u64,
    /// Output folder (default: `outputs/journey-<scenario file name>`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output folders of `run`, `compare`, `sweep` or `journey` (one or more).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// The HTML file to write; its charts go to `<file stem>_charts/` beside it.
    #[arg(short, long, default_value = "outputs/report.html")]
    pub out: PathBuf,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Calibration file (TOML; see scenarios/calibration/example.toml).
    pub calibration: PathBuf,
    /// Continue an interrupted calibration in the same folder: skip candidates already complete.
    #[arg(long)]
    pub resume: bool,
    /// ABC-SMC on a cluster: print the open round ("round G FROM COUNT": generation G, particles
    /// FROM..FROM+COUNT) or "done", run nothing, and stop.
    #[arg(long, conflicts_with_all = ["shard", "emit_slurm"])]
    pub next_round: bool,
    /// ABC-SMC on a cluster: run only shard K of N of the open round (its particles dealt
    /// round-robin) into the shard's own log, and stop.
    #[arg(long, value_name = "K/N", conflicts_with = "emit_slurm")]
    pub shard: Option<Shard>,
    /// ABC-SMC: write Slurm scripts (each round a job array of N shards, and a driver job that
    /// submits round after round until the calibration stops, then writes its results) and stop.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub emit_slurm: Option<u64>,
    /// `#SBATCH` settings of the emitted scripts.
    #[command(flatten)]
    pub slurm: SlurmFlags,
    /// `--threads`.
    #[command(flatten)]
    pub workers: Workers,
    /// Output folder (default: `outputs/calibrate-<calibration file name>`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json`.
    #[command(flatten)]
    pub printing: Printing,
}

/// Options of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Targets file (TOML; see scenarios/targets/published.toml).
    #[arg(long)]
    pub targets: PathBuf,
    /// Replications (1 to 100000).
    #[arg(short, long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub replications: u64,
    /// Master seed.
    #[arg(short, long, default_value_t = 20190101)]
    pub seed: u64,
    /// Share of the cohort simulated (0.001 to 1): arrivals and every capacity are multiplied by
    /// it, as `run --scale` does; targets that count children or events are compared per whole
    /// cohort (the model's count divided by the share), shares and means as they are.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// `--threads`.
    #[command(flatten)]
    pub workers: Workers,
    /// Output folder (default: `outputs/validate-<scenario file name>`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json`.
    #[command(flatten)]
    pub printing: Printing,
}

/// A shard `K/N`: the K-th of N parts (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part (1 to `n`).
    pub k: u64,
    /// How many parts.
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("\"{s}\": expected K/N with 1 <= K <= N <= 100000, e.g. 3/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n || n > 100_000 {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

/// `#SBATCH` settings of emitted Slurm scripts (with `--emit-slurm`).
#[derive(Debug, Args)]
pub struct SlurmFlags {
    /// With --emit-slurm: the partition (`#SBATCH --partition`; overrides `[slurm]` in the file).
    #[arg(long, requires = "emit_slurm")]
    pub partition: Option<String>,
    /// With --emit-slurm: the time limit per shard, e.g. 02:00:00 (`#SBATCH --time`).
    #[arg(long, requires = "emit_slurm")]
    pub time: Option<String>,
    /// With --emit-slurm: memory per shard, e.g. 4G (`#SBATCH --mem`).
    #[arg(long, requires = "emit_slurm")]
    pub mem: Option<String>,
    /// With --emit-slurm: the account to charge (`#SBATCH --account`).
    #[arg(long, requires = "emit_slurm")]
    pub account: Option<String>,
    /// With --emit-slurm: one more `#SBATCH` option, e.g. --sbatch=--qos=short (repeatable).
    #[arg(
        long,
        value_name = "OPTION",
        requires = "emit_slurm",
        allow_hyphen_values = true
    )]
    pub sbatch: Vec<String>,
}

/// Options of `sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (TOML; see scenarios/sweeps/).
    pub sweep: PathBuf,
    /// Continue an interrupted sweep in the same folder: skip runs already complete.
    #[arg(long)]
    pub resume: bool,
    /// Run only shard K of N (a deterministic partition of the runs), e.g. --shard 2/8.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Also write `points_long.csv`: points.csv in long format, one row per point, metric and
    /// statistic (remembered in sweep.json: `--resume` and `merge` write it too).
    #[arg(long)]
    pub long: bool,
    /// Write a Slurm job-array script for N shards plus a dependent merge job, and stop.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub emit_slurm: Option<u64>,
    /// `#SBATCH` settings of the emitted scripts.
    #[command(flatten)]
    pub slurm: SlurmFlags,
    /// `--threads`.
    #[command(flatten)]
    pub workers: Workers,
    /// Output folder (default: `outputs/<sweep file name>`, or its `shard-K-of-N` subfolder).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// No progress bar and no ranking.
    #[arg(short, long)]
    pub quiet: bool,
    /// `--json`.
    #[command(flatten)]
    pub output: JsonOutput,
}

/// Options of `explore`.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// Explore file (TOML; see scenarios/explore/).
    pub explore: PathBuf,
    /// Continue an interrupted explore in the same folder: skip runs already complete.
    #[arg(long)]
    pub resume: bool,
    /// Run only shard K of N (a deterministic partition of the runs), e.g. --shard 2/8.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Print the policies and the uncertain parameters with their ranges, and stop.
    #[arg(long)]
    pub list: bool,
    /// `--threads`.
    #[command(flatten)]
    pub workers: Workers,
    /// Output folder (default: `outputs/explore-<file name>`, or its `shard-K-of-N` subfolder).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// `--quiet` and `--json`.
    #[command(flatten)]
    pub printing: Printing,
}

/// Options of `discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Output folder of `custody-sim explore` (merged, if it ran in shards).
    pub explore_dir: PathBuf,
    /// The policy the condition is about (its name in outcomes.csv, e.g. integrated_record).
    #[arg(long)]
    pub reform: String,
    /// The metric (default: the explore's first metric).
    #[arg(long)]
    pub metric: Option<String>,
    /// The condition that marks a future as a case: `QUANTITY OP NUMBER`, QUANTITY one of value,
    /// baseline, difference (reform - baseline), improvement (better than the baseline, in the
    /// metric's better direction), regret; e.g. "improvement < 1000".
    #[arg(long, allow_hyphen_values = true)]
    pub condition: String,
    /// The default box: the densest on the trajectory with at least this coverage.
    #[arg(long, default_value_t = 0.5)]
    pub min_coverage: f64,
    /// Choose this step of the peeling trajectory instead (see prim_trajectory.csv).
    #[arg(long = "box", value_name = "STEP")]
    pub box_step: Option<u64>,
    /// Share of the box's futures cut off at each peeling step.
    #[arg(long, default_value_t = 0.05)]
    pub peel_alpha: f64,
    /// Share of the box's futures taken back at each pasting step.
    #[arg(long, default_value_t = 0.05)]
    pub paste_alpha: f64,
    /// Peeling stops before a box holds fewer than this share of the futures.
    #[arg(long, default_value_t = 0.05)]
    pub min_mass: f64,
    /// Output folder (default: `<EXPLORE_DIR>/discover-<reform>`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// `--json`.
    #[command(flatten)]
    pub output: JsonOutput,
}

/// Options of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard output folders of one sweep.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged outputs.
    #[arg(short, long)]
    pub out: PathBuf,
    /// Also write `points_long.csv` (as `sweep --long`; written anyway if the shards were run
    /// with --long).
    #[arg(long)]
    pub long: bool,
    /// No ranking printed.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print one JSON document on standard output (as the merged sweep's or explore's `--json`)
    /// and nothing else there.
    #[arg(long)]
    pub json: bool,
}

/// Options of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Baseline scenario file.
    pub baseline: PathBuf,
    /// Reform scenario files (one or more).
    #[arg(required = true)]
    pub reforms: Vec<PathBuf>,
    /// Replications per scenario (2 to 100000: a paired interval needs 2); with --target-ci, the first batch.
    #[arg(short, long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    pub replications: u64,
    /// Master seed, shared by every scenario (common random numbers).
    #[arg(short, long, default_value_t = 20190101)]
    pub seed: u64,
    /// `--threads`.
    #[command(flatten)]
    pub workers: Workers,
    /// Keep adding replications until every headline difference's 95% half-width is below W.
    /// With --posterior: keep doubling the draws (or the replications per draw, where the random
    /// draws' part of the variance is the larger) until every headline effect's mean over the
    /// posterior is known to within W (95% half-width).
    #[arg(long, value_name = "W")]
    pub target_ci: Option<f64>,
    /// A calibrated posterior: a calibration's output folder (its `ensemble.csv`) or the file.
    /// Every reform against the baseline at each of --draws draws (paired within a draw), with
    /// the assumptions' interval beside the random draws'; -r is then replications per draw.
    #[arg(long, value_name = "DIR")]
    pub posterior: Option<PathBuf>,
    /// With --posterior: how many draws, spread evenly over the ensemble (1 to 100000).
    #[arg(long, value_name = "N", default_value_t = 20, requires = "posterior", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub draws: u64,
    /// Share of the cohort simulated (0.001 to 1): arrivals and every capacity are multiplied by
    /// it, as `run --scale` does (after a posterior draw's values).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Cap on replications per scenario with --target-ci (with --posterior: on draws x
    /// replications per draw).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    pub max_replications: u64,
    /// Output folder (default: `outputs/compare-<baseline file name>`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Also write `report.html` (self-contained, with charts) into the output folder.
    #[arg(long)]
    pub report: bool,
    /// `--quiet` and `--json`.
    #[command(flatten)]
    pub printing: Printing,
}

/// Options of `run`.
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
    /// `--threads`.
    #[command(flatten)]
    pub workers: Workers,
    /// Output folder (default: `outputs/<scenario file name>`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Share of the cohort simulated (0.001 to 1): arrivals and every capacity are multiplied by
    /// it, as `explorer` does.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// A calibrated posterior: a calibration's output folder (its `ensemble.csv`) or the file.
    /// Runs the scenario at each of --draws draws (-r replications each) and reports every
    /// metric with the assumptions' interval beside the random draws' (`posterior_metrics.csv`).
    #[arg(long, value_name = "DIR", conflicts_with = "report")]
    pub posterior: Option<PathBuf>,
    /// With --posterior: how many draws, spread evenly over the ensemble (1 to 100000).
    #[arg(long, value_name = "N", default_value_t = 20, requires = "posterior", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub draws: u64,
    /// Also write `report.html` (self-contained, with charts) into the output folder.
    #[arg(long)]
    pub report: bool,
    /// `--quiet` and `--json`.
    #[command(flatten)]
    pub printing: Printing,
}
