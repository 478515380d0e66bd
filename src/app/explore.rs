//! `custody-sim explore`: reforms x futures with common random numbers, a campaign like a sweep
//! (the campaign engine: batches appended in run order to a crash-safe `runs.csv`, resumable,
//! shardable, merged by `custody-sim merge`), then the tidy files for robustness and scenario
//! discovery.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::merge::Merge;
use super::{bad_input, lock_out, progress_bar, BadInput};
use crate::cli::{ExploreArgs, MergeArgs};
use crate::error::ScenarioError;
use crate::experiment::campaign::log::LogSpec;
use crate::experiment::campaign::{folder, Plan, Session, Shard};
use crate::experiment::explore::{self, Explore};
use crate::output::explore::{self as files, schema, ExploreInfo};
use crate::runner::{Faults, Runner};
use crate::sim::{simulate, NoObserver, RunSummary};

fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "explore".into());
    PathBuf::from("outputs").join(format!("explore-{stem}"))
}

/// An explore as a campaign: one job per run (a policy's scenario in a future, one replication,
/// its stream shared by every policy of that future and replication).
impl Plan for Explore {
    type Task = RunSummary;
    type Job = RunSummary;
    fn log(&self) -> LogSpec {
        files::log()
    }
    fn jobs(&self) -> u64 {
        self.runs()
    }
    fn run_task(&self, run: u64, _: u64) -> Result<RunSummary, String> {
        let (future, rep, policy) = self.run_of(run);
        self.scenario(future, policy)
            .map(|sc| {
                simulate(
                    &sc.params,
                    self.seed,
                    self.stream_replication(future, rep),
                    &mut NoObserver,
                )
            })
            .map_err(|err| err.to_string())
    }
    fn combine(
        &self,
        _: u64,
        mut tasks: Vec<Result<RunSummary, String>>,
    ) -> Result<RunSummary, String> {
        tasks.remove(0)
    }
    fn record(&self, run: u64, outcome: &Result<RunSummary, String>) -> Vec<String> {
        files::record(self, run, outcome)
    }
}

/// The uncertain parameters and policies, as `--list` prints them.
fn listing(e: &Explore) -> String {
    let mut s = format!(
        "{}: {} policies x {} futures x {} replications = {} runs{}\n",
        e.file.display(),
        e.policies.len(),
        e.futures.len(),
        e.replications,
        e.runs(),
        if e.scale != 1.0 {
            format!(" (cohort scaled by {})", e.scale)
        } else {
            String::new()
        }
    );
    s.push_str("Policies:\n");
    for (i, p) in e.policies.iter().enumerate() {
        s.push_str(&format!(
            "  {:<36} {}{}\n",
            p.name,
            p.file.display(),
            if i == 0 { "  (baseline)" } else { "" }
        ));
    }
    s.push_str(&format!(
        "Uncertain parameters ({}):\n  {:<58} {:>12} {:>12} {:>12}  from\n",
        e.uncertain.len(),
        "path",
        "baseline",
        "min",
        "max"
    ));
    for u in &e.uncertain {
        s.push_str(&format!(
            "  {:<58} {:>12} {:>12} {:>12}  {}{}\n",
            u.path,
            crate::output::fmt_num(u.baseline),
            crate::output::fmt_num(u.min),
            crate::output::fmt_num(u.max),
            u.origin.label(),
            if u.clipped {
                " (clipped to what the scenario accepts)"
            } else {
                ""
            }
        ));
    }
    if !e.held_by_reforms.is_empty() {
        s.push_str("Assumptions held fixed because a reform changes them:\n");
        for (p, r) in &e.held_by_reforms {
            s.push_str(&format!("  {p:<58} changed by {r}\n"));
        }
    }
    s
}

