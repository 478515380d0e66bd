//! The daily snapshot (where children are, how many are unlocatable, each agency's accuracy, running
//! totals), the names of its series, and the totals of one replication.

use std::sync::OnceLock;

use super::agency::{Agency, N_AGENCIES};
use super::child::{State, N_STATES};
use super::locate::{Flows, Lens, N_LENSES};
use super::metrics;
use crate::sim::params::N_LEAD_SOURCES;

/// The state of the whole system at the end of one simulated day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DaySnapshot {
    /// Children arrived so far (cumulative).
    pub arrived: u32,
    /// Children in each [`State`], indexed by `State as usize`.
    pub states: [u32; N_STATES],
    /// Followed released children unlocatable through each [`Lens`], indexed by `Lens as usize`.
    pub unlocatable: [u32; N_LENSES],
    /// Followed released children whose record at each agency holds the true current address.
    pub accurate: [u32; N_AGENCIES],
    /// Children in CBP custody waiting for an ORR bed.
    pub waiting_for_bed: u32,
    /// ORR beds in service (standard plus open influx).
    pub beds: u32,
    /// Cumulative children released to sponsors (first releases).
    pub released: u32,
    /// Running totals of the counters in [`CUMULATIVE`], in that order.
    pub cumulative: [f64; N_CUMULATIVE],
    /// Running totals of the flows into and out of unlocatable.
    pub flows: Flows,
}

/// The columns of the flows of the reported lenses (ICE and pooled): children who became
/// unlocatable by cause, found again by route, and left the followed population while
/// unlocatable by exit; e.g. `ice_became_unlocatable_move_unreported`. The daily series add `_cum`.
/// They are the flows of the metric catalogue ([`metrics::flows`]).
pub fn flow_columns() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| metrics::flows().iter().map(|m| m.key.clone()).collect())
}

/// The daily cumulative columns of [`flow_columns`].
fn flow_series_columns() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| flow_columns().iter().map(|c| format!("{c}_cum")).collect())
}

impl Flows {
    /// The values of [`flow_columns`], in order.
    pub fn values(&self) -> Vec<f64> {
        let mut v = Vec::new();
        for lens in Lens::REPORTED {
            let l = lens as usize;
            v.extend(self.lost[l].iter().map(|&x| x as f64));
            v.extend(self.found[l].iter().map(|&x| x as f64));
            v.extend(self.exited[l].iter().map(|&x| x as f64));
        }
        v
    }
}

/// Names of the daily series, in output order (the columns of `timeseries.csv` after
/// `replication`, `day`, `date`).
pub fn series_names() -> Vec<&'static str> {
    let mut v = vec!["arrived", "released"];
    v.extend(State::ALL.iter().map(|s| s.name()));
    v.push("followed");
    v.extend(Lens::ALL.map(Lens::column));
    v.extend(["waiting_for_bed", "beds"]);
    v.extend(Agency::ALL.map(Agency::accurate_share_column));
    v.extend(CUMULATIVE.iter().map(|c| c.0));
    v.extend(flow_series_columns().iter().map(String::as_str));
    v
}

impl DaySnapshot {
    /// Followed released children (with the sponsor, left the sponsor, or exploited).
    pub fn followed(&self) -> u32 {
        State::ALL
            .iter()
            .filter(|s| s.is_followed())
            .map(|&s| self.states[s as usize])
            .sum()
    }

    /// The values of the daily series, in the order of [`series_names`].
    pub fn series(&self) -> Vec<f64> {
        let followed = self.followed();
        let mut v = vec![self.arrived as f64, self.released as f64];
        v.extend(self.states.iter().map(|&x| x as f64));
        v.push(followed as f64);
        v.extend(self.unlocatable.iter().map(|&x| x as f64));
        v.extend([self.waiting_for_bed as f64, self.beds as f64]);
        v.extend(self.accurate.iter().map(|&a| {
            if followed > 0 {
                a as f64 / followed as f64
            } else {
                0.0
            }
        }));
        v.extend(self.cumulative.iter());
        v.extend(self.flows.values());
        v
    }
}

/// A running total reported every day: column name and how to read it from the run's totals.
pub type CumulativeColumn = (&'static str, fn(&RunSummary) -> f64);

/// Number of running totals in the daily series.
pub const N_CUMULATIVE: usize = 29;

/// The running totals in the daily series, so that any of them can be read at any date.
pub const CUMULATIVE: [CumulativeColumn; N_CUMULATIVE] = [
    ("transferred_to_orr_cum", |s| s.transferred_to_orr as f64),
    ("over_72h_cum", |s| s.over_72h as f64),
    ("cbp_hours_cum", |s| s.cbp_hours_total),
    ("orr_care_days_of_released_cum", |s| s.care_days_total),
    ("ran_away_cum", |s| s.ran_away as f64),
    ("exploited_cum", |s| s.exploited as f64),
    ("wellbeing_calls_due_cum", |s| s.calls_due as f64),
    ("wellbeing_calls_not_reached_cum", |s| {
        s.calls_not_reached as f64
    }),
    ("wellbeing_call_attempts_cum", |s| s.call_attempts as f64),
    ("ntas_issued_cum", |s| s.ntas_served as f64),
    ("hearings_cum", |s| s.hearings as f64),
    ("appearances_cum", |s| s.appearances as f64),
    ("appearances_with_counsel_cum", |s| {
        s.appearances_with_counsel as f64
    }),
    ("no_shows_cum", |s| s.no_shows as f64),
    ("welfare_checks_cum", |s| s.welfare_checks as f64),
    ("located_cum", |s| s.located as f64),
    ("rescued_cum", |s| s.rescued as f64),
    ("rescued_by_checks_cum", |s| s.rescued_by_checks as f64),
    ("rescued_by_leads_cum", |s| s.rescued_by_leads as f64),
    ("rescued_by_operations_cum", |s| {
        s.rescued_by_operations as f64
    }),
    ("rescued_by_record_match_cum", |s| {
        s.rescued_by_record_match as f64
    }),
    ("leads_received_cum", |s| {
        s.leads_by_source.iter().sum::<u64>() as f64
    }),
    ("leads_gone_cold_cum", |s| s.leads_gone_cold as f64),
    ("located_by_operations_cum", |s| {
        s.located_by_operations as f64
    }),
    ("missing_reports_cum", |s| s.missing_reports as f64),
    ("address_wrong_at_release_cum", |s| {
        s.address_wrong_at_release as f64
    }),
    ("never_shared_with_ice_cum", |s| {
        s.never_shared_with_ice as f64
    }),
    ("moves_unreported_cum", |s| s.moves_unreported as f64),
    ("notices_to_stale_address_cum", |s| {
        s.notices_to_stale_address as f64
    }),
];

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
    /// Followed children unlocatable on the last day, per [`Lens`].
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

impl RunSummary {
    /// Every metric as (column name, value), in a fixed order: the catalogue's
    /// ([`metrics::catalogue`], where each is declared with its label, unit and better direction).
    /// The one definition of the columns of `summary.csv` and of the printed table: the
    /// locatability metrics first, ICE (the acting agency) and pooled side by side, then the
    /// pipeline's counts, then the flows.
    pub fn metrics(&self) -> Vec<(&'static str, f64)> {
        metrics::values(self)
    }
}
