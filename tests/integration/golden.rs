//! Golden outputs: the bytes of every file that every command writes, for small pinned inputs,
//! pinned as SHA-256 digests. A change to the engine that is meant to change no result (a
//! restructure, a speed-up) must leave every digest as it is; a model change updates them
//! deliberately: run
//!
//! ```text
//! CUSTODY_SIM_BLESS=1 cargo test --release --locked --test integration golden
//! ```
//!
//! and commit the rewritten digest files with the change that explains it. Blessing still
//! requires the outputs at one and two threads to be identical (a non-deterministic output cannot
//! be blessed) and the resumed and merged folders to equal the uninterrupted ones.
//!
//! Two kinds of pins:
//!
//! - `tests/snapshots/golden.sha256` ([`outputs_match_the_pinned_digests`]): the full-size
//!   baseline (two replications, at one and two threads), every reform (one replication) and one
//!   child's journey, with seed 42 (`summary.csv`, `headline.csv`, `timeseries.csv`,
//!   `journey.csv`).
//! - `tests/snapshots/golden/<family>.sha256`, one `#[test]` per command family (`run`,
//!   `compare`, `sweep` with `merge`, `explore` with `merge` and `discover`, `validate`,
//!   `calibrate`, `journey`, `report`, `explorer`, `man`): every file of every output folder of
//!   small runs (the `SMALL` cohort of about 4,100 children). Each family runs in a fresh folder
//!   tree (see [`Tree`]) with relative paths, once with `--threads 1` and once, in another tree,
//!   with `--threads 2` (commands without `--threads` run in both, on that tree's inputs); the
//!   two trees must give the same bytes, file for file, and those are pinned. The files are
//!   listed by walking each output folder, so a new file, a vanished one and changed bytes all
//!   fail. Campaigns are also pinned after a simulated kill and `--resume` (what a killed process
//!   leaves: the identity file written before the first run, and the run log cut in the middle of
//!   a line, as the kill tests in experiment.rs, explore.rs and calibrate.rs leave it), after
//!   `--shard K/N` runs and `merge` (sweep, explore; the shard folders are pinned too), and with
//!   jobs failed by the fault hook `CUSTODY_SIM_FAIL_JOBS`. The resumed and merged folders must
//!   equal the uninterrupted one byte for byte, but for a calibration's `manifest.json` (it counts
//!   the candidates run by that invocation) and a merged explore's `explore.json` (it names the
//!   policies' scenario files by absolute path: compared with the file names alone).
//!
//! The trees hold copies of `scenarios/baseline.toml` and `scenarios/targets/published.toml`
//! (so that no input names the checkout's path: manifests and identities hash the input files),
//! so editing either, even a comment, changes digests here too and needs a bless.
//!
//! Normalised before hashing (see [`normalise`]), because they vary between runs or machines:
//! the absolute path of the tree (identity files of sweeps, explores and calibrations,
//! discover.json, report pages, Slurm scripts) becomes `<DIR>`, the binary's path (Slurm
//! scripts) `<BIN>`, the program version (`custody-sim 0.1.0` in pages and man pages, `v0.1.0`
//! in the main man page, `"version"` in JSON files) `<VERSION>`, the report's "made on" date
//! (today's) `<DATE>`; and in JSON files the values of `threads`, `wall_time_seconds`,
//! `children_per_second` and `events_per_second` are masked (the keys stay pinned). Excluded:
//! `.custody-sim.lock`, the lock a command holds on its output folder, which keeps the process id
//! and command line of its last holder (not an output). PNG and SVG charts are deterministic and
//! pinned as they are. Standard output (tables, `--json` documents) is not pinned here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::{baseline, cmd, root, SMALL};

/// Files of a `run` folder whose bytes are pinned (the manifest holds versions and timings).
const RUN_FILES: [&str; 3] = ["summary.csv", "headline.csv", "timeseries.csv"];

/// The lock a command holds on its output folder: the process id and command line of its last
/// holder, so never the same twice; not an output, and not pinned.
const LOCK: &str = ".custody-sim.lock";

