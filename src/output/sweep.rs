//! Sweep files on disk: the records of `runs.csv` (the campaign's log, written by the campaign
//! engine, [`crate::experiment::campaign`]), `sweep.json` identifying the sweep and shard, and the
//! derived `points.csv` and `sensitivity.csv`.

use std::path::Path;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use super::files::write_atomic;
use super::fmt_num;
use super::schema::sensitivity::{index, method};
use super::schema::{self, points, points_long, runs, sensitivity, END, STATUS_FAILED, STATUS_OK};
use crate::experiment::analysis::{self, PointRuns, Sensitivity};
use crate::experiment::campaign::folder::Info;
use crate::experiment::campaign::log::{reader, LogSpec};
use crate::experiment::campaign::Shard;
use crate::experiment::sweep::Sweep;
use crate::scenario::overrides::show;
use crate::sim::RunSummary;

/// What a sweep folder holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct SweepInfo {
    pub program: String,
    pub version: String,
    pub sweep_file: String,
    pub identity: String,
    pub design: String,
    pub points: u64,
    pub replications: u64,
    pub runs_total: u64,
    pub shard_k: u64,
    pub shard_n: u64,
    /// Whether `points_long.csv` is written too (`sweep --long`), remembered for `--resume` and
    /// `merge`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub points_long: bool,
}

impl SweepInfo {
    pub(crate) fn new(sweep: &Sweep, shard_k: u64, shard_n: u64, points_long: bool) -> Self {
        SweepInfo {
            program: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            // Absolute, so that `merge` finds the sweep file from any working directory.
            sweep_file: std::fs::canonicalize(&sweep.file)
                .unwrap_or_else(|_| sweep.file.clone())
                .display()
                .to_string(),
            identity: sweep.identity.clone(),
            design: sweep.design.name().into(),
            points: sweep.points.len() as u64,
            replications: sweep.replications,
            runs_total: sweep.runs(),
            shard_k,
            shard_n,
            points_long,
        }
    }
}

impl Info for SweepInfo {
    const FILE: &'static str = "sweep.json";
    const A_KIND: &'static str = "a sweep";
    const COMMAND: &'static str = "sweep";
    fn identity(&self) -> &str {
        &self.identity
    }
    fn source(&self) -> &str {
        &self.sweep_file
    }
    fn shard(&self) -> Shard {
        Shard {
            k: self.shard_k,
            n: self.shard_n,
        }
    }
}

/// The sweep's log: `runs.csv`.
pub(crate) fn log(sweep: &Sweep) -> LogSpec {
    LogSpec {
        file: runs::FILE,
        header: runs::columns(&sweep.paths),
        what: "a sweep's runs.csv",
    }
}

/// The `runs.csv` record of run `run`.
pub(crate) fn record(sweep: &Sweep, run: u64, result: &Result<RunSummary, String>) -> Vec<String> {
    let (point, rep) = sweep.run_of(run);
    let mut r = vec![run.to_string(), point.to_string(), rep.to_string()];
    r.extend(sweep.points[point].iter().map(show));
    let n_metrics = crate::sim::metrics::catalogue().len();
    match result {
        Ok(s) => {
            r.push(STATUS_OK.into());
            r.push(String::new());
            r.extend(s.metrics().iter().map(|m| fmt_num(m.1)));
        }
        Err(e) => {
            r.push(STATUS_FAILED.into());
            r.push(e.replace(['\n', '\r'], " "));
            r.extend(std::iter::repeat_n(String::new(), n_metrics));
        }
    }
    r.push(END.into());
    r
}

/// One parsed line of `runs.csv`.
struct Parsed {
    run: u64,
    ok: Option<Vec<f64>>,
}

