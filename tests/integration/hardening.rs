//! Output folders under stress: one writer per folder (a lock naming its holder, released when the
//! holder dies), a sweep whose `runs.csv` is replaced under it never exits 0, run outputs replaced
//! as a set, a bad `--out` refused before anything runs, and Slurm scripts safe for any path.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

const LOCK: &str = ".custody-sim.lock";

/// A small base scenario (about 2,000 children) and a Latin-hypercube sweep over it, in `dir`.
fn sweep_file(dir: &Path, samples: u32, reps: u32) -> PathBuf {
    extend_baseline(
        dir,
        "small.toml",
        "[meta]\nname = \"small\"\ndescription = \"test\"\n\n[orr.in_care_at_start]\nchildren = 100\n\n[orr.released_before_start]\nchildren = 20\nwindow_days = 30\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 2000\nsource = \"test\"\n",
    );
    let path = dir.join("sweep.toml");
    std::fs::write(
        &path,
        format!(
            "base = \"small.toml\"\nseed = 7\nreplications = {reps}\n\n[design]\nkind = \"latin_hypercube\"\nsamples = {samples}\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n"
        ),
    )
    .unwrap();
    path
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Run the CLI in `d` with `args`: it must refuse with exit code 2 and say every one of `fragments`.
fn refused_with(d: &Path, args: &[&str], fragments: &[&str]) {
    let a = cmd(d).args(args).assert().code(2);
    let err = stderr_of(&a);
    for fragment in fragments {
        assert!(err.contains(fragment), "lacks {fragment:?}: {err}");
    }
}

/// Hold the lock of `dir` from this test process, as another command would.
fn hold_lock(dir: &Path, holder: &str) -> File {
    std::fs::create_dir_all(dir).unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(dir.join(LOCK))
        .unwrap();
    fs4::FileExt::try_lock(&f).unwrap();
    f.write_all(holder.as_bytes()).unwrap();
    f
}

/// Wait until `cond` holds (at most a minute).
fn wait_for(cond: impl Fn() -> bool) {
    let started = Instant::now();
    while !cond() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn lines(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

#[test]
fn a_folder_another_command_writes_is_refused_at_once_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 4, 1);
    let small = d.join("small.toml");
    let holder = "pid 4242: custody-sim sweep other.toml";
    let lock = hold_lock(&d.join("out"), holder);
    for args in [
        vec!["sweep", s.to_str().unwrap(), "-q", "-o", "out"],
        vec!["sweep", s.to_str().unwrap(), "-q", "-o", "out", "--resume"],
        vec!["run", small.to_str().unwrap(), "-r", "1", "-q", "-o", "out"],
        vec!["merge", "shard", "-o", "out"],
    ] {
        let a = cmd(d).args(&args).assert().code(2);
        let err = stderr_of(&a);
        assert!(
            err.contains("in use by another custody-sim command") && err.contains(holder),
            "{args:?}: {err}"
        );
    }
    assert!(!d.join("out/runs.csv").exists());
    // A shard's folder is locked too.
    let shard = d.join("x/shards/shard-1-of-2");
    let shard_lock = hold_lock(&shard, holder);
    let a = cmd(d)
        .args([
            "sweep",
            s.to_str().unwrap(),
            "-q",
            "--shard",
            "1/2",
            "-o",
            "x",
        ])
        .assert()
        .code(2);
    assert!(stderr_of(&a).contains(holder));
    drop((lock, shard_lock));
    cmd(d)
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .success();
}

#[test]
fn the_lock_dies_with_its_holder_so_resume_after_a_kill_works() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 150, 3);
    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let mut child = std::process::Command::new(&bin)
        .current_dir(d)
        .args(["sweep", s.to_str().unwrap(), "-q", "-t", "1", "-o", "part"])
        .spawn()
        .unwrap();
    let runs = d.join("part/runs.csv");
    wait_for(|| lines(&runs) > 5);
    // While it runs, a second sweep (fresh or resumed) is refused and told who holds the folder.
    for extra in [None, Some("--resume")] {
        let a = cmd(d)
            .args(["sweep", s.to_str().unwrap(), "-q", "-o", "part"])
            .args(extra)
            .assert()
            .code(2);
        assert!(
            stderr_of(&a).contains(&format!("pid {}", child.id())),
            "{}",
            stderr_of(&a)
        );
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert!(
        lines(&runs) < 451,
        "the sweep finished before it was killed"
    );
    cmd(d)
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "part", "--resume"])
        .assert()
        .success();
    assert_eq!(lines(&runs), 451);
}

