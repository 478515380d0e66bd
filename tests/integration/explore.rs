//! `explore`: reforms x futures with common random numbers (regret and robustness), resumable,
//! shardable and byte-identical at any thread count; `discover` (PRIM) on its outputs; design CSV
//! files for `explore` and `sweep`; bad explore files refused before anything is written.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// A reform of the baseline (by absolute path) named `name` with `body` appended.
fn reform(dir: &Path, name: &str, body: &str) -> PathBuf {
    extend_baseline(
        dir,
        &format!("{name}.toml"),
        &format!("[meta]\nname = \"{name}\"\ndescription = \"test\"\n{body}"),
    )
}

/// An explore file in `dir` over the baseline (absolute path) and `reforms`, at 1% of the cohort,
/// with `rest` appended (futures, uncertainties...).
fn explore_file(dir: &Path, reforms: &[&Path], rest: &str) -> PathBuf {
    let list: Vec<String> = reforms
        .iter()
        .map(|p| format!("{:?}", p.display().to_string()))
        .collect();
    let text = format!(
        "baseline = {:?}\nreforms = [{}]\nreplications = 1\nseed = 11\nscale = 0.01\n{rest}\n",
        baseline().display().to_string(),
        list.join(", ")
    );
    let path = dir.join("explore.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Three explicit uncertain parameters (no default assumptions): quick to check and to read.
const THREE: &str = "[uncertainties]\nassumptions = false\n\n[[uncertainties.parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n\n[[uncertainties.parameters]]\npath = \"release.address_error_probability\"\nmin = 0.02\nmax = 0.12\n\n[[uncertainties.parameters]]\npath = \"wellbeing_calls.max_attempts\"\nmin = 1\nmax = 3\n";

fn two_reforms(dir: &Path) -> (PathBuf, PathBuf) {
    (
        reform(
            dir,
            "integrated",
            "[data_sharing]\nintegrated_record = true\n",
        ),
        reform(
            dir,
            "fast_sharing",
            "[data_sharing]\norr_to_ice_probability = 1.0\n",
        ),
    )
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

const OUTPUTS: [&str; 5] = [
    "runs.csv",
    "experiments.csv",
    "outcomes.csv",
    "regret.csv",
    "robustness.csv",
];

#[test]
fn explore_writes_tidy_outputs_identical_at_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_reforms(dir.path());
    let e = explore_file(
        dir.path(),
        &[&a, &b],
        &format!("[futures]\nsamples = 5\n\n{THREE}\n[robustness]\nthresholds = {{ unlocatable_by_ice_at_horizon = 5 }}\npercentiles = [25, 75]\n"),
    );
    for (t, out) in [("1", "t1"), ("2", "t2")] {
        cmd(dir.path())
            .args(["explore", e.to_str().unwrap(), "-q", "-t", t, "-o", out])
            .assert()
            .success();
    }
    for f in OUTPUTS {
        assert!(
            read(dir.path().join("t1").join(f)) == read(dir.path().join("t2").join(f)),
            "{f} differs between 1 and 2 threads"
        );
    }
    // experiments.csv: one row per future, one column per uncertain parameter, within the ranges.
    let (h, rows) = read_csv(&dir.path().join("t1/experiments.csv"));
    assert_eq!(
        h,
        [
            "future",
            "life.move_rate_per_year",
            "release.address_error_probability",
            "wellbeing_calls.max_attempts"
        ]
    );
    assert_eq!(rows.len(), 5);
    for r in &rows {
        let x: f64 = r[1].parse().unwrap();
        assert!((0.2..0.6).contains(&x), "{x}");
        let n: i64 = r[3].parse().unwrap();
        assert!((1..=3).contains(&n), "{n}");
    }
    // outcomes.csv: future, reform, replication, metric, value for every run and metric.
    let (h, rows) = read_csv(&dir.path().join("t1/outcomes.csv"));
    assert_eq!(h, ["future", "reform", "replication", "metric", "value"]);
    let metrics = 11; // the default metrics
    assert_eq!(rows.len(), 5 * 3 * metrics);
    for policy in ["baseline", "integrated", "fast_sharing"] {
        assert!(rows.iter().any(|r| r[1] == policy), "{policy}");
    }
    // regret.csv: the best policy of each future and metric has regret 0, none is negative, and
    // the regret is the distance to the best value in the declared direction.
    let (h, rows) = read_csv(&dir.path().join("t1/regret.csv"));
    assert_eq!(
        h,
        [
            "future",
            "metric",
            "direction",
            "reform",
            "value",
            "best_reform",
            "best_value",
            "regret"
        ]
    );
    assert_eq!(rows.len(), 5 * 3 * metrics);
    for r in &rows {
        let (value, best, regret): (f64, f64, f64) = (
            r[4].parse().unwrap(),
            r[6].parse().unwrap(),
            r[7].parse().unwrap(),
        );
        assert!(regret >= 0.0, "{r:?}");
        let want = match r[2].as_str() {
            "lower_is_better" => value - best,
            "higher_is_better" => best - value,
            other => panic!("direction {other}"),
        };
        assert!((regret - want).abs() < 1e-6, "{r:?}");
        if r[3] == r[5] {
            assert_eq!(regret, 0.0, "{r:?}");
        }
        if r[1] == "unlocatable_by_ice_at_horizon" {
            assert_eq!(r[2], "lower_is_better");
        }
        if r[1] == "located" {
            assert_eq!(r[2], "higher_is_better");
        }
    }
    // robustness.csv: per reform and metric, with the requested percentiles and the threshold.
    let (h, rows) = read_csv(&dir.path().join("t1/robustness.csv"));
    for c in [
        "reform",
        "metric",
        "direction",
        "futures",
        "mean",
        "p25",
        "p75",
        "threshold",
        "beats_baseline_share",
        "max_regret",
    ] {
        col(&h, c);
    }
    assert_eq!(rows.len(), 3 * metrics);
    let first = rows
        .iter()
        .find(|r| r[0] == "integrated" && r[1] == "unlocatable_by_ice_at_horizon")
        .unwrap();
    assert_eq!(first[col(&h, "threshold")], "5");
    assert_eq!(first[col(&h, "futures")], "5");
    let base = rows
        .iter()
        .find(|r| r[0] == "baseline" && r[1] == "unlocatable_by_ice_at_horizon")
        .unwrap();
    assert_eq!(base[col(&h, "beats_baseline_share")], "0");
    // Every figure with its 95% interval over the futures, and the convergence check.
    for r in &rows {
        let x = |c: &str| r[col(&h, c)].parse::<f64>().unwrap();
        for (v, lo, hi) in [
            ("mean", "mean_ci95_low", "mean_ci95_high"),
            (
                "beats_baseline_share",
                "beats_baseline_ci95_low",
                "beats_baseline_ci95_high",
            ),
            (
                "mean_regret",
                "mean_regret_ci95_low",
                "mean_regret_ci95_high",
            ),
        ] {
            assert!(x(lo) <= x(v) + 1e-9 && x(v) <= x(hi) + 1e-9, "{v}: {r:?}");
        }
        assert!((0.0..=1.0).contains(&x("beats_baseline_ci95_low")));
        assert!(["true", "false"].contains(&r[col(&h, "converged")].as_str()));
    }
    // The baseline never beats itself: its share's interval is Wilson's for 0 of 5.
    assert_eq!(base[col(&h, "beats_baseline_ci95_low")], "0");
    let hi: f64 = base[col(&h, "beats_baseline_ci95_high")].parse().unwrap();
    assert!((hi - 0.4345).abs() < 1e-3, "{hi}");
    // explore.json says which parameters were uncertain, with their ranges and origin.
    let info: serde_json::Value =
        serde_json::from_slice(&read(dir.path().join("t1/explore.json"))).unwrap();
    assert_eq!(info["uncertain"].as_array().unwrap().len(), 3);
    assert_eq!(info["uncertain"][0]["origin"], "ExploreFile");
    assert_eq!(info["futures"], 5);
}

#[test]
fn identical_reforms_get_identical_outcomes_in_each_future_and_futures_differ() {
    let dir = tempfile::tempdir().unwrap();
    // Two reforms that change nothing but their names: common random numbers make every outcome
    // of a (future, replication) the same for both and for the baseline.
    let same1 = reform(dir.path(), "same_one", "");
    let same2 = reform(dir.path(), "same_two", "");
    let e = explore_file(
        dir.path(),
        &[&same1, &same2],
        &format!("[futures]\nsamples = 4\n\n{THREE}"),
    );
    let text = std::fs::read_to_string(&e)
        .unwrap()
        .replace("replications = 1", "replications = 2");
    std::fs::write(&e, text).unwrap();
    cmd(dir.path())
        .args(["explore", e.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .success();
    let (_, rows) = read_csv(&dir.path().join("out/outcomes.csv"));
    use std::collections::BTreeMap;
    let mut by: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for r in &rows {
        by.entry((r[0].clone(), r[2].clone(), r[3].clone()))
            .or_default()
            .push(r[4].clone());
    }
    assert_eq!(by.len(), 4 * 2 * 11);
    for (k, v) in &by {
        assert_eq!(v.len(), 3, "{k:?}");
        assert!(v.iter().all(|x| x == &v[0]), "{k:?}: {v:?}");
    }
    // Regret is zero everywhere, and no reform beats the baseline.
    let (h, rows) = read_csv(&dir.path().join("out/regret.csv"));
    assert!(rows.iter().all(|r| r[col(&h, "regret")] == "0"));
    // Different futures (and replications) are different worlds.
    let key = |f: &str, rep: &str| {
        by[&(
            f.to_string(),
            rep.to_string(),
            "unlocatable_by_ice_at_horizon".to_string(),
        )][0]
            .clone()
    };
    let values: std::collections::BTreeSet<String> = ["0", "1", "2", "3"]
        .iter()
        .flat_map(|f| [key(f, "0"), key(f, "1")])
        .collect();
    assert!(values.len() > 4, "{values:?}");
}

#[test]
fn a_killed_explore_resumes_to_identical_results_and_shards_merge() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_reforms(dir.path());
    let e = explore_file(
        dir.path(),
        &[&a, &b],
        &format!("[futures]\nsamples = 120\n\n{THREE}"),
    );
    let e = e.to_str().unwrap();
    cmd(dir.path())
        .args(["explore", e, "-q", "-o", "full"])
        .assert()
        .success();

    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .args(["explore", e, "-q", "-t", "1", "-o", "part"])
        .spawn()
        .unwrap();
    let runs = dir.path().join("part/runs.csv");
    let started = Instant::now();
    loop {
        let lines = std::fs::read(&runs)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0);
        if lines > 20 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut bytes = read(&runs);
    let lines_before = bytes.iter().filter(|&&c| c == b'\n').count();
    assert!(
        lines_before < 361,
        "the explore finished before it could be killed"
    );
    bytes.truncate(bytes.len() - 7);
    std::fs::write(&runs, &bytes).unwrap();
    assert!(!dir.path().join("part/regret.csv").exists());
    // Without --resume the folder is refused; with it the explore completes, identical.
    cmd(dir.path())
        .args(["explore", e, "-q", "-o", "part"])
        .assert()
        .code(2);
    cmd(dir.path())
        .args(["explore", e, "-q", "-o", "part", "--resume"])
        .assert()
        .success();
    for f in OUTPUTS {
        assert!(
            read(dir.path().join("full").join(f)) == read(dir.path().join("part").join(f)),
            "{f} differs after resume"
        );
    }

    // Three shards merged equal the single machine's outputs.
    let mut shards = Vec::new();
    for k in 1..=3 {
        cmd(dir.path())
            .args(["explore", e, "-q", "--shard", &format!("{k}/3"), "-o", "sh"])
            .assert()
            .success();
        shards.push(format!("sh/shards/shard-{k}-of-3"));
    }
    let partial = cmd(dir.path())
        .args(["merge", &shards[0], &shards[1], "-q", "-o", "partial"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8_lossy(&partial);
    assert!(msg.contains("missing") && msg.contains("3/3"), "{msg}");
    for f in OUTPUTS {
        assert!(!dir.path().join("partial").join(f).exists(), "{f} written");
    }
    assert!(dir.path().join("partial/merge-incomplete.txt").is_file());
    cmd(dir.path())
        .args([
            "merge", &shards[0], &shards[1], &shards[2], "-q", "-o", "merged",
        ])
        .assert()
        .success();
    for f in OUTPUTS {
        assert!(
            read(dir.path().join("full").join(f)) == read(dir.path().join("merged").join(f)),
            "{f} differs after merge"
        );
    }
    // `merge --json`: the merged explore's document alone on stdout.
    let out = cmd(dir.path())
        .args([
            "merge",
            &shards[0],
            &shards[1],
            &shards[2],
            "--json",
            "-o",
            "merged-json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["command"], "explore");
    assert_eq!(v["out"], "merged-json");
}

#[test]
fn the_default_futures_vary_the_baselines_assumptions_but_not_the_reforms_levers() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_reforms(dir.path());
    let e = explore_file(
        dir.path(),
        &[&a, &b],
        "[futures]\nsamples = 3\n\n[uncertainties]\nspread = 0.1\nexclude = [\"arrivals\"]\n",
    );
    let text = stdout_of(dir.path(), &["explore", e.to_str().unwrap(), "--list"]);
    assert!(text.contains("3 policies x 3 futures"), "{text}");
    // Marked "assumption" in the baseline: varied within ±10%.
    assert!(text.contains("life.move_rate_per_year"), "{text}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("life.move_rate_per_year"))
        .unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&cells[1..4], ["0.35", "0.315", "0.385"], "{line}");
    // A published figure is not varied; nor are the excluded arrivals.
    assert!(
        !text.contains("release.address_error_probability"),
        "{text}"
    );
    assert!(!text.contains("arrivals."), "{text}");
    // A probability near 1 is clipped to what the scenario accepts.
    let line = text
        .lines()
        .find(|l| {
            l.trim_start()
                .starts_with("court.appear_probability_notice_represented")
        })
        .unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    let max: f64 = cells[3].parse().unwrap();
    assert!(
        max > 0.9999 && max <= 1.0 && line.contains("clipped"),
        "{line}"
    );
    // The reform's lever is held fixed, and said so.
    assert!(
        text.contains("data_sharing.orr_to_ice_probability")
            && text.contains("changed by fast_sharing"),
        "{text}"
    );
    // --list runs nothing and writes nothing.
    assert!(!dir.path().join("outputs").exists());
}

/// An explore file that must be refused with exit code 2, naming `expect`, writing nothing.
fn refused(rest: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = two_reforms(dir.path());
    std::fs::write(
        dir.path().join("design.csv"),
        "life.move_rate_per_year,release.address_error_probabilty\n0.3,0.05\n0.4,x\n",
    )
    .unwrap();
    let e = explore_file(dir.path(), &[&a], rest);
    let out = cmd(dir.path())
        .args(["explore", e.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let msg = String::from_utf8_lossy(&out.stderr);
    for x in expect {
        assert!(msg.contains(x), "expected {x:?} in: {msg}");
    }
    assert!(!dir.path().join("out").exists(), "output written: {msg}");
}

#[test]
fn bad_explore_files_are_refused_before_anything_runs() {
    refused(
        &format!("[futures]\nsamples = 0\n\n{THREE}"),
        &["explore.toml", "futures.samples", "at least 1"],
    );
    refused(THREE, &["futures", "missing"]);
    refused(
        "[futures]\nsamples = 3\n\n[uncertainties]\nassumptions = false\n[[uncertainties.parameters]]\npath = \"life.move_rate_per_yr\"\nmin = 0.1\nmax = 0.2\n",
        &["uncertainties.parameters[0].path", "life.move_rate_per_year"],
    );
    refused(
        "[futures]\nsamples = 3\n\n[uncertainties]\nassumptions = false\n[[uncertainties.parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.5\nmax = 0.2\n",
        &["uncertainties.parameters[0].max", "inverted"],
    );
    // A lever of a reform cannot also be uncertain.
    refused(
        "[futures]\nsamples = 3\n\n[uncertainties]\nassumptions = false\n[[uncertainties.parameters]]\npath = \"data_sharing.integrated_record\"\nmin = 0\nmax = 1\n",
        &["uncertainties.parameters[0].path", "changed by reform \"integrated\""],
    );
    // A range the scenario rejects names the future and the field.
    refused(
        "[futures]\nsamples = 3\n\n[uncertainties]\nassumptions = false\n[[uncertainties.parameters]]\npath = \"release.address_error_probability\"\nmin = 0.5\nmax = 1.5\n",
        &["future", "release.address_error_probability", "[0, 1]"],
    );
    refused(
        &format!("metrics = [\"events\"]\n[futures]\nsamples = 3\n\n{THREE}"),
        &["metrics[0]", "direction", "lower"],
    );
    refused(
        &format!("metrics = [\"unlocatable\"]\n[futures]\nsamples = 3\n\n{THREE}"),
        &["metrics[0]", "not a metric"],
    );
    refused(
        &format!(
            "[futures]\nsamples = 3\n\n{THREE}\n[robustness]\nthresholds = {{ located = -1 }}\n"
        ),
        &["robustness.thresholds.located", ">= 0"],
    );
    refused(
        &format!("colour = 1\n[futures]\nsamples = 3\n\n{THREE}"),
        &["colour"],
    );
    // A design CSV with a wrong column and a bad cell: both named, with the file.
    refused(
        "[futures]\ndesign = \"design.csv\"\n",
        &[
            "design.csv",
            "column 2",
            "release.address_error_probability",
            "line 3",
            "\"x\"",
        ],
    );
    refused(
        "[futures]\ndesign = \"nowhere.csv\"\n",
        &["futures.design", "nowhere.csv"],
    );
}

/// A small base scenario (about 2,000 children) in `dir`, for sweeps.
fn small_base(dir: &Path) -> PathBuf {
    extend_baseline(
        dir,
        "small.toml",
        "[meta]\nname = \"small\"\ndescription = \"test\"\n\n[orr.in_care_at_start]\nchildren = 100\n\n[orr.released_before_start]\nchildren = 20\nwindow_days = 30\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 2000\nsource = \"test\"\n",
    )
}

const DESIGN: &str = "life.move_rate_per_year,data_sharing.orr_to_ice_probability,wellbeing_calls.max_attempts\n0.6,0.5,3\n0.2,0.9,1\n0.4,0.7,2\n0.6,0.5,3\n";

#[test]
fn design_csv_rows_are_run_and_written_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    small_base(dir.path());
    std::fs::write(dir.path().join("design.csv"), DESIGN).unwrap();
    let sweep = dir.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        "base = \"small.toml\"\nreplications = 1\nseed = 3\n\n[design]\nkind = \"csv\"\nfile = \"design.csv\"\n",
    )
    .unwrap();
    cmd(dir.path())
        .args(["sweep", sweep.to_str().unwrap(), "-q", "-o", "sw"])
        .assert()
        .success();
    let (h, rows) = read_csv(&dir.path().join("sw/points.csv"));
    assert_eq!(
        &h[..5],
        [
            "point",
            "row",
            "life.move_rate_per_year",
            "data_sharing.orr_to_ice_probability",
            "wellbeing_calls.max_attempts"
        ]
    );
    assert_eq!(rows.len(), 4);
    let design: Vec<Vec<f64>> = DESIGN
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    let m = col(&h, "unlocatable_by_ice_at_horizon_mean");
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[1], i.to_string());
        for j in 0..3 {
            assert_eq!(r[2 + j].parse::<f64>().unwrap(), design[i][j], "row {i}");
        }
    }
    // Rows 0 and 3 are the same values: the same result (common random numbers); row 1 differs.
    assert_eq!(rows[0][m], rows[3][m]);
    assert_ne!(rows[0][m], rows[1][m]);

    // The same design as the futures of an explore: experiments.csv has the rows, in order.
    let e = explore_file(dir.path(), &[], "[futures]\ndesign = \"design.csv\"\n");
    cmd(dir.path())
        .args(["explore", e.to_str().unwrap(), "-q", "-o", "ex"])
        .assert()
        .success();
    let (h, rows) = read_csv(&dir.path().join("ex/experiments.csv"));
    assert_eq!(&h[..3], ["future", "row", "life.move_rate_per_year"]);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[1], i.to_string());
        for j in 0..3 {
            assert_eq!(r[2 + j].parse::<f64>().unwrap(), design[i][j], "row {i}");
        }
    }
    let (_, out) = read_csv(&dir.path().join("ex/outcomes.csv"));
    let v = |f: &str| {
        out.iter()
            .find(|r| r[0] == f && r[3] == "unlocatable_by_ice_at_horizon")
            .unwrap()[4]
            .clone()
    };
    assert_ne!(v("0"), v("1"));
}

#[test]
fn a_scrambled_sobol_sweep_writes_a_convergence_table() {
    let dir = tempfile::tempdir().unwrap();
    small_base(dir.path());
    let sweep = |samples: u32| {
        let p = dir.path().join(format!("sobol{samples}.toml"));
        std::fs::write(
            &p,
            format!("base = \"small.toml\"\nreplications = 1\nseed = 3\nmetrics = [\"unlocatable_by_ice_at_horizon\"]\n\n[design]\nkind = \"sobol\"\nsamples = {samples}\nbootstrap = 20\nsequence = \"scrambled_sobol\"\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nmin = 0.5\nmax = 1.0\n"),
        )
        .unwrap();
        p
    };
    let s = sweep(8);
    cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "sob"])
        .assert()
        .success();
    let (h, rows) = read_csv(&dir.path().join("sob/points.csv"));
    assert_eq!(rows.len(), 8 * 4);
    // The base points come from a scrambled Sobol' sequence: each of the 8 rows of A lies in its
    // own eighth of each range.
    let c = col(&h, "life.move_rate_per_year");
    let mut cells: Vec<usize> = rows[..8]
        .iter()
        .map(|r| ((r[c].parse::<f64>().unwrap() - 0.2) / 0.4 * 8.0) as usize)
        .collect();
    cells.sort();
    assert_eq!(cells, (0..8).collect::<Vec<_>>());
    let (h, conv) = read_csv(&dir.path().join("sob/sobol_convergence.csv"));
    assert_eq!(
        h,
        [
            "metric",
            "parameter",
            "samples",
            "first_order",
            "first_order_ci95_low",
            "first_order_ci95_high",
            "total",
            "total_ci95_low",
            "total_ci95_high",
            "error"
        ]
    );
    let sizes: Vec<&str> = conv.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(sizes, ["2", "2", "4", "4", "8", "8"]);
    // At N the table repeats sensitivity.csv.
    let (sh, sens) = read_csv(&dir.path().join("sob/sensitivity.csv"));
    for r in conv.iter().filter(|r| r[2] == "8") {
        for (idx, column) in [("first_order", 3), ("total", 6)] {
            let s = sens
                .iter()
                .find(|x| x[col(&sh, "parameter")] == r[1] && x[col(&sh, "index")] == idx)
                .unwrap();
            assert_eq!(s[col(&sh, "estimate")], r[column]);
        }
    }
    // Not a power of 2: refused before anything runs.
    let bad = sweep(6);
    let out = cmd(dir.path())
        .args(["sweep", bad.to_str().unwrap(), "-q", "-o", "bad"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8_lossy(&out);
    assert!(
        msg.contains("design.samples") && msg.contains("power of 2"),
        "{msg}"
    );
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn discover_finds_the_assumption_that_decides_the_condition() {
    let dir = tempfile::tempdir().unwrap();
    // The baseline alone, in 80 futures of a strong lever (household moves) and a weak one.
    let e = explore_file(
        dir.path(),
        &[],
        "[futures]\nsamples = 80\n\n[uncertainties]\nassumptions = false\n\n[[uncertainties.parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.05\nmax = 1.0\n\n[[uncertainties.parameters]]\npath = \"children.propensity_log_sd\"\nmin = 0.45\nmax = 0.55\n",
    );
    cmd(dir.path())
        .args(["explore", e.to_str().unwrap(), "-q", "-o", "ex"])
        .assert()
        .success();
    let (_, exp) = read_csv(&dir.path().join("ex/experiments.csv"));
    let (_, out) = read_csv(&dir.path().join("ex/outcomes.csv"));
    let value: Vec<f64> = (0..80)
        .map(|f| {
            out.iter()
                .find(|r| r[0] == f.to_string() && r[3] == "unlocatable_by_ice_child_years")
                .unwrap()[4]
                .parse()
                .unwrap()
        })
        .collect();
    let mut sorted = value.clone();
    sorted.sort_by(f64::total_cmp);
    let threshold = sorted[59]; // the top quarter of futures (strictly above it: 20 futures)
    let condition = format!("value > {threshold}");
    let text = stdout_of(
        dir.path(),
        &[
            "discover",
            "ex",
            "--reform",
            "baseline",
            "--metric",
            "unlocatable_by_ice_child_years",
            "--condition",
            &condition,
            "-o",
            "disc",
        ],
    );
    assert!(text.contains("holds in 20 of 80 futures"), "{text}");
    let d = dir.path().join("disc");
    for f in [
        "prim_trajectory.csv",
        "prim_limits.csv",
        "prim_box.csv",
        "feature_scores.csv",
        "discover.json",
        "discover-tradeoff.svg",
        "discover-box.svg",
        "discover-scores.svg",
    ] {
        assert!(d.join(f).is_file(), "{f} missing");
    }
    // The trajectory: coverage never rises; coverage and density are counted correctly from the
    // limits, the futures and the outcomes.
    let (th, traj) = read_csv(&d.join("prim_trajectory.csv"));
    let (_, limits) = read_csv(&d.join("prim_limits.csv"));
    let moves: Vec<f64> = exp.iter().map(|r| r[1].parse().unwrap()).collect();
    let spread: Vec<f64> = exp.iter().map(|r| r[2].parse().unwrap()).collect();
    let case: Vec<bool> = value.iter().map(|&v| v > threshold).collect();
    let mut last_coverage = 1.0;
    for r in &traj {
        let step = &r[0];
        let lim = |p: &str| -> (f64, f64) {
            let l = limits.iter().find(|l| &l[0] == step && l[1] == p).unwrap();
            (l[2].parse().unwrap(), l[3].parse().unwrap())
        };
        let (a, b) = (
            lim("life.move_rate_per_year"),
            lim("children.propensity_log_sd"),
        );
        let inside: Vec<usize> = (0..80)
            .filter(|&i| moves[i] >= a.0 && moves[i] <= a.1 && spread[i] >= b.0 && spread[i] <= b.1)
            .collect();
        let cases = inside.iter().filter(|&&i| case[i]).count();
        let coverage: f64 = r[col(&th, "coverage")].parse().unwrap();
        let density: f64 = r[col(&th, "density")].parse().unwrap();
        assert!((coverage - cases as f64 / 20.0).abs() < 1e-6, "{r:?}");
        assert!(
            (density - cases as f64 / inside.len() as f64).abs() < 1e-6,
            "{r:?}"
        );
        assert!(coverage <= last_coverage);
        last_coverage = coverage;
    }
    // The chosen box restricts household moves from below; moves score far above the weak lever.
    let (bh, bx) = read_csv(&d.join("prim_box.csv"));
    let moves_row = bx
        .iter()
        .find(|r| r[0] == "life.move_rate_per_year")
        .unwrap();
    assert_eq!(moves_row[col(&bh, "restricted")], "true", "{bx:?}");
    let lo: f64 = moves_row[col(&bh, "min")].parse().unwrap();
    assert!(lo > 0.4, "{bx:?}");
    let (sh, scores) = read_csv(&d.join("feature_scores.csv"));
    assert_eq!(scores[0][col(&sh, "parameter")], "life.move_rate_per_year");
    let s0: f64 = scores[0][col(&sh, "score_condition")].parse().unwrap();
    let s1: f64 = scores[1][col(&sh, "score_condition")].parse().unwrap();
    assert!(s0 > 0.3 && s0 > 3.0 * s1, "{scores:?}");
    let info: serde_json::Value = serde_json::from_slice(&read(d.join("discover.json"))).unwrap();
    assert_eq!(info["cases"], 20);
    assert!(info["pasted"]["density"].as_f64().unwrap() > 0.6, "{info}");

    // The report shows the discovery: its condition, the box's restriction and the three charts.
    cmd(dir.path())
        .args(["report", "disc", "-q", "-o", "rep/report.html"])
        .assert()
        .success();
    let html = String::from_utf8(read(dir.path().join("rep/report.html"))).unwrap();
    assert!(html.contains("Scenario discovery: baseline"), "no section");
    assert!(html.contains("holds in 20 of 80 futures"), "no count");
    let in_box = html.split("The chosen box").nth(1).unwrap();
    assert!(
        in_box.contains("life.move_rate_per_year")
            && !in_box[..in_box.find("</table>").unwrap()].contains("children.propensity_log_sd"),
        "the box table lists the restricted parameter only"
    );
    assert_eq!(html.matches("<figure").count(), 3, "three charts");

    // Bad input: exit code 2, the option named, nothing written.
    for (args, expect) in [
        (
            vec!["--reform", "nobody", "--condition", "value > 1"],
            vec!["--reform", "baseline"],
        ),
        (
            vec!["--reform", "baseline", "--condition", "gain > 1"],
            vec!["--condition", "QUANTITY OP NUMBER"],
        ),
        (
            vec![
                "--reform",
                "baseline",
                "--metric",
                "unlocatable",
                "--condition",
                "value > 1",
            ],
            vec!["--metric", "not a metric"],
        ),
        (
            vec![
                "--reform",
                "baseline",
                "--condition",
                "value > 1",
                "--box",
                "999",
            ],
            vec!["--box", "steps 0 to"],
        ),
        (
            vec![
                "--reform",
                "baseline",
                "--condition",
                "value > 1",
                "--peel-alpha",
                "1.5",
            ],
            vec!["--peel-alpha", "(0, 1)"],
        ),
    ] {
        let mut all = vec!["discover", "ex"];
        all.extend(args);
        all.extend(["-o", "bad"]);
        let out = cmd(dir.path())
            .args(&all)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        let msg = String::from_utf8_lossy(&out);
        for x in expect {
            assert!(msg.contains(x), "expected {x:?} in: {msg}");
        }
        assert!(!dir.path().join("bad").exists());
    }
    let out = cmd(dir.path())
        .args([
            "discover",
            "nowhere",
            "--reform",
            "baseline",
            "--condition",
            "value > 1",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("explore.json"));
    // A condition that never holds: said so, exit code 1, nothing written.
    let out = cmd(dir.path())
        .args([
            "discover",
            "ex",
            "--reform",
            "baseline",
            "--condition",
            "value < -1",
            "-o",
            "none",
        ])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("holds in none"));
    assert!(!dir.path().join("none").exists());
}
