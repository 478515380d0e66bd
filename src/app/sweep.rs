//! `custody-sim sweep`: many independent runs in parallel on the campaign engine (streamed to
//! disk, resumable, shardable across a cluster as Slurm job arrays, merged back in run order by
//! `custody-sim merge`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::merge::Merge;
use super::{bad_input, lock_out, progress_bar, BadInput};
use crate::cli::{MergeArgs, SweepArgs};
use crate::error::ScenarioError;
use crate::experiment::campaign::log::LogSpec;
use crate::experiment::campaign::{folder, Plan, Session, Shard};
use crate::experiment::slurm::{SlurmOptions, DEFAULT_MAX_ARRAY_SIZE};
use crate::experiment::sweep::{self, Sweep};
use crate::output::sweep::{self as files, SweepInfo};
use crate::runner::{Faults, Runner};
use crate::sim::{simulate, NoObserver, RunSummary};

fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sweep".into());
    PathBuf::from("outputs").join(stem)
}

/// A sweep as a campaign: one job per run (a point's scenario, one replication).
impl Plan for Sweep {
    type Task = RunSummary;
    type Job = RunSummary;
    fn log(&self) -> LogSpec {
        files::log(self)
    }
    fn jobs(&self) -> u64 {
        self.runs()
    }
    fn run_task(&self, run: u64, _: u64) -> Result<RunSummary, String> {
        let (point, rep) = self.run_of(run);
        self.scenario(point)
            .map(|sc| simulate(&sc.params, self.seed, rep, &mut NoObserver))
            .map_err(|e| e.to_string())
    }
    fn combine(
        &self,
        _: u64,
        mut tasks: Vec<Result<RunSummary, String>>,
    ) -> Result<RunSummary, String> {
        tasks.remove(0)
    }
    fn record(&self, run: u64, outcome: &Result<RunSummary, String>) -> Vec<String> {
        files::record(self, run, outcome)
    }
}

pub(super) fn sweep(args: &SweepArgs) -> Result<()> {
    let sw = sweep::load(&args.sweep).map_err(BadInput)?;
    let base_out = args.out.clone().unwrap_or_else(|| default_out(&args.sweep));
    if let Some(n) = args.emit_slurm {
        return emit_slurm(&sw, args, n, &base_out);
    }
    let shard = args
        .shard
        .map(|s| Shard { k: s.k, n: s.n })
        .unwrap_or(Shard::WHOLE);
    let (k, n) = (shard.k, shard.n);
    // A shard always goes to `<out>/shards/shard-K-of-N`, where `merge.sbatch` looks for it.
    let out = match args.shard {
        Some(_) => shard.folder(&base_out),
        None => base_out,
    };
    let mut info = SweepInfo::new(&sw, k, n, args.long);
    let _lock = lock_out(&out)?;
    if args.resume && folder::holds::<SweepInfo>(&out) {
        let old: SweepInfo = folder::read(&out)?;
        info.points_long |= old.points_long;
        if old.identity != info.identity || (old.shard_k, old.shard_n) != (k, n) {
            return Err(BadInput(ScenarioError::Outputs {
                path: out.clone(),
                message: format!(
                    "holds a different sweep or shard (sweep {} shard {}/{}); --resume continues only the same sweep file, base scenario and shard",
                    old.sweep_file, old.shard_k, old.shard_n
                ),
            })
            .into());
        }
    }
    let session = Session::open(&sw, &out, shard, args.resume).map_err(bad_input)?;
    folder::write(&out, &info)?;
    let runner = Runner::new(args.threads).context("cannot start worker threads")?;
    let bar = progress_bar(session.pending_tasks(), args.quiet || args.json, "runs");
    bar.set_message(format!("{} ({})", sw.file.display(), sw.design.name()));
    let started = Instant::now();
    let ran = session.run(&runner, &Faults::from_env(), &|| bar.inc(1))?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let (pending, failed_now, mine) = (ran.done_now, ran.failed_now, ran.owned);
    if n > 1 {
        if ran.absent > 0 {
            bail!(
                "{} of the {mine} runs of shard {k}/{n} are missing from {}/runs.csv; run the same command again with --resume",
                ran.absent,
                out.display()
            );
        }
        if args.json {
            super::print_json(
                "sweep",
                serde_json::json!({
                    "sweep_file": sw.file.display().to_string(),
                    "identity": sw.identity,
                    "design": sw.design.name(),
                    "seed": sw.seed,
                    "shard": format!("{k}/{n}"),
                    "runs_in_shard": mine,
                    "runs_done_now": pending,
                    "runs_failed_now": failed_now,
                    "out": out.display().to_string(),
                    "files": ["runs.csv", "sweep.json"],
                }),
            )?;
        } else if !args.quiet {
            println!(
                "Shard {k}/{n} of {}: {} runs done now ({} were already done), {failed_now} failed, {wall:.1} s. Outputs in {}/.\nMerge the shards with: custody-sim merge <shard folders> --out <folder>",
                sw.file.display(),
                pending,
                mine - pending,
                out.display()
            );
        }
    } else {
        let result = files::summarise(&sw, &out, info.points_long)?;
        let print = Print {
            quiet: args.quiet,
            json: args.json,
            points_long: info.points_long,
        };
        report(&sw, &out, &result, print, Some((pending as usize, wall)))?;
        if result.missing > 0 {
            bail!(
                "{} of {} runs are missing from {}/runs.csv; run the same command again with --resume",
                result.missing,
                sw.runs(),
                out.display()
            );
        }
        if result.failed > 0 {
            bail!(
                "{} of {} runs failed (their errors are in {}/runs.csv)",
                result.failed,
                sw.runs(),
                out.display()
            );
        }
    }
    if failed_now > 0 {
        bail!(
            "{failed_now} runs of shard {k}/{n} failed (their errors are in {}/runs.csv)",
            out.display()
        );
    }
    Ok(())
}

