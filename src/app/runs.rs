//! Campaigns whose every job is one run of the simulator (a sweep's points and an explore's
//! policies x futures, replication by replication): what each says of its runs, and the campaign
//! plan every one of them is.

use crate::experiment::campaign::log::LogSpec;
use crate::experiment::campaign::{self, Plan};
use crate::sim::RunSummary;

/// A campaign of single runs: its log, how many runs, how one runs and how it is recorded.
pub(super) trait RunCampaign: Sync {
    /// The log: file name, header, and how messages name it.
    fn run_log(&self) -> LogSpec;
    /// How many runs the campaign has (numbered `0..run_count`).
    fn run_count(&self) -> u64;
    /// Run `run`: its summary, or why it failed.
    fn run(&self, run: u64) -> Result<RunSummary, String>;
    /// The log record of run `run`.
    fn run_record(&self, run: u64, outcome: &Result<RunSummary, String>) -> Vec<String>;
}

/// A campaign of single runs as a plan: one job per run, of one task.
impl<C: RunCampaign> Plan for C {
    type Task = RunSummary;
    type Job = RunSummary;
    fn log(&self) -> LogSpec {
        self.run_log()
    }
    fn jobs(&self) -> u64 {
        self.run_count()
    }
    fn run_task(&self, run: u64, _: u64) -> Result<RunSummary, String> {
        self.run(run)
    }
    fn combine(
        &self,
        _: u64,
        tasks: Vec<Result<RunSummary, String>>,
    ) -> Result<RunSummary, String> {
        campaign::only_task(tasks)
    }
    fn record(&self, run: u64, outcome: &Result<RunSummary, String>) -> Vec<String> {
        self.run_record(run, outcome)
    }
}
