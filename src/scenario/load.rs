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

/// Deserialise a merged table into the raw schema; errors name `path` and its chain.
pub fn deserialize(
    path: &Path,
    chain: &[PathBuf],
    merged: &Table,
) -> Result<RawScenario, ScenarioError> {
    serde_path_to_error::deserialize(Value::Table(merged.clone()))
        .map_err(|e| schema_error(path, chain, e))
}

/// A typed-deserialisation error as the dotted path of the field, the value found and what is
/// allowed. A missing field's own name is added to the path.
pub(crate) fn schema_error(
    path: &Path,
    chain: &[PathBuf],
    e: serde_path_to_error::Error<toml::de::Error>,
) -> ScenarioError {
    let at = e.path().to_string();
    let at = if at == "." { None } else { Some(at) };
    let inner = e.into_inner();
    let message = inner.message();
    let (field, message) = match missing_field(message) {
        Some(name) => (
            match at {
                Some(at) => format!("{at}.{name}"),
                None => name.to_string(),
            },
            "missing; this field is required (set it in this file or in a file it extends)"
                .to_string(),
        ),
        None => (
            at.unwrap_or_else(|| "(top level)".into()),
            plain_expectation(message),
        ),
    };
    ScenarioError::Schema {
        path: path.to_path_buf(),
        chain: chain_note(chain),
        field,
        message,
    }
}

/// The field named by serde's "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// Serde's "..., expected u32" and friends, with the expectation in words a scenario author uses.
fn plain_expectation(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let plain = match expected {
        "f64" => "a number",
        "u32" => "a whole number from 0 to 4294967295",
        "u64" => "a whole number >= 0",
        "i32" => "a whole number from -2147483648 to 2147483647",
        "a boolean" => "true or false",
        "a string" => "a quoted string",
        "a sequence" => "an array [ ... ]",
        e if e.starts_with("struct ") => "a table",
        e => e,
    };
    format!("{head}, expected {plain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_in_plain_words() {
        assert_eq!(
            plain_expectation("invalid type: string \"x\", expected f64"),
            "invalid type: string \"x\", expected a number"
        );
        assert_eq!(
            plain_expectation("invalid type: integer `3`, expected struct Meta"),
            "invalid type: integer `3`, expected a table"
        );
        assert_eq!(
            plain_expectation("unknown field `foo`, expected `from` or `value`"),
            "unknown field `foo`, expected `from` or `value`"
        );
        assert_eq!(plain_expectation("something else"), "something else");
    }

    #[test]
    fn missing_field_name() {
        assert_eq!(missing_field("missing field `cbp`"), Some("cbp"));
        assert_eq!(missing_field("unknown field `cbp`"), None);
    }
}
