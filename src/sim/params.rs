//! Validated, engine-facing parameters. Built only by `scenario::validate`; the engine never sees
//! an unchecked value. Durations are in simulation minutes, rates are per minute, probabilities in
//! [0, 1]. Every number here comes from a scenario file.

/// Minutes in one simulated day.
pub const MINUTES_PER_DAY: u32 = 1440;

pub use super::policy::{Policy, PolicyChange, Rules};

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

/// A number that may change on dates: `(from_day, value)`, sorted, first at day 0.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedValue(pub Vec<(u32, f64)>);

impl DatedValue {
    /// The same value on every day.
    pub fn constant(v: f64) -> Self {
        DatedValue(vec![(0, v)])
    }

    /// The value in force on `day`.
    #[inline]
    pub fn at(&self, day: u32) -> f64 {
        match self.0.as_slice() {
            [(_, v)] => *v,
            steps => {
                let i = steps.partition_point(|&(from, _)| from <= day);
                steps[i.saturating_sub(1)].1
            }
        }
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
    /// The recovery side: reports, screening, leads, investigators, cooperation, operations.
    pub recovery: Recovery,
    /// The policy history: what is shared, how it may be used, what vetting requires.
    pub policy: Policy,
    /// Deterrence: the responses to enforcement pressure, and arrests.
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
    /// The children already in care on the first day.
    pub at_start: InCareAtStart,
    /// The children released to sponsors shortly before the first day.
    pub released_before_start: ReleasedBeforeStart,
}

/// The children released to sponsors in the days before the first day (part of the starting
/// population): with their sponsors on the first morning, their follow-up (calls, ICE's NTA,
/// sharing, court) already under way as if released on a day drawn uniformly in the window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReleasedBeforeStart {
    /// How many (0: none).
    pub children: u32,
    /// The window before the first day over which their releases are spread, in days.
    pub window_days: u32,
}

/// The children in ORR care on the first day, referred before the cohort (the starting
/// population): they hold beds and case managers and go through the rules in force, but are kept
/// out of every cohort metric (`sim::stages::start`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InCareAtStart {
    /// How many (0: the shelters start empty).
    pub children: u32,
    /// Cumulative distribution over [`AGE_BANDS`].
    pub age_band_cdf: Vec<f64>,
    /// Mean days in care so far on the first day (exponentially distributed).
    pub days_in_care_mean: f64,
}

/// The age bands of ORR's published in-care statistics, as [first age, first age of the next
/// band): 0-5, 6-12, 13-14, 15-16, 17.
pub const AGE_BANDS: [(u32, u32); 5] = [(0, 6), (6, 13), (13, 15), (15, 17), (17, 18)];

/// Sponsor vetting: background checks, home studies, detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Vetting {
    /// Case-manager time for one unit of background-check depth, per category (the time of a
    /// check is this times the depth in force).
    pub background: [Duration; 3],
    /// Depth of background checks, in units of the checks above.
    pub depth: f64,
    /// Depth added while every adult of the household is fingerprinted (`Rules::household_fingerprinting`).
    pub household_fingerprinting_depth: f64,
    /// Per unit of depth: probability of detecting a risky sponsor missed so far.
    pub detect_per_unit: f64,
    /// Time from a sponsor's application to the in-person identity verification, when required
    /// (`Rules::in_person_verification`); the case stays open with its case manager meanwhile.
    pub in_person_verification: Duration,
    /// Time a sponsor takes to gather and submit the documents ORR requires, when required
    /// (`Rules::sponsor_documentation`); the case stays open with its case manager meanwhile.
    pub documentation: Duration,
    /// Probability that a would-be sponsor cannot produce the required documents (the application
    /// is then closed, and another sponsor is searched for), when required.
    pub documentation_failure: f64,
    /// Per category: probability of a home study.
    pub home_study_probability: [f64; 3],
    /// Case-manager time for a home study.
    pub home_study: Duration,
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
    /// Probability that exploitation is sexual (otherwise labour).
    pub sexual_exploitation: f64,
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
    /// Probability an attempt reaches the household when ORR's record is current, by date.
    pub answer_if_current: DatedValue,
    /// Probability an attempt reaches the household when ORR's record is stale, by date.
    pub reach_if_stale: DatedValue,
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
    /// Probability ICE puts a released child on the NTA queue once it holds an address, by the
    /// date of the child's first release (ICE's effort).
    pub nta_intent: DatedValue,
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

