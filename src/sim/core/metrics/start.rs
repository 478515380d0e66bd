//! The starting population's metrics: the children already in ORR care on the first day, referred
//! before the cohort, and those released to sponsors shortly before it, counted on their own
//! (every other metric counts the cohort alone). Each reads the starting population's totals
//! (`RunSummary::start`), 0 when the run starts with neither.

use super::values::{ratio, Entry};
use super::{Better, Kind, Metric, TimeUnit, CHILDREN, DAYS};
use crate::sim::core::locate::Lens;
use crate::sim::core::summary::RunSummary;
use Better::{Lower, Neither};

/// A metric of the starting population: key, label, unit, better direction, kind, and how its
/// value is read from the starting population's totals.
type Start = (
    &'static str,
    &'static str,
    &'static str,
    Better,
    Kind,
    fn(&RunSummary) -> f64,
);

/// The starting population's metrics, in output order (`in_care_at_start` and
/// `released_before_start` read the run's own totals; the others the starting population's).
const START: &[Start] = &[
    (
        "start_released",
        "Children in care on the first day: released to sponsors",
        CHILDREN,
        Neither,
        Kind::Count,
        |s| s.released as f64,
    ),
    (
        "start_care_days_mean",
        "Children in care on the first day: average days in ORR care at release, from their entry before the first day",
        DAYS,
        Lower,
        Kind::Time(TimeUnit::Days),
        |s| ratio(s.care_days_since_entry_total, s.released),
    ),
    (
        "start_aged_out_in_care",
        "Children in care on the first day: turned 18 in ORR care",
        CHILDREN,
        Lower,
        Kind::Count,
        |s| s.aged_out_in_care as f64,
    ),
    (
        "start_ntas_served",
        "Starting population (in care on the first day or released shortly before): NTAs served after release",
        "notices",
        Neither,
        Kind::Count,
        |s| s.ntas_served as f64,
    ),
    (
        "start_ice_unlocatable_at_horizon",
        "Starting population (in care on the first day or released shortly before): unlocatable by ICE on the last day",
        CHILDREN,
        Lower,
        Kind::Count,
        |s| s.unlocatable_at_horizon[Lens::Ice as usize] as f64,
    ),
    (
        "start_pooled_unlocatable_at_horizon",
        "Starting population (in care on the first day or released shortly before): unlocatable by every agency (pooled) on the last day",
        CHILDREN,
        Lower,
        Kind::Count,
        |s| s.unlocatable_at_horizon[Lens::Pooled as usize] as f64,
    ),
];

/// The starting population's metrics with how each is read.
pub(super) fn entries() -> impl Iterator<Item = Entry> {
    let size = Metric {
        key: "in_care_at_start".to_string(),
        label: "Children in ORR care on the first day (the starting population, kept out of every cohort figure)".to_string(),
        unit: CHILDREN,
        better: Neither,
        lens: None,
        kind: Kind::Count,
    };
    let size: Entry = (size, Box::new(|s: &RunSummary| s.in_care_at_start as f64));
    let released = Metric {
        key: "released_before_start".to_string(),
        label: "Children released to sponsors shortly before the first day (the rest of the starting population)".to_string(),
        unit: CHILDREN,
        better: Neither,
        lens: None,
        kind: Kind::Count,
    };
    let released: Entry = (
        released,
        Box::new(|s: &RunSummary| s.released_before_start as f64),
    );
    [size, released].into_iter().chain(START.iter().map(
        |&(key, label, unit, better, kind, read)| {
            let metric = Metric {
                key: key.to_string(),
                label: label.to_string(),
                unit,
                better,
                lens: None,
                kind,
            };
            let read = move |s: &RunSummary| s.start.as_deref().map_or(0.0, read);
            (metric, Box::new(read) as _)
        },
    ))
}
