//! Welfare checks: from the operation's start, ICE/HSI teams (and local partners) work through a
//! priority list built from ICE's own records, refreshed periodically. A visit finds the child
//! only at ICE's address if that is where the child truly lives; ICE may first match its record
//! against ORR's and the court's.

use super::recovery::{self, Recovery, Rescuer};
use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, State, NEVER, NO_ADDRESS};
use crate::sim::core::locate::{Cause, Route, Why};
use crate::sim::core::sampling::unit;
use crate::sim::core::Core;

/// The operation's work list and progress.
#[derive(Default)]
pub(crate) struct Checks {
    list: Vec<u32>,
    cursor: usize,
    done: u64,
}

impl Checks {
    /// The day's checks, up to the teams' and partners' capacity and the operation's size.
    pub(crate) fn work(&mut self, core: &mut Core, recovery: &Recovery) {
        let w = &core.p.checks;
        let Some(start) = w.start_day else { return };
        let day = core.day;
        if day < start {
            return;
        }
        if (day - start) % w.list_refresh_days.max(1) == 0 {
            self.build_list(core);
        }
        let teams = w.teams.at(day) as f64 * w.checks_per_team_day;
        let capacity = (teams.floor() as u64 + w.local_partner_checks_per_day.at(day) as u64)
            .min(w.max_checks.saturating_sub(self.done));
        let mut done = 0;
        while done < capacity && self.cursor < self.list.len() {
            let c = self.list[self.cursor];
            self.cursor += 1;
            let ch = &core.children[c as usize];
            if ch.flags.contains(Flags::CHECKED) || !ch.state.is_followed() {
                continue;
            }
            done += 1;
            visit(core, recovery, c);
        }
        self.done += done;
    }

    /// ICE's priority list, built from ICE's own records: children it believes released and holds
    /// an address for, not yet checked, ordered by priority group then release date.
    fn build_list(&mut self, core: &Core) {
        let prio = core.p.checks.priority;
        let mut list: Vec<(u8, u32, u32)> = Vec::new();
        for (i, ch) in core.children.iter().enumerate() {
            if ch.release == NEVER
                || ch.flags.contains(Flags::CHECKED)
                || ch.rec[Agency::Ice] == NO_ADDRESS
                || !ch.state.is_followed()
            {
                continue;
            }
            let group = if ch.flags.contains(Flags::IN_ABSENTIA) {
                0
            } else if !ch.flags.contains(Flags::NTA_SERVED) {
                1
            } else {
                2
            };
            let rank = prio.iter().position(|&g| g == group).unwrap_or(2) as u8;
            list.push((rank, ch.release, i as u32));
        }
        list.sort_unstable();
        self.list = list.into_iter().map(|x| x.2).collect();
        self.cursor = 0;
    }
}

/// One visit. ICE may first match its record against ORR's and the court's (taking the most
/// recently written). The visit finds the child only if ICE's address is the child's true current
/// one; at the sponsor's household without the child, the household may report the absence;
/// elsewhere nobody is found and ICE may file a missing-child report.
fn visit(core: &mut Core, recovery: &Recovery, c: u32) {
    core.out.welfare_checks += 1;
    let p = core.p;
    let ch = core.child(c);
    ch.flags.insert(Flags::CHECKED);
    if unit(&mut ch.follow) < p.sharing.ice_record_match {
        let best = if ch.rec[Agency::Court] != NO_ADDRESS
            && (ch.rec[Agency::Orr] == NO_ADDRESS
                || ch.rec_time[Agency::Court] > ch.rec_time[Agency::Orr])
        {
            Agency::Court
        } else {
            Agency::Orr
        };
        let addr = ch.rec[best];
        let ice = ch.rec[Agency::Ice];
        // Only a record newer than ICE's own replaces it.
        let newer = ice == NO_ADDRESS || ch.rec_time[best] > ch.rec_time[Agency::Ice];
        if addr != NO_ADDRESS && addr != ice && newer {
            core.write_record(c, Agency::Ice, addr);
            let why = core.why;
            core.why = Why {
                cause: Cause::RecordOverwritten,
                route: Route::RecordMatch,
            };
            core.refresh(c);
            core.why = why;
        }
    }
    let ch = core.child(c);
    let report = unit(&mut ch.follow) < p.checks.missing_report_if_not_found;
    let ice = ch.rec[Agency::Ice];
    let at_household = ice == ch.household;
    let reported = ch.flags.contains(Flags::MISSING_REPORTED);
    if ice == ch.true_addr {
        if ch.state == State::Exploited {
            recovery::rescue(core, c, Rescuer::Check);
        } else {
            core.out.located += 1;
            core.contact(c, Agency::Ice);
        }
    } else {
        core.out.not_found += 1;
        if at_household {
            recovery.household_reports_absence(core, c);
        } else if report && !reported {
            recovery.file_report(core, c);
        }
    }
    core.refresh(c);
}
