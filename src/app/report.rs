//! `custody-sim report`: one self-contained HTML report (inline SVG charts and CSS, no scripts,
//! nothing fetched) from the output folders of `run`, `compare`, `sweep` and `journey`.
//!
//! Every folder is checked before anything is written: a folder with no outputs, or outputs of an
//! older format, is bad input (exit code 2) and the message says what is missing and how to
//! produce it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use super::BadInput;
use crate::cli::ReportArgs;
use crate::error::ScenarioError;
use crate::output;
use crate::output::charts::{self, change_number, Chart, PolicyHistory};
use crate::output::discover as discovery;
use crate::output::report::citations::extract_sources;
use crate::output::report::glossary::GLOSSARY;
use crate::output::report::html::{inline_svg, write_report};
use crate::output::report::{human_name, InlineChart, Report, Section, SourceFile, Table};
use crate::output::schema::{
    comparison, headline, journey, points, sensitivity, summary, timeseries,
};
use crate::sim::metrics::{self, HEADLINE};
use crate::sim::params::{Policy, PolicyChange};
use crate::sim::{Agency, State};

// Metrics that the report needs in `summary.csv` and prefers in `points.csv`, named by the engine
// (`RunSummary::metrics`); a unit test checks that the engine still reports them.
/// Children arrived.
const ARRIVED: &str = "arrived";
/// Followed released children unlocatable by ICE (the acting agency) on the last day.
const UNLOCATABLE_AT_HORIZON: &str = "unlocatable_by_ice_at_horizon";

/// What kind of output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Compare,
    Sweep,
    Journey,
    /// `custody-sim discover` on an explore folder.
    Discovery,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "comparison",
            Kind::Sweep => "sweep",
            Kind::Journey => "journey",
            Kind::Discovery => "scenario discovery",
        }
    }
}

/// One checked input folder.
#[derive(Debug)]
struct Input {
    dir: PathBuf,
    kind: Kind,
    /// `manifest.json` (run, compare, journey) or `sweep.json` (sweep); `Null` if absent.
    manifest: Value,
    /// The name shown in headings and legends: [`Input::name`], plus the folder when two inputs
    /// share a name.
    label: String,
}

impl Input {
    fn str(&self, key: &str) -> String {
        match &self.manifest[key] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            v => v.to_string(),
        }
    }
    /// A short name: the scenario (run, journey), the baseline (compare) or the sweep file.
    fn name(&self) -> String {
        let from_path = |p: String| {
            Path::new(&p)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or(p)
        };
        let n = match self.kind {
            Kind::Run | Kind::Journey => self.str("scenario"),
            Kind::Compare => from_path(self.str("baseline")),
            Kind::Sweep => from_path(self.str("sweep_file")),
            Kind::Discovery => format!("{} ({})", self.str("reform"), self.str("condition")),
        };
        if n.is_empty() {
            self.dir.display().to_string()
        } else {
            n
        }
    }
}

fn bad(dir: &Path, message: String) -> anyhow::Error {
    BadInput(ScenarioError::Outputs {
        path: dir.to_path_buf(),
        message,
    })
    .into()
}

/// How to produce each kind of folder, for error messages.
fn how_to_produce(kind: Kind, dir: &Path, manifest: &Value) -> String {
    let d = dir.display();
    let first_file = manifest["scenario_files"][0]["path"]
        .as_str()
        .map(String::from);
    match kind {
        Kind::Run => format!(
            "rerun the scenario with this version: custody-sim run {} -o {d}",
            first_file.unwrap_or_else(|| "SCENARIO".into())
        ),
        Kind::Journey => format!(
            "rerun the journey with this version: custody-sim journey {} -o {d}",
            first_file.unwrap_or_else(|| "SCENARIO".into())
        ),
        Kind::Compare => format!(
            "rerun the comparison with this version: custody-sim compare {} REFORM... -o {d}",
            manifest["baseline"].as_str().unwrap_or("BASELINE")
        ),
        Kind::Sweep => format!(
            "rerun the sweep with this version: custody-sim sweep {} -o {d}",
            manifest["sweep_file"].as_str().unwrap_or("SWEEP.toml")
        ),
        Kind::Discovery => format!(
            "rerun the discovery with this version: custody-sim discover {} --reform {} --condition \"{}\" -o {d}",
            manifest["explore_dir"].as_str().unwrap_or("EXPLORE_DIR"),
            manifest["reform"].as_str().unwrap_or("REFORM"),
            manifest["condition"].as_str().unwrap_or("CONDITION")
        ),
    }
}

/// Check that `file` in `dir` exists, has every column in `needed` and at least one row.
fn check_csv(
    dir: &Path,
    file: &str,
    needed: &[String],
    kind: Kind,
    manifest: &Value,
) -> Result<Vec<String>> {
    let path = dir.join(file);
    let how = || how_to_produce(kind, dir, manifest);
    let mut r = csv::Reader::from_path(&path)
        .map_err(|e| bad(dir, format!("cannot read {file} ({e}); {}", how())))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| {
            bad(
                dir,
                format!("{file} is not a readable CSV file ({e}); {}", how()),
            )
        })?
        .iter()
        .map(String::from)
        .collect();
    let missing: Vec<&str> = needed
        .iter()
        .filter(|n| !header.contains(n))
        .map(|s| s.as_str())
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|m| format!("`{m}`")).collect();
        let more = if missing.len() > 8 {
            format!(" and {} more", missing.len() - 8)
        } else {
            String::new()
        };
        return Err(bad(
            dir,
            format!(
                "{file} lacks the column(s) {}{more}: it was written by an older version of custody-sim or is not one of its outputs; {}",
                shown.join(", "),
                how()
            ),
        ));
    }
    let mut first = csv::StringRecord::new();
    match r.read_record(&mut first) {
        Ok(true) => Ok(header),
        Ok(false) => Err(bad(dir, format!("{file} holds no rows; {}", how()))),
        Err(e) => Err(bad(dir, format!("{file} has a bad row ({e}); {}", how()))),
    }
}

fn read_json(dir: &Path, file: &str, kind: Kind) -> Result<Value> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        bad(
            dir,
            format!(
                "holds no {file} (every {} folder has one); {}",
                kind.name(),
                how_to_produce(kind, dir, &Value::Null)
            ),
        )
    })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        bad(
            dir,
            format!(
                "{file} is not valid JSON ({e}); {}",
                how_to_produce(kind, dir, &Value::Null)
            ),
        )
    })?;
    if !v.is_object() {
        return Err(bad(
            dir,
            format!(
                "{file} is not a description written by custody-sim; {}",
                how_to_produce(kind, dir, &Value::Null)
            ),
        ));
    }
    Ok(v)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Recognise and check one folder. Nothing is written.
