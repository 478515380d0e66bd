//! Recovery outside the welfare checks: missing-child reports (NCIC/NCMEC) and their matches,
//! exploitation leads worked by HSI investigators (a share reassigned to removal work), and
//! rescue.

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
    missing_report: Sampler,
    investigation: Sampler,
}

impl Recovery {
    /// No investigator on duty yet (capacity is set each morning).
    pub(crate) fn new(p: &Params) -> Self {
        Recovery {
            investigators: Pool::default(),
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
        while let Some((c, _)) = self.investigators.admit() {
            self.start_investigation(core, c);
        }
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

    fn start_investigation(&mut self, core: &mut Core, c: u32) {
        let d = self.investigation.minutes(&mut core.child(c).follow);
        core.after(c, d, Event::LeadDone);
    }

    /// An investigation ends: the investigator takes the next lead; if the child is still in the
    /// same placement (`current`) and exploited, the investigation may end in a rescue.
    pub(crate) fn lead_done(&mut self, core: &mut Core, c: u32, current: bool) {
        if let Some((next, _)) = self.investigators.release() {
            self.start_investigation(core, next);
        }
        if !current {
            return;
        }
        let u = unit(&mut core.child(c).follow);
        if core.children[c as usize].state == State::Exploited
            && u < core.p.recovery.rescue_probability
        {
            rescue(core, c, Rescuer::Lead);
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

/// A child in exploitation is found and placed in safety.
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