fn snapshot_path() -> PathBuf {
    root().join("tests").join("snapshots").join("golden.sha256")
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn digest(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    sha256(&bytes)
}

fn run_into(dir: &Path, scenario: &Path, out: &str, args: &[&str]) {
    cmd(dir)
        .arg("run")
        .arg(scenario)
        .args(["--seed", "42", "--quiet", "--out", out])
        .args(args)
        .assert()
        .success();
}

/// Every pinned output, as (name, digest), produced by the current binary.
fn current_digests(dir: &Path) -> BTreeMap<String, String> {
    let mut got = BTreeMap::new();
    for threads in ["1", "2"] {
        let out = format!("baseline-t{threads}");
        run_into(dir, &baseline(), &out, &["-r", "2", "--threads", threads]);
        for f in RUN_FILES {
            got.insert(format!("baseline_r2/{f}"), digest(&dir.join(&out).join(f)));
        }
        // Both thread counts must give the same bytes; the map keeps one entry per file, so
        // check the second against the first explicitly.
        if threads == "2" {
            for f in RUN_FILES {
                assert_eq!(
                    digest(&dir.join("baseline-t1").join(f)),
                    digest(&dir.join("baseline-t2").join(f)),
                    "{f} differs between 1 and 2 threads"
                );
            }
        }
    }
    let reforms = root().join("scenarios").join("reforms");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&reforms)
        .expect("list reforms")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "expected the six reforms in {reforms:?}");
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let out = format!("reform-{name}");
        run_into(dir, &f, &out, &["-r", "1", "--threads", "2"]);
        got.insert(
            format!("{name}_r1/summary.csv"),
            digest(&dir.join(&out).join("summary.csv")),
        );
    }
    cmd(dir)
        .args(["journey", "--seed", "42", "--quiet", "--out", "journey"])
        .arg(baseline())
        .assert()
        .success();
    got.insert(
        "journey_typical_unlocatable/journey.csv".into(),
        digest(&dir.join("journey").join("journey.csv")),
    );
    got
}

fn parse(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (d, n) = l.split_once("  ").expect("`digest  name` lines");
            (n.trim().to_string(), d.trim().to_string())
        })
        .collect()
}

/// Compare `got` with the digests pinned in `path`, or (with `CUSTODY_SIM_BLESS` set) write them
/// there under `header`.
fn check_pinned(path: &Path, header: &str, got: &BTreeMap<String, String>) {
    if std::env::var_os("CUSTODY_SIM_BLESS").is_some() {
        let mut text = String::from(header);
        for (n, d) in got {
            text.push_str(&format!("{d}  {n}\n"));
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the snapshot folder");
        }
        std::fs::write(path, text).expect("write golden digests");
        return;
    }
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e} (bless it first)", path.display()));
    let want = parse(&text);
    let mut diffs = Vec::new();
    for (n, d) in &want {
        match got.get(n) {
            Some(g) if g == d => {}
            Some(g) => diffs.push(format!("{n}: pinned {d}, now {g}")),
            None => diffs.push(format!("{n}: pinned but no longer produced")),
        }
    }
    for n in got.keys().filter(|n| !want.contains_key(*n)) {
        diffs.push(format!("{n}: produced but not pinned"));
    }
    assert!(
        diffs.is_empty(),
        "outputs pinned in {} changed:\n  {}\n(a deliberate model change re-blesses them: see the module doc)",
        path.display(),
        diffs.join("\n  ")
    );
}

#[test]
fn outputs_match_the_pinned_digests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let got = current_digests(dir.path());
    check_pinned(
        &snapshot_path(),
        "# SHA-256 of pinned outputs (seed 42); see tests/integration/golden.rs\n",
        &got,
    );
}

// ---------------------------------------------------------------------------------------------
// Every output of every command, in small folder trees at one and two threads.
// ---------------------------------------------------------------------------------------------

/// Two reforms of the small scenario.
const INTEGRATED: &str = "extends = \"small.toml\"\n\n[meta]\nname = \"integrated\"\ndescription = \"golden test reform: one shared record\"\n\n[data_sharing]\nintegrated_record = true\n";
const FAST_SHARING: &str = "extends = \"small.toml\"\n\n[meta]\nname = \"fast_sharing\"\ndescription = \"golden test reform: every release address reaches ICE\"\n\n[data_sharing]\norr_to_ice_probability = 1.0\n";

/// Two ranges that every sweep below varies.
const RANGES: &str = "[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nmin = 0.5\nmax = 1.0\n";

