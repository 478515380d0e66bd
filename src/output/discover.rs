//! The files of a scenario discovery (`custody-sim discover`): the peeling trajectory, the limits of
//! every box on it, the chosen box, the feature scores and `discover.json`, written as one set.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::files::{write_atomic, FileSet};
use super::fmt_num;
use crate::experiment::prim::{BoxStats, PrimBox, PrimOptions, Score, Step};

pub(crate) const TRAJECTORY: &str = "prim_trajectory.csv";
pub(crate) const LIMITS: &str = "prim_limits.csv";
pub(crate) const BOX: &str = "prim_box.csv";
pub(crate) const SCORES: &str = "feature_scores.csv";
pub(crate) const INFO: &str = "discover.json";
/// The files, `discover.json` last.
pub(crate) const FILES: [&str; 5] = [TRAJECTORY, LIMITS, BOX, SCORES, INFO];

/// Everything a discovery found, ready to write.
pub(crate) struct Discovery<'a> {
    pub explore_dir: &'a Path,
    pub reform: &'a str,
    pub metric: &'a str,
    pub direction: Option<&'a str>,
    pub condition: String,
    pub options: PrimOptions,
    pub min_coverage: f64,
    /// The uncertain parameters (columns of `x`).
    pub paths: &'a [String],
    /// The futures used (with results for the reform and the baseline), by number.
    pub futures: &'a [usize],
    pub futures_skipped: usize,
    pub cases: usize,
    pub steps: &'a [Step],
    pub chosen: usize,
    /// `--box` chose the step (rather than the default rule).
    pub chosen_by_user: bool,
    pub pasted: &'a PrimBox,
    pub pasted_stats: BoxStats,
    /// The data's range per dimension.
    pub full: &'a PrimBox,
    /// Per restricted dimension of the pasted box: its stats without that restriction.
    pub without: &'a [(usize, BoxStats)],
    /// Per dimension: the score of the condition (0/1) and of the condition's quantity.
    pub scores_condition: &'a [Score],
    pub scores_quantity: &'a [Score],
}

#[derive(Serialize)]
struct Info<'a> {
    program: &'static str,
    version: &'static str,
    explore_dir: String,
    reform: &'a str,
    metric: &'a str,
    direction: Option<&'a str>,
    condition: &'a str,
    futures: usize,
    futures_skipped: usize,
    cases: usize,
    peel_alpha: f64,
    paste_alpha: f64,
    min_mass: f64,
    min_coverage: f64,
    steps: usize,
    chosen_step: usize,
    chosen_by: &'static str,
    peeled: StatsOut,
    pasted: StatsOut,
    files: [&'static str; 5],
}

#[derive(Serialize)]
struct StatsOut {
    coverage: f64,
    density: f64,
    mass: f64,
    points: usize,
    cases: usize,
}

impl From<BoxStats> for StatsOut {
    fn from(s: BoxStats) -> Self {
        StatsOut {
            coverage: s.coverage,
            density: s.density,
            mass: s.mass,
            points: s.points,
            cases: s.cases,
        }
    }
}

/// Write the set into `dir` (which the caller has locked).
pub(crate) fn write(dir: &Path, d: &Discovery) -> Result<()> {
    let set = FileSet::new(dir)?;
    write_atomic(&set.path(TRAJECTORY), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "step",
            "coverage",
            "density",
            "mass",
            "points",
            "cases",
            "restricted_dimensions",
            "restricted",
        ])?;
        for (i, s) in d.steps.iter().enumerate() {
            let names: Vec<&str> = s.restricted.iter().map(|&j| d.paths[j].as_str()).collect();
            out.write_record([
                i.to_string(),
                fmt_num(s.stats.coverage),
                fmt_num(s.stats.density),
                fmt_num(s.stats.mass),
                s.stats.points.to_string(),
                s.stats.cases.to_string(),
                s.restricted.len().to_string(),
                names.join(" "),
            ])?;
        }
        out.flush()?;
        Ok(())
    })?;
    write_atomic(&set.path(LIMITS), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["step", "parameter", "min", "max", "restricted"])?;
        for (i, s) in d.steps.iter().enumerate() {
            for (j, p) in d.paths.iter().enumerate() {
                out.write_record([
                    i.to_string(),
                    p.clone(),
                    fmt_num(s.limits.lo[j]),
                    fmt_num(s.limits.hi[j]),
                    s.restricted.contains(&j).to_string(),
                ])?;
            }
        }
        out.flush()?;
        Ok(())
    })?;
    write_atomic(&set.path(BOX), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "parameter",
            "min",
            "max",
            "restricted",
            "range_min",
            "range_max",
            "coverage_without",
            "density_without",
        ])?;
        for (j, p) in d.paths.iter().enumerate() {
            let without = d.without.iter().find(|(k, _)| *k == j).map(|x| x.1);
            out.write_record([
                p.clone(),
                fmt_num(d.pasted.lo[j]),
                fmt_num(d.pasted.hi[j]),
                without.is_some().to_string(),
                fmt_num(d.full.lo[j]),
                fmt_num(d.full.hi[j]),
                without.map_or(String::new(), |s| fmt_num(s.coverage)),
                without.map_or(String::new(), |s| fmt_num(s.density)),
            ])?;
        }
        out.flush()?;
        Ok(())
    })?;
    write_atomic(&set.path(SCORES), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "rank",
            "parameter",
            "score_condition",
            "score_quantity",
            "null_level",
            "bins",
            "in_box",
        ])?;
        for (rank, j) in score_order(d.scores_condition).into_iter().enumerate() {
            out.write_record([
                (rank + 1).to_string(),
                d.paths[j].clone(),
                fmt_num(d.scores_condition[j].eta_squared),
                fmt_num(d.scores_quantity[j].eta_squared),
                fmt_num(d.scores_condition[j].null_level),
                d.scores_condition[j].bins.to_string(),
                d.without.iter().any(|(k, _)| *k == j).to_string(),
            ])?;
        }
        out.flush()?;
        Ok(())
    })?;
    let info = Info {
        program: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        explore_dir: std::fs::canonicalize(d.explore_dir)
            .unwrap_or_else(|_| d.explore_dir.to_path_buf())
            .display()
            .to_string(),
        reform: d.reform,
        metric: d.metric,
        direction: d.direction,
        condition: &d.condition,
        futures: d.futures.len(),
        futures_skipped: d.futures_skipped,
        cases: d.cases,
        peel_alpha: d.options.peel_alpha,
        paste_alpha: d.options.paste_alpha,
        min_mass: d.options.min_mass,
        min_coverage: d.min_coverage,
        steps: d.steps.len(),
        chosen_step: d.chosen,
        chosen_by: if d.chosen_by_user {
            "--box"
        } else {
            "highest density with coverage >= min_coverage"
        },
        peeled: d.steps[d.chosen].stats.into(),
        pasted: d.pasted_stats.into(),
        files: FILES,
    };
    write_atomic(&set.path(INFO), |w| {
        serde_json::to_writer_pretty(&mut *w, &info)?;
        writeln!(w)?;
        Ok(())
    })?;
    set.commit(&FILES, INFO)
}

/// Dimensions by score, highest first (ties: the earlier dimension).
pub(crate) fn score_order(scores: &[Score]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        scores[b]
            .eta_squared
            .total_cmp(&scores[a].eta_squared)
            .then(a.cmp(&b))
    });
    order
}
