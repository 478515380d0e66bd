//! The names of the files the program writes (every CSV file with every column in it, the
//! manifests, the report, the job scripts), in one place: the writers write these names, the
//! commands list them, and the report and the charts read the files back by the same names.
//!
//! One module per file (or pair of files with the same columns). Fixed columns are constants, in
//! file order, with `COLUMNS` listing them; files whose columns depend on the run (the engine's
//! metrics and daily series, a sweep's or a calibration's parameters and targets) have a `columns`
//! function that builds the header. The metric names come from the engine's metric catalogue
//! ([`crate::sim::metrics`], the order of [`RunSummary::metrics`](crate::sim::RunSummary::metrics))
//! and the daily series from [`series_names`](crate::sim::series_names): they are named there, not
//! here.

/// `manifest.json` (`run`, `compare`, `validate`, `journey`, `calibrate`): what was run, how, with
/// which program, and every file the command wrote (see [`super::manifest`]).
pub(crate) const MANIFEST: &str = "manifest.json";

/// `scenario_diff.txt` (`compare`): the values each reform changes from the baseline.
pub(crate) const SCENARIO_DIFF: &str = "scenario_diff.txt";

/// `calibrated.toml` (`calibrate`): the calibrated scenario, extending the base.
pub(crate) const CALIBRATED: &str = "calibrated.toml";

/// `report.html` (`run --report`, `compare --report`) and the folder of its charts beside it.
pub(crate) mod report {
    use std::path::{Path, PathBuf};

    pub(crate) const FILE: &str = "report.html";

    /// The folder of a report's chart files: `<stem>_charts` beside the HTML file
    /// (`report_charts/` for `report.html`).
    pub(crate) fn charts_dir(html: &Path) -> PathBuf {
        let stem = html
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into());
        html.with_file_name(format!("{stem}_charts"))
    }
}

/// The job scripts of `sweep --emit-slurm`, in the folder [`DIR`](slurm::DIR) of the output
/// folder.
pub(crate) mod slurm {
    pub(crate) const DIR: &str = "slurm";
    /// The shards, as one job array.
    pub(crate) const ARRAY: &str = "array.sbatch";
    /// The merge, once every shard has succeeded.
    pub(crate) const MERGE: &str = "merge.sbatch";
    /// Submits the array, then the merge.
    pub(crate) const SUBMIT: &str = "submit.sh";
    /// Every script, in the order they are written.
    pub(crate) const FILES: [&str; 3] = [ARRAY, MERGE, SUBMIT];
}

/// The engine's metrics: the keys of the metric catalogue ([`crate::sim::metrics`]), in the order of
/// [`RunSummary::metrics`](crate::sim::RunSummary::metrics) (the columns of `summary.csv` after
/// `replication`, and the `metric` values of `headline.csv` and `comparison.csv`).
pub fn metric_names() -> Vec<&'static str> {
    crate::sim::metrics::catalogue()
        .iter()
        .map(|m| m.key.as_str())
        .collect()
}

/// The marker column that closes every complete line of an append log (`runs.csv`,
/// `candidates.csv`); its value is the same word.
pub(crate) const END: &str = "end";

/// The `status` of a run or candidate that finished.
pub(crate) const STATUS_OK: &str = "ok";
/// The `status` of a run or candidate that failed (its `error` column says why).
pub(crate) const STATUS_FAILED: &str = "failed";

/// `summary.csv` (`run`): one row per replication, one column per metric.
pub(crate) mod summary {
    pub(crate) const FILE: &str = "summary.csv";
    pub(crate) const REPLICATION: &str = "replication";

    /// `replication`, then every metric.
    pub(crate) fn columns() -> Vec<&'static str> {
        let mut c = vec![REPLICATION];
        c.extend(super::metric_names());
        c
    }
}

/// `headline.csv` (`run`): per metric, mean, standard deviation and 95% interval.
pub mod headline {
    pub(crate) const FILE: &str = "headline.csv";
    pub(crate) const METRIC: &str = "metric";
    pub(crate) const REPLICATIONS: &str = "replications";
    pub(crate) const MEAN: &str = "mean";
    pub(crate) const SD: &str = "sd";
    pub(crate) const CI95_LOW: &str = "ci95_low";
    pub(crate) const CI95_HIGH: &str = "ci95_high";
    /// The columns, in file order (the Python package's `HEADLINE_COLUMNS` are those after
    /// `metric`).
    pub const COLUMNS: [&str; 6] = [METRIC, REPLICATIONS, MEAN, SD, CI95_LOW, CI95_HIGH];
}