/// A scrambled Sobol' sweep (16 runs): points, sensitivity and its convergence table.
fn sobol_sweep() -> String {
    format!("base = \"small.toml\"\nreplications = 1\nseed = 3\nmetrics = [\"unlocatable_by_ice_at_horizon\", \"located\"]\n\n[design]\nkind = \"sobol\"\nsamples = 4\nbootstrap = 20\nsequence = \"scrambled_sobol\"\n\n{RANGES}")
}

/// A Morris sweep (6 runs).
fn morris_sweep() -> String {
    format!("base = \"small.toml\"\nreplications = 1\nseed = 7\n\n[design]\nkind = \"morris\"\ntrajectories = 2\nlevels = 4\n\n{RANGES}")
}

/// A design read from a CSV file (3 points x 2 replications, a repeated row).
const DESIGN_CSV: &str = "life.move_rate_per_year,data_sharing.orr_to_ice_probability,wellbeing_calls.max_attempts\n0.6,0.5,3\n0.2,0.9,1\n0.6,0.5,3\n";
const DESIGN_SWEEP: &str = "base = \"small.toml\"\nreplications = 2\nseed = 5\n\n[design]\nkind = \"csv\"\nfile = \"design.csv\"\n";

/// Three policies in 16 futures (48 runs at half the small cohort): the default uncertain
/// assumptions of the baseline (arrivals excluded) and one explicit range.
const EXPLORE: &str = r#"baseline = "small.toml"
reforms = ["integrated.toml", "fast_sharing.toml"]
replications = 1
seed = 11
scale = 0.5

[futures]
samples = 16

[uncertainties]
spread = 0.1
exclude = ["arrivals"]

[[uncertainties.parameters]]
path = "life.move_rate_per_year"
min = 0.1
max = 0.9

[robustness]
thresholds = { unlocatable_by_ice_at_horizon = 5 }
percentiles = [25, 75]
"#;

/// ABC rejection: 12 candidates, 3 accepted; a log-uniform prior and an integer in an array of
/// tables, fitted to two shares of the published targets, two held out.
const CALIBRATION: &str = r#"base = "small.toml"
targets = "targets.toml"

fit = ["not_served_nta_share_may_2024", "calls_not_reached_share"]
holdout = ["appearing_with_counsel_share", "care_days_2022"]

replications = 1
seed = 5

[method]
kind = "abc_rejection"
candidates = 12
accept = 0.25

[[parameters]]
path = "ice.ntas_per_officer_day"
min = 0.5
max = 4.0
prior = "log_uniform"

[[parameters]]
path = "wellbeing_calls.answer_probability_if_current"
min = 0.6
max = 0.98

[[parameters]]
path = "ice.nta_officers[0].value"
min = 1
max = 8
"#;

/// Two levers (2 x 3 settings) and two teacher's steps, one of which sets a lever.
const EXPLORER: &str = r#"title = "A small explorer (golden test)"
base = "small.toml"

[[levers]]
key = "sharing"
name = "ORR shares release addresses with ICE"
unit = "share of release addresses that reach ICE, and after how many days"
description = "Until the address arrives, ICE cannot locate the child."
paths = ["data_sharing.orr_to_ice_probability", "data_sharing.orr_to_ice_delay_days_mean", "data_sharing.orr_to_ice_delay_cv"]
levels = [
  { label = "ORR never sends addresses to ICE", short = "no sharing", values = [0.0, 30.0, 1.0] },
  { label = "85% of addresses, after about 30 days (today)", short = "sharing as today", values = [0.85, 30.0, 1.0] },
  { label = "Every address, 7 days after release", short = "sharing within 7 days", values = [1.0, 7.0, 0.0] },
]

[[levers]]
key = "integrated"
name = "One shared record"
unit = "off or on"
paths = ["data_sharing.integrated_record"]
levels = [
  { label = "Separate records (today)", short = "separate records", values = [false] },
  { label = "One record for every agency", short = "one shared record", values = [true] },
]

[[steps]]
title = "Where do children go?"
text = "About {arrived} children arrive and {released} are released. At {horizon}, {ice_end} are unlocatable by ICE and {pooled_end} by every agency."
questions = ["What does unlocatable mean?"]

[[steps]]
title = "Try sharing addresses"
text = "Unlocatable by ICE, compared with today's policy: {ice_change}; by every agency: {pooled_change}."
questions = ["Why does it help ICE more?"]
set = { sharing = "sharing within 7 days" }
"#;

