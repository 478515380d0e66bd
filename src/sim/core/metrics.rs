//! The metric catalogue: every whole-run metric (a column of `summary.csv`, a `metric` of
//! `headline.csv` and `comparison.csv`) declared once, with its words for people, its unit, which
//! direction is better, the agency lens it is measured through, what kind of number it is, and how
//! its value is read from a replication's totals. [`RunSummary::metrics`] reads every value
//! through it, in its order; the writers, tables, report, charts, explorer, `explore` and the
//! Python package take their labels, directions and default lists from here. Pure data: nothing
//! here knows files, formats or layers above the engine.

use std::sync::OnceLock;

use super::locate::{Cause, Exit, Lens, Route};
use super::summary::RunSummary;
use crate::sim::params::{LeadSource, N_LEAD_SOURCES};
use Better::{Higher, Lower, Neither};

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
}

/// The lenses in the order of the metrics: ICE (the acting agency) and pooled lead, then ORR and
/// the court.
pub const LENS_ORDER: [Lens; 4] = [Lens::Ice, Lens::Pooled, Lens::Orr, Lens::Court];

// Units.
const CHILDREN: &str = "children";
const HOURS: &str = "hours";
const DAYS: &str = "days";
const CHILD_YEARS: &str = "child-years";

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
pub const AT_HORIZON: LensMeasure = LensMeasure {
    prefix: "unlocatable_",
    suffix: "_at_horizon",
    label: "Unlocatable on the last day",
    around: ["Children unlocatable ", " on the last day"],
    unit: CHILDREN,
    better: Better::Lower,
    kind: Kind::Count,
    read: |s, l| s.unlocatable_at_horizon[l] as f64,
};
/// Most children unlocatable on any one day.
pub const PEAK: LensMeasure = LensMeasure {
    prefix: "unlocatable_",
    suffix: "_peak",
    label: "Unlocatable at the peak (most on one day)",
    around: ["Most children unlocatable ", " on any one day"],
    unit: CHILDREN,
    better: Better::Lower,
    kind: Kind::Count,
    read: |s, l| s.unlocatable_peak[l] as f64,
};
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
pub const TURNED_18: LensMeasure = LensMeasure {
    prefix: "turned_18_unlocatable_",
    suffix: "",
    label: "Turned 18 while unlocatable",
    around: ["Children who turned 18 while unlocatable ", ""],
    unit: CHILDREN,
    better: Better::Lower,
    kind: Kind::Count,
    read: |s, l| s.flows.exited[l][Exit::TurnedEighteen as usize] as f64,
};
/// Children never located again once unlocatable.
pub const NEVER_LOCATED_AGAIN: LensMeasure = LensMeasure {
    prefix: "never_located_again_",
    suffix: "",
    label: "Never located again once unlocatable",
    around: ["Children never located again ", " once unlocatable"],
    unit: CHILDREN,
    better: Better::Lower,
    kind: Kind::Count,
    read: |s, l| s.never_located_again[l] as f64,
};

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

/// A metric of the pipeline (no lens), with how its value is read.
struct Plain {
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    better: Better,
    kind: Kind,
    read: fn(&RunSummary) -> f64,
}

/// A count of children.
const fn children(
    key: &'static str,
    label: &'static str,
    better: Better,
    read: fn(&RunSummary) -> f64,
) -> Plain {
    count(key, label, CHILDREN, better, read)
}

/// A count of `unit`.
const fn count(
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    better: Better,
    read: fn(&RunSummary) -> f64,
) -> Plain {
    Plain {
        key,
        label,
        unit,
        better,
        kind: Kind::Count,
        read,
    }
}

/// `a / b`, or 0 when `b` is 0.
fn ratio(a: f64, b: u64) -> f64 {
    if b > 0 {
        a / b as f64
    } else {
        0.0
    }
}

