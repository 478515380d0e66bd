//! Calibration files and the pure logic of calibration by approximate Bayesian computation
//! (rejection): which base scenario, which targets to fit and which to hold out, which parameters
//! (dotted paths) with which priors; the candidates drawn from the priors (a Latin hypercube in
//! prior space), the distance of a candidate to the fitted targets, which candidates are accepted,
//! the posterior summary, and the text of the calibrated scenario file. Parsed and checked in full
//! before anything runs. No printing, threads or file writing here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::checks::HARD_MAX_RUNS;
use super::design;
use super::targets::{self, Qualifier, Target};
use crate::error::ScenarioError;
use crate::rng::{self, Stream};
use crate::scenario::overrides::{self, check_path, number_like};
use crate::scenario::{self, Scenario};

/// Largest number of candidates a calibration may draw.
pub(crate) const MAX_CANDIDATES: u64 = 1_000_000;

/// The only method so far.
pub(crate) const ABC_REJECTION: &str = "abc_rejection";

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

    /// The value at quantile `u` in `[0, 1]` of the prior over `[lo, hi]`.
    pub(crate) fn quantile(self, u: f64, lo: f64, hi: f64) -> f64 {
        let x = match self {
            Prior::Uniform => lo + u * (hi - lo),
            Prior::LogUniform => (lo.ln() + u * (hi.ln() - lo.ln())).exp(),
        };
        x.clamp(lo, hi)
    }
}

/// A checked free parameter.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    pub path: String,
    pub min: f64,
    pub max: f64,
    pub prior: Prior,
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

    /// `x` as a TOML value of the base value's type.
    pub(crate) fn value(&self, x: f64) -> Value {
        number_like(&self.like, self.snap(x)).unwrap_or(Value::Float(x))
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
    /// Fraction of candidates accepted.
    pub accept: f64,
    pub parameters: Vec<Parameter>,
    /// Per candidate, one value per parameter, as the scenario holds it.
    pub candidates: Vec<Vec<f64>>,
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

    /// The base scenario with the parameters set to `values`, checked. `label` names it in errors.
    pub(crate) fn scenario_with(
        &self,
        values: &[f64],
        label: &str,
    ) -> Result<Scenario, ScenarioError> {
        overrides::with_overrides(&self.base, &self.overrides(values), label)
    }

    /// The scenario of one candidate.
    pub(crate) fn scenario(&self, candidate: usize) -> Result<Scenario, ScenarioError> {
        self.scenario_with(
            &self.candidates[candidate],
            &format!("{} candidate {candidate}", self.file.display()),
        )
    }

    /// The distance of a candidate to the fitted targets, from its per-target means (fitted
    /// targets first, as in [`Calibration::targets`]).
    pub(crate) fn distance(&self, means: &[f64]) -> f64 {
        distance(self.fit_targets(), &means[..self.n_fit.min(means.len())])
    }
}

/// `accept` x `n`, rounded, at least 1 and at most `n`.
pub(crate) fn accepted_count(accept: f64, n: usize) -> usize {
    ((accept * n as f64).round() as usize).clamp(1, n.max(1))
}

fn bad(file: &Path, field: &str, message: String) -> ScenarioError {
    ScenarioError::Schema {
        path: file.to_path_buf(),
        chain: String::new(),
        field: field.to_string(),
        message,
    }
}

/// The stream that draws the candidates: replication and child are fixed (and differ from a
/// sweep's design stream), so the candidates depend only on the calibration's seed.
fn candidate_stream(seed: u64) -> Stream {
    rng::stream(seed, u64::MAX, u64::MAX - 1, rng::Purpose::Arrivals)
}