/// A fresh folder tree holding the pinned inputs, in which every command runs with relative
/// paths, all at one thread count.
struct Tree {
    _tmp: tempfile::TempDir,
    /// The tree's folder (canonical, as the program resolves it).
    dir: PathBuf,
    /// `--threads` for every command that takes it.
    threads: &'static str,
}

impl Tree {
    fn new(threads: &'static str) -> Tree {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = std::fs::canonicalize(tmp.path()).expect("canonical tempdir");
        let copy = |from: PathBuf, to: &str| {
            std::fs::copy(&from, dir.join(to))
                .unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        };
        // A copy of the baseline beside the small scenario, so that no input names the checkout's
        // path (identities and manifests hash the scenario files' bytes).
        copy(baseline(), "baseline.toml");
        copy(
            root().join("scenarios/targets/published.toml"),
            "targets.toml",
        );
        let write = |name: &str, text: &str| {
            std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("write {name}: {e}"))
        };
        write(
            "small.toml",
            &format!("extends = \"baseline.toml\"\n{SMALL}"),
        );
        write("integrated.toml", INTEGRATED);
        write("fast_sharing.toml", FAST_SHARING);
        write("sobol.toml", &sobol_sweep());
        write("morris.toml", &morris_sweep());
        write("design.csv", DESIGN_CSV);
        write("design.toml", DESIGN_SWEEP);
        write("explore.toml", EXPLORE);
        write("cal.toml", CALIBRATION);
        write("explorer.toml", EXPLORER);
        Tree {
            _tmp: tmp,
            dir,
            threads,
        }
    }

    /// `custody-sim ARGS` in the tree (the fault hook failing `fail` jobs, if any), which must exit
    /// with `code`; with `threaded`, `--threads` of the tree is appended.
    fn exec(&self, code: i32, args: &[&str], threaded: bool, fail: Option<&str>) {
        let mut c = cmd(&self.dir);
        c.env_remove("CUSTODY_SIM_FAIL_JOBS").args(args);
        if threaded {
            c.args(["--threads", self.threads]);
        }
        if let Some(jobs) = fail {
            c.env("CUSTODY_SIM_FAIL_JOBS", jobs);
        }
        c.assert().code(code);
    }

    /// A command that takes `--threads` and succeeds.
    fn threaded(&self, args: &[&str]) {
        self.exec(0, args, true, None);
    }

    /// A command without `--threads` that succeeds.
    fn plain(&self, args: &[&str]) {
        self.exec(0, args, false, None);
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }
}

/// The files under `dir` (relative paths with `/`, sorted), the lock excluded.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("list {}: {e}", dir.display()));
        for e in entries {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if p.file_name().is_some_and(|n| n != LOCK) {
                let rel = p.strip_prefix(base).expect("under the base");
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The keys of pretty-printed JSON files whose values vary from run to run (timings and the
/// thread count); their values are masked, the keys stay pinned.
const MASKED_KEYS: [&str; 4] = [
    "threads",
    "wall_time_seconds",
    "children_per_second",
    "events_per_second",
];

/// Replace the `YYYY-MM-DD` right after each `marker` in `text` with `<DATE>`.
fn mask_date_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let end = at + marker.len();
        out.push_str(&rest[..end]);
        rest = &rest[end..];
        let date = rest.get(..10).unwrap_or("");
        let looks = date.len() == 10
            && date.char_indices().all(|(i, c)| match i {
                4 | 7 => c == '-',
                _ => c.is_ascii_digit(),
            });
        if looks {
            out.push_str("<DATE>");
            rest = &rest[10..];
        }
    }
    out.push_str(rest);
    out
}

/// The bytes of `file` in the tree `t`, with what varies between runs and machines replaced (see
/// the module doc); binary files (PNG) as they are.
fn normalise(t: &Tree, file: &str, bytes: Vec<u8>) -> Vec<u8> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return e.into_bytes(),
    };
    let version = env!("CARGO_PKG_VERSION");
    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let mut text = text;
    for b in [std::fs::canonicalize(&bin).unwrap_or(bin.clone()), bin] {
        text = text.replace(&b.display().to_string(), "<BIN>");
    }
    text = text
        .replace(&t.dir.display().to_string(), "<DIR>")
        .replace(&format!("custody-sim {version}"), "custody-sim <VERSION>")
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"<VERSION>\"",
        )
        // The VERSION section of the main man page.
        .replace(&format!("\nv{version}\n"), "\nv<VERSION>\n");
    if file.ends_with(".html") {
        // The report's "Report made on DATE by ..." and "Made by ... on DATE." (today's date).
        text = mask_date_after(&text, "Report made on ");
        text = mask_date_after(&text, "custody-sim <VERSION> on ");
    }
    if file.ends_with(".json") {
        let mut masked = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let key = MASKED_KEYS
                .iter()
                .find(|k| trimmed.starts_with(&format!("\"{k}\": ")));
            match key {
                Some(k) => {
                    let indent = &line[..line.len() - trimmed.len()];
                    let comma = if line.trim_end().ends_with(',') {
                        ","
                    } else {
                        ""
                    };
                    let newline = if line.ends_with('\n') { "\n" } else { "" };
                    masked.push_str(&format!("{indent}\"{k}\": \"<masked>\"{comma}{newline}"));
                }
                None => masked.push_str(line),
            }
        }
        text = masked;
    }
    text.into_bytes()
}

