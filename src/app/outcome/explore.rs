//! What `custody-sim explore` (and `merge` of an explore's shards) did.

use std::collections::BTreeMap;

use serde::Serialize;

use super::campaign::CampaignRuns;
use super::CommandOutcome;
use crate::experiment::explore::Explore;
use crate::output::explore::{self as files, schema, ExploreResult};

/// Which explore: what every document of `explore` begins with.
#[derive(Debug, Serialize)]
pub(crate) struct ExploreId {
    /// The explore file, as given.
    pub explore_file: String,
    pub identity: String,
    pub seed: u64,
}

impl ExploreId {
    pub(crate) fn new(e: &Explore) -> Self {
        ExploreId {
            explore_file: e.file.display().to_string(),
            identity: e.identity.clone(),
            seed: e.seed,
        }
    }
}

/// A whole explore (run at once, or merged from its shards): the runs' counts and every policy's
/// robustness on every metric.
#[derive(Serialize)]
pub(crate) struct ExploreOutcome<'a> {
    #[serde(flatten)]
    pub explore: ExploreId,
    pub futures: usize,
    pub uncertain_parameters: Vec<String>,
    pub replications: u64,
    #[serde(flatten)]
    pub runs: CampaignRuns,
    pub policies: Vec<PolicyOutcome>,
    #[serde(skip)]
    pub design: &'a Explore,
    #[serde(skip)]
    pub result: &'a ExploreResult,
}

/// One policy's robustness.
#[derive(Debug, Serialize)]
pub(crate) struct PolicyOutcome {
    pub policy: String,
    /// Its scenario file.
    pub file: String,
    pub baseline: bool,
    pub metrics: BTreeMap<String, Robustness>,
}

/// One policy's robustness on one metric, over the futures.
#[derive(Debug, Serialize)]
pub(crate) struct Robustness {
    pub direction: &'static str,
    pub futures: usize,
    pub mean: f64,
    pub sd: f64,
    /// Keyed by column (`p10`, ...).
    pub percentiles: BTreeMap<String, f64>,
    pub threshold: f64,
    pub beats_baseline_share: f64,
    pub mean_regret: f64,
    pub max_regret: f64,
    /// 95% intervals over the futures: the mean's (t), the share's (Wilson), the mean regret's.
    pub mean_ci95: [f64; 2],
    pub beats_baseline_ci95: [f64; 2],
    pub mean_regret_ci95: [f64; 2],
    /// Whether the figures over the first half of the futures lie inside those intervals.
    pub converged: bool,
}

impl<'a> ExploreOutcome<'a> {
    /// The outcome of an explore whose tidy files are written in `out`; `ran`: the runs done now
    /// and how long they took (`None` for `merge`).
    pub(crate) fn new(
        e: &'a Explore,
        result: &'a ExploreResult,
        out: String,
        ran: Option<(usize, f64)>,
    ) -> Self {
        let files = [
            schema::EXPERIMENTS,
            schema::OUTCOMES,
            schema::REGRET,
            schema::ROBUSTNESS,
            schema::RUNS,
            schema::INFO,
        ];
        ExploreOutcome {
            explore: ExploreId::new(e),
            futures: e.futures.len(),
            uncertain_parameters: e.uncertain.iter().map(|u| u.path.clone()).collect(),
            replications: e.replications,
            runs: CampaignRuns::new(
                e.runs(),
                (result.ok, result.failed, result.missing),
                out,
                files.map(String::from).to_vec(),
                ran,
            ),
            policies: policies(e, result),
            design: e,
            result,
        }
    }
}

fn policies(e: &Explore, r: &ExploreResult) -> Vec<PolicyOutcome> {
    r.robustness
        .iter()
        .enumerate()
        .map(|(p, per)| PolicyOutcome {
            policy: e.policies[p].name.clone(),
            file: e.policies[p].file.display().to_string(),
            baseline: p == 0,
            metrics: per
                .iter()
                .enumerate()
                .map(|(m, x)| {
                    let robustness = Robustness {
                        direction: e.directions[m].label(),
                        futures: x.futures,
                        mean: x.mean,
                        sd: x.sd,
                        percentiles: e
                            .percentiles
                            .iter()
                            .zip(&x.percentiles)
                            .map(|(q, v)| (schema::percentile_column(*q), *v))
                            .collect(),
                        threshold: e.thresholds[m],
                        beats_baseline_share: x.beats_baseline_share,
                        mean_regret: x.mean_regret,
                        max_regret: x.max_regret,
                        mean_ci95: [x.mean_ci.0, x.mean_ci.1],
                        beats_baseline_ci95: [x.beats_ci.0, x.beats_ci.1],
                        mean_regret_ci95: [x.mean_regret_ci.0, x.mean_regret_ci.1],
                        converged: x.converged,
                    };
                    (e.metrics[m].clone(), robustness)
                })
                .collect(),
        })
        .collect()
}

