//! What `custody-sim run` did.

use serde::Serialize;

use super::{caveats, intervals, listed, CommandOutcome};
use crate::output::manifest::{Manifest, ScenarioFile};
use crate::output::{self, CAVEATS};
use crate::stats::Interval;

/// One scenario's replications: every metric's mean and 95% interval.
#[derive(Debug, Serialize)]
pub(crate) struct RunOutcome {
    /// The scenario's name.
    pub scenario: String,
    /// Its file, as given.
    pub scenario_file: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub replications: u64,
    pub scale: f64,
    /// The output folder.
    pub out: String,
    /// Every file written, relative to `out` (the report and its charts too, with `--report`).
    pub files: Vec<String>,
    /// The report (`--report`), as a path.
    pub report: Option<String>,
    /// The headline metrics, in order.
    pub headline: Vec<&'static str>,
    /// Every metric, in the engine's order.
    #[serde(serialize_with = "intervals")]
    pub metrics: Vec<(&'static str, Interval)>,
    #[serde(skip)]
    pub scenario_files: Vec<ScenarioFile>,
    #[serde(skip)]
    pub threads: usize,
    #[serde(skip)]
    pub wall_time_seconds: f64,
    /// Children and events simulated, over every replication.
    #[serde(skip)]
    pub children: u64,
    #[serde(skip)]
    pub events: u64,
}

impl RunOutcome {
    /// `manifest.json`.
    pub(crate) fn manifest(&self) -> Manifest {
        let wall = self.wall_time_seconds.max(1e-9);
        Manifest {
            program: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            scenario: self.scenario.clone(),
            scenario_files: self.scenario_files.clone(),
            scenario_hash: self.scenario_hash.clone(),
            seed: self.seed,
            replications: self.replications,
            threads: self.threads,
            wall_time_seconds: self.wall_time_seconds,
            children_per_second: self.children as f64 / wall,
            events_per_second: self.events as f64 / wall,
            outputs: self.files.clone(),
            caveats: CAVEATS.to_vec(),
            scale: (self.scale != 1.0).then_some(self.scale),
        }
    }
}

impl CommandOutcome for RunOutcome {
    fn command(&self) -> &'static str {
        "run"
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "Scenario \"{}\" ({}): {} replications, seed {}, {} threads, {:.1} s\n",
            self.scenario,
            self.scenario_file,
            self.replications,
            self.seed,
            self.threads,
            self.wall_time_seconds
        );
        s.push_str(&output::table(&self.metrics));
        s.push_str(&format!(
            "Outputs in {}/ ({})\n",
            self.out,
            listed(&self.files)
        ));
        s.push_str(&caveats());
        s
    }
}