#[test]
fn a_sweep_whose_runs_file_is_replaced_under_it_never_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 150, 3);
    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let child = std::process::Command::new(&bin)
        .current_dir(d)
        .args(["sweep", s.to_str().unwrap(), "-q", "-t", "1", "-o", "out"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let runs = d.join("out/runs.csv");
    wait_for(|| lines(&runs) > 5);
    // A process that ignores the lock (a user's `cp`, an old version) replaces runs.csv with
    // its header only, as a `--resume` did before folders were locked.
    let header = std::fs::read_to_string(&runs).unwrap();
    let header = header.lines().next().unwrap().to_string();
    std::fs::write(d.join("replacement"), format!("{header}\n")).unwrap();
    std::fs::rename(d.join("replacement"), &runs).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("replaced"), "{err}");
}

/// The four run outputs, by name.
fn run_outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    [
        "summary.csv",
        "headline.csv",
        "timeseries.csv",
        "manifest.json",
    ]
    .iter()
    .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
    .collect()
}

#[test]
#[cfg(unix)]
fn a_rerun_that_dies_half_way_leaves_the_old_outputs_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = extend_baseline(d, "small.toml", SMALL);
    cmd(d)
        .args([
            "run",
            s.to_str().unwrap(),
            "-r",
            "1",
            "-s",
            "1",
            "-q",
            "-o",
            "out",
        ])
        .assert()
        .success();
    let before = run_outputs(&d.join("out"));
    // The rerun (another seed, so every file differs) may write small files only: timeseries.csv
    // exceeds the file-size limit, as when a disk fills, and the process dies.
    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let status = std::process::Command::new("sh")
        .current_dir(d)
        .arg("-c")
        .arg("ulimit -f 64; exec \"$0\" \"$@\"")
        .arg(&bin)
        .args([
            "run",
            s.to_str().unwrap(),
            "-r",
            "1",
            "-s",
            "2",
            "-q",
            "-o",
            "out",
        ])
        .status()
        .unwrap();
    assert!(!status.success());
    assert!(
        run_outputs(&d.join("out")) == before,
        "a failed rerun changed the outputs: they no longer belong to one run"
    );
    // A rerun that succeeds replaces the whole set and leaves no staging folder behind.
    cmd(d)
        .args([
            "run",
            s.to_str().unwrap(),
            "-r",
            "1",
            "-s",
            "2",
            "-q",
            "-o",
            "out",
        ])
        .assert()
        .success();
    let after = run_outputs(&d.join("out"));
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        assert!(old != new, "{name} was not replaced");
    }
    for e in std::fs::read_dir(d.join("out")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == LOCK || !name.starts_with('.'),
            "leftover hidden file {name}"
        );
    }
}

#[test]
fn an_unwritable_out_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 4, 1);
    std::fs::write(d.join("file"), "not a folder").unwrap();
    let small = d.join("small.toml");
    for args in [
        vec!["run", small.to_str().unwrap(), "-r", "2", "-o", "file/out"],
        vec!["sweep", s.to_str().unwrap(), "-o", "file/out"],
        vec![
            "compare",
            small.to_str().unwrap(),
            small.to_str().unwrap(),
            "-r",
            "2",
            "-o",
            "file/out",
        ],
    ] {
        let a = cmd(d).args(&args).assert().code(2).stdout("");
        let err = stderr_of(&a);
        assert!(
            err.contains("cannot write to output folder file/out"),
            "{args:?}: {err}"
        );
    }
}

/// A folder name holding spaces, both quotes, `$`, backticks and a newline.
const NASTY: &str = "we ird 'single' \"double\" $HOME `touch pwned`\nsecond line";

