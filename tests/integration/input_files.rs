//! The input files of experiments (sweep, explore, calibration, targets and explorer files) are
//! read like scenarios: one reading prelude (bytes that are not UTF-8 are refused with the same
//! message, naming the file and the byte offset), and every problem of a file that does not depend
//! on another listed at once.

use std::path::Path;

use crate::common::*;

/// Run the CLI in `d` with `args`: it must refuse with exit code 2, print one error and write
/// nothing; returns the error.
fn refused(d: &Path, args: &[&str]) -> String {
    let before: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let a = cmd(d).args(args).assert().code(2).stdout("");
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let after: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(before, after, "nothing written for bad input");
    err
}

#[test]
fn every_input_file_with_bytes_that_are_not_utf8_is_refused_with_the_same_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    extend_baseline(d, "small.toml", "");
    let cases: [(&str, &[&str]); 6] = [
        ("scenario.toml", &["check", "scenario.toml"]),
        ("sweep.toml", &["sweep", "sweep.toml", "-q", "-o", "out"]),
        (
            "explore.toml",
            &["explore", "explore.toml", "-q", "-o", "out"],
        ),
        ("cal.toml", &["calibrate", "cal.toml", "-q", "-o", "out"]),
        (
            "targets.toml",
            &["validate", "small.toml", "--targets", "targets.toml", "-q"],
        ),
        (
            "explorer.toml",
            &["explorer", "explorer.toml", "-q", "--out", "page.html"],
        ),
    ];
    for (file, args) in cases {
        // A Latin-1 "é" in a comment: the rest of the file does not matter.
        std::fs::write(d.join(file), b"# caf\xe9\nbase = \"small.toml\"\n").unwrap();
        let err = refused(d, args);
        assert_eq!(
            err.trim_end(),
            format!(
                "error: {file}: not valid TOML: not UTF-8: invalid utf-8 sequence of 1 bytes from \
                 index 5"
            ),
            "{args:?}"
        );
        std::fs::remove_file(d.join(file)).unwrap();
    }
}

/// The problems listed in `err`, in order: their fields.
fn fields(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.strip_prefix("  - field `"))
        .map(|l| l.split('`').next().unwrap().to_string())
        .collect()
}

#[test]
fn a_sweep_file_lists_the_problems_of_every_section_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("sweep.toml"),
        "base = \"nope.toml\"\nreplications = \"x\"\nseed = 1\nmax_runs = 0\nmetrics = [\"nope\"]\n\n[design]\nkind = \"latin_hypercube\"\nsamples = 2\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.6\nmax = 0.2\n",
    )
    .unwrap();
    let err = refused(d, &["sweep", "sweep.toml", "-q", "-o", "out"]);
    assert!(err.contains("sweep.toml: 5 invalid value(s):"), "{err}");
    assert_eq!(
        fields(&err),
        [
            "replications",
            "base",
            "max_runs",
            "parameters[0].max",
            "metrics[0]"
        ],
        "{err}"
    );
    assert!(err.contains("expected a whole number >= 0"), "{err}");
    assert!(err.contains("\"nope.toml\": cannot open"), "{err}");
    // The design's own problems, once the sections are sound, are listed together too.
    extend_baseline(d, "small.toml", "");
    std::fs::write(
        d.join("sweep.toml"),
        "base = \"small.toml\"\nreplications = 1\nseed = 1\n\n[design]\nkind = \"sobol\"\nsamples = 1\nbootstrap = 0\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n",
    )
    .unwrap();
    let err = refused(d, &["sweep", "sweep.toml", "-q", "-o", "out"]);
    assert_eq!(
        fields(&err),
        ["design.samples", "design.bootstrap"],
        "{err}"
    );
}

#[test]
fn an_explore_file_lists_the_problems_of_every_section_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let reforms = root().join("scenarios/reforms");
    std::fs::write(
        d.join("explore.toml"),
        format!(
            "baseline = {:?}\nreforms = [\"nope.toml\", {:?}]\nreplications = \"x\"\nseed = 1\nscale = 0\nmetrics = [\"located\", \"nope\"]\n\n[futures]\nsamples = 2\n\n[uncertainties]\nspread = 2\n\n[robustness]\npercentiles = [101]\n",
            baseline().display().to_string(),
            reforms.join("integrated_record.toml").display().to_string()
        ),
    )
    .unwrap();
    let err = refused(d, &["explore", "explore.toml", "-q", "-o", "out"]);
    assert!(err.contains("explore.toml: 6 invalid value(s):"), "{err}");
    assert_eq!(
        fields(&err),
        [
            "replications",
            "reforms[0]",
            "scale",
            "metrics[1]",
            "robustness.percentiles[0]",
            "uncertainties.spread"
        ],
        "{err}"
    );
}

