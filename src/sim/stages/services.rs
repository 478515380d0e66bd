//! ORR's post-release services: regular contacts with the household for a period after release,
//! for home-study cases and a share of others.

use super::calls::reach;
use super::recovery::Recovery;
use crate::sim::core::agency::Agency;
use crate::sim::core::child::Flags;
use crate::sim::core::event::Event;
use crate::sim::core::Core;

/// At release: the first contact, for children receiving services (none if services end first).
pub(crate) fn on_release(core: &mut Core, c: u32) {
    if core.has(c, Flags::SERVICES) {
        next_contact(core, c);
    }
}

/// Schedule the next contact, one interval from now, if it falls while services last (measured
/// from this placement's release; a new release is a new placement, whose events these are not).
fn next_contact(core: &mut Core, c: u32) {
    let s = &core.p.services;
    let at = core.now.saturating_add(s.contact_interval);
    if at.saturating_sub(core.children[c as usize].release) <= s.duration {
        core.at(at, c, Event::ServicesContact);
    }
}

/// A services contact (scheduled only while services last, see [`next_contact`]): reached, it
/// confirms where the child lives, or learns that the child is no longer with the sponsor. The
/// next contact follows at the interval.
pub(crate) fn contact(core: &mut Core, recovery: &Recovery, c: u32) {
    let p = core.p;
    if !core.children[c as usize].state.is_followed() {
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
            recovery.household_reports_absence(core, c, true);
        }
    }
    core.refresh(c);
    next_contact(core, c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::core::child::{Epoch, State};
    use crate::sim::engine::harness::{self, Harness};
    use crate::sim::params::MINUTES_PER_DAY;

    /// Services last `duration` from release with a contact every `contact_interval`: exactly
    /// duration / interval contacts reach the child, the last one on the last day of services,
    /// and no contact is scheduled after services end.
    #[test]
    fn services_contacts_fall_only_while_services_last() {
        let mut p = harness::quiet();
        p.release.services_probability = [1.0; 3];
        p.services.contact_interval = 30 * MINUTES_PER_DAY;
        p.services.duration = 180 * MINUTES_PER_DAY;
        let mut h = Harness::new(&p, 3);
        h.core().cal.schedule(0, 0, Event::Arrive, Epoch::FIRST);
        h.trace(0);
        h.run_until(365, |core| {
            core.children
                .first()
                .is_some_and(|ch| ch.state == State::WithSponsor)
        });
        let release = h.core().children[0].release;
        assert!(h.core().children[0].flags.contains(Flags::SERVICES));
        h.run_to(release / MINUTES_PER_DAY + 400);
        let contacts: Vec<u32> = h
            .journey()
            .iter()
            .filter(|s| s.what == Event::ServicesContact.name())
            .map(|s| (s.time - release) / MINUTES_PER_DAY)
            .collect();
        assert_eq!(contacts, vec![30, 60, 90, 120, 150, 180]);
    }
}
