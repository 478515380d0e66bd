//! The points of a sweep's design, drawn once the sweep file's fields are checked: a full grid, a
//! Latin hypercube, Morris trajectories, a Sobol/Saltelli design or the rows of a design CSV,
//! within the limit on runs.

use std::path::Path;

use toml::{Table, Value};

use super::raw::{RawDesign, RawParameter};
use super::types::Design;
use crate::experiment::checks::HARD_MAX_RUNS;
use crate::experiment::{design, design_csv, sobol};
use crate::input::Problems;
use crate::rng::{self, Stream};
use crate::scenario::overrides::number_like;

/// What a design's points are drawn from: the checked fields of the sweep file.
pub(super) struct Plan<'a> {
    /// The sweep file's folder.
    pub dir: &'a Path,
    pub design: &'a RawDesign,
    pub parameters: &'a [RawParameter],
    /// The base scenario's value at each parameter's path.
    pub likes: &'a [Value],
    /// Each parameter's range (continuous designs).
    pub ranges: &'a [(f64, f64)],
    /// The base scenario's merged table.
    pub base: &'a Table,
    pub replications: u64,
    pub max_runs: u64,
    pub seed: u64,
}

/// A design's points: one value per path, per point.
pub(super) struct Points {
    pub design: Design,
    /// The varied paths: the design CSV's header, or `None` for the parameters' paths.
    pub paths: Option<Vec<String>>,
    pub points: Vec<Vec<Value>>,
}

/// The stream that draws a sweep's sample points (Latin hypercube, Morris, Sobol): replication and
/// child are fixed, so the design depends only on the sweep's seed.
fn design_stream(seed: u64) -> Stream {
    rng::stream(seed, u64::MAX, u64::MAX, rng::Purpose::Arrivals)
}

/// The points of the plan's design; `None`, with the problems in `p`, if it cannot be drawn.
pub(super) fn points(p: &mut Problems, plan: &Plan) -> Option<Points> {
    let mut r = design_stream(plan.seed);
    let plain = |design: Design, points: Vec<Vec<Value>>| Points {
        design,
        paths: None,
        points,
    };
    match plan.design.kind.as_str() {
        "csv" => csv(p, plan),
        "grid" => grid(p, plan).map(|pts| plain(Design::Grid, pts)),
        "latin_hypercube" => {
            let n = plan.need(p, plan.design.samples, "samples", 1)?;
            plan.size(p, n)?;
            let unit = design::latin_hypercube(n as usize, plan.parameters.len(), &mut r)
                .map_err(|e| p.field("design", e.to_string()))
                .ok()?;
            Some(plain(Design::LatinHypercube, plan.scale(&unit)))
        }
        "morris" => {
            let t = plan.need(p, plan.design.trajectories, "trajectories", 2);
            let levels = plan.need(p, plan.design.levels, "levels", 2);
            let (t, levels) = (t?, levels?);
            let k = plan.parameters.len();
            plan.size(p, t.saturating_mul(k as u64 + 1))?;
            let d = design::morris_design(t as usize, k, levels as usize, &mut r)
                .map_err(|e| p.field("design", e.to_string()))
                .ok()?;
            let points = plan.scale(d.points());
            Some(plain(Design::Morris { design: d }, points))
        }
        "sobol" => sobol_points(p, plan, &mut r),
        other => {
            p.field("design.kind", format!("\"{other}\": must be one of \"grid\", \"latin_hypercube\", \"morris\", \"sobol\", \"csv\""));
            None
        }
    }
}

impl Plan<'_> {
    /// A size of the design (`design.{f}`) that must be given and at least `lo`.
    fn need(&self, p: &mut Problems, v: Option<u64>, f: &str, lo: u64) -> Option<u64> {
        match v {
            Some(x) if x >= lo => Some(x),
            Some(x) => {
                p.field(
                    &format!("design.{f}"),
                    format!("{x}: must be at least {lo}"),
                );
                None
            }
            None => {
                p.field(
                    &format!("design.{f}"),
                    format!("missing: the {} design needs `{f}`", self.design.kind),
                );
                None
            }
        }
    }

    /// `points` x replications within the limit on runs.
    fn size(&self, p: &mut Problems, points: u64) -> Option<()> {
        let runs = points.saturating_mul(self.replications);
        if runs > self.max_runs {
            p.field("design", format!("{points} points x {} replications = {runs} runs exceeds the limit of {} runs (raise `max_runs`, at most {HARD_MAX_RUNS}, or shrink the design)", self.replications, self.max_runs));
            None
        } else {
            Some(())
        }
    }

    /// Points of the unit cube mapped onto the parameters' ranges, as values of the base
    /// scenario's types.
    fn scale(&self, unit: &[Vec<f64>]) -> Vec<Vec<Value>> {
        unit.iter()
            .map(|u| {
                u.iter()
                    .enumerate()
                    .map(|(i, &x)| {
                        let (lo, hi) = self.ranges[i];
                        number_like(&self.likes[i], lo + x * (hi - lo))
                            .unwrap_or(Value::Float(lo + x * (hi - lo)))
                    })
                    .collect()
            })
            .collect()
    }
}

/// The rows of the design CSV `design.file`.
fn csv(p: &mut Problems, plan: &Plan) -> Option<Points> {
    let Some(written) = plan.design.file.as_deref() else {
        p.field("design.file", "missing: the csv design needs `file`, a CSV of parameter values (header = dotted paths, one row per point)");
        return None;
    };
    let path = plan.dir.join(written);
    let d = design_csv::read(p, "design.file", written, &path, plan.base)?;
    plan.size(p, d.rows.len() as u64)?;
    Some(Points {
        design: Design::Csv,
        points: design_csv::values(&d, plan.base),
        paths: Some(d.paths),
    })
}

