//! Calibration (ABC rejection): a synthetic round trip recovers known parameters, bad calibration
//! files are refused, a killed calibration resumes to identical results, and the calibrated
//! scenario loads and overrides only the fitted parameters.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// A small base scenario: a 3,000-child FY2019 cohort, followed to the baseline's horizon. One
/// attempt per well-being call, so that the share not reached responds strongly to the answer
/// probability (with retries, most households that do not answer once answer later).
fn small(dir: &Path) -> PathBuf {
    extend_baseline(
        dir,
        "small.toml",
        "[meta]\nname = \"small\"\ndescription = \"test: a 3,000-child FY2019 cohort\"\n\n[orr.in_care_at_start]\nchildren = 100\n\n[orr.released_before_start]\nchildren = 20\nwindow_days = 30\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 3000\nsource = \"test\"\n\n[wellbeing_calls]\nmax_attempts = 1\n",
    )
}

/// One target; `value` is the published figure.
fn target(name: &str, body: &str, value: f64) -> String {
    format!("[[targets]]\nname = \"{name}\"\n{body}\nvalue = {value}\nqualifier = \"about\"\ntolerance = 0.05\ndefinition = \"test\"\nsource = \"test\"\n\n")
}

/// NTAs served by the end of 2019 (responds to `ice.nta_probability`).
const NTAS: &str = "metric = \"ntas_issued_cum\"\naggregate = \"at_date\"\ndate = \"2019-12-31\"";
/// Share of well-being calls not reached in FY2019 (responds to the answer probability).
const CALLS: &str = "metric = \"wellbeing_calls_not_reached_cum\"\nper = \"wellbeing_calls_due_cum\"\naggregate = \"change\"\nfrom = \"2018-10-01\"\nto = \"2019-09-30\"";
/// Household moves over the run (responds to neither: the held-out check).
const MOVES: &str = "metric = \"household_moves\"\naggregate = \"run\"";

fn write_targets(dir: &Path, values: [f64; 3]) -> PathBuf {
    let p = dir.join("targets.toml");
    let text = target("ntas_2019", NTAS, values[0])
        + &target("calls_not_reached", CALLS, values[1])
        + &target("moves", MOVES, values[2]);
    std::fs::write(&p, text).unwrap();
    p
}

/// A calibration file over `small.toml` and `targets.toml` in `dir`.
fn write_calibration(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!("base = \"small.toml\"\ntargets = \"targets.toml\"\n{body}"),
    )
    .unwrap();
    p
}

const TWO_PARAMETERS: &str = r#"
[[parameters]]
path = "ice.nta_probability"
min = 0.2
max = 1.0
reason = "test: a wide range"

[[parameters]]
path = "wellbeing_calls.answer_probability_if_current"
min = 0.4
max = 0.99
reason = "test: a wide range"
"#;

