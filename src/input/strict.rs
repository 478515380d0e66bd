//! Strict typed deserialisation of an input file's TOML: every field of the wrong type, unknown or
//! missing is reported with its dotted path and the value found, in words an author uses; an array
//! written where a table belongs is refused. Also [`Fields`] and [`read_parts`]: the top-level
//! fields of a file read one by one, so that a field that cannot be read hides no problem of the
//! others.

use serde::de::DeserializeOwned;
use serde::Serialize;
use toml::{Table, Value};

use super::Problems;
use crate::error::Problem;

/// Deserialise `value` (found at dotted path `at`, empty for the top level) into `T`, refusing an
/// array written where `T` has a table (serde would otherwise fill the table's fields by
/// position). Every problem found is returned.
pub(crate) fn strict<T: DeserializeOwned + Serialize>(
    value: &Value,
    at: &str,
) -> Result<T, Vec<Problem>> {
    let t: T = match serde_path_to_error::deserialize(value.clone()) {
        Ok(t) => t,
        Err(e) => {
            if let Some(p) = table_written_as_array::<T>(value, at) {
                return Err(vec![p]);
            }
            return Err(schema_problems::<T>(value, at, e));
        }
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

/// `[[key]]` (an array of tables) written where `T` is one table `[key]`: serde would read the
/// table's fields by position from the array and report a type no author wrote ("invalid type:
/// map, expected true or false"). Recognised when `T` is a table: it reads from the array's first
/// table, or fails there on one of its fields or a missing field.
fn table_written_as_array<T: DeserializeOwned>(value: &Value, at: &str) -> Option<Problem> {
    let Value::Array(items) = value else {
        return None;
    };
    let first = match items.first() {
        Some(Value::Table(t)) if items.iter().all(Value::is_table) => t.clone(),
        _ => return None,
    };
    let is_table = match serde_path_to_error::deserialize::<_, T>(Value::Table(first)) {
        Ok(_) => true,
        Err(e) => {
            matches!(
                e.path().iter().next(),
                Some(serde_path_to_error::Segment::Map { .. })
            ) || e.inner().to_string().contains("missing field")
        }
    };
    let name = if at.is_empty() { "the file" } else { at };
    is_table.then(|| Problem {
        field: name.to_string(),
        value: short(value),
        allowed: format!(
            "must be one table: write [{name}] with its keys, not [[{name}]] (an array of tables)"
        ),
    })
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
            allowed: super::suggest::unknown_field(&plain_expectation(&message)),
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

/// The top-level fields of an input file, each read on its own and strictly (see [`strict`]):
/// `None` for a field that cannot be read (the strict reading of the whole file reports why).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a> {
    table: &'a Table,
}

impl<'a> Fields<'a> {
    /// The fields of `table`.
    pub(crate) fn new(table: &'a Table) -> Fields<'a> {
        Fields { table }
    }

    /// A field that must be given.
    pub(crate) fn required<T: DeserializeOwned + Serialize>(&self, key: &str) -> Option<T> {
        strict(self.table.get(key)?, key).ok()
    }

    /// A field with a default (`#[serde(default)]`): the default where it is absent.
    pub(crate) fn or_default<T: DeserializeOwned + Serialize + Default>(
        &self,
        key: &str,
    ) -> Option<T> {
        match self.table.get(key) {
            None => Some(T::default()),
            Some(v) => strict(v, key).ok(),
        }
    }

    /// An array that must be given, element by element: `None` for an element that cannot be
    /// read.
    pub(crate) fn each<T: DeserializeOwned + Serialize>(
        &self,
        key: &str,
    ) -> Option<Vec<Option<T>>> {
        let items = self.table.get(key)?.as_array()?;
        Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| strict(v, &format!("{key}[{i}]")).ok())
                .collect(),
        )
    }
}

/// The fields of an input file, each `None` where it cannot be read: what the checks of its
/// sections work on, so that a field that cannot be read hides no problem of the others. Declared
/// with [`parts!`].
pub(crate) trait Parts: From<Self::Raw> {
    /// The file as written, read strictly in one piece.
    type Raw: DeserializeOwned + Serialize;
    /// Each field read on its own.
    fn read(fields: Fields<'_>) -> Self;
}

/// Read the fields of a file's `table`: all of them if the file can be read strictly as `P::Raw`;
/// otherwise its schema problems go to `problems` (every one, with the dotted path and the value
/// found) and each field that can be read on its own is kept.
pub(crate) fn read_parts<P: Parts>(table: &Table, problems: &mut Problems) -> P {
    match strict::<P::Raw>(&Value::Table(table.clone()), "") {
        Ok(raw) => P::from(raw),
        Err(schema) => {
            problems.extend(schema);
            P::read(Fields::new(table))
        }
    }
}

/// Declares the parts of an input file ([`Parts`]): for each top-level field of its raw type, its
/// type and how it is read (`required`, `or_default` for a field with a default, `each` for an
/// array read element by element; the type is then the element's).
macro_rules! parts {
    (
        $(#[$doc:meta])*
        $parts:ident of $raw:ty {
            $($(#[$fdoc:meta])* $field:ident: $ty:ty => $how:ident,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub(crate) struct $parts {
            $($(#[$fdoc])* pub(crate) $field: Option<$crate::input::parts!(@type $how $ty)>,)*
        }

        impl From<$raw> for $parts {
            fn from(r: $raw) -> $parts {
                $parts { $($field: Some($crate::input::parts!(@from $how r.$field)),)* }
            }
        }

        impl $crate::input::Parts for $parts {
            type Raw = $raw;
            fn read(fields: $crate::input::Fields<'_>) -> $parts {
                $parts { $($field: fields.$how(stringify!($field)),)* }
            }
        }
    };
    (@type each $ty:ty) => { Vec<Option<$ty>> };
    (@type $how:ident $ty:ty) => { $ty };
    (@from each $e:expr) => { $e.into_iter().map(Some).collect() };
    (@from $how:ident $e:expr) => { $e };
}
pub(crate) use parts;

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
