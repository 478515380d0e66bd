//! The totals of one replication ([`RunSummary`]): what every whole-run metric is read from (the
//! metric catalogue, `metrics/`, says how).

use super::locate::{Flows, N_LENSES};
use crate::sim::params::N_LEAD_SOURCES;

/// Totals of one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// Children encountered.
    pub arrived: u64,
    /// Children who entered ORR care.
    pub transferred_to_orr: u64,
    /// Transfers after more than the legal limit in CBP custody.
    pub over_72h: u64,
    /// Hours in CBP custody, summed over transferred children.
    pub cbp_hours_total: f64,
    /// Hours waiting for a CBP agent, summed.
    pub cbp_processing_wait_hours_total: f64,
    /// Children whose CBP processing started.
    pub cbp_processing_started: u64,
    /// Children released to a sponsor (first releases; re-releases are in `re_releases`).
    pub released: u64,
    /// Days in ORR care from first entry to first release, summed over released children.
    pub care_days_total: f64,
    /// Sponsors rejected by vetting.
    pub sponsors_rejected: u64,
    /// Vettings decided while case managers were overloaded (more children waiting or being
    /// vetted than vetting slots), when detection is less thorough.
    pub vettings_overloaded: u64,
    /// Would-be sponsors who declined to come forward because of enforcement pressure.
    pub sponsors_declined: u64,
    /// Would-be sponsors arrested during vetting (the child waits for another sponsor).
    pub sponsors_arrested: u64,
    /// Would-be sponsors whose application was closed because they could not produce the
    /// documents ORR required (the child waits for another sponsor).
    pub sponsors_lacking_documents: u64,
    /// Household members arrested during welfare checks that found the child (the placement ended).
    pub household_arrests: u64,
    /// Of those, children who returned to ORR care (the others went to another adult).
    pub arrest_returns_to_orr: u64,
    /// Children who turned 18 in ORR care.
    pub aged_out_in_care: u64,
    /// Voluntary departures from care.
    pub departed: u64,
    /// Placements with the sponsor that broke down (the child returned to ORR care).
    pub placement_breakdowns: u64,
    /// Releases of children released before (after a placement broke down); `released` counts
    /// each child's first release only.
    pub re_releases: u64,
    /// Household moves (events, not children).
    pub moves: u64,
    /// Children who left their sponsor.
    pub ran_away: u64,
    /// Children who fell into exploitation.
    pub exploited: u64,
    /// Well-being calls that fell due.
    pub calls_due: u64,
    /// Calls that reached the household.
    pub calls_reached: u64,
    /// Calls that reached no one in their window (every attempt unanswered, or never attempted
    /// in time).
    pub calls_not_reached: u64,
    /// Reached calls that learned the child had left.
    pub calls_child_not_with_sponsor: u64,
    /// Call attempts made (each uses one unit of the day's call capacity).
    pub call_attempts: u64,
    /// Calls attempted at least once (the published share of calls not reached is of these).
    pub calls_attempted: u64,
    /// NTAs served.
    pub ntas_served: u64,
    /// NTA attempts returned undeliverable.
    pub ntas_returned: u64,
    /// Hearings held.
    pub hearings: u64,
    /// Hearings the child appeared at.
    pub appearances: u64,
    /// Appearances with a lawyer.
    pub appearances_with_counsel: u64,
    /// Hearings missed (in absentia orders).
    pub no_shows: u64,
    /// NTAs served after an earlier attempt on the same person was returned undeliverable.
    pub nta_retries: u64,
    /// Hearings held for people who had turned 18 after release (included in `hearings`).
    pub hearings_after_18: u64,
    /// Household moves of people who turned 18 after release and are still in proceedings (not
    /// included in `moves`).
    pub moves_after_18: u64,
    /// Hearing notices sent to a stale address that reached the person through their lawyer.
    pub notices_via_counsel: u64,
    /// The starting population's own totals (the children in ORR care on the first day and those
    /// released shortly before it), kept apart from the cohort's; `None` when the run starts with
    /// neither.
    pub start: Option<Box<RunSummary>>,
    /// Children in ORR care on the first day (the starting population); every other field counts
    /// the cohort only.
    pub in_care_at_start: u64,
    /// Children released to sponsors shortly before the first day (the rest of the starting
    /// population).
    pub released_before_start: u64,
    /// Days in ORR care of the starting population's children at their first release, counted
    /// from their entry into care before the first day (`care_days_total` counts only the days
    /// since the first day); in the starting population's totals only.
    pub care_days_since_entry_total: f64,
    /// Children who turned 18 in CBP custody (or in transport to ORR) and were transferred to ICE
    /// adult custody instead of ORR care.
    pub aged_out_in_cbp: u64,
    /// Welfare-check visits.
    pub welfare_checks: u64,
    /// Visits that found the child (not in exploitation).
    pub located: u64,
    /// Children rescued from exploitation, by any route.
    pub rescued: u64,
    /// Rescues by welfare checks.
    pub rescued_by_checks: u64,
    /// Of those, rescues at an address officers found by tracing.
    pub rescued_by_tracing: u64,
    /// Rescues by HSI investigations of leads.
    pub rescued_by_leads: u64,
    /// Rescues by matches of missing-child reports.
    pub rescued_by_record_match: u64,
    /// Visits that found nobody.
    pub not_found: u64,
    /// Of those, visits at the child's true address where the household avoided the officers
    /// (deterrence).
    pub checks_avoided: u64,
    /// Trace attempts (after a visit that found nobody, or for a child ICE holds no usable address
    /// for).
    pub traces_attempted: u64,
    /// Trace attempts that found the child's address (ICE's record then holds it).
    pub traces_succeeded: u64,
    /// Attempts (a visit or a trace) on children an earlier attempt did not find.
    pub rechecks: u64,
    /// Visits re-verifying the address of a child located earlier.
    pub reverifications: u64,
    /// Missing-child reports entered.
    pub missing_reports: u64,
    /// Of those, reports filed through ORR's follow-up (the household told ORR's caller or
    /// post-release worker that the child was gone): the reports ORR handles.
    pub missing_reports_to_orr: u64,
    /// Children located by a match of a missing-child report.
    pub located_by_match: u64,
    /// Leads received by HSI, per [`LeadSource`](crate::sim::params::LeadSource).
    pub leads_by_source: [u64; N_LEAD_SOURCES],
    /// Leads an investigator took up.
    pub leads_worked: u64,
    /// Leads dropped because they waited longer than `cold_after` for an investigator.
    pub leads_gone_cold: u64,
    /// Rescues by HSI investigations, per [`LeadSource`](crate::sim::params::LeadSource) of the lead (they add up to
    /// `rescued_by_leads`).
    pub rescued_by_lead_source: [u64; N_LEAD_SOURCES],
    /// Rescues by targeted operations.
    pub rescued_by_operations: u64,
    /// Children (not in exploitation) found by targeted operations.
    pub located_by_operations: u64,
    /// Attempts by targeted operations to find a listed child.
    pub operation_searches: u64,
    /// Children referred to HSI by CBP's or ORR's screening.
    pub screening_referrals: u64,
    /// Of those, children with trafficking indicators (an exploitative would-be sponsor).
    pub victims_identified_by_screening: u64,
    /// Screening investigations that confirmed an exploitative would-be sponsor.
    pub traffickers_identified: u64,
    /// Victims (and referred children) offered immigration relief and assistance.
    pub victims_offered_relief: u64,
    /// Victims (and referred children) who cooperated with investigators.
    pub victims_cooperating: u64,
    /// Sum over rescued children of the days from the start of exploitation to the rescue.
    pub exploitation_to_rescue_days_total: f64,
    /// Followed children unlocatable on the last day, per [`Lens`](super::locate::Lens).
    pub unlocatable_at_horizon: [u64; N_LENSES],
    /// Most children unlocatable on any one day, per lens.
    pub unlocatable_peak: [u64; N_LENSES],
    /// Sum over days of the children unlocatable that day, per lens.
    pub unlocatable_child_days: [u64; N_LENSES],
    /// The day of each lens's peak.
    pub unlocatable_peak_day: [u64; N_LENSES],
    /// Released children never locatable through a lens while followed, or who became unlocatable
    /// after having been locatable and were never locatable again (to the horizon, their 18th
    /// birthday, or another exit), per lens. Entering unlocatable at release (before the agency
    /// holds an address) does not start the count, so that a reform that shares records at once is
    /// not charged with children it located from the start.
    pub never_located_again: [u64; N_LENSES],
    /// Flows into and out of unlocatable, per lens.
    pub flows: Flows,
    /// Sum over days of the followed children that day.
    pub followed_child_days: u64,
    /// Released children still followed on the last day.
    pub followed_at_horizon: u64,
    /// Events taken from the calendar (including those of ended placements).
    pub events: u64,
    /// Where records are lost: addresses wrong at release, releases never shared with ICE, moves
    /// reported to no agency, hearing notices sent to an address where the child was not.
    pub address_wrong_at_release: u64,
    /// Releases whose record was never sent to ICE.
    pub never_shared_with_ice: u64,
    /// Moves reported to no agency.
    pub moves_unreported: u64,
    /// Hearing notices sent to an address where the child was not.
    pub notices_to_stale_address: u64,
}
