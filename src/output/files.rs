//! Writing files atomically: everything goes to a temporary file in the target folder and is
//! renamed into place, so an interrupted run never leaves a half-written output.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Write `path` by calling `fill` on a temporary file, then renaming it into place.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
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
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

/// A CSV file of records appended in batches that survives a kill at any moment: every complete
/// line ends with an `end` marker column and each batch is flushed and fsynced. Reopening to resume
/// keeps the complete lines (rewritten atomically) and drops a line cut by a kill. The first
/// column of every record is its id (a run or candidate number).
pub struct AppendLog {
    file: std::fs::File,
}

impl AppendLog {
    /// Open `path` with `header` (whose last column is the marker). A new file is refused if one
    /// exists and `resume` is false; `what` names it in messages (e.g. "a sweep's runs.csv").
    /// Returns the log and which ids (`0..ids`) are already recorded.
    pub fn open(
        path: &Path,
        header: &[String],
        resume: bool,
        ids: usize,
        what: &str,
    ) -> Result<(AppendLog, Vec<bool>)> {
        use super::sweep::{complete_lines, csv_line};
        let mut done = vec![false; ids];
        if path.exists() {
            let dir = path.parent().unwrap_or(Path::new("."));
            if !resume {
                anyhow::bail!(
                    "{} already holds {what}: add --resume to continue it, or choose another --out",
                    dir.display()
                );
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
                            anyhow::bail!("{} was written by a different run (its header differs from {what})", path.display());
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
        Ok((AppendLog { file }, done))
    }

    /// Append a batch of records and make it durable.
    pub fn append(&mut self, records: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
        let mut buf = Vec::new();
        for r in records {
            buf.extend_from_slice(super::sweep::csv_line(&r)?.as_bytes());
        }
        self.file.write_all(&buf)?;
        self.file.sync_data()?;
        Ok(())
    }
}