/// The recovery side: missing-child reports and their matches, screening for trafficking
/// indicators, exploitation leads by source, HSI investigators over time, victims' cooperation,
/// and targeted operations with local partners.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// Probability that a household reports a child who left.
    pub sponsor_reports_runaway: f64,
    /// Delay from the report decision to its entry into NCIC/NCMEC.
    pub missing_report_delay: Duration,
    /// Hazard that a child with a missing-child report is matched (NCIC/NCMEC), per minute.
    pub ncic_match_rate: f64,
    /// HSI investigators on child-exploitation work for this cohort, by date.
    pub investigators: Schedule,
    /// Share of those investigators reassigned to immigration-removal work, by date.
    pub reassigned_to_removal: DatedValue,
    /// Leads one investigator works at a time.
    pub cases_per_investigator: u32,
    /// Time an investigation of an exploitation lead takes.
    pub investigation: Duration,
    /// Time an investigation of a screening referral takes (interviews, the sponsor's background).
    pub screening_investigation: Duration,
    /// Screening for trafficking indicators at CBP and in ORR care.
    pub screening: Screening,
    /// Leads about exploited children, by source.
    pub leads: Leads,
    /// Victims' cooperation with investigators.
    pub cooperation: Cooperation,
    /// Targeted operations, in date order.
    pub operations: Vec<Operation>,
    /// Probability that an operation's attempt on a listed child finds the child.
    pub operation_find_probability: f64,
    /// Local partners (task forces, 287(g) agencies).
    pub partners: LocalPartners,
}

/// Screening for trafficking indicators. A child has indicators when the journey was arranged by
/// an exploitative sponsor (the hidden risk drawn at arrival); screening detects them with a
/// probability, and refers some children without them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screening {
    /// CBP at intake: probability of detecting a child's indicators.
    pub cbp_detection: f64,
    /// CBP at intake: probability of referring a child without indicators.
    pub cbp_false_referral: f64,
    /// ORR in care (children not referred by CBP): probability of detecting indicators.
    pub orr_detection: f64,
    /// ORR in care: probability of referring a child without indicators.
    pub orr_false_referral: f64,
}

/// Where a lead comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum LeadSource {
    /// A referral by CBP's or ORR's screening (about a child in custody).
    Screening = 0,
    /// HSI's tip line (the public, outreach campaigns).
    TipLine,
    /// NCMEC reports (the CyberTipline, industry).
    Ncmec,
    /// Online-exploitation forensics.
    Forensics,
    /// A cooperating victim's investigation identified another victim.
    FurtherVictims,
}

/// Number of lead sources.
pub const N_LEAD_SOURCES: usize = 5;

impl LeadSource {
    /// Every source, in index order.
    pub const ALL: [LeadSource; N_LEAD_SOURCES] = [
        LeadSource::Screening,
        LeadSource::TipLine,
        LeadSource::Ncmec,
        LeadSource::Forensics,
        LeadSource::FurtherVictims,
    ];
    /// The sources that arrive at a rate about each exploited child, in the order of
    /// [`Leads::rate`].
    pub const ARRIVING: [LeadSource; 3] = [
        LeadSource::TipLine,
        LeadSource::Ncmec,
        LeadSource::Forensics,
    ];

    /// Column word.
    pub fn name(self) -> &'static str {
        match self {
            LeadSource::Screening => "screening",
            LeadSource::TipLine => "tip_line",
            LeadSource::Ncmec => "ncmec",
            LeadSource::Forensics => "forensics",
            LeadSource::FurtherVictims => "further_victims",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            LeadSource::Screening => "screening referral",
            LeadSource::TipLine => "tip line",
            LeadSource::Ncmec => "NCMEC report",
            LeadSource::Forensics => "forensics",
            LeadSource::FurtherVictims => "further victims",
        }
    }
}

/// Exploitation leads about exploited children.
#[derive(Debug, Clone, PartialEq)]
pub struct Leads {
    /// Per arriving source (tip line, NCMEC, forensics) and kind of exploitation (labour,
    /// sexual): leads per exploited child, per minute.
    pub rate: [[f64; 2]; 3],
    /// Tip-line leads are multiplied by `1 - tips_lowered_by_pressure x pressure` (immigrant
    /// communities tip less under enforcement pressure).
    pub tips_lowered_by_pressure: f64,
    /// A lead that waited longer than this for an investigator goes cold (minutes).
    pub cold_after: u32,
    /// Outreach campaigns, in date order.
    pub campaigns: Vec<Campaign>,
}

