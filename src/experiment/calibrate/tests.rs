//! Tests of calibration files (read and checked through `load::check`) and of calibration by ABC
//! rejection: candidates, distances, acceptance, posteriors and the calibrated scenario file.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::abc::{accept, distance, fit_error, posterior, quantile};
use super::calibrated::fitted_table;
use super::load::{check, Sources};
use super::raw::{CalibrationParts, RawCalibration};
use super::*;
use crate::experiment::targets::{self, Calendar};
use crate::input::Problems;
use crate::scenario;

fn baseline() -> Scenario {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    scenario::load(&p).expect("baseline loads")
}

fn targets(base: &Scenario) -> Vec<Target> {
    let raw: targets::RawTargets = toml::from_str(
        r#"
        [[targets]]
        name = "a"
        metric = "released"
        aggregate = "run"
        value = 100
        qualifier = "about"
        tolerance = 0.1
        definition = "d"
        source = "s"

        [[targets]]
        name = "b"
        metric = "released"
        aggregate = "run"
        value = 100
        qualifier = "more_than"
        tolerance = 0.1
        definition = "d"
        source = "s"

        [[targets]]
        name = "c"
        metric = "released"
        aggregate = "run"
        value = 100
        qualifier = "less_than"
        tolerance = 0.1
        definition = "d"
        source = "s"
        "#,
    )
    .unwrap();
    let raw: Vec<_> = raw.targets.into_iter().map(Some).collect();
    let calendar = Calendar {
        start_date: &base.loaded.raw.time.start_date,
        horizon_days: base.params.horizon_days,
    };
    let mut p = Problems::default();
    let t = targets::check(&mut p, &raw, calendar).unwrap();
    assert!(p.is_empty());
    t
}

fn raw(extra: &str) -> RawCalibration {
    toml::from_str(&format!(
        r#"
        base = "b.toml"
        targets = "t.toml"
        fit = ["a"]
        holdout = ["b"]
        replications = 1
        seed = 3
        [method]
        kind = "abc_rejection"
        candidates = 20
        accept = 0.2
        [[parameters]]
        path = "ice.ntas_per_officer_day"
        min = 0.5
        max = 4.0
        prior = "log_uniform"
        [[parameters]]
        path = "wellbeing_calls.max_wait_days"
        min = 2
        max = 20
        {extra}
        "#
    ))
    .unwrap()
}

fn checked(r: RawCalibration) -> Result<Calibration, ScenarioError> {
    let base = baseline();
    let t = targets(&base);
    check(
        Path::new("cal.toml"),
        CalibrationParts::from(r),
        Problems::default(),
        Some(Sources {
            base_path: PathBuf::from("b.toml"),
            base,
            targets_path: PathBuf::from("t.toml"),
            targets: t,
            identity: "x".into(),
        }),
    )
}

#[test]
fn quantiles_interpolate_between_order_statistics() {
    let v = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(quantile(&v, 0.5), 2.5);
    assert_eq!(quantile(&v, 0.0), 1.0);
    assert_eq!(quantile(&v, 1.0), 4.0);
    assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
    assert!((quantile(&v, 0.975) - 3.925).abs() < 1e-12);
    assert_eq!(quantile(&[7.0], 0.3), 7.0);
    assert!(quantile(&[], 0.5).is_nan());
    let p = posterior(&[4.0, 1.0, 3.0, 2.0, 5.0]);
    assert_eq!((p.mean, p.median), (3.0, 3.0));
    assert!((p.low - 1.1).abs() < 1e-12 && (p.high - 4.9).abs() < 1e-12);
}

#[test]
fn acceptance_takes_the_nearest_breaks_ties_by_index_and_skips_failures() {
    let d = [
        Some(0.5),
        None,
        Some(0.1),
        Some(0.5),
        Some(f64::NAN),
        Some(0.0),
    ];
    assert_eq!(accept(&d, 3), vec![5, 2, 0]);
    assert_eq!(accept(&d, 4), vec![5, 2, 0, 3]);
    // NaN counts as infinitely far; failures are never taken.
    assert_eq!(accept(&d, 10), vec![5, 2, 0, 3, 4]);
    assert_eq!(accepted_count(0.1, 40), 4);
    assert_eq!(accepted_count(0.01, 40), 1);
    assert_eq!(accepted_count(1.0, 40), 40);
}