fn parse(rec: csv::StringRecord, n_paths: usize, n_metrics: usize) -> Option<Parsed> {
    if rec.get(rec.len().checked_sub(1)?) != Some(END) {
        return None;
    }
    let run: u64 = rec.get(0)?.parse().ok()?;
    let status = rec.get(3 + n_paths)?;
    let ok = if status == STATUS_OK {
        let start = 5 + n_paths;
        Some(
            (start..start + n_metrics)
                .map(|i| rec.get(i).and_then(|x| x.parse().ok()).unwrap_or(f64::NAN))
                .collect(),
        )
    } else {
        None
    };
    Some(Parsed { run, ok })
}

/// What `summarise` found.
pub(crate) struct SweepResult {
    pub ok: u64,
    pub failed: u64,
    pub missing: u64,
    /// Per ranked metric (in the sweep's order), its sensitivity, or why it could not be computed.
    pub sensitivity: Vec<(String, Result<Sensitivity, String>)>,
}

/// Read `dir/runs.csv` (in run order) and write `points.csv` (and, with `long`,
/// `points_long.csv`) and, for Morris and Sobol designs, `sensitivity.csv`.
pub(crate) fn summarise(sweep: &Sweep, dir: &Path, long: bool) -> Result<SweepResult> {
    let names = schema::metric_names();
    let (n_paths, n_metrics) = (sweep.paths.len(), names.len());
    let mut rd = reader(&dir.join(runs::FILE))?;
    let mut records = rd.records();
    let mut carry: Option<Parsed> = None;
    let mut last_run: Option<u64> = None;
    let (mut ok, mut failed) = (0u64, 0u64);
    let ranked: Vec<usize> = sweep
        .metrics
        .iter()
        .filter_map(|m| names.iter().position(|n| n == m))
        .collect();
    let mut y: Vec<Vec<f64>> = vec![Vec::with_capacity(sweep.points.len()); ranked.len()];
    let csv_design = matches!(sweep.design, crate::experiment::sweep::Design::Csv);
    let mut head = points::columns(&sweep.paths);
    let mut long_head = points_long::columns(&sweep.paths);
    if csv_design {
        // The design CSV's row (0 = the first line after its header), for aligning results.
        head.insert(1, "row".to_string());
        long_head.insert(1, "row".to_string());
    }
    type Out<'a> = csv::Writer<&'a mut dyn std::io::Write>;
    // Both tables from one pass over runs.csv: `long` is written alongside `wide` when asked for.
    let mut write_tables = |wide: &mut Out, mut long: Option<&mut Out>| -> Result<()> {
        wide.write_record(&head)?;
        if let Some(l) = long.as_deref_mut() {
            l.write_record(&long_head)?;
        }
        for point in 0..sweep.points.len() {
            let mut runs = PointRuns::default();
            loop {
                let p = match carry.take() {
                    Some(p) => p,
                    None => match records.next() {
                        None => break,
                        Some(rec) => match parse(rec?, n_paths, n_metrics) {
                            Some(p) => p,
                            None => continue,
                        },
                    },
                };
                if last_run.is_some_and(|l| p.run <= l) {
                    bail!("{}/{} is not in run order at run {}: merge shards with `custody-sim merge`", dir.display(), runs::FILE, p.run);
                }
                let (pt, _) = sweep.run_of(p.run);
                if pt != point {
                    carry = Some(p);
                    break;
                }
                last_run = Some(p.run);
                match p.ok {
                    Some(v) => {
                        ok += 1;
                        runs.ok.push(v);
                    }
                    None => {
                        failed += 1;
                        runs.failed += 1;
                    }
                }
            }
            let stats = runs.summary(n_metrics);
            for (slot, &m) in y.iter_mut().zip(&ranked) {
                slot.push(stats[m].mean);
            }
            let mut row = vec![point.to_string()];
            if csv_design {
                row.push(point.to_string());
            }
            row.extend(sweep.points[point].iter().map(show));
            row.push(runs.ok.len().to_string());
            row.push(runs.failed.to_string());
            let lead = row.len();
            for s in &stats {
                row.push(fmt_num(s.mean));
                row.push(fmt_num(s.low));
                row.push(fmt_num(s.high));
            }
            wide.write_record(&row)?;
            if let Some(l) = long.as_deref_mut() {
                let mut line: Vec<String> = row[..lead].to_vec();
                for (m, name) in names.iter().enumerate() {
                    for (k, stat) in points_long::STATISTICS.iter().enumerate() {
                        line.truncate(lead);
                        line.push((*name).to_string());
                        line.push((*stat).to_string());
                        line.push(row[lead + 3 * m + k].clone());
                        l.write_record(&line)?;
                    }
                }
            }
        }
        wide.flush()?;
        if let Some(l) = long {
            l.flush()?;
        }
        Ok(())
    };
    write_atomic(&dir.join(points::FILE), |w| {
        let mut wide = csv::Writer::from_writer(w);
        if long {
            write_atomic(&dir.join(points_long::FILE), |lw| {
                let mut l = csv::Writer::from_writer(lw);
                write_tables(&mut wide, Some(&mut l))
            })
        } else {
            write_tables(&mut wide, None)
        }
    })?;
    let missing = sweep.runs() - ok - failed;
    let mut sensitivity = Vec::new();
    for (values, &m) in y.iter().zip(&ranked) {
        let s = match analysis::sensitivity(sweep, values) {
            None => continue,
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(format!("{e} (points without successful runs have no mean)")),
        };
        sensitivity.push((names[m].to_string(), s));
    }
    if !sensitivity.is_empty() {
        write_sensitivity(&dir.join(sensitivity::FILE), sweep, &sensitivity)?;
    }
    let convergence: Vec<_> = y
        .iter()
        .zip(&ranked)
        .filter_map(|(values, &m)| {
            analysis::sobol_convergence(sweep, values).map(|c| (names[m].to_string(), c))
        })
        .collect();
    if !convergence.is_empty() {
        write_convergence(&dir.join(SOBOL_CONVERGENCE), sweep, &convergence)?;
    }
    Ok(SweepResult {
        ok,
        failed,
        missing,
        sensitivity,
    })
}

