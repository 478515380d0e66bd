//! The numbers of `run` and `compare` for other programs (the Python package in `python/`), without
//! files: the same loading, scaling, runner and statistics as the command line, so the numbers are
//! the same bit for bit as the CLI's `summary.csv`, `headline.csv`, `timeseries.csv` and
//! `comparison.csv`.
//!
//! Errors are [`anyhow::Error`]s; [`is_bad_input`] tells bad input (the command line's exit code 2:
//! a message naming the file, the field and what is allowed) from a failed run.

use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use toml::Value;

use super::BadInput;
use crate::error::ScenarioError;
use crate::experiment::compare::{paired, Difference};
use crate::output;
use crate::runner::{run_replications, Runner};
use crate::scenario::overrides::{self, number_like};
use crate::scenario::{self, Scenario};
use crate::sim::series_names;
use crate::stats::Interval;

/// Whether `e` is bad input (exit code 2 on the command line) rather than a failed run.
pub fn is_bad_input(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<BadInput>().is_some())
}

/// An error naming a bad argument `field` of the caller (`(arguments)` as the file).
fn bad_argument(field: &str, message: String) -> anyhow::Error {
    BadInput(ScenarioError::Schema {
        path: "(arguments)".into(),
        chain: String::new(),
        field: field.into(),
        message,
    })
    .into()
}

/// Check a count against the range the command line accepts for it.
fn check_range(field: &str, value: u64, min: u64, max: u64) -> Result<()> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(bad_argument(
            field,
            format!("{value}: must be between {min} and {max}"),
        ))
    }
}

/// A value given for `path`, in the type of the scenario's own value there, as sweeps and
/// `explore` set them: a number for an integer field is rounded, a number for a float field is a
/// float, a number for a boolean is `x >= 0.5`. Anything else is kept as given (validation then
/// names the field if it does not fit).
fn like_base(base: &Scenario, path: &str, v: &Value) -> Value {
    let x = match v {
        Value::Integer(i) => *i as f64,
        Value::Float(f) => *f,
        _ => return v.clone(),
    };
    match (base.value(path), v) {
        (Some(Value::Integer(_)), Value::Integer(_)) => v.clone(),
        (Some(like), _) => number_like(like, x).unwrap_or_else(|| v.clone()),
        (None, _) => v.clone(),
    }
}

/// Read and validate the scenario file `path`, replace the values at dotted paths `overrides`
/// (the paths of sweeps and `explore`: `a.b`, `a.b[0].c`; numbers take the type of the value they
/// replace) and validate again, then take `scale` of its cohort as `run --scale` does (overrides
/// first, so an overridden capacity is scaled like one written in the file).
pub fn load(path: &Path, overrides: &[(String, Value)], scale: f64) -> Result<Scenario> {
    let s = scenario::load(path).map_err(BadInput)?;
    let s = if overrides.is_empty() {
        s
    } else {
        let values: Vec<(String, Value)> = overrides
            .iter()
            .map(|(p, v)| (p.clone(), like_base(&s, p, v)))
            .collect();
        s.with_values(&values, &format!("{} with overrides", path.display()))
            .map_err(BadInput)?
    };
    super::explorer::at_scale_arg(s, scale, path)
}

/// Mean, standard deviation and 95% interval across replications (a row of `headline.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// Replications.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Standard deviation (NaN with one replication).
    pub sd: f64,
    /// Low end of the 95% interval of the mean (NaN with one replication).
    pub low: f64,
    /// High end of the 95% interval of the mean (NaN with one replication).
    pub high: f64,
}

impl From<Interval> for Stat {
    fn from(i: Interval) -> Stat {
        Stat {
            n: i.n,
            mean: i.mean,
            sd: i.sd,
            low: i.low,
            high: i.high,
        }
    }
}

