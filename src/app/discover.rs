//! `custody-sim discover`: scenario discovery (PRIM) on an explore folder. Reads the futures
//! (`experiments.csv`) and the runs (`runs.csv`), marks the futures where the condition holds for
//! the reform, peels and pastes, scores the uncertain parameters, and writes the trajectory, the
//! chosen box, the scores and three charts.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::outcome::{BoxLimit, BoxStatsOut, CommandOutcome, DiscoverOutcome, FeatureScore};
use super::{lock_out, BadInput};
use crate::cli::DiscoverArgs;
use crate::error::ScenarioError;
use crate::experiment::explore::{default_direction, quantity_of, Condition};
use crate::experiment::prim::{self, PrimOptions};
use crate::output::charts::Chart;
use crate::output::discover::{self as files, Discovery};
use crate::output::explore::{self as explore_files, schema};
use crate::output::schema::metric_names;

fn arg(field: &str, message: String) -> anyhow::Error {
    BadInput(ScenarioError::Schema {
        path: "(command line)".into(),
        chain: String::new(),
        field: field.to_string(),
        message,
    })
    .into()
}

fn folder(dir: &Path, message: String) -> anyhow::Error {
    BadInput(ScenarioError::Outputs {
        path: dir.to_path_buf(),
        message,
    })
    .into()
}

/// The futures of `experiments.csv`: per future, the uncertain values as numbers.
fn read_experiments(dir: &Path, paths: &[String], futures: u64) -> Result<Vec<Vec<f64>>> {
    let path = dir.join(schema::EXPERIMENTS);
    let mut rd = csv::Reader::from_path(&path).map_err(|e| {
        folder(
            dir,
            format!(
                "cannot read {}: {e}; run `custody-sim explore` to the end first",
                schema::EXPERIMENTS
            ),
        )
    })?;
    let header: Vec<String> = rd.headers()?.iter().map(String::from).collect();
    let skip = if header.get(1).map(String::as_str) == Some(schema::ROW) {
        2
    } else {
        1
    };
    if header.len() != paths.len() + skip || header[skip..] != *paths {
        return Err(folder(
            dir,
            format!(
                "{} does not list the uncertain parameters of its {}: run the explore again",
                schema::EXPERIMENTS,
                schema::INFO
            ),
        ));
    }
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec.with_context(|| format!("reading {}", path.display()))?;
        out.push(
            rec.iter()
                .skip(skip)
                .map(|c| match c {
                    "true" => 1.0,
                    "false" => 0.0,
                    _ => c.parse().unwrap_or(f64::NAN),
                })
                .collect(),
        );
    }
    if out.len() as u64 != futures {
        return Err(folder(
            dir,
            format!(
                "{} has {} futures, {} {futures}: run the explore again",
                schema::EXPERIMENTS,
                out.len(),
                schema::INFO
            ),
        ));
    }
    Ok(out)
}

fn default_out(dir: &Path, reform: &str) -> PathBuf {
    dir.join(format!("discover-{reform}"))
}