/// The normalised digest of every file under each of `roots` (folders of the tree), by
/// `root/relative path`.
fn tree_digests(t: &Tree, roots: &[&str]) -> BTreeMap<String, String> {
    let mut got = BTreeMap::new();
    for r in roots {
        let dir = t.path(r);
        let files = files_under(&dir);
        assert!(!files.is_empty(), "{} holds no output", dir.display());
        for f in files {
            let name = format!("{r}/{f}");
            let bytes = std::fs::read(dir.join(&f))
                .unwrap_or_else(|e| panic!("read {}: {e}", dir.join(&f).display()));
            got.insert(name.clone(), sha256(&normalise(t, &name, bytes)));
        }
    }
    got
}

/// The folders `a` and `b` of the tree hold the same files (the lock aside), byte for byte but for
/// those named in `except`.
fn assert_same_folder(t: &Tree, a: &str, b: &str, except: &[&str], what: &str) {
    let (fa, fb) = (files_under(&t.path(a)), files_under(&t.path(b)));
    assert_eq!(fa, fb, "{what}: {b}/ does not hold the files of {a}/");
    for f in fa.iter().filter(|f| !except.contains(&f.as_str())) {
        assert!(
            std::fs::read(t.path(a).join(f)).unwrap() == std::fs::read(t.path(b).join(f)).unwrap(),
            "{what}: {b}/{f} differs from {a}/{f}"
        );
    }
}

/// Leave in `to` what a campaign killed in the middle of a line of its run log leaves behind: the
/// identity file `info` (written before the first run; copied from the finished folder `from`)
/// and the log `log` with its header, its first `keep` rows and half of the next.
fn interrupted(t: &Tree, from: &str, to: &str, info: &str, log: &str, keep: usize) {
    let to_dir = t.path(to);
    std::fs::create_dir_all(&to_dir).unwrap();
    std::fs::copy(t.path(from).join(info), to_dir.join(info)).unwrap();
    let text = std::fs::read_to_string(t.path(from).join(log)).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert!(
        lines.len() > keep + 2,
        "{from}/{log} is too short to cut after {keep} rows"
    );
    let next = lines[keep + 1];
    let cut = format!("{}{}", lines[..=keep].concat(), &next[..next.len() / 2]);
    std::fs::write(to_dir.join(log), cut).unwrap();
}

/// Produce a family's outputs in a tree at one thread and in another at two; require them to be
/// identical, then to match (or, when blessing, to become) `tests/snapshots/golden/<family>.sha256`.
fn golden_family(family: &str, produce: fn(&Tree) -> Vec<&'static str>) {
    let one = Tree::new("1");
    let roots = produce(&one);
    let got = tree_digests(&one, &roots);
    let two = Tree::new("2");
    assert_eq!(produce(&two), roots);
    let got2 = tree_digests(&two, &roots);
    let mut diffs = Vec::new();
    for (n, d) in &got {
        match got2.get(n) {
            Some(d2) if d2 == d => {}
            Some(_) => diffs.push(format!("{n}: differs")),
            None => diffs.push(format!("{n}: written at 1 thread only")),
        }
    }
    for n in got2.keys().filter(|n| !got.contains_key(*n)) {
        diffs.push(format!("{n}: written at 2 threads only"));
    }
    assert!(
        diffs.is_empty(),
        "{family}: outputs at 1 and 2 threads differ (after normalisation):\n  {}",
        diffs.join("\n  ")
    );
    let path = root()
        .join("tests")
        .join("snapshots")
        .join("golden")
        .join(format!("{family}.sha256"));
    check_pinned(
        &path,
        &format!("# SHA-256 of every output of the `{family}` family at 1 and 2 threads (normalised); see tests/integration/golden.rs\n"),
        &got,
    );
}