/// What `run` writes, in memory.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The scenario's name (`meta.name`).
    pub name: String,
    /// The engine's metrics, in the order of `summary.csv`'s columns after `replication`.
    pub metrics: Vec<&'static str>,
    /// Per replication (in order) the value of every metric: the rows of `summary.csv`.
    pub values: Vec<Vec<f64>>,
    /// Per metric, the row of `headline.csv`.
    pub headline: Vec<Stat>,
    /// The daily series, in the order of `timeseries.csv`'s columns after `replication, day, date`.
    pub series: Vec<&'static str>,
    /// The date of every simulated day (day 0 first).
    pub dates: Vec<String>,
    /// The daily series of every replication, flat in (replication, day, series) order.
    pub timeseries: Vec<f64>,
    /// Worker threads used.
    pub threads: usize,
    /// Seconds spent simulating.
    pub wall_time_seconds: f64,
}

/// `custody-sim run`: `replications` replications of `s` with master seed `seed` on `threads`
/// threads (0: all cores; results do not depend on it).
pub fn run(s: &Scenario, seed: u64, replications: u64, threads: u64) -> Result<RunOutput> {
    check_range("replications", replications, 1, 100_000)?;
    check_range("threads", threads, 0, 1024)?;
    let runner = Runner::new(threads).context("cannot start worker threads")?;
    let started = Instant::now();
    let runs = run_replications(&runner, &s.params, seed, replications, &|| {})?;
    let wall = started.elapsed().as_secs_f64();
    let metrics = output::schema::metric_names();
    let series = series_names();
    let days = runs.first().map_or(0, |r| r.days.len());
    let start = &s.loaded.raw.time.start_date;
    let mut timeseries = Vec::with_capacity(runs.len() * days * series.len());
    for r in &runs {
        if r.days.len() != days {
            return Err(anyhow!(
                "replication {} has {} days, replication 0 has {days}",
                r.replication,
                r.days.len()
            ));
        }
        for d in &r.days {
            timeseries.extend(d.series());
        }
    }
    Ok(RunOutput {
        name: s.name().to_string(),
        values: runs
            .iter()
            .map(|r| r.summary.metrics().iter().map(|m| m.1).collect())
            .collect(),
        headline: output::summarise(&runs)
            .into_iter()
            .map(|(_, i)| i.into())
            .collect(),
        metrics,
        series,
        dates: (0..days as u32)
            .map(|d| scenario::date_of(start, d))
            .collect(),
        timeseries,
        threads: runner.threads(),
        wall_time_seconds: wall,
    })
}

/// One row of `comparison.csv`: a metric of a reform against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// The metric.
    pub metric: &'static str,
    /// The baseline across replications.
    pub baseline: Stat,
    /// The reform across replications.
    pub reform: Stat,
    /// The replication-by-replication difference (reform - baseline).
    pub difference: Stat,
    /// Half-width of the paired 95% interval of the difference.
    pub paired_half_width: f64,
    /// Half-width had the runs not been paired.
    pub unpaired_half_width: f64,
    /// How many times narrower pairing made the interval.
    pub width_ratio: f64,
}

impl From<&Difference> for ComparisonRow {
    fn from(d: &Difference) -> ComparisonRow {
        ComparisonRow {
            metric: d.metric,
            baseline: d.baseline.into(),
            reform: d.reform.into(),
            difference: d.difference.into(),
            paired_half_width: d.paired_half_width(),
            unpaired_half_width: d.unpaired_half_width,
            width_ratio: d.width_ratio(),
        }
    }
}

/// What `compare` writes, in memory.
#[derive(Debug, Clone)]
pub struct CompareOutput {
    /// The engine's metrics, in order.
    pub metrics: Vec<&'static str>,
    /// Per scenario (the baseline first), per replication, the value of every metric.
    pub values: Vec<Vec<Vec<f64>>>,
    /// Per reform (in order), the rows of `comparison.csv`.
    pub rows: Vec<Vec<ComparisonRow>>,
    /// Per reform, the values it changes from the baseline: (path, baseline value, reform value)
    /// (`scenario_diff.txt`).
    pub changes: Vec<Vec<(String, String, String)>>,
    /// Paired replications per scenario.
    pub replications: u64,
    /// With a target interval width: why the replications stopped.
    pub stop_reason: Option<String>,
    /// Worker threads used.
    pub threads: usize,
    /// Seconds spent simulating.
    pub wall_time_seconds: f64,
}

