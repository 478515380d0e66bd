//! Explore folders on disk: the records of `runs.csv` (the campaign's log, written by the
//! campaign engine, [`crate::experiment::campaign`]), `explore.json` identifying the explore and
//! shard, and the tidy files derived once every run is in: `experiments.csv`, `outcomes.csv`,
//! `regret.csv` and `robustness.csv`.

use std::path::Path;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use super::files::write_atomic;
use super::fmt_num;
use super::schema::{metric_names, END, STATUS_FAILED, STATUS_OK};
use crate::experiment::campaign::folder::{self, Info};
use crate::experiment::campaign::log::{complete, reader, LogSpec};
use crate::experiment::campaign::Shard;
use crate::experiment::explore::{self, Direction, Explore, Uncertain};
use crate::scenario::overrides::show;
use crate::sim::RunSummary;

/// The names of the files of an explore folder and of their columns.
pub(crate) mod schema {
    pub(crate) const INFO: &str = "explore.json";
    pub(crate) const RUNS: &str = "runs.csv";
    pub(crate) const EXPERIMENTS: &str = "experiments.csv";
    pub(crate) const OUTCOMES: &str = "outcomes.csv";
    pub(crate) const REGRET: &str = "regret.csv";
    pub(crate) const ROBUSTNESS: &str = "robustness.csv";

    pub(crate) const RUN: &str = "run";
    pub(crate) const FUTURE: &str = "future";
    pub(crate) const ROW: &str = "row";
    pub(crate) const REPLICATION: &str = "replication";
    pub(crate) const REFORM: &str = "reform";
    pub(crate) const STATUS: &str = "status";
    pub(crate) const ERROR: &str = "error";
    pub(crate) const METRIC: &str = "metric";
    pub(crate) const VALUE: &str = "value";
    pub(crate) const DIRECTION: &str = "direction";

    /// `outcomes.csv`: one row per successful run and metric.
    pub(crate) const OUTCOMES_COLUMNS: [&str; 5] = [FUTURE, REFORM, REPLICATION, METRIC, VALUE];
    /// `regret.csv`: per future, metric and reform.
    pub(crate) const REGRET_COLUMNS: [&str; 8] = [
        FUTURE,
        METRIC,
        DIRECTION,
        REFORM,
        VALUE,
        "best_reform",
        "best_value",
        "regret",
    ];

    /// `runs.csv`: `run`, `future`, `replication`, `reform`, `status`, `error`, every metric, `end`.
    pub(crate) fn runs_columns() -> Vec<String> {
        let mut c: Vec<String> = [RUN, FUTURE, REPLICATION, REFORM, STATUS, ERROR]
            .map(String::from)
            .to_vec();
        c.extend(super::metric_names().into_iter().map(String::from));
        c.push(super::END.into());
        c
    }

    /// `robustness.csv`: per reform and metric; `p<q>` per percentile.
    pub(crate) fn robustness_columns(percentiles: &[f64]) -> Vec<String> {
        let mut c: Vec<String> = [REFORM, METRIC, DIRECTION, "futures", "mean", "sd"]
            .map(String::from)
            .to_vec();
        c.extend(percentiles.iter().map(|p| percentile_column(*p)));
        c.extend(
            [
                "threshold",
                "beats_baseline_share",
                "mean_regret",
                "max_regret",
                "mean_ci95_low",
                "mean_ci95_high",
                "beats_baseline_ci95_low",
                "beats_baseline_ci95_high",
                "mean_regret_ci95_low",
                "mean_regret_ci95_high",
                "first_half_mean",
                "first_half_beats_baseline_share",
                "first_half_mean_regret",
                "converged",
            ]
            .map(String::from),
        );
        c
    }

    /// `p10`, `p50`, `p2.5`...
    pub(crate) fn percentile_column(p: f64) -> String {
        format!("p{p}")
    }
}

/// One policy as `explore.json` records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct PolicyInfo {
    pub name: String,
    pub file: String,
}

/// What an explore folder holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct ExploreInfo {
    pub program: String,
    pub version: String,
    pub explore_file: String,
    pub identity: String,
    /// The baseline first, then the reforms.
    pub policies: Vec<PolicyInfo>,
    pub uncertain: Vec<Uncertain>,
    /// Assumptions of the baseline left fixed because a reform changes them: (path, reform).
    pub held_by_reforms: Vec<(String, String)>,
    pub design_csv: Option<String>,
    /// Whether the futures are a calibrated posterior's draws (`futures.posterior`; then
    /// `design_csv` is its ensemble and `held_by_reforms` the parameters a reform sets itself).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub posterior: bool,
    pub futures: u64,
    pub replications: u64,
    pub runs_total: u64,
    pub seed: u64,
    pub scale: f64,
    pub metrics: Vec<String>,
    pub directions: Vec<Direction>,
    pub thresholds: Vec<f64>,
    pub percentiles: Vec<f64>,
    pub shard_k: u64,
    pub shard_n: u64,
}

