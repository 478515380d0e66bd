//! The checks of a sweep file's sections that do not depend on the design's points: the
//! parameters (their paths in the base scenario and their ranges), the metrics, the design's
//! fields and the `[slurm]` table. Each records its problems and returns what it checked.

use toml::{Table, Value};

use super::raw::{RawDesign, RawParameter};
use super::types::DEFAULT_METRICS;
use crate::experiment::checks::{known_metric, metric_names};
use crate::experiment::slurm::SlurmOptions;
use crate::input::Problems;
use crate::scenario::overrides::{check_path, number_like};

/// The designs that sample each parameter over a range.
pub(super) fn is_continuous(kind: &str) -> bool {
    matches!(kind, "latin_hypercube" | "morris" | "sobol")
}

/// A csv design takes its parameters from the design file's header; every other design needs
/// `[[parameters]]`.
pub(super) fn parameters_given(p: &mut Problems, kind: &str, parameters: &[RawParameter]) {
    if kind == "csv" && !parameters.is_empty() {
        p.field(
            "parameters",
            "with design.kind = \"csv\" the design file's header names the parameters: remove the [[parameters]] tables",
        );
    } else if parameters.is_empty() && kind != "csv" {
        p.field(
            "parameters",
            "[]: list at least one [[parameters]] table with a `path`",
        );
    }
}

/// Each parameter's path must name a value of the base scenario (`base`), once. Returns the base
/// scenario's value at each path (`None` where the path is not valid).
pub(super) fn parameter_paths(
    p: &mut Problems,
    base: &Table,
    parameters: &[RawParameter],
) -> Vec<Option<Value>> {
    let mut likes = Vec::new();
    for (i, q) in parameters.iter().enumerate() {
        let like = match check_path(base, &q.path) {
            Ok(like) => like,
            Err(e) => {
                p.field(
                    &format!("parameters[{i}].path"),
                    format!("\"{}\": {e}", q.path),
                );
                likes.push(None);
                continue;
            }
        };
        if parameters[..i].iter().any(|o| o.path == q.path) {
            p.field(
                &format!("parameters[{i}].path"),
                format!("\"{}\" is listed twice", q.path),
            );
        }
        likes.push(Some(like.clone()));
    }
    likes
}

/// The range of every parameter of a continuous design (`kind`): `min` < `max`, both finite, of
/// a path that holds a number or boolean (`likes`: the base scenario's values, where known).
/// Returns the ranges (`(0, 0)` where there is none).
pub(super) fn ranges(
    p: &mut Problems,
    kind: &str,
    parameters: &[RawParameter],
    likes: &[Option<Value>],
) -> Vec<(f64, f64)> {
    let mut ranges = vec![(0.0, 0.0); parameters.len()];
    if !is_continuous(kind) {
        return ranges;
    }
    let field = |i: usize, f: &str| format!("parameters[{i}].{f}");
    for (i, q) in parameters.iter().enumerate() {
        let (Some(lo), Some(hi)) = (q.min, q.max) else {
            p.field(
                &field(i, "min"),
                format!("the {kind} design needs `min` and `max` for \"{}\"", q.path),
            );
            continue;
        };
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
            p.field(&field(i, "max"), format!("{hi}: must be a finite number greater than min = {lo} (the range is empty or inverted)"));
            continue;
        }
        if let Some(Some(like)) = likes.get(i) {
            if number_like(like, lo).is_none() {
                p.field(
                    &field(i, "path"),
                    format!(
                        "\"{}\" holds {}; only numbers and booleans can be sampled",
                        q.path,
                        like.type_str()
                    ),
                );
                continue;
            }
        }
        ranges[i] = (lo, hi);
    }
    ranges
}

/// The metrics ranked (default [`DEFAULT_METRICS`], the metric catalogue's list): each a
/// whole-run metric.
pub(super) fn metrics(p: &mut Problems, metrics: Option<&[String]>) -> Vec<String> {
    let metrics: Vec<String> = match metrics {
        Some(m) => m.to_vec(),
        None => DEFAULT_METRICS.iter().map(|s| s.to_string()).collect(),
    };
    let names = metric_names();
    for (i, m) in metrics.iter().enumerate() {
        known_metric(p, &format!("metrics[{i}]"), m, &names);
    }
    metrics
}

