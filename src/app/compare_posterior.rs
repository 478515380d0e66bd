//! `compare --posterior DIR`: every reform against the baseline over draws of a calibrated
//! ensemble (a calibration's `ensemble.csv`), paired with common random numbers within each draw;
//! the effects with the assumptions' uncertainty beside the random draws' ([`posterior`]).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};

use super::BadInput;
use crate::error::ScenarioError;
use crate::experiment::posterior::{self, Ensemble, PosteriorEffect, ENSEMBLE_FILE};
use crate::runner::{run_summaries, Runner};
use crate::scenario::scale::at_scale;
use crate::scenario::Scenario;
use crate::sim::RunSummary;

/// The runs of a comparison over the posterior.
pub(super) struct PosteriorRuns {
    /// Per scenario (the baseline first), per draw, every replication's summary.
    pub per_scenario: Vec<Vec<Vec<RunSummary>>>,
    /// Per reform, the calibrated paths it sets itself (the draws leave them alone).
    pub sets: Vec<Vec<String>>,
    /// The ensemble file read.
    pub ensemble_file: PathBuf,
    /// The draws used (rows of the ensemble).
    pub draws: Vec<usize>,
    /// Whether those draws are all the same point.
    pub point: bool,
}

impl PosteriorRuns {
    /// Per scenario, every run in stream order (draw-major), for the pooled paired comparison.
    pub(super) fn flat(&self) -> Vec<Vec<RunSummary>> {
        self.per_scenario
            .iter()
            .map(|d| d.iter().flatten().cloned().collect())
            .collect()
    }

    /// Per reform: its name, the paths it sets, and every metric's effect over the posterior.
    pub(super) fn effects(
        &self,
        names: &[String],
    ) -> Vec<(String, Vec<String>, Vec<PosteriorEffect>)> {
        self.per_scenario[1..]
            .iter()
            .zip(&names[1..])
            .zip(&self.sets)
            .map(|((r, name), sets)| {
                (
                    name.clone(),
                    sets.clone(),
                    posterior::effects(&self.per_scenario[0], r, self.point),
                )
            })
            .collect()
    }
}

/// The ensemble at `path`: a calibration's output folder (its `ensemble.csv`) or the file itself.
pub(super) fn load_ensemble(path: &Path) -> Result<Ensemble> {
    let file = if path.is_dir() {
        path.join(ENSEMBLE_FILE)
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        BadInput(ScenarioError::Schema {
            path: file.clone(),
            chain: String::new(),
            field: "--posterior".into(),
            message: format!(
                "cannot read it ({e}): give a calibration's output folder (with {ENSEMBLE_FILE}) or an {ENSEMBLE_FILE}"
            ),
        })
    })?;
    Ok(Ensemble::parse(&text, &file).map_err(BadInput)?)
}

/// Run the baseline and every reform at `draws` draws of `ensemble`, `reps` replications each
/// (draw k, replication r on stream k x reps + r for every scenario), at `scale` of the cohort.
/// Every scenario is built and checked before anything runs.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    runner: &Runner,
    scenarios: (&Scenario, &[Scenario]),
    names: &[String],
    ensemble: Ensemble,
    draws: usize,
    (seed, reps, scale): (u64, u64, f64),
    batch: &mut dyn FnMut(usize),
    on_done: &(dyn Fn() + Sync),
) -> Result<PosteriorRuns> {
    let (base, reforms) = scenarios;
    let chosen = ensemble.spread(draws);
    let point = ensemble.is_point(&chosen);
    let mut sets = vec![Vec::new(); reforms.len()];
    let mut built: Vec<Vec<Scenario>> = Vec::with_capacity(chosen.len());
    for &d in &chosen {
        let mut row = Vec::with_capacity(1 + reforms.len());
        for (i, sc) in std::iter::once(base).chain(reforms).enumerate() {
            let (with, kept) = ensemble.apply(d, base, sc, &names[i]).map_err(BadInput)?;
            if i > 0 {
                sets[i - 1] = kept;
            }
            let with = if scale == 1.0 {
                with
            } else {
                at_scale(&with, scale, &names[i]).map_err(BadInput)?
            };
            row.push(with);
        }
        built.push(row);
    }
    let mut per_scenario: Vec<Vec<Vec<RunSummary>>> =
        vec![Vec::with_capacity(chosen.len()); 1 + reforms.len()];
    for (k, row) in built.iter().enumerate() {
        batch(k);
        let params: Vec<&crate::sim::Params> = row.iter().map(|s| &s.params).collect();
        let first = k as u64 * reps;
        let done =
            run_summaries(runner, &params, seed, first..first + reps, on_done).map_err(|e| {
                anyhow!(
                    "replication {} of {} at posterior draw {} failed: {}",
                    e.replication,
                    names.get(e.scenario).map_or("?", String::as_str),
                    chosen[k],
                    e.message
                )
            })?;
        for (all, new) in per_scenario.iter_mut().zip(done) {
            all.push(new);
        }
    }
    Ok(PosteriorRuns {
        per_scenario,
        sets,
        ensemble_file: ensemble.file,
        draws: chosen,
        point,
    })
}
