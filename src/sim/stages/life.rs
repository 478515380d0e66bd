//! Life after release: household moves (and which agencies are told), running away, falling into
//! exploitation, and turning 18 after release (after which the household's moves go on while the
//! person is in immigration proceedings).

use super::deterrence;
use super::recovery::Recovery;
use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, State};
use crate::sim::core::event::Event;
use crate::sim::core::sampling::{hazard, unit};
use crate::sim::core::Core;

/// At release: when the household first moves, when the child would run away and when
/// exploitation would begin (competing hazards by sponsor risk).
pub(crate) fn on_release(core: &mut Core, c: u32) {
    let p = core.p;
    let ch = core.child(c);
    let mv = hazard(p.life.move_rate * ch.move_mult as f64, &mut ch.life);
    let run = hazard(
        p.life.runaway_rate[ch.risk as usize] * ch.runaway_mult as f64,
        &mut ch.life,
    );
    let exploit = hazard(p.life.exploitation_rate[ch.risk as usize], &mut ch.life);
    for (event, d) in [
        (Event::Move, mv),
        (Event::RunAway, run),
        (Event::Exploit, exploit),
    ] {
        if let Some(d) = d {
            core.after(c, d, event);
        }
    }
}

/// The household moves; the child moves with it if living there, and only then is a report of
/// the move news of the child's address. Each agency is told with its own probability (the court
/// only while a case is open, more often for a represented person, whose lawyer files the change
/// of address), less when households avoid contact.
/// After 18 (following release) the moves go on while the person is in proceedings, so that NTA
/// service and hearing notices meet a changing address: ICE and the court may be told, ORR (which
/// no longer follows the person) is not, and they count apart (`moves_after_18`).
pub(crate) fn household_moves(core: &mut Core, c: u32) {
    let ch = &core.children[c as usize];
    let followed = ch.state.is_followed();
    let adult_in_proceedings = ch.case_may_proceed() && ch.in_proceedings();
    if !followed && !adult_in_proceedings {
        return;
    }
    if followed {
        core.tally(c).moves += 1;
    } else {
        core.tally(c).moves_after_18 += 1;
    }
    let p = core.p;
    let avoid = deterrence::avoidance_today(core);
    let addr = core.new_address();
    let ch = core.child(c);
    let with_household = ch.true_addr == ch.household;
    ch.household = addr;
    if with_household {
        ch.true_addr = addr;
    }
    // The court hears of a move only while a case is open: from a represented person's lawyer
    // (a change-of-address filing) more often than from the family alone.
    let mut told = p.life.move_reported;
    if ch.flags.contains(Flags::REPRESENTED) {
        told[2] = p.court.change_of_address_represented;
    }
    let mut report = [false; 3];
    for (r, told) in report.iter_mut().zip(told) {
        *r = unit(&mut ch.life) < told * (1.0 - avoid);
    }
    let case_open = ch.flags.contains(Flags::CASE_OPEN);
    let next = hazard(p.life.move_rate * ch.move_mult as f64, &mut ch.life);
    if followed && !(report[0] || report[1] || report[2] && case_open) {
        core.tally(c).moves_unreported += 1;
    }
    // A report gives the household's new address as the child's only if the child lives there:
    // the address of a child who left (ran away, relocated by exploiters) is not overwritten (with
    // an integrated record, that would wipe every agency's copy of it).
    if with_household {
        if report[0] && followed {
            core.write_record(c, Agency::Orr, addr);
        }
        if report[1] {
            core.write_record(c, Agency::Ice, addr);
        }
        if report[2] && case_open {
            core.write_record(c, Agency::Court, addr);
        }
    }
    if let Some(d) = next {
        core.after(c, d, Event::Move);
    }
    core.refresh(c);
}

/// The child leaves the sponsor for an address no agency knows; the household may report it.
pub(crate) fn run_away(core: &mut Core, recovery: &Recovery, c: u32) {
    if core.children[c as usize].state != State::WithSponsor {
        return;
    }
    core.tally(c).ran_away += 1;
    let addr = core.new_address();
    core.child(c).true_addr = addr;
    core.set_state(c, State::LeftSponsor);
    recovery.household_reports_absence(core, c, false);
}