/// Read and check a calibration file, its base scenario and its targets file.
pub(crate) fn load(file: &Path) -> Result<Calibration, ScenarioError> {
    let crate::input::Source { bytes, table } = crate::input::read(file, "calibration")?;
    let raw: RawCalibration = crate::input::strict_file(file, table)?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let base_path = dir.join(&raw.base);
    crate::experiment::checks::referenced_file(file, "base", &raw.base, &base_path, "scenario")?;
    let base = scenario::load(&base_path)?;
    let targets_path = dir.join(&raw.targets);
    crate::experiment::checks::referenced_file(
        file,
        "targets",
        &raw.targets,
        &targets_path,
        "targets",
    )?;
    let targets_bytes = std::fs::read(&targets_path).map_err(|source| ScenarioError::Read {
        kind: "targets",
        path: targets_path.clone(),
        source,
    })?;
    let all = targets::load(
        &targets_path,
        &base.loaded.raw.time.start_date,
        base.params.horizon_days,
    )?;
    let identity = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(&bytes);
        for (_, b) in &base.loaded.sources {
            h.update(b);
        }
        h.update(&targets_bytes);
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    };
    check(
        file,
        raw,
        Sources {
            base_path,
            base,
            targets_path,
            targets: all,
            identity,
        },
    )
}

/// What a calibration file refers to, read and checked.
pub(crate) struct Sources {
    pub base_path: PathBuf,
    pub base: Scenario,
    pub targets_path: PathBuf,
    /// Every target of the targets file.
    pub targets: Vec<Target>,
    pub identity: String,
}

