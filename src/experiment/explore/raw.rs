//! An explore file as written: its raw TOML types (read strictly, unknown keys refused) and its
//! parts (each top-level field read on its own).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Value;

use crate::input::parts;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExplore {
    /// The status quo: the scenario every reform is compared with (relative to this file).
    pub baseline: String,
    /// Reform scenario files (relative to this file).
    #[serde(default)]
    pub reforms: Vec<String>,
    pub replications: u64,
    pub seed: u64,
    /// Share of the cohort (1 = the scenario's cohort): arrivals and every capacity multiplied by
    /// it ([`crate::scenario::scale::at_scale`]); for quick runs.
    #[serde(default)]
    pub scale: Option<f64>,
    #[serde(default)]
    pub max_runs: Option<u64>,
    /// Metrics written to outcomes.csv, regret.csv and robustness.csv.
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
    pub futures: RawFutures,
    #[serde(default)]
    pub uncertainties: Option<RawUncertainties>,
    #[serde(default)]
    pub robustness: Option<RawRobustness>,
}

parts! {
    /// The fields of an explore file, each `None` where it cannot be read.
    ExploreParts of RawExplore {
        baseline: String => required,
        reforms: Vec<String> => or_default,
        replications: u64 => required,
        seed: u64 => required,
        scale: Option<f64> => or_default,
        max_runs: Option<u64> => or_default,
        metrics: Option<Vec<String>> => or_default,
        futures: RawFutures => required,
        uncertainties: Option<RawUncertainties> => or_default,
        robustness: Option<RawRobustness> => or_default,
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFutures {
    /// Latin hypercube: how many futures.
    #[serde(default)]
    pub samples: Option<u64>,
    /// Or: a design CSV (header = dotted paths, one row per future), relative to this file.
    #[serde(default)]
    pub design: Option<String>,
    /// Or: a calibrated posterior, relative to this file: a calibration's output folder (its
    /// `ensemble.csv`) or the file. Each draw is a future; a reform's own levers keep the
    /// reform's value.
    #[serde(default)]
    pub posterior: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUncertainties {
    /// Every value the baseline file marks as an assumption (default true).
    #[serde(default)]
    pub assumptions: Option<bool>,
    /// Relative half-width of the default ranges (default 0.25).
    #[serde(default)]
    pub spread: Option<f64>,
    /// Paths (or prefixes of paths) left out of the default set.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Explicit ranges: added to the default set, or replacing the default range of a path.
    #[serde(default)]
    pub parameters: Vec<RawRange>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRange {
    pub path: String,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRobustness {
    /// Per metric: a reform "beats the baseline" in a future when it improves on it by at least
    /// this much (default 0: any improvement).
    #[serde(default)]
    pub thresholds: BTreeMap<String, Value>,
    /// Per metric: "lower" or "higher" is better (needed for metrics without a known direction).
    #[serde(default)]
    pub directions: BTreeMap<String, String>,
    /// Percentiles of each reform's outcome over futures (default 10, 50, 90).
    #[serde(default)]
    pub percentiles: Option<Vec<f64>>,
}