#[test]
fn distance_is_the_rms_relative_error_in_tolerances_and_bounds_count_one_side() {
    let base = baseline();
    let t = targets(&base);
    // about 100 with a tolerance of 10%: 110 is 10% off, one tolerance.
    assert!((distance(&t[..1], &[110.0]) - 1.0).abs() < 1e-12);
    // A figure published with twice the tolerance weighs half as much.
    let mut wide = t[0].clone();
    wide.raw.tolerance = 0.2;
    assert!((distance(&[wide], &[110.0]) - 0.5).abs() < 1e-12);
    // more_than 100: 150 meets it, 80 is 20% short; less_than 100: 80 meets it.
    assert_eq!(fit_error(&t[1], 150.0), 0.0);
    assert!((fit_error(&t[1], 80.0) + 0.2).abs() < 1e-12);
    assert_eq!(fit_error(&t[2], 80.0), 0.0);
    assert!((fit_error(&t[2], 130.0) - 0.3).abs() < 1e-12);
    let d = distance(&t, &[110.0, 80.0, 80.0]);
    assert!((d - ((1.0 + 4.0) / 3.0f64).sqrt()).abs() < 1e-12);
    assert_eq!(distance(&t[..1], &[f64::NAN]), f64::INFINITY);
    assert_eq!(distance(&t, &[1.0]), f64::INFINITY);
}

#[test]
fn priors_map_the_unit_interval_onto_the_range() {
    let cal = checked(raw("")).unwrap();
    // Log-uniform over [0.5, 4]: the midpoint is the geometric mean.
    let lu = cal.parameters[0].dim();
    assert!((lu.value(lu.at(0.0)) - 0.5).abs() < 1e-12);
    assert!((lu.value(lu.at(0.5)) - 2f64.sqrt()).abs() < 1e-12);
    assert!((lu.value(lu.at(1.0)) - 4.0).abs() < 1e-12);
    // A whole number on [2, 20]: each of its 19 values takes 1/19 of the unit interval, the
    // end values included (rounding a uniform draw on [2, 20] would give them half weight).
    let n = cal.parameters[1].dim();
    let mut counts = [0usize; 21];
    for i in 0..1900 {
        counts[n.value(n.at((i as f64 + 0.5) / 1900.0)) as usize] += 1;
    }
    assert_eq!(counts[2..], [100; 19]);
}

#[test]
fn candidates_stratify_each_prior_and_respect_types() {
    let cal = checked(raw("")).unwrap();
    assert_eq!(cal.candidates.len(), 20);
    assert_eq!(cal.accepted_count(), 4);
    // Log-uniform over [0.5, 4]: each of 20 strata in log space holds one candidate.
    let mut strata: Vec<usize> = cal
        .candidates
        .iter()
        .map(|c| ((c[0] / 0.5).ln() / 8f64.ln() * 20.0).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, (0..20).collect::<Vec<_>>());
    // An integer field: whole numbers inside the range, written as integers.
    for c in &cal.candidates {
        assert_eq!(c[1].fract(), 0.0);
        assert!((2.0..=20.0).contains(&c[1]));
    }
    assert_eq!(cal.parameters[1].value(7.4), Value::Integer(7));
    // Same seed, same candidates.
    assert_eq!(checked(raw("")).unwrap().candidates, cal.candidates);
}

