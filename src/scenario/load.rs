//! Reading scenario files: TOML parsing, `extends` inheritance (deep merge of tables; arrays and
//! values replace), and typed deserialisation with the dotted path of any bad field. Each section
//! is deserialised on its own and checked for arrays written where a table belongs, so that every
//! schema problem of a file is reported at once, together with the range problems of the sections
//! that could be read.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::raw::{self, RawScenario};
use crate::error::{Problem, ScenarioError};

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

fn read_table(path: &Path) -> Result<(Table, Vec<u8>), ScenarioError> {
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
        kind: "scenario",
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

macro_rules! sections {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// The sections of a scenario, each read on its own (`None` where it has a schema problem).
        #[derive(Debug, Clone, Default)]
        pub(crate) struct Parts {
            $(pub(crate) $name: Option<$ty>,)*
        }

        /// The top-level keys of a scenario (besides `extends`).
        const SECTIONS: &[&str] = &[$(stringify!($name)),*];

        impl Parts {
            /// Read every section of `merged`, adding each schema problem to `problems`.
            pub(crate) fn read(merged: &Table, problems: &mut Vec<Problem>) -> Parts {
                for key in merged.keys() {
                    if !SECTIONS.contains(&key.as_str()) {
                        problems.push(Problem {
                            field: key.clone(),
                            value: short(&merged[key]),
                            allowed: format!(
                                "unknown field `{key}`, expected one of `extends`, {}",
                                SECTIONS.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                            ),
                        });
                    }
                }
                Parts { $($name: section(merged, stringify!($name), problems),)* }
            }

            /// The whole scenario, if every section could be read.
            pub(crate) fn complete(self) -> Option<RawScenario> {
                Some(RawScenario { extends: None, $($name: self.$name?,)* })
            }
        }

        impl From<RawScenario> for Parts {
            fn from(r: RawScenario) -> Parts {
                Parts { $($name: Some(r.$name),)* }
            }
        }
    };
}

sections! {
    meta: raw::Meta,
    time: raw::Time,
    arrivals: raw::Arrivals,
    children: raw::Children,
    sponsors: raw::Sponsors,
    cbp: raw::Cbp,
    orr: raw::Orr,
    vetting: raw::Vetting,
    release: raw::Release,
    data_sharing: raw::DataSharing,
    life: raw::Life,
    wellbeing_calls: raw::WellbeingCalls,
    post_release_services: raw::PostReleaseServices,
    ice: raw::Ice,
    court: raw::Court,
    welfare_checks: raw::WelfareChecks,
    recovery: raw::Recovery,
    policy: raw::Policy,
    deterrence: raw::Deterrence,
}

/// Read the section `key` of `merged`, or record why it cannot be read.
fn section<T: DeserializeOwned + Serialize>(
    merged: &Table,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let Some(value) = merged.get(key) else {
        problems.push(Problem {
            field: key.to_string(),
            value: "(missing)".into(),
            allowed:
                "missing; this field is required (set it in this file or in a file it extends)"
                    .into(),
        });
        return None;
    };
    match strict(value, key) {
        Ok(t) => Some(t),
        Err(p) => {
            problems.extend(p);
            None
        }
    }
}

/// Deserialise `value` (found at dotted path `at`, empty for the top level) into `T`, refusing an
/// array written where `T` has a table (serde would otherwise fill the table's fields by
/// position). Every problem found is returned.
pub(crate) fn strict<T: DeserializeOwned + Serialize>(
    value: &Value,
    at: &str,
) -> Result<T, Vec<Problem>> {
    let t: T = match serde_path_to_error::deserialize(value.clone()) {
        Ok(t) => t,
        Err(e) => return Err(schema_problems::<T>(value, at, e)),
    };
    let mut problems = Vec::new();
    if let Ok(back) = Value::try_from(&t) {
        arrays_for_tables(value, &back, at, &mut problems);
    }
    if problems.is_empty() {
        Ok(t)
    } else {
        Err(problems)
    }
}

/// Every schema problem of a table, not only the first: after each problem the offending key is
/// taken out and the rest read again (at most [`MAX_SCHEMA_PROBLEMS`] times). A required field
/// reported missing only because it was taken out is not reported.
fn schema_problems<T: DeserializeOwned>(
    value: &Value,
    at: &str,
    first: serde_path_to_error::Error<toml::de::Error>,
) -> Vec<Problem> {
    let mut work = value.clone();
    let mut removed: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    let mut err = first;
    loop {
        let key = match err.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => Some(key.clone()),
            _ => None,
        };
        let p = problem(value, at, err);
        let missing_removed = p.value == "(missing)"
            && removed
                .iter()
                .any(|k| p.field == *k || p.field.ends_with(&format!(".{k}")));
        if !missing_removed {
            problems.push(p);
        }
        let (Some(key), Value::Table(table)) = (key, &mut work) else {
            break;
        };
        if missing_removed || problems.len() >= MAX_SCHEMA_PROBLEMS || table.remove(&key).is_none()
        {
            break;
        }
        removed.push(key);
        match serde_path_to_error::deserialize::<_, T>(work.clone()) {
            Ok(_) => break,
            Err(e) => err = e,
        }
    }
    problems
}

/// Most schema problems listed for one table.
const MAX_SCHEMA_PROBLEMS: usize = 64;

