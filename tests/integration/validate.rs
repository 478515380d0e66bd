//! Validation against targets: exit codes, the output table, and refused targets files.

use std::path::{Path, PathBuf};

use crate::common::*;

fn small(dir: &Path) -> PathBuf {
    extend_baseline(dir, "small.toml", SMALL)
}

fn targets(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("targets.toml");
    std::fs::write(&p, body).unwrap();
    p
}

const RELEASED_2021: &str = r#"
[[targets]]
name = "released_by_2021"
metric = "released"
aggregate = "at_date"
date = "2021-09-30"
value = VALUE
qualifier = "about"
tolerance = 0.05
definition = "test"
source = "test"
"#;

#[test]
fn validate_exit_code_says_whether_every_target_is_met() {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    // First learn the model's value, then target it (pass) and something far from it (fail).
    let t = targets(dir.path(), &RELEASED_2021.replace("VALUE", "1000"));
    cmd(dir.path())
        .args([
            "validate",
            s.to_str().unwrap(),
            "--targets",
            t.to_str().unwrap(),
            "-r",
            "3",
            "-q",
            "-o",
            "v1",
        ])
        .assert()
        .code(1);
    let (h, rows) = read_csv(&dir.path().join("v1/validation.csv"));
    let model: f64 = rows[0][col(&h, "model_mean")].parse().unwrap();
    assert_eq!(rows[0][col(&h, "pass")], "false");
    assert!(
        model > 3000.0,
        "released by FY2021 in the small scenario: {model}"
    );
    assert!(rows[0][col(&h, "model_measure")].contains("released at the end of 2021-09-30"));

    let t = targets(
        dir.path(),
        &RELEASED_2021.replace("VALUE", &format!("{model}")),
    );
    let out = cmd(dir.path())
        .args([
            "validate",
            s.to_str().unwrap(),
            "--targets",
            t.to_str().unwrap(),
            "-r",
            "3",
            "-o",
            "v2",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("1 of 1 targets met"));
    let (h, rows) = read_csv(&dir.path().join("v2/validation.csv"));
    assert_eq!(rows[0][col(&h, "pass")], "true");
    let err: f64 = rows[0][col(&h, "relative_error")].parse().unwrap();
    assert!(err.abs() < 1e-6, "relative error {err}");
}

#[test]
fn shares_changes_and_run_metrics_are_targetable() {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    let t = targets(
        dir.path(),
        r#"
[[targets]]
name = "calls_share"
metric = "wellbeing_calls_not_reached_cum"
per = "wellbeing_calls_due_cum"
aggregate = "change"
from = "2018-10-01"
to = "2019-09-30"
value = 0.3
qualifier = "about"
tolerance = 0.5
definition = "test"
source = "test"

[[targets]]
name = "care_days"
metric = "care_days_mean"
aggregate = "run"
value = 40
qualifier = "about"
tolerance = 0.5
definition = "test"
source = "test"

[[targets]]
name = "unlocatable_mean_2024"
metric = "unlocatable_by_ice"
aggregate = "mean"
from = "2024-01-01"
to = "2024-12-31"
value = 1
qualifier = "more_than"
tolerance = 0.01
definition = "test"
source = "test"

[[targets]]
name = "without_nta"
metric = "released"
minus = "ntas_issued_cum"
aggregate = "at_date"
date = "2025-12-31"
value = 1
qualifier = "more_than"
tolerance = 0.01
definition = "test"
source = "test"
"#,
    );
    cmd(dir.path())
        .args([
            "validate",
            s.to_str().unwrap(),
            "--targets",
            t.to_str().unwrap(),
            "-r",
            "2",
            "-q",
            "-o",
            "v",
        ])
        .assert()
        .code(0);
    let (h, rows) = read_csv(&dir.path().join("v/validation.csv"));
    let share: f64 = rows[0][col(&h, "model_mean")].parse().unwrap();
    // One attempt per call in the baseline: about a fifth end unreached, and more while the 2018
    // agreement's pressure makes households avoid calls (FY2019).
    assert!(
        share > 0.15 && share < 0.45,
        "share of calls not reached: {share}"
    );
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r[col(&h, "pass")] == "true"));
}

