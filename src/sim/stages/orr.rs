//! ORR: beds (standard, usable share, influx beds that open and close), daily intake placements,
//! transport into care, sponsor identification, vetting by case managers (background checks, home
//! studies, detection of risky sponsors), aging out and voluntary departure in care, release with
//! the address ORR records, and the return to care of a child whose placement broke down (then
//! searched a new sponsor for and released again).

use super::arrivals::draw_risk;
use super::deterrence;
use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, State, NEVER};
use crate::sim::core::event::Event;
use crate::sim::core::pool::Pool;
use crate::sim::core::sampling::{hazard, pick, to_minutes, unit, Sampler};
use crate::sim::core::Core;
use crate::sim::params::{Params, Rules, MINUTES_PER_DAY};

/// ORR's beds, intake team and case managers.
pub(crate) struct Orr {
    beds: Pool,
    case_managers: Pool,
    influx_open: bool,
    influx_opens_on: Option<u32>,
    /// ORR placements (intake designations) still possible today.
    placements_left: u32,
    transport: Sampler,
    identification: [Sampler; 3],
    incomplete_record: Sampler,
    background: [Sampler; 3],
    in_person_verification: Sampler,
    documentation: Sampler,
    home_study: Sampler,
    release_processing: Sampler,
    /// Detection by background checks at the baseline depth, and with every household adult
    /// fingerprinted: `1 - (1 - per-unit detection)^depth`.
    detect_background: [f64; 2],
}

impl Orr {
    /// No bed or case manager in service yet (capacities are set each morning).
    pub(crate) fn new(p: &Params) -> Self {
        Orr {
            beds: Pool::default(),
            case_managers: Pool::default(),
            influx_open: false,
            influx_opens_on: None,
            placements_left: 0,
            transport: Sampler::new(p.cbp.transport),
            identification: p.sponsors.identification.map(Sampler::new),
            incomplete_record: Sampler::new(p.sponsors.incomplete_record_delay),
            background: p.vetting.background.map(Sampler::new),
            in_person_verification: Sampler::new(p.vetting.in_person_verification),
            documentation: Sampler::new(p.vetting.documentation),
            home_study: Sampler::new(p.vetting.home_study),
            release_processing: Sampler::new(p.orr.release_processing),
            detect_background: [0.0, p.vetting.household_fingerprinting_depth]
                .map(|extra| 1.0 - (1.0 - p.vetting.detect_per_unit).powf(p.vetting.depth + extra)),
        }
    }

    /// Beds in service today: influx beds open after a delay once the line for beds passes the
    /// trigger, and close when occupancy falls below a share of standard beds. Then today's
    /// placements and case managers, who take waiting children.
    pub(crate) fn start_of_day(&mut self, core: &mut Core) {
        let day = core.day;
        let p = core.p;
        let standard = (p.orr.standard_beds.at(day) as u64
            * p.orr.usable_beds_percent.at(day) as u64
            / 100) as u32;
        let waiting = self.beds.line.len() as u32;
        if !self.influx_open {
            if waiting > p.orr.influx_trigger_waiting && self.influx_opens_on.is_none() {
                self.influx_opens_on = Some(day + p.orr.influx_open_delay_days);
            }
            if self.influx_opens_on.is_some_and(|d| day >= d) {
                self.influx_open = true;
                self.influx_opens_on = None;
            }
        } else if waiting == 0
            && (self.beds.busy as f64) < p.orr.influx_close_occupancy_share * standard as f64
        {
            self.influx_open = false;
        }
        let influx = if self.influx_open {
            p.orr.influx_beds.at(day)
        } else {
            0
        };
        self.beds.capacity = standard + influx;
        self.placements_left = p.orr.placements_per_day.at(day);
        self.place_waiting(core);
        self.case_managers.capacity = p.orr.case_managers.at(day) * p.orr.cases_per_case_manager;
        self.vet_waiting(core);
    }

    /// The day's figures for the snapshot: children waiting in CBP for a bed, beds in service.
    pub(crate) fn end_of_day(&self, core: &mut Core) {
        core.snap.waiting_for_bed = self.beds.line.len() as u32;
        core.snap.beds = self.beds.capacity;
    }

    /// CBP asks for a placement: ORR designates one only while it has intake capacity left today
    /// and a bed; otherwise the child waits in CBP custody.
    pub(crate) fn request_placement(&mut self, core: &mut Core, c: u32) {
        if self.placements_left == 0 {
            self.beds.line.push_back((c, core.now));
        } else if self.beds.request(c, core.now) {
            self.placements_left -= 1;
            self.transport(core, c);
        }
    }

    fn transport(&mut self, core: &mut Core, c: u32) {
        let d = self.transport.minutes(&mut core.child(c).pre);
        core.after(c, d, Event::EnterOrr);
    }

    /// Place children waiting in CBP while beds are free and today's placements last.
    fn place_waiting(&mut self, core: &mut Core) {
        while self.placements_left > 0 {
            let Some((next, _)) = self.beds.admit() else {
                break;
            };
            self.placements_left -= 1;
            self.transport(core, next);
        }
    }