/// Deserialise the whole table of a sweep, calibration or targets file into `T`, refusing arrays
/// written where a table belongs; errors name `file`.
pub(crate) fn strict_file<T: DeserializeOwned + Serialize>(
    file: &Path,
    table: Table,
) -> Result<T, ScenarioError> {
    strict(&Value::Table(table), "").map_err(|mut problems| {
        if problems.len() == 1 {
            let p = problems.remove(0);
            ScenarioError::Schema {
                path: file.to_path_buf(),
                chain: String::new(),
                field: p.field,
                message: p.allowed,
            }
        } else {
            ScenarioError::Invalid {
                path: file.to_path_buf(),
                chain: String::new(),
                problems,
            }
        }
    })
}

/// Where `written` holds an array and `read` (the same value deserialised and written back) holds a
/// table, a table was expected.
fn arrays_for_tables(written: &Value, read: &Value, at: &str, out: &mut Vec<Problem>) {
    match (written, read) {
        (Value::Array(w), Value::Table(t)) => {
            let keys: Vec<String> = t.keys().map(|k| format!("`{k}`")).collect();
            out.push(Problem {
                field: at.to_string(),
                value: short(written),
                allowed: format!(
                    "must be a table {{ ... }} with keys {}, not an array",
                    keys.join(", ")
                ),
            });
            let _ = w;
        }
        (Value::Array(w), Value::Array(r)) => {
            for (i, (a, b)) in w.iter().zip(r).enumerate() {
                arrays_for_tables(a, b, &format!("{at}[{i}]"), out);
            }
        }
        (Value::Table(w), Value::Table(r)) => {
            for (k, a) in w {
                if let Some(b) = r.get(k) {
                    let sub = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    arrays_for_tables(a, b, &sub, out);
                }
            }
        }
        _ => {}
    }
}

/// The value at a serde path inside `root`.
fn value_at<'a>(root: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    let mut v = root;
    for seg in path.iter() {
        v = match (seg, v) {
            (Segment::Seq { index }, Value::Array(a)) => a.get(*index)?,
            (Segment::Map { key }, Value::Table(t)) => t.get(key)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A typed-deserialisation error of `value` (at dotted path `at`) as a problem.
fn problem(value: &Value, at: &str, e: serde_path_to_error::Error<toml::de::Error>) -> Problem {
    let found = value_at(value, e.path()).map(short);
    let inner_at = e.path().to_string();
    let field = match (at.is_empty(), inner_at == ".") {
        (true, true) => "(top level)".to_string(),
        (true, false) => inner_at,
        (false, true) => at.to_string(),
        (false, false) => format!("{at}.{inner_at}"),
    };
    let message = e.into_inner().message().to_string();
    match missing_field(&message) {
        Some(name) => Problem {
            field: if field == "(top level)" {
                name.to_string()
            } else {
                format!("{field}.{name}")
            },
            value: "(missing)".into(),
            allowed:
                "missing; this field is required (set it in this file or in a file it extends)"
                    .into(),
        },
        None => Problem {
            field,
            value: found.unwrap_or_default(),
            allowed: plain_expectation(&message),
        },
    }
}

/// The value at a dotted field path such as `a.b[2].c` inside `root`.
fn value_at_field<'a>(root: &'a Table, field: &str) -> Option<&'a Value> {
    let mut parts = field.split('.');
    let first = parts.next()?;
    let step = |v: Option<&'a Value>, part: &str| -> Option<&'a Value> {
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        let mut v = match v {
            None => root.get(key)?,
            Some(Value::Table(t)) => t.get(key)?,
            Some(_) => return None,
        };
        for index in rest.split('[').filter(|x| !x.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().ok()?;
            v = v.as_array()?.get(i)?;
        }
        Some(v)
    };
    let mut v = step(None, first)?;
    for part in parts {
        v = step(Some(v), part)?;
    }
    Some(v)
}

/// Show each problem's value as written where it is a whole number in `merged` (a number read
/// into a floating-point field would otherwise be shown rounded, e.g. 2^53 + 1 as 2^53).
pub(crate) fn exact_values(merged: &Table, problems: &mut [Problem]) {
    for p in problems {
        if let Some(Value::Integer(i)) = value_at_field(merged, &p.field) {
            p.value = i.to_string();
        }
    }
}

/// Longest rendering of a value in a message, in characters (about).
const SHORT: usize = 120;

/// A value as TOML, for messages, cut short: a huge array costs no more than a small one.
pub(crate) fn short(v: &Value) -> String {
    let mut s = String::new();
    render(v, &mut s);
    s
}

fn render(v: &Value, s: &mut String) {
    match v {
        Value::Array(a) => {
            s.push('[');
            for (i, x) in a.iter().enumerate() {
                if s.len() > SHORT {
                    s.push_str(&format!("... {} values in all", a.len()));
                    break;
                }
                if i > 0 {
                    s.push_str(", ");
                }
                render(x, s);
            }
            s.push(']');
        }
        Value::Table(t) => {
            s.push_str("{ ");
            for (i, (k, x)) in t.iter().enumerate() {
                if s.len() > SHORT {
                    s.push_str(&format!("... {} keys in all", t.len()));
                    break;
                }
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(k);
                s.push_str(" = ");
                render(x, s);
            }
            s.push_str(" }");
        }
        Value::String(x) if x.chars().count() > SHORT => {
            let cut: String = x.chars().take(SHORT).collect();
            s.push_str(&format!(
                "\"{}...\" ({} characters)",
                cut.escape_debug(),
                x.chars().count()
            ));
        }
        other => s.push_str(&other.to_string()),
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
