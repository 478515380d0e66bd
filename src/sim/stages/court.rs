//! The immigration court: cases opened by filed NTAs, representation, hearings booked on a slot
//! calendar (backlog), hearing notices sent shortly before each hearing to the court's address on
//! file then (or through counsel), appearance or an in absentia order, and case closure. A case
//! goes on after the child turns 18.

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

    /// Book the first free hearing day on or after `earliest_day` (and the minimum notice), and
    /// the notice: sent `notice_sent_days_before_hearing` before the hearing, or now if the hearing
    /// is sooner.
    fn schedule_hearing(&mut self, core: &mut Core, c: u32, earliest_day: u32) {
        let now = core.now;
        let today = now / MINUTES_PER_DAY;
        let Some(day) = self
            .slots
            .book(earliest_day.max(today + core.p.court.min_notice_days))
        else {
            return; // no slot before the horizon
        };
        // Hearings sit at 09:00; one booked for today after 09:00 is heard at once.
        let t = day
            .saturating_mul(MINUTES_PER_DAY)
            .saturating_add(9 * 60)
            .max(now);
        let sent = t.saturating_sub(core.p.court.notice_lead).max(now);
        core.child(c).flags.remove(Flags::NOTICE_DELIVERED);
        // Scheduled first: a notice sent at the hearing's minute comes before it.
        core.at(sent, c, Event::NoticeSent);
        core.at(t, c, Event::Hearing);
    }

    /// The notice of the next hearing is sent to the court's address on file: it reaches the
    /// person if that is where they live, or, for a represented person, through their lawyer with
    /// `notice_via_counsel_probability` (drawn for every notice, so that the follow-up stream stays
    /// in step whatever the address).
    pub(crate) fn notice_sent(&mut self, core: &mut Core, c: u32) {
        let via_counsel = core.p.court.notice_via_counsel;
        let ch = core.child(c);
        if !ch.case_may_proceed() || !ch.flags.contains(Flags::CASE_OPEN) {
            return;
        }
        let counsel = unit(&mut ch.follow) < via_counsel && ch.flags.contains(Flags::REPRESENTED);
        let at_address = ch.rec[Agency::Court] == ch.true_addr && ch.true_addr != NO_ADDRESS;
        ch.flags.set(Flags::NOTICE_DELIVERED, at_address || counsel);
        if !at_address {
            core.tally(c).notices_to_stale_address += 1;
            core.tally(c).notices_via_counsel += counsel as u64;
        }
    }

    /// A hearing: the child appears (likelier with the notice and a lawyer, less likely if the
    /// household avoids contact) and the case may close or continue; a no-show ends in an in
    /// absentia order. Hearings go on after the child turns 18 (following release).
    pub(crate) fn hearing(&mut self, core: &mut Core, c: u32) {
        let p = core.p;
        let avoid = deterrence::avoidance_today(core);
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
        core.tally(c).hearings += 1;
        core.tally(c).hearings_after_18 += adult as u64;
        if appears {
            core.tally(c).appearances += 1;
            if represented {
                core.tally(c).appearances_with_counsel += 1;
            }
            core.contact(c, Agency::Court);
            if closes {
                core.child(c).flags.remove(Flags::CASE_OPEN);
            } else {
                let earliest = (core.now.saturating_add(gap)) / MINUTES_PER_DAY;
                self.schedule_hearing(core, c, earliest);
            }
        } else {
            core.tally(c).no_shows += 1;
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
    use crate::sim::stages::life;

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

    /// The notice goes out shortly before the hearing, to the address the court holds then: a move
    /// the court was not told of after the hearing was booked means the notice misses the child.
    #[test]
    fn a_move_between_booking_and_sending_makes_the_notice_miss_the_child() {
        let mut p = quiet();
        p.court.min_notice_days = 200;
        let (mut e, c) = filed_case(&p);
        life::household_moves(e.core(), c);
        let stale = e.core().out.notices_to_stale_address;
        e.advance(199);
        assert!(
            !e.core().has(c, Flags::NOTICE_DELIVERED),
            "the notice reached an address the child had left"
        );
        assert!(e.core().out.notices_to_stale_address > stale);
    }

    /// A lawyer receives the notice whatever the court's address: with
    /// `notice_via_counsel_probability` 1 a represented person gets it after an unreported move,
    /// with 0 not.
    #[test]
    fn a_lawyer_passes_on_a_notice_the_court_sent_to_an_old_address() {
        for (via_counsel, delivered) in [(1.0, true), (0.0, false)] {
            let mut p = quiet();
            p.court.min_notice_days = 200;
            p.court.representation = 1.0;
            p.court.notice_via_counsel = via_counsel;
            let (mut e, c) = filed_case(&p);
            assert!(e.core().has(c, Flags::REPRESENTED));
            life::household_moves(e.core(), c);
            e.advance(199);
            assert_eq!(e.core().has(c, Flags::NOTICE_DELIVERED), delivered);
        }
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