/// Check a raw calibration against its base scenario and targets (see [`load`]).
pub(crate) fn check(
    file: &Path,
    raw: RawCalibration,
    src: Sources,
) -> Result<Calibration, ScenarioError> {
    let names: Vec<&str> = src.targets.iter().map(|t| t.raw.name.as_str()).collect();
    // Every problem is collected and reported at once.
    let mut errs: Vec<ScenarioError> = Vec::new();
    if raw.fit.is_empty() {
        errs.push(bad(
            file,
            "fit",
            format!(
                "[]: name at least one target to fit; targets of {}: {}",
                src.targets_path.display(),
                names.join(", ")
            ),
        ));
    }
    let mut chosen: Vec<usize> = Vec::new();
    for (key, list) in [("fit", &raw.fit), ("holdout", &raw.holdout)] {
        for (i, name) in list.iter().enumerate() {
            let field = format!("{key}[{i}]");
            let Some(t) = names.iter().position(|n| n == name) else {
                errs.push(bad(
                    file,
                    &field,
                    format!(
                        "\"{name}\": not a target of {}; valid targets: {}",
                        src.targets_path.display(),
                        names.join(", ")
                    ),
                ));
                continue;
            };
            if chosen.contains(&t) {
                let why = if key == "holdout" && raw.fit.contains(name) {
                    "is also in `fit`: a held-out target must not be used in fitting"
                } else {
                    "is listed twice"
                };
                errs.push(bad(file, &field, format!("\"{name}\" {why}")));
                continue;
            }
            chosen.push(t);
        }
    }
    if raw.replications == 0 || raw.replications > 100_000 {
        errs.push(bad(
            file,
            "replications",
            format!(
                "{}: must be a whole number in [1, 100000]",
                raw.replications
            ),
        ));
    }
    if raw.method.kind != ABC_REJECTION {
        errs.push(bad(
            file,
            "method.kind",
            format!("\"{}\": must be \"{ABC_REJECTION}\"", raw.method.kind),
        ));
    }
    let n = raw.method.candidates;
    if !(2..=MAX_CANDIDATES).contains(&n) {
        errs.push(bad(
            file,
            "method.candidates",
            format!("{n}: must be a whole number in [2, {MAX_CANDIDATES}]"),
        ));
    }
    let runs = n.saturating_mul(raw.replications);
    if runs > HARD_MAX_RUNS {
        errs.push(bad(
            file,
            "method.candidates",
            format!(
                "{n} candidates x {} replications = {runs} runs exceeds the limit of {HARD_MAX_RUNS} runs",
                raw.replications
            ),
        ));
    }
    let a = raw.method.accept;
    let a_ok = a.is_finite() && a > 0.0 && a <= 1.0;
    if !a_ok {
        errs.push(bad(
            file,
            "method.accept",
            format!("{a}: must be a fraction of the candidates in (0, 1]"),
        ));
    }
    if a_ok && (2..=MAX_CANDIDATES).contains(&n) && accepted_count(a, n as usize) < 2 {
        errs.push(bad(
            file,
            "method.accept",
            format!("{a}: accepts fewer than 2 of {n} candidates, too few for a posterior interval; raise `accept` or `method.candidates`"),
        ));
    }
    if raw.parameters.is_empty() {
        errs.push(bad(
            file,
            "parameters",
            "[]: list at least one [[parameters]] table with `path`, `min` and `max`".into(),
        ));
    }
    let merged = &src.base.loaded.merged;
    let mut parameters: Vec<Parameter> = Vec::new();
    for (i, p) in raw.parameters.iter().enumerate() {
        let f = |k: &str| format!("parameters[{i}].{k}");
        let like = match check_path(merged, &p.path) {
            Ok(like) => like,
            Err(e) => {
                errs.push(bad(file, &f("path"), format!("\"{}\": {e}", p.path)));
                continue;
            }
        };
        if raw.parameters[..i].iter().any(|q| q.path == p.path) {
            errs.push(bad(
                file,
                &f("path"),
                format!("\"{}\" is listed twice", p.path),
            ));
        }
        if !matches!(like, Value::Integer(_) | Value::Float(_)) {
            errs.push(bad(
                file,
                &f("path"),
                format!(
                    "\"{}\" holds {}; only numbers can be calibrated",
                    p.path,
                    like.type_str()
                ),
            ));
            continue;
        }
        let (lo, hi) = (p.min, p.max);
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
            errs.push(bad(
                file,
                &f("max"),
                format!("{hi}: must be a finite number greater than min = {lo} (the range is empty or inverted)"),
            ));
            continue;
        }
        if matches!(like, Value::Integer(_)) && hi.floor() - lo.ceil() < 1.0 {
            errs.push(bad(
                file,
                &f("max"),
                format!(
                    "{hi}: \"{}\" is a whole number; [{lo}, {hi}] must hold at least two whole numbers",
                    p.path
                ),
            ));
            continue;
        }
        let prior = match p.prior.as_deref().unwrap_or("uniform") {
            "uniform" => Prior::Uniform,
            "log_uniform" if lo > 0.0 => Prior::LogUniform,
            "log_uniform" => {
                errs.push(bad(
                    file,
                    &f("min"),
                    format!("{lo}: a log_uniform prior needs min > 0"),
                ));
                continue;
            }
            other => {
                errs.push(bad(
                    file,
                    &f("prior"),
                    format!("\"{other}\": must be \"uniform\" or \"log_uniform\""),
                ));
                continue;
            }
        };
        parameters.push(Parameter {
            path: p.path.clone(),
            min: lo,
            max: hi,
            prior,
            like: like.clone(),
        });
    }
    if !errs.is_empty() {
        return Err(crate::experiment::checks::several(file, errs));
    }
    let candidates = draw_candidates(&parameters, n as usize, raw.seed)
        .map_err(|e| bad(file, "method", e.to_string()))?;
    let targets: Vec<Target> = chosen.iter().map(|&t| src.targets[t].clone()).collect();
    let cal = Calibration {
        file: file.to_path_buf(),
        base_path: src.base_path,
        base: src.base,
        targets_path: src.targets_path,
        targets,
        n_fit: raw.fit.len(),
        replications: raw.replications,
        seed: raw.seed,
        accept: a,
        parameters,
        candidates,
        identity: src.identity,
    };
    // Every candidate must be a valid scenario: refuse the calibration before anything runs.
    for c in 0..cal.candidates.len() {
        cal.scenario(c)?;
    }
    Ok(cal)
}

