//! `custody-sim explorer`: a classroom explorer. An explorer file names a base scenario, 2-5 levers
//! of 2-5 levels each (every level a set of values at dotted paths, with a plain-language label)
//! and the teacher's steps; every setting of the grid is run at a reduced cohort ([`at_scale`]),
//! several replications each with common random numbers (the same seed for every setting), on the
//! one parallel runner; the results, reduced to monthly points, go into one self-contained HTML
//! page (`output::explorer`).
//!
//! Everything is checked before anything runs (unknown paths with the nearest valid ones, too many
//! levers or levels, a grid too large for the page, a level the scenario would reject, unknown
//! placeholders in the steps), every problem of the file at once; bad input exits with code 2 and
//! nothing is written. `raw` holds the explorer file as written, `types` the checked file and its
//! limits, `checks` the checks of its sections, `load` reads a file through them; this module runs
//! the grid and writes the page.

mod checks;
mod load;
mod raw;
mod types;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};

pub(super) use self::load::load;
use self::types::lever_views;
use super::{progress_bar, BadInput};
use crate::cli::ExplorerArgs;
use crate::error::ScenarioError;
use crate::output::explorer::{self as page, CellRuns, Month, PageInput, RunDigest};
use crate::runner::Runner;
use crate::scenario::overrides::show;
use crate::scenario::scale::{at_scale, scale_overrides, scale_problem};
use crate::scenario::{self, Scenario};
use crate::sim::{series_names, simulate, DaySnapshot, Observer};

/// Check a `--scale` given on the command line.
pub(super) fn check_scale(scale: f64) -> Result<(), ScenarioError> {
    match scale_problem(scale) {
        None => Ok(()),
        Some(message) => Err(ScenarioError::Schema {
            path: "(command line)".into(),
            chain: String::new(),
            field: "--scale".into(),
            message,
        }),
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
    let ensemble = args
        .posterior
        .as_deref()
        .map(super::compare_posterior::load_ensemble)
        .transpose()?;
    // Per setting, per draw (one draw, the scenario as it is, without a posterior): the
    // parameters to run. A draw sets the calibrated assumptions in every setting except where a
    // lever sets one itself (as `compare --posterior` keeps a reform's own levers).
    let (params, posterior): (Vec<Vec<crate::sim::Params>>, Option<page::PosteriorView>) =
        match &ensemble {
            None => (
                grid.iter()
                    .map(|levels| ex.scenario(levels, args.scale).map(|s| vec![s.params]))
                    .collect::<Result<_, _>>()
                    .map_err(BadInput)?,
                None,
            ),
            Some(e) => {
                let chosen = e.spread(args.draws as usize);
                let mut all = Vec::with_capacity(grid.len());
                for levels in &grid {
                    let whole = ex.scenario(levels, 1.0).map_err(BadInput)?;
                    let label = format!("{} setting {levels:?}", ex.file.display());
                    let mut per_draw = Vec::with_capacity(chosen.len());
                    for &d in &chosen {
                        let (with, _) = e.apply(d, &ex.base, &whole, &label).map_err(BadInput)?;
                        per_draw.push(
                            at_scale(&with, args.scale, &label)
                                .map_err(BadInput)?
                                .params,
                        );
                    }
                    all.push(per_draw);
                }
                let view = page::PosteriorView {
                    ensemble: e.file.display().to_string(),
                    draws: chosen.len(),
                    point: e.is_point(&chosen),
                };
                (all, Some(view))
            }
        };
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

    let runner = Runner::new(args.workers.threads).context("cannot start worker threads")?;
    let reps = args.replications;
    let draws = params.first().map_or(1, Vec::len) as u64;
    // Setting c, draw k, replication r runs on stream k x reps + r: common random numbers across
    // settings within a draw, and without a posterior exactly the streams 0..reps.
    let jobs: Vec<(usize, usize, u64)> = (0..params.len())
        .flat_map(|c| (0..draws as usize).flat_map(move |k| (0..reps).map(move |r| (c, k, r))))
        .collect();
    let bar = progress_bar(jobs.len() as u64, args.quiet, "runs");
    bar.set_message(format!("{} settings", params.len()));
    let results = runner.map(
        &jobs,
        |&(c, k, r)| {
            let mut log = MonthlyLog {
                days: &month_days,
                columns: &columns,
                next: 0,
                points: Vec::with_capacity(month_days.len()),
            };
            let summary = simulate(&params[c][k], args.seed, k as u64 * reps + r, &mut log);
            Ok(RunDigest {
                summary,
                monthly: log.points,
            })
        },
        &|| bar.inc(1),
    );
    bar.finish_and_clear();
    let mut cells: Vec<CellRuns> = (0..params.len()).map(|_| Vec::new()).collect();
    for (&(c, k, r), result) in jobs.iter().zip(results) {
        let r = k as u64 * reps + r;
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
        posterior,
    };
    let html = page::render(&input)?;
    crate::output::write_atomic_text(&args.out, &html)?;
    let wall = started.elapsed().as_secs_f64();
    if !args.quiet {
        println!(
            "Explorer page {}: {} settings ({}) x {}{reps} replications = {} runs at {}% of the cohort, seed {}, {} threads",
            args.out.display(),
            grid.len(),
            ex.levers
                .iter()
                .map(|l| format!("{} {}", l.levels.len(), l.key))
                .collect::<Vec<_>>()
                .join(" x "),
            if draws > 1 {
                format!("{draws} posterior draws x ")
            } else {
                String::new()
            },
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
    use super::types::{LEVERS, MAX_CELLS};
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