fn inspect(dir: &Path) -> Result<Input> {
    if !dir.is_dir() {
        return Err(bad(
            dir,
            "is not a folder: give the output folder of `custody-sim run`, `compare`, `sweep`, `journey` or `discover`".into(),
        ));
    }
    let has = |f: &str| dir.join(f).is_file();
    let kind = if has(timeseries::FILE) {
        Kind::Run
    } else if has(comparison::FILE) {
        Kind::Compare
    } else if has(points::FILE) {
        Kind::Sweep
    } else if has(journey::FILE) {
        Kind::Journey
    } else if has(discovery::INFO) {
        Kind::Discovery
    } else {
        return Err(bad(
            dir,
            format!(
                "holds no outputs of custody-sim (no {}, {}, {} or {}); produce them with `custody-sim run SCENARIO -o {d}`, `custody-sim compare BASELINE REFORM... -o {d}`, `custody-sim sweep SWEEP.toml -o {d}` or `custody-sim journey SCENARIO -o {d}`",
                timeseries::FILE,
                comparison::FILE,
                points::FILE,
                journey::FILE,
                d = dir.display()
            ),
        ));
    };
    let manifest = match kind {
        Kind::Run | Kind::Compare => read_json(dir, "manifest.json", kind)?,
        Kind::Sweep => read_json(dir, "sweep.json", kind)?,
        Kind::Discovery => read_json(dir, discovery::INFO, kind)?,
        Kind::Journey => {
            if has("manifest.json") {
                read_json(dir, "manifest.json", kind)?
            } else {
                Value::Null
            }
        }
    };
    match kind {
        Kind::Run => {
            check_csv(
                dir,
                timeseries::FILE,
                &strings(&timeseries::columns()),
                kind,
                &manifest,
            )?;
            check_csv(
                dir,
                headline::FILE,
                &strings(&headline::COLUMNS),
                kind,
                &manifest,
            )?;
            check_csv(
                dir,
                summary::FILE,
                &strings(&[summary::REPLICATION, ARRIVED, UNLOCATABLE_AT_HORIZON]),
                kind,
                &manifest,
            )?;
        }
        Kind::Compare => {
            check_csv(
                dir,
                comparison::FILE,
                &strings(&comparison::COLUMNS),
                kind,
                &manifest,
            )?;
        }
        Kind::Sweep => {
            let header = check_csv(
                dir,
                points::FILE,
                &strings(&[
                    points::POINT,
                    points::REPLICATIONS_OK,
                    points::REPLICATIONS_FAILED,
                ]),
                kind,
                &manifest,
            )?;
            if !header.iter().any(|h| h.ends_with(points::MEAN_SUFFIX)) {
                return Err(bad(
                    dir,
                    format!(
                        "{} has no `<metric>{}` columns: it is not a points file of this version; {}",
                        points::FILE,
                        points::MEAN_SUFFIX,
                        how_to_produce(kind, dir, &manifest)
                    ),
                ));
            }
        }
        Kind::Journey => {
            check_csv(dir, journey::FILE, &journey::columns(), kind, &manifest)?;
        }
        Kind::Discovery => {
            for (file, needed) in [
                (
                    discovery::TRAJECTORY,
                    &["step", "coverage", "density", "mass"][..],
                ),
                (
                    discovery::BOX,
                    &["parameter", "min", "max", "restricted"][..],
                ),
                (
                    discovery::SCORES,
                    &["rank", "parameter", "score_condition"][..],
                ),
            ] {
                check_csv(dir, file, &strings(needed), kind, &manifest)?;
            }
        }
    }
    let mut input = Input {
        dir: dir.to_path_buf(),
        kind,
        manifest,
        label: String::new(),
    };
    input.label = input.name();
    Ok(input)
}

/// `custody-sim report DIR... --out FILE`.
pub(super) fn report(args: &ReportArgs) -> Result<()> {
    build(&args.dirs, &args.out, args.quiet)
}

