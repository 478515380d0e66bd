//! `compare --posterior`'s outputs: `posterior_effects.csv` (every reform and metric over the
//! calibrated posterior, with both intervals side by side) and its printed table.

use std::path::Path;

use anyhow::Result;

use super::files::write_atomic;
use super::format::{fmt_num, unsigned_zero};
use super::{columns, printed_label};
use crate::experiment::posterior::PosteriorEffect;
use crate::sim::metrics;

/// The file.
pub(crate) const FILE: &str = "posterior_effects.csv";

/// Its columns, in order.
pub(crate) const COLUMNS: [&str; 15] = [
    "baseline",
    "reform",
    "metric",
    "better",
    "draws",
    "replications_per_draw",
    "effect_mean",
    "with_assumptions_ci95_low",
    "with_assumptions_ci95_high",
    "draws_only_ci95_low",
    "draws_only_ci95_high",
    "share_from_assumptions",
    "probability_better",
    "probability_best",
    "reform_sets",
];

/// Write `posterior_effects.csv`: per reform (with the calibrated paths it sets itself, which the
/// draws leave alone) and metric, the effect over the posterior.
pub(crate) fn write_posterior_effects(
    path: &Path,
    baseline: &str,
    reforms: &[(String, Vec<String>, Vec<PosteriorEffect>)],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(COLUMNS)?;
        for (reform, sets, effects) in reforms {
            for e in effects {
                let s = &e.spread;
                let row: [String; COLUMNS.len()] = [
                    baseline.to_string(),
                    reform.clone(),
                    e.metric.to_string(),
                    e.better.name().to_string(),
                    e.draws.to_string(),
                    e.replications.to_string(),
                    fmt_num(s.mean),
                    fmt_num(s.with_assumptions.0),
                    fmt_num(s.with_assumptions.1),
                    fmt_num(s.draws_only.0),
                    fmt_num(s.draws_only.1),
                    fmt_num(s.share_from_assumptions),
                    fmt_num(e.probability_better),
                    fmt_num(e.probability_best),
                    sets.join(" "),
                ];
                out.write_record(row)?;
            }
        }
        out.flush()?;
        Ok(())
    })
}

/// The file of `run --posterior`.
pub(crate) const LEVELS_FILE: &str = "posterior_metrics.csv";

/// Its columns, in order.
pub(crate) const LEVEL_COLUMNS: [&str; 10] = [
    "scenario",
    "metric",
    "draws",
    "replications_per_draw",
    "mean",
    "with_assumptions_ci95_low",
    "with_assumptions_ci95_high",
    "draws_only_ci95_low",
    "draws_only_ci95_high",
    "share_from_assumptions",
];

/// Write `posterior_metrics.csv`: every metric of one scenario over the posterior.
pub(crate) fn write_posterior_levels(
    path: &Path,
    scenario: &str,
    levels: &[PosteriorEffect],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(LEVEL_COLUMNS)?;
        for e in levels {
            let s = &e.spread;
            let row: [String; LEVEL_COLUMNS.len()] = [
                scenario.to_string(),
                e.metric.to_string(),
                e.draws.to_string(),
                e.replications.to_string(),
                fmt_num(s.mean),
                fmt_num(s.with_assumptions.0),
                fmt_num(s.with_assumptions.1),
                fmt_num(s.draws_only.0),
                fmt_num(s.draws_only.1),
                fmt_num(s.share_from_assumptions),
            ];
            out.write_record(row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// The printed table of `run --posterior`: the headline metrics with both intervals.
pub(crate) fn levels_table(scenario: &str, levels: &[PosteriorEffect]) -> String {
    let whole = |x: f64| unsigned_zero(format!("{x:.0}"));
    let rows: Vec<(String, Vec<String>)> = metrics::HEADLINE
        .iter()
        .filter_map(|&key| {
            let e = levels.iter().find(|e| e.metric == key)?;
            let s = &e.spread;
            Some((
                printed_label(key).to_string(),
                vec![
                    whole(s.mean),
                    format!("[{}, {}]", whole(s.draws_only.0), whole(s.draws_only.1)),
                    format!(
                        "[{}, {}]",
                        whole(s.with_assumptions.0),
                        whole(s.with_assumptions.1)
                    ),
                    format!("{:.0}%", 100.0 * s.share_from_assumptions),
                ],
            ))
        })
        .collect();
    let mut s = columns(
        scenario,
        &[
            "mean",
            "95%: random draws only",
            "95%: with the assumptions",
            "from assumptions",
        ],
        &rows,
    );
    s.push_str("random draws only: the interval of the mean at known assumptions; with the assumptions: the 2.5% to 97.5% quantiles of the draws' means; from assumptions: the share of one run's variance from the assumptions.\n");
    s
}

/// The printed table: per reform, the headline metrics' effect with the random draws' interval
/// and the assumptions' beside it, the share of the variance from the assumptions, and the
/// probability that the reform improves the metric.
pub(crate) fn posterior_table(reforms: &[(String, Vec<String>, Vec<PosteriorEffect>)]) -> String {
    let whole = |x: f64| unsigned_zero(format!("{x:.0}"));
    let pair = |(a, b): (f64, f64)| {
        if a.is_nan() {
            String::new()
        } else {
            format!("[{}, {}]", whole(a), whole(b))
        }
    };
    let mut s = String::new();
    for (reform, sets, effects) in reforms {
        let rows: Vec<(String, Vec<String>)> = metrics::HEADLINE
            .iter()
            .filter_map(|&key| {
                let e = effects.iter().find(|e| e.metric == key)?;
                let percent = |x: f64| {
                    if x.is_nan() {
                        "-".to_string()
                    } else {
                        format!("{:.0}%", 100.0 * x)
                    }
                };
                Some((
                    printed_label(key).to_string(),
                    vec![
                        unsigned_zero(format!("{:+.0}", e.spread.mean)),
                        pair(e.spread.draws_only),
                        pair(e.spread.with_assumptions),
                        format!("{:.0}%", 100.0 * e.spread.share_from_assumptions),
                        percent(e.probability_better),
                        percent(e.probability_best),
                    ],
                ))
            })
            .collect();
        s.push('\n');
        s.push_str(&columns(
            reform,
            &[
                "effect",
                "95%: random draws only",
                "95%: with the assumptions",
                "from assumptions",
                "P(better)",
                "P(best)",
            ],
            &rows,
        ));
        if !sets.is_empty() {
            s.push_str(&format!(
                "  (the reform sets {} itself: the draws leave it at the reform's value)\n",
                sets.join(", ")
            ));
        }
    }
    s.push_str("random draws only: the interval at known assumptions (the paired replications); with the assumptions: the 2.5% to 97.5% quantiles of the draws' mean effects (where the effect lies for assumptions drawn from the calibrated posterior); from assumptions: the share of one run's variance from the assumptions; P(better): the share of draws whose mean effect is in the better direction; P(best): the share of draws in which it is the best of the reforms compared.\n");
    s
}
