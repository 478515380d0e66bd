//! `custody-sim merge`: the one merge of every campaign kind. The shard folders' logs are merged
//! in job order by the campaign engine; the kind (read from the first folder's description)
//! then writes its summary files from the merged log, exactly as an unsharded run would.

use std::path::Path;

use anyhow::{bail, Result};

use super::{lock_out, BadInput};
use crate::cli::MergeArgs;
use crate::error::ScenarioError;
use crate::experiment::campaign::folder::{self, Info};
use crate::experiment::campaign::merge::{check_shards, merge_logs, ShardOf};
use crate::experiment::campaign::Plan;
use crate::experiment::explore::Explore;
use crate::experiment::sweep::Sweep;
use crate::output::explore::ExploreInfo;

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
    let _lock = lock_out(&args.out)?;
    let infos: Vec<K::Info> = args
        .dirs
        .iter()
        .map(|d| folder::read::<K::Info>(d))
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
    let missing_shards = check_shards(&args.dirs, &shards, K::WHAT)?;
    let campaign = K::load(Path::new(first.source())).map_err(BadInput)?;
    if campaign.identity() != first.identity() {
        bail!(
            "{} has changed since the shards were run: merge needs {}",
            first.source(),
            K::SAME_INPUTS
        );
    }
    let spec = campaign.log();
    let missing = merge_logs(
        &spec,
        campaign.jobs(),
        &args.dirs,
        &args.out,
        K::FOREIGN_LOG,
    )?;
    let failed = campaign.summarise_merged(args, &infos)?;
    if !missing_shards.is_empty() || missing > 0 {
        let list: Vec<String> = missing_shards
            .iter()
            .map(|k| format!("{k}/{}", first.shard().n))
            .collect();
        bail!(
            "the merge is incomplete: {missing} of {} runs are missing{}; rerun the missing shards (with --resume) and merge again",
            campaign.jobs(),
            if list.is_empty() { String::new() } else { format!(" (shards not given: {})", list.join(", ")) }
        );
    }
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
