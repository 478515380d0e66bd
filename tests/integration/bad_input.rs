//! Bad scenario files and bad command lines: the error names the file, field, value and range.
//!
//! Every bad scenario is run with `custody-sim run FILE -r 1 -q -o out` in its own temporary
//! folder and must exit with code 2, print one error naming the file, the dotted field path, the
//! bad value and what is allowed, and write nothing. `custody-sim check FILE` must reject it with
//! the same message.

use std::collections::BTreeSet;
use std::path::Path;

use tempfile::TempDir;

use crate::common::*;

/// The names in `dir`, to show that a rejected run wrote nothing.
fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("read temp dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Run `custody-sim run FILE -r 1 -q -o out` from `dir` and check that it is rejected as bad input
/// (exit code 2) with one error containing every `expected` fragment, and that nothing was
/// written. Then check that `custody-sim check FILE` prints the same error. Returns stderr.
fn rejected(dir: &Path, file: &str, expected: &[&str]) -> String {
    let before = entries(dir);
    let assert = cmd(dir)
        .args(["run", file, "-r", "1", "-q", "-o", "out"])
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.starts_with("error: "), "stderr: {stderr}");
    assert_eq!(
        stderr.matches("error:").count(),
        1,
        "one error message: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "stderr lacks {fragment:?}:\n{stderr}"
        );
    }
    assert!(
        !dir.join("out").exists(),
        "output folder created for bad input"
    );
    assert_eq!(entries(dir), before, "files written for bad input");

    cmd(dir)
        .args(["check", file])
        .assert()
        .code(2)
        .stdout("")
        .stderr(stderr.clone());
    stderr
}

/// A temporary folder holding `name`, a scenario that extends the baseline with `body`.
fn extending(name: &str, body: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    extend_baseline(dir.path(), name, body);
    dir
}

/// The baseline as a TOML table, to build standalone files that lack something.
fn baseline_table() -> toml::Table {
    let text = std::fs::read_to_string(baseline()).expect("read baseline");
    toml::from_str(&text).expect("baseline is valid TOML")
}

/// The baseline's `time.start_date` and `time.horizon_date`.
fn baseline_period() -> (String, String) {
    let t = baseline_table();
    let date = |key: &str| t["time"][key].as_str().expect("a date string").to_string();
    (date("start_date"), date("horizon_date"))
}

#[test]
fn valid_baseline_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .arg("check")
        .arg(baseline())
        .assert()
        .success()
        .stdout(predicates::str::contains("valid scenario \"baseline\""));
    assert!(entries(dir.path()).is_empty(), "check writes nothing");
    // Quiet: the exit code alone says it.
    cmd(dir.path())
        .args(["check", "-q"])
        .arg(baseline())
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn bad_command_line_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let b = baseline();
    let b = b.to_str().unwrap();
    for (args, fragments) in [
        (
            vec!["run", b, "-r", "0", "-q", "-o", "out"],
            vec!["--replications", "'0'", "1..=100000"],
        ),
        (
            vec!["run", b, "-t", "5000", "-q", "-o", "out"],
            vec!["--threads", "'5000'", "0..=1024"],
        ),
        (
            vec!["run", b, "-r", "ten", "-q", "-o", "out"],
            vec!["--replications", "'ten'"],
        ),
        (vec!["run", b, "--bogus", "-o", "out"], vec!["--bogus"]),
        (vec!["run"], vec!["<SCENARIO>"]),
    ] {
        let assert = cmd(dir.path()).args(&args).assert().code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        for f in fragments {
            assert!(
                stderr.contains(f),
                "{args:?}: stderr lacks {f:?}:\n{stderr}"
            );
        }
        assert!(entries(dir.path()).is_empty(), "{args:?} wrote files");
    }
}

#[test]
fn missing_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    rejected(
        dir.path(),
        "no_such_scenario.toml",
        &["cannot read scenario file no_such_scenario.toml"],
    );
}

