//! Golden outputs: the bytes of the baseline (two replications, at one and two threads), of every
//! reform (one replication) and of one child's journey, pinned as SHA-256 digests in
//! `tests/snapshots/golden.sha256`. A change to the engine that is meant to change no result (a
//! restructure, a speed-up) must leave every digest as it is; a model change updates them
//! deliberately: run `CUSTODY_SIM_BLESS=1 cargo test --locked --test integration golden` and commit
//! the new file with the change that explains it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::{baseline, cmd, root};

/// Files of a `run` folder whose bytes are pinned (the manifest holds versions and timings).
const RUN_FILES: [&str; 3] = ["summary.csv", "headline.csv", "timeseries.csv"];

fn snapshot_path() -> PathBuf {
    root().join("tests").join("snapshots").join("golden.sha256")
}

fn digest(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

#[test]
fn outputs_match_the_pinned_digests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let got = current_digests(dir.path());
    let path = snapshot_path();
    if std::env::var_os("CUSTODY_SIM_BLESS").is_some() {
        let mut text = String::from(
            "# SHA-256 of pinned outputs (seed 42); see tests/integration/golden.rs\n",
        );
        for (n, d) in &got {
            text.push_str(&format!("{d}  {n}\n"));
        }
        std::fs::write(&path, text).expect("write golden digests");
        return;
    }
    let text = std::fs::read_to_string(&path)
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
        "outputs changed:\n  {}\n(a deliberate model change re-blesses them: see the module doc)",
        diffs.join("\n  ")
    );
}
