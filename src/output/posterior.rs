//! `compare --posterior`'s outputs: `posterior_effects.csv` (every reform and metric over the
//! calibrated posterior, with both intervals side by side) and its printed table.

use std::path::Path;

use anyhow::Result;

use super::files::write_atomic;
use super::format::{fmt_num, unsigned_zero};
use super::{columns, printed_label};
use crate::experiment::posterior::attribution::{
    Condition, EffectDrivers, Limit, MetricChoice, Ranking,
};
use crate::experiment::posterior::PosteriorEffect;
use crate::experiment::prim::PrimBox;
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

/// What each reform's effect hangs on (`compare --posterior`).
pub(crate) const DRIVERS_FILE: &str = "posterior_drivers.csv";

/// Its columns, in order.
pub(crate) const DRIVER_COLUMNS: [&str; 10] = [
    "baseline",
    "reform",
    "metric",
    "rank",
    "parameter",
    "share_of_spread",
    "noise_95",
    "effect_with_parameter",
    "degree",
    "draws",
];

/// Write `posterior_drivers.csv`: per reform and headline metric, every calibrated parameter's
/// first-order share of the spread of the effect over the draws, the largest first.
pub(crate) fn write_drivers(
    path: &Path,
    baseline: &str,
    reforms: &[String],
    paths: &[String],
    drivers: &[EffectDrivers],
    draws: usize,
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(DRIVER_COLUMNS)?;
        for e in drivers {
            for (rank, d) in e.drivers.iter().enumerate() {
                let row: [String; DRIVER_COLUMNS.len()] = [
                    baseline.to_string(),
                    reforms[e.reform].clone(),
                    e.metric.to_string(),
                    (rank + 1).to_string(),
                    paths[d.parameter].clone(),
                    fmt_num(d.share),
                    fmt_num(d.noise_95),
                    direction(d.direction).to_string(),
                    d.degree.to_string(),
                    draws.to_string(),
                ];
                out.write_record(row)?;
            }
        }
        out.flush()?;
        Ok(())
    })
}

/// How an effect moves with a parameter, in the drivers file's words.
pub(crate) fn direction(sign: f64) -> &'static str {
    if sign > 0.0 {
        "rises"
    } else if sign < 0.0 {
        "falls"
    } else {
        "flat"
    }
}

/// The value of information of the choice among the reforms (`compare --posterior`).
pub(crate) const INFORMATION_FILE: &str = "posterior_value_of_information.csv";

/// Its columns, in order.
pub(crate) const INFORMATION_COLUMNS: [&str; 11] = [
    "metric",
    "better",
    "choice_now",
    "probability_choice_best",
    "evpi",
    "rank",
    "parameter",
    "evppi",
    "share_of_evpi",
    "degree",
    "draws",
];

/// Write `posterior_value_of_information.csv`: per headline metric with a better direction, the
/// choice now among the baseline and the reforms, the expected value of perfect information on
/// everything (EVPI) and on each parameter alone (EVPPI), the most valuable first; in the metric's
/// units.
pub(crate) fn write_information(
    path: &Path,
    options: &[String],
    paths: &[String],
    choices: &[MetricChoice],
    draws: usize,
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(INFORMATION_COLUMNS)?;
        for c in choices {
            let i = &c.information;
            for (rank, (j, (value, degree))) in i.ranked().into_iter().enumerate() {
                let row: [String; INFORMATION_COLUMNS.len()] = [
                    c.metric.to_string(),
                    c.better.name().to_string(),
                    options[i.choice_now].clone(),
                    fmt_num(i.probability_choice_best),
                    fmt_num(i.evpi),
                    (rank + 1).to_string(),
                    paths[j].clone(),
                    fmt_num(value),
                    fmt_num(if i.evpi > 0.0 { value / i.evpi } else { 0.0 }),
                    degree.to_string(),
                    draws.to_string(),
                ];
                out.write_record(row)?;
            }
        }
        out.flush()?;
        Ok(())
    })
}