fn absolute(p: &Path) -> String {
    std::fs::canonicalize(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

impl ExploreInfo {
    pub(crate) fn new(e: &Explore, shard_k: u64, shard_n: u64) -> Self {
        ExploreInfo {
            program: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            explore_file: absolute(&e.file),
            identity: e.identity.clone(),
            policies: e
                .policies
                .iter()
                .map(|p| PolicyInfo {
                    name: p.name.clone(),
                    file: p.file.display().to_string(),
                })
                .collect(),
            uncertain: e.uncertain.clone(),
            held_by_reforms: e.held_by_reforms.clone(),
            design_csv: e.design_csv.as_deref().map(absolute),
            posterior: e.posterior,
            futures: e.futures.len() as u64,
            replications: e.replications,
            runs_total: e.runs(),
            seed: e.seed,
            scale: e.scale,
            metrics: e.metrics.clone(),
            directions: e.directions.clone(),
            thresholds: e.thresholds.clone(),
            percentiles: e.percentiles.clone(),
            shard_k,
            shard_n,
        }
    }
}

/// Whether `dir` holds an explore (rather than a sweep).
pub(crate) fn is_explore(dir: &Path) -> bool {
    folder::holds::<ExploreInfo>(dir)
}

impl Info for ExploreInfo {
    const FILE: &'static str = schema::INFO;
    const A_KIND: &'static str = "an explore";
    const COMMAND: &'static str = "explore";
    fn identity(&self) -> &str {
        &self.identity
    }
    fn source(&self) -> &str {
        &self.explore_file
    }
    fn shard(&self) -> Shard {
        Shard {
            k: self.shard_k,
            n: self.shard_n,
        }
    }
}

/// The explore's log: `runs.csv`.
pub(crate) fn log() -> LogSpec {
    LogSpec {
        file: schema::RUNS,
        header: schema::runs_columns(),
        what: "an explore's runs.csv",
    }
}

/// The `runs.csv` record of run `run`.
pub(crate) fn record(e: &Explore, run: u64, result: &Result<RunSummary, String>) -> Vec<String> {
    let (future, rep, policy) = e.run_of(run);
    let mut r = vec![
        run.to_string(),
        future.to_string(),
        rep.to_string(),
        e.policies[policy].name.clone(),
    ];
    let n_metrics = metric_names().len();
    match result {
        Ok(s) => {
            r.push(STATUS_OK.into());
            r.push(String::new());
            r.extend(s.metrics().iter().map(|m| fmt_num(m.1)));
        }
        Err(err) => {
            r.push(STATUS_FAILED.into());
            r.push(err.replace(['\n', '\r'], " "));
            r.extend(std::iter::repeat_n(String::new(), n_metrics));
        }
    }
    r.push(END.into());
    r
}

/// One complete line of `runs.csv`.
pub(crate) struct Parsed {
    pub run: u64,
    /// Every metric of a successful run; `None` for a failed one.
    pub ok: Option<Vec<f64>>,
}

fn parse(rec: csv::StringRecord, fields: usize) -> Option<Parsed> {
    let run = complete(&rec, fields)?;
    let ok = if rec.get(4)? == STATUS_OK {
        Some(
            (6..fields - 1)
                .map(|i| rec.get(i).and_then(|x| x.parse().ok()).unwrap_or(f64::NAN))
                .collect(),
        )
    } else {
        None
    };
    Some(Parsed { run, ok })
}

/// The complete lines of `dir/runs.csv`, in file order (a cut or foreign line is skipped).
pub(crate) fn read_runs(dir: &Path) -> Result<impl Iterator<Item = Parsed>> {
    let head = schema::runs_columns();
    let mut rd = reader(&dir.join(schema::RUNS))?;
    let h: Vec<String> = rd.headers()?.iter().map(String::from).collect();
    if h != head {
        bail!(
            "{}/{} has a different header from this program's: it was written by another version; run the explore again",
            dir.display(),
            schema::RUNS
        );
    }
    let n = head.len();
    Ok(rd
        .into_records()
        .filter_map(move |r| r.ok().and_then(|r| parse(r, n))))
}

/// What [`summarise`] found.
pub(crate) struct ExploreResult {
    pub ok: u64,
    pub failed: u64,
    pub missing: u64,
    /// Per policy and metric (explore order), its robustness.
    pub robustness: Vec<Vec<explore::Robustness>>,
}

/// Per future, policy and explore metric: the mean over the successful replications (NaN: none).
pub(crate) type Means = Vec<Vec<Vec<f64>>>;

/// Read `dir/runs.csv` (in run order) and write `experiments.csv`, `outcomes.csv`, `regret.csv` and
/// `robustness.csv`.
pub(crate) fn summarise(e: &Explore, dir: &Path) -> Result<ExploreResult> {
    let (means, ok, failed) = write_outcomes(e, dir)?;
    write_experiments(e, dir)?;
    let regret = write_regret(e, dir, &means)?;
    let robustness = robustness_of(e, &means, &regret);
    write_robustness(e, dir, &robustness)?;
    Ok(ExploreResult {
        ok,
        failed,
        missing: e.runs() - ok - failed,
        robustness,
    })
}

/// Read `dir/runs.csv` (in run order) and write `outcomes.csv`: one row per successful run and
/// explore metric. Returns the means per future, policy and metric, and how many runs succeeded
/// and failed.
fn write_outcomes(e: &Explore, dir: &Path) -> Result<(Means, u64, u64)> {
    let names = metric_names();
    let chosen: Vec<usize> = e
        .metrics
        .iter()
        .map(|m| names.iter().position(|n| n == m).expect("checked metric"))
        .collect();
    let (n_f, n_p, n_m) = (e.futures.len(), e.policies.len(), e.metrics.len());
    let mut sums = vec![vec![vec![(0.0f64, 0u64); n_m]; n_p]; n_f];
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut last: Option<u64> = None;
    let runs = read_runs(dir)?;
    write_atomic(&dir.join(schema::OUTCOMES), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(schema::OUTCOMES_COLUMNS)?;
        for p in runs {
            if last.is_some_and(|l| p.run <= l) {
                bail!(
                    "{}/{} is not in run order at run {}: merge shards with `custody-sim merge`",
                    dir.display(),
                    schema::RUNS,
                    p.run
                );
            }
            last = Some(p.run);
            if p.run >= e.runs() {
                continue;
            }
            let (f, rep, pol) = e.run_of(p.run);
            match p.ok {
                None => failed += 1,
                Some(v) => {
                    ok += 1;
                    for (m, &i) in chosen.iter().enumerate() {
                        let x = v[i];
                        if x.is_nan() {
                            continue;
                        }
                        let s = &mut sums[f][pol][m];
                        s.0 += x;
                        s.1 += 1;
                        out.write_record([
                            f.to_string(),
                            e.policies[pol].name.clone(),
                            rep.to_string(),
                            e.metrics[m].clone(),
                            fmt_num(x),
                        ])?;
                    }
                }
            }
        }
        out.flush()?;
        Ok(())
    })?;
    let means: Means = sums
        .iter()
        .map(|per_p| {
            per_p
                .iter()
                .map(|per_m| {
                    per_m
                        .iter()
                        .map(|&(s, n)| if n == 0 { f64::NAN } else { s / n as f64 })
                        .collect()
                })
                .collect()
        })
        .collect();
    Ok((means, ok, failed))
}

/// Write `regret.csv`: per future, metric and policy, its mean, the best policy and the regret.
/// Returns the regret per policy, metric and future.
fn write_regret(e: &Explore, dir: &Path, means: &Means) -> Result<Vec<Vec<Vec<f64>>>> {
    let (n_f, n_p, n_m) = (e.futures.len(), e.policies.len(), e.metrics.len());
    let mut regret = vec![vec![vec![f64::NAN; n_f]; n_m]; n_p];
    write_atomic(&dir.join(schema::REGRET), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(schema::REGRET_COLUMNS)?;
        for f in 0..n_f {
            for m in 0..n_m {
                let values: Vec<f64> = (0..n_p).map(|p| means[f][p][m]).collect();
                let (r, best) = explore::regrets(&values, e.directions[m]);
                let (best_name, best_value) = match best {
                    Some(b) => (e.policies[b].name.clone(), values[b]),
                    None => (String::new(), f64::NAN),
                };
                for p in 0..n_p {
                    regret[p][m][f] = r[p];
                    out.write_record([
                        f.to_string(),
                        e.metrics[m].clone(),
                        e.directions[m].label().to_string(),
                        e.policies[p].name.clone(),
                        fmt_num(values[p]),
                        best_name.clone(),
                        fmt_num(best_value),
                        fmt_num(r[p]),
                    ])?;
                }
            }
        }
        out.flush()?;
        Ok(())
    })?;
    Ok(regret)
}

