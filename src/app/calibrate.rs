//! `custody-sim calibrate`: fit free parameters of a scenario to published targets by approximate
//! Bayesian computation (rejection) under common random numbers, then run the fitted scenario and
//! report its fit on the fitted targets and, separately, on the held-out ones. Candidates run in
//! parallel, stream to disk and resume after an interruption.

use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};

use super::outcome::{CalibrateOutcome, CommandOutcome, ParameterOutcome};
use super::{bad_input, lock_out, progress_bar, BadInput};
use crate::cli::CalibrateArgs;
use crate::error::ScenarioError;
use crate::experiment::calibrate::{self, Calibration};
use crate::experiment::campaign::folder::{self, Info};
use crate::experiment::campaign::log::LogSpec;
use crate::experiment::campaign::{Plan, Session, Shard};
use crate::experiment::targets::{self, Outcome, Target};
use crate::output;
use crate::output::calibrate::{self as files, CalibrationInfo, Recorded, Role};
use crate::output::manifest::{self, CalibrationRun};
use crate::output::schema::{accepted, candidates, posterior, target, CALIBRATED, MANIFEST};
use crate::runner::{run_replications, Faults, RunResult, Runner};
use crate::scenario::{self, overrides, Scenario};
use crate::sim::{simulate, DailyLog};

fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "calibration".into());
    PathBuf::from("outputs").join(format!("calibrate-{stem}"))
}

/// A calibration as a campaign: one job per candidate, one task per replication (every target's
/// value, fitted first, then held out); a candidate's outcome is the per-target mean over its
/// replications, summed in replication order. A candidate fails if any replication fails.
impl Plan for Calibration {
    type Task = Vec<f64>;
    type Job = Vec<f64>;
    fn log(&self) -> LogSpec {
        files::log(self)
    }
    fn jobs(&self) -> u64 {
        self.candidates.len() as u64
    }
    fn tasks_per_job(&self) -> u64 {
        self.replications
    }
    fn run_task(&self, candidate: u64, rep: u64) -> Result<Vec<f64>, String> {
        let sc = self
            .scenario(candidate as usize)
            .map_err(|e| e.to_string())?;
        let mut log = DailyLog::default();
        let summary = simulate(&sc.params, self.seed, rep, &mut log);
        Ok(self
            .targets
            .iter()
            .map(|t| t.evaluate(&log.0, &summary))
            .collect())
    }
    fn combine(&self, _: u64, reps: Vec<Result<Vec<f64>, String>>) -> Result<Vec<f64>, String> {
        mean_of(reps)
    }
    fn record(&self, candidate: u64, outcome: &Result<Vec<f64>, String>) -> Vec<String> {
        files::record(self, candidate as usize, outcome)
    }
}

/// The per-target means over a candidate's replications, summed in replication order; the first
/// error if any replication failed.
pub(super) fn mean_of(reps: Vec<Result<Vec<f64>, String>>) -> Result<Vec<f64>, String> {
    let mut sum: Vec<f64> = Vec::new();
    for r in &reps {
        let v = r.as_ref().map_err(|e| e.clone())?;
        if sum.is_empty() {
            sum = vec![0.0; v.len()];
        }
        for (s, x) in sum.iter_mut().zip(v) {
            *s += x;
        }
    }
    let n = reps.len() as f64;
    Ok(sum.into_iter().map(|s| s / n).collect())
}

/// Every parameter's prior, posterior summary and fitted value, for the summary and `--json`.
pub(super) fn parameter_outcomes(
    cal: &Calibration,
    posteriors: &[calibrate::Posterior],
    fitted: &[f64],
) -> Vec<ParameterOutcome> {
    cal.parameters
        .iter()
        .zip(posteriors)
        .zip(fitted)
        .map(|((p, q), &f)| ParameterOutcome {
            path: p.path.clone(),
            prior: p.prior.name(),
            min: p.min,
            max: p.max,
            fitted: f,
            posterior_mean: q.mean,
            posterior_median: q.median,
            ci95_low: q.low,
            ci95_high: q.high,
        })
        .collect()
}

