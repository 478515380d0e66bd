//! Sweep files on disk: `runs.csv` appended run by run (crash-safe, resumable), `sweep.json`
//! identifying the sweep and shard, the merge of shard folders, and the derived `points.csv` and
//! `sensitivity.csv`.
//!
//! Crash safety: each batch of finished runs is appended as complete CSV lines ending in an `end`
//! marker column and then flushed and fsynced. A line cut by a kill lacks the marker (or its final
//! newline) and is dropped on resume, and the run is done again.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::files::{write_atomic, AppendLog};
use super::fmt_num;
use super::schema::sensitivity::{index, method};
use super::schema::{self, points, points_long, runs, sensitivity, END, STATUS_FAILED, STATUS_OK};
use crate::experiment::analysis::{self, PointRuns, Sensitivity};
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
    /// Whether run `i` belongs to this shard (runs are dealt round-robin).
    pub(crate) fn owns(&self, i: u64) -> bool {
        i % self.shard_n == self.shard_k - 1
    }
}

pub(crate) fn write_info(dir: &Path, info: &SweepInfo) -> Result<()> {
    write_atomic(&dir.join("sweep.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, info)?;
        writeln!(w)?;
        Ok(())
    })
}

pub(crate) fn read_info(dir: &Path) -> Result<SweepInfo> {
    let path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} holds no sweep.json: is it a sweep output folder? (run `custody-sim sweep` first)",
            dir.display()
        )
    })?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a sweep description of this program",
            path.display()
        )
    })
}

/// The outcome of one run.
#[derive(Debug, Clone)]
pub(crate) struct RunRow {
    pub run: u64,
    pub result: Result<RunSummary, String>,
}

/// The header of `runs.csv`.
pub(crate) fn header(sweep: &Sweep) -> Vec<String> {
    runs::columns(&sweep.paths)
}

fn record(sweep: &Sweep, row: &RunRow) -> Vec<String> {
    let (point, rep) = sweep.run_of(row.run);
    let mut r = vec![row.run.to_string(), point.to_string(), rep.to_string()];
    r.extend(sweep.points[point].iter().map(show));
    let n_metrics = RunSummary::default().metrics().len();
    match &row.result {
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

/// Appends finished runs to `runs.csv` (see [`AppendLog`]).
pub(crate) struct RunsWriter(AppendLog);

impl RunsWriter {
    /// Start a new `runs.csv` (refusing to overwrite one unless resuming), or reopen it to resume:
    /// complete lines are kept, a cut one is dropped; resuming where nothing exists starts afresh.
    /// Returns the writer and which runs are already recorded.
    pub(crate) fn open(dir: &Path, sweep: &Sweep, resume: bool) -> Result<(RunsWriter, Vec<bool>)> {
        let (log, done) = AppendLog::open(
            &dir.join(runs::FILE),
            &header(sweep),
            resume,
            sweep.runs() as usize,
            "a sweep's runs.csv",
        )?;
        Ok((RunsWriter(log), done))
    }

    /// Append a batch of finished runs and make it durable.
    pub(crate) fn append(&mut self, sweep: &Sweep, rows: &[RunRow]) -> Result<()> {
        self.0.append(rows.iter().map(|r| record(sweep, r)))
    }

    /// Fail if another process replaced `runs.csv` while this writer appended to it.
    pub(crate) fn still_in_place(&self) -> Result<()> {
        self.0.still_in_place()
    }
}

/// Which runs `dir/runs.csv` records (complete lines only).
pub(crate) fn recorded(dir: &Path, sweep: &Sweep) -> Result<Vec<bool>> {
    let head = header(sweep);
    let mut done = vec![false; sweep.runs() as usize];
    let mut rd = reader(&dir.join(runs::FILE))?;
    for rec in rd.records() {
        let Ok(rec) = rec else { continue };
        if rec.len() != head.len() || rec.get(head.len() - 1) != Some(END) {
            continue;
        }
        if let Some(d) = rec
            .get(0)
            .and_then(|x| x.parse::<usize>().ok())
            .and_then(|i| done.get_mut(i))
        {
            *d = true;
        }
    }
    Ok(done)
}

pub(crate) fn csv_line(fields: &[String]) -> Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields)?;
    w.flush()?;
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}