#[test]
#[cfg(unix)]
fn slurm_scripts_are_safe_for_any_path_and_carry_the_scheduler_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join(NASTY);
    std::fs::create_dir_all(&d).unwrap();
    let s = sweep_file(&d, 3, 2);
    // Scheduler settings from the sweep file, some overridden on the command line.
    let mut text = std::fs::read_to_string(&s).unwrap();
    text.push_str(
        "\n[slurm]\npartition = \"short\"\ntime = \"00:30:00\"\nextra = [\"--qos=low\"]\n",
    );
    std::fs::write(&s, text).unwrap();
    let out = d.join("cluster");
    cmd(&d)
        .arg("sweep")
        .arg(&s)
        .args([
            "--emit-slurm",
            "2",
            "-q",
            "--time",
            "01:00:00",
            "--mem",
            "1G",
        ])
        .args(["--account", "lab", "--sbatch=--constraint=avx2", "-o"])
        .arg(&out)
        .assert()
        .success();
    let slurm = out.join("slurm");
    for name in ["array.sbatch", "merge.sbatch", "submit.sh"] {
        let script = std::fs::read_to_string(slurm.join(name)).unwrap();
        // Everything before the first command is a comment or a directive: nothing of a path
        // escapes onto a line of its own, and no #SBATCH line holds a path.
        let head: Vec<&str> = script
            .lines()
            .take_while(|l| !l.starts_with("set -euo"))
            .collect();
        assert!(head.iter().all(|l| l.starts_with('#')), "{name}: {head:?}");
        assert!(
            !head
                .iter()
                .any(|l| l.starts_with("#SBATCH") && l.contains("we ird")),
            "{name}: {head:?}"
        );
        let syntax = std::process::Command::new("bash")
            .arg("-n")
            .arg(slurm.join(name))
            .status()
            .unwrap();
        assert!(syntax.success(), "{name} is not valid bash");
        if name != "submit.sh" {
            for line in [
                "#SBATCH --partition=short",
                "#SBATCH --time=01:00:00",
                "#SBATCH --mem=1G",
                "#SBATCH --account=lab",
                "#SBATCH --qos=low",
                "#SBATCH --constraint=avx2",
            ] {
                assert!(head.contains(&line), "{name} lacks {line}: {head:?}");
            }
        }
    }
    // The scripts run as Slurm would run them: each array task, then the merge.
    for k in ["1", "2"] {
        let st = std::process::Command::new("bash")
            .arg(slurm.join("array.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", k)
            .current_dir(&slurm)
            .status()
            .unwrap();
        assert!(st.success(), "array task {k} failed");
        assert!(out.join(format!("shards/shard-{k}-of-2/runs.csv")).exists());
    }
    let st = std::process::Command::new("bash")
        .arg(slurm.join("merge.sbatch"))
        .current_dir(&slurm)
        .status()
        .unwrap();
    assert!(st.success(), "merge failed");
    cmd(&d)
        .arg("sweep")
        .arg(&s)
        .args(["-q", "-o", "single"])
        .assert()
        .success();
    assert!(
        std::fs::read(out.join("runs.csv")).unwrap()
            == std::fs::read(d.join("single/runs.csv")).unwrap(),
        "the merged runs differ from the single-machine sweep"
    );
    // submit.sh submits from the slurm folder (a stand-in sbatch records where it ran).
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("sbatch");
    std::fs::write(&fake, "#!/bin/sh\npwd > \"$SBATCH_RECORD\"\necho 17\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let record = tmp.path().join("record");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let st = std::process::Command::new("bash")
        .arg(slurm.join("submit.sh"))
        .env("PATH", path)
        .env("SBATCH_RECORD", &record)
        .current_dir(tmp.path())
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        format!("{}\n", slurm.display())
    );
    assert!(!tmp.path().join("pwned").exists() && !slurm.join("pwned").exists());
}

#[test]
fn bad_scheduler_settings_are_refused_and_huge_arrays_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 3, 1);
    let a = cmd(d)
        .args([
            "sweep",
            s.to_str().unwrap(),
            "--emit-slurm",
            "2",
            "--partition",
        ])
        .arg("short\n#SBATCH --mem=1T")
        .assert()
        .code(2);
    assert!(stderr_of(&a).contains("`--partition`"), "{}", stderr_of(&a));
    let a = cmd(d)
        .args(["sweep", s.to_str().unwrap(), "--emit-slurm", "1500", "-q"])
        .assert()
        .success();
    assert!(stderr_of(&a).contains("MaxArraySize"), "{}", stderr_of(&a));
    let mut text = std::fs::read_to_string(&s).unwrap();
    text.push_str("\n[slurm]\nmem = \"lots\"\n");
    std::fs::write(&s, text).unwrap();
    let a = cmd(d)
        .args(["sweep", s.to_str().unwrap(), "--emit-slurm", "2"])
        .assert()
        .code(2);
    assert!(stderr_of(&a).contains("slurm.mem"), "{}", stderr_of(&a));
}

