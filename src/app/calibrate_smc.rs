//! `custody-sim calibrate` with `kind = "abc_smc"`: sequential Monte Carlo ABC
//! ([`crate::experiment::calibrate::smc`]) on the campaign engine. Each generation is a campaign
//! in `generations/gen-GGG/` whose jobs are the generation's proposals, run in rounds of the size
//! the algorithm asks for; every particle's per-target means are logged, so that an interrupted
//! calibration resumes (`--resume`) by replaying the logs and goes on exactly as an uninterrupted
//! one, whatever the thread count.

use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};

use super::calibrate::{check_folder, fit_results, parameter_outcomes, write_calibrated};
use super::outcome::{CalibrateOutcome, CommandOutcome};
use super::BadInput;
use super::{bad_input, lock_out, progress_bar};
use crate::cli::CalibrateArgs;
use crate::experiment::calibrate::smc::{self, Smc};
use crate::experiment::calibrate::{Calibration, Posterior};
use crate::experiment::campaign::folder::{self, Info};
use crate::experiment::campaign::log::LogSpec;
use crate::experiment::campaign::{Plan, Session, Shard};
use crate::experiment::slurm::SlurmOptions;
use crate::output::calibrate::{self as files, CalibrationInfo};
use crate::output::calibrate_smc as smc_files;
use crate::output::format::counted;
use crate::output::manifest::{self, CalibrationRun};
use crate::output::schema::{candidates, posterior, target, CALIBRATED, MANIFEST};
use crate::runner::{run_replications, Faults, Runner};
use crate::sim::{simulate, DailyLog};

/// The folder of generation `g`'s log and population.
pub(crate) fn generation_dir(out: &Path, g: u32) -> std::path::PathBuf {
    out.join(smc_files::GENERATIONS_DIR)
        .join(format!("gen-{g:03}"))
}

/// The replication stream of replication `rep` of proposal `k` of generation `g`: every
/// particle runs on its own random numbers (the ABC posterior integrates over the model's noise),
/// all apart from the streams 0.. of the calibrated scenario's own runs.
fn simulation_stream(g: u32, k: u64, reps: u64, rep: u64) -> u64 {
    ((u64::from(g) + 1) << 40) | (k * reps + rep)
}

/// One generation of an ABC-SMC calibration as a campaign: one job per proposal, one task per
/// replication; a job's outcome is the per-target mean over its replications.
struct Generation<'a> {
    cal: &'a Calibration,
    smc: &'a Smc,
    jobs: u64,
}

impl Generation<'_> {
    fn new<'a>(cal: &'a Calibration, smc: &'a Smc) -> Generation<'a> {
        let s = smc.settings;
        let jobs = if smc.generation() == 0 {
            s.first_draws()
        } else {
            s.max_proposals()
        } as u64;
        Generation { cal, smc, jobs }
    }

    fn values(&self, k: u64) -> Vec<f64> {
        let z = self.smc.proposals(k as usize, 1);
        self.smc.values(&z[0])
    }
}

impl Plan for Generation<'_> {
    type Task = Vec<f64>;
    type Job = Vec<f64>;
    fn log(&self) -> LogSpec {
        LogSpec {
            what: "an ABC-SMC generation's candidates.csv",
            ..files::log(self.cal)
        }
    }
    fn jobs(&self) -> u64 {
        self.jobs
    }
    fn tasks_per_job(&self) -> u64 {
        self.cal.replications
    }
    fn run_task(&self, k: u64, rep: u64) -> Result<Vec<f64>, String> {
        let g = self.smc.generation();
        let sc = self
            .cal
            .scenario_with(
                &self.values(k),
                &format!("{} generation {g} particle {k}", self.cal.file.display()),
            )
            .map_err(|e| e.to_string())?;
        let mut log = DailyLog::default();
        let stream = simulation_stream(g, k, self.cal.replications, rep);
        let summary = simulate(&sc.params, self.cal.seed, stream, &mut log);
        Ok(self
            .cal
            .targets
            .iter()
            .map(|t| t.evaluate(&log.0, &summary))
            .collect())
    }
    fn combine(&self, _: u64, reps: Vec<Result<Vec<f64>, String>>) -> Result<Vec<f64>, String> {
        super::calibrate::mean_of(reps)
    }
    fn record(&self, k: u64, outcome: &Result<Vec<f64>, String>) -> Vec<String> {
        files::record_values(self.cal, k as usize, &self.values(k), outcome)
    }
}

