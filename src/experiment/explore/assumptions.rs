//! The uncertain values of a scenario: which values its file marks as assumptions (read from its
//! comments), their numeric leaves, and the default range of each (the baseline value plus or
//! minus a spread, narrowed to what the scenario accepts).

use std::collections::BTreeMap;

use toml::{Table, Value};

use crate::input::lines::{bracket_depth, split_comment, table_name};
use crate::scenario::overrides;

fn says_assumption(text: &str) -> bool {
    text.to_ascii_lowercase().contains("assumption")
}

/// The keys (dotted paths) that a scenario file's comments mark as assumptions, in file order. A
/// key is marked when the comment at the end of its line, or the block of comment lines directly
/// above it (no blank line between), contains the word "assumption" (any case). Inside a
/// multi-line array of tables (a schedule), an element `{ ... }` is marked the same way, by its own
/// line's comment or the comment lines directly above it (`key[i]`). A comment above a table
/// header (`[table]`) marks nothing. Simple line-based reading: nothing here can fail.
pub(crate) fn assumption_keys(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut block = false; // the comment block directly above mentions "assumption"
    let mut table = String::new();
    let mut array_counts: BTreeMap<String, usize> = BTreeMap::new();
    // Inside a multi-line array: its path, the next element's index and the bracket depth.
    let mut array: Option<(String, usize, i64)> = None;
    let push = |p: String, out: &mut Vec<String>| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            block = false;
            continue;
        }
        if let Some(c) = trimmed.strip_prefix('#') {
            block |= says_assumption(c);
            continue;
        }
        let (code, comment) = split_comment(trimmed);
        let marked = block || comment.is_some_and(says_assumption);
        block = false;
        let code = code.trim();
        if let Some((path, index, depth)) = array.as_mut() {
            if code.starts_with('{') {
                if marked {
                    push(format!("{path}[{index}]"), &mut out);
                }
                *index += 1;
            }
            *depth += bracket_depth(code);
            if *depth <= 0 {
                array = None;
            }
            continue;
        }
        if code.starts_with("[[") {
            let name = table_name(code);
            let n = array_counts.entry(name.clone()).or_insert(0);
            table = format!("{name}[{n}]");
            *n += 1;
            continue;
        }
        if code.starts_with('[') {
            table = table_name(code);
            continue;
        }
        let Some((key, value)) = code.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        if key.is_empty() {
            continue;
        }
        let path = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        if marked {
            push(path.clone(), &mut out);
        }
        let depth = bracket_depth(value);
        if depth > 0 {
            array = Some((path, 0, depth));
        }
    }
    out
}