pub(super) fn discover(args: &DiscoverArgs) -> Result<()> {
    let dir = &args.explore_dir;
    let info = explore_info(dir)?;
    let names: Vec<&str> = info.policies.iter().map(|p| p.name.as_str()).collect();
    let Some(reform) = names.iter().position(|n| *n == args.reform) else {
        return Err(arg(
            "--reform",
            format!(
                "\"{}\": not a policy of this explore; its policies: {}",
                args.reform,
                names.join(", ")
            ),
        ));
    };
    let metric = args
        .metric
        .clone()
        .unwrap_or_else(|| info.metrics[0].clone());
    let all_metrics = metric_names();
    let Some(m_index) = all_metrics.iter().position(|m| *m == metric) else {
        return Err(arg(
            "--metric",
            format!(
                "\"{metric}\": not a metric; valid metrics: {}",
                all_metrics.join(", ")
            ),
        ));
    };
    let condition = Condition::parse(&args.condition).map_err(|e| arg("--condition", e))?;
    let direction = info
        .metrics
        .iter()
        .position(|m| *m == metric)
        .map(|i| info.directions[i])
        .or_else(|| default_direction(&metric));
    if condition.needs_direction() && direction.is_none() {
        return Err(arg("--condition", format!("\"{condition}\": {metric} has no known better direction, so improvement and regret are not defined; use value or difference, or list the metric with its direction in the explore file")));
    }
    check_options(args)?;
    let x_all = read_experiments(
        dir,
        &info
            .uncertain
            .iter()
            .map(|u| u.path.clone())
            .collect::<Vec<_>>(),
        info.futures,
    )?;

    let means = future_means(dir, &info, m_index)?;
    let n_f = means.len();
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut q = Vec::new();
    let mut used = Vec::new();
    for (f, values) in means.iter().enumerate() {
        let v = quantity_of(condition.quantity, values, reform, direction);
        if !v.is_finite() || x_all[f].iter().any(|a| !a.is_finite()) {
            continue;
        }
        x.push(x_all[f].clone());
        y.push(condition.holds(v));
        q.push(v);
        used.push(f);
    }
    let skipped = n_f - used.len();
    let cases = y.iter().filter(|&&c| c).count();
    let opts = PrimOptions {
        peel_alpha: args.peel_alpha,
        paste_alpha: args.paste_alpha,
        min_mass: args.min_mass,
    };
    let what = format!("{} in {} futures", condition, used.len());
    let steps = match prim::peel(&x, &y, &opts) {
        Ok(s) => s,
        Err(prim::PrimError::NoCases) => bail!(
            "the condition \"{condition}\" holds in none of the {} futures of {} for {} ({metric}): there is no box to find (nothing written)",
            used.len(),
            dir.display(),
            args.reform
        ),
        Err(e) => bail!("{what}: {e}"),
    };
    let chosen = match args.box_step {
        Some(s) if s as usize >= steps.len() => {
            return Err(arg(
                "--box",
                format!(
                    "{s}: the peeling trajectory has steps 0 to {} (run without --box to see it)",
                    steps.len() - 1
                ),
            ))
        }
        Some(s) => s as usize,
        None => prim::choose(&steps, args.min_coverage),
    };
    let pasted = prim::paste(&x, &y, &steps[chosen].limits, args.paste_alpha)?;
    let pasted_stats = prim::box_stats(&x, &y, &pasted);
    let full = prim::data_box(&x);
    let without = prim::without_each(&x, &y, &pasted);
    let indicator: Vec<f64> = y.iter().map(|&c| f64::from(u8::from(c))).collect();
    let scores_condition = prim::feature_scores(&x, &indicator);
    let scores_quantity = prim::feature_scores(&x, &q);
    let paths: Vec<String> = info.uncertain.iter().map(|u| u.path.clone()).collect();

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(dir, &args.reform));
    let _lock = lock_out(&out, "discover")?;
    let d = Discovery {
        explore_dir: dir,
        reform: &args.reform,
        metric: &metric,
        direction: direction.map(|d| d.label()),
        condition: condition.to_string(),
        options: opts,
        min_coverage: args.min_coverage,
        paths: &paths,
        futures: &used,
        futures_skipped: skipped,
        cases,
        steps: &steps,
        chosen,
        chosen_by_user: args.box_step.is_some(),
        pasted: &pasted,
        pasted_stats,
        full: &full,
        without: &without,
        scores_condition: &scores_condition,
        scores_quantity: &scores_quantity,
    };
    files::write(&out, &d)?;
    let charts = crate::output::charts::charts_for_discovery(&out, &out)?;
    outcome(&d, info.identity, &out, &charts).emit(args.output.json, args.quiet)
}

/// The folder's explore description, if it holds a whole explore (merged, if sharded).
fn explore_info(dir: &Path) -> Result<explore_files::ExploreInfo> {
    if !explore_files::is_explore(dir) {
        return Err(folder(
            dir,
            format!("holds no {}: give the output folder of `custody-sim explore` (merged, if it ran in shards)", schema::INFO),
        ));
    }
    let info = crate::experiment::campaign::folder::read::<explore_files::ExploreInfo>(dir)
        .map_err(|e| folder(dir, format!("{e:#}")))?;
    if info.shard_n > 1 {
        return Err(folder(dir, format!("holds shard {}/{} only: merge the shards with `custody-sim merge` and discover on the merged folder", info.shard_k, info.shard_n)));
    }
    Ok(info)
}

