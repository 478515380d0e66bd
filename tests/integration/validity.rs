//! The validity suite: each lever moves the outputs in the direction its mechanism says, checked
//! with paired replications (common random numbers) on a reduced cohort whose capacities are
//! scaled with it; and every numeric parameter of the baseline moves at least one output, or is
//! listed in docs/model.md as inert under the baseline, with the reason.

use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::BTreeSet;

use custody_sim::scenario::{self, Scenario};
use custody_sim::sim::params::{Policy, Rules, Schedule};
use custody_sim::sim::{simulate, NoObserver, Params, RunSummary};
use rayon::prelude::*;

use crate::common::{baseline, root};

/// Share of the baseline cohort (and of every capacity) simulated.
const SHARE: f64 = 0.1;
/// Paired replications per comparison.
const REPS: u64 = 6;
const SEED: u64 = 2026;

fn scale(s: &mut Schedule, f: f64) {
    for step in &mut s.0 {
        step.1 = (step.1 as f64 * f).round() as u32;
    }
}

/// `p` with its arrivals, the children in care on the first day and every capacity scaled by `f`:
/// the same regime (which capacities bind, how long lines are) with fewer children.
fn reduced(mut p: Params, f: f64) -> Params {
    for r in &mut p.arrival_rate_by_day {
        *r *= f;
    }
    p.orr.at_start.children = (p.orr.at_start.children as f64 * f).round() as u32;
    p.orr.released_before_start.children =
        (p.orr.released_before_start.children as f64 * f).round() as u32;
    scale(&mut p.cbp.processing_agents, f);
    scale(&mut p.orr.standard_beds, f);
    scale(&mut p.orr.placements_per_day, f);
    scale(&mut p.orr.influx_beds, f);
    p.orr.influx_trigger_waiting = (p.orr.influx_trigger_waiting as f64 * f).round() as u32;
    scale(&mut p.orr.case_managers, f);
    scale(&mut p.calls.capacity_per_day, f);
    scale(&mut p.ice.nta_capacity_per_day, f);
    scale(&mut p.court.hearings_per_day, f);
    scale(&mut p.checks.teams, f);
    scale(&mut p.checks.local_partner_checks_per_day, f);
    p.checks.max_checks = (p.checks.max_checks as f64 * f).round() as u64;
    scale(&mut p.recovery.investigators, f);
    for op in &mut p.recovery.operations {
        op.capacity_per_day = (op.capacity_per_day as f64 * f).round() as u32;
        op.partner_capacity_per_day = (op.partner_capacity_per_day as f64 * f).round() as u32;
    }
    p
}

fn base() -> Scenario {
    scenario::load(&baseline()).expect("the baseline is valid")
}

/// The baseline with the values at `paths` replaced (validated as a user's file would be).
fn with(s: &Scenario, values: &[(&str, toml::Value)]) -> Params {
    let values: Vec<(String, toml::Value)> = values
        .iter()
        .map(|(p, v)| (p.to_string(), v.clone()))
        .collect();
    s.with_values(&values, "validity")
        .expect("the variant is valid")
        .params
}

fn runs(p: &Params) -> Vec<RunSummary> {
    runs_n(p, REPS)
}

/// `n` paired replications, for an effect too small to tell from noise in [`REPS`].
fn runs_n(p: &Params, n: u64) -> Vec<RunSummary> {
    (0..n)
        .into_par_iter()
        .map(|r| simulate(p, SEED, r, &mut NoObserver))
        .collect()
}

fn metric(runs: &[RunSummary], name: &str) -> Vec<f64> {
    runs.iter()
        .map(|r| {
            r.metrics()
                .into_iter()
                .find(|m| m.0 == name)
                .unwrap_or_else(|| panic!("no metric {name}"))
                .1
        })
        .collect()
}

/// Paired difference reform − base of `name`: mean, and the half-width of its 95% interval.
struct Diff {
    base: f64,
    mean: f64,
    half: f64,
}

impl std::fmt::Display for Diff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "baseline mean {:.1}, paired difference {:.2} ± {:.2}",
            self.base, self.mean, self.half
        )
    }
}

fn diff(base: &[RunSummary], reform: &[RunSummary], name: &str) -> Diff {
    let b = metric(base, name);
    let r = metric(reform, name);
    let d: Vec<f64> = r.iter().zip(&b).map(|(r, b)| r - b).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let t = StudentsT::new(0.0, 1.0, n - 1.0)
        .expect("at least two replications")
        .inverse_cdf(0.975);
    let half = t * (var / n).sqrt();
    Diff {
        base: b.iter().sum::<f64>() / n,
        mean,
        half,
    }
}

