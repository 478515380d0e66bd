//! Targets: published figures to compare the model with. Each target names a metric the model
//! tracks (any daily series, at any date, or any whole-run metric), how it is aggregated, the
//! published value with its qualifier, a tolerance, the source's definition and the source.
//! Parsed and checked in full (unknown metrics list the valid ones; dates outside the horizon are
//! rejected), then evaluated on each replication's daily log.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::sim::series_names;
use crate::sim::{DaySnapshot, RunSummary};
use crate::stats::{interval, Interval};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTargets {
    pub targets: Vec<RawTarget>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    /// A short unique name.
    pub name: String,
    /// A daily series (a column of timeseries.csv) or, with `aggregate = "run"`, a whole-run metric.
    pub metric: String,
    /// A daily series subtracted from `metric` (e.g. released minus NTAs issued).
    #[serde(default)]
    pub minus: Option<String>,
    /// A daily series dividing the result (a share or a mean per child).
    #[serde(default)]
    pub per: Option<String>,
    /// "at_date" (value at the end of `date`), "change" (increase over `from`..=`to`, e.g. a
    /// cumulative count over a period), "mean" (daily mean over `from`..=`to`), "run" (whole run).
    pub aggregate: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Multiplies the model value (unit conversion).
    #[serde(default)]
    pub scale: Option<f64>,
    /// The published value.
    pub value: f64,
    /// "about" (a point value), "more_than" (a lower bound) or "less_than" (an upper bound).
    pub qualifier: String,
    /// Allowed relative error (0.05 = 5%).
    pub tolerance: f64,
    /// What the source counts.
    pub definition: String,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Aggregate {
    AtDate(u32),
    Change(u32, u32),
    Mean(u32, u32),
    Run,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Qualifier {
    About,
    MoreThan,
    LessThan,
}

/// A checked target.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub raw: RawTarget,
    metric: usize,
    minus: Option<usize>,
    per: Option<usize>,
    pub aggregate: Aggregate,
    pub qualifier: Qualifier,
    scale: f64,
}

impl Target {
    /// The model's value in one replication.
    pub(crate) fn evaluate(&self, days: &[DaySnapshot], summary: &RunSummary) -> f64 {
        let scale = self.scale;
        if self.aggregate == Aggregate::Run {
            return summary.metrics()[self.metric].1 * scale;
        }
        let at = |d: Option<u32>, i: usize| -> f64 {
            match d {
                None => 0.0,
                Some(d) => days
                    .get(d as usize)
                    .map(|s| s.series()[i])
                    .unwrap_or(f64::NAN),
            }
        };
        let num = |d: Option<u32>| at(d, self.metric) - self.minus.map(|m| at(d, m)).unwrap_or(0.0);
        let den = |d: Option<u32>| self.per.map(|p| at(d, p));
        let ratio = |n: f64, d: Option<f64>| match d {
            None => n,
            Some(d) if d != 0.0 => n / d,
            Some(_) => f64::NAN,
        };
        let value = match self.aggregate {
            Aggregate::AtDate(d) => ratio(num(Some(d)), den(Some(d))),
            Aggregate::Change(a, b) => {
                let before = a.checked_sub(1);
                let dn = den(Some(b)).map(|x| x - den(before).unwrap_or(0.0));
                ratio(num(Some(b)) - num(before), dn)
            }
            Aggregate::Mean(a, b) => {
                let v: Vec<f64> = (a..=b).map(|d| ratio(num(Some(d)), den(Some(d)))).collect();
                v.iter().sum::<f64>() / v.len() as f64
            }
            Aggregate::Run => unreachable!(),
        };
        value * scale
    }

    /// Relative error of `model` against the published value.
    pub(crate) fn relative_error(&self, model: f64) -> f64 {
        (model - self.raw.value) / self.raw.value.abs().max(f64::MIN_POSITIVE)
    }

    /// Whether the model's 95% interval meets the target within its tolerance: for "about", the
    /// interval overlaps value x (1 +/- tolerance); for "more_than", its upper end reaches
    /// value x (1 - tolerance); for "less_than", its lower end is at most value x (1 + tolerance).
    /// With one replication the mean stands for the interval.
    pub(crate) fn passes(&self, i: &Interval) -> bool {
        let (lo, hi) = if i.low.is_nan() {
            (i.mean, i.mean)
        } else {
            (i.low, i.high)
        };
        let v = self.raw.value;
        let t = self.raw.tolerance * v.abs();
        if !i.mean.is_finite() {
            return false;
        }
        match self.qualifier {
            Qualifier::About => hi >= v - t && lo <= v + t,
            Qualifier::MoreThan => hi >= v - t,
            Qualifier::LessThan => lo <= v + t,
        }
    }

    /// The model's definition in words, for the output.
    pub(crate) fn describe(&self, start: &str) -> String {
        let date = |d: u32| crate::scenario::date_of(start, d);
        let mut what = self.raw.metric.clone();
        if let Some(m) = &self.raw.minus {
            what = format!("({what} - {m})");
        }
        match (self.aggregate, &self.raw.per) {
            (Aggregate::Run, _) => format!("{what} over the whole run"),
            (Aggregate::AtDate(d), None) => format!("{what} at the end of {}", date(d)),
            (Aggregate::AtDate(d), Some(p)) => format!("{what} / {p} at the end of {}", date(d)),
            (Aggregate::Change(a, b), None) => {
                format!("increase of {what} from {} to {}", date(a), date(b))
            }
            (Aggregate::Change(a, b), Some(p)) => {
                format!(
                    "increase of {what} / increase of {p}, {} to {}",
                    date(a),
                    date(b)
                )
            }
            (Aggregate::Mean(a, b), None) => {
                format!("daily mean of {what}, {} to {}", date(a), date(b))
            }
            (Aggregate::Mean(a, b), Some(p)) => {
                format!("daily mean of {what} / {p}, {} to {}", date(a), date(b))
            }
        }
    }
}

/// Model mean, interval and verdict for one target.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub model: Interval,
    pub relative_error: f64,
    pub pass: bool,
}

