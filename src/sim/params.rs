//! Validated, engine-facing parameters. Built only by `scenario::validate`; the engine never sees
//! an unchecked value. Durations are in simulation minutes, rates are per minute, probabilities in
//! [0, 1]. Every number here comes from a scenario file.

/// Minutes in one simulated day.
pub const MINUTES_PER_DAY: u32 = 1440;

/// A positive duration distribution: gamma with a mean and coefficient of variation
/// (cv = 1 is exponential, cv = 0 is a fixed delay).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duration {
    /// Mean, minutes.
    pub mean: f64,
    /// Coefficient of variation (standard deviation / mean).
    pub cv: f64,
}

/// A piecewise-constant schedule over simulation days: `(from_day, value)`, sorted, first at day 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule(pub Vec<(u32, u32)>);

impl Schedule {
    /// The value in force on `day`.
    pub fn at(&self, day: u32) -> u32 {
        let mut v = self.0.first().map(|x| x.1).unwrap_or(0);
        for &(from, value) in &self.0 {
            if from <= day {
                v = value;
            } else {
                break;
            }
        }
        v
    }
}

/// A share of cases with a delay, e.g. "ORR release addresses reach ICE with probability p after d days".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sharing {
    /// Probability that the record is sent at all.
    pub probability: f64,
    /// Delay from release until it arrives.
    pub delay: Duration,
}

/// Every parameter of one scenario, validated, in engine units.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Number of simulated days (the horizon is the end of the last day).
    pub horizon_days: u32,
    /// A released child counts as locatable if any agency made contact within this many minutes.
    pub contact_window: u32,
    /// Arrival rate per minute for each simulated day (piecewise constant by month).
    pub arrival_rate_by_day: Vec<f64>,
    /// Who the children are.
    pub children: Children,
    /// Sponsors: categories, hidden risk, identification.
    pub sponsors: Sponsors,
    /// CBP processing, transport and records.
    pub cbp: Cbp,
    /// ORR beds, intake, case managers, release processing.
    pub orr: Orr,
    /// Sponsor vetting: background checks, home studies, detection.
    pub vetting: Vetting,
    /// The address recorded at release, and post-release services.
    pub release: Release,
    /// Data sharing between agencies.
    pub sharing: DataSharing,
    /// Life after release: moves, reporting, running away, exploitation.
    pub life: Life,
    /// ORR Safety and Well-Being calls.
    pub calls: Calls,
    /// ORR post-release services.
    pub services: PostReleaseServices,
    /// ICE Notices to Appear.
    pub ice: Ice,
    /// The immigration court.
    pub court: Court,
    /// The welfare-check operation.
    pub checks: WelfareChecks,
    /// Missing-child reports, exploitation leads, HSI investigations.
    pub recovery: Recovery,
    /// Deterrence: enforcement pressure and the responses to it.
    pub deterrence: Deterrence,
}

/// Who the children are.
#[derive(Debug, Clone, PartialEq)]
pub struct Children {
    /// Cumulative weights of age at encounter 0..=17, normalised to end at 1.
    pub age_cdf: Vec<f64>,
    /// Country groups: cumulative share, and multiplier on the chance a call or visit reaches the family.
    pub country_cdf: Vec<f64>,
    /// Per country group: multiplier on the chance that a call or visit reaches the family.
    pub country_reach_multiplier: Vec<f64>,
    /// Standard deviation of the log-normal individual propensity multipliers (1 = mean).
    pub propensity_log_sd: f64,
}

/// Sponsors: categories, hidden risk, identification.
#[derive(Debug, Clone, PartialEq)]
pub struct Sponsors {
    /// Cumulative shares of categories 1, 2, 3.
    pub category_cdf: [f64; 3],
    /// Probability that no sponsor is ever found (the child stays in care).
    pub no_viable_sponsor: f64,
    /// Per category: probabilities of (neglectful, exploitative); the rest are safe.
    pub risk: [[f64; 2]; 3],
    /// Per category: time from ORR entry until a sponsor comes forward with documents.
    pub identification: [Duration; 3],
    /// Extra identification time when CBP's referral record was incomplete.
    pub incomplete_record_delay: Duration,
    /// Category of the next sponsor after one is rejected: cumulative shares of 1, 2, 3.
    pub next_sponsor_category_cdf: [f64; 3],
    /// Maximum sponsors tried before the child stays in care: rejected sponsors and sponsors whose
    /// placement broke down both count.
    pub max_attempts: u32,
}