#[test]
fn unknown_top_level_key() {
    let dir = extending("unknown_top.toml", "replicatons = 5\n");
    rejected(
        dir.path(),
        "unknown_top.toml",
        &[
            "unknown_top.toml",
            "field `replicatons`",
            "unknown field `replicatons`",
            "expected one of `extends`, `meta`, `time`",
        ],
    );
}

#[test]
fn unknown_nested_key() {
    let dir = extending("unknown_nested.toml", "[data_sharing]\nfoo = 1\n");
    rejected(
        dir.path(),
        "unknown_nested.toml",
        &[
            "unknown_nested.toml",
            "field `data_sharing.foo`",
            "unknown field `foo`",
            "expected one of `integrated_record`, `orr_to_ice_probability`",
        ],
    );
}

#[test]
fn unknown_key_in_an_array_of_tables() {
    let dir = extending(
        "unknown_step.toml",
        "[orr]\nstandard_beds = [{ from = \"2018-10-01\", value = 10, vale = 5 }]\n",
    );
    rejected(
        dir.path(),
        "unknown_step.toml",
        &[
            "unknown_step.toml",
            "field `orr.standard_beds[0].vale`",
            "unknown field `vale`",
            "expected `from` or `value`",
        ],
    );
}

/// A section written as an array of tables (`[[data_sharing]]`) is named as such, not reported as
/// "invalid type: map, expected true or false" at `data_sharing.[0]` (serde reading the table's
/// fields by position), as version 2.1 did; the same for a policy change dated after the horizon,
/// which 2.1 accepted silently.
#[test]
fn a_section_written_as_an_array_of_tables_and_a_change_after_the_horizon() {
    let dir = extending("array.toml", "[[data_sharing]]\nintegrated_record = true\n");
    let err = rejected(
        dir.path(),
        "array.toml",
        &[
            "array.toml",
            "field `data_sharing`",
            "write [data_sharing] with its keys, not [[data_sharing]]",
        ],
    );
    assert!(!err.contains("expected true or false"), "{err}");
    let dir = extending(
        "late.toml",
        "[policy.changes.in_person_verification_2025]\nfrom = \"2030-01-01\"\n",
    );
    rejected(
        dir.path(),
        "late.toml",
        &[
            "late.toml",
            "field `policy.changes.in_person_verification_2025.from`",
            "\"2030-01-01\"",
            "must be on or before the horizon, 2025-12-31",
        ],
    );
}

#[test]
fn wrong_type_string_for_number() {
    let dir = extending(
        "wrong_type.toml",
        "[data_sharing]\norr_to_ice_probability = \"high\"\n",
    );
    rejected(
        dir.path(),
        "wrong_type.toml",
        &[
            "wrong_type.toml",
            "field `data_sharing.orr_to_ice_probability`",
            "string \"high\"",
            "expected a number",
        ],
    );
}

#[test]
fn wrong_type_fraction_for_whole_number() {
    let dir = extending("fraction.toml", "[orr]\ncases_per_case_manager = 2.5\n");
    rejected(
        dir.path(),
        "fraction.toml",
        &[
            "fraction.toml",
            "field `orr.cases_per_case_manager`",
            "`2.5`",
            "expected a whole number from 0 to 4294967295",
        ],
    );
}

#[test]
fn probability_above_one() {
    let dir = extending(
        "prob_high.toml",
        "[data_sharing]\norr_to_ice_probability = 1.5\n",
    );
    rejected(
        dir.path(),
        "prob_high.toml",
        &[
            "prob_high.toml",
            "field `data_sharing.orr_to_ice_probability` = 1.5: must be a probability in [0, 1]",
        ],
    );
}

#[test]
fn probability_below_zero() {
    let dir = extending(
        "prob_low.toml",
        "[vetting]\ndetection_probability_home_study = -0.2\n",
    );
    rejected(
        dir.path(),
        "prob_low.toml",
        &[
            "prob_low.toml",
            "field `vetting.detection_probability_home_study` = -0.2: must be a probability in [0, 1]",
        ],
    );
}

