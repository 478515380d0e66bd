//! A scenario at a share of its cohort: arrivals and every capacity scaled alike, so that the same
//! capacities bind and the lines are as long, relative to the cohort, as at full scale. Used by
//! `run --scale`, the classroom explorer and `explore`'s `scale`.

use toml::Value;

use super::overrides;
use super::Scenario;
use crate::error::ScenarioError;

/// Step schedules of the scenario that are capacities (staff, beds, teams...), scaled with the
/// cohort; `usable_beds_percent` is a share and is not.
pub(crate) const SCALED_SCHEDULES: &[&str] = &[
    "cbp.processing_agents",
    "orr.standard_beds",
    "orr.placements_per_day",
    "orr.influx_beds",
    "orr.case_managers",
    "wellbeing_calls.staff",
    "ice.nta_officers",
    "court.hearings_per_day",
    "welfare_checks.teams",
    "welfare_checks.local_partner_checks_per_day",
    "recovery.hsi_investigators",
];
/// Single whole numbers that are capacities or sizes, scaled with the cohort.
pub(crate) const SCALED_COUNTS: &[&str] = &[
    "orr.influx_trigger_waiting_children",
    "orr.in_care_at_start.children",
    "orr.released_before_start.children",
    "welfare_checks.max_checks",
];
/// Fields of every targeted operation (`recovery.operations.<key>`) scaled with the cohort.
const SCALED_OPERATION_FIELDS: &[&str] = &["capacity_per_day", "partner_capacity_per_day"];

/// The smallest share of the cohort that may be simulated.
pub(crate) const MIN_SCALE: f64 = 0.001;

/// Why `scale` is not a share of the cohort that may be simulated (`None` if it is): a number in
/// [[`MIN_SCALE`], 1].
pub(crate) fn scale_problem(scale: f64) -> Option<String> {
    if scale.is_finite() && (MIN_SCALE..=1.0).contains(&scale) {
        None
    } else {
        Some(format!(
            "{scale}: must be a share of the cohort between {MIN_SCALE} and 1 (e.g. 0.1 for 10%)"
        ))
    }
}

/// A count scaled by `f`: rounded to a whole number, never below 1 if it was at least 1 (a
/// capacity never vanishes, and the scenario refuses zero capacities).
fn scaled_count(v: i64, f: f64) -> i64 {
    let x = (v as f64 * f).round() as i64;
    if v >= 1 {
        x.max(1)
    } else {
        x
    }
}

/// The values that put `s` at `f` of its cohort: each fiscal year's expected children, and every
/// capacity (staff, beds, teams, investigators, operations' daily capacities, the influx trigger
/// and the checks' cap) multiplied by `f` (whole numbers rounded, capacities at least 1), so that
/// the same capacities bind and the lines are as long, relative to the cohort, as at full scale.
/// Rates per child, probabilities, durations and dates are unchanged.
pub(crate) fn scale_overrides(s: &Scenario, f: f64) -> Vec<(String, Value)> {
    let t = &s.loaded.merged;
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(Value::Float(_) | Value::Integer(_)) =
        overrides::get(t, &format!("arrivals.fiscal_years[{i}].children"))
    {
        let path = format!("arrivals.fiscal_years[{i}].children");
        if let Some(v) = overrides::get(t, &path)
            .and_then(Value::as_float)
            .or_else(|| {
                overrides::get(t, &path)
                    .and_then(Value::as_integer)
                    .map(|n| n as f64)
            })
        {
            out.push((path, Value::Float(v * f)));
        }
        i += 1;
    }
    let count = |path: String, out: &mut Vec<(String, Value)>| {
        if let Some(Value::Integer(v)) = overrides::get(t, &path) {
            out.push((path, Value::Integer(scaled_count(*v, f))));
        }
    };
    for sched in SCALED_SCHEDULES {
        if let Some(Value::Array(steps)) = overrides::get(t, sched) {
            for j in 0..steps.len() {
                count(format!("{sched}[{j}].value"), &mut out);
            }
        }
    }
    for c in SCALED_COUNTS {
        count(c.to_string(), &mut out);
    }
    if let Some(Value::Table(ops)) = overrides::get(t, "recovery.operations") {
        for key in ops.keys() {
            for field in SCALED_OPERATION_FIELDS {
                count(format!("recovery.operations.{key}.{field}"), &mut out);
            }
        }
    }
    out
}

