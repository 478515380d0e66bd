//! The checked explorer file: its levers and the grid of settings they span, each setting's
//! scenario, and the limits on levers, levels, settings, steps and scale. Here so that `checks` and
//! `load` import them from below, and `mod.rs` imports those files one way.

use std::path::PathBuf;

use toml::Value;

use crate::error::ScenarioError;
use crate::experiment::design;
use crate::output::explorer::{self as page, LeverView, StepSpec};
use crate::scenario::overrides::show;
use crate::scenario::scale::at_scale;
use crate::scenario::Scenario;

/// Fewest and most levers of an explorer file.
pub(crate) const LEVERS: (usize, usize) = (2, 5);
/// Fewest and most levels of a lever.
pub(crate) const LEVELS: (usize, usize) = (2, 5);
/// Most settings (cells of the grid) one page holds: about 6 kB of data each, so the page stays
/// under about 2 MB.
pub(crate) const MAX_CELLS: usize = 256;
/// Most steps of the teacher's mode.
pub(crate) const MAX_STEPS: usize = 8;

/// One lever, checked.
#[derive(Debug, Clone)]
pub(crate) struct Lever {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub description: String,
    pub paths: Vec<String>,
    /// Per level: label, short, one value per path.
    pub levels: Vec<(String, String, Vec<Value>)>,
    pub today: usize,
}

/// A checked explorer file: every cell's scenario is valid.
#[derive(Debug, Clone)]
pub(crate) struct Explorer {
    pub file: PathBuf,
    pub title: String,
    pub base: Scenario,
    pub levers: Vec<Lever>,
    pub steps: Vec<StepSpec>,
}

impl Explorer {
    /// Number of cells (settings) of the grid.
    #[cfg(test)]
    pub(crate) fn cells(&self) -> usize {
        self.levers.iter().map(|l| l.levels.len()).product()
    }

    /// The level of every lever in each cell, row-major (the first lever varies slowest).
    pub(crate) fn grid(&self) -> Vec<Vec<usize>> {
        let axes: Vec<Vec<f64>> = self
            .levers
            .iter()
            .map(|l| (0..l.levels.len()).map(|j| j as f64).collect())
            .collect();
        design::grid(&axes)
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.into_iter().map(|x| x as usize).collect())
            .collect()
    }

    /// The cell of a setting (one level per lever).
    pub(crate) fn cell_of(&self, levels: &[usize]) -> usize {
        levels
            .iter()
            .zip(&self.levers)
            .fold(0, |acc, (&j, l)| acc * l.levels.len() + j)
    }

    /// The setting of today's policy: every lever at its `today` level.
    pub(crate) fn today(&self) -> Vec<usize> {
        self.levers.iter().map(|l| l.today).collect()
    }

    /// The values a setting writes, path by path.
    fn overrides(&self, levels: &[usize]) -> Vec<(String, Value)> {
        self.levers
            .iter()
            .zip(levels)
            .flat_map(|(l, &j)| l.paths.iter().cloned().zip(l.levels[j].2.iter().cloned()))
            .collect()
    }

    /// The scenario of one setting at `scale` of the cohort.
    pub(crate) fn scenario(&self, levels: &[usize], scale: f64) -> Result<Scenario, ScenarioError> {
        let label = format!(
            "{} setting {}",
            self.file.display(),
            levels
                .iter()
                .map(|j| j.to_string())
                .collect::<Vec<_>>()
                .join("-")
        );
        let s = self.base.with_values(&self.overrides(levels), &label)?;
        at_scale(&s, scale, &label)
    }
}

/// The levers as the page shows them: names, and each level in words with the values it writes.
pub(super) fn lever_views(ex: &Explorer) -> Vec<LeverView> {
    ex.levers
        .iter()
        .map(|l| LeverView {
            key: l.key.clone(),
            name: l.name.clone(),
            unit: l.unit.clone(),
            description: l.description.clone(),
            levels: l
                .levels
                .iter()
                .map(|(label, short, values)| page::LevelView {
                    label: label.clone(),
                    short: short.clone(),
                    values: l
                        .paths
                        .iter()
                        .zip(values)
                        .map(|(p, v)| format!("{p} = {}", show(v)))
                        .collect(),
                })
                .collect(),
            today: l.today,
        })
        .collect()
}