#[test]
fn a_missing_base_or_targets_file_names_the_referring_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 3, 1);
    let text = std::fs::read_to_string(&s).unwrap();
    std::fs::write(
        &s,
        text.replace("base = \"small.toml\"", "base = \"gone.toml\""),
    )
    .unwrap();
    let a = cmd(d)
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("sweep.toml: field `base`: \"gone.toml\": cannot open")
            && err.contains("expected the path of a scenario file"),
        "{err}"
    );
    std::fs::write(
        d.join("cal.toml"),
        "base = \"small.toml\"\ntargets = \"gone\"\nfit = [\"a\"]\nholdout = []\nreplications = 1\nseed = 1\n\n[method]\nkind = \"abc_rejection\"\ncandidates = 10\naccept = 0.5\n\n[[parameters]]\npath = \"ice.nta_probability\"\nmin = 0.2\nmax = 1.0\n",
    )
    .unwrap();
    let a = cmd(d)
        .args(["calibrate", "cal.toml", "-q"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("cal.toml: field `targets`: \"gone\": cannot open")
            && err.contains("expected the path of a targets file")
            && !err.contains("scenario file"),
        "{err}"
    );
    // `validate --targets` calls a targets file a targets file.
    let a = cmd(d)
        .args(["validate", "small.toml", "--targets", "gone.toml", "-q"])
        .assert()
        .code(2);
    assert!(
        stderr_of(&a).contains("cannot read targets file gone.toml"),
        "{}",
        stderr_of(&a)
    );
}

#[test]
#[cfg(unix)]
fn a_full_disk_while_appending_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 40, 2);
    // A file-size limit stands in for a full disk: writes past it fail (the signal it would
    // raise is ignored, so the write returns an error instead).
    let bin = assert_cmd::cargo::cargo_bin("custody-sim");
    let out = std::process::Command::new("sh")
        .current_dir(d)
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"")
        .arg(&bin)
        .args(["sweep", s.to_str().unwrap(), "-q", "-t", "1", "-o", "out"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot append to out/runs.csv"), "{err}");
}

#[test]
fn arrays_for_tables_in_sweep_and_calibration_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 3, 1);
    let text = std::fs::read_to_string(&s).unwrap();
    let text = text.replace(
        "[design]\nkind = \"latin_hypercube\"\nsamples = 3\n",
        "design = [\"latin_hypercube\", 3]\n",
    );
    // `design` must come before the [[parameters]] tables to be a top-level key.
    let (head, params) = text.split_once("\n[[parameters]]").unwrap();
    std::fs::write(&s, format!("{head}\n[[parameters]]{params}")).unwrap();
    let a = cmd(d)
        .args(["sweep", s.to_str().unwrap(), "-q", "-o", "out"])
        .assert()
        .code(2);
    assert!(
        stderr_of(&a).contains("field `design`: must be a table { ... } with keys"),
        "{}",
        stderr_of(&a)
    );
    std::fs::write(
        d.join("cal.toml"),
        "base = \"small.toml\"\ntargets = \"small.toml\"\nfit = [\"a\"]\nreplications = 1\nseed = 1\nmethod = [\"abc_rejection\", 10, 0.5]\nparameters = [[\"ice.nta_probability\", 0.2, 1.0]]\n",
    )
    .unwrap();
    let a = cmd(d)
        .args(["calibrate", "cal.toml", "-q"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    // The targets file named (a scenario, not a targets file) is refused with them.
    assert!(
        err.contains("3 invalid value(s)")
            && err.contains("field `method` = [\"abc_rejection\", 10, 0.5]: must be a table")
            && err.contains(
                "field `parameters[0]` = [\"ice.nta_probability\", 0.2, 1.0]: must be a table"
            )
            && err.contains("field `targets`: small.toml: 5 invalid value(s)"),
        "{err}"
    );
}

#[test]
fn every_problem_of_a_sweep_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 3, 1);
    let text = std::fs::read_to_string(&s)
        .unwrap()
        .replace("replications = 1", "replications = 0\nmetrics = [\"nope\"]")
        .replace("life.move_rate_per_year", "life.no_such_rate");
    std::fs::write(&s, text).unwrap();
    refused_with(
        d,
        &["sweep", s.to_str().unwrap(), "-q", "-o", "out"],
        &[
            "3 invalid value(s)",
            "field `replications`: 0: must be a whole number in [1, 100000]",
            "field `parameters[0].path`: \"life.no_such_rate\"",
            "field `metrics[0]`: \"nope\": not a metric",
        ],
    );
}

