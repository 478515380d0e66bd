//! Dotted paths into a scenario: listing every settable path, reading and replacing a value (for
//! sweeps and calibration), suggesting the nearest valid paths for a typo, and listing how two
//! scenarios differ (for comparisons).

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{validate, Scenario};
use crate::error::ScenarioError;

/// One step of a dotted path: a table key, optionally followed by array indices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        steps.push(Step::Key(key.to_string()));
        while !rest.is_empty() {
            let close = rest.find(']')?;
            let idx: usize = rest.get(1..close)?.parse().ok()?;
            steps.push(Step::Index(idx));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return None;
            }
        }
    }
    Some(steps)
}

/// Every leaf path of a table: scalars, arrays of scalars (as a whole and element by element) and
/// the fields of arrays of tables (`a.b[0].c`).
pub(crate) fn leaf_paths(table: &Table) -> Vec<String> {
    let mut out = Vec::new();
    walk(&Value::Table(table.clone()), String::new(), &mut out);
    out
}

/// The dotted path of the key `key` of the table at `prefix` (`""` for the top level).
pub(super) fn key_path(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(v: &Value, prefix: String, out: &mut Vec<String>) {
    match v {
        Value::Table(t) => {
            for (k, x) in t {
                walk(x, key_path(&prefix, k), out);
            }
        }
        Value::Array(a) if a.iter().any(|x| x.is_table()) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, format!("{prefix}[{i}]"), out);
            }
        }
        Value::Array(a) => {
            out.push(prefix.clone());
            for i in 0..a.len() {
                out.push(format!("{prefix}[{i}]"));
            }
        }
        _ => out.push(prefix),
    }
}

/// The value at a dotted path, if it exists.
pub(crate) fn get<'a>(table: &'a Table, path: &str) -> Option<&'a Value> {
    let steps = parse_path(path)?;
    let mut cur: Option<&Value> = None;
    for (i, s) in steps.iter().enumerate() {
        cur = match (i, s, cur) {
            (0, Step::Key(k), _) => table.get(k),
            (_, Step::Key(k), Some(Value::Table(t))) => t.get(k),
            (_, Step::Index(n), Some(Value::Array(a))) => a.get(*n),
            _ => None,
        };
        cur?;
    }
    cur
}

/// The value at `steps` (the first a key of `table`), if it exists.
pub(crate) fn get_mut<'a>(table: &'a mut Table, steps: &[Step]) -> Option<&'a mut Value> {
    let (first, rest) = steps.split_first()?;
    let Step::Key(k) = first else { return None };
    let mut cur = table.get_mut(k)?;
    for s in rest {
        cur = match (s, cur) {
            (Step::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Step::Index(n), Value::Array(a)) => a.get_mut(*n)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The valid paths nearest to `path` (by edit distance), best first.
pub(crate) fn nearest_paths(table: &Table, path: &str, n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, String)> = leaf_paths(table)
        .into_iter()
        .map(|p| (strsim::levenshtein(&p, path), p))
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|x| x.1).collect()
}

/// Why a path cannot be set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum PathError {
    #[error("`{path}` is not a field of the scenario; nearest valid paths: {}", suggestions.join(", "))]
    Unknown {
        path: String,
        suggestions: Vec<String>,
    },
    #[error("`{path}` is a table, not a value; set one of its fields")]
    NotALeaf { path: String },
}

/// Check that `path` names an existing value of `table`.
pub(crate) fn check_path<'a>(table: &'a Table, path: &str) -> Result<&'a Value, PathError> {
    match get(table, path) {
        Some(Value::Table(_)) => Err(PathError::NotALeaf {
            path: path.to_string(),
        }),
        Some(v) => Ok(v),
        None => Err(PathError::Unknown {
            path: path.to_string(),
            suggestions: nearest_paths(table, path, 3),
        }),
    }
}

/// Replace the value at an existing path.
pub(crate) fn set(table: &mut Table, path: &str, value: Value) -> Result<(), PathError> {
    check_path(table, path)?;
    let steps = parse_path(path).ok_or_else(|| PathError::Unknown {
        path: path.to_string(),
        suggestions: Vec::new(),
    })?;
    if let Some(slot) = get_mut(table, &steps) {
        *slot = value;
    }
    Ok(())
}

/// A number for a path whose base value is `like`: integers are rounded, booleans are `x >= 0.5`,
/// floats are kept. `None` for strings, arrays and tables.
pub(crate) fn number_like(like: &Value, x: f64) -> Option<Value> {
    match like {
        Value::Integer(_) => Some(Value::Integer(x.round() as i64)),
        Value::Float(_) => Some(Value::Float(x)),
        Value::Boolean(_) => Some(Value::Boolean(x >= 0.5)),
        _ => None,
    }
}