pub(crate) fn outcome(t: &Target, values: &[f64]) -> Outcome {
    let model = interval(values);
    Outcome {
        relative_error: t.relative_error(model.mean),
        pass: t.passes(&model),
        model,
    }
}

fn bad(file: &Path, field: String, message: String) -> ScenarioError {
    ScenarioError::Schema {
        path: file.to_path_buf(),
        chain: String::new(),
        field,
        message,
    }
}

/// Read and check a targets file against a scenario's calendar (`start_date`, `horizon_days`).
pub(crate) fn load(
    file: &Path,
    start_date: &str,
    horizon_days: u32,
) -> Result<Vec<Target>, ScenarioError> {
    let table = crate::input::read(file, "targets")?.table;
    let raw: RawTargets = crate::input::strict_file(file, table)?;
    parse(file, raw, start_date, horizon_days)
}

/// Check raw targets (see [`load`]).
pub(crate) fn parse(
    file: &Path,
    raw: RawTargets,
    start_date: &str,
    horizon_days: u32,
) -> Result<Vec<Target>, ScenarioError> {
    let start = NaiveDate::parse_from_str(start_date, "%Y-%m-%d")
        .map_err(|_| bad(file, "(scenario) time.start_date".into(), start_date.into()))?;
    let end = crate::scenario::date_of(start_date, horizon_days.saturating_sub(1));
    let series = series_names();
    let run_metrics: Vec<&'static str> = RunSummary::default()
        .metrics()
        .iter()
        .map(|m| m.0)
        .collect();
    if raw.targets.is_empty() {
        return Err(bad(
            file,
            "targets".into(),
            "[]: list at least one [[targets]] table".into(),
        ));
    }
    let mut out = Vec::new();
    let mut errs: Vec<ScenarioError> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (i, t) in raw.targets.iter().enumerate() {
        let f = |k: &str| format!("targets[{i}].{k}");
        if names.contains(&t.name.as_str()) {
            errs.push(bad(
                file,
                f("name"),
                format!("\"{}\" is used twice", t.name),
            ));
            continue;
        }
        names.push(&t.name);
        // The first problem of each target; every target is checked.
        let target = || -> Result<Target, ScenarioError> {
            let day = |key: &str, v: &Option<String>| -> Result<u32, ScenarioError> {
                let s = v.as_deref().ok_or_else(|| {
                    bad(
                        file,
                        f(key),
                        format!("missing: the {} aggregate needs `{key}`", t.aggregate),
                    )
                })?;
                let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    bad(
                        file,
                        f(key),
                        format!("\"{s}\": must be a date written YYYY-MM-DD"),
                    )
                })?;
                let n = (d - start).num_days();
                if n < 0 || n >= horizon_days as i64 {
                    return Err(bad(
                    file,
                    f(key),
                    format!("\"{s}\": outside the simulated period {start_date} to {end}; the model has no value there"),
                ));
                }
                Ok(n as u32)
            };
            let aggregate = match t.aggregate.as_str() {
                "at_date" => Aggregate::AtDate(day("date", &t.date)?),
                "change" | "mean" => {
                    let (a, b) = (day("from", &t.from)?, day("to", &t.to)?);
                    if b < a {
                        return Err(bad(
                            file,
                            f("to"),
                            format!(
                                "\"{}\": must not be before `from`",
                                t.to.clone().unwrap_or_default()
                            ),
                        ));
                    }
                    if t.aggregate == "change" {
                        Aggregate::Change(a, b)
                    } else {
                        Aggregate::Mean(a, b)
                    }
                }
                "run" => Aggregate::Run,
                other => {
                    return Err(bad(
                        file,
                        f("aggregate"),
                        format!(
                        "\"{other}\": must be one of \"at_date\", \"change\", \"mean\", \"run\""
                    ),
                    ));
                }
            };
            let find = |key: &str, name: &str| -> Result<usize, ScenarioError> {
                if aggregate == Aggregate::Run {
                    run_metrics.iter().position(|m| *m == name).ok_or_else(|| {
                        bad(
                            file,
                            f(key),
                            format!(
                                "\"{name}\": not a whole-run metric; valid: {}",
                                run_metrics.join(", ")
                            ),
                        )
                    })
                } else {
                    series.iter().position(|m| *m == name).ok_or_else(|| {
                    bad(file, f(key), format!("\"{name}\": not a daily series; valid: {} (or use aggregate = \"run\" for: {})", series.join(", "), run_metrics.join(", ")))
                })
                }
            };
            let metric = find("metric", &t.metric)?;
            if aggregate == Aggregate::Run && (t.minus.is_some() || t.per.is_some()) {
                return Err(bad(
                    file,
                    f("minus"),
                    "`minus` and `per` apply to daily series, not to aggregate = \"run\"".into(),
                ));
            }
            let minus = t.minus.as_deref().map(|m| find("minus", m)).transpose()?;
            let per = t.per.as_deref().map(|m| find("per", m)).transpose()?;
            let qualifier = match t.qualifier.as_str() {
                "about" => Qualifier::About,
                "more_than" => Qualifier::MoreThan,
                "less_than" => Qualifier::LessThan,
                other => {
                    return Err(bad(
                        file,
                        f("qualifier"),
                        format!("\"{other}\": must be \"about\", \"more_than\" or \"less_than\""),
                    ))
                }
            };
            if !(t.tolerance.is_finite() && t.tolerance > 0.0 && t.tolerance <= 10.0) {
                return Err(bad(
                    file,
                    f("tolerance"),
                    format!("{}: must be a relative error in (0, 10]", t.tolerance),
                ));
            }
            if !t.value.is_finite() || t.value == 0.0 {
                return Err(bad(
                    file,
                    f("value"),
                    format!("{}: must be a finite, non-zero number", t.value),
                ));
            }
            let scale = t.scale.unwrap_or(1.0);
            if !(scale.is_finite() && scale != 0.0) {
                return Err(bad(
                    file,
                    f("scale"),
                    format!("{scale}: must be a finite, non-zero number"),
                ));
            }
            Ok(Target {
                raw: t.clone(),
                metric,
                minus,
                per,
                aggregate,
                qualifier,
                scale,
            })
        };
        match target() {
            Ok(t) => out.push(t),
            Err(e) => errs.push(e),
        }
    }
    if !errs.is_empty() {
        return Err(crate::experiment::checks::several(file, errs));
    }
    Ok(out)
}
