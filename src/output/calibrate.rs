//! Calibration folders on disk: `calibration.json` identifying the calibration, the records of
//! `candidates.csv` (the campaign's log, written by the campaign engine,
//! [`crate::experiment::campaign`]), and the results: `accepted.csv`, `posterior.csv` and `fit.csv`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::files::write_atomic;
use super::fmt_num;
use super::schema::{accepted, candidates, posterior, target, END, STATUS_FAILED, STATUS_OK};
use crate::experiment::calibrate::{Calibration, Posterior};
use crate::experiment::campaign::folder::Info;
use crate::experiment::campaign::log::{complete_lines, LogSpec};
use crate::experiment::targets::{Outcome, Target};

/// What a calibration folder holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct CalibrationInfo {
    pub program: String,
    pub version: String,
    pub calibration_file: String,
    pub identity: String,
    pub method: String,
    pub candidates: u64,
    pub replications: u64,
    pub seed: u64,
}

impl CalibrationInfo {
    pub(crate) fn new(cal: &Calibration) -> Self {
        CalibrationInfo {
            program: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            calibration_file: std::fs::canonicalize(&cal.file)
                .unwrap_or_else(|_| cal.file.clone())
                .display()
                .to_string(),
            identity: cal.identity.clone(),
            method: cal.method().into(),
            candidates: cal.candidates.len() as u64,
            replications: cal.replications,
            seed: cal.seed,
        }
    }
}

fn read_exact(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

impl Info for CalibrationInfo {
    const FILE: &'static str = "calibration.json";
    const A_KIND: &'static str = "a calibration";
    const COMMAND: &'static str = "calibrate";
    fn identity(&self) -> &str {
        &self.identity
    }
    fn source(&self) -> &str {
        &self.calibration_file
    }
}

/// The header of `candidates.csv`.
pub(crate) fn header(cal: &Calibration) -> Vec<String> {
    candidates::columns(
        cal.parameters.iter().map(|p| p.path.as_str()),
        cal.targets.iter().map(|t| t.raw.name.as_str()),
    )
}

/// The calibration's log: `candidates.csv`.
pub(crate) fn log(cal: &Calibration) -> LogSpec {
    LogSpec {
        file: candidates::FILE,
        header: header(cal),
        what: "a calibration's candidates.csv",
    }
}

/// The `candidates.csv` record of candidate `candidate`: per target (fitted first, then held out)
/// the mean over its replications and the distance, or why it failed.
pub(crate) fn record(
    cal: &Calibration,
    candidate: usize,
    result: &Result<Vec<f64>, String>,
) -> Vec<String> {
    record_values(cal, candidate, &cal.candidates[candidate], result)
}

/// The log record of a candidate or particle numbered `index` with parameter values `values`.
pub(crate) fn record_values(
    cal: &Calibration,
    index: usize,
    values: &[f64],
    result: &Result<Vec<f64>, String>,
) -> Vec<String> {
    let mut r = vec![index.to_string()];
    r.extend(values.iter().map(|&x| fmt_num(x)));
    match result {
        Ok(means) => {
            r.push(STATUS_OK.into());
            r.push(String::new());
            r.extend(means.iter().map(|&m| fmt_num(m)));
            r.push(fmt_num(cal.distance(means)));
        }
        Err(e) => {
            r.push(STATUS_FAILED.into());
            r.push(e.replace(['\n', '\r'], " "));
            r.extend(std::iter::repeat_n(String::new(), cal.targets.len() + 1));
        }
    }
    r.push(END.into());
    r
}

/// What `candidates.csv` says of one candidate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Recorded {
    /// No complete line yet.
    Missing,
    /// Its distance to the fitted targets, recomputed from the recorded means.
    Ok(f64),
    /// Why it failed.
    Failed(String),
}

