//! `manifest.json`, one type per command that writes one (`run`, `compare`, `validate`,
//! `journey`, `calibrate`): what was run, how, with which program, and every file the command
//! wrote (`outputs`). Each is built from the command's outcome (`app::outcome`).
//!
//! `run`'s manifest is written in field order; the others have always been written with their keys
//! in alphabetical order, and still are ([`write_sorted`]).

use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::files::write_atomic;
use super::CAVEATS;
use crate::scenario::Scenario;

/// One file of a scenario's `extends` chain, with the SHA-256 of its bytes.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ScenarioFile {
    pub path: String,
    pub sha256: String,
}

/// The files of a scenario's `extends` chain with the SHA-256 of each, and the SHA-256 over all
/// their bytes in chain order.
pub(crate) fn hash_sources(s: &Scenario) -> (Vec<ScenarioFile>, String) {
    let mut all = Sha256::new();
    let files = s
        .loaded
        .sources
        .iter()
        .map(|(path, bytes)| {
            all.update(bytes);
            ScenarioFile {
                path: path.display().to_string(),
                sha256: hex(&Sha256::digest(bytes)),
            }
        })
        .collect();
    (files, hex(&all.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `run`'s `manifest.json`.
#[derive(Debug, Serialize)]
pub(crate) struct Manifest {
    pub program: &'static str,
    pub version: &'static str,
    pub scenario: String,
    pub scenario_files: Vec<ScenarioFile>,
    /// SHA-256 over the bytes of every file in the `extends` chain, in chain order.
    pub scenario_hash: String,
    pub seed: u64,
    pub replications: u64,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub children_per_second: f64,
    pub events_per_second: f64,
    pub outputs: Vec<String>,
    pub caveats: Vec<&'static str>,
    /// Share of the cohort simulated (`run --scale`), when not the whole cohort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
}

/// What every other command's manifest begins with: the program, its version, the command, and
/// the model's caveats.
#[derive(Debug, Serialize)]
pub(crate) struct Head {
    pub program: &'static str,
    pub version: &'static str,
    pub command: &'static str,
    pub caveats: &'static [&'static str],
}

impl Head {
    pub(crate) fn new(command: &'static str) -> Self {
        Head {
            program: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            command,
            caveats: CAVEATS,
        }
    }
}

/// `compare`'s `manifest.json`.
#[derive(Debug, Serialize)]
pub(crate) struct CompareManifest {
    #[serde(flatten)]
    pub head: Head,
    /// The baseline's file, as given.
    pub baseline: String,
    /// The reforms' files, as given.
    pub reforms: Vec<String>,
    /// Every file behind the scenarios (each `extends` chain), once.
    pub scenario_files: Vec<ScenarioFile>,
    pub seed: u64,
    pub replications: u64,
    pub target_ci: Option<f64>,
    pub stop_reason: Option<String>,
    /// With `--posterior`: the ensemble and how many draws.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorManifest>,
    /// Share of the cohort simulated (`--scale`), when not the whole cohort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub outputs: Vec<String>,
}

/// The posterior a comparison ran over.
#[derive(Debug, Serialize)]
pub(crate) struct PosteriorManifest {
    /// The ensemble file read.
    pub ensemble: String,
    pub draws: usize,
    pub replications_per_draw: u64,
}

/// `validate`'s `manifest.json`.
#[derive(Debug, Serialize)]
pub(crate) struct ValidateManifest {
    #[serde(flatten)]
    pub head: Head,
    /// The scenario's file, as given.
    pub scenario: String,
    /// The targets' file, as given.
    pub targets: String,
    pub seed: u64,
    pub replications: u64,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub targets_total: usize,
    pub targets_failed: usize,
    pub outputs: Vec<String>,
    /// Share of the cohort simulated (`validate --scale`), when not the whole cohort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
}

/// `journey`'s `manifest.json`.
#[derive(Debug, Serialize)]
pub(crate) struct JourneyManifest {
    #[serde(flatten)]
    pub head: Head,
    /// The scenario's name.
    pub scenario: String,
    pub scenario_files: Vec<ScenarioFile>,
    pub scenario_hash: String,
    pub seed: u64,
    pub replication: u64,
    /// Always 1: one replication is traced.
    pub replications: u64,
    pub child: u32,
    /// How the child was chosen.
    pub chosen: String,
    pub start_date: String,
    pub horizon_date: String,
    pub outputs: Vec<String>,
}

/// What a calibration ran and kept, in its manifest and in `calibrate --json`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CalibrationRun {
    pub method: &'static str,
    pub seed: u64,
    pub replications: u64,
    pub candidates: usize,
    pub candidates_run_now: usize,
    pub candidates_failed: usize,
    /// Candidates accepted.
    pub accepted: usize,
    /// Share of the cohort simulated (the calibration file's `scale`), when not the whole cohort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
}

/// `calibrate`'s `manifest.json`.
#[derive(Debug, Serialize)]
pub(crate) struct CalibrateManifest {
    #[serde(flatten)]
    pub head: Head,
    /// The calibration file, as given.
    pub calibration: String,
    #[serde(flatten)]
    pub run: CalibrationRun,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub outputs: Vec<String>,
}

/// Write `m` as pretty JSON (in field order) and a newline.
pub(crate) fn write(path: &Path, m: &impl Serialize) -> Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, m)?;
        writeln!(w)?;
        Ok(())
    })
}

/// Write `m` as pretty JSON with the keys of every object in alphabetical order, and a newline.
pub(crate) fn write_sorted(path: &Path, m: &impl Serialize) -> Result<()> {
    write(path, &serde_json::to_value(m)?)
}
