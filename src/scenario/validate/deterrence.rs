//! Deterrence (`[deterrence]`): when shared data is used for enforcement, arrests during checks,
//! and how sponsors respond to enforcement pressure.

use super::check::Check;
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::Deterrence;

pub(super) fn validate(c: &mut Check, p: &Period, dt: &raw::Deterrence) -> Deterrence {
    let sharing_enforcement_from = if dt.sharing_used_for_enforcement_from == "never" {
        None
    } else {
        p.day(
            c,
            "deterrence.sharing_used_for_enforcement_from",
            &dt.sharing_used_for_enforcement_from,
        )
    };
    let shift_to_category3 = c.prob(
        "deterrence.shift_to_category3_probability",
        dt.shift_to_category3_probability,
    );
    let sponsor_decline = c.prob(
        "deterrence.sponsor_decline_probability",
        dt.sponsor_decline_probability,
    );
    // One draw decides both at a search (a shift, a decline, or neither), so at full pressure the
    // two shares cannot exceed one together.
    if shift_to_category3 + sponsor_decline > 1.0 {
        c.bad(
            "deterrence.sponsor_decline_probability",
            sponsor_decline,
            &format!(
                "must be at most 1 - deterrence.shift_to_category3_probability = {}",
                1.0 - shift_to_category3
            ),
        );
    }
    Deterrence {
        enabled: dt.enabled,
        sharing_enforcement_from,
        arrests_during_checks: dt.arrests_during_checks,
        identification_delay_increase: c.range(
            "deterrence.identification_delay_increase",
            dt.identification_delay_increase,
            0.0,
            100.0,
            "(relative increase)",
        ),
        shift_to_category3,
        sponsor_decline,
        contact_avoidance: c.prob(
            "deterrence.contact_avoidance_probability",
            dt.contact_avoidance_probability,
        ),
        pressure_sharing: c.prob("deterrence.pressure_from_sharing", dt.pressure_from_sharing),
        pressure_arrests: c.prob("deterrence.pressure_from_arrests", dt.pressure_from_arrests),
    }
}