    /// The child enters care: the time in CBP custody is counted, and the sponsor search starts.
    /// A child who turned 18 on the way is no longer a child: ORR hands them to ICE's adult
    /// custody, and the bed goes to the next child.
    pub(crate) fn enter(&mut self, core: &mut Core, c: u32) {
        let now = core.now;
        if core.children[c as usize].turns_18 <= now {
            self.beds.busy = self.beds.busy.saturating_sub(1);
            self.place_waiting(core);
            to_ice_adult_custody(core, c);
            return;
        }
        let ch = core.child(c);
        ch.orr_entry = now;
        let hours = (now - ch.arrival) as f64 / 60.0;
        let over_limit = now - ch.arrival > core.p.cbp.transfer_limit;
        let out = core.tally(c);
        out.transferred_to_orr += 1;
        out.cbp_hours_total += hours;
        if over_limit {
            out.over_72h += 1;
        }
        self.start_care(core, c, true);
    }

    /// `c` is in care from now: a voluntary departure may come, and the sponsor search starts
    /// (`first`: the first search of the child's first stay).
    fn start_care(&mut self, core: &mut Core, c: u32, first: bool) {
        let p = core.p;
        core.set_state(c, State::Orr);
        let ch = core.child(c);
        let depart = hazard(p.orr.voluntary_departure_rate, &mut ch.pre);
        let no_sponsor = ch.flags.contains(Flags::NO_SPONSOR);
        if let Some(d) = depart {
            core.after(c, d, Event::Depart);
        }
        if !no_sponsor {
            self.search_sponsor(core, c, first);
        }
    }

    /// The starting population (`sim::stages::start`) takes its beds on the first morning, over
    /// capacity if need be (the children are already in care), and their sponsor searches start.
    /// If they outnumber the standard beds, the influx sites that hold the rest are open.
    pub(crate) fn admit_starting_population(&mut self, core: &mut Core) {
        let p = core.p;
        let n = core.start_in_care;
        let standard =
            p.orr.standard_beds.at(0) as u64 * p.orr.usable_beds_percent.at(0) as u64 / 100;
        self.influx_open = n as u64 > standard;
        for c in 0..n {
            self.beds.take();
            let ch = core.child(c);
            ch.orr_entry = 0;
            // Whatever the referral record lacked has been made up during the stay.
            ch.flags.remove(Flags::INCOMPLETE_RECORD);
            self.start_care(core, c, true);
        }
    }

    /// Time until a sponsor comes forward; deterrence lengthens it and shifts sponsors to
    /// category 3. After a rejection, the next sponsor's category and risk are drawn anew.
    fn search_sponsor(&mut self, core: &mut Core, c: u32, first: bool) {
        let p = core.p;
        let pressure = deterrence::pressure_today(core);
        let ch = core.child(c);
        if !first {
            ch.category = pick(&p.sponsors.next_sponsor_category_cdf, &mut ch.pre) as u8;
            ch.risk = draw_risk(&p.sponsors.risk[ch.category as usize], &mut ch.pre);
            ch.flags
                .remove(Flags::CBP_KNOWS_SPONSOR | Flags::TRAFFICKER_IDENTIFIED);
        }
        // One draw decides whether pressure replaces the sponsor by a category 3 one, makes
        // them decline, or neither (so that a scenario that adds declines keeps its shifts).
        let u = unit(&mut ch.pre);
        let shift = p.deterrence.shift_to_category3 * pressure;
        let decline = p.deterrence.sponsor_decline * pressure;
        if ch.category < 2 && u < shift {
            ch.category = 2;
            ch.risk = draw_risk(&p.sponsors.risk[2], &mut ch.pre);
            ch.flags.remove(Flags::CBP_KNOWS_SPONSOR);
        } else if u >= shift && u < shift + decline {
            ch.flags.insert(Flags::SPONSOR_DECLINES);
        }
        let mut d = self.identification[ch.category as usize].minutes(&mut ch.pre) as f64;
        if first && ch.flags.contains(Flags::INCOMPLETE_RECORD) {
            d += self.incomplete_record.minutes(&mut ch.pre) as f64;
        }
        d *= 1.0 + p.deterrence.identification_delay_increase * pressure;
        core.after(c, to_minutes(d), Event::SponsorFound);
    }

    /// A sponsor came forward: vetting starts when a case manager is free. A would-be sponsor
    /// deterred by enforcement pressure declines instead, once identified: the time was lost, the
    /// sponsor counts as one of those tried, and another is searched for (up to the maximum;
    /// otherwise the child stays in care until 18 or departure).
    pub(crate) fn sponsor_found(&mut self, core: &mut Core, c: u32) {
        if core.children[c as usize].state != State::Orr {
            return;
        }
        let ch = core.child(c);
        if ch.flags.contains(Flags::SPONSOR_DECLINES) {
            ch.flags.remove(Flags::SPONSOR_DECLINES);
            core.tally(c).sponsors_declined += 1;
            if another_sponsor_allowed(core, c) {
                self.search_sponsor(core, c, false);
            }
            return;
        }
        if self.case_managers.request(c, core.now) {
            self.start_vetting(core, c);
        }
    }