/// The pipeline's metrics, in output order.
const PIPELINE: &[Plain] = &[
    children("arrived", "Children referred (arrived)", Neither, |s| {
        s.arrived as f64
    }),
    children(
        "transferred_to_orr",
        "Children transferred to ORR shelters",
        Neither,
        |s| s.transferred_to_orr as f64,
    ),
    children(
        "over_72h",
        "Children held by Border Patrol (CBP) over 72 hours",
        Lower,
        |s| s.over_72h as f64,
    ),
    Plain {
        key: "over_72h_share",
        label: "Share of transferred children held over 72 hours",
        unit: "share of children transferred to ORR",
        better: Lower,
        kind: Kind::Share,
        read: |s| ratio(s.over_72h as f64, s.transferred_to_orr),
    },
    Plain {
        key: "cbp_hours_mean",
        label: "Average hours in CBP custody",
        unit: HOURS,
        better: Lower,
        kind: Kind::Time(TimeUnit::Hours),
        read: |s| ratio(s.cbp_hours_total, s.transferred_to_orr),
    },
    Plain {
        key: "cbp_processing_wait_hours_mean",
        label: "Average hours waiting for CBP processing",
        unit: HOURS,
        better: Lower,
        kind: Kind::Time(TimeUnit::Hours),
        read: |s| ratio(s.cbp_processing_wait_hours_total, s.cbp_processing_started),
    },
    children("released", "Children released to sponsors", Neither, |s| {
        s.released as f64
    }),
    Plain {
        key: "care_days_mean",
        label: "Average days in ORR care (released children)",
        unit: DAYS,
        better: Lower,
        kind: Kind::Time(TimeUnit::Days),
        read: |s| ratio(s.care_days_total, s.released),
    },
    count(
        "sponsors_rejected",
        "Sponsors rejected by vetting",
        "sponsors",
        Neither,
        |s| s.sponsors_rejected as f64,
    ),
    count(
        "vettings_overloaded",
        "Vettings decided by overloaded case managers",
        "vettings",
        Neither,
        |s| s.vettings_overloaded as f64,
    ),
    count(
        "sponsors_declined",
        "Would-be sponsors who declined to come forward (deterrence)",
        "sponsors",
        Lower,
        |s| s.sponsors_declined as f64,
    ),
    count(
        "sponsors_arrested",
        "Would-be sponsors arrested during vetting",
        "sponsors",
        Neither,
        |s| s.sponsors_arrested as f64,
    ),
    count(
        "household_arrests",
        "Household members arrested during welfare checks (placement ended)",
        "people",
        Neither,
        |s| s.household_arrests as f64,
    ),
    children(
        "arrest_returns_to_orr",
        "Children back in ORR care after a household arrest",
        Neither,
        |s| s.arrest_returns_to_orr as f64,
    ),
    children(
        "aged_out_in_care",
        "Children who turned 18 in ORR care",
        Lower,
        |s| s.aged_out_in_care as f64,
    ),
    children(
        "voluntary_departures",
        "Children who left the country from ORR care",
        Neither,
        |s| s.departed as f64,
    ),
    count(
        "placement_breakdowns",
        "Placements with a sponsor that broke down (child back in ORR care)",
        "placements",
        Lower,
        |s| s.placement_breakdowns as f64,
    ),
    count(
        "re_releases",
        "Releases to a new sponsor after a placement broke down",
        "releases",
        Neither,
        |s| s.re_releases as f64,
    ),
    count(
        "household_moves",
        "Household moves (events; a household can move more than once)",
        "moves",
        Neither,
        |s| s.moves as f64,
    ),
    children(
        "ran_away",
        "Children who ran away from the sponsor",
        Lower,
        |s| s.ran_away as f64,
    ),
    children(
        "exploited",
        "Children who fell into exploitation",
        Lower,
        |s| s.exploited as f64,
    ),
    count(
        "wellbeing_calls_due",
        "Well-being calls due",
        "calls",
        Neither,
        |s| s.calls_due as f64,
    ),
    count(
        "wellbeing_calls_reached",
        "Well-being calls that reached the household",
        "calls",
        Higher,
        |s| s.calls_reached as f64,
    ),
    count(
        "wellbeing_calls_not_reached",
        "Well-being calls that reached no one",
        "calls",
        Lower,
        |s| s.calls_not_reached as f64,
    ),
    count(
        "wellbeing_calls_child_not_with_sponsor",
        "Well-being calls that found the child gone",
        "calls",
        Neither,
        |s| s.calls_child_not_with_sponsor as f64,
    ),
    count(
        "wellbeing_call_attempts",
        "Well-being call attempts (each uses call-staff time)",
        "call attempts",
        Neither,
        |s| s.call_attempts as f64,
    ),
    count(
        "ntas_issued",
        "Notices to Appear served",
        "notices",
        Neither,
        |s| s.ntas_served as f64,
    ),
    count(
        "ntas_returned_undeliverable",
        "Notices to Appear returned undeliverable",
        "notices",
        Lower,
        |s| s.ntas_returned as f64,
    ),
    children(
        "released_without_nta",
        "Released children never served a Notice to Appear",
        Lower,
        |s| s.released.saturating_sub(s.ntas_served) as f64,
    ),
    count(
        "hearings",
        "Court hearings held",
        "hearings",
        Neither,
        |s| s.hearings as f64,
    ),
    count(
        "appearances",
        "Court appearances",
        "appearances",
        Higher,
        |s| s.appearances as f64,
    ),
    Plain {
        key: "appearances_with_counsel_share",
        label: "Share of court appearances with a lawyer",
        unit: "share of court appearances",
        better: Higher,
        kind: Kind::Share,
        read: |s| ratio(s.appearances_with_counsel as f64, s.appearances),
    },
    count(
        "no_shows",
        "Court hearings missed (ordered in absentia)",
        "hearings",
        Lower,
        |s| s.no_shows as f64,
    ),
    count(
        "nta_retries",
        "Notices to Appear served after an earlier one was returned",
        "notices",
        Neither,
        |s| s.nta_retries as f64,
    ),
    count(
        "hearings_after_18",
        "Court hearings held after the person turned 18",
        "hearings",
        Neither,
        |s| s.hearings_after_18 as f64,
    ),
    count(
        "household_moves_after_18",
        "Household moves after 18 while the case goes on (events)",
        "moves",
        Neither,
        |s| s.moves_after_18 as f64,
    ),
    count(
        "notices_via_counsel",
        "Court notices to an old address that reached the person through a lawyer",
        "notices",
        Neither,
        |s| s.notices_via_counsel as f64,
    ),
    count(
        "welfare_checks",
        "Welfare-check visits",
        "visits",
        Neither,
        |s| s.welfare_checks as f64,
    ),
    count(
        "located",
        "Welfare-check visits that found the child",
        "visits",
        Higher,
        |s| s.located as f64,
    ),
    children(
        "rescued",
        "Children rescued from exploitation",
        Higher,
        |s| s.rescued as f64,
    ),
    children(
        "rescued_by_checks",
        "Children rescued by welfare checks",
        Higher,
        |s| s.rescued_by_checks as f64,
    ),
    children(
        "rescued_by_tracing",
        "Of those, rescued at an address found by tracing",
        Higher,
        |s| s.rescued_by_tracing as f64,
    ),
    children(
        "rescued_by_leads",
        "Children rescued through investigated leads",
        Higher,
        |s| s.rescued_by_leads as f64,
    ),
    children(
        "rescued_by_record_match",
        "Children rescued after a missing-child record match",
        Higher,
        |s| s.rescued_by_record_match as f64,
    ),
    count(
        "checks_not_found",
        "Welfare-check visits that did not find the child",
        "visits",
        Lower,
        |s| s.not_found as f64,
    ),
    count(
        "checks_avoided",
        "Welfare checks at the right address where the household avoided the officers",
        "visits",
        Neither,
        |s| s.checks_avoided as f64,
    ),
    count(
        "traces_attempted",
        "Welfare-check traces attempted",
        "traces",
        Neither,
        |s| s.traces_attempted as f64,
    ),
    count(
        "traces_succeeded",
        "Welfare-check traces that found the child's address",
        "traces",
        Neither,
        |s| s.traces_succeeded as f64,
    ),
    count(
        "rechecks",
        "Welfare-check re-checks of children not found",
        "attempts",
        Neither,
        |s| s.rechecks as f64,
    ),
    count(
        "reverifications",
        "Welfare-check re-verifications of children located earlier",
        "visits",
        Neither,
        |s| s.reverifications as f64,
    ),
    count(
        "missing_reports",
        "Missing-child reports filed",
        "reports",
        Neither,
        |s| s.missing_reports as f64,
    ),
    children(
        "located_by_record_match",
        "Children located by a missing-child record match",
        Higher,
        |s| s.located_by_match as f64,
    ),
    count(
        "leads_received",
        "Leads received by HSI (all sources)",
        "leads",
        Neither,
        |s| s.leads_by_source.iter().sum::<u64>() as f64,
    ),
    count(
        "leads_worked",
        "Leads an HSI investigator took up",
        "leads",
        Neither,
        |s| s.leads_worked as f64,
    ),
    count(
        "leads_gone_cold",
        "Leads gone cold waiting for an investigator",
        "leads",
        Lower,
        |s| s.leads_gone_cold as f64,
    ),
    children(
        "rescued_by_operations",
        "Children rescued by targeted operations",
        Higher,
        |s| s.rescued_by_operations as f64,
    ),
    children(
        "located_by_operations",
        "Children located by targeted operations",
        Higher,
        |s| s.located_by_operations as f64,
    ),
    count(
        "operation_searches",
        "Targeted operations' attempts to find a listed child",
        "searches",
        Neither,
        |s| s.operation_searches as f64,
    ),
    children(
        "screening_referrals",
        "Children referred to HSI by CBP or ORR screening",
        Neither,
        |s| s.screening_referrals as f64,
    ),
    children(
        "victims_identified_by_screening",
        "Referred children with trafficking indicators (victims identified by screening)",
        Neither,
        |s| s.victims_identified_by_screening as f64,
    ),
    count(
        "traffickers_identified",
        "Exploitative would-be sponsors confirmed by screening investigations",
        "sponsors",
        Neither,
        |s| s.traffickers_identified as f64,
    ),
    children(
        "victims_offered_relief",
        "Victims offered immigration relief and assistance",
        Neither,
        |s| s.victims_offered_relief as f64,
    ),
    children(
        "victims_cooperating",
        "Victims who cooperated with investigators",
        Neither,
        |s| s.victims_cooperating as f64,
    ),
    Plain {
        key: "exploitation_to_rescue_days_mean",
        label: "Mean days from the start of exploitation to rescue",
        unit: DAYS,
        better: Lower,
        kind: Kind::Time(TimeUnit::Days),
        read: |s| ratio(s.exploitation_to_rescue_days_total, s.rescued),
    },
    children(
        "followed_at_horizon",
        "Released children still followed on the last day",
        Neither,
        |s| s.followed_at_horizon as f64,
    ),
    Plain {
        key: "followed_child_years",
        label: "Years released children were followed, added over all children",
        unit: CHILD_YEARS,
        better: Neither,
        kind: Kind::Time(TimeUnit::Years),
        read: |s| s.followed_child_days as f64 / 365.25,
    },
    children(
        "address_wrong_at_release",
        "Children released with a blank or wrong address on file",
        Lower,
        |s| s.address_wrong_at_release as f64,
    ),
    children(
        "never_shared_with_ice",
        "Children whose release record never reached ICE",
        Lower,
        |s| s.never_shared_with_ice as f64,
    ),
    count(
        "moves_unreported",
        "Household moves reported to no agency (events)",
        "moves",
        Lower,
        |s| s.moves_unreported as f64,
    ),
    count(
        "notices_to_stale_address",
        "Court notices sent to an old address (events)",
        "notices",
        Lower,
        |s| s.notices_to_stale_address as f64,
    ),
    count(
        "events",
        "Simulation events processed (a measure of computing work)",
        "events",
        Neither,
        |s| s.events as f64,
    ),
];

