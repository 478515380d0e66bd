//! `custody-sim sweep`: many independent runs in parallel on the campaign engine (streamed to
//! disk, resumable, shardable across a cluster as Slurm job arrays, merged back in run order by
//! `custody-sim merge`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::merge::Merge;
use super::outcome::{CommandOutcome, ShardOutcome, SlurmOutcome, SweepId, SweepOutcome};
use super::runs::RunCampaign;
use super::{bad_input, lock_out, progress_bar, BadInput};
use crate::cli::{MergeArgs, SweepArgs};
use crate::error::ScenarioError;
use crate::experiment::campaign::folder::{self, Info};
use crate::experiment::campaign::log::LogSpec;
use crate::experiment::campaign::Session;
use crate::experiment::slurm::{SlurmOptions, DEFAULT_MAX_ARRAY_SIZE};
use crate::experiment::sweep::{self, Sweep};
use crate::output::schema::{points, points_long, runs, sensitivity, slurm};
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
impl RunCampaign for Sweep {
    fn run_log(&self) -> LogSpec {
        files::log(self)
    }
    fn run_count(&self) -> u64 {
        self.runs()
    }
    fn run(&self, run: u64) -> Result<RunSummary, String> {
        let (point, rep) = self.run_of(run);
        self.scenario(point)
            .map(|sc| simulate(&sc.params, self.seed, rep, &mut NoObserver))
            .map_err(|e| e.to_string())
    }
    fn run_record(&self, run: u64, outcome: &Result<RunSummary, String>) -> Vec<String> {
        files::record(self, run, outcome)
    }
}

pub(super) fn sweep(args: &SweepArgs) -> Result<()> {
    let sw = sweep::load(&args.sweep).map_err(BadInput)?;
    let base_out = args.out.clone().unwrap_or_else(|| default_out(&args.sweep));
    if let Some(n) = args.emit_slurm {
        return emit_slurm(&sw, args, n, &base_out);
    }
    let (shard, out) = super::shard_folder(args.shard, base_out);
    let (k, n) = (shard.k, shard.n);
    let mut info = SweepInfo::new(&sw, k, n, args.long);
    let _lock = lock_out(&out, "sweep")?;
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
    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let bar = progress_bar(
        session.pending_tasks(),
        args.quiet || args.output.json,
        "runs",
    );
    bar.set_message(format!("{} ({})", sw.file.display(), sw.design.name()));
    let started = Instant::now();
    let ran = session.run(&runner, &Faults::from_env(), &|| bar.inc(1))?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    if n > 1 {
        let id = (SweepId::new(&sw), "sweep", sw.file.as_path());
        ShardOutcome::new(id, shard, &ran, &out, &[runs::FILE, SweepInfo::FILE], wall).finish(
            ran.absent,
            runs::FILE,
            args.output.json,
            args.quiet,
        )?;
    } else {
        let result = files::summarise(&sw, &out, info.points_long)?;
        let ran_now = Some((ran.done_now as usize, wall));
        let outcome = whole(&sw, &out, &result, info.points_long, ran_now);
        outcome.emit(args.output.json, args.quiet)?;
        if result.missing > 0 {
            bail!(
                "{} of {} runs are missing from {}/{}; run the same command again with --resume",
                result.missing,
                sw.runs(),
                out.display(),
                runs::FILE
            );
        }
        if result.failed > 0 {
            bail!(
                "{} of {} runs failed (their errors are in {}/{})",
                result.failed,
                sw.runs(),
                out.display(),
                runs::FILE
            );
        }
    }
    if ran.failed_now > 0 {
        bail!(
            "{} runs of shard {k}/{n} failed (their errors are in {}/{})",
            ran.failed_now,
            out.display(),
            runs::FILE
        );
    }
    Ok(())
}