/// CBP processing, transport and records.
#[derive(Debug, Clone, PartialEq)]
pub struct Cbp {
    /// Processing agents: an M/M/c-style resource.
    pub processing_agents: Schedule,
    /// Time an agent takes to process a child.
    pub processing: Duration,
    /// ICE transport from CBP to an ORR bed, once a placement is designated.
    pub transport: Duration,
    /// Legal limit on custody (TVPRA), minutes.
    pub transfer_limit: u32,
    /// Probability that CBP's referral record to ORR is complete.
    pub record_completeness: f64,
    /// Probability that CBP records the sponsor's address at encounter (category 1 sponsors only).
    pub records_sponsor_address: f64,
}

/// ORR beds, intake, case managers, release processing.
#[derive(Debug, Clone, PartialEq)]
pub struct Orr {
    /// Standard (licensed) beds, by date.
    pub standard_beds: Schedule,
    /// Children ORR's intake team can designate and place per day.
    pub placements_per_day: Schedule,
    /// Percentage of standard beds usable (e.g. under COVID-19 distancing), by date.
    pub usable_beds_percent: Schedule,
    /// Influx beds available when opened, by date.
    pub influx_beds: Schedule,
    /// Influx beds open after this many days once the CBP waiting line exceeds the trigger.
    pub influx_trigger_waiting: u32,
    /// Days from the trigger until influx beds open.
    pub influx_open_delay_days: u32,
    /// Influx beds close when ORR occupancy falls below this share of standard beds.
    pub influx_close_occupancy_share: f64,
    /// Case managers on staff, by date.
    pub case_managers: Schedule,
    /// Vetting cases one case manager works at a time.
    pub cases_per_case_manager: u32,
    /// Hazard of voluntary departure while in care, per minute.
    pub voluntary_departure_rate: f64,
    /// Time from approval to the child leaving care.
    pub release_processing: Duration,
}

/// Sponsor vetting: background checks, home studies, detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Vetting {
    /// Case-manager time for background checks, per category (the per-unit time times the depth).
    pub background: [Duration; 3],
    /// Per category: probability of a home study.
    pub home_study_probability: [f64; 3],
    /// Case-manager time for a home study.
    pub home_study: Duration,
    /// Probability that background checks detect a risky (neglectful or exploitative) sponsor:
    /// `1 - (1 - per-unit detection)^depth`.
    pub detect_background: f64,
    /// Probability of detecting a risky sponsor when a home study was done (on top of background
    /// checks: the larger of the two applies).
    pub detect_home_study: f64,
    /// How much overloaded case managers lose of their thoroughness: when the children waiting
    /// for vetting and those being vetted exceed the slots, detection is multiplied by
    /// (slots / demand) to this power; 0 means workload never matters.
    pub overload_elasticity: f64,
}

/// The address recorded at release, and post-release services.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Probability that the address ORR records at release is blank, undeliverable or incomplete.
    pub address_error: f64,
    /// Probability that the child receives post-release services, per category; home-study cases always do.
    pub services_probability: [f64; 3],
}

/// Data sharing between agencies.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSharing {
    /// One shared record replaces per-agency copies.
    pub integrated_record: bool,
    /// ORR release records sent to ICE.
    pub orr_to_ice: Sharing,
    /// ORR release records sent to the immigration court.
    pub orr_to_court: Sharing,
    /// Probability that ICE, before a welfare check, matches its record against ORR's and the court's.
    pub ice_record_match: f64,
}

