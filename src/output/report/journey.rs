//! The journey of one traced child: `journey.csv` (one row per step), and a journey folder's
//! section of the report, the journey step by step with what each agency's record held.

use std::path::Path;

use anyhow::Result;

use super::cells::{col, read_rows};
use super::folders::Input;
use super::{Section, Table};
use crate::output::files::write_atomic;
use crate::output::schema::journey;
use crate::sim::{Agency, ChildEvent, Lens, State};

/// `journey.csv`: one row per step of the traced child's journey.
pub(crate) fn write_journey(path: &Path, start_date: &str, events: &[ChildEvent]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(journey::columns())?;
        for e in events {
            let mut row = vec![
                e.time.to_string(),
                crate::scenario::date_of(start_date, e.time / crate::sim::params::MINUTES_PER_DAY),
                e.what.to_string(),
                e.state.name().to_string(),
                e.locatable[Lens::Ice as usize].to_string(),
                e.locatable[Lens::Pooled as usize].to_string(),
                e.true_address.to_string(),
                e.household.to_string(),
            ];
            row.extend(
                Agency::ALL
                    .iter()
                    .map(|&a| e.records[a as usize].to_string()),
            );
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// A journey folder's section: the traced child's journey step by step, and where it ends.
pub(super) fn section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(journey::FILE))?;
    let c = |n: &str| col(&h, n).unwrap_or(0);
    let (date, event, state, loc, pooled, truth) = (
        c(journey::DATE),
        c(journey::EVENT),
        c(journey::STATE),
        c(journey::LOCATABLE_BY_ICE),
        c(journey::LOCATABLE_POOLED),
        c(journey::TRUE_ADDRESS),
    );
    let recs: Vec<usize> = Agency::ALL
        .iter()
        .map(|&a| c(&journey::record(a)))
        .collect();
    let cell = |r: &Vec<String>, k: usize| r.get(k).cloned().unwrap_or_default();
    let word = |r: &Vec<String>, k: usize| {
        let v = cell(r, k);
        if v == "0" || v.is_empty() {
            "no address".to_string()
        } else if v == cell(r, truth) {
            "TRUE address".to_string()
        } else {
            "old address".to_string()
        }
    };
    // Released children followed as children (with the sponsor, left the sponsor, exploited).
    let followed: Vec<&str> = State::ALL
        .iter()
        .filter(|s| s.is_followed())
        .map(|s| s.name())
        .collect();
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let st = cell(r, state);
            let yes_no = |k: usize| -> String {
                if !followed.contains(&st.as_str()) {
                    "-".into()
                } else if cell(r, k) == "true" {
                    "yes".into()
                } else {
                    "NO".into()
                }
            };
            let mut v = vec![
                cell(r, date),
                cell(r, event),
                st.replace('_', " "),
                yes_no(loc),
                yes_no(pooled),
            ];
            v.extend(recs.iter().map(|&k| word(r, k)));
            v
        })
        .collect();
    let mut paragraphs = vec![format!(
        "One synthetic child followed through scenario \u{201c}{}\u{201d} (seed {}, replication {}){}. Each line is one step of the journey: what happened, where the child was, and what each agency's record held at that moment.",
        i.name(),
        i.str("seed"),
        i.str("replication"),
        match i.manifest["chosen"].as_str() {
            Some(how) => format!(": {how}"),
            None => String::new(),
        }
    )];
    if let Some(last) = rows.last() {
        let st = cell(last, state);
        let end = if !followed.contains(&st.as_str()) {
            format!(
                "At the end the child is no longer followed as a child ({}).",
                st.replace('_', " ")
            )
        } else if cell(last, loc) == "true" {
            "At the end ICE (the acting agency) can locate the child: its record holds the true address or it made recent contact.".into()
        } else if cell(last, pooled) == "true" {
            "At the end ICE (the acting agency) cannot locate the child: its record does not hold the true address and it made no recent contact. Another agency (ORR or the court) could: the knowledge exists, but not where the agency that acts can use it.".into()
        } else {
            "At the end ICE (the acting agency) cannot locate the child: its record does not hold the true address and it made no recent contact.".into()
        };
        paragraphs.push(end);
    }
    Ok(Section {
        heading: format!("Journey of synthetic child {}", i.str("child")),
        paragraphs,
        tables: vec![Table {
            caption: format!("The journey step by step ({})", journey::FILE),
            header: [
                "date",
                "event",
                "where the child is",
                "locatable by ICE",
                "locatable by any agency",
            ]
                .iter()
                .map(|s| s.to_string())
                .chain(Agency::ALL.iter().map(|&a| record_label(a).to_string()))
                .collect(),
            rows: table_rows,
            note: "TRUE address: the agency's record holds the address where the child truly lives. Old address: an address where the child no longer lives (or never did). Locatable by ICE: ICE's record holds the true address or ICE made contact within the contact window. Locatable by any agency (pooled): ORR, ICE or the court can locate the child in that sense. Both apply only after release.".into(),
            collapsed: rows.len() > 60,
        }],
        charts: Vec::new(),
    })
}

/// The heading of an agency's record in the journey table.
fn record_label(agency: Agency) -> &'static str {
    match agency {
        Agency::Cbp => "CBP record",
        Agency::Orr => "ORR record",
        Agency::Ice => "ICE record",
        Agency::Court => "court record",
    }
}
