//! The metric catalogue: every whole-run metric (a column of `summary.csv`, a `metric` of
//! `headline.csv` and `comparison.csv`) declared once, with its words for people, its unit, which
//! direction is better, the agency lens it is measured through, what kind of number it is, and how
//! its value is read from a replication's totals. [`RunSummary::metrics`](crate::sim::RunSummary::metrics) reads every value
//! through it, in its order; the writers, tables, report, charts, explorer, `explore` and the
//! Python package take their labels, directions and default lists from here. Pure data: nothing
//! here knows files, formats or layers above the engine.
//!
//! Here: what a metric is ([`Metric`], [`Better`], [`Kind`]), the catalogue built once in output
//! order, and finding a metric by its key. The entries, in that order, by part: `lens.rs` the
//! measures of locatability through each lens, `pipeline.rs` the pipeline's counts, `leads.rs` the
//! leads and rescues per lead source, `start.rs` the children already in care on the first day
//! (counted apart from the cohort), `flows.rs` the flows into and out of unlocatable. `values.rs`
//! reads a run's values through the catalogue; `lists.rs` holds the named lists of metrics shown
//! by default (the headline, a sweep's, an explore's...).

use std::ops::Range;
use std::sync::OnceLock;

mod flows;
mod leads;
mod lens;
mod lists;
mod pipeline;
mod start;
mod values;

pub use flows::Flow;
pub use lens::{
    lens_words, LensMeasure, AT_HORIZON, CHILD_YEARS_UNLOCATABLE, LENS_MEASURES, LENS_ORDER,
    NEVER_LOCATED_AGAIN, PEAK, PEAK_DAY, SHARE_OF_FOLLOWED_TIME, TURNED_18,
};
pub use lists::{EXPLORER_RUNS, EXPLORE_DEFAULT, FOREST, HEADLINE, RESPONSE, SWEEP_DEFAULT};

use super::locate::Lens;
use values::{Entry, Reader};

/// Which direction of a metric is better for children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Fewer is better (children unlocatable, lost, harmed; time in custody).
    Lower,
    /// More is better (children located, rescued, reached).
    Higher,
    /// Neither: a count of activity or of the cohort (arrivals, NTAs issued, events).
    Neither,
}

impl Better {
    /// The word for scripts: `lower`, `higher` or `neither`.
    pub fn name(self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
            Better::Neither => "neither",
        }
    }

    /// The sign that turns a change into an improvement: -1 where lower is better, +1 where
    /// higher is, `None` where neither is.
    pub fn sign(self) -> Option<f64> {
        match self {
            Better::Lower => Some(-1.0),
            Better::Higher => Some(1.0),
            Better::Neither => None,
        }
    }
}

/// The unit of a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Hours.
    Hours,
    /// Days.
    Days,
    /// Years (365.25 days).
    Years,
}

/// What kind of number a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count (of children, or of events that can happen more than once to a child: the unit
    /// says which).
    Count,
    /// A share between 0 and 1.
    Share,
    /// A duration (a mean, or a total such as child-years).
    Time(TimeUnit),
    /// A day of the run (0 = the scenario's start).
    DayIndex,
}

impl Kind {
    /// The word for scripts: `count`, `share`, `hours`, `days`, `years` or `day_index`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Share => "share",
            Kind::Time(TimeUnit::Hours) => "hours",
            Kind::Time(TimeUnit::Days) => "days",
            Kind::Time(TimeUnit::Years) => "years",
            Kind::DayIndex => "day_index",
        }
    }
}

/// One metric of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// The column name (`unlocatable_by_ice_at_horizon`).
    pub key: String,
    /// Words for people (the report's and the charts' label).
    pub label: String,
    /// What is counted or measured, in words (`children`, `visits`, `hours`, `child-years`...).
    pub unit: &'static str,
    /// Which direction is better.
    pub better: Better,
    /// The agency lens it is measured through; `None` for the pipeline's counts.
    pub lens: Option<Lens>,
    /// What kind of number it is.
    pub kind: Kind,
}

