//! A comparison folder's section: its charts with the policy timelines of the baseline and
//! reforms, what each reform changes, and each reform's paired differences from the baseline.

use std::path::Path;

use anyhow::Result;

use super::cells::{col, interval, num, read_rows, signed, strings};
use super::folders::Input;
use super::policy::{compare_policies, policy_groups_note, Timeline};
use super::{human_name, Section, Table};
use crate::output::charts::{self, Chart, PolicyHistory};
use crate::output::format::counted;
use crate::output::schema::comparison;
use crate::sim::metrics::HEADLINE;

/// A comparison's charts, with one policy timeline per distinct history of its scenarios (and
/// notes on those that cannot be shown).
pub(super) fn charts(
    input: &Input,
    sub: &Path,
    timelines: &mut Vec<Timeline>,
    notes: &mut Vec<String>,
) -> Result<Vec<Chart>> {
    let mut drawn = charts::charts_for_comparison(&input.dir, sub)?;
    let (groups, mut why) = compare_policies(input);
    notes.append(&mut why);
    if !groups.is_empty() {
        let total = 1 + input.manifest["reforms"].as_array().map_or(0, Vec::len);
        notes.push(policy_groups_note(
            &groups,
            "the baseline and every reform",
            total,
        ));
        let histories: Vec<PolicyHistory> = groups.into_iter().map(|(_, h)| h).collect();
        let charts = charts::policy_timelines(&histories, sub, "compare-policy")?;
        for (c, h) in charts.iter().zip(histories) {
            timelines.push((c.id.clone(), h, false));
        }
        drawn.extend(charts);
    }
    Ok(drawn)
}

/// "Interval narrower by" in words: a finite ratio as a number; no ratio when the difference is
/// the same in every replication (both intervals have zero width, so the ratio means nothing).
fn narrower_by(ratio: &str, lo: f64, hi: f64) -> String {
    match ratio.parse::<f64>() {
        Ok(x) if x.is_finite() => num(ratio),
        _ if lo == hi => "- (the same difference in every replication)".into(),
        _ => "-".into(),
    }
}

/// A comparison's section: what each reform changes, and each reform's paired differences from
/// the baseline.
pub(super) fn section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(comparison::FILE))?;
    let c = |n: &str| col(&h, n).unwrap_or(0);
    let (reform, metric, bm, rm, dm, dl, dh, ratio) = (
        c(comparison::REFORM),
        c(comparison::METRIC),
        c(comparison::BASELINE_MEAN),
        c(comparison::REFORM_MEAN),
        c(comparison::DIFFERENCE_MEAN),
        c(comparison::DIFFERENCE_CI95_LOW),
        c(comparison::DIFFERENCE_CI95_HIGH),
        c(comparison::WIDTH_RATIO),
    );
    let cell = |r: &Vec<String>, k: usize| r.get(k).cloned().unwrap_or_default();
    let mut reforms: Vec<String> = Vec::new();
    for r in &rows {
        let name = cell(r, reform);
        if !reforms.contains(&name) {
            reforms.push(name);
        }
    }
    let mut tables = Vec::new();
    for name in &reforms {
        let table_rows: Vec<Vec<String>> = HEADLINE
            .iter()
            .filter_map(|key| {
                rows.iter()
                    .find(|r| cell(r, reform) == *name && cell(r, metric) == *key)
                    .map(|r| {
                        let (lo, hi) = (
                            cell(r, dl).parse::<f64>().unwrap_or(f64::NAN),
                            cell(r, dh).parse::<f64>().unwrap_or(f64::NAN),
                        );
                        let reading = if lo.is_nan() || hi.is_nan() {
                            "too few replications to tell"
                        } else if hi < 0.0 {
                            "lower with the reform"
                        } else if lo > 0.0 {
                            "higher with the reform"
                        } else {
                            "no clear difference"
                        };
                        vec![
                            human_name(key),
                            num(&cell(r, bm)),
                            num(&cell(r, rm)),
                            signed(&cell(r, dm)),
                            interval(&cell(r, dl), &cell(r, dh)),
                            reading.to_string(),
                            narrower_by(&cell(r, ratio), lo, hi),
                        ]
                    })
            })
            .collect();
        tables.push(Table {
            caption: format!("Reform \u{201c}{name}\u{201d} against the baseline"),
            header: strings(&[
                "result",
                "baseline",
                "reform",
                "difference",
                "95% interval of the difference",
                "reading",
                "interval narrower by",
            ]),
            rows: table_rows,
            note: "Difference = reform minus baseline, paired replication by replication. \u{201c}No clear difference\u{201d} means the interval includes zero. \u{201c}Interval narrower by\u{201d}: how many times narrower pairing made the interval than comparing two independent sets of runs.".into(),
            collapsed: false,
        });
    }
    // scenario_diff.txt: "<reform> changes N value(s) from <baseline>:" then "  <path>: old -> new".
    let diff_text = std::fs::read_to_string(i.dir.join("scenario_diff.txt")).unwrap_or_default();
    let mut changes: Vec<Vec<String>> = Vec::new();
    let mut current = String::new();
    for l in diff_text.lines().filter(|l| !l.trim().is_empty()) {
        if !l.starts_with(' ') {
            current = l.split(" changes ").next().unwrap_or(l).to_string();
            continue;
        }
        let (path, values) = l.trim().split_once(": ").unwrap_or((l.trim(), ""));
        let values = values.replace(" -> ", " \u{2192} ");
        changes.push(vec![
            human_name(path),
            current.clone(),
            values,
            path.to_string(),
        ]);
    }
    if !changes.is_empty() {
        tables.insert(
            0,
            Table {
                caption: "What each reform changes (scenario_diff.txt)".into(),
                header: strings(&[
                    "setting",
                    "reform",
                    "baseline value \u{2192} reform value",
                    "key in the scenario file",
                ]),
                rows: changes,
                note: String::new(),
                collapsed: false,
            },
        );
    }
    let stop = i.str("stop_reason");
    let mut paragraphs = vec![
        format!(
            "{} compared with the baseline \u{201c}{}\u{201d}: {} each, seed {}. Every scenario is run with the same seed, so replication r of each draws the same synthetic children, arrival times and sponsors; the differences therefore come from the reforms, not from chance.",
            counted(reforms.len(), "reform", "reforms"),
            i.name(),
            counted(i.str("replications"), "paired replication", "paired replications"),
            i.str("seed")
        ),
    ];
    if !stop.is_empty() {
        paragraphs.push(format!("Stopping rule: {stop}."));
    }
    Ok(Section {
        heading: format!("Comparison against \u{201c}{}\u{201d}", i.label),
        paragraphs,
        tables,
        charts: Vec::new(),
    })
}
