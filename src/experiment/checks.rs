//! Checks shared by the experiment files (sweep, explore and calibration files): replications,
//! the limit on runs, and metric names.

use crate::input::Problems;

/// Largest number of runs an experiment file may ask for unless it raises `max_runs` (which is
/// itself capped at [`HARD_MAX_RUNS`]).
pub(crate) const DEFAULT_MAX_RUNS: u64 = 1_000_000;
/// Largest number of runs of any experiment.
pub(crate) const HARD_MAX_RUNS: u64 = 100_000_000;

/// `replications`: 1 to 100,000.
pub(crate) fn replications(p: &mut Problems, replications: u64) {
    if replications == 0 || replications > 100_000 {
        p.field(
            "replications",
            format!("{replications}: must be a whole number in [1, 100000]"),
        );
    }
}

/// `max_runs` (default [`DEFAULT_MAX_RUNS`]): 1 to [`HARD_MAX_RUNS`]. Returns the limit.
pub(crate) fn max_runs(p: &mut Problems, max_runs: Option<u64>) -> u64 {
    let max_runs = max_runs.unwrap_or(DEFAULT_MAX_RUNS);
    if max_runs == 0 || max_runs > HARD_MAX_RUNS {
        p.field(
            "max_runs",
            format!("{max_runs}: must be in [1, {HARD_MAX_RUNS}]"),
        );
    }
    max_runs
}

/// The names of the whole-run metrics, in the order of `runs.csv`.
pub(crate) fn metric_names() -> Vec<&'static str> {
    crate::sim::metrics::catalogue()
        .iter()
        .map(|m| m.key.as_str())
        .collect()
}

/// Whether `metric` (at `field`) names a whole-run metric of `names`; a problem if not.
pub(crate) fn known_metric(p: &mut Problems, field: &str, metric: &str, names: &[&str]) -> bool {
    let known = names.contains(&metric);
    if !known {
        p.field(
            field,
            format!(
                "\"{metric}\": not a metric; valid metrics: {}",
                names.join(", ")
            ),
        );
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(p: Problems) -> Vec<String> {
        p.problems.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn replications_and_run_limits_are_bounded() {
        let mut p = Problems::default();
        replications(&mut p, 1);
        replications(&mut p, 100_000);
        assert_eq!(max_runs(&mut p, None), DEFAULT_MAX_RUNS);
        assert_eq!(max_runs(&mut p, Some(5)), 5);
        assert!(p.is_empty());
        replications(&mut p, 0);
        max_runs(&mut p, Some(HARD_MAX_RUNS + 1));
        assert_eq!(
            shown(p),
            [
                "field `replications`: 0: must be a whole number in [1, 100000]",
                "field `max_runs`: 100000001: must be in [1, 100000000]",
            ]
        );
    }

    #[test]
    fn an_unknown_metric_lists_the_valid_ones() {
        let names = metric_names();
        let mut p = Problems::default();
        assert!(known_metric(&mut p, "metrics[0]", "released", &names));
        assert!(!known_metric(&mut p, "metrics[1]", "releesed", &names));
        let shown = shown(p);
        assert_eq!(shown.len(), 1);
        assert!(
            shown[0].starts_with("field `metrics[1]`: \"releesed\": not a metric; valid metrics: ")
                && shown[0].contains("released"),
            "{}",
            shown[0]
        );
    }
}
