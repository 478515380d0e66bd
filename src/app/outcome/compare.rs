//! What `custody-sim compare` did.

use serde::{Serialize, Serializer};

use super::{caveats, listed, CommandOutcome, IntervalOut};
use crate::experiment::compare::Difference;
use crate::experiment::posterior::attribution::{Condition, EffectDrivers, MetricChoice};
use crate::experiment::posterior::PosteriorEffect;
use crate::output;
use crate::output::format::counted;
use crate::output::manifest::{CompareManifest, Head, PosteriorManifest, ScenarioFile};

/// Reforms against a baseline under common random numbers: per reform and metric, the paired
/// difference.
#[derive(Debug, Serialize)]
pub(crate) struct CompareOutcome {
    /// The baseline's name (its file's stem).
    pub baseline: String,
    /// Its file, as given.
    pub baseline_file: String,
    pub baseline_hash: String,
    pub seed: u64,
    /// Paired replications of every scenario.
    pub replications: u64,
    /// With `--target-ci`: whether the target was met or the cap reached.
    pub stop_reason: Option<String>,
    /// The output folder.
    pub out: String,
    /// Every file written, relative to `out` (the report and its charts too, with `--report`).
    pub files: Vec<String>,
    /// The report (`--report`), as a path.
    pub report: Option<String>,
    /// The headline metrics, in order.
    pub headline: Vec<&'static str>,
    pub reforms: Vec<ReformOutcome>,
    /// Every file behind the scenarios (each `extends` chain), once.
    #[serde(skip)]
    pub scenario_files: Vec<ScenarioFile>,
    #[serde(skip)]
    pub target_ci: Option<f64>,
    /// With `--posterior`: the effects over the calibrated posterior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorOutcome>,
    /// The share of the cohort simulated (`--scale`).
    #[serde(skip_serializing_if = "is_whole")]
    pub scale: f64,
    #[serde(skip)]
    pub threads: usize,
    #[serde(skip)]
    pub wall_time_seconds: f64,
}

fn is_whole(scale: &f64) -> bool {
    *scale == 1.0
}

/// A comparison over a calibrated posterior (`--posterior`).
#[derive(Debug, Serialize)]
pub(crate) struct PosteriorOutcome {
    /// The ensemble file read.
    pub ensemble: String,
    /// The draws used (rows of the ensemble, from 0).
    pub draws: Vec<usize>,
    pub replications_per_draw: u64,
    /// Whether the draws are all the same point (then both intervals are the paired one).
    pub point: bool,
    /// Per reform: its name, the calibrated paths it sets itself, every metric's effect.
    #[serde(rename = "reforms", serialize_with = "posterior_effects")]
    pub effects: Vec<(String, Vec<String>, Vec<PosteriorEffect>)>,
    /// The calibrated parameters' paths.
    #[serde(skip)]
    pub paths: Vec<String>,
    /// Per reform and headline metric, what its effect hangs on.
    #[serde(skip)]
    pub drivers: Vec<EffectDrivers>,
    /// Per headline metric, the value of information of the choice among the reforms.
    #[serde(skip)]
    pub choices: Vec<MetricChoice>,
    /// Per reform and headline metric, where it stops helping.
    #[serde(skip)]
    pub conditions: Vec<Condition>,
    /// Per draw used, every parameter's value.
    #[serde(skip)]
    pub values: Vec<Vec<f64>>,
    /// `drivers`, `choices` and `conditions` as `--json` writes them.
    #[serde(rename = "hangs_on")]
    pub hangs_on: HangsOn,
}

