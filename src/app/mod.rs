//! Orchestration at the application edge: validated plan -> runner -> outputs. `anyhow` lives here.

pub mod api;
mod calibrate;
mod compare;
mod discover;
mod explore;
mod explorer;
mod journey;
mod merge;
mod report;
pub mod shell;
mod sweep;
mod validate;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};

use crate::cli::{Cli, Command, RunArgs};
use crate::error::ScenarioError;
use crate::output::{self, Manifest, ScenarioFile};
use crate::runner::{run_replications, Runner};
use crate::scenario::{self, Scenario};

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

/// Create and lock an output folder and check that it can be written, before anything runs: a
/// folder another command writes, or one that cannot be written, is bad input (exit code 2).
pub(crate) fn lock_out(dir: &Path) -> Result<output::lock::FolderLock> {
    Ok(output::lock::prepare(dir).map_err(BadInput)?)
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
        Command::Check { scenario } => {
            let s = scenario::load(&scenario).map_err(BadInput)?;
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

fn hash_sources(s: &Scenario) -> (Vec<ScenarioFile>, String) {
    let mut all = Sha256::new();
    let files = s
        .loaded
        .sources
        .iter()
        .map(|(path, bytes)| {
            all.update(bytes);
            ScenarioFile {
                path: path.display().to_string(),
                sha256: hex(&Sha256::digest(bytes)),
            }
        })
        .collect();
    (files, hex(&all.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

/// A mean with its 95% interval for `--json`: `n`, `mean`, `sd`, `ci95_low`, `ci95_high` (null when
/// not defined, e.g. the interval of one replication).
pub(crate) fn interval_json(i: &crate::stats::Interval) -> serde_json::Value {
    serde_json::json!({
        "n": i.n,
        "mean": i.mean,
        "sd": i.sd,
        "ci95_low": i.low,
        "ci95_high": i.high,
    })
}

/// Print the one JSON document of `--json` on standard output (and nothing else goes there).
/// Numbers that are not defined (NaN, infinite) are `null`.
pub(crate) fn print_json(command: &str, mut doc: serde_json::Value) -> Result<()> {
    use std::io::Write;
    if let Some(map) = doc.as_object_mut() {
        let mut head = serde_json::Map::new();
        head.insert("program".into(), env!("CARGO_PKG_NAME").into());
        head.insert("version".into(), env!("CARGO_PKG_VERSION").into());
        head.insert("command".into(), command.into());
        head.append(map);
        *map = head;
    }
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
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
const RUN_OUTPUTS: &[&str] = &[
    "summary.csv",
    "headline.csv",
    "timeseries.csv",
    "manifest.json",
];

fn run_scenario(args: &RunArgs) -> Result<()> {
    let scenario = scenario::load(&args.scenario).map_err(BadInput)?;
    let scenario = explorer::at_scale_arg(scenario, args.scale, &args.scenario)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.scenario));
    let _lock = lock_out(&out_dir)?;
    let runner = Runner::new(args.threads).context("cannot start worker threads")?;
    let threads = runner.threads();
    let quiet = args.quiet || args.json;
    let bar = progress_bar(args.replications, quiet, "replications");
    bar.set_message(scenario.name().to_string());
    let started = Instant::now();
    let runs = run_replications(
        &runner,
        &scenario.params,
        args.seed,
        args.replications,
        &|| bar.inc(1),
    )?;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    // The four outputs are written as a set: staged, then moved in with the manifest last.
    let set = output::files::FileSet::new(&out_dir)?;
    let summary = output::summarise(&runs);
    output::write_summary(&set.path("summary.csv"), &runs)?;
    output::write_headline(&set.path("headline.csv"), &summary)?;
    output::write_timeseries(
        &set.path("timeseries.csv"),
        &runs,
        &scenario.loaded.raw.time.start_date,
    )?;
    let (files, hash) = hash_sources(&scenario);
    let children: u64 = runs.iter().map(|r| r.summary.arrived).sum();
    let events: u64 = runs.iter().map(|r| r.summary.events).sum();
    let manifest = Manifest {
        program: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        scenario: scenario.name().to_string(),
        scenario_files: files,
        scenario_hash: hash,
        seed: args.seed,
        replications: args.replications,
        threads,
        wall_time_seconds: wall,
        children_per_second: children as f64 / wall.max(1e-9),
        events_per_second: events as f64 / wall.max(1e-9),
        outputs: RUN_OUTPUTS.to_vec(),
        caveats: output::CAVEATS.to_vec(),
        scale: (args.scale != 1.0).then_some(args.scale),
    };
    output::write_manifest(&set.path("manifest.json"), &manifest)?;
    set.commit(RUN_OUTPUTS, "manifest.json")?;

    if !quiet {
        println!(
            "Scenario \"{}\" ({}): {} replications, seed {}, {} threads, {:.1} s",
            scenario.name(),
            args.scenario.display(),
            args.replications,
            args.seed,
            threads,
            wall
        );
        print!("{}", output::table(&summary));
        println!(
            "Outputs in {}/ (summary.csv, headline.csv, timeseries.csv, manifest.json)",
            out_dir.display()
        );
        println!("Caveats:");
        for c in output::CAVEATS {
            println!("  - {c}");
        }
    }
    if args.report {
        report::build(
            std::slice::from_ref(&out_dir),
            &out_dir.join("report.html"),
            quiet,
        )?;
    }
    if args.json {
        let metrics: serde_json::Map<String, serde_json::Value> = summary
            .iter()
            .map(|(name, i)| (name.to_string(), interval_json(i)))
            .collect();
        let headline: Vec<&str> = crate::sim::metrics::HEADLINE.to_vec();
        print_json(
            "run",
            serde_json::json!({
                "scenario": scenario.name(),
                "scenario_file": args.scenario.display().to_string(),
                "scenario_hash": manifest.scenario_hash,
                "seed": args.seed,
                "replications": args.replications,
                "scale": args.scale,
                "out": out_dir.display().to_string(),
                "files": RUN_OUTPUTS,
                "report": args.report.then(|| out_dir.join("report.html").display().to_string()),
                "headline": headline,
                "metrics": metrics,
            }),
        )?;
    }
    Ok(())
}
