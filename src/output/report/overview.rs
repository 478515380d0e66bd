//! What the report says about all its folders at once: the title, the table of the folders and
//! what was run in each, and the whole [`Report`] put together from the sections.

use std::path::Path;

use serde_json::Value;

use super::cells::strings;
use super::citations::sources;
use super::folders::{Input, Kind};
use super::glossary::GLOSSARY;
use super::{Report, Section, Table};
use crate::output;

/// The report on `inputs` with their `sections`, dated today.
pub(crate) fn report(inputs: &[Input], sections: Vec<Section>) -> Report {
    let names: Vec<String> = inputs
        .iter()
        .map(|i| format!("{} ({})", i.label, i.kind.name()))
        .collect();
    Report {
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
        runs: what_was_run(inputs),
        sections,
        caveats: output::CAVEATS.iter().map(|s| s.to_string()).collect(),
        sources: sources(inputs),
        glossary: GLOSSARY
            .iter()
            .map(|(t, m)| (t.to_string(), m.to_string()))
            .collect(),
    }
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
