//! Everything that leaves the program as files: CSV tables, the manifest, and the printed table.
//! With the campaign engine's run log (`experiment/campaign/log.rs`), the only code that
//! writes files.

pub(crate) mod calibrate;
pub(crate) mod calibrate_smc;
pub mod charts;
pub(crate) mod discover;
pub(crate) mod explore;
pub(crate) mod explorer;
pub(crate) mod files;
pub mod format;
pub(crate) mod lock;
pub(crate) mod manifest;
pub(crate) mod posterior;
pub(crate) mod report;
pub mod schema;
pub(crate) mod sweep;

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Result};

use crate::experiment::compare::Difference;
use crate::experiment::targets::{Outcome, Target};
use crate::runner::RunResult;
use crate::sim::metrics::{self, LensMeasure};
use crate::sim::Lens;
use crate::stats::{interval, Interval};
use files::write_atomic;
pub use format::fmt_num;
use format::{fmt_measure, unsigned_zero};
use schema::{comparison, headline, summary, target, timeseries};

/// What every output carries: the model's limits and the fact that every child is synthetic.
pub const CAVEATS: &[&str] = &[
    "Every child in this program is synthetic; no personal data is used.",
    "Results are model estimates with sampling uncertainty (95% intervals across replications), not counts of real children.",
    "Many inputs are assumptions (marked in the scenario file); read results as comparisons between scenarios, not forecasts.",
    "Agencies' real record systems, court outcomes and family circumstances are far richer than modelled here.",
    "\"Unlocatable by ICE\" (the acting agency): ICE's own record does not hold the true current address and ICE made no contact within the window; \"pooled\": no agency (ORR, ICE, court) can locate the child in that sense.",
];

/// The printed tables' labels of the headline metrics ([`metrics::HEADLINE`]): shorter words than
/// the catalogue's labels, which the report uses. An override kept so that the printed tables do not
/// change; one day the two may be made one.
pub(crate) const PRINTED_LABELS: [(&str, &str); 14] = [
    (
        "unlocatable_by_ice_at_horizon",
        "Unlocatable by ICE at horizon",
    ),
    (
        "unlocatable_pooled_at_horizon",
        "Unlocatable by every agency at horizon",
    ),
    ("unlocatable_by_ice_peak", "Unlocatable by ICE, peak"),
    (
        "unlocatable_pooled_peak",
        "Unlocatable by every agency, peak",
    ),
    (
        "turned_18_unlocatable_by_ice",
        "Turned 18 unlocatable by ICE",
    ),
    (
        "turned_18_unlocatable_pooled",
        "Turned 18 unlocatable by every agency",
    ),
    ("transferred_to_orr", "Transferred to ORR"),
    ("released", "Released to sponsors"),
    ("over_72h", "Held by CBP over 72 h"),
    ("ntas_issued", "NTAs issued"),
    ("no_shows", "Court no-shows (in absentia)"),
    (
        "wellbeing_calls_not_reached",
        "Well-being calls not reached",
    ),
    ("located", "Located by welfare checks"),
    ("rescued", "Rescued from exploitation"),
];

/// The label of `metric` in the printed tables: its [`PRINTED_LABELS`] override, or the
/// catalogue's label.
pub(crate) fn printed_label(metric: &str) -> &'static str {
    PRINTED_LABELS
        .iter()
        .find(|(k, _)| *k == metric)
        .map(|(_, l)| *l)
        .or_else(|| metrics::label(metric))
        .unwrap_or("")
}

/// The rows of the tables of unlocatable children, in order: measures of the catalogue, one
/// column per lens (the day of the peak is left out).
pub(crate) const MEASURES: [LensMeasure; 6] = [
    metrics::AT_HORIZON,
    metrics::PEAK,
    metrics::CHILD_YEARS_UNLOCATABLE,
    metrics::SHARE_OF_FOLLOWED_TIME,
    metrics::TURNED_18,
    metrics::NEVER_LOCATED_AGAIN,
];