/// Every combination of the parameters' grid values, the first parameter varying slowest.
fn grid(p: &mut Problems, plan: &Plan) -> Option<Vec<Vec<Value>>> {
    let axes: Vec<Option<Vec<Value>>> = plan
        .parameters
        .iter()
        .enumerate()
        .map(|(i, q)| grid_axis(p, i, q, &plan.likes[i], plan.max_runs))
        .collect();
    let axes: Vec<Vec<Value>> = axes.into_iter().collect::<Option<_>>()?;
    let total = axes
        .iter()
        .try_fold(1u64, |acc, a| acc.checked_mul(a.len() as u64))
        .unwrap_or(u64::MAX);
    plan.size(p, total)?;
    let index_axes: Vec<Vec<f64>> = axes
        .iter()
        .map(|a| (0..a.len()).map(|j| j as f64).collect())
        .collect();
    let combos = design::grid(&index_axes)
        .map_err(|e| p.field("parameters", e.to_string()))
        .ok()?;
    Some(
        combos
            .iter()
            .map(|c| {
                c.iter()
                    .enumerate()
                    .map(|(i, &j)| axes[i][j as usize].clone())
                    .collect()
            })
            .collect(),
    )
}

/// The values of one grid axis: explicit `values`, or `start`..=`stop` by `step`.
fn grid_axis(
    p: &mut Problems,
    i: usize,
    q: &RawParameter,
    like: &Value,
    max_runs: u64,
) -> Option<Vec<Value>> {
    let f = |name: &str| format!("parameters[{i}].{name}");
    match (&q.values, q.start, q.stop, q.step) {
        (Some(v), None, None, None) => {
            if v.is_empty() {
                p.field(&f("values"), "[]: list at least one value");
                return None;
            }
            Some(
                v.iter()
                    .map(|x| match (x, like) {
                        (Value::Integer(n), Value::Float(_)) => Value::Float(*n as f64),
                        (Value::Float(x), Value::Integer(_)) if x.fract() == 0.0 => {
                            Value::Integer(*x as i64)
                        }
                        _ => x.clone(),
                    })
                    .collect(),
            )
        }
        (None, Some(start), Some(stop), Some(step)) => {
            if !(start.is_finite() && stop.is_finite() && step.is_finite()) || step <= 0.0 {
                p.field(&f("step"), format!("{step}: must be a finite number > 0"));
                return None;
            }
            if stop < start {
                p.field(
                    &f("stop"),
                    format!("{stop}: must be >= start = {start} (the range is inverted)"),
                );
                return None;
            }
            let n = ((stop - start) / step + 1e-9).floor() + 1.0;
            if n > max_runs as f64 {
                p.field(
                    &f("step"),
                    format!("{step}: gives {n} values, more than the limit of {max_runs} runs"),
                );
                return None;
            }
            let values: Option<Vec<Value>> = (0..n as u64)
                .map(|j| number_like(like, start + j as f64 * step))
                .collect();
            if values.is_none() {
                p.field(
                    &f("path"),
                    format!(
                        "\"{}\" holds {}; use `values` for it",
                        q.path,
                        like.type_str()
                    ),
                );
            }
            values
        }
        _ => {
            p.field(&f("values"), format!("a grid parameter needs either `values` or all of `start`, `stop` and `step` (\"{}\")", q.path));
            None
        }
    }
}

/// A Sobol/Saltelli design: `samples` base points (a power of 2 for a scrambled Sobol'
/// sequence), `bootstrap` resamples for the intervals.
fn sobol_points(p: &mut Problems, plan: &Plan, r: &mut Stream) -> Option<Points> {
    let before = p.problems.len();
    let k = plan.parameters.len();
    let n = plan.need(p, plan.design.samples, "samples", 2);
    let bootstrap = plan.design.bootstrap.unwrap_or(200);
    if bootstrap == 0 || bootstrap > 100_000 {
        p.field(
            "design.bootstrap",
            format!("{bootstrap}: must be in [1, 100000]"),
        );
    }
    let sequence = plan.design.sequence.as_deref().unwrap_or("random");
    if let Some(n) = n {
        plan.size(p, n.saturating_mul(k as u64 + 2));
    }
    match (sequence, n) {
        ("random", _) => {}
        ("scrambled_sobol", n) => {
            if let Some(n) = n.filter(|&n| !n.is_power_of_two() || n > 1 << 32) {
                p.field("design.samples", format!("{n}: with sequence = \"scrambled_sobol\" the base sample must be a power of 2 up to 2^32 (e.g. 64, 128, 256), so that the sequence stays balanced"));
            }
            if 2 * k > sobol::MAX_DIMENSIONS {
                p.field(
                    "parameters",
                    format!(
                        "{k} parameters: the Sobol' sequence covers at most {} (2 dimensions each)",
                        sobol::MAX_DIMENSIONS / 2
                    ),
                );
            }
        }
        (other, _) => p.field(
            "design.sequence",
            format!("\"{other}\": must be \"random\" (Monte Carlo) or \"scrambled_sobol\""),
        ),
    }
    let n = n.filter(|_| p.problems.len() == before)?;
    let unit = if sequence == "random" {
        design::saltelli_design(n as usize, k, r)
    } else {
        sobol::saltelli_design(n as usize, k, r)
    }
    .map_err(|e| p.field("design", e.to_string()))
    .ok()?;
    Some(Points {
        design: Design::Sobol {
            samples: n as usize,
            bootstrap: bootstrap as usize,
        },
        points: plan.scale(&unit),
        paths: None,
    })
}