/// How to run a comparison (the options of `custody-sim compare`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareOptions {
    /// Master seed, shared by every scenario (common random numbers).
    pub seed: u64,
    /// Replications per scenario; with `target_ci`, the first batch.
    pub replications: u64,
    /// Worker threads (0: all cores); results do not depend on it.
    pub threads: u64,
    /// Keep doubling the replications until every headline difference's 95% half-width is at
    /// most this (`--target-ci`).
    pub target_ci: Option<f64>,
    /// Cap on replications with `target_ci` (`--max-replications`).
    pub max_replications: u64,
}

/// `custody-sim compare`: the baseline and every reform with the same seeds; paired differences
/// from the baseline. `names` names the scenarios (the baseline first) in messages.
pub fn compare(
    base: &Scenario,
    reforms: &[Scenario],
    names: &[String],
    o: &CompareOptions,
) -> Result<CompareOutput> {
    check_options(o, reforms)?;
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
    let changes = reforms
        .iter()
        .map(|r| {
            overrides::diff(&base.loaded.merged, &r.loaded.merged)
                .into_iter()
                .filter(|(p, _, _)| !p.starts_with("meta."))
                .collect()
        })
        .collect();
    let runner = Runner::new(o.threads).context("cannot start worker threads")?;
    let params: Vec<&crate::sim::Params> = std::iter::once(&base.params)
        .chain(reforms.iter().map(|r| &r.params))
        .collect();
    let started = Instant::now();
    // The same batches as `custody-sim compare` (the same loop).
    let all_names: Vec<String> = (0..params.len()).map(name).collect();
    let super::compare::Replicated {
        per_scenario,
        replications: n,
        stop_reason,
    } = super::compare::replicate(
        &runner,
        &params,
        &all_names,
        o.seed,
        (o.replications, o.target_ci, o.max_replications),
        &mut |_| {},
        &|| {},
    )?;
    let wall = started.elapsed().as_secs_f64();
    Ok(CompareOutput {
        metrics: output::schema::metric_names(),
        values: per_scenario
            .iter()
            .map(|runs| {
                runs.iter()
                    .map(|s| s.metrics().iter().map(|m| m.1).collect())
                    .collect()
            })
            .collect(),
        rows: per_scenario[1..]
            .iter()
            .map(|r| paired(&per_scenario[0], r).iter().map(Into::into).collect())
            .collect(),
        changes,
        replications: n,
        stop_reason,
        threads: runner.threads(),
        wall_time_seconds: wall,
    })
}

/// One free parameter of [`AbcSmc`]: a name, a range, a prior and whether it is a whole number.
#[derive(Debug, Clone, PartialEq)]
pub struct SmcParameter {
    /// What the caller calls it.
    pub name: String,
    /// The prior's range.
    pub min: f64,
    /// The prior's range.
    pub max: f64,
    /// A log-uniform prior (`min` > 0) rather than a uniform one.
    pub log: bool,
    /// A whole number: each whole value in `[min, max]` has the same prior weight.
    pub integer: bool,
}

/// What one generation of [`AbcSmc`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmcGeneration {
    /// Its number, from 0 (the prior draws).
    pub generation: u32,
    /// The largest distance in its population.
    pub tolerance: f64,
    /// Particles run.
    pub runs: usize,
    /// The population over the proposals used.
    pub acceptance: f64,
    /// Effective sample size of its population.
    pub ess: f64,
    /// It could not reach `min_acceptance` and was abandoned.
    pub abandoned: bool,
}