fn no_deterrence(mut p: Params) -> Params {
    p.deterrence.enabled = false;
    p
}

fn int(x: i64) -> toml::Value {
    toml::Value::Integer(x)
}

fn float(x: f64) -> toml::Value {
    toml::Value::Float(x)
}

#[test]
fn more_check_teams_never_leave_more_children_unlocatable_by_ice() {
    let s = base();
    let b = runs(&reduced(no_deterrence(s.params.clone()), SHARE));
    let teams = with(&s, &[("welfare_checks.teams[0].value", int(600))]);
    let r = runs(&reduced(no_deterrence(teams), SHARE));
    for m in [
        "unlocatable_by_ice_at_horizon",
        "unlocatable_by_ice_child_years",
    ] {
        let d = diff(&b, &r, m);
        assert!(d.mean <= 0.0, "{m}: twice the teams: {d}");
    }
    let d = diff(&b, &r, "located");
    assert!(d.mean - d.half > 0.0, "located: twice the teams: {d}");
}

#[test]
fn more_call_staff_lower_calls_not_reached_once_capacity_binds() {
    // Half the baseline's call staff: capacity binds through the 2021-2022 surge.
    let s = base();
    let half = with(&s, &[("wellbeing_calls.staff[0].value", int(50))]);
    let b = runs(&reduced(half, SHARE));
    let r = runs(&reduced(s.params.clone(), SHARE));
    let d = diff(&b, &r, "wellbeing_calls_not_reached");
    assert!(
        d.mean + d.half < 0.0,
        "the baseline's staff against half of it: {d}"
    );
}

#[test]
fn more_orr_to_ice_sharing_serves_no_fewer_ntas_and_lowers_unlocatable_by_ice() {
    let s = base();
    let b = runs(&reduced(no_deterrence(s.params.clone()), SHARE));
    let sharing = with(
        &s,
        &[
            ("data_sharing.orr_to_ice_probability", float(1.0)),
            ("data_sharing.orr_to_ice_delay_days_mean", float(7.0)),
        ],
    );
    let r = runs(&reduced(no_deterrence(sharing), SHARE));
    let d = diff(&b, &r, "ntas_issued");
    assert!(d.mean >= 0.0, "NTAs served with more sharing: {d}");
    let d = diff(&b, &r, "unlocatable_by_ice_child_years");
    assert!(d.mean + d.half < 0.0, "child-years unlocatable by ICE: {d}");
    let d = diff(&b, &r, "unlocatable_by_ice_at_horizon");
    assert!(d.mean <= 0.0, "unlocatable by ICE at the horizon: {d}");
}

#[test]
fn the_integrated_record_lowers_children_unlocatable_by_ice_clearly() {
    let s = base();
    let b = runs(&reduced(s.params.clone(), SHARE));
    let integrated = with(
        &s,
        &[("data_sharing.integrated_record", toml::Value::Boolean(true))],
    );
    let r = runs(&reduced(integrated, SHARE));
    for m in [
        "unlocatable_by_ice_at_horizon",
        "unlocatable_by_ice_child_years",
    ] {
        let d = diff(&b, &r, m);
        // Clearly visible: at least a tenth of the baseline, well outside the noise.
        assert!(
            d.mean + d.half < 0.0 && -d.mean > 0.1 * d.base,
            "{m}: integrated record: {d}"
        );
    }
}

#[test]
fn overloaded_case_managers_release_more_risky_sponsors() {
    // A tenth of the baseline's case managers: vetting waits through the 2021-2022 surge. With
    // workload lowering thoroughness, fewer risky sponsors are detected and more exploited
    // children follow; with no elasticity, workload changes nothing but the wait.
    let s = base();
    let short = |elasticity: f64| {
        with(
            &s,
            &[
                ("orr.case_managers[0].value", int(90)),
                ("orr.case_managers[1].value", int(150)),
                (
                    "vetting.overload_thoroughness_elasticity",
                    float(elasticity),
                ),
            ],
        )
    };
    let b = runs(&reduced(no_deterrence(short(0.0)), SHARE));
    let r = runs(&reduced(no_deterrence(short(1.0)), SHARE));
    assert!(
        metric(&b, "vettings_overloaded").iter().all(|&n| n > 0.0),
        "case managers are overloaded"
    );
    let d = diff(&b, &r, "sponsors_rejected");
    assert!(d.mean + d.half < 0.0, "sponsors rejected: {d}");
    let d = diff(&b, &r, "exploited");
    assert!(d.mean - d.half > 0.0, "children ever exploited: {d}");
}