/// Per lead source (in [`LeadSource::ALL`] order): the labels of the leads it sent
/// (`leads_from_<source>`) and of the rescues by its leads (`rescued_by_leads_from_<source>`).
const LEAD_SOURCE_LABELS: [[&str; 2]; N_LEAD_SOURCES] = [
    [
        "Leads from screening referrals",
        "Rescues by investigations of screening referrals",
    ],
    [
        "Leads from the HSI tip line",
        "Rescues by investigations of tip-line leads",
    ],
    [
        "Leads from NCMEC reports",
        "Rescues by investigations of NCMEC reports",
    ],
    [
        "Leads from online-exploitation forensics",
        "Rescues by investigations of forensic leads",
    ],
    [
        "Leads naming further victims (from cooperating victims)",
        "Rescues by investigations of further victims named by a victim",
    ],
];

/// A way into or out of unlocatable through a lens (the flows of
/// [`Flows`](super::locate::Flows)): becoming unlocatable for a cause, being found again by a
/// route, or leaving the followed population while unlocatable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Became unlocatable for this cause.
    Lost(Cause),
    /// Found again by this route.
    Found(Route),
    /// Left the followed population while unlocatable this way.
    Left(Exit),
}

impl Flow {
    /// Every flow, in output order: causes, routes, exits.
    pub fn all() -> impl Iterator<Item = Flow> {
        Cause::ALL
            .into_iter()
            .map(Flow::Lost)
            .chain(Route::ALL.into_iter().map(Flow::Found))
            .chain(Exit::ALL.into_iter().map(Flow::Left))
    }