fn calibration(candidates: u32, accept: f64) -> String {
    format!(
        "fit = [\"ntas_2019\", \"calls_not_reached\"]\nholdout = [\"moves\"]\nreplications = 2\nseed = 11\n\n[method]\nkind = \"abc_rejection\"\ncandidates = {candidates}\naccept = {accept}\n{TWO_PARAMETERS}"
    )
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// posterior.csv as (parameter -> column -> value).
fn posterior(dir: &Path) -> Vec<(String, f64, f64, f64, f64)> {
    let (h, rows) = read_csv(&dir.join("posterior.csv"));
    rows.iter()
        .map(|r| {
            let f = |c: &str| r[col(&h, c)].parse::<f64>().unwrap();
            (
                r[col(&h, "parameter")].clone(),
                f("median"),
                f("ci95_low"),
                f("ci95_high"),
                f("fitted"),
            )
        })
        .collect()
}

#[test]
fn calibration_recovers_known_parameters_from_the_models_own_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    // The truth: known values of both parameters. Its outputs become the "published" targets.
    let (true_nta, true_answer) = (0.6, 0.75);
    std::fs::write(
        d.join("truth.toml"),
        format!("extends = \"small.toml\"\n\n[meta]\nname = \"truth\"\ndescription = \"test\"\n\n[ice]\nnta_probability = {true_nta}\n\n[wellbeing_calls]\nanswer_probability_if_current = {true_answer}\n"),
    )
    .unwrap();
    let t = write_targets(d, [1.0, 1.0, 1.0]);
    cmd(d)
        .args([
            "validate",
            "truth.toml",
            "--targets",
            t.to_str().unwrap(),
            "-r",
            "2",
            "-s",
            "11",
            "-q",
            "-o",
            "truth",
        ])
        .assert()
        .code(1);
    let (h, rows) = read_csv(&d.join("truth/validation.csv"));
    let model: Vec<f64> = rows
        .iter()
        .map(|r| r[col(&h, "model_mean")].parse().unwrap())
        .collect();
    assert!(
        model[0] > 500.0 && model[1] > 0.1 && model[1] < 0.6 && model[2] > 500.0,
        "{model:?}"
    );
    write_targets(d, [model[0], model[1], model[2]]);

    // Wide priors; 400 candidates, the nearest 3% accepted.
    let c = write_calibration(d, "cal.toml", &calibration(400, 0.03));
    let started = Instant::now();
    let out = cmd(d)
        .args(["calibrate", c.to_str().unwrap(), "-o", "fit"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("FITTED TARGETS (used in fitting)"), "{text}");
    assert!(text.contains("HELD OUT (not used in fitting)"), "{text}");
    let fitted_at = text.find("FITTED TARGETS").unwrap();
    let held_at = text.find("HELD OUT").unwrap();
    assert!(fitted_at < held_at && text[held_at..].contains("moves"));
    assert!(!text[fitted_at..held_at].contains("moves"), "{text}");

    let post = posterior(&d.join("fit"));
    println!("{text}\nposterior (parameter, median, ci95_low, ci95_high, fitted): {post:?}");
    assert_eq!(post.len(), 2);
    // Tolerance: within 0.05 of the truth (6% of the prior range for the NTA probability, 8.5%
    // for the answer probability), the truth inside the 95% posterior interval, and the interval
    // much narrower than the prior.
    for ((name, median, low, high, fitted), (truth, width)) in
        post.iter().zip([(true_nta, 0.8), (true_answer, 0.59)])
    {
        assert!(
            (median - truth).abs() <= 0.05,
            "{name}: posterior median {median} vs true {truth}"
        );
        assert!(
            *low <= truth && truth <= *high,
            "{name}: true {truth} outside the 95% interval [{low}, {high}]"
        );
        assert!(
            high - low < 0.5 * width,
            "{name}: [{low}, {high}] barely narrower than the prior"
        );
        assert_eq!(median, fitted);
    }

    // The fit: both fitted targets and the held-out one close to the truth's outputs.
    let (h, rows) = read_csv(&d.join("fit/fit.csv"));
    let roles: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[col(&h, "role")].as_str(), r[col(&h, "target")].as_str()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("fitted", "ntas_2019"),
            ("fitted", "calls_not_reached"),
            ("held_out", "moves")
        ]
    );
    for r in &rows {
        let e: f64 = r[col(&h, "relative_error")].parse().unwrap();
        assert!(
            e.abs() < 0.1,
            "{}: relative error {e}",
            r[col(&h, "target")]
        );
    }
    let (h, rows) = read_csv(&d.join("fit/accepted.csv"));
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0][col(&h, "rank")], "1");
    println!("the round trip took {took:?}");
}

/// An ABC-SMC calibration file over `small.toml`: two parameters, a population of 40.
fn smc_calibration(max_generations: u32) -> String {
    format!(
        "fit = [\"ntas_2019\", \"calls_not_reached\"]\nholdout = [\"moves\"]\nreplications = 1\nseed = 11\n\n[method]\nkind = \"abc_smc\"\npopulation = 40\nmin_acceptance = 0.15\nmax_generations = {max_generations}\n{TWO_PARAMETERS}"
    )
}

