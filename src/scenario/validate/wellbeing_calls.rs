//! Safety and well-being calls (`[wellbeing_calls]`): when calls are due, the call staff's daily
//! attempts, how long a call may be attempted and how often, and the chance an attempt reaches the
//! child.

use super::check::{capacity, Check};
use super::time::Period;
use crate::scenario::raw::WellbeingCalls;
use crate::sim::params::{Calls, MINUTES_PER_DAY};

/// Most calls after each release: each is an event of every released child.
const MAX_CALLS_PER_RELEASE: usize = 100;

pub(super) fn validate(c: &mut Check, p: &Period, w: &WellbeingCalls) -> Calls {
    if w.days_after_release.len() > MAX_CALLS_PER_RELEASE {
        c.field(
            "wellbeing_calls.days_after_release",
            format!(
                "{} calls after each release: at most {MAX_CALLS_PER_RELEASE} are allowed (each is an event of every released child)",
                w.days_after_release.len()
            ),
        );
    }
    let mut after_release = Vec::new();
    for (i, &dd) in w.days_after_release.iter().enumerate() {
        after_release.push(
            c.range(
                &format!("wellbeing_calls.days_after_release[{i}]"),
                dd as f64,
                0.0,
                3650.0,
                "days",
            ) as u32
                * MINUTES_PER_DAY,
        );
    }
    let call_staff = p.schedule(c, "wellbeing_calls.staff", &w.staff, 1, 1_000_000, "staff");
    Calls {
        after_release,
        capacity_per_day: capacity(
            &call_staff,
            c.range(
                "wellbeing_calls.calls_per_staff_day",
                w.calls_per_staff_day,
                0.01,
                10_000.0,
                "call attempts per staff-day",
            ),
        ),
        max_wait_days: c.range(
            "wellbeing_calls.max_wait_days",
            w.max_wait_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32,
        max_attempts: c.at_least_one_u32(
            "wellbeing_calls.max_attempts",
            w.max_attempts,
            100,
            "attempts per call",
        ),
        retry_days: c.at_least_one_u32("wellbeing_calls.retry_days", w.retry_days, 365, "days"),
        answer_if_current: p.dated(
            c,
            "wellbeing_calls.answer_probability_if_current",
            &w.answer_probability_if_current,
            |c, f, v| c.prob(f, v),
        ),
        reach_if_stale: p.dated(
            c,
            "wellbeing_calls.reach_probability_if_stale",
            &w.reach_probability_if_stale,
            |c, f, v| c.prob(f, v),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::load;

    #[test]
    fn attempts_and_retry_days_are_whole_numbers_of_at_least_one() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let mut r = load::load(&path).unwrap().raw;
        let p = super::super::validate(&r).unwrap();
        assert_eq!((p.calls.max_attempts, p.calls.retry_days), (1, 2));
        r.wellbeing_calls.max_attempts = 0;
        r.wellbeing_calls.retry_days = 400;
        let problems: Vec<String> = super::super::validate(&r)
            .unwrap_err()
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            problems,
            [
                "field `wellbeing_calls.max_attempts` = 0: must be an integer in [1, 100] attempts per call",
                "field `wellbeing_calls.retry_days` = 400: must be an integer in [1, 365] days",
            ]
        );
    }
}