#[test]
fn bad_calibrations_are_refused_with_the_field() {
    let msg = |r: RawCalibration| checked(r).unwrap_err().to_string();
    let mut r = raw("");
    r.fit = vec!["zz".into()];
    let m = msg(r);
    assert!(
        m.contains("fit[0]") && m.contains("valid targets: a, b, c"),
        "{m}"
    );
    let mut r = raw("");
    r.holdout = vec!["a".into()];
    assert!(msg(r).contains("also in `fit`"));
    let mut r = raw("");
    r.fit = vec![];
    assert!(msg(r).contains("`fit`"));
    let mut r = raw("");
    r.parameters[0].path = "ice.ntas_per_oficer_day".into();
    let m = msg(r);
    assert!(
        m.contains("parameters[0].path") && m.contains("ice.ntas_per_officer_day"),
        "{m}"
    );
    let mut r = raw("");
    r.parameters[0].max = 0.1;
    assert!(msg(r).contains("inverted"));
    let mut r = raw("");
    r.parameters[0].min = 0.0;
    assert!(msg(r).contains("log_uniform prior needs min > 0"));
    let mut r = raw("");
    r.parameters[1].prior = Some("normal".into());
    assert!(msg(r).contains("parameters[1].prior"));
    let mut r = raw("");
    r.parameters[1].path = "time.start_date".into();
    assert!(msg(r).contains("only numbers"));
    let mut r = raw("");
    r.method.accept = Some(0.01);
    assert!(msg(r).contains("fewer than 2"));
    let mut r = raw("");
    r.method.kind = "mcmc".into();
    assert!(msg(r).contains("method.kind"));
    // A candidate the scenario rejects (probabilities above 1).
    let r = raw("[[parameters]]\npath = \"wellbeing_calls.answer_probability_if_current\"\nmin = 0.5\nmax = 1.5\n");
    let m = msg(r);
    assert!(
        m.contains("candidate") && m.contains("answer_probability_if_current"),
        "{m}"
    );
}

#[test]
fn the_calibrated_table_holds_only_the_fitted_paths_and_whole_arrays() {
    let mut r = raw("");
    r.parameters[1].path = "ice.nta_officers[0].value".into();
    r.parameters[1].min = 10.0;
    r.parameters[1].max = 90.0;
    let cal = checked(r).unwrap();
    let fitted = cal.scenario_with(&[2.0, 70.0], "fitted").unwrap();
    let t = fitted_table(&cal, &fitted.loaded.merged);
    let ice = t["ice"].as_table().unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(ice.len(), 2, "{ice:?}");
    assert_eq!(ice["ntas_per_officer_day"], Value::Float(2.0));
    let officers = ice["nta_officers"].as_array().unwrap();
    assert_eq!(officers[0]["value"], Value::Integer(70));
    assert_eq!(officers[0]["from"], Value::String("2018-10-01".into()));
    let q = posterior(&[1.0, 2.0, 3.0]);
    let text = calibrated_text(
        &cal,
        &fitted.loaded.merged,
        &[2.0, 70.0],
        &[q, q],
        "../b.toml",
    )
    .unwrap();
    assert!(text.starts_with("# Calibrated scenario produced by"));
    let back: Table = toml::from_str(&text).unwrap();
    assert_eq!(back["extends"], Value::String("../b.toml".into()));
    assert_eq!(
        back["meta"]["name"],
        Value::String("baseline_calibrated".into())
    );
    assert_eq!(back["ice"], t["ice"]);
    assert_eq!(back.len(), 3);
}

#[test]
fn a_calibration_at_a_share_of_the_cohort_runs_scaled_and_writes_the_whole_cohort() {
    let mut r = raw("");
    r.parameters[1].path = "ice.nta_officers[0].value".into();
    r.parameters[1].min = 10.0;
    r.parameters[1].max = 90.0;
    r.scale = Some(0.5);
    let cal = checked(r).unwrap();
    assert_eq!(cal.scale, 0.5);
    let get = |sc: &Scenario, path: &str| overrides::get(&sc.loaded.merged, path).cloned();
    let children = "arrivals.fiscal_years[0].children";
    let full = crate::experiment::explore::value_number(&get(&cal.base, children).unwrap());
    // The runs: the particle's values first, then arrivals and every capacity at half, the
    // calibrated capacity (70 officers) too.
    let run = cal.scenario_with(&[2.0, 70.0], "run").unwrap();
    assert_eq!(get(&run, children), Some(Value::Float(full * 0.5)));
    assert_eq!(
        get(&run, "ice.nta_officers[0].value"),
        Some(Value::Integer(35))
    );
    assert_eq!(
        get(&run, "ice.ntas_per_officer_day"),
        Some(Value::Float(2.0))
    );
    // The scenario it writes is for the whole cohort, with the fitted values as drawn.
    let written = cal.written_scenario(&[2.0, 70.0], "written").unwrap();
    assert_eq!(get(&written, children), get(&cal.base, children));
    let t = fitted_table(&cal, &written.loaded.merged);
    assert_eq!(t["ice"]["nta_officers"][0]["value"], Value::Integer(70));
    // Its targets count per whole cohort: 10 children released in a half-cohort run are 20.
    let summary = crate::sim::RunSummary {
        released: 10,
        ..Default::default()
    };
    assert!(cal
        .targets
        .iter()
        .all(|t| t.evaluate(&[], &summary) == 20.0));
    let whole = checked(raw("")).unwrap();
    assert!(whole
        .targets
        .iter()
        .all(|t| t.evaluate(&[], &summary) == 10.0));
    // A share that cannot be simulated is refused with the field and the range.
    for bad in [0.0, 1.5, f64::NAN] {
        let mut r = raw("");
        r.scale = Some(bad);
        let m = checked(r).unwrap_err().to_string();
        assert!(
            m.contains("scale") && m.contains("between 0.001 and 1"),
            "{m}"
        );
    }
}