#[test]
fn deeper_background_checks_trade_days_of_care_for_detection() {
    // Each step of depth takes more case-manager time and detects more risky sponsors: care
    // lengthens, more sponsors are rejected and fewer children are exploited, step after step.
    let s = base();
    let at = |depth: f64| {
        runs(&reduced(
            no_deterrence(with(
                &s,
                &[("vetting.background_check_depth", float(depth))],
            )),
            SHARE,
        ))
    };
    let (shallow, base_depth, deep) = (at(0.5), at(1.0), at(2.0));
    for (b, r, what) in [
        (&shallow, &base_depth, "0.5 to 1"),
        (&base_depth, &deep, "1 to 2"),
    ] {
        let d = diff(b, r, "care_days_mean");
        assert!(d.mean - d.half > 0.0, "care days, depth {what}: {d}");
        let d = diff(b, r, "sponsors_rejected");
        assert!(
            d.mean - d.half > 0.0,
            "sponsors rejected, depth {what}: {d}"
        );
        let d = diff(b, r, "exploited");
        assert!(d.mean < 0.0, "children exploited, depth {what}: {d}");
    }
}

/// The baseline under one policy throughout: ORR gives ICE sponsor data that ICE may use for
/// enforcement (`enforcement`), or neither; deterrence on or off, and sponsors declining with
/// `decline` at full pressure.
fn policy_throughout(s: &Scenario, enforcement: bool, enabled: bool, decline: f64) -> Params {
    let p = with(
        s,
        &[("deterrence.sponsor_decline_probability", float(decline))],
    );
    let mut p = reduced(p, SHARE);
    p.policy = Policy::constant(Rules {
        sponsor_data_to_ice: enforcement,
        enforcement_use: enforcement,
        ..Rules::default()
    });
    p.deterrence.enabled = enabled;
    p
}

#[test]
fn with_deterrence_off_enforcement_use_changes_nothing_on_the_sponsor_side() {
    let s = base();
    let b = runs(&policy_throughout(&s, false, false, 0.4));
    let r = runs(&policy_throughout(&s, true, false, 0.4));
    for m in [
        "care_days_mean",
        "released",
        "sponsors_rejected",
        "sponsors_declined",
        "sponsors_arrested",
        "aged_out_in_care",
    ] {
        assert_eq!(metric(&b, m), metric(&r, m), "{m}");
    }
    // With deterrence on, the same policy does change the sponsor side (the comparison above is
    // not blind).
    let on = runs(&policy_throughout(&s, true, true, 0.4));
    assert_ne!(metric(&b, "care_days_mean"), metric(&on, "care_days_mean"));
}

#[test]
fn with_deterrence_on_care_lengthens_and_sponsors_decline_with_the_strength_of_the_response() {
    let s = base();
    let levels: Vec<Vec<RunSummary>> = [0.0, 0.2, 0.4]
        .iter()
        .map(|&d| runs(&policy_throughout(&s, true, true, d)))
        .collect();
    assert!(metric(&levels[0], "sponsors_declined")
        .iter()
        .all(|&n| n == 0.0));
    for pair in levels.windows(2) {
        let d = diff(&pair[0], &pair[1], "sponsors_declined");
        assert!(d.mean - d.half > 0.0, "sponsors declined: {d}");
        let d = diff(&pair[0], &pair[1], "care_days_mean");
        assert!(d.mean - d.half > 0.0, "care days: {d}");
    }
}

/// A shipped reform, at the reduced scale.
fn reform(name: &str) -> Params {
    let path = root().join("scenarios").join("reforms").join(name);
    let s = scenario::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    reduced(s.params, SHARE)
}

