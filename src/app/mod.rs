//! Orchestration at the application edge: validated plan -> runner -> outputs. `anyhow` lives here.

pub mod api;
mod calibrate;
mod calibrate_smc;
mod compare;
mod compare_posterior;
mod discover;
mod explore;
mod explorer;
#[cfg(test)]
mod fuzz_tests;
mod journey;
mod merge;
mod outcome;
mod report;
mod runs;
pub mod shell;
mod sweep;
mod validate;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Cli, Command, RunArgs};
use crate::error::ScenarioError;
use crate::output;
use crate::output::manifest::{self, hash_sources};
use crate::output::schema::{self, headline, summary, timeseries, MANIFEST};
use crate::runner::{each_replication, RunResult, Runner};
use crate::scenario;
use outcome::{CommandOutcome, RunOutcome};

/// Bad input (exit code 2) as opposed to a failed run (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BadInput(#[from] pub ScenarioError);

/// An error from the output layer, as bad input (exit code 2) if it is a [`ScenarioError`] (an
/// output folder that holds other results, for instance), else unchanged.
pub(crate) fn bad_input(e: anyhow::Error) -> anyhow::Error {
    match e.downcast::<ScenarioError>() {
        Ok(s) => BadInput(s).into(),
        Err(e) => e,
    }
}

/// The shard a campaign command runs (`--shard K/N`, or the whole campaign) and its output folder:
/// a shard always writes to `<out>/shards/shard-K-of-N`, where `merge.sbatch` looks for it.
pub(crate) fn shard_folder(
    arg: Option<crate::cli::Shard>,
    base: PathBuf,
) -> (crate::experiment::campaign::Shard, PathBuf) {
    match arg {
        Some(s) => {
            let shard = crate::experiment::campaign::Shard { k: s.k, n: s.n };
            (shard, shard.folder(&base))
        }
        None => (crate::experiment::campaign::Shard::WHOLE, base),
    }
}

/// Create and lock an output folder and check that it can be written, before anything runs: a
/// folder another command writes, or one that cannot be written, is bad input (exit code 2).
pub(crate) fn lock_out(dir: &Path, kind: &str) -> Result<output::lock::FolderLock> {
    Ok(output::lock::prepare(dir, kind).map_err(BadInput)?)
}

/// Environment variable that stands in for the free disk space of every output folder, in bytes:
/// a hook for testing the refusal of runs that cannot fit (read here, at the application edge).
pub const FREE_BYTES_ENV: &str = "CUSTODY_SIM_FREE_BYTES";

/// Refuse (as bad input, before anything is written) a run whose `timeseries.csv` cannot fit in
/// the space free in `dir`: at
/// least two bytes a value (a digit and a comma) on every row, one row per replication and day.
/// A lower bound, so a refusal is never wrong (the baseline's rows take about four times that).
fn room_for_timeseries(dir: &Path, s: &scenario::Scenario, replications: u64) -> Result<()> {
    let rows = replications.saturating_mul(u64::from(s.params.horizon_days) + 1);
    let need = rows.saturating_mul(2 * timeseries::columns().len() as u64);
    let free = match std::env::var(FREE_BYTES_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(free) => free,
        None => {
            // The folder may not exist yet: the space of the nearest folder that does. A file
            // system that cannot say leaves nothing to check against.
            let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            let Some(existing) = dir.ancestors().find(|a| a.is_dir()) else {
                return Ok(());
            };
            let Ok(free) = fs4::available_space(existing) else {
                return Ok(());
            };
            free
        }
    };
    if need > free {
        return Err(BadInput(ScenarioError::NoRoom {
            what: format!(
                "timeseries.csv of {replications} replications ({rows} rows of {} values)",
                timeseries::columns().len()
            ),
            path: dir.to_path_buf(),
            need,
            free,
        })
        .into());
    }
    Ok(())
}

/// Carry out one command. A [`BadInput`] in the error chain means exit code 2, any other error 1.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run_scenario(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Explore(args) => explore::explore(&args),
        Command::Discover(args) => discover::discover(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Journey(args) => journey::journey(&args),
        Command::Report(args) => report::report(&args),
        Command::Explorer(args) => explorer::explorer(&args),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
        Command::Check { scenario, quiet } => {
            let s = scenario::load(&scenario).map_err(BadInput)?;
            if quiet {
                return Ok(());
            }
            println!(
                "{}: valid scenario \"{}\" ({} days)",
                scenario.display(),
                s.name(),
                s.params.horizon_days
            );
            Ok(())
        }
    }
}

/// A progress bar on standard error, hidden when quiet or not a terminal.
pub(crate) fn progress_bar(len: u64, quiet: bool, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let template = format!("{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit}, eta {{eta}}");
    bar.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// The default output folder: `outputs/<file stem>`.
pub(crate) fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    PathBuf::from("outputs").join(stem)
}

