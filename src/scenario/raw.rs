//! The raw scenario schema, exactly as written in TOML. Units are in the field names (days, hours,
//! per year). Unknown keys are rejected. Nothing here is trusted: `validate` checks every value and
//! builds the engine's `Params`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Path of a scenario this one extends (resolved relative to this file). Removed by the loader.
    #[serde(default)]
    pub extends: Option<String>,
    pub meta: Meta,
    pub time: Time,
    pub arrivals: Arrivals,
    pub children: Children,
    pub sponsors: Sponsors,
    pub cbp: Cbp,
    pub orr: Orr,
    pub vetting: Vetting,
    pub release: Release,
    pub data_sharing: DataSharing,
    pub life: Life,
    pub wellbeing_calls: WellbeingCalls,
    pub post_release_services: PostReleaseServices,
    pub ice: Ice,
    pub court: Court,
    pub welfare_checks: WelfareChecks,
    pub recovery: Recovery,
    pub policy: Policy,
    pub deterrence: Deterrence,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Time {
    /// First simulated day, "YYYY-MM-DD".
    pub start_date: String,
    /// Last simulated day, "YYYY-MM-DD" (inclusive).
    pub horizon_date: String,
    /// A released child with agency contact within this many days counts as locatable.
    pub contact_window_days: u32,
}

/// A value in force from a date until the next entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub from: String,
    pub value: u32,
}

/// A number in force from a date until the next entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepValue {
    pub from: String,
    pub value: f64,
}