/// The truth's outputs (NTA probability 0.6, answer probability 0.75) as the targets.
fn truth_targets(d: &Path) -> (f64, f64) {
    let (true_nta, true_answer) = (0.6, 0.75);
    std::fs::write(
        d.join("truth.toml"),
        format!("extends = \"small.toml\"\n\n[meta]\nname = \"truth\"\ndescription = \"test\"\n\n[ice]\nnta_probability = {true_nta}\n\n[wellbeing_calls]\nanswer_probability_if_current = {true_answer}\n"),
    )
    .unwrap();
    let t = write_targets(d, [1.0, 1.0, 1.0]);
    cmd(d)
        .args(["validate", "truth.toml", "--targets", t.to_str().unwrap()])
        .args(["-r", "2", "-s", "11", "-q", "-o", "truth"])
        .assert()
        .code(1);
    let (h, rows) = read_csv(&d.join("truth/validation.csv"));
    let model: Vec<f64> = rows
        .iter()
        .map(|r| r[col(&h, "model_mean")].parse().unwrap())
        .collect();
    write_targets(d, [model[0], model[1], model[2]]);
    (true_nta, true_answer)
}

#[test]
fn abc_smc_recovers_known_parameters_shrinks_its_tolerance_and_resumes_identically() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    let truth = truth_targets(d);
    let c = write_calibration(d, "cal.toml", &smc_calibration(4));
    let out = cmd(d)
        .args(["calibrate", c.to_str().unwrap(), "-t", "2", "-o", "fit"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    println!("{text}");
    assert!(
        text.contains("(ABC-SMC)") && text.contains("Posterior predictive check"),
        "{text}"
    );
    // The truth inside each 95% posterior interval, which is much narrower than the prior.
    let post = posterior(&d.join("fit"));
    for ((name, _, low, high, _), (truth, width)) in
        post.iter().zip([(truth.0, 0.8), (truth.1, 0.59)])
    {
        assert!(
            *low <= truth && truth <= *high,
            "{name}: {truth} outside [{low}, {high}]"
        );
        assert!(high - low < 0.5 * width, "{name}: [{low}, {high}]");
    }
    // Generations: tolerances never grow; 4 generations unless the acceptance rate stopped it.
    let (h, rows) = read_csv(&d.join("fit/generations.csv"));
    let tol: Vec<f64> = rows
        .iter()
        .map(|r| r[col(&h, "tolerance")].parse().unwrap())
        .collect();
    assert!(tol.windows(2).all(|w| w[1] <= w[0]), "{tol:?}");
    assert!(tol.len() >= 2 && tol[tol.len() - 1] < tol[0], "{tol:?}");
    // The weighted population: 40 particles whose weights sum to 1.
    let (h, rows) = read_csv(&d.join("fit/population.csv"));
    assert_eq!(rows.len(), 40);
    let total: f64 = rows
        .iter()
        .map(|r| r[col(&h, "weight")].parse::<f64>().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    // Every target, fitted and held out, in the predictive check; both parameters identified.
    let (h, rows) = read_csv(&d.join("fit/predictive.csv"));
    let roles: Vec<&str> = rows.iter().map(|r| r[col(&h, "role")].as_str()).collect();
    assert_eq!(roles, ["fitted", "fitted", "held_out"]);
    let (h, rows) = read_csv(&d.join("fit/identification.csv"));
    assert!(
        rows.iter().all(|r| r[col(&h, "verdict")] == "identified"),
        "{rows:?}"
    );
    let (_, rows) = read_csv(&d.join("fit/ensemble.csv"));
    assert_eq!(rows.len(), 40);
    // The charts, each listed in the manifest with every other file written.
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(d.join("fit/manifest.json"))).unwrap();
    let listed: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for chart in [
        "calibration-marginals",
        "calibration-pairs",
        "calibration-schedule",
    ] {
        for ext in ["svg", "png"] {
            let f = format!("charts/{chart}.{ext}");
            assert!(d.join("fit").join(&f).is_file(), "{f}");
            assert!(listed.contains(&f.as_str()), "{f} not in {listed:?}");
        }
    }
    for f in &listed {
        assert!(d.join("fit").join(f).is_file(), "{f} listed but absent");
    }

    // One thread gives the same files as two.
    cmd(d)
        .args([
            "calibrate",
            c.to_str().unwrap(),
            "-q",
            "-t",
            "1",
            "-o",
            "one",
        ])
        .assert()
        .code(0);
    let files = [
        "population.csv",
        "posterior.csv",
        "generations.csv",
        "predictive.csv",
        "identification.csv",
        "ensemble.csv",
        "calibrated.toml",
        "fit.csv",
    ];
    for f in files {
        assert!(
            read(d.join("fit").join(f)) == read(d.join("one").join(f)),
            "{f} differs by threads"
        );
    }

    // Interrupted in generation 1 (its log cut short mid-line, the later generations and the
    // results never written): --resume replays the logs and ends with the same files.
    let part = d.join("part");
    std::fs::create_dir_all(part.join("generations")).unwrap();
    std::fs::copy(
        d.join("fit/calibration.json"),
        part.join("calibration.json"),
    )
    .unwrap();
    for g in ["gen-000", "gen-001"] {
        std::fs::create_dir_all(part.join("generations").join(g)).unwrap();
        std::fs::copy(
            d.join("fit/generations").join(g).join("candidates.csv"),
            part.join("generations").join(g).join("candidates.csv"),
        )
        .unwrap();
    }
    let log = part.join("generations/gen-001/candidates.csv");
    let bytes = read(&log);
    let keep = bytes.len() / 2;
    std::fs::write(&log, &bytes[..keep]).unwrap();
    cmd(d)
        .args([
            "calibrate",
            c.to_str().unwrap(),
            "-q",
            "-o",
            "part",
            "--resume",
        ])
        .assert()
        .code(0);
    for f in files {
        assert!(
            read(d.join("fit").join(f)) == read(part.join(f)),
            "{f} differs after resume"
        );
    }
}

#[test]
fn abc_smc_run_round_by_round_in_shards_equals_one_machine() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    truth_targets(d);
    let c = write_calibration(d, "cal.toml", &smc_calibration(3));
    let cal = c.to_str().unwrap();
    cmd(d)
        .args(["calibrate", cal, "-q", "-o", "whole"])
        .assert()
        .code(0);
    // What the emitted driver does: ask for the open round, run its shards, until "done".
    let mut rounds = Vec::new();
    loop {
        let out = cmd(d)
            .args(["calibrate", cal, "--next-round", "-q", "-o", "cluster"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let round = String::from_utf8(out).unwrap().trim().to_string();
        if round == "done" {
            break;
        }
        assert!(round.starts_with("round "), "{round}");
        assert!(
            !rounds.contains(&round),
            "{round} asked twice: a shard did not record it"
        );
        rounds.push(round);
        for k in 1..=3 {
            cmd(d)
                .args([
                    "calibrate",
                    cal,
                    "--shard",
                    &format!("{k}/3"),
                    "-q",
                    "-t",
                    "1",
                ])
                .args(["-o", "cluster"])
                .assert()
                .code(0);
        }
    }
    assert!(rounds.len() >= 3, "{rounds:?}");
    assert!(d
        .join("cluster/generations/gen-001/shards/shard-2-of-3/candidates.csv")
        .is_file());
    cmd(d)
        .args(["calibrate", cal, "--resume", "-q", "-o", "cluster"])
        .assert()
        .code(0);
    for f in [
        "population.csv",
        "posterior.csv",
        "generations.csv",
        "predictive.csv",
        "ensemble.csv",
        "calibrated.toml",
        "fit.csv",
    ] {
        assert!(
            read(d.join("whole").join(f)) == read(d.join("cluster").join(f)),
            "{f} differs"
        );
    }
    // The scripts the driver and shards are.
    cmd(d)
        .args([
            "calibrate",
            cal,
            "--emit-slurm",
            "4",
            "--time",
            "01:00:00",
            "-q",
            "-o",
            "cluster",
        ])
        .assert()
        .code(0);
    let shard = String::from_utf8(read(d.join("cluster/slurm/shard.sbatch"))).unwrap();
    assert!(
        shard.contains("#SBATCH --array=1-4")
            && shard.contains("--shard \"${SLURM_ARRAY_TASK_ID}/4\"")
    );
    assert!(shard.contains("#SBATCH --time=01:00:00"));
    let driver = String::from_utf8(read(d.join("cluster/slurm/driver.sbatch"))).unwrap();
    assert!(driver.contains("--next-round") && driver.contains("sbatch --wait shard.sbatch"));
    assert!(driver.contains("--resume") && !driver.contains("#SBATCH --time"));
    // A shard before any round was asked for is refused with what to run first.
    let err = cmd(d)
        .args(["calibrate", cal, "--shard", "1/2", "-o", "fresh"])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("--next-round"),
        "{}",
        String::from_utf8_lossy(&err)
    );
    // Rejection has no rounds to shard.
    let r = write_calibration(d, "rej.toml", &calibration(20, 0.2));
    cmd(d)
        .args([
            "calibrate",
            r.to_str().unwrap(),
            "--next-round",
            "-o",
            "rej",
        ])
        .assert()
        .code(2);
}

#[test]
fn the_screen_calibrates_only_parameters_that_move_a_fitted_target() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    truth_targets(d);
    // A third parameter that cannot move the 2019 targets: welfare checks start in 2025.
    let body = smc_calibration(2)
        + "\n[[parameters]]\npath = \"welfare_checks.checks_per_team_day\"\nmin = 1.0\nmax = 4.0\nreason = \"test: no effect before 2025\"\n\n[screen]\nreplications = 1\nthreshold = 0.25\n";
    let c = write_calibration(d, "cal.toml", &body);
    let out = cmd(d)
        .args(["calibrate", c.to_str().unwrap(), "-o", "fit"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("Screen: 2 of 3 parameters"), "{text}");
    let (h, rows) = read_csv(&d.join("fit/screen.csv"));
    let calibrated: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r[col(&h, "parameter")].as_str(),
                r[col(&h, "calibrated")].as_str(),
            )
        })
        .collect();
    assert_eq!(
        calibrated,
        [
            ("ice.nta_probability", "true"),
            ("wellbeing_calls.answer_probability_if_current", "true"),
            ("welfare_checks.checks_per_team_day", "false"),
        ]
    );
    let effect: f64 = rows[2][col(&h, "effect_tolerances")].parse().unwrap();
    assert_eq!(effect, 0.0, "checks in 2025 moved a 2019 target");
    // Only the influential parameters are calibrated and written.
    let post = posterior(&d.join("fit"));
    assert_eq!(post.len(), 2);
    let text = String::from_utf8(read(d.join("fit/calibrated.toml"))).unwrap();
    assert!(!text.contains("checks_per_team_day ="), "{text}");
    // A resumed calibration reads the screen instead of running it again.
    let before = read(d.join("fit/screen.csv"));
    cmd(d)
        .args([
            "calibrate",
            c.to_str().unwrap(),
            "-q",
            "--resume",
            "-o",
            "fit",
        ])
        .assert()
        .code(0);
    assert!(read(d.join("fit/screen.csv")) == before);
}

