//! Experiments: paired comparisons, sweeps (designs, resume after a kill, shards and merge,
//! failures, refused sweep files).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// A small base scenario (about 2,000 children) and a sweep file over it, in `dir`.
fn sweep_files(dir: &Path, design: &str, extra: &str) -> PathBuf {
    extend_baseline(
        dir,
        "small.toml",
        "[meta]\nname = \"small\"\ndescription = \"test\"\n\n[orr.in_care_at_start]\nchildren = 100\n\n[orr.released_before_start]\nchildren = 20\nwindow_days = 30\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 2000\nsource = \"test\"\n",
    );
    let path = dir.join("sweep.toml");
    std::fs::write(
        &path,
        format!("base = \"small.toml\"\nseed = 7\n{extra}\n[design]\n{design}\n"),
    )
    .unwrap();
    path
}

const TWO_RANGES: &str = "[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nmin = 0.5\nmax = 1.0\n";

fn lhs(dir: &Path, samples: u32, reps: u32) -> PathBuf {
    sweep_files(
        dir,
        &format!("kind = \"latin_hypercube\"\nsamples = {samples}\n\n{TWO_RANGES}"),
        &format!("replications = {reps}"),
    )
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn compare_reports_paired_differences_and_the_scenario_diff() {
    let dir = tempfile::tempdir().unwrap();
    let base = extend_baseline(dir.path(), "base.toml", SMALL);
    let reform = extend_baseline(
        dir.path(),
        "reform.toml",
        &format!("{SMALL}\n[data_sharing]\nintegrated_record = true\n"),
    );
    let text = stdout_of(
        dir.path(),
        &[
            "compare",
            base.to_str().unwrap(),
            reform.to_str().unwrap(),
            "-r",
            "4",
            "-o",
            "cmp",
        ],
    );
    assert!(
        text.contains("data_sharing.integrated_record: false -> true"),
        "{text}"
    );
    // The printed comparison leads with unlocatable by ICE and by every agency (pooled).
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !(l.starts_with("reform ") && l.contains("difference")))
        .collect();
    assert!(!table.is_empty(), "{text}");
    assert!(
        table[1].starts_with("Unlocatable by ICE at horizon")
            && table[2].starts_with("Unlocatable by every agency at horizon"),
        "{text}"
    );
    let (h, rows) = read_csv(&dir.path().join("cmp/comparison.csv"));
    let get = |metric: &str, column: &str| -> f64 {
        let r = rows
            .iter()
            .find(|r| r[col(&h, "metric")] == metric)
            .unwrap();
        r[col(&h, column)].parse().unwrap()
    };
    // Pre-release metrics are identical under common random numbers: zero difference, zero width.
    assert_eq!(get("transferred_to_orr", "difference_mean"), 0.0);
    assert_eq!(get("transferred_to_orr", "paired_half_width"), 0.0);
    // A post-release metric differs, and pairing narrows its interval.
    assert_ne!(get("located", "difference_mean"), 0.0);
    assert!(get("unlocatable_by_ice_at_horizon", "width_ratio") > 1.0);
    let d = get("unlocatable_by_ice_at_horizon", "difference_mean");
    assert!(
        (get("unlocatable_by_ice_at_horizon", "reform_mean")
            - get("unlocatable_by_ice_at_horizon", "baseline_mean")
            - d)
            .abs()
            < 1e-6
    );
}