impl CommandOutcome for ExploreOutcome<'_> {
    fn command(&self) -> &'static str {
        "explore"
    }

    fn summary(&self) -> String {
        let mut s = String::new();
        if let Some(done) = self.runs.done_now() {
            s.push_str(&format!("Explore {}: {done}\n", self.explore.explore_file));
        }
        s.push_str(&format!(
            "{} policies x {} futures ({} uncertain parameters) x {} replications = {}\n",
            self.policies.len(),
            self.futures,
            self.uncertain_parameters.len(),
            self.replications,
            self.runs.counts()
        ));
        s.push_str(&files::table(self.design, self.result));
        s.push_str(&self.runs.outputs());
        s
    }
}

/// `explore --list`: the policies and the uncertain parameters, nothing run.
#[derive(Debug, Serialize)]
pub(crate) struct ExploreListing<'a> {
    #[serde(flatten)]
    pub explore: ExploreId,
    pub policies: Vec<ListedPolicy>,
    pub uncertain: Vec<ListedUncertain>,
    #[serde(skip)]
    pub design: &'a Explore,
}

/// A policy of `explore --list`.
#[derive(Debug, Serialize)]
pub(crate) struct ListedPolicy {
    pub policy: String,
    pub file: String,
    pub baseline: bool,
}

/// An uncertain parameter of `explore --list`.
#[derive(Debug, Serialize)]
pub(crate) struct ListedUncertain {
    pub path: String,
    pub baseline: f64,
    pub min: f64,
    pub max: f64,
    /// Where its range comes from.
    pub from: &'static str,
    /// Whether the range was clipped to what the scenario accepts.
    pub clipped: bool,
}

impl<'a> ExploreListing<'a> {
    pub(crate) fn new(e: &'a Explore) -> Self {
        ExploreListing {
            explore: ExploreId::new(e),
            policies: e
                .policies
                .iter()
                .enumerate()
                .map(|(i, p)| ListedPolicy {
                    policy: p.name.clone(),
                    file: p.file.display().to_string(),
                    baseline: i == 0,
                })
                .collect(),
            uncertain: e
                .uncertain
                .iter()
                .map(|u| ListedUncertain {
                    path: u.path.clone(),
                    baseline: u.baseline,
                    min: u.min,
                    max: u.max,
                    from: u.origin.label(),
                    clipped: u.clipped,
                })
                .collect(),
            design: e,
        }
    }
}

impl CommandOutcome for ExploreListing<'_> {
    fn command(&self) -> &'static str {
        "explore"
    }

    fn summary(&self) -> String {
        listing(self.design)
    }
}

/// The uncertain parameters and policies, as `--list` prints them.
fn listing(e: &Explore) -> String {
    let mut s = format!(
        "{}: {} policies x {} futures x {} replications = {} runs{}\n",
        e.file.display(),
        e.policies.len(),
        e.futures.len(),
        e.replications,
        e.runs(),
        if e.scale != 1.0 {
            format!(" (cohort scaled by {})", e.scale)
        } else {
            String::new()
        }
    );
    s.push_str("Policies:\n");
    for (i, p) in e.policies.iter().enumerate() {
        s.push_str(&format!(
            "  {:<36} {}{}\n",
            p.name,
            p.file.display(),
            if i == 0 { "  (baseline)" } else { "" }
        ));
    }
    s.push_str(&format!(
        "Uncertain parameters ({}):\n  {:<58} {:>12} {:>12} {:>12}  from\n",
        e.uncertain.len(),
        "path",
        "baseline",
        "min",
        "max"
    ));
    for u in &e.uncertain {
        s.push_str(&format!(
            "  {:<58} {:>12} {:>12} {:>12}  {}{}\n",
            u.path,
            crate::output::fmt_num(u.baseline),
            crate::output::fmt_num(u.min),
            crate::output::fmt_num(u.max),
            u.origin.label(),
            if u.clipped {
                " (clipped to what the scenario accepts)"
            } else {
                ""
            }
        ));
    }
    if !e.held_by_reforms.is_empty() {
        if e.posterior {
            s.push_str("Calibrated parameters a reform sets itself (its runs keep the reform's value; the others take the draw's):\n");
        } else {
            s.push_str("Assumptions held fixed because a reform changes them:\n");
        }
        for (p, r) in &e.held_by_reforms {
            s.push_str(&format!("  {p:<58} changed by {r}\n"));
        }
    }
    s
}
