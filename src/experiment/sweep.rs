//! Sweep files: which base scenario, which parameters (dotted paths) to vary and how (full grid,
//! Latin hypercube, Morris elementary effects, Sobol/Saltelli), replications and seed. Parsed and
//! checked in full before anything runs: unknown paths (with the nearest valid ones), empty or
//! inverted ranges, absurd sizes and values the scenario would reject are refused.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Value;

use super::design;
use super::slurm::SlurmOptions;
use crate::error::ScenarioError;
use crate::input::Problems;
use crate::rng::{self, Stream};
use crate::scenario::overrides::{self, check_path, number_like};
use crate::scenario::{self, Scenario};

/// Largest number of runs (points x replications) a sweep may ask for unless its file raises
/// `max_runs` (which is itself capped at [`HARD_MAX_RUNS`]).
pub(crate) const DEFAULT_MAX_RUNS: u64 = 1_000_000;
pub(crate) const HARD_MAX_RUNS: u64 = 100_000_000;

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

/// The design, with what its analysis needs (`Csv`: points read from a design CSV, row by row).
#[derive(Debug, Clone)]
pub(crate) enum Design {
    Grid,
    LatinHypercube,
    Morris { design: design::MorrisDesign },
    Sobol { samples: usize, bootstrap: usize },
    Csv,
}

impl Design {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::LatinHypercube => "latin_hypercube",
            Design::Morris { .. } => "morris",
            Design::Sobol { .. } => "sobol",
            Design::Csv => "csv",
        }
    }
}

/// A checked sweep: every point's values, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Sweep {
    pub file: PathBuf,
    pub base: Scenario,
    pub replications: u64,
    pub seed: u64,
    pub design: Design,
    /// Varied paths, in file order.
    pub paths: Vec<String>,
    /// Per point, one value per path.
    pub points: Vec<Vec<Value>>,
    pub metrics: Vec<String>,
    /// SHA-256 of the sweep file and the base scenario chain: identifies the sweep for resume and
    /// merge.
    pub identity: String,
    /// Scheduler settings for `--emit-slurm` (the `[slurm]` table).
    pub slurm: SlurmOptions,
}

impl Sweep {
    pub(crate) fn runs(&self) -> u64 {
        self.points.len() as u64 * self.replications
    }
    /// (point, replication) of run `i`: runs are numbered point-major.
    pub(crate) fn run_of(&self, i: u64) -> (usize, u64) {
        ((i / self.replications) as usize, i % self.replications)
    }
    /// The scenario of one point.
    pub(crate) fn scenario(&self, point: usize) -> Result<Scenario, ScenarioError> {
        let overrides: Vec<(String, Value)> = self
            .paths
            .iter()
            .cloned()
            .zip(self.points[point].iter().cloned())
            .collect();
        overrides::with_overrides(
            &self.base,
            &overrides,
            &format!("{} point {point}", self.file.display()),
        )
    }
}

/// Check that `field` of `file` (written `written`, resolved to `path`) names a readable file: the
/// error names the referring file and field, and says which kind of file (`kind`) is expected.
pub(crate) fn referenced_file(
    file: &Path,
    field: &str,
    written: &str,
    path: &Path,
    kind: &str,
) -> Result<(), ScenarioError> {
    let mut p = Problems::default();
    p.reference(field, written, path, kind);
    p.finish(file)
}

/// Several problems of one file as one error (a single one as it is).
pub(crate) fn several(file: &Path, errs: Vec<ScenarioError>) -> ScenarioError {
    let mut p = Problems::default();
    for e in errs {
        match e {
            ScenarioError::Schema { field, message, .. } => p.field(&field, message),
            other => p.error("(file)", other),
        }
    }
    p.into_error(file)
}

fn bad(file: &Path, field: &str, message: String) -> ScenarioError {
    ScenarioError::Schema {
        path: file.to_path_buf(),
        chain: String::new(),
        field: field.to_string(),
        message,
    }
}

/// The stream that draws a sweep's sample points (Latin hypercube, Morris, Sobol): replication and
/// child are fixed, so the design depends only on the sweep's seed.
fn design_stream(seed: u64) -> Stream {
    rng::stream(seed, u64::MAX, u64::MAX, rng::Purpose::Arrivals)
}

/// Metrics ranked by default.
pub(crate) const DEFAULT_METRICS: &[&str] = &[
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_child_years",
    "unlocatable_pooled_child_years",
    "turned_18_unlocatable_by_ice",
    "never_located_again_by_ice",
    "located",
    "rescued",
    "ntas_issued",
    "no_shows",
    "wellbeing_calls_not_reached",
    "released",
    "care_days_mean",
];

