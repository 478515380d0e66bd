//! The one campaign engine: a plan of jobs (a sweep's points x replications, an explore's
//! policies x futures x replications, a calibration's candidates) -> the one runner -> an
//! append-only, crash-safe run log ([`log`]) -> resume, shards, progress, the fault hook, and one
//! merge of shard folders ([`merge`]). Every campaign kind is a [`Plan`]: what a job is, how it
//! runs, and what it records; the engine knows nothing of the simulator.
//!
//! Guarantees, whatever the thread count, shard split, kill or resume: the log holds each job at
//! most once, in job order within a process; a resumed or merged log holds the same lines as an
//! uninterrupted one (a job's record depends only on the job).

pub(crate) mod folder;
pub(crate) mod log;
pub(crate) mod merge;

use std::path::{Path, PathBuf};

use anyhow::Result;

use self::log::{LogSpec, RunLog};
use crate::runner::{Faults, Runner};

/// Which part of a campaign one process runs: shard `k` of `n`, jobs dealt round-robin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// The whole campaign in one process.
    pub(crate) const WHOLE: Shard = Shard { k: 1, n: 1 };

    /// Whether job `job` belongs to this shard.
    pub(crate) fn owns(&self, job: u64) -> bool {
        job % self.n == self.k - 1
    }

    /// The folder where this shard of a campaign whose outputs go to `base` writes:
    /// `<base>/shards/shard-K-of-N` (where the emitted `merge.sbatch` looks for it).
    pub(crate) fn folder(&self, base: &Path) -> PathBuf {
        base.join("shards")
            .join(format!("shard-{}-of-{}", self.k, self.n))
    }

    /// How many of `jobs` jobs this shard owns.
    pub(crate) fn owned(&self, jobs: u64) -> u64 {
        (0..jobs).filter(|&j| self.owns(j)).count() as u64
    }
}

/// A campaign kind: its jobs, how one runs, and how its outcome is recorded in the log. A job is
/// made of `tasks_per_job` tasks (a candidate's replications) that run in parallel with every
/// other task of the batch and are combined, in task order, into the job's outcome.
pub(crate) trait Plan: Sync {
    /// What one task gives.
    type Task: Send;
    /// What one job gives, once its tasks are combined.
    type Job;
    /// The log: file name, header, and how messages name it.
    fn log(&self) -> LogSpec;
    /// How many jobs the campaign has (numbered `0..jobs`).
    fn jobs(&self) -> u64;
    /// How many tasks one job has.
    fn tasks_per_job(&self) -> u64 {
        1
    }
    /// Run task `task` of job `job`.
    fn run_task(&self, job: u64, task: u64) -> Result<Self::Task, String>;
    /// A job's outcome from its tasks' (in task order).
    fn combine(
        &self,
        job: u64,
        tasks: Vec<Result<Self::Task, String>>,
    ) -> Result<Self::Job, String>;
    /// The log record of a job's outcome: its job number first, the marker last.
    fn record(&self, job: u64, outcome: &Result<Self::Job, String>) -> Vec<String>;
}

/// The outcome of a job of one task: that task's.
pub(crate) fn only_task<T>(mut tasks: Vec<Result<T, String>>) -> Result<T, String> {
    tasks.remove(0)
}

/// What one process did of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ran {
    /// Jobs run by this process.
    pub done_now: u64,
    /// Of those, how many failed (recorded with their error).
    pub failed_now: u64,
    /// Jobs of this process's shard.
    pub owned: u64,
    /// Jobs of a shard (of several) that its log still lacks after the run (0 for a whole
    /// campaign: its summary counts what is missing).
    pub absent: u64,
}

/// A campaign opened in its folder: the log reopened (or started) and the jobs still to run.
pub(crate) struct Session<'p, P: Plan> {
    plan: &'p P,
    dir: PathBuf,
    spec: LogSpec,
    log: RunLog,
    shard: Shard,
    pending: Vec<u64>,
}

impl<'p, P: Plan> Session<'p, P> {
    /// Open `plan`'s log in `dir` (a folder the caller has locked), refusing an existing log
    /// unless `resume`; the jobs of `shard` not yet recorded are pending.
    pub(crate) fn open(plan: &'p P, dir: &Path, shard: Shard, resume: bool) -> Result<Self> {
        let spec = plan.log();
        let (log, done) = RunLog::open(dir, &spec, resume, plan.jobs())?;
        let pending = (0..plan.jobs())
            .filter(|&j| shard.owns(j) && !done[j as usize])
            .collect();
        Ok(Session {
            plan,
            dir: dir.to_path_buf(),
            spec,
            log,
            shard,
            pending,
        })
    }

    /// Keep pending only the jobs `keep` accepts (a round of an ABC-SMC generation, or one
    /// shard's part of it).
    pub(crate) fn only(mut self, keep: impl Fn(u64) -> bool) -> Self {
        self.pending.retain(|&j| keep(j));
        self
    }

    /// Jobs still to run.
    pub(crate) fn pending(&self) -> u64 {
        self.pending.len() as u64
    }

    /// Tasks still to run (the length of a progress bar).
    pub(crate) fn pending_tasks(&self) -> u64 {
        self.pending() * self.plan.tasks_per_job()
    }

    /// Run every pending job: batches of a few jobs per thread, every task of a batch in parallel,
    /// each finished batch appended to the log in job order (memory stays flat, the log sorted). A
    /// job that fails (a task panics, or `faults` names the job) is recorded with its error and
    /// the campaign goes on. `on_task` is called once per finished task.
    pub(crate) fn run(
        mut self,
        runner: &Runner,
        faults: &Faults,
        on_task: &(dyn Fn() + Sync),
    ) -> Result<Ran> {
        let plan = self.plan;
        let per_job = plan.tasks_per_job();
        let work = faults.wrap(|&(job, _)| job, |&(job, task)| plan.run_task(job, task));
        let mut failed_now = 0u64;
        for batch in self.pending.chunks(runner.batch()) {
            let tasks: Vec<(u64, u64)> = batch
                .iter()
                .flat_map(|&job| (0..per_job).map(move |t| (job, t)))
                .collect();
            let mut results = runner.map(&tasks, &work, on_task).into_iter();
            let mut records = Vec::with_capacity(batch.len());
            for &job in batch {
                let outcome = plan.combine(job, results.by_ref().take(per_job as usize).collect());
                failed_now += u64::from(outcome.is_err());
                records.push(plan.record(job, &outcome));
            }
            self.log.append(records)?;
        }
        self.log.still_in_place()?;
        let jobs = plan.jobs();
        let absent = if self.shard.n > 1 {
            let recorded = log::recorded(&self.dir, &self.spec, jobs)?;
            (0..jobs)
                .filter(|&j| self.shard.owns(j) && !recorded[j as usize])
                .count() as u64
        } else {
            0
        };
        Ok(Ran {
            done_now: self.pending.len() as u64,
            failed_now,
            owned: self.shard.owned(jobs),
            absent,
        })
    }
}

#[cfg(test)]
mod tests;
