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

/// The household moves; the child moves with it if living there. Each agency is told with its
/// own probability (the court only while a case is open), less when households avoid contact.
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
        core.out.moves += 1;
    } else {
        core.out.moves_after_18 += 1;
    }
    let p = core.p;
    let avoid = deterrence::avoidance(p, core.day);
    let addr = core.new_address();
    let ch = core.child(c);
    let with_household = ch.true_addr == ch.household;
    ch.household = addr;
    if with_household {
        ch.true_addr = addr;
    }
    let mut report = [false; 3];
    for (i, r) in report.iter_mut().enumerate() {
        *r = unit(&mut ch.life) < p.life.move_reported[i] * (1.0 - avoid);
    }
    let case_open = ch.flags.contains(Flags::CASE_OPEN);
    let next = hazard(p.life.move_rate * ch.move_mult as f64, &mut ch.life);
    if followed && !(report[0] || report[1] || report[2] && case_open) {
        core.out.moves_unreported += 1;
    }
    if report[0] && followed {
        core.write_record(c, Agency::Orr, addr);
    }
    if report[1] {
        core.write_record(c, Agency::Ice, addr);
    }
    if report[2] && case_open {
        core.write_record(c, Agency::Court, addr);
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
    core.out.ran_away += 1;
    let addr = core.new_address();
    core.child(c).true_addr = addr;
    core.set_state(c, State::LeftSponsor);
    recovery.household_reports_absence(core, c);
}

/// Exploitation begins (and may move the child); leads about it may reach HSI.
pub(crate) fn exploit(core: &mut Core, c: u32) {
    if core.children[c as usize].state != State::WithSponsor {
        return;
    }
    core.out.exploited += 1;
    let p = core.p;
    let addr = core.new_address();
    let ch = core.child(c);
    if unit(&mut ch.life) < p.life.exploitation_relocates {
        ch.true_addr = addr;
    }
    let lead = hazard(p.recovery.exploitation_lead_rate, &mut ch.life);
    core.set_state(c, State::Exploited);
    if let Some(d) = lead {
        core.after(c, d, Event::Lead);
    }
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
