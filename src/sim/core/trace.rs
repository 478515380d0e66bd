//! Tracing one child: after each of its events, and after a day's follow-up work when that changed
//! something, the truth and every agency's record are reported to the observer.

use super::locate::Lens;
use super::observer::{ChildEvent, Observer};
use super::Core;

/// What the day's follow-up step is called in a journey.
pub(crate) const DAILY_FOLLOW_UP: &str = "daily follow-up (calls, NTAs, welfare checks)";

/// Follows one child (or none) through a replication.
pub(crate) struct Tracer {
    child: Option<u32>,
    last: Option<ChildEvent>,
}

impl Tracer {
    /// Follow `child`, if any.
    pub(crate) fn new(child: Option<u32>) -> Self {
        Tracer { child, last: None }
    }

    /// Whether `c` is the traced child.
    #[inline]
    pub(crate) fn follows(&self, c: u32) -> bool {
        self.child == Some(c)
    }

    /// Report the traced child after one of its events (always).
    pub(crate) fn after_event(
        &mut self,
        core: &Core,
        observer: &mut dyn Observer,
        what: &'static str,
    ) {
        self.report(core, observer, what, true);
    }

    /// Report the traced child after the day's follow-up work, if it has arrived and something
    /// changed since the last report.
    pub(crate) fn after_day(&mut self, core: &Core, observer: &mut dyn Observer) {
        if self
            .child
            .is_some_and(|c| (c as usize) < core.children.len())
        {
            self.report(core, observer, DAILY_FOLLOW_UP, false);
        }
    }

    fn report(
        &mut self,
        core: &Core,
        observer: &mut dyn Observer,
        what: &'static str,
        always: bool,
    ) {
        let Some(ch) = self.child.and_then(|c| core.children.get(c as usize)) else {
            return;
        };
        let ev = ChildEvent {
            time: core.now,
            what,
            state: ch.state,
            true_address: ch.true_addr,
            household: ch.household,
            records: ch.rec.0,
            locatable: Lens::ALL.map(|l| ch.state.is_followed() && ch.locatable.contains(l)),
        };
        let changed = self.last.as_ref().is_none_or(|l| {
            (l.state, l.true_address, l.household, l.records, l.locatable)
                != (
                    ev.state,
                    ev.true_address,
                    ev.household,
                    ev.records,
                    ev.locatable,
                )
        });
        if !always && !changed {
            return;
        }
        observer.on_child_event(&ev);
        self.last = Some(ev);
    }
}