/// `run`: the small scenario with `--report` (the run files, the page and its charts), and at
/// half the cohort (`--scale`).
fn run_family(t: &Tree) -> Vec<&'static str> {
    t.threaded(&[
        "run",
        "small.toml",
        "-r",
        "2",
        "-s",
        "42",
        "-q",
        "-o",
        "run",
        "--report",
    ]);
    t.threaded(&[
        "run",
        "small.toml",
        "-r",
        "1",
        "-s",
        "42",
        "--scale",
        "0.5",
        "-q",
        "-o",
        "scaled",
    ]);
    vec!["run", "scaled"]
}

/// `compare`: two reforms with `--report`, and `--target-ci` stopping at its cap.
fn compare_family(t: &Tree) -> Vec<&'static str> {
    t.threaded(&[
        "compare",
        "small.toml",
        "integrated.toml",
        "fast_sharing.toml",
        "-r",
        "2",
        "-s",
        "42",
        "-q",
        "-o",
        "cmp",
        "--report",
    ]);
    t.threaded(&[
        "compare",
        "small.toml",
        "fast_sharing.toml",
        "-r",
        "2",
        "-s",
        "42",
        "--target-ci",
        "0.000001",
        "--max-replications",
        "3",
        "-q",
        "-o",
        "cmp-ci",
    ]);
    vec!["cmp", "cmp-ci"]
}

/// `sweep` and `merge`: a Sobol' sweep with `--long` (whole; killed and resumed; in three shards
/// and merged; with two runs failed by the fault hook), a Morris sweep, a CSV design and the Slurm
/// scripts.
fn sweep_family(t: &Tree) -> Vec<&'static str> {
    t.threaded(&["sweep", "sobol.toml", "--long", "-q", "-o", "sobol"]);

    interrupted(t, "sobol", "part", "sweep.json", "runs.csv", 5);
    t.exec(2, &["sweep", "sobol.toml", "-q", "-o", "part"], true, None);
    t.threaded(&["sweep", "sobol.toml", "-q", "-o", "part", "--resume"]);
    assert_same_folder(t, "sobol", "part", &[], "sweep killed and resumed");

    let mut shards = Vec::new();
    for k in 1..=3 {
        t.threaded(&[
            "sweep",
            "sobol.toml",
            "--long",
            "--shard",
            &format!("{k}/3"),
            "-q",
            "-o",
            "sh",
        ]);
        shards.push(format!("sh/shards/shard-{k}-of-3"));
    }
    let mut merge = vec!["merge"];
    merge.extend(shards.iter().map(String::as_str));
    merge.extend(["-q", "-o", "merged"]);
    t.plain(&merge);
    assert_same_folder(t, "sobol", "merged", &[], "sweep shards merged");

    t.exec(
        1,
        &["sweep", "sobol.toml", "--long", "-q", "-o", "failed"],
        true,
        Some("3,9"),
    );
    t.threaded(&["sweep", "morris.toml", "-q", "-o", "morris"]);
    t.threaded(&["sweep", "design.toml", "-q", "-o", "design"]);
    t.plain(&[
        "sweep",
        "sobol.toml",
        "--emit-slurm",
        "3",
        "--partition",
        "short",
        "--time",
        "00:10:00",
        "--mem",
        "1G",
        "--account",
        "golden",
        "--sbatch=--qos=low",
        "-q",
        "-o",
        "cluster",
    ]);
    vec![
        "sobol", "part", "sh", "merged", "failed", "morris", "design", "cluster",
    ]
}

/// The explore of [`EXPLORE`] into `ex`, and a discovery on it into `disc`.
fn explore_and_discover(t: &Tree) {
    t.threaded(&["explore", "explore.toml", "-q", "-o", "ex"]);
    t.plain(&[
        "discover",
        "ex",
        "--reform",
        "integrated",
        "--condition",
        "improvement < 3",
        "-q",
        "-o",
        "disc",
    ]);
}