/// A targets file of one target, `name`, of the whole-run metric `metric`.
fn target(name: &str, metric: &str) -> String {
    format!("[[targets]]\nname = \"{name}\"\nmetric = \"{metric}\"\naggregate = \"run\"\nvalue = 100.0\nqualifier = \"about\"\ntolerance = 0.1\ndefinition = \"d\"\nsource = \"s\"\n\n")
}

#[test]
fn a_calibration_file_lists_the_problems_of_every_section_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    extend_baseline(d, "small.toml", "");
    std::fs::write(d.join("targets.toml"), target("released", "released")).unwrap();
    std::fs::write(
        d.join("cal.toml"),
        "base = \"small.toml\"\ntargets = \"targets.toml\"\nfit = \"released\"\nholdout = [\"nope\"]\nreplications = 0\nseed = 1\n\n[method]\nkind = \"abc_rejection\"\ncandidates = 1\naccept = 0.5\n\n[[parameters]]\npath = \"ice.nta_probability\"\nmin = 1.0\nmax = 0.2\n",
    )
    .unwrap();
    let err = refused(d, &["calibrate", "cal.toml", "-q", "-o", "out"]);
    assert!(err.contains("cal.toml: 4 invalid value(s):"), "{err}");
    assert_eq!(
        fields(&err),
        [
            "fit",
            "replications",
            "method.candidates",
            "parameters[0].max"
        ],
        "{err}"
    );
    // Without its base scenario, the sections that do not need it are checked.
    std::fs::write(
        d.join("cal.toml"),
        "base = \"nope.toml\"\ntargets = \"nope.toml\"\nfit = [\"released\"]\nreplications = 1\nseed = 1\n\n[method]\nkind = \"abc\"\ncandidates = 10\naccept = 0.5\n\n[[parameters]]\npath = \"ice.nta_probability\"\nmin = 0.2\nmax = 1.0\n",
    )
    .unwrap();
    let err = refused(d, &["calibrate", "cal.toml", "-q", "-o", "out"]);
    assert_eq!(fields(&err), ["base", "targets", "method.kind"], "{err}");
}

#[test]
fn a_targets_file_lists_the_problems_of_every_target_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    extend_baseline(d, "small.toml", "");
    std::fs::write(
        d.join("targets.toml"),
        format!(
            "{}{}{}",
            target("a", "released").replace("value = 100.0", "value = \"x\""),
            target("b", "releesed").replace("tolerance = 0.1", "tolerance = -1"),
            target("c", "released").replace("qualifier = \"about\"", "qualifier = \"roughly\"")
        ),
    )
    .unwrap();
    let err = refused(
        d,
        &[
            "validate",
            "small.toml",
            "--targets",
            "targets.toml",
            "-q",
            "-o",
            "out",
        ],
    );
    assert!(err.contains("targets.toml: 4 invalid value(s):"), "{err}");
    assert_eq!(
        fields(&err),
        [
            "targets[0].value",
            "targets[1].metric",
            "targets[1].tolerance",
            "targets[2].qualifier"
        ],
        "{err}"
    );
}

#[test]
fn an_explorer_file_lists_the_problems_of_every_section_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lever = |key: &str, path: &str, values: [&str; 2]| {
        format!(
            "[[levers]]\nkey = \"{key}\"\nname = \"n\"\nunit = \"u\"\npaths = [\"{path}\"]\nlevels = [\n  {{ label = \"a\", short = \"a\", values = [{}] }},\n  {{ label = \"b\", short = \"b\", values = [{}] }},\n]\n\n",
            values[0], values[1]
        )
    };
    std::fs::write(
        d.join("explorer.toml"),
        format!(
            "title = 3\nbase = \"nope.toml\"\n\n{}{}[[steps]]\ntitle = \"\"\ntext = \"{{nope}}\"\n",
            lever(
                "Sharing",
                "data_sharing.orr_to_ice_probability",
                ["0.0", "0.85"]
            ),
            lever("moves", "life.move_rate_per_year", ["0.35", "[1]"])
                .replace("name = \"n\"", "name = 2"),
        ),
    )
    .unwrap();
    let err = refused(
        d,
        &["explorer", "explorer.toml", "-q", "--out", "page.html"],
    );
    assert!(err.contains("explorer.toml: 6 invalid value(s):"), "{err}");
    assert_eq!(
        fields(&err),
        [
            "levers[1].name",
            "title",
            "base",
            "levers[0].key",
            "steps[0].title",
            "steps[0].text"
        ],
        "{err}"
    );
}