/// The PRIM options must be shares: in (0, 1), or [0, 1] for the minimum coverage.
fn check_options(args: &DiscoverArgs) -> Result<()> {
    for (field, v, closed) in [
        ("--peel-alpha", args.peel_alpha, false),
        ("--paste-alpha", args.paste_alpha, false),
        ("--min-mass", args.min_mass, false),
        ("--min-coverage", args.min_coverage, true),
    ] {
        let ok = if closed {
            (0.0..=1.0).contains(&v)
        } else {
            v > 0.0 && v < 1.0
        };
        if !ok {
            return Err(arg(
                field,
                format!(
                    "{v}: must be in {}",
                    if closed { "[0, 1]" } else { "(0, 1)" }
                ),
            ));
        }
    }
    Ok(())
}

/// Per future and policy: the mean of metric `m_index` over the successful replications (NaN:
/// none), from the folder's `runs.csv`, which must hold every run.
fn future_means(
    dir: &Path,
    info: &explore_files::ExploreInfo,
    m_index: usize,
) -> Result<Vec<Vec<f64>>> {
    let (n_f, n_p, reps) = (
        info.futures as usize,
        info.policies.len(),
        info.replications,
    );
    let mut sums = vec![vec![(0.0f64, 0u64); n_p]; n_f];
    let runs = explore_files::read_runs(dir).map_err(|e| folder(dir, format!("{e:#}")))?;
    let mut seen = 0u64;
    for p in runs {
        if p.run >= info.runs_total {
            continue;
        }
        seen += 1;
        let policy = (p.run % n_p as u64) as usize;
        let future = (p.run / n_p as u64 / reps) as usize;
        if let Some(v) = p.ok.as_ref().map(|v| v[m_index]) {
            if v.is_finite() {
                sums[future][policy].0 += v;
                sums[future][policy].1 += 1;
            }
        }
    }
    if seen < info.runs_total {
        return Err(folder(
            dir,
            format!(
                "{} of {} runs are missing from {}: finish the explore (`--resume`) first",
                info.runs_total - seen,
                info.runs_total,
                schema::RUNS
            ),
        ));
    }
    Ok(sums
        .into_iter()
        .map(|per| {
            per.into_iter()
                .map(|(s, c)| if c == 0 { f64::NAN } else { s / c as f64 })
                .collect()
        })
        .collect())
}

/// What the discovery `d` (of the explore `identity`) found, written into `out` with `charts`.
fn outcome(d: &Discovery, identity: String, out: &Path, charts: &[Chart]) -> DiscoverOutcome {
    let mut written: Vec<String> = files::FILES.map(String::from).to_vec();
    written.extend(super::chart_files(out, charts));
    let (paths, pasted, full) = (d.paths, d.pasted, d.full);
    DiscoverOutcome {
        explore_dir: d.explore_dir.display().to_string(),
        identity,
        reform: d.reform.to_string(),
        metric: d.metric.to_string(),
        condition: d.condition.clone(),
        futures: d.futures.len(),
        futures_skipped: d.futures_skipped,
        cases: d.cases,
        steps: d.steps.len(),
        chosen_step: d.chosen,
        chosen_by: if d.chosen_by_user {
            "--box"
        } else {
            "min_coverage"
        },
        peeled: BoxStatsOut::from(&d.steps[d.chosen].stats),
        pasted: BoxStatsOut::from(&d.pasted_stats),
        restrictions: d
            .without
            .iter()
            .map(|(j, s)| BoxLimit {
                parameter: paths[*j].clone(),
                min: pasted.lo[*j],
                max: pasted.hi[*j],
                range_min: full.lo[*j],
                range_max: full.hi[*j],
                coverage_without: s.coverage,
                density_without: s.density,
            })
            .collect(),
        feature_scores: files::score_order(d.scores_condition)
            .into_iter()
            .map(|j| FeatureScore {
                parameter: paths[j].clone(),
                score_condition: d.scores_condition[j].eta_squared,
                score_quantity: d.scores_quantity[j].eta_squared,
                null_level: d.scores_condition[j].null_level,
            })
            .collect(),
        out: out.display().to_string(),
        files: written,
        charts: charts.len(),
        tables: files::FILES.len(),
    }
}
