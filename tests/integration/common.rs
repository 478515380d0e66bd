//! Shared helpers for integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The project root (where `scenarios/` lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The baseline scenario, as an absolute path.
pub fn baseline() -> PathBuf {
    root().join("scenarios").join("baseline.toml")
}

/// The `custody-sim` binary, run from `dir`.
pub fn cmd(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("custody-sim").expect("binary builds");
    c.current_dir(dir);
    c
}

/// Run the binary from `dir` with `args`, require success, and return what it printed.
pub fn stdout_of(dir: &Path, args: &[&str]) -> String {
    let out = cmd(dir)
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("stdout is UTF-8")
}

/// Write a scenario that extends the baseline (by absolute path) with `body` appended.
pub fn extend_baseline(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    let text = format!("extends = {:?}\n{}", baseline().display().to_string(), body);
    std::fs::write(&path, text).expect("write scenario");
    path
}

/// A small, fast variant of the baseline: fewer arrivals and staff scaled to match, same horizon.
/// `extra` is appended (later tables override earlier keys only if they do not repeat a table
/// header, so pass whole tables not already present here).
pub const SMALL: &str = r#"
[meta]
name = "small"
description = "test scenario: about 2% of the baseline cohort"

[[arrivals.fiscal_years]]
fiscal_year = 2019
children = 1400
source = "test"

[[arrivals.fiscal_years]]
fiscal_year = 2020
children = 300
source = "test"

[[arrivals.fiscal_years]]
fiscal_year = 2021
children = 2400
source = "test"
"#;

/// Read a CSV file into a header and rows.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("open csv");
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Column index by name.
pub fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}