    /// Free case managers take waiting children in order; a child who left care while waiting is
    /// passed over without taking one. A loop, however many of them there are.
    fn vet_waiting(&mut self, core: &mut Core) {
        loop {
            let next = self
                .case_managers
                .admit_next(|c| core.children[c as usize].state == State::Orr);
            let Some((c, _)) = next else { break };
            self.start_vetting(core, c);
        }
    }

    /// Vetting starts: the child holds a case-manager slot until vetting ends or the child leaves
    /// care, whichever comes first. What vetting requires is the policy in force today: the
    /// background checks' depth (deeper while every adult of the household is fingerprinted: more
    /// time, more detection) and whether the sponsor must verify identity in person first (the
    /// time to the appointment). The draws are made whatever the policy, so that scenarios with
    /// other policies stay in step on the child's stream.
    fn start_vetting(&mut self, core: &mut Core, c: u32) {
        let p = core.p;
        let rules = p.policy.at(core.day);
        let ch = core.child(c);
        debug_assert_eq!(ch.state, State::Orr);
        ch.flags.insert(Flags::VETTING);
        let cat = ch.category as usize;
        let mut depth = p.vetting.depth;
        if rules.household_fingerprinting {
            depth += p.vetting.household_fingerprinting_depth;
            ch.flags.insert(Flags::HOUSEHOLD_FINGERPRINTED);
        } else {
            ch.flags.remove(Flags::HOUSEHOLD_FINGERPRINTED);
        }
        let mut d = to_minutes(self.background[cat].draw(&mut ch.pre) * depth);
        let verification = self.in_person_verification.minutes(&mut ch.pre);
        if rules.in_person_verification {
            d = d.saturating_add(verification);
        }
        let documents = self.documentation.minutes(&mut ch.pre);
        if documentation_required(p, rules, ch.orr_entry) {
            d = d.saturating_add(documents);
        }
        // A child screening referred for trafficking indicators always gets a home study (TVPRA).
        let home_study = unit(&mut ch.pre) < p.vetting.home_study_probability[cat]
            || ch.flags.contains(Flags::REFERRED);
        if home_study {
            d = d.saturating_add(self.home_study.minutes(&mut ch.pre));
            ch.flags.insert(Flags::SERVICES);
        } else {
            ch.flags.remove(Flags::SERVICES);
        }
        core.after(c, d, Event::Vetted);
    }

    /// Vetting done (the child is still in care: had the child left, the slot would have been
    /// handed back then, and this event dropped): the case manager takes the next case. The
    /// would-be sponsor may have been arrested (while ICE may use sponsor data for enforcement or
    /// attends identity verification): the sponsor is lost. Otherwise a risky sponsor may be
    /// detected. Either way another sponsor is searched for, up to a maximum; or the release is
    /// prepared.
    pub(crate) fn vetted(&mut self, core: &mut Core, c: u32) {
        let thoroughness = self.thoroughness(core, c);
        let ch = core.child(c);
        debug_assert!(ch.state == State::Orr && ch.flags.contains(Flags::VETTING));
        ch.flags.remove(Flags::VETTING);
        self.case_managers.give_back(1);
        self.vet_waiting(core);
        let p = core.p;
        let arrest = deterrence::sponsor_arrest(p, core.day);
        let rules = p.policy.at(core.day);
        let ch = core.child(c);
        let u = unit(&mut ch.pre);
        let arrested = unit(&mut ch.pre) < arrest;
        let lacks_documents = unit(&mut ch.pre) < p.vetting.documentation_failure
            && documentation_required(p, rules, ch.orr_entry);
        let background =
            self.detect_background[ch.flags.contains(Flags::HOUSEHOLD_FINGERPRINTED) as usize];
        // A home study is done on top of the background checks: the more thorough of the two.
        let detect = thoroughness
            * if ch.flags.contains(Flags::SERVICES) {
                p.vetting.detect_home_study.max(background)
            } else {
                background
            };
        // A sponsor HSI's screening investigation confirmed as exploitative is rejected.
        let confirmed = ch.risk == 2 && ch.flags.contains(Flags::TRAFFICKER_IDENTIFIED);
        if arrested || lacks_documents || ch.risk > 0 && (u < detect || confirmed) {
            if arrested {
                core.tally(c).sponsors_arrested += 1;
            } else if lacks_documents {
                core.tally(c).sponsors_lacking_documents += 1;
            } else {
                core.tally(c).sponsors_rejected += 1;
            }
            if another_sponsor_allowed(core, c) {
                self.search_sponsor(core, c, false);
            }
            // Otherwise the child stays in care (until 18 or departure).
            return;
        }
        let d = self.release_processing.minutes(&mut ch.pre);
        core.after(c, d, Event::Release);
    }

