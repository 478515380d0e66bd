//! Reading the CSV outputs back for charts: tables with named columns, errors that say what is
//! missing and how to produce it, per-day summaries across replications, and dates as years.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::error::ScenarioError;
use crate::output::schema::timeseries;
use crate::stats::{interval, Interval};

/// A CSV file read whole, with its header.
pub(crate) struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
    /// What to do when a column is missing (e.g. "re-run the scenario").
    fix: String,
}

impl Table {
    /// Read `dir/name`. `make` says how to produce it ("run `custody-sim run SCENARIO --out DIR`
    /// first"); `fix` what to do when it is of an older format.
    pub(super) fn read(dir: &Path, name: &str, make: &str, fix: &str) -> Result<Table> {
        if !dir.is_dir() {
            bail!("folder {} not found: {make}", dir.display());
        }
        let path = dir.join(name);
        if !path.is_file() {
            bail!("{} not found: {make}", path.display());
        }
        Self::read_file(&path, make, fix)
    }

    /// Read one CSV file given by its path.
    pub(super) fn read_file(path: &Path, make: &str, fix: &str) -> Result<Table> {
        if !path.is_file() {
            bail!("{} not found: {make}", path.display());
        }
        let mut r = csv::Reader::from_path(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let header: Vec<String> = r
            .headers()
            .with_context(|| format!("cannot read the header of {}", path.display()))?
            .iter()
            .map(String::from)
            .collect();
        if header.iter().all(|h| h.is_empty()) {
            bail!("{} is empty: {make}", path.display());
        }
        let mut rows = Vec::new();
        for (i, rec) in r.records().enumerate() {
            // A damaged input file is bad input (exit code 2), not a failed command.
            let rec = rec.map_err(|e| ScenarioError::Outputs {
                path: path.to_path_buf(),
                message: format!(
                    "is truncated or malformed at data row {}: {fix} ({e})",
                    i + 1
                ),
            })?;
            rows.push(rec);
        }
        if rows.is_empty() {
            bail!("{} holds no rows: {make}", path.display());
        }
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
            fix: fix.to_string(),
        })
    }

    /// Index of a column that must be present.
    pub(super) fn col(&self, name: &str) -> Result<usize> {
        match self.header.iter().position(|h| h == name) {
            Some(i) => Ok(i),
            None => bail!(
                "{} lacks column `{name}` (written by an older version): {}",
                self.path.display(),
                self.fix
            ),
        }
    }

    /// A number; empty or unparsable cells are NaN (e.g. a share on a day with no children).
    pub(super) fn num(&self, row: usize, col: usize) -> f64 {
        self.rows[row]
            .get(col)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    }

    pub(super) fn text(&self, row: usize, col: usize) -> &str {
        self.rows[row].get(col).unwrap_or("")
    }
}

/// A date "YYYY-MM-DD" as a fractional year (2019-07-02 → about 2019.5).
pub(crate) fn year_of(date: &str) -> Option<f64> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let days = if d.leap_year() { 366.0 } else { 365.0 };
    Some(d.year() as f64 + d.ordinal0() as f64 / days)
}

/// A fractional year as a short date label: "2020" on a year boundary, else "Jul 2020".
pub(crate) fn year_label(x: f64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = x.floor();
    let month = ((x - year) * 12.0).round() as usize;
    if month == 0 || month >= 12 {
        format!("{:.0}", x.round())
    } else {
        format!("{} {:.0}", MONTHS[month], year)
    }
}

/// Daily series of one run folder, summarised across replications.
pub(crate) struct Daily {
    /// Replications found.
    pub replications: usize,
    /// Date of each day, as a fractional year, in day order.
    pub x: Vec<f64>,
    /// Per series name, per day, the summary across replications.
    pub series: BTreeMap<String, Vec<Interval>>,
    /// Per series name, the value on each replication's last day.
    pub last: BTreeMap<String, Vec<f64>>,
}

