//! What `custody-sim compare` did.

use serde::{Serialize, Serializer};

use super::{caveats, listed, CommandOutcome, IntervalOut};
use crate::experiment::compare::Difference;
use crate::output;
use crate::output::format::counted;
use crate::output::manifest::{CompareManifest, Head, ScenarioFile};

/// Reforms against a baseline under common random numbers: per reform and metric, the paired
/// difference.
#[derive(Debug, Serialize)]
pub(crate) struct CompareOutcome {
    /// The baseline's name (its file's stem).
    pub baseline: String,
    /// Its file, as given.
    pub baseline_file: String,
    pub baseline_hash: String,
    pub seed: u64,
    /// Paired replications of every scenario.
    pub replications: u64,
    /// With `--target-ci`: whether the target was met or the cap reached.
    pub stop_reason: Option<String>,
    /// The output folder.
    pub out: String,
    /// Every file written, relative to `out` (the report and its charts too, with `--report`).
    pub files: Vec<String>,
    /// The report (`--report`), as a path.
    pub report: Option<String>,
    /// The headline metrics, in order.
    pub headline: Vec<&'static str>,
    pub reforms: Vec<ReformOutcome>,
    /// Every file behind the scenarios (each `extends` chain), once.
    #[serde(skip)]
    pub scenario_files: Vec<ScenarioFile>,
    #[serde(skip)]
    pub target_ci: Option<f64>,
    #[serde(skip)]
    pub threads: usize,
    #[serde(skip)]
    pub wall_time_seconds: f64,
}

/// One reform against the baseline.
#[derive(Debug, Serialize)]
pub(crate) struct ReformOutcome {
    /// Its name (its file's stem).
    pub reform: String,
    /// Its file, as given.
    pub scenario_file: String,
    pub scenario_hash: String,
    /// Every metric's paired difference, keyed by metric.
    #[serde(serialize_with = "differences")]
    pub metrics: Vec<Difference>,
}

/// A metric of a reform as `--json` writes it.
#[derive(Serialize)]
struct DifferenceOut {
    baseline: IntervalOut,
    reform: IntervalOut,
    difference: IntervalOut,
    unpaired_half_width: f64,
    width_ratio: f64,
}

fn differences<S: Serializer>(ds: &[Difference], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(ds.iter().map(|d| {
        (
            d.metric,
            DifferenceOut {
                baseline: IntervalOut::from(&d.baseline),
                reform: IntervalOut::from(&d.reform),
                difference: IntervalOut::from(&d.difference),
                unpaired_half_width: d.unpaired_half_width,
                width_ratio: d.width_ratio(),
            },
        )
    }))
}

impl CompareOutcome {
    /// `manifest.json`.
    pub(crate) fn manifest(&self) -> CompareManifest {
        CompareManifest {
            head: Head::new("compare"),
            baseline: self.baseline_file.clone(),
            reforms: self
                .reforms
                .iter()
                .map(|r| r.scenario_file.clone())
                .collect(),
            scenario_files: self.scenario_files.clone(),
            seed: self.seed,
            replications: self.replications,
            target_ci: self.target_ci,
            stop_reason: self.stop_reason.clone(),
            threads: self.threads,
            wall_time_seconds: self.wall_time_seconds,
            outputs: self.files.clone(),
        }
    }
}

impl CommandOutcome for CompareOutcome {
    fn command(&self) -> &'static str {
        "compare"
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "\nBaseline {} and {}: {} each, seed {}, {:.1} s\n",
            self.baseline,
            counted(self.reforms.len(), "reform", "reforms"),
            counted(
                self.replications,
                "paired replication",
                "paired replications"
            ),
            self.seed,
            self.wall_time_seconds
        );
        let diffs: Vec<(String, Vec<Difference>)> = self
            .reforms
            .iter()
            .map(|r| (r.reform.clone(), r.metrics.clone()))
            .collect();
        s.push_str(&output::comparison_table(&diffs));
        if let Some(r) = &self.stop_reason {
            s.push_str(&format!("{r}\n"));
        }
        s.push_str(&format!(
            "Outputs in {}/ ({})\n",
            self.out,
            listed(&self.files)
        ));
        s.push_str(&caveats());
        s
    }
}
