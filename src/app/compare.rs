//! `custody-sim compare`: reforms against a baseline under common random numbers.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};

use super::compare_posterior;
use super::outcome::{CommandOutcome, CompareOutcome, PosteriorOutcome, ReformOutcome};
use super::{progress_bar, BadInput};
use crate::cli::CompareArgs;
use crate::output;
use crate::output::manifest::{self, ScenarioFile};
use crate::output::schema::{comparison, MANIFEST, SCENARIO_DIFF};
use crate::runner::{run_summaries, Runner};
use crate::scenario::{self, Scenario};

/// `custody-sim compare`: every scenario with the same seeds; paired differences from the baseline.
pub(super) fn compare(args: &CompareArgs) -> Result<()> {
    let base = scenario::load(&args.baseline).map_err(BadInput)?;
    let reforms = args
        .reforms
        .iter()
        .map(|p| scenario::load(p).map_err(BadInput))
        .collect::<Result<Vec<_>, _>>()?;
    super::explorer::check_scale(args.scale).map_err(BadInput)?;
    let ensemble = args
        .posterior
        .as_deref()
        .map(compare_posterior::load_ensemble)
        .transpose()?;
    if let Some(w) = args.target_ci {
        if !(w.is_finite() && w > 0.0) {
            return Err(BadInput(crate::error::ScenarioError::Schema {
                path: "(command line)".into(),
                chain: String::new(),
                field: "--target-ci".into(),
                message: format!(
                    "{w}: must be a positive number (the largest acceptable 95% half-width)"
                ),
            })
            .into());
        }
    }
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .baseline
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        PathBuf::from("outputs").join(format!("compare-{stem}"))
    });
    let _lock = super::lock_out(&out_dir, "compare")?;
    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let threads = runner.threads();
    let names: Vec<String> = std::iter::once(&args.baseline)
        .chain(&args.reforms)
        .map(|p| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();

    let quiet = args.printing.quiet || args.printing.json;
    let mut diff_text = String::new();
    for (reform, name) in reforms.iter().zip(&names[1..]) {
        let d: Vec<_> =
            crate::scenario::overrides::diff(&base.loaded.merged, &reform.loaded.merged)
                .into_iter()
                .filter(|(p, _, _)| !p.starts_with("meta."))
                .collect();
        diff_text.push_str(&format!(
            "{name} changes {} value(s) from {}:\n",
            d.len(),
            names[0]
        ));
        for (path, old, new) in d {
            diff_text.push_str(&format!("  {path}: {old} -> {new}\n"));
        }
    }
    if !quiet {
        print!("{diff_text}");
    }

    let started = Instant::now();
    let bar = progress_bar(0, quiet, "runs");
    let (per_scenario, n, stop_reason, posterior) = match ensemble {
        Some(ensemble) => {
            let compare_posterior::Adaptive {
                runs,
                replications: reps,
                stop_reason: stop,
            } = compare_posterior::run_to_target(
                &runner,
                (&base, &reforms),
                &names,
                &ensemble,
                (args.draws as usize, args.replications),
                (args.seed, args.scale),
                (args.target_ci, args.max_replications),
                &mut |draws, reps, k| {
                    if k == 0 {
                        bar.set_length(draws as u64 * reps * (1 + reforms.len()) as u64);
                        bar.set_position(0);
                    }
                    bar.set_message(format!("posterior draw {} of {draws}", k + 1));
                },
                &|| bar.inc(1),
            )?;
            let flat = runs.flat();
            let n = flat[0].len() as u64;
            (flat, n, stop, Some((runs, reps)))
        }
        None => {
            let scaled = |s: &Scenario, file: &std::path::Path| -> Result<Scenario> {
                super::explorer::at_scale_arg(s.clone(), args.scale, file)
            };
            let all: Vec<Scenario> = std::iter::once(scaled(&base, &args.baseline))
                .chain(reforms.iter().zip(&args.reforms).map(|(r, f)| scaled(r, f)))
                .collect::<Result<_>>()?;
            let params: Vec<&crate::sim::Params> = all.iter().map(|s| &s.params).collect();
            let Replicated {
                per_scenario,
                replications,
                stop_reason,
            } = replicate(
                &runner,
                &params,
                &names,
                args.seed,
                (args.replications, args.target_ci, args.max_replications),
                &mut |reps| {
                    bar.set_length((reps.end - reps.start) * params.len() as u64);
                    bar.set_position(0);
                    bar.set_message(format!("replications {}..{}", reps.start, reps.end));
                },
                &|| bar.inc(1),
            )?;
            (per_scenario, replications, stop_reason, None)
        }
    };
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();

    let diffs: Vec<(String, Vec<crate::experiment::compare::Difference>)> = per_scenario[1..]
        .iter()
        .zip(&names[1..])
        .map(|(r, name)| {
            (
                name.clone(),
                crate::experiment::compare::paired(&per_scenario[0], r),
            )
        })
        .collect();
    output::write_comparison(&out_dir.join(comparison::FILE), &names[0], &diffs)?;
    output::write_atomic_text(&out_dir.join(SCENARIO_DIFF), &diff_text)?;
    let mut files: Vec<String> = [comparison::FILE, SCENARIO_DIFF, MANIFEST]
        .map(String::from)
        .to_vec();
    let posterior = match posterior {
        Some((runs, reps)) => {
            let effects = runs.effects(&names);
            output::posterior::write_posterior_effects(
                &out_dir.join(output::posterior::FILE),
                &names[0],
                &effects,
            )?;
            files.insert(1, output::posterior::FILE.to_string());
            let compare_posterior::Analysis {
                drivers,
                choices,
                conditions,
                rankings,
            } = runs.analyse(&effects, args.seed);
            output::posterior::write_rankings(
                &out_dir.join(output::posterior::RANKINGS_FILE),
                &names[1..],
                &rankings,
                runs.draws.len(),
            )?;
            output::posterior::write_drivers(
                &out_dir.join(output::posterior::DRIVERS_FILE),
                &names[0],
                &names[1..],
                &runs.paths,
                &drivers,
                runs.draws.len(),
            )?;
            output::posterior::write_information(
                &out_dir.join(output::posterior::INFORMATION_FILE),
                &names,
                &runs.paths,
                &choices,
                runs.draws.len(),
            )?;
            output::posterior::write_conditions(
                &out_dir.join(output::posterior::CONDITIONS_FILE),
                &names[0],
                &names[1..],
                &runs.paths,
                &conditions,
            )?;
            files.insert(2, output::posterior::DRIVERS_FILE.to_string());
            files.insert(3, output::posterior::INFORMATION_FILE.to_string());
            files.insert(4, output::posterior::CONDITIONS_FILE.to_string());
            files.insert(5, output::posterior::RANKINGS_FILE.to_string());
            Some(PosteriorOutcome {
                hangs_on: super::outcome::HangsOn::new(
                    &names,
                    &runs.paths,
                    &drivers,
                    &choices,
                    &conditions,
                ),
                conditions,
                values: runs.values,
                paths: runs.paths,
                drivers,
                choices,
                ensemble: runs.ensemble_file.display().to_string(),
                draws: runs.draws,
                replications_per_draw: reps,
                point: runs.point,
                effects,
            })
        }
        None => None,
    };
    let scenario_files = scenario_files(std::iter::once(&base).chain(&reforms));
    let mut outcome = CompareOutcome {
        baseline: names[0].clone(),
        baseline_file: args.baseline.display().to_string(),
        baseline_hash: super::hash_sources(&base).1,
        seed: args.seed,
        replications: n,
        stop_reason,
        out: out_dir.display().to_string(),
        files,
        report: None,
        headline: crate::sim::metrics::HEADLINE.to_vec(),
        reforms: diffs
            .into_iter()
            .zip(args.reforms.iter().zip(&reforms))
            .map(|((reform, metrics), (file, sc))| ReformOutcome {
                reform,
                scenario_file: file.display().to_string(),
                scenario_hash: super::hash_sources(sc).1,
                metrics,
            })
            .collect(),
        scenario_files,
        target_ci: args.target_ci,
        posterior,
        scale: args.scale,
        threads,
        wall_time_seconds: wall,
    };
    manifest::write_sorted(&out_dir.join(MANIFEST), &outcome.manifest())?;
    if !quiet {
        print!("{}", outcome.summary());
    }
    if args.report {
        let (report, files) = super::write_report(&out_dir, quiet)?;
        outcome.report = Some(report);
        outcome.files.extend(files);
        manifest::write_sorted(&out_dir.join(MANIFEST), &outcome.manifest())?;
    }
    if args.printing.json {
        outcome.print_json()?;
    }
    Ok(())
}