    /// The part of its column after the lens prefix: `became_unlocatable_<cause>`,
    /// `found_again_<route>`, `left_while_unlocatable_<exit>`.
    pub fn stem(self) -> String {
        match self {
            Flow::Lost(c) => format!("became_unlocatable_{}", c.name()),
            Flow::Found(r) => format!("found_again_{}", r.name()),
            Flow::Left(e) => format!("left_while_unlocatable_{}", e.name()),
        }
    }

    /// The metric of this flow through `lens` (`ice_became_unlocatable_move_unreported`).
    pub fn key(self, lens: Lens) -> String {
        format!("{}_{}", lens.prefix(), self.stem())
    }

    /// Words for people for the cause, route or exit.
    pub fn label(self) -> &'static str {
        match self {
            Flow::Lost(c) => c.label(),
            Flow::Found(r) => r.label(),
            Flow::Left(e) => e.label(),
        }
    }

    /// The flow's running total through lens index `l`.
    fn read(self, s: &RunSummary, l: usize) -> f64 {
        (match self {
            Flow::Lost(c) => s.flows.lost[l][c as usize],
            Flow::Found(r) => s.flows.found[l][r as usize],
            Flow::Left(e) => s.flows.exited[l][e as usize],
        }) as f64
    }
}

/// How the value of one metric is read.
type Reader = Box<dyn Fn(&RunSummary) -> f64 + Send + Sync>;

