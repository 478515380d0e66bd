//! Calibration folders on disk: `calibration.json` identifying the calibration, `candidates.csv`
//! appended candidate by candidate (crash-safe and resumable, as `runs.csv` of a sweep: every
//! complete line ends with an `end` marker, each batch is flushed and fsynced, a cut line is
//! dropped on resume), and the results: `accepted.csv`, `posterior.csv` and `fit.csv`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::files::{write_atomic, AppendLog};
use super::fmt_num;
use super::schema::{accepted, candidates, posterior, target, END, STATUS_FAILED, STATUS_OK};
use crate::experiment::calibrate::{Calibration, Posterior, ABC_REJECTION};
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
            method: ABC_REJECTION.into(),
            candidates: cal.candidates.len() as u64,
            replications: cal.replications,
            seed: cal.seed,
        }
    }
}

pub(crate) fn write_info(dir: &Path, info: &CalibrationInfo) -> Result<()> {
    write_atomic(&dir.join("calibration.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, info)?;
        writeln!(w)?;
        Ok(())
    })
}

pub(crate) fn read_info(dir: &Path) -> Result<CalibrationInfo> {
    let path = dir.join("calibration.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a calibration description of this program",
            path.display()
        )
    })
}

/// The outcome of one candidate: per target (fitted first, then held out) the mean over its
/// replications, or why it failed.
#[derive(Debug, Clone)]
pub(crate) struct CandidateRow {
    pub candidate: usize,
    pub result: Result<Vec<f64>, String>,
}

fn read_exact(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

/// The header of `candidates.csv`.
pub(crate) fn header(cal: &Calibration) -> Vec<String> {
    candidates::columns(
        cal.parameters.iter().map(|p| p.path.as_str()),
        cal.targets.iter().map(|t| t.raw.name.as_str()),
    )
}

fn record(cal: &Calibration, row: &CandidateRow) -> Vec<String> {
    let mut r = vec![row.candidate.to_string()];
    r.extend(cal.candidates[row.candidate].iter().map(|&x| fmt_num(x)));
    match &row.result {
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

/// Appends finished candidates to `candidates.csv` (see [`AppendLog`]).
pub(crate) struct CandidatesWriter(AppendLog);

impl CandidatesWriter {
    /// Start a new `candidates.csv` (refusing to overwrite one unless resuming), or reopen it to
    /// resume: complete lines are kept, a cut one is dropped. Returns the writer and which
    /// candidates are already recorded.
    pub(crate) fn open(
        dir: &Path,
        cal: &Calibration,
        resume: bool,
    ) -> Result<(CandidatesWriter, Vec<bool>)> {
        let (log, done) = AppendLog::open(
            &dir.join(candidates::FILE),
            &header(cal),
            resume,
            cal.candidates.len(),
            "a calibration's candidates.csv",
        )?;
        Ok((CandidatesWriter(log), done))
    }

    /// Append a batch of finished candidates and make it durable.
    pub(crate) fn append(&mut self, cal: &Calibration, rows: &[CandidateRow]) -> Result<()> {
        self.0.append(rows.iter().map(|r| record(cal, r)))
    }
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
    let path = dir.join(candidates::FILE);
    let fields = header(cal).len();
    let k = cal.parameters.len();
    let n_targets = cal.targets.len();
    let mut out = vec![Recorded::Missing; cal.candidates.len()];
    let mut r = BufReader::new(
        File::open(&path).with_context(|| format!("cannot read {}", path.display()))?,
    );
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 || !line.ends_with('\n') {
            break;
        }
        if std::mem::take(&mut first) {
            continue;
        }
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes());
        let Some(Ok(rec)) = rd.records().next() else {
            continue;
        };
        if rec.len() != fields || rec.get(fields - 1) != Some(END) {
            continue;
        }
        let Some(slot) = rec
            .get(0)
            .and_then(|x| x.parse::<usize>().ok())
            .and_then(|c| out.get_mut(c))
        else {
            continue;
        };
        *slot = if rec.get(1 + k) == Some(STATUS_OK) {
            let means: Vec<f64> = (0..n_targets)
                .map(|j| read_exact(rec.get(3 + k + j).unwrap_or("")))
                .collect();
            Recorded::Ok(cal.distance(&means))
        } else {
            Recorded::Failed(rec.get(2 + k).unwrap_or(STATUS_FAILED).to_string())
        };
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
