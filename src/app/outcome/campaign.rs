//! What campaigns' outcomes share: the runs of a whole campaign ([`CampaignRuns`]), and one
//! shard's outcome (`sweep --shard K/N`, `explore --shard K/N`).

use std::path::Path;

use anyhow::{bail, Result};
use serde::Serialize;

use super::CommandOutcome;
use crate::experiment::campaign::{Ran, Shard};

/// One shard's runs; `C` says which campaign ([`super::SweepId`], [`super::ExploreId`]).
#[derive(Debug, Serialize)]
pub(crate) struct ShardOutcome<C: Serialize> {
    #[serde(flatten)]
    pub campaign: C,
    /// `K/N`.
    pub shard: String,
    pub runs_in_shard: u64,
    pub runs_done_now: u64,
    pub runs_failed_now: u64,
    /// The shard's folder.
    pub out: String,
    /// Every file written, relative to `out`.
    pub files: Vec<String>,
    /// The command that ran it.
    #[serde(skip)]
    pub command: &'static str,
    /// The campaign's file, as given.
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    pub wall_time_seconds: f64,
}

impl<C: Serialize> ShardOutcome<C> {
    /// Shard `shard` of the campaign `campaign` (run by `command` from `file`), which ran `ran`
    /// in `wall` seconds into `out`, writing `files` there.
    pub(crate) fn new(
        (campaign, command, file): (C, &'static str, &Path),
        shard: Shard,
        ran: &Ran,
        out: &Path,
        files: &[&str],
        wall: f64,
    ) -> Self {
        ShardOutcome {
            campaign,
            shard: format!("{}/{}", shard.k, shard.n),
            runs_in_shard: ran.owned,
            runs_done_now: ran.done_now,
            runs_failed_now: ran.failed_now,
            out: out.display().to_string(),
            files: files.iter().map(|f| f.to_string()).collect(),
            command,
            file: file.display().to_string(),
            wall_time_seconds: wall,
        }
    }

    /// Refuse a shard whose log (`log`, in `out`) still lacks `absent` of its runs; otherwise
    /// print the outcome (`--json`) or its summary (unless quiet).
    pub(crate) fn finish(&self, absent: u64, log: &str, json: bool, quiet: bool) -> Result<()> {
        if absent > 0 {
            bail!(
                "{absent} of the {} runs of shard {} are missing from {}/{log}; run the same command again with --resume",
                self.runs_in_shard,
                self.shard,
                self.out
            );
        }
        self.emit(json, quiet)
    }
}

impl<C: Serialize> CommandOutcome for ShardOutcome<C> {
    fn command(&self) -> &'static str {
        self.command
    }

    fn summary(&self) -> String {
        format!(
            "Shard {} of {}: {} runs done now ({} were already done), {} failed, {:.1} s. Outputs in {}/.\nMerge the shards with: custody-sim merge <shard folders> --out <folder>\n",
            self.shard,
            self.file,
            self.runs_done_now,
            self.runs_in_shard - self.runs_done_now,
            self.runs_failed_now,
            self.wall_time_seconds,
            self.out
        )
    }
}

/// A whole campaign's runs (run at once, or merged from its shards) and its files.
#[derive(Debug, Serialize)]
pub(crate) struct CampaignRuns {
    pub runs: u64,
    /// Runs done by this command (none for `merge`).
    pub runs_done_now: Option<usize>,
    pub ok: u64,
    pub failed: u64,
    pub missing: u64,
    /// The output folder.
    pub out: String,
    /// Every file written, relative to `out`.
    pub files: Vec<String>,
    /// How long the runs done now took.
    #[serde(skip)]
    pub wall_time_seconds: Option<f64>,
}

impl CampaignRuns {
    /// `runs` runs, of which `ok`, `failed` and `missing`, summarised into `files` in `out`;
    /// `ran`: the runs done now and how long they took (`None` for `merge`).
    pub(crate) fn new(
        runs: u64,
        (ok, failed, missing): (u64, u64, u64),
        out: String,
        files: Vec<String>,
        ran: Option<(usize, f64)>,
    ) -> Self {
        CampaignRuns {
            runs,
            runs_done_now: ran.map(|r| r.0),
            ok,
            failed,
            missing,
            out,
            files,
            wall_time_seconds: ran.map(|r| r.1),
        }
    }

    /// "`N` runs done now in `S` s", if runs were done now.
    pub(crate) fn done_now(&self) -> Option<String> {
        let (ran, wall) = (self.runs_done_now?, self.wall_time_seconds?);
        Some(format!("{ran} runs done now in {wall:.1} s"))
    }

    /// "`runs` runs: `ok` ok, `failed` failed, `missing` missing".
    pub(crate) fn counts(&self) -> String {
        format!(
            "{} runs: {} ok, {} failed, {} missing",
            self.runs, self.ok, self.failed, self.missing
        )
    }

    /// The summary's last line: the folder and the files.
    pub(crate) fn outputs(&self) -> String {
        format!("Outputs in {}/ ({})\n", self.out, self.files.join(", "))
    }
}
