//! Safety and well-being calls (`[wellbeing_calls]`): when calls are due, call-centre capacity,
//! how long a call may wait, and the chance it reaches the child.

use super::check::{capacity, Check};
use super::time::Period;
use crate::scenario::raw::WellbeingCalls;
use crate::sim::params::{Calls, MINUTES_PER_DAY};

pub(super) fn validate(c: &mut Check, p: &Period, w: &WellbeingCalls) -> Calls {
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
                "calls per staff-day",
            ),
        ),
        max_wait_days: c.range(
            "wellbeing_calls.max_wait_days",
            w.max_wait_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32,
        answer_if_current: c.prob(
            "wellbeing_calls.answer_probability_if_current",
            w.answer_probability_if_current,
        ),
        reach_if_stale: c.prob(
            "wellbeing_calls.reach_probability_if_stale",
            w.reach_probability_if_stale,
        ),
    }
}