fn refused(body: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    let t = targets(dir.path(), body);
    let err = cmd(dir.path())
        .args([
            "validate",
            s.to_str().unwrap(),
            "--targets",
            t.to_str().unwrap(),
            "-q",
            "-o",
            "out",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8_lossy(&err);
    for e in expect {
        assert!(msg.contains(e), "expected {e:?} in {msg}");
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn bad_targets_are_refused() {
    let ok = RELEASED_2021.replace("VALUE", "100");
    // An unknown metric lists the valid ones.
    refused(
        &ok.replace("metric = \"released\"", "metric = \"releesed\""),
        &[
            "targets.toml",
            "targets[0].metric",
            "releesed",
            "ntas_issued_cum",
            "unlocatable",
        ],
    );
    // A date outside the simulated period.
    refused(
        &ok.replace("2021-09-30", "2030-01-01"),
        &[
            "targets[0].date",
            "2030-01-01",
            "outside the simulated period",
        ],
    );
    refused(
        &ok.replace("2021-09-30", "2017-12-31"),
        &["outside the simulated period"],
    );
    // A bad qualifier, tolerance, aggregate and a missing date.
    refused(
        &ok.replace("\"about\"", "\"roughly\""),
        &["targets[0].qualifier", "more_than"],
    );
    refused(
        &ok.replace("tolerance = 0.05", "tolerance = 0"),
        &["targets[0].tolerance"],
    );
    refused(
        &ok.replace("\"at_date\"", "\"sum\""),
        &["targets[0].aggregate", "change"],
    );
    refused(
        &ok.replace("date = \"2021-09-30\"\n", ""),
        &["targets[0].date", "missing"],
    );
    // A whole-run metric used as a daily series.
    refused(
        &ok.replace("metric = \"released\"", "metric = \"care_days_mean\""),
        &["not a daily series", "aggregate = \"run\""],
    );
    // An unknown key.
    refused(&format!("{ok}\nweight = 2\n"), &["weight"]);
}

#[test]
fn validate_at_a_share_of_the_cohort_compares_counts_per_whole_cohort() {
    let dir = tempfile::tempdir().unwrap();
    let s = small(dir.path());
    let t = targets(
        dir.path(),
        r#"
[[targets]]
name = "released"
metric = "released"
aggregate = "run"
value = 1000
qualifier = "about"
tolerance = 0.5
definition = "test"
source = "test"

[[targets]]
name = "care_days"
metric = "care_days_mean"
aggregate = "run"
value = 40
qualifier = "about"
tolerance = 0.5
definition = "test"
source = "test"
"#,
    );
    let s = s.to_str().unwrap();
    let run = json_of(
        dir.path(),
        &["run", s, "--scale", "0.5", "-r", "2", "--json", "-o", "r"],
    );
    let mean = |m: &str| run["metrics"][m]["mean"].as_f64().unwrap();
    let out = cmd(dir.path())
        .args([
            "validate",
            s,
            "--targets",
            t.to_str().unwrap(),
            "--scale",
            "0.5",
            "-r",
            "2",
            "-o",
            "v",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("at 0.5 of the cohort (counts compared per whole cohort)"),
        "{text}"
    );
    let (h, rows) = read_csv(&dir.path().join("v/validation.csv"));
    let model = |i: usize| -> f64 { rows[i][col(&h, "model_mean")].parse().unwrap() };
    // The same runs as `run --scale 0.5`: a count doubled, a mean as it is.
    assert_eq!(model(0), 2.0 * mean("released"));
    assert_eq!(model(1), mean("care_days_mean"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("v/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["scale"], 0.5);

    let bad = cmd(dir.path())
        .args(["validate", s, "--targets", t.to_str().unwrap()])
        .args(["--scale", "2", "-o", "bad"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--scale") && err.contains("between 0.001 and 1"),
        "{err}"
    );
    assert!(!dir.path().join("bad").exists());
}
