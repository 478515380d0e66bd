//! Calibration files and the pure logic of calibration by approximate Bayesian computation
//! (rejection): which base scenario, which targets to fit and which to hold out, which parameters
//! (dotted paths) with which priors; the candidates drawn from the priors (a Latin hypercube in
//! prior space), the distance of a candidate to the fitted targets, which candidates are accepted,
//! the posterior summary, and the text of the calibrated scenario file. Parsed and checked in full
//! before anything runs, every problem of the file at once. No printing, threads or file writing
//! here.
//!
//! `raw` holds the file as written, `checks` the checks of its sections, `load` reads a file
//! through them; `abc` holds the candidates, distances, acceptance and posteriors, `calibrated`
//! the calibrated scenario file.

mod abc;
mod calibrated;
mod checks;
mod load;
pub(crate) mod raw;
pub(crate) mod smc;
#[cfg(test)]
mod tests;
mod weighted;

use std::path::PathBuf;

use toml::Value;

use super::targets::Target;
use crate::error::ScenarioError;
use crate::scenario::overrides::{self, number_like};
use crate::scenario::Scenario;

pub(crate) use abc::{accept, fitted, posteriors, Posterior};
pub(crate) use calibrated::{calibrated_text, sig};
pub(crate) use load::load;

/// Largest number of candidates a calibration may draw.
pub(crate) const MAX_CANDIDATES: u64 = 1_000_000;

/// Calibration by rejection: a fixed number of prior draws, the nearest kept.
pub(crate) const ABC_REJECTION: &str = "abc_rejection";

/// Calibration by sequential Monte Carlo ABC ([`smc`]).
pub(crate) const ABC_SMC: &str = "abc_smc";

/// Largest population of an ABC-SMC calibration.
pub(crate) const MAX_POPULATION: u64 = 100_000;

/// A prior distribution over `[min, max]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Prior {
    Uniform,
    LogUniform,
}

impl Prior {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Prior::Uniform => "uniform",
            Prior::LogUniform => "log_uniform",
        }
    }
}

/// A checked free parameter.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    pub path: String,
    pub min: f64,
    pub max: f64,
    pub prior: Prior,
    /// Why this prior range (required by ABC-SMC).
    pub reason: Option<String>,
    /// The base scenario's value: gives the type (integer or float) of every value written.
    like: Value,
}

impl Parameter {
    pub(crate) fn is_integer(&self) -> bool {
        matches!(self.like, Value::Integer(_))
    }

    /// `x` as the scenario holds it: integers are rounded and kept inside the range.
    pub(crate) fn snap(&self, x: f64) -> f64 {
        if self.is_integer() {
            x.round().clamp(self.min.ceil(), self.max.floor())
        } else {
            x
        }
    }

    /// The parameter's coordinate in the latent space where its prior is uniform (see
    /// [`smc::Dim`]): whole numbers get equal prior weight each.
    pub(crate) fn dim(&self) -> smc::Dim {
        smc::Dim::new(
            self.min,
            self.max,
            self.prior == Prior::LogUniform,
            self.is_integer(),
        )
    }

    /// `x` as a TOML value of the base value's type.
    pub(crate) fn value(&self, x: f64) -> Value {
        number_like(&self.like, self.snap(x)).unwrap_or(Value::Float(x))
    }
}

/// A one-at-a-time screen of the parameters before calibrating (ABC-SMC).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Screen {
    pub replications: u64,
    /// In tolerances of a fitted target.
    pub threshold: f64,
}

impl Calibration {
    /// This calibration with only the parameters numbered `keep` (the others stay at the base
    /// scenario's values).
    pub(crate) fn restricted(&self, keep: &[usize]) -> Calibration {
        Calibration {
            parameters: keep.iter().map(|&i| self.parameters[i].clone()).collect(),
            ..self.clone()
        }
    }

    /// The scenarios of a one-at-a-time screen: every parameter at its base value, then each at
    /// its least and at its greatest value with the others at their base values. Returns the
    /// overrides of each (none for the first).
    pub(crate) fn screen_points(&self) -> Vec<Vec<(String, toml::Value)>> {
        let mut out = vec![Vec::new()];
        for p in &self.parameters {
            for x in [p.min, p.max] {
                out.push(vec![(p.path.clone(), p.value(x))]);
            }
        }
        out
    }

