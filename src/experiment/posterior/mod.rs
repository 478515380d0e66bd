//! Reform effects over a calibrated posterior: the ensemble of draws a calibration writes
//! (`ensemble.csv`: one row per draw, one column per calibrated parameter), how one draw applies to
//! a baseline and to a reform (a reform's own levers win), and each effect's mean with two
//! intervals side by side: with the assumptions' uncertainty (the spread of the effect over the
//! draws) and with the random draws' only (today's paired interval), the share of the variance
//! from each, and the probability that the reform improves the metric.
//!
//! Draw `d`, replication `r` runs on random stream `d x R + r` for the baseline and every reform
//! alike: common random numbers within each draw, and with one draw (or draws that are all the same)
//! exactly the streams and the interval of `compare -r D x R`.

use std::path::{Path, PathBuf};

use crate::error::ScenarioError;
use crate::scenario::overrides::{self, number_like};
use crate::scenario::Scenario;
use crate::sim::metrics::Better;
use crate::stats::{interval, quantile, t95};

pub(crate) mod attribution;

/// The file of draws a calibration writes, and that `--posterior` reads.
pub(crate) const ENSEMBLE_FILE: &str = "ensemble.csv";

/// Equally weighted draws of a calibrated posterior.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ensemble {
    /// Where it was read (for messages).
    pub file: PathBuf,
    /// The dotted path of every parameter, in column order.
    pub paths: Vec<String>,
    /// Per draw, one value per path.
    pub draws: Vec<Vec<f64>>,
}

/// A problem of the ensemble file, as a scenario error naming the file and the field.
fn problem(file: &Path, field: &str, message: String) -> ScenarioError {
    ScenarioError::Schema {
        path: file.to_path_buf(),
        chain: String::new(),
        field: field.into(),
        message,
    }
}

impl Ensemble {
    /// Read the text of an `ensemble.csv` (`file` names it in errors): a `draw` column, then one
    /// column per parameter path, one row per draw, every value a finite number.
    pub(crate) fn parse(text: &str, file: &Path) -> Result<Ensemble, ScenarioError> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| problem(file, "(header)", format!("not a CSV header: {e}")))?
            .clone();
        if header.get(0) != Some("draw") || header.len() < 2 {
            return Err(problem(
                file,
                "(header)",
                "must be `draw` then one column per parameter path (the ensemble.csv a calibration writes)".into(),
            ));
        }
        let paths: Vec<String> = header.iter().skip(1).map(String::from).collect();
        let mut draws = Vec::new();
        for (i, row) in reader.records().enumerate() {
            let row = row.map_err(|e| problem(file, &format!("row {}", i + 1), e.to_string()))?;
            if row.len() != header.len() {
                return Err(problem(
                    file,
                    &format!("row {}", i + 1),
                    format!("{} values; the header has {}", row.len(), header.len()),
                ));
            }
            let mut values = Vec::with_capacity(paths.len());
            for (path, cell) in paths.iter().zip(row.iter().skip(1)) {
                match cell.trim().parse::<f64>() {
                    Ok(x) if x.is_finite() => values.push(x),
                    _ => {
                        return Err(problem(
                            file,
                            &format!("row {} `{path}`", i + 1),
                            format!("\"{cell}\": must be a finite number"),
                        ))
                    }
                }
            }
            draws.push(values);
        }
        if draws.is_empty() {
            return Err(problem(
                file,
                "(rows)",
                "no draws: the file holds a header only".into(),
            ));
        }
        Ok(Ensemble {
            file: file.to_path_buf(),
            paths,
            draws,
        })
    }

    /// `n` draws spread evenly over the ensemble (the ensemble is ordered by particle, so its
    /// first draws are not a sample): indices `floor((i + 1/2) x D / n)`; every draw when `n` is
    /// at least their number.
    pub(crate) fn spread(&self, n: usize) -> Vec<usize> {
        let d = self.draws.len();
        if n >= d {
            return (0..d).collect();
        }
        (0..n)
            .map(|i| (((i as f64 + 0.5) * d as f64 / n as f64) as usize).min(d - 1))
            .collect()
    }

    /// Whether the chosen draws are all the same point (then the assumptions add no spread).
    pub(crate) fn is_point(&self, chosen: &[usize]) -> bool {
        chosen
            .windows(2)
            .all(|w| self.draws[w[0]] == self.draws[w[1]])
    }

    /// `sc` with draw `draw`'s values, each of the scenario's own type (whole numbers rounded),
    /// except at the paths where `sc` differs from `base` (a reform's own levers are kept: the
    /// reform sets them). Returns the scenario and those kept paths. Every path must name a number
    /// of the scenario.
    pub(crate) fn apply(
        &self,
        draw: usize,
        base: &Scenario,
        sc: &Scenario,
        label: &str,
    ) -> Result<(Scenario, Vec<String>), ScenarioError> {
        let mut set = Vec::new();
        let mut kept = Vec::new();
        for (path, &x) in self.paths.iter().zip(&self.draws[draw]) {
            let here = overrides::get(&sc.loaded.merged, path);
            let Some(v) = here.and_then(|like| number_like(like, x)) else {
                return Err(problem(
                    &self.file,
                    path,
                    format!("not a number of the scenario {label}: the ensemble's columns must be paths of numbers (the calibration's parameters)"),
                ));
            };
            if set_by_scenario(base, sc, path) {
                kept.push(path.clone());
            } else {
                set.push((path.clone(), v));
            }
        }
        let sc = overrides::with_overrides(sc, &set, &format!("{label}, posterior draw {draw}"))?;
        Ok((sc, kept))
    }
}