/// Read and check a sweep file.
pub(crate) fn load(file: &Path) -> Result<Sweep, ScenarioError> {
    let crate::input::Source { bytes, table } = crate::input::read(file, "sweep")?;
    let raw: RawSweep = crate::input::strict_file(file, table)?;
    let base_path = file.parent().unwrap_or(Path::new(".")).join(&raw.base);
    referenced_file(file, "base", &raw.base, &base_path, "scenario")?;
    let base = scenario::load(&base_path)?;

    // Checks that do not depend on each other: every problem is reported at once.
    let mut errs: Vec<ScenarioError> = Vec::new();
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
    let max_runs = raw.max_runs.unwrap_or(DEFAULT_MAX_RUNS);
    if max_runs == 0 || max_runs > HARD_MAX_RUNS {
        errs.push(bad(
            file,
            "max_runs",
            format!("{max_runs}: must be in [1, {HARD_MAX_RUNS}]"),
        ));
    }
    if raw.design.kind == "csv" && !raw.parameters.is_empty() {
        errs.push(bad(
            file,
            "parameters",
            "with design.kind = \"csv\" the design file's header names the parameters: remove the [[parameters]] tables".into(),
        ));
    } else if raw.parameters.is_empty() && raw.design.kind != "csv" {
        errs.push(bad(
            file,
            "parameters",
            "[]: list at least one [[parameters]] table with a `path`".into(),
        ));
    }
    let k = raw.parameters.len();
    let mut paths = Vec::new();
    let mut likes = Vec::new();
    let mut path_ok = Vec::new();
    for (i, p) in raw.parameters.iter().enumerate() {
        let like = match check_path(&base.loaded.merged, &p.path) {
            Ok(like) => like,
            Err(e) => {
                errs.push(bad(
                    file,
                    &format!("parameters[{i}].path"),
                    format!("\"{}\": {e}", p.path),
                ));
                path_ok.push(false);
                paths.push(p.path.clone());
                likes.push(Value::Float(0.0));
                continue;
            }
        };
        if paths.contains(&p.path) {
            errs.push(bad(
                file,
                &format!("parameters[{i}].path"),
                format!("\"{}\" is listed twice", p.path),
            ));
        }
        path_ok.push(true);
        paths.push(p.path.clone());
        likes.push(like.clone());
    }

    let kind = raw.design.kind.as_str();
    let field_of = |i: usize, f: &str| format!("parameters[{i}].{f}");
    let mut ranges = vec![(0.0, 0.0); k];
    let continuous = matches!(kind, "latin_hypercube" | "morris" | "sobol");
    if continuous {
        for (i, p) in raw.parameters.iter().enumerate() {
            let (Some(lo), Some(hi)) = (p.min, p.max) else {
                errs.push(bad(
                    file,
                    &field_of(i, "min"),
                    format!("the {kind} design needs `min` and `max` for \"{}\"", p.path),
                ));
                continue;
            };
            if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
                errs.push(bad(file, &field_of(i, "max"), format!("{hi}: must be a finite number greater than min = {lo} (the range is empty or inverted)")));
                continue;
            }
            if path_ok[i] && number_like(&likes[i], lo).is_none() {
                errs.push(bad(
                    file,
                    &field_of(i, "path"),
                    format!(
                        "\"{}\" holds {}; only numbers and booleans can be sampled",
                        p.path,
                        likes[i].type_str()
                    ),
                ));
                continue;
            }
            ranges[i] = (lo, hi);
        }
    }
    let metric_names: Vec<&'static str> = crate::sim::RunSummary::default()
        .metrics()
        .iter()
        .map(|m| m.0)
        .collect();
    let metrics: Vec<String> = match &raw.metrics {
        Some(m) => m.clone(),
        None => DEFAULT_METRICS.iter().map(|s| s.to_string()).collect(),
    };
    for (i, m) in metrics.iter().enumerate() {
        if !metric_names.contains(&m.as_str()) {
            errs.push(bad(
                file,
                &format!("metrics[{i}]"),
                format!(
                    "\"{m}\": not a metric; valid metrics: {}",
                    metric_names.join(", ")
                ),
            ));
        }
    }
    if raw.design.file.is_some() && kind != "csv" {
        errs.push(bad(
            file,
            "design.file",
            format!("is only for kind = \"csv\" (this design is \"{kind}\")"),
        ));
    }
    if raw.design.sequence.is_some() && kind != "sobol" {
        errs.push(bad(
            file,
            "design.sequence",
            format!("is only for kind = \"sobol\" (this design is \"{kind}\")"),
        ));
    }
    let slurm = raw.slurm.clone().unwrap_or_default();
    for (field, value, allowed) in slurm.problems("slurm.") {
        errs.push(bad(file, &field, format!("{value}: must be {allowed}")));
    }
    if !errs.is_empty() {
        return Err(several(file, errs));
    }
    let mut r = design_stream(raw.seed);
    let need = |v: Option<u64>, f: &str, lo: u64| -> Result<u64, ScenarioError> {
        match v {
            Some(x) if x >= lo => Ok(x),
            Some(x) => Err(bad(
                file,
                &format!("design.{f}"),
                format!("{x}: must be at least {lo}"),
            )),
            None => Err(bad(
                file,
                &format!("design.{f}"),
                format!("missing: the {kind} design needs `{f}`"),
            )),
        }
    };
    let check_size = |points: u64| -> Result<(), ScenarioError> {
        let runs = points.saturating_mul(raw.replications);
        if runs > max_runs {
            Err(bad(file, "design", format!("{points} points x {} replications = {runs} runs exceeds the limit of {max_runs} runs (raise `max_runs`, at most {HARD_MAX_RUNS}, or shrink the design)", raw.replications)))
        } else {
            Ok(())
        }
    };
    let unit_points: Vec<Vec<f64>>;
    let (design, points) = match kind {
        "csv" => {
            let Some(written) = raw.design.file.as_deref() else {
                return Err(bad(file, "design.file", "missing: the csv design needs `file`, a CSV of parameter values (header = dotted paths, one row per point)".into()));
            };
            let path = file.parent().unwrap_or(Path::new(".")).join(written);
            let d = super::explore::read_design_csv(
                file,
                "design.file",
                written,
                &path,
                &base.loaded.merged,
            )?;
            check_size(d.rows.len() as u64)?;
            paths = d.paths.clone();
            (
                Design::Csv,
                super::explore::design_values(&d, &base.loaded.merged),
            )
        }
        "grid" => {
            let mut axes: Vec<Vec<Value>> = Vec::new();
            for (i, p) in raw.parameters.iter().enumerate() {
                let axis = grid_axis(file, i, p, &likes[i], max_runs)?;
                axes.push(axis);
            }
            let sizes: Vec<u64> = axes.iter().map(|a| a.len() as u64).collect();
            let total = sizes
                .iter()
                .try_fold(1u64, |acc, &n| acc.checked_mul(n))
                .unwrap_or(u64::MAX);
            check_size(total)?;
            let index_axes: Vec<Vec<f64>> = axes
                .iter()
                .map(|a| (0..a.len()).map(|j| j as f64).collect())
                .collect();
            let combos =
                design::grid(&index_axes).map_err(|e| bad(file, "parameters", e.to_string()))?;
            let points = combos
                .iter()
                .map(|c| {
                    c.iter()
                        .enumerate()
                        .map(|(i, &j)| axes[i][j as usize].clone())
                        .collect()
                })
                .collect();
            (Design::Grid, points)
        }
        "latin_hypercube" => {
            let n = need(raw.design.samples, "samples", 1)?;
            check_size(n)?;
            unit_points = design::latin_hypercube(n as usize, k, &mut r)
                .map_err(|e| bad(file, "design", e.to_string()))?;
            (Design::LatinHypercube, scale(&unit_points, &ranges, &likes))
        }
        "morris" => {
            let t = need(raw.design.trajectories, "trajectories", 2)?;
            let levels = need(raw.design.levels, "levels", 2)?;
            check_size(t.saturating_mul(k as u64 + 1))?;
            let d = design::morris_design(t as usize, k, levels as usize, &mut r)
                .map_err(|e| bad(file, "design", e.to_string()))?;
            let pts = scale(d.points(), &ranges, &likes);
            (Design::Morris { design: d }, pts)
        }
        "sobol" => {
            let n = need(raw.design.samples, "samples", 2)?;
            let bootstrap = raw.design.bootstrap.unwrap_or(200);
            if bootstrap == 0 || bootstrap > 100_000 {
                return Err(bad(
                    file,
                    "design.bootstrap",
                    format!("{bootstrap}: must be in [1, 100000]"),
                ));
            }
            check_size(n.saturating_mul(k as u64 + 2))?;
            unit_points = match raw.design.sequence.as_deref().unwrap_or("random") {
                "random" => design::saltelli_design(n as usize, k, &mut r),
                "scrambled_sobol" => {
                    if !n.is_power_of_two() || n > 1 << 32 {
                        return Err(bad(file, "design.samples", format!("{n}: with sequence = \"scrambled_sobol\" the base sample must be a power of 2 up to 2^32 (e.g. 64, 128, 256), so that the sequence stays balanced")));
                    }
                    if 2 * k > super::sobol::MAX_DIMENSIONS {
                        return Err(bad(file, "parameters", format!("{k} parameters: the Sobol' sequence covers at most {} (2 dimensions each)", super::sobol::MAX_DIMENSIONS / 2)));
                    }
                    super::sobol::saltelli_design(n as usize, k, &mut r)
                }
                other => {
                    return Err(bad(file, "design.sequence", format!("\"{other}\": must be \"random\" (Monte Carlo) or \"scrambled_sobol\"")));
                }
            }
            .map_err(|e| bad(file, "design", e.to_string()))?;
            (
                Design::Sobol {
                    samples: n as usize,
                    bootstrap: bootstrap as usize,
                },
                scale(&unit_points, &ranges, &likes),
            )
        }
        other => {
            return Err(bad(file, "design.kind", format!("\"{other}\": must be one of \"grid\", \"latin_hypercube\", \"morris\", \"sobol\", \"csv\"")));
        }
    };

    let identity = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(&bytes);
        for (_, b) in &base.loaded.sources {
            h.update(b);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    };
    let sweep = Sweep {
        file: file.to_path_buf(),
        base,
        replications: raw.replications,
        seed: raw.seed,
        design,
        paths,
        points,
        metrics,
        identity,
        slurm,
    };
    // Every point must be a valid scenario: refuse the sweep before anything runs.
    for p in 0..sweep.points.len() {
        sweep.scenario(p)?;
    }
    Ok(sweep)
}