/// The distance of each recorded particle (infinite for a failed one).
fn distances(cal: &Calibration, recorded: &[files::Logged]) -> Vec<f64> {
    recorded
        .iter()
        .map(|r| match r {
            Some(Ok(means)) => cal.distance(means),
            _ => f64::INFINITY,
        })
        .collect()
}

/// What this process does of an ABC-SMC calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Run it to its end (resuming what the logs hold) and write the results.
    Whole,
    /// Print the open round, or "done", and stop.
    NextRound,
    /// Run one shard of the open round into its own log, and stop.
    Shard(Shard),
}

/// Read generation `dir`'s log and every shard's log in `dir/shards/`: per particle what one of
/// them records (a particle's record depends only on the particle, so any of them will do).
fn read_logs(cal: &Calibration, dir: &Path, jobs: usize) -> Result<Vec<files::Logged>> {
    let mut all = files::read_log(cal, dir, jobs)?;
    let shards = dir.join("shards");
    if shards.is_dir() {
        let mut folders: Vec<_> = std::fs::read_dir(&shards)
            .with_context(|| format!("cannot read {}", shards.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        for f in folders {
            for (slot, r) in all.iter_mut().zip(files::read_log(cal, &f, jobs)?) {
                if slot.is_none() {
                    *slot = r;
                }
            }
        }
    }
    Ok(all)
}

pub(super) fn calibrate_smc(cal: Calibration, args: &CalibrateArgs, out: &Path) -> Result<()> {
    let mode = match (args.next_round, args.shard) {
        (true, _) => Mode::NextRound,
        (false, Some(s)) => Mode::Shard(Shard { k: s.k, n: s.n }),
        (false, None) => Mode::Whole,
    };
    if let Some(n) = args.emit_slurm {
        return emit_slurm(&cal, args, n, out);
    }
    let info = CalibrationInfo::new(&cal);
    // A shard locks only its own folder (shards of a round run at once); the rest lock the whole.
    let _lock = match mode {
        Mode::Shard(_) => None,
        _ => Some(lock_out(out, "calibrate")?),
    };
    match mode {
        Mode::Whole => check_folder(out, &info, args.resume)?,
        // Steps of a cluster run continue the calibration in the folder: a different calibration
        // is refused, the same one (or none yet) goes on.
        _ => check_folder(out, &info, true)?,
    }
    if !matches!(mode, Mode::Shard(_)) {
        folder::write(out, &info)?;
    } else if !folder::holds::<CalibrationInfo>(out) {
        bail!(
            "{} holds no calibration yet: run `custody-sim calibrate {} --next-round --out {}` first (the emitted driver does)",
            out.display(),
            args.calibration.display(),
            out.display()
        );
    }
    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let threads = runner.threads();
    let quiet = args.printing.quiet || args.printing.json;
    let whole = mode == Mode::Whole;
    let faults = Faults::from_env();
    let started = Instant::now();
    let all = cal.parameters.len();
    let cal = match cal.screen {
        None => cal,
        Some(_) => screen(cal, out, &runner, mode, quiet)?,
    };
    let screened = cal.screen.map(|_| (cal.parameters.len(), all));
    let mut smc = cal.new_smc().expect("an ABC-SMC calibration");
    let mut run_now = 0u64;
    let mut failed = 0usize;
    // The last closed generation's recorded means, for the posterior predictive check.
    let mut last_means: Vec<files::Logged> = Vec::new();
    while smc.stopped.is_none() {
        let g = smc.generation();
        let dir = generation_dir(out, g);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        // Rounds of the sizes the algorithm asks for, each run where the logs lack it (so that a
        // resumed calibration replays the same rounds and ends exactly as an uninterrupted one).
        loop {
            let from = smc.told();
            let n = smc.round();
            let plan = Generation::new(&cal, &smc);
            let jobs = plan.jobs as usize;
            let recorded = read_logs(&cal, &dir, jobs)?;
            let missing: Vec<u64> = (from..from + n)
                .filter(|&j| recorded[j].is_none())
                .map(|j| j as u64)
                .collect();
            if !missing.is_empty() {
                let (log_dir, shard) = match mode {
                    Mode::NextRound => {
                        println!("round {g} {from} {n}");
                        return Ok(());
                    }
                    Mode::Shard(s) => (s.folder(&dir), s),
                    Mode::Whole => (dir.clone(), Shard::WHOLE),
                };
                let _shard_lock = match mode {
                    Mode::Shard(_) => Some(lock_out(&log_dir, "calibrate")?),
                    _ => None,
                };
                let session = Session::open(&plan, &log_dir, Shard::WHOLE, true)
                    .map_err(bad_input)?
                    .only(|j| missing.binary_search(&j).is_ok() && shard.owns(j));
                if session.pending() > 0 {
                    let bar = progress_bar(session.pending_tasks(), quiet, "runs");
                    bar.set_message(format!(
                        "generation {g}: {} of {} accepted (tolerance {})",
                        smc.accepted(),
                        smc.settings.population,
                        smc_files::show_tolerance(smc.tolerance())
                    ));
                    let ran = session.run(&runner, &faults, &|| bar.inc(1))?;
                    bar.finish_and_clear();
                    run_now += ran.done_now;
                }
                if let Mode::Shard(s) = mode {
                    if !quiet {
                        eprintln!(
                            "shard {}/{} of generation {g}, particles {from}..{}: {} run",
                            s.k,
                            s.n,
                            from + n,
                            counted(run_now, "particle", "particles")
                        );
                    }
                    return Ok(());
                }
            }
            let recorded = read_logs(&cal, &dir, jobs)?;
            if recorded[from..from + n].iter().any(Option::is_none) {
                bail!(
                    "particles of generation {g} are missing from {}/{}; run again with --resume",
                    dir.display(),
                    candidates::FILE
                );
            }
            let d = distances(&cal, &recorded[from..from + n]);
            failed += recorded[from..from + n]
                .iter()
                .filter(|r| matches!(r, Some(Err(_))))
                .count();
            let closed = smc
                .tell(from, &d)
                .map_err(|e| anyhow!("generation {g} in {}: {e}", dir.display()))?;
            if closed {
                last_means = recorded;
                break;
            }
        }
        let h = *smc.history.last().expect("a generation closed");
        if whole {
            if !h.abandoned {
                let pop = smc.population.as_ref().expect("a closed generation");
                smc_files::write_population(&dir.join(smc_files::POPULATION), &cal, &smc, pop)?;
            }
            smc_files::write_generations(&out.join(smc_files::GENERATIONS), &smc.history)?;
        }
        if !quiet && whole {
            eprintln!(
                "{}",
                smc_files::generation_line(&h, smc.settings.population)
            );
        }
    }
    match mode {
        Mode::NextRound => {
            println!("done");
            return Ok(());
        }
        Mode::Shard(s) => {
            if !quiet {
                eprintln!(
                    "shard {}/{}: the calibration has stopped; nothing to run",
                    s.k, s.n
                );
            }
            return Ok(());
        }
        Mode::Whole => {}
    }
    let stop = smc.stopped.expect("the loop ends when the run stops");
    let pop = smc.population.clone().expect("generation 0 closed");
    // The population's particles as recorded: a generation abandoned keeps the one before, whose
    // log is read again.
    let last_closed = smc
        .history
        .iter()
        .rev()
        .find(|h| !h.abandoned)
        .expect("generation 0 is never abandoned");
    if smc.history.last().is_some_and(|h| h.abandoned) {
        let dir = generation_dir(out, last_closed.generation);
        last_means = read_logs(&cal, &dir, last_closed.runs.max(1))?;
    }
    let means: Vec<Vec<f64>> = pop
        .index
        .iter()
        .map(|&k| match last_means.get(k) {
            Some(Some(Ok(m))) => Ok(m.clone()),
            _ => Err(anyhow!(
                "particle {k} of the last population has no recorded means"
            )),
        })
        .collect::<Result<_>>()?;
    let values: Vec<Vec<f64>> = pop.z.iter().map(|z| smc.values(z)).collect();
    let posteriors: Vec<Posterior> = (0..cal.parameters.len())
        .map(|j| {
            let v: Vec<f64> = values.iter().map(|x| x[j]).collect();
            smc::weighted_posterior(&v, &pop.w)
        })
        .collect();
    let fitted = crate::experiment::calibrate::fitted(&cal, &posteriors);
    smc_files::write_population(&out.join(smc_files::POPULATION), &cal, &smc, &pop)?;
    files::write_posterior(
        &out.join(posterior::FILE),
        &cal,
        &posteriors,
        &fitted,
        pop.z.len(),
    )?;
    smc_files::write_identification(&out.join(smc_files::IDENTIFICATION), &cal, &smc, &pop)?;
    let start = &cal.base.loaded.raw.time.start_date;
    smc_files::write_predictive(
        &out.join(smc_files::PREDICTIVE),
        &cal,
        start,
        &means,
        &pop.w,
    )?;
    let ensemble = smc_files::write_ensemble(&out.join(smc_files::ENSEMBLE), &cal, &smc, &pop)?;
    let fitted_sc = cal
        .written_scenario(&fitted, &format!("{} fitted values", cal.file.display()))
        .map_err(|e| {
            anyhow!("the fitted values (posterior medians) do not make a valid scenario: {e}")
        })?;
    let (calibrated_path, calibrated, extends) =
        write_calibrated(&cal, out, &fitted_sc.loaded.merged, &fitted, &posteriors)?;
    let reps = cal.replications;
    let bar = progress_bar(reps, quiet, "replications");
    bar.set_message(format!("running {}", calibrated_path.display()));
    let at_scale = cal
        .at_scale(&calibrated, &calibrated_path.display().to_string())
        .map_err(BadInput)?;
    let runs = run_replications(&runner, &at_scale.params, cal.seed, reps, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let results = fit_results(&cal, &runs);
    files::write_fit(&out.join(target::FIT_FILE), start, &results)?;
    let charts = crate::output::charts::charts_for_calibration(out, &out.join(smc_files::CHARTS))
        .context("drawing the calibration's charts")?;
    let screen_file = cal.screen.map(|_| smc_files::SCREEN);
    let files_written = [
        CalibrationInfo::FILE,
        smc_files::GENERATIONS,
        smc_files::POPULATION,
        posterior::FILE,
        smc_files::IDENTIFICATION,
        smc_files::PREDICTIVE,
        smc_files::ENSEMBLE,
        CALIBRATED,
        target::FIT_FILE,
        MANIFEST,
    ];
    let total_runs: usize = smc.history.iter().map(|h| h.runs).sum();
    let coverage = targets_covered(&cal, &means, &pop.w);
    let outcome = CalibrateOutcome {
        calibration_file: args.calibration.display().to_string(),
        identity: info.identity,
        run: CalibrationRun {
            method: cal.method(),
            seed: cal.seed,
            replications: cal.replications,
            candidates: total_runs,
            candidates_run_now: run_now as usize,
            candidates_failed: failed,
            accepted: pop.z.len(),
            scale: (cal.scale != 1.0).then_some(cal.scale),
        },
        out: out.display().to_string(),
        calibrated_scenario: calibrated_path.display().to_string(),
        files: files_written
            .into_iter()
            .chain(screen_file)
            .map(String::from)
            .chain(charts.iter().flat_map(|c| {
                [&c.svg, &c.png].map(|p| p.strip_prefix(out).unwrap_or(p).display().to_string())
            }))
            .collect(),
        parameters: parameter_outcomes(&cal, &posteriors, &fitted),
        targets: results,
        distances: (
            pop.d.iter().copied().fold(f64::INFINITY, f64::min),
            pop.largest(),
        ),
        extends,
        threads,
        wall_candidates: started.elapsed().as_secs_f64(),
        wall_time_seconds: started.elapsed().as_secs_f64(),
        smc: Some(smc_files::SmcSummary {
            generations: smc.history.clone(),
            stop: stop.describe(),
            ess: pop.ess(),
            ensemble,
            covered: coverage,
            screened,
        }),
    };
    manifest::write_sorted(&out.join(MANIFEST), &outcome.manifest())?;
    outcome.emit(args.printing.json, args.printing.quiet)?;
    if failed > 0 {
        bail!(
            "{} failed and were left out (their errors are in {}/{}/gen-*/{})",
            counted(failed as u64, "particle", "particles"),
            out.display(),
            smc_files::GENERATIONS_DIR,
            candidates::FILE
        );
    }
    Ok(())
}

/// Per role (fitted, held out): how many targets the posterior predictive interval meets, of how
/// many.
fn targets_covered(cal: &Calibration, means: &[Vec<f64>], w: &[f64]) -> [(usize, usize); 2] {
    let mut out = [(0, 0); 2];
    for (i, t) in cal.targets.iter().enumerate() {
        let v: Vec<f64> = means.iter().map(|m| m[i]).collect();
        let role = usize::from(i >= cal.n_fit);
        out[role].1 += 1;
        out[role].0 += usize::from(t.passes(&smc_files::predictive_interval(&v, w)));
    }
    out
}

/// Write `slurm/shard.sbatch` (one round as a job array of `n` shards), `slurm/driver.sbatch`
/// (asks for the open round, submits the array and waits for it, round after round until the
/// calibration stops, then writes the results in one process) and `slurm/submit.sh` (submits the
/// driver). Paths appear only inside single-quoted shell words and, escaped, in comments.
fn emit_slurm(cal: &Calibration, args: &CalibrateArgs, n: u64, out: &Path) -> Result<()> {
    use super::sweep::{commented, shell_quoted};
    let options = SlurmOptions::from_flags(&args.slurm)?.lines();
    let exe = std::env::current_exe().context("cannot find this program's path")?;
    let file = std::fs::canonicalize(&args.calibration)
        .with_context(|| format!("cannot resolve {}", args.calibration.display()))?;
    let out = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()?.join(out)
    };
    let dir = out.join(smc_files::SLURM_DIR);
    let (q_exe, q_file, q_out, q_dir) = (
        shell_quoted(&exe, "this program's path")?,
        shell_quoted(&file, "the calibration file's path")?,
        shell_quoted(&out, "the output folder")?,
        shell_quoted(&dir, "the output folder")?,
    );
    let _lock = lock_out(&out, "calibrate")?;
    check_folder(&out, &CalibrationInfo::new(cal), true)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let threads = if args.workers.threads == 0 {
        1
    } else {
        args.workers.threads
    };
    let shard = format!(
        "#!/bin/bash\n# One round of ABC-SMC calibration {file}: its particles in {n} shards (a job array).\n# Submitted, round after round, by {driver}.\n#SBATCH --job-name=custody-smc-round\n#SBATCH --array=1-{n}\n#SBATCH --cpus-per-task={threads}\n#SBATCH --output=shard-%a.log\n{options}set -euo pipefail\nexec {q_exe} calibrate {q_file} --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\" --threads {threads} --quiet --out {q_out}\n",
        file = commented(&file),
        driver = smc_files::SLURM_DRIVER,
    );
    // The driver waits for every round: no per-shard time limit for it.
    let driver_options: String = options
        .lines()
        .filter(|l| !l.starts_with("#SBATCH --time"))
        .map(|l| format!("{l}\n"))
        .collect();
    let driver = format!(
        "#!/bin/bash\n# Drive ABC-SMC calibration {file} to its end: ask for the open round, run it as a\n# job array of {n} shards ({shard}), and again until the calibration stops; then write its\n# results (posterior, predictive check, ensemble, calibrated scenario and its fit) in one process.\n# It waits for every round, so it gets no --time of its own: add one if your cluster needs it.\n#SBATCH --job-name=custody-smc-driver\n#SBATCH --cpus-per-task={threads}\n#SBATCH --output=driver.log\n{driver_options}set -euo pipefail\ncd -- {q_dir}\nlast=\"\"\nwhile true; do\n    round=$({q_exe} calibrate {q_file} --next-round --quiet --out {q_out})\n    if [[ \"$round\" == done ]]; then\n        break\n    fi\n    if [[ \"$round\" == \"$last\" ]]; then\n        echo \"error: $round did not complete (see shard-*.log); fix the cause and resubmit $0\" >&2\n        exit 1\n    fi\n    last=$round\n    echo \"$round: submitting {n} shards\"\n    sbatch --wait {shard}\ndone\nexec {q_exe} calibrate {q_file} --resume --threads {threads} --quiet --out {q_out}\n",
        file = commented(&file),
        shard = smc_files::SLURM_SHARD,
    );
    let submit = format!(
        "#!/bin/bash\n# Submit the driver of ABC-SMC calibration {file}; it submits every round itself.\nset -euo pipefail\ncd -- {q_dir}\ndriver=$(sbatch --parsable {driver})\necho \"submitted driver job $driver (its log: driver.log in this folder)\"\n",
        file = commented(&file),
        driver = smc_files::SLURM_DRIVER,
    );
    let names = [
        smc_files::SLURM_SHARD,
        smc_files::SLURM_DRIVER,
        smc_files::SLURM_SUBMIT,
    ];
    for (name, text) in names.into_iter().zip([shard, driver, submit]) {
        let path = dir.join(name);
        crate::output::write_atomic_text(&path, &text)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    let files: Vec<String> = names
        .iter()
        .map(|f| format!("{}/{f}", smc_files::SLURM_DIR))
        .collect();
    if args.printing.json {
        println!(
            "{}",
            serde_json::json!({
                "command": "calibrate",
                "calibration_file": args.calibration.display().to_string(),
                "shards": n,
                "out": out.display().to_string(),
                "files": files,
            })
        );
    } else if !args.printing.quiet {
        println!(
            "Slurm scripts for ABC-SMC calibration {}: each round as {} in {}/ ({}).\nSubmit with: bash {}/{}",
            args.calibration.display(),
            counted(n, "shard", "shards"),
            dir.display(),
            names.join(", "),
            dir.display(),
            smc_files::SLURM_SUBMIT
        );
    }
    Ok(())
}

/// The one-at-a-time screen (`[screen]`): every parameter at its least and greatest value, the
/// others at the base scenario's, `replications` each under common random numbers; the
/// calibration goes on with the parameters that move some fitted target by at least `threshold`
/// tolerances. Its table, `screen.csv`, is written once and read by every later step (resume,
/// rounds and shards of a cluster run), so the screen runs once.
fn screen(
    cal: Calibration,
    out: &Path,
    runner: &Runner,
    mode: Mode,
    quiet: bool,
) -> Result<Calibration> {
    let s = cal.screen.expect("a screen was asked for");
    let path = out.join(smc_files::SCREEN);
    if let Some(keep) = smc_files::read_screen(&path, &cal)? {
        return Ok(cal.restricted(&keep));
    }
    if let Mode::Shard(_) = mode {
        bail!(
            "{} is missing: run `custody-sim calibrate CALIBRATION.toml --next-round --out {}` first (the emitted driver does)",
            path.display(),
            out.display()
        );
    }
    let points = cal.screen_points();
    let tasks: Vec<(usize, u64)> = (0..points.len())
        .flat_map(|i| (0..s.replications).map(move |r| (i, r)))
        .collect();
    let bar = progress_bar(tasks.len() as u64, quiet, "runs");
    bar.set_message(format!(
        "screening {} parameters one at a time",
        cal.parameters.len()
    ));
    let n_fit = cal.n_fit;
    let results = runner.map(
        &tasks,
        |&(i, rep)| {
            let sc = cal
                .scenario_from(
                    &points[i],
                    &format!("{} screen point {i}", cal.file.display()),
                )
                .map_err(|e| e.to_string())?;
            let mut log = DailyLog::default();
            let summary = simulate(&sc.params, cal.seed, rep, &mut log);
            Ok(cal.targets[..n_fit]
                .iter()
                .map(|t| t.evaluate(&log.0, &summary))
                .collect::<Vec<f64>>())
        },
        &|| bar.inc(1),
    );
    bar.finish_and_clear();
    let mut means = Vec::with_capacity(points.len());
    for chunk in results.chunks(s.replications as usize) {
        means.push(
            super::calibrate::mean_of(chunk.to_vec())
                .map_err(|e| anyhow!("a screen run failed: {e}"))?,
        );
    }
    // Every screened scenario's replications give each target's noise (a pooled spread).
    let runs: Vec<Vec<Vec<f64>>> = results
        .chunks(s.replications as usize)
        .map(|c| c.iter().filter_map(|r| r.as_ref().ok().cloned()).collect())
        .collect();
    let noise = cal.screen_noise(&runs);
    let effects = cal.screen_effects(&means);
    let verdicts: Vec<(bool, usize)> = effects
        .iter()
        .map(|e| crate::experiment::calibrate::screen_verdict(e, &noise, s.threshold))
        .collect();
    let keep: Vec<usize> = (0..verdicts.len()).filter(|&j| verdicts[j].0).collect();
    smc_files::write_screen(&path, &cal, &effects, &noise, &verdicts)?;
    if keep.is_empty() {
        bail!(
            "no parameter moves a fitted target by {} tolerances (and beyond its noise) across its prior range (see {}): nothing to calibrate",
            s.threshold,
            path.display()
        );
    }
    if !quiet && mode == Mode::Whole {
        eprintln!(
            "screen: {} of {} parameters move a fitted target by at least {} tolerances ({})",
            keep.len(),
            cal.parameters.len(),
            s.threshold,
            path.display()
        );
    }
    Ok(cal.restricted(&keep))
}
