//! Which direction of each metric is better (fewer children unlocatable, more located), as the
//! explore and discover commands read it from the metric's name.

use serde::{Deserialize, Serialize};

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Direction {
    Lower,
    Higher,
}

impl Direction {
    /// The word written in the files: `lower_is_better` or `higher_is_better`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Direction::Lower => "lower_is_better",
            Direction::Higher => "higher_is_better",
        }
    }
    /// How much better `value` is than `reference` (positive: better).
    pub(crate) fn improvement(self, value: f64, reference: f64) -> f64 {
        match self {
            Direction::Lower => reference - value,
            Direction::Higher => value - reference,
        }
    }
}

/// The known direction of a metric, if any: fewer children unlocatable, lost or harmed is better;
/// more children located, rescued or reached is better. Counts of activity (events, arrivals, NTAs
/// issued) have none: an explore file declares it.
pub(crate) fn default_direction(metric: &str) -> Option<Direction> {
    const LOWER: &[&str] = &[
        "unlocatable",
        "never_located_again",
        "no_shows",
        "not_reached",
        "gone_cold",
        "over_72h",
        "undeliverable",
        "stale_address",
        "without_nta",
        "wrong_at_release",
        "never_shared",
        "moves_unreported",
        "exploited",
        "ran_away",
        "care_days_mean",
        "hours_mean",
        "aged_out_in_care",
        "sponsors_declined",
        "exploitation_to_rescue_days_mean",
        "checks_not_found",
        "placement_breakdowns",
    ];
    const HIGHER: &[&str] = &[
        "located",
        "rescued",
        "found_again",
        "wellbeing_calls_reached",
        "appearances",
    ];
    if metric.ends_with("_peak_day") {
        return None;
    }
    if LOWER.iter().any(|w| metric.contains(w)) {
        return Some(Direction::Lower);
    }
    if HIGHER.iter().any(|w| metric.contains(w)) {
        return Some(Direction::Higher);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::checks::default_metrics;
    use crate::experiment::explore::MORE_DEFAULT_METRICS;

    #[test]
    fn directions_of_the_default_metrics_are_known() {
        for m in default_metrics(MORE_DEFAULT_METRICS) {
            assert!(default_direction(&m).is_some(), "{m}");
        }
        assert_eq!(
            default_direction("unlocatable_by_ice_at_horizon"),
            Some(Direction::Lower)
        );
        assert_eq!(
            default_direction("wellbeing_calls_not_reached"),
            Some(Direction::Lower)
        );
        assert_eq!(default_direction("located"), Some(Direction::Higher));
        assert_eq!(
            default_direction("rescued_by_checks"),
            Some(Direction::Higher)
        );
        assert_eq!(default_direction("events"), None);
        assert_eq!(default_direction("unlocatable_by_ice_peak_day"), None);
    }
}
