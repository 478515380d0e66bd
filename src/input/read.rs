//! The reading prelude of every input file: read its bytes, refuse bytes that are not UTF-8
//! (naming the file and the byte offset), parse TOML.

use std::path::Path;

use toml::Table;

use crate::error::ScenarioError;

/// An input file as read: its bytes (hashed into identities and manifests) and its TOML table.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The file's bytes, as read.
    pub(crate) bytes: Vec<u8>,
    /// The parsed table.
    pub(crate) table: Table,
}

/// Read `file`, a `kind` file ("scenario", "sweep", "explore", "calibration", "targets",
/// "explorer"): its bytes, which must be UTF-8, parsed as TOML.
pub(crate) fn read(file: &Path, kind: &'static str) -> Result<Source, ScenarioError> {
    let bytes = std::fs::read(file).map_err(|source| ScenarioError::Read {
        kind,
        path: file.to_path_buf(),
        source,
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| ScenarioError::Syntax {
        path: file.to_path_buf(),
        message: format!("not UTF-8: {e}"),
    })?;
    let table: Table = toml::from_str(text).map_err(|e| ScenarioError::Syntax {
        path: file.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    Ok(Source { bytes, table })
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
