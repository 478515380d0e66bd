//! The checks of an explorer file's sections: the levers (each with a key, plain-language names,
//! paths of the base scenario and 2 to 5 levels, one of them today's policy), the size of the grid
//! and the teacher's steps. Each records its problems and returns what it checked.

use toml::{Table, Value};

use super::raw::{RawLevel, RawLever, RawStep};
use super::types::{Lever, LEVELS, LEVERS, MAX_CELLS, MAX_STEPS};
use crate::input::Problems;
use crate::output::explorer::{self as page, StepSpec};
use crate::scenario::overrides::{check_path, show};

/// `x` converted to the type of the base scenario's value (`like`), as sweeps do: a whole float
/// for an integer field, an integer for a float field.
fn like_base(x: &Value, like: &Value) -> Value {
    match (x, like) {
        (Value::Integer(n), Value::Float(_)) => Value::Float(*n as f64),
        (Value::Float(f), Value::Integer(_)) if f.fract() == 0.0 && f.is_finite() => {
            Value::Integer(*f as i64)
        }
        _ => x.clone(),
    }
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// How many levers: [`LEVERS`].
pub(super) fn lever_count(p: &mut Problems, n: usize) {
    if !(LEVERS.0..=LEVERS.1).contains(&n) {
        p.field(
            "levers",
            format!(
                "{n} lever(s): an explorer has {} to {} levers ([[levers]] tables)",
                LEVERS.0, LEVERS.1
            ),
        );
    }
}

/// Lever `levers[i]` (`earlier`: the levers before it, `None` where unreadable), against the base
/// scenario's merged table (`base`, if it could be read). `None` if it has a problem, or if today's
/// level is not named and the base scenario is unknown.
pub(super) fn lever(
    p: &mut Problems,
    i: usize,
    l: &RawLever,
    earlier: &[Option<RawLever>],
    base: Option<&Table>,
) -> Option<Lever> {
    let f = |name: &str| format!("levers[{i}].{name}");
    let before = p.problems.len();
    if !is_key(&l.key) {
        p.field(
            &f("key"),
            format!(
                "\"{}\": must be 1 to 40 lowercase letters, digits or `_`",
                l.key.escape_debug()
            ),
        );
    } else if earlier.iter().flatten().any(|o| o.key == l.key) {
        p.field(
            &f("key"),
            format!("\"{}\" is used by another lever; keys must differ", l.key),
        );
    }
    for (name, v) in [("name", &l.name), ("unit", &l.unit)] {
        if v.trim().is_empty() {
            p.field(&f(name), "is empty: write it in plain words");
        }
    }
    let likes = paths(p, i, l, earlier, base);
    let levels = levels(p, i, l, &likes);
    if p.problems.len() > before || levels.len() != l.levels.len() {
        return None;
    }
    let base_values: Vec<Value> = likes.iter().flatten().cloned().collect();
    let today = today(p, i, l, &levels, base.map(|_| base_values.as_slice()))?;
    Some(Lever {
        key: l.key.clone(),
        name: l.name.clone(),
        unit: l.unit.clone(),
        description: l.description.clone().unwrap_or_default(),
        paths: l.paths.clone(),
        levels,
        today,
    })
}

/// The paths of lever `levers[i]`: at least one, each a path of `base` (where known) that no
/// other lever sets. Returns the base scenario's value at each (`None` where unknown).
fn paths(
    p: &mut Problems,
    i: usize,
    l: &RawLever,
    earlier: &[Option<RawLever>],
    base: Option<&Table>,
) -> Vec<Option<Value>> {
    if l.paths.is_empty() {
        p.field(
            &format!("levers[{i}].paths"),
            "[]: list the dotted path(s) of the scenario that the lever sets",
        );
    }
    let mut likes = Vec::new();
    for (k, path) in l.paths.iter().enumerate() {
        let field = format!("levers[{i}].paths[{k}]");
        match base.map(|b| check_path(b, path)) {
            Some(Ok(v)) => likes.push(Some(v.clone())),
            Some(Err(e)) => {
                p.field(&field, format!("\"{path}\": {e}"));
                likes.push(None);
            }
            None => likes.push(None),
        }
        if l.paths[..k].contains(path) || earlier.iter().flatten().any(|o| o.paths.contains(path)) {
            p.field(
                &field,
                format!("\"{path}\" is set twice; each path belongs to one lever"),
            );
        }
    }
    likes
}

/// The levels of lever `levers[i]`: [`LEVELS`] of them, each with a one-line label and a short
/// of its own, and one value per path (of the base scenario's type, `likes`; no table). Returns
/// the levels whose values could be read: (label, short, values).
fn levels(
    p: &mut Problems,
    i: usize,
    l: &RawLever,
    likes: &[Option<Value>],
) -> Vec<(String, String, Vec<Value>)> {
    let m = l.levels.len();
    if !(LEVELS.0..=LEVELS.1).contains(&m) {
        p.field(
            &format!("levers[{i}].levels"),
            format!(
                "{m} level(s): a lever has {} to {} levels",
                LEVELS.0, LEVELS.1
            ),
        );
    }
    let mut levels = Vec::new();
    for (j, lv) in l.levels.iter().enumerate() {
        let g = |name: &str| format!("levers[{i}].levels[{j}].{name}");
        level_words(p, &g, lv, &l.levels[..j]);
        if lv.values.len() != l.paths.len() {
            p.field(
                &g("values"),
                format!(
                    "{} value(s) for {} path(s): give one value per path, in the order of `paths`",
                    lv.values.len(),
                    l.paths.len()
                ),
            );
            continue;
        }
        let values: Vec<Value> = lv
            .values
            .iter()
            .zip(likes)
            .map(|(x, like)| like.as_ref().map(|b| like_base(x, b)).unwrap_or(x.clone()))
            .collect();
        if let Some(k) = values.iter().position(|v| v.is_table()) {
            p.field(
                &format!("levers[{i}].levels[{j}].values[{k}]"),
                "is a table: a level sets numbers, booleans, text or arrays",
            );
        }
        levels.push((lv.label.clone(), lv.short.clone(), values));
    }
    levels
}

/// The words of a level (`g` names its fields): a label and a short, each one line of at most 160
/// characters, the short not that of an `earlier` level.
fn level_words(p: &mut Problems, g: &dyn Fn(&str) -> String, lv: &RawLevel, earlier: &[RawLevel]) {
    for (name, v) in [("label", &lv.label), ("short", &lv.short)] {
        if v.trim().is_empty() {
            p.field(&g(name), "is empty: write it in plain words");
        } else if v.contains('\n') || v.chars().count() > 160 {
            p.field(&g(name), "must be one line of at most 160 characters");
        }
    }
    if earlier.iter().any(|o| o.short == lv.short) {
        p.field(
            &g("short"),
            format!(
                "\"{}\" is used by another level of this lever; shorts must differ",
                lv.short
            ),
        );
    }
}

/// Today's level of lever `levers[i]`: named by `today`, or the level whose values are the base
/// scenario's (`base_values`; `None` when the base scenario is unknown).
fn today(
    p: &mut Problems,
    i: usize,
    l: &RawLever,
    levels: &[(String, String, Vec<Value>)],
    base_values: Option<&[Value]>,
) -> Option<usize> {
    let m = levels.len();
    match l.today {
        Some(t) if t < m => Some(t),
        Some(t) => {
            p.field(
                &format!("levers[{i}].today"),
                format!("{t}: must be the index of a level, 0 to {}", m - 1),
            );
            None
        }
        None => {
            let base_values = base_values?;
            let found = levels.iter().position(|(_, _, v)| *v == base_values);
            if found.is_none() {
                p.field(
                    &format!("levers[{i}].levels"),
                    format!(
                        "no level has the base scenario's values ({}): add a level for today's policy, or name one with `today = <index>`",
                        l.paths
                            .iter()
                            .zip(base_values)
                            .map(|(p, v)| format!("{p} = {}", show(v)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            found
        }
    }
}

/// The settings of the grid (the product of the levers' numbers of levels, `sizes`): at most
/// [`MAX_CELLS`].
pub(super) fn grid_size(p: &mut Problems, sizes: &[usize]) {
    let cells = sizes
        .iter()
        .try_fold(1usize, |acc, &m| acc.checked_mul(m))
        .unwrap_or(usize::MAX);
    if cells > MAX_CELLS {
        p.field(
            "levers",
            format!(
                "a grid of {} = {cells} settings is too large for one page (at most {MAX_CELLS}): drop a lever or some levels",
                sizes
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join(" x ")
            ),
        );
    }
}

/// The teacher's steps: at most [`MAX_STEPS`], each with a title, only known placeholders in
/// its text and questions, and (with the checked `levers`, where known) levels named by a lever's
/// key and a level's short. Returns the steps, each at its setting (today's where it sets none).
pub(super) fn steps(p: &mut Problems, raw: &[RawStep], levers: Option<&[Lever]>) -> Vec<StepSpec> {
    if raw.len() > MAX_STEPS {
        p.field(
            "steps",
            format!(
                "{} steps: the teacher's mode has at most {MAX_STEPS} (4 to 6 work best)",
                raw.len()
            ),
        );
    }
    let today: Vec<usize> = levers.unwrap_or_default().iter().map(|l| l.today).collect();
    let mut out = Vec::new();
    for (s, step) in raw.iter().enumerate() {
        if step.title.trim().is_empty() {
            p.field(&format!("steps[{s}].title"), "is empty");
        }
        for (field, text) in std::iter::once((format!("steps[{s}].text"), &step.text)).chain(
            step.questions
                .iter()
                .enumerate()
                .map(|(q, t)| (format!("steps[{s}].questions[{q}]"), t)),
        ) {
            placeholders(p, &field, text);
        }
        let mut levels = today.clone();
        for (key, short) in levers.map(|_| &step.set).into_iter().flatten() {
            let field = format!("steps[{s}].set.{key}");
            if let Some((i, j)) = setting(p, &field, key, short, levers.unwrap_or_default()) {
                levels[i] = j;
            }
        }
        out.push(StepSpec {
            title: step.title.clone(),
            text: step.text.clone(),
            questions: step.questions.clone(),
            levels,
        });
    }
    out
}

/// Every placeholder of `text` (at `field`) must be one the page fills.
fn placeholders(p: &mut Problems, field: &str, text: &str) {
    for name in page::placeholders_in(text) {
        if !page::PLACEHOLDERS.iter().any(|(q, _)| *q == name) {
            p.field(
                field,
                format!(
                    "unknown placeholder {{{name}}}; allowed: {}",
                    page::PLACEHOLDERS
                        .iter()
                        .map(|(q, _)| format!("{{{q}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
}

/// The lever with `key` and its level with `short` (named at `field`), as (lever, level).
fn setting(
    p: &mut Problems,
    field: &str,
    key: &str,
    short: &str,
    levers: &[Lever],
) -> Option<(usize, usize)> {
    let Some(i) = levers.iter().position(|l| l.key == key) else {
        p.field(
            field,
            format!(
                "no lever has the key \"{key}\"; keys: {}",
                levers
                    .iter()
                    .map(|l| l.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return None;
    };
    let Some(j) = levers[i].levels.iter().position(|lv| lv.1 == short) else {
        p.field(
            field,
            format!(
                "\"{short}\" is not a level of lever \"{key}\"; its levels' shorts: {}",
                levers[i]
                    .levels
                    .iter()
                    .map(|lv| format!("\"{}\"", lv.1))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return None;
    };
    Some((i, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &Problems) -> Vec<&str> {
        p.problems.iter().map(|x| x.field.as_str()).collect()
    }

    fn lever_of(text: &str) -> RawLever {
        toml::from_str(text).unwrap()
    }

    const SHARING: &str = "key = \"sharing\"\nname = \"Sharing\"\nunit = \"share\"\npaths = [\"a.p\"]\nlevels = [{ label = \"none\", short = \"none\", values = [0] }, { label = \"today\", short = \"today\", values = [0.85] }]\n";

    fn base() -> Table {
        toml::from_str("[a]\np = 0.85\nn = 3\n").unwrap()
    }

    #[test]
    fn a_sound_lever_finds_today_s_level_and_takes_the_base_types() {
        let mut p = Problems::default();
        let l = lever(&mut p, 0, &lever_of(SHARING), &[], Some(&base())).unwrap();
        assert!(p.is_empty(), "{:?}", p.problems);
        assert_eq!(l.today, 1);
        assert_eq!(l.levels[0].2, vec![Value::Float(0.0)]);
        // Without the base scenario its problems are still found, but it is not usable.
        assert!(lever(&mut p, 0, &lever_of(SHARING), &[], None).is_none());
        assert!(p.is_empty());
    }

    #[test]
    fn every_problem_of_a_lever_is_named() {
        let earlier = [Some(lever_of(SHARING)), None];
        let bad = lever_of(
            "key = \"sharing\"\nname = \"\"\nunit = \"u\"\npaths = [\"a.p\", \"a.q\", \"a.q\"]\ntoday = 4\nlevels = [{ label = \"x\\ny\", short = \"s\", values = [1, 2, { t = 1 }] }, { label = \"b\", short = \"s\", values = [1] }]\n",
        );
        let mut p = Problems::default();
        assert!(lever(&mut p, 2, &bad, &earlier, Some(&base())).is_none());
        assert_eq!(
            fields(&p),
            [
                "levers[2].key",
                "levers[2].name",
                "levers[2].paths[0]",
                "levers[2].paths[1]",
                "levers[2].paths[2]",
                "levers[2].paths[2]",
                "levers[2].levels[0].label",
                "levers[2].levels[0].values[2]",
                "levers[2].levels[1].short",
                "levers[2].levels[1].values",
            ]
        );
        let mut p = Problems::default();
        let no_today = lever_of(&SHARING.replace("0.85] }]", "0.5] }]"));
        assert!(lever(&mut p, 0, &no_today, &[], Some(&base())).is_none());
        assert_eq!(fields(&p), ["levers[0].levels"]);
        assert!(p.problems[0].allowed.contains("a.p = 0.85"));
    }

    #[test]
    fn the_grid_and_the_steps_are_bounded() {
        let mut p = Problems::default();
        lever_count(&mut p, 1);
        lever_count(&mut p, 3);
        grid_size(&mut p, &[5, 5, 5]);
        grid_size(&mut p, &[5, 5, 5, 5]);
        assert_eq!(fields(&p), ["levers", "levers"]);
        assert!(p.problems[1]
            .allowed
            .contains("5 x 5 x 5 x 5 = 625 settings"));
    }

    #[test]
    fn steps_name_known_placeholders_and_levels() {
        let mut p = Problems::default();
        let levers = [lever(&mut p, 0, &lever_of(SHARING), &[], Some(&base())).unwrap()];
        let raw: Vec<RawStep> = (0..9)
            .map(|_| RawStep {
                title: "t".into(),
                text: "{setting}".into(),
                questions: vec![],
                set: [("sharing".to_string(), "none".to_string())].into(),
            })
            .collect();
        let got = steps(&mut p, &raw, Some(&levers));
        assert_eq!(got[0].levels, vec![0]);
        assert_eq!(fields(&p), ["steps"]);
        let bad = RawStep {
            title: " ".into(),
            text: "{nope}".into(),
            questions: vec!["{bad}".into()],
            set: [
                ("zz".to_string(), "x".to_string()),
                ("sharing".to_string(), "x".to_string()),
            ]
            .into(),
        };
        let mut p = Problems::default();
        let got = steps(&mut p, std::slice::from_ref(&bad), Some(&levers));
        assert_eq!(got[0].levels, vec![1]);
        assert_eq!(
            fields(&p),
            [
                "steps[0].title",
                "steps[0].text",
                "steps[0].questions[0]",
                "steps[0].set.sharing",
                "steps[0].set.zz"
            ]
        );
        // Without checked levers, what the steps set is not checked.
        let mut p = Problems::default();
        steps(&mut p, &[bad], None);
        assert_eq!(p.problems.len(), 3);
    }
}