    /// How thoroughly the case manager deciding now has vetted, as a multiplier of detection: 1
    /// unless case managers are overloaded, that is unless the children being vetted and those
    /// waiting for a case manager (the demand) exceed the vetting slots; then (slots / demand) to
    /// the power `vetting.overload_elasticity`. The line may still hold children who left care
    /// while waiting (they are passed over when it reaches them): they count as demand until then.
    fn thoroughness(&self, core: &mut Core, c: u32) -> f64 {
        let pool = &self.case_managers;
        let demand = pool.busy as f64 + pool.line.len() as f64;
        let slots = pool.capacity as f64;
        if demand <= slots {
            return 1.0;
        }
        core.tally(c).vettings_overloaded += 1;
        (slots / demand).powf(core.p.vetting.overload_elasticity)
    }

    /// The child left care (the engine reads the core's inbox of ended placements): a child who
    /// was being vetted hands the case manager back at once, and the next waiting child takes it.
    pub(crate) fn left_care(&mut self, core: &mut Core, c: u32) {
        let ch = core.child(c);
        if ch.flags.contains(Flags::VETTING) {
            ch.flags.remove(Flags::VETTING);
            self.case_managers.give_back(1);
            self.vet_waiting(core);
        }
    }

    /// The child leaves care: the discharge is counted, and the bed goes to the next child waiting
    /// in CBP.
    fn leave(&mut self, core: &mut Core, c: u32, to: State) {
        discharged(core, c, to == State::WithSponsor);
        self.beds.busy = self.beds.busy.saturating_sub(1);
        self.place_waiting(core);
        core.set_state(c, to);
    }

    /// Voluntary departure from care.
    pub(crate) fn depart(&mut self, core: &mut Core, c: u32) {
        if core.children[c as usize].state == State::Orr {
            core.tally(c).departed += 1;
            self.leave(core, c, State::Departed);
        }
    }

    /// The child turns 18 in care and leaves it. Returns false if the child is not in care.
    pub(crate) fn age_out(&mut self, core: &mut Core, c: u32) -> bool {
        if core.children[c as usize].state != State::Orr {
            return false;
        }
        core.tally(c).aged_out_in_care += 1;
        self.leave(core, c, State::AgedOut);
        true
    }

    /// A placement broke down and the sponsor reported it: the child returns to ORR care at once
    /// (a new episode: events of the placement are dropped) and takes a bed even if none is free,
    /// ahead of children waiting in CBP, who wait until occupancy falls below capacity. The
    /// sponsor counts as one of the sponsors ORR tries: below `max_sponsor_attempts`, a new
    /// sponsor is searched for as after a rejection; otherwise the child stays in care until 18
    /// or departure.
    pub(crate) fn readmit(&mut self, core: &mut Core, c: u32) {
        let p = core.p;
        let now = core.now;
        self.beds.take();
        let another = another_sponsor_allowed(core, c);
        let ch = core.child(c);
        ch.orr_entry = now;
        let depart = hazard(p.orr.voluntary_departure_rate, &mut ch.pre);
        core.set_state(c, State::Orr);
        if let Some(d) = depart {
            core.after(c, d, Event::Depart);
        }
        if another {
            self.search_sponsor(core, c, false);
        }
    }

    /// Release to the sponsor: the household gets an address; ORR records it (wrong with some
    /// probability), CBP too if it recorded the sponsor at encounter. Returns `None` if the child
    /// is no longer in care, otherwise whether this is the child's first release (a re-release
    /// follows a placement that broke down). What follows release is scheduled by the other
    /// stages. `released` and the length of care count first releases; `re_releases` the others.
    pub(crate) fn release(&mut self, core: &mut Core, c: u32) -> Option<bool> {
        if core.children[c as usize].state != State::Orr {
            return None;
        }
        let first = core.children[c as usize].release == NEVER;
        if first {
            core.tally(c).released += 1;
            if core.is_start(c) {
                core.start_snap.released += 1;
            } else {
                core.snap.released += 1;
            }
        } else {
            core.tally(c).re_releases += 1;
        }
        if first {
            let ch = &core.children[c as usize];
            let care_days = (core.now - ch.orr_entry) as f64 / MINUTES_PER_DAY as f64;
            let before = days_in_care_before_start(core, c);
            let out = core.tally(c);
            out.care_days_total += care_days;
            out.care_days_since_entry_total += care_days + before;
        }
        home_with_sponsor(core, c);
        self.leave(core, c, State::WithSponsor);
        Some(first)
    }
}

