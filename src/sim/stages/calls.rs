//! ORR's Safety and Well-Being calls: calls fall due after release, wait for call-centre capacity
//! (and lapse if not made in time), and reach the household depending on whether ORR's contact
//! details are current and whether the household avoids contact.

use std::collections::VecDeque;

use super::deterrence;
use super::recovery::Recovery;
use crate::sim::core::agency::Agency;
use crate::sim::core::event::Event;
use crate::sim::core::sampling::unit;
use crate::sim::core::Core;

/// The calls waiting to be made: (child, day due).
#[derive(Default)]
pub(crate) struct Calls {
    due: VecDeque<(u32, u32)>,
}

/// At release: the calls due at fixed times after release.
pub(crate) fn on_release(core: &mut Core, c: u32) {
    let p = core.p;
    for &d in &p.calls.after_release {
        core.after(c, d, Event::CallDue);
    }
}

/// Whether an attempt by ORR (call or post-release services) reaches the household: likely if
/// ORR's record is the household's current address, less so if stale, less again if the household
/// avoids contact.
pub(crate) fn reach(core: &mut Core, c: u32, if_current: f64, if_stale: f64) -> bool {
    let p = core.p;
    let avoid = deterrence::avoidance(p, core.day);
    let ch = core.child(c);
    let current = ch.rec[Agency::Orr] == ch.household;
    let mult = p.children.country_reach_multiplier[ch.country as usize];
    let u = unit(&mut ch.follow);
    let base = if current { if_current } else { if_stale };
    u < (base * mult).min(1.0) * (1.0 - avoid)
}

impl Calls {
    /// A call falls due: it joins the line.
    pub(crate) fn due(&mut self, core: &mut Core, c: u32) {
        if core.children[c as usize].state.is_followed() {
            core.out.calls_due += 1;
            self.due.push_back((c, core.day));
        }
    }

    /// The day's calls, up to the call centre's capacity; calls waiting past their window are
    /// dropped as not reached.
    pub(crate) fn work(&mut self, core: &mut Core, recovery: &Recovery) {
        let p = core.p;
        let mut capacity = p.calls.capacity_per_day.at(core.day);
        while capacity > 0 {
            let Some((c, due_day)) = self.due.pop_front() else {
                break;
            };
            if !core.children[c as usize].state.is_followed() {
                continue;
            }
            if core.day > due_day + p.calls.max_wait_days {
                // Never attempted in time: the call did not reach anyone.
                core.out.calls_not_reached += 1;
                continue;
            }
            capacity -= 1;
            call(core, recovery, c);
        }
        while let Some(&(c, due_day)) = self.due.front() {
            if core.day > due_day + p.calls.max_wait_days {
                self.due.pop_front();
                if core.children[c as usize].state.is_followed() {
                    core.out.calls_not_reached += 1;
                }
            } else {
                break;
            }
        }
    }
}

/// One call. Reached, it confirms where the child lives, or learns that the child is no longer
/// with the sponsor.
fn call(core: &mut Core, recovery: &Recovery, c: u32) {
    let p = core.p;
    if !reach(core, c, p.calls.answer_if_current, p.calls.reach_if_stale) {
        core.out.calls_not_reached += 1;
        return;
    }
    core.out.calls_reached += 1;
    let ch = &core.children[c as usize];
    if ch.true_addr == ch.household {
        core.contact(c, Agency::Orr);
    } else {
        core.out.calls_child_not_with_sponsor += 1;
        recovery.household_reports_absence(core, c);
    }
    core.refresh(c);
}