#[test]
fn a_failed_abc_smc_particle_is_recorded_left_out_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    write_targets(d, [1500.0, 0.25, 2400.0]);
    let c = write_calibration(d, "cal.toml", &smc_calibration(2));
    // Particle 3 of every generation fails.
    let err = cmd(d)
        .env("CUSTODY_SIM_FAIL_JOBS", "3")
        .args(["calibrate", c.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8_lossy(&err);
    assert!(
        msg.contains("2 particles failed") && msg.contains("gen-"),
        "{msg}"
    );
    let (h, rows) = read_csv(&d.join("out/generations/gen-000/candidates.csv"));
    assert_eq!(rows[3][col(&h, "status")], "failed");
    // Left out: generation 0's population never holds it.
    let (h, rows) = read_csv(&d.join("out/generations/gen-000/population.csv"));
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|r| r[col(&h, "particle")] != "3"));
    assert!(d.join("out/calibrated.toml").is_file());
}

#[test]
fn bad_abc_smc_settings_are_refused_with_the_field() {
    refused(
        "fit = [\"ntas_2019\"]\nreplications = 1\nseed = 1\n\n[method]\nkind = \"abc_smc\"\npopulation = 5\nalpha = 1.5\nmin_acceptance = 0\nmax_generations = 0\nkernel = \"wide\"\ncandidates = 10\n[[parameters]]\npath = \"ice.nta_probability\"\nmin = 0.2\nmax = 1.0\n",
        &[
            "method.candidates",
            "parameters[0].reason",
            "method.population",
            "method.alpha",
            "method.min_acceptance",
            "method.max_generations",
            "method.kernel",
        ],
    );
}

