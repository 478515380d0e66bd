//! ORR's Safety and Well-Being calls: a call falls due after release and is attempted by the call
//! staff, up to a number of attempts a few days apart, within a window after its due day. Each
//! attempt uses one unit of the day's capacity, so in a surge calls wait, fewer attempts fit in
//! the window, and more calls end unreached. An attempt reaches the household depending on
//! whether ORR's contact details are current and whether the household avoids contact.

use std::collections::VecDeque;

use super::deterrence;
use super::recovery::Recovery;
use crate::sim::core::agency::Agency;
use crate::sim::core::child::Epoch;
use crate::sim::core::event::Event;
use crate::sim::core::sampling::unit;
use crate::sim::core::Core;

/// One call due: to whom, in which placement, when it fell due, and the attempts made so far.
#[derive(Debug, Clone, Copy)]
struct Call {
    child: u32,
    /// The placement the call belongs to: a call of an earlier placement is never made.
    epoch: Epoch,
    /// The day the call fell due (its window runs `max_wait_days` from there).
    due_day: u32,
    attempts: u32,
}

/// The calls waiting for an attempt, in the order they became ready (fell due, or came up for
/// another attempt), and the unanswered calls waiting for their next attempt day.
#[derive(Default)]
pub(crate) struct Calls {
    line: VecDeque<Call>,
    /// (day of the next attempt, call), in order of that day.
    retries: VecDeque<(u32, Call)>,
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
    /// A call falls due: it is counted and joins the line.
    pub(crate) fn due(&mut self, core: &mut Core, c: u32) {
        let ch = &core.children[c as usize];
        if ch.state.is_followed() {
            core.out.calls_due += 1;
            self.line.push_back(Call {
                child: c,
                epoch: ch.epoch,
                due_day: core.day,
                attempts: 0,
            });
        }
    }

    /// The day's attempts, up to the staff's capacity, from the front of the line. A call of a
    /// placement that has ended is dropped uncounted; a call whose window has ended is counted
    /// not reached; an unanswered attempt is retried `retry_days` later if attempts and the window
    /// allow, and is otherwise the end of the call, not reached. Calls coming up for another
    /// attempt tomorrow join the back of the line tonight, ahead of tomorrow's new calls.
    pub(crate) fn work(&mut self, core: &mut Core, recovery: &Recovery) {
        let p = core.p;
        let day = core.day;
        let mut capacity = p.calls.capacity_per_day.at(day);
        while let Some(&call) = self.line.front() {
            if core.children[call.child as usize].epoch != call.epoch {
                // The child left the placement (no longer followed, or returned to care).
                self.line.pop_front();
                continue;
            }
            let last_day = call.due_day.saturating_add(p.calls.max_wait_days);
            if day > last_day {
                // Its window ended before an attempt could be made.
                self.line.pop_front();
                core.out.calls_not_reached += 1;
                continue;
            }
            if capacity == 0 {
                break;
            }
            self.line.pop_front();
            capacity -= 1;
            core.out.call_attempts += 1;
            if attempt(core, recovery, call.child) {
                continue;
            }
            let attempts = call.attempts + 1;
            let next = day.saturating_add(p.calls.retry_days);
            if attempts < p.calls.max_attempts && next <= last_day {
                self.retries.push_back((next, Call { attempts, ..call }));
            } else {
                core.out.calls_not_reached += 1;
            }
        }
        while let Some(&(next, call)) = self.retries.front() {
            if next > day + 1 {
                break;
            }
            self.retries.pop_front();
            self.line.push_back(call);
        }
    }
}

/// One attempt. Reached, it confirms where the child lives, or learns that the child is no longer
/// with the sponsor; returns whether it reached the household.
fn attempt(core: &mut Core, recovery: &Recovery, c: u32) -> bool {
    let p = core.p;
    if !reach(core, c, p.calls.answer_if_current, p.calls.reach_if_stale) {
        return false;
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
    true
}