#[test]
fn the_screen_moves_each_parameter_alone_and_measures_effects_in_tolerances() {
    let cal = checked(raw("")).unwrap();
    let points = cal.screen_points();
    // The base, then each parameter at its least and greatest value alone.
    assert_eq!(points.len(), 1 + 2 * cal.parameters.len());
    assert!(points[0].is_empty());
    assert_eq!(
        points[1],
        vec![(cal.parameters[0].path.clone(), Value::Float(0.5))]
    );
    assert_eq!(
        points[4],
        vec![(cal.parameters[1].path.clone(), Value::Integer(20))]
    );
    // Fitted target "a" (about 100, tolerance 10%): 90 -> 110 is 20 / (100 x 0.1) = 2
    // tolerances; the second parameter moves nothing.
    let fitted = cal.n_fit;
    let m = |x: f64| vec![x; fitted];
    let effects = cal.screen_effects(&[m(100.0), m(90.0), m(110.0), m(100.0), m(100.0)]);
    assert!((effects[0][0] - 2.0).abs() < 1e-12, "{effects:?}");
    assert_eq!(effects[1][0], 0.0);
    // A target the model cannot evaluate counts as moved (never screened out by accident).
    let effects = cal.screen_effects(&[m(1.0), m(f64::NAN), m(1.0), m(1.0), m(1.0)]);
    assert_eq!(effects[0][0], f64::INFINITY);
    // Noise from the replications: values 95 and 105 of target "a" have sd 7.07; twice the
    // standard error of a difference of two means of 2 runs is 2 x 7.07 = 14.1, or 1.41
    // tolerances of 10.
    let mut base = vec![m(100.0), m(100.0)];
    base[0][0] = 95.0;
    base[1][0] = 105.0;
    let noise = cal.screen_noise(&[base.clone()]);
    assert!(
        (noise[0] - 2.0 * 50f64.sqrt() / 10.0).abs() < 1e-12,
        "{noise:?}"
    );
    assert_eq!(cal.screen_noise(&[base[..1].to_vec()])[0], 0.0);
    // The spread is pooled over every screened scenario, not taken from the base alone: the
    // base's two runs agree (a spread of 0 from one degree of freedom), the others' do not.
    // Squares 0 + 50 + 50 + 0 + 0 over 5 degrees of freedom: sd sqrt(20), noise 2 sqrt(20) / 10.
    let same = vec![m(100.0), m(100.0)];
    let noise = cal.screen_noise(&[same.clone(), base.clone(), base.clone(), same.clone(), same]);
    assert!(
        (noise[0] - 2.0 * 20f64.sqrt() / 10.0).abs() < 1e-12,
        "{noise:?}"
    );
    // An effect counts at the threshold and beyond the noise.
    assert_eq!(screen_verdict(&[2.0], &[1.41], 0.25), (true, 0));
    assert_eq!(screen_verdict(&[1.0], &[1.41], 0.25), (false, 0));
    assert_eq!(screen_verdict(&[0.2], &[0.0], 0.25), (false, 0));
    assert_eq!(
        screen_verdict(&[0.3, 5.0, 0.6], &[0.0, 9.0, 0.1], 0.25),
        (true, 2)
    );
    // Restricted to the second parameter only.
    let r = cal.restricted(&[1]);
    assert_eq!(r.parameters.len(), 1);
    assert_eq!(r.parameters[0].path, cal.parameters[1].path);
}
