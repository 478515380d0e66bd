//! Placement breakdown: a placement with the sponsor can break down (a hazard by the sponsor's
//! hidden risk, while the child lives with the sponsor). The sponsor reports it, so ORR learns and
//! the child is not lost: the child returns to ORR care (`Orr::readmit`), where a new sponsor may
//! be found and the child released again. The return to care is a change of episode, so every
//! event of the broken placement is dropped by the engine.

use crate::sim::core::child::State;
use crate::sim::core::event::Event;
use crate::sim::core::sampling::hazard;
use crate::sim::core::Core;

/// At (every) release: when the placement would break down, by the sponsor's hidden risk (drawn
/// from the life stream, after the other life hazards).
pub(crate) fn on_release(core: &mut Core, c: u32) {
    let p = core.p;
    let ch = core.child(c);
    if let Some(d) = hazard(p.life.breakdown_rate[ch.risk as usize], &mut ch.life) {
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
    core.out.placement_breakdowns += 1;
    true
}