/// The ABC-SMC of `calibrate` (kind = "abc_smc") over any model, for other programs: ask for
/// parameter values, run the model on them, tell their distances, until [`AbcSmc::stopped`] says
/// why it stopped. The same
/// algorithm, settings, checks and random streams as the command line.
#[derive(Debug, Clone)]
pub struct AbcSmc {
    inner: crate::experiment::calibrate::smc::Smc,
    names: Vec<String>,
    /// The round asked for and not yet told: its first index and size.
    asked: Option<(usize, usize)>,
}

impl AbcSmc {
    /// A new calibration. Settings are checked as in a calibration file's `[method]` (`kernel`:
    /// "global" or "local"); `min_tolerance` 0 means none.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        parameters: &[SmcParameter],
        population: u64,
        alpha: f64,
        min_acceptance: f64,
        min_tolerance: f64,
        max_generations: u32,
        kernel: &str,
        seed: u64,
    ) -> Result<AbcSmc> {
        use crate::experiment::calibrate::{raw::RawMethod, smc, smc_settings, ABC_SMC};
        let method = RawMethod {
            kind: ABC_SMC.into(),
            population: Some(population),
            alpha: Some(alpha),
            min_acceptance: Some(min_acceptance),
            min_tolerance: Some(min_tolerance),
            max_generations: Some(max_generations),
            kernel: Some(kernel.into()),
            ..RawMethod::default()
        };
        let settings = smc_settings(&method, Path::new("(arguments)")).map_err(BadInput)?;
        if parameters.is_empty() {
            return Err(bad_argument("parameters", "[]: give at least one".into()));
        }
        for (i, p) in parameters.iter().enumerate() {
            let f = |k: &str| format!("parameters[{i}].{k}");
            if !(p.min.is_finite() && p.max.is_finite() && p.min < p.max) {
                return Err(bad_argument(
                    &f("max"),
                    format!(
                        "{}: must be a finite number greater than min = {}",
                        p.max, p.min
                    ),
                ));
            }
            if p.integer && p.max.floor() - p.min.ceil() < 1.0 {
                return Err(bad_argument(
                    &f("max"),
                    format!(
                        "{}: [{}, {}] must hold at least two whole numbers",
                        p.max, p.min, p.max
                    ),
                ));
            }
            if p.log && p.min <= 0.0 {
                return Err(bad_argument(
                    &f("min"),
                    format!("{}: a log-uniform prior needs min > 0", p.min),
                ));
            }
            if parameters[..i].iter().any(|q| q.name == p.name) {
                return Err(bad_argument(
                    &f("name"),
                    format!("\"{}\" is listed twice", p.name),
                ));
            }
        }
        let dims = parameters
            .iter()
            .map(|p| smc::Dim::new(p.min, p.max, p.log, p.integer))
            .collect();
        Ok(AbcSmc {
            inner: smc::Smc::new(dims, settings, seed),
            names: parameters.iter().map(|p| p.name.clone()).collect(),
            asked: None,
        })
    }

    /// The parameters' names, in the order of every row of values.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether the calibration has stopped, and why.
    pub fn stopped(&self) -> Option<&'static str> {
        self.inner.stopped.map(|s| s.describe())
    }

    /// The next round of parameter values to run (one row per particle), the same round again
    /// until its distances are told; empty once stopped.
    pub fn ask(&mut self) -> Vec<Vec<f64>> {
        let (from, n) = match self.asked {
            Some(a) => a,
            None => (self.inner.told(), self.inner.round()),
        };
        self.asked = Some((from, n));
        self.inner
            .proposals(from, n)
            .iter()
            .map(|z| self.inner.values(z))
            .collect()
    }

    /// The distances of the round [`AbcSmc::ask`] gave, in its order (NaN for a failed run).
    pub fn tell(&mut self, distances: &[f64]) -> Result<()> {
        let Some((from, n)) = self.asked else {
            return Err(bad_argument("distances", "told before ask()".into()));
        };
        if distances.len() != n {
            return Err(bad_argument(
                "distances",
                format!(
                    "{} distances for the {n} particles ask() gave",
                    distances.len()
                ),
            ));
        }
        self.inner
            .tell(from, distances)
            .map_err(|e| anyhow!("{e}"))?;
        self.asked = None;
        Ok(())
    }

    /// The current population: parameter values (one row per particle) and normalised weights.
    pub fn posterior(&self) -> (Vec<Vec<f64>>, Vec<f64>) {
        match &self.inner.population {
            None => (Vec::new(), Vec::new()),
            Some(p) => (
                p.z.iter().map(|z| self.inner.values(z)).collect(),
                p.w.clone(),
            ),
        }
    }

    /// Every generation so far.
    pub fn history(&self) -> Vec<SmcGeneration> {
        self.inner
            .history
            .iter()
            .map(|h| SmcGeneration {
                generation: h.generation,
                tolerance: h.tolerance,
                runs: h.runs,
                acceptance: h.acceptance,
                ess: h.ess,
                abandoned: h.abandoned,
            })
            .collect()
    }
}