/// The catalogue with how each value is read, built once.
struct Catalogue {
    metrics: Vec<Metric>,
    readers: Vec<Reader>,
    /// Where the flows are in [`Catalogue::metrics`].
    flows: std::ops::Range<usize>,
}

fn built() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut c = Catalogue {
            metrics: Vec::new(),
            readers: Vec::new(),
            flows: 0..0,
        };
        let mut add = |m: Metric, r: Reader| {
            c.metrics.push(m);
            c.readers.push(r);
        };
        for lens in LENS_ORDER {
            let l = lens as usize;
            for m in LENS_MEASURES {
                add(
                    Metric {
                        key: m.key(lens),
                        label: format!("{}{}{}", m.around[0], lens_words(lens), m.around[1]),
                        unit: m.unit,
                        better: m.better,
                        lens: Some(lens),
                        kind: m.kind,
                    },
                    Box::new(move |s| (m.read)(s, l)),
                );
            }
        }
        for p in PIPELINE {
            add(
                Metric {
                    key: p.key.to_string(),
                    label: p.label.to_string(),
                    unit: p.unit,
                    better: p.better,
                    lens: None,
                    kind: p.kind,
                },
                Box::new(p.read),
            );
        }
        for (i, source) in LeadSource::ALL.into_iter().enumerate() {
            let [leads, rescues] = LEAD_SOURCE_LABELS[i];
            add(
                Metric {
                    key: format!("leads_from_{}", source.name()),
                    label: leads.to_string(),
                    unit: "leads",
                    better: Neither,
                    lens: None,
                    kind: Kind::Count,
                },
                Box::new(move |s| s.leads_by_source[i] as f64),
            );
            add(
                Metric {
                    key: format!("rescued_by_leads_from_{}", source.name()),
                    label: rescues.to_string(),
                    unit: CHILDREN,
                    better: Higher,
                    lens: None,
                    kind: Kind::Count,
                },
                Box::new(move |s| s.rescued_by_lead_source[i] as f64),
            );
        }
        let start = c.metrics.len();
        let mut add = |m: Metric, r: Reader| {
            c.metrics.push(m);
            c.readers.push(r);
        };
        for lens in Lens::REPORTED {
            let l = lens as usize;
            let who = match lens {
                Lens::Ice => "by ICE",
                _ => "by every agency",
            };
            for f in Flow::all() {
                let (words, better, unit) = match f {
                    Flow::Lost(_) => ("Became unlocatable", Lower, "times"),
                    Flow::Found(_) => ("Found again", Higher, "times"),
                    Flow::Left(_) => ("Left while unlocatable", Lower, CHILDREN),
                };
                add(
                    Metric {
                        key: f.key(lens),
                        label: format!("{words} {who}: {}", f.label()),
                        unit,
                        better,
                        lens: Some(lens),
                        kind: Kind::Count,
                    },
                    Box::new(move |s| f.read(s, l)),
                );
            }
        }
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