/// Life after release: moves, reporting, running away, exploitation, placement breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Life {
    /// Hazard of a household move, per minute (times the child's propensity).
    pub move_rate: f64,
    /// Probability a move is reported to ORR, ICE, court (the court: while a case is open, for
    /// a person without a lawyer; see `Court::change_of_address_represented`).
    pub move_reported: [f64; 3],
    /// Per sponsor risk (safe, neglectful, exploitative): hazard of running away, per minute.
    pub runaway_rate: [f64; 3],
    /// Per sponsor risk: hazard of falling into exploitation, per minute.
    pub exploitation_rate: [f64; 3],
    /// Probability that exploitation moves the child away from the household.
    pub exploitation_relocates: f64,
    /// Per sponsor risk: hazard that the placement breaks down while the child lives with the
    /// sponsor, per minute. The sponsor reports it; the child returns to ORR care, where a new
    /// sponsor may be found (within `Sponsors::max_attempts`) and the child released again.
    pub breakdown_rate: [f64; 3],
}

/// ORR Safety and Well-Being calls: each call due is attempted, up to `max_attempts` times,
/// `retry_days` apart, within `max_wait_days` of its due day; each attempt uses one unit of the
/// day's capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Calls {
    /// Minutes after release at which a Safety and Well-Being call is due.
    pub after_release: Vec<u32>,
    /// Call attempts the call staff can make per day, by date.
    pub capacity_per_day: Schedule,
    /// A call's window: it may be attempted until this many days after its due day; a call still
    /// unreached when its window ends (or its attempts run out) counts as not reached.
    pub max_wait_days: u32,
    /// Most attempts at one call (at least 1).
    pub max_attempts: u32,
    /// Days from an unanswered attempt to the next attempt at the same call (at least 1).
    pub retry_days: u32,
    /// Probability an attempt reaches the household when ORR's record is current.
    pub answer_if_current: f64,
    /// Probability an attempt reaches the household when ORR's record is stale.
    pub reach_if_stale: f64,
}

/// ORR post-release services.
#[derive(Debug, Clone, PartialEq)]
pub struct PostReleaseServices {
    /// Minutes between services contacts.
    pub contact_interval: u32,
    /// Minutes after release during which services last.
    pub duration: u32,
    /// Probability a contact reaches the household when ORR's record is current.
    pub reach_if_current: f64,
    /// Probability a contact reaches the household when ORR's record is stale.
    pub reach_if_stale: f64,
}

/// The order in which ICE works its NTA queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NtaQueueOrder {
    /// The child whose ICE record was written most recently first (ties: first queued first). A
    /// new address puts a queued child back at the front.
    FreshestAddressFirst,
    /// In the order children joined the queue; a new address does not move a queued child.
    FirstInFirstOut,
}

/// ICE Notices to Appear.
#[derive(Debug, Clone, PartialEq)]
pub struct Ice {
    /// NTA processing capacity (NTAs prepared and served per day).
    pub nta_capacity_per_day: Schedule,
    /// Probability ICE puts a released child on the NTA queue once it holds an address.
    pub nta_intent: f64,
    /// The order in which ICE works the NTA queue.
    pub nta_queue_order: NtaQueueOrder,
    /// Delay between service of the NTA and its filing with the court.
    pub nta_filing: Duration,
}

/// The immigration court.
#[derive(Debug, Clone, PartialEq)]
pub struct Court {
    /// Hearing slots per day, by date.
    pub hearings_per_day: Schedule,
    /// Minimum days between booking a hearing and holding it.
    pub min_notice_days: u32,
    /// Minutes before a hearing that its notice is sent (at once if the hearing is sooner).
    pub notice_lead: u32,
    /// Probability that a represented person's lawyer receives a notice and passes it on when the
    /// court's address is stale.
    pub notice_via_counsel: f64,
    /// Probability that a child has a lawyer.
    pub representation: f64,
    /// Probability that a household move of a represented person with an open case reaches the
    /// court (a change-of-address filing); unrepresented: `Life::move_reported[2]`.
    pub change_of_address_represented: f64,
    /// Probability of appearing with the notice and a lawyer.
    pub appear_notice_represented: f64,
    /// Probability of appearing with the notice, without a lawyer.
    pub appear_notice_unrepresented: f64,
    /// Probability of appearing without having received the notice.
    pub appear_no_notice: f64,
    /// Probability a hearing closes the case.
    pub case_closes_per_hearing: f64,
    /// Time from one hearing to the next of a continuing case.
    pub next_hearing: Duration,
}

