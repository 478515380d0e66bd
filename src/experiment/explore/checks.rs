//! The checks of an explore file's sections besides its futures: the policies (the baseline and
//! the reforms, each a valid scenario with a name of its own), the scale, and what the outcome
//! files hold (the metrics, the better direction and threshold of each, the percentiles). Each
//! records its problems and returns what it checked.

use std::path::Path;

use toml::Value;

use super::raw::RawRobustness;
use super::{default_direction, Direction, Policy, DEFAULT_METRICS, DEFAULT_PERCENTILES};
use crate::experiment::checks::{known_metric, metric_names};
use crate::input::Problems;
use crate::scenario;

/// The scenario at `written` (relative to `dir`), named by `field`, as a policy.
fn policy(p: &mut Problems, dir: &Path, field: &str, written: &str) -> Option<Policy> {
    let file = dir.join(written);
    let scenario = scenario::load_named(p, field, written, &file)?;
    Some(Policy {
        name: scenario.name().to_string(),
        file,
        scenario,
    })
}

/// The baseline, then the reforms in file order (`None` for one that cannot be read): each a
/// valid scenario, every one with its own `meta.name`.
pub(super) fn policies(
    p: &mut Problems,
    dir: &Path,
    baseline: Option<&str>,
    reforms: &[String],
) -> Vec<Option<Policy>> {
    let mut out = vec![baseline.and_then(|b| policy(p, dir, "baseline", b))];
    for (i, r) in reforms.iter().enumerate() {
        let field = format!("reforms[{i}]");
        let reform = policy(p, dir, &field, r).filter(|sc| {
            let Some(j) = out
                .iter()
                .position(|q| q.as_ref().is_some_and(|q| q.name == sc.name))
            else {
                return true;
            };
            let other = if j == 0 {
                "the baseline".to_string()
            } else {
                format!("reforms[{}]", j - 1)
            };
            p.field(
                &field,
                format!(
                    "\"{r}\" is named \"{}\" (meta.name), as {other} is: every policy needs its own name",
                    sc.name
                ),
            );
            false
        });
        out.push(reform);
    }
    out
}

/// `scale` (default 1): a share of the cohort in (0, 100].
pub(super) fn scale(p: &mut Problems, scale: Option<f64>) -> f64 {
    let scale = scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0 && scale <= 100.0) {
        p.field(
            "scale",
            format!("{scale}: must be a number in (0, 100] (1 = the scenario's cohort)"),
        );
    }
    scale
}

/// What the outcome files hold.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Outcomes {
    pub metrics: Vec<String>,
    /// Per metric, which way is better.
    pub directions: Vec<Direction>,
    /// Per metric, the improvement on the baseline that counts as beating it.
    pub thresholds: Vec<f64>,
    pub percentiles: Vec<f64>,
}

/// The metrics (default [`DEFAULT_METRICS`], the metric catalogue's list): whole-run
/// metrics, each once, each with a better direction (known or declared) and a threshold;
/// `[robustness]` names no other metric; the percentiles (default [`DEFAULT_PERCENTILES`]).
pub(super) fn outcomes(
    p: &mut Problems,
    metrics: Option<&[String]>,
    rob: &RawRobustness,
) -> Outcomes {
    let names = metric_names();
    let metrics: Vec<String> = match metrics {
        Some(m) => m.to_vec(),
        None => DEFAULT_METRICS.iter().map(|s| s.to_string()).collect(),
    };
    if metrics.is_empty() {
        p.field("metrics", "[]: list at least one metric");
    }
    let mut directions = Vec::new();
    let mut thresholds = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let valid = known_metric(p, &format!("metrics[{i}]"), m, &names);
        if metrics[..i].contains(m) {
            p.field(&format!("metrics[{i}]"), format!("\"{m}\" is listed twice"));
        }
        directions.push(direction(p, i, m, valid, rob));
        thresholds.push(threshold(p, m, rob));
    }
    for (table, keys) in [
        ("thresholds", rob.thresholds.keys().collect::<Vec<_>>()),
        ("directions", rob.directions.keys().collect()),
    ] {
        for key in keys {
            if !metrics.contains(key) {
                p.field(
                    &format!("robustness.{table}.{key}"),
                    format!(
                        "\"{key}\" is not one of the explore's metrics ({})",
                        metrics.join(", ")
                    ),
                );
            }
        }
    }
    Outcomes {
        percentiles: percentiles(p, rob.percentiles.as_deref()),
        metrics,
        directions,
        thresholds,
    }
}

/// Which way metric `m` (`metrics[i]`) is better: declared in `[robustness] directions`, or known.
fn direction(p: &mut Problems, i: usize, m: &str, valid: bool, rob: &RawRobustness) -> Direction {
    let dir = match rob.directions.get(m).map(|d| d.as_str()) {
        Some("lower") => Some(Direction::Lower),
        Some("higher") => Some(Direction::Higher),
        Some(other) => {
            p.field(
                &format!("robustness.directions.{m}"),
                format!("\"{other}\": must be \"lower\" or \"higher\" (which is better)"),
            );
            Some(Direction::Lower)
        }
        None => default_direction(m),
    };
    dir.unwrap_or_else(|| {
        if valid {
            p.field(&format!("metrics[{i}]"), format!("\"{m}\" has no known better direction: declare it under [robustness] directions, e.g. directions = {{ {m} = \"lower\" }}"));
        }
        Direction::Lower
    })
}