/// Check every folder, draw the charts into `<out stem>_charts/` and write the report to `out`.
pub(super) fn build(dirs: &[PathBuf], out: &Path, quiet: bool) -> Result<()> {
    let mut inputs = dirs
        .iter()
        .map(|d| inspect(d))
        .collect::<Result<Vec<_>>>()?;
    let names: Vec<String> = inputs.iter().map(|i| i.name()).collect();
    for input in &mut inputs {
        if names.iter().filter(|n| **n == input.label).count() > 1 {
            input.label = format!("{} ({})", input.label, input.dir.display());
        }
    }
    if out.is_dir() {
        return Err(bad(
            out,
            "is a folder: --out needs the name of the HTML file to write, e.g. report.html".into(),
        ));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let charts_dir = out.with_file_name(format!("{stem}_charts"));
    // One writer per report: its charts folder is locked (and checked writable) before any chart
    // is drawn; a second `report` to the same file is refused at once (exit code 2).
    let _lock = super::lock_out(&charts_dir)?;
    let runs: Vec<&Input> = inputs.iter().filter(|i| i.kind == Kind::Run).collect();
    let steps = inputs.len() as u64 + u64::from(runs.len() >= 2) + 1;
    let bar = super::progress_bar(steps, quiet, "steps");
    bar.set_message("drawing charts");
    charts::register_fonts()?;
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create folder {}", parent.display()))?;

    let mut sections = Vec::new();
    let mut n_charts = 0usize;
    // Each run's scenario's policy history (or why it cannot be shown), for the timelines.
    let mut run_policies: Vec<(String, std::result::Result<ScenarioPolicy, String>)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let sub = charts_dir.join(format!("{:02}-{}", i + 1, input.kind.name()));
        // Policy timelines drawn with this folder's charts (chart id, history, drawn under a
        // chart on the same dates), and notes on those that cannot be drawn.
        let mut timelines: Vec<(String, PolicyHistory, bool)> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let drawn: Vec<Chart> = match input.kind {
            Kind::Run => {
                let policy = run_policy(input);
                let drawn = match &policy {
                    Ok(p) => {
                        let h = p.history(format!("scenario \u{201c}{}\u{201d}", input.label));
                        let drawn = charts::charts_for_run_with_policy(&input.dir, &sub, Some(&h));
                        timelines.push((RUN_POLICY_CHART.to_string(), h, true));
                        drawn
                    }
                    Err(why) => {
                        notes.push(format!(
                            "The policy timeline is not shown under the chart of unlocatable children: {why}."
                        ));
                        charts::charts_for_run(&input.dir, &sub)
                    }
                };
                run_policies.push((input.label.clone(), policy));
                drawn
            }
            Kind::Compare => charts::charts_for_comparison(&input.dir, &sub).and_then(|mut drawn| {
                let (groups, mut why) = compare_policies(input);
                notes.append(&mut why);
                if !groups.is_empty() {
                    let total = 1 + input.manifest["reforms"].as_array().map_or(0, Vec::len);
                    notes.push(policy_groups_note(
                        &groups,
                        "the baseline and every reform",
                        total,
                    ));
                    let histories: Vec<PolicyHistory> =
                        groups.into_iter().map(|(_, h)| h).collect();
                    let charts = charts::policy_timelines(&histories, &sub, "compare-policy")?;
                    for (c, h) in charts.iter().zip(histories) {
                        timelines.push((c.id.clone(), h, false));
                    }
                    drawn.extend(charts);
                }
                Ok(drawn)
            }),
            Kind::Sweep => charts::charts_for_sweep(&input.dir, &sub),
            Kind::Journey => {
                charts::journey_chart(&input.dir.join(journey::FILE), &sub).map(|c| vec![c])
            }
            Kind::Discovery => charts::charts_for_discovery(&input.dir, &sub),
        }
        .with_context(|| format!("drawing the charts of {}", input.dir.display()))?;
        n_charts += drawn.len();
        let mut section = match input.kind {
            Kind::Run => run_section(input)?,
            Kind::Compare => compare_section(input)?,
            Kind::Sweep => sweep_section(input)?,
            Kind::Journey => journey_section(input)?,
            Kind::Discovery => discovery_section(input)?,
        };
        section.paragraphs.extend(notes);
        section.charts = inline_charts(&drawn)?;
        attach_policy_tables(&mut section.charts, &timelines);
        sections.push(section);
        bar.inc(1);
    }
    if runs.len() >= 2 {
        let named: Vec<(String, PathBuf)> = runs
            .iter()
            .map(|r| (r.label.clone(), r.dir.clone()))
            .collect();
        let mut paragraphs = vec![format!(
            "The {} scenarios of this report on one chart. Scenarios run with the same seed draw the same synthetic children, so their differences come from the scenarios, not from chance.",
            runs.len()
        )];
        let mut known: Vec<(String, &ScenarioPolicy)> = Vec::new();
        for (label, policy) in &run_policies {
            match policy {
                Ok(p) => known.push((format!("\u{201c}{label}\u{201d}"), p)),
                Err(why) => paragraphs.push(format!(
                    "The policy history of scenario \u{201c}{label}\u{201d} is not shown: {why}."
                )),
            }
        }
        let groups: Vec<(Vec<String>, PolicyHistory)> = group_equal(&known)
            .into_iter()
            .map(|(names, p)| {
                let s = if names.len() == 1 { "" } else { "s" };
                let h = p.history(format!("scenario{s} {}", and_list(&names)));
                (names, h)
            })
            .collect();
        if !groups.is_empty() {
            paragraphs.push(policy_groups_note(
                &groups,
                &format!("all {} scenarios", runs.len()),
                runs.len(),
            ));
        }
        let histories: Vec<PolicyHistory> = groups.into_iter().map(|(_, h)| h).collect();
        let drawn = charts::unlocatable_by_scenario_with_policy(
            &named,
            &charts_dir.join("all-scenarios"),
            &histories,
        )
        .context("drawing the chart of unlocatable children by scenario")?;
        n_charts += drawn.len();
        let timelines: Vec<(String, PolicyHistory, bool)> = drawn[1..]
            .iter()
            .zip(histories)
            .map(|(c, h)| (c.id.clone(), h, true))
            .collect();
        let mut charts = inline_charts(&drawn)?;
        attach_policy_tables(&mut charts, &timelines);
        sections.insert(
            0,
            Section {
                heading: "All scenarios side by side".into(),
                paragraphs,
                tables: Vec::new(),
                charts,
            },
        );
        bar.inc(1);
    }
    bar.set_message("writing the report");

    let names: Vec<String> = inputs
        .iter()
        .map(|i| format!("{} ({})", i.label, i.kind.name()))
        .collect();
    let report = Report {
        title: format!("custody-sim report: {}", short_list(&names)),
        subtitle: format!(
            "Simulated custody pipeline for unaccompanied children. Folders: {}.",
            inputs
                .iter()
                .map(|i| i.dir.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        generated_on: today(),
        program: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        runs: what_was_run(&inputs),
        sections,
        caveats: output::CAVEATS.iter().map(|s| s.to_string()).collect(),
        sources: sources(&inputs),
        glossary: GLOSSARY
            .iter()
            .map(|(t, m)| (t.to_string(), m.to_string()))
            .collect(),
    };
    write_report(out, &report)?;
    bar.inc(1);
    bar.finish_and_clear();
    if !quiet {
        println!(
            "Wrote {} ({} chart(s) inline; their SVG and PNG files are in {}/). Open it in any browser; it needs no network.",
            out.display(),
            n_charts,
            charts_dir.display()
        );
    }
    Ok(())
}

fn short_list(names: &[String]) -> String {
    if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{}, {} and {} more", names[0], names[1], names.len() - 2)
    }
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    crate::scenario::date_of("1970-01-01", days as u32)
}

/// The id of a run's policy timeline (see [`charts::charts_for_run_with_policy`]).
const RUN_POLICY_CHART: &str = "run-policy";

/// The policy history of a scenario, as the engine ran it.
#[derive(Debug, Clone, PartialEq)]
struct ScenarioPolicy {
    start_date: String,
    end_date: String,
    policy: Policy,
}

impl ScenarioPolicy {
    fn history(&self, who: String) -> PolicyHistory {
        PolicyHistory {
            who,
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            changes: self.policy.changes.clone(),
        }
    }
}

/// The policy history of the scenario file `path` behind an output folder, read again and
/// checked against the SHA-256 of the files its `manifest.json` lists (the history shown must
/// be the one that was run); otherwise why it cannot be shown.
fn scenario_policy(path: &Path, manifest: &Value) -> std::result::Result<ScenarioPolicy, String> {
    let sc = crate::scenario::load(path).map_err(|e| {
        format!(
            "the scenario file cannot be read again ({}); paths in manifest.json are as given when the outputs were made, so make the report from the same folder",
            e.to_string().lines().next().unwrap_or_default()
        )
    })?;
    let listed: BTreeSet<&str> = manifest["scenario_files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["sha256"].as_str())
        .collect();
    if listed.is_empty() {
        return Err("manifest.json does not list the scenario files with their SHA-256, so the policy history that was run cannot be checked; rerun the outputs with this version".into());
    }
    let (files, _) = super::hash_sources(&sc);
    if let Some(f) = files.iter().find(|f| !listed.contains(f.sha256.as_str())) {
        return Err(format!(
            "the scenario file {} has changed since these outputs were made; rerun them to see their policy history",
            f.path
        ));
    }
    Ok(ScenarioPolicy {
        start_date: sc.loaded.raw.time.start_date.clone(),
        end_date: sc.loaded.raw.time.horizon_date.clone(),
        policy: sc.params.policy,
    })
}

/// The policy history of a run folder's scenario (the first file its manifest lists).
fn run_policy(i: &Input) -> std::result::Result<ScenarioPolicy, String> {
    match i.manifest["scenario_files"][0]["path"].as_str() {
        Some(p) => scenario_policy(Path::new(p), &i.manifest),
        None => Err("manifest.json names no scenario file".into()),
    }
}

/// The policy histories of a comparison's baseline and reforms, one per distinct history with
/// the scenarios that share it (the baseline first); and why any cannot be shown.
fn compare_policies(i: &Input) -> (Vec<(Vec<String>, PolicyHistory)>, Vec<String>) {
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    let stem = |p: &str| {
        Path::new(p)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.to_string())
    };
    if let Some(b) = i.manifest["baseline"].as_str() {
        paths.push((
            format!("the baseline \u{201c}{}\u{201d}", stem(b)),
            b.into(),
        ));
    }
    for r in i.manifest["reforms"].as_array().into_iter().flatten() {
        if let Some(r) = r.as_str() {
            paths.push((format!("reform \u{201c}{}\u{201d}", stem(r)), r.into()));
        }
    }
    let mut known = Vec::new();
    let mut why = Vec::new();
    for (name, path) in paths {
        match scenario_policy(&path, &i.manifest) {
            Ok(p) => known.push((name, p)),
            Err(e) => why.push(format!("The policy history of {name} is not shown: {e}.")),
        }
    }
    let groups = group_equal(&known)
        .into_iter()
        .map(|(names, p)| {
            let h = p.history(and_list(&names));
            (names, h)
        })
        .collect();
    (groups, why)
}

/// Items grouped by equal values, in first-seen order: each distinct value with the names of the
/// items that hold it.
fn group_equal<T: PartialEq>(items: &[(String, T)]) -> Vec<(Vec<String>, &T)> {
    let mut groups: Vec<(Vec<String>, &T)> = Vec::new();
    for (name, value) in items {
        match groups.iter_mut().find(|g| g.1 == value) {
            Some(g) => g.0.push(name.clone()),
            None => groups.push((vec![name.clone()], value)),
        }
    }
    groups
}

/// "a", "a and b", "a, b and c".
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A sentence on whose policy histories differ. `all` names the `total` scenarios ("all 3
/// scenarios"); those whose history could not be read are in no group.
fn policy_groups_note(groups: &[(Vec<String>, PolicyHistory)], all: &str, total: usize) -> String {
    match groups {
        [(names, h)] => {
            let whose = if names.len() == total {
                format!("{all} share one")
            } else {
                format!("only that of {} could be read", and_list(names))
            };
            format!(
                "Policy history: {whose}, with {} dated change(s); its timeline and table of changes are below.",
                h.changes.len()
            )
        }
        _ => format!(
            "Policy history: the scenarios' histories differ. There is one timeline per distinct history, each with its table of changes: {}.",
            groups
                .iter()
                .map(|(names, h)| format!("{} ({} change(s))", and_list(names), h.changes.len()))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// The table under a policy timeline: one row per change, numbered as on the timeline.
fn policy_table(h: &PolicyHistory) -> Table {
    Table {
        caption: format!("Policy changes in {} (numbered as on the timeline)", h.who),
        header: strings(&["#", "dated", "when in the run", "change", "source"]),
        rows: policy_rows(&h.changes),
        note: if h.changes.is_empty() {
            "No dated change of policy takes effect during the run: the rules in force at the start hold throughout.".into()
        } else {
            format!(
                "The simulation starts on {}; changes dated on or before that day are in force at the start.",
                h.start_date
            )
        },
        collapsed: false,
    }
}

/// The rows of the table of policy changes: number, date, when it takes effect in the run ("in
/// force at start" or its day), name, source.
fn policy_rows(changes: &[PolicyChange]) -> Vec<Vec<String>> {
    changes
        .iter()
        .enumerate()
        .map(|(k, c)| {
            vec![
                change_number(k),
                c.date.clone(),
                if c.day == 0 {
                    "in force at start".to_string()
                } else {
                    format!("from day {}", c.day)
                },
                c.name.clone(),
                c.source.clone(),
            ]
        })
        .collect()
}

/// Give each policy timeline among `charts` its table of changes, and set it under the chart
/// before it when it is drawn on that chart's dates.
fn attach_policy_tables(charts: &mut [InlineChart], timelines: &[(String, PolicyHistory, bool)]) {
    for c in charts {
        if let Some((_, h, attached)) = timelines.iter().find(|t| t.0 == c.id) {
            c.table = Some(policy_table(h));
            c.attached = *attached;
        }
    }
}

fn inline_charts(charts: &[Chart]) -> Result<Vec<InlineChart>> {
    charts
        .iter()
        .map(|c| {
            let text = std::fs::read_to_string(&c.svg)
                .with_context(|| format!("cannot read chart {}", c.svg.display()))?;
            let svg = inline_svg(&text, &c.title)
                .map_err(|e| anyhow::anyhow!("chart {}: {e}", c.svg.display()))?;
            Ok(InlineChart {
                id: c.id.clone(),
                title: c.title.clone(),
                caption: c.caption.clone(),
                svg,
                attached: false,
                table: None,
            })
        })
        .collect()
}

fn what_was_run(inputs: &[Input]) -> Table {
    let rows = inputs
        .iter()
        .map(|i| {
            let scenarios = match i.kind {
                Kind::Run | Kind::Journey => {
                    let files: Vec<String> = i.manifest["scenario_files"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|f| f["path"].as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    if files.is_empty() {
                        i.name()
                    } else {
                        format!("{} ({})", i.name(), files.join(" extends "))
                    }
                }
                Kind::Compare => {
                    let reforms: Vec<String> = i.manifest["reforms"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|r| r.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    format!(
                        "baseline {}; reforms {}",
                        i.str("baseline"),
                        reforms.join(", ")
                    )
                }
                Kind::Sweep => format!(
                    "sweep {} ({} design, {} points)",
                    i.str("sweep_file"),
                    i.str("design"),
                    i.str("points")
                ),
                Kind::Discovery => format!(
                    "explore {} ({} futures): {} on {}",
                    i.str("explore_dir"),
                    i.str("futures"),
                    i.str("reform"),
                    i.str("metric")
                ),
            };
            let reps = match i.kind {
                Kind::Journey => format!(
                    "replication {} (child {})",
                    i.str("replication"),
                    i.str("child")
                ),
                Kind::Discovery => "as in the explore".into(),
                _ => i.str("replications"),
            };
            let seed = match i.kind {
                Kind::Sweep => sweep_seed(i).map(|s| s.to_string()).unwrap_or_default(),
                Kind::Discovery => explore_seed(i).map(|s| s.to_string()).unwrap_or_default(),
                _ => i.str("seed"),
            };
            vec![
                i.dir.display().to_string(),
                i.kind.name().to_string(),
                scenarios,
                seed,
                reps,
                format!("{} {}", i.str("program"), i.str("version"))
                    .trim()
                    .to_string(),
            ]
        })
        .collect();
    Table {
        caption: "Output folders in this report".into(),
        header: strings(&[
            "folder",
            "kind",
            "scenario(s)",
            "seed",
            "replications",
            "made by",
        ]),
        rows,
        note: "The seed fixes every random draw: the same scenario, seed and replications give the same results on any machine and any number of threads.".into(),
        collapsed: false,
    }
}

/// The seed of the explore a discovery read (from the explore folder's `explore.json`).
fn explore_seed(i: &Input) -> Option<u64> {
    let text =
        std::fs::read_to_string(Path::new(&i.str("explore_dir")).join("explore.json")).ok()?;
    serde_json::from_str::<Value>(&text).ok()?["seed"].as_u64()
}

fn sweep_seed(i: &Input) -> Option<u64> {
    crate::experiment::sweep::load(Path::new(&i.str("sweep_file")))
        .ok()
        .map(|s| s.seed)
}

/// Read a CSV file as a header and rows of strings.
fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = r.headers()?.iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.map(|x| x.iter().map(String::from).collect()))
        .collect::<std::result::Result<Vec<Vec<String>>, _>>()
        .with_context(|| format!("reading {}", path.display()))?;
    Ok((header, rows))
}

fn col(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// A number for people: thousands separators for large values, a few decimals for small ones.
fn num(s: &str) -> String {
    let Ok(x) = s.parse::<f64>() else {
        return s.to_string();
    };
    if !x.is_finite() {
        return s.to_string();
    }
    output::format::readable(x)
}

fn signed(s: &str) -> String {
    let n = num(s);
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 => format!("+{n}"),
        _ => n,
    }
}

fn interval(low: &str, high: &str) -> String {
    if low.is_empty() || high.is_empty() {
        "(needs 2+ replications)".into()
    } else {
        format!("{} to {}", num(low), num(high))
    }
}

fn label_of(metric: &str) -> String {
    human_name(metric)
}

fn run_section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(headline::FILE))?;
    let (m, mean, low, high) = (
        col(&h, headline::METRIC).unwrap_or(0),
        col(&h, headline::MEAN).unwrap_or(2),
        col(&h, headline::CI95_LOW).unwrap_or(4),
        col(&h, headline::CI95_HIGH).unwrap_or(5),
    );
    let row_of = |key: &str| {
        rows.iter()
            .find(|r| r.get(m).map(String::as_str) == Some(key))
    };
    let cell = |r: &Vec<String>, c: usize| r.get(c).cloned().unwrap_or_default();
    // Unlocatable children: one row per measure, one column per lens, each cell the mean with its
    // interval; ICE and pooled side by side first, then ORR and the court.
    let value = |r: &Vec<String>, c: usize| cell(r, c).parse::<f64>().unwrap_or(f64::NAN);
    let lens_tables: Vec<Table> = output::LENS_TABLES
        .iter()
        .enumerate()
        .map(|(k, lenses)| {
            let rows: Vec<Vec<String>> = output::MEASURES
                .iter()
                .map(|measure| {
                    let mut row = vec![measure.label.to_string()];
                    row.extend(lenses.iter().map(|&(lens, _)| {
                        row_of(&measure.key(lens)).map_or_else(
                            || "-".to_string(),
                            |r| {
                                measure_cell(
                                    measure.kind,
                                    value(r, mean),
                                    value(r, low),
                                    value(r, high),
                                )
                            },
                        )
                    }));
                    row
                })
                .collect();
            let mut header = vec!["result".to_string()];
            header.extend(lenses.iter().map(|l| l.1.to_string()));
            if k == 0 {
                Table {
                    caption: "Unlocatable children: ICE (the acting agency) and every agency (pooled)".into(),
                    header,
                    rows,
                    note: "Each cell: the mean over replications, then its 95% interval in parentheses. ICE is the agency that acts (it serves Notices to Appear and runs the welfare checks): unlocatable by ICE means ICE\u{2019}s own record does not hold the child\u{2019}s true address and ICE made no contact within the contact window. Pooled counts the children whom no agency (ORR, ICE, the court) can locate: what an ideal shared record could know, not what any agency can act on. Shares are of the time released children were followed.".into(),
                    collapsed: false,
                }
            } else {
                Table {
                    caption: "Unlocatable by ORR and by the immigration court".into(),
                    header,
                    rows,
                    note: "The same measures through ORR\u{2019}s and the court\u{2019}s own records and contacts.".into(),
                    collapsed: false,
                }
            }
        })
        .collect();
    let headline: Vec<Vec<String>> = HEADLINE
        .iter()
        .filter(|key| !output::is_lens_measure(key))
        .filter_map(|key| {
            row_of(key).map(|r| {
                vec![
                    label_of(key),
                    num(&cell(r, mean)),
                    interval(&cell(r, low), &cell(r, high)),
                ]
            })
        })
        .collect();
    let all: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                label_of(&cell(r, m)),
                num(&cell(r, mean)),
                interval(&cell(r, low), &cell(r, high)),
                cell(r, m),
            ]
        })
        .collect();
    let reps = i.str("replications");
    Ok(Section {
        heading: format!("Scenario \u{201c}{}\u{201d}", i.label),
        paragraphs: vec![
            format!(
                "{reps} replication(s) with seed {}, from the output folder {}. Each replication simulates a new synthetic cohort of children from arrival to the end of the follow-up.",
                i.str("seed"),
                i.dir.display()
            ),
            "The mean is the average over replications; the 95% interval shows how precisely the replications pin that average down (more replications give a narrower interval). It does not cover the uncertainty in the model's assumptions.".into(),
        ],
        tables: lens_tables.into_iter().chain([
            Table {
                caption: "The pipeline: headline results (whole run)".into(),
                header: strings(&["result", "mean", "95% interval of the mean"]),
                rows: headline,
                note: String::new(),
                collapsed: false,
            },
            Table {
                caption: format!("All {} metrics ({})", all.len(), headline::FILE),
                header: strings(&[
                    "result",
                    "mean",
                    "95% interval of the mean",
                    "column in the CSV files",
                ]),
                rows: all,
                note: String::new(),
                collapsed: true,
            },
        ]).collect(),
        charts: Vec::new(),
    })
}