/// The welfare-check operation.
#[derive(Debug, Clone, PartialEq)]
pub struct WelfareChecks {
    /// First day of the operation (None: no operation).
    pub start_day: Option<u32>,
    /// Teams working checks, by date.
    pub teams: Schedule,
    /// Checks one team completes per day.
    pub checks_per_team_day: f64,
    /// Checks added by local partners per day, by date.
    pub local_partner_checks_per_day: Schedule,
    /// Size of the operation: visit-equivalents in all (visits, plus the effort of traces).
    pub max_checks: u64,
    /// Days between re-rankings of the list of children not yet checked.
    pub list_refresh_days: u32,
    /// Order of priority groups: 0 = in absentia, 1 = never served an NTA, 2 = others.
    pub priority: [u8; 3],
    /// Probability that ICE files a missing-child report when nobody is found.
    pub missing_report_if_not_found: f64,
    /// Days after an attempt that did not find a child before the child is checked again.
    pub recheck_after_days: u32,
    /// Days after a child was located before a visit re-verifies the address.
    pub reverify_after_days: u32,
    /// Staff time of one trace attempt (neighbours, the sponsor's phone, schools, databases,
    /// commercial records, local partners), in visit-equivalents of capacity.
    pub trace_effort_visits: f64,
    /// Tracing success per visit-equivalent of effort: a trace of effort `e` finds the child's
    /// address with probability `1 - exp(-trace_success_per_visit_effort * e)` (before the country
    /// reach multiplier and contact avoidance).
    pub trace_success_per_visit_effort: f64,
}

/// Missing-child reports, exploitation leads, HSI investigations.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// Probability that a household reports a child who left.
    pub sponsor_reports_runaway: f64,
    /// Delay from the report decision to its entry into NCIC/NCMEC.
    pub missing_report_delay: Duration,
    /// Hazard that a child with a missing-child report is matched (NCIC/NCMEC), per minute.
    pub ncic_match_rate: f64,
    /// Leads (tips, NCMEC reports, forensics) about an exploited child, per minute.
    pub exploitation_lead_rate: f64,
    /// HSI investigators on child-exploitation work, by date.
    pub investigators: Schedule,
    /// Share of investigators reassigned to immigration-removal work.
    pub reassigned_to_removal: f64,
    /// Leads one investigator works at a time.
    pub cases_per_investigator: u32,
    /// Time an investigation takes.
    pub investigation: Duration,
    /// Probability an investigation of an exploited child ends in a rescue.
    pub rescue_probability: f64,
}

/// Deterrence: enforcement pressure and the responses to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Deterrence {
    /// Whether the mechanism is on at all.
    pub enabled: bool,
    /// Day from which sponsor data shared with ICE is used for enforcement (None: never).
    pub sharing_enforcement_from: Option<u32>,
    /// Whether welfare checks also make arrests (from the operation's start).
    pub arrests_during_checks: bool,
    /// Response strengths per unit of enforcement pressure.
    pub identification_delay_increase: f64,
    /// Share of category 1-2 sponsors replaced by category 3 at full pressure.
    pub shift_to_category3: f64,
    /// Share of would-be sponsors who decline to come forward at full pressure (the child waits
    /// for another sponsor, stays in care or ages out).
    pub sponsor_decline: f64,
    /// Share of contact attempts households avoid at full pressure.
    pub contact_avoidance: f64,
    /// Pressure contributed by each policy (their sum is capped at 1).
    pub pressure_sharing: f64,
    /// Pressure from arrests during welfare checks.
    pub pressure_arrests: f64,
}