/// A short, stable text form of a value for tables and CSV cells.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The scenario `base` with the values at `overrides` replaced, deserialised and validated again.
/// `label` names the result in error messages (e.g. "sweep.toml point 17").
pub(crate) fn with_overrides(
    base: &Scenario,
    overrides: &[(String, Value)],
    label: &str,
) -> Result<Scenario, ScenarioError> {
    let mut merged = base.loaded.merged.clone();
    for (path, value) in overrides {
        set(&mut merged, path, value.clone()).map_err(|e| ScenarioError::Schema {
            path: label.into(),
            chain: String::new(),
            field: path.clone(),
            message: e.to_string(),
        })?;
    }
    let raw = super::load::deserialize(std::path::Path::new(label), &base.loaded.chain, &merged)?;
    let params = validate::validate(&raw).map_err(|mut problems| {
        crate::input::exact_values(&merged, &mut problems);
        ScenarioError::Invalid {
            path: label.into(),
            chain: base.loaded.chain_note(),
            problems,
        }
    })?;
    let mut loaded = base.loaded.clone();
    loaded.merged = merged;
    loaded.raw = raw;
    Ok(Scenario { loaded, params })
}

/// How `other` differs from `base`: (path, base value, other value), in path order. Paths present
/// in only one of them show "(absent)" on the other side.
pub(crate) fn diff(base: &Table, other: &Table) -> Vec<(String, String, String)> {
    let flat = |t: &Table| -> BTreeMap<String, String> {
        let mut out = Vec::new();
        walk(&Value::Table(t.clone()), String::new(), &mut out);
        out.into_iter()
            .filter(|p| !p.ends_with(']') || get(t, p).is_some_and(|v| !v.is_array()))
            .filter_map(|p| {
                let v = get(t, &p)?;
                // Whole arrays of scalars are compared element by element.
                if v.is_array() {
                    return None;
                }
                Some((p, show(v)))
            })
            .collect()
    };
    let a = flat(base);
    let b = flat(other);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let absent = "(absent)".to_string();
    keys.into_iter()
        .filter_map(|k| {
            let x = a.get(k).unwrap_or(&absent);
            let y = b.get(k).unwrap_or(&absent);
            (x != y).then(|| (k.clone(), x.clone(), y.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        toml::from_str(
            r#"
            [a]
            x = 1
            y = [1.0, 2.0]
            steps = [{ from = "d", value = 3 }, { from = "e", value = 4 }]
            [a.b]
            z = true
            "#,
        )
        .unwrap()
    }

    #[test]
    fn paths_are_listed_read_and_set() {
        let mut t = table();
        let paths = leaf_paths(&t);
        for p in ["a.x", "a.y", "a.y[1]", "a.steps[1].value", "a.b.z"] {
            assert!(paths.contains(&p.to_string()), "{p} missing from {paths:?}");
        }
        assert_eq!(get(&t, "a.steps[1].value"), Some(&Value::Integer(4)));
        set(&mut t, "a.steps[1].value", Value::Integer(9)).unwrap();
        assert_eq!(get(&t, "a.steps[1].value"), Some(&Value::Integer(9)));
        set(&mut t, "a.y[0]", Value::Float(5.0)).unwrap();
        assert_eq!(
            get(&t, "a.y"),
            Some(&Value::Array(vec![Value::Float(5.0), Value::Float(2.0)]))
        );
    }

    #[test]
    fn unknown_paths_suggest_the_nearest() {
        let t = table();
        let e = check_path(&t, "a.xx").unwrap_err();
        assert!(e.to_string().contains("a.x"), "{e}");
        assert!(matches!(
            check_path(&t, "a.b"),
            Err(PathError::NotALeaf { .. })
        ));
        assert!(check_path(&t, "a.steps[7].value").is_err());
    }

    #[test]
    fn diff_lists_changed_values() {
        let a = table();
        let mut b = table();
        set(&mut b, "a.x", Value::Integer(2)).unwrap();
        set(&mut b, "a.y[1]", Value::Float(3.0)).unwrap();
        let d = diff(&a, &b);
        assert_eq!(
            d,
            vec![
                ("a.x".to_string(), "1".to_string(), "2".to_string()),
                ("a.y[1]".to_string(), "2.0".to_string(), "3.0".to_string())
            ]
        );
    }

    #[test]
    fn numbers_take_the_type_of_the_base_value() {
        assert_eq!(
            number_like(&Value::Integer(1), 2.6),
            Some(Value::Integer(3))
        );
        assert_eq!(
            number_like(&Value::Float(1.0), 2.6),
            Some(Value::Float(2.6))
        );
        assert_eq!(number_like(&Value::String("x".into()), 2.6), None);
    }
}
