//! Sponsor vetting (`[vetting]`): background checks (their depth trades case-manager time
//! against detection; fingerprinting every adult of the household adds depth while the policy
//! requires it), in-person identity verification, home studies and how often they detect a risky
//! sponsor.

use super::check::Check;
use crate::scenario::raw;
use crate::sim::params::Vetting;

pub(super) fn validate(c: &mut Check, v: &raw::Vetting) -> Vetting {
    let bg = v.background_check_days_mean;
    // Depth: each unit of depth costs the per-category time and finds a risky sponsor missed so
    // far with the per-unit detection probability.
    let depth = c.range(
        "vetting.background_check_depth",
        v.background_check_depth,
        0.1,
        10.0,
        "(units of the checks that take background_check_days_mean)",
    );
    let background = [0, 1, 2].map(|i| {
        c.days(
            &format!("vetting.background_check_days_mean[{i}]"),
            bg[i],
            "vetting.background_check_cv",
            v.background_check_cv,
        )
    });
    let per_unit = c.prob(
        "vetting.detection_probability_background",
        v.detection_probability_background,
    );
    Vetting {
        background,
        home_study_probability: c
            .probs3("vetting.home_study_probability", v.home_study_probability),
        home_study: c.days(
            "vetting.home_study_days_mean",
            v.home_study_days_mean,
            "vetting.home_study_cv",
            v.home_study_cv,
        ),
        depth,
        household_fingerprinting_depth: c.range(
            "vetting.household_fingerprinting_extra_depth",
            v.household_fingerprinting_extra_depth,
            0.0,
            10.0,
            "(units of background-check depth)",
        ),
        detect_per_unit: per_unit,
        in_person_verification: c.days(
            "vetting.in_person_verification_days_mean",
            v.in_person_verification_days_mean,
            "vetting.in_person_verification_cv",
            v.in_person_verification_cv,
        ),
        documentation: c.days(
            "vetting.documentation_days_mean",
            v.documentation_days_mean,
            "vetting.documentation_cv",
            v.documentation_cv,
        ),
        documentation_failure: c.prob(
            "vetting.documentation_failure_probability",
            v.documentation_failure_probability,
        ),
        detect_home_study: c.prob(
            "vetting.detection_probability_home_study",
            v.detection_probability_home_study,
        ),
        overload_elasticity: c.range(
            "vetting.overload_thoroughness_elasticity",
            v.overload_thoroughness_elasticity,
            0.0,
            4.0,
            "(dimensionless)",
        ),
    }
}
