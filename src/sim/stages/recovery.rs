//! Recovery outside the welfare checks: missing-child reports (NCIC/NCMEC) and their matches;
//! leads to HSI by source (screening referrals, the tip line, NCMEC reports, forensics, further
//! victims named by a cooperating victim), which wait for an investigator and go cold if they
//! wait too long; investigator capacity over time (a dated share reassigned to removal work);
//! victims' cooperation, which decides whether an investigation ends in a rescue; rescue.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;

use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, State};
use crate::sim::core::event::Event;
use crate::sim::core::sampling::{hazard, unit, Sampler};
use crate::sim::core::Core;
use crate::sim::params::{LeadSource, Params, MINUTES_PER_DAY};

use super::deterrence;

/// Who found a child in exploitation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rescuer {
    /// A welfare check at the child's address.
    Check,
    /// A welfare check at an address officers found by tracing.
    Tracing,
    /// An HSI investigation of a lead from this source.
    Lead(LeadSource),
    /// A match of a missing-child report.
    RecordMatch,
    /// A targeted operation.
    Operation,
}

/// A lead waiting for an investigator.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    child: u32,
    source: LeadSource,
    since: u32,
}

/// HSI's investigators, the leads waiting for them and the delays of reports and investigations.
pub(crate) struct Recovery {
    /// Investigations that can run at once today, and those running.
    capacity: u32,
    busy: u32,
    /// Leads waiting, first come first served.
    line: VecDeque<Waiting>,
    /// Investigations running, per child, with each one's source (in the order started).
    running: HashMap<u32, Vec<LeadSource>>,
    /// When each child now exploited was first exploited in this placement (minutes).
    exploited_since: HashMap<u32, u32>,
    /// Children exploited at some time (some no longer are: removed when met), from which a
    /// cooperating victim's investigation may identify another.
    exploited: Vec<u32>,
    /// Upper bound of the lead rate of an exploited child, per kind (labour, sexual), per minute:
    /// leads arrive by thinning a process at this rate.
    max_rate: [f64; 2],
    missing_report: Sampler,
    investigation: Sampler,
    screening_investigation: Sampler,
}

impl Recovery {
    /// No investigator on duty yet (capacity is set each morning).
    pub(crate) fn new(p: &Params) -> Self {
        let l = &p.recovery.leads;
        let tip_max = l
            .campaigns
            .iter()
            .map(|c| c.tip_multiplier)
            .fold(1.0, f64::max);
        let max_rate = [0, 1].map(|k| l.rate[0][k] * tip_max + l.rate[1][k] + l.rate[2][k]);
        Recovery {
            capacity: 0,
            busy: 0,
            line: VecDeque::new(),
            running: HashMap::default(),
            exploited_since: HashMap::default(),
            exploited: Vec::new(),
            max_rate,
            missing_report: Sampler::new(p.recovery.missing_report_delay),
            investigation: Sampler::new(p.recovery.investigation),
            screening_investigation: Sampler::new(p.recovery.screening_investigation),
        }
    }

    /// Investigations that can run at once today: investigators not reassigned to removal work,
    /// times the cases each works. Waiting leads are taken up.
    pub(crate) fn start_of_day(&mut self, core: &mut Core) {
        let r = &core.p.recovery;
        let working =
            r.investigators.at(core.day) as f64 * (1.0 - r.reassigned_to_removal.at(core.day));
        self.capacity = (working * r.cases_per_investigator as f64).floor() as u32;
        self.investigate_waiting(core);
    }

    /// Investigations running now.
    #[cfg(test)]
    pub(crate) fn busy(&self) -> u32 {
        self.busy
    }