/// A cell of the tables of unlocatable children: the mean, then its 95% interval in brackets
/// (shares as percentages).
fn measure_cell(kind: metrics::Kind, mean: f64, low: f64, high: f64) -> String {
    let f = |x: f64| match kind {
        metrics::Kind::Share => output::format::fmt_measure(kind, x),
        _ => num(&x.to_string()),
    };
    if !mean.is_finite() {
        "-".to_string()
    } else if low.is_finite() && high.is_finite() {
        format!("{} ({} to {})", f(mean), f(low), f(high))
    } else {
        format!("{} (needs 2+ replications for an interval)", f(mean))
    }
}

/// "Interval narrower by" in words: a finite ratio as a number; no ratio when the difference is
/// the same in every replication (both intervals have zero width, so the ratio means nothing).
fn narrower_by(ratio: &str, lo: f64, hi: f64) -> String {
    match ratio.parse::<f64>() {
        Ok(x) if x.is_finite() => num(ratio),
        _ if lo == hi => "- (the same difference in every replication)".into(),
        _ => "-".into(),
    }
}

fn compare_section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(comparison::FILE))?;
    let c = |n: &str| col(&h, n).unwrap_or(0);
    let (reform, metric, bm, rm, dm, dl, dh, ratio) = (
        c(comparison::REFORM),
        c(comparison::METRIC),
        c(comparison::BASELINE_MEAN),
        c(comparison::REFORM_MEAN),
        c(comparison::DIFFERENCE_MEAN),
        c(comparison::DIFFERENCE_CI95_LOW),
        c(comparison::DIFFERENCE_CI95_HIGH),
        c(comparison::WIDTH_RATIO),
    );
    let cell = |r: &Vec<String>, k: usize| r.get(k).cloned().unwrap_or_default();
    let mut reforms: Vec<String> = Vec::new();
    for r in &rows {
        let name = cell(r, reform);
        if !reforms.contains(&name) {
            reforms.push(name);
        }
    }
    let mut tables = Vec::new();
    for name in &reforms {
        let table_rows: Vec<Vec<String>> = HEADLINE
            .iter()
            .filter_map(|key| {
                rows.iter()
                    .find(|r| cell(r, reform) == *name && cell(r, metric) == *key)
                    .map(|r| {
                        let (lo, hi) = (
                            cell(r, dl).parse::<f64>().unwrap_or(f64::NAN),
                            cell(r, dh).parse::<f64>().unwrap_or(f64::NAN),
                        );
                        let reading = if lo.is_nan() || hi.is_nan() {
                            "too few replications to tell"
                        } else if hi < 0.0 {
                            "lower with the reform"
                        } else if lo > 0.0 {
                            "higher with the reform"
                        } else {
                            "no clear difference"
                        };
                        vec![
                            label_of(key),
                            num(&cell(r, bm)),
                            num(&cell(r, rm)),
                            signed(&cell(r, dm)),
                            interval(&cell(r, dl), &cell(r, dh)),
                            reading.to_string(),
                            narrower_by(&cell(r, ratio), lo, hi),
                        ]
                    })
            })
            .collect();
        tables.push(Table {
            caption: format!("Reform \u{201c}{name}\u{201d} against the baseline"),
            header: strings(&[
                "result",
                "baseline",
                "reform",
                "difference",
                "95% interval of the difference",
                "reading",
                "interval narrower by",
            ]),
            rows: table_rows,
            note: "Difference = reform minus baseline, paired replication by replication. \u{201c}No clear difference\u{201d} means the interval includes zero. \u{201c}Interval narrower by\u{201d}: how many times narrower pairing made the interval than comparing two independent sets of runs.".into(),
            collapsed: false,
        });
    }
    // scenario_diff.txt: "<reform> changes N value(s) from <baseline>:" then "  <path>: old -> new".
    let diff_text = std::fs::read_to_string(i.dir.join("scenario_diff.txt")).unwrap_or_default();
    let mut changes: Vec<Vec<String>> = Vec::new();
    let mut current = String::new();
    for l in diff_text.lines().filter(|l| !l.trim().is_empty()) {
        if !l.starts_with(' ') {
            current = l.split(" changes ").next().unwrap_or(l).to_string();
            continue;
        }
        let (path, values) = l.trim().split_once(": ").unwrap_or((l.trim(), ""));
        let values = values.replace(" -> ", " \u{2192} ");
        changes.push(vec![
            human_name(path),
            current.clone(),
            values,
            path.to_string(),
        ]);
    }
    if !changes.is_empty() {
        tables.insert(
            0,
            Table {
                caption: "What each reform changes (scenario_diff.txt)".into(),
                header: strings(&[
                    "setting",
                    "reform",
                    "baseline value \u{2192} reform value",
                    "key in the scenario file",
                ]),
                rows: changes,
                note: String::new(),
                collapsed: false,
            },
        );
    }
    let stop = i.str("stop_reason");
    let mut paragraphs = vec![
        format!(
            "{} reform(s) compared with the baseline \u{201c}{}\u{201d}: {} paired replication(s) each, seed {}. Every scenario is run with the same seed, so replication r of each draws the same synthetic children, arrival times and sponsors; the differences therefore come from the reforms, not from chance.",
            reforms.len(),
            i.name(),
            i.str("replications"),
            i.str("seed")
        ),
    ];
    if !stop.is_empty() {
        paragraphs.push(format!("Stopping rule: {stop}."));
    }
    Ok(Section {
        heading: format!("Comparison against \u{201c}{}\u{201d}", i.label),
        paragraphs,
        tables,
        charts: Vec::new(),
    })
}

