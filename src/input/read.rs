//! The reading prelude of every input file: read its bytes, refuse bytes that are not UTF-8
//! (naming the file and the byte offset), parse TOML.

use std::io::Read;
use std::path::Path;

use toml::{Table, Value};

use super::problems::Problems;
use crate::error::ScenarioError;

/// An input file as read: its bytes (hashed into identities and manifests) and its TOML table.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The file's bytes, as read.
    pub(crate) bytes: Vec<u8>,
    /// The parsed table.
    pub(crate) table: Table,
}

/// Largest input file read, in bytes (4 MiB): the baseline scenario is about 40 kB, and a file
/// hundreds of times larger is a mistake that would cost gigabytes of memory to parse.
pub(crate) const MAX_INPUT_BYTES: u64 = 4 << 20;

/// Longest array in an input file: the longest the model needs is a few dozen dated steps; a
/// longer one is a mistake (and some arrays cost memory or events per child).
pub(crate) const MAX_ARRAY_LEN: usize = 10_000;

/// Read `file`, a `kind` file ("scenario", "sweep", "explore", "calibration", "targets",
/// "explorer"): its bytes, at most [`MAX_INPUT_BYTES`] and UTF-8, parsed as TOML, with no array
/// longer than [`MAX_ARRAY_LEN`].
pub(crate) fn read(file: &Path, kind: &'static str) -> Result<Source, ScenarioError> {
    let unreadable = |io| ScenarioError::Read {
        kind,
        path: file.to_path_buf(),
        io,
        hint: super::suggest::existing_path(file),
    };
    let mut bytes = Vec::new();
    // Read one byte past the limit, whatever the file claims to be (a pipe has no length).
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        let size = std::fs::metadata(file).map_or(bytes.len() as u64, |m| m.len());
        return Err(ScenarioError::TooLarge {
            kind,
            path: file.to_path_buf(),
            bytes: size.max(bytes.len() as u64),
            limit: MAX_INPUT_BYTES,
        });
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| ScenarioError::Syntax {
        path: file.to_path_buf(),
        message: format!("not UTF-8: {e}"),
    })?;
    let table: Table = toml::from_str(text).map_err(|e| ScenarioError::Syntax {
        path: file.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let mut problems = Problems::default();
    for (key, v) in &table {
        long_arrays(key, v, &mut problems);
    }
    problems.finish(file)?;
    Ok(Source { bytes, table })
}

/// Every array of `v` (at dotted path `at`) longer than [`MAX_ARRAY_LEN`], as a problem.
fn long_arrays(at: &str, v: &Value, problems: &mut Problems) {
    match v {
        Value::Table(t) => {
            for (k, x) in t {
                long_arrays(&format!("{at}.{k}"), x, problems);
            }
        }
        Value::Array(a) => {
            if a.len() > MAX_ARRAY_LEN {
                problems.field(
                    at,
                    format!(
                        "an array of {} entries: at most {MAX_ARRAY_LEN} are allowed",
                        a.len()
                    ),
                );
            } else {
                for (i, x) in a.iter().enumerate() {
                    long_arrays(&format!("{at}[{i}]"), x, problems);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_are_refused_with_their_offset() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.toml");
        std::fs::write(&file, b"seed = 1 # caf\xe9\n").unwrap();
        let e = read(&file, "sweep").unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: not valid TOML: not UTF-8: invalid utf-8 sequence of 1 bytes from index 14",
                file.display()
            )
        );
        std::fs::write(&file, "seed = 1 # café\n").unwrap();
        let s = read(&file, "sweep").unwrap();
        assert_eq!(s.table["seed"].as_integer(), Some(1));
        assert_eq!(s.bytes, "seed = 1 # café\n".as_bytes());
    }

    #[test]
    fn an_unreadable_file_names_its_kind() {
        let e = read(Path::new("/no/such/file.toml"), "targets").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("cannot read targets file /no/such/file.toml"));
    }
}