/// The robustness of every policy (outer) on every metric, across the futures.
fn robustness_of(
    e: &Explore,
    means: &Means,
    regret: &[Vec<Vec<f64>>],
) -> Vec<Vec<explore::Robustness>> {
    let (n_f, n_p, n_m) = (e.futures.len(), e.policies.len(), e.metrics.len());
    let mut robustness = Vec::new();
    for p in 0..n_p {
        let mut per = Vec::new();
        for m in 0..n_m {
            let values: Vec<f64> = (0..n_f).map(|f| means[f][p][m]).collect();
            let base: Vec<f64> = (0..n_f).map(|f| means[f][0][m]).collect();
            per.push(explore::robustness(
                &values,
                &base,
                &regret[p][m],
                e.directions[m],
                e.thresholds[m],
                &e.percentiles,
            ));
        }
        robustness.push(per);
    }
    robustness
}

/// Write `robustness.csv`: one row per policy and metric.
fn write_robustness(
    e: &Explore,
    dir: &Path,
    robustness: &[Vec<explore::Robustness>],
) -> Result<()> {
    write_atomic(&dir.join(schema::ROBUSTNESS), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(schema::robustness_columns(&e.percentiles))?;
        for (p, per) in robustness.iter().enumerate() {
            for (m, r) in per.iter().enumerate() {
                let mut row = vec![
                    e.policies[p].name.clone(),
                    e.metrics[m].clone(),
                    e.directions[m].label().to_string(),
                    r.futures.to_string(),
                    fmt_num(r.mean),
                    fmt_num(r.sd),
                ];
                row.extend(r.percentiles.iter().map(|&x| fmt_num(x)));
                row.push(fmt_num(e.thresholds[m]));
                row.push(fmt_num(r.beats_baseline_share));
                row.push(fmt_num(r.mean_regret));
                row.push(fmt_num(r.max_regret));
                for (a, b) in [r.mean_ci, r.beats_ci, r.mean_regret_ci] {
                    row.push(fmt_num(a));
                    row.push(fmt_num(b));
                }
                let h = &r.first_half;
                row.push(fmt_num(h.mean));
                row.push(fmt_num(h.beats_baseline_share));
                row.push(fmt_num(h.mean_regret));
                row.push(r.converged.to_string());
                out.write_record(&row)?;
            }
        }
        out.flush()?;
        Ok(())
    })
}