fn sweep_section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(points::FILE))?;
    let ok = col(&h, points::REPLICATIONS_OK).unwrap_or(0);
    let params: Vec<usize> = (1..ok).collect();
    let metric = if col(&h, &points::mean(UNLOCATABLE_AT_HORIZON)).is_some() {
        UNLOCATABLE_AT_HORIZON.to_string()
    } else {
        h.iter()
            .find_map(|c| c.strip_suffix(points::MEAN_SUFFIX).map(String::from))
            .unwrap_or_default()
    };
    let (mm, ml, mh) = (
        col(&h, &points::mean(&metric)),
        col(&h, &points::ci95_low(&metric)),
        col(&h, &points::ci95_high(&metric)),
    );
    let cell =
        |r: &Vec<String>, k: Option<usize>| k.and_then(|k| r.get(k).cloned()).unwrap_or_default();
    const SHOWN: usize = 200;
    let mut header = vec![points::POINT.to_string()];
    header.extend(params.iter().map(|&p| human_name(&h[p])));
    header.push(format!("{} (mean)", label_of(&metric)));
    header.push("95% interval".into());
    let point_rows: Vec<Vec<String>> = rows
        .iter()
        .take(SHOWN)
        .map(|r| {
            let mut v = vec![cell(r, Some(0))];
            v.extend(params.iter().map(|&p| num(&cell(r, Some(p)))));
            v.push(num(&cell(r, mm)));
            v.push(interval(&cell(r, ml), &cell(r, mh)));
            v
        })
        .collect();
    let mut tables = Vec::new();
    let sens = i.dir.join(sensitivity::FILE);
    if sens.is_file() {
        let (sh, srows) = read_rows(&sens)?;
        let sc = |n: &str| col(&sh, n);
        let (m, p, idx, est, lo, hi) = (
            sc(sensitivity::METRIC),
            sc(sensitivity::PARAMETER),
            sc(sensitivity::INDEX),
            sc(sensitivity::ESTIMATE),
            sc(sensitivity::CI95_LOW),
            sc(sensitivity::CI95_HIGH),
        );
        let first_metric = srows.first().map(|r| cell(r, m)).unwrap_or_default();
        let shown = [
            sensitivity::index::MU_STAR,
            sensitivity::index::FIRST_ORDER,
            sensitivity::index::TOTAL,
        ];
        let rows_of_first: Vec<&Vec<String>> = srows
            .iter()
            .filter(|r| cell(r, m) == first_metric && shown.contains(&cell(r, idx).as_str()))
            .collect();
        let value =
            |r: &Vec<String>, k: Option<usize>| cell(r, k).parse::<f64>().unwrap_or(f64::NAN);
        let mut warnings = Vec::new();
        let main: Vec<Vec<String>> = rows_of_first
            .iter()
            .map(|r| {
                let (e, l, hgh) = (value(r, est), value(r, lo), value(r, hi));
                let kind = cell(r, idx);
                let mut reading = String::new();
                if l.is_finite() && hgh.is_finite() && l <= 0.0 && hgh >= 0.0 {
                    reading = "interval includes zero: no clear effect".into();
                }
                if kind != sensitivity::index::MU_STAR && (l < 0.0 || hgh > 1.0) {
                    reading = "not converged: the interval runs outside 0 to 1".into();
                }
                if kind == sensitivity::index::FIRST_ORDER {
                    let total = rows_of_first.iter().find(|t| {
                        cell(t, p) == cell(r, p) && cell(t, idx) == sensitivity::index::TOTAL
                    });
                    if let Some(t) = total {
                        if e > value(t, est) {
                            reading = "not converged: first-order above total".into();
                        }
                    }
                }
                if reading.starts_with("not converged") {
                    warnings.push(human_name(&cell(r, p)));
                }
                vec![
                    human_name(&cell(r, p)),
                    human_name(&kind),
                    num(&cell(r, est)),
                    interval(&cell(r, lo), &cell(r, hi)),
                    if reading.is_empty() {
                        "-".to_string()
                    } else {
                        reading
                    },
                ]
            })
            .collect();
        if !main.is_empty() {
            warnings.dedup();
            let mut note = "Morris: the typical change in the result when the setting moves across its whole range. Sobol first-order / total: the share of the result's variation due to the setting alone / including its interactions (between 0 and 1, and first-order at most total). Larger means more influential.".to_string();
            if !warnings.is_empty() {
                note = format!(
                    "WARNING: these estimates have not converged ({}): an index outside 0 to 1 or a first-order index above the total one is sampling noise, not a finding. Do not rank these settings; rerun the sweep with more samples. {note}",
                    warnings.join(", ")
                );
            }
            tables.push(Table {
                caption: format!(
                    "Which settings matter most for \u{201c}{}\u{201d} ({})",
                    label_of(&first_metric),
                    sensitivity::FILE
                ),
                header: strings(&["setting", "index", "estimate", "95% interval", "reading"]),
                rows: main,
                note,
                collapsed: false,
            });
        }
    }
    tables.push(Table {
        caption: format!(
            "The {} design points{} ({})",
            rows.len(),
            if rows.len() > SHOWN {
                format!(", first {SHOWN} shown")
            } else {
                String::new()
            },
            points::FILE
        ),
        header,
        rows: point_rows,
        note: String::new(),
        collapsed: rows.len() > 20,
    });
    Ok(Section {
        heading: format!("Sweep \u{201c}{}\u{201d}", i.label),
        paragraphs: vec![format!(
            "A {} design over {} setting(s): {} points with {} replication(s) each. Replication r of every point draws the same synthetic children, so differences between points come from the settings.",
            i.str("design"),
            params.len(),
            i.str("points"),
            i.str("replications")
        )],
        tables,
        charts: Vec::new(),
    })
}

