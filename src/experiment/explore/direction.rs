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

/// The known direction of a metric, if any, as the metric catalogue declares it
/// ([`crate::sim::metrics::better`]): fewer children unlocatable, lost or harmed is better; more
/// children located, rescued or reached is better. Counts of activity (events, arrivals, NTAs
/// issued) have none ("neither"): an explore file declares it.
pub(crate) fn default_direction(metric: &str) -> Option<Direction> {
    use crate::sim::metrics::Better;
    match crate::sim::metrics::better(metric)? {
        Better::Lower => Some(Direction::Lower),
        Better::Higher => Some(Direction::Higher),
        Better::Neither => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::explore::DEFAULT_METRICS;

    #[test]
    fn directions_of_the_default_metrics_are_known() {
        for m in DEFAULT_METRICS {
            assert!(default_direction(m).is_some(), "{m}");
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
