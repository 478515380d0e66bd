//! CBP custody (`[cbp]`): processing agents, processing and transport times, the transfer limit
//! and what CBP's referral record holds.

use super::check::{Check, MIN_PER_HOUR};
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::Cbp;

pub(super) fn validate(c: &mut Check, p: &Period, b: &raw::Cbp) -> Cbp {
    Cbp {
        processing_agents: p.schedule(
            c,
            "cbp.processing_agents",
            &b.processing_agents,
            1,
            1_000_000,
            "agents",
        ),
        processing: c.duration(
            "cbp.processing_hours_mean",
            b.processing_hours_mean,
            "cbp.processing_hours_cv",
            b.processing_hours_cv,
            MIN_PER_HOUR,
            "hours",
        ),
        transport: c.duration(
            "cbp.transport_hours_mean",
            b.transport_hours_mean,
            "cbp.transport_hours_cv",
            b.transport_hours_cv,
            MIN_PER_HOUR,
            "hours",
        ),
        transfer_limit: (c.range(
            "cbp.transfer_limit_hours",
            b.transfer_limit_hours,
            1.0,
            8760.0,
            "hours",
        ) * MIN_PER_HOUR) as u32,
        record_completeness: c.prob(
            "cbp.record_completeness_probability",
            b.record_completeness_probability,
        ),
        records_sponsor_address: c.prob(
            "cbp.records_sponsor_address_probability",
            b.records_sponsor_address_probability,
        ),
    }
}
