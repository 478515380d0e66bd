//! `custody-sim validate`: run a scenario and compare it, target by target, with published figures.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::outcome::{CommandOutcome, ValidateOutcome};
use super::{progress_bar, BadInput};
use crate::cli::ValidateArgs;
use crate::experiment::targets::{self, Outcome, Target};
use crate::output;
use crate::output::manifest;
use crate::output::schema::target::VALIDATION_FILE;
use crate::output::schema::MANIFEST;
use crate::runner::{each_replication, RunResult, Runner};
use crate::scenario;

pub(super) fn validate(args: &ValidateArgs) -> Result<()> {
    let sc = scenario::load(&args.scenario).map_err(BadInput)?;
    let sc = super::explorer::at_scale_arg(sc, args.scale, &args.scenario)?;
    let start = sc.loaded.raw.time.start_date.clone();
    let targets: Vec<Target> = targets::load(&args.targets, &start, sc.params.horizon_days)
        .map_err(BadInput)?
        .into_iter()
        .map(|t| t.at_cohort_share(args.scale))
        .collect();
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        PathBuf::from("outputs").join(format!("validate-{stem}"))
    });
    let _lock = super::lock_out(&out_dir, "validate")?;
    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let threads = runner.threads();
    let quiet = args.printing.quiet || args.printing.json;
    let bar = progress_bar(args.replications, quiet, "replications");
    bar.set_message(format!("validating {}", sc.name()));
    let started = Instant::now();
    // Each replication's value of every target, as the replications finish a batch at a time:
    // the daily series are dropped once read, so memory does not grow with the replications.
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); targets.len()];
    each_replication(
        &runner,
        &sc.params,
        args.seed,
        args.replications,
        &|| bar.inc(1),
        &mut |r: RunResult| -> Result<()> {
            for (t, v) in targets.iter().zip(&mut values) {
                v.push(t.evaluate(&r.days, &r.summary));
            }
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let results: Vec<(&Target, Outcome)> = targets
        .iter()
        .zip(&values)
        .map(|(t, v)| (t, targets::outcome(t, v)))
        .collect();
    output::write_validation(&out_dir.join(VALIDATION_FILE), &start, &results)?;
    let failed = results.iter().filter(|(_, o)| !o.pass).count();
    let outcome = ValidateOutcome {
        scenario: sc.name().to_string(),
        scenario_file: args.scenario.display().to_string(),
        scenario_hash: super::hash_sources(&sc).1,
        targets_file: args.targets.display().to_string(),
        seed: args.seed,
        replications: args.replications,
        scale: args.scale,
        out: out_dir.display().to_string(),
        files: [VALIDATION_FILE, MANIFEST].map(String::from).to_vec(),
        targets_total: results.len(),
        targets_failed: failed,
        targets: results,
        threads,
        wall_time_seconds: wall,
    };
    manifest::write_sorted(&out_dir.join(MANIFEST), &outcome.manifest())?;
    outcome.emit(args.printing.json, quiet)?;
    if failed > 0 {
        bail!(
            "{failed} of {} targets are outside their tolerance (see {}/{VALIDATION_FILE})",
            outcome.targets_total,
            out_dir.display()
        );
    }
    Ok(())
}
