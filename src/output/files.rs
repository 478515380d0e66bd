//! Writing files atomically: everything goes to a temporary file in the target folder and is
//! renamed into place, so an interrupted run never leaves a half-written output. Outputs that
//! belong together are staged in a hidden subfolder and moved in as a set ([`FileSet`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::lock::sync_dir;
use crate::error::ScenarioError;

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
fn folder_of(path: &Path) -> &Path {
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

/// A CSV file of records appended in batches that survives a kill at any moment: every complete
/// line ends with an `end` marker column and each batch is flushed and fsynced. Reopening to resume
/// keeps the complete lines (rewritten atomically) and drops a line cut by a kill. The first
/// column of every record is its id (a run or candidate number).
pub(crate) struct AppendLog {
    file: std::fs::File,
    path: PathBuf,
}

impl AppendLog {
    /// Open `path` with `header` (whose last column is the marker). A new file is refused if one
    /// exists and `resume` is false; `what` names it in messages (e.g. "a sweep's runs.csv").
    /// Returns the log and which ids (`0..ids`) are already recorded.
    pub(crate) fn open(
        path: &Path,
        header: &[String],
        resume: bool,
        ids: usize,
        what: &str,
    ) -> Result<(AppendLog, Vec<bool>)> {
        use super::sweep::{complete_lines, csv_line};
        let mut done = vec![false; ids];
        if path.exists() {
            let dir = folder_of(path);
            if !resume {
                return Err(ScenarioError::Outputs {
                    path: dir.to_path_buf(),
                    message: format!(
                        "already holds {what}: add --resume to continue it, or choose another --out"
                    ),
                }
                .into());
            }
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let kept = dir.join(format!(".{name}.kept"));
            {
                let mut out = std::io::BufWriter::new(std::fs::File::create(&kept)?);
                let mut first = true;
                for line in complete_lines(path, header.len())? {
                    if first {
                        first = false;
                        if line != csv_line(header)? {
                            return Err(ScenarioError::Outputs {
                                path: path.to_path_buf(),
                                message: format!("was written by a different run (its header differs from {what}); choose another --out"),
                            }
                            .into());
                        }
                    } else {
                        let id: usize = line
                            .split(',')
                            .next()
                            .and_then(|x| x.parse().ok())
                            .unwrap_or(usize::MAX);
                        if let Some(d) = done.get_mut(id) {
                            *d = true;
                        }
                    }
                    out.write_all(line.as_bytes())?;
                }
                if first {
                    out.write_all(csv_line(header)?.as_bytes())?;
                }
                out.flush()?;
                out.get_ref().sync_all()?;
            }
            std::fs::rename(&kept, path)?;
            sync_dir(dir)?;
        } else {
            // Nothing to resume yet (e.g. a requeued cluster job that never started): start.
            write_atomic(path, |w| {
                w.write_all(csv_line(header)?.as_bytes())?;
                Ok(())
            })?;
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok((
            AppendLog {
                file,
                path: path.to_path_buf(),
            },
            done,
        ))
    }

    /// Append a batch of records and make it durable.
    pub(crate) fn append(&mut self, records: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
        let mut buf = Vec::new();
        for r in records {
            buf.extend_from_slice(super::sweep::csv_line(&r)?.as_bytes());
        }
        self.file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data())
            .with_context(|| format!("cannot append to {}", self.path.display()))?;
        self.still_in_place()
    }

    /// Fail if the file at the log's path is no longer the one this log writes (another process
    /// replaced or removed it): appends would be lost.
    pub(crate) fn still_in_place(&self) -> Result<()> {
        let replaced = match std::fs::metadata(&self.path) {
            Err(_) => true,
            Ok(now) => !same_file(&self.file.metadata()?, &now),
        };
        if replaced {
            anyhow::bail!(
                "{} was replaced or removed by another process while this command wrote it; its results are incomplete: run the command again with --resume once no other command writes this folder",
                self.path.display()
            );
        }
        Ok(())
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() <= b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_replaced_under_its_writer_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.csv");
        let header = vec!["run".to_string(), "end".to_string()];
        let (mut log, done) = AppendLog::open(&path, &header, false, 3, "a log").unwrap();
        assert_eq!(done, [false; 3]);
        log.append([vec!["0".to_string(), "end".to_string()]])
            .unwrap();
        // Another process rewrites the file (as a resume used to): the next append fails.
        std::fs::write(dir.path().join("x"), "run,end\n").unwrap();
        std::fs::rename(dir.path().join("x"), &path).unwrap();
        let err = log
            .append([vec!["1".to_string(), "end".to_string()]])
            .unwrap_err();
        assert!(err.to_string().contains("replaced"), "{err:#}");
    }

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
