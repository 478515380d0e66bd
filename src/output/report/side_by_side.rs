//! The section "All scenarios side by side": the run folders' unlocatable children on one chart,
//! with one policy timeline per distinct policy history.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::folders::Input;
use super::policy::{
    and_list, attach_policy_tables, group_equal, policy_groups_note, ScenarioPolicy, Timeline,
};
use super::section::inline_charts;
use super::Section;
use crate::output::charts::{self, PolicyHistory};

/// The section on `runs` (two or more), with the policy history of each run (or why it cannot be
/// shown) by label; its charts are drawn into `dir`. Returns it with how many charts it drew.
pub(crate) fn section(
    runs: &[&Input],
    run_policies: &[(String, Result<ScenarioPolicy, String>)],
    dir: &Path,
) -> Result<(Section, usize)> {
    let named: Vec<(String, PathBuf)> = runs
        .iter()
        .map(|r| (r.label.clone(), r.dir.clone()))
        .collect();
    let mut paragraphs = vec![format!(
            "The {} scenarios of this report on one chart. Scenarios run with the same seed draw the same synthetic children, so their differences come from the scenarios, not from chance.",
            runs.len()
        )];
    let mut known: Vec<(String, &ScenarioPolicy)> = Vec::new();
    for (label, policy) in run_policies {
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
    let drawn = charts::unlocatable_by_scenario_with_policy(&named, dir, &histories)
        .context("drawing the chart of unlocatable children by scenario")?;
    let timelines: Vec<Timeline> = drawn[1..]
        .iter()
        .zip(histories)
        .map(|(c, h)| (c.id.clone(), h, true))
        .collect();
    let mut charts = inline_charts(&drawn)?;
    attach_policy_tables(&mut charts, &timelines);
    Ok((
        Section {
            heading: "All scenarios side by side".into(),
            paragraphs,
            tables: Vec::new(),
            charts,
        },
        drawn.len(),
    ))
}