/// Scenario discovery: the condition, how often it holds, the chosen box and the parameters that
/// matter, with what a box can and cannot say.
fn discovery_section(i: &Input) -> Result<Section> {
    let m = &i.manifest;
    let f = |k: &str| m[k].as_f64().unwrap_or(f64::NAN);
    let share = |x: f64| format!("{:.0}%", 100.0 * x);
    let pasted = &m["pasted"];
    let p = |k: &str| pasted[k].as_f64().unwrap_or(f64::NAN);
    let mut paragraphs = vec![
        format!(
            "For {}, the condition \u{201c}{}\u{201d} on {} ({}) holds in {} of {} futures of the explore in {}.",
            i.str("reform"),
            i.str("condition"),
            label_of(&i.str("metric")),
            i.str("direction").replace('_', " "),
            i.str("cases"),
            i.str("futures"),
            i.str("explore_dir")
        ),
        format!(
            "PRIM (peeling step {} of {}, then pasting) finds a box of the uncertain parameters that holds {} of the futures where the condition holds (coverage) and in which it holds in {} of the futures (density); the box holds {} of all futures (mass). Choose another box on the trade-off chart with `--box STEP`.",
            i.str("chosen_step"),
            f("steps") as u64 - 1,
            share(p("coverage")),
            share(p("density")),
            share(p("mass"))
        ),
        "A box describes where the condition held among the futures sampled, not a probability: the futures are a Latin hypercube over ranges the explore file chose, every future equally weighted. A parameter whose removal from the box barely lowers the density (the last column) is a weak restriction. Few futures give coarse boxes: a box found in fewer than about 100 futures is a hint to sample more, not a finding.".into(),
    ];
    let (bh, brows) = read_rows(&i.dir.join(discovery::BOX))?;
    let c = |n: &str| col(&bh, n);
    let cell =
        |r: &Vec<String>, k: Option<usize>| k.and_then(|k| r.get(k).cloned()).unwrap_or_default();
    let restricted: Vec<Vec<String>> = brows
        .iter()
        .filter(|r| cell(r, c("restricted")) == "true")
        .map(|r| {
            vec![
                cell(r, c("parameter")),
                format!("{} to {}", num(&cell(r, c("min"))), num(&cell(r, c("max")))),
                format!(
                    "{} to {}",
                    num(&cell(r, c("range_min"))),
                    num(&cell(r, c("range_max")))
                ),
                num(&cell(r, c("density_without"))),
            ]
        })
        .collect();
    if restricted.is_empty() {
        paragraphs.push("The chosen box restricts no parameter: the condition is spread over the whole space explored.".into());
    }
    let (sh, srows) = read_rows(&i.dir.join(discovery::SCORES))?;
    let sc = |n: &str| col(&sh, n);
    let scores: Vec<Vec<String>> = srows
        .iter()
        .take(10)
        .map(|r| {
            vec![
                cell(r, sc("rank")),
                cell(r, sc("parameter")),
                num(&cell(r, sc("score_condition"))),
                num(&cell(r, sc("null_level"))),
                if cell(r, sc("in_box")) == "true" {
                    "yes"
                } else {
                    "no"
                }
                .into(),
            ]
        })
        .collect();
    Ok(Section {
        heading: format!("Scenario discovery: {}", i.label),
        paragraphs,
        tables: vec![
            Table {
                caption: "The chosen box: the parameters it restricts".into(),
                header: strings(&[
                    "parameter",
                    "in the box",
                    "range explored",
                    "density without this restriction",
                ]),
                rows: restricted,
                note: format!("All limits are in {}; unrestricted parameters keep their whole range.", discovery::BOX),
                collapsed: false,
            },
            Table {
                caption: "Which assumptions matter for the condition (feature scores, top 10)".into(),
                header: strings(&["rank", "parameter", "score", "chance level", "restricted by the box"]),
                rows: scores,
                note: format!("The score is the share of the condition's variance explained by the parameter alone (in bins); a score near the chance level says nothing. All parameters in {}.", discovery::SCORES),
                collapsed: false,
            },
        ],
        charts: Vec::new(),
    })
}

