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
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMethod {
    /// "abc_rejection".
    pub kind: String,
    /// Candidates drawn from the priors (a Latin hypercube in prior space).
    pub candidates: u64,
    /// Fraction of the candidates accepted (those nearest the fitted targets), in (0, 1].
    pub accept: f64,
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
}
