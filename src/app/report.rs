//! `custody-sim report`: one self-contained HTML report (inline SVG charts and CSS, no scripts,
//! nothing fetched) from the output folders of `run`, `compare`, `sweep`, `journey` and
//! `discover`; the report itself is built in `output/report/`.
//!
//! Every folder is checked before anything is written: a folder with no outputs, or outputs of an
//! older format, is bad input (exit code 2) and the message says what is missing and how to
//! produce it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::BadInput;
use crate::cli::ReportArgs;
use crate::error::ScenarioError;
use crate::output::charts;
use crate::output::report::folders::{inspect_all, Input, Kind};
use crate::output::report::{html, overview, section, side_by_side};

/// `custody-sim report DIR... --out FILE`.
pub(super) fn report(args: &ReportArgs) -> Result<()> {
    build(&args.dirs, &args.out, args.quiet)
}

/// Check every folder, draw the charts into `<out stem>_charts/` and write the report to `out`.
pub(super) fn build(dirs: &[PathBuf], out: &Path, quiet: bool) -> Result<()> {
    let inputs = inspect_all(dirs).map_err(BadInput)?;
    if out.is_dir() {
        return Err(BadInput(ScenarioError::Outputs {
            path: out.to_path_buf(),
            message:
                "is a folder: --out needs the name of the HTML file to write, e.g. report.html"
                    .into(),
        })
        .into());
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
    let _lock = super::lock_out(&charts_dir, "report")?;
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
    let mut run_policies = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let sub = charts_dir.join(format!("{:02}-{}", i + 1, input.kind.name()));
        let done = section::of_folder(input, &sub).map_err(super::bad_input)?;
        n_charts += done.charts;
        if let Some(policy) = done.policy {
            run_policies.push((input.label.clone(), policy));
        }
        sections.push(done.section);
        bar.inc(1);
    }
    if runs.len() >= 2 {
        let (section, drawn) =
            side_by_side::section(&runs, &run_policies, &charts_dir.join("all-scenarios"))?;
        n_charts += drawn;
        sections.insert(0, section);
        bar.inc(1);
    }
    bar.set_message("writing the report");
    html::write_report(out, &overview::report(&inputs, sections))?;
    bar.inc(1);
    bar.finish_and_clear();
    if !quiet {
        println!(
            "Wrote {} ({} inline; their SVG and PNG files are in {}/). Open it in any browser; it needs no network.",
            out.display(),
            crate::output::format::counted(n_charts, "chart", "charts"),
            charts_dir.display()
        );
    }
    Ok(())
}
