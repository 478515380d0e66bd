//! The run log of a campaign (`runs.csv` of a sweep or an explore, `candidates.csv` of a
//! calibration): a CSV file of job records appended in batches that survives a kill at any moment.
//! Every complete line ends with an `end` marker column and each batch is flushed and fsynced;
//! reopening to resume keeps the complete lines (rewritten atomically) and drops a line cut by a
//! kill. The first column of every record is its job number.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::ScenarioError;
use crate::output::files::{folder_of, write_atomic};
use crate::output::lock::sync_dir;
use crate::output::schema::END;

/// What a campaign's log is: its file name in the campaign's folder, its header (whose last
/// column is the [`END`] marker), and how messages name it (e.g. "a sweep's runs.csv").
#[derive(Debug, Clone)]
pub(crate) struct LogSpec {
    pub file: &'static str,
    pub header: Vec<String>,
    pub what: &'static str,
}

/// One CSV line (with its `\n`) of `fields`, quoted as the `csv` crate quotes.
pub(crate) fn csv_line(fields: &[String]) -> Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields)?;
    w.flush()?;
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}

/// Whether one line (with its newline) is a complete record of `fields` fields closed by the marker.
fn is_complete(line: &str, fields: usize) -> bool {
    if !line.ends_with('\n') {
        return false;
    }
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    match rd.records().next() {
        Some(Ok(rec)) => rec.len() == fields && rec.get(fields - 1) == Some(END),
        _ => false,
    }
}

/// The complete lines of a log file (header included), each with its newline: a line counts if
/// it ends with a newline, has the header's number of fields and ends with the marker. Reading
/// stops at a line without its newline (cut by a kill).
pub(crate) fn complete_lines(path: &Path, fields: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut r = BufReader::new(File::open(path)?);
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 || !line.ends_with('\n') {
            break;
        }
        if is_complete(&line, fields) {
            out.push(line.clone());
        }
    }
    Ok(out)
}

/// A CSV reader of a log file that accepts lines of any length (cut lines are filtered by
/// [`complete`]).
pub(crate) fn reader(path: &Path) -> Result<csv::Reader<File>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// The job number of a parsed record, if it is complete: `fields` fields, the last the marker.
pub(crate) fn complete(rec: &csv::StringRecord, fields: usize) -> Option<u64> {
    if rec.len() != fields || rec.get(fields - 1) != Some(END) {
        return None;
    }
    rec.get(0)?.parse().ok()
}

/// Which jobs (`0..jobs`) the log in `dir` records (complete lines only).
pub(crate) fn recorded(dir: &Path, spec: &LogSpec, jobs: u64) -> Result<Vec<bool>> {
    let mut done = vec![false; jobs as usize];
    let mut rd = reader(&dir.join(spec.file))?;
    for rec in rd.records() {
        let Ok(rec) = rec else { continue };
        if let Some(d) = complete(&rec, spec.header.len()).and_then(|i| done.get_mut(i as usize)) {
            *d = true;
        }
    }
    Ok(done)
}

/// An open log, appended in batches.
pub(crate) struct RunLog {
    file: File,
    path: PathBuf,
}

impl RunLog {
    /// Open the log of `spec` in `dir`. A new file is refused if one exists and `resume` is false.
    /// Returns the log and which jobs (`0..jobs`) are already recorded.
    pub(crate) fn open(
        dir: &Path,
        spec: &LogSpec,
        resume: bool,
        jobs: u64,
    ) -> Result<(RunLog, Vec<bool>)> {
        let path = dir.join(spec.file);
        let header = &spec.header;
        let mut done = vec![false; jobs as usize];
        if path.exists() {
            let dir = folder_of(&path);
            if !resume {
                return Err(ScenarioError::Outputs {
                    path: dir.to_path_buf(),
                    message: format!(
                        "already holds {}: add --resume to continue it, or choose another --out",
                        spec.what
                    ),
                }
                .into());
            }
            let kept = dir.join(format!(".{}.kept", spec.file));
            {
                let mut out = std::io::BufWriter::new(File::create(&kept)?);
                let mut first = true;
                for line in complete_lines(&path, header.len())? {
                    if first {
                        first = false;
                        if line != csv_line(header)? {
                            return Err(ScenarioError::Outputs {
                                path: path.clone(),
                                message: format!("was written by a different run (its header differs from {}); choose another --out", spec.what),
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
            std::fs::rename(&kept, &path)?;
            sync_dir(dir)?;
        } else {
            // Nothing to resume yet (e.g. a requeued cluster job that never started): start.
            write_atomic(&path, |w| {
                w.write_all(csv_line(header)?.as_bytes())?;
                Ok(())
            })?;
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok((RunLog { file, path }, done))
    }

    /// Append a batch of records and make it durable.
    pub(crate) fn append(&mut self, records: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
        let mut buf = Vec::new();
        for r in records {
            buf.extend_from_slice(csv_line(&r)?.as_bytes());
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

    fn spec() -> LogSpec {
        LogSpec {
            file: "runs.csv",
            header: vec!["run".to_string(), "end".to_string()],
            what: "a log",
        }
    }

    #[test]
    fn a_log_replaced_under_its_writer_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.csv");
        let (mut log, done) = RunLog::open(dir.path(), &spec(), false, 3).unwrap();
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
    fn a_cut_line_is_dropped_on_resume_and_complete_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.csv");
        std::fs::write(&path, "run,end\n0,end\n2,end\n1,e").unwrap();
        let (_log, done) = RunLog::open(dir.path(), &spec(), true, 3).unwrap();
        assert_eq!(done, [true, false, true]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "run,end\n0,end\n2,end\n"
        );
        assert_eq!(
            recorded(dir.path(), &spec(), 3).unwrap(),
            [true, false, true]
        );
    }

    #[test]
    fn an_existing_log_is_refused_without_resume_and_a_foreign_one_always() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("runs.csv"), "run,end\n").unwrap();
        let e = RunLog::open(dir.path(), &spec(), false, 1).err().unwrap();
        assert!(e.to_string().contains("already holds a log"), "{e:#}");
        std::fs::write(dir.path().join("runs.csv"), "job,end\n").unwrap();
        let e = RunLog::open(dir.path(), &spec(), true, 1).err().unwrap();
        assert!(e.to_string().contains("header differs"), "{e:#}");
    }
}
