//! `custody-sim completions SHELL` and `custody-sim man`: shell completion scripts and manual
//! pages generated from the command-line definitions (clap), so they never drift from the program.

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};

/// The program's name on the command line.
const BIN: &str = "custody-sim";

/// Print the completion script for one shell on standard output.
pub(super) fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, BIN, &mut buf);
    std::io::stdout()
        .lock()
        .write_all(&buf)
        .context("cannot write the completion script to standard output")?;
    Ok(())
}

/// Every manual page, as (file name, roff text): `custody-sim.1`, then one per command
/// (`custody-sim-run.1`, ...), in the order of `--help`.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    let mut render = |c: clap::Command| -> Result<()> {
        let man = clap_mangen::Man::new(c)
            .source(format!("{BIN} {}", env!("CARGO_PKG_VERSION")))
            .manual("custody-sim manual");
        let mut text = Vec::new();
        man.render(&mut text)?;
        pages.push((man.get_filename(), text));
        Ok(())
    };
    render(cmd.clone())?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        render(sub.clone())?;
    }
    Ok(pages)
}

/// Write every manual page into `--out` (created if missing).
pub(super) fn man(args: &ManArgs) -> Result<()> {
    let pages = man_pages()?;
    if args.out.exists() && !args.out.is_dir() {
        return Err(super::BadInput(crate::error::ScenarioError::Outputs {
            path: args.out.clone(),
            message: "--out must be a folder (the manual pages are written into it), not a file"
                .into(),
        })
        .into());
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for (name, text) in &pages {
        crate::output::files::write_atomic(&args.out.join(name), |w| {
            w.write_all(text)?;
            Ok(())
        })?;
    }
    println!(
        "Wrote {} manual pages into {}/ (custody-sim.1 and one per command); read one with `man {}/custody-sim.1`",
        pages.len(),
        args.out.display(),
        args.out.display()
    );
    Ok(())
}