#[test]
fn every_problem_of_a_calibration_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sweep_file(d, 3, 1);
    std::fs::write(
        d.join("targets.toml"),
        "[[targets]]\nname = \"released\"\nmetric = \"released\"\naggregate = \"run\"\nvalue = 100.0\nqualifier = \"about\"\ntolerance = 0.1\ndefinition = \"d\"\nsource = \"s\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("cal.toml"),
        "base = \"small.toml\"\ntargets = \"targets.toml\"\nfit = [\"nope\"]\nreplications = 0\nseed = 1\n\n[method]\nkind = \"abc\"\ncandidates = 10\naccept = 0.5\n\n[[parameters]]\npath = \"ice.nta_probability\"\nmin = 1.0\nmax = 0.2\n",
    )
    .unwrap();
    refused_with(
        d,
        &["calibrate", "cal.toml", "-q"],
        &[
            "4 invalid value(s)",
            "field `fit[0]`: \"nope\": not a target",
            "field `replications`: 0: must be a whole number",
            "field `method.kind`: \"abc\"",
            "field `parameters[0].max`: 0.2: must be a finite number greater than min = 1",
        ],
    );
}

#[test]
fn every_bad_target_of_a_targets_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sweep_file(d, 3, 1);
    let target = |name: &str, metric: &str, tolerance: f64| {
        format!("[[targets]]\nname = \"{name}\"\nmetric = \"{metric}\"\naggregate = \"run\"\nvalue = 100.0\nqualifier = \"about\"\ntolerance = {tolerance}\ndefinition = \"d\"\nsource = \"s\"\n\n")
    };
    std::fs::write(
        d.join("targets.toml"),
        format!(
            "{}{}{}",
            target("a", "releesed", 0.1),
            target("b", "released", 0.1),
            target("c", "released", -1.0)
        ),
    )
    .unwrap();
    refused_with(
        d,
        &["validate", "small.toml", "--targets", "targets.toml", "-q"],
        &[
            "2 invalid value(s)",
            "field `targets[0].metric`: \"releesed\": not a whole-run metric",
            "field `targets[2].tolerance`: -1: must be a relative error in (0, 10]",
        ],
    );
}

#[test]
fn a_report_being_written_is_not_written_twice_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sweep_file(d, 1, 1);
    let small = d.join("small.toml");
    cmd(d)
        .args(["run", small.to_str().unwrap(), "-r", "2", "-q", "-o", "r"])
        .assert()
        .success();
    let holder = "pid 4242: custody-sim report r -o rep.html";
    let lock = hold_lock(&d.join("rep_charts"), holder);
    let a = cmd(d)
        .args(["report", "r", "-q", "-o", "rep.html"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("in use by another custody-sim command") && err.contains(holder),
        "{err}"
    );
    assert!(!d.join("rep.html").exists(), "nothing written while locked");
    drop(lock);
    cmd(d)
        .args(["report", "r", "-q", "-o", "rep.html"])
        .assert()
        .success();
    assert!(d.join("rep.html").exists());
    // `run --report` locks the run's folder and the report's charts folder: no conflict with
    // itself.
    cmd(d)
        .args([
            "run",
            small.to_str().unwrap(),
            "-r",
            "2",
            "-q",
            "-o",
            "r2",
            "--report",
        ])
        .assert()
        .success();
    assert!(d.join("r2/report.html").exists());
}