/// The columns of [`PosteriorCompareOutput::rows`], in order.
pub const POSTERIOR_COLUMNS: [&str; 8] = [
    "effect_mean",
    "draws_only_ci95_low",
    "draws_only_ci95_high",
    "with_assumptions_ci95_low",
    "with_assumptions_ci95_high",
    "share_from_assumptions",
    "probability_better",
    "probability_best",
];

/// The numbers of `custody-sim compare --posterior` (its `posterior_effects.csv`).
#[derive(Debug, Clone)]
pub struct PosteriorCompareOutput {
    /// The metrics, in the engine's order.
    pub metrics: Vec<&'static str>,
    /// Per reform, per metric, the values of [`POSTERIOR_COLUMNS`].
    pub rows: Vec<Vec<[f64; 8]>>,
    /// Per reform, the calibrated paths it sets itself (the draws leave them alone).
    pub sets: Vec<Vec<String>>,
    /// The ensemble's rows used as draws.
    pub draws: Vec<usize>,
    /// Paired replications per draw (more than asked when a target needed them).
    pub replications_per_draw: u64,
    /// With a target: whether it was met or a cap reached.
    pub stop_reason: Option<String>,
    /// The calibrated parameters' paths (the ensemble's columns).
    pub parameters: Vec<String>,
    /// Per draw used, every parameter's value.
    pub values: Vec<Vec<f64>>,
    /// Per reform, per metric, per draw: the mean effect over the draw's replications.
    pub draw_effects: Vec<Vec<Vec<f64>>>,
    /// Per reform and headline metric (reform index, metric): every parameter's (path, share of
    /// the spread, noise level at 5%, "rises" / "falls" / "flat"), the largest share first
    /// (`posterior_drivers.csv`).
    pub drivers: Vec<PosteriorDrivers>,
    /// Per headline metric with a better direction: (metric, the choice now (0 the baseline, k
    /// the k-th reform), the probability it is best, EVPI, every parameter's (path, EVPPI) the
    /// largest first) (`posterior_value_of_information.csv`).
    pub information: Vec<PosteriorInformation>,
    /// Worker threads used.
    pub threads: usize,
    /// Wall time of the runs, in seconds.
    pub wall_time_seconds: f64,
}

/// What one reform's effect on one metric hangs on (see [`PosteriorCompareOutput`]).
pub type PosteriorDrivers = (usize, &'static str, Vec<(String, f64, f64, &'static str)>);