/// Read `candidates.csv` back, streaming: per candidate, what is recorded. The results of a
/// calibration are always computed from this file, so that a resumed calibration gives exactly
/// what an uninterrupted one gives. Lines are read as on resume: only complete lines count.
pub(crate) fn read_candidates(cal: &Calibration, dir: &Path) -> Result<Vec<Recorded>> {
    Ok(read_log(cal, dir, cal.candidates.len())?
        .into_iter()
        .map(|r| match r {
            None => Recorded::Missing,
            Some(Ok(means)) => Recorded::Ok(cal.distance(&means)),
            Some(Err(e)) => Recorded::Failed(e),
        })
        .collect())
}

/// What a log records of one job: nothing yet, its per-target means, or why it failed.
pub(crate) type Logged = Option<Result<Vec<f64>, String>>;

/// Read the log `candidates.csv` in `dir` of a campaign of `jobs` candidates or particles: per
/// job, nothing (no complete line yet), its per-target means as recorded, or why it failed.
pub(crate) fn read_log(cal: &Calibration, dir: &Path, jobs: usize) -> Result<Vec<Logged>> {
    let path = dir.join(candidates::FILE);
    let fields = header(cal).len();
    let k = cal.parameters.len();
    let n_targets = cal.targets.len();
    let mut out = vec![None; jobs];
    if !path.exists() {
        return Ok(out);
    }
    let lines =
        complete_lines(&path, fields).with_context(|| format!("cannot read {}", path.display()))?;
    for line in lines.iter().skip(1) {
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let Some(Ok(rec)) = rd.records().next() else {
            continue;
        };
        let Some(slot) = rec
            .get(0)
            .and_then(|x| x.parse::<usize>().ok())
            .and_then(|c| out.get_mut(c))
        else {
            continue;
        };
        *slot = Some(if rec.get(1 + k) == Some(STATUS_OK) {
            Ok((0..n_targets)
                .map(|j| read_exact(rec.get(3 + k + j).unwrap_or("")))
                .collect())
        } else {
            Err(rec.get(2 + k).unwrap_or(STATUS_FAILED).to_string())
        });
    }
    Ok(out)
}

/// `accepted.csv`: the accepted candidates, best first, with their values and distance.
pub(crate) fn write_accepted(
    path: &Path,
    cal: &Calibration,
    accepted: &[usize],
    distances: &[Option<f64>],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(accepted::columns(
            cal.parameters.iter().map(|p| p.path.as_str()),
        ))?;
        for (rank, &c) in accepted.iter().enumerate() {
            let mut row = vec![(rank + 1).to_string(), c.to_string()];
            row.extend(cal.candidates[c].iter().map(|&x| fmt_num(x)));
            row.push(fmt_num(distances[c].unwrap_or(f64::NAN)));
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// `posterior.csv`: per parameter, the prior, the posterior mean, median and 95% interval over
/// the accepted candidates, and the fitted value written to the calibrated scenario.
pub(crate) fn write_posterior(
    path: &Path,
    cal: &Calibration,
    posteriors: &[Posterior],
    fitted: &[f64],
    accepted: usize,
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(posterior::COLUMNS)?;
        for ((p, q), &f) in cal.parameters.iter().zip(posteriors).zip(fitted) {
            let row: [String; posterior::COLUMNS.len()] = [
                p.path.clone(),
                p.prior.name().to_string(),
                fmt_num(p.min),
                fmt_num(p.max),
                accepted.to_string(),
                fmt_num(q.mean),
                fmt_num(q.median),
                fmt_num(q.low),
                fmt_num(q.high),
                fmt_num(f),
            ];
            out.write_record(row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// Whether a target was used in fitting or held out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Role {
    Fitted,
    HeldOut,
}

impl Role {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Fitted => "fitted",
            Role::HeldOut => "held_out",
        }
    }
}

/// `fit.csv`: the calibrated scenario against every target, fitted and held out (column `role`).
pub(crate) fn write_fit(
    path: &Path,
    start: &str,
    results: &[(Role, &Target, Outcome)],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(target::fit_columns())?;
        for (role, t, o) in results {
            let mut row = vec![role.name().to_string()];
            row.extend(super::target_row(start, t, o));
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}
