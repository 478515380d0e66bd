//! Scenario files: raw TOML schema, `extends` inheritance, and validation into engine parameters.

pub(crate) mod load;
pub(crate) mod overrides;
pub(crate) mod parts;
pub(crate) mod raw;
pub(crate) mod scale;
pub(crate) mod validate;

use std::path::Path;

use crate::error::ScenarioError;
use crate::input::Problems;
use crate::sim::Params;

pub use load::Loaded;
pub(crate) use validate::date_of;

/// A scenario read, merged and validated.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The files read and merged, before validation.
    pub loaded: Loaded,
    /// The validated parameters the engine runs.
    pub params: Params,
}

impl Scenario {
    /// The scenario's name (`meta.name`).
    pub fn name(&self) -> &str {
        &self.loaded.raw.meta.name
    }

    /// Every leaf path of the merged scenario: scalars (`a.b`), arrays of scalars as a whole and
    /// element by element (`a.b`, `a.b[0]`), and the fields of arrays of tables (`a.b[0].c`).
    pub fn leaf_paths(&self) -> Vec<String> {
        overrides::leaf_paths(&self.loaded.merged)
    }

    /// The value at a leaf path of the merged scenario.
    pub fn value(&self, path: &str) -> Option<&toml::Value> {
        overrides::get(&self.loaded.merged, path)
    }

    /// This scenario with the values at some paths replaced, validated again (`label` names the
    /// result in error messages).
    pub fn with_values(
        &self,
        values: &[(String, toml::Value)],
        label: &str,
    ) -> Result<Scenario, ScenarioError> {
        overrides::with_overrides(self, values, label)
    }
}

/// Read and validate a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let loaded = load::load(path)?;
    match validate::validate(&loaded.raw) {
        Ok(params) => Ok(Scenario { loaded, params }),
        Err(mut problems) => Err(ScenarioError::Invalid {
            path: path.to_path_buf(),
            chain: loaded.chain_note(),
            problems: {
                crate::input::exact_values(&loaded.merged, &mut problems);
                problems
            },
        }),
    }
}

/// The scenario that `field` of another input file names (written `written`, resolved to `path`):
/// `None`, and a problem of `field`, if it cannot be read or is invalid.
pub(crate) fn load_named(
    problems: &mut Problems,
    field: &str,
    written: &str,
    path: &Path,
) -> Option<Scenario> {
    if !problems.reference(field, written, path, "scenario") {
        return None;
    }
    load(path).map_err(|e| problems.error(field, e)).ok()
}