/// The fields of `[design]` that only one kind of design takes.
pub(super) fn design_fields(p: &mut Problems, design: &RawDesign) {
    let kind = design.kind.as_str();
    if design.file.is_some() && kind != "csv" {
        p.field(
            "design.file",
            format!("is only for kind = \"csv\" (this design is \"{kind}\")"),
        );
    }
    if design.sequence.is_some() && kind != "sobol" {
        p.field(
            "design.sequence",
            format!("is only for kind = \"sobol\" (this design is \"{kind}\")"),
        );
    }
}

/// The `[slurm]` table (default: empty).
pub(super) fn slurm(p: &mut Problems, slurm: Option<&SlurmOptions>) -> SlurmOptions {
    let slurm = slurm.cloned().unwrap_or_default();
    for (field, value, allowed) in slurm.problems("slurm.") {
        p.field(&field, format!("{value}: must be {allowed}"));
    }
    slurm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(p: &Problems) -> Vec<String> {
        p.problems.iter().map(|x| x.to_string()).collect()
    }

    fn parameter(path: &str, min: Option<f64>, max: Option<f64>) -> RawParameter {
        RawParameter {
            path: path.into(),
            values: None,
            start: None,
            stop: None,
            step: None,
            min,
            max,
        }
    }

    fn base() -> Table {
        toml::from_str("[life]\nmove_rate_per_year = 0.3\nname = \"x\"\n").unwrap()
    }

    #[test]
    fn parameters_are_required_except_for_a_csv_design() {
        let mut p = Problems::default();
        parameters_given(&mut p, "grid", &[]);
        parameters_given(&mut p, "csv", &[parameter("a", None, None)]);
        parameters_given(&mut p, "csv", &[]);
        parameters_given(&mut p, "morris", &[parameter("a", None, None)]);
        let shown = shown(&p);
        assert_eq!(shown.len(), 2);
        assert!(shown[0].contains("list at least one [[parameters]]"));
        assert!(shown[1].contains("remove the [[parameters]] tables"));
    }

    #[test]
    fn paths_must_exist_once_and_ranges_be_proper() {
        let params = [
            parameter("life.move_rate_per_year", Some(0.1), Some(0.5)),
            parameter("life.move_rate_per_yer", Some(0.1), Some(0.5)),
            parameter("life.move_rate_per_year", Some(0.5), Some(0.1)),
            parameter("life.name", Some(0.0), Some(1.0)),
            parameter("life.move_rate_per_year", None, Some(1.0)),
        ];
        let mut p = Problems::default();
        let likes = parameter_paths(&mut p, &base(), &params);
        assert_eq!(likes[0], Some(Value::Float(0.3)));
        assert_eq!(likes[1], None);
        let r = ranges(&mut p, "latin_hypercube", &params, &likes);
        assert_eq!(r[0], (0.1, 0.5));
        let fields: Vec<&str> = p.problems.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "parameters[1].path",
                "parameters[2].path",
                "parameters[4].path",
                "parameters[2].max",
                "parameters[3].path",
                "parameters[4].min",
            ]
        );
        assert!(
            shown(&p)[0].contains("life.move_rate_per_year"),
            "nearest path"
        );
        // A grid takes no ranges.
        let mut q = Problems::default();
        assert_eq!(ranges(&mut q, "grid", &params, &likes), vec![(0.0, 0.0); 5]);
        assert!(q.is_empty());
    }

    #[test]
    fn metrics_default_and_fields_of_other_designs_are_refused() {
        let mut p = Problems::default();
        assert_eq!(metrics(&mut p, None).len(), DEFAULT_METRICS.len());
        assert_eq!(metrics(&mut p, Some(&["nope".to_string()])), ["nope"]);
        let design: RawDesign =
            toml::from_str("kind = \"grid\"\nfile = \"d.csv\"\nsequence = \"random\"\n").unwrap();
        design_fields(&mut p, &design);
        let slurm = SlurmOptions {
            partition: Some("a b".into()),
            ..SlurmOptions::default()
        };
        super::slurm(&mut p, Some(&slurm));
        let fields: Vec<&str> = p.problems.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "metrics[0]",
                "design.file",
                "design.sequence",
                "slurm.partition"
            ]
        );
    }
}
