//! Outputs for scripts, R and pandas: `--json` documents on standard output, numbers written
//! exactly (they read back bit for bit), numeric columns holding numbers or nothing, the long
//! `points_long.csv`, shell completions and manual pages generated from the command line.

use std::collections::BTreeMap;
use std::path::Path;

use clap::CommandFactory;
use custody_sim::cli::Cli;
use serde_json::Value;

use crate::common::*;

#[test]
fn json_summaries_are_one_document_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = extend_baseline(d, "base.toml", SMALL);
    let s = s.to_str().unwrap();

    // run: every metric with its interval, the folder, the seed and the scenario's hash.
    let v = json_of(d, &["run", s, "-r", "2", "-s", "5", "-o", "r", "--json"]);
    assert_eq!(v["command"], "run");
    assert_eq!(v["seed"], 5);
    assert_eq!(v["out"], "r");
    assert_eq!(v["scenario_hash"].as_str().unwrap().len(), 64);
    let ice = &v["metrics"]["unlocatable_by_ice_at_horizon"];
    assert_eq!(ice["n"], 2);
    let (lo, mean, hi) = (
        ice["ci95_low"].as_f64().unwrap(),
        ice["mean"].as_f64().unwrap(),
        ice["ci95_high"].as_f64().unwrap(),
    );
    assert!(lo <= mean && mean <= hi, "{ice}");
    // The same numbers as headline.csv, exactly.
    let (h, rows) = read_csv(&d.join("r/headline.csv"));
    let row = rows
        .iter()
        .find(|r| r[col(&h, "metric")] == "unlocatable_by_ice_at_horizon")
        .unwrap();
    assert_eq!(row[col(&h, "mean")].parse::<f64>().unwrap(), mean);
    assert_eq!(row[col(&h, "ci95_low")].parse::<f64>().unwrap(), lo);

    // One replication: intervals are not defined, so null.
    let v = json_of(d, &["run", s, "-r", "1", "-o", "r1", "--json"]);
    assert!(v["metrics"]["released"]["ci95_low"].is_null(), "{v}");
    assert!(v["metrics"]["released"]["mean"].is_number(), "{v}");

    // compare: paired differences per reform.
    let reform = extend_baseline(
        d,
        "reform.toml",
        &format!("{SMALL}\n[data_sharing]\nintegrated_record = true\n"),
    );
    let v = json_of(
        d,
        &[
            "compare",
            s,
            reform.to_str().unwrap(),
            "-r",
            "2",
            "-o",
            "c",
            "--json",
        ],
    );
    assert_eq!(v["command"], "compare");
    assert_eq!(v["replications"], 2);
    let diff = &v["reforms"][0]["metrics"]["unlocatable_by_ice_at_horizon"]["difference"];
    assert!(
        diff["mean"].is_number() && diff["ci95_low"].is_number(),
        "{v}"
    );

    // validate: exit 1 when a target misses, and stdout still holds the one document.
    let targets = d.join("targets.toml");
    std::fs::write(&targets, "[[targets]]\nname = \"released_by_2021\"\nmetric = \"released\"\naggregate = \"at_date\"\ndate = \"2021-09-30\"\nvalue = 1\nqualifier = \"about\"\ntolerance = 0.05\ndefinition = \"test\"\nsource = \"test\"\n").unwrap();
    let out = cmd(d)
        .args([
            "validate",
            s,
            "--targets",
            targets.to_str().unwrap(),
            "-r",
            "2",
            "-o",
            "v",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["targets_failed"], 1);
    assert_eq!(v["targets"][0]["pass"], false);

    // sweep (Morris): counts and the sensitivity indices.
    let sw = sweep_file(d, "kind = \"morris\"\ntrajectories = 2\nlevels = 4", 1);
    let v = json_of(d, &["sweep", sw.to_str().unwrap(), "-o", "sw", "--json"]);
    assert_eq!(v["command"], "sweep");
    assert_eq!(v["ok"], 6);
    assert_eq!(v["seed"], 7);
    assert_eq!(v["identity"].as_str().unwrap().len(), 64);
    let sens = v["sensitivity"].as_array().unwrap();
    assert!(!sens.is_empty(), "{v}");
    assert_eq!(sens[0]["method"], "morris");

    // explore, then discover on it.
    let e = explore_file(d);
    let v = json_of(d, &["explore", e.to_str().unwrap(), "-o", "ex", "--json"]);
    assert_eq!(v["command"], "explore");
    assert_eq!(v["futures"], 12);
    assert_eq!(v["policies"].as_array().unwrap().len(), 2);
    assert!(v["policies"][1]["metrics"]
        .as_object()
        .unwrap()
        .values()
        .all(|m| m["mean"].is_number()));
    let condition = median_condition(&d.join("ex"));
    let v = json_of(
        d,
        &[
            "discover",
            "ex",
            "--reform",
            "shared",
            "--condition",
            &condition,
            "-o",
            "disc",
            "--json",
        ],
    );
    assert_eq!(v["command"], "discover");
    assert_eq!(v["futures"], 12);
    assert!(v["pasted"]["coverage"].is_number(), "{v}");
    let v = json_of(d, &["explore", e.to_str().unwrap(), "--list", "--json"]);
    assert_eq!(v["uncertain"][0]["path"], "life.move_rate_per_year");
}