    /// Leads waiting for an investigator now.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.line.len()
    }

    /// The household says the child is no longer there; a missing-child report may follow.
    /// `to_orr`: the household says so to ORR's follow-up (a call or post-release services), so
    /// that the report is one ORR handles; otherwise the sponsor reports to the police alone.
    pub(crate) fn household_reports_absence(&self, core: &mut Core, c: u32, to_orr: bool) {
        let p = core.p;
        let ch = core.child(c);
        let u = unit(&mut ch.follow);
        if u < p.recovery.sponsor_reports_runaway && !ch.flags.contains(Flags::MISSING_REPORTED) {
            if to_orr {
                ch.flags.insert(Flags::REPORTED_TO_ORR);
            }
            self.file_report(core, c);
        }
    }

    /// An agency that could not find the child files a missing-child report (once), after the
    /// usual delay.
    pub(crate) fn file_report(&self, core: &mut Core, c: u32) {
        let ch = core.child(c);
        let d = self.missing_report.minutes(&mut ch.follow);
        core.after(c, d, Event::MissingReport);
    }

    /// Exploitation began: leads about the child may reach HSI from now on.
    pub(crate) fn on_exploited(&mut self, core: &mut Core, c: u32) {
        self.exploited_since.insert(c, core.now);
        self.exploited.push(c);
        self.next_lead_candidate(core, c);
    }

    fn next_lead_candidate(&self, core: &mut Core, c: u32) {
        let ch = core.child(c);
        let kind = ch.flags.contains(Flags::SEXUAL_EXPLOITATION) as usize;
        if let Some(d) = hazard(self.max_rate[kind], &mut ch.life) {
            core.after(c, d, Event::Lead);
        }
    }

    /// Leads per minute about an exploited child of `kind` today, per arriving source: the
    /// tip line raised by outreach campaigns and lowered by enforcement pressure.
    fn lead_rates(core: &Core, kind: usize) -> [f64; 3] {
        let p = core.p;
        let l = &p.recovery.leads;
        let day = core.day;
        let campaign = l
            .campaigns
            .iter()
            .filter(|c| c.start_day <= day && day <= c.end_day)
            .map(|c| c.tip_multiplier)
            .fold(1.0, f64::max);
        let pressure = deterrence::pressure_today(core);
        let tips = l.rate[0][kind] * campaign * (1.0 - l.tips_lowered_by_pressure * pressure);
        [tips, l.rate[1][kind], l.rate[2][kind]]
    }

    /// A possible lead about an exploited child (a point of the bounding process): it is a lead
    /// with probability (today's rate / the bound), from a source drawn in proportion to the
    /// sources' rates. The next possible lead is scheduled.
    pub(crate) fn lead_candidate(&mut self, core: &mut Core, c: u32) {
        if core.children[c as usize].state != State::Exploited {
            return;
        }
        let kind = core.children[c as usize]
            .flags
            .contains(Flags::SEXUAL_EXPLOITATION) as usize;
        let rates = Self::lead_rates(core, kind);
        let u = unit(&mut core.child(c).life) * self.max_rate[kind];
        let mut acc = 0.0;
        for (i, r) in rates.iter().enumerate() {
            acc += r;
            if u < acc {
                self.lead(core, c, LeadSource::ARRIVING[i]);
                break;
            }
        }
        self.next_lead_candidate(core, c);
    }

    /// A lead reaches HSI: it waits for an investigator (first come, first served).
    pub(crate) fn lead(&mut self, core: &mut Core, c: u32, source: LeadSource) {
        core.tally(c).leads_by_source[source as usize] += 1;
        core.child(c).flags.insert(Flags::SUSPECTED_VICTIM);
        self.line.push_back(Waiting {
            child: c,
            source,
            since: core.now,
        });
        self.investigate_waiting(core);
    }

    /// Whether a lead can still be worked: a screening referral while the child is in custody,
    /// any other lead while the child is exploited.
    fn still_open(core: &Core, w: &Waiting) -> bool {
        let state = core.children[w.child as usize].state;
        match w.source {
            LeadSource::Screening => matches!(state, State::Cbp | State::Orr),
            _ => state == State::Exploited,
        }
    }

    /// Free investigators take waiting leads in order. A lead that can no longer be worked (the
    /// child was rescued by another route, released, turned 18) is passed over; one that waited
    /// longer than `cold_after` has gone cold and is dropped. A loop, however many there are.
    fn investigate_waiting(&mut self, core: &mut Core) {
        let cold = core.p.recovery.leads.cold_after;
        while self.busy < self.capacity {
            let Some(w) = self.line.pop_front() else {
                break;
            };
            if !Self::still_open(core, &w) {
                continue;
            }
            if core.now.saturating_sub(w.since) > cold {
                core.tally(w.child).leads_gone_cold += 1;
                continue;
            }
            self.start_investigation(core, w.child, w.source);
        }
    }

    fn start_investigation(&mut self, core: &mut Core, c: u32, source: LeadSource) {
        self.busy += 1;
        self.running.entry(c).or_default().push(source);
        core.tally(c).leads_worked += 1;
        let stream = &mut core.child(c).follow;
        let d = match source {
            LeadSource::Screening => self.screening_investigation.minutes(stream),
            _ => self.investigation.minutes(stream),
        };
        core.after(c, d, Event::LeadDone);
    }

    /// Whether the victim (or the referred child) cooperates with investigators: more likely if
    /// offered immigration relief and assistance, less under enforcement pressure.
    fn cooperates(core: &mut Core, c: u32) -> bool {
        let p = core.p;
        let k = &p.recovery.cooperation;
        let day = core.day;
        let offered_p = k.relief_offered.at(day);
        let damp = 1.0 - k.lowered_by_pressure * deterrence::pressure_today(core);
        let ch = core.child(c);
        let offered = unit(&mut ch.follow) < offered_p;
        let base = if offered {
            k.with_relief
        } else {
            k.without_relief
        };
        let yes = unit(&mut ch.follow) < base * damp;
        if offered {
            core.tally(c).victims_offered_relief += 1;
        }
        if yes {
            core.tally(c).victims_cooperating += 1;
        }
        yes
    }

    /// An investigation ends (the lead is still open: had the child left custody or exploitation,
    /// the investigator would have been handed back then, and this event dropped); the
    /// investigator takes the next lead. A screening investigation with a cooperating child may
    /// confirm that the would-be sponsor is exploitative (vetting then rejects the sponsor). An
    /// investigation of an exploited child ends in a rescue with a probability that depends on
    /// the victim's cooperation; a cooperating victim may name another victim.
    pub(crate) fn lead_done(&mut self, core: &mut Core, c: u32) {
        let source = match self.running.get_mut(&c) {
            Some(v) if !v.is_empty() => {
                let s = v.remove(0);
                if v.is_empty() {
                    self.running.remove(&c);
                }
                s
            }
            _ => {
                debug_assert!(false, "an investigation ended that was not running");
                return;
            }
        };
        self.busy = self.busy.saturating_sub(1);
        let p = core.p;
        if source == LeadSource::Screening {
            let coop = Self::cooperates(core, c);
            let ch = core.child(c);
            let confirm = unit(&mut ch.follow) < p.recovery.cooperation.identifies_trafficker;
            if coop && confirm && ch.risk == 2 && !ch.flags.contains(Flags::TRAFFICKER_IDENTIFIED) {
                ch.flags.insert(Flags::TRAFFICKER_IDENTIFIED);
                core.tally(c).traffickers_identified += 1;
            }
        } else {
            debug_assert_eq!(core.children[c as usize].state, State::Exploited);
            let coop = Self::cooperates(core, c);
            let k = &p.recovery.cooperation;
            let rescue_p = if coop {
                k.rescue_if_cooperating
            } else {
                k.rescue_otherwise
            };
            if unit(&mut core.child(c).follow) < rescue_p {
                rescue(core, c, Rescuer::Lead(source));
                self.after_rescue(core, c, coop);
            }
        }
        self.investigate_waiting(core);
    }

    /// The child's custody or placement ended (the engine reads the core's inbox): every
    /// investigator still working a lead about the child is handed back at once and takes the
    /// next waiting lead. A child rescued by a route other than an investigation is counted here
    /// (time to rescue) and, cooperating, may name another victim.
    pub(crate) fn placement_ended(&mut self, core: &mut Core, c: u32) {
        if let Some(v) = self.running.remove(&c) {
            self.busy = self.busy.saturating_sub(v.len() as u32);
        }
        if self.exploited_since.contains_key(&c) {
            if core.children[c as usize].state == State::Rescued {
                let coop = Self::cooperates(core, c);
                self.after_rescue(core, c, coop);
            } else {
                self.exploited_since.remove(&c);
            }
        }
        self.investigate_waiting(core);
    }

    /// After a rescue: the time since exploitation began, and, if the victim cooperates, maybe a
    /// lead about another exploited child.
    fn after_rescue(&mut self, core: &mut Core, c: u32, coop: bool) {
        if let Some(since) = self.exploited_since.remove(&c) {
            core.tally(c).exploitation_to_rescue_days_total +=
                core.now.saturating_sub(since) as f64 / MINUTES_PER_DAY as f64;
        }
        let further = core.p.recovery.cooperation.further_victims;
        if !coop || unit(&mut core.child(c).follow) >= further {
            return;
        }
        // Another victim: one of the children exploited now, drawn at random (children no
        // longer exploited are removed from the list as they are met).
        while !self.exploited.is_empty() {
            let i = (unit(&mut core.child(c).follow) * self.exploited.len() as f64) as usize;
            let i = i.min(self.exploited.len() - 1);
            let other = self.exploited[i];
            if core.children[other as usize].state != State::Exploited {
                self.exploited.swap_remove(i);
                continue;
            }
            if other != c {
                self.lead(core, other, LeadSource::FurtherVictims);
            }
            break;
        }
    }
}

