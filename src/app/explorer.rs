//! `custody-sim explorer`: a classroom explorer. An explorer file names a base scenario, 2-5 levers
//! of 2-5 levels each (every level a set of values at dotted paths, with a plain-language label)
//! and the teacher's steps; every setting of the grid is run at a reduced cohort ([`at_scale`]),
//! several replications each with common random numbers (the same seed for every setting), on the
//! one parallel runner; the results, reduced to monthly points, go into one self-contained HTML
//! page (`output::explorer`).
//!
//! Everything is checked before anything runs (unknown paths with the nearest valid ones, too many
//! levers or levels, a grid too large for the page, a level the scenario would reject, unknown
//! placeholders in the steps); bad input exits with code 2 and nothing is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};
use toml::Value;

use super::{progress_bar, BadInput};
use crate::cli::ExplorerArgs;
use crate::error::ScenarioError;
use crate::experiment::checks::{referenced_file, several};
use crate::experiment::design;
use crate::output::explorer::{
    self as page, CellRuns, LeverView, Month, PageInput, RunDigest, StepSpec,
};
use crate::runner::Runner;
use crate::scenario::overrides::{check_path, show};
use crate::scenario::scale::{at_scale, scale_overrides};
use crate::scenario::{self, Scenario};
use crate::sim::{series_names, simulate, DaySnapshot, Observer};

/// Fewest and most levers of an explorer file.
pub(crate) const LEVERS: (usize, usize) = (2, 5);
/// Fewest and most levels of a lever.
pub(crate) const LEVELS: (usize, usize) = (2, 5);
/// Most settings (cells of the grid) one page holds: about 6 kB of data each, so the page stays
/// under about 2 MB.
pub(crate) const MAX_CELLS: usize = 256;
/// Most steps of the teacher's mode.
const MAX_STEPS: usize = 8;
/// The smallest share of the cohort that may be simulated.
pub(crate) const MIN_SCALE: f64 = 0.001;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawExplorer {
    /// The page's title.
    #[serde(default)]
    title: Option<String>,
    /// The scenario every setting starts from (relative to the explorer file).
    base: String,
    levers: Vec<RawLever>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawLever {
    /// A short identifier (letters, digits, `_`), used by the steps' `set`.
    key: String,
    /// What the lever is, in plain words.
    name: String,
    /// What its levels measure (the unit).
    unit: String,
    /// One or two sentences on what the lever does in the model.
    #[serde(default)]
    description: Option<String>,
    /// The dotted paths each level sets, in order.
    paths: Vec<String>,
    levels: Vec<RawLevel>,
    /// The level that stands for today's policy (0-based); by default the level whose values are
    /// the base scenario's.
    #[serde(default)]
    today: Option<usize>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    /// One line in plain language.
    label: String,
    /// A few words that read after "With" ("sharing within 7 days").
    short: String,
    /// One value per path of the lever.
    values: Vec<Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    title: String,
    /// The step's text; `{placeholders}` are filled with numbers of the step's setting.
    text: String,
    #[serde(default)]
    questions: Vec<String>,
    /// Lever key -> the `short` of the level to show (other levers stay at today's level).
    #[serde(default)]
    set: BTreeMap<String, String>,
}

/// One lever, checked.
#[derive(Debug, Clone)]
pub(crate) struct Lever {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub description: String,
    pub paths: Vec<String>,
    /// Per level: label, short, one value per path.
    pub levels: Vec<(String, String, Vec<Value>)>,
    pub today: usize,
}

/// A checked explorer file: every cell's scenario is valid.
#[derive(Debug, Clone)]
pub(crate) struct Explorer {
    pub file: PathBuf,
    pub title: String,
    pub base: Scenario,
    pub levers: Vec<Lever>,
    pub steps: Vec<StepSpec>,
}

fn bad(file: &Path, field: &str, message: String) -> ScenarioError {
    ScenarioError::Schema {
        path: file.to_path_buf(),
        chain: String::new(),
        field: field.to_string(),
        message,
    }
}

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

impl Explorer {
    /// Number of cells (settings) of the grid.
    #[cfg(test)]
    pub(crate) fn cells(&self) -> usize {
        self.levers.iter().map(|l| l.levels.len()).product()
    }

    /// The level of every lever in each cell, row-major (the first lever varies slowest).
    pub(crate) fn grid(&self) -> Vec<Vec<usize>> {
        let axes: Vec<Vec<f64>> = self
            .levers
            .iter()
            .map(|l| (0..l.levels.len()).map(|j| j as f64).collect())
            .collect();
        design::grid(&axes)
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.into_iter().map(|x| x as usize).collect())
            .collect()
    }

    /// The cell of a setting (one level per lever).
    pub(crate) fn cell_of(&self, levels: &[usize]) -> usize {
        levels
            .iter()
            .zip(&self.levers)
            .fold(0, |acc, (&j, l)| acc * l.levels.len() + j)
    }

    /// The setting of today's policy: every lever at its `today` level.
    pub(crate) fn today(&self) -> Vec<usize> {
        self.levers.iter().map(|l| l.today).collect()
    }

    /// The values a setting writes, path by path.
    fn overrides(&self, levels: &[usize]) -> Vec<(String, Value)> {
        self.levers
            .iter()
            .zip(levels)
            .flat_map(|(l, &j)| l.paths.iter().cloned().zip(l.levels[j].2.iter().cloned()))
            .collect()
    }

    /// The scenario of one setting at `scale` of the cohort.
    pub(crate) fn scenario(&self, levels: &[usize], scale: f64) -> Result<Scenario, ScenarioError> {
        let label = format!(
            "{} setting {}",
            self.file.display(),
            levels
                .iter()
                .map(|j| j.to_string())
                .collect::<Vec<_>>()
                .join("-")
        );
        let s = self.base.with_values(&self.overrides(levels), &label)?;
        at_scale(&s, scale, &label)
    }
}

