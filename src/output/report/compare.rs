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
    let mut drawn = charts::charts_for_posterior(&input.dir, sub)?;
    drawn.extend(charts::charts_for_comparison(&input.dir, sub)?);
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
    let posterior = &i.manifest["posterior"];
    let runs = match (posterior["draws"].as_u64(), posterior["replications_per_draw"].as_u64()) {
        (Some(d), Some(r)) => format!(
            "{} of the calibrated assumptions, {} each (the paired differences below pool all {} runs)",
            counted(d, "draw", "draws"),
            counted(r, "paired replication", "paired replications"),
            d * r
        ),
        _ => format!(
            "{} each",
            counted(i.str("replications"), "paired replication", "paired replications")
        ),
    };
    let mut paragraphs = vec![
        format!(
            "{} compared with the baseline \u{201c}{}\u{201d}: {runs}, seed {}. Every scenario is run with the same seed, so replication r of each draws the same synthetic children, arrival times and sponsors; the differences therefore come from the reforms, not from chance.",
            counted(reforms.len(), "reform", "reforms"),
            i.name(),
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

/// A comparison over a calibrated posterior leads with its answer: a paragraph of key results, then
/// per main metric the chart of every reform's effect with both intervals and its table (sorted
/// by effect: the effect, the random draws' interval beside the assumptions', the share from the
/// assumptions, P(better), P(best) and what the effect hangs on); the settings and the per-reform
/// tables of paired differences are folded below. Nothing changes without `posterior_effects.csv`.
pub(super) fn lead_with_posterior(i: &Input, section: &mut Section) -> Result<()> {
    use crate::output::posterior::{DRIVERS_FILE, FILE};
    let path = i.dir.join(FILE);
    if !path.is_file() {
        return Ok(());
    }
    let (h, rows) = read_rows(&path)?;
    let c = |n: &str| col(&h, n).unwrap_or(0);
    let cell = |r: &Vec<String>, n: &str| r.get(c(n)).cloned().unwrap_or_default();
    let value = |r: &Vec<String>, n: &str| cell(r, n).parse::<f64>().unwrap_or(f64::NAN);
    let drivers = read_rows(&i.dir.join(DRIVERS_FILE)).ok();
    let rankings = read_rows(&i.dir.join(crate::output::posterior::RANKINGS_FILE)).ok();
    // From posterior_rankings.csv: (P(beats the next), P(the first three hold)) of a reform.
    let ranked = |reform: &str, metric: &str| -> (f64, f64) {
        let Some((rh, rrows)) = &rankings else {
            return (f64::NAN, f64::NAN);
        };
        let rc = |n: &str| col(rh, n).unwrap_or(0);
        rrows
            .iter()
            .find(|r| r[rc("reform")] == reform && r[rc("metric")] == metric)
            .map_or((f64::NAN, f64::NAN), |r| {
                let p = |n: &str| r[rc(n)].parse::<f64>().unwrap_or(f64::NAN);
                (p("probability_beats_next"), p("probability_top_three_hold"))
            })
    };
    let hangs_on = |reform: &str, metric: &str| -> String {
        let Some((dh, drows)) = &drivers else {
            return String::new();
        };
        let dc = |n: &str| col(dh, n).unwrap_or(0);
        drows
            .iter()
            .filter(|r| r[dc("reform")] == reform && r[dc("metric")] == metric)
            .filter(|r| {
                let s = r[dc("share_of_spread")].parse::<f64>().unwrap_or(0.0);
                s >= 0.1 && s > r[dc("noise_95")].parse::<f64>().unwrap_or(1.0)
            })
            .take(2)
            .map(|r| {
                format!(
                    "{} ({})",
                    human_name(&r[dc("parameter")]),
                    crate::output::format::percent(
                        r[dc("share_of_spread")].parse::<f64>().unwrap_or(0.0)
                    )
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let percent = |x: f64| {
        if x.is_nan() {
            "-".to_string()
        } else {
            crate::output::format::percent(x)
        }
    };
    let draws = rows.first().map(|r| cell(r, "draws")).unwrap_or_default();
    let reps = rows
        .first()
        .map(|r| cell(r, "replications_per_draw"))
        .unwrap_or_default();
    let mut key = Vec::new();
    for metric in charts::POSTERIOR_METRICS {
        let mut of: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| cell(r, "metric") == metric)
            .collect();
        if of.is_empty() {
            continue;
        }
        of.sort_by(|a, b| value(a, "effect_mean").total_cmp(&value(b, "effect_mean")));
        let table_rows: Vec<Vec<String>> = of
            .iter()
            .map(|r| {
                let reform = cell(r, "reform");
                vec![
                    reform.clone(),
                    signed(&cell(r, "effect_mean")),
                    interval(
                        &cell(r, "draws_only_ci95_low"),
                        &cell(r, "draws_only_ci95_high"),
                    ),
                    interval(
                        &cell(r, "with_assumptions_ci95_low"),
                        &cell(r, "with_assumptions_ci95_high"),
                    ),
                    percent(value(r, "share_from_assumptions")),
                    percent(value(r, "probability_better")),
                    percent(value(r, "probability_best")),
                    percent(ranked(&reform, metric).0),
                    hangs_on(&reform, metric),
                ]
            })
            .collect();
        let label = human_name(metric);
        let table = Table {
            caption: format!(
                "Effects on {} over the calibrated assumptions, sorted",
                charts::in_sentence(&label)
            ),
            header: strings(&[
                "reform",
                "effect",
                "95%: random draws only",
                "95%: with the assumptions",
                "from the assumptions",
                "P(better)",
                "P(best)",
                "P(beats the next)",
                "what it hangs on",
            ]),
            rows: table_rows,
            note: format!("{draws} draws of the calibrated posterior, {reps} paired replications each (posterior_effects.csv). Random draws only: the interval at fixed assumptions, what a comparison without the posterior reports. With the assumptions: the 2.5% to 97.5% quantiles of the draws' mean effects. From the assumptions: the share of one run's variance that comes from them. P(better): the share of draws in which the reform improves the result; P(best): the share in which it is the best of the reforms. P(beats the next): the share of draws in which it does better than the reform on the next row (posterior_rankings.csv). What it hangs on: the assumptions that explain the most of the effect's spread over the draws beyond chance, with their share (posterior_drivers.csv)."),
            collapsed: false,
        };
        let id = charts::posterior_chart_id(metric);
        if let Some(chart) = section.charts.iter_mut().find(|c| c.id == id) {
            chart.table = Some(table);
            chart.lead = true;
        }
        // The key results: the best reform, and the reforms whose sign the assumptions decide.
        let best = of.first().filter(|r| value(r, "effect_mean") < 0.0);
        let unsure: Vec<String> = of
            .iter()
            .filter(|r| {
                value(r, "with_assumptions_ci95_low") < 0.0
                    && value(r, "with_assumptions_ci95_high") > 0.0
            })
            .map(|r| cell(r, "reform"))
            .collect();
        let mut sentence = match best {
            Some(r) => format!(
                "{label}: \u{201c}{}\u{201d} lowers it most, by {} on average ({} with the assumptions' uncertainty; best of the reforms in {} of the draws).",
                cell(r, "reform"),
                num(&(-value(r, "effect_mean")).to_string()),
                interval(
                    &(-value(r, "with_assumptions_ci95_high")).to_string(),
                    &(-value(r, "with_assumptions_ci95_low")).to_string()
                ),
                percent(value(r, "probability_best"))
            ),
            None => format!("{label}: no reform lowers it on average."),
        };
        if let Some(r) = best {
            let top = ranked(&cell(r, "reform"), metric).1;
            if !top.is_nan() {
                sentence.push_str(&format!(
                    " The first three places hold in {} of the draws.",
                    percent(top)
                ));
            }
        }
        if unsure.is_empty() {
            sentence.push_str(" Every reform's sign holds over the assumptions.");
        } else {
            sentence.push_str(&format!(
                " The assumptions decide the sign of: {}.",
                unsure.join(", ")
            ));
        }
        key.push(sentence);
    }
    if key.is_empty() {
        return Ok(());
    }
    section.paragraphs.insert(
        0,
        format!(
            "Key results over {draws} draws of the calibrated assumptions ({reps} paired replications each). {}",
            key.join(" ")
        ),
    );
    for t in &mut section.tables {
        t.collapsed = true;
    }
    // The answer's charts first.
    section.charts.sort_by_key(|c| !c.lead);
    Ok(())
}