#[test]
fn calibrate_json_names_the_calibrated_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    std::fs::write(d.join("targets.toml"), "[[targets]]\nname = \"ntas_2019\"\nmetric = \"ntas_issued_cum\"\naggregate = \"at_date\"\ndate = \"2019-12-31\"\nvalue = 500\nqualifier = \"about\"\ntolerance = 0.05\ndefinition = \"test\"\nsource = \"test\"\n").unwrap();
    let c = d.join("cal.toml");
    std::fs::write(&c, "base = \"small.toml\"\ntargets = \"targets.toml\"\nfit = [\"ntas_2019\"]\nholdout = []\nreplications = 1\nseed = 3\n\n[method]\nkind = \"abc_rejection\"\ncandidates = 6\naccept = 0.5\n\n[[parameters]]\npath = \"ice.nta_probability\"\nmin = 0.2\nmax = 1.0\n").unwrap();
    let v = json_of(
        d,
        &["calibrate", c.to_str().unwrap(), "-o", "cal", "--json"],
    );
    assert_eq!(v["command"], "calibrate");
    assert_eq!(v["accepted"], 3);
    assert_eq!(v["parameters"][0]["path"], "ice.nta_probability");
    assert!(v["parameters"][0]["fitted"].is_number());
    assert!(Path::new(v["calibrated_scenario"].as_str().unwrap()).is_relative());
    assert!(d.join("cal/calibrated.toml").is_file());
}

/// Parse a cell that must be a number (or empty: not defined).
fn number(cell: &str, what: &str) -> Option<f64> {
    if cell.is_empty() {
        return None;
    }
    let x: f64 = cell
        .parse()
        .unwrap_or_else(|e| panic!("{what}: {cell:?} is not a number ({e})"));
    assert!(x.is_finite(), "{what}: {cell:?}");
    Some(x)
}