/// The child's home with the sponsor from now: the household gets an address; ORR records it
/// (wrong with some probability), CBP too if it recorded the sponsor at encounter; post-release
/// services are offered or not. The records are written before the child joins the followed
/// population (the caller changes the state), so that the core sees what each agency holds at
/// release. Also the home of a child released before the first day (`sim::stages::start`).
pub(crate) fn home_with_sponsor(core: &mut Core, c: u32) {
    let p = core.p;
    let now = core.now;
    let home = core.new_address();
    let wrong = core.new_address();
    let ch = core.child(c);
    ch.release = now;
    ch.true_addr = home;
    ch.household = home;
    // Release-time draws come from the pre-release stream so that post-release reforms do not
    // change them.
    let address_wrong = unit(&mut ch.pre) < p.release.address_error;
    let services = ch.flags.contains(Flags::SERVICES)
        || unit(&mut ch.pre) < p.release.services_probability[ch.category as usize];
    if services {
        ch.flags.insert(Flags::SERVICES);
    }
    let cbp_knows = ch.flags.contains(Flags::CBP_KNOWS_SPONSOR);
    core.tally(c).address_wrong_at_release += address_wrong as u64;
    let orr_addr = if address_wrong { wrong } else { home };
    // ORR writes first: with an integrated record, an address CBP already holds for this
    // sponsor then reconciles a wrong one.
    core.write_record(c, Agency::Orr, orr_addr);
    if cbp_knows {
        core.write_record(c, Agency::Cbp, home);
    }
}

/// Whether the sponsor of a child who entered care at `entry` must produce the documents ORR
/// lists, under `rules`: while the requirement is in force, unless an injunction exempts children
/// in custody by its class date.
fn documentation_required(p: &Params, rules: Rules, entry: u32) -> bool {
    rules.sponsor_documentation
        && !(rules.documentation_injunction
            && entry / MINUTES_PER_DAY <= p.policy.documentation_class_day)
}

/// Days a child of the starting population had spent in care before the first day, if this is
/// the stay that began then (0 for a cohort child, or after a return to care).
fn days_in_care_before_start(core: &Core, c: u32) -> f64 {
    if core.is_start(c) && core.children[c as usize].orr_entry == 0 {
        core.start_elapsed[c as usize] as f64 / MINUTES_PER_DAY as f64
    } else {
        0.0
    }
}

/// Count `c`'s discharge from care now (to a sponsor or not) in ORR's figures, with the days of
/// the stay it ends.
fn discharged(core: &mut Core, c: u32, to_sponsor: bool) {
    let stay = (core.now - core.children[c as usize].orr_entry) as f64 / MINUTES_PER_DAY as f64;
    let days = stay + days_in_care_before_start(core, c);
    let d = &mut core.discharges;
    d.count += 1;
    d.care_days += days;
    d.to_sponsors += u64::from(to_sponsor);
}

/// A child who turned 18 before entering ORR care goes to ICE's adult custody: no longer a child,
/// and never in ORR care.
pub(crate) fn to_ice_adult_custody(core: &mut Core, c: u32) {
    core.tally(c).aged_out_in_cbp += 1;
    core.set_state(c, State::AgedOut);
}

