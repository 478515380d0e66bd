//! Fuzzing the experiment files (issue 32): every shipped sweep, explore, calibration, explorer
//! and targets file, mutated at random (fields deleted, values replaced by values of other types
//! or out of every range, unknown keys added, tables turned into arrays), is either loaded or
//! refused with an error: never a panic. The scenarios and files they name are copied to a
//! temporary folder first, so the mutated files resolve their references as the shipped ones do.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rand::Rng;
use toml::{Table, Value};

use crate::rng::{self, Purpose, Stream};
use crate::scenario::overrides::{get_mut, Step};

/// Mutated files per shipped file.
const CASES: u64 = 150;

/// A copy of `scenarios/` in a temporary folder.
fn scenarios_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    copy_tree(&root, &dir.path().join("scenarios"));
    let at = dir.path().join("scenarios");
    (dir, at)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A value that breaks something: another type, an extreme number, an odd string.
fn odd_value(r: &mut Stream) -> Value {
    match r.random_range(0..16) {
        0 => Value::Integer(-1),
        1 => Value::Integer(0),
        2 => Value::Integer(i64::MAX),
        3 => Value::Float(f64::NAN),
        4 => Value::Float(f64::INFINITY),
        5 => Value::Float(-1e308),
        6 => Value::Float(1e-300),
        7 => Value::String(String::new()),
        8 => Value::String("x".repeat(300)),
        9 => Value::String("../../no/such/file.toml".into()),
        10 => Value::String("2025-13-45".into()),
        11 => Value::Boolean(true),
        12 => Value::Array(Vec::new()),
        13 => Value::Array(vec![Value::Integer(1), Value::String("a".into())]),
        14 => Value::Table(Table::new()),
        _ => Value::Float(0.5),
    }
}

/// The paths to every value of `v` (keys and indices).
fn paths(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Table(t) => {
            for (k, x) in t {
                at.push(Step::Key(k.clone()));
                out.push(at.clone());
                paths(x, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Step::Index(i));
                out.push(at.clone());
                paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// One to three random mutations of `table`.
fn mutate(table: &Table, r: &mut Stream) -> Table {
    let mut root = table.clone();
    for _ in 0..r.random_range(1..=3) {
        let mut all = Vec::new();
        paths(&Value::Table(root.clone()), &mut Vec::new(), &mut all);
        if all.is_empty() {
            break;
        }
        let path = all[r.random_range(0..all.len())].clone();
        let (last, parent) = path.split_last().unwrap();
        if parent.is_empty() {
            // A top-level field: its parent is the file's table.
            mutate_field(&mut root, last, r);
            continue;
        }
        let Some(parent) = get_mut(&mut root, parent) else {
            continue;
        };
        match (last, parent) {
            (Step::Key(_), Value::Table(t)) => mutate_field(t, last, r),
            (Step::Index(i), Value::Array(a)) => match r.random_range(0..5) {
                0 => {
                    a.remove(*i);
                }
                2 => a.push(a[*i].clone()),
                _ => a[*i] = odd_value(r),
            },
            _ => {}
        }
    }
    root
}

/// Mutate the field `last` (a key) of table `t`: delete it, add an unknown key beside it, turn it
/// into an array of itself, or replace its value.
fn mutate_field(t: &mut Table, last: &Step, r: &mut Stream) {
    let Step::Key(k) = last else { return };
    match r.random_range(0..5) {
        0 => {
            t.remove(k);
        }
        1 => {
            t.insert("not_a_field".into(), odd_value(r));
        }
        2 => {
            if let Some(x) = t.get(k).cloned() {
                t.insert(k.clone(), Value::Array(vec![x.clone(), x]));
            }
        }
        _ => {
            t.insert(k.clone(), odd_value(r));
        }
    }
}

/// Mutate `file` (in the copied scenarios) `CASES` times, writing each next to it, and load each
/// with `load`: a panic fails the test with the file that caused it.
fn fuzz(file: &Path, seed: u64, load: &dyn Fn(&Path) -> bool) {
    let text = std::fs::read_to_string(file).unwrap();
    let table: Table = toml::from_str(&text).unwrap();
    let mutated = file.with_file_name(format!(
        "fuzz-{}",
        file.file_name().unwrap().to_string_lossy()
    ));
    let (mut loaded, mut refused) = (0, 0);
    for case in 0..CASES {
        let mut r = rng::stream(seed, case, 0, Purpose::Attributes);
        let t = mutate(&table, &mut r);
        let Ok(text) = toml::to_string(&t) else {
            continue;
        };
        std::fs::write(&mutated, &text).unwrap();
        match catch_unwind(AssertUnwindSafe(|| load(&mutated))) {
            Ok(true) => loaded += 1,
            Ok(false) => refused += 1,
            Err(_) => panic!(
                "loading a mutation of {} panicked (case {case}):\n{text}",
                file.display()
            ),
        }
    }
    // Most mutations break the file; a few (a value replaced by a valid one) do not.
    assert!(refused > CASES / 2, "{refused} refused, {loaded} loaded");
}

#[test]
fn mutated_sweep_files_are_loaded_or_refused_never_a_panic() {
    let (_dir, at) = scenarios_copy();
    for (i, name) in ["grid", "latin_hypercube", "morris", "sobol", "design"]
        .iter()
        .enumerate()
    {
        let file = at.join("sweeps").join(format!("{name}.toml"));
        fuzz(&file, 100 + i as u64, &|f| {
            crate::experiment::sweep::load(f).is_ok()
        });
    }
}

#[test]
fn mutated_explore_calibration_and_explorer_files_are_loaded_or_refused_never_a_panic() {
    let (_dir, at) = scenarios_copy();
    fuzz(&at.join("explore/example.toml"), 200, &|f| {
        crate::experiment::explore::load(f).is_ok()
    });
    fuzz(&at.join("calibration/example.toml"), 300, &|f| {
        crate::experiment::calibrate::load(f).is_ok()
    });
    fuzz(&at.join("explorer/default.toml"), 400, &|f| {
        super::explorer::load(f).is_ok()
    });
}

#[test]
fn mutated_targets_files_are_loaded_or_refused_never_a_panic() {
    let (_dir, at) = scenarios_copy();
    for (i, name) in ["published", "fy2025"].iter().enumerate() {
        let file = at.join("targets").join(format!("{name}.toml"));
        fuzz(&file, 500 + i as u64, &|f| {
            crate::experiment::targets::load(f, "2018-10-01", 2648).is_ok()
        });
    }
}