/// How a finished sweep is reported on standard output.
#[derive(Clone, Copy)]
struct Print {
    quiet: bool,
    json: bool,
    points_long: bool,
}

fn report(
    sw: &Sweep,
    out: &Path,
    result: &files::SweepResult,
    print: Print,
    run: Option<(usize, f64)>,
) -> Result<()> {
    let mut names = vec!["runs.csv", "points.csv"];
    if print.points_long {
        names.push(crate::output::schema::points_long::FILE);
    }
    if !result.sensitivity.is_empty() {
        names.push("sensitivity.csv");
        if matches!(sw.design, sweep::Design::Sobol { .. }) {
            names.push("sobol_convergence.csv");
        }
    }
    names.push("sweep.json");
    if print.json {
        return super::print_json(
            "sweep",
            serde_json::json!({
                "sweep_file": sw.file.display().to_string(),
                "identity": sw.identity,
                "design": sw.design.name(),
                "seed": sw.seed,
                "points": sw.points.len(),
                "replications": sw.replications,
                "runs": sw.runs(),
                "runs_done_now": run.map(|r| r.0),
                "ok": result.ok,
                "failed": result.failed,
                "missing": result.missing,
                "out": out.display().to_string(),
                "files": names,
                "sensitivity": files::sensitivity_json(sw, result),
            }),
        );
    }
    if print.quiet {
        return Ok(());
    }
    if let Some((ran, wall)) = run {
        println!(
            "Sweep {} ({} design): {ran} runs done now in {wall:.1} s",
            sw.file.display(),
            sw.design.name()
        );
    }
    println!(
        "{} points x {} replications = {} runs: {} ok, {} failed, {} missing",
        sw.points.len(),
        sw.replications,
        sw.runs(),
        result.ok,
        result.failed,
        result.missing
    );
    print!("{}", files::ranking(sw, result));
    println!("Outputs in {}/ ({})", out.display(), names.join(", "));
    Ok(())
}

impl Merge for Sweep {
    type Info = SweepInfo;
    const WHAT: &'static str = "sweep";
    const SAME_INPUTS: &'static str = "the same sweep file and base scenario";
    const FOREIGN_LOG: &'static str = "has a different header from this sweep's";
    fn load(file: &Path) -> Result<Self, ScenarioError> {
        sweep::load(file)
    }
    fn identity(&self) -> &str {
        &self.identity
    }
    fn summarise_merged(&self, args: &MergeArgs, infos: &[SweepInfo]) -> Result<u64> {
        let long = args.long || infos.iter().any(|i| i.points_long);
        folder::write(&args.out, &SweepInfo::new(self, 1, 1, long))?;
        let result = files::summarise(self, &args.out, long)?;
        let print = Print {
            quiet: args.quiet,
            json: args.json,
            points_long: long,
        };
        report(self, &args.out, &result, print, None)?;
        Ok(result.failed)
    }
}

/// A path as one bash word: single-quoted, with `'` written as `'\''`. Any byte but NUL is safe
/// inside single quotes (newlines included); a path that is not UTF-8 is refused.
fn shell_quoted(p: &Path, what: &str) -> Result<String> {
    let Some(s) = p.to_str() else {
        return Err(BadInput(ScenarioError::Outputs {
            path: p.to_path_buf(),
            message: format!(
                "{what} is not valid UTF-8; job scripts need a path that can be written as text: rename it or choose another folder"
            ),
        })
        .into());
    };
    Ok(format!("'{}'", s.replace('\'', "'\\''")))
}

/// A path for a comment line: escaped, so that it stays on that line.
fn commented(p: &Path) -> String {
    p.to_string_lossy().escape_debug().to_string()
}