/// `s` at `f` of its cohort (see [`scale_overrides`]), validated again; `s` itself when `f` is 1.
pub(crate) fn at_scale(s: &Scenario, f: f64, label: &str) -> Result<Scenario, ScenarioError> {
    if f == 1.0 {
        return Ok(s.clone());
    }
    s.with_values(&scale_overrides(s, f), &format!("{label} at scale {f}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use std::path::PathBuf;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn scaling_multiplies_arrivals_and_every_capacity() {
        let base = scenario::load(&root().join("scenarios/baseline.toml")).unwrap();
        let s = at_scale(&base, 0.1, "test").unwrap();
        let (a, b) = (&base.params, &s.params);
        let total = |p: &crate::sim::Params| p.arrival_rate_by_day.iter().sum::<f64>();
        assert!((total(b) / total(a) - 0.1).abs() < 1e-9);
        let o = scale_overrides(&base, 0.1);
        let get = |p: &str| o.iter().find(|(x, _)| x == p).map(|(_, v)| v.clone());
        assert_eq!(
            get("welfare_checks.teams[0].value"),
            Some(Value::Integer(30))
        );
        assert_eq!(
            get("orr.standard_beds[1].value"),
            Some(Value::Integer(1350))
        );
        assert_eq!(
            get("orr.influx_trigger_waiting_children"),
            Some(Value::Integer(50))
        );
        // A capacity of 1 stays 1; a capacity of 0 stays 0.
        assert_eq!(
            get("recovery.operations.rescue_me_2021.capacity_per_day"),
            Some(Value::Integer(1))
        );
        assert_eq!(
            get("welfare_checks.local_partner_checks_per_day[0].value"),
            Some(Value::Integer(0))
        );
        assert_eq!(get("orr.usable_beds_percent[1].value"), None);
        assert_eq!(at_scale(&base, 1.0, "x").unwrap().params, base.params);
    }

    /// Step schedules of whole numbers that are not capacities (not scaled).
    const UNSCALED_SCHEDULES: &[&str] = &["orr.usable_beds_percent"];

    /// Every schedule of whole numbers in the baseline is either scaled or known not to be a
    /// capacity: a capacity added to the model must be added to one of the lists.
    #[test]
    fn every_whole_number_schedule_is_classified() {
        let base = scenario::load(&root().join("scenarios/baseline.toml")).unwrap();
        let mut found = Vec::new();
        fn walk(v: &Value, prefix: &str, out: &mut Vec<String>) {
            match v {
                Value::Table(t) => {
                    for (k, x) in t {
                        walk(x, &overrides::key_path(prefix, k), out);
                    }
                }
                Value::Array(a)
                    if !a.is_empty()
                        && a.iter().all(|x| {
                            x.as_table().is_some_and(|t| {
                                t.contains_key("from")
                                    && t.get("value").is_some_and(Value::is_integer)
                            })
                        }) =>
                {
                    out.push(prefix.to_string())
                }
                _ => {}
            }
        }
        walk(&Value::Table(base.loaded.merged.clone()), "", &mut found);
        assert!(found.len() >= 10, "{found:?}");
        for f in &found {
            assert!(
                SCALED_SCHEDULES.contains(&f.as_str()) || UNSCALED_SCHEDULES.contains(&f.as_str()),
                "schedule `{f}` is neither scaled nor listed as not a capacity"
            );
        }
        for s in SCALED_SCHEDULES.iter().chain(UNSCALED_SCHEDULES) {
            assert!(found.iter().any(|f| f == s), "`{s}` is not a schedule");
        }
        for c in SCALED_COUNTS {
            assert!(base.value(c).is_some_and(Value::is_integer), "{c}");
        }
    }
}
