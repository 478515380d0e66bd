//! Writing files atomically: everything goes to a temporary file in the target folder and is
//! renamed into place, so an interrupted run never leaves a half-written output. Outputs that
//! belong together are staged in a hidden subfolder and moved in as a set ([`FileSet`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::lock::sync_dir;

/// Write `path` by calling `fill` on a temporary file, then renaming it into place.
pub(crate) fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut w = std::io::BufWriter::new(file);
        fill(&mut w)?;
        w.flush()?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
        sync_dir(dir).with_context(|| format!("cannot sync folder {}", dir.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

/// The folder holding `path` (`.` for a bare file name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Prefix of the hidden staging folders of [`FileSet`].
const STAGING: &str = ".staging-";

/// Files written together: each is written into a hidden staging folder inside the output folder,
/// and only when all are complete are they moved into place, the `marker` file (the manifest)
/// last. Before the first move the old marker is removed, so a folder holds either a complete old
/// set, a complete new set, or (only if the process dies between two renames) a set without its
/// marker, which readers refuse. A write that fails (a full disk) leaves the old set untouched.
pub(crate) struct FileSet {
    dir: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl FileSet {
    /// Start a set in `dir` (which the caller has locked): staging folders left by a killed
    /// command are removed first.
    pub(crate) fn new(dir: &Path) -> Result<FileSet> {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(STAGING) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let staging = dir.join(format!("{STAGING}{}", std::process::id()));
        std::fs::create_dir(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        Ok(FileSet {
            dir: dir.to_path_buf(),
            staging,
            committed: false,
        })
    }

    /// Where to write the set's file `name` (in the staging folder).
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    /// Move every staged file into the output folder, `marker` last, and make it durable.
    pub(crate) fn commit(mut self, names: &[&str], marker: &str) -> Result<()> {
        let dir = self.dir.clone();
        let durable = |what: &str| {
            sync_dir(&dir).with_context(|| format!("cannot sync folder {} ({what})", dir.display()))
        };
        match std::fs::remove_file(dir.join(marker)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e)
                    .with_context(|| format!("cannot replace {}", dir.join(marker).display()))
            }
            _ => {}
        }
        durable("old marker removed")?;
        for name in names.iter().filter(|n| **n != marker).chain([&marker]) {
            let (from, to) = (self.staging.join(name), dir.join(name));
            std::fs::rename(&from, &to)
                .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
        }
        durable("outputs moved in")?;
        self.committed = true;
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(())
    }
}

impl Drop for FileSet {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_set_leaves_the_old_one_and_a_committed_set_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.csv"), "old a").unwrap();
        std::fs::write(d.join("m.json"), "old m").unwrap();
        {
            let set = FileSet::new(d).unwrap();
            std::fs::write(set.path("a.csv"), "new a").unwrap();
            // Dropped before commit (e.g. a later file failed): nothing changes.
        }
        assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(d.join("m.json")).unwrap(), "old m");
        let set = FileSet::new(d).unwrap();
        std::fs::write(set.path("a.csv"), "new a").unwrap();
        std::fs::write(set.path("m.json"), "new m").unwrap();
        set.commit(&["a.csv", "m.json"], "m.json").unwrap();
        assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(d.join("m.json")).unwrap(), "new m");
        let left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