/// The value of information of the choice on one metric (see [`PosteriorCompareOutput`]).
pub type PosteriorInformation = (&'static str, usize, f64, f64, Vec<(String, f64)>);

/// The checks of `compare` and `compare_posterior`: replications, cap, threads, at least one
/// reform, a positive target.
fn check_options(o: &CompareOptions, reforms: &[Scenario]) -> Result<()> {
    check_range("replications", o.replications, 2, 100_000)?;
    check_range("max_replications", o.max_replications, 2, 100_000)?;
    check_range("threads", o.threads, 0, 1024)?;
    if reforms.is_empty() {
        return Err(bad_argument(
            "reforms",
            "none given: compare needs one reform or more".into(),
        ));
    }
    if let Some(w) = o.target_ci {
        if !(w.is_finite() && w > 0.0) {
            return Err(bad_argument(
                "target_ci",
                format!("{w}: must be a positive number (the largest acceptable 95% half-width)"),
            ));
        }
    }
    Ok(())
}

/// `custody-sim compare --posterior`: every reform against the baseline at `draws` draws of the
/// calibrated ensemble at `posterior` (a calibration's folder or its `ensemble.csv`),
/// `o.replications` paired replications per draw, at `scale` of the cohort; with `o.target_ci`,
/// more draws or replications until every headline effect's mean over the posterior is known to
/// within it (as `--target-ci` with `--posterior`). `base` and `reforms` are whole-cohort
/// scenarios (the draws are applied before the scale).
pub fn compare_posterior(
    base: &Scenario,
    reforms: &[Scenario],
    names: &[String],
    o: &CompareOptions,
    (posterior, draws, scale): (&Path, u64, f64),
) -> Result<PosteriorCompareOutput> {
    check_options(o, reforms)?;
    check_range("draws", draws, 1, 100_000)?;
    super::explorer::check_scale(scale).map_err(BadInput)?;
    let ensemble = super::compare_posterior::load_ensemble(posterior)?;
    let runner = Runner::new(o.threads).context("cannot start worker threads")?;
    let started = Instant::now();
    let runs = super::compare_posterior::run_to_target(
        &runner,
        (base, reforms),
        names,
        &ensemble,
        (draws as usize, o.replications),
        (o.seed, scale),
        (o.target_ci, o.max_replications),
        &mut |_, _, _| {},
        &|| {},
    )?;
    let (replications_per_draw, stop_reason, runs) =
        (runs.replications, runs.stop_reason, runs.runs);
    let effects = runs.effects(names);
    let analysis = runs.analyse(&effects, o.seed);
    let path = |j: usize| runs.paths[j].clone();
    Ok(PosteriorCompareOutput {
        draw_effects: effects
            .iter()
            .map(|(_, _, es)| es.iter().map(|e| e.draw_means.clone()).collect())
            .collect(),
        drivers: analysis
            .drivers
            .iter()
            .map(|e| {
                (
                    e.reform,
                    e.metric,
                    e.drivers
                        .iter()
                        .map(|d| {
                            (
                                path(d.parameter),
                                d.share,
                                d.noise_95,
                                output::posterior::direction(d.direction),
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
        information: analysis
            .choices
            .iter()
            .map(|c| {
                let i = &c.information;
                (
                    c.metric,
                    i.choice_now,
                    i.probability_choice_best,
                    i.evpi,
                    i.ranked()
                        .into_iter()
                        .map(|(j, (v, _))| (path(j), v))
                        .collect(),
                )
            })
            .collect(),
        parameters: runs.paths.clone(),
        values: runs.values.clone(),
        metrics: output::schema::metric_names(),
        rows: effects
            .iter()
            .map(|(_, _, es)| {
                es.iter()
                    .map(|e| {
                        let s = &e.spread;
                        [
                            s.mean,
                            s.draws_only.0,
                            s.draws_only.1,
                            s.with_assumptions.0,
                            s.with_assumptions.1,
                            s.share_from_assumptions,
                            e.probability_better,
                            e.probability_best,
                        ]
                    })
                    .collect()
            })
            .collect(),
        sets: effects.into_iter().map(|(_, sets, _)| sets).collect(),
        draws: runs.draws,
        replications_per_draw,
        stop_reason,
        threads: runner.threads(),
        wall_time_seconds: started.elapsed().as_secs_f64(),
    })
}
