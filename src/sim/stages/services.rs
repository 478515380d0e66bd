//! ORR's post-release services: regular contacts with the household for a period after release,
//! for home-study cases and a share of others.

use super::calls::reach;
use super::recovery::Recovery;
use crate::sim::core::agency::Agency;
use crate::sim::core::child::Flags;
use crate::sim::core::event::Event;
use crate::sim::core::Core;

/// At release: the first contact, for children receiving services.
pub(crate) fn on_release(core: &mut Core, c: u32) {
    let p = core.p;
    if core.has(c, Flags::SERVICES) && p.services.duration > 0 {
        core.after(c, p.services.contact_interval, Event::ServicesContact);
    }
}

/// A services contact while services last: reached, it confirms where the child lives, or learns
/// that the child is no longer with the sponsor. The next contact follows at the interval.
pub(crate) fn contact(core: &mut Core, recovery: &Recovery, c: u32) {
    let p = core.p;
    let ch = &core.children[c as usize];
    if !ch.state.is_followed() || core.now.saturating_sub(ch.release) > p.services.duration {
        return;
    }
    if reach(
        core,
        c,
        p.services.reach_if_current,
        p.services.reach_if_stale,
    ) {
        let ch = &core.children[c as usize];
        if ch.true_addr == ch.household {
            core.contact(c, Agency::Orr);
        } else {
            recovery.household_reports_absence(core, c);
        }
    }
    core.refresh(c);
    core.after(c, p.services.contact_interval, Event::ServicesContact);
}
