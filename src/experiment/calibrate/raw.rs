//! A calibration file as written: its raw TOML types (read strictly, unknown keys refused) and its
//! parts (each top-level field read on its own).

use serde::{Deserialize, Serialize};

use crate::input::parts;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCalibration {
    /// The scenario every candidate starts from (relative to the calibration file).
    pub base: String,
    /// The targets file (relative to the calibration file).
    pub targets: String,
    /// Names of the targets the parameters are fitted to.
    pub fit: Vec<String>,
    /// Names of targets reported separately and never used in fitting.
    #[serde(default)]
    pub holdout: Vec<String>,
    /// Replications per candidate (replication r of every candidate draws the same children).
    pub replications: u64,
    pub seed: u64,
    pub method: RawMethod,
    pub parameters: Vec<RawParameter>,
    /// ABC-SMC: screen the parameters one at a time before calibrating; only those that move a
    /// fitted target are calibrated.
    #[serde(default)]
    pub screen: Option<RawScreen>,
    /// The share of the cohort every run simulates (default 1): arrivals and every capacity
    /// scaled alike, as `run --scale` does; targets that count children are compared per whole
    /// cohort (the model's count divided by the share).
    #[serde(default)]
    pub scale: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScreen {
    /// Replications of each screened scenario (common random numbers across them).
    pub replications: u64,
    /// A parameter is influential if moving it from its least to its greatest value moves some
    /// fitted target by at least this many tolerances.
    pub threshold: f64,
}

parts! {
    /// The fields of a calibration file, each `None` where it cannot be read.
    CalibrationParts of RawCalibration {
        base: String => required,
        targets: String => required,
        fit: Vec<String> => required,
        holdout: Vec<String> => or_default,
        replications: u64 => required,
        seed: u64 => required,
        method: RawMethod => required,
        parameters: Vec<RawParameter> => required,
        screen: Option<RawScreen> => or_default,
        scale: Option<f64> => or_default,
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMethod {
    /// "abc_rejection" or "abc_smc".
    pub kind: String,
    /// abc_rejection: candidates drawn from the priors (a Latin hypercube in prior space).
    #[serde(default)]
    pub candidates: Option<u64>,
    /// abc_rejection: fraction of the candidates accepted (those nearest the fitted targets), in
    /// (0, 1].
    #[serde(default)]
    pub accept: Option<f64>,
    /// abc_smc: particles in each generation's population.
    #[serde(default)]
    pub population: Option<u64>,
    /// abc_smc: the quantile of a population's distances that sets the next tolerance (default
    /// 0.5).
    #[serde(default)]
    pub alpha: Option<f64>,
    /// abc_smc: stop after a generation whose acceptance rate falls below this (default 0.05).
    #[serde(default)]
    pub min_acceptance: Option<f64>,
    /// abc_smc: stop when the tolerance reaches this (default 0: never).
    #[serde(default)]
    pub min_tolerance: Option<f64>,
    /// abc_smc: most generations, generation 0 included (default 20).
    #[serde(default)]
    pub max_generations: Option<u32>,
    /// abc_smc: "global" (default) or "local" perturbation kernel.
    #[serde(default)]
    pub kernel: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParameter {
    pub path: String,
    pub min: f64,
    pub max: f64,
    /// "uniform" (default) or "log_uniform" (uniform in the logarithm; needs min > 0).
    #[serde(default)]
    pub prior: Option<String>,
    /// Why this range (a published range, a physical bound, or "+-x% of an assumption"); required
    /// by ABC-SMC, which calibrates assumptions at scale.
    #[serde(default)]
    pub reason: Option<String>,
}
