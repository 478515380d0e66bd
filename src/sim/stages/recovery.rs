//! Recovery outside the welfare checks: missing-child reports (NCIC/NCMEC) and their matches,
//! exploitation leads worked by HSI investigators (a share reassigned to removal work), and
//! rescue.

use std::collections::HashMap;

use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, State};
use crate::sim::core::event::Event;
use crate::sim::core::pool::Pool;
use crate::sim::core::sampling::{hazard, unit, Sampler};
use crate::sim::core::Core;
use crate::sim::params::Params;

/// Who found a child in exploitation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rescuer {
    /// A welfare check at the child's address.
    Check,
    /// An HSI investigation of a lead.
    Lead,
    /// A match of a missing-child report.
    RecordMatch,
}

/// HSI's investigators and the delays of reports and investigations.
pub(crate) struct Recovery {
    investigators: Pool,
    /// Investigations running, per exploited child (one per lead taken up).
    running: HashMap<u32, u32>,
    missing_report: Sampler,
    investigation: Sampler,
}

impl Recovery {
    /// No investigator on duty yet (capacity is set each morning).
    pub(crate) fn new(p: &Params) -> Self {
        Recovery {
            investigators: Pool::default(),
            running: HashMap::new(),
            missing_report: Sampler::new(p.recovery.missing_report_delay),
            investigation: Sampler::new(p.recovery.investigation),
        }
    }

    /// Investigation slots today: investigators not reassigned, times cases each; waiting leads
    /// are taken up.
    pub(crate) fn start_of_day(&mut self, core: &mut Core) {
        let r = &core.p.recovery;
        let working = r.investigators.at(core.day) as f64 * (1.0 - r.reassigned_to_removal);
        self.investigators.capacity = (working * r.cases_per_investigator as f64).floor() as u32;
        self.investigate_waiting(core);
    }