/// `timeseries.csv` (`run`): one row per replication and simulated day.
pub(crate) mod timeseries {
    pub(crate) const FILE: &str = "timeseries.csv";
    pub(crate) const REPLICATION: &str = "replication";
    pub(crate) const DAY: &str = "day";
    pub(crate) const DATE: &str = "date";
    /// The columns before the daily series.
    pub(crate) const LEADING: [&str; 3] = [REPLICATION, DAY, DATE];

    /// [`LEADING`], then the engine's daily series.
    pub(crate) fn columns() -> Vec<&'static str> {
        let mut c = LEADING.to_vec();
        c.extend(crate::sim::series_names());
        c
    }
}

/// `comparison.csv` (`compare`): per reform and metric, the paired difference from the baseline.
pub mod comparison {
    pub(crate) const FILE: &str = "comparison.csv";
    pub(crate) const BASELINE: &str = "baseline";
    pub(crate) const REFORM: &str = "reform";
    pub(crate) const METRIC: &str = "metric";
    pub(crate) const REPLICATIONS: &str = "replications";
    pub(crate) const BASELINE_MEAN: &str = "baseline_mean";
    pub(crate) const REFORM_MEAN: &str = "reform_mean";
    pub(crate) const DIFFERENCE_MEAN: &str = "difference_mean";
    pub(crate) const DIFFERENCE_CI95_LOW: &str = "difference_ci95_low";
    pub(crate) const DIFFERENCE_CI95_HIGH: &str = "difference_ci95_high";
    pub(crate) const PAIRED_HALF_WIDTH: &str = "paired_half_width";
    pub(crate) const UNPAIRED_HALF_WIDTH: &str = "unpaired_half_width";
    pub(crate) const WIDTH_RATIO: &str = "width_ratio";
    /// The columns, in file order (the Python package's `COMPARISON_COLUMNS` are those after
    /// `metric`).
    pub const COLUMNS: [&str; 12] = [
        BASELINE,
        REFORM,
        METRIC,
        REPLICATIONS,
        BASELINE_MEAN,
        REFORM_MEAN,
        DIFFERENCE_MEAN,
        DIFFERENCE_CI95_LOW,
        DIFFERENCE_CI95_HIGH,
        PAIRED_HALF_WIDTH,
        UNPAIRED_HALF_WIDTH,
        WIDTH_RATIO,
    ];
}

/// A sweep's `runs.csv`: one row per run, appended as runs finish (see
/// [`AppendLog`](super::files::AppendLog)).
pub(crate) mod runs {
    pub(crate) const FILE: &str = "runs.csv";
    pub(crate) const RUN: &str = "run";
    pub(crate) const POINT: &str = "point";
    pub(crate) const REPLICATION: &str = "replication";
    pub(crate) const STATUS: &str = "status";
    pub(crate) const ERROR: &str = "error";

    /// `run`, `point`, `replication`, one column per varied parameter, `status`, `error`, every
    /// metric, and the [`END`](super::END) marker.
    pub(crate) fn columns(paths: &[String]) -> Vec<String> {
        let mut c: Vec<String> = [RUN, POINT, REPLICATION].map(String::from).to_vec();
        c.extend(paths.iter().cloned());
        c.push(STATUS.into());
        c.push(ERROR.into());
        c.extend(super::metric_names().into_iter().map(String::from));
        c.push(super::END.into());
        c
    }
}

/// A sweep's `points.csv`: per design point, the mean and 95% interval of every metric.
pub(crate) mod points {
    pub(crate) const FILE: &str = "points.csv";
    pub(crate) const POINT: &str = "point";
    pub(crate) const REPLICATIONS_OK: &str = "replications_ok";
    pub(crate) const REPLICATIONS_FAILED: &str = "replications_failed";
    /// What ends the name of each metric's mean column (`<metric>_mean`).
    pub(crate) const MEAN_SUFFIX: &str = "_mean";

    /// The column of a metric's mean over a point's replications.
    pub(crate) fn mean(metric: &str) -> String {
        format!("{metric}{MEAN_SUFFIX}")
    }
    /// The column of the low end of a metric's 95% interval.
    pub(crate) fn ci95_low(metric: &str) -> String {
        format!("{metric}_ci95_low")
    }
    /// The column of the high end of a metric's 95% interval.
    pub(crate) fn ci95_high(metric: &str) -> String {
        format!("{metric}_ci95_high")
    }