    /// Per parameter, how far moving it from its least to its greatest value moves each fitted
    /// target, in tolerances: `|mean at max - mean at min| / (|published| x tolerance)`, from the
    /// per-scenario target means of [`Calibration::screen_points`] (fitted targets first).
    pub(crate) fn screen_effects(&self, means: &[Vec<f64>]) -> Vec<Vec<f64>> {
        (0..self.parameters.len())
            .map(|j| {
                let (lo, hi) = (&means[1 + 2 * j], &means[2 + 2 * j]);
                self.fit_targets()
                    .iter()
                    .enumerate()
                    .map(|(t, target)| {
                        let e = (hi[t] - lo[t]).abs() / screen_scale(target);
                        if e.is_nan() {
                            f64::INFINITY
                        } else {
                            e
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Per fitted target, the noise of a screen's difference of two means, in tolerances: twice
    /// the standard error of a difference of two means of `replications` runs. The spread of one
    /// run is pooled over every screened scenario (`runs`: per scenario of
    /// [`Calibration::screen_points`], per replication, the fitted targets' values): the
    /// within-scenario variance with sum(R - 1) degrees of freedom, not the base scenario's
    /// alone, whose R - 1 (1 with 2 replications) can put the noise far too low. Zero with one
    /// replication (no spread to measure).
    pub(crate) fn screen_noise(&self, runs: &[Vec<Vec<f64>>]) -> Vec<f64> {
        let r = runs.iter().map(Vec::len).max().unwrap_or(0);
        self.fit_targets()
            .iter()
            .enumerate()
            .map(|(t, target)| {
                let (mut squares, mut df) = (0.0, 0usize);
                for point in runs.iter().filter(|p| p.len() >= 2) {
                    let v: Vec<f64> = point.iter().map(|x| x[t]).collect();
                    let m = v.iter().sum::<f64>() / v.len() as f64;
                    squares += v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
                    df += v.len() - 1;
                }
                if df == 0 {
                    return 0.0;
                }
                let sd = (squares / df as f64).sqrt();
                let n = 2.0 * (2.0 / r as f64).sqrt() * sd / screen_scale(target);
                if n.is_nan() {
                    0.0
                } else {
                    n
                }
            })
            .collect()
    }
}

/// A target's tolerance in its own units: `|published| x tolerance`.
fn screen_scale(t: &Target) -> f64 {
    t.raw.value.abs().max(f64::MIN_POSITIVE) * t.raw.tolerance
}

/// Whether a screened parameter is calibrated: some fitted target moves by at least `threshold`
/// tolerances and by more than its noise. Returns that, and the largest such effect's target (or
/// the largest effect's, if none counts).
pub(crate) fn screen_verdict(effects: &[f64], noise: &[f64], threshold: f64) -> (bool, usize) {
    let counts = |t: usize| effects[t] >= threshold && effects[t] > noise[t];
    let best = |keep: &dyn Fn(usize) -> bool| {
        (0..effects.len())
            .filter(|&t| keep(t))
            .max_by(|&a, &b| effects[a].total_cmp(&effects[b]))
    };
    match best(&counts) {
        Some(t) => (true, t),
        None => (false, best(&|_| true).unwrap_or(0)),
    }
}

/// A checked calibration: the candidates' values, the targets, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Calibration {
    pub file: PathBuf,
    pub base_path: PathBuf,
    pub base: Scenario,
    pub targets_path: PathBuf,
    /// The fitted targets (in `fit` order), then the held-out ones (in `holdout` order).
    pub targets: Vec<Target>,
    /// How many of `targets` are fitted; the rest are held out.
    pub n_fit: usize,
    pub replications: u64,
    pub seed: u64,
    /// Fraction of candidates accepted (rejection).
    pub accept: f64,
    /// The ABC-SMC settings; `None` for rejection.
    pub smc: Option<smc::Settings>,
    /// ABC-SMC's screen of the parameters, if asked for.
    pub screen: Option<Screen>,
    pub parameters: Vec<Parameter>,
    /// Per candidate, one value per parameter, as the scenario holds it (rejection; none for
    /// ABC-SMC, whose particles are drawn as it runs).
    pub candidates: Vec<Vec<f64>>,
    /// The share of the cohort every run simulates (1: the whole cohort); the targets compare
    /// counts per whole cohort ([`Target::at_cohort_share`]).
    pub scale: f64,
    /// SHA-256 of the calibration file, the base scenario chain and the targets file: identifies
    /// the calibration for resume.
    pub identity: String,
}

impl Calibration {
    pub(crate) fn fit_targets(&self) -> &[Target] {
        &self.targets[..self.n_fit]
    }

    pub(crate) fn holdout_targets(&self) -> &[Target] {
        &self.targets[self.n_fit..]
    }

    /// How many candidates are accepted: `accept` x candidates, rounded, at least 1.
    pub(crate) fn accepted_count(&self) -> usize {
        accepted_count(self.accept, self.candidates.len())
    }

    /// The dotted paths and values that turn the base scenario into the one at `values`.
    pub(crate) fn overrides(&self, values: &[f64]) -> Vec<(String, Value)> {
        self.parameters
            .iter()
            .zip(values)
            .map(|(p, &x)| (p.path.clone(), p.value(x)))
            .collect()
    }

    /// The base scenario with the parameters set to `values`, checked, at the calibration's
    /// share of the cohort. `label` names it in errors.
    pub(crate) fn scenario_with(
        &self,
        values: &[f64],
        label: &str,
    ) -> Result<Scenario, ScenarioError> {
        self.scenario_from(&self.overrides(values), label)
    }

    /// The base scenario with `overrides`, checked, then at the calibration's share of the cohort
    /// (the overrides first, so that a calibrated capacity is scaled like the others).
    pub(crate) fn scenario_from(
        &self,
        overrides: &[(String, Value)],
        label: &str,
    ) -> Result<Scenario, ScenarioError> {
        let sc = overrides::with_overrides(&self.base, overrides, label)?;
        self.at_scale(&sc, label)
    }

    /// The scenario a calibration writes: the base with the parameters at `values`, for the
    /// whole cohort (not scaled; [`Calibration::at_scale`] scales it for the calibration's runs).
    pub(crate) fn written_scenario(
        &self,
        values: &[f64],
        label: &str,
    ) -> Result<Scenario, ScenarioError> {
        overrides::with_overrides(&self.base, &self.overrides(values), label)
    }

    /// `sc` at the calibration's share of the cohort (itself at 1).
    pub(crate) fn at_scale(&self, sc: &Scenario, label: &str) -> Result<Scenario, ScenarioError> {
        crate::scenario::scale::at_scale(sc, self.scale, label)
    }

    /// The scenario of one candidate.
    pub(crate) fn scenario(&self, candidate: usize) -> Result<Scenario, ScenarioError> {
        self.scenario_with(
            &self.candidates[candidate],
            &format!("{} candidate {candidate}", self.file.display()),
        )
    }

    /// The method's name.
    pub(crate) fn method(&self) -> &'static str {
        if self.smc.is_some() {
            ABC_SMC
        } else {
            ABC_REJECTION
        }
    }

    /// A new ABC-SMC run of this calibration (`None` for rejection).
    pub(crate) fn new_smc(&self) -> Option<smc::Smc> {
        let dims = self.parameters.iter().map(Parameter::dim).collect();
        self.smc.map(|s| smc::Smc::new(dims, s, self.seed))
    }

    /// The distance of a candidate to the fitted targets, from its per-target means (fitted
    /// targets first, as in [`Calibration::targets`]).
    pub(crate) fn distance(&self, means: &[f64]) -> f64 {
        abc::distance(self.fit_targets(), &means[..self.n_fit.min(means.len())])
    }
}

/// ABC-SMC settings from a `[method]` table's fields (kind "abc_smc"), checked as in a calibration
/// file; every problem named, as if `file` held them (for callers without a file).
pub(crate) fn smc_settings(
    method: &raw::RawMethod,
    file: &std::path::Path,
) -> Result<smc::Settings, ScenarioError> {
    let mut p = crate::input::Problems::default();
    let m = checks::method(&mut p, method, Some(1));
    p.refuse_if_any(file)?;
    match m {
        checks::Method::Smc(s) => Ok(s),
        checks::Method::Rejection(..) => unreachable!("kind is abc_smc"),
    }
}

/// `accept` x `n`, rounded, at least 1 and at most `n`.
pub(crate) fn accepted_count(accept: f64, n: usize) -> usize {
    ((accept * n as f64).round() as usize).clamp(1, n.max(1))
}
