//! The measures of locatability, one metric per agency lens (`unlocatable_by_ice_at_horizon`,
//! `unlocatable_pooled_peak`...): the lenses' order, each measure's key, words, unit, better
//! direction and kind, and how its value is read through a lens from a replication's totals.

use super::values::{ratio, Entry};
use super::{Better, Kind, Metric, TimeUnit, CHILDREN, CHILD_YEARS};
use crate::sim::core::locate::{Exit, Lens};
use crate::sim::core::summary::RunSummary;

/// The lenses in the order of the metrics: ICE (the acting agency) and pooled lead, then ORR and
/// the court.
pub const LENS_ORDER: [Lens; 4] = [Lens::Ice, Lens::Pooled, Lens::Orr, Lens::Court];

/// A measure of locatability, one metric per lens: `<prefix><lens name><suffix>`
/// (`unlocatable_by_ice_at_horizon`).
#[derive(Debug, Clone, Copy)]
pub struct LensMeasure {
    prefix: &'static str,
    suffix: &'static str,
    /// Words for people without the lens, for a table with one column per lens ("Unlocatable on
    /// the last day").
    pub label: &'static str,
    /// The metric's label: these words around the lens's ([`lens_words`]).
    around: [&'static str; 2],
    /// What is counted or measured, in words.
    pub unit: &'static str,
    /// Which direction is better.
    pub better: Better,
    /// What kind of number it is.
    pub kind: Kind,
    /// The value through the lens of this index.
    read: fn(&RunSummary, usize) -> f64,
}

impl LensMeasure {
    /// The metric of this measure through `lens`.
    pub fn key(&self, lens: Lens) -> String {
        format!("{}{}{}", self.prefix, lens.name(), self.suffix)
    }

    /// Whether `key` is this measure through some lens.
    pub fn is_key(&self, key: &str) -> bool {
        Lens::ALL.iter().any(|&l| self.key(l) == key)
    }

    /// A count of children, each child once, where fewer is better (most of the measures).
    const fn children(
        [prefix, suffix]: [&'static str; 2],
        label: &'static str,
        around: [&'static str; 2],
        read: fn(&RunSummary, usize) -> f64,
    ) -> Self {
        LensMeasure {
            prefix,
            suffix,
            label,
            around,
            unit: CHILDREN,
            better: Better::Lower,
            kind: Kind::Count,
            read,
        }
    }

    /// The metric of this measure through `lens`, with how its value is read.
    fn entry(self, lens: Lens) -> Entry {
        let metric = Metric {
            key: self.key(lens),
            label: format!("{}{}{}", self.around[0], lens_words(lens), self.around[1]),
            unit: self.unit,
            better: self.better,
            lens: Some(lens),
            kind: self.kind,
        };
        let l = lens as usize;
        (metric, Box::new(move |s| (self.read)(s, l)))
    }
}

/// The lens in the words of the metrics' labels.
pub fn lens_words(lens: Lens) -> &'static str {
    match lens {
        Lens::Ice => "by ICE (the acting agency)",
        Lens::Pooled => "by every agency (pooled)",
        Lens::Orr => "by ORR",
        Lens::Court => "by the immigration court",
    }
}

/// Followed children unlocatable on the last day.
pub const AT_HORIZON: LensMeasure = LensMeasure::children(
    ["unlocatable_", "_at_horizon"],
    "Unlocatable on the last day",
    ["Children unlocatable ", " on the last day"],
    |s, l| s.unlocatable_at_horizon[l] as f64,
);
/// Most children unlocatable on any one day.
pub const PEAK: LensMeasure = LensMeasure::children(
    ["unlocatable_", "_peak"],
    "Unlocatable at the peak (most on one day)",
    ["Most children unlocatable ", " on any one day"],
    |s, l| s.unlocatable_peak[l] as f64,
);
/// The day of the peak.
pub const PEAK_DAY: LensMeasure = LensMeasure {
    prefix: "unlocatable_",
    suffix: "_peak_day",
    label: "Day of the peak (days from the start)",
    around: ["Day of the peak unlocatable ", " (days from the start)"],
    unit: "day of the run",
    better: Better::Neither,
    kind: Kind::DayIndex,
    read: |s, l| s.unlocatable_peak_day[l] as f64,
};
/// Days spent unlocatable, added over all children, in years.
pub const CHILD_YEARS_UNLOCATABLE: LensMeasure = LensMeasure {
    prefix: "unlocatable_",
    suffix: "_child_years",
    label: "Years spent unlocatable (child-years)",
    around: ["Years spent unlocatable ", ", added over all children"],
    unit: CHILD_YEARS,
    better: Better::Lower,
    kind: Kind::Time(TimeUnit::Years),
    read: |s, l| s.unlocatable_child_days[l] as f64 / 365.25,
};
/// The share of followed children's time spent unlocatable.
pub const SHARE_OF_FOLLOWED_TIME: LensMeasure = LensMeasure {
    prefix: "unlocatable_",
    suffix: "_share_of_followed_time",
    label: "Share of followed time spent unlocatable",
    around: ["Share of followed children's time spent unlocatable ", ""],
    unit: "share of followed time",
    better: Better::Lower,
    kind: Kind::Share,
    read: |s, l| ratio(s.unlocatable_child_days[l] as f64, s.followed_child_days),
};
/// Children who turned 18 while unlocatable.
pub const TURNED_18: LensMeasure = LensMeasure::children(
    ["turned_18_unlocatable_", ""],
    "Turned 18 while unlocatable",
    ["Children who turned 18 while unlocatable ", ""],
    |s, l| s.flows.exited[l][Exit::TurnedEighteen as usize] as f64,
);
/// Children never located again once unlocatable.
pub const NEVER_LOCATED_AGAIN: LensMeasure = LensMeasure::children(
    ["never_located_again_", ""],
    "Never located again once unlocatable",
    ["Children never located again ", " once unlocatable"],
    |s, l| s.never_located_again[l] as f64,
);

/// The measures of every lens, in the order of the metrics.
pub const LENS_MEASURES: [LensMeasure; 7] = [
    AT_HORIZON,
    PEAK,
    PEAK_DAY,
    CHILD_YEARS_UNLOCATABLE,
    SHARE_OF_FOLLOWED_TIME,
    TURNED_18,
    NEVER_LOCATED_AGAIN,
];

/// The lens measures' entries of the catalogue: every measure through each lens of
/// [`LENS_ORDER`], lens by lens.
pub(super) fn entries() -> impl Iterator<Item = Entry> {
    LENS_ORDER
        .into_iter()
        .flat_map(|lens| LENS_MEASURES.map(|m| m.entry(lens)))
}