/// Every metric of `s` as (key, value), in the order of [`catalogue`].
pub(crate) fn values(s: &RunSummary) -> Vec<(&'static str, f64)> {
    let c = built();
    c.metrics
        .iter()
        .zip(&c.readers)
        .map(|(m, read)| (m.key.as_str(), read(s)))
        .collect()
}

// Named lists of metrics, used by default where a command or a page shows some of them.

/// The headline metrics, in order: what the printed tables show (the pipeline's part of `run`'s,
/// each reform of `compare`'s), what `compare --target-ci` watches, and the report's headline
/// rows. Unlocatable by ICE (the acting agency) and by every agency (pooled) lead, side by side;
/// the pipeline's counts follow.
pub const HEADLINE: [&str; 14] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_peak",
    "unlocatable_pooled_peak",
    "turned_18_unlocatable_by_ice",
    "turned_18_unlocatable_pooled",
    "transferred_to_orr",
    "released",
    "over_72h",
    "ntas_issued",
    "no_shows",
    "wellbeing_calls_not_reached",
    "located",
    "rescued",
];

/// The metrics a sweep ranks unless its file lists others.
pub const SWEEP_DEFAULT: [&str; 13] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_child_years",
    "unlocatable_pooled_child_years",
    "turned_18_unlocatable_by_ice",
    "never_located_again_by_ice",
    "located",
    "rescued",
    "ntas_issued",
    "no_shows",
    "wellbeing_calls_not_reached",
    "released",
    "care_days_mean",
];

/// The metrics of an explore's `outcomes.csv`, `regret.csv` and `robustness.csv` unless its file
/// lists others: the unlocatable measures first, then outcomes for children whose better
/// direction is plain (every one has a direction).
pub const EXPLORE_DEFAULT: [&str; 11] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_child_years",
    "unlocatable_pooled_child_years",
    "turned_18_unlocatable_by_ice",
    "never_located_again_by_ice",
    "located",
    "rescued",
    "no_shows",
    "wellbeing_calls_not_reached",
    "care_days_mean",
];

/// The metrics that get a forest plot of a comparison, in order: unlocatable by ICE (the acting
/// agency) and by every agency (pooled) first.
pub const FOREST: [&str; 7] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_child_years",
    "located",
    "rescued",
    "no_shows",
    "ntas_issued",
];

/// The metric a sweep's response chart shows.
pub const RESPONSE: &str = "unlocatable_by_ice_at_horizon";

/// The metrics the classroom explorer keeps per replication (the numbers a user can check against
/// `summary.csv` of `run` with the same seed and scale).
pub const EXPLORER_RUNS: [&str; 6] = [
    "arrived",
    "released",
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_peak",
    "located",
];

impl RunSummary {
    /// Every metric as (column name, value), in a fixed order: the catalogue's
    /// ([`catalogue`], where each is declared with its label, unit and better direction).
    /// The one definition of the columns of `summary.csv` and of the printed table: the
    /// locatability metrics first, ICE (the acting agency) and pooled side by side, then the
    /// pipeline's counts, then the flows.
    pub fn metrics(&self) -> Vec<(&'static str, f64)> {
        values(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            153,
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