/// A bad calibration file is refused with exit code 2 before anything is written.
fn refused(body: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    small(dir.path());
    write_targets(dir.path(), [1000.0, 0.2, 1000.0]);
    let c = write_calibration(dir.path(), "cal.toml", body);
    let out = cmd(dir.path())
        .args(["calibrate", c.to_str().unwrap(), "-q", "-o", "out"])
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
        "output written for a refused calibration"
    );
}

#[test]
fn bad_calibration_files_are_refused_before_anything_runs() {
    let good = calibration(10, 0.2);
    // An unknown target name lists the valid ones.
    refused(
        &good.replace("\"calls_not_reached\"]", "\"calls_not_reachd\"]"),
        &[
            "cal.toml",
            "fit[1]",
            "calls_not_reachd",
            "valid targets: ntas_2019, calls_not_reached, moves",
        ],
    );
    // A target both fitted and held out.
    refused(
        &good.replace(
            "holdout = [\"moves\"]",
            "holdout = [\"moves\", \"ntas_2019\"]",
        ),
        &["holdout[1]", "ntas_2019", "also in `fit`"],
    );
    // No target to fit.
    refused(
        &good.replace("fit = [\"ntas_2019\", \"calls_not_reached\"]", "fit = []"),
        &["`fit`", "at least one target"],
    );
    // An unknown path lists the nearest valid ones.
    refused(
        &good.replace("ice.nta_probability", "ice.nta_probabilty"),
        &[
            "parameters[0].path",
            "ice.nta_probabilty",
            "ice.nta_probability",
        ],
    );
    // An inverted range.
    refused(
        &good.replace("min = 0.2\nmax = 1.0", "min = 1.0\nmax = 0.2"),
        &["parameters[0].max", "inverted"],
    );
    // A log-uniform prior needs a positive minimum; an unknown prior is named.
    refused(
        &good.replace(
            "min = 0.2\nmax = 1.0",
            "min = 0.0\nmax = 1.0\nprior = \"log_uniform\"",
        ),
        &["parameters[0].min", "log_uniform", "min > 0"],
    );
    refused(
        &good.replace(
            "min = 0.2\nmax = 1.0",
            "min = 0.2\nmax = 1.0\nprior = \"normal\"",
        ),
        &["parameters[0].prior", "\"normal\"", "log_uniform"],
    );
    // A candidate the scenario would reject (a probability above 1).
    refused(
        &good.replace("min = 0.4\nmax = 0.99", "min = 0.4\nmax = 1.5"),
        &[
            "candidate",
            "wellbeing_calls.answer_probability_if_current",
            "[0, 1]",
        ],
    );
    // Unknown keys, an unknown method, too few accepted candidates.
    refused(
        &format!("{good}\ncandidate = 3\n"),
        &["unknown field", "candidate"],
    );
    refused(
        &good.replace("kind = \"abc_rejection\"", "kind = \"smc\""),
        &["method.kind", "abc_rejection"],
    );
    refused(
        &good.replace("accept = 0.2", "accept = 0.05"),
        &["method.accept", "fewer than 2"],
    );
}