    /// `point`, one column per varied parameter, `replications_ok`, `replications_failed`, then
    /// per metric its mean and interval.
    pub(crate) fn columns(paths: &[String]) -> Vec<String> {
        let mut c = vec![POINT.to_string()];
        c.extend(paths.iter().cloned());
        c.push(REPLICATIONS_OK.into());
        c.push(REPLICATIONS_FAILED.into());
        for m in super::metric_names() {
            c.push(mean(m));
            c.push(ci95_low(m));
            c.push(ci95_high(m));
        }
        c
    }
}

/// A sweep's `points_long.csv` (`sweep --long`): `points.csv` in long (tidy) form, one row per
/// point, metric and statistic, so that every column has one type (`value` is a number, or empty
/// when not defined).
pub(crate) mod points_long {
    pub(crate) const FILE: &str = "points_long.csv";
    pub(crate) const METRIC: &str = "metric";
    pub(crate) const STATISTIC: &str = "statistic";
    pub(crate) const VALUE: &str = "value";
    /// Values of the `statistic` column, in file order.
    pub(crate) const STATISTICS: [&str; 3] = ["mean", "ci95_low", "ci95_high"];

    /// `point`, one column per varied parameter, `replications_ok`, `replications_failed`,
    /// `metric`, `statistic`, `value`.
    pub(crate) fn columns(paths: &[String]) -> Vec<String> {
        let mut c = vec![super::points::POINT.to_string()];
        c.extend(paths.iter().cloned());
        c.push(super::points::REPLICATIONS_OK.into());
        c.push(super::points::REPLICATIONS_FAILED.into());
        c.extend([METRIC, STATISTIC, VALUE].map(String::from));
        c
    }
}

/// A sweep's `sensitivity.csv` (Morris and Sobol designs): per ranked metric and parameter, each
/// sensitivity index with its 95% interval.
pub(crate) mod sensitivity {
    pub(crate) const FILE: &str = "sensitivity.csv";
    pub(crate) const METRIC: &str = "metric";
    pub(crate) const PARAMETER: &str = "parameter";
    pub(crate) const METHOD: &str = "method";
    pub(crate) const INDEX: &str = "index";
    pub(crate) const ESTIMATE: &str = "estimate";
    pub(crate) const CI95_LOW: &str = "ci95_low";
    pub(crate) const CI95_HIGH: &str = "ci95_high";
    /// Why a metric's indices could not be computed (empty otherwise): text never goes into the
    /// numeric columns.
    pub(crate) const ERROR: &str = "error";
    pub(crate) const COLUMNS: [&str; 8] = [
        METRIC, PARAMETER, METHOD, INDEX, ESTIMATE, CI95_LOW, CI95_HIGH, ERROR,
    ];

    /// Values of the `method` column.
    pub(crate) mod method {
        pub(crate) const MORRIS: &str = "morris";
        pub(crate) const SOBOL: &str = "sobol";
    }

    /// Values of the `index` column.
    pub(crate) mod index {
        /// Morris: mean absolute elementary effect.
        pub(crate) const MU_STAR: &str = "mu_star";
        /// Morris: mean elementary effect.
        pub(crate) const MU: &str = "mu";
        /// Morris: standard deviation of the elementary effects.
        pub(crate) const SIGMA: &str = "sigma";
        /// Sobol: first-order index.
        pub(crate) const FIRST_ORDER: &str = "first_order";
        /// Sobol: total index.
        pub(crate) const TOTAL: &str = "total";
        /// A metric whose indices could not be computed (the `error` column holds why).
        pub(crate) const ERROR: &str = "error";
    }
}

/// `validation.csv` (`validate`) and, after a `role` column, `fit.csv` (`calibrate`): a target's
/// published value against the model.
pub(crate) mod target {
    pub(crate) const VALIDATION_FILE: &str = "validation.csv";
    pub(crate) const FIT_FILE: &str = "fit.csv";
    pub(crate) const TARGET: &str = "target";
    pub(crate) const QUALIFIER: &str = "qualifier";
    pub(crate) const PUBLISHED: &str = "published";
    pub(crate) const MODEL_MEAN: &str = "model_mean";
    pub(crate) const MODEL_CI95_LOW: &str = "model_ci95_low";
    pub(crate) const MODEL_CI95_HIGH: &str = "model_ci95_high";
    pub(crate) const RELATIVE_ERROR: &str = "relative_error";
    pub(crate) const TOLERANCE: &str = "tolerance";
    pub(crate) const PASS: &str = "pass";
    pub(crate) const REPLICATIONS: &str = "replications";
    pub(crate) const MODEL_MEASURE: &str = "model_measure";
    pub(crate) const SOURCE_DEFINITION: &str = "source_definition";
    pub(crate) const SOURCE: &str = "source";
    /// What the targets file says the figure is for: `fitted`, `held_out` (never fitted) or
    /// `input_check` (close to an input; never fitted).
    pub(crate) const TARGET_ROLE: &str = "target_role";
    /// The columns of `validation.csv`.
    pub(crate) const COLUMNS: [&str; 14] = [
        TARGET,
        QUALIFIER,
        PUBLISHED,
        MODEL_MEAN,
        MODEL_CI95_LOW,
        MODEL_CI95_HIGH,
        RELATIVE_ERROR,
        TOLERANCE,
        PASS,
        REPLICATIONS,
        MODEL_MEASURE,
        SOURCE_DEFINITION,
        SOURCE,
        TARGET_ROLE,
    ];
    /// The first column of `fit.csv`: whether the target was fitted or held out.
    pub(crate) const ROLE: &str = "role";