/// `n` candidates: a Latin hypercube in the unit cube mapped through each parameter's prior
/// quantile function (so every prior is stratified), then snapped to the parameter's type.
pub(crate) fn draw_candidates(
    parameters: &[Parameter],
    n: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, design::DesignError> {
    let unit = design::latin_hypercube(n, parameters.len(), &mut candidate_stream(seed))?;
    Ok(unit
        .iter()
        .map(|u| {
            parameters
                .iter()
                .zip(u)
                .map(|(p, &x)| p.snap(p.prior.quantile(x, p.min, p.max)))
                .collect()
        })
        .collect())
}

/// The error of `model` against a target, as counted in the distance: the relative error for a
/// point value ("about"); for a bound ("more_than", "less_than") only an error on the wrong side
/// of the bound counts, so every value that meets the bound is a perfect fit.
pub(crate) fn fit_error(t: &Target, model: f64) -> f64 {
    let e = t.relative_error(model);
    match t.qualifier {
        Qualifier::About => e,
        Qualifier::MoreThan => e.min(0.0),
        Qualifier::LessThan => e.max(0.0),
    }
}

/// Root mean square of the fit errors of `means` (one per target of `fit`). A target the model
/// cannot evaluate (NaN, e.g. a share of zero) makes the distance infinite.
pub(crate) fn distance(fit: &[Target], means: &[f64]) -> f64 {
    if fit.is_empty() || means.len() != fit.len() {
        return f64::INFINITY;
    }
    let sum: f64 = fit
        .iter()
        .zip(means)
        .map(|(t, &m)| fit_error(t, m).powi(2))
        .sum();
    let d = (sum / fit.len() as f64).sqrt();
    if d.is_nan() {
        f64::INFINITY
    } else {
        d
    }
}

/// The `count` candidates nearest the targets, best first: sorted by distance, ties broken by
/// candidate index. Failed candidates (`None`) are never accepted; if fewer than `count`
/// succeeded, all of them are returned.
pub(crate) fn accept(distances: &[Option<f64>], count: usize) -> Vec<usize> {
    let mut ok: Vec<(f64, usize)> = distances
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.map(|d| (if d.is_nan() { f64::INFINITY } else { d }, i)))
        .collect();
    ok.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    ok.into_iter().take(count).map(|x| x.1).collect()
}

/// A posterior summary of one parameter over the accepted candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Posterior {
    pub mean: f64,
    pub median: f64,
    /// 2.5% and 97.5% percentiles: the 95% posterior interval.
    pub low: f64,
    pub high: f64,
}

/// The `p` quantile of sorted values, interpolating linearly between order statistics
/// (Hyndman and Fan's type 7, the default of R and NumPy). NaN for no values.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Mean, median and 95% interval of `values` (the sum is taken in the order given).
pub(crate) fn posterior(values: &[f64]) -> Posterior {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mean = if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    };
    Posterior {
        mean,
        median: quantile(&sorted, 0.5),
        low: quantile(&sorted, 0.025),
        high: quantile(&sorted, 0.975),
    }
}

/// Per parameter, the posterior summary over the accepted candidates.
pub(crate) fn posteriors(cal: &Calibration, accepted: &[usize]) -> Vec<Posterior> {
    (0..cal.parameters.len())
        .map(|j| {
            let v: Vec<f64> = accepted.iter().map(|&c| cal.candidates[c][j]).collect();
            posterior(&v)
        })
        .collect()
}

/// The fitted values: the posterior medians, snapped to each parameter's type.
pub(crate) fn fitted(cal: &Calibration, posteriors: &[Posterior]) -> Vec<f64> {
    cal.parameters
        .iter()
        .zip(posteriors)
        .map(|(p, q)| p.snap(q.median))
        .collect()
}

/// Where a fitted path is written in the calibrated scenario: paths into arrays write the whole
/// outermost array (`a.steps[0].value` -> `a.steps`), since arrays replace rather than merge.
pub(crate) fn written_path(path: &str) -> &str {
    match path.find('[') {
        Some(i) => &path[..i],
        None => path,
    }
}

/// The fitted parameters as a TOML table: the value of every written path of `fitted` (the
/// fitted scenario's merged table), and nothing else.
pub(crate) fn fitted_table(cal: &Calibration, fitted: &Table) -> Table {
    let mut out = Table::new();
    for p in &cal.parameters {
        let at = written_path(&p.path);
        let Some(v) = overrides::get(fitted, at) else {
            continue;
        };
        let keys: Vec<&str> = at.split('.').collect();
        let mut t = &mut out;
        for k in &keys[..keys.len() - 1] {
            let slot = t
                .entry(k.to_string())
                .or_insert_with(|| Value::Table(Table::new()));
            if !slot.is_table() {
                *slot = Value::Table(Table::new());
            }
            let Value::Table(inner) = slot else {
                unreachable!("just made a table")
            };
            t = inner;
        }
        t.insert(keys[keys.len() - 1].to_string(), v.clone());
    }
    out
}

