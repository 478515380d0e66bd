//! A resource with a capacity and a first-in-first-out waiting line (CBP agents, ORR beds, case
//! managers, HSI investigators).

use std::collections::VecDeque;

/// A resource with capacity and a FIFO waiting line of (child, time joined).
#[derive(Debug, Default)]
pub(crate) struct Pool {
    /// Units in service; may change from day to day.
    pub(crate) capacity: u32,
    /// Units held.
    pub(crate) busy: u32,
    /// Children waiting for a unit, with the time they joined.
    pub(crate) line: VecDeque<(u32, u32)>,
}

impl Pool {
    /// Take a unit now, or join the line.
    #[inline]
    pub(crate) fn request(&mut self, child: u32, now: u32) -> bool {
        if self.busy < self.capacity && self.line.is_empty() {
            self.busy += 1;
            true
        } else {
            self.line.push_back((child, now));
            false
        }
    }

    /// Give a unit back; returns the next waiting child that now holds it.
    #[inline]
    pub(crate) fn release(&mut self) -> Option<(u32, u32)> {
        self.busy = self.busy.saturating_sub(1);
        self.admit()
    }

    /// Admit the head of the line if capacity allows.
    #[inline]
    pub(crate) fn admit(&mut self) -> Option<(u32, u32)> {
        if self.busy < self.capacity {
            let next = self.line.pop_front()?;
            self.busy += 1;
            Some(next)
        } else {
            None
        }
    }
}
