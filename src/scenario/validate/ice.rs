//! ICE (`[ice]`): officers preparing Notices to Appear, how many each prepares, and the delay
//! before an NTA is filed with the court.

use super::check::{capacity, Check};
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::Ice;

pub(super) fn validate(c: &mut Check, p: &Period, i: &raw::Ice) -> Ice {
    let officers = p.schedule(
        c,
        "ice.nta_officers",
        &i.nta_officers,
        1,
        1_000_000,
        "officers",
    );
    Ice {
        nta_capacity_per_day: capacity(
            &officers,
            c.range(
                "ice.ntas_per_officer_day",
                i.ntas_per_officer_day,
                0.01,
                10_000.0,
                "NTAs per officer-day",
            ),
        ),
        nta_intent: c.prob("ice.nta_probability", i.nta_probability),
        nta_filing: c.days(
            "ice.nta_filing_days_mean",
            i.nta_filing_days_mean,
            "ice.nta_filing_cv",
            i.nta_filing_cv,
        ),
    }
}