#[test]
fn compare_target_ci_stops_at_the_cap_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let base = extend_baseline(dir.path(), "base.toml", SMALL);
    let reform = extend_baseline(
        dir.path(),
        "reform.toml",
        &format!("{SMALL}\n[life]\nmove_rate_per_year = 0.6\n"),
    );
    let args = |w: &str, out: &str| {
        vec![
            "compare".to_string(),
            base.display().to_string(),
            reform.display().to_string(),
            "-r".into(),
            "2".into(),
            "--target-ci".into(),
            w.into(),
            "--max-replications".into(),
            "4".into(),
            "-o".into(),
            out.into(),
        ]
    };
    let out = cmd(dir.path())
        .args(args("0.000001", "tight"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("cap reached: 4 replications"));
    let m: serde_json::Value =
        serde_json::from_slice(&read(dir.path().join("tight/manifest.json"))).unwrap();
    assert_eq!(m["replications"], 4);
    let out = cmd(dir.path())
        .args(args("1000000", "loose"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("target met"));
    cmd(dir.path()).args(args("-1", "bad")).assert().code(2);
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn sweep_results_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let s = lhs(dir.path(), 8, 2);
    for (t, out) in [("1", "t1"), ("2", "t2")] {
        cmd(dir.path())
            .args(["sweep", s.to_str().unwrap(), "-q", "-t", t, "-o", out])
            .assert()
            .success();
    }
    assert!(read(dir.path().join("t1/points.csv")) == read(dir.path().join("t2/points.csv")));
    assert!(read(dir.path().join("t1/runs.csv")) == read(dir.path().join("t2/runs.csv")));
    let (h, rows) = read_csv(&dir.path().join("t1/runs.csv"));
    assert_eq!(rows.len(), 16);
    assert!(rows.iter().all(|r| r[col(&h, "status")] == "ok"));
    let (ph, prow) = read_csv(&dir.path().join("t1/points.csv"));
    assert_eq!(prow.len(), 8);
    assert!(prow.iter().all(|r| r[col(&ph, "replications_ok")] == "2"));
}

#[test]
fn a_killed_sweep_resumes_to_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let s = lhs(dir.path(), 150, 3);
    cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "full"])
        .assert()
        .success();

    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-t", "1", "-o", "part"])
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
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Simulate a kill in the middle of a line: cut the last line short.
    let mut bytes = read(&runs);
    let lines_before = bytes.iter().filter(|&&c| c == b'\n').count();
    assert!(
        lines_before < 451,
        "the sweep finished before it could be killed"
    );
    bytes.truncate(bytes.len() - 9);
    std::fs::write(&runs, &bytes).unwrap();
    // Without --resume the folder is refused (bad input, exit code 2); with it the sweep completes.
    cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "part"])
        .assert()
        .code(2);
    cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "part", "--resume"])
        .assert()
        .success();
    assert!(
        read(dir.path().join("full/points.csv")) == read(dir.path().join("part/points.csv")),
        "points.csv differs after resume"
    );
    assert!(
        read(dir.path().join("full/runs.csv")) == read(dir.path().join("part/runs.csv")),
        "runs.csv differs after resume"
    );
}

