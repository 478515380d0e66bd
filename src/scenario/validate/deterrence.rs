//! Deterrence (`[deterrence]`): the pressure each enforcement policy creates (which policies are
//! in force is `[policy]`), how sponsors and households respond to it, and arrests.

use super::check::Check;
use crate::scenario::raw;
use crate::sim::params::Deterrence;

pub(super) fn validate(c: &mut Check, dt: &raw::Deterrence) -> Deterrence {
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
        pressure_verification: c.prob(
            "deterrence.pressure_from_enforcement_at_verification",
            dt.pressure_from_enforcement_at_verification,
        ),
        pressure_arrests: c.prob("deterrence.pressure_from_arrests", dt.pressure_from_arrests),
        sponsor_arrest: c.prob(
            "deterrence.sponsor_arrest_probability",
            dt.sponsor_arrest_probability,
        ),
        household_arrest: c.prob(
            "deterrence.household_arrest_probability_per_check",
            dt.household_arrest_probability_per_check,
        ),
        arrest_return_to_orr: c.prob(
            "deterrence.arrest_child_returns_to_orr_probability",
            dt.arrest_child_returns_to_orr_probability,
        ),
    }
}
