//! An explorer file as written: its raw TOML types (read strictly, unknown keys refused) and its
//! parts (each top-level field read on its own, each lever on its own).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Value;

use crate::input::parts;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExplorer {
    /// The page's title.
    #[serde(default)]
    pub title: Option<String>,
    /// The scenario every setting starts from (relative to the explorer file).
    pub base: String,
    pub levers: Vec<RawLever>,
    #[serde(default)]
    pub steps: Vec<RawStep>,
}

parts! {
    /// The fields of an explorer file, each `None` where it cannot be read.
    ExplorerParts of RawExplorer {
        title: Option<String> => or_default,
        base: String => required,
        levers: RawLever => each,
        steps: Vec<RawStep> => or_default,
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLever {
    /// A short identifier (letters, digits, `_`), used by the steps' `set`.
    pub key: String,
    /// What the lever is, in plain words.
    pub name: String,
    /// What its levels measure (the unit).
    pub unit: String,
    /// One or two sentences on what the lever does in the model.
    #[serde(default)]
    pub description: Option<String>,
    /// The dotted paths each level sets, in order.
    pub paths: Vec<String>,
    pub levels: Vec<RawLevel>,
    /// The level that stands for today's policy (0-based); by default the level whose values are
    /// the base scenario's.
    #[serde(default)]
    pub today: Option<usize>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    /// One line in plain language.
    pub label: String,
    /// A few words that read after "With" ("sharing within 7 days").
    pub short: String,
    /// One value per path of the lever.
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub title: String,
    /// The step's text; `{placeholders}` are filled with numbers of the step's setting.
    pub text: String,
    #[serde(default)]
    pub questions: Vec<String>,
    /// Lever key -> the `short` of the level to show (other levers stay at today's level).
    #[serde(default)]
    pub set: BTreeMap<String, String>,
}
