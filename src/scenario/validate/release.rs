//! Release (`[release]`): address errors at release and who receives post-release services.

use super::check::Check;
use crate::scenario::raw;
use crate::sim::params::Release;

pub(super) fn validate(c: &mut Check, r: &raw::Release) -> Release {
    Release {
        address_error: c.prob(
            "release.address_error_probability",
            r.address_error_probability,
        ),
        services_probability: c.probs3(
            "release.post_release_services_probability",
            r.post_release_services_probability,
        ),
    }
}