/// One folder, one kind of output: a `sweep` into the folder a `run` wrote is refused (exit 2) and
/// leaves the run's files as they were; the `run` may write there again (version 2.1 let both
/// write, and a report of the folder then showed only one).
#[test]
fn a_folder_holding_a_run_is_refused_to_a_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = sweep_file(d, 2, 1);
    cmd(d)
        .args(["run", "small.toml", "-r", "1", "-q", "-o", "out"])
        .assert()
        .success();
    let before = std::fs::read(d.join("out/summary.csv")).unwrap();
    refused_with(
        d,
        &["sweep", s.to_str().unwrap(), "-q", "-o", "out"],
        &[
            "out: holds the outputs of `custody-sim run`",
            "`custody-sim sweep` writes another kind",
        ],
    );
    assert_eq!(std::fs::read(d.join("out/summary.csv")).unwrap(), before);
    assert!(!d.join("out/points.csv").exists());
    cmd(d)
        .args(["run", "small.toml", "-r", "1", "-q", "-o", "out"])
        .assert()
        .success();
}

/// `report` on a run folder whose timeseries.csv was cut short: bad input (exit 2) naming the
/// file and the row (version 2.1 exited 1, as if the command itself had failed).
#[test]
fn a_report_of_a_truncated_time_series_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sweep_file(d, 2, 1);
    cmd(d)
        .args(["run", "small.toml", "-r", "1", "-q", "-o", "run"])
        .assert()
        .success();
    let path = d.join("run/timeseries.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let cut: String = text.lines().take(20).collect::<Vec<_>>().join("\n") + "\n0,10,2018";
    std::fs::write(&path, cut).unwrap();
    refused_with(
        d,
        &["report", "run", "-o", "r.html"],
        &[
            "run/timeseries.csv",
            "is truncated or malformed at data row 20",
        ],
    );
    assert!(!d.join("r.html").exists());
}

/// Bounded memory (issue 32): `run` writes each replication's daily series as it finishes and keeps
/// only its totals, so 150 replications of the whole window (2,649 days each, about 2.6 MB of daily
/// snapshots per replication: 390 MB if all were held) run under a 200 MB limit on virtual memory.
/// On the old code (every replication's series held to the end) the run aborts: memory allocation
/// failed.
#[test]
fn many_replications_run_under_a_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    extend_baseline(
        d,
        "tiny.toml",
        "[meta]\nname = \"tiny\"\ndescription = \"test: 8 children\"\n\n[orr.in_care_at_start]\nchildren = 0\n\n[orr.released_before_start]\nchildren = 0\nwindow_days = 30\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 8\nsource = \"test\"\n",
    );
    let exe = assert_cmd::cargo::cargo_bin("custody-sim");
    let out = std::process::Command::new("bash")
        .current_dir(d)
        .arg("-c")
        .arg(format!(
            "ulimit -v 200000 && exec '{}' run tiny.toml -r 150 -t 1 -q -o out",
            exe.display()
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, rows) = read_csv(&d.join("out/summary.csv"));
    assert_eq!(rows.len(), 150);
    // Every replication's every day is in the daily series: 150 x 2,649 rows.
    let text = std::fs::read_to_string(d.join("out/timeseries.csv")).unwrap();
    assert_eq!(text.lines().count(), 1 + 150 * 2649);
}

/// A run whose daily series cannot fit in the free disk space is refused before anything is written
/// (exit 2), saying how much it needs at least and how much is free (issue 32). The free space is
/// stood in for by the test hook `CUSTODY_SIM_FREE_BYTES`; with room, the same run goes ahead.
#[test]
fn a_run_that_cannot_fit_on_disk_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let small = small(d);
    let small = small.to_str().unwrap();
    // 10 replications x 2,650 days x 104 values x 2 bytes: at least 5.5 MB.
    let a = cmd(d)
        .env("CUSTODY_SIM_FREE_BYTES", "1000000")
        .args(["run", small, "-r", "10", "-q", "-o", "out"])
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("timeseries.csv of 10 replications (26500 rows of 104 values) needs at least 5 MB of disk in out, and 1 MB are free there"),
        "{err}"
    );
    assert!(!d.join("out").exists(), "nothing written");
    cmd(d)
        .env("CUSTODY_SIM_FREE_BYTES", "100000000")
        .args(["run", small, "-r", "10", "-q", "-o", "out"])
        .assert()
        .success();
}
