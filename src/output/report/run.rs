//! A run folder's section: its charts with the scenario's policy timeline, the tables of
//! unlocatable children by agency, the headline results and every metric.

use std::path::Path;

use anyhow::Result;

use super::cells::{col, interval, num, read_rows, strings};
use super::folders::Input;
use super::policy::{ScenarioPolicy, Timeline, RUN_POLICY_CHART};
use super::{human_name, Section, Table};
use crate::output;
use crate::output::charts::{self, Chart};
use crate::output::format::counted;
use crate::output::schema::headline;
use crate::sim::metrics::{self, HEADLINE};

/// A run's charts, with its scenario's policy timeline under the chart of unlocatable children
/// when the history can be shown (else a note saying why not).
pub(super) fn charts(
    input: &Input,
    sub: &Path,
    policy: &Result<ScenarioPolicy, String>,
    timelines: &mut Vec<Timeline>,
    notes: &mut Vec<String>,
) -> Result<Vec<Chart>> {
    match policy {
        Ok(p) => {
            let h = p.history(format!("scenario \u{201c}{}\u{201d}", input.label));
            let drawn = charts::charts_for_run_with_policy(&input.dir, sub, Some(&h));
            timelines.push((RUN_POLICY_CHART.to_string(), h, true));
            drawn
        }
        Err(why) => {
            notes.push(format!(
                "The policy timeline is not shown under the chart of unlocatable children: {why}."
            ));
            charts::charts_for_run(&input.dir, sub)
        }
    }
}

/// A run's section: the tables of unlocatable children by agency, the headline results and every
/// metric.
pub(super) fn section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(headline::FILE))?;
    let (m, mean, low, high) = (
        col(&h, headline::METRIC).unwrap_or(0),
        col(&h, headline::MEAN).unwrap_or(2),
        col(&h, headline::CI95_LOW).unwrap_or(4),
        col(&h, headline::CI95_HIGH).unwrap_or(5),
    );
    let row_of = |key: &str| {
        rows.iter()
            .find(|r| r.get(m).map(String::as_str) == Some(key))
    };
    let cell = |r: &Vec<String>, c: usize| r.get(c).cloned().unwrap_or_default();
    // Unlocatable children: one row per measure, one column per lens, each cell the mean with its
    // interval; ICE and pooled side by side first, then ORR and the court.
    let value = |r: &Vec<String>, c: usize| cell(r, c).parse::<f64>().unwrap_or(f64::NAN);
    let lens_tables: Vec<Table> = output::LENS_TABLES
        .iter()
        .enumerate()
        .map(|(k, lenses)| {
            let rows: Vec<Vec<String>> = output::MEASURES
                .iter()
                .map(|measure| {
                    let mut row = vec![measure.label.to_string()];
                    row.extend(lenses.iter().map(|&(lens, _)| {
                        row_of(&measure.key(lens)).map_or_else(
                            || "-".to_string(),
                            |r| {
                                measure_cell(
                                    measure.kind,
                                    value(r, mean),
                                    value(r, low),
                                    value(r, high),
                                )
                            },
                        )
                    }));
                    row
                })
                .collect();
            let mut header = vec!["result".to_string()];
            header.extend(lenses.iter().map(|l| l.1.to_string()));
            if k == 0 {
                Table {
                    caption: "Unlocatable children: ICE (the acting agency) and every agency (pooled)".into(),
                    header,
                    rows,
                    note: "Each cell: the mean over replications, then its 95% interval in parentheses. ICE is the agency that acts (it serves Notices to Appear and runs the welfare checks): unlocatable by ICE means ICE\u{2019}s own record does not hold the child\u{2019}s true address and ICE made no contact within the contact window. Pooled counts the children whom no agency (ORR, ICE, the court) can locate: what an ideal shared record could know, not what any agency can act on. Shares are of the time released children were followed.".into(),
                    collapsed: false,
                }
            } else {
                Table {
                    caption: "Unlocatable by ORR and by the immigration court".into(),
                    header,
                    rows,
                    note: "The same measures through ORR\u{2019}s and the court\u{2019}s own records and contacts.".into(),
                    collapsed: false,
                }
            }
        })
        .collect();
    let headline: Vec<Vec<String>> = HEADLINE
        .iter()
        .filter(|key| !output::is_lens_measure(key))
        .filter_map(|key| {
            row_of(key).map(|r| {
                vec![
                    human_name(key),
                    num(&cell(r, mean)),
                    interval(&cell(r, low), &cell(r, high)),
                ]
            })
        })
        .collect();
    let all: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                human_name(&cell(r, m)),
                num(&cell(r, mean)),
                interval(&cell(r, low), &cell(r, high)),
                cell(r, m),
            ]
        })
        .collect();
    let reps = i.str("replications");
    Ok(Section {
        heading: format!("Scenario \u{201c}{}\u{201d}", i.label),
        paragraphs: vec![
            format!(
                "{} with seed {}, from the output folder {}. Each replication simulates a new synthetic cohort of children from arrival to the end of the follow-up.",
                counted(reps, "replication", "replications"),
                i.str("seed"),
                i.dir.display()
            ),
            "The mean is the average over replications; the 95% interval shows how precisely the replications pin that average down (more replications give a narrower interval). It does not cover the uncertainty in the model's assumptions.".into(),
        ],
        tables: lens_tables.into_iter().chain([
            Table {
                caption: "The pipeline: headline results (whole run)".into(),
                header: strings(&["result", "mean", "95% interval of the mean"]),
                rows: headline,
                note: String::new(),
                collapsed: false,
            },
            Table {
                caption: format!("All {} metrics ({})", all.len(), headline::FILE),
                header: strings(&[
                    "result",
                    "mean",
                    "95% interval of the mean",
                    "column in the CSV files",
                ]),
                rows: all,
                note: String::new(),
                collapsed: true,
            },
        ]).collect(),
        charts: Vec::new(),
    })
}

/// A cell of the tables of unlocatable children: the mean, then its 95% interval in brackets
/// (shares as percentages).
fn measure_cell(kind: metrics::Kind, mean: f64, low: f64, high: f64) -> String {
    let f = |x: f64| match kind {
        metrics::Kind::Share => output::format::fmt_measure(kind, x),
        _ => num(&x.to_string()),
    };
    if !mean.is_finite() {
        "-".to_string()
    } else if low.is_finite() && high.is_finite() {
        format!("{} ({} to {})", f(mean), f(low), f(high))
    } else {
        format!("{} (needs 2+ replications for an interval)", f(mean))
    }
}
