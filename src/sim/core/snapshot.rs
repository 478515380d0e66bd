//! The daily snapshot (where children are, how many are unlocatable, each agency's accuracy, running
//! totals), the names of its series, and the totals of one replication.

use std::sync::OnceLock;

use super::agency::{Agency, N_AGENCIES};
use super::child::{State, N_STATES};
use super::locate::{Flows, Lens, N_LENSES};
use super::metrics;
use super::summary::RunSummary;

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
    /// Children in ORR care, the cohort and the starting population together (ORR's census).
    pub orr_census: u32,
    /// Running totals of discharges from ORR care, the cohort and the starting population
    /// together.
    pub discharges: Discharges,
}

/// Discharges from ORR care (release to a sponsor, aging out, departure) of every child, the
/// cohort and the starting population together, and the days in care they ended (for the starting
/// population including the days before the first day): what ORR's monthly figures count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Discharges {
    /// Discharges (a child discharged twice, after a placement broke down, counts twice).
    pub count: u64,
    /// Days in care ended by those discharges.
    pub care_days: f64,
    /// Of `count`, releases to a sponsor.
    pub to_sponsors: u64,
}

/// The daily series of ORR's census and discharges (every child in care, the cohort and the
/// starting population together), after `waiting_for_bed` and `beds`.
pub(crate) const ORR_SYSTEM_SERIES: [&str; 4] = [
    "orr_census",
    "orr_discharges_cum",
    "orr_discharge_care_days_cum",
    "orr_releases_to_sponsors_cum",
];

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
    v.extend(ORR_SYSTEM_SERIES);
    v.extend(Agency::ALL.map(Agency::accurate_share_column));
    v.extend(CUMULATIVE.iter().map(|c| c.0));
    v.extend(flow_series_columns().iter().map(String::as_str));
    v
}

/// Whether the daily series named `name` ([`series_names`]) grows in proportion to the cohort:
/// every series is a count or a running total (of children, events or care-days) except the
/// agencies' shares of accurate records.
pub fn series_grows_with_cohort(name: &str) -> bool {
    !Agency::ALL
        .iter()
        .any(|a| a.accurate_share_column() == name)
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
        v.extend([
            self.orr_census as f64,
            self.discharges.count as f64,
            self.discharges.care_days,
            self.discharges.to_sponsors as f64,
        ]);
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
pub const N_CUMULATIVE: usize = 32;

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
    ("wellbeing_calls_attempted_cum", |s| {
        s.calls_attempted as f64
    }),
    ("wellbeing_calls_reached_cum", |s| s.calls_reached as f64),
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
    ("missing_reports_to_orr_cum", |s| {
        s.missing_reports_to_orr as f64
    }),
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