/// The outcome of a whole sweep whose summary files are written in `out` (with `points_long.csv`
/// if `long`); `ran`: the runs done now and how long they took (`None` for `merge`).
fn whole<'a>(
    sw: &'a Sweep,
    out: &Path,
    result: &'a files::SweepResult,
    long: bool,
    ran: Option<(usize, f64)>,
) -> SweepOutcome<'a> {
    let mut names = vec![runs::FILE, points::FILE];
    if long {
        names.push(points_long::FILE);
    }
    if !result.sensitivity.is_empty() {
        names.push(sensitivity::FILE);
        if matches!(sw.design, sweep::Design::Sobol { .. }) {
            names.push(files::SOBOL_CONVERGENCE);
        }
    }
    names.push(SweepInfo::FILE);
    let names = names.into_iter().map(String::from).collect();
    SweepOutcome::new(sw, result, out.display().to_string(), names, ran)
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
        whole(self, &args.out, &result, long, None).emit(args.json, args.quiet)?;
        Ok(result.failed)
    }
}

/// A path as one bash word: single-quoted, with `'` written as `'\''`. Any byte but NUL is safe
/// inside single quotes (newlines included); a path that is not UTF-8 is refused.
pub(super) fn shell_quoted(p: &Path, what: &str) -> Result<String> {
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
pub(super) fn commented(p: &Path) -> String {
    p.to_string_lossy().escape_debug().to_string()
}

/// Write `slurm/array.sbatch` (N shards), `slurm/merge.sbatch` and `slurm/submit.sh` (submits the
/// array, then the merge with an `afterok` dependency). Paths appear only inside single-quoted
/// shell words (never in `#SBATCH` lines: logs are named relative to the folder `submit.sh`
/// submits from) and, escaped, in comments, so any path the file system allows is safe.
fn emit_slurm(sw: &Sweep, args: &SweepArgs, n: u64, base_out: &Path) -> Result<()> {
    let cli = SlurmOptions::from_flags(&args.slurm)?;
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
    let dir = out.join(slurm::DIR);
    let (q_exe, q_file, q_out, q_dir) = (
        shell_quoted(&exe, "this program's path")?,
        shell_quoted(&sweep_file, "the sweep file's path")?,
        shell_quoted(&out, "the output folder")?,
        shell_quoted(&dir, "the output folder")?,
    );
    let _lock = lock_out(&out, "sweep")?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let threads = if args.workers.threads == 0 {
        1
    } else {
        args.workers.threads
    };
    let long = if args.long { " --long" } else { "" };
    let array = format!(
        "#!/bin/bash\n# Slurm job array for sweep {sweep}: {runs} runs in {n} shards.\n# Submit with {submit}: it submits from this folder, where the logs go.\n#SBATCH --job-name=custody-sweep\n#SBATCH --array=1-{n}\n#SBATCH --cpus-per-task={threads}\n#SBATCH --output=shard-%a.log\n{options}set -euo pipefail\nexec {q_exe} sweep {q_file} --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\" --resume{long} --threads {threads} --quiet --out {q_out}\n",
        sweep = commented(&sw.file),
        runs = sw.runs(),
        submit = slurm::SUBMIT,
    );
    let merge = format!(
        "#!/bin/bash\n# Merge the {n} shards of sweep {sweep}.\n#SBATCH --job-name=custody-merge\n#SBATCH --cpus-per-task=1\n#SBATCH --output=merge.log\n{options}set -euo pipefail\nexec {q_exe} merge {q_out}/shards/shard-*-of-{n} --quiet --out {q_out}\n",
        sweep = commented(&sw.file),
    );
    let submit = format!("#!/bin/bash\n# Submit the shard array, then the merge once every shard has succeeded.\nset -euo pipefail\ncd -- {q_dir}\narray=$(sbatch --parsable {array})\nmerge=$(sbatch --parsable --dependency=afterok:${{array%%;*}} {merge})\necho \"submitted array job $array and merge job $merge\"\n", array = slurm::ARRAY, merge = slurm::MERGE);
    for (name, text) in slurm::FILES.into_iter().zip([array, merge, submit]) {
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
    SlurmOutcome {
        sweep: SweepId::new(sw),
        runs: sw.runs(),
        shards: n,
        out: out.display().to_string(),
        slurm_dir: dir.display().to_string(),
        files: slurm::FILES
            .iter()
            .map(|f| format!("{}/{f}", slurm::DIR))
            .collect(),
    }
    .emit(args.output.json, args.quiet)?;
    Ok(())
}
