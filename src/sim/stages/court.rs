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
    /// hearing is booked. The case goes on if the child has turned 18 since release.
    pub(crate) fn nta_filed(&mut self, core: &mut Core, c: u32) {
        if !core.children[c as usize].case_may_proceed() {
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
    /// absentia order. Hearings go on after the child turns 18 (following release).
    pub(crate) fn hearing(&mut self, core: &mut Core, c: u32) {
        let p = core.p;
        let avoid = deterrence::avoidance(p, core.day);
        let ch = core.child(c);
        if !ch.case_may_proceed() || !ch.flags.contains(Flags::CASE_OPEN) {
            return;
        }
        let adult = !ch.state.is_followed();
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
        core.out.hearings_after_18 += adult as u64;
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

#[cfg(test)]
mod tests {
    use crate::sim::core::agency::Agency;
    use crate::sim::core::child::{Flags, State};
    use crate::sim::core::event::Event;
    use crate::sim::engine::testkit::scenario;
    use crate::sim::engine::Engine;
    use crate::sim::params::{Params, MINUTES_PER_DAY};

    /// The baseline at 2% of its cohort; nobody has a lawyer and households move only when a
    /// test moves them, unreported.
    fn quiet() -> Params {
        let mut p = scenario("baseline.toml", 0.02);
        p.court.representation = 0.0;
        p.life.move_rate = 0.0;
        p.life.move_reported = [0.0; 3];
        p
    }

    /// A released child of an engine run for 400 days, served an NTA that was just filed: the
    /// court holds the address where the child lives and books the first hearing.
    fn filed_case(p: &Params) -> (Engine<'_>, u32) {
        let mut e = Engine::after_days(p, 400);
        let c = e.quiet_released_child();
        let core = e.core();
        core.child(c)
            .flags
            .insert(Flags::NTA_SERVED | Flags::CASE_OPEN);
        let addr = core.children[c as usize].true_addr;
        core.write_record(c, Agency::Court, addr);
        let (core, court) = e.court();
        court.nta_filed(core, c);
        (e, c)
    }

    #[test]
    fn a_notice_sent_where_the_child_lives_is_delivered() {
        let mut p = quiet();
        p.court.min_notice_days = 200;
        let (mut e, c) = filed_case(&p);
        e.advance(199);
        assert!(e.core().has(c, Flags::NOTICE_DELIVERED));
    }

    /// Turning 18 does not close an immigration case: the hearing is held, and a no-show ends in
    /// an in absentia order.
    #[test]
    fn a_case_open_at_18_still_has_its_hearing() {
        let mut p = quiet();
        p.court.appear_notice_represented = 0.0;
        p.court.appear_notice_unrepresented = 0.0;
        p.court.appear_no_notice = 0.0;
        let (mut e, c) = filed_case(&p);
        let core = e.core();
        let tomorrow = core.now + MINUTES_PER_DAY;
        core.at(tomorrow, c, Event::Turn18);
        let no_shows = core.out.no_shows;
        e.advance(365);
        let ch = &e.core().children[c as usize];
        assert_eq!(ch.state, State::AgedOut);
        assert!(
            ch.flags.contains(Flags::IN_ABSENTIA),
            "the hearing after 18 was held, and missed"
        );
        assert!(!ch.flags.contains(Flags::CASE_OPEN));
        assert!(e.core().out.no_shows > no_shows);
    }
}