pub(super) fn explore(args: &ExploreArgs) -> Result<()> {
    let e = explore::load(&args.explore).map_err(BadInput)?;
    if args.list && args.json {
        let uncertain: Vec<serde_json::Value> = e
            .uncertain
            .iter()
            .map(|u| {
                serde_json::json!({
                    "path": u.path,
                    "baseline": u.baseline,
                    "min": u.min,
                    "max": u.max,
                    "from": u.origin.label(),
                    "clipped": u.clipped,
                })
            })
            .collect();
        let policies: Vec<serde_json::Value> = e
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| serde_json::json!({"policy": p.name, "file": p.file.display().to_string(), "baseline": i == 0}))
            .collect();
        return super::print_json(
            "explore",
            serde_json::json!({
                "explore_file": e.file.display().to_string(),
                "identity": e.identity,
                "seed": e.seed,
                "policies": policies,
                "uncertain": uncertain,
            }),
        );
    }
    if args.list {
        print!("{}", listing(&e));
        return Ok(());
    }
    let base_out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.explore));
    let shard = args
        .shard
        .map(|s| Shard { k: s.k, n: s.n })
        .unwrap_or(Shard::WHOLE);
    let (k, n) = (shard.k, shard.n);
    let out = match args.shard {
        Some(_) => shard.folder(&base_out),
        None => base_out,
    };
    let info = ExploreInfo::new(&e, k, n);
    let _lock = lock_out(&out)?;
    if args.resume && files::is_explore(&out) {
        let old: ExploreInfo = folder::read(&out)?;
        if old.identity != info.identity || (old.shard_k, old.shard_n) != (k, n) {
            return Err(BadInput(ScenarioError::Outputs {
                path: out.clone(),
                message: format!(
                    "holds a different explore or shard ({} shard {}/{}); --resume continues only the same explore file, scenarios and shard",
                    old.explore_file, old.shard_k, old.shard_n
                ),
            })
            .into());
        }
    }
    if !args.resume && out.join("sweep.json").exists() {
        return Err(BadInput(ScenarioError::Outputs {
            path: out.clone(),
            message: "already holds a sweep: choose another --out".into(),
        })
        .into());
    }
    let session = Session::open(&e, &out, shard, args.resume).map_err(bad_input)?;
    folder::write(&out, &info)?;
    let runner = Runner::new(args.threads).context("cannot start worker threads")?;
    let bar = progress_bar(session.pending_tasks(), args.quiet || args.json, "runs");
    bar.set_message(format!("{} (explore)", e.file.display()));
    let started = Instant::now();
    let ran = session.run(&runner, &Faults::from_env(), &|| bar.inc(1))?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let (pending, failed_now, mine) = (ran.done_now, ran.failed_now, ran.owned);
    if n > 1 {
        if ran.absent > 0 {
            bail!(
                "{} of the {mine} runs of shard {k}/{n} are missing from {}/{}; run the same command again with --resume",
                ran.absent,
                out.display(),
                schema::RUNS
            );
        }
        if args.json {
            super::print_json(
                "explore",
                serde_json::json!({
                    "explore_file": e.file.display().to_string(),
                    "identity": e.identity,
                    "seed": e.seed,
                    "shard": format!("{k}/{n}"),
                    "runs_in_shard": mine,
                    "runs_done_now": pending,
                    "runs_failed_now": failed_now,
                    "out": out.display().to_string(),
                    "files": [schema::RUNS, "explore.json"],
                }),
            )?;
        } else if !args.quiet {
            println!(
                "Shard {k}/{n} of {}: {} runs done now ({} were already done), {failed_now} failed, {wall:.1} s. Outputs in {}/.\nMerge the shards with: custody-sim merge <shard folders> --out <folder>",
                e.file.display(),
                pending,
                mine - pending,
                out.display()
            );
        }
    } else {
        let result = files::summarise(&e, &out)?;
        if args.json {
            json(&e, &out, &result, Some(pending as usize))?;
        } else {
            report(
                &e,
                &out,
                &result,
                args.quiet,
                Some((pending as usize, wall)),
            );
        }
        finish(&e, &out, &result)?;
    }
    if failed_now > 0 {
        bail!(
            "{failed_now} runs of shard {k}/{n} failed (their errors are in {}/{})",
            out.display(),
            schema::RUNS
        );
    }
    Ok(())
}

fn finish(e: &Explore, out: &Path, result: &files::ExploreResult) -> Result<()> {
    if result.missing > 0 {
        bail!(
            "{} of {} runs are missing from {}/{}; run the same command again with --resume",
            result.missing,
            e.runs(),
            out.display(),
            schema::RUNS
        );
    }
    if result.failed > 0 {
        bail!(
            "{} of {} runs failed (their errors are in {}/{})",
            result.failed,
            e.runs(),
            out.display(),
            schema::RUNS
        );
    }
    Ok(())
}

