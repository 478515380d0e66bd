//! `compare --posterior DIR`: every reform against the baseline over draws of a calibrated
//! ensemble (a calibration's `ensemble.csv`), paired with common random numbers within each draw;
//! the effects with the assumptions' uncertainty beside the random draws' ([`posterior`]).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use super::BadInput;
use crate::error::ScenarioError;
use crate::experiment::posterior::attribution::{
    self, Condition, EffectDrivers, MetricChoice, Ranking,
};
use crate::experiment::posterior::{self, Ensemble, PosteriorEffect, ENSEMBLE_FILE};
use crate::runner::{run_summaries, Runner};
use crate::scenario::scale::at_scale;
use crate::scenario::Scenario;
use crate::sim::RunSummary;

/// The runs of a comparison over the posterior.
pub(super) struct PosteriorRuns {
    /// Per scenario (the baseline first), per draw, every replication's summary.
    pub per_scenario: Vec<Vec<Vec<RunSummary>>>,
    /// Per reform, the calibrated paths it sets itself (the draws leave them alone).
    pub sets: Vec<Vec<String>>,
    /// The ensemble file read.
    pub ensemble_file: PathBuf,
    /// The draws used (rows of the ensemble).
    pub draws: Vec<usize>,
    /// The calibrated parameters' paths (the ensemble's columns).
    pub paths: Vec<String>,
    /// Per draw used, every parameter's value.
    pub values: Vec<Vec<f64>>,
    /// Whether those draws are all the same point.
    pub point: bool,
}

impl PosteriorRuns {
    /// Per scenario, every run in stream order (draw-major), for the pooled paired comparison.
    pub(super) fn flat(&self) -> Vec<Vec<RunSummary>> {
        self.per_scenario
            .iter()
            .map(|d| d.iter().flatten().cloned().collect())
            .collect()
    }

    /// Per reform: its name, the paths it sets, and every metric's effect over the posterior.
    pub(super) fn effects(
        &self,
        names: &[String],
    ) -> Vec<(String, Vec<String>, Vec<PosteriorEffect>)> {
        let mut effects: Vec<Vec<PosteriorEffect>> = self.per_scenario[1..]
            .iter()
            .map(|r| posterior::effects(&self.per_scenario[0], r, self.point))
            .collect();
        posterior::rank(&mut effects);
        names[1..]
            .iter()
            .zip(&self.sets)
            .zip(effects)
            .map(|((name, sets), e)| (name.clone(), sets.clone(), e))
            .collect()
    }
}

/// What the effects over the posterior hang on: per reform and headline metric its drivers and
/// where it stops helping; per headline metric the value of information of the choice.
pub(super) struct Analysis {
    pub drivers: Vec<EffectDrivers>,
    pub choices: Vec<MetricChoice>,
    pub conditions: Vec<Condition>,
    pub rankings: Vec<Ranking>,
}

impl PosteriorRuns {
    /// The analysis of `effects` (from [`PosteriorRuns::effects`]) over the draws' values; the
    /// shuffles of the drivers' noise levels come from the master `seed`.
    pub(super) fn analyse(
        &self,
        effects: &[(String, Vec<String>, Vec<PosteriorEffect>)],
        seed: u64,
    ) -> Analysis {
        let per_reform: Vec<&[PosteriorEffect]> =
            effects.iter().map(|(_, _, e)| e.as_slice()).collect();
        let (drivers, choices) = attribution::analyse(
            &per_reform,
            &self.values,
            &crate::sim::metrics::HEADLINE,
            crate::rng::mix(seed ^ 0xD21E_5E25),
        );
        let conditions = attribution::conditions(&per_reform, &drivers, &self.values);
        Analysis {
            drivers,
            choices,
            conditions,
            rankings: attribution::rankings(&per_reform, &crate::sim::metrics::HEADLINE),
        }
    }
}

/// How precisely the comparison knows each headline effect's mean over the posterior: the widest
/// 95% half-width t x sqrt((var_assumptions + var_draws / R) / D) among the reforms' headline
/// effects (D draws, R replications each), and whether, for that effect, the random draws' part
/// (var_draws / R) is the larger, so that more replications per draw narrow it faster than more
/// draws.
pub(super) fn precision(effects: &[(String, Vec<String>, Vec<PosteriorEffect>)]) -> (f64, bool) {
    let mut widest = (0.0, false);
    for (_, _, es) in effects {
        for e in es
            .iter()
            .filter(|e| crate::sim::metrics::HEADLINE.contains(&e.metric))
        {
            let s = &e.spread;
            let (d, r) = (e.draws.max(1) as f64, e.replications.max(1) as f64);
            let noise = s.var_draws / r;
            let half = crate::stats::t95(e.draws.max(2)) * ((s.var_assumptions + noise) / d).sqrt();
            if half > widest.0 {
                widest = (half, noise > s.var_assumptions);
            }
        }
    }
    widest
}