#[test]
fn vetting_depth_and_elasticity_out_of_range() {
    let dir = extending("depth.toml", "[vetting]\nbackground_check_depth = 0\n");
    rejected(
        dir.path(),
        "depth.toml",
        &[
            "depth.toml",
            "field `vetting.background_check_depth` = 0: must be in [0.1, 10]",
        ],
    );
    let dir = extending(
        "elasticity.toml",
        "[vetting]\noverload_thoroughness_elasticity = 5\n",
    );
    rejected(
        dir.path(),
        "elasticity.toml",
        &[
            "elasticity.toml",
            "field `vetting.overload_thoroughness_elasticity` = 5: must be in [0, 4]",
        ],
    );
}

#[test]
fn probability_not_a_number() {
    let dir = extending(
        "prob_nan.toml",
        "[release]\naddress_error_probability = nan\n",
    );
    rejected(
        dir.path(),
        "prob_nan.toml",
        &[
            "prob_nan.toml",
            "field `release.address_error_probability` = NaN: must be a finite number",
        ],
    );
}

#[test]
fn negative_duration() {
    let dir = extending("neg_days.toml", "[vetting]\nhome_study_days_mean = -3\n");
    rejected(
        dir.path(),
        "neg_days.toml",
        &[
            "neg_days.toml",
            "field `vetting.home_study_days_mean` = -3: must be in [0, ",
            "] days",
        ],
    );
}

#[test]
fn zero_bed_capacity() {
    let dir = extending(
        "zero_beds.toml",
        "[orr]\nstandard_beds = [{ from = \"2018-10-01\", value = 0 }]\n",
    );
    rejected(
        dir.path(),
        "zero_beds.toml",
        &[
            "zero_beds.toml",
            "field `orr.standard_beds[0].value` = 0: must be an integer in [1, ",
            "] beds",
        ],
    );
}

#[test]
fn zero_cbp_processing_agents() {
    let dir = extending(
        "zero_agents.toml",
        "[cbp]\nprocessing_agents = [{ from = \"2018-10-01\", value = 0 }]\n",
    );
    rejected(
        dir.path(),
        "zero_agents.toml",
        &[
            "zero_agents.toml",
            "field `cbp.processing_agents[0].value` = 0: must be an integer in [1, ",
            "] agents",
        ],
    );
}

#[test]
fn missing_extends_target() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orphan.toml"), "extends = \"gone.toml\"\n").unwrap();
    rejected(
        dir.path(),
        "orphan.toml",
        &[
            "orphan.toml",
            "field `extends` = \"gone.toml\"",
            "cannot open gone.toml",
            "expected the path of an existing scenario file, relative to this file's folder",
        ],
    );
}

#[test]
fn extends_is_not_a_string() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ext_int.toml"), "extends = 3\n").unwrap();
    rejected(
        dir.path(),
        "ext_int.toml",
        &[
            "ext_int.toml",
            "field `extends`",
            "integer `3`",
            "expected a quoted path to a scenario file",
        ],
    );
}

#[test]
fn circular_extends() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), "extends = \"b.toml\"\n").unwrap();
    std::fs::write(dir.path().join("b.toml"), "extends = \"a.toml\"\n").unwrap();
    rejected(
        dir.path(),
        "a.toml",
        &[
            "b.toml: field `extends` = \"a.toml\"",
            "circular inheritance a.toml -> b.toml -> a.toml",
            "a scenario may not extend itself, directly or through other files",
        ],
    );
}

#[test]
fn self_extends() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("me.toml"), "extends = \"me.toml\"\n").unwrap();
    rejected(
        dir.path(),
        "me.toml",
        &[
            "me.toml: field `extends` = \"me.toml\"",
            "circular inheritance me.toml -> me.toml",
            "a scenario may not extend itself",
        ],
    );
}

#[test]
fn bad_date_format() {
    let dir = extending(
        "bad_date.toml",
        "[welfare_checks]\nstart_date = \"2025/02/01\"\n",
    );
    rejected(
        dir.path(),
        "bad_date.toml",
        &[
            "bad_date.toml",
            "field `welfare_checks.start_date` = \"2025/02/01\": must be a date written YYYY-MM-DD",
        ],
    );
}

