//! Explore files: reforms (scenario files) run in every one of many *futures*, each future a set of
//! values of the uncertain parameters (a Latin hypercube over their ranges, or the rows of a design
//! CSV), every reform in a future and replication drawing the same children (common random
//! numbers). Parsed and checked in full before anything runs, every problem of the file at once.
//!
//! `raw` holds the file as written, `checks` the checks of its sections, `futures` the uncertain
//! parameters and the futures drawn over them, `load` reads a file through them. Also here, pure:
//! which values a scenario file marks as assumptions and their default ranges (`assumptions`),
//! which direction of each metric is better (`direction`), the regret and robustness measures
//! computed from the outcomes (`regret`) and the condition of a scenario discovery (`condition`).

mod assumptions;
mod checks;
mod condition;
mod direction;
mod futures;
mod load;
mod raw;
mod regret;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use toml::Value;

use crate::error::ScenarioError;
use crate::scenario::{overrides, scale, Scenario};

pub(crate) use condition::{quantity_of, Condition};
pub(crate) use direction::{default_direction, Direction};
pub(crate) use load::load;
pub(crate) use regret::{regrets, robustness, Robustness};

/// Default relative half-width of an assumption's range: the baseline value ± 25%.
pub(crate) const DEFAULT_SPREAD: f64 = 0.25;
/// Metrics of `outcomes.csv`, `regret.csv` and `robustness.csv` unless the file lists others: the
/// unlocatable measures first, then outcomes for children whose better direction is plain (the
/// metric catalogue's list).
pub(crate) const DEFAULT_METRICS: &[&str] = &crate::sim::metrics::EXPLORE_DEFAULT;
/// Default percentiles of `robustness.csv`.
pub(crate) const DEFAULT_PERCENTILES: [f64; 3] = [10.0, 50.0, 90.0];

/// Where an uncertain parameter's range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Origin {
    /// Marked "assumption" in the baseline file; the default range.
    Assumption,
    /// `[[uncertainties.parameters]]` in the explore file.
    ExploreFile,
    /// A column of the design CSV.
    DesignCsv,
    /// A parameter of a calibrated posterior's draws (`futures.posterior`).
    Posterior,
}

impl Origin {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Origin::Assumption => "assumption",
            Origin::ExploreFile => "explore file",
            Origin::DesignCsv => "design csv",
            Origin::Posterior => "calibrated posterior",
        }
    }
}

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Uncertain {
    pub path: String,
    /// The baseline's value.
    pub baseline: f64,
    pub min: f64,
    pub max: f64,
    pub origin: Origin,
    /// Whether the default range was narrowed to what the scenario accepts.
    pub clipped: bool,
    /// Whether the value is a whole number (sampled values are rounded).
    pub integer: bool,
}

/// One policy run in every future: the baseline (index 0) or a reform.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    /// `meta.name` of the scenario.
    pub name: String,
    pub file: PathBuf,
    pub scenario: Scenario,
}

/// A checked explore file, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Explore {
    pub file: PathBuf,
    /// The baseline first, then the reforms in file order.
    pub policies: Vec<Policy>,
    pub replications: u64,
    pub seed: u64,
    pub scale: f64,
    pub uncertain: Vec<Uncertain>,
    /// Assumptions of the baseline left out because a reform changes them: (path, reform).
    pub held_by_reforms: Vec<(String, String)>,
    /// Per future, one value per uncertain parameter.
    pub futures: Vec<Vec<Value>>,
    /// The design CSV the futures come from (its rows are the futures, row 0 first).
    pub design_csv: Option<PathBuf>,
    /// Whether the futures are a calibrated posterior's draws: a reform's runs keep its own
    /// value of a parameter it changes (`held_by_reforms`), as `compare --posterior` does.
    pub posterior: bool,
    pub metrics: Vec<String>,
    pub directions: Vec<Direction>,
    pub thresholds: Vec<f64>,
    pub percentiles: Vec<f64>,
    /// SHA-256 of the explore file, the design CSV and every scenario chain.
    pub identity: String,
}

impl Explore {
    pub(crate) fn runs(&self) -> u64 {
        self.futures.len() as u64 * self.replications * self.policies.len() as u64
    }
    /// (future, replication, policy) of run `i`: runs are numbered future by future, then
    /// replication by replication, the policies of one (future, replication) side by side.
    pub(crate) fn run_of(&self, i: u64) -> (usize, u64, usize) {
        let p = self.policies.len() as u64;
        let policy = (i % p) as usize;
        let rest = i / p;
        (
            (rest / self.replications) as usize,
            rest % self.replications,
            policy,
        )
    }
    /// The replication stream of (future, replication): futures draw independent children, every
    /// policy of one future and replication the same ones (common random numbers).
    pub(crate) fn stream_replication(&self, future: usize, replication: u64) -> u64 {
        future as u64 * self.replications + replication
    }
    /// The scenario of one policy in one future, with the cohort and every capacity scaled.
    pub(crate) fn scenario(&self, future: usize, policy: usize) -> Result<Scenario, ScenarioError> {
        let p = &self.policies[policy];
        let base = &self.policies[0].scenario;
        let overrides: Vec<(String, Value)> = self
            .uncertain
            .iter()
            .map(|u| u.path.clone())
            .zip(self.futures[future].iter().cloned())
            .filter(|(path, _)| {
                !(self.posterior
                    && policy > 0
                    && crate::experiment::posterior::set_by_scenario(base, &p.scenario, path))
            })
            .collect();
        let sc = overrides::with_overrides(
            &p.scenario,
            &overrides,
            &format!(
                "{} future {future}, {} ({})",
                self.file.display(),
                p.name,
                p.file.display()
            ),
        )?;
        scale::at_scale(&sc, self.scale, &self.file.display().to_string())
    }
}

/// A TOML number (or boolean) as `f64`.
pub(crate) fn value_number(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Boolean(b) => f64::from(u8::from(*b)),
        _ => f64::NAN,
    }
}