#[test]
fn csv_numbers_read_back_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = extend_baseline(d, "base.toml", SMALL);
    cmd(d)
        .args([
            "run",
            s.to_str().unwrap(),
            "-r",
            "2",
            "-s",
            "9",
            "-q",
            "-o",
            "r",
        ])
        .assert()
        .success();
    let scenario = custody_sim::scenario::load(&s).unwrap();
    let mut checked = 0usize;
    let (sh, srows) = read_csv(&d.join("r/summary.csv"));
    let (th, trows) = read_csv(&d.join("r/timeseries.csv"));
    let series = custody_sim::sim::series_names();
    for rep in 0..2u64 {
        let mut obs = Days::default();
        let summary = custody_sim::sim::simulate(&scenario.params, 9, rep, &mut obs);
        let row = &srows[rep as usize];
        for (name, x) in summary.metrics() {
            let cell = &row[col(&sh, name)];
            match number(cell, name) {
                Some(y) => assert_eq!(y.to_bits(), x.to_bits(), "{name}: {cell} vs {x:?}"),
                None => assert!(!x.is_finite(), "{name}: empty for {x:?}"),
            }
            checked += 1;
        }
        let rows: Vec<&Vec<String>> = trows.iter().filter(|r| r[0] == rep.to_string()).collect();
        assert_eq!(rows.len(), obs.0.len());
        for (r, day) in rows.iter().zip(&obs.0) {
            for (name, x) in series.iter().zip(day.series()) {
                let cell = &r[col(&th, name)];
                match number(cell, name) {
                    Some(y) => assert_eq!(y.to_bits(), x.to_bits(), "{name}: {cell} vs {x:?}"),
                    None => assert!(!x.is_finite(), "{name}: empty for {x:?}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
    // The one formatter: what it writes reads back exactly, and what is not defined is empty.
    for x in [0.1 + 0.2, 1.0 / 3.0, 1e-300, 123_456.789_012_345_67, -0.0] {
        let cell = custody_sim::output::fmt_num(x);
        assert_eq!(
            cell.parse::<f64>().unwrap().to_bits(),
            x.to_bits(),
            "{cell}"
        );
    }
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(custody_sim::output::fmt_num(x), "");
    }
}

/// Collects every day's snapshot.
#[derive(Default)]
struct Days(Vec<custody_sim::sim::DaySnapshot>);

impl custody_sim::sim::Observer for Days {
    fn on_day(&mut self, _: u32, s: &custody_sim::sim::DaySnapshot) {
        self.0.push(s.clone());
    }
}

/// Columns that hold text by design (names, labels, dates, verdicts, messages).
const TEXT_COLUMNS: &[&str] = &[
    "metric",
    "date",
    "status",
    "error",
    "end",
    "baseline",
    "reform",
    "parameter",
    "method",
    "index",
    "direction",
    "best_reform",
    "statistic",
    "restricted",
    "in_box",
];

/// Every CSV file under `dir`: each column holds numbers (or empty cells) only, or no number
/// at all; never "NaN", "inf" or "-".
fn check_columns(dir: &Path, seen: &mut BTreeMap<String, usize>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            check_columns(&p, seen);
            continue;
        }
        if p.extension().is_none_or(|x| x != "csv") {
            continue;
        }
        let (h, rows) = read_csv(&p);
        for (j, name) in h.iter().enumerate() {
            let cells: Vec<&str> = rows.iter().map(|r| r[j].as_str()).collect();
            for c in &cells {
                let lower = c.to_ascii_lowercase();
                assert!(
                    !["nan", "inf", "-inf", "+inf", "infinity", "-", "n/a", "na"]
                        .contains(&lower.as_str()),
                    "{}: column {name} holds {c:?}",
                    p.display()
                );
            }
            if TEXT_COLUMNS.contains(&name.as_str()) {
                continue;
            }
            let numeric = cells.iter().any(|c| c.parse::<f64>().is_ok());
            if numeric {
                for c in &cells {
                    number(c, &format!("{} column {name}", p.display()));
                }
            }
        }
        *seen
            .entry(p.file_name().unwrap().to_string_lossy().into_owned())
            .or_default() += 1;
    }
}

#[test]
fn numeric_columns_hold_numbers_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = extend_baseline(d, "base.toml", SMALL);
    let s = s.to_str().unwrap();
    // One replication: every interval is undefined (empty); a width ratio over zero too.
    cmd(d)
        .args(["run", s, "-r", "1", "-q", "-o", "out/run"])
        .assert()
        .success();
    cmd(d)
        .args(["compare", s, s, "-r", "2", "-q", "-o", "out/compare"])
        .assert()
        .success();
    // One replication per point: the points' intervals are undefined (empty).
    let sw = sweep_file(d, "kind = \"morris\"\ntrajectories = 2\nlevels = 4", 1);
    cmd(d)
        .args([
            "sweep",
            sw.to_str().unwrap(),
            "-q",
            "--long",
            "-o",
            "out/morris",
        ])
        .assert()
        .success();
    let sw = sweep_file(d, "kind = \"sobol\"\nsamples = 4\nbootstrap = 20", 1);
    cmd(d)
        .args(["sweep", sw.to_str().unwrap(), "-q", "-o", "out/sobol"])
        .assert()
        .success();
    let e = explore_file(d);
    cmd(d)
        .args(["explore", e.to_str().unwrap(), "-q", "-o", "out/explore"])
        .assert()
        .success();
    let condition = median_condition(&d.join("out/explore"));
    cmd(d)
        .args([
            "discover",
            "out/explore",
            "--reform",
            "shared",
            "--condition",
            &condition,
            "-q",
            "-o",
            "out/discover",
        ])
        .assert()
        .success();
    let mut seen = BTreeMap::new();
    check_columns(&d.join("out"), &mut seen);
    for f in [
        "summary.csv",
        "headline.csv",
        "timeseries.csv",
        "comparison.csv",
        "runs.csv",
        "points.csv",
        "points_long.csv",
        "sensitivity.csv",
        "sobol_convergence.csv",
        "experiments.csv",
        "outcomes.csv",
        "regret.csv",
        "robustness.csv",
        "prim_trajectory.csv",
        "feature_scores.csv",
    ] {
        assert!(seen.contains_key(f), "{f} not checked: {seen:?}");
    }
    // Undefined numbers are empty cells.
    let (h, rows) = read_csv(&d.join("out/run/headline.csv"));
    assert!(rows.iter().all(|r| r[col(&h, "ci95_low")].is_empty()));
    let (h, rows) = read_csv(&d.join("out/morris/points.csv"));
    assert!(rows
        .iter()
        .all(|r| r[col(&h, "released_ci95_low")].is_empty()
            && !r[col(&h, "released_mean")].is_empty()));
}

