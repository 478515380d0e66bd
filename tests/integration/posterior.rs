//! `compare --posterior`: reform effects over the draws of a calibrated ensemble, with the
//! assumptions' interval beside the random draws'.

use std::path::{Path, PathBuf};

use crate::common::*;

/// A reform of the small scenario: every release record reaches ICE.
fn reform(dir: &Path) -> PathBuf {
    let p = dir.join("reform.toml");
    std::fs::write(
        &p,
        "extends = \"small.toml\"\n\n[meta]\nname = \"reform\"\ndescription = \"test\"\n\n[data_sharing]\norr_to_ice_probability = 1.0\n",
    )
    .unwrap();
    p
}

fn ensemble(dir: &Path, name: &str, rows: &[(f64, f64, f64)]) -> PathBuf {
    let p = dir.join(name);
    let mut text = String::from(
        "draw,life.move_rate_per_year,ice.nta_probability,data_sharing.orr_to_ice_probability\n",
    );
    for (i, (a, b, c)) in rows.iter().enumerate() {
        text.push_str(&format!("{i},{a},{b},{c}\n"));
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn compare(dir: &Path, extra: &[&str]) -> std::process::Output {
    cmd(dir)
        .args(["compare", "small.toml", "reform.toml", "-q"])
        .args(extra)
        .output()
        .unwrap()
}

fn rows_of(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    read_csv(path)
}

#[test]
fn a_point_posterior_reduces_to_the_paired_comparison_of_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    reform(d);
    // Two draws, both the baseline's own values: the streams and the interval of `-r 4`.
    let e = ensemble(d, "point.csv", &[(0.35, 0.9, 0.85), (0.35, 0.9, 0.85)]);
    let out = compare(
        d,
        &[
            "--posterior",
            e.to_str().unwrap(),
            "--draws",
            "2",
            "-r",
            "2",
            "-o",
            "p",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = compare(d, &["-r", "4", "-o", "plain"]);
    assert!(out.status.success());
    assert!(
        std::fs::read(d.join("p/comparison.csv")).unwrap()
            == std::fs::read(d.join("plain/comparison.csv")).unwrap(),
        "comparison.csv differs from compare -r 4"
    );
    let (h, rows) = rows_of(&d.join("p/posterior_effects.csv"));
    let (hc, plain) = rows_of(&d.join("plain/comparison.csv"));
    assert_eq!(rows.len(), plain.len());
    for (r, c) in rows.iter().zip(&plain) {
        assert_eq!(r[col(&h, "metric")], c[col(&hc, "metric")]);
        for side in ["low", "high"] {
            let paired = &c[col(&hc, &format!("difference_ci95_{side}"))];
            assert_eq!(
                &r[col(&h, &format!("with_assumptions_ci95_{side}"))],
                paired
            );
            assert_eq!(&r[col(&h, &format!("draws_only_ci95_{side}"))], paired);
        }
        assert_eq!(r[col(&h, "share_from_assumptions")], "0");
        // The reform sets the sharing probability itself: the draws leave it alone.
        assert_eq!(
            r[col(&h, "reform_sets")],
            "data_sharing.orr_to_ice_probability"
        );
    }
}

#[test]
fn draws_that_differ_widen_the_interval_and_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    reform(d);
    let e = ensemble(
        d,
        "wide.csv",
        &[
            (0.1, 0.6, 0.5),
            (0.3, 0.8, 0.7),
            (0.5, 0.95, 0.9),
            (0.7, 0.7, 0.6),
        ],
    );
    let json = json_of(
        d,
        &[
            "compare",
            "small.toml",
            "reform.toml",
            "--posterior",
            e.to_str().unwrap(),
            "--draws",
            "4",
            "-r",
            "2",
            "--json",
            "-o",
            "w",
        ],
    );
    let ice = &json["posterior"]["reforms"]["reform"]["metrics"]["unlocatable_by_ice_child_years"];
    let width = |k: &str| ice[k][1].as_f64().unwrap() - ice[k][0].as_f64().unwrap();
    // Moves and ICE's share of records differ by draw: the effect of complete sharing does too.
    assert!(
        width("with_assumptions") > 2.0 * width("draws_only"),
        "{ice}"
    );
    assert!(
        ice["share_from_assumptions"].as_f64().unwrap() > 0.5,
        "{ice}"
    );
    assert_eq!(ice["probability_better"].as_f64().unwrap(), 1.0, "{ice}");
    // The only reform is the best one in every draw.
    assert_eq!(ice["probability_best"].as_f64().unwrap(), 1.0, "{ice}");
    assert_eq!(json["posterior"]["draws"].as_array().unwrap().len(), 4);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("w/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["posterior"]["draws"], 4);
    assert_eq!(manifest["posterior"]["replications_per_draw"], 2);
    assert!(manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "posterior_effects.csv"));
}

#[test]
fn a_bad_posterior_is_refused_with_the_file_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    reform(d);
    let refused = |extra: &[&str], expect: &[&str]| {
        let out = compare(d, extra);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        for e in expect {
            assert!(err.contains(e), "{extra:?}: {err}");
        }
    };
    refused(
        &["--posterior", "nowhere", "-o", "x"],
        &["nowhere", "--posterior", "ensemble.csv"],
    );
    std::fs::write(d.join("text.csv"), "draw,time.start_date\n0,1\n").unwrap();
    refused(
        &["--posterior", "text.csv", "-o", "x"],
        &["text.csv", "time.start_date", "not a number"],
    );
    std::fs::write(d.join("nan.csv"), "draw,life.move_rate_per_year\n0,abc\n").unwrap();
    refused(
        &["--posterior", "nan.csv", "-o", "x"],
        &["nan.csv", "row 1", "finite number"],
    );
    refused(&["--draws", "3", "-o", "x"], &["--posterior"]);
    refused(
        &["--scale", "0", "-o", "x"],
        &["--scale", "between 0.001 and 1"],
    );
    assert!(!d.join("x").exists());
}

#[test]
fn run_over_a_point_posterior_is_the_run_of_every_replication() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    let e = ensemble(d, "point.csv", &[(0.35, 0.9, 0.85), (0.35, 0.9, 0.85)]);
    let out = cmd(d)
        .args(["run", "small.toml", "--posterior", e.to_str().unwrap()])
        .args(["--draws", "2", "-r", "2", "-q", "-o", "p"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plain = json_of(
        d,
        &["run", "small.toml", "-r", "4", "--json", "-o", "plain"],
    );
    let (h, rows) = rows_of(&d.join("p/posterior_metrics.csv"));
    let row = rows
        .iter()
        .find(|r| r[col(&h, "metric")] == "unlocatable_by_ice_at_horizon")
        .unwrap();
    let m = &plain["metrics"]["unlocatable_by_ice_at_horizon"];
    let num = |c: &str| -> f64 { row[col(&h, c)].parse().unwrap() };
    assert_eq!(num("mean"), m["mean"].as_f64().unwrap());
    assert_eq!(num("draws_only_ci95_low"), m["ci95_low"].as_f64().unwrap());
    assert_eq!(
        num("with_assumptions_ci95_high"),
        m["ci95_high"].as_f64().unwrap()
    );
    assert_eq!(num("share_from_assumptions"), 0.0);
    // --posterior and --report do not go together; --draws needs --posterior.
    for bad in [
        vec!["run", "small.toml", "--posterior", "point.csv", "--report"],
        vec!["run", "small.toml", "--draws", "2"],
    ] {
        assert_eq!(cmd(d).args(&bad).output().unwrap().status.code(), Some(2));
    }
}

/// What an effect hangs on, end to end: in an ensemble where only the household move rate
/// differs between draws, the reform's effect on children unlocatable by ICE is put on it, the
/// parameters that do not vary explain nothing, and the choice and the conditions are written.
#[test]
fn the_drivers_of_an_effect_are_the_parameters_that_vary() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    reform(d);
    let rows: Vec<(f64, f64, f64)> = (0..8).map(|k| (0.1 + 0.1 * k as f64, 0.9, 0.85)).collect();
    let e = ensemble(d, "moves.csv", &rows);
    let json = json_of(
        d,
        &[
            "compare",
            "small.toml",
            "reform.toml",
            "--posterior",
            e.to_str().unwrap(),
            "--draws",
            "8",
            "-r",
            "2",
            "--json",
            "-o",
            "m",
        ],
    );
    let (h, rows) = rows_of(&d.join("m/posterior_drivers.csv"));
    let of = |metric: &str| -> Vec<&Vec<String>> {
        rows.iter()
            .filter(|r| r[col(&h, "metric")] == metric)
            .collect()
    };
    let ice = of("unlocatable_by_ice_at_horizon");
    assert_eq!(ice.len(), 3);
    let top = ice[0];
    assert_eq!(top[col(&h, "rank")], "1");
    assert_eq!(top[col(&h, "parameter")], "life.move_rate_per_year");
    let share: f64 = top[col(&h, "share_of_spread")].parse().unwrap();
    let noise: f64 = top[col(&h, "noise_95")].parse().unwrap();
    assert!(share > 0.5 && share > noise, "{top:?}");
    for other in &ice[1..] {
        assert_eq!(other[col(&h, "share_of_spread")], "0", "{other:?}");
        assert_eq!(other[col(&h, "effect_with_parameter")], "flat");
    }
    // Every headline metric of the one reform, every parameter.
    assert_eq!(rows.len(), 14 * 3);
    let drivers =
        &json["posterior"]["hangs_on"]["drivers"]["reform"]["unlocatable_by_ice_at_horizon"];
    assert_eq!(drivers[0]["parameter"], "life.move_rate_per_year");
    // The value of information: per headline metric with a better direction, one row per
    // parameter; a parameter that never varies is worth nothing.
    let (hv, voi) = rows_of(&d.join("m/posterior_value_of_information.csv"));
    assert!(!voi.is_empty() && voi.len() % 3 == 0);
    for r in &voi {
        let v: f64 = r[col(&hv, "evppi")].parse().unwrap();
        let evpi: f64 = r[col(&hv, "evpi")].parse().unwrap();
        assert!(v >= 0.0 && v <= evpi + 1e-9, "{r:?}");
        if r[col(&hv, "parameter")] != "life.move_rate_per_year" {
            assert_eq!(v, 0.0, "{r:?}");
        }
        assert!(["small", "reform"].contains(&r[col(&hv, "choice_now")].as_str()));
    }
    let (hc, cond) = rows_of(&d.join("m/posterior_conditions.csv"));
    assert_eq!(cond.len(), voi.len() / 3);
    for r in &cond {
        let not: usize = r[col(&hc, "draws_not_better")].parse().unwrap();
        assert!(not <= 8);
    }
    // One reform: ranked first on every metric with a better direction, with no next to beat.
    let (hr, ranks) = rows_of(&d.join("m/posterior_rankings.csv"));
    assert_eq!(ranks.len(), cond.len());
    for r in &ranks {
        assert_eq!(r[col(&hr, "rank")], "1");
        assert_eq!(r[col(&hr, "reform")], "reform");
        assert_eq!(r[col(&hr, "probability_beats_next")], "");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("m/manifest.json")).unwrap()).unwrap();
    for f in [
        "posterior_drivers.csv",
        "posterior_value_of_information.csv",
        "posterior_conditions.csv",
        "posterior_rankings.csv",
    ] {
        assert!(
            manifest["outputs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == f),
            "{f}"
        );
    }
}

/// The report of a comparison over a calibrated posterior leads with its answer: the key results
/// first, then the chart of both intervals with its sorted table, before the settings and the
/// per-reform tables (folded).
#[test]
fn the_report_leads_with_the_effects_over_the_assumptions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    reform(d);
    let rows: Vec<(f64, f64, f64)> = (0..4).map(|k| (0.1 + 0.2 * k as f64, 0.9, 0.85)).collect();
    let e = ensemble(d, "e.csv", &rows);
    let out = compare(
        d,
        &[
            "--posterior",
            e.to_str().unwrap(),
            "--draws",
            "4",
            "-r",
            "2",
            "--report",
            "-o",
            "r",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(d.join("r/report.html")).unwrap();
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} not in the report"))
    };
    let section = at("<h2>Comparison against");
    let key = at("Key results over 4 draws of the calibrated assumptions");
    let chart = at("compare-posterior-unlocatable-by-ice-at-horizon");
    let table = at("Effects on children unlocatable by ICE");
    let settings = at("What each reform changes (scenario_diff.txt)");
    let paired = at("compare-forest-unlocatable-by-ice-at-horizon");
    assert!(
        section < key && key < chart && chart < table && table < settings,
        "order"
    );
    assert!(settings < paired, "the paired charts follow the tables");
    // The settings table is folded.
    assert!(
        html[..settings].ends_with("<details><summary>"),
        "not folded"
    );
    for head in [
        "95%: random draws only",
        "95%: with the assumptions",
        "P(best)",
        "P(beats the next)",
    ] {
        assert!(html[chart..settings].contains(head), "{head}");
    }
}

