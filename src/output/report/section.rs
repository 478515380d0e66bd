//! One input folder's section of the report: its charts drawn by kind, its text and tables, and
//! the charts inlined with the tables of their policy timelines.

use std::path::Path;

use anyhow::{Context, Result};

use super::folders::{Input, Kind};
use super::html::inline_svg;
use super::policy::{attach_policy_tables, run_policy, ScenarioPolicy, Timeline};
use super::{compare, discover, journey, run, sweep, InlineChart, Section};
use crate::output::charts::{self, Chart};
use crate::output::schema;

/// A folder's section, with how many charts it drew.
pub(crate) struct FolderSection {
    pub section: Section,
    /// Charts drawn into the folder's charts folder.
    pub charts: usize,
    /// A run's scenario's policy history (or why it cannot be shown), for the chart of all
    /// scenarios; `None` for other kinds.
    pub policy: Option<Result<ScenarioPolicy, String>>,
}

/// Draw the charts of `input` into `sub` and build its section.
pub(crate) fn of_folder(input: &Input, sub: &Path) -> Result<FolderSection> {
    // Policy timelines drawn with this folder's charts, and notes on those that cannot be drawn.
    let mut timelines: Vec<Timeline> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut policy = None;
    let drawn: Vec<Chart> = match input.kind {
        Kind::Run => {
            let p = run_policy(input);
            let drawn = run::charts(input, sub, &p, &mut timelines, &mut notes);
            policy = Some(p);
            drawn
        }
        Kind::Compare => compare::charts(input, sub, &mut timelines, &mut notes),
        Kind::Sweep => charts::charts_for_sweep(&input.dir, sub),
        Kind::Journey => {
            charts::journey_chart(&input.dir.join(schema::journey::FILE), sub).map(|c| vec![c])
        }
        Kind::Discovery => charts::charts_for_discovery(&input.dir, sub),
    }
    .with_context(|| format!("drawing the charts of {}", input.dir.display()))?;
    let mut section = match input.kind {
        Kind::Run => run::section(input)?,
        Kind::Compare => compare::section(input)?,
        Kind::Sweep => sweep::section(input)?,
        Kind::Journey => journey::section(input)?,
        Kind::Discovery => discover::section(input)?,
    };
    section.paragraphs.extend(notes);
    section.charts = inline_charts(&drawn)?;
    if input.kind == Kind::Compare {
        compare::lead_with_posterior(input, &mut section)?;
    }
    attach_policy_tables(&mut section.charts, &timelines);
    Ok(FolderSection {
        section,
        charts: drawn.len(),
        policy,
    })
}

/// Charts read back from their SVG files, fit to inline in the page.
pub(crate) fn inline_charts(charts: &[Chart]) -> Result<Vec<InlineChart>> {
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
                lead: false,
            })
        })
        .collect()
}