    /// The household says the child is no longer there; a missing-child report may follow.
    pub(crate) fn household_reports_absence(&self, core: &mut Core, c: u32) {
        let p = core.p;
        let ch = core.child(c);
        let u = unit(&mut ch.follow);
        if u < p.recovery.sponsor_reports_runaway && !ch.flags.contains(Flags::MISSING_REPORTED) {
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

    /// A lead about an exploited child: it waits for an investigator; further leads may follow.
    pub(crate) fn lead(&mut self, core: &mut Core, c: u32) {
        if core.children[c as usize].state != State::Exploited {
            return;
        }
        core.out.leads_received += 1;
        if self.investigators.request(c, core.now) {
            self.start_investigation(core, c);
        }
        let rate = core.p.recovery.exploitation_lead_rate;
        if let Some(d) = hazard(rate, &mut core.child(c).life) {
            core.after(c, d, Event::Lead);
        }
    }

    /// Free investigators take waiting leads in order; a lead about a child no longer exploited
    /// (rescued by another route, turned 18) is passed over without taking one. A loop, however
    /// many of them there are.
    fn investigate_waiting(&mut self, core: &mut Core) {
        loop {
            let next = self
                .investigators
                .admit_next(|c| core.children[c as usize].state == State::Exploited);
            let Some((c, _)) = next else { break };
            self.start_investigation(core, c);
        }
    }

    fn start_investigation(&mut self, core: &mut Core, c: u32) {
        *self.running.entry(c).or_insert(0) += 1;
        let d = self.investigation.minutes(&mut core.child(c).follow);
        core.after(c, d, Event::LeadDone);
    }

    /// An investigation ends (the child is still exploited: had the child been rescued or turned
    /// 18, the investigator would have been handed back then, and this event dropped): the
    /// investigator takes the next lead, and the investigation may end in a rescue.
    pub(crate) fn lead_done(&mut self, core: &mut Core, c: u32) {
        debug_assert_eq!(core.children[c as usize].state, State::Exploited);
        self.hand_back(core, c, 1);
        let u = unit(&mut core.child(c).follow);
        if u < core.p.recovery.rescue_probability {
            rescue(core, c, Rescuer::Lead);
        }
    }

    /// The child is no longer exploited (the engine reads the core's inbox of ended placements):
    /// every investigator still working a lead about the child is handed back at once, and takes
    /// the next waiting lead.
    pub(crate) fn no_longer_exploited(&mut self, core: &mut Core, c: u32) {
        if let Some(&n) = self.running.get(&c) {
            self.hand_back(core, c, n);
        }
    }

    /// `n` of the investigations about `c` end: their investigators take the next leads.
    fn hand_back(&mut self, core: &mut Core, c: u32, n: u32) {
        match self.running.get_mut(&c) {
            Some(k) if *k > n => *k -= n,
            _ => {
                self.running.remove(&c);
            }
        }
        self.investigators.give_back(n);
        self.investigate_waiting(core);
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
    let d = hazard(rate, &mut ch.follow);
    core.out.missing_reports += 1;
    if let Some(d) = d {
        core.after(c, d, Event::RecordMatch);
    }
}

/// A missing-child report (NCIC/NCMEC) is matched: the child is found where they truly are.
pub(crate) fn record_match(core: &mut Core, c: u32) {
    match core.children[c as usize].state {
        State::Exploited => rescue(core, c, Rescuer::RecordMatch),
        State::LeftSponsor | State::WithSponsor => {
            core.out.located_by_match += 1;
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
    core.out.rescued += 1;
    match by {
        Rescuer::Check => core.out.rescued_by_checks += 1,
        Rescuer::Lead => core.out.rescued_by_leads += 1,
        Rescuer::RecordMatch => core.out.rescued_by_record_match += 1,
    }
    core.contact(c, Agency::Ice);
    core.set_state(c, State::Rescued);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::harness::{bare, fixed, Harness};
    use crate::sim::params::{Schedule, MINUTES_PER_DAY};

    /// One investigator slot; investigations take exactly 60 days; no further leads.
    fn one_investigator() -> Params {
        let mut p = bare();
        p.recovery.investigators = Schedule(vec![(0, 1)]);
        p.recovery.reassigned_to_removal = 0.0;
        p.recovery.cases_per_investigator = 1;
        p.recovery.investigation = fixed(60.0 * MINUTES_PER_DAY as f64);
        p.recovery.exploitation_lead_rate = 0.0;
        p
    }

    /// Investigator slots held, and leads waiting for one.
    fn investigators(h: &mut Harness) -> (u32, usize) {
        let (_, r) = h.recovery();
        (r.investigators.busy, r.investigators.line.len())
    }

    #[test]
    fn a_child_rescued_by_another_route_hands_the_investigator_on_at_once() {
        let p = one_investigator();
        let mut h = Harness::new(&p, 5);
        h.run_to(0);
        // Three exploited children with a lead each: a's is investigated (from the end of day 0
        // until the start of day 61), b's and w's wait.
        let kids: Vec<u32> = (0..3)
            .map(|_| {
                let c = h.new_child();
                let (core, r) = h.recovery();
                core.set_state(c, State::Exploited);
                r.lead(core, c);
                c
            })
            .collect();
        let (a, b) = (kids[0], kids[1]);
        assert_eq!(investigators(&mut h), (1, 2));
        // A missing-child report about a is matched on day 3: a is rescued by that route.
        h.at(3 * MINUTES_PER_DAY + 600, a, Event::RecordMatch);
        h.run_to(3);
        assert_eq!(h.core().children[a as usize].state, State::Rescued);
        assert_eq!(h.core().out.rescued_by_record_match, 1);
        assert_eq!(
            investigators(&mut h),
            (1, 1),
            "b's lead is taken up at once"
        );
        assert_eq!(h.recovery().1.running.get(&b), Some(&1));
        // The end of a's investigation (day 61) hands nothing back a second time: w's lead waits
        // until b's investigation ends (day 63).
        h.run_to(62);
        assert_eq!(investigators(&mut h), (1, 1));
        assert_eq!(h.core().out.rescued_by_leads, 0);
        h.run_to(63);
        let (busy, waiting) = investigators(&mut h);
        assert_eq!(waiting, 0);
        assert_eq!(busy, 1);
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
                core.set_state(c, State::Exploited);
            }
            r.lead(core, c);
        }
        assert_eq!(investigators(&mut h), (1, 3));
        h.at(2 * MINUTES_PER_DAY, gone, Event::Turn18);
        h.run_to(2);
        assert_eq!(h.core().children[gone as usize].state, State::AgedOut);
        // The holder's investigation ends on day 61: both of the aged-out child's leads are
        // passed over and the last child's is taken up.
        h.run_to(61);
        assert_eq!(investigators(&mut h), (1, 0));
        assert_eq!(h.recovery().1.running.get(&last), Some(&1));
        assert_eq!(h.recovery().1.running.get(&gone), None);
    }
}