#[test]
fn sharing_for_enforcement_costs_days_of_care_that_sharing_for_child_welfare_does_not() {
    let b = runs(&reduced(base().params, SHARE));
    let enforcement = runs(&reform("sponsor_data_for_enforcement.toml"));
    let welfare = runs(&reform("address_sharing_child_welfare_only.toml"));
    // Both find children: ICE's share of followed time unlocatable falls.
    for (r, what) in [(&enforcement, "enforcement"), (&welfare, "child welfare")] {
        let d = diff(&b, r, "unlocatable_by_ice_share_of_followed_time");
        assert!(d.mean + d.half < 0.0, "ICE share, {what}: {d}");
    }
    // Only enforcement use keeps children longer in care and loses sponsors.
    let d = diff(&b, &enforcement, "care_days_mean");
    assert!(d.mean - d.half > 0.0, "care days, enforcement: {d}");
    let d = diff(&b, &enforcement, "sponsors_declined");
    assert!(d.mean - d.half > 0.0, "sponsors declined, enforcement: {d}");
    // The two reforms share the same data and differ only in whether ICE may use it for
    // enforcement: enforcement use keeps children longer in care than child-welfare use.
    let d = diff(&welfare, &enforcement, "care_days_mean");
    assert!(
        d.mean - d.half > 0.0,
        "care days, enforcement against welfare: {d}"
    );
    let d = diff(&welfare, &enforcement, "sponsors_arrested");
    assert!(d.mean - d.half > 0.0, "sponsors arrested: {d}");
    // Households avoid contact under enforcement use: more calls reach nobody.
    let d = diff(&welfare, &enforcement, "wellbeing_calls_not_reached");
    assert!(d.mean - d.half > 0.0, "calls not reached: {d}");
}

#[test]
fn reassigning_hsi_investigators_lowers_rescues() {
    let s = base();
    let b = runs(&reduced(s.params.clone(), SHARE));
    let reassigned = with(&s, &[("recovery.reassigned_to_removal_share", float(0.9))]);
    let r = runs(&reduced(reassigned, SHARE));
    let d = diff(&b, &r, "rescued_by_leads");
    assert!(
        d.mean + d.half < 0.0,
        "rescues by leads, 90% reassigned: {d}"
    );
}

#[test]
fn reversing_the_2025_reassignment_raises_rescues_once_leads_queue() {
    // Investigator capacity halved (so that leads queue before the reassignment, as they may at
    // the baseline's peaks): reversing the September 2025 reassignment works more leads, lets
    // fewer go cold and rescues more children by leads. The gain comes only in the last months
    // of the window, a few rescues at 10% of the cohort: 16 replications tell it from noise.
    let s = base();
    let half = |p: Params| {
        let mut p = reduced(p, SHARE);
        scale(&mut p.recovery.investigators, 0.5);
        p
    };
    let b = runs_n(&half(s.params.clone()), 16);
    let reversed = with(&s, &[("recovery.reassigned_to_removal_share", float(0.1))]);
    let r = runs_n(&half(reversed), 16);
    let d = diff(&b, &r, "leads_gone_cold");
    assert!(d.mean + d.half < 0.0, "leads gone cold: {d}");
    let d = diff(&b, &r, "rescued_by_leads");
    assert!(d.mean - d.half > 0.0, "rescues by leads: {d}");
    // Nothing changes before September 2025: the same children are exploited.
    let d = diff(&b, &r, "exploited");
    assert_eq!(d.mean, 0.0, "exploited: {d}");
}

#[test]
fn cooperation_raises_rescues_monotonically() {
    // Relief offered to no victim, half of them, every one: rescues by leads never fall, and rise
    // from none to all; so do the exploitative sponsors screening investigations confirm.
    let s = base();
    let level = |x: f64| {
        runs(&reduced(
            with(
                &s,
                &[("recovery.cooperation.relief_offered_probability", float(x))],
            ),
            SHARE,
        ))
    };
    let (none, half, all) = (level(0.0), level(0.5), level(1.0));
    for (lo, hi, what) in [(&none, &half, "none to half"), (&half, &all, "half to all")] {
        let d = diff(lo, hi, "rescued");
        assert!(d.mean + d.half >= 0.0, "rescued, {what}: {d}");
        let d = diff(lo, hi, "victims_cooperating");
        assert!(d.mean - d.half > 0.0, "victims cooperating, {what}: {d}");
    }
    let d = diff(&none, &all, "rescued_by_leads");
    assert!(d.mean - d.half > 0.0, "rescues by leads, none to all: {d}");
    let d = diff(&none, &all, "traffickers_identified");
    assert!(
        d.mean - d.half > 0.0,
        "traffickers identified, none to all: {d}"
    );
}