/// `explore`, `merge` and `discover`: the explore whole; killed and resumed; in three shards and
/// merged; with a run failed by the fault hook; and two discoveries on it.
fn explore_family(t: &Tree) -> Vec<&'static str> {
    explore_and_discover(t);

    interrupted(t, "ex", "part", "explore.json", "runs.csv", 7);
    t.exec(
        2,
        &["explore", "explore.toml", "-q", "-o", "part"],
        true,
        None,
    );
    t.threaded(&["explore", "explore.toml", "-q", "-o", "part", "--resume"]);
    assert_same_folder(t, "ex", "part", &[], "explore killed and resumed");

    let mut shards = Vec::new();
    for k in 1..=3 {
        t.threaded(&[
            "explore",
            "explore.toml",
            "--shard",
            &format!("{k}/3"),
            "-q",
            "-o",
            "sh",
        ]);
        shards.push(format!("sh/shards/shard-{k}-of-3"));
    }
    let mut merge = vec!["merge"];
    merge.extend(shards.iter().map(String::as_str));
    merge.extend(["-q", "-o", "merged"]);
    t.plain(&merge);
    // The merged explore.json names the policies' scenario files by absolute path (merge reads the
    // explore file by the absolute path its shards recorded), the whole explore's as given
    // (relative): the same files, and otherwise the same bytes.
    assert_same_folder(
        t,
        "ex",
        "merged",
        &["explore.json"],
        "explore shards merged",
    );
    let info = |dir: &str| -> serde_json::Value {
        let path = t.path(dir).join("explore.json");
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for p in v["policies"].as_array_mut().expect("policies") {
            let name = Path::new(p["file"].as_str().expect("file"))
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            p["file"] = name.into();
        }
        v
    };
    assert_eq!(
        info("ex"),
        info("merged"),
        "explore shards merged: explore.json"
    );

    t.exec(
        1,
        &["explore", "explore.toml", "-q", "-o", "failed"],
        true,
        Some("4"),
    );
    t.plain(&[
        "discover",
        "ex",
        "--reform",
        "fast_sharing",
        "--metric",
        "located",
        "--condition",
        "difference > 0",
        "--box",
        "1",
        "--peel-alpha",
        "0.1",
        "-q",
        "-o",
        "disc-box",
    ]);
    vec!["ex", "part", "sh", "merged", "failed", "disc", "disc-box"]
}

/// `validate`: the small scenario against the published targets (most miss: exit code 1).
fn validate_family(t: &Tree) -> Vec<&'static str> {
    t.exec(
        1,
        &[
            "validate",
            "small.toml",
            "--targets",
            "targets.toml",
            "-r",
            "2",
            "-s",
            "42",
            "-q",
            "-o",
            "val",
        ],
        true,
        None,
    );
    vec!["val"]
}

/// `calibrate`: whole; killed and resumed; with a candidate failed by the fault hook.
fn calibrate_family(t: &Tree) -> Vec<&'static str> {
    t.threaded(&["calibrate", "cal.toml", "-q", "-o", "cal"]);

    interrupted(t, "cal", "part", "calibration.json", "candidates.csv", 4);
    t.exec(
        2,
        &["calibrate", "cal.toml", "-q", "-o", "part"],
        true,
        None,
    );
    t.threaded(&["calibrate", "cal.toml", "-q", "-o", "part", "--resume"]);
    // The manifest says how many candidates this invocation ran (12, then 8 on resuming).
    assert_same_folder(
        t,
        "cal",
        "part",
        &["manifest.json"],
        "calibration killed and resumed",
    );

    t.exec(
        1,
        &["calibrate", "cal.toml", "-q", "-o", "failed"],
        true,
        Some("3"),
    );
    vec!["cal", "part", "failed"]
}

/// `journey`: the typical unlocatable child, and a chosen child of another replication.
fn journey_family(t: &Tree) -> Vec<&'static str> {
    t.plain(&["journey", "small.toml", "-s", "42", "-q", "-o", "typical"]);
    t.plain(&[
        "journey",
        "small.toml",
        "--child",
        "17",
        "--replication",
        "1",
        "-s",
        "42",
        "-q",
        "-o",
        "child",
    ]);
    vec!["typical", "child"]
}