#[test]
fn date_outside_horizon() {
    let dir = extending(
        "late_date.toml",
        "[welfare_checks]\nstart_date = \"2030-01-01\"\n",
    );
    let (start, end) = baseline_period();
    rejected(
        dir.path(),
        "late_date.toml",
        &[
            "late_date.toml",
            "field `welfare_checks.start_date` = \"2030-01-01\"",
            &format!(
                "must be a date within the simulated period, from {start} to {end} \
                 (time.start_date to time.horizon_date)"
            ),
        ],
    );
}

#[test]
fn toml_syntax_error() {
    let dir = extending(
        "syntax.toml",
        "[data_sharing\norr_to_ice_probability = 0.5\n",
    );
    rejected(
        dir.path(),
        "syntax.toml",
        &[
            "syntax.toml: not valid TOML",
            "line 2, column 14",
            "[data_sharing",
            "expected `]`",
        ],
    );
}

#[test]
fn syntax_error_in_an_extended_file_names_that_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("parent.toml"), "[meta\n").unwrap();
    std::fs::write(dir.path().join("child.toml"), "extends = \"parent.toml\"\n").unwrap();
    rejected(
        dir.path(),
        "child.toml",
        &["parent.toml: not valid TOML", "line 1", "expected `]`"],
    );
}

#[test]
fn bad_value_in_an_extended_file_names_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    extend_baseline(
        dir.path(),
        "parent.toml",
        "[court]\nrepresentation_probability = 2\n",
    );
    std::fs::write(dir.path().join("child.toml"), "extends = \"parent.toml\"\n").unwrap();
    rejected(
        dir.path(),
        "child.toml",
        &[
            "child.toml (extends parent.toml -> ",
            "baseline.toml)",
            "field `court.representation_probability` = 2: must be a probability in [0, 1]",
        ],
    );
}

#[test]
fn missing_required_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = baseline_table();
    assert!(t.remove("cbp").is_some(), "the baseline has a [cbp] table");
    std::fs::write(dir.path().join("no_cbp.toml"), toml::to_string(&t).unwrap()).unwrap();
    rejected(
        dir.path(),
        "no_cbp.toml",
        &[
            "no_cbp.toml: field `cbp`: missing; this field is required",
            "(set it in this file or in a file it extends)",
        ],
    );
}

#[test]
fn missing_required_nested_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = baseline_table();
    let time = t.get_mut("time").and_then(|v| v.as_table_mut()).unwrap();
    assert!(time.remove("contact_window_days").is_some());
    std::fs::write(
        dir.path().join("no_window.toml"),
        toml::to_string(&t).unwrap(),
    )
    .unwrap();
    rejected(
        dir.path(),
        "no_window.toml",
        &["no_window.toml: field `time.contact_window_days`: missing; this field is required"],
    );
}

#[test]
fn seasonal_weights_of_wrong_length() {
    let dir = extending(
        "weights.toml",
        "[arrivals]\nseasonal_weights = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]\n",
    );
    rejected(
        dir.path(),
        "weights.toml",
        &[
            "weights.toml",
            "field `arrivals.seasonal_weights` = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2] (11 values): \
             must list exactly 12 weights",
        ],
    );
}

#[test]
fn fiscal_year_outside_horizon() {
    let dir = extending(
        "fy.toml",
        "[[arrivals.fiscal_years]]\nfiscal_year = 2030\nchildren = 100\nsource = \"test\"\n",
    );
    let (start, end) = baseline_period();
    rejected(
        dir.path(),
        "fy.toml",
        &[
            "fy.toml",
            "field `arrivals.fiscal_years[0].fiscal_year` = 2030",
            &format!(
                "the whole fiscal year (2029-10-01 to 2030-09-30) must lie within the simulated \
                 period, from {start} to {end}"
            ),
        ],
    );
}