/// `to` as a path relative to the folder `from` (both made absolute), with `/` separators; the
/// absolute path if they share no root.
fn relative_to(from: &Path, to: &Path) -> Result<String> {
    let from = std::fs::canonicalize(from)
        .with_context(|| format!("cannot resolve {}", from.display()))?;
    let to =
        std::fs::canonicalize(to).with_context(|| format!("cannot resolve {}", to.display()))?;
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return Ok(to.display().to_string());
    }
    let mut parts: Vec<String> = vec!["..".into(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(parts.join("/"))
}

pub(super) fn calibrate(args: &CalibrateArgs) -> Result<()> {
    let cal = calibrate::load(&args.calibration).map_err(BadInput)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.calibration));
    if cal.smc.is_some() {
        return super::calibrate_smc::calibrate_smc(cal, args, &out);
    }
    if args.next_round || args.shard.is_some() || args.emit_slurm.is_some() {
        return Err(BadInput(ScenarioError::Schema {
            path: "(command line)".into(),
            chain: String::new(),
            field: "--next-round, --shard, --emit-slurm".into(),
            message: format!(
                "are steps of an ABC-SMC calibration; {} uses kind = \"{}\" (run it whole; sweeps shard a fixed design)",
                args.calibration.display(),
                cal.method()
            ),
        })
        .into());
    }
    let info = CalibrationInfo::new(&cal);
    let _lock = lock_out(&out, "calibrate")?;
    check_folder(&out, &info, args.resume)?;
    let session = Session::open(&cal, &out, Shard::WHOLE, args.resume).map_err(bad_input)?;
    folder::write(&out, &info)?;
    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let threads = runner.threads();
    let reps = cal.replications;
    let bar = progress_bar(
        session.pending_tasks(),
        args.printing.quiet || args.printing.json,
        "runs",
    );
    bar.set_message(format!("calibrating {}", cal.file.display()));
    let started = Instant::now();
    let ran = session.run(&runner, &Faults::from_env(), &|| bar.inc(1))?;
    let pending = ran.done_now as usize;
    bar.finish_and_clear();
    let wall_candidates = started.elapsed().as_secs_f64();

    // Everything from here on is computed from candidates.csv as written, so that a resumed
    // calibration gives byte for byte what an uninterrupted one gives.
    let rows = files::read_candidates(&cal, &out)?;
    let missing = rows.iter().filter(|r| **r == Recorded::Missing).count();
    if missing > 0 {
        bail!(
            "{missing} candidates are missing from {}/{}; run again with --resume",
            out.display(),
            candidates::FILE
        );
    }
    let distances: Vec<Option<f64>> = rows
        .iter()
        .map(|r| match r {
            Recorded::Ok(d) => Some(*d),
            _ => None,
        })
        .collect();
    let failed = distances.iter().filter(|d| d.is_none()).count();
    let want = cal.accepted_count();
    let accepted = calibrate::accept(&distances, want);
    if accepted.len() < 2 {
        bail!(
            "only {} of {} candidates ran successfully; at least 2 are needed (their errors are in {}/{})",
            accepted.len(),
            cal.candidates.len(),
            out.display(),
            candidates::FILE
        );
    }
    let posteriors = calibrate::posteriors(&cal, &accepted);
    let fitted = calibrate::fitted(&cal, &posteriors);
    let fitted_sc = cal
        .written_scenario(&fitted, &format!("{} fitted values", cal.file.display()))
        .map_err(|e| {
            anyhow!("the fitted values (posterior medians) do not make a valid scenario: {e}")
        })?;
    files::write_accepted(&out.join(accepted::FILE), &cal, &accepted, &distances)?;
    files::write_posterior(
        &out.join(posterior::FILE),
        &cal,
        &posteriors,
        &fitted,
        accepted.len(),
    )?;

    let (calibrated_path, calibrated, extends) =
        write_calibrated(&cal, &out, &fitted_sc.loaded.merged, &fitted, &posteriors)?;

    // The fitted scenario itself, against every target.
    let bar = progress_bar(
        reps,
        args.printing.quiet || args.printing.json,
        "replications",
    );
    bar.set_message(format!("running {}", calibrated_path.display()));
    let at_scale = cal
        .at_scale(&calibrated, &calibrated_path.display().to_string())
        .map_err(BadInput)?;
    let runs = run_replications(&runner, &at_scale.params, cal.seed, reps, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let results = fit_results(&cal, &runs);
    let start = &cal.base.loaded.raw.time.start_date;
    files::write_fit(&out.join(target::FIT_FILE), start, &results)?;
    let d = |i: usize| distances[i].unwrap_or(f64::NAN);
    let files = [
        CalibrationInfo::FILE,
        candidates::FILE,
        accepted::FILE,
        posterior::FILE,
        CALIBRATED,
        target::FIT_FILE,
        MANIFEST,
    ];
    let outcome = CalibrateOutcome {
        calibration_file: args.calibration.display().to_string(),
        identity: info.identity,
        run: CalibrationRun {
            method: calibrate::ABC_REJECTION,
            seed: cal.seed,
            replications: cal.replications,
            candidates: cal.candidates.len(),
            candidates_run_now: pending,
            candidates_failed: failed,
            accepted: accepted.len(),
            scale: (cal.scale != 1.0).then_some(cal.scale),
        },
        out: out.display().to_string(),
        calibrated_scenario: calibrated_path.display().to_string(),
        files: files.map(String::from).to_vec(),
        parameters: parameter_outcomes(&cal, &posteriors, &fitted),
        targets: results,
        distances: (d(accepted[0]), d(accepted[accepted.len() - 1])),
        extends,
        threads,
        wall_candidates,
        wall_time_seconds: started.elapsed().as_secs_f64(),
        smc: None,
    };
    manifest::write_sorted(&out.join(MANIFEST), &outcome.manifest())?;
    outcome.emit(args.printing.json, args.printing.quiet)?;
    if failed > 0 {
        bail!(
            "{failed} of {} candidates failed and were left out (their errors are in {}/{})",
            cal.candidates.len(),
            out.display(),
            candidates::FILE
        );
    }
    Ok(())
}

