//! One writer per output folder: an advisory lock (`fs4`: `flock` on Unix, `LockFileEx` on
//! Windows) on `<folder>/.custody-sim.lock`, taken before anything is computed and held until the
//! command ends. The lock file names its holder (process
//! id and command line); the operating system releases the lock when the process dies, however it
//! dies (SIGKILL included), so `--resume` after a crash is never refused. Its second line names the
//! kind of output the folder holds (`kind: sweep`): a command writing another kind is refused.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use fs4::{FileExt, TryLockError};

use crate::error::ScenarioError;

/// The lock file inside an output folder.
pub(crate) const LOCK_FILE: &str = ".custody-sim.lock";

/// Longest holder description read back from a lock file, in bytes.
const MAX_HOLDER: u64 = 512;

/// A held lock on an output folder; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub(crate) struct FolderLock {
    _file: File,
    dir: PathBuf,
    /// Whether this lock created the folder: if the command then writes nothing (it fails on bad
    /// input found later), the folder is removed again.
    created: bool,
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if !self.created {
            return;
        }
        let only_lock = std::fs::read_dir(&self.dir).is_ok_and(|entries| {
            entries
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<Vec<_>, _>>()
                .is_ok_and(|names| names.len() == 1 && names[0] == LOCK_FILE)
        });
        if only_lock {
            let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

impl FolderLock {
    /// The folder this lock guards.
    #[cfg(test)]
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }
}

/// What this process writes into the lock file: its id and command line.
fn holder_text() -> String {
    let args: Vec<String> = std::env::args()
        .map(|a| a.escape_debug().to_string())
        .collect();
    format!("pid {}: {}", std::process::id(), args.join(" "))
}

/// The line of the lock file that names the kind of output the folder holds (the command that
/// wrote it: `run`, `sweep`, ...).
const KIND: &str = "kind: ";

/// The kind of output named in a lock file's text, if any (folders written before kinds were
/// recorded name none).
fn kind_in(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.strip_prefix(KIND))
        .map(str::trim)
}

/// Create `dir` if needed, lock it for this process, and check that files can be created in it.
/// Refused at once (never waits) if another process holds the lock, and if the folder holds
/// another `kind` of output (one folder, one kind: a report of it would otherwise show only one).
pub(crate) fn prepare(dir: &Path, kind: &str) -> Result<FolderLock, ScenarioError> {
    let unwritable = |source: std::io::Error| ScenarioError::Unwritable {
        path: dir.to_path_buf(),
        source,
    };
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(unwritable)?;
    match FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = (&file).take(MAX_HOLDER).read_to_string(&mut text);
            let text = text.trim();
            let first = text.lines().next().unwrap_or_default().trim();
            let holder = if first.is_empty() {
                "a process that is just starting".to_string()
            } else {
                first.to_string()
            };
            return Err(ScenarioError::Locked {
                path: dir.to_path_buf(),
                holder,
            });
        }
        Err(TryLockError::Error(e)) => return Err(unwritable(e)),
    }
    let mut before = String::new();
    let _ = (&file).take(MAX_HOLDER).read_to_string(&mut before);
    if let Some(other) = kind_in(&before).filter(|k| *k != kind) {
        return Err(ScenarioError::Outputs {
            path: dir.to_path_buf(),
            message: format!(
                "holds the outputs of `custody-sim {other}`; `custody-sim {kind}` writes another \
                 kind: choose another output folder (-o), or remove this one first"
            ),
        });
    }
    let write_holder = |file: &mut File| -> std::io::Result<()> {
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(format!("{}\n{KIND}{kind}\n", holder_text()).as_bytes())?;
        file.sync_data()
    };
    write_holder(&mut file).map_err(unwritable)?;
    // The lock file may exist from an earlier command although the folder is no longer writable:
    // create (and remove) a new file to be sure.
    let probe = dir.join(format!(".custody-sim.probe-{}", std::process::id()));
    let probed =
        File::create(&probe).and_then(|mut f| f.write_all(b"probe\n").and_then(|()| f.sync_all()));
    let _ = std::fs::remove_file(&probe);
    probed.map_err(unwritable)?;
    Ok(FolderLock {
        _file: file,
        dir: dir.to_path_buf(),
        created,
    })
}

/// Make renames and removals in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holder_and_admitted_after_release() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let first = prepare(&out, "run").unwrap();
        assert_eq!(first.dir(), out);
        let err = prepare(&out, "run").unwrap_err();
        let shown = err.to_string();
        assert!(matches!(err, ScenarioError::Locked { .. }), "{shown}");
        assert!(
            shown.contains(&format!("pid {}", std::process::id())),
            "{shown}"
        );
        assert!(shown.contains(&out.display().to_string()), "{shown}");
        drop(first);
        let again = prepare(&out, "run").unwrap();
        drop(again);
        // Only the lock file is left behind.
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [LOCK_FILE]);
    }

    /// One folder, one kind of output: a folder a `run` wrote is refused to a `sweep` (version
    /// 2.1 let both write there, and a report then showed only one), admitted to another `run`;
    /// a folder whose lock names no kind (written before kinds were recorded) is admitted.
    #[test]
    fn a_folder_holding_another_kind_of_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let lock = prepare(&out, "run").unwrap();
        std::fs::write(out.join("summary.csv"), "x").unwrap();
        drop(lock);
        let err = prepare(&out, "sweep").unwrap_err();
        let shown = err.to_string();
        assert!(matches!(err, ScenarioError::Outputs { .. }), "{shown}");
        assert!(
            shown.contains("holds the outputs of `custody-sim run`")
                && shown.contains("`custody-sim sweep` writes another kind"),
            "{shown}"
        );
        drop(prepare(&out, "run").unwrap());
        std::fs::write(out.join(LOCK_FILE), "pid 1: custody-sim run x.toml\n").unwrap();
        drop(prepare(&out, "sweep").unwrap());
        assert_eq!(
            kind_in(&std::fs::read_to_string(out.join(LOCK_FILE)).unwrap()),
            Some("sweep")
        );
    }

    #[test]
    fn a_folder_created_for_nothing_is_removed_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        drop(prepare(&out, "run").unwrap());
        assert!(!out.exists());
        let lock = prepare(&out, "run").unwrap();
        std::fs::write(out.join("result.csv"), "x").unwrap();
        drop(lock);
        assert!(out.join("result.csv").exists());
    }

    #[test]
    fn a_folder_that_cannot_be_created_is_unwritable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let err = prepare(&file.join("out"), "run").unwrap_err();
        assert!(matches!(err, ScenarioError::Unwritable { .. }), "{err}");
        assert!(err.to_string().contains("file/out"), "{err}");
    }
}
