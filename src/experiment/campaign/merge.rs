//! The one merge of every campaign kind: the logs of shard folders merged into one, in job order,
//! each job once; and the check that the shards given belong together.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::log::{complete, csv_line, reader, LogSpec};
use super::Shard;
use crate::error::ScenarioError;
use crate::output::files::write_atomic;

/// What `merge` checks of one shard folder.
pub(crate) struct ShardOf<'a> {
    /// The campaign's identity (a hash of its input files).
    pub identity: &'a str,
    /// The campaign's input file, for messages.
    pub file: &'a str,
    pub shard: Shard,
}

/// Refuse shards of different campaigns (`what`: "sweep", "explore") or a shard given twice, as
/// bad input naming the folder; return the shards of `1..=n` not given.
pub(crate) fn check_shards(
    dirs: &[PathBuf],
    shards: &[ShardOf<'_>],
    what: &str,
) -> Result<Vec<u64>, ScenarioError> {
    let first = &shards[0];
    for (d, i) in dirs.iter().zip(shards) {
        if i.identity != first.identity || i.shard.n != first.shard.n {
            return Err(ScenarioError::Outputs {
                path: d.clone(),
                message: format!(
                    "holds a different {what} ({} in {} shards) from {} ({} in {} shards): refusing to merge mismatched {what}s",
                    i.file,
                    i.shard.n,
                    dirs[0].display(),
                    first.file,
                    first.shard.n
                ),
            });
        }
    }
    for (j, (d, i)) in dirs.iter().zip(shards).enumerate() {
        if shards[..j].iter().any(|o| o.shard.k == i.shard.k) {
            return Err(ScenarioError::Outputs {
                path: d.clone(),
                message: format!(
                    "shard {}/{} is given twice: give each shard folder once",
                    i.shard.k, first.shard.n
                ),
            });
        }
    }
    let have: Vec<u64> = shards.iter().map(|i| i.shard.k).collect();
    Ok((1..=first.shard.n).filter(|k| !have.contains(k)).collect())
}

/// The complete records of one log, in file order, as (job, fields).
type Records = Box<dyn Iterator<Item = (u64, csv::StringRecord)>>;

fn records(dir: &Path, spec: &LogSpec, foreign: &str) -> Result<Records> {
    let mut rd = reader(&dir.join(spec.file))?;
    let h: Vec<String> = rd.headers()?.iter().map(String::from).collect();
    if h != spec.header {
        bail!("{}/{} {foreign}", dir.display(), spec.file);
    }
    let n = spec.header.len();
    Ok(Box::new(rd.into_records().filter_map(move |r| {
        let r = r.ok()?;
        complete(&r, n).map(|job| (job, r))
    })))
}

/// Merge the logs of the shard folders `dirs` into `out`'s log, in job order (a job found in two
/// shards is written once; a job number outside `0..jobs` is left out). `foreign` ends the message
/// for a log whose header is not `spec`'s. Returns how many of the `jobs` jobs no shard holds.
pub(crate) fn merge_logs(
    spec: &LogSpec,
    jobs: u64,
    dirs: &[PathBuf],
    out: &Path,
    foreign: &str,
) -> Result<u64> {
    let mut iters = Vec::new();
    for d in dirs {
        iters.push(records(d, spec, foreign)?);
    }
    let mut pending: Vec<Option<(u64, csv::StringRecord)>> =
        iters.iter_mut().map(|i| i.next()).collect();
    let mut heap = BinaryHeap::new();
    for (i, p) in pending.iter().enumerate() {
        if let Some((job, _)) = p {
            heap.push(Reverse((*job, i)));
        }
    }
    let mut last: Option<u64> = None;
    let mut written = 0u64;
    write_atomic(&out.join(spec.file), |w| {
        w.write_all(csv_line(&spec.header)?.as_bytes())?;
        while let Some(Reverse((job, i))) = heap.pop() {
            let (_, line) = pending[i].take().expect("pending record for a heap entry");
            if last != Some(job) && job < jobs {
                let fields: Vec<String> = line.iter().map(String::from).collect();
                w.write_all(csv_line(&fields)?.as_bytes())?;
                written += 1;
                last = Some(job);
            }
            pending[i] = iters[i].next();
            if let Some((next, _)) = &pending[i] {
                heap.push(Reverse((*next, i)));
            }
        }
        Ok(())
    })?;
    Ok(jobs - written)
}
