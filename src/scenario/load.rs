//! Reading scenario files: TOML parsing, `extends` inheritance (deep merge of tables; arrays and
//! values replace), and typed deserialisation with the dotted path of any bad field.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::raw::RawScenario;
use crate::error::ScenarioError;

/// Longest `extends` chain accepted.
const MAX_DEPTH: usize = 16;

/// A scenario file read and merged with its ancestors, before validation.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    /// Files merged, from the file itself to its furthest ancestor.
    pub chain: Vec<PathBuf>,
    /// The merged TOML table (without `extends`).
    pub merged: Table,
    /// The bytes of every file in the chain, for hashing into the manifest.
    pub sources: Vec<(PathBuf, Vec<u8>)>,
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

fn read_table(path: &Path) -> Result<(Table, Vec<u8>), ScenarioError> {
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| ScenarioError::Syntax {
        path: path.to_path_buf(),
        message: format!("not UTF-8: {e}"),
    })?;
    let table: Table = toml::from_str(&text).map_err(|e| ScenarioError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    Ok((table, bytes))
}

/// Merge `over` onto `base`: tables merge key by key, everything else replaces.
pub fn merge(base: &mut Table, over: Table) {
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
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let mut chain: Vec<PathBuf> = Vec::new();
    let mut layers: Vec<Table> = Vec::new();
    let mut sources = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        let canonical = std::fs::canonicalize(&current).unwrap_or_else(|_| current.clone());
        let (mut table, bytes) = read_table(&current)?;
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
                    message: format!("expected a file path string, found {}", other.type_str()),
                })
            }
        };
        layers.push(table);
        let Some(target) = parent else { break };
        let next = current.parent().unwrap_or(Path::new(".")).join(&target);
        let next_canonical = std::fs::canonicalize(&next).map_err(|e| ScenarioError::Extends {
            path: current.clone(),
            target: target.clone(),
            message: format!("cannot open {}: {e}", next.display()),
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
                    "circular inheritance: {} -> {}",
                    names.join(" -> "),
                    next.display()
                ),
            });
        }
        if chain.len() >= MAX_DEPTH {
            return Err(ScenarioError::Extends {
                path: current.clone(),
                target,
                message: format!("inheritance deeper than {MAX_DEPTH} files"),
            });
        }
        current = next;
    }
    let mut merged = Table::new();
    for layer in layers.into_iter().rev() {
        merge(&mut merged, layer);
    }
    let raw: RawScenario =
        serde_path_to_error::deserialize(Value::Table(merged.clone())).map_err(|e| {
            let field = e.path().to_string();
            ScenarioError::Schema {
                path: path.to_path_buf(),
                chain: chain_note(&chain),
                field: if field == "." { "(top level)".into() } else { field },
                message: e.into_inner().to_string(),
            }
        })?;
    Ok(Loaded {
        path: path.to_path_buf(),
        chain,
        merged,
        sources,
        raw,
    })
}