/// The threshold of metric `m` (default 0): a finite number >= 0.
fn threshold(p: &mut Problems, m: &str, rob: &RawRobustness) -> f64 {
    let field = format!("robustness.thresholds.{m}");
    let t = match rob.thresholds.get(m) {
        None => 0.0,
        Some(Value::Integer(n)) => *n as f64,
        Some(Value::Float(x)) => *x,
        Some(other) => {
            p.field(&field, format!("{other}: must be a number >= 0"));
            0.0
        }
    };
    if !(t.is_finite() && t >= 0.0) {
        p.field(&field, format!("{t}: must be a finite number >= 0 (the improvement on the baseline that counts as beating it)"));
    }
    t
}

/// 1 to 20 percentiles in [0, 100], each once.
fn percentiles(p: &mut Problems, percentiles: Option<&[f64]>) -> Vec<f64> {
    let percentiles = percentiles
        .map(|x| x.to_vec())
        .unwrap_or_else(|| DEFAULT_PERCENTILES.to_vec());
    if percentiles.is_empty() || percentiles.len() > 20 {
        p.field(
            "robustness.percentiles",
            format!("{} values: list 1 to 20 percentiles", percentiles.len()),
        );
    }
    for (i, &q) in percentiles.iter().enumerate() {
        if !(0.0..=100.0).contains(&q) {
            p.field(
                &format!("robustness.percentiles[{i}]"),
                format!("{q}: must be in [0, 100]"),
            );
        }
        if percentiles[..i].contains(&q) {
            p.field(
                &format!("robustness.percentiles[{i}]"),
                format!("{q} is listed twice"),
            );
        }
    }
    percentiles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &Problems) -> Vec<&str> {
        p.problems.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn the_default_outcomes_need_no_declaration() {
        let mut p = Problems::default();
        let o = outcomes(&mut p, None, &RawRobustness::default());
        assert!(p.is_empty(), "{:?}", p.problems);
        assert_eq!(o.metrics, DEFAULT_METRICS);
        assert_eq!(o.thresholds, vec![0.0; o.metrics.len()]);
        assert_eq!(o.percentiles, DEFAULT_PERCENTILES);
        assert_eq!(o.directions[0], Direction::Lower);
    }

    #[test]
    fn every_problem_of_the_metrics_and_robustness_is_named() {
        let rob: RawRobustness = toml::from_str(
            "thresholds = { located = -1, events = \"x\", other = 3 }\ndirections = { located = \"up\" }\npercentiles = [50, 50, 101]\n",
        )
        .unwrap();
        let metrics = ["located", "events", "nope", "located"].map(String::from);
        let mut p = Problems::default();
        let o = outcomes(&mut p, Some(&metrics), &rob);
        assert_eq!(
            fields(&p),
            [
                "robustness.directions.located",
                "robustness.thresholds.located",
                "metrics[1]",
                "robustness.thresholds.events",
                "metrics[2]",
                "metrics[3]",
                "robustness.directions.located",
                "robustness.thresholds.located",
                "robustness.thresholds.other",
                "robustness.percentiles[1]",
                "robustness.percentiles[2]",
            ]
        );
        assert!(p.problems[2].allowed.contains("no known better direction"));
        assert_eq!(o.directions.len(), 4);
        let mut p = Problems::default();
        outcomes(&mut p, Some(&[]), &RawRobustness::default());
        assert_eq!(fields(&p), ["metrics"]);
    }

    #[test]
    fn the_scale_is_a_share_of_the_cohort() {
        let mut p = Problems::default();
        assert_eq!(scale(&mut p, None), 1.0);
        assert_eq!(scale(&mut p, Some(0.02)), 0.02);
        scale(&mut p, Some(0.0));
        scale(&mut p, Some(f64::NAN));
        assert_eq!(fields(&p), ["scale", "scale"]);
    }

    #[test]
    fn policies_must_exist_and_be_named_apart() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut p = Problems::default();
        let reforms = [
            "reforms/integrated_record.toml",
            "reforms/nope.toml",
            "reforms/integrated_record.toml",
            "baseline.toml",
        ]
        .map(String::from);
        let got = policies(&mut p, &root, Some("baseline.toml"), &reforms);
        let names: Vec<Option<&str>> = got
            .iter()
            .map(|q| q.as_ref().map(|q| q.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                Some("baseline"),
                Some("integrated_record"),
                None,
                None,
                None
            ]
        );
        assert_eq!(fields(&p), ["reforms[1]", "reforms[2]", "reforms[3]"]);
        assert!(p.problems[1].allowed.contains("as reforms[0] is"));
        assert!(p.problems[2].allowed.contains("as the baseline is"));
    }
}