/// The complete lines of a runs file (header included), each with its newline: a line counts if
/// it ends with a newline, has the header's number of fields and ends with the marker.
pub(crate) fn complete_lines(path: &Path, fields: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut r = BufReader::new(File::open(path)?);
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            break;
        }
        if !line.ends_with('\n') {
            break;
        }
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes());
        let ok = match rd.records().next() {
            Some(Ok(rec)) => rec.len() == fields && rec.get(fields - 1) == Some(END),
            _ => false,
        };
        if ok {
            out.push(line.clone());
        }
    }
    Ok(out)
}

/// One parsed line of `runs.csv`.
struct Parsed {
    run: u64,
    ok: Option<Vec<f64>>,
    line: csv::StringRecord,
}

fn reader(path: &Path) -> Result<csv::Reader<File>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))
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
    Some(Parsed { run, ok, line: rec })
}

/// Merge the `runs.csv` of shard folders into `out/runs.csv`, in run order. Returns how many runs
/// are missing from every shard.
pub(crate) fn merge_runs(sweep: &Sweep, dirs: &[PathBuf], out: &Path) -> Result<u64> {
    let head = header(sweep);
    let (n_paths, n_metrics) = (sweep.paths.len(), RunSummary::default().metrics().len());
    let mut readers = Vec::new();
    for d in dirs {
        let mut r = reader(&d.join(runs::FILE))?;
        let h: Vec<String> = r.headers()?.iter().map(String::from).collect();
        if h != head {
            bail!(
                "{}/{} has a different header from this sweep's",
                d.display(),
                runs::FILE
            );
        }
        readers.push(r.into_records());
    }
    let mut heap = BinaryHeap::new();
    let next = |i: usize, readers: &mut Vec<csv::StringRecordsIntoIter<File>>| -> Option<Parsed> {
        loop {
            match readers[i].next() {
                None => return None,
                Some(Ok(rec)) => {
                    if let Some(p) = parse(rec, n_paths, n_metrics) {
                        return Some(p);
                    }
                }
                Some(Err(_)) => continue,
            }
        }
    };
    let mut pending: Vec<Option<Parsed>> = Vec::new();
    for i in 0..readers.len() {
        let p = next(i, &mut readers);
        if let Some(p) = &p {
            heap.push(Reverse((p.run, i)));
        }
        pending.push(p);
    }
    let mut last: Option<u64> = None;
    let mut written = 0u64;
    write_atomic(&out.join(runs::FILE), |w| {
        w.write_all(csv_line(&head)?.as_bytes())?;
        while let Some(Reverse((run, i))) = heap.pop() {
            let p = pending[i].take().expect("pending record for a heap entry");
            if last != Some(run) {
                let fields: Vec<String> = p.line.iter().map(String::from).collect();
                w.write_all(csv_line(&fields)?.as_bytes())?;
                written += 1;
                last = Some(run);
            }
            let q = next(i, &mut readers);
            if let Some(q) = &q {
                heap.push(Reverse((q.run, i)));
            }
            pending[i] = q;
        }
        Ok(())
    })?;
    Ok(sweep.runs() - written)
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
            match s {
                Err(e) => out.write_record([
                    metric.as_str(),
                    "",
                    "",
                    index::ERROR,
                    "",
                    "",
                    "",
                    e.as_str(),
                ])?,
                Ok(Sensitivity::Morris(v)) => {
                    for x in v {
                        let p = &sweep.paths[x.factor];
                        out.write_record([
                            metric,
                            p,
                            method::MORRIS,
                            index::MU_STAR,
                            &fmt_num(x.mu_star),
                            &fmt_num(x.mu_star_low),
                            &fmt_num(x.mu_star_high),
                            "",
                        ])?;
                        out.write_record([
                            metric,
                            p,
                            method::MORRIS,
                            index::MU,
                            &fmt_num(x.mu),
                            "",
                            "",
                            "",
                        ])?;
                        out.write_record([
                            metric,
                            p,
                            method::MORRIS,
                            index::SIGMA,
                            &fmt_num(x.sigma),
                            "",
                            "",
                            "",
                        ])?;
                    }
                }
                Ok(Sensitivity::Sobol(v)) => {
                    for x in v {
                        let p = &sweep.paths[x.factor];
                        out.write_record([
                            metric,
                            p,
                            method::SOBOL,
                            index::FIRST_ORDER,
                            &fmt_num(x.s1),
                            &fmt_num(x.s1_low),
                            &fmt_num(x.s1_high),
                            "",
                        ])?;
                        out.write_record([
                            metric,
                            p,
                            method::SOBOL,
                            index::TOTAL,
                            &fmt_num(x.st),
                            &fmt_num(x.st_low),
                            &fmt_num(x.st_high),
                            "",
                        ])?;
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