/// `sobol_convergence.csv` (Sobol designs): per ranked metric, parameter and base sample size
/// (N/4, N/2, N), the first-order and total indices with their 95% bootstrap intervals.
pub(crate) const SOBOL_CONVERGENCE: &str = "sobol_convergence.csv";

type Convergence = Vec<analysis::SobolAtSize>;

fn write_convergence(path: &Path, sweep: &Sweep, all: &[(String, Convergence)]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "metric",
            "parameter",
            "samples",
            "first_order",
            "first_order_ci95_low",
            "first_order_ci95_high",
            "total",
            "total_ci95_low",
            "total_ci95_high",
            "error",
        ])?;
        for (metric, sizes) in all {
            for (m, r) in sizes {
                match r {
                    Err(e) => out.write_record([
                        metric.as_str(),
                        "",
                        &m.to_string(),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        &format!("not computed: {e}"),
                    ])?,
                    Ok(v) => {
                        for x in v {
                            out.write_record([
                                metric.as_str(),
                                &sweep.paths[x.factor],
                                &m.to_string(),
                                &fmt_num(x.s1),
                                &fmt_num(x.s1_low),
                                &fmt_num(x.s1_high),
                                &fmt_num(x.st),
                                &fmt_num(x.st_low),
                                &fmt_num(x.st_high),
                                "",
                            ])?;
                        }
                    }
                }
            }
        }
        out.flush()?;
        Ok(())
    })
}