/// One more of the child's sponsors has been tried (rejected by vetting, declined, or the
/// placement broke down): whether ORR may search for another, that is whether fewer than
/// `sponsors.max_sponsor_attempts` have been tried. Otherwise the child stays in care until 18 or
/// departure.
fn another_sponsor_allowed(core: &mut Core, c: u32) -> bool {
    let ch = core.child(c);
    ch.attempts = ch.attempts.saturating_add(1);
    u32::from(ch.attempts) < core.p.sponsors.max_attempts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::core::child::Epoch;
    use crate::sim::engine::harness::{self, bare, fixed, Harness};
    use crate::sim::params::{Policy, Rules, Schedule};

    /// A child who turns 18 in CBP custody, before processing ends or on the way to a bed, is
    /// handed to ICE's adult custody: never transferred to ORR, never aged out in care, and any
    /// bed reserved goes back (the defect of version 2: such children entered ORR and aged out
    /// on entry).
    #[test]
    fn a_child_who_turns_18_in_cbp_custody_goes_to_ice_not_orr() {
        use crate::sim::engine::testkit::scenario;
        use crate::sim::engine::Engine;
        use crate::sim::params::Duration;
        let day = MINUTES_PER_DAY as f64;
        for (processing_days, transport_days) in [(400.0, 0.5), (0.1, 400.0)] {
            let mut p = scenario("baseline.toml", 0.002);
            // Everyone is 17 and some fraction at arrival; CBP (or transport) takes over a year.
            p.children.age_cdf = (0..18).map(|a| if a < 17 { 0.0 } else { 1.0 }).collect();
            p.cbp.processing = Duration {
                mean: processing_days * day,
                cv: 0.01,
            };
            p.cbp.transport = Duration {
                mean: transport_days * day,
                cv: 0.01,
            };
            let mut e = Engine::after_days(&p, 900);
            let core = e.core();
            let out = &core.out;
            assert!(out.arrived > 50);
            assert_eq!(out.transferred_to_orr, 0, "processing {processing_days} d");
            assert_eq!(out.aged_out_in_care, 0);
            assert!(out.aged_out_in_cbp > 0);
            let waiting = core.snap.states[State::Cbp as usize] as u64;
            assert_eq!(out.aged_out_in_cbp + waiting, out.arrived);
        }
    }

    /// One case-manager slot; vetting takes exactly ten days, without a home study.
    fn one_case_manager() -> Params {
        let mut p = bare();
        p.orr.case_managers = Schedule(vec![(0, 1)]);
        p.orr.cases_per_case_manager = 1;
        p.vetting.background = [fixed(10.0 * MINUTES_PER_DAY as f64); 3];
        p.vetting.home_study_probability = [0.0; 3];
        p
    }

    /// Children in ORR care whose sponsor has come forward, in order: the first is vetted, the
    /// others wait for the case manager.
    fn waiting_for_vetting(h: &mut Harness, n: usize) -> Vec<u32> {
        (0..n)
            .map(|_| {
                let c = h.new_child();
                let (core, orr) = h.orr();
                core.child(c).orr_entry = core.now;
                core.set_state(c, State::Orr);
                orr.sponsor_found(core, c);
                c
            })
            .collect()
    }

    /// Case-manager slots held, and children waiting for one.
    fn case_managers(h: &mut Harness) -> (u32, usize) {
        let (_, orr) = h.orr();
        (orr.case_managers.busy, orr.case_managers.line.len())
    }

    /// Deterrence at full pressure from day 0, with sponsors' response limited to declining with
    /// probability `decline`.
    fn deterred(decline: f64) -> Params {
        let mut p = bare();
        p.deterrence.enabled = true;
        p.policy = Policy::constant(Rules {
            sponsor_data_to_ice: true,
            enforcement_use: true,
            ..Rules::default()
        });
        p.deterrence.pressure_sharing = 1.0;
        p.deterrence.sponsor_arrest = 0.0;
        p.deterrence.identification_delay_increase = 0.0;
        p.deterrence.shift_to_category3 = 0.0;
        p.deterrence.sponsor_decline = decline;
        p.sponsors.max_attempts = 3;
        p
    }

    /// Children entering care at the start of day 0; the number released by `day`, and the
    /// sponsors who declined.
    fn released_by(p: &Params, children: usize, day: u32) -> (usize, u64) {
        let mut h = Harness::new(p, 7);
        let kids: Vec<u32> = (0..children)
            .map(|_| {
                let c = h.new_child();
                h.at(0, c, Event::EnterOrr);
                c
            })
            .collect();
        h.run_to(day);
        let released = kids
            .iter()
            .filter(|&&c| h.core().children[c as usize].release != NEVER)
            .count();
        (released, h.core().out.sponsors_declined)
    }

    #[test]
    fn sponsors_who_all_decline_leave_the_child_in_care_after_the_last_attempt() {
        let (released, declined) = released_by(&deterred(1.0), 20, 720);
        assert_eq!(
            released, 0,
            "nobody is released when every sponsor declines"
        );
        assert_eq!(declined, 20 * 3, "three sponsors tried for each child");
        let (released, declined) = released_by(&deterred(0.0), 20, 720);
        assert_eq!(released, 20, "everyone is released when nobody declines");
        assert_eq!(declined, 0);
    }

    #[test]
    fn without_pressure_sponsors_never_decline() {
        let mut p = deterred(1.0);
        p.deterrence.enabled = false;
        let (released, declined) = released_by(&p, 20, 720);
        assert_eq!((released, declined), (20, 0));
    }

    #[test]
    fn overloaded_case_managers_detect_less_in_proportion_to_the_slots_per_child() {
        let mut p = one_case_manager();
        p.vetting.overload_elasticity = 0.5;
        let mut h = Harness::new(&p, 4);
        h.run_to(0);
        // One child vetted, none waiting: not overloaded, whatever the elasticity.
        waiting_for_vetting(&mut h, 1);
        let (core, orr) = h.orr();
        assert_eq!(orr.thoroughness(core, 0), 1.0);
        assert_eq!(core.out.vettings_overloaded, 0);
        // One slot, four children wanting it: (1/4)^0.5.
        waiting_for_vetting(&mut h, 3);
        assert_eq!(case_managers(&mut h), (1, 3));
        let (core, orr) = h.orr();
        assert_eq!(orr.thoroughness(core, 0), 0.5);
        assert_eq!(core.out.vettings_overloaded, 1);
    }

    #[test]
    fn with_no_elasticity_workload_never_changes_detection() {
        let p = {
            let mut p = one_case_manager();
            p.vetting.overload_elasticity = 0.0;
            p
        };
        let mut h = Harness::new(&p, 4);
        h.run_to(0);
        waiting_for_vetting(&mut h, 4);
        let (core, orr) = h.orr();
        assert_eq!(orr.thoroughness(core, 0), 1.0);
    }

    #[test]
    fn a_child_who_departs_while_vetted_hands_the_case_manager_on_the_same_day() {
        let p = one_case_manager();
        let mut h = Harness::new(&p, 3);
        h.run_to(0);
        // Vetting of `a` starts at the end of day 0 and would end at the start of day 11.
        let [a, b, _w] = waiting_for_vetting(&mut h, 3)[..] else {
            unreachable!()
        };
        assert_eq!(case_managers(&mut h), (1, 2));
        h.at(3 * MINUTES_PER_DAY + 600, a, Event::Depart);
        h.run_to(3);
        assert_eq!(h.core().children[a as usize].state, State::Departed);
        assert_eq!(
            case_managers(&mut h),
            (1, 1),
            "b took the case manager at once"
        );
        assert!(h.core().children[b as usize].flags.contains(Flags::VETTING));
        // The end of a's vetting (day 11) hands nothing back a second time: the third child waits
        // until b's vetting ends (day 13).
        h.run_to(12);
        assert_eq!(case_managers(&mut h), (1, 1));
        h.run_to(13);
        assert_eq!(case_managers(&mut h), (1, 0));
    }

    #[test]
    fn a_child_back_from_a_broken_placement_takes_a_bed_even_when_none_is_free() {
        let mut p = harness::quiet();
        p.orr.standard_beds = Schedule(vec![(0, 1)]);
        p.orr.influx_beds = Schedule(vec![(0, 0)]);
        let mut h = Harness::new(&p, 9);
        let state = |h: &mut Harness, c: usize| h.core().children[c].state;
        // Child 0 is released; child 1 then takes the only bed.
        h.core().cal.schedule(0, 0, Event::Arrive, Epoch::FIRST);
        h.run_until(365, |core| core.children[0].state == State::WithSponsor);
        let now = h.core().now;
        h.core().cal.schedule(now, 1, Event::Arrive, Epoch::FIRST);
        h.run_until(30, |core| core.children[1].state == State::Orr);
        // Child 0's placement breaks down; then child 2 arrives.
        let now = h.core().now;
        h.at(now + 60, 0, Event::Breakdown);
        h.core()
            .cal
            .schedule(now + 120, 2, Event::Arrive, Epoch::FIRST);
        let day = h.next_day();
        h.run_to(day + 1);
        assert_eq!(state(&mut h, 0), State::Orr, "back in care at once");
        assert_eq!(state(&mut h, 1), State::Orr);
        assert_eq!(
            state(&mut h, 2),
            State::Cbp,
            "waits in CBP custody for a bed"
        );
        let (_, orr) = h.orr();
        assert_eq!(
            (orr.beds.busy, orr.beds.capacity, orr.beds.line.len()),
            (2, 1, 1)
        );
    }

    #[test]
    fn a_long_line_of_children_who_left_care_is_passed_over_in_a_loop() {
        // On main, each child passed over was a nested call (start_vetting -> release ->
        // start_vetting): a line this long overflowed the stack.
        let p = one_case_manager();
        let mut h = Harness::new(&p, 3);
        h.run_to(0);
        let line = waiting_for_vetting(&mut h, 300_001);
        let (holder, left) = (line[0], &line[1..]);
        for &c in left {
            h.core().set_state(c, State::Departed);
        }
        let last = waiting_for_vetting(&mut h, 1)[0];
        assert_eq!(case_managers(&mut h), (1, 300_001));
        // The holder's vetting ends on day 11: the slot passes over 300,000 children to the last.
        h.run_to(11);
        assert!(!h.core().children[holder as usize]
            .flags
            .contains(Flags::VETTING));
        assert_eq!(case_managers(&mut h), (1, 0));
        assert!(h.core().children[last as usize]
            .flags
            .contains(Flags::VETTING));
    }

    /// Days from a sponsor coming forward on `day` (an hour into it) to release, for a child
    /// already in care.
    fn vetting_days_from(p: &Params, day: u32) -> u32 {
        let mut h = Harness::new(p, 7);
        h.run_to(day - 1);
        let c = h.new_child();
        let core = h.core();
        core.child(c).orr_entry = core.now;
        core.set_state(c, State::Orr);
        let start = day * MINUTES_PER_DAY + 60;
        h.at(start, c, Event::SponsorFound);
        h.run_until(100, |core| core.children[c as usize].release != NEVER);
        (h.core().children[c as usize].release - start) / MINUTES_PER_DAY
    }

    #[test]
    fn vetting_follows_the_policy_in_force_from_the_day_a_change_takes_effect() {
        let mut p = one_case_manager();
        p.policy = crate::sim::engine::harness::scaled("baseline.toml", 0.0).policy;
        p.deterrence.enabled = false;
        p.sponsors.risk = [[0.0; 2]; 3];
        p.orr.release_processing = fixed(0.0);
        p.vetting.household_fingerprinting_depth = 1.0;
        p.vetting.in_person_verification = fixed(7.0 * MINUTES_PER_DAY as f64);
        p.vetting.documentation = fixed(5.0 * MINUTES_PER_DAY as f64);
        p.vetting.documentation_failure = 0.0;
        let day_of = |key: &str| {
            let ch = p.policy.changes.iter().find(|c| c.key == key);
            ch.unwrap().day
        };
        // Fingerprinting every household adult doubles the ten days of checks until the
        // roll-back; the documents add five days from March 2025, fingerprinting doubles the
        // checks again from May 2025, and from 2025-07-09 the in-person verification adds its
        // seven days (the children entering then are not of the injunction's class).
        let rollback = day_of("fingerprint_rollback_2018");
        assert_eq!(vetting_days_from(&p, rollback - 1), 20);
        assert_eq!(vetting_days_from(&p, rollback), 10);
        let documents = day_of("sponsor_documentation_2025");
        assert_eq!(vetting_days_from(&p, documents - 1), 10);
        assert_eq!(vetting_days_from(&p, documents), 15);
        let fingerprints = day_of("household_fingerprinting_2025");
        assert_eq!(vetting_days_from(&p, fingerprints - 1), 15);
        assert_eq!(vetting_days_from(&p, fingerprints), 25);
        let in_person = day_of("in_person_verification_2025");
        assert_eq!(vetting_days_from(&p, in_person - 1), 25);
        assert_eq!(vetting_days_from(&p, in_person), 32);
    }

    /// Under the documentation requirement, the share of applications closed for want of
    /// documents is the failure probability, and vetting waits the documents' time first; without
    /// the requirement nothing is closed and nothing waits (paired: the same children).
    #[test]
    fn the_documentation_requirement_closes_applications_and_lengthens_vetting() {
        let mut outcomes = Vec::new();
        for required in [false, true] {
            let mut p = one_case_manager();
            p.orr.case_managers = Schedule(vec![(0, 2000)]);
            p.sponsors.risk = [[0.0, 0.0]; 3];
            p.sponsors.max_attempts = 1;
            p.vetting.documentation = fixed(20.0 * MINUTES_PER_DAY as f64);
            p.vetting.documentation_failure = 0.25;
            p.policy = Policy::constant(Rules {
                sponsor_documentation: required,
                ..Rules::default()
            });
            let mut h = Harness::new(&p, 7);
            waiting_for_vetting(&mut h, 2000);
            let p_days = |h: &mut Harness, d: u32| {
                h.run_to(d);
                h.core().out.released
            };
            let early = p_days(&mut h, 15);
            let late = p_days(&mut h, 60);
            outcomes.push((early, late, h.core().out.sponsors_lacking_documents));
        }
        let (free, required) = (outcomes[0], outcomes[1]);
        assert_eq!(free.2, 0, "nothing closed without the requirement");
        assert!(
            free.0 > 1500,
            "released within 15 days without it: {}",
            free.0
        );
        assert_eq!(
            required.0, 0,
            "nobody released before the documents' 20 days"
        );
        let closed = required.2 as f64 / 2000.0;
        assert!((closed - 0.25).abs() < 0.03, "closed {closed}");
        assert_eq!(
            required.1 + required.2,
            2000,
            "every other application ends in release"
        );
    }

    /// The injunction exempts children in custody by its class date, and only them.
    #[test]
    fn the_injunction_exempts_only_children_in_custody_by_the_class_date() {
        let mut p = one_case_manager();
        p.orr.case_managers = Schedule(vec![(0, 2000)]);
        p.sponsors.risk = [[0.0, 0.0]; 3];
        p.sponsors.max_attempts = 1;
        p.vetting.documentation_failure = 1.0;
        p.policy = Policy::constant(Rules {
            sponsor_documentation: true,
            documentation_injunction: true,
            ..Rules::default()
        });
        p.policy.documentation_class_day = 10;
        let mut h = Harness::new(&p, 7);
        let class = waiting_for_vetting(&mut h, 300);
        h.run_to(12);
        let later = waiting_for_vetting(&mut h, 300);
        h.run_to(200);
        let released = |h: &mut Harness, kids: &[u32]| {
            kids.iter()
                .filter(|&&c| h.core().children[c as usize].release != NEVER)
                .count()
        };
        assert_eq!(released(&mut h, &class), 300, "the class is exempt");
        assert_eq!(
            released(&mut h, &later),
            0,
            "later entries must document (and cannot)"
        );
        assert_eq!(h.core().out.sponsors_lacking_documents, 300);
    }

    #[test]
    fn household_fingerprinting_detects_more_risky_sponsors() {
        // All sponsors risky, no home study: the share rejected is the background checks'
        // detection, 1 - (1 - 0.3)^depth: 0.3 at depth 1, 0.51 with one unit more.
        let mut rejected = Vec::new();
        for fingerprinting in [false, true] {
            let mut p = one_case_manager();
            p.orr.case_managers = Schedule(vec![(0, 2000)]);
            p.vetting.overload_elasticity = 0.0;
            p.sponsors.risk = [[1.0, 0.0]; 3];
            p.sponsors.max_attempts = 1;
            p.vetting.depth = 1.0;
            p.vetting.detect_per_unit = 0.3;
            p.vetting.household_fingerprinting_depth = 1.0;
            p.policy = Policy::constant(Rules {
                household_fingerprinting: fingerprinting,
                ..Rules::default()
            });
            let mut h = Harness::new(&p, 7);
            waiting_for_vetting(&mut h, 2000);
            h.run_to(30);
            rejected.push(h.core().out.sponsors_rejected as f64 / 2000.0);
        }
        assert!((rejected[0] - 0.3).abs() < 0.04, "depth 1: {}", rejected[0]);
        assert!(
            (rejected[1] - 0.51).abs() < 0.04,
            "depth 2: {}",
            rejected[1]
        );
    }
}