#[test]
fn a_killed_calibration_resumes_to_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    write_targets(d, [1500.0, 0.25, 2400.0]);
    let body = calibration(600, 0.05).replace("replications = 2", "replications = 1");
    let c = write_calibration(d, "cal.toml", &body);
    cmd(d)
        .args(["calibrate", c.to_str().unwrap(), "-q", "-o", "full"])
        .assert()
        .success();

    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let mut child = std::process::Command::new(&bin)
        .current_dir(d)
        .args([
            "calibrate",
            c.to_str().unwrap(),
            "-q",
            "-t",
            "1",
            "-o",
            "part",
        ])
        .spawn()
        .unwrap();
    let rows = d.join("part/candidates.csv");
    let started = Instant::now();
    loop {
        let lines = std::fs::read(&rows)
            .map(|b| b.iter().filter(|&&c| c == b'\n').count())
            .unwrap_or(0);
        if lines > 20 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Simulate a kill in the middle of a line: cut the last line short.
    let mut bytes = read(&rows);
    let lines_before = bytes.iter().filter(|&&c| c == b'\n').count();
    assert!(
        lines_before < 601,
        "the calibration finished before it could be killed"
    );
    bytes.truncate(bytes.len() - 9);
    std::fs::write(&rows, &bytes).unwrap();
    assert!(!d.join("part/posterior.csv").exists());
    // Without --resume the folder is refused (bad input, exit code 2); with it the calibration completes.
    let err = cmd(d)
        .args(["calibrate", c.to_str().unwrap(), "-q", "-o", "part"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("--resume"));
    cmd(d)
        .args([
            "calibrate",
            c.to_str().unwrap(),
            "-q",
            "-o",
            "part",
            "--resume",
        ])
        .assert()
        .success();
    for f in [
        "candidates.csv",
        "accepted.csv",
        "posterior.csv",
        "calibrated.toml",
        "fit.csv",
    ] {
        assert!(
            read(d.join("full").join(f)) == read(d.join("part").join(f)),
            "{f} differs after resume"
        );
    }
    // A changed calibration file is not resumed into the old folder.
    write_calibration(d, "cal.toml", &body.replace("seed = 11", "seed = 12"));
    let err = cmd(d)
        .args([
            "calibrate",
            c.to_str().unwrap(),
            "-q",
            "-o",
            "part",
            "--resume",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("different calibration"));
}

#[test]
fn the_calibrated_scenario_loads_and_overrides_only_the_fitted_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    write_targets(d, [1500.0, 0.25, 2400.0]);
    // An integer inside an array of tables, and a float with a log-uniform prior.
    let c = write_calibration(
        d,
        "cal.toml",
        "fit = [\"ntas_2019\", \"moves\"]\nholdout = [\"calls_not_reached\"]\nreplications = 1\nseed = 3\n\n[method]\nkind = \"abc_rejection\"\ncandidates = 20\naccept = 0.2\n\n[[parameters]]\npath = \"ice.nta_officers[0].value\"\nmin = 1\nmax = 8\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.1\nmax = 1.0\nprior = \"log_uniform\"\n",
    );
    std::fs::create_dir(d.join("outs")).unwrap();
    cmd(d)
        .args(["calibrate", c.to_str().unwrap(), "-q", "-o", "outs/cal"])
        .assert()
        .success();
    let path = d.join("outs/cal/calibrated.toml");
    let text = String::from_utf8(read(&path)).unwrap();
    assert!(
        text.starts_with("# Calibrated scenario produced by `custody-sim calibrate`"),
        "{text}"
    );
    assert!(text.contains("seed 3"), "{text}");
    let table: toml::Table = toml::from_str(&text).unwrap();
    // extends the base by a path relative to the output folder.
    assert_eq!(table["extends"].as_str(), Some("../../small.toml"));
    let keys: Vec<&String> = table.keys().collect();
    assert_eq!(keys, ["extends", "ice", "life", "meta"]);
    assert_eq!(table["ice"].as_table().unwrap().len(), 1);
    assert_eq!(table["life"].as_table().unwrap().len(), 1);
    // The whole array is written, with the fitted integer and the later step as it was.
    let officers = table["ice"]["nta_officers"].as_array().unwrap();
    assert_eq!(officers.len(), 2);
    assert_eq!(officers[0]["from"].as_str(), Some("2018-10-01"));
    assert_eq!(officers[1]["from"].as_str(), Some("2024-08-19"));
    assert_eq!(officers[1]["value"].as_integer(), Some(100));
    let post = posterior(&d.join("outs/cal"));
    assert_eq!(
        officers[0]["value"].as_integer(),
        Some(post[0].4 as i64),
        "{post:?}"
    );
    assert_eq!(post[0].4.fract(), 0.0);
    assert_eq!(
        table["life"]["move_rate_per_year"].as_float(),
        Some(post[1].4)
    );

    // `check` accepts it; it runs like any scenario.
    let out = cmd(d)
        .args(["check", path.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("\"small_calibrated\""));
}

#[test]
fn a_failed_candidate_is_recorded_left_out_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    write_targets(d, [1500.0, 0.25, 2400.0]);
    let c = write_calibration(d, "cal.toml", &calibration(20, 0.2));
    let err = cmd(d)
        .env("CUSTODY_SIM_FAIL_JOBS", "3")
        .args(["calibrate", c.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("1 of 20 candidates failed"),
        "{}",
        String::from_utf8_lossy(&err)
    );
    let (h, rows) = read_csv(&d.join("out/candidates.csv"));
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[3][col(&h, "status")], "failed");
    assert!(rows[3][col(&h, "error")].contains("injected"));
    // The calibration still completes on the other candidates, never accepting the failed one.
    let (h, rows) = read_csv(&d.join("out/accepted.csv"));
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r[col(&h, "candidate")] != "3"));
    assert!(d.join("out/calibrated.toml").exists());
}