/// Write `slurm/array.sbatch` (N shards), `slurm/merge.sbatch` and `slurm/submit.sh` (submits the
/// array, then the merge with an `afterok` dependency). Paths appear only inside single-quoted
/// shell words (never in `#SBATCH` lines: logs are named relative to the folder `submit.sh`
/// submits from) and, escaped, in comments, so any path the file system allows is safe.
fn emit_slurm(sw: &Sweep, args: &SweepArgs, n: u64, base_out: &Path) -> Result<()> {
    let cli = SlurmOptions {
        partition: args.partition.clone(),
        time: args.time.clone(),
        mem: args.mem.clone(),
        account: args.account.clone(),
        extra: args.sbatch.clone(),
    };
    if let Some((field, value, allowed)) = cli.problems("--").into_iter().next() {
        return Err(BadInput(ScenarioError::Schema {
            path: "(command line)".into(),
            chain: String::new(),
            field,
            message: format!("{value}: must be {allowed}"),
        })
        .into());
    }
    let options = sw.slurm.overridden_by(&cli).lines();
    let exe = std::env::current_exe().context("cannot find this program's path")?;
    let abs = |p: &Path| -> Result<PathBuf> {
        if p.is_absolute() {
            Ok(p.to_path_buf())
        } else {
            Ok(std::env::current_dir()?.join(p))
        }
    };
    let sweep_file = std::fs::canonicalize(&args.sweep)
        .with_context(|| format!("cannot resolve {}", args.sweep.display()))?;
    let out = abs(base_out)?;
    let dir = out.join("slurm");
    let (q_exe, q_file, q_out, q_dir) = (
        shell_quoted(&exe, "this program's path")?,
        shell_quoted(&sweep_file, "the sweep file's path")?,
        shell_quoted(&out, "the output folder")?,
        shell_quoted(&dir, "the output folder")?,
    );
    let _lock = lock_out(&out)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let threads = if args.threads == 0 { 1 } else { args.threads };
    let long = if args.long { " --long" } else { "" };
    let array = format!(
        "#!/bin/bash\n# Slurm job array for sweep {sweep}: {runs} runs in {n} shards.\n# Submit with submit.sh: it submits from this folder, where the logs go.\n#SBATCH --job-name=custody-sweep\n#SBATCH --array=1-{n}\n#SBATCH --cpus-per-task={threads}\n#SBATCH --output=shard-%a.log\n{options}set -euo pipefail\nexec {q_exe} sweep {q_file} --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\" --resume{long} --threads {threads} --quiet --out {q_out}\n",
        sweep = commented(&sw.file),
        runs = sw.runs(),
    );
    let merge = format!(
        "#!/bin/bash\n# Merge the {n} shards of sweep {sweep}.\n#SBATCH --job-name=custody-merge\n#SBATCH --cpus-per-task=1\n#SBATCH --output=merge.log\n{options}set -euo pipefail\nexec {q_exe} merge {q_out}/shards/shard-*-of-{n} --quiet --out {q_out}\n",
        sweep = commented(&sw.file),
    );
    let submit = format!("#!/bin/bash\n# Submit the shard array, then the merge once every shard has succeeded.\nset -euo pipefail\ncd -- {q_dir}\narray=$(sbatch --parsable array.sbatch)\nmerge=$(sbatch --parsable --dependency=afterok:${{array%%;*}} merge.sbatch)\necho \"submitted array job $array and merge job $merge\"\n");
    for (name, text) in [
        ("array.sbatch", array),
        ("merge.sbatch", merge),
        ("submit.sh", submit),
    ] {
        let path = dir.join(name);
        crate::output::write_atomic_text(&path, &text)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    if n > DEFAULT_MAX_ARRAY_SIZE - 1 {
        eprintln!(
            "warning: a job array of {n} tasks exceeds Slurm's default limit (MaxArraySize = {DEFAULT_MAX_ARRAY_SIZE}: indices up to {}); check `scontrol show config | grep MaxArraySize` on your cluster, or emit fewer shards",
            DEFAULT_MAX_ARRAY_SIZE - 1
        );
    }
    if args.json {
        super::print_json(
            "sweep",
            serde_json::json!({
                "sweep_file": sw.file.display().to_string(),
                "identity": sw.identity,
                "design": sw.design.name(),
                "seed": sw.seed,
                "runs": sw.runs(),
                "shards": n,
                "out": out.display().to_string(),
                "slurm_dir": dir.display().to_string(),
                "files": ["slurm/array.sbatch", "slurm/merge.sbatch", "slurm/submit.sh"],
            }),
        )?;
    } else if !args.quiet {
        println!(
            "Wrote {d}/array.sbatch ({n} shards of {} runs), {d}/merge.sbatch and {d}/submit.sh.\nSubmit with: bash {d}/submit.sh   (merged outputs land in {})",
            sw.runs(),
            out.display(),
            d = dir.display()
        );
    }
    Ok(())
}