#[test]
fn shards_merge_into_the_single_machine_result() {
    let dir = tempfile::tempdir().unwrap();
    let s = lhs(dir.path(), 10, 2);
    cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "single"])
        .assert()
        .success();
    let mut shards = Vec::new();
    for k in 1..=3 {
        let out = format!("shard{k}");
        cmd(dir.path())
            .args([
                "sweep",
                s.to_str().unwrap(),
                "-q",
                "--shard",
                &format!("{k}/3"),
                "-o",
                &out,
            ])
            .assert()
            .success();
        // A shard goes to `<out>/shards/shard-K-of-N`, as the README says.
        let folder = format!("{out}/shards/shard-{k}-of-3");
        assert!(dir.path().join(&folder).join("runs.csv").exists());
        assert!(!dir.path().join(&out).join("runs.csv").exists());
        shards.push(folder);
    }
    // Two of three shards: the merge says what is missing and fails.
    let partial = cmd(dir.path())
        .args(["merge", &shards[0], &shards[2], "-o", "partial"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8_lossy(&partial);
    assert!(msg.contains("missing") && msg.contains("2/3"), "{msg}");
    // Nothing that looks like a merged sweep: only the report of what is missing (version 2.1
    // wrote runs.csv, points.csv and sweep.json as a complete merge does).
    for f in ["runs.csv", "points.csv", "sweep.json"] {
        assert!(!dir.path().join("partial").join(f).exists(), "{f} written");
    }
    let report = std::fs::read_to_string(dir.path().join("partial/merge-incomplete.txt")).unwrap();
    assert!(
        report.contains("incomplete") && report.contains("2/3"),
        "{report}"
    );
    cmd(dir.path())
        .args([
            "merge", &shards[0], &shards[1], &shards[2], "-q", "-o", "merged",
        ])
        .assert()
        .success();
    for f in ["runs.csv", "points.csv"] {
        assert!(
            read(dir.path().join("single").join(f)) == read(dir.path().join("merged").join(f)),
            "{f} differs"
        );
    }
    // A shard of another sweep is refused.
    let other_dir = dir.path().join("other");
    std::fs::create_dir_all(&other_dir).unwrap();
    let other = lhs(&other_dir, 11, 2);
    cmd(dir.path())
        .args([
            "sweep",
            other.to_str().unwrap(),
            "-q",
            "--shard",
            "2/3",
            "-o",
            "othershard",
        ])
        .assert()
        .success();
    let err = cmd(dir.path())
        .args([
            "merge",
            &shards[0],
            "othershard/shards/shard-2-of-3",
            "-o",
            "mixed",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("mismatched"));
    // Bad arguments are bad input (exit code 2): a shard given twice, a folder that is no shard,
    // and an output folder that is one of the shards (version 2.1 replaced that shard's log).
    for (args, says) in [
        (
            vec![&shards[0][..], &shards[0][..], "-o", "twice"],
            "is given twice",
        ),
        (vec![&shards[0][..], "other", "-o", "noshard"], "holds no"),
        (
            vec![
                &shards[0][..],
                &shards[1][..],
                &shards[2][..],
                "-o",
                &shards[1][..],
            ],
            "is one of the shard folders",
        ),
    ] {
        let before = read(dir.path().join(&shards[1]).join("runs.csv"));
        let a = cmd(dir.path()).arg("merge").args(&args).assert().code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(read(dir.path().join(&shards[1]).join("runs.csv")), before);
    }
}

#[test]
fn a_failed_run_is_recorded_and_the_sweep_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = lhs(dir.path(), 4, 2);
    let out = cmd(dir.path())
        .env("CUSTODY_SIM_FAIL_JOBS", "3")
        .args(["sweep", s.to_str().unwrap(), "-o", "out"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("7 ok, 1 failed"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 8 runs failed"));
    let (h, rows) = read_csv(&dir.path().join("out/runs.csv"));
    assert_eq!(rows.len(), 8);
    let failed: Vec<_> = rows
        .iter()
        .filter(|r| r[col(&h, "status")] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0][col(&h, "run")], "3");
    assert!(failed[0][col(&h, "error")].contains("injected"));
    let (ph, prow) = read_csv(&dir.path().join("out/points.csv"));
    assert_eq!(prow[1][col(&ph, "replications_failed")], "1");
    assert_eq!(prow[1][col(&ph, "replications_ok")], "1");
}

#[test]
fn morris_and_sobol_rank_the_levers() {
    let dir = tempfile::tempdir().unwrap();
    let s = sweep_files(
        dir.path(),
        &format!("kind = \"morris\"\ntrajectories = 4\nlevels = 4\n\n{TWO_RANGES}"),
        "replications = 1",
    );
    let out = cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-o", "m"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out)
        .contains("Levers ranked by their effect on unlocatable_by_ice_at_horizon"));
    let (h, rows) = read_csv(&dir.path().join("m/sensitivity.csv"));
    let mu: Vec<_> = rows
        .iter()
        .filter(|r| {
            r[col(&h, "metric")] == "unlocatable_by_ice_at_horizon"
                && r[col(&h, "index")] == "mu_star"
        })
        .collect();
    assert_eq!(mu.len(), 2);
    // More household moves leave more children unlocatable: the effect is large.
    let moves: f64 = mu
        .iter()
        .find(|r| r[col(&h, "parameter")] == "life.move_rate_per_year")
        .unwrap()[col(&h, "estimate")]
    .parse()
    .unwrap();
    assert!(moves > 1.0, "mu* of the move rate: {moves}");

    let dir = tempfile::tempdir().unwrap();
    let s = sweep_files(
        dir.path(),
        &format!("kind = \"sobol\"\nsamples = 16\nbootstrap = 50\n\n{TWO_RANGES}"),
        "replications = 1\nmetrics = [\"unlocatable_by_ice_at_horizon\"]",
    );
    cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "s"])
        .assert()
        .success();
    let (h, rows) = read_csv(&dir.path().join("s/sensitivity.csv"));
    assert_eq!(rows.len(), 4); // 2 parameters x (first order, total)
    assert!(rows.iter().all(|r| r[col(&h, "method")] == "sobol"));
    let (_, points) = read_csv(&dir.path().join("s/points.csv"));
    assert_eq!(points.len(), 16 * 4);
}