/// The numeric leaves at or below `path` in `table`: a number itself; the elements of an array of
/// numbers; the numeric fields of an inline table; the `value` of each step of a schedule (an array
/// of `{ from, value }` tables) or the numeric fields of other arrays of tables. Booleans, strings
/// and dates are not leaves.
pub(crate) fn numeric_leaves(table: &Table, path: &str) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Integer(_) | Value::Float(_) => out.push(at),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, format!("{at}[{i}]"), out);
                }
            }
            Value::Table(t) => {
                for (k, x) in t {
                    walk(x, format!("{at}.{k}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(v) = overrides::get(table, path) {
        walk(v, path.to_string(), &mut out);
    }
    out
}

/// The default range of an assumption whose baseline value is `v`: `v (1 - spread)` to
/// `v (1 + spread)`; for a whole number, rounded outwards (`floor` and `ceil`). `None` for zero
/// (a relative range around zero is empty).
pub(crate) fn default_range(v: f64, integer: bool, spread: f64) -> Option<(f64, f64)> {
    if v == 0.0 || !v.is_finite() {
        return None;
    }
    let (a, b) = (v * (1.0 - spread), v * (1.0 + spread));
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let (lo, hi) = if integer {
        (lo.floor(), hi.ceil())
    } else {
        (lo, hi)
    };
    (hi > lo).then_some((lo, hi))
}

/// The furthest value from `inside` towards `outside` (inclusive) that `ok` accepts, assuming `ok`
/// accepts `inside` and the accepted values form an interval: bisection to 40 steps (whole numbers:
/// until the two ends are adjacent).
pub(crate) fn furthest_accepted(
    inside: f64,
    outside: f64,
    integer: bool,
    ok: &mut dyn FnMut(f64) -> bool,
) -> f64 {
    if ok(outside) {
        return outside;
    }
    let (mut good, mut badv) = (inside, outside);
    for _ in 0..40 {
        if integer && (badv - good).abs() <= 1.0 {
            break;
        }
        let mid = if integer {
            ((good + badv) / 2.0).round()
        } else {
            (good + badv) / 2.0
        };
        if mid == good || mid == badv {
            break;
        }
        if ok(mid) {
            good = mid;
        } else {
            badv = mid;
        }
    }
    good
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn assumption_keys_come_from_trailing_comments_and_blocks_above() {
        let text = "# header: values marked assumption are choices\n\n[a]\nx = 1 # assumption\ny = 2 # published\n# An assumption, range 0-3.\nz = 3.0\n\nw = 4\n# about the table: assumptions\n[b]\nq = 0.5\ns = [\n  { from = \"d\", value = 1 },  # assumption\n  # published\n  { from = \"e\", value = 2 },\n  # the lasting share is an assumption\n  { from = \"f\", value = 3 },\n]\nt = 0.1 # Assumption: upper case\nu = \"x # assumption inside a string\"\n[[c]]\nk = 1\n[[c]]\nk = 2 # assumption\n";
        assert_eq!(
            assumption_keys(text),
            vec!["a.x", "a.z", "b.s[0]", "b.s[2]", "b.t", "c[1].k"]
        );
    }

    #[test]
    fn the_baseline_marks_dozens_of_assumptions() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let keys = assumption_keys(&text);
        for k in [
            "time.contact_window_days",
            "data_sharing.orr_to_ice_probability",
            "life.move_rate_per_year",
            "orr.placements_per_day",
            "wellbeing_calls.calls_per_staff_day",
            "recovery.reassigned_to_removal_share[0]",
            "recovery.reassigned_to_removal_share[2]",
        ] {
            assert!(keys.contains(&k.to_string()), "{k} missing from {keys:?}");
        }
        // Published figures are not assumptions.
        for k in [
            "release.address_error_probability",
            "cbp.transfer_limit_hours",
            "recovery.reassigned_to_removal_share[1]",
            "recovery.operation_find_probability",
        ] {
            assert!(!keys.contains(&k.to_string()), "{k} wrongly marked");
        }
        assert!(keys.len() > 60, "{}", keys.len());
    }

    #[test]
    fn leaves_expand_arrays_tables_and_schedules() {
        let t: Table = toml::from_str("[a]\nx = [1.0, 2.0]\ny = { p = 1, q = 0.5 }\ns = [{ from = \"d\", value = 3 }]\nb = true\n").unwrap();
        assert_eq!(numeric_leaves(&t, "a.x"), vec!["a.x[0]", "a.x[1]"]);
        assert_eq!(numeric_leaves(&t, "a.y"), vec!["a.y.p", "a.y.q"]);
        assert_eq!(numeric_leaves(&t, "a.s"), vec!["a.s[0].value"]);
        assert!(numeric_leaves(&t, "a.b").is_empty());
        assert!(numeric_leaves(&t, "a.missing").is_empty());
    }

    #[test]
    fn default_ranges_are_relative_and_integers_round_outwards() {
        assert_eq!(
            default_range(0.4, false, 0.25),
            Some((0.30000000000000004, 0.5))
        );
        assert_eq!(default_range(1.0, true, 0.25), Some((0.0, 2.0)));
        assert_eq!(default_range(30.0, true, 0.25), Some((22.0, 38.0)));
        assert_eq!(default_range(0.0, false, 0.25), None);
    }

    #[test]
    fn bisection_finds_the_edge_of_what_is_accepted() {
        let x = furthest_accepted(0.9, 1.125, false, &mut |v| v <= 1.0);
        assert!((x - 1.0).abs() < 1e-9 && x <= 1.0, "{x}");
        let n = furthest_accepted(1.0, 0.0, true, &mut |v| v >= 1.0);
        assert_eq!(n, 1.0);
        let n = furthest_accepted(30.0, 22.0, true, &mut |v| v >= 25.0);
        assert_eq!(n, 25.0);
        assert_eq!(furthest_accepted(0.5, 0.6, false, &mut |_| true), 0.6);
    }
}
