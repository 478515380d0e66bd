//! Post-release services (`[post_release_services]`): how often and for how long a caseworker
//! contacts the family, and the chance a contact reaches the child.

use super::check::Check;
use crate::scenario::raw;
use crate::sim::params::{PostReleaseServices, MINUTES_PER_DAY};

pub(super) fn validate(c: &mut Check, pr: &raw::PostReleaseServices) -> PostReleaseServices {
    PostReleaseServices {
        contact_interval: c.range(
            "post_release_services.contact_interval_days",
            pr.contact_interval_days as f64,
            1.0,
            3650.0,
            "days",
        ) as u32
            * MINUTES_PER_DAY,
        duration: c.range(
            "post_release_services.duration_days",
            pr.duration_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32
            * MINUTES_PER_DAY,
        reach_if_current: c.prob(
            "post_release_services.reach_probability_if_current",
            pr.reach_probability_if_current,
        ),
        reach_if_stale: c.prob(
            "post_release_services.reach_probability_if_stale",
            pr.reach_probability_if_stale,
        ),
    }
}