/// The printed lines under the posterior table: per reform, what its effect on the first headline
/// metric hangs on and where it stops helping (`range`: the draws' box, for the words of a
/// condition's limits); then which research would change the choice on it.
pub(crate) fn hangs_on_text(
    options: &[String],
    paths: &[String],
    drivers: &[EffectDrivers],
    choices: &[MetricChoice],
    conditions: &[Condition],
    range: &PrimBox,
) -> String {
    let name = super::report::human_name;
    let Some(first) = metrics::HEADLINE.first() else {
        return String::new();
    };
    let label = printed_label(first);
    let mut s = format!("\nWhat the effect on {label} hangs on: each assumption's first-order share of the effect's spread over the draws, one at a time (correlated assumptions share credit, so shares can add to more than 100%; posterior_drivers.csv):\n");
    for e in drivers.iter().filter(|e| e.metric == *first) {
        let mean = e.mean;
        let top: Vec<String> = e
            .drivers
            .iter()
            .filter(|d| d.beyond_chance() && d.share >= 0.1)
            .take(3)
            .map(|d| {
                format!(
                    "{} ({:.0}%; the effect is {} where it is higher)",
                    name(&paths[d.parameter]),
                    100.0 * d.share,
                    if d.direction * mean.signum() > 0.0 {
                        "larger"
                    } else {
                        "smaller"
                    }
                )
            })
            .collect();
        s.push_str(&format!(
            "  {}: {}\n",
            options[e.reform + 1],
            if top.is_empty() {
                "no one assumption explains 10% or more beyond chance".to_string()
            } else {
                top.join("; ")
            }
        ));
    }
    for c in conditions
        .iter()
        .filter(|c| c.metric == *first && c.not_better > 0)
    {
        s.push_str(&format!(
            "  {} does not help in {}{}\n",
            options[c.reform + 1],
            if c.not_better == c.draws {
                format!("any of the {} draws", c.draws)
            } else {
                format!("{} of {} draws", c.not_better, c.draws)
            },
            match &c.found {
                Some((limits, stats)) => format!(
                    ", mostly where {} ({:.0}% of those draws are there; it fails in {:.0}% of the draws there)",
                    limits
                        .iter()
                        .map(|&(j, lo, hi)| format!(
                            "{} is {}",
                            name(&paths[j]),
                            range_words(lo, hi, &(range.lo[j], range.hi[j]))
                        ))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    100.0 * stats.coverage,
                    100.0 * stats.density
                ),
                None => String::new(),
            }
        ));
    }
    if let Some(c) = choices.iter().find(|c| c.metric == *first) {
        let i = &c.information;
        let worth: Vec<String> = i
            .ranked()
            .into_iter()
            .take(3)
            .filter(|(_, (v, _))| *v > 0.0)
            .map(|(j, (v, _))| {
                format!("{} ({})", name(&paths[j]), unsigned_zero(format!("{v:.0}")))
            })
            .collect();
        s.push_str(&format!(
            "Choosing on {label}: {} is best on what is known now (best in {:.0}% of draws); knowing every assumption before choosing would gain at most {} in expectation; worth measuring first: {} (posterior_value_of_information.csv).\n",
            options[i.choice_now],
            100.0 * i.probability_choice_best,
            unsigned_zero(format!("{:.0}", i.evpi)),
            if worth.is_empty() { "none would change the choice".to_string() } else { worth.join(", ") }
        ));
    }
    s
}

/// Where each reform stops helping (`compare --posterior`).
pub(crate) const CONDITIONS_FILE: &str = "posterior_conditions.csv";

/// Its columns, in order.
pub(crate) const CONDITION_COLUMNS: [&str; 9] = [
    "baseline",
    "reform",
    "metric",
    "draws",
    "draws_not_better",
    "box_coverage",
    "box_density",
    "box_draws",
    "where",
];

/// The box of a condition in words: `path in [lo, hi]` per restriction, joined by ` and `.
pub(crate) fn condition_text(paths: &[String], limits: &[Limit]) -> String {
    limits
        .iter()
        .map(|&(j, lo, hi)| format!("{} in [{}, {}]", paths[j], fmt_num(lo), fmt_num(hi)))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Write `posterior_conditions.csv`: per reform and headline metric with a better direction, the
/// draws where the reform does not help and the box of the assumptions where that happens (empty
/// when it helps in every draw, in none, or no box over its drivers beyond chance is found).
pub(crate) fn write_conditions(
    path: &Path,
    baseline: &str,
    reforms: &[String],
    paths: &[String],
    conditions: &[Condition],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(CONDITION_COLUMNS)?;
        for c in conditions {
            let (coverage, density, points, text) = match &c.found {
                Some((limits, stats)) => (
                    fmt_num(stats.coverage),
                    fmt_num(stats.density),
                    stats.points.to_string(),
                    condition_text(paths, limits),
                ),
                None => Default::default(),
            };
            out.write_record([
                baseline.to_string(),
                reforms[c.reform].clone(),
                c.metric.to_string(),
                c.draws.to_string(),
                c.not_better.to_string(),
                coverage,
                density,
                points,
                text,
            ])?;
        }
        out.flush()?;
        Ok(())
    })
}

/// A box's limits on one parameter in words, against the draws' range `(min, max)`.
fn range_words(lo: f64, hi: f64, &(min, max): &(f64, f64)) -> String {
    let n = |v: f64| fmt_num((v * 1e4).round() / 1e4);
    match (lo > min, hi < max) {
        (true, true) => format!("between {} and {}", n(lo), n(hi)),
        (true, false) => format!("at least {}", n(lo)),
        (false, true) => format!("at most {}", n(hi)),
        (false, false) => "anything".to_string(),
    }
}

/// The rankings of the reforms (`compare --posterior`).
pub(crate) const RANKINGS_FILE: &str = "posterior_rankings.csv";

/// Its columns, in order.
pub(crate) const RANKING_COLUMNS: [&str; 8] = [
    "metric",
    "better",
    "rank",
    "reform",
    "probability_beats_next",
    "probability_order_holds",
    "probability_top_three_hold",
    "draws",
];

/// Write `posterior_rankings.csv`: per headline metric with a better direction, the reforms by
/// mean effect (the best first), the share of draws in which each beats the next, and in which
/// the whole order and the first three places hold.
pub(crate) fn write_rankings(
    path: &Path,
    reforms: &[String],
    rankings: &[Ranking],
    draws: usize,
) -> Result<()> {
    let catalogue = metrics::catalogue();
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(RANKING_COLUMNS)?;
        for r in rankings {
            let better = catalogue
                .iter()
                .find(|c| c.key == r.metric)
                .map_or("", |c| c.better.name());
            for (k, &reform) in r.order.iter().enumerate() {
                out.write_record([
                    r.metric.to_string(),
                    better.to_string(),
                    (k + 1).to_string(),
                    reforms[reform].clone(),
                    r.beats_next.get(k).map_or(String::new(), |&p| fmt_num(p)),
                    fmt_num(r.whole),
                    fmt_num(r.top_three),
                    draws.to_string(),
                ])?;
            }
        }
        out.flush()?;
        Ok(())
    })
}