/// A public or industry outreach campaign: tip-line leads are multiplied while it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// The scenario's key (`[recovery.leads.campaigns.<key>]`).
    pub key: String,
    /// What it is.
    pub name: String,
    /// Where it is documented, or "assumption".
    pub source: String,
    /// First simulation day (inclusive).
    pub start_day: u32,
    /// Last simulation day (inclusive).
    pub end_day: u32,
    /// Multiplier of tip-line leads while it runs.
    pub tip_multiplier: f64,
}

/// Victims' cooperation with investigators.
#[derive(Debug, Clone, PartialEq)]
pub struct Cooperation {
    /// Probability a victim not offered relief cooperates.
    pub without_relief: f64,
    /// Probability an identified victim is offered immigration relief and victim assistance
    /// (Continued Presence, T-visa support, a victim-assistance specialist), by date.
    pub relief_offered: DatedValue,
    /// Probability a victim offered relief cooperates.
    pub with_relief: f64,
    /// Cooperation is multiplied by `1 - lowered_by_pressure x pressure`.
    pub lowered_by_pressure: f64,
    /// Probability an investigation of an exploitation lead ends in a rescue if the victim
    /// cooperates.
    pub rescue_if_cooperating: f64,
    /// The same if the victim does not.
    pub rescue_otherwise: f64,
    /// Probability that a cooperating victim's rescue identifies another victim (a lead).
    pub further_victims: f64,
    /// Probability that a screening investigation with a cooperating child confirms an
    /// exploitative sponsor (vetting then rejects that sponsor).
    pub identifies_trafficker: f64,
}

/// A targeted, time-limited operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The scenario's key (`[recovery.operations.<key>]`).
    pub key: String,
    /// What it is.
    pub name: String,
    /// Where it is documented, or "assumption".
    pub source: String,
    /// First simulation day (inclusive).
    pub start_day: u32,
    /// Last simulation day (inclusive).
    pub end_day: u32,
    /// Share of the children on the national lists who live in the operation's area.
    pub region_share: f64,
    /// Children the operation's own agents can look for per day.
    pub capacity_per_day: u32,
    /// Children local partners (task forces, 287(g) agencies) add per day.
    pub partner_capacity_per_day: u32,
}

/// Local partners: task forces and 287(g) agencies.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalPartners {
    /// Whether 287(g) agreements exist.
    pub agreements_287g: bool,
    /// Share of local partners' capacity (checks and operations) from 287(g) agencies, by date.
    pub share_287g: DatedValue,
}

impl LocalPartners {
    /// The multiplier of local partners' capacity on `day`: 1, or without 287(g) agencies the
    /// share the others provide.
    pub fn capacity_factor(&self, day: u32) -> f64 {
        if self.agreements_287g {
            1.0
        } else {
            1.0 - self.share_287g.at(day)
        }
    }
}

/// Deterrence: how strongly sponsors and households respond to the enforcement pressure that the
/// policy in force creates (`Policy`), and what enforcement does to them directly (arrests).
#[derive(Debug, Clone, PartialEq)]
pub struct Deterrence {
    /// Whether sponsors and households respond to pressure at all (arrests happen either way).
    pub enabled: bool,
    /// Response strengths per unit of enforcement pressure.
    pub identification_delay_increase: f64,
    /// Share of category 1-2 sponsors replaced by category 3 at full pressure.
    pub shift_to_category3: f64,
    /// Share of would-be sponsors who decline to come forward at full pressure (the child waits
    /// for another sponsor, stays in care or ages out).
    pub sponsor_decline: f64,
    /// Share of contact attempts households avoid at full pressure.
    pub contact_avoidance: f64,
    /// Pressure while sponsor data shared with ICE may be used for enforcement (the policies in
    /// force deter independently: the pressure is `1 - Π (1 - each)`).
    pub pressure_sharing: f64,
    /// Pressure while ICE is present at sponsors' in-person identity verification.
    pub pressure_verification: f64,
    /// Pressure while welfare checks make arrests (from the operation's start).
    pub pressure_arrests: f64,
    /// Probability that a would-be sponsor is arrested during vetting, when the sponsor's data
    /// reach ICE for enforcement or ICE attends the identity verification (the sponsor is lost).
    pub sponsor_arrest: f64,
    /// Probability that a welfare check that finds the child at the household arrests a household
    /// member, while checks make arrests; the placement then ends.
    pub household_arrest: f64,
    /// After such an arrest: probability that the child returns to ORR care (otherwise the child
    /// goes to another adult, at an address no agency holds).
    pub arrest_return_to_orr: f64,
}
