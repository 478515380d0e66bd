//! What `custody-sim validate` did.

use serde::{Serialize, Serializer};

use super::{CommandOutcome, TargetOut};
use crate::experiment::targets::{Outcome, Target};
use crate::output;
use crate::output::manifest::{Head, ValidateManifest};
use crate::output::schema::target::VALIDATION_FILE;

/// A scenario against published figures, target by target.
#[derive(Debug, Serialize)]
pub(crate) struct ValidateOutcome<'a> {
    /// The scenario's name.
    pub scenario: String,
    /// Its file, as given.
    pub scenario_file: String,
    pub scenario_hash: String,
    /// The targets' file, as given.
    pub targets_file: String,
    pub seed: u64,
    pub replications: u64,
    /// The share of the cohort simulated (`--scale`).
    pub scale: f64,
    /// The output folder.
    pub out: String,
    /// Every file written, relative to `out`.
    pub files: Vec<String>,
    pub targets_total: usize,
    pub targets_failed: usize,
    /// Every target, in the targets file's order, with the model's value.
    #[serde(serialize_with = "targets")]
    pub targets: Vec<(&'a Target, Outcome)>,
    #[serde(skip)]
    pub threads: usize,
    #[serde(skip)]
    pub wall_time_seconds: f64,
}

fn targets<S: Serializer>(results: &[(&Target, Outcome)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(results.iter().map(|(t, o)| TargetOut::new(t, o, None)))
}

impl ValidateOutcome<'_> {
    /// `manifest.json`.
    pub(crate) fn manifest(&self) -> ValidateManifest {
        ValidateManifest {
            head: Head::new("validate"),
            scenario: self.scenario_file.clone(),
            targets: self.targets_file.clone(),
            seed: self.seed,
            replications: self.replications,
            threads: self.threads,
            wall_time_seconds: self.wall_time_seconds,
            targets_total: self.targets_total,
            targets_failed: self.targets_failed,
            outputs: self.files.clone(),
            scale: (self.scale != 1.0).then_some(self.scale),
        }
    }
}

impl CommandOutcome for ValidateOutcome<'_> {
    fn command(&self) -> &'static str {
        "validate"
    }

    fn summary(&self) -> String {
        let cohort = if self.scale == 1.0 {
            String::new()
        } else {
            format!(
                " at {} of the cohort (counts compared per whole cohort)",
                self.scale
            )
        };
        let mut s = format!(
            "Validation of \"{}\" against {}{cohort}: {} replications, seed {}, {:.1} s\n",
            self.scenario, self.targets_file, self.replications, self.seed, self.wall_time_seconds
        );
        s.push_str(&output::validation_table(&self.targets));
        s.push_str(&format!(
            "{} of {} targets met within tolerance. Details (definitions, sources) in {}/{VALIDATION_FILE}\n",
            self.targets_total - self.targets_failed,
            self.targets_total,
            self.out
        ));
        s
    }
}
