//! `custody-sim explore`: reforms x futures with common random numbers, a campaign like a sweep
//! (the campaign engine: batches appended in run order to a crash-safe `runs.csv`, resumable,
//! shardable, merged by `custody-sim merge`), then the tidy files for robustness and scenario
//! discovery.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::merge::Merge;
use super::outcome::{CommandOutcome, ExploreId, ExploreListing, ExploreOutcome, ShardOutcome};
use super::runs::RunCampaign;
use super::{bad_input, lock_out, progress_bar, BadInput};
use crate::cli::{ExploreArgs, MergeArgs};
use crate::error::ScenarioError;
use crate::experiment::campaign::folder::{self, Info};
use crate::experiment::campaign::log::LogSpec;
use crate::experiment::campaign::Session;
use crate::experiment::explore::{self, Explore};
use crate::output::explore::{self as files, schema, ExploreInfo};
use crate::output::sweep::SweepInfo;
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
impl RunCampaign for Explore {
    fn run_log(&self) -> LogSpec {
        files::log()
    }
    fn run_count(&self) -> u64 {
        self.runs()
    }
    fn run(&self, run: u64) -> Result<RunSummary, String> {
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
    fn run_record(&self, run: u64, outcome: &Result<RunSummary, String>) -> Vec<String> {
        files::record(self, run, outcome)
    }
}

pub(super) fn explore(args: &ExploreArgs) -> Result<()> {
    let e = explore::load(&args.explore).map_err(BadInput)?;
    if args.list {
        return ExploreListing::new(&e).emit(args.printing.json, false);
    }
    let base_out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.explore));
    let (shard, out) = super::shard_folder(args.shard, base_out);
    let (k, n) = (shard.k, shard.n);
    let info = ExploreInfo::new(&e, k, n);
    let _lock = lock_out(&out, "explore")?;
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
    if !args.resume && out.join(SweepInfo::FILE).exists() {
        return Err(BadInput(ScenarioError::Outputs {
            path: out.clone(),
            message: "already holds a sweep: choose another --out".into(),
        })
        .into());
    }
    let session = Session::open(&e, &out, shard, args.resume).map_err(bad_input)?;
    folder::write(&out, &info)?;
    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let bar = progress_bar(
        session.pending_tasks(),
        args.printing.quiet || args.printing.json,
        "runs",
    );
    bar.set_message(format!("{} (explore)", e.file.display()));
    let started = Instant::now();
    let ran = session.run(&runner, &Faults::from_env(), &|| bar.inc(1))?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    if n > 1 {
        let id = (ExploreId::new(&e), "explore", e.file.as_path());
        ShardOutcome::new(id, shard, &ran, &out, &[schema::RUNS, schema::INFO], wall).finish(
            ran.absent,
            schema::RUNS,
            args.printing.json,
            args.printing.quiet,
        )?;
    } else {
        let result = files::summarise(&e, &out)?;
        let ran_now = Some((ran.done_now as usize, wall));
        let outcome = ExploreOutcome::new(&e, &result, out.display().to_string(), ran_now);
        outcome.emit(args.printing.json, args.printing.quiet)?;
        finish(&e, &out, &result)?;
    }
    if ran.failed_now > 0 {
        bail!(
            "{} runs of shard {k}/{n} failed (their errors are in {}/{})",
            ran.failed_now,
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
        let outcome = ExploreOutcome::new(self, &result, args.out.display().to_string(), None);
        outcome.emit(args.json, args.quiet)?;
        Ok(result.failed)
    }
}