impl Daily {
    pub(super) fn get(&self, name: &str) -> &[Interval] {
        self.series.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

pub(crate) const RUN_MAKE: &str = "run `custody-sim run SCENARIO --out DIR` first";
pub(crate) const RUN_FIX: &str = "re-run the scenario with `custody-sim run SCENARIO --out DIR`";
/// How to produce a sweep's tables, and what to do when they are of an older format.
pub(crate) const SWEEP_MAKE: &str = "run `custody-sim sweep SWEEP.toml --out DIR` first";
pub(crate) const SWEEP_FIX: &str = "re-run the sweep with `custody-sim sweep`";

/// Read `run_dir/timeseries.csv` and summarise `names` per day across replications.
pub(crate) fn daily(run_dir: &Path, names: &[&str]) -> Result<Daily> {
    let t = Table::read(run_dir, timeseries::FILE, RUN_MAKE, RUN_FIX)?;
    let c_rep = t.col(timeseries::REPLICATION)?;
    let c_day = t.col(timeseries::DAY)?;
    let c_date = t.col(timeseries::DATE)?;
    let cols: Vec<usize> = names.iter().map(|n| t.col(n)).collect::<Result<_>>()?;
    // day -> (date, per series: values in replication order)
    let mut by_day: BTreeMap<u64, (String, Vec<Vec<f64>>)> = BTreeMap::new();
    let mut reps: BTreeMap<u64, u64> = BTreeMap::new(); // replication -> last day
    for r in 0..t.rows.len() {
        let rep: u64 = t.text(r, c_rep).parse().with_context(|| {
            format!(
                "{}: bad replication `{}` at data row {}",
                t.path.display(),
                t.text(r, c_rep),
                r + 1
            )
        })?;
        let day: u64 = t.text(r, c_day).parse().with_context(|| {
            format!(
                "{}: bad day `{}` at data row {}",
                t.path.display(),
                t.text(r, c_day),
                r + 1
            )
        })?;
        let e = reps.entry(rep).or_insert(day);
        *e = (*e).max(day);
        let entry = by_day
            .entry(day)
            .or_insert_with(|| (t.text(r, c_date).to_string(), vec![Vec::new(); cols.len()]));
        for (k, &c) in cols.iter().enumerate() {
            entry.1[k].push(t.num(r, c));
        }
    }
    let mut x = Vec::with_capacity(by_day.len());
    let mut series: BTreeMap<String, Vec<Interval>> = names
        .iter()
        .map(|n| (n.to_string(), Vec::with_capacity(by_day.len())))
        .collect();
    for (day, (date, values)) in &by_day {
        let Some(year) = year_of(date) else {
            bail!(
                "{}: bad date `{date}` on day {day}: {}",
                t.path.display(),
                RUN_FIX
            );
        };
        x.push(year);
        for (k, n) in names.iter().enumerate() {
            let finite: Vec<f64> = values[k]
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            if let Some(s) = series.get_mut(*n) {
                s.push(interval(&finite));
            }
        }
    }
    // Values on each replication's last day.
    let mut last: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in 0..t.rows.len() {
        let rep: u64 = t.text(r, c_rep).parse().unwrap_or(u64::MAX);
        let day: u64 = t.text(r, c_day).parse().unwrap_or(u64::MAX);
        if reps.get(&rep) == Some(&day) {
            for (k, n) in names.iter().enumerate() {
                last.entry(n.to_string())
                    .or_default()
                    .push(t.num(r, cols[k]));
            }
        }
    }
    Ok(Daily {
        replications: reps.len(),
        x,
        series,
        last,
    })
}

/// Lower and upper ends of a 95% interval, falling back to the mean when it is undefined (one
/// replication).
pub(crate) fn band(i: &Interval) -> (f64, f64) {
    if i.low.is_finite() && i.high.is_finite() {
        (i.low, i.high)
    } else {
        (i.mean, i.mean)
    }
}