/// `experiments.csv`: one row per future, its uncertain values (`row`: the design CSV's row).
fn write_experiments(e: &Explore, dir: &Path) -> Result<()> {
    write_atomic(&dir.join(schema::EXPERIMENTS), |w| {
        let mut out = csv::Writer::from_writer(w);
        let mut head = vec![schema::FUTURE.to_string()];
        if e.design_csv.is_some() {
            head.push(schema::ROW.into());
        }
        head.extend(e.uncertain.iter().map(|u| u.path.clone()));
        out.write_record(&head)?;
        for (f, values) in e.futures.iter().enumerate() {
            let mut row = vec![f.to_string()];
            if e.design_csv.is_some() {
                row.push(f.to_string());
            }
            row.extend(values.iter().map(show));
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// The printed table: each policy's robustness on the first metric.
pub(crate) fn table(e: &Explore, r: &ExploreResult) -> String {
    let Some(metric) = e.metrics.first() else {
        return String::new();
    };
    let mut s = format!(
        "{metric} ({}) across {} futures:\n",
        e.directions[0].label().replace('_', " "),
        e.futures.len()
    );
    let pct: Vec<String> = e
        .percentiles
        .iter()
        .map(|p| schema::percentile_column(*p))
        .collect();
    s.push_str(&format!(
        "  {:<36} {:>12} {:>30} {:>22} {:>12}\n",
        "policy",
        "mean",
        pct.join(" / "),
        "beats baseline [95%]",
        "max regret"
    ));
    for (p, per) in r.robustness.iter().enumerate() {
        let x = &per[0];
        let ps: Vec<String> = x.percentiles.iter().map(|v| format!("{v:.0}")).collect();
        let beats = if p == 0 {
            "-".to_string()
        } else {
            format!(
                "{:.0}% [{:.0}-{:.0}%]",
                100.0 * x.beats_baseline_share,
                100.0 * x.beats_ci.0,
                100.0 * x.beats_ci.1
            )
        };
        s.push_str(&format!(
            "  {:<36} {:>12.1} {:>30} {:>22} {:>12.1}\n",
            e.policies[p].name,
            x.mean,
            ps.join(" / "),
            beats,
            x.max_regret
        ));
    }
    let moving: Vec<&str> = r
        .robustness
        .iter()
        .enumerate()
        .filter(|(_, per)| per.iter().any(|x| !x.converged))
        .map(|(p, _)| e.policies[p].name.as_str())
        .collect();
    s.push_str(&format!(
        "[95%]: Wilson interval of the share over the futures. {}\n",
        if moving.is_empty() {
            "Converged: every policy's mean, share and mean regret over the first half of the futures lies inside the interval over all of them.".to_string()
        } else {
            format!(
                "Not converged for {} (robustness.csv, `converged`): a figure over the first half of the futures lies outside the interval over all of them; more futures would still move it.",
                moving.join(", ")
            )
        }
    ));
    s
}