/// Whether scenario `sc` sets `path` itself: its value there differs from `base`'s. A posterior
/// draw leaves such a path at `sc`'s value (a reform's own lever), in `compare --posterior` and in
/// explore's posterior futures alike.
pub(crate) fn set_by_scenario(base: &Scenario, sc: &Scenario, path: &str) -> bool {
    overrides::get(&sc.loaded.merged, path) != overrides::get(&base.loaded.merged, path)
}

/// An effect (reform minus baseline) over the posterior: per draw, per replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Spread {
    /// The mean over every draw and replication.
    pub mean: f64,
    /// 95% interval with the assumptions' uncertainty: where the effect lies for assumptions
    /// drawn from the posterior: the 2.5% and 97.5% quantiles of the draws' mean effects (each
    /// over its R replications, so a little wider than the effects themselves). Quantiles, not a
    /// normal interval: an effect bounded by a parameter's range (a reform that closes a gap of
    /// 1 - p does nothing at p near 1) is skewed.
    pub with_assumptions: (f64, f64),
    /// 95% interval with the random draws' uncertainty only: the paired interval of the mean,
    /// as if the assumptions were known.
    pub draws_only: (f64, f64),
    /// The share of one run's variance that comes from the assumptions (between draws); the rest
    /// is the random draws' (within a draw).
    pub share_from_assumptions: f64,
    /// Variance between draws of the effect itself (the assumptions' part).
    pub var_assumptions: f64,
    /// Variance of one run's effect within a draw (the random draws' part).
    pub var_draws: f64,
}

/// The effect's spread, from `x[d][r]` (draw d, replication r; the same number of replications
/// per draw). One-way random effects: the within-draw mean square is the random draws' variance,
/// the between-draw mean square less its share of it (over R) the assumptions'. When `point`
/// (every draw the same) or with one draw, every run is pooled and both intervals are the paired
/// interval over the D x R runs.
pub(crate) fn spread(x: &[Vec<f64>], point: bool) -> Spread {
    let flat: Vec<f64> = x.iter().flatten().copied().collect();
    let n = flat.len();
    let pooled = interval(&flat);
    let d = x.len();
    let r = x.first().map_or(0, Vec::len);
    if point || d < 2 || r < 2 {
        let var = pooled.sd * pooled.sd;
        return Spread {
            mean: pooled.mean,
            with_assumptions: (pooled.low, pooled.high),
            draws_only: (pooled.low, pooled.high),
            share_from_assumptions: 0.0,
            var_assumptions: 0.0,
            var_draws: var,
        };
    }
    let means: Vec<f64> = x.iter().map(|v| v.iter().sum::<f64>() / r as f64).collect();
    let grand = pooled.mean;
    let within: f64 = x
        .iter()
        .zip(&means)
        .map(|(v, m)| v.iter().map(|y| (y - m).powi(2)).sum::<f64>())
        .sum::<f64>()
        / (d * (r - 1)) as f64;
    let between =
        r as f64 * means.iter().map(|m| (m - grand).powi(2)).sum::<f64>() / (d - 1) as f64;
    let var_assumptions = ((between - within) / r as f64).max(0.0);
    let half_draws = t95(n) * (within / n as f64).sqrt();
    let mut sorted = means.clone();
    sorted.sort_by(f64::total_cmp);
    let total = var_assumptions + within;
    Spread {
        mean: grand,
        with_assumptions: (quantile(&sorted, 0.025), quantile(&sorted, 0.975)),
        draws_only: (grand - half_draws, grand + half_draws),
        share_from_assumptions: if total > 0.0 {
            var_assumptions / total
        } else {
            0.0
        },
        var_assumptions,
        var_draws: within,
    }
}