/// Exploitation begins (and may move the child): sexual or labour exploitation. Returns whether
/// it began (the engine then lets HSI's leads about it begin).
pub(crate) fn exploit(core: &mut Core, c: u32) -> bool {
    if core.children[c as usize].state != State::WithSponsor {
        return false;
    }
    core.tally(c).exploited += 1;
    let p = core.p;
    let addr = core.new_address();
    let ch = core.child(c);
    if unit(&mut ch.life) < p.life.exploitation_relocates {
        ch.true_addr = addr;
    }
    if unit(&mut ch.life) < p.life.sexual_exploitation {
        ch.flags.insert(Flags::SEXUAL_EXPLOITATION);
    } else {
        ch.flags.remove(Flags::SEXUAL_EXPLOITATION);
    }
    core.set_state(c, State::Exploited);
    true
}

/// A released child turns 18 and leaves the followed population. A person in immigration
/// proceedings keeps a household that moves: the move pending in the ended placement is replaced by
/// a fresh one.
pub(crate) fn turn_18(core: &mut Core, c: u32) {
    if !core.children[c as usize].state.is_followed() {
        return;
    }
    core.set_state(c, State::AgedOut);
    let rate = core.p.life.move_rate;
    let ch = core.child(c);
    if ch.in_proceedings() {
        if let Some(d) = hazard(rate * ch.move_mult as f64, &mut ch.life) {
            core.after(c, d, Event::Move);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::testkit::scenario;
    use crate::sim::engine::Engine;

    /// With an open case, a represented person's move reaches the court with
    /// `change_of_address_probability_represented`, an unrepresented one's with
    /// `move_reported_probability.court`.
    #[test]
    fn a_lawyer_files_the_change_of_address_with_the_court() {
        for (represented, unrepresented) in [(1.0, 0.0), (0.0, 1.0)] {
            let mut p = scenario("baseline.toml", 0.02);
            // No household avoids contact (the 2018 agreement's pressure is in force on day 400).
            p.deterrence.enabled = false;
            p.life.move_reported = [0.0, 0.0, unrepresented];
            p.court.change_of_address_represented = represented;
            let mut e = Engine::after_days(&p, 400);
            let kids = e.quiet_released_children(2);
            let core = e.core();
            core.child(kids[0]).flags.insert(Flags::REPRESENTED);
            for &c in &kids {
                core.child(c).flags.insert(Flags::CASE_OPEN);
                household_moves(core, c);
            }
            let told = |c: u32| {
                let ch = &core.children[c as usize];
                ch.rec[Agency::Court] == ch.household
            };
            assert_eq!(told(kids[0]), represented == 1.0, "represented");
            assert_eq!(told(kids[1]), unrepresented == 1.0, "unrepresented");
        }
    }

    /// A child who left the household and whose own address every agency knows: a move of the
    /// household, reported everywhere, is not news about the child and overwrites nothing (with
    /// per-agency records or an integrated one).
    #[test]
    fn a_household_move_never_overwrites_the_address_of_a_child_who_left() {
        for integrated in [false, true] {
            let mut p = scenario("baseline.toml", 0.02);
            p.sharing.integrated_record = integrated;
            p.life.move_reported = [1.0; 3];
            let mut e = Engine::after_days(&p, 400);
            let c = e.quiet_released_child();
            let core = e.core();
            let own = core.new_address();
            core.child(c).true_addr = own;
            core.set_state(c, State::LeftSponsor);
            core.child(c).flags.insert(Flags::CASE_OPEN);
            for a in [Agency::Orr, Agency::Ice, Agency::Court] {
                core.write_record(c, a, own);
            }
            core.refresh(c);
            household_moves(core, c);
            let ch = &core.children[c as usize];
            assert_ne!(ch.household, own, "the household moved");
            for a in [Agency::Orr, Agency::Ice, Agency::Court] {
                assert_eq!(
                    ch.rec[a], own,
                    "integrated={integrated}: {a:?} lost the child's own address"
                );
            }
        }
    }
}