/// The text of the calibrated scenario file: a header comment (what produced it, from which
/// file, with which seed; no date, so that it is reproducible), `extends = <extends>`, `[meta]`,
/// and only the fitted parameters.
pub(crate) fn calibrated_text(
    cal: &Calibration,
    fitted_merged: &Table,
    fitted_values: &[f64],
    posteriors: &[Posterior],
    extends: &str,
) -> Result<String, toml::ser::Error> {
    let mut head = format!(
        "# Calibrated scenario produced by `custody-sim calibrate` from {} (approximate Bayesian\n\
         # computation by rejection: {} candidates drawn from the priors, {} accepted, {} replication(s)\n\
         # each, seed {}). It extends the base scenario and overrides only the fitted parameters, set to\n\
         # their posterior medians (95% posterior interval in brackets):\n",
        cal.file.display(),
        cal.candidates.len(),
        cal.accepted_count(),
        cal.replications,
        cal.seed
    );
    for ((p, &x), q) in cal.parameters.iter().zip(fitted_values).zip(posteriors) {
        head.push_str(&format!(
            "#   {} = {}   [{}, {}]   ({} prior on [{}, {}])\n",
            p.path,
            sig(x),
            sig(q.low),
            sig(q.high),
            p.prior.name(),
            p.min,
            p.max
        ));
    }
    let fit: Vec<&str> = cal
        .fit_targets()
        .iter()
        .map(|t| t.raw.name.as_str())
        .collect();
    let held: Vec<&str> = cal
        .holdout_targets()
        .iter()
        .map(|t| t.raw.name.as_str())
        .collect();
    head.push_str(&format!(
        "# Fitted to: {}. Held out (not used in fitting): {}.\n\
         # Targets from {}; the fit on both is in fit.csv next to this file.\n\
         # Every child in the model is synthetic; the fitted values are model estimates, not measurements.\n\n",
        fit.join(", "),
        if held.is_empty() { "none".to_string() } else { held.join(", ") },
        cal.targets_path.display()
    ));
    let mut top = Table::new();
    top.insert("extends".into(), Value::String(extends.to_string()));
    let mut meta = Table::new();
    meta.insert(
        "name".into(),
        Value::String(format!("{}_calibrated", cal.base.name())),
    );
    meta.insert(
        "description".into(),
        Value::String(format!(
            "{} with {} parameter(s) fitted by ABC rejection to {} ({})",
            cal.base.name(),
            cal.parameters.len(),
            fit.join(", "),
            cal.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        )),
    );
    top.insert("meta".into(), Value::Table(meta));
    let body = fitted_table(cal, fitted_merged);
    Ok(format!(
        "{head}{}\n{}",
        toml::to_string(&top)?,
        toml::to_string(&body)?
    ))
}