#[test]
fn emit_slurm_writes_an_array_and_a_dependent_merge() {
    let dir = tempfile::tempdir().unwrap();
    let s = lhs(dir.path(), 4, 1);
    cmd(dir.path())
        .args([
            "sweep",
            s.to_str().unwrap(),
            "--emit-slurm",
            "5",
            "-o",
            "cluster",
        ])
        .assert()
        .success();
    let array = String::from_utf8(read(dir.path().join("cluster/slurm/array.sbatch"))).unwrap();
    assert!(array.contains("#SBATCH --array=1-5"));
    assert!(array.contains("--shard \"${SLURM_ARRAY_TASK_ID}/5\""));
    let submit = String::from_utf8(read(dir.path().join("cluster/slurm/submit.sh"))).unwrap();
    assert!(submit.contains("--dependency=afterok:"));
    let merge = String::from_utf8(read(dir.path().join("cluster/slurm/merge.sbatch"))).unwrap();
    assert!(merge.contains(" merge ") && merge.contains("shard-*-of-5"));
    // Nothing was run.
    assert!(!dir.path().join("cluster/runs.csv").exists());
}

/// A bad sweep file is refused with exit code 2 before anything is written.
fn refused(design: &str, extra: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let s = sweep_files(dir.path(), design, extra);
    let out = cmd(dir.path())
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8_lossy(&out);
    for e in expect {
        assert!(msg.contains(e), "expected {e:?} in: {msg}");
    }
    assert!(
        !dir.path().join("out").exists(),
        "output written for a refused sweep"
    );
}

#[test]
fn bad_sweep_files_are_refused_before_anything_runs() {
    // A path that does not exist: the nearest valid paths are listed.
    refused(
        "kind = \"grid\"\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probabilty\"\nvalues = [0.5]\n",
        "replications = 1",
        &["sweep.toml", "parameters[0].path", "data_sharing.orr_to_ice_probability"],
    );
    // An inverted range.
    refused(
        "kind = \"latin_hypercube\"\nsamples = 4\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.6\nmax = 0.2\n",
        "replications = 1",
        &["parameters[0].max", "inverted"],
    );
    // An empty grid axis and an inverted grid range.
    refused(
        "kind = \"grid\"\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nvalues = []\n",
        "replications = 1",
        &["parameters[0].values"],
    );
    refused(
        "kind = \"grid\"\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nstart = 1.0\nstop = 0.5\nstep = 0.1\n",
        "replications = 1",
        &["parameters[0].stop", "inverted"],
    );
    // A grid of 10^9 points.
    let mut huge = String::from("kind = \"grid\"\n");
    for p in [
        "life.move_rate_per_year",
        "release.address_error_probability",
        "data_sharing.orr_to_ice_probability",
    ] {
        huge +=
            &format!("\n[[parameters]]\npath = \"{p}\"\nstart = 0.0\nstop = 0.999\nstep = 0.001\n");
    }
    refused(
        &huge,
        "replications = 1",
        &["1000000000 points", "exceeds the limit"],
    );
    // A value the scenario rejects.
    refused(
        "kind = \"grid\"\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nvalues = [0.5, 1.5]\n",
        "replications = 1",
        &["point 1", "data_sharing.orr_to_ice_probability", "1.5", "[0, 1]"],
    );
    // An unknown design.
    refused(
        &format!("kind = \"factorial\"\n\n{TWO_RANGES}"),
        "replications = 1",
        &["design.kind", "latin_hypercube"],
    );
    // A missing required key names it.
    refused(
        &format!("kind = \"grid\"\n\n{TWO_RANGES}"),
        "",
        &["replications", "missing"],
    );
    // Morris needs an even number of levels.
    refused(
        &format!("kind = \"morris\"\ntrajectories = 3\nlevels = 3\n\n{TWO_RANGES}"),
        "replications = 1",
        &["design"],
    );
}