/// What the effects hang on, as `--json` writes it: per reform and metric, the parameters with
/// their first-order share of the effect's spread over the draws (largest first); per metric, the
/// choice now, EVPI and each parameter's EVPPI (largest first).
#[derive(Debug, Default, Serialize)]
pub(crate) struct HangsOn {
    pub drivers: std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<&'static str, Vec<DriverOut>>,
    >,
    pub value_of_information: std::collections::BTreeMap<&'static str, InformationOut>,
    /// Per reform and metric: the draws where it does not help and the box where that happens.
    pub conditions:
        std::collections::BTreeMap<String, std::collections::BTreeMap<&'static str, ConditionOut>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ConditionOut {
    pub draws: usize,
    pub draws_not_better: usize,
    /// The box in words (`path in [lo, hi] and ...`); absent when none is found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#where: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub box_coverage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub box_density: Option<f64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DriverOut {
    pub parameter: String,
    pub share_of_spread: f64,
    pub noise_95: f64,
    pub effect_with_parameter: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct InformationOut {
    pub choice_now: String,
    pub probability_choice_best: f64,
    pub evpi: f64,
    /// (parameter, EVPPI), the largest first.
    pub evppi: Vec<(String, f64)>,
}

impl HangsOn {
    /// From the analysis: `options` are the baseline then the reforms.
    pub(crate) fn new(
        options: &[String],
        paths: &[String],
        drivers: &[EffectDrivers],
        choices: &[MetricChoice],
        conditions: &[Condition],
    ) -> HangsOn {
        let mut h = HangsOn::default();
        for c in conditions {
            h.conditions
                .entry(options[c.reform + 1].clone())
                .or_default()
                .insert(
                    c.metric,
                    ConditionOut {
                        draws: c.draws,
                        draws_not_better: c.not_better,
                        r#where: c
                            .found
                            .as_ref()
                            .map(|(l, _)| output::posterior::condition_text(paths, l)),
                        box_coverage: c.found.as_ref().map(|(_, s)| s.coverage),
                        box_density: c.found.as_ref().map(|(_, s)| s.density),
                    },
                );
        }
        for e in drivers {
            h.drivers
                .entry(options[e.reform + 1].clone())
                .or_default()
                .insert(
                    e.metric,
                    e.drivers
                        .iter()
                        .map(|d| DriverOut {
                            parameter: paths[d.parameter].clone(),
                            share_of_spread: d.share,
                            noise_95: d.noise_95,
                            effect_with_parameter: output::posterior::direction(d.direction),
                        })
                        .collect(),
                );
        }
        for c in choices {
            let i = &c.information;
            h.value_of_information.insert(
                c.metric,
                InformationOut {
                    choice_now: options[i.choice_now].clone(),
                    probability_choice_best: i.probability_choice_best,
                    evpi: i.evpi,
                    evppi: i
                        .ranked()
                        .into_iter()
                        .map(|(j, (v, _))| (paths[j].clone(), v))
                        .collect(),
                },
            );
        }
        h
    }
}

/// A metric's effect over the posterior, as `--json` writes it.
#[derive(Serialize)]
struct PosteriorEffectOut {
    mean: f64,
    with_assumptions: [f64; 2],
    draws_only: [f64; 2],
    share_from_assumptions: f64,
    probability_better: Option<f64>,
    probability_best: Option<f64>,
}

#[derive(Serialize)]
struct PosteriorReformOut<'a> {
    sets: &'a [String],
    metrics: std::collections::BTreeMap<&'static str, PosteriorEffectOut>,
}