#[test]
fn screening_referrals_protect_children_from_exploitative_sponsors() {
    // Without screening there are no screening leads; with it, referred children's vetting
    // includes a home study and investigations confirm exploitative sponsors, so fewer children
    // are released to one and fewer are exploited.
    let s = base();
    let b = runs(&reduced(s.params.clone(), SHARE));
    let off = with(
        &s,
        &[
            ("recovery.screening.cbp_detection_probability", float(0.0)),
            ("recovery.screening.orr_detection_probability", float(0.0)),
            (
                "recovery.screening.cbp_false_referral_probability",
                float(0.0),
            ),
            (
                "recovery.screening.orr_false_referral_probability",
                float(0.0),
            ),
        ],
    );
    let r = runs(&reduced(off, SHARE));
    assert!(metric(&r, "leads_from_screening").iter().all(|&x| x == 0.0));
    assert!(metric(&b, "leads_from_screening").iter().all(|&x| x > 0.0));
    let d = diff(&b, &r, "exploited");
    assert!(d.mean - d.half > 0.0, "exploited without screening: {d}");
}

#[test]
fn targeted_operations_find_children_and_no_287g_lowers_partner_capacity() {
    let s = base();
    let b = runs(&reduced(s.params.clone(), SHARE));
    let r = runs(&reform("targeted_operations_twice_yearly.toml"));
    let d = diff(&b, &r, "located_by_operations");
    assert!(d.mean - d.half > 0.0, "located by operations: {d}");
    let d = diff(&b, &r, "rescued_by_operations");
    assert!(d.mean - d.half > 0.0, "rescued by operations: {d}");
    let d = diff(&b, &r, "unlocatable_by_ice_child_years");
    assert!(d.mean + d.half < 0.0, "ICE child-years unlocatable: {d}");
    // Without 287(g) agreements the welfare checks lose partner capacity: fewer visits.
    let r = runs(&reform("no_287g.toml"));
    let d = diff(&b, &r, "welfare_checks");
    assert!(d.mean + d.half < 0.0, "welfare checks without 287(g): {d}");
}

/// Changed values for a numeric leaf, valid for the scenario: one above the base value and one
/// below where the scenario allows (a cap or a threshold may hide a change in one direction).
fn perturbed(s: &Scenario, path: &str) -> Vec<Params> {
    let Some(v) = s.value(path) else {
        return Vec::new();
    };
    let x = match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        _ => return Vec::new(),
    };
    let up = [x * 1.5, x + 1.0, 1.0, 2.0];
    let down = [x * 0.5, x - 1.0, 0.5, 0.1, 0.0];
    let mut out = Vec::new();
    for candidates in [&up[..], &down[..]] {
        for &c in candidates {
            let new = match v {
                toml::Value::Integer(_) => toml::Value::Integer(c.round() as i64),
                _ => toml::Value::Float(c),
            };
            if &new == v {
                continue;
            }
            if let Ok(p) = s.with_values(&[(path.to_string(), new)], "screen") {
                if p.params != s.params {
                    out.push(p.params);
                    break;
                }
            }
        }
    }
    out
}

/// The parameters listed in a section of docs/model.md (`- \`path\`: reason` lines of the
/// section headed `heading`).
fn documented(heading: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/model.md")).expect("docs/model.md");
    let section = text
        .split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("docs/model.md has a section \"{heading}\""));
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- `"))
        .filter_map(|l| l.split('`').next())
        .map(String::from)
        .collect()
}

/// The section of docs/model.md listing the parameters inert under the baseline.
const INERT: &str = "Parameters inert under the baseline";
/// The section listing those that move outputs, but no main metric beyond replication noise.
const WEAK: &str = "Parameters that move no main metric beyond replication noise";

/// The main metrics every parameter must move, somewhere in its range, by more than their
/// replication noise: children unlocatable by ICE and pooled (last day and child-years), days of
/// care, NTAs served and children rescued.
const MAIN: [&str; 7] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_by_ice_child_years",
    "unlocatable_pooled_at_horizon",
    "unlocatable_pooled_child_years",
    "care_days_mean",
    "ntas_issued",
    "rescued",
];
/// Replications of the screen: the baseline's spread between them is the noise.
const SCREEN_REPS: u64 = 6;
/// Student's t, 97.5% quantile, `SCREEN_REPS - 1` degrees of freedom.
const T95: f64 = 2.571;

