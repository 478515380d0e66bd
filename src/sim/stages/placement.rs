//! Placement breakdown: a placement with the sponsor can break down (a hazard by the sponsor's
//! hidden risk, while the child lives with the sponsor). The sponsor reports it, so ORR learns and
//! the child is not lost: the child returns to ORR care (`Orr::readmit`), where a new sponsor may
//! be found and the child released again. The return to care is a change of episode, so every
//! event of the broken placement is dropped by the engine.

use crate::sim::core::child::State;
use crate::sim::core::event::Event;
use crate::sim::core::sampling::hazard;
use crate::sim::core::Core;

/// At (every) release: when the placement would break down, by the sponsor's hidden risk. A
/// release-time draw from the pre-release stream, like the address error and services, so that
/// reforms after release (moves, calls, NTAs) do not change who returns to ORR care and when.
pub(crate) fn on_release(core: &mut Core, c: u32) {
    let p = core.p;
    let ch = core.child(c);
    if let Some(d) = hazard(p.life.breakdown_rate[ch.risk as usize], &mut ch.pre) {
        core.after(c, d, Event::Breakdown);
    }
}

/// The placement breaks down if the child still lives with the sponsor (a child who left the
/// sponsor or is exploited has no placement left to break down). Returns whether it did; ORR
/// then takes the child back.
pub(crate) fn breaks_down(core: &mut Core, c: u32) -> bool {
    if core.children[c as usize].state != State::WithSponsor {
        return false;
    }
    core.tally(c).placement_breakdowns += 1;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::core::child::{Epoch, Flags};
    use crate::sim::engine::harness::{self, Harness};
    use crate::sim::params::{DatedValue, Params, MINUTES_PER_DAY};

    /// Safe sponsors only (never rejected), no running away, no exploitation, no breakdown but the
    /// tests' own; ICE means to issue an NTA to everyone released.
    fn quiet() -> Params {
        let mut p = harness::quiet();
        p.ice.nta_intent = DatedValue::constant(1.0);
        p
    }

    /// One child arriving at time 0 and run until released.
    fn released(h: &mut Harness) -> u32 {
        h.core().cal.schedule(0, 0, Event::Arrive, Epoch::FIRST);
        h.run_until(365, |core| {
            core.children
                .first()
                .is_some_and(|ch| ch.state == State::WithSponsor)
        });
        0
    }

    #[test]
    fn after_a_breakdown_and_a_new_release_no_event_of_the_old_placement_fires() {
        let p = quiet();
        let mut h = Harness::new(&p, 9);
        let c = released(&mut h);
        let old = h.core().children[c as usize].epoch;
        // ICE's NTA intent was decided at the first release; say it was "no".
        h.core().children[c as usize]
            .flags
            .remove(Flags::NTA_INTENT);
        // A move and a call of this placement, 150 days ahead.
        let now = h.core().now;
        let stale_at = now + 150 * MINUTES_PER_DAY + 17;
        h.core().cal.schedule(stale_at, c, Event::Move, old);
        h.core().cal.schedule(stale_at, c, Event::CallDue, old);
        h.at(now + 60, c, Event::Breakdown);
        h.trace(c);
        h.run_until(140, |core| core.children[0].state == State::WithSponsor);
        let ch = &h.core().children[c as usize];
        assert_eq!(
            ch.epoch,
            old.next().next(),
            "back in care, then released again"
        );
        assert!(
            ch.release < stale_at,
            "re-released before the old events fall due"
        );
        assert!(
            !ch.flags.contains(Flags::NTA_INTENT),
            "NTA intent not drawn again"
        );
        let dropped = h.core().stale_dropped;
        h.run_to(stale_at / MINUTES_PER_DAY + 1);
        assert!(h.core().stale_dropped >= dropped + 2);
        let journey: Vec<(u32, &str)> = h.journey().iter().map(|s| (s.time, s.what)).collect();
        assert!(journey.contains(&(now + 60, "placement broke down")));
        assert!(
            journey.iter().all(|&(t, _)| t != stale_at),
            "an event of the broken placement fired: {journey:?}"
        );
        let out = &h.core().out;
        assert_eq!(
            (out.released, out.re_releases, out.placement_breakdowns),
            (1, 1, 1)
        );
    }

    #[test]
    fn only_a_child_living_with_the_sponsor_has_a_placement_to_break_down() {
        let p = quiet();
        let mut h = Harness::new(&p, 9);
        let c = released(&mut h);
        h.core().set_state(c, State::LeftSponsor);
        let now = h.core().now;
        h.at(now + 60, c, Event::Breakdown);
        let day = h.next_day();
        h.run_to(day);
        assert_eq!(h.core().children[c as usize].state, State::LeftSponsor);
        assert_eq!(h.core().out.placement_breakdowns, 0);
    }

    #[test]
    fn a_child_is_released_again_until_the_sponsors_orr_vets_run_out() {
        // Every placement breaks down within days (a mean of 5): the child is released again
        // after each breakdown until `max_sponsor_attempts` sponsors have been used up, then
        // stays in care.
        let mut p = quiet();
        p.life.breakdown_rate = [1.0 / (5.0 * MINUTES_PER_DAY as f64); 3];
        p.sponsors.max_attempts = 3;
        let mut h = Harness::new(&p, 9);
        let c = released(&mut h);
        h.run_until(400, |core| {
            core.children[0].state == State::Orr && core.out.placement_breakdowns == 3
        });
        let day = h.next_day();
        h.run_to(day + 200);
        let out = &h.core().out;
        assert_eq!(
            (out.released, out.re_releases, out.placement_breakdowns),
            (1, 2, 3)
        );
        assert_eq!(h.core().children[c as usize].state, State::Orr);
    }
}