/// A number with four significant digits, for tables and comments (whole numbers as they are).
pub(crate) fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (x.fract() == 0.0 && x.abs() < 1e15) {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Scenario {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        scenario::load(&p).expect("baseline loads")
    }

    fn targets(base: &Scenario) -> Vec<Target> {
        let raw: targets::RawTargets = toml::from_str(
            r#"
            [[targets]]
            name = "a"
            metric = "released"
            aggregate = "run"
            value = 100
            qualifier = "about"
            tolerance = 0.1
            definition = "d"
            source = "s"

            [[targets]]
            name = "b"
            metric = "released"
            aggregate = "run"
            value = 100
            qualifier = "more_than"
            tolerance = 0.1
            definition = "d"
            source = "s"

            [[targets]]
            name = "c"
            metric = "released"
            aggregate = "run"
            value = 100
            qualifier = "less_than"
            tolerance = 0.1
            definition = "d"
            source = "s"
            "#,
        )
        .unwrap();
        targets::parse(
            Path::new("t.toml"),
            raw,
            &base.loaded.raw.time.start_date,
            base.params.horizon_days,
        )
        .unwrap()
    }

    fn raw(extra: &str) -> RawCalibration {
        toml::from_str(&format!(
            r#"
            base = "b.toml"
            targets = "t.toml"
            fit = ["a"]
            holdout = ["b"]
            replications = 1
            seed = 3
            [method]
            kind = "abc_rejection"
            candidates = 20
            accept = 0.2
            [[parameters]]
            path = "ice.ntas_per_officer_day"
            min = 0.5
            max = 4.0
            prior = "log_uniform"
            [[parameters]]
            path = "wellbeing_calls.max_wait_days"
            min = 2
            max = 20
            {extra}
            "#
        ))
        .unwrap()
    }

    fn checked(r: RawCalibration) -> Result<Calibration, ScenarioError> {
        let base = baseline();
        let t = targets(&base);
        check(
            Path::new("cal.toml"),
            r,
            Sources {
                base_path: PathBuf::from("b.toml"),
                base,
                targets_path: PathBuf::from("t.toml"),
                targets: t,
                identity: "x".into(),
            },
        )
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
        assert!((quantile(&v, 0.975) - 3.925).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.3), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
        let p = posterior(&[4.0, 1.0, 3.0, 2.0, 5.0]);
        assert_eq!((p.mean, p.median), (3.0, 3.0));
        assert!((p.low - 1.1).abs() < 1e-12 && (p.high - 4.9).abs() < 1e-12);
    }

    #[test]
    fn acceptance_takes_the_nearest_breaks_ties_by_index_and_skips_failures() {
        let d = [
            Some(0.5),
            None,
            Some(0.1),
            Some(0.5),
            Some(f64::NAN),
            Some(0.0),
        ];
        assert_eq!(accept(&d, 3), vec![5, 2, 0]);
        assert_eq!(accept(&d, 4), vec![5, 2, 0, 3]);
        // NaN counts as infinitely far; failures are never taken.
        assert_eq!(accept(&d, 10), vec![5, 2, 0, 3, 4]);
        assert_eq!(accepted_count(0.1, 40), 4);
        assert_eq!(accepted_count(0.01, 40), 1);
        assert_eq!(accepted_count(1.0, 40), 40);
    }

    #[test]
    fn distance_is_the_rms_relative_error_and_bounds_count_one_side() {
        let base = baseline();
        let t = targets(&base);
        // about 100: 110 is 10% off.
        assert!((distance(&t[..1], &[110.0]) - 0.1).abs() < 1e-12);
        // more_than 100: 150 meets it, 80 is 20% short; less_than 100: 80 meets it.
        assert_eq!(fit_error(&t[1], 150.0), 0.0);
        assert!((fit_error(&t[1], 80.0) + 0.2).abs() < 1e-12);
        assert_eq!(fit_error(&t[2], 80.0), 0.0);
        assert!((fit_error(&t[2], 130.0) - 0.3).abs() < 1e-12);
        let d = distance(&t, &[110.0, 80.0, 80.0]);
        assert!((d - ((0.01 + 0.04) / 3.0f64).sqrt()).abs() < 1e-12);
        assert_eq!(distance(&t[..1], &[f64::NAN]), f64::INFINITY);
        assert_eq!(distance(&t, &[1.0]), f64::INFINITY);
    }

    #[test]
    fn priors_map_the_unit_interval_onto_the_range() {
        assert_eq!(Prior::Uniform.quantile(0.25, 2.0, 6.0), 3.0);
        let lu = Prior::LogUniform;
        assert!((lu.quantile(0.0, 0.1, 10.0) - 0.1).abs() < 1e-12);
        assert!((lu.quantile(0.5, 0.1, 10.0) - 1.0).abs() < 1e-12);
        assert!((lu.quantile(1.0, 0.1, 10.0) - 10.0).abs() < 1e-12);
    }

    #[test]
    fn candidates_stratify_each_prior_and_respect_types() {
        let cal = checked(raw("")).unwrap();
        assert_eq!(cal.candidates.len(), 20);
        assert_eq!(cal.accepted_count(), 4);
        // Log-uniform over [0.5, 4]: each of 20 strata in log space holds one candidate.
        let mut strata: Vec<usize> = cal
            .candidates
            .iter()
            .map(|c| ((c[0] / 0.5).ln() / 8f64.ln() * 20.0).floor() as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, (0..20).collect::<Vec<_>>());
        // An integer field: whole numbers inside the range, written as integers.
        for c in &cal.candidates {
            assert_eq!(c[1].fract(), 0.0);
            assert!((2.0..=20.0).contains(&c[1]));
        }
        assert_eq!(cal.parameters[1].value(7.4), Value::Integer(7));
        // Same seed, same candidates.
        assert_eq!(checked(raw("")).unwrap().candidates, cal.candidates);
    }

    #[test]
    fn bad_calibrations_are_refused_with_the_field() {
        let msg = |r: RawCalibration| checked(r).unwrap_err().to_string();
        let mut r = raw("");
        r.fit = vec!["zz".into()];
        let m = msg(r);
        assert!(
            m.contains("fit[0]") && m.contains("valid targets: a, b, c"),
            "{m}"
        );
        let mut r = raw("");
        r.holdout = vec!["a".into()];
        assert!(msg(r).contains("also in `fit`"));
        let mut r = raw("");
        r.fit = vec![];
        assert!(msg(r).contains("`fit`"));
        let mut r = raw("");
        r.parameters[0].path = "ice.ntas_per_oficer_day".into();
        let m = msg(r);
        assert!(
            m.contains("parameters[0].path") && m.contains("ice.ntas_per_officer_day"),
            "{m}"
        );
        let mut r = raw("");
        r.parameters[0].max = 0.1;
        assert!(msg(r).contains("inverted"));
        let mut r = raw("");
        r.parameters[0].min = 0.0;
        assert!(msg(r).contains("log_uniform prior needs min > 0"));
        let mut r = raw("");
        r.parameters[1].prior = Some("normal".into());
        assert!(msg(r).contains("parameters[1].prior"));
        let mut r = raw("");
        r.parameters[1].path = "time.start_date".into();
        assert!(msg(r).contains("only numbers"));
        let mut r = raw("");
        r.method.accept = 0.01;
        assert!(msg(r).contains("fewer than 2"));
        let mut r = raw("");
        r.method.kind = "mcmc".into();
        assert!(msg(r).contains("method.kind"));
        // A candidate the scenario rejects (probabilities above 1).
        let r = raw("[[parameters]]\npath = \"wellbeing_calls.answer_probability_if_current\"\nmin = 0.5\nmax = 1.5\n");
        let m = msg(r);
        assert!(
            m.contains("candidate") && m.contains("answer_probability_if_current"),
            "{m}"
        );
    }

    #[test]
    fn the_calibrated_table_holds_only_the_fitted_paths_and_whole_arrays() {
        let mut r = raw("");
        r.parameters[1].path = "ice.nta_officers[0].value".into();
        r.parameters[1].min = 10.0;
        r.parameters[1].max = 90.0;
        let cal = checked(r).unwrap();
        let fitted = cal.scenario_with(&[2.0, 70.0], "fitted").unwrap();
        let t = fitted_table(&cal, &fitted.loaded.merged);
        let ice = t["ice"].as_table().unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(ice.len(), 2, "{ice:?}");
        assert_eq!(ice["ntas_per_officer_day"], Value::Float(2.0));
        let officers = ice["nta_officers"].as_array().unwrap();
        assert_eq!(officers[0]["value"], Value::Integer(70));
        assert_eq!(officers[0]["from"], Value::String("2018-10-01".into()));
        let q = posterior(&[1.0, 2.0, 3.0]);
        let text = calibrated_text(
            &cal,
            &fitted.loaded.merged,
            &[2.0, 70.0],
            &[q, q],
            "../b.toml",
        )
        .unwrap();
        assert!(text.starts_with("# Calibrated scenario produced by"));
        let back: Table = toml::from_str(&text).unwrap();
        assert_eq!(back["extends"], Value::String("../b.toml".into()));
        assert_eq!(
            back["meta"]["name"],
            Value::String("baseline_calibrated".into())
        );
        assert_eq!(back["ice"], t["ice"]);
        assert_eq!(back.len(), 3);
    }
}
