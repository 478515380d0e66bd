//! What each command did, as one typed value per command: its inputs, its counts, its output
//! folder, **every file it wrote** (`files`, relative to the folder) and the results it shows.
//!
//! A command builds its outcome, then:
//! - `--json` prints it ([`CommandOutcome::print_json`]: the outcome serialised, with `program`,
//!   `version` and `command` added, keys in alphabetical order);
//! - the summary for people is rendered from it ([`CommandOutcome::summary`]);
//! - the manifest it writes (`run`, `compare`, `validate`, `journey`, `calibrate`) is built from
//!   it (`manifest()`, a type of [`crate::output::manifest`]), listing the same files.
//!
//! Fields marked `#[serde(skip)]` are shown to people or written to the manifest but were never
//! part of the `--json` document. `merge` returns the merged campaign's outcome
//! ([`SweepOutcome`] or [`ExploreOutcome`]), as the whole campaign would.

mod calibrate;
mod campaign;
mod compare;
mod discover;
mod explore;
mod journey;
mod run;
mod sweep;
mod validate;

use anyhow::Result;
use serde::{Serialize, Serializer};

pub(super) use calibrate::{CalibrateOutcome, ParameterOutcome};
pub(super) use campaign::ShardOutcome;
pub(super) use compare::{CompareOutcome, HangsOn, PosteriorOutcome, ReformOutcome};
pub(super) use discover::{BoxLimit, BoxStatsOut, DiscoverOutcome, FeatureScore};
pub(super) use explore::{ExploreId, ExploreListing, ExploreOutcome};
pub(super) use journey::JourneyOutcome;
pub(super) use run::RunOutcome;
pub(super) use sweep::{SlurmOutcome, SweepId, SweepOutcome};
pub(super) use validate::ValidateOutcome;

use crate::experiment::targets::{Outcome, Target};
use crate::output::schema::MANIFEST;
use crate::output::CAVEATS;
use crate::stats::Interval;

/// What every command's outcome offers.
pub(super) trait CommandOutcome: Serialize {
    /// The command its `--json` document names.
    fn command(&self) -> &'static str;

    /// The summary printed for people (each line ends with a newline).
    fn summary(&self) -> String;

    /// `--json`: the outcome as one JSON document on standard output.
    fn print_json(&self) -> Result<()> {
        print_json(self.command(), serde_json::to_value(self)?)
    }

    /// The JSON document with `--json`; otherwise the summary, unless quiet.
    fn emit(&self, json: bool, quiet: bool) -> Result<()> {
        if json {
            self.print_json()
        } else {
            if !quiet {
                print!("{}", self.summary());
            }
            Ok(())
        }
    }
}

/// Print the one JSON document of `--json` on standard output (and nothing else goes there).
/// Numbers that are not defined (NaN, infinite) are `null`; the keys of every object are in
/// alphabetical order (a `serde_json::Map` sorts them).
fn print_json(command: &str, mut doc: serde_json::Value) -> Result<()> {
    use std::io::Write;
    if let Some(map) = doc.as_object_mut() {
        let mut head = serde_json::Map::new();
        head.insert("program".into(), env!("CARGO_PKG_NAME").into());
        head.insert("version".into(), env!("CARGO_PKG_VERSION").into());
        head.insert("command".into(), command.into());
        head.append(map);
        *map = head;
    }
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// A mean with its 95% interval as `--json` writes it: `n`, `mean`, `sd`, `ci95_low`,
/// `ci95_high` (null when not defined, e.g. the interval of one replication).
#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct IntervalOut {
    n: usize,
    mean: f64,
    sd: f64,
    ci95_low: f64,
    ci95_high: f64,
}

impl From<&Interval> for IntervalOut {
    fn from(i: &Interval) -> Self {
        IntervalOut {
            n: i.n,
            mean: i.mean,
            sd: i.sd,
            ci95_low: i.low,
            ci95_high: i.high,
        }
    }
}

/// Every metric's interval, as an object keyed by metric.
fn intervals<S: Serializer>(metrics: &[(&'static str, Interval)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(metrics.iter().map(|(k, i)| (k, IntervalOut::from(i))))
}

/// One target against the model, as `--json` writes it (`role` in a calibration only).
#[derive(Serialize)]
struct TargetOut<'a> {
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    qualifier: &'a str,
    published: f64,
    model: IntervalOut,
    relative_error: f64,
    tolerance: f64,
    pass: bool,
}

impl<'a> TargetOut<'a> {
    fn new(t: &'a Target, o: &Outcome, role: Option<&'static str>) -> Self {
        TargetOut {
            target: &t.raw.name,
            role,
            qualifier: &t.raw.qualifier,
            published: t.raw.value,
            model: IntervalOut::from(&o.model),
            relative_error: o.relative_error,
            tolerance: t.raw.tolerance,
            pass: o.pass,
        }
    }
}

/// The files as a summary lists them: in order, the manifest last.
fn listed(files: &[String]) -> String {
    let (manifest, rest): (Vec<&String>, Vec<&String>) = files.iter().partition(|f| *f == MANIFEST);
    rest.into_iter()
        .chain(manifest)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model's caveats, as the summaries of `run` and `compare` end.
fn caveats() -> String {
    let mut s = String::from("Caveats:\n");
    for c in CAVEATS {
        s.push_str(&format!("  - {c}\n"));
    }
    s
}