/// A missing-child report is entered into the national systems (once per child); it may be
/// matched later.
pub(crate) fn missing_report(core: &mut Core, c: u32) {
    let rate = core.p.recovery.ncic_match_rate;
    let ch = core.child(c);
    if ch.flags.contains(Flags::MISSING_REPORTED) || !ch.state.is_followed() {
        return;
    }
    ch.flags.insert(Flags::MISSING_REPORTED);
    let to_orr = ch.flags.contains(Flags::REPORTED_TO_ORR);
    let d = hazard(rate, &mut ch.follow);
    core.tally(c).missing_reports += 1;
    core.tally(c).missing_reports_to_orr += u64::from(to_orr);
    if let Some(d) = d {
        core.after(c, d, Event::RecordMatch);
    }
}

/// A missing-child report (NCIC/NCMEC) is matched: the child is found where they truly are.
pub(crate) fn record_match(core: &mut Core, c: u32) {
    match core.children[c as usize].state {
        State::Exploited => rescue(core, c, Rescuer::RecordMatch),
        State::LeftSponsor | State::WithSponsor => {
            core.tally(c).located_by_match += 1;
            core.contact(c, Agency::Ice);
            core.contact(c, Agency::Orr);
            core.refresh(c);
        }
        _ => {}
    }
}

