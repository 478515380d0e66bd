//! A sweep file as written: its raw TOML types (read strictly, unknown keys refused) and its parts
//! (each top-level field read on its own).

use serde::{Deserialize, Serialize};
use toml::Value;

use crate::experiment::slurm::SlurmOptions;
use crate::input::parts;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSweep {
    /// The scenario every point starts from (relative to the sweep file).
    pub base: String,
    pub replications: u64,
    pub seed: u64,
    #[serde(default)]
    pub max_runs: Option<u64>,
    /// Metrics analysed for sensitivity and ranked (default: the unlocatable metrics first).
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
    pub design: RawDesign,
    /// Not for `kind = "csv"`: the design CSV's header names the parameters.
    #[serde(default)]
    pub parameters: Vec<RawParameter>,
    /// Scheduler settings for `--emit-slurm`.
    #[serde(default)]
    pub slurm: Option<SlurmOptions>,
}

parts! {
    /// The fields of a sweep file, each `None` where it cannot be read.
    SweepParts of RawSweep {
        base: String => required,
        replications: u64 => required,
        seed: u64 => required,
        max_runs: Option<u64> => or_default,
        metrics: Option<Vec<String>> => or_default,
        design: RawDesign => required,
        parameters: Vec<RawParameter> => or_default,
        slurm: Option<SlurmOptions> => or_default,
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDesign {
    // Fields added later go last: an array written for this table (`design = ["morris", 3]`) is
    // read by serde field by field, and the order of the first fields decides whether the reader
    // sees a table with the wrong shape (reported with its keys) or a type error.
    /// "grid", "latin_hypercube", "morris", "sobol" or "csv".
    pub kind: String,
    /// Latin hypercube: points; Sobol: base sample size N (runs N x (k + 2) points).
    #[serde(default)]
    pub samples: Option<u64>,
    /// Morris: trajectories r (runs r x (k + 1) points).
    #[serde(default)]
    pub trajectories: Option<u64>,
    /// Morris: grid levels p (even).
    #[serde(default)]
    pub levels: Option<u64>,
    /// Sobol: bootstrap resamples for the intervals.
    #[serde(default)]
    pub bootstrap: Option<u64>,
    /// Csv: the design file (header = dotted paths, one row per point), relative to this file.
    #[serde(default)]
    pub file: Option<String>,
    /// Sobol: "random" (default: Monte Carlo base matrices) or "scrambled_sobol" (a scrambled
    /// Sobol' sequence; `samples` a power of 2).
    #[serde(default)]
    pub sequence: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParameter {
    pub path: String,
    /// Grid: explicit values.
    #[serde(default)]
    pub values: Option<Vec<Value>>,
    /// Grid: start, stop (inclusive) and step.
    #[serde(default)]
    pub start: Option<f64>,
    #[serde(default)]
    pub stop: Option<f64>,
    #[serde(default)]
    pub step: Option<f64>,
    /// Latin hypercube, Morris, Sobol: the range.
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}