fn write_sensitivity(
    path: &Path,
    sweep: &Sweep,
    all: &[(String, Result<Sensitivity, String>)],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(sensitivity::COLUMNS)?;
        for (metric, s) in all {
            // One row: the metric, the parameter, the method and index, the estimate and its
            // interval (NaN, as not given: an empty field), the error.
            let mut row = |p: &str, m: &str, i: &str, est: f64, lo: f64, hi: f64, err: &str| {
                out.write_record([
                    metric,
                    p,
                    m,
                    i,
                    &fmt_num(est),
                    &fmt_num(lo),
                    &fmt_num(hi),
                    err,
                ])
            };
            let nan = f64::NAN;
            match s {
                Err(e) => row("", "", index::ERROR, nan, nan, nan, e)?,
                Ok(Sensitivity::Morris(v)) => {
                    for x in v {
                        let p = &sweep.paths[x.factor];
                        let (m, mu_star) = (method::MORRIS, index::MU_STAR);
                        row(p, m, mu_star, x.mu_star, x.mu_star_low, x.mu_star_high, "")?;
                        row(p, m, index::MU, x.mu, nan, nan, "")?;
                        row(p, m, index::SIGMA, x.sigma, nan, nan, "")?;
                    }
                }
                Ok(Sensitivity::Sobol(v)) => {
                    for x in v {
                        let p = &sweep.paths[x.factor];
                        let m = method::SOBOL;
                        row(p, m, index::FIRST_ORDER, x.s1, x.s1_low, x.s1_high, "")?;
                        row(p, m, index::TOTAL, x.st, x.st_low, x.st_high, "")?;
                    }
                }
            }
        }
        out.flush()?;
        Ok(())
    })
}

/// The sensitivity indices for `sweep --json`: per ranked metric, its indices by parameter (or
/// why they could not be computed).
pub(crate) fn sensitivity_json(sweep: &Sweep, result: &SweepResult) -> serde_json::Value {
    let entry = |p: usize, index: &str, est: f64, lo: f64, hi: f64| {
        serde_json::json!({
            "parameter": sweep.paths[p],
            "index": index,
            "estimate": est,
            "ci95_low": lo,
            "ci95_high": hi,
        })
    };
    let all: Vec<serde_json::Value> = result
        .sensitivity
        .iter()
        .map(|(metric, s)| match s {
            Err(e) => serde_json::json!({"metric": metric, "error": e, "indices": []}),
            Ok(s) => {
                let (method, indices): (&str, Vec<serde_json::Value>) = match s {
                    Sensitivity::Morris(v) => (
                        method::MORRIS,
                        v.iter()
                            .flat_map(|x| {
                                [
                                    entry(
                                        x.factor,
                                        index::MU_STAR,
                                        x.mu_star,
                                        x.mu_star_low,
                                        x.mu_star_high,
                                    ),
                                    entry(x.factor, index::MU, x.mu, f64::NAN, f64::NAN),
                                    entry(x.factor, index::SIGMA, x.sigma, f64::NAN, f64::NAN),
                                ]
                            })
                            .collect(),
                    ),
                    Sensitivity::Sobol(v) => (
                        method::SOBOL,
                        v.iter()
                            .flat_map(|x| {
                                [
                                    entry(x.factor, index::FIRST_ORDER, x.s1, x.s1_low, x.s1_high),
                                    entry(x.factor, index::TOTAL, x.st, x.st_low, x.st_high),
                                ]
                            })
                            .collect(),
                    ),
                };
                serde_json::json!({"metric": metric, "method": method, "error": null, "indices": indices})
            }
        })
        .collect();
    serde_json::Value::Array(all)
}

/// The printed ranking: which parameters move the first ranked metric most.
pub(crate) fn ranking(sweep: &Sweep, result: &SweepResult) -> String {
    let Some((metric, s)) = result.sensitivity.first() else {
        return String::new();
    };
    let mut text = String::new();
    match s {
        Err(e) => text.push_str(&format!("Sensitivity of {metric}: not computed: {e}\n")),
        Ok(s) => {
            let (label, scores) = match s {
                Sensitivity::Morris(_) => ("mu* (change across the whole range)", s.scores()),
                Sensitivity::Sobol(_) => ("total Sobol index", s.scores()),
            };
            let mut order: Vec<usize> = (0..scores.len()).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
            text.push_str(&format!(
                "Levers ranked by their effect on {metric} ({label}):\n"
            ));
            for (rank, &i) in order.iter().enumerate() {
                text.push_str(&format!(
                    "  {:>2}. {:<55} {:>14.4}\n",
                    rank + 1,
                    sweep.paths[i],
                    scores[i]
                ));
            }
        }
    }
    text
}