#[test]
fn long_points_match_the_wide_table_and_survive_shards_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sw = sweep_file(d, "kind = \"latin_hypercube\"\nsamples = 4", 2);
    let sw = sw.to_str().unwrap();
    cmd(d)
        .args(["sweep", sw, "-q", "--long", "-o", "one"])
        .assert()
        .success();
    let (wh, wide) = read_csv(&d.join("one/points.csv"));
    let (lh, long) = read_csv(&d.join("one/points_long.csv"));
    assert_eq!(
        lh,
        [
            "point",
            "life.move_rate_per_year",
            "data_sharing.orr_to_ice_probability",
            "replications_ok",
            "replications_failed",
            "metric",
            "statistic",
            "value"
        ]
    );
    let metrics = custody_sim::output::schema::metric_names();
    assert_eq!(long.len(), wide.len() * metrics.len() * 3);
    for r in &long {
        let w = &wide[r[0].parse::<usize>().unwrap()];
        for k in 0..5 {
            assert_eq!(r[k], w[col(&wh, &lh[k])], "{}", lh[k]);
        }
        let column = format!("{}_{}", r[5], r[6]);
        assert_eq!(r[7], w[col(&wh, &column)], "{column}");
    }
    // Two shards merged: the same long table, byte for byte (merge knows from the shards).
    for k in ["1/2", "2/2"] {
        cmd(d)
            .args(["sweep", sw, "-q", "--long", "--shard", k, "-o", "sharded"])
            .assert()
            .success();
    }
    cmd(d)
        .args([
            "merge",
            "sharded/shards/shard-1-of-2",
            "sharded/shards/shard-2-of-2",
            "-q",
            "-o",
            "merged",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(d.join("one/points_long.csv")).unwrap(),
        std::fs::read(d.join("merged/points_long.csv")).unwrap()
    );
    // `merge --json`: the merged sweep's document, every run present, and nothing else on stdout.
    let v = json_of(
        d,
        &[
            "merge",
            "sharded/shards/shard-1-of-2",
            "sharded/shards/shard-2-of-2",
            "-o",
            "merged-json",
            "--json",
        ],
    );
    assert_eq!(v["command"], "sweep");
    assert_eq!(v["out"], "merged-json");
    assert_eq!(v["missing"], 0);
    assert_eq!(v["ok"], v["runs"]);
    // Without --long, no long table; `merge --long` writes it from any shards.
    cmd(d)
        .args(["sweep", sw, "-q", "-o", "plain"])
        .assert()
        .success();
    assert!(!d.join("plain/points_long.csv").exists());
    cmd(d)
        .args(["merge", "plain", "--long", "-q", "-o", "plain-merged"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(d.join("one/points_long.csv")).unwrap(),
        std::fs::read(d.join("plain-merged/points_long.csv")).unwrap()
    );
}

#[test]
fn bash_completion_names_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let script = stdout_of(dir.path(), &["completions", "bash"]);
    assert!(script.contains("complete -F"), "{script}");
    let cli = Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    assert!(names.len() >= 14, "{names:?}");
    for n in names {
        assert!(
            script.contains(&format!("custody__sim__subcmd__{n}"))
                || script.contains(&format!("custody__sim,{n}")),
            "the bash completion does not know `{n}`"
        );
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        assert!(
            stdout_of(dir.path(), &["completions", shell]).contains("sweep"),
            "{shell}"
        );
    }
    cmd(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values"));
}

#[test]
fn man_pages_parse_and_name_every_option() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cmd(d).args(["man", "--out", "man"]).assert().success();
    let cli = Cli::command();
    let main = std::fs::read_to_string(d.join("man/custody-sim.1")).unwrap();
    assert!(main.contains(".TH custody-sim 1"), "{main}");
    for sub in cli.get_subcommands() {
        let page = d.join(format!("man/custody-sim-{}.1", sub.get_name()));
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert!(text.lines().any(|l| l.starts_with(".TH ")), "{text}");
        assert!(text.contains(".SH SYNOPSIS") && text.contains(".SH OPTIONS"));
        // roff escapes hyphens: `--replications` is written `\-\-replications`.
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(text.contains(&roff), "{}: no {roff}", page.display());
            }
        }
        assert!(
            main.contains(sub.get_name()),
            "custody-sim.1 lacks {}",
            sub.get_name()
        );
    }
    // A file where the folder should be: exit 2, the option named, nothing written.
    std::fs::write(d.join("file"), "x").unwrap();
    cmd(d)
        .args(["man", "--out", "file"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--out"));
    assert_eq!(std::fs::read_to_string(d.join("file")).unwrap(), "x");
}
