//! Reading scenario files: TOML parsing, `extends` inheritance (deep merge of tables; arrays and
//! values replace), and typed deserialisation with the dotted path of any bad field. Each section
//! is deserialised on its own and checked for arrays written where a table belongs, so that every
//! schema problem of a file is reported at once, together with the range problems of the sections
//! that could be read.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::parts::Parts;
use super::raw::RawScenario;
use crate::error::ScenarioError;
use crate::input::{self, exact_values};

/// Longest `extends` chain accepted.
const MAX_DEPTH: usize = 16;

/// A scenario file read and merged with its ancestors, before validation.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario file named on the command line.
    pub path: PathBuf,
    /// Files merged, from the file itself to its furthest ancestor.
    pub chain: Vec<PathBuf>,
    /// The merged TOML table (without `extends`).
    pub merged: Table,
    /// The bytes of every file in the chain, for hashing into the manifest.
    pub sources: Vec<(PathBuf, Vec<u8>)>,
    /// The merged scenario as read (before validation).
    pub raw: RawScenario,
}

impl Loaded {
    /// " (extends a.toml, b.toml)" for error messages.
    pub fn chain_note(&self) -> String {
        chain_note(&self.chain)
    }
}

fn chain_note(chain: &[PathBuf]) -> String {
    if chain.len() <= 1 {
        String::new()
    } else {
        let names: Vec<String> = chain[1..].iter().map(|p| p.display().to_string()).collect();
        format!(" (extends {})", names.join(" -> "))
    }
}

/// Merge `over` onto `base`: tables merge key by key, everything else replaces.
pub(crate) fn merge(base: &mut Table, over: Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Read a scenario file, follow its `extends` chain, merge, and deserialise into the raw schema.
pub(crate) fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let mut chain: Vec<PathBuf> = Vec::new();
    let mut layers: Vec<Table> = Vec::new();
    let mut sources = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        let canonical = std::fs::canonicalize(&current).unwrap_or_else(|_| current.clone());
        let input::Source { mut table, bytes } = input::read(&current, "scenario")?;
        chain.push(current.clone());
        sources.push((current.clone(), bytes));
        let parent = match table.remove("extends") {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                return Err(ScenarioError::Schema {
                    path: current.clone(),
                    chain: String::new(),
                    field: "extends".into(),
                    message: format!(
                        "invalid type: {} `{other}`, expected a quoted path to a scenario file, \
                         relative to this file's folder",
                        other.type_str()
                    ),
                })
            }
        };
        layers.push(table);
        let Some(target) = parent else { break };
        let next = current.parent().unwrap_or(Path::new(".")).join(&target);
        let refused = if target.trim().is_empty() {
            Some("is empty".to_string())
        } else if next.is_dir() {
            Some(format!("{} is a folder", next.display()))
        } else {
            match std::fs::File::open(&next) {
                Ok(_) => None,
                Err(e) => Some(format!("cannot open {}: {e}", next.display())),
            }
        };
        if let Some(why) = refused {
            return Err(ScenarioError::Extends {
                path: current.clone(),
                target,
                message: format!(
                    "{why}; expected the path of an existing scenario file, relative to this \
                     file's folder"
                ),
            });
        }
        let next_canonical = std::fs::canonicalize(&next).map_err(|e| ScenarioError::Extends {
            path: current.clone(),
            target: target.clone(),
            message: format!(
                "cannot open {}: {e}; expected the path of an existing scenario file, relative to \
                 this file's folder",
                next.display()
            ),
        })?;
        let seen: Vec<PathBuf> = chain
            .iter()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            .collect();
        if seen.contains(&next_canonical) || next_canonical == canonical {
            let names: Vec<String> = chain.iter().map(|p| p.display().to_string()).collect();
            return Err(ScenarioError::Extends {
                path: current.clone(),
                target,
                message: format!(
                    "circular inheritance {} -> {}; a scenario may not extend itself, directly \
                     or through other files",
                    names.join(" -> "),
                    next.display()
                ),
            });
        }
        if chain.len() >= MAX_DEPTH {
            return Err(ScenarioError::Extends {
                path: current.clone(),
                target,
                message: format!(
                    "inheritance deeper than {MAX_DEPTH} files; at most {MAX_DEPTH} files may be \
                     chained"
                ),
            });
        }
        current = next;
    }
    let mut merged = Table::new();
    for layer in layers.into_iter().rev() {
        merge(&mut merged, layer);
    }
    let raw = deserialize(path, &chain, &merged)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        chain,
        merged,
        sources,
        raw,
    })
}

/// Deserialise a merged table into the raw schema; errors name `path` and its chain. A file with
/// schema problems is reported with all of them and with the range problems of the sections that
/// could be read; a single schema problem keeps the one-line form.
pub(crate) fn deserialize(
    path: &Path,
    chain: &[PathBuf],
    merged: &Table,
) -> Result<RawScenario, ScenarioError> {
    let mut schema = Vec::new();
    let parts = Parts::read(merged, &mut schema);
    if schema.is_empty() {
        // Every section was read (a section is absent only with a schema problem).
        return parts.complete().ok_or_else(|| ScenarioError::Invalid {
            path: path.to_path_buf(),
            chain: chain_note(chain),
            problems: Vec::new(),
        });
    }
    let single = schema.len() == 1;
    let mut problems = schema;
    if let Err(more) = super::validate::validate_parts(&parts) {
        problems.extend(more);
    }
    exact_values(merged, &mut problems);
    if single && problems.len() == 1 {
        let p = problems.remove(0);
        return Err(ScenarioError::Schema {
            path: path.to_path_buf(),
            chain: chain_note(chain),
            field: p.field,
            message: p.allowed,
        });
    }
    Err(ScenarioError::Invalid {
        path: path.to_path_buf(),
        chain: chain_note(chain),
        problems,
    })
}
