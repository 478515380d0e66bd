//! Shared helpers for integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

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

[orr.in_care_at_start]
children = 260   # about 2% of the baseline's 13,220, as the cohort

[orr.released_before_start]
children = 54   # about 2% of the baseline's 2,706
window_days = 30

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

/// Run the binary with `args`, require success, and parse its standard output as exactly one JSON
/// document.
pub fn json_of(dir: &Path, args: &[&str]) -> Value {
    let out = cmd(dir).args(args).output().expect("run custody-sim");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not one JSON document ({e}):\n{text}"));
    assert!(v.is_object(), "{text}");
    v
}

/// A small base scenario (2,000 children in FY2019) in `dir`.
pub fn small(dir: &Path) -> PathBuf {
    extend_baseline(
        dir,
        "small.toml",
        "[meta]\nname = \"small\"\ndescription = \"test\"\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 2000\nsource = \"test\"\n",
    )
}

/// A sweep file over `small.toml` in `dir`.
pub fn sweep_file(dir: &Path, design: &str, reps: u32) -> PathBuf {
    small(dir);
    let path = dir.join("sweep.toml");
    std::fs::write(
        &path,
        format!("base = \"small.toml\"\nseed = 7\nreplications = {reps}\n\n[design]\n{design}\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nmin = 0.5\nmax = 1.0\n"),
    )
    .unwrap();
    path
}

/// An explore file over the baseline and one reform, at 1% of the cohort, in 12 futures.
pub fn explore_file(dir: &Path) -> PathBuf {
    let reform = extend_baseline(
        dir,
        "shared.toml",
        "[meta]\nname = \"shared\"\ndescription = \"test\"\n\n[data_sharing]\nintegrated_record = true\n",
    );
    let path = dir.join("explore.toml");
    std::fs::write(
        &path,
        format!(
            "baseline = {:?}\nreforms = [{:?}]\nreplications = 1\nseed = 11\nscale = 0.01\n\n[futures]\nsamples = 12\n\n[uncertainties]\nassumptions = false\n\n[[uncertainties.parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n",
            baseline().display().to_string(),
            reform.display().to_string()
        ),
    )
    .unwrap();
    path
}

/// A condition on the reform `shared` that holds in about half the futures of an explore folder.
pub fn median_condition(ex: &Path) -> String {
    let (h, rows) = read_csv(&ex.join("outcomes.csv"));
    let mut v: Vec<f64> = rows
        .iter()
        .filter(|r| {
            r[col(&h, "reform")] == "shared"
                && r[col(&h, "metric")] == "unlocatable_by_ice_at_horizon"
        })
        .map(|r| r[col(&h, "value")].parse().unwrap())
        .collect();
    v.sort_by(f64::total_cmp);
    format!("value > {}", v[v.len() / 2])
}