/// The ensemble at `path`: a calibration's output folder (its `ensemble.csv`) or the file itself.
pub(super) fn load_ensemble(path: &Path) -> Result<Ensemble> {
    let file = if path.is_dir() {
        path.join(ENSEMBLE_FILE)
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        BadInput(ScenarioError::Schema {
            path: file.clone(),
            chain: String::new(),
            field: "--posterior".into(),
            message: format!(
                "cannot read it ({e}): give a calibration's output folder (with {ENSEMBLE_FILE}) or an {ENSEMBLE_FILE}"
            ),
        })
    })?;
    Ok(Ensemble::parse(&text, &file).map_err(BadInput)?)
}

/// Run the baseline and every reform at `draws` draws of `ensemble`, `reps` replications each
/// (draw k, replication r on stream k x reps + r for every scenario), at `scale` of the cohort.
/// Every scenario is built and checked before anything runs.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    runner: &Runner,
    scenarios: (&Scenario, &[Scenario]),
    names: &[String],
    ensemble: Ensemble,
    draws: usize,
    (seed, reps, scale): (u64, u64, f64),
    batch: &mut dyn FnMut(usize),
    on_done: &(dyn Fn() + Sync),
) -> Result<PosteriorRuns> {
    let (base, reforms) = scenarios;
    let chosen = ensemble.spread(draws);
    let point = ensemble.is_point(&chosen);
    let mut sets = vec![Vec::new(); reforms.len()];
    let mut built: Vec<Vec<Scenario>> = Vec::with_capacity(chosen.len());
    for &d in &chosen {
        let mut row = Vec::with_capacity(1 + reforms.len());
        for (i, sc) in std::iter::once(base).chain(reforms).enumerate() {
            let (with, kept) = ensemble.apply(d, base, sc, &names[i]).map_err(BadInput)?;
            if i > 0 {
                sets[i - 1] = kept;
            }
            let with = if scale == 1.0 {
                with
            } else {
                at_scale(&with, scale, &names[i]).map_err(BadInput)?
            };
            row.push(with);
        }
        built.push(row);
    }
    let mut per_scenario: Vec<Vec<Vec<RunSummary>>> =
        vec![Vec::with_capacity(chosen.len()); 1 + reforms.len()];
    for (k, row) in built.iter().enumerate() {
        batch(k);
        let params: Vec<&crate::sim::Params> = row.iter().map(|s| &s.params).collect();
        let first = k as u64 * reps;
        let done =
            run_summaries(runner, &params, seed, first..first + reps, on_done).map_err(|e| {
                anyhow!(
                    "replication {} of {} at posterior draw {} failed: {}",
                    e.replication,
                    names.get(e.scenario).map_or("?", String::as_str),
                    chosen[k],
                    e.message
                )
            })?;
        for (all, new) in per_scenario.iter_mut().zip(done) {
            all.push(new);
        }
    }
    Ok(PosteriorRuns {
        per_scenario,
        sets,
        values: chosen.iter().map(|&d| ensemble.draws[d].clone()).collect(),
        paths: ensemble.paths,
        ensemble_file: ensemble.file,
        draws: chosen,
        point,
    })
}

/// The runs of a comparison over the posterior, with how they ended.
pub(super) struct Adaptive {
    pub runs: PosteriorRuns,
    /// Replications per draw in the last round.
    pub replications: u64,
    /// With a target: whether it was met or a cap reached.
    pub stop_reason: Option<String>,
}

/// [`run`] at `draws` draws of `reps` replications; with a target `w` (`--target-ci`), again
/// with twice the draws, or twice the replications per draw where the random draws' part of the
/// effect's variance is the larger ([`precision`]), until every headline effect's mean over the
/// posterior is known to within `w`, or the ensemble's size or `max` draws x replications stop
/// it. Each round runs afresh: the draws spread over the ensemble and the streams k x R + r
/// change with D and R. `batch` is told each round's runs. The one loop of `compare --posterior`
/// and the Python package's `compare_posterior`.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_to_target(
    runner: &Runner,
    scenarios: (&Scenario, &[Scenario]),
    names: &[String],
    ensemble: &Ensemble,
    (draws, reps): (usize, u64),
    (seed, scale): (u64, f64),
    (target, max): (Option<f64>, u64),
    batch: &mut dyn FnMut(usize, u64, usize),
    on_done: &(dyn Fn() + Sync),
) -> Result<Adaptive> {
    let available = ensemble.draws.len();
    let (mut draws, mut reps) = (draws.min(available), reps);
    loop {
        let runs = run(
            runner,
            scenarios,
            names,
            ensemble.clone(),
            draws,
            (seed, reps, scale),
            &mut |k| batch(draws, reps, k),
            on_done,
        )?;
        let done = |runs, stop_reason| Adaptive {
            runs,
            replications: reps,
            stop_reason,
        };
        let Some(w) = target else {
            return Ok(done(runs, None));
        };
        let (widest, more_reps) = precision(&runs.effects(names));
        if widest <= w {
            return Ok(done(runs, Some(format!("target met: every headline effect's mean over the posterior is known to within {w} (95% half-width; widest {widest:.3}) with {draws} draws x {reps} replications"))));
        }
        let can_rep = 2 * draws as u64 * reps <= max;
        let can_draw = draws < available && can_rep;
        if can_draw && !more_reps {
            draws = (2 * draws).min(available);
        } else if can_rep {
            reps *= 2;
        } else {
            return Ok(done(runs, Some(format!("cap reached: {draws} draws x {reps} replications (--max-replications {max}, {available} draws in the ensemble) and the widest headline half-width is still {widest:.3} > {w}"))));
        }
    }
}

