//! Every command lists every file it wrote: its `--json` document's `files` and its manifest's
//! `outputs` are exactly the files in its output folder afterwards (the folder lock aside),
//! charts and the `--report` report included.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// Every file below `dir` (in subfolders too) but the folder locks, relative to `dir`, with `/`
/// between names.
fn written(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().unwrap() != ".custody-sim.lock" {
                let rel = path.strip_prefix(dir).unwrap();
                let names: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.insert(names.join("/"));
            }
        }
    }
    found
}

/// The file names of a JSON list, as a set (each named once).
fn names(list: &Value) -> BTreeSet<String> {
    let list = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"));
    let set: BTreeSet<String> = list
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(set.len(), list.len(), "a file listed twice: {list:?}");
    set
}

/// Run `args` (ending in `--json`, exit code 0 or `code`), and check that the document's `files`
/// are exactly the files of its folder `out` (relative to `dir`) and, if the command writes one,
/// that the manifest lists the same. Returns the document.
fn lists_every_file(dir: &Path, args: &[&str], code: i32) -> Value {
    let out = cmd(dir).args(args).output().unwrap();
    assert!(
        matches!(out.status.code(), Some(c) if c == 0 || c == code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let folder = dir.join(v["out"].as_str().unwrap());
    let files = written(&folder);
    assert_eq!(names(&v["files"]), files, "{args:?}: --json files");
    if files.contains("manifest.json") {
        assert_manifest_lists(&folder, &files);
    }
    v
}

fn assert_manifest_lists(folder: &Path, files: &BTreeSet<String>) {
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        &names(&m["outputs"]),
        files,
        "{}: manifest",
        folder.display()
    );
}

#[test]
fn run_compare_validate_and_journey_list_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = small(d);
    let s = s.to_str().unwrap();
    let v = lists_every_file(d, &["run", s, "-r", "2", "-o", "r", "--json"], 0);
    assert_eq!(v["files"].as_array().unwrap().len(), 4);
    // With --report: the report and every chart it drew.
    let v = lists_every_file(
        d,
        &["run", s, "-r", "2", "-o", "rr", "--report", "--json"],
        0,
    );
    assert!(names(&v["files"]).contains("report.html"), "{v}");
    assert!(
        names(&v["files"]).iter().any(|f| f.ends_with(".svg")),
        "{v}"
    );

    let reform = extend_baseline(
        d,
        "reform.toml",
        "[meta]\nname = \"reform\"\ndescription = \"test\"\n\n[orr.in_care_at_start]\nchildren = 100\n\n[orr.released_before_start]\nchildren = 20\nwindow_days = 30\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 2000\nsource = \"test\"\n\n[data_sharing]\nintegrated_record = true\n",
    );
    let r = reform.to_str().unwrap();
    lists_every_file(d, &["compare", s, r, "-r", "2", "-o", "c", "--json"], 0);
    let v = lists_every_file(
        d,
        &["compare", s, r, "-r", "2", "-o", "cr", "--report", "--json"],
        0,
    );
    assert!(names(&v["files"]).contains("report.html"), "{v}");

    // validate: exit 1 when a target misses; the files are listed all the same.
    let targets = d.join("targets.toml");
    std::fs::write(&targets, "[[targets]]\nname = \"released_by_2021\"\nmetric = \"released\"\naggregate = \"at_date\"\ndate = \"2021-09-30\"\nvalue = 1\nqualifier = \"about\"\ntolerance = 0.05\ndefinition = \"test\"\nsource = \"test\"\n").unwrap();
    let t = targets.to_str().unwrap();
    lists_every_file(
        d,
        &[
            "validate",
            s,
            "--targets",
            t,
            "-r",
            "2",
            "-o",
            "v",
            "--json",
        ],
        1,
    );

    // journey has no --json: its manifest lists the table, the chart and itself.
    stdout_of(d, &["journey", s, "-q", "-o", "j"]);
    let files = written(&d.join("j"));
    assert!(
        files.contains("journey.svg") && files.contains("journey.png"),
        "{files:?}"
    );
    assert_manifest_lists(&d.join("j"), &files);
}