/// A number for the whole period, or dated steps (`[{ from = "YYYY-MM-DD", value = x }, ...]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Dated {
    Constant(f64),
    Steps(Vec<StepValue>),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FiscalYear {
    /// US federal fiscal year (FY2019 runs 2018-10-01 to 2019-09-30).
    pub fiscal_year: i32,
    /// Expected children in the year.
    pub children: f64,
    /// Relative weights of October..September; the scenario's `seasonal_weights` when absent.
    #[serde(default)]
    pub monthly_weights: Option<Vec<f64>>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Arrivals {
    /// Relative weights of October..September (12 values).
    pub seasonal_weights: Vec<f64>,
    pub fiscal_years: Vec<FiscalYear>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CountryGroup {
    pub name: String,
    pub share: f64,
    pub reach_multiplier: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Children {
    /// Relative weights of age at encounter 0, 1, ..., 17 (18 values).
    pub age_weights: Vec<f64>,
    pub country_groups: Vec<CountryGroup>,
    pub propensity_log_sd: f64,
}

/// One value per sponsor category 1, 2, 3.
pub(crate) type PerCategory = [f64; 3];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sponsors {
    pub category_shares: PerCategory,
    pub no_viable_sponsor_probability: f64,
    pub neglectful_probability: PerCategory,
    pub exploitative_probability: PerCategory,
    pub identification_days_mean: PerCategory,
    pub identification_cv: f64,
    pub incomplete_record_extra_days_mean: f64,
    pub incomplete_record_extra_days_cv: f64,
    pub next_sponsor_category_shares: PerCategory,
    pub max_sponsor_attempts: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cbp {
    pub processing_agents: Vec<Step>,
    pub processing_hours_mean: f64,
    pub processing_hours_cv: f64,
    pub transport_hours_mean: f64,
    pub transport_hours_cv: f64,
    pub transfer_limit_hours: f64,
    pub record_completeness_probability: f64,
    pub records_sponsor_address_probability: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Orr {
    pub standard_beds: Vec<Step>,
    /// Children ORR's intake team can designate and place per day, by date.
    pub placements_per_day: Vec<Step>,
    /// Percentage (1-100) of standard beds usable, by date (e.g. COVID-19 distancing).
    pub usable_beds_percent: Vec<Step>,
    pub influx_beds: Vec<Step>,
    pub influx_trigger_waiting_children: u32,
    pub influx_open_delay_days: u32,
    pub influx_close_occupancy_share: f64,
    pub case_managers: Vec<Step>,
    pub cases_per_case_manager: u32,
    pub voluntary_departure_rate_per_year: f64,
    pub release_processing_days_mean: f64,
    pub release_processing_days_cv: f64,
    /// The children already in ORR care on the first day (absent: none).
    #[serde(default)]
    pub in_care_at_start: Option<InCareAtStart>,
    /// The children released to sponsors shortly before the first day (absent: none).
    #[serde(default)]
    pub released_before_start: Option<ReleasedBeforeStart>,
}

/// The children released to sponsors in the days before the first day.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReleasedBeforeStart {
    pub children: u32,
    pub window_days: u32,
}

/// The children in ORR care on the first day, referred before the cohort.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InCareAtStart {
    pub children: u32,
    /// Relative weights of the age bands 0-5, 6-12, 13-14, 15-16 and 17.
    pub age_band_weights: Vec<f64>,
    pub days_in_care_mean: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Vetting {
    pub background_check_days_mean: PerCategory,
    pub background_check_cv: f64,
    pub home_study_probability: PerCategory,
    pub home_study_days_mean: f64,
    pub home_study_cv: f64,
    pub detection_probability_background: f64,
    pub detection_probability_home_study: f64,
    pub overload_thoroughness_elasticity: f64,
    pub background_check_depth: f64,
    pub household_fingerprinting_extra_depth: f64,
    pub in_person_verification_days_mean: f64,
    pub in_person_verification_cv: f64,
    pub documentation_days_mean: f64,
    pub documentation_cv: f64,
    pub documentation_failure_probability: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub address_error_probability: f64,
    pub post_release_services_probability: PerCategory,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataSharing {
    pub integrated_record: bool,
    pub orr_to_ice_probability: f64,
    pub orr_to_ice_delay_days_mean: f64,
    pub orr_to_ice_delay_cv: f64,
    pub orr_to_court_probability: f64,
    pub orr_to_court_delay_days_mean: f64,
    pub orr_to_court_delay_cv: f64,
    pub ice_record_match_probability: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ByAgency {
    pub orr: f64,
    pub ice: f64,
    pub court: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ByRisk {
    pub safe: f64,
    pub neglectful: f64,
    pub exploitative: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Life {
    pub move_rate_per_year: f64,
    pub move_reported_probability: ByAgency,
    pub runaway_rate_per_year: ByRisk,
    pub exploitation_rate_per_year: ByRisk,
    pub exploitation_relocates_probability: f64,
    /// Probability that exploitation is sexual (otherwise labour).
    pub sexual_exploitation_probability: f64,
    /// Hazard that a placement breaks down (the child returns to ORR care), per year, by hidden
    /// sponsor risk.
    pub breakdown_rate_per_year: ByRisk,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WellbeingCalls {
    pub days_after_release: Vec<u32>,
    pub staff: Vec<Step>,
    /// Call attempts one staff member makes per day.
    pub calls_per_staff_day: f64,
    /// Days after the due day during which a call may still be attempted.
    pub max_wait_days: u32,
    /// Most attempts at one call.
    pub max_attempts: u32,
    /// Days between an unanswered attempt and the next.
    pub retry_days: u32,
    pub answer_probability_if_current: Dated,
    pub reach_probability_if_stale: Dated,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PostReleaseServices {
    pub contact_interval_days: u32,
    pub duration_days: u32,
    pub reach_probability_if_current: f64,
    pub reach_probability_if_stale: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ice {
    pub nta_officers: Vec<Step>,
    pub ntas_per_officer_day: f64,
    pub nta_probability: Dated,
    /// "freshest_address_first" or "first_in_first_out".
    pub nta_queue_order: String,
    pub nta_filing_days_mean: f64,
    pub nta_filing_cv: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Court {
    pub hearings_per_day: Vec<Step>,
    pub min_notice_days: u32,
    pub notice_sent_days_before_hearing: u32,
    pub notice_via_counsel_probability: f64,
    pub representation_probability: f64,
    pub change_of_address_probability_represented: f64,
    pub appear_probability_notice_represented: f64,
    pub appear_probability_notice_unrepresented: f64,
    pub appear_probability_no_notice: f64,
    pub case_closes_probability_per_hearing: f64,
    pub next_hearing_days_mean: f64,
    pub next_hearing_cv: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WelfareChecks {
    pub enabled: bool,
    pub start_date: String,
    pub teams: Vec<Step>,
    pub checks_per_team_day: f64,
    pub local_partner_checks_per_day: Vec<Step>,
    pub max_checks: u64,
    pub list_refresh_days: u32,
    /// Order of the groups "in_absentia", "no_nta", "other".
    pub priority: Vec<String>,
    pub missing_report_probability_if_not_found: f64,
    pub recheck_after_days: u32,
    pub reverify_after_days: u32,
    pub trace_effort_visits: f64,
    pub trace_success_per_visit_effort: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    pub sponsor_reports_absence_probability: f64,
    pub missing_report_delay_days_mean: f64,
    pub missing_report_delay_cv: f64,
    pub ncic_match_rate_per_year: f64,
    pub hsi_investigators: Vec<Step>,
    pub reassigned_to_removal_share: Dated,
    pub cases_per_investigator: u32,
    pub investigation_days_mean: f64,
    pub investigation_cv: f64,
    pub screening_investigation_days_mean: f64,
    pub screening_investigation_cv: f64,
    pub operation_find_probability: f64,
    pub screening: Screening,
    pub leads: Leads,
    pub cooperation: Cooperation,
    pub local_partners: LocalPartners,
    /// Targeted operations, keyed by name (a scenario that extends another can move, remove or
    /// add one).
    #[serde(default)]
    pub operations: BTreeMap<String, Operation>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Screening {
    pub cbp_detection_probability: f64,
    pub cbp_false_referral_probability: f64,
    pub orr_detection_probability: f64,
    pub orr_false_referral_probability: f64,
}

/// Yearly rates by kind of exploitation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ByKind {
    pub labour: f64,
    pub sexual: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Leads {
    pub tip_line_per_year: ByKind,
    pub ncmec_reports_per_year: ByKind,
    pub forensics_per_year: ByKind,
    pub tips_lowered_by_pressure: f64,
    pub cold_after_days: f64,
    #[serde(default)]
    pub campaigns: BTreeMap<String, Campaign>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// "YYYY-MM-DD", or "never" (removed).
    pub from: String,
    pub days: u32,
    pub name: String,
    pub source: String,
    pub tip_multiplier: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cooperation {
    pub without_relief_probability: f64,
    pub relief_offered_probability: Dated,
    pub with_relief_probability: f64,
    pub lowered_by_pressure: f64,
    pub rescue_probability_if_cooperating: f64,
    pub rescue_probability_otherwise: f64,
    pub further_victims_probability: f64,
    pub identifies_trafficker_probability: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LocalPartners {
    pub agreements_287g: bool,
    pub share_287g: Dated,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// "YYYY-MM-DD", or "never" (removed).
    pub from: String,
    pub days: u32,
    pub name: String,
    pub source: String,
    pub region_share: f64,
    pub capacity_per_day: u32,
    pub partner_capacity_per_day: u32,
}

/// The policy history: the rules in force before any dated change, and the dated changes. The
/// changes are a table keyed by name, so that a scenario that extends another can move one (its
/// `from`), remove one (`from = "never"`) or change what it does, without restating the others.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub before: PolicyRules,
    #[serde(default)]
    pub changes: BTreeMap<String, PolicyChange>,
    /// "YYYY-MM-DD": while the documentation injunction is in force, children who entered ORR
    /// care on or before this day are exempt from the documentation requirement.
    pub documentation_class_in_custody_by: String,
}

/// Every rule, stated in full (the rules in force before the first change).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRules {
    pub sponsor_data_to_ice: bool,
    pub enforcement_use: bool,
    pub household_fingerprinting: bool,
    pub in_person_verification: bool,
    pub ice_at_verification: bool,
    pub arrests_during_checks: bool,
    pub sponsor_documentation: bool,
    pub documentation_injunction: bool,
}

/// A dated change: the rules it sets (the others stay as they were).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyChange {
    /// "YYYY-MM-DD" on which it takes effect, or "never".
    pub from: String,
    pub name: String,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor_data_to_ice: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement_use: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_fingerprinting: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_person_verification: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ice_at_verification: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrests_during_checks: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor_documentation: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_injunction: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deterrence {
    pub enabled: bool,
    pub pressure_from_sharing: f64,
    pub pressure_from_enforcement_at_verification: f64,
    pub pressure_from_arrests: f64,
    pub identification_delay_increase: f64,
    pub shift_to_category3_probability: f64,
    pub sponsor_decline_probability: f64,
    pub contact_avoidance_probability: f64,
    pub sponsor_arrest_probability: f64,
    pub household_arrest_probability_per_check: f64,
    pub arrest_child_returns_to_orr_probability: f64,
}