/// Refuse an output folder that holds a calibration, unless `resume` and it is the same one.
pub(super) fn check_folder(out: &Path, info: &CalibrationInfo, resume: bool) -> Result<()> {
    let refuse = |message: String| -> anyhow::Error {
        BadInput(ScenarioError::Outputs {
            path: out.to_path_buf(),
            message,
        })
        .into()
    };
    let holds = out.join(CalibrationInfo::FILE).exists();
    if !resume && (out.join(candidates::FILE).exists() || holds) {
        return Err(refuse(
            "already holds a calibration: add --resume to continue it, or choose another --out"
                .into(),
        ));
    }
    if resume && holds {
        let old: CalibrationInfo = folder::read(out)?;
        if old.identity != info.identity {
            return Err(refuse(format!(
                "holds a different calibration ({}); --resume continues only the same calibration file, base scenario and targets file",
                old.calibration_file
            )));
        }
    }
    Ok(())
}

/// Write the calibrated scenario into `out`: it extends the base and overrides only the fitted
/// parameters (`merged`: the fitted scenario's table); checked by loading it back. Returns its
/// path, the scenario, and what it extends (relative to `out`).
pub(super) fn write_calibrated(
    cal: &Calibration,
    out: &Path,
    merged: &toml::Table,
    fitted: &[f64],
    posteriors: &[calibrate::Posterior],
) -> Result<(PathBuf, Scenario, String)> {
    let path = out.join(CALIBRATED);
    let extends = relative_to(out, &cal.base_path)?;
    let text = calibrate::calibrated_text(cal, merged, fitted, posteriors, &extends)
        .context("cannot write the calibrated scenario as TOML")?;
    output::write_atomic_text(&path, &text)?;
    let calibrated = scenario::load(&path)
        .with_context(|| format!("the calibrated scenario {} does not load", path.display()))?;
    verify_calibrated(cal, fitted, &calibrated.loaded.merged)
        .with_context(|| format!("checking {}", path.display()))?;
    Ok((path, calibrated, extends))
}

/// Every target (fitted first, then held out) against the calibrated scenario's runs.
pub(super) fn fit_results<'a>(
    cal: &'a Calibration,
    runs: &[RunResult],
) -> Vec<(Role, &'a Target, Outcome)> {
    cal.targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let values: Vec<f64> = runs
                .iter()
                .map(|r| t.evaluate(&r.days, &r.summary))
                .collect();
            let role = if i < cal.n_fit {
                Role::Fitted
            } else {
                Role::HeldOut
            };
            (role, t, targets::outcome(t, &values))
        })
        .collect()
}

/// The calibrated scenario must hold the fitted values, and differ from the base only there (and
/// in `meta`).
fn verify_calibrated(cal: &Calibration, fitted: &[f64], merged: &toml::Table) -> Result<()> {
    for (p, &x) in cal.parameters.iter().zip(fitted) {
        let want = p.value(x);
        let got = overrides::get(merged, &p.path);
        if got != Some(&want) {
            bail!(
                "`{}` is {} instead of the fitted value {}",
                p.path,
                got.map(overrides::show)
                    .unwrap_or_else(|| "(absent)".into()),
                overrides::show(&want)
            );
        }
    }
    let paths: Vec<&str> = cal.parameters.iter().map(|p| p.path.as_str()).collect();
    for (path, old, new) in overrides::diff(&cal.base.loaded.merged, merged) {
        if !paths.contains(&path.as_str()) && !path.starts_with("meta.") {
            bail!("`{path}` changed from {old} to {new}, but it is not a fitted parameter");
        }
    }
    Ok(())
}