#[test]
fn extreme_fiscal_year_is_rejected_without_panic() {
    let dir = extending(
        "fy_min.toml",
        "[[arrivals.fiscal_years]]\nfiscal_year = -2147483648\nchildren = 1\nsource = \"test\"\n",
    );
    rejected(
        dir.path(),
        "fy_min.toml",
        &[
            "fy_min.toml",
            "field `arrivals.fiscal_years[0].fiscal_year` = -2147483648: must be a calendar year",
        ],
    );
}

#[test]
fn multiple_problems_reported_together() {
    let dir = extending(
        "many.toml",
        r#"
[data_sharing]
orr_to_ice_probability = 1.5

[vetting]
home_study_days_mean = -3

[orr]
standard_beds = [{ from = "2018-10-01", value = 0 }]

[welfare_checks]
start_date = "2025/02/01"
"#,
    );
    let stderr = rejected(
        dir.path(),
        "many.toml",
        &[
            "many.toml (extends ",
            "4 invalid value(s):",
            "  - field `data_sharing.orr_to_ice_probability` = 1.5: must be a probability in [0, 1]",
            "  - field `vetting.home_study_days_mean` = -3: must be in [0, ",
            "  - field `orr.standard_beds[0].value` = 0: must be an integer in [1, ",
            "  - field `welfare_checks.start_date` = \"2025/02/01\": must be a date written YYYY-MM-DD",
        ],
    );
    assert_eq!(
        stderr.matches("\n  - field ").count(),
        4,
        "stderr: {stderr}"
    );
}

#[test]
fn bad_search_parameters_of_the_welfare_checks_are_each_named() {
    let dir = extending(
        "search.toml",
        r#"
[welfare_checks]
recheck_after_days = 0
reverify_after_days = 4000
trace_effort_visits = 0.0
trace_success_per_visit_effort = -1.0
"#,
    );
    let stderr = rejected(
        dir.path(),
        "search.toml",
        &[
            "4 invalid value(s):",
            "  - field `welfare_checks.recheck_after_days` = 0: must be an integer in [1, 3650] days",
            "  - field `welfare_checks.reverify_after_days` = 4000: must be an integer in [1, 3650] days",
            "  - field `welfare_checks.trace_effort_visits` = 0: must be in [0.01, 100] visit-equivalents",
            "  - field `welfare_checks.trace_success_per_visit_effort` = -1: must be in [0, 100] per visit-equivalent of effort",
        ],
    );
    assert_eq!(
        stderr.matches("\n  - field ").count(),
        4,
        "stderr: {stderr}"
    );
}

#[test]
fn an_array_where_a_table_belongs_is_refused() {
    let dir = extending(
        "array_for_table.toml",
        "meta = [\"baseline\", \"x\"]\n[life]\nrunaway_rate_per_year = [0.08, 0.40, 0.30]\n",
    );
    rejected(
        dir.path(),
        "array_for_table.toml",
        &[
            "field `meta` = [\"baseline\", \"x\"]: must be a table { ... } with keys `description`, `name`, not an array",
            "field `life.runaway_rate_per_year` = [0.08, 0.4, 0.3]: must be a table { ... } with keys `exploitative`, `neglectful`, `safe`, not an array",
        ],
    );
}

#[test]
fn schema_and_range_problems_are_listed_together() {
    let dir = extending(
        "many.toml",
        "[cbp]\ntransfer_limit_hours = \"x\"\n[court]\nrepresentation_probability = 2.0\n[orr]\nno_such_key = 1\n",
    );
    let stderr = rejected(
        dir.path(),
        "many.toml",
        &[
            "3 invalid value(s)",
            "field `cbp.transfer_limit_hours` = \"x\": invalid type: string \"x\", expected a number",
            "field `orr.no_such_key`",
            "field `court.representation_probability` = 2: must be a probability in [0, 1]",
        ],
    );
    assert_eq!(stderr.matches("\n  - ").count(), 3, "{stderr}");
}