impl Metric {
    /// Whether it counts children, each child once (rather than events, which can happen more than
    /// once to one child, or another kind of number).
    pub fn counts_children(&self) -> bool {
        self.kind == Kind::Count && self.unit == CHILDREN
    }

    /// Whether it grows in proportion to the cohort (a count, or a total such as child-years),
    /// rather than staying the same at any cohort size (a share, a mean duration, a day): what a
    /// run at a share of the cohort must divide by that share to compare with a published figure.
    pub fn grows_with_cohort(&self) -> bool {
        self.kind == Kind::Count || self.unit == CHILD_YEARS
    }
}

// Units.
const CHILDREN: &str = "children";
const HOURS: &str = "hours";
const DAYS: &str = "days";
const CHILD_YEARS: &str = "child-years";

/// The catalogue with how each value is read, built once.
struct Catalogue {
    metrics: Vec<Metric>,
    readers: Vec<Reader>,
    /// Where the flows are in [`Catalogue::metrics`].
    flows: Range<usize>,
}

impl Catalogue {
    /// Adds `entries` at the end.
    fn extend(&mut self, entries: impl Iterator<Item = Entry>) {
        for (metric, reader) in entries {
            self.metrics.push(metric);
            self.readers.push(reader);
        }
    }
}

/// The catalogue, built on first use: the lens measures, the pipeline, the lead sources, then the
/// flows.
fn built() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut c = Catalogue {
            metrics: Vec::new(),
            readers: Vec::new(),
            flows: 0..0,
        };
        c.extend(lens::entries());
        c.extend(pipeline::entries());
        c.extend(leads::entries());
        c.extend(start::entries());
        let start = c.metrics.len();
        c.extend(flows::entries());
        c.flows = start..c.metrics.len();
        c
    })
}

/// Every metric, in output order (the columns of `summary.csv` after `replication`): the
/// locatability measures of each lens (ICE and pooled first), the pipeline's counts, the leads and
/// rescues per lead source, then the flows of the reported lenses.
pub fn catalogue() -> &'static [Metric] {
    &built().metrics
}

/// The flows of the reported lenses (ICE and pooled), a part of [`catalogue`].
pub fn flows() -> &'static [Metric] {
    let c = built();
    &c.metrics[c.flows.clone()]
}

/// The metric named `key`.
pub fn get(key: &str) -> Option<&'static Metric> {
    catalogue().iter().find(|m| m.key == key)
}

/// Which direction of the metric `key` is better (`None` if there is no such metric).
pub fn better(key: &str) -> Option<Better> {
    get(key).map(|m| m.better)
}

