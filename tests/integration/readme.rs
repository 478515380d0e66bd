//! The documentation stands alone and its examples run as written.
//!
//! - No file of the project points outside the repository (to a folder beside the checkout or to a model
//!   document that is not in `docs/`), and every relative link of the README and `docs/` resolves.
//! - Every line of every ```` ```sh ```` block of the README runs, as written, in a fresh copy of
//!   the project's scenarios, in order, and ends with the exit code the README gives (a trailing
//!   `# exit code N` comment; 0 otherwise). `cargo run --release --locked --` and `custody-sim`
//!   are the binary under test; `cargo test`/`cargo bench` lines are skipped (this is the test),
//!   and lines that need a Slurm cluster are skipped when no controller answers. Nothing may
//!   be written outside `outputs/`. This runs the examples at the size the README gives (a few
//!   minutes on 2 cores), so it is `#[ignore]`d and `.ci/run` runs it with `--ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::common::root;

/// Markdown files a reader is pointed to.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("outputs/README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn nothing_points_outside_the_repository() {
    // Built from pieces so that this file does not match itself.
    let forbidden = [
        format!("../{}", "shared"),
        format!("/work/{}", "shared"),
        format!("{}.md", "MODEL"),
    ];
    let mut files = doc_files();
    for d in [
        "docs",
        "scenarios",
        "src",
        "scripts",
        "tests",
        "benches",
        ".ci",
    ] {
        walk(&root().join(d), &mut files);
    }
    files.push(root().join("Cargo.toml"));
    let mut found = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue; // not text
        };
        for (i, line) in text.lines().enumerate() {
            for bad in &forbidden {
                if line.contains(bad.as_str()) {
                    found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "documentation must stand alone (what users need belongs in docs/):\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn relative_links_of_the_docs_resolve() {
    let mut broken = Vec::new();
    for f in doc_files() {
        let text = std::fs::read_to_string(&f).expect("read doc");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            rest = &rest[end..];
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with('#')
                || target.starts_with("mailto:")
            {
                continue;
            }
            let file = target.split('#').next().unwrap_or(target);
            let path = f.parent().expect("parent").join(file);
            if !path.exists() {
                broken.push(format!("{}: ({target})", f.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}

/// The lines of every ```sh block of `text`, in order.
fn sh_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim_end();
        if inside {
            if t.starts_with("```") {
                inside = false;
            } else if !t.trim().is_empty() && !t.trim_start().starts_with('#') {
                lines.push(t.trim().to_string());
            }
        } else if t == "```sh" {
            inside = true;
        }
    }
    lines
}

/// The command of a README line and the exit code it is documented to end with.
fn command_and_exit_code(line: &str) -> (String, i32) {
    let (cmd, comment) = match line.find(" #") {
        Some(i) => (line[..i].trim(), line[i + 2..].trim()),
        None => (line, ""),
    };
    let code = comment
        .strip_prefix("exit code ")
        .and_then(|c| c.split(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (cmd.to_string(), code)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let p = e.expect("entry").path();
        let dest = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

/// Whether a Slurm controller answers here (`sbatch` installed is not enough: the daemons may be
/// stopped, as after `scripts/slurm-smoke.sh`).
fn slurm_cluster_answers() -> bool {
    on_path("sbatch")
        && Command::new("bash")
            .args(["-c", "timeout 10 sinfo -h >/dev/null 2>&1"])
            .status()
            .is_ok_and(|s| s.success())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

#[test]
fn readme_lists_runnable_examples() {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README");
    let lines = sh_lines(&text);
    assert!(lines.len() >= 8, "the README's examples: {lines:?}");
    for l in &lines {
        let (cmd, _) = command_and_exit_code(l);
        assert!(
            cmd.starts_with("cargo ")
                || cmd.starts_with("custody-sim ")
                || cmd.starts_with("bash "),
            "unexpected example: {l}"
        );
    }
}

#[test]
#[ignore = "runs every README example as written (minutes); .ci/run runs it with --ignored"]
fn readme_examples_run_as_written() {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("scenarios"), &dir.path().join("scenarios"));
    copy_dir(&root().join("scripts"), &dir.path().join("scripts"));
    std::fs::create_dir_all(dir.path().join("outputs")).expect("outputs/");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_custody-sim"));
    let bin = bin.display().to_string();
    for line in sh_lines(&text) {
        let (cmd, want) = command_and_exit_code(&line);
        if cmd.starts_with("cargo test") || cmd.starts_with("cargo bench") {
            continue;
        }
        if cmd.starts_with("bash ") && cmd.contains("slurm") && !slurm_cluster_answers() {
            eprintln!("skipped (no running Slurm cluster here): {cmd}");
            continue;
        }
        let shell = if let Some(rest) = cmd.strip_prefix("cargo run --release --locked -- ") {
            format!("'{bin}' {rest}")
        } else if let Some(rest) = cmd.strip_prefix("custody-sim ") {
            format!("'{bin}' {rest}")
        } else {
            cmd.clone()
        };
        eprintln!("$ {cmd}");
        let t = std::time::Instant::now();
        let out = Command::new("bash")
            .arg("-c")
            .arg(&shell)
            .current_dir(dir.path())
            .output()
            .expect("bash runs");
        let got = out.status.code().unwrap_or(-1);
        eprintln!("  exit code {got} in {:.1} s", t.elapsed().as_secs_f64());
        assert_eq!(
            got,
            want,
            "README example `{cmd}` ended with exit code {got}, the README says {want}\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Examples write only into outputs/ (the scenarios and scripts are the copies made above).
    let mut files = Vec::new();
    walk(dir.path(), &mut files);
    let stray: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(dir.path()).expect("inside").to_path_buf())
        .filter(|f| {
            !f.starts_with("outputs") && !f.starts_with("scenarios") && !f.starts_with("scripts")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        stray.is_empty(),
        "README examples wrote outside outputs/: {stray:?}"
    );
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README");
    let tests: Vec<String> = sh_lines(&text)
        .into_iter()
        .filter(|l| l.starts_with("cargo test"))
        .collect();
    assert_eq!(tests.len(), 1, "one test command in the README: {tests:?}");
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == tests[0]),
        ".ci/run must call `{}` exactly",
        tests[0]
    );
    let runs: Vec<String> = sh_lines(&text)
        .into_iter()
        .filter(|l| l.starts_with("cargo run"))
        .collect();
    let profile = |cmd: &str| cmd.contains("--release");
    assert!(
        runs.iter().all(|r| profile(r) == profile(&tests[0])),
        "the run examples and the test command must share one build profile"
    );
}

#[test]
fn help_texts_match_what_is_accepted() {
    let bin = env!("CARGO_BIN_EXE_custody-sim");
    let help = |cmd: &str| {
        let out = Command::new(bin)
            .args([cmd, "--help"])
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // compare refuses -r 1 (a paired interval needs 2 replications), and says so.
    let compare = help("compare");
    assert!(compare.contains("2 to 100000"), "{compare}");
    let refused = Command::new(bin)
        .args(["compare", "a.toml", "b.toml", "-r", "1"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    // report has -o like every other command, and writes into outputs/ by default.
    let report = help("report");
    assert!(
        report.contains("-o, --out") && report.contains("outputs/report.html"),
        "{report}"
    );
}
