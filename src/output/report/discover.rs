//! A scenario-discovery folder's section: the condition, how often it holds, the chosen box and the
//! parameters that matter, with what a box can and cannot say.

use anyhow::Result;

use super::cells::{col, num, read_rows, strings};
use super::folders::Input;
use super::{human_name, Section, Table};
use crate::output::discover as discovery;

/// Scenario discovery: the condition, how often it holds, the chosen box and the parameters that
/// matter, with what a box can and cannot say.
pub(super) fn section(i: &Input) -> Result<Section> {
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
            human_name(&i.str("metric")),
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