fn journey_section(i: &Input) -> Result<Section> {
    let (h, rows) = read_rows(&i.dir.join(journey::FILE))?;
    let c = |n: &str| col(&h, n).unwrap_or(0);
    let (date, event, state, loc, pooled, truth) = (
        c(journey::DATE),
        c(journey::EVENT),
        c(journey::STATE),
        c(journey::LOCATABLE_BY_ICE),
        c(journey::LOCATABLE_POOLED),
        c(journey::TRUE_ADDRESS),
    );
    let recs: Vec<usize> = Agency::ALL
        .iter()
        .map(|&a| c(&journey::record(a)))
        .collect();
    let cell = |r: &Vec<String>, k: usize| r.get(k).cloned().unwrap_or_default();
    let word = |r: &Vec<String>, k: usize| {
        let v = cell(r, k);
        if v == "0" || v.is_empty() {
            "no address".to_string()
        } else if v == cell(r, truth) {
            "TRUE address".to_string()
        } else {
            "old address".to_string()
        }
    };
    // Released children followed as children (with the sponsor, left the sponsor, exploited).
    let followed: Vec<&str> = State::ALL
        .iter()
        .filter(|s| s.is_followed())
        .map(|s| s.name())
        .collect();
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let st = cell(r, state);
            let yes_no = |k: usize| -> String {
                if !followed.contains(&st.as_str()) {
                    "-".into()
                } else if cell(r, k) == "true" {
                    "yes".into()
                } else {
                    "NO".into()
                }
            };
            let mut v = vec![
                cell(r, date),
                cell(r, event),
                st.replace('_', " "),
                yes_no(loc),
                yes_no(pooled),
            ];
            v.extend(recs.iter().map(|&k| word(r, k)));
            v
        })
        .collect();
    let mut paragraphs = vec![format!(
        "One synthetic child followed through scenario \u{201c}{}\u{201d} (seed {}, replication {}){}. Each line is one step of the journey: what happened, where the child was, and what each agency's record held at that moment.",
        i.name(),
        i.str("seed"),
        i.str("replication"),
        match i.manifest["chosen"].as_str() {
            Some(how) => format!(": {how}"),
            None => String::new(),
        }
    )];
    if let Some(last) = rows.last() {
        let st = cell(last, state);
        let end = if !followed.contains(&st.as_str()) {
            format!(
                "At the end the child is no longer followed as a child ({}).",
                st.replace('_', " ")
            )
        } else if cell(last, loc) == "true" {
            "At the end ICE (the acting agency) can locate the child: its record holds the true address or it made recent contact.".into()
        } else if cell(last, pooled) == "true" {
            "At the end ICE (the acting agency) cannot locate the child: its record does not hold the true address and it made no recent contact. Another agency (ORR or the court) could: the knowledge exists, but not where the agency that acts can use it.".into()
        } else {
            "At the end ICE (the acting agency) cannot locate the child: its record does not hold the true address and it made no recent contact.".into()
        };
        paragraphs.push(end);
    }
    Ok(Section {
        heading: format!("Journey of synthetic child {}", i.str("child")),
        paragraphs,
        tables: vec![Table {
            caption: format!("The journey step by step ({})", journey::FILE),
            header: [
                "date",
                "event",
                "where the child is",
                "locatable by ICE",
                "locatable by any agency",
            ]
                .iter()
                .map(|s| s.to_string())
                .chain(Agency::ALL.iter().map(|&a| record_label(a).to_string()))
                .collect(),
            rows: table_rows,
            note: "TRUE address: the agency's record holds the address where the child truly lives. Old address: an address where the child no longer lives (or never did). Locatable by ICE: ICE's record holds the true address or ICE made contact within the contact window. Locatable by any agency (pooled): ORR, ICE or the court can locate the child in that sense. Both apply only after release.".into(),
            collapsed: rows.len() > 60,
        }],
        charts: Vec::new(),
    })
}

