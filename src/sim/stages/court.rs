//! The immigration court: cases opened by filed NTAs, representation, hearings booked on a slot
//! calendar (backlog), hearing notices sent to the court's address on file, appearance or an in
//! absentia order, and case closure.

use super::deterrence;
use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, NO_ADDRESS};
use crate::sim::core::event::Event;
use crate::sim::core::sampling::{unit, Sampler};
use crate::sim::core::slots::DailySlots;
use crate::sim::core::Core;
use crate::sim::params::{Params, MINUTES_PER_DAY};

/// The court's hearing calendar.
pub(crate) struct Court {
    slots: DailySlots,
    next_hearing: Sampler,
}

impl Court {
    /// A calendar with the scenario's hearing capacity per day.
    pub(crate) fn new(p: &Params) -> Self {
        Court {
            slots: DailySlots::new(p.horizon_days, &p.court.hearings_per_day),
            next_hearing: Sampler::new(p.court.next_hearing),
        }
    }

    /// The NTA is filed: the case starts; whether the child has a lawyer is drawn; the first
    /// hearing is booked.
    pub(crate) fn nta_filed(&mut self, core: &mut Core, c: u32) {
        if !core.children[c as usize].state.is_followed() {
            return;
        }
        let representation = core.p.court.representation;
        let ch = core.child(c);
        if unit(&mut ch.follow) < representation {
            ch.flags.insert(Flags::REPRESENTED);
        }
        let day = core.day;
        self.schedule_hearing(core, c, day);
    }

    /// Book the first free hearing day on or after `earliest_day` (and the minimum notice). The
    /// notice goes now to the court's address on file; it reaches the child if that is where the
    /// child lives.
    fn schedule_hearing(&mut self, core: &mut Core, c: u32, earliest_day: u32) {
        let now = core.now;
        let today = now / MINUTES_PER_DAY;
        let Some(day) = self
            .slots
            .book(earliest_day.max(today + core.p.court.min_notice_days))
        else {
            return; // no slot before the horizon
        };
        let ch = core.child(c);
        let delivered = ch.rec[Agency::Court] == ch.true_addr && ch.true_addr != NO_ADDRESS;
        ch.flags.set(Flags::NOTICE_DELIVERED, delivered);
        if !delivered {
            core.out.notices_to_stale_address += 1;
        }
        // Hearings sit at 09:00; one booked for today after 09:00 is heard at once.
        let t = day
            .saturating_mul(MINUTES_PER_DAY)
            .saturating_add(9 * 60)
            .max(now);
        core.at(t, c, Event::Hearing);
    }

    /// A hearing: the child appears (likelier with the notice and a lawyer, less likely if the
    /// household avoids contact) and the case may close or continue; a no-show ends in an in
    /// absentia order.
    pub(crate) fn hearing(&mut self, core: &mut Core, c: u32) {
        let p = core.p;
        let avoid = deterrence::avoidance(p, core.day);
        let ch = core.child(c);
        if !ch.state.is_followed() || !ch.flags.contains(Flags::CASE_OPEN) {
            return;
        }
        let represented = ch.flags.contains(Flags::REPRESENTED);
        let base = if !ch.flags.contains(Flags::NOTICE_DELIVERED) {
            p.court.appear_no_notice
        } else if represented {
            p.court.appear_notice_represented
        } else {
            p.court.appear_notice_unrepresented
        };
        let prob = (base * ch.appear_mult as f64).min(1.0) * (1.0 - avoid);
        let appears = unit(&mut ch.follow) < prob;
        let closes = unit(&mut ch.follow) < p.court.case_closes_per_hearing;
        let gap = self.next_hearing.minutes(&mut ch.follow);
        core.out.hearings += 1;
        if appears {
            core.out.appearances += 1;
            if represented {
                core.out.appearances_with_counsel += 1;
            }
            core.contact(c, Agency::Court);
            if closes {
                core.child(c).flags.remove(Flags::CASE_OPEN);
            } else {
                let earliest = (core.now.saturating_add(gap)) / MINUTES_PER_DAY;
                self.schedule_hearing(core, c, earliest);
            }
        } else {
            core.out.no_shows += 1;
            let ch = core.child(c);
            ch.flags.insert(Flags::IN_ABSENTIA);
            ch.flags.remove(Flags::CASE_OPEN);
        }
        core.refresh(c);
    }
}