    /// The columns of `fit.csv`: [`ROLE`], then [`COLUMNS`].
    pub(crate) fn fit_columns() -> Vec<&'static str> {
        let mut c = vec![ROLE];
        c.extend(COLUMNS);
        c
    }
}

/// A calibration's `candidates.csv`: one row per candidate, appended as candidates finish (see
/// [`AppendLog`](super::files::AppendLog)).
pub(crate) mod candidates {
    pub(crate) const FILE: &str = "candidates.csv";
    pub(crate) const CANDIDATE: &str = "candidate";
    pub(crate) const STATUS: &str = "status";
    pub(crate) const ERROR: &str = "error";
    pub(crate) const DISTANCE: &str = "distance";

    /// `candidate`, one column per parameter, `status`, `error`, one column per target (fitted
    /// first, then held out), `distance`, and the [`END`](super::END) marker.
    pub(crate) fn columns<'a>(
        parameters: impl IntoIterator<Item = &'a str>,
        targets: impl IntoIterator<Item = &'a str>,
    ) -> Vec<String> {
        let mut c = vec![CANDIDATE.to_string()];
        c.extend(parameters.into_iter().map(String::from));
        c.push(STATUS.into());
        c.push(ERROR.into());
        c.extend(targets.into_iter().map(String::from));
        c.push(DISTANCE.into());
        c.push(super::END.into());
        c
    }
}

/// A calibration's `accepted.csv`: the accepted candidates, best first.
pub(crate) mod accepted {
    pub(crate) const FILE: &str = "accepted.csv";
    pub(crate) const RANK: &str = "rank";
    pub(crate) const CANDIDATE: &str = "candidate";
    pub(crate) const DISTANCE: &str = "distance";

    /// `rank`, `candidate`, one column per parameter, `distance`.
    pub(crate) fn columns<'a>(parameters: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut c = vec![RANK.to_string(), CANDIDATE.to_string()];
        c.extend(parameters.into_iter().map(String::from));
        c.push(DISTANCE.into());
        c
    }
}

/// A calibration's `posterior.csv`: per parameter, its prior and posterior.
pub(crate) mod posterior {
    pub(crate) const FILE: &str = "posterior.csv";
    pub(crate) const PARAMETER: &str = "parameter";
    pub(crate) const PRIOR: &str = "prior";
    pub(crate) const PRIOR_MIN: &str = "prior_min";
    pub(crate) const PRIOR_MAX: &str = "prior_max";
    pub(crate) const ACCEPTED: &str = "accepted";
    pub(crate) const MEAN: &str = "mean";
    pub(crate) const MEDIAN: &str = "median";
    pub(crate) const CI95_LOW: &str = "ci95_low";
    pub(crate) const CI95_HIGH: &str = "ci95_high";
    pub(crate) const FITTED: &str = "fitted";
    pub(crate) const COLUMNS: [&str; 10] = [
        PARAMETER, PRIOR, PRIOR_MIN, PRIOR_MAX, ACCEPTED, MEAN, MEDIAN, CI95_LOW, CI95_HIGH, FITTED,
    ];
}

/// `journey.csv` (`journey`): one row per step of the traced child's journey.
pub(crate) mod journey {
    use crate::sim::Agency;