/// The probability that the reform improves the metric: the share of draws whose mean effect is
/// in the `better` direction (a draw with no effect counts half). NaN when neither direction is
/// better.
pub(crate) fn probability_better(x: &[Vec<f64>], better: Better) -> f64 {
    let Some(sign) = better.sign() else {
        return f64::NAN;
    };
    let score: f64 = x
        .iter()
        .map(|v| {
            let m = sign * v.iter().sum::<f64>() / v.len() as f64;
            if m > 0.0 {
                1.0
            } else if m == 0.0 {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    score / x.len() as f64
}

/// One metric of one reform over the posterior.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PosteriorEffect {
    pub metric: &'static str,
    pub better: Better,
    pub spread: Spread,
    pub probability_better: f64,
    /// The share of draws in which this reform's mean effect is the best of all the reforms
    /// compared (ties shared); NaN for a level, or when neither direction is better.
    pub probability_best: f64,
    /// Per draw, the mean effect over its replications (for rankings across reforms).
    pub draw_means: Vec<f64>,
    pub draws: usize,
    pub replications: usize,
}

/// Fill every reform's [`PosteriorEffect::probability_best`]: per metric and draw, the reform
/// with the best mean effect (lowest where lower is better, highest where higher is) scores 1,
/// shared equally among ties; averaged over the draws. `reforms[k][m]` is reform k's metric m.
pub(crate) fn rank(reforms: &mut [Vec<PosteriorEffect>]) {
    let metrics = reforms.first().map_or(0, Vec::len);
    for m in 0..metrics {
        let Some(sign) = reforms[0][m].better.sign() else {
            for r in reforms.iter_mut() {
                r[m].probability_best = f64::NAN;
            }
            continue;
        };
        let improvement: Vec<Vec<f64>> = reforms
            .iter()
            .map(|r| r[m].draw_means.iter().map(|v| sign * v).collect())
            .collect();
        for (r, p) in reforms.iter_mut().zip(best_shares(&improvement)) {
            r[m].probability_best = p;
        }
    }
}

/// Per option, the share of draws in which it is the best (the largest of `values[option][draw]`,
/// ties shared equally); NaN without draws. P(best) of the reforms and the probability that the
/// choice made now is the best (the value of information) alike.
pub(crate) fn best_shares(values: &[Vec<f64>]) -> Vec<f64> {
    let draws = values.first().map_or(0, Vec::len);
    let mut score = vec![0.0; values.len()];
    for d in 0..draws {
        let best = values
            .iter()
            .map(|v| v[d])
            .fold(f64::NEG_INFINITY, f64::max);
        let winners: Vec<usize> = (0..values.len())
            .filter(|&k| values[k][d] == best)
            .collect();
        for &k in &winners {
            score[k] += 1.0 / winners.len() as f64;
        }
    }
    score
        .into_iter()
        .map(|s| {
            if draws == 0 {
                f64::NAN
            } else {
                s / draws as f64
            }
        })
        .collect()
}

/// Per draw, per replication, every metric's value.
type Values = Vec<Vec<Vec<(&'static str, f64)>>>;

fn values(runs: &[Vec<crate::sim::RunSummary>]) -> Values {
    runs.iter()
        .map(|d| d.iter().map(|s| s.metrics()).collect())
        .collect()
}

/// Per metric (in the catalogue's order), its spread over the draws of `x(metric index)`, and,
/// with `probability`, the probability that it is on the better side of zero.
fn per_metric(
    names: &[(&'static str, f64)],
    point: bool,
    probability: bool,
    x: impl Fn(usize) -> Vec<Vec<f64>>,
) -> Vec<PosteriorEffect> {
    let catalogue = crate::sim::metrics::catalogue();
    names
        .iter()
        .enumerate()
        .map(|(i, &(metric, _))| {
            let x = x(i);
            let better = catalogue
                .iter()
                .find(|c| c.key == metric)
                .map_or(Better::Neither, |c| c.better);
            PosteriorEffect {
                metric,
                better,
                spread: spread(&x, point),
                probability_better: if probability {
                    probability_better(&x, better)
                } else {
                    f64::NAN
                },
                probability_best: f64::NAN,
                draw_means: x
                    .iter()
                    .map(|v| v.iter().sum::<f64>() / v.len() as f64)
                    .collect(),
                draws: x.len(),
                replications: x.first().map_or(0, Vec::len),
            }
        })
        .collect()
}

/// Every metric's effect of `reform` over `base` (per draw, per replication, the same streams).
pub(crate) fn effects(
    base: &[Vec<crate::sim::RunSummary>],
    reform: &[Vec<crate::sim::RunSummary>],
    point: bool,
) -> Vec<PosteriorEffect> {
    let (b, f) = (values(base), values(reform));
    let Some(names) = b.first().and_then(|d| d.first()) else {
        return Vec::new();
    };
    per_metric(names, point, true, |i| {
        b.iter()
            .zip(&f)
            .map(|(db, df)| {
                db.iter()
                    .zip(df)
                    .map(|(vb, vf)| vf[i].1 - vb[i].1)
                    .collect()
            })
            .collect()
    })
}

/// Every metric's value in one scenario over the posterior (per draw, per replication): its mean
/// and both intervals (no probability: a level has no better side of zero).
pub(crate) fn levels(runs: &[Vec<crate::sim::RunSummary>], point: bool) -> Vec<PosteriorEffect> {
    let v = values(runs);
    let Some(names) = v.first().and_then(|d| d.first()) else {
        return Vec::new();
    };
    per_metric(names, point, false, |i| {
        v.iter()
            .map(|d| d.iter().map(|m| m[i].1).collect())
            .collect()
    })
}

/// A value as the ensemble's columns hold it (for tests and messages).
#[cfg(test)]
fn number(v: &toml::Value) -> f64 {
    crate::experiment::explore::value_number(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;
    use crate::scenario;
    use rand_distr::{Distribution, StandardNormal};
    use toml::Value;

    fn baseline() -> Scenario {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        scenario::load(&p).unwrap()
    }

    #[test]
    fn an_ensemble_is_read_with_every_problem_named() {
        let f = Path::new("e.csv");
        let e = Ensemble::parse("draw,a.b,c\n0,1.5,2\n1,2.5,3\n", f).unwrap();
        assert_eq!(e.paths, ["a.b", "c"]);
        assert_eq!(e.draws, [vec![1.5, 2.0], vec![2.5, 3.0]]);
        let err = |t: &str| Ensemble::parse(t, f).unwrap_err().to_string();
        assert!(err("x,a\n0,1\n").contains("must be `draw`"));
        assert!(err("draw,a\n").contains("no draws"));
        let m = err("draw,a\n0,nan\n");
        assert!(
            m.contains("row 1 `a`") && m.contains("finite number"),
            "{m}"
        );
        assert!(err("draw,a\n0,1,2\n").contains("row 1"));
        assert!(err("draw,a\n0,1,2\n").contains("e.csv"));
    }

    #[test]
    fn a_subset_of_draws_is_spread_over_the_whole_ensemble() {
        let e = Ensemble {
            file: "e".into(),
            paths: vec!["a".into()],
            draws: (0..10).map(|i| vec![i as f64]).collect(),
        };
        assert_eq!(e.spread(5), [1, 3, 5, 7, 9]);
        assert_eq!(e.spread(20), (0..10).collect::<Vec<_>>());
        assert_eq!(e.spread(1), [5]);
        assert!(!e.is_point(&[0, 1]));
        let same = Ensemble {
            draws: vec![vec![1.0]; 3],
            ..e
        };
        assert!(same.is_point(&[0, 1, 2]));
    }

    #[test]
    fn a_draw_sets_the_baseline_and_leaves_a_reforms_own_levers() {
        let base = baseline();
        let e = Ensemble {
            file: "e.csv".into(),
            paths: vec![
                "data_sharing.orr_to_ice_probability".into(),
                "orr.influx_open_delay_days".into(),
            ],
            draws: vec![vec![0.6, 9.4]],
        };
        let (b, kept) = e.apply(0, &base, &base, "baseline").unwrap();
        assert!(kept.is_empty());
        let get = |s: &Scenario, p: &str| overrides::get(&s.loaded.merged, p).cloned().unwrap();
        assert_eq!(
            get(&b, "data_sharing.orr_to_ice_probability"),
            Value::Float(0.6)
        );
        // A whole number stays one.
        assert_eq!(get(&b, "orr.influx_open_delay_days"), Value::Integer(9));
        // A reform that sets the sharing probability itself keeps its own value.
        let reform = overrides::with_overrides(
            &base,
            &[(
                "data_sharing.orr_to_ice_probability".into(),
                Value::Float(1.0),
            )],
            "reform",
        )
        .unwrap();
        let (r, kept) = e.apply(0, &base, &reform, "reform").unwrap();
        assert_eq!(kept, ["data_sharing.orr_to_ice_probability"]);
        assert_eq!(number(&get(&r, "data_sharing.orr_to_ice_probability")), 1.0);
        assert_eq!(get(&r, "orr.influx_open_delay_days"), Value::Integer(9));
        // A column that is not a number of the scenario is refused, naming the file and path.
        let bad = Ensemble {
            paths: vec!["time.start_date".into()],
            draws: vec![vec![1.0]],
            ..e
        };
        let m = bad
            .apply(0, &base, &base, "baseline")
            .unwrap_err()
            .to_string();
        assert!(m.contains("e.csv") && m.contains("time.start_date"), "{m}");
    }

    #[test]
    fn a_point_posterior_gives_the_paired_interval_of_every_run() {
        let x = vec![vec![1.0, 3.0, 2.0], vec![4.0, 0.0, 2.0]];
        let flat = interval(&[1.0, 3.0, 2.0, 4.0, 0.0, 2.0]);
        let s = spread(&x, true);
        assert_eq!(s.mean, flat.mean);
        assert_eq!(s.with_assumptions, (flat.low, flat.high));
        assert_eq!(s.draws_only, (flat.low, flat.high));
        assert_eq!(s.share_from_assumptions, 0.0);
        // One draw is a point too.
        assert_eq!(spread(&x[..1], false).draws_only, {
            let i = interval(&x[0]);
            (i.low, i.high)
        });
    }

    #[test]
    fn the_variance_splits_into_the_assumptions_and_the_random_draws() {
        // Draw means 0 and 10 (R = 2, within sd sqrt(2)): within = 2, between = 2 x 50 = 100,
        // assumptions (100 - 2) / 2 = 49.
        let x = vec![vec![-1.0, 1.0], vec![9.0, 11.0]];
        let s = spread(&x, false);
        assert_eq!(s.mean, 5.0);
        assert!((s.var_draws - 2.0).abs() < 1e-12);
        assert!((s.var_assumptions - 49.0).abs() < 1e-12);
        assert!((s.share_from_assumptions - 49.0 / 51.0).abs() < 1e-12);
        // The draws' mean effects are 0 and 10: their 2.5% and 97.5% quantiles.
        assert_eq!(s.with_assumptions, (0.25, 9.75));
        let half = t95(4) * (2.0f64 / 4.0).sqrt();
        assert!((s.draws_only.1 - 5.0 - half).abs() < 1e-9);
        // No spread between draws beyond the random draws': no share from the assumptions.
        let flat = vec![vec![-1.0, 1.0], vec![1.0, -1.0]];
        assert_eq!(spread(&flat, false).share_from_assumptions, 0.0);
    }

    #[test]
    fn the_best_reform_of_each_draw_scores_and_ties_share() {
        let effect = |better: Better, draw_means: Vec<f64>| PosteriorEffect {
            metric: "m",
            better,
            spread: spread(&[vec![0.0]], true),
            probability_better: f64::NAN,
            probability_best: f64::NAN,
            draws: draw_means.len(),
            draw_means,
            replications: 1,
        };
        // Lower is better: draw 0 reform a (-5), draw 1 reform b (-7), draw 2 a tie (-4, -4).
        let mut r = vec![
            vec![effect(Better::Lower, vec![-5.0, -1.0, -4.0])],
            vec![effect(Better::Lower, vec![-3.0, -7.0, -4.0])],
            vec![effect(Better::Lower, vec![2.0, 0.0, 1.0])],
        ];
        rank(&mut r);
        let p: Vec<f64> = r.iter().map(|x| x[0].probability_best).collect();
        assert_eq!(p, [1.5 / 3.0, 1.5 / 3.0, 0.0]);
        // Higher is better: the other end wins.
        let mut r = vec![
            vec![effect(Better::Higher, vec![1.0])],
            vec![effect(Better::Higher, vec![2.0])],
        ];
        rank(&mut r);
        assert_eq!(r[1][0].probability_best, 1.0);
        let mut r = vec![vec![effect(Better::Neither, vec![1.0])]];
        rank(&mut r);
        assert!(r[0][0].probability_best.is_nan());
    }

    #[test]
    fn the_probability_of_improving_counts_draws_on_the_better_side() {
        let x = vec![
            vec![-1.0, -2.0],
            vec![1.0, 2.0],
            vec![-3.0, 1.0],
            vec![0.0, 0.0],
        ];
        assert_eq!(probability_better(&x, Better::Lower), 2.5 / 4.0);
        assert_eq!(probability_better(&x, Better::Higher), 1.5 / 4.0);
        assert!(probability_better(&x, Better::Neither).is_nan());
    }

    /// A known answer: the assumption theta ~ N(0, 1) under the posterior, the effect at theta is
    /// 1 + 2 theta, each run adds N(0, 0.5^2). Over many trials, the interval with the
    /// assumptions covers the effect at a theta drawn from the same posterior at about 95%; the
    /// random draws' interval alone covers it far less often. The same with a skewed effect,
    /// exp(theta): a normal interval would reach below 0, where no effect lies.
    #[test]
    fn the_interval_with_the_assumptions_covers_an_effect_at_the_nominal_rate() {
        let linear = |theta: f64| 1.0 + 2.0 * theta;
        let skewed = |theta: f64| theta.exp();
        for (name, effect) in [
            ("linear", &linear as &dyn Fn(f64) -> f64),
            ("skewed", &skewed),
        ] {
            let trials = 400;
            let (mut with, mut only) = (0, 0);
            for trial in 0..trials {
                let mut g = rng::stream(99, trial, 0, rng::Purpose::PreRelease);
                let mut normal = || -> f64 { StandardNormal.sample(&mut g) };
                let x: Vec<Vec<f64>> = (0..100)
                    .map(|_| {
                        let theta = normal();
                        (0..3).map(|_| effect(theta) + 0.1 * normal()).collect()
                    })
                    .collect();
                let truth = effect(normal());
                let s = spread(&x, false);
                with += usize::from(s.with_assumptions.0 <= truth && truth <= s.with_assumptions.1);
                only += usize::from(s.draws_only.0 <= truth && truth <= s.draws_only.1);
                if name == "skewed" {
                    assert!(s.with_assumptions.0 > 0.0, "{s:?}");
                }
            }
            let rate = with as f64 / trials as f64;
            // 400 trials: the binomial sd at 95% is 1.1 points.
            assert!((0.92..=0.98).contains(&rate), "{name}: coverage {rate}");
            assert!(
                (only as f64 / trials as f64) < 0.5,
                "{name}: draws only {only}"
            );
        }
    }
}