fn scale(unit: &[Vec<f64>], ranges: &[(f64, f64)], likes: &[Value]) -> Vec<Vec<Value>> {
    unit.iter()
        .map(|u| {
            u.iter()
                .enumerate()
                .map(|(i, &x)| {
                    let (lo, hi) = ranges[i];
                    number_like(&likes[i], lo + x * (hi - lo))
                        .unwrap_or(Value::Float(lo + x * (hi - lo)))
                })
                .collect()
        })
        .collect()
}

/// The values of one grid axis: explicit `values`, or `start`..=`stop` by `step`.
fn grid_axis(
    file: &Path,
    i: usize,
    p: &RawParameter,
    like: &Value,
    max_runs: u64,
) -> Result<Vec<Value>, ScenarioError> {
    let f = |name: &str| format!("parameters[{i}].{name}");
    match (&p.values, p.start, p.stop, p.step) {
        (Some(v), None, None, None) => {
            if v.is_empty() {
                return Err(bad(file, &f("values"), "[]: list at least one value".into()));
            }
            Ok(v.iter()
                .map(|x| match (x, like) {
                    (Value::Integer(n), Value::Float(_)) => Value::Float(*n as f64),
                    (Value::Float(x), Value::Integer(_)) if x.fract() == 0.0 => Value::Integer(*x as i64),
                    _ => x.clone(),
                })
                .collect())
        }
        (None, Some(start), Some(stop), Some(step)) => {
            if !(start.is_finite() && stop.is_finite() && step.is_finite()) || step <= 0.0 {
                return Err(bad(file, &f("step"), format!("{step}: must be a finite number > 0")));
            }
            if stop < start {
                return Err(bad(file, &f("stop"), format!("{stop}: must be >= start = {start} (the range is inverted)")));
            }
            let n = ((stop - start) / step + 1e-9).floor() + 1.0;
            if n > max_runs as f64 {
                return Err(bad(file, &f("step"), format!("{step}: gives {n} values, more than the limit of {max_runs} runs")));
            }
            (0..n as u64)
                .map(|j| {
                    let x = start + j as f64 * step;
                    number_like(like, x).ok_or_else(|| bad(file, &f("path"), format!("\"{}\" holds {}; use `values` for it", p.path, like.type_str())))
                })
                .collect()
        }
        _ => Err(bad(file, &f("values"), format!("a grid parameter needs either `values` or all of `start`, `stop` and `step` (\"{}\")", p.path))),
    }
}
