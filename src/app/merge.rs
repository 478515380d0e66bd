//! `custody-sim merge`: the one merge of every campaign kind. The shard folders' logs are merged
//! in job order by the campaign engine; the kind (read from the first folder's description)
//! then writes its summary files from the merged log, exactly as an unsharded run would.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{lock_out, BadInput};
use crate::cli::MergeArgs;
use crate::error::ScenarioError;
use crate::experiment::campaign::folder::{self, Info};
use crate::experiment::campaign::merge::{check_shards, merge_logs, ShardOf};
use crate::experiment::campaign::Plan;
use crate::experiment::explore::Explore;
use crate::experiment::sweep::Sweep;
use crate::output::explore::ExploreInfo;
use crate::output::files::write_atomic;

/// A campaign kind whose shards can be merged.
pub(super) trait Merge: Plan + Sized {
    /// Its folder description.
    type Info: Info;
    /// How messages name the kind ("sweep").
    const WHAT: &'static str;
    /// What must not change between the shards' runs and the merge, for messages.
    const SAME_INPUTS: &'static str;
    /// The end of the message for a shard's log whose header is not this campaign's.
    const FOREIGN_LOG: &'static str;
    /// Load the campaign from its input file.
    fn load(file: &Path) -> Result<Self, ScenarioError>;
    /// The campaign's identity (a hash of its inputs).
    fn identity(&self) -> &str;
    /// With the merged log in `args.out`: write the folder description and the summary files,
    /// print the report; return how many jobs failed.
    fn summarise_merged(&self, args: &MergeArgs, infos: &[Self::Info]) -> Result<u64>;
}

pub(super) fn merge(args: &MergeArgs) -> Result<()> {
    if args
        .dirs
        .first()
        .is_some_and(|d| folder::holds::<ExploreInfo>(d))
    {
        merge_as::<Explore>(args)
    } else {
        merge_as::<Sweep>(args)
    }
}

fn merge_as<K: Merge>(args: &MergeArgs) -> Result<()> {
    refuse_out_among_inputs(args)?;
    let _lock = lock_out(&args.out, K::WHAT)?;
    let infos: Vec<K::Info> = args
        .dirs
        .iter()
        .map(|d| folder::read::<K::Info>(d).map_err(|e| not_a_shard(d, &e)))
        .collect::<Result<_>>()?;
    let first = &infos[0];
    let shards: Vec<ShardOf<'_>> = infos
        .iter()
        .map(|i| ShardOf {
            identity: i.identity(),
            file: i.source(),
            shard: i.shard(),
        })
        .collect();
    let missing_shards = check_shards(&args.dirs, &shards, K::WHAT).map_err(BadInput)?;
    let campaign = K::load(Path::new(first.source())).map_err(BadInput)?;
    if campaign.identity() != first.identity() {
        return Err(BadInput(ScenarioError::Outputs {
            path: PathBuf::from(first.source()),
            message: format!(
                "has changed since the shards were run: merge needs {}",
                K::SAME_INPUTS
            ),
        })
        .into());
    }
    let spec = campaign.log();
    let missing = merge_logs(
        &spec,
        campaign.jobs(),
        &args.dirs,
        &args.out,
        K::FOREIGN_LOG,
    )?;
    if !missing_shards.is_empty() || missing > 0 {
        // Nothing that looks like a merged result: the merged log goes, a report of what is
        // missing stays.
        let log = args.out.join(spec.file);
        std::fs::remove_file(&log).with_context(|| {
            format!("cannot remove the incomplete merged log {}", log.display())
        })?;
        let list: Vec<String> = missing_shards
            .iter()
            .map(|k| format!("{k}/{}", first.shard().n))
            .collect();
        let what = format!(
            "{missing} of {} runs are missing{}",
            campaign.jobs(),
            if list.is_empty() {
                String::new()
            } else {
                format!(" (shards not given: {})", list.join(", "))
            }
        );
        let report = args.out.join(INCOMPLETE);
        write_atomic(&report, |w| {
            writeln!(
                w,
                "This merge of {} is incomplete: {what}.\nNo merged result was written. Rerun the missing shards (with --resume) and merge again.",
                first.source()
            )?;
            Ok(())
        })?;
        bail!(
            "the merge is incomplete: {what}; nothing merged was written (see {}); rerun the missing shards (with --resume) and merge again",
            report.display()
        );
    }
    let failed = campaign.summarise_merged(args, &infos)?;
    if failed > 0 {
        bail!(
            "{failed} of {} runs failed (their errors are in {}/{})",
            campaign.jobs(),
            args.out.display(),
            spec.file
        );
    }
    Ok(())
}

/// The report an incomplete merge leaves in its output folder, instead of merged results.
pub(crate) const INCOMPLETE: &str = "merge-incomplete.txt";

/// The output folder must not be one of the shard folders: the merge would replace a shard's own
/// log with the merged one.
fn refuse_out_among_inputs(args: &MergeArgs) -> Result<()> {
    let Ok(out) = args.out.canonicalize() else {
        return Ok(()); // a folder that does not exist yet is no input
    };
    for d in &args.dirs {
        if d.canonicalize().is_ok_and(|d| d == out) {
            return Err(BadInput(ScenarioError::Outputs {
                path: args.out.clone(),
                message: "is one of the shard folders given: choose another output folder (-o)"
                    .to_string(),
            })
            .into());
        }
    }
    Ok(())
}

/// A folder given to `merge` that holds no campaign description: bad input (exit code 2).
fn not_a_shard(dir: &Path, e: &anyhow::Error) -> anyhow::Error {
    let text = format!("{e:#}");
    let prefix = format!("{} ", dir.display());
    BadInput(ScenarioError::Outputs {
        path: dir.to_path_buf(),
        message: text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
    })
    .into()
}