fn posterior_effects<S: Serializer>(
    effects: &[(String, Vec<String>, Vec<PosteriorEffect>)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(effects.iter().map(|(reform, sets, es)| {
        let metrics = es
            .iter()
            .map(|e| {
                let p = &e.spread;
                (
                    e.metric,
                    PosteriorEffectOut {
                        mean: p.mean,
                        with_assumptions: [p.with_assumptions.0, p.with_assumptions.1],
                        draws_only: [p.draws_only.0, p.draws_only.1],
                        share_from_assumptions: p.share_from_assumptions,
                        probability_better: (!e.probability_better.is_nan())
                            .then_some(e.probability_better),
                        probability_best: (!e.probability_best.is_nan())
                            .then_some(e.probability_best),
                    },
                )
            })
            .collect();
        (reform, PosteriorReformOut { sets, metrics })
    }))
}

/// One reform against the baseline.
#[derive(Debug, Serialize)]
pub(crate) struct ReformOutcome {
    /// Its name (its file's stem).
    pub reform: String,
    /// Its file, as given.
    pub scenario_file: String,
    pub scenario_hash: String,
    /// Every metric's paired difference, keyed by metric.
    #[serde(serialize_with = "differences")]
    pub metrics: Vec<Difference>,
}

/// A metric of a reform as `--json` writes it.
#[derive(Serialize)]
struct DifferenceOut {
    baseline: IntervalOut,
    reform: IntervalOut,
    difference: IntervalOut,
    unpaired_half_width: f64,
    width_ratio: f64,
}

fn differences<S: Serializer>(ds: &[Difference], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(ds.iter().map(|d| {
        (
            d.metric,
            DifferenceOut {
                baseline: IntervalOut::from(&d.baseline),
                reform: IntervalOut::from(&d.reform),
                difference: IntervalOut::from(&d.difference),
                unpaired_half_width: d.unpaired_half_width,
                width_ratio: d.width_ratio(),
            },
        )
    }))
}

impl CompareOutcome {
    /// `manifest.json`.
    pub(crate) fn manifest(&self) -> CompareManifest {
        CompareManifest {
            head: Head::new("compare"),
            baseline: self.baseline_file.clone(),
            reforms: self
                .reforms
                .iter()
                .map(|r| r.scenario_file.clone())
                .collect(),
            scenario_files: self.scenario_files.clone(),
            seed: self.seed,
            replications: self.replications,
            target_ci: self.target_ci,
            stop_reason: self.stop_reason.clone(),
            posterior: self.posterior.as_ref().map(|p| PosteriorManifest {
                ensemble: p.ensemble.clone(),
                draws: p.draws.len(),
                replications_per_draw: p.replications_per_draw,
            }),
            scale: (self.scale != 1.0).then_some(self.scale),
            threads: self.threads,
            wall_time_seconds: self.wall_time_seconds,
            outputs: self.files.clone(),
        }
    }
}

impl CommandOutcome for CompareOutcome {
    fn command(&self) -> &'static str {
        "compare"
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "\nBaseline {} and {}: {} each, seed {}, {:.1} s\n",
            self.baseline,
            counted(self.reforms.len(), "reform", "reforms"),
            counted(
                self.replications,
                "paired replication",
                "paired replications"
            ),
            self.seed,
            self.wall_time_seconds
        );
        let diffs: Vec<(String, Vec<Difference>)> = self
            .reforms
            .iter()
            .map(|r| (r.reform.clone(), r.metrics.clone()))
            .collect();
        match &self.posterior {
            Some(p) => {
                s.push_str(&format!(
                    "Over {} of the calibrated posterior ({}), {} each{}:\n",
                    counted(p.draws.len(), "draw", "draws"),
                    p.ensemble,
                    counted(
                        p.replications_per_draw,
                        "paired replication",
                        "paired replications"
                    ),
                    if p.point {
                        "; the draws are one point, so both intervals are the paired one"
                    } else {
                        ""
                    }
                ));
                s.push_str(&output::posterior::posterior_table(&p.effects));
                if !p.point {
                    let options: Vec<String> = std::iter::once(self.baseline.clone())
                        .chain(p.effects.iter().map(|(r, _, _)| r.clone()))
                        .collect();
                    s.push_str(&output::posterior::hangs_on_text(
                        &options,
                        &p.paths,
                        &p.drivers,
                        &p.choices,
                        &p.conditions,
                        &crate::experiment::prim::data_box(&p.values),
                    ));
                }
            }
            None => s.push_str(&output::comparison_table(&diffs)),
        }
        if let Some(r) = &self.stop_reason {
            s.push_str(&format!("{r}\n"));
        }
        s.push_str(&format!(
            "Outputs in {}/ ({})\n",
            self.out,
            listed(&self.files)
        ));
        s.push_str(&caveats());
        s
    }
}
