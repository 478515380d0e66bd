//! The pipeline's metrics, with no lens: what happened to children on their way through custody,
//! release and the agencies' follow-up (arrivals, transfers, releases, sponsors, calls, notices and
//! hearings, welfare checks, rescues, leads, screening, records), in output order, each with how
//! its value is read from a replication's totals.

use super::values::{ratio, Entry};
use super::{Better, Kind, Metric, TimeUnit, CHILDREN, CHILD_YEARS, DAYS, HOURS};
use crate::sim::core::summary::RunSummary;
use Better::{Higher, Lower, Neither};

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
        "sponsors_lacking_documents",
        "Would-be sponsors whose application closed for want of required documents",
        "sponsors",
        Neither,
        |s| s.sponsors_lacking_documents as f64,
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
        "aged_out_in_cbp",
        "Children who turned 18 in CBP custody (sent to ICE adult custody, never in ORR care)",
        Neither,
        |s| s.aged_out_in_cbp as f64,
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
        "wellbeing_calls_attempted",
        "Well-being calls attempted at least once (the others lapsed unattempted)",
        "calls",
        Neither,
        |s| s.calls_attempted as f64,
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
    count(
        "missing_reports_to_orr",
        "Missing-child reports filed through ORR's follow-up (calls, post-release services): the reports ORR handles",
        "reports",
        Neither,
        |s| s.missing_reports_to_orr as f64,
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

/// The pipeline's entries of the catalogue, in output order.
pub(super) fn entries() -> impl Iterator<Item = Entry> {
    PIPELINE.iter().map(|p| {
        let metric = Metric {
            key: p.key.to_string(),
            label: p.label.to_string(),
            unit: p.unit,
            better: p.better,
            lens: None,
            kind: p.kind,
        };
        (metric, Box::new(p.read) as _)
    })
}