/// Read and check an explorer file: every problem found is listed at once, and every setting of
/// the grid must be a valid scenario.
pub(crate) fn load(file: &Path) -> Result<Explorer, ScenarioError> {
    let table = crate::input::read(file, "explorer")?.table;
    let raw: RawExplorer = crate::input::strict_file(file, table)?;
    let base_path = file.parent().unwrap_or(Path::new(".")).join(&raw.base);
    referenced_file(file, "base", &raw.base, &base_path, "scenario")?;
    let base = scenario::load(&base_path)?;

    let mut errs: Vec<ScenarioError> = Vec::new();
    let n = raw.levers.len();
    if !(LEVERS.0..=LEVERS.1).contains(&n) {
        errs.push(bad(
            file,
            "levers",
            format!(
                "{n} lever(s): an explorer has {} to {} levers ([[levers]] tables)",
                LEVERS.0, LEVERS.1
            ),
        ));
    }
    let mut levers = Vec::new();
    for (i, l) in raw.levers.iter().enumerate() {
        let f = |name: &str| format!("levers[{i}].{name}");
        let before = errs.len();
        if !is_key(&l.key) {
            errs.push(bad(
                file,
                &f("key"),
                format!(
                    "\"{}\": must be 1 to 40 lowercase letters, digits or `_`",
                    l.key.escape_debug()
                ),
            ));
        } else if raw.levers[..i].iter().any(|o| o.key == l.key) {
            errs.push(bad(
                file,
                &f("key"),
                format!("\"{}\" is used by another lever; keys must differ", l.key),
            ));
        }
        for (name, v) in [("name", &l.name), ("unit", &l.unit)] {
            if v.trim().is_empty() {
                errs.push(bad(
                    file,
                    &f(name),
                    "is empty: write it in plain words".into(),
                ));
            }
        }
        if l.paths.is_empty() {
            errs.push(bad(
                file,
                &f("paths"),
                "[]: list the dotted path(s) of the scenario that the lever sets".into(),
            ));
        }
        let mut likes = Vec::new();
        for (k, p) in l.paths.iter().enumerate() {
            match check_path(&base.loaded.merged, p) {
                Ok(v) => likes.push(Some(v.clone())),
                Err(e) => {
                    errs.push(bad(
                        file,
                        &format!("levers[{i}].paths[{k}]"),
                        format!("\"{p}\": {e}"),
                    ));
                    likes.push(None);
                }
            }
            if l.paths[..k].contains(p) || raw.levers[..i].iter().any(|o| o.paths.contains(p)) {
                errs.push(bad(
                    file,
                    &format!("levers[{i}].paths[{k}]"),
                    format!("\"{p}\" is set twice; each path belongs to one lever"),
                ));
            }
        }
        let m = l.levels.len();
        if !(LEVELS.0..=LEVELS.1).contains(&m) {
            errs.push(bad(
                file,
                &f("levels"),
                format!(
                    "{m} level(s): a lever has {} to {} levels",
                    LEVELS.0, LEVELS.1
                ),
            ));
        }
        let mut levels = Vec::new();
        for (j, lv) in l.levels.iter().enumerate() {
            let g = |name: &str| format!("levers[{i}].levels[{j}].{name}");
            for (name, v) in [("label", &lv.label), ("short", &lv.short)] {
                if v.trim().is_empty() {
                    errs.push(bad(
                        file,
                        &g(name),
                        "is empty: write it in plain words".into(),
                    ));
                } else if v.contains('\n') || v.chars().count() > 160 {
                    errs.push(bad(
                        file,
                        &g(name),
                        "must be one line of at most 160 characters".into(),
                    ));
                }
            }
            if l.levels[..j].iter().any(|o| o.short == lv.short) {
                errs.push(bad(
                    file,
                    &g("short"),
                    format!(
                        "\"{}\" is used by another level of this lever; shorts must differ",
                        lv.short
                    ),
                ));
            }
            if lv.values.len() != l.paths.len() {
                errs.push(bad(
                    file,
                    &g("values"),
                    format!(
                        "{} value(s) for {} path(s): give one value per path, in the order of `paths`",
                        lv.values.len(),
                        l.paths.len()
                    ),
                ));
                continue;
            }
            let values: Vec<Value> = lv
                .values
                .iter()
                .zip(&likes)
                .map(|(x, like)| like.as_ref().map(|b| like_base(x, b)).unwrap_or(x.clone()))
                .collect();
            if let Some(k) = values.iter().position(|v| v.is_table()) {
                errs.push(bad(
                    file,
                    &format!("levers[{i}].levels[{j}].values[{k}]"),
                    "is a table: a level sets numbers, booleans, text or arrays".into(),
                ));
            }
            levels.push((lv.label.clone(), lv.short.clone(), values));
        }
        if errs.len() > before || levels.len() != m {
            continue;
        }
        // Today's level: named, or the one whose values are the base scenario's.
        let base_values: Vec<Value> = likes.iter().flatten().cloned().collect();
        let today = match l.today {
            Some(t) if t < m => t,
            Some(t) => {
                errs.push(bad(
                    file,
                    &f("today"),
                    format!("{t}: must be the index of a level, 0 to {}", m - 1),
                ));
                continue;
            }
            None => match levels.iter().position(|(_, _, v)| *v == base_values) {
                Some(t) => t,
                None => {
                    errs.push(bad(
                        file,
                        &f("levels"),
                        format!(
                            "no level has the base scenario's values ({}): add a level for today's policy, or name one with `today = <index>`",
                            l.paths
                                .iter()
                                .zip(&base_values)
                                .map(|(p, v)| format!("{p} = {}", show(v)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                    continue;
                }
            },
        };
        levers.push(Lever {
            key: l.key.clone(),
            name: l.name.clone(),
            unit: l.unit.clone(),
            description: l.description.clone().unwrap_or_default(),
            paths: l.paths.clone(),
            levels,
            today,
        });
    }
    let sizes: Vec<usize> = raw.levers.iter().map(|l| l.levels.len()).collect();
    let cells = sizes
        .iter()
        .try_fold(1usize, |acc, &m| acc.checked_mul(m))
        .unwrap_or(usize::MAX);
    if cells > MAX_CELLS {
        errs.push(bad(
            file,
            "levers",
            format!(
                "a grid of {} = {cells} settings is too large for one page (at most {MAX_CELLS}): drop a lever or some levels",
                sizes
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join(" x ")
            ),
        ));
    }
    if raw.steps.len() > MAX_STEPS {
        errs.push(bad(
            file,
            "steps",
            format!(
                "{} steps: the teacher's mode has at most {MAX_STEPS} (4 to 6 work best)",
                raw.steps.len()
            ),
        ));
    }
    if !errs.is_empty() {
        return Err(several(file, errs));
    }

    let mut ex = Explorer {
        file: file.to_path_buf(),
        title: raw
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "Who knows where the children are? A classroom explorer".into()),
        base,
        levers,
        steps: Vec::new(),
    };
    ex.steps = steps(file, &raw.steps, &ex)?;

    // Each level on its own against today's setting, so that a value the scenario rejects is
    // named by its lever and level; then every setting of the grid.
    for (i, l) in ex.levers.iter().enumerate() {
        for j in 0..l.levels.len() {
            let mut levels = ex.today();
            levels[i] = j;
            ex.scenario(&levels, 1.0).map_err(|e| {
                bad(
                    file,
                    &format!("levers[{i}].levels[{j}].values"),
                    format!("the scenario rejects this level: {e}"),
                )
            })?;
        }
    }
    for levels in ex.grid() {
        ex.scenario(&levels, 1.0)?;
    }
    Ok(ex)
}

/// The teacher's steps of the file, or generated ones when it has none.
fn steps(file: &Path, raw: &[RawStep], ex: &Explorer) -> Result<Vec<StepSpec>, ScenarioError> {
    let mut errs = Vec::new();
    let mut out = Vec::new();
    for (s, step) in raw.iter().enumerate() {
        let f = |name: &str| format!("steps[{s}].{name}");
        if step.title.trim().is_empty() {
            errs.push(bad(file, &f("title"), "is empty".into()));
        }
        for (field, text) in std::iter::once((f("text"), &step.text)).chain(
            step.questions
                .iter()
                .enumerate()
                .map(|(q, t)| (format!("steps[{s}].questions[{q}]"), t)),
        ) {
            for name in page::placeholders_in(text) {
                if !page::PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
                    errs.push(bad(
                        file,
                        &field,
                        format!(
                            "unknown placeholder {{{name}}}; allowed: {}",
                            page::PLACEHOLDERS
                                .iter()
                                .map(|(p, _)| format!("{{{p}}}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
        let mut levels = ex.today();
        for (key, short) in &step.set {
            let field = format!("steps[{s}].set.{key}");
            match ex.levers.iter().position(|l| &l.key == key) {
                None => errs.push(bad(
                    file,
                    &field,
                    format!(
                        "no lever has the key \"{key}\"; keys: {}",
                        ex.levers
                            .iter()
                            .map(|l| l.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
                Some(i) => match ex.levers[i].levels.iter().position(|lv| &lv.1 == short) {
                    Some(j) => levels[i] = j,
                    None => errs.push(bad(
                        file,
                        &field,
                        format!(
                            "\"{short}\" is not a level of lever \"{key}\"; its levels' shorts: {}",
                            ex.levers[i]
                                .levels
                                .iter()
                                .map(|lv| format!("\"{}\"", lv.1))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                },
            }
        }
        out.push(StepSpec {
            title: step.title.clone(),
            text: step.text.clone(),
            questions: step.questions.clone(),
            levels,
        });
    }
    if !errs.is_empty() {
        return Err(several(file, errs));
    }
    if out.is_empty() {
        out = page::generated_steps(&lever_views(ex), &ex.today());
    }
    Ok(out)
}

fn lever_views(ex: &Explorer) -> Vec<LeverView> {
    ex.levers
        .iter()
        .map(|l| LeverView {
            key: l.key.clone(),
            name: l.name.clone(),
            unit: l.unit.clone(),
            description: l.description.clone(),
            levels: l
                .levels
                .iter()
                .map(|(label, short, values)| page::LevelView {
                    label: label.clone(),
                    short: short.clone(),
                    values: l
                        .paths
                        .iter()
                        .zip(values)
                        .map(|(p, v)| format!("{p} = {}", show(v)))
                        .collect(),
                })
                .collect(),
            today: l.today,
        })
        .collect()
}

/// Check a `--scale` given on the command line.
fn check_scale(scale: f64) -> Result<(), ScenarioError> {
    if scale.is_finite() && (MIN_SCALE..=1.0).contains(&scale) {
        Ok(())
    } else {
        Err(ScenarioError::Schema {
            path: "(command line)".into(),
            chain: String::new(),
            field: "--scale".into(),
            message: format!(
                "{scale}: must be a share of the cohort between {MIN_SCALE} and 1 (e.g. 0.1 for 10%)"
            ),
        })
    }
}

/// `run --scale`: the scenario of `file` at `scale` of its cohort.
pub(super) fn at_scale_arg(s: Scenario, scale: f64, file: &Path) -> Result<Scenario> {
    check_scale(scale).map_err(BadInput)?;
    if scale == 1.0 {
        return Ok(s);
    }
    Ok(at_scale(&s, scale, &file.display().to_string()).map_err(BadInput)?)
}

/// The last day of every month of a run of `days` days from `start` (and the last day).
fn month_ends(start: &str, days: u32) -> Vec<Month> {
    let dates: Vec<String> = (0..=days).map(|d| scenario::date_of(start, d)).collect();
    (0..days)
        .filter(|&d| d + 1 == days || dates[d as usize][..7] != dates[d as usize + 1][..7])
        .map(|d| Month {
            day: d,
            label: dates[d as usize][..7].to_string(),
        })
        .collect()
}

/// Keeps the explorer's series on the month-end days.
struct MonthlyLog<'a> {
    days: &'a [u32],
    columns: &'a [usize],
    next: usize,
    points: Vec<Vec<f64>>,
}

impl Observer for MonthlyLog<'_> {
    fn on_day(&mut self, day: u32, s: &DaySnapshot) {
        if self.days.get(self.next) == Some(&day) {
            let all = s.series();
            self.points
                .push(self.columns.iter().map(|&c| all[c]).collect());
            self.next += 1;
        }
    }
}

/// `custody-sim explorer`.
pub(super) fn explorer(args: &ExplorerArgs) -> Result<()> {
    let started = Instant::now();
    check_scale(args.scale).map_err(BadInput)?;
    let ex = load(&args.explorer).map_err(BadInput)?;
    if args.out.is_dir() {
        return Err(BadInput(ScenarioError::Outputs {
            path: args.out.clone(),
            message: "is a folder: --out needs the name of the HTML file to write, e.g. outputs/explorer.html".into(),
        })
        .into());
    }
    let grid = ex.grid();
    let scenarios: Vec<Scenario> = grid
        .iter()
        .map(|levels| ex.scenario(levels, args.scale))
        .collect::<Result<_, _>>()
        .map_err(BadInput)?;
    let parent = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create folder {}", parent.display()))?;

    let start = ex.base.loaded.raw.time.start_date.clone();
    let days = ex.base.params.horizon_days;
    let months = month_ends(&start, days);
    let month_days: Vec<u32> = months.iter().map(|m| m.day).collect();
    let names = series_names();
    let columns: Vec<usize> = page::SERIES
        .iter()
        .map(|c| {
            names
                .iter()
                .position(|n| n == c)
                .ok_or_else(|| anyhow!("the daily series have no column {c}"))
        })
        .collect::<Result<_>>()?;

    let runner = Runner::new(args.threads).context("cannot start worker threads")?;
    let reps = args.replications;
    let jobs: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|c| (0..reps).map(move |r| (c, r)))
        .collect();
    let bar = progress_bar(jobs.len() as u64, args.quiet, "runs");
    bar.set_message(format!("{} settings", scenarios.len()));
    let results = runner.map(
        &jobs,
        |&(c, r)| {
            let mut log = MonthlyLog {
                days: &month_days,
                columns: &columns,
                next: 0,
                points: Vec::with_capacity(month_days.len()),
            };
            let summary = simulate(&scenarios[c].params, args.seed, r, &mut log);
            Ok(RunDigest {
                summary,
                monthly: log.points,
            })
        },
        &|| bar.inc(1),
    );
    bar.finish_and_clear();
    let mut cells: Vec<CellRuns> = (0..scenarios.len()).map(|_| Vec::new()).collect();
    for (&(c, r), result) in jobs.iter().zip(results) {
        let digest = result.map_err(|e| anyhow!("setting {c}, replication {r} failed: {e}"))?;
        if digest.monthly.len() != months.len() {
            return Err(anyhow!(
                "setting {c}, replication {r}: {} monthly points for {} months",
                digest.monthly.len(),
                months.len()
            ));
        }
        cells[c].push(digest);
    }

    let scaled: Vec<(String, String, String)> = scale_overrides(&ex.base, args.scale)
        .into_iter()
        .map(|(p, v)| {
            let old = ex
                .base
                .value(&p)
                .map(show)
                .unwrap_or_else(|| "(absent)".into());
            (p, old, show(&v))
        })
        .collect();
    let input = PageInput {
        title: ex.title.clone(),
        program: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        explorer_file: ex.file.display().to_string(),
        base_name: ex.base.name().to_string(),
        scale: args.scale,
        replications: reps,
        seed: args.seed,
        horizon_date: ex.base.loaded.raw.time.horizon_date.clone(),
        months,
        levers: lever_views(&ex),
        reference: ex.cell_of(&ex.today()),
        steps: ex.steps.clone(),
        cells,
        scaled,
    };
    let html = page::render(&input)?;
    crate::output::write_atomic_text(&args.out, &html)?;
    let wall = started.elapsed().as_secs_f64();
    if !args.quiet {
        println!(
            "Explorer page {}: {} settings ({}) x {reps} replications = {} runs at {}% of the cohort, seed {}, {} threads",
            args.out.display(),
            grid.len(),
            ex.levers
                .iter()
                .map(|l| format!("{} {}", l.levels.len(), l.key))
                .collect::<Vec<_>>()
                .join(" x "),
            jobs.len(),
            crate::output::format::percent_number(args.scale),
            args.seed,
            runner.threads()
        );
        println!(
            "Generated in {wall:.1} s; page size {} ({} bytes). Every child in it is synthetic.",
            crate::output::format::bytes(html.len()),
            html.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn the_default_explorer_is_valid_and_includes_todays_policy() {
        let ex = load(&root().join("scenarios/explorer/default.toml")).unwrap();
        assert!((LEVERS.0..=LEVERS.1).contains(&ex.levers.len()));
        assert!(ex.cells() <= MAX_CELLS);
        assert_eq!(ex.grid().len(), ex.cells());
        // Today's setting is the base scenario itself.
        let today = ex.scenario(&ex.today(), 1.0).unwrap();
        assert_eq!(today.params, ex.base.params);
        assert!(
            (4..=6).contains(&ex.steps.len()),
            "{} steps",
            ex.steps.len()
        );
        // Cells are numbered row-major.
        for (c, levels) in ex.grid().iter().enumerate() {
            assert_eq!(ex.cell_of(levels), c);
        }
    }

    #[test]
    fn month_ends_are_the_last_days_of_months() {
        let m = month_ends("2018-10-01", 92);
        let labels: Vec<&str> = m.iter().map(|x| x.label.as_str()).collect();
        assert_eq!(labels, ["2018-10", "2018-11", "2018-12"]);
        assert_eq!(m.iter().map(|x| x.day).collect::<Vec<_>>(), [30, 60, 91]);
        // A run that ends mid-month keeps its last day.
        let m = month_ends("2018-10-01", 40);
        assert_eq!(m.iter().map(|x| x.day).collect::<Vec<_>>(), [30, 39]);
    }
}