/// The main metrics of replications `0..SCREEN_REPS` of `p` (reduced), per replication.
fn main_metrics(p: &Params) -> (RunSummary, Vec<[f64; MAIN.len()]>) {
    let runs: Vec<RunSummary> = (0..SCREEN_REPS)
        .map(|r| simulate(&reduced(p.clone(), SHARE), SEED, r, &mut NoObserver))
        .collect();
    let values = runs
        .iter()
        .map(|r| {
            let m = r.metrics();
            MAIN.map(|k| m.iter().find(|x| x.0 == k).expect("a main metric").1)
        })
        .collect();
    (runs.into_iter().next().expect("a replication"), values)
}

fn mean_of(values: &[[f64; MAIN.len()]], k: usize) -> f64 {
    values.iter().map(|v| v[k]).sum::<f64>() / values.len() as f64
}

/// One parameter at a time, moved up and down (`perturbed`), on the reduced baseline: whether any
/// output changes (replication 0 against the baseline's, to the bit), and whether some main metric
/// moves by more than its replication noise (the mean of `SCREEN_REPS` paired replications
/// differs from the baseline's by more than the standard deviation between the baseline's
/// replications). A parameter that moves nothing must be listed as inert in docs/model.md; one
/// that moves outputs but no main metric beyond the noise must be listed as weak, with the reason.
#[test]
fn every_numeric_parameter_moves_a_main_metric_or_is_documented_inert_or_weak() {
    let s = base();
    let leaves: Vec<String> = s
        .leaf_paths()
        .into_iter()
        // A fiscal year's number names which year a volume belongs to: a label, not a parameter.
        .filter(|p| !p.ends_with(".fiscal_year"))
        .filter(|p| {
            matches!(
                s.value(p),
                Some(toml::Value::Integer(_)) | Some(toml::Value::Float(_))
            )
        })
        .collect();
    assert!(leaves.len() > 100, "only {} numeric leaves", leaves.len());
    let (base_run, base_values) = main_metrics(&s.params);
    let noise: Vec<f64> = (0..MAIN.len())
        .map(|k| {
            let m = mean_of(&base_values, k);
            let var = base_values.iter().map(|v| (v[k] - m).powi(2)).sum::<f64>()
                / (base_values.len() - 1) as f64;
            var.sqrt()
        })
        .collect();
    assert!(
        noise.iter().all(|n| n.is_finite() && *n > 0.0),
        "replication noise of the main metrics must be measurable: {noise:?}"
    );
    // Per leaf: None (no valid changed value), or (moves an output, moves a main metric).
    let results: Vec<(String, Option<(bool, bool)>)> = leaves
        .par_iter()
        .map(|path| {
            let variants = perturbed(&s, path);
            let screened = (!variants.is_empty()).then(|| {
                variants.iter().fold((false, false), |(any, main), p| {
                    let (run, values) = main_metrics(p);
                    let moves_main = (0..MAIN.len()).any(|k| {
                        let d: Vec<f64> = values
                            .iter()
                            .zip(&base_values)
                            .map(|(v, b)| v[k] - b[k])
                            .collect();
                        let n = d.len() as f64;
                        let mean = d.iter().sum::<f64>() / n;
                        let sd =
                            (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                        // Beyond the noise of one full-scale replication, and clear of zero.
                        mean.abs() > noise[k] * SHARE.sqrt() && mean.abs() > T95 * sd / n.sqrt()
                    });
                    (any || run != base_run, main || moves_main)
                })
            });
            (path.clone(), screened)
        })
        .collect();
    let unperturbable: Vec<&String> = results
        .iter()
        .filter(|r| r.1.is_none())
        .map(|r| &r.0)
        .collect();
    assert!(
        unperturbable.is_empty(),
        "no valid changed value found for {unperturbable:?}"
    );
    let screened_as = |f: fn((bool, bool)) -> bool| -> BTreeSet<String> {
        results
            .iter()
            .filter(|r| r.1.is_some_and(f))
            .map(|r| r.0.clone())
            .collect()
    };
    let inert = screened_as(|(any, _)| !any);
    let weak = screened_as(|(any, main)| any && !main);
    let mut problems = Vec::new();
    for (found, heading, what) in [
        (&inert, INERT, "move no output"),
        (
            &weak,
            WEAK,
            "move outputs but no main metric beyond replication noise",
        ),
    ] {
        let listed = documented(heading);
        let unlisted: Vec<&String> = found.difference(&listed).collect();
        let wrongly: Vec<&String> = listed.difference(found).collect();
        if !unlisted.is_empty() || !wrongly.is_empty() {
            problems.push(format!(
                "parameters that {what} but are not listed in docs/model.md (\"{heading}\"): \
                 {unlisted:?}; listed there but they do not: {wrongly:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `s` with the dated policy changes `keys` removed (`from = "never"`).
fn without_changes(s: &Scenario, keys: &[&str]) -> Params {
    let values: Vec<(String, toml::Value)> = keys
        .iter()
        .map(|k| {
            (
                format!("policy.changes.{k}.from"),
                toml::Value::String("never".into()),
            )
        })
        .collect();
    let v: Vec<(&str, toml::Value)> = values
        .iter()
        .map(|(p, v)| (p.as_str(), v.clone()))
        .collect();
    with(s, &v)
}

#[test]
fn without_the_2018_agreement_children_leave_care_sooner_and_households_answer_more_calls() {
    let b = runs(&reduced(base().params, SHARE));
    let r = runs(&reform("no_2018_moa.toml"));
    for m in [
        "care_days_mean",
        "sponsors_declined",
        "sponsors_arrested",
        "aged_out_in_care",
        "wellbeing_calls_not_reached",
    ] {
        let d = diff(&b, &r, m);
        assert!(
            d.mean + d.half < 0.0,
            "{m}, without the 2018 agreement: {d}"
        );
    }
}

#[test]
fn arrests_during_checks_end_placements_only_while_checks_make_arrests() {
    let s = base();
    let b = runs(&reduced(s.params.clone(), SHARE));
    let r = runs(&reduced(
        without_changes(&s, &["welfare_check_arrests_2025"]),
        SHARE,
    ));
    assert!(metric(&r, "household_arrests").iter().all(|&n| n == 0.0));
    let d = diff(&r, &b, "household_arrests");
    assert!(d.mean - d.half > 0.0, "household arrests: {d}");
    // Half the arrests send the child back to ORR, where a new sponsor may be found.
    let d = diff(&r, &b, "re_releases");
    assert!(d.mean - d.half > 0.0, "re-releases: {d}");
    let d = diff(&r, &b, "arrest_returns_to_orr");
    assert!(d.mean - d.half > 0.0, "children back in ORR care: {d}");
}

#[test]
fn the_2025_rules_lengthen_care_in_the_extended_scenario() {
    let path = root().join("scenarios").join("extended_fy2025.toml");
    let s = scenario::load(&path).expect("the extended scenario is valid");
    let b = runs(&reduced(s.params.clone(), SHARE));
    let r = runs(&reduced(
        without_changes(
            &s,
            &[
                "welfare_check_arrests_2025",
                "interim_final_rule_2025",
                "in_person_verification_2025",
            ],
        ),
        SHARE,
    ));
    for m in ["care_days_mean", "sponsors_declined", "sponsors_arrested"] {
        let d = diff(&r, &b, m);
        assert!(d.mean - d.half > 0.0, "{m}, with the 2025 rules: {d}");
    }
}

#[test]
fn a_dated_fall_in_call_reach_leaves_more_calls_unreached_and_ice_effort_follows_its_schedule() {
    let s = base();
    let b = runs(&reduced(s.params.clone(), SHARE));
    let step = |from: &str, value: f64| {
        let mut t = toml::Table::new();
        t.insert("from".into(), toml::Value::String(from.into()));
        t.insert("value".into(), float(value));
        toml::Value::Table(t)
    };
    let reach = toml::Value::Array(vec![step("2018-10-01", 0.88), step("2022-01-01", 0.5)]);
    let r = runs(&reduced(
        with(
            &s,
            &[("wellbeing_calls.answer_probability_if_current", reach)],
        ),
        SHARE,
    ));
    let d = diff(&b, &r, "wellbeing_calls_not_reached");
    assert!(
        d.mean - d.half > 0.0,
        "calls not reached, reach halved from 2022: {d}"
    );
    // ICE's NTA effort: no child released from 2021 on is put on the NTA queue.
    let effort = toml::Value::Array(vec![step("2018-10-01", 0.9), step("2021-01-01", 0.0)]);
    let r = runs(&reduced(
        with(&s, &[("ice.nta_probability", effort)]),
        SHARE,
    ));
    let d = diff(&b, &r, "ntas_issued");
    assert!(
        d.mean + d.half < 0.0,
        "NTAs issued, no effort from 2021: {d}"
    );
}