#[test]
fn campaigns_list_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A whole sweep (Morris: sensitivity.csv; --long: points_long.csv), its shards, their merge
    // and its Slurm scripts.
    let sw = sweep_file(d, "kind = \"morris\"\ntrajectories = 2\nlevels = 4", 1);
    let sw = sw.to_str().unwrap();
    let v = lists_every_file(d, &["sweep", sw, "--long", "-o", "sw", "--json"], 0);
    assert!(names(&v["files"]).contains("sensitivity.csv"), "{v}");
    for k in ["1/2", "2/2"] {
        lists_every_file(d, &["sweep", sw, "--shard", k, "-o", "sh", "--json"], 0);
    }
    let (s1, s2) = ("sh/shards/shard-1-of-2", "sh/shards/shard-2-of-2");
    lists_every_file(d, &["merge", s1, s2, "-o", "merged", "--json"], 0);
    lists_every_file(
        d,
        &["sweep", sw, "--emit-slurm", "2", "-o", "slurm", "--json"],
        0,
    );
    // Sobol: the convergence table too.
    std::fs::write(
        d.join("sobol.toml"),
        "base = \"small.toml\"\nseed = 7\nreplications = 1\nmetrics = [\"unlocatable_by_ice_at_horizon\"]\n\n[design]\nkind = \"sobol\"\nsamples = 8\nbootstrap = 20\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nmin = 0.5\nmax = 1.0\n",
    )
    .unwrap();
    let v = lists_every_file(d, &["sweep", "sobol.toml", "-o", "sobol", "--json"], 0);
    assert!(names(&v["files"]).contains("sobol_convergence.csv"), "{v}");

    // An explore, its shards and their merge, then a discovery on it (with its charts).
    let e = explore_file(d);
    let e = e.to_str().unwrap();
    lists_every_file(d, &["explore", e, "-o", "ex", "--json"], 0);
    for k in ["1/2", "2/2"] {
        lists_every_file(d, &["explore", e, "--shard", k, "-o", "exs", "--json"], 0);
    }
    let (s1, s2) = ("exs/shards/shard-1-of-2", "exs/shards/shard-2-of-2");
    lists_every_file(d, &["merge", s1, s2, "-o", "exm", "--json"], 0);
    let condition = median_condition(&d.join("ex"));
    let discover = [
        "discover", "ex", "--reform", "shared", "-o", "disc", "--json",
    ];
    let mut args = discover.to_vec();
    args.extend(["--condition", &condition]);
    let v = lists_every_file(d, &args, 0);
    let charts = v["charts"].as_u64().unwrap() as usize;
    assert_eq!(names(&v["files"]).len(), 5 + 2 * charts, "{v}");
}

#[test]
fn calibrate_lists_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small(d);
    std::fs::write(d.join("targets.toml"), "[[targets]]\nname = \"ntas_2019\"\nmetric = \"ntas_issued_cum\"\naggregate = \"at_date\"\ndate = \"2019-12-31\"\nvalue = 500\nqualifier = \"about\"\ntolerance = 0.05\ndefinition = \"test\"\nsource = \"test\"\n").unwrap();
    std::fs::write(d.join("cal.toml"), "base = \"small.toml\"\ntargets = \"targets.toml\"\nfit = [\"ntas_2019\"]\nholdout = []\nreplications = 1\nseed = 3\n\n[method]\nkind = \"abc_rejection\"\ncandidates = 6\naccept = 0.5\n\n[[parameters]]\npath = \"ice.nta_probability\"\nmin = 0.2\nmax = 1.0\n").unwrap();
    let v = lists_every_file(d, &["calibrate", "cal.toml", "-o", "cal", "--json"], 0);
    assert!(names(&v["files"]).contains("calibrated.toml"), "{v}");
}