/// A child in exploitation is found and placed in safety. Investigators still working leads about
/// the child are handed back by the engine (the placement ends).
pub(crate) fn rescue(core: &mut Core, c: u32, by: Rescuer) {
    core.tally(c).rescued += 1;
    match by {
        Rescuer::Check => core.tally(c).rescued_by_checks += 1,
        Rescuer::Tracing => {
            core.tally(c).rescued_by_checks += 1;
            core.tally(c).rescued_by_tracing += 1;
        }
        Rescuer::Lead(source) => {
            core.tally(c).rescued_by_leads += 1;
            core.tally(c).rescued_by_lead_source[source as usize] += 1;
        }
        Rescuer::RecordMatch => core.tally(c).rescued_by_record_match += 1,
        Rescuer::Operation => core.tally(c).rescued_by_operations += 1,
    }
    core.contact(c, Agency::Ice);
    core.set_state(c, State::Rescued);
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::harness::{bare, fixed, Harness};
    use crate::sim::params::{DatedValue, Schedule, MINUTES_PER_DAY};

    const DAY: u32 = MINUTES_PER_DAY;

    /// One investigator slot; investigations take exactly 60 days; no leads arrive by
    /// themselves; every victim cooperates and every investigation ends in a rescue, without
    /// naming further victims; no screening.
    fn one_investigator() -> Params {
        let mut p = bare();
        let r = &mut p.recovery;
        r.investigators = Schedule(vec![(0, 1)]);
        r.reassigned_to_removal = DatedValue::constant(0.0);
        r.cases_per_investigator = 1;
        r.investigation = fixed(60.0 * DAY as f64);
        r.leads.rate = [[0.0; 2]; 3];
        r.leads.cold_after = 1000 * DAY;
        r.cooperation.without_relief = 1.0;
        r.cooperation.relief_offered = DatedValue::constant(0.0);
        r.cooperation.lowered_by_pressure = 0.0;
        r.cooperation.rescue_if_cooperating = 1.0;
        r.cooperation.further_victims = 0.0;
        r.screening.cbp_detection = 0.0;
        r.screening.cbp_false_referral = 0.0;
        r.screening.orr_detection = 0.0;
        r.screening.orr_false_referral = 0.0;
        p
    }

    /// Investigations running, and leads waiting for an investigator.
    fn investigators(h: &mut Harness) -> (u32, usize) {
        let (_, r) = h.recovery();
        (r.busy(), r.waiting())
    }

    /// Put a new child (in CBP custody) straight into exploitation; the custody that ends has
    /// nothing to hand back (the engine's inbox of ended placements is read now).
    fn exploit(core: &mut Core, c: u32) {
        core.set_state(c, State::Exploited);
        core.ended.clear();
    }

    /// `n` exploited children with a tip-line lead each, in order.
    fn exploited_with_leads(h: &mut Harness, n: usize) -> Vec<u32> {
        (0..n)
            .map(|_| {
                let c = h.new_child();
                let (core, r) = h.recovery();
                exploit(core, c);
                r.on_exploited(core, c);
                r.lead(core, c, LeadSource::TipLine);
                c
            })
            .collect()
    }

    #[test]
    fn a_child_rescued_by_another_route_hands_the_investigator_on_at_once() {
        let p = one_investigator();
        let mut h = Harness::new(&p, 5);
        h.run_to(0);
        // Three exploited children with a lead each: a's is investigated (from the end of day 0
        // until day 61), b's and w's wait.
        let kids = exploited_with_leads(&mut h, 3);
        let (a, b) = (kids[0], kids[1]);
        assert_eq!(investigators(&mut h), (1, 2));
        // A missing-child report about a is matched on day 3: a is rescued by that route.
        h.at(3 * DAY + 600, a, Event::RecordMatch);
        h.run_to(3);
        assert_eq!(h.core().children[a as usize].state, State::Rescued);
        assert_eq!(h.core().out.rescued_by_record_match, 1);
        assert_eq!(
            investigators(&mut h),
            (1, 1),
            "b's lead is taken up at once"
        );
        assert_eq!(
            h.recovery().1.running.get(&b),
            Some(&vec![LeadSource::TipLine])
        );
        // The end of a's investigation (day 61) hands nothing back a second time: the last lead
        // waits until b's investigation ends (day 63), which rescues b.
        h.run_to(62);
        assert_eq!(investigators(&mut h), (1, 1));
        assert_eq!(h.core().out.rescued_by_leads, 0);
        h.run_to(63);
        assert_eq!(investigators(&mut h), (1, 0));
        let out = &h.core().out;
        assert_eq!(out.rescued_by_leads, 1);
        assert_eq!(out.rescued_by_lead_source[LeadSource::TipLine as usize], 1);
        // Time to rescue: both were exploited at the start of day 1; a was rescued 600 minutes
        // into day 3, b 60 days later (when its investigation, begun then, ended).
        let days = out.exploitation_to_rescue_days_total;
        let expected = (2 * DAY + 600 + 62 * DAY + 600) as f64 / DAY as f64;
        assert!(
            (days - expected).abs() < 1e-9,
            "{days} days, not {expected}"
        );
    }

    #[test]
    fn leads_about_a_child_no_longer_exploited_are_passed_over() {
        let p = one_investigator();
        let mut h = Harness::new(&p, 5);
        h.run_to(0);
        let holder = h.new_child();
        let gone = h.new_child();
        let last = h.new_child();
        for c in [holder, gone, gone, last] {
            let (core, r) = h.recovery();
            if core.children[c as usize].state != State::Exploited {
                exploit(core, c);
            }
            r.lead(core, c, LeadSource::Ncmec);
        }
        assert_eq!(investigators(&mut h), (1, 3));
        h.at(2 * DAY, gone, Event::Turn18);
        h.run_to(2);
        assert_eq!(h.core().children[gone as usize].state, State::AgedOut);
        // The holder's investigation ends on day 61: both of the aged-out child's leads are
        // passed over (not gone cold) and the last child's is taken up.
        h.run_to(61);
        assert_eq!(investigators(&mut h), (1, 0));
        assert_eq!(h.core().out.leads_gone_cold, 0);
        assert!(h.recovery().1.running.contains_key(&last));
        assert!(!h.recovery().1.running.contains_key(&gone));
    }

    #[test]
    fn a_lead_that_waits_longer_than_the_cold_limit_goes_cold() {
        let mut p = one_investigator();
        p.recovery.leads.cold_after = 30 * DAY;
        let mut h = Harness::new(&p, 5);
        h.run_to(0);
        let kids = exploited_with_leads(&mut h, 2);
        // The second lead waits from day 0 to day 61, longer than 30 days: it goes cold, and the
        // child is never investigated.
        h.run_to(61);
        assert_eq!(h.core().out.leads_gone_cold, 1);
        assert_eq!(h.core().out.leads_worked, 1);
        assert_eq!(investigators(&mut h), (0, 0));
        assert_eq!(h.core().children[kids[1] as usize].state, State::Exploited);
    }

    #[test]
    fn reassignment_lowers_the_investigations_that_run_from_its_date() {
        let mut p = one_investigator();
        p.recovery.investigators = Schedule(vec![(0, 4)]);
        p.recovery.reassigned_to_removal = DatedValue(vec![(0, 0.0), (10, 0.5)]);
        let mut h = Harness::new(&p, 5);
        h.run_to(0);
        exploited_with_leads(&mut h, 6);
        assert_eq!(investigators(&mut h), (4, 2));
        h.run_to(9);
        assert_eq!(h.recovery().1.capacity, 4);
        h.run_to(10);
        assert_eq!(h.recovery().1.capacity, 2, "half reassigned from day 10");
        // The four running investigations end on day 60; only two leads are then taken up.
        h.run_to(61);
        assert_eq!(investigators(&mut h), (2, 0));
        assert_eq!(h.core().out.leads_worked, 6);
    }

    #[test]
    fn cooperation_decides_whether_an_investigation_rescues() {
        let rescues = |coop: f64| {
            let mut p = one_investigator();
            p.recovery.investigators = Schedule(vec![(0, 400)]);
            p.recovery.cooperation.without_relief = coop;
            p.recovery.cooperation.rescue_otherwise = 0.0;
            let mut h = Harness::new(&p, 9);
            h.run_to(0);
            exploited_with_leads(&mut h, 400);
            h.run_to(61);
            h.core().out.rescued_by_leads
        };
        let (none, half, all) = (rescues(0.0), rescues(0.5), rescues(1.0));
        assert_eq!(none, 0);
        assert_eq!(all, 400);
        assert!((150..250).contains(&half), "{half}");
    }

    #[test]
    fn a_cooperating_victim_may_name_another_victim() {
        let mut p = one_investigator();
        p.recovery.investigators = Schedule(vec![(0, 10)]);
        p.recovery.cooperation.further_victims = 1.0;
        let mut h = Harness::new(&p, 5);
        h.run_to(0);
        let named = h.new_child();
        {
            let (core, r) = h.recovery();
            exploit(core, named);
            r.on_exploited(core, named);
        }
        exploited_with_leads(&mut h, 1);
        // The lead's investigation ends on day 61 in a rescue; the victim names the only other
        // child exploited, whose lead is taken up at once.
        h.run_to(61);
        let out = &h.core().out;
        assert_eq!(out.rescued_by_leads, 1);
        assert_eq!(out.leads_by_source[LeadSource::FurtherVictims as usize], 1);
        assert!(h.recovery().1.running.contains_key(&named));
    }
}