/// `explore --json`: the counts and every policy's robustness on every metric.
fn json(e: &Explore, out: &Path, r: &files::ExploreResult, ran: Option<usize>) -> Result<()> {
    let policies: Vec<serde_json::Value> = r
        .robustness
        .iter()
        .enumerate()
        .map(|(p, per)| {
            let metrics: serde_json::Map<String, serde_json::Value> = per
                .iter()
                .enumerate()
                .map(|(m, x)| {
                    let pct: serde_json::Map<String, serde_json::Value> = e
                        .percentiles
                        .iter()
                        .zip(&x.percentiles)
                        .map(|(q, v)| (schema::percentile_column(*q), (*v).into()))
                        .collect();
                    (
                        e.metrics[m].clone(),
                        serde_json::json!({
                            "direction": e.directions[m].label(),
                            "futures": x.futures,
                            "mean": x.mean,
                            "sd": x.sd,
                            "percentiles": pct,
                            "threshold": e.thresholds[m],
                            "beats_baseline_share": x.beats_baseline_share,
                            "mean_regret": x.mean_regret,
                            "max_regret": x.max_regret,
                        }),
                    )
                })
                .collect();
            serde_json::json!({
                "policy": e.policies[p].name,
                "file": e.policies[p].file.display().to_string(),
                "baseline": p == 0,
                "metrics": metrics,
            })
        })
        .collect();
    super::print_json(
        "explore",
        serde_json::json!({
            "explore_file": e.file.display().to_string(),
            "identity": e.identity,
            "seed": e.seed,
            "futures": e.futures.len(),
            "uncertain_parameters": e.uncertain.iter().map(|u| u.path.clone()).collect::<Vec<_>>(),
            "replications": e.replications,
            "runs": e.runs(),
            "runs_done_now": ran,
            "ok": r.ok,
            "failed": r.failed,
            "missing": r.missing,
            "out": out.display().to_string(),
            "files": [
                schema::EXPERIMENTS,
                schema::OUTCOMES,
                schema::REGRET,
                schema::ROBUSTNESS,
                schema::RUNS,
                "explore.json"
            ],
            "policies": policies,
        }),
    )
}

fn report(
    e: &Explore,
    out: &Path,
    result: &files::ExploreResult,
    quiet: bool,
    run: Option<(usize, f64)>,
) {
    if quiet {
        return;
    }
    if let Some((ran, wall)) = run {
        println!(
            "Explore {}: {ran} runs done now in {wall:.1} s",
            e.file.display()
        );
    }
    println!(
        "{} policies x {} futures ({} uncertain parameters) x {} replications = {} runs: {} ok, {} failed, {} missing",
        e.policies.len(),
        e.futures.len(),
        e.uncertain.len(),
        e.replications,
        e.runs(),
        result.ok,
        result.failed,
        result.missing
    );
    print!("{}", files::table(e, result));
    println!(
        "Outputs in {}/ (experiments.csv, outcomes.csv, regret.csv, robustness.csv, runs.csv, explore.json)",
        out.display()
    );
}

impl Merge for Explore {
    type Info = ExploreInfo;
    const WHAT: &'static str = "explore";
    const SAME_INPUTS: &'static str = "the same explore file, design and scenarios";
    const FOREIGN_LOG: &'static str = "has a different header from this program's: it was written by another version; run the explore again";
    fn load(file: &Path) -> Result<Self, ScenarioError> {
        explore::load(file)
    }
    fn identity(&self) -> &str {
        &self.identity
    }
    fn summarise_merged(&self, args: &MergeArgs, _: &[ExploreInfo]) -> Result<u64> {
        folder::write(&args.out, &ExploreInfo::new(self, 1, 1))?;
        let result = files::summarise(self, &args.out)?;
        if args.json {
            json(self, &args.out, &result, None)?;
        } else {
            report(self, &args.out, &result, args.quiet, None);
        }
        Ok(result.failed)
    }
}