/// The tables of unlocatable children: the acting agency and the pool side by side first, then ORR
/// and the court; each lens with its column heading.
pub(crate) const LENS_TABLES: [[(Lens, &str); 2]; 2] = [
    [
        (Lens::Ice, "ICE (acting agency)"),
        (Lens::Pooled, "every agency (pooled)"),
    ],
    [(Lens::Orr, "ORR"), (Lens::Court, "immigration court")],
];

/// Whether `metric` is one of the [`MEASURES`] through some lens (shown in the tables of
/// unlocatable children rather than among the pipeline's counts).
pub(crate) fn is_lens_measure(metric: &str) -> bool {
    MEASURES.iter().any(|m| m.is_key(metric))
}

/// Mean and interval of every metric across replications, in metric order.
pub(crate) fn summarise(runs: &[RunResult]) -> Vec<(&'static str, Interval)> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let names: Vec<&'static str> = first.summary.metrics().iter().map(|m| m.0).collect();
    let per_run: Vec<Vec<(&'static str, f64)>> = runs.iter().map(|r| r.summary.metrics()).collect();
    names
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let values: Vec<f64> = per_run.iter().map(|m| m[i].1).collect();
            (name, interval(&values))
        })
        .collect()
}

/// `summary.csv`: one row per replication, one column per metric.
pub(crate) fn write_summary(path: &Path, runs: &[RunResult]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        if !runs.is_empty() {
            out.write_record(summary::columns())?;
        }
        for r in runs {
            let mut row = vec![r.replication.to_string()];
            row.extend(r.summary.metrics().iter().map(|m| fmt_num(m.1)));
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// `headline.csv`: per metric, mean, standard deviation and 95% interval across replications.
pub(crate) fn write_headline(path: &Path, summary: &[(&'static str, Interval)]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(headline::COLUMNS)?;
        for (name, i) in summary {
            let row: [String; headline::COLUMNS.len()] = [
                name.to_string(),
                i.n.to_string(),
                fmt_num(i.mean),
                fmt_num(i.sd),
                fmt_num(i.low),
                fmt_num(i.high),
            ];
            out.write_record(row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// `timeseries.csv` (one row per replication and simulated day), written a replication at a time
/// as replications finish (so that a run holds only the replications not yet written).
pub(crate) struct TimeseriesCsv<'w> {
    out: csv::Writer<&'w mut dyn Write>,
    start_date: String,
    /// The date of every simulated day, from the first replication written.
    dates: Vec<String>,
    row: Vec<String>,
}

impl<'w> TimeseriesCsv<'w> {
    /// Start the file on `w`: its header.
    pub(crate) fn new(w: &'w mut dyn Write, start_date: &str) -> Result<Self> {
        let mut out = csv::Writer::from_writer(w);
        let header = timeseries::columns();
        out.write_record(&header)?;
        Ok(TimeseriesCsv {
            out,
            start_date: start_date.to_string(),
            dates: Vec::new(),
            row: Vec::with_capacity(header.len()),
        })
    }

    /// The rows of replication `r` (every replication has the same days as the first).
    pub(crate) fn add(&mut self, r: &RunResult) -> Result<()> {
        if self.dates.is_empty() {
            self.dates = (0..r.days.len() as u32)
                .map(|d| crate::scenario::date_of(&self.start_date, d))
                .collect();
        } else if r.days.len() != self.dates.len() {
            bail!(
                "replication {} has {} days, the first replication {}",
                r.replication,
                r.days.len(),
                self.dates.len()
            );
        }
        for (day, s) in r.days.iter().enumerate() {
            self.row.clear();
            self.row.push(r.replication.to_string());
            self.row.push(day.to_string());
            self.row.push(self.dates[day].clone());
            self.row.extend(s.series().into_iter().map(fmt_num));
            self.out.write_record(&self.row)?;
        }
        Ok(())
    }

    /// Flush what is written.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// The printed results: the tables of unlocatable children (ICE and pooled side by side, then ORR
/// and the court), then the pipeline's headline counts; every number with its 95% interval.
pub(crate) fn table(summary: &[(&'static str, Interval)]) -> String {
    let find = |key: &str| summary.iter().find(|(n, _)| *n == key).map(|(_, i)| *i);
    let one_rep = summary.first().is_some_and(|(_, i)| i.n < 2);
    let mut s = String::new();
    for (k, lenses) in LENS_TABLES.iter().enumerate() {
        let title = if k == 0 {
            "Unlocatable children"
        } else {
            "Other agencies"
        };
        let rows: Vec<(String, Vec<String>)> = MEASURES
            .iter()
            .map(|m| {
                let cells = lenses
                    .iter()
                    .map(|&(lens, _)| match find(&m.key(lens)) {
                        Some(i) if i.low.is_finite() && i.high.is_finite() => format!(
                            "{} [{}, {}]",
                            fmt_measure(m.kind, i.mean),
                            fmt_measure(m.kind, i.low),
                            fmt_measure(m.kind, i.high)
                        ),
                        Some(i) => fmt_measure(m.kind, i.mean),
                        None => "-".to_string(),
                    })
                    .collect();
                (m.label.to_string(), cells)
            })
            .collect();
        let headings: Vec<&str> = lenses.iter().map(|l| l.1).collect();
        s.push_str(&columns(
            &format!("{title} (mean [95% interval])"),
            &headings,
            &rows,
        ));
        s.push('\n');
    }
    let rows: Vec<(String, Vec<String>)> = metrics::HEADLINE
        .iter()
        .filter(|key| !is_lens_measure(key))
        .filter_map(|&key| {
            let label = printed_label(key);
            find(key).map(|i| {
                let ci = if i.low.is_nan() {
                    String::new()
                } else {
                    format!("[{:.0}, {:.0}]", i.low, i.high)
                };
                (label.to_string(), vec![format!("{:.0}", i.mean), ci])
            })
        })
        .collect();
    s.push_str(&columns("The pipeline", &["mean", "95% interval"], &rows));
    if one_rep {
        s.push_str("(one replication: intervals need 2 or more)\n");
    }
    s
}

/// A plain-text table: a first column of labels as wide as the longest, then right-aligned
/// columns as wide as their widest cell or heading.
pub(crate) fn columns(title: &str, headings: &[&str], rows: &[(String, Vec<String>)]) -> String {
    let first = rows
        .iter()
        .map(|r| r.0.chars().count())
        .chain([title.chars().count()])
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = headings
        .iter()
        .enumerate()
        .map(|(k, h)| {
            rows.iter()
                .filter_map(|r| r.1.get(k))
                .map(|c| c.chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |label: &str, cells: &[String]| {
        let mut l = format!("{label:<first$}");
        for (c, w) in cells.iter().zip(&widths) {
            l.push_str(&format!("   {c:>w$}"));
        }
        l.trim_end().to_string() + "\n"
    };
    let mut s = line(
        title,
        &headings.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    for (label, cells) in rows {
        s.push_str(&line(label, cells));
    }
    s
}

/// Write a small text file atomically.
pub(crate) fn write_atomic_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, |w| {
        w.write_all(text.as_bytes())?;
        Ok(())
    })
}

/// `comparison.csv`: per reform and metric, the baseline and reform means, the paired difference
/// with its 95% interval, and the unpaired half-width for contrast.
pub(crate) fn write_comparison(
    path: &Path,
    baseline: &str,
    diffs: &[(String, Vec<Difference>)],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(comparison::COLUMNS)?;
        for (reform, ds) in diffs {
            for d in ds {
                let row: [String; comparison::COLUMNS.len()] = [
                    baseline.to_string(),
                    reform.clone(),
                    d.metric.to_string(),
                    d.difference.n.to_string(),
                    fmt_num(d.baseline.mean),
                    fmt_num(d.reform.mean),
                    fmt_num(d.difference.mean),
                    fmt_num(d.difference.low),
                    fmt_num(d.difference.high),
                    fmt_num(d.paired_half_width()),
                    fmt_num(d.unpaired_half_width),
                    fmt_num(d.width_ratio()),
                ];
                out.write_record(row)?;
            }
        }
        out.flush()?;
        Ok(())
    })
}

/// The printed comparison: headline metrics per reform, unlocatable by ICE and by every agency
/// (pooled) first.
pub(crate) fn comparison_table(diffs: &[(String, Vec<Difference>)]) -> String {
    let mut s = String::new();
    for (reform, ds) in diffs {
        let rows: Vec<(String, Vec<String>)> = metrics::HEADLINE
            .iter()
            .filter_map(|&key| {
                let label = printed_label(key);
                let d = ds.iter().find(|d| d.metric == key)?;
                let whole = |x: f64| unsigned_zero(format!("{x:.0}"));
                let ci = if d.difference.low.is_nan() {
                    String::new()
                } else {
                    format!(
                        "[{}, {}]",
                        whole(d.difference.low),
                        whole(d.difference.high)
                    )
                };
                let ratio = d.width_ratio();
                let ratio = if ratio.is_finite() {
                    format!("{ratio:.1}")
                } else {
                    // The paired difference is the same in every replication.
                    "exact".to_string()
                };
                Some((
                    label.to_string(),
                    vec![
                        whole(d.baseline.mean),
                        whole(d.reform.mean),
                        unsigned_zero(format!("{:+.0}", d.difference.mean)),
                        ci,
                        ratio,
                    ],
                ))
            })
            .collect();
        s.push('\n');
        s.push_str(&columns(
            reform,
            &[
                "baseline",
                "reform",
                "difference",
                "95% interval (paired)",
                "width x",
            ],
            &rows,
        ));
    }
    s.push_str("width x: how many times narrower the paired interval is than an unpaired one (exact: the difference is the same in every replication).\n");
    s
}

/// `validation.csv`: per target, the published value, the model's mean and 95% interval, the
/// relative error, the verdict, and both definitions with the source.
pub(crate) fn write_validation(
    path: &Path,
    start: &str,
    results: &[(&Target, Outcome)],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(target::COLUMNS)?;
        for (t, o) in results {
            out.write_record(target_row(start, t, o))?;
        }
        out.flush()?;
        Ok(())
    })
}

/// One row of [`target::COLUMNS`] (validation.csv, fit.csv).
pub(crate) fn target_row(start: &str, t: &Target, o: &Outcome) -> [String; target::COLUMNS.len()] {
    [
        t.raw.name.clone(),
        t.raw.qualifier.clone(),
        fmt_num(t.raw.value),
        fmt_num(o.model.mean),
        fmt_num(o.model.low),
        fmt_num(o.model.high),
        fmt_num(o.relative_error),
        fmt_num(t.raw.tolerance),
        o.pass.to_string(),
        o.model.n.to_string(),
        t.describe(start),
        t.raw.definition.clone(),
        t.raw.source.clone(),
        t.role.name().to_string(),
    ]
}

/// The printed validation table.
pub(crate) fn validation_table(results: &[(&Target, Outcome)]) -> String {
    let mut s = format!(
        "{:<36} {:>11} {:>10} {:>14} {:>14} {:>25} {:>8} {:>6}\n",
        "target", "role", "qualifier", "published", "model mean", "95% interval", "error", "pass"
    );
    let num = format::whole_or_three_decimals;
    for (t, o) in results {
        let ci = if o.model.low.is_nan() {
            String::new()
        } else {
            format!("[{}, {}]", num(o.model.low), num(o.model.high))
        };
        s.push_str(&format!(
            "{:<36} {:>11} {:>10} {:>14} {:>14} {:>25} {:>7.1}% {:>6}\n",
            t.raw.name,
            t.role.name(),
            t.raw.qualifier,
            num(t.raw.value),
            num(o.model.mean),
            ci,
            o.relative_error * 100.0,
            if o.pass { "yes" } else { "NO" }
        ));
    }
    s
}
