//! Data sharing (`[data_sharing]`): the integrated record, ORR's address sharing with ICE and the
//! court, and ICE's record matching.

use super::check::Check;
use crate::scenario::raw;
use crate::sim::params::{DataSharing, Sharing};

pub(super) fn validate(c: &mut Check, d: &raw::DataSharing) -> DataSharing {
    DataSharing {
        integrated_record: d.integrated_record,
        orr_to_ice: Sharing {
            probability: c.prob(
                "data_sharing.orr_to_ice_probability",
                d.orr_to_ice_probability,
            ),
            delay: c.days(
                "data_sharing.orr_to_ice_delay_days_mean",
                d.orr_to_ice_delay_days_mean,
                "data_sharing.orr_to_ice_delay_cv",
                d.orr_to_ice_delay_cv,
            ),
        },
        orr_to_court: Sharing {
            probability: c.prob(
                "data_sharing.orr_to_court_probability",
                d.orr_to_court_probability,
            ),
            delay: c.days(
                "data_sharing.orr_to_court_delay_days_mean",
                d.orr_to_court_delay_days_mean,
                "data_sharing.orr_to_court_delay_cv",
                d.orr_to_court_delay_cv,
            ),
        },
        ice_record_match: c.prob(
            "data_sharing.ice_record_match_probability",
            d.ice_record_match_probability,
        ),
    }
}