/// `run SCENARIO --posterior DIR`: the scenario at `--draws` draws of the ensemble, `-r`
/// replications each; every metric with the assumptions' interval beside the random draws'
/// (`posterior_metrics.csv`, `manifest.json`, and the printed headline table).
pub(super) fn run_over_posterior(args: &crate::cli::RunArgs) -> Result<()> {
    use crate::output::manifest::{self, Head};
    use crate::output::posterior as out;
    use crate::output::schema::MANIFEST;

    let sc = crate::scenario::load(&args.scenario).map_err(BadInput)?;
    super::explorer::check_scale(args.scale).map_err(BadInput)?;
    let Some(dir) = args.posterior.as_deref() else {
        unreachable!("called with --posterior")
    };
    let ensemble = load_ensemble(dir)?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        PathBuf::from("outputs").join(format!("{stem}-posterior"))
    });
    let _lock = super::lock_out(&out_dir, "run")?;
    let runner = Runner::new(args.workers.threads)?;
    let quiet = args.printing.quiet || args.printing.json;
    let draws = (args.draws as usize).min(ensemble.draws.len());
    let bar = super::progress_bar(draws as u64 * args.replications, quiet, "runs");
    let started = std::time::Instant::now();
    let name = sc.name().to_string();
    let runs = run(
        &runner,
        (&sc, &[]),
        std::slice::from_ref(&name),
        ensemble,
        draws,
        (args.seed, args.replications, args.scale),
        &mut |k| bar.set_message(format!("posterior draw {} of {draws}", k + 1)),
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let levels = posterior::levels(&runs.per_scenario[0], runs.point);
    std::fs::create_dir_all(&out_dir)?;
    out::write_posterior_levels(&out_dir.join(out::LEVELS_FILE), &name, &levels)?;
    let files = vec![out::LEVELS_FILE.to_string(), MANIFEST.to_string()];
    /// `run --posterior`'s `manifest.json`.
    #[derive(serde::Serialize)]
    struct RunPosteriorManifest<'a> {
        #[serde(flatten)]
        head: Head,
        scenario: String,
        scenario_hash: String,
        seed: u64,
        posterior: manifest::PosteriorManifest,
        scale: f64,
        threads: usize,
        wall_time_seconds: f64,
        outputs: &'a [String],
    }
    let m = RunPosteriorManifest {
        head: Head::new("run"),
        scenario: args.scenario.display().to_string(),
        scenario_hash: super::hash_sources(&sc).1,
        seed: args.seed,
        posterior: manifest::PosteriorManifest {
            ensemble: runs.ensemble_file.display().to_string(),
            draws: runs.draws.len(),
            replications_per_draw: args.replications,
        },
        scale: args.scale,
        threads: runner.threads(),
        wall_time_seconds: wall,
        outputs: &files,
    };
    manifest::write_sorted(&out_dir.join(MANIFEST), &m)?;
    if args.printing.json {
        let metrics: serde_json::Map<String, serde_json::Value> = levels
            .iter()
            .map(|e| {
                let s = &e.spread;
                (
                    e.metric.to_string(),
                    serde_json::json!({
                        "mean": s.mean,
                        "with_assumptions": [s.with_assumptions.0, s.with_assumptions.1],
                        "draws_only": [s.draws_only.0, s.draws_only.1],
                        "share_from_assumptions": s.share_from_assumptions,
                    }),
                )
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "command": "run",
                "out": out_dir.display().to_string(),
                "files": files,
                "posterior": {"draws": runs.draws, "replications_per_draw": args.replications},
                "metrics": metrics,
            })
        );
    } else if !args.printing.quiet {
        println!(
            "Scenario \"{name}\" over {draws} draws of the calibrated posterior ({}), {} replications each, seed {}, {wall:.1} s",
            runs.ensemble_file.display(),
            args.replications,
            args.seed
        );
        print!("{}", out::levels_table(&name, &levels));
        println!("Outputs in {}/ ({})", out_dir.display(), files.join(", "));
    }
    Ok(())
}
