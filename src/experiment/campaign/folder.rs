//! A campaign's folder description (`sweep.json`, `explore.json`, `calibration.json`): which
//! campaign and shard a folder holds, written atomically, read back by `--resume` and `merge`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Shard;
use crate::output::files::write_atomic;

/// What every campaign kind's folder description says.
pub(crate) trait Info: Serialize + DeserializeOwned {
    /// Its file name in the folder.
    const FILE: &'static str;
    /// The campaign kind with its article, for messages ("a sweep", "an explore").
    const A_KIND: &'static str;
    /// The command that writes such a folder.
    const COMMAND: &'static str;
    /// The campaign's identity: a hash of every input that decides its outcomes.
    fn identity(&self) -> &str;
    /// The campaign's input file (absolute).
    fn source(&self) -> &str;
    /// The shard the folder holds.
    fn shard(&self) -> Shard {
        Shard::WHOLE
    }
}

/// Write `info` as `dir/<FILE>` (pretty JSON and a newline).
pub(crate) fn write<I: Info>(dir: &Path, info: &I) -> Result<()> {
    write_atomic(&dir.join(I::FILE), |w| {
        serde_json::to_writer_pretty(&mut *w, info)?;
        writeln!(w)?;
        Ok(())
    })
}

/// Whether `dir` holds a description of kind `I`.
pub(crate) fn holds<I: Info>(dir: &Path) -> bool {
    dir.join(I::FILE).is_file()
}

/// Read `dir/<FILE>`.
pub(crate) fn read<I: Info>(dir: &Path) -> Result<I> {
    let path = dir.join(I::FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} holds no {}: is it {} output folder? (run `custody-sim {}` first)",
            dir.display(),
            I::FILE,
            I::A_KIND,
            I::COMMAND
        )
    })?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not {} description of this program",
            path.display(),
            I::A_KIND
        )
    })
}