    pub(crate) const FILE: &str = "journey.csv";
    pub(crate) const TIME_MINUTES: &str = "time_minutes";
    pub(crate) const DATE: &str = "date";
    pub(crate) const EVENT: &str = "event";
    pub(crate) const STATE: &str = "state";
    /// ICE (the acting agency) can locate the child: `true`/`false` (`false` when not followed).
    pub(crate) const LOCATABLE_BY_ICE: &str = "locatable_by_ice";
    /// At least one agency can locate the child (pooled).
    pub(crate) const LOCATABLE_POOLED: &str = "locatable_pooled";
    pub(crate) const TRUE_ADDRESS: &str = "true_address";
    pub(crate) const HOUSEHOLD: &str = "household";
    /// The columns before the agencies' records.
    pub(crate) const LEADING: [&str; 8] = [
        TIME_MINUTES,
        DATE,
        EVENT,
        STATE,
        LOCATABLE_BY_ICE,
        LOCATABLE_POOLED,
        TRUE_ADDRESS,
        HOUSEHOLD,
    ];

    /// The column of the address one agency's record holds (`record_cbp`, ...).
    pub(crate) fn record(agency: Agency) -> String {
        format!("record_{}", agency.name())
    }

    /// [`LEADING`], then one record column per agency, in [`Agency::ALL`] order.
    pub(crate) fn columns() -> Vec<String> {
        let mut c: Vec<String> = LEADING.map(String::from).to_vec();
        c.extend(Agency::ALL.iter().map(|&a| record(a)));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::series_names;

    /// The headers are the ones the program has always written (their bytes are pinned by the
    /// golden tests for `run`; these pin the rest).
    #[test]
    fn headers_are_unchanged() {
        assert_eq!(
            comparison::COLUMNS.join(","),
            "baseline,reform,metric,replications,baseline_mean,reform_mean,difference_mean,difference_ci95_low,difference_ci95_high,paired_half_width,unpaired_half_width,width_ratio"
        );
        assert_eq!(
            journey::columns().join(","),
            "time_minutes,date,event,state,locatable_by_ice,locatable_pooled,true_address,household,record_cbp,record_orr,record_ice,record_court"
        );
        assert_eq!(
            sensitivity::COLUMNS.join(","),
            "metric,parameter,method,index,estimate,ci95_low,ci95_high,error"
        );
        assert_eq!(
            target::fit_columns().join(","),
            "role,target,qualifier,published,model_mean,model_ci95_low,model_ci95_high,relative_error,tolerance,pass,replications,model_measure,source_definition,source,target_role"
        );
        assert_eq!(
            posterior::COLUMNS.join(","),
            "parameter,prior,prior_min,prior_max,accepted,mean,median,ci95_low,ci95_high,fitted"
        );
        let paths = vec!["a.b".to_string()];
        let runs = runs::columns(&paths);
        assert_eq!(
            runs[..6].join(","),
            "run,point,replication,a.b,status,error"
        );
        assert_eq!(runs.last().map(String::as_str), Some(END));
        assert_eq!(runs.len(), 7 + metric_names().len());
        let points = points::columns(&paths);
        assert_eq!(
            points[..7].join(","),
            "point,a.b,replications_ok,replications_failed,unlocatable_by_ice_at_horizon_mean,unlocatable_by_ice_at_horizon_ci95_low,unlocatable_by_ice_at_horizon_ci95_high"
        );
        assert_eq!(
            candidates::columns(["p"], ["t1", "t2"]).join(","),
            "candidate,p,status,error,t1,t2,distance,end"
        );
        assert_eq!(
            accepted::columns(["p", "q"]).join(","),
            "rank,candidate,p,q,distance"
        );
        assert_eq!(summary::columns()[0], "replication");
        assert_eq!(timeseries::columns()[..3], ["replication", "day", "date"]);
        assert_eq!(timeseries::columns()[3..], series_names()[..]);
    }

    /// Every metric named by the outputs (headline table, report, charts) is one the engine
    /// reports.
    #[test]
    fn named_metrics_are_engine_metrics() {
        let metrics = metric_names();
        for key in crate::sim::metrics::HEADLINE {
            assert!(
                metrics.contains(&key),
                "headline metric {key} is not a metric"
            );
            assert!(
                super::super::PRINTED_LABELS.iter().any(|(k, _)| *k == key),
                "headline metric {key} has no printed label"
            );
        }
        for (key, _) in super::super::PRINTED_LABELS {
            assert!(
                crate::sim::metrics::HEADLINE.contains(&key),
                "{key} has a printed label but is not a headline metric"
            );
        }
        // Every measure of the tables of unlocatable children, through every lens.
        for m in super::super::MEASURES {
            for lens in crate::sim::Lens::ALL {
                let key = m.key(lens);
                assert!(metrics.contains(&key.as_str()), "{key} is not a metric");
                assert!(super::super::is_lens_measure(&key));
            }
        }
        assert!(!super::super::is_lens_measure("released"));
    }
}