/// The heading of an agency's record in the journey table.
fn record_label(agency: Agency) -> &'static str {
    match agency {
        Agency::Cbp => "CBP record",
        Agency::Orr => "ORR record",
        Agency::Ice => "ICE record",
        Agency::Court => "court record",
    }
}

/// Scenario files behind the inputs, each read once, in first-seen order.
fn sources(inputs: &[Input]) -> Vec<SourceFile> {
    let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut add = |p: PathBuf, text: Option<String>| {
        let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if seen.insert(key) {
            files.push((p, text));
        }
    };
    let from_scenario =
        |p: &Path, add: &mut dyn FnMut(PathBuf, Option<String>)| match crate::scenario::load::load(
            p,
        ) {
            Ok(loaded) => {
                for (path, bytes) in loaded.sources {
                    add(path, Some(String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
            Err(_) => add(p.to_path_buf(), None),
        };
    for i in inputs {
        let listed: Vec<PathBuf> = i.manifest["scenario_files"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["path"].as_str().map(PathBuf::from))
                    .collect()
            })
            .unwrap_or_default();
        match i.kind {
            Kind::Run | Kind::Journey => {
                for p in listed {
                    add(p, None);
                }
            }
            Kind::Compare => {
                if listed.is_empty() {
                    let mut named: Vec<PathBuf> = Vec::new();
                    if let Some(b) = i.manifest["baseline"].as_str() {
                        named.push(b.into());
                    }
                    if let Some(a) = i.manifest["reforms"].as_array() {
                        named.extend(a.iter().filter_map(|r| r.as_str().map(PathBuf::from)));
                    }
                    for p in named {
                        from_scenario(&p, &mut add);
                    }
                } else {
                    for p in listed {
                        add(p, None);
                    }
                }
            }
            // The explore's scenarios are listed by its own folder (explore.json).
            Kind::Discovery => {}
            Kind::Sweep => {
                let file = PathBuf::from(i.str("sweep_file"));
                add(file.clone(), None);
                if let Ok(sw) = crate::experiment::sweep::load(&file) {
                    for (path, bytes) in &sw.base.loaded.sources {
                        add(
                            path.clone(),
                            Some(String::from_utf8_lossy(bytes).into_owned()),
                        );
                    }
                }
            }
        }
    }
    files
        .into_iter()
        .map(|(path, text)| {
            let text = match text {
                Some(t) => Ok(t),
                None => std::fs::read_to_string(&path),
            };
            match text {
                Ok(t) => SourceFile {
                    file: path.display().to_string(),
                    citations: extract_sources(&t),
                    error: None,
                },
                Err(e) => SourceFile {
                    file: path.display().to_string(),
                    citations: Vec::new(),
                    error: Some(format!(
                        "{e} (paths in manifest.json are as given when the outputs were made; run the report from the same folder)"
                    )),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{and_list, group_equal, num, policy_rows, ARRIVED, UNLOCATABLE_AT_HORIZON};
    use crate::output::schema::metric_names;
    use crate::sim::params::PolicyChange;

    #[test]
    fn policy_rows_are_numbered_as_on_the_timeline_and_say_what_is_in_force_at_start() {
        let change = |date: &str, day: u32, name: &str| PolicyChange {
            key: name.to_lowercase(),
            date: date.into(),
            day,
            name: name.into(),
            source: format!("{name} source"),
        };
        let rows = policy_rows(&[
            change("2018-05-13", 0, "MOA"),
            change("2018-12-19", 79, "Roll-back"),
        ]);
        assert_eq!(
            rows,
            [
                ["1", "2018-05-13", "in force at start", "MOA", "MOA source"],
                [
                    "2",
                    "2018-12-19",
                    "from day 79",
                    "Roll-back",
                    "Roll-back source"
                ],
            ]
        );
        assert!(policy_rows(&[]).is_empty());
    }

    #[test]
    fn scenarios_are_grouped_by_equal_policy_history_in_first_seen_order() {
        let items = [
            ("a".to_string(), 1),
            ("b".to_string(), 2),
            ("c".to_string(), 1),
        ];
        let groups = group_equal(&items);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            (groups[0].0.clone(), *groups[0].1),
            (vec!["a".into(), "c".into()], 1)
        );
        assert_eq!((groups[1].0.clone(), *groups[1].1), (vec!["b".into()], 2));
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&names(&["a"])), "a");
        assert_eq!(and_list(&names(&["a", "b"])), "a and b");
        assert_eq!(and_list(&names(&["a", "b", "c"])), "a, b and c");
    }

    #[test]
    fn needed_metrics_are_engine_metrics() {
        for m in [ARRIVED, UNLOCATABLE_AT_HORIZON] {
            assert!(metric_names().contains(&m), "{m} is not a metric");
        }
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(num("1234567.4"), "1,234,567");
        assert_eq!(num("-1234"), "-1,234");
        assert_eq!(num("12"), "12");
        assert_eq!(num("12.345"), "12.3");
        assert_eq!(num("0.12345"), "0.123");
        assert_eq!(num(""), "");
    }
}