/// Every file behind the scenarios (each `extends` chain), once, for the report's sources.
fn scenario_files<'a>(scenarios: impl Iterator<Item = &'a Scenario>) -> Vec<ScenarioFile> {
    let mut files: Vec<ScenarioFile> = Vec::new();
    for s in scenarios {
        for f in super::hash_sources(s).0 {
            if !files.iter().any(|x| x.path == f.path) {
                files.push(f);
            }
        }
    }
    files
}

/// Every scenario's replications, run in batches with common random numbers.
pub(crate) struct Replicated {
    /// Per scenario (the baseline first), every replication's summary, in replication order.
    pub(crate) per_scenario: Vec<Vec<crate::sim::RunSummary>>,
    pub(crate) replications: u64,
    /// With a target: whether it was met or the cap reached.
    pub(crate) stop_reason: Option<String>,
}

/// Run replications `0..first` of every scenario; with a target half-width `w` (`--target-ci`),
/// keep doubling the replications until every headline difference's 95% half-width is at most
/// `w` or `max` replications are reached. `batch` is told each batch's replications before it
/// runs, `on_done` each finished run. The one loop of `custody-sim compare` and the Python
/// package's `compare`.
pub(crate) fn replicate(
    runner: &Runner,
    params: &[&crate::sim::Params],
    names: &[String],
    seed: u64,
    (first, target_ci, max): (u64, Option<f64>, u64),
    batch: &mut dyn FnMut(std::ops::Range<u64>),
    on_done: &(dyn Fn() + Sync),
) -> Result<Replicated> {
    let mut per_scenario: Vec<Vec<crate::sim::RunSummary>> = vec![Vec::new(); params.len()];
    let mut n = 0u64;
    let mut size = match target_ci {
        Some(_) => first.min(max),
        None => first,
    };
    let stop_reason = loop {
        batch(n..n + size);
        let more = run_summaries(runner, params, seed, n..n + size, on_done).map_err(|e| {
            anyhow!(
                "replication {} of {} failed: {}",
                e.replication,
                names.get(e.scenario).map_or("?", String::as_str),
                e.message
            )
        })?;
        for (all, new) in per_scenario.iter_mut().zip(more) {
            all.extend(new);
        }
        n += size;
        let Some(w) = target_ci else { break None };
        let widest = widest_headline(&per_scenario);
        if widest <= w {
            break Some(format!("target met: every headline difference's 95% half-width is at most {w} (widest {widest:.3}) after {n} replications"));
        }
        if n >= max {
            break Some(format!("cap reached: {n} replications (--max-replications) and the widest headline half-width is still {widest:.3} > {w}"));
        }
        size = n.min(max - n);
    };
    Ok(Replicated {
        per_scenario,
        replications: n,
        stop_reason,
    })
}

/// The widest 95% half-width of any headline metric's paired difference (what `--target-ci`
/// watches).
fn widest_headline(per_scenario: &[Vec<crate::sim::RunSummary>]) -> f64 {
    per_scenario[1..]
        .iter()
        .flat_map(|r| crate::experiment::compare::paired(&per_scenario[0], r))
        .filter(|d| crate::sim::metrics::HEADLINE.contains(&d.metric))
        .map(|d| d.paired_half_width())
        .fold(0.0, f64::max)
}