/// The files of a run, replaced together; `manifest.json` is moved in last.
const RUN_OUTPUTS: [&str; 4] = [summary::FILE, headline::FILE, timeseries::FILE, MANIFEST];

fn run_scenario(args: &RunArgs) -> Result<()> {
    if args.posterior.is_some() {
        return compare_posterior::run_over_posterior(args);
    }
    let scenario = scenario::load(&args.scenario).map_err(BadInput)?;
    let scenario = explorer::at_scale_arg(scenario, args.scale, &args.scenario)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.scenario));
    room_for_timeseries(&out_dir, &scenario, args.replications)?;
    let _lock = lock_out(&out_dir, "run")?;
    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let threads = runner.threads();
    let quiet = args.printing.quiet || args.printing.json;
    let bar = progress_bar(args.replications, quiet, "replications");
    bar.set_message(scenario.name().to_string());
    // The four outputs are written as a set: staged, then moved in with the manifest last. The
    // daily series go to the staged timeseries.csv a batch of replications at a time, as they
    // finish, and are dropped once written: memory does not grow with the replications (each
    // keeps only its totals).
    let set = output::files::FileSet::new(&out_dir)?;
    let started = Instant::now();
    let mut runs: Vec<RunResult> = Vec::new();
    output::files::write_atomic(&set.path(timeseries::FILE), |w| {
        let mut csv = output::TimeseriesCsv::new(w, &scenario.loaded.raw.time.start_date)?;
        each_replication(
            &runner,
            &scenario.params,
            args.seed,
            args.replications,
            &|| bar.inc(1),
            &mut |mut r: RunResult| -> Result<()> {
                csv.add(&r)?;
                r.days = Vec::new();
                runs.push(r);
                Ok(())
            },
        )?;
        csv.finish()
    })?;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let summary = output::summarise(&runs);
    output::write_summary(&set.path(summary::FILE), &runs)?;
    output::write_headline(&set.path(headline::FILE), &summary)?;
    let (scenario_files, scenario_hash) = hash_sources(&scenario);
    let mut outcome = RunOutcome {
        scenario: scenario.name().to_string(),
        scenario_file: args.scenario.display().to_string(),
        scenario_hash,
        seed: args.seed,
        replications: args.replications,
        scale: args.scale,
        out: out_dir.display().to_string(),
        files: RUN_OUTPUTS.map(String::from).to_vec(),
        report: None,
        headline: crate::sim::metrics::HEADLINE.to_vec(),
        metrics: summary,
        scenario_files,
        threads,
        wall_time_seconds: wall,
        children: runs.iter().map(|r| r.summary.arrived).sum(),
        events: runs.iter().map(|r| r.summary.events).sum(),
    };
    manifest::write(&set.path(MANIFEST), &outcome.manifest())?;
    set.commit(&RUN_OUTPUTS, MANIFEST)?;

    if !quiet {
        print!("{}", outcome.summary());
    }
    if args.report {
        let (report, files) = write_report(&out_dir, quiet)?;
        outcome.report = Some(report);
        outcome.files.extend(files);
        manifest::write(&out_dir.join(MANIFEST), &outcome.manifest())?;
    }
    if args.printing.json {
        outcome.print_json()?;
    }
    Ok(())
}

/// `--report` of `run` and `compare`: `report.html` in the output folder, from that folder. Returns
/// the report's path and every file it wrote, relative to the folder: `report.html`, then its
/// charts.
fn write_report(out_dir: &Path, quiet: bool) -> Result<(String, Vec<String>)> {
    let html = out_dir.join(schema::report::FILE);
    report::build(std::slice::from_ref(&out_dir.to_path_buf()), &html, quiet)?;
    let mut files = vec![schema::report::FILE.to_string()];
    files.extend(files_below(out_dir, &schema::report::charts_dir(&html))?);
    Ok((html.display().to_string(), files))
}

/// Every file in `dir` and its subfolders but the folder lock, as paths relative to `base` with `/`
/// between names, sorted.
pub(crate) fn files_below(base: &Path, dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries =
            std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n != output::lock::LOCK_FILE)
            {
                found.push(relative_name(base, &path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `path` relative to `base`, with `/` between names.
fn relative_name(base: &Path, path: &Path) -> String {
    let names: Vec<String> = path
        .strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    names.join("/")
}

/// The files of charts drawn into `out_dir` (each chart's SVG, then its PNG), relative to it.
pub(crate) fn chart_files(out_dir: &Path, charts: &[output::charts::Chart]) -> Vec<String> {
    charts
        .iter()
        .flat_map(|c| {
            [
                relative_name(out_dir, &c.svg),
                relative_name(out_dir, &c.png),
            ]
        })
        .collect()
}
