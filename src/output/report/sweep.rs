//! A sweep folder's section: which settings matter most (sensitivity indices, with a warning when
//! they have not converged) and the design points.

use std::path::Path;

use anyhow::Result;

use super::cells::{col, interval, num, read_rows, strings};
use super::folders::{Input, UNLOCATABLE_AT_HORIZON};
use super::{human_name, Section, Table};
use crate::output::format::counted;
use crate::output::schema::{points, sensitivity};

/// A sweep's section: which settings matter most and the design points.
pub(super) fn section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(points::FILE))?;
    let ok = col(&h, points::REPLICATIONS_OK).unwrap_or(0);
    let params: Vec<usize> = (1..ok).collect();
    let metric = if col(&h, &points::mean(UNLOCATABLE_AT_HORIZON)).is_some() {
        UNLOCATABLE_AT_HORIZON.to_string()
    } else {
        h.iter()
            .find_map(|c| c.strip_suffix(points::MEAN_SUFFIX).map(String::from))
            .unwrap_or_default()
    };
    let (mm, ml, mh) = (
        col(&h, &points::mean(&metric)),
        col(&h, &points::ci95_low(&metric)),
        col(&h, &points::ci95_high(&metric)),
    );
    let cell =
        |r: &Vec<String>, k: Option<usize>| k.and_then(|k| r.get(k).cloned()).unwrap_or_default();
    const SHOWN: usize = 200;
    let mut header = vec![points::POINT.to_string()];
    header.extend(params.iter().map(|&p| human_name(&h[p])));
    header.push(format!("{} (mean)", human_name(&metric)));
    header.push("95% interval".into());
    let point_rows: Vec<Vec<String>> = rows
        .iter()
        .take(SHOWN)
        .map(|r| {
            let mut v = vec![cell(r, Some(0))];
            v.extend(params.iter().map(|&p| num(&cell(r, Some(p)))));
            v.push(num(&cell(r, mm)));
            v.push(interval(&cell(r, ml), &cell(r, mh)));
            v
        })
        .collect();
    let mut tables = Vec::new();
    let sens = i.dir.join(sensitivity::FILE);
    if sens.is_file() {
        tables.extend(sensitivity_table(&sens)?);
    }
    tables.push(Table {
        caption: format!(
            "The {} design points{} ({})",
            rows.len(),
            if rows.len() > SHOWN {
                format!(", first {SHOWN} shown")
            } else {
                String::new()
            },
            points::FILE
        ),
        header,
        rows: point_rows,
        note: String::new(),
        collapsed: rows.len() > 20,
    });
    Ok(Section {
        heading: format!("Sweep \u{201c}{}\u{201d}", i.label),
        paragraphs: vec![format!(
            "A {} design over {}: {} points with {} each. Replication r of every point draws the same synthetic children, so differences between points come from the settings.",
            i.str("design"),
            counted(params.len(), "setting", "settings"),
            i.str("points"),
            counted(i.str("replications"), "replication", "replications")
        )],
        tables,
        charts: Vec::new(),
    })
}

/// The table of which settings matter most for the first metric of `sensitivity.csv` at `path`,
/// with a warning when the estimates have not converged; `None` when it holds no index shown.
fn sensitivity_table(path: &Path) -> Result<Option<Table>> {
    let cell =
        |r: &Vec<String>, k: Option<usize>| k.and_then(|k| r.get(k).cloned()).unwrap_or_default();
    let (sh, srows) = read_rows(path)?;
    let sc = |n: &str| col(&sh, n);
    let (m, p, idx, est, lo, hi) = (
        sc(sensitivity::METRIC),
        sc(sensitivity::PARAMETER),
        sc(sensitivity::INDEX),
        sc(sensitivity::ESTIMATE),
        sc(sensitivity::CI95_LOW),
        sc(sensitivity::CI95_HIGH),
    );
    let first_metric = srows.first().map(|r| cell(r, m)).unwrap_or_default();
    let shown = [
        sensitivity::index::MU_STAR,
        sensitivity::index::FIRST_ORDER,
        sensitivity::index::TOTAL,
    ];
    let rows_of_first: Vec<&Vec<String>> = srows
        .iter()
        .filter(|r| cell(r, m) == first_metric && shown.contains(&cell(r, idx).as_str()))
        .collect();
    let value = |r: &Vec<String>, k: Option<usize>| cell(r, k).parse::<f64>().unwrap_or(f64::NAN);
    let mut warnings = Vec::new();
    let main: Vec<Vec<String>> = rows_of_first
        .iter()
        .map(|r| {
            let (e, l, hgh) = (value(r, est), value(r, lo), value(r, hi));
            let kind = cell(r, idx);
            let mut reading = String::new();
            if l.is_finite() && hgh.is_finite() && l <= 0.0 && hgh >= 0.0 {
                reading = "interval includes zero: no clear effect".into();
            }
            if kind != sensitivity::index::MU_STAR && (l < 0.0 || hgh > 1.0) {
                reading = "not converged: the interval runs outside 0 to 1".into();
            }
            if kind == sensitivity::index::FIRST_ORDER {
                let total = rows_of_first.iter().find(|t| {
                    cell(t, p) == cell(r, p) && cell(t, idx) == sensitivity::index::TOTAL
                });
                if let Some(t) = total {
                    if e > value(t, est) {
                        reading = "not converged: first-order above total".into();
                    }
                }
            }
            if reading.starts_with("not converged") {
                warnings.push(human_name(&cell(r, p)));
            }
            vec![
                human_name(&cell(r, p)),
                human_name(&kind),
                num(&cell(r, est)),
                interval(&cell(r, lo), &cell(r, hi)),
                if reading.is_empty() {
                    "-".to_string()
                } else {
                    reading
                },
            ]
        })
        .collect();
    if main.is_empty() {
        return Ok(None);
    }
    warnings.dedup();
    let mut note = "Morris: the typical change in the result when the setting moves across its whole range. Sobol first-order / total: the share of the result's variation due to the setting alone / including its interactions (between 0 and 1, and first-order at most total). Larger means more influential.".to_string();
    if !warnings.is_empty() {
        note = format!(
            "WARNING: these estimates have not converged ({}): an index outside 0 to 1 or a first-order index above the total one is sampling noise, not a finding. Do not rank these settings; rerun the sweep with more samples. {note}",
            warnings.join(", ")
        );
    }
    Ok(Some(Table {
        caption: format!(
            "Which settings matter most for \u{201c}{}\u{201d} ({})",
            human_name(&first_metric),
            sensitivity::FILE
        ),
        header: strings(&["setting", "index", "estimate", "95% interval", "reading"]),
        rows: main,
        note,
        collapsed: false,
    }))
}