/// The words for people of the metric `key`.
pub fn label(key: &str) -> Option<&'static str> {
    get(key).map(|m| m.label.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::core::summary::RunSummary;

    fn keys() -> Vec<&'static str> {
        catalogue().iter().map(|m| m.key.as_str()).collect()
    }

    /// Every key `metrics()` produces has exactly one catalogue entry, and every entry is
    /// produced, in the catalogue's order.
    #[test]
    fn metrics_and_the_catalogue_name_the_same_keys_once_each() {
        let produced: Vec<&str> = RunSummary::default()
            .metrics()
            .iter()
            .map(|m| m.0)
            .collect();
        let cat = keys();
        for k in &produced {
            assert_eq!(
                cat.iter().filter(|c| *c == k).count(),
                1,
                "`{k}` is not in the catalogue exactly once"
            );
        }
        for k in &cat {
            assert_eq!(
                produced.iter().filter(|p| *p == k).count(),
                1,
                "catalogue entry `{k}` is not produced exactly once"
            );
        }
        assert_eq!(produced, cat);
        assert_eq!(
            cat.len(),
            165,
            "the number of metrics changed: update the outputs' docs"
        );
    }

    #[test]
    fn every_entry_is_complete() {
        for m in catalogue() {
            assert!(!m.key.is_empty() && !m.unit.is_empty(), "{m:?}");
            assert!(
                m.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{m:?}"
            );
            assert!(!m.label.contains('_'), "not words for people: {}", m.label);
            assert!(
                m.label.starts_with(|c: char| c.is_uppercase()),
                "{}",
                m.label
            );
            match m.kind {
                Kind::Share => assert!(m.unit.starts_with("share"), "{m:?}"),
                Kind::DayIndex => assert_eq!(m.better, Better::Neither, "{m:?}"),
                _ => {}
            }
        }
        let labels: std::collections::BTreeSet<&str> =
            catalogue().iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels.len(), catalogue().len(), "two metrics share a label");
    }

    #[test]
    fn lenses_measures_and_flows_are_where_they_say() {
        for lens in Lens::ALL {
            for m in LENS_MEASURES {
                let e = get(&m.key(lens)).expect("a lens measure");
                assert_eq!(e.lens, Some(lens));
                assert!(m.is_key(&e.key));
                assert!(e.label.contains(lens_words(lens)), "{}", e.label);
            }
        }
        assert_eq!(flows().len(), 2 * Flow::all().count());
        for lens in Lens::REPORTED {
            for f in Flow::all() {
                assert!(flows().iter().any(|m| m.key == f.key(lens)));
            }
        }
        assert!(catalogue()
            .iter()
            .filter(|m| m.lens.is_none())
            .all(|m| !flows().contains(m)));
        assert_eq!(get("released").and_then(|m| m.lens), None);
        assert_eq!(label("arrived"), Some("Children referred (arrived)"));
        assert_eq!(better("nothing"), None);
    }

    /// The values are read from the right totals (a few spot checks; the golden outputs check all).
    #[test]
    fn values_come_from_their_totals() {
        let s = RunSummary {
            arrived: 7,
            transferred_to_orr: 4,
            over_72h: 1,
            unlocatable_at_horizon: [1, 2, 3, 4],
            unlocatable_child_days: [0, 365 * 4, 0, 0],
            followed_child_days: 365 * 8,
            ..RunSummary::default()
        };
        let v = |k: &str| s.metrics().into_iter().find(|m| m.0 == k).unwrap().1;
        assert_eq!(v("arrived"), 7.0);
        assert_eq!(v("over_72h_share"), 0.25);
        assert_eq!(v("unlocatable_by_ice_at_horizon"), 2.0);
        assert_eq!(v("unlocatable_pooled_at_horizon"), 4.0);
        assert_eq!(v("unlocatable_by_ice_share_of_followed_time"), 0.5);
        assert_eq!(v("unlocatable_by_ice_child_years"), 365.0 * 4.0 / 365.25);
        assert_eq!(v("care_days_mean"), 0.0);
    }

    /// The directions are those `explore` guessed from substrings of the names before it read
    /// them here (kept so that no result changes; a later change may revise them).
    #[test]
    fn directions_are_those_guessed_from_the_names_before() {
        fn guessed(metric: &str) -> Better {
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
                Better::Neither
            } else if LOWER.iter().any(|w| metric.contains(w)) {
                Better::Lower
            } else if HIGHER.iter().any(|w| metric.contains(w)) {
                Better::Higher
            } else {
                Better::Neither
            }
        }
        for m in catalogue() {
            assert_eq!(m.better, guessed(&m.key), "{}", m.key);
        }
    }

    #[test]
    fn the_named_lists_hold_metrics_once_each() {
        let lists: [&[&str]; 6] = [
            &HEADLINE,
            &SWEEP_DEFAULT,
            &EXPLORE_DEFAULT,
            &FOREST,
            &[RESPONSE],
            &EXPLORER_RUNS,
        ];
        for list in lists {
            for (i, k) in list.iter().enumerate() {
                assert!(get(k).is_some(), "`{k}` is not a metric");
                assert!(!list[..i].contains(k), "`{k}` is listed twice");
            }
        }
        // explore ranks reforms by regret: each of its default metrics needs a direction.
        for k in EXPLORE_DEFAULT {
            assert_ne!(better(k), Some(Better::Neither), "{k}");
        }
    }
}