/// `report`: one page over a run, a comparison, a sweep, a journey and a discovery.
fn report_family(t: &Tree) -> Vec<&'static str> {
    t.threaded(&[
        "run",
        "small.toml",
        "-r",
        "2",
        "-s",
        "42",
        "-q",
        "-o",
        "run",
    ]);
    t.threaded(&[
        "compare",
        "small.toml",
        "integrated.toml",
        "-r",
        "2",
        "-s",
        "42",
        "-q",
        "-o",
        "cmp",
    ]);
    t.threaded(&["sweep", "morris.toml", "-q", "-o", "morris"]);
    t.plain(&["journey", "small.toml", "-s", "42", "-q", "-o", "journey"]);
    explore_and_discover(t);
    t.plain(&[
        "report",
        "run",
        "cmp",
        "morris",
        "journey",
        "disc",
        "-q",
        "-o",
        "rep/report.html",
    ]);
    vec!["rep"]
}

/// `explorer`: the page of a 2 x 3 grid with two teacher's steps.
fn explorer_family(t: &Tree) -> Vec<&'static str> {
    t.threaded(&[
        "explorer",
        "explorer.toml",
        "--out",
        "page/explorer.html",
        "--scale",
        "0.5",
        "-r",
        "2",
        "-s",
        "7",
        "-q",
    ]);
    vec!["page"]
}

/// `man`: the manual pages.
fn man_family(t: &Tree) -> Vec<&'static str> {
    t.plain(&["man", "--out", "man"]);
    vec!["man"]
}

#[test]
fn golden_run() {
    golden_family("run", run_family);
}

#[test]
fn golden_compare() {
    golden_family("compare", compare_family);
}

#[test]
fn golden_sweep_and_merge() {
    golden_family("sweep", sweep_family);
}

#[test]
fn golden_explore_merge_and_discover() {
    golden_family("explore", explore_family);
}

#[test]
fn golden_validate() {
    golden_family("validate", validate_family);
}

#[test]
fn golden_calibrate() {
    golden_family("calibrate", calibrate_family);
}

#[test]
fn golden_journey() {
    golden_family("journey", journey_family);
}

#[test]
fn golden_report() {
    golden_family("report", report_family);
}

#[test]
fn golden_explorer() {
    golden_family("explorer", explorer_family);
}

#[test]
fn golden_man() {
    golden_family("man", man_family);
}

#[test]
fn normalising_masks_only_what_varies() {
    let t = Tree::new("1");
    let json = format!(
        "{{\n  \"version\": \"{}\",\n  \"file\": \"{}/x.toml\",\n  \"threads\": 2,\n  \"seed\": 42,\n  \"wall_time_seconds\": 0.5\n}}\n",
        env!("CARGO_PKG_VERSION"),
        t.dir.display()
    );
    let got = String::from_utf8(normalise(&t, "a/m.json", json.into_bytes())).unwrap();
    assert_eq!(
        got,
        "{\n  \"version\": \"<VERSION>\",\n  \"file\": \"<DIR>/x.toml\",\n  \"threads\": \"<masked>\",\n  \"seed\": 42,\n  \"wall_time_seconds\": \"<masked>\"\n}\n"
    );
    let html = format!(
        "<p>Report made on 2031-02-03 by custody-sim {v}.</p><footer>Made by custody-sim {v} on 2031-02-03. x</footer> made on 2031-02-03",
        v = env!("CARGO_PKG_VERSION")
    );
    let got = String::from_utf8(normalise(&t, "r/report.html", html.into_bytes())).unwrap();
    assert_eq!(
        got,
        "<p>Report made on <DATE> by custody-sim <VERSION>.</p><footer>Made by custody-sim <VERSION> on <DATE>. x</footer> made on 2031-02-03"
    );
    let man = format!(
        ".TH custody-sim 1  \"custody-sim {v}\"\n.SH VERSION\nv{v}\n",
        v = env!("CARGO_PKG_VERSION")
    );
    let got = String::from_utf8(normalise(&t, "man/custody-sim.1", man.into_bytes())).unwrap();
    assert_eq!(
        got,
        ".TH custody-sim 1  \"custody-sim <VERSION>\"\n.SH VERSION\nv<VERSION>\n"
    );
    // Binary files are left as they are.
    let png = vec![0x89, b'P', b'N', b'G', 0xff, 0x00];
    assert_eq!(normalise(&t, "c/x.png", png.clone()), png);
}