#[test]
fn every_schema_problem_of_one_section_is_listed() {
    // Serde stops at a section's first problem; the loader reads the rest of the section again
    // without it, so typos in one table are all reported at once.
    let dir = extending(
        "typos.toml",
        "[life]\nmove_rate_per_yearr = 0.3\nrunaway_rate_per_year = \"x\"\nmove_reported = 5\n[court]\nrepresentation_probability = 3.0\n",
    );
    let stderr = rejected(
        dir.path(),
        "typos.toml",
        &[
            "4 invalid value(s)",
            "field `life.move_rate_per_yearr` = 0.3: unknown field `move_rate_per_yearr`",
            "field `life.move_reported` = 5: unknown field `move_reported`",
            "field `life.runaway_rate_per_year` = \"x\"",
            "field `court.representation_probability` = 3: must be a probability in [0, 1]",
        ],
    );
    assert_eq!(stderr.matches("\n  - ").count(), 4, "{stderr}");
    assert!(
        !stderr.contains("(missing)"),
        "a field taken out to read on is not reported missing: {stderr}"
    );
}

#[test]
fn an_extends_that_is_empty_or_a_folder_names_the_field() {
    for (target, why) in [
        ("", "is empty"),
        (".", "is a folder"),
        ("sub", "is a folder"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(
            dir.path().join("ext.toml"),
            format!("extends = \"{target}\"\n"),
        )
        .unwrap();
        rejected(
            dir.path(),
            "ext.toml",
            &[
                &format!("ext.toml: field `extends` = \"{target}\""),
                why,
                "expected the path of an existing scenario file",
            ],
        );
    }
}

#[test]
fn messages_stay_short_and_exact_and_paths_well_formed() {
    // 10,000 weights (the most an array may hold) where 12 are expected: the message shows a
    // few, not all.
    let weights = vec!["1.0"; 10_000].join(", ");
    let dir = extending(
        "huge.toml",
        &format!(
            "[arrivals]\nseasonal_weights = [{weights}]\n[court]\nrepresentation_probability = 9007199254740993\n[[children.country_groups]]\nname = \"a\"\nshare = -1.0\nreach_multiplier = 1.0\n"
        ),
    );
    let stderr = rejected(
        dir.path(),
        "huge.toml",
        &[
            "field `arrivals.seasonal_weights` = [1, 1,",
            "9976 more] (10000 values): must list exactly 12 weights",
            // A whole number is shown as written, not rounded through a float.
            "field `court.representation_probability` = 9007199254740993",
            "field `children.country_groups[0].share` = -1",
        ],
    );
    assert!(stderr.len() < 2_000, "{} bytes on stderr", stderr.len());
    assert!(!stderr.contains("[].share"), "{stderr}");
}

#[test]
fn a_schedule_step_after_the_horizon_is_refused() {
    let (start, end) = baseline_period();
    let dir = extending(
        "late_step.toml",
        &format!(
            "[orr]\nstandard_beds = [{{ from = \"{start}\", value = 9800 }}, {{ from = \"2031-01-01\", value = 12000 }}]\n"
        ),
    );
    rejected(
        dir.path(),
        "late_step.toml",
        &[
            "field `orr.standard_beds[1].from` = \"2031-01-01\"",
            &format!("a step must start within the simulated period, from {start} to {end}"),
        ],
    );
}

#[test]
fn bad_policy_changes_are_each_named() {
    let dir = extending(
        "policy.toml",
        "[policy.changes.moa_2018]\nfrom = \"2018-13-01\"\n\n[policy.changes.extra]\nfrom = \"2020-01-01\"\nname = \"a change\"\nsource = \" \"\nenforcement_use = false\n",
    );
    rejected(
        dir.path(),
        "policy.toml",
        &[
            "policy.toml",
            "field `policy.changes.extra.source` = \"\": must say what the change is and where it is documented (not empty)",
            "field `policy.changes.moa_2018.from` = \"2018-13-01\": must be a date written YYYY-MM-DD",
        ],
    );
}

#[test]
fn an_unknown_policy_rule_is_refused() {
    let dir = extending(
        "rule.toml",
        "[policy.changes.moa_2018]\nshare_everything = true\n",
    );
    rejected(
        dir.path(),
        "rule.toml",
        &["rule.toml", "policy.changes.moa_2018", "share_everything"],
    );
}

#[test]
fn the_enforcement_date_of_model_version_1_is_refused_with_its_field_named() {
    // Model version 1 dated enforcement use in [deterrence]; it is now a rule of [policy].
    let dir = extending(
        "old.toml",
        "[deterrence]\nsharing_used_for_enforcement_from = \"2025-02-01\"\n",
    );
    rejected(
        dir.path(),
        "old.toml",
        &[
            "old.toml",
            "deterrence",
            "sharing_used_for_enforcement_from",
        ],
    );
}

#[test]
fn deterrence_arrests_and_vetting_policy_costs_out_of_range() {
    let dir = extending(
        "arrests.toml",
        "[deterrence]\nhousehold_arrest_probability_per_check = 1.5\narrest_child_returns_to_orr_probability = -1\n\n[vetting]\nhousehold_fingerprinting_extra_depth = 11\nin_person_verification_days_mean = -2\n",
    );
    rejected(
        dir.path(),
        "arrests.toml",
        &[
            "field `vetting.household_fingerprinting_extra_depth` = 11: must be in [0, 10]",
            "field `vetting.in_person_verification_days_mean` = -2: must be in [0, ",
            "field `deterrence.household_arrest_probability_per_check` = 1.5: must be a probability in [0, 1]",
            "field `deterrence.arrest_child_returns_to_orr_probability` = -1: must be a probability in [0, 1]",
        ],
    );
}

#[test]
fn a_dated_value_that_is_neither_a_number_nor_steps_is_refused() {
    let dir = extending(
        "dated.toml",
        "[wellbeing_calls]\nanswer_probability_if_current = \"high\"\n",
    );
    rejected(
        dir.path(),
        "dated.toml",
        &[
            "dated.toml",
            "wellbeing_calls.answer_probability_if_current",
        ],
    );
    let dir = extending(
        "dated_steps.toml",
        "[ice]\nnta_probability = [{ from = \"2018-10-01\", value = 0.9 }, { from = \"2020-01-01\", value = 2.0 }]\n",
    );
    rejected(
        dir.path(),
        "dated_steps.toml",
        &["field `ice.nta_probability[1].value` = 2: must be a probability in [0, 1]"],
    );
}

#[test]
fn bad_values_of_the_recovery_side_are_each_named() {
    let dir = extending(
        "recovery.toml",
        r#"
[recovery]
reassigned_to_removal_share = [{ from = "2018-10-01", value = 0.1 }, { from = "2025-09-01", value = 1.5 }]

[recovery.screening]
orr_detection_probability = -0.1

[recovery.leads]
cold_after_days = 0

[recovery.leads.campaigns.blue]
from = "2024-01-01"
days = 0
name = "an outreach campaign"
source = "assumption"
tip_multiplier = 2.0

[recovery.operations.lost]
from = "2025-02-30"
days = 30
name = "an operation"
source = ""
region_share = 2.0
capacity_per_day = 10
partner_capacity_per_day = 10
"#,
    );
    let stderr = rejected(
        dir.path(),
        "recovery.toml",
        &[
            "7 invalid value(s):",
            "field `recovery.reassigned_to_removal_share[1].value` = 1.5: must be a probability in [0, 1]",
            "field `recovery.screening.orr_detection_probability` = -0.1: must be a probability in [0, 1]",
            "field `recovery.leads.cold_after_days` = 0: must be in [1, 3653] days",
            "field `recovery.leads.campaigns.blue.days` = 0: must be an integer in [1, 3653] days",
            "field `recovery.operations.lost.source`",
            "field `recovery.operations.lost.region_share` = 2: must be a probability in [0, 1]",
            "field `recovery.operations.lost.from` = \"2025-02-30\"",
        ],
    );
    assert_eq!(
        stderr.matches("\n  - field ").count(),
        7,
        "stderr: {stderr}"
    );
}

/// Limits of input files (issue 32): a file over 4 MiB is refused before it is parsed, naming its
/// size and the limit; an array of more than 10,000 entries is refused naming its field; more than
/// 100 calls after each release are refused; an error list shows 100 problems and counts the rest.
#[test]
fn an_input_file_over_the_size_limit_is_refused_before_it_is_parsed() {
    // A comment of 5 MiB: valid TOML, but no input file needs to be that large.
    let dir = extending("huge.toml", &format!("# {}\n", "x".repeat(5 << 20)));
    rejected(
        dir.path(),
        "huge.toml",
        &[
            "scenario file huge.toml is 52429",
            "over the limit of 4194304 bytes",
        ],
    );
}

#[test]
fn an_array_over_the_length_limit_is_refused_naming_its_field() {
    let days: Vec<String> = (0..10_001).map(|i| (i % 365).to_string()).collect();
    let dir = extending(
        "long.toml",
        &format!(
            "[wellbeing_calls]\ndays_after_release = [{}]\n",
            days.join(", ")
        ),
    );
    rejected(
        dir.path(),
        "long.toml",
        &[
            "field `wellbeing_calls.days_after_release`",
            "an array of 10001 entries: at most 10000 are allowed",
        ],
    );
}

#[test]
fn more_than_a_hundred_calls_after_each_release_are_refused() {
    let days: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    let dir = extending(
        "calls.toml",
        &format!(
            "[wellbeing_calls]\ndays_after_release = [{}]\n",
            days.join(", ")
        ),
    );
    rejected(
        dir.path(),
        "calls.toml",
        &[
            "field `wellbeing_calls.days_after_release`",
            "101 calls after each release: at most 100 are allowed",
        ],
    );
}

#[test]
fn a_long_error_list_shows_a_hundred_problems_and_counts_the_rest() {
    // 150 out-of-range call days (3650 is the largest allowed), 101 more than the 100 allowed.
    let days: Vec<String> = (0..150).map(|_| "5000".to_string()).collect();
    let dir = extending(
        "many.toml",
        &format!(
            "[wellbeing_calls]\ndays_after_release = [{}]\n",
            days.join(", ")
        ),
    );
    let err = rejected(
        dir.path(),
        "many.toml",
        &[
            "151 invalid value(s)",
            "  ... and 51 more (the first 100 are listed)",
        ],
    );
    assert_eq!(err.matches("\n  - field").count(), 100, "{err}");
}

/// Suggestions (issue 31): an unknown section or key near a valid one, and a scenario path with a
/// slip in a folder or file name, say what was probably meant; `report` on a folder that does not
/// exist says so (not "is not a folder") and suggests the near one.
#[test]
fn slips_in_keys_sections_and_paths_get_a_suggestion() {
    let dir = extending(
        "typo.toml",
        "[data_sharng]\norr_to_ice_probability = 0.5\n\n[life]\nmove_rate_per_yer = 0.3\n",
    );
    rejected(
        dir.path(),
        "typo.toml",
        &[
            "unknown field `data_sharng`",
            "; did you mean `data_sharing`?",
            "unknown field `move_rate_per_yer`",
            "; did you mean `move_rate_per_year`?",
        ],
    );
    let d = dir.path();
    std::fs::create_dir(d.join("reforms")).unwrap();
    std::fs::copy(
        d.join("typo.toml"),
        d.join("reforms/integrated_record.toml"),
    )
    .unwrap();
    let a = cmd(d)
        .args(["check", "reform/integrated_recrd.toml"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("cannot read scenario file reform/integrated_recrd.toml: No such file or directory (os error 2); did you mean reforms/integrated_record.toml?"),
        "{err}"
    );
    std::fs::create_dir(d.join("baseline-out")).unwrap();
    let a = cmd(d).args(["report", "basline-out"]).assert().code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("basline-out: does not exist (did you mean baseline-out?)"),
        "{err}"
    );
}