/// `--target-ci` over the posterior: a loose target is met at once; a tight one doubles the
/// draws while the ensemble has more, then the replications, up to the cap, and says so.
#[test]
fn adaptive_draws_and_replications_stop_at_the_target_or_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    reform(d);
    let rows: Vec<(f64, f64, f64)> = (0..4).map(|k| (0.1 + 0.2 * k as f64, 0.9, 0.85)).collect();
    let e = ensemble(d, "e.csv", &rows);
    let run = |extra: &[&str], out: &str| -> serde_json::Value {
        let mut args = vec![
            "compare",
            "small.toml",
            "reform.toml",
            "--posterior",
            e.to_str().unwrap(),
            "--draws",
            "2",
            "-r",
            "2",
            "--json",
            "-o",
            out,
        ];
        args.extend_from_slice(extra);
        json_of(d, &args)
    };
    let loose = run(&["--target-ci", "1e9"], "loose");
    assert_eq!(loose["posterior"]["draws"].as_array().unwrap().len(), 2);
    assert!(loose["stop_reason"]
        .as_str()
        .unwrap()
        .starts_with("target met"));
    let tight = run(
        &["--target-ci", "1e-9", "--max-replications", "16"],
        "tight",
    );
    // 2 draws -> 4 (all the ensemble) -> then replications 2 -> 4 (16 runs per scenario).
    assert_eq!(tight["posterior"]["draws"].as_array().unwrap().len(), 4);
    assert_eq!(tight["posterior"]["replications_per_draw"], 4);
    assert!(tight["stop_reason"]
        .as_str()
        .unwrap()
        .starts_with("cap reached"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("tight/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["posterior"]["replications_per_draw"], 4);
}
