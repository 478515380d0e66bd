//! The policy histories of the scenarios behind a report's folders: read again from the scenario
//! files (checked against the SHA-256 their manifest lists), grouped when equal, described in a
//! sentence, and each timeline's table of dated changes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::cells::strings;
use super::folders::Input;
use super::{InlineChart, Table};
use crate::output::charts::{change_number, PolicyHistory};
use crate::output::format::counted;
use crate::output::manifest::hash_sources;
use crate::sim::params::{Policy, PolicyChange};

/// A policy timeline among a section's charts: the chart's id, the history it draws, and whether
/// it is drawn under the chart before it, on the same dates.
pub(crate) type Timeline = (String, PolicyHistory, bool);

/// The id of a run's policy timeline (see [`crate::output::charts::charts_for_run_with_policy`]).
pub(super) const RUN_POLICY_CHART: &str = "run-policy";

/// The policy history of a scenario, as the engine ran it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScenarioPolicy {
    start_date: String,
    end_date: String,
    policy: Policy,
}

impl ScenarioPolicy {
    pub(super) fn history(&self, who: String) -> PolicyHistory {
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
    let (files, _) = hash_sources(&sc);
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
pub(super) fn run_policy(i: &Input) -> std::result::Result<ScenarioPolicy, String> {
    match i.manifest["scenario_files"][0]["path"].as_str() {
        Some(p) => scenario_policy(Path::new(p), &i.manifest),
        None => Err("manifest.json names no scenario file".into()),
    }
}

/// The policy histories of a comparison's baseline and reforms, one per distinct history with
/// the scenarios that share it (the baseline first); and why any cannot be shown.
pub(super) fn compare_policies(i: &Input) -> (Vec<(Vec<String>, PolicyHistory)>, Vec<String>) {
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
pub(super) fn group_equal<T: PartialEq>(items: &[(String, T)]) -> Vec<(Vec<String>, &T)> {
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
pub(super) fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A sentence on whose policy histories differ. `all` names the `total` scenarios ("all 3
/// scenarios"); those whose history could not be read are in no group.
pub(super) fn policy_groups_note(
    groups: &[(Vec<String>, PolicyHistory)],
    all: &str,
    total: usize,
) -> String {
    match groups {
        [(names, h)] => {
            let whose = if names.len() == total {
                format!("{all} share one")
            } else {
                format!("only that of {} could be read", and_list(names))
            };
            format!(
                "Policy history: {whose}, with {}; its timeline and table of changes are below.",
                counted(h.changes.len(), "dated change", "dated changes")
            )
        }
        _ => format!(
            "Policy history: the scenarios' histories differ. There is one timeline per distinct history, each with its table of changes: {}.",
            groups
                .iter()
                .map(|(names, h)| {
                    format!(
                        "{} ({})",
                        and_list(names),
                        counted(h.changes.len(), "change", "changes")
                    )
                })
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
pub(super) fn attach_policy_tables(charts: &mut [InlineChart], timelines: &[Timeline]) {
    for c in charts {
        if let Some((_, h, attached)) = timelines.iter().find(|t| t.0 == c.id) {
            c.table = Some(policy_table(h));
            c.attached = *attached;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{and_list, group_equal, policy_rows};
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
}
