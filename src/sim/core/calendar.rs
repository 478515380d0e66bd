//! The calendar (event queue): a calendar of one bucket per simulated day. Events of future days are appended
//! to their day's bucket unsorted; when the clock reaches a day, that bucket is sorted by
//! (time, child, sequence) and read in order, and events scheduled for the current day after that
//! go to a small binary heap merged with the sorted run. Reading the day in order lets the engine
//! look a few events ahead (to prefetch the children they touch).
//! Simultaneous events therefore leave in a fixed order: by child id, then in the order they were
//! scheduled. Ordering ties by child first keeps the pre-release history of a child independent of
//! how many post-release events other children schedule (common random numbers).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::child::Epoch;
use super::event::Event;
use crate::sim::params::MINUTES_PER_DAY;

/// One pending event. Ordered by (time, child, sequence): `key` packs time and child so that the
/// comparison is one integer comparison; the sequence number is unique, so the event and its
/// epoch never decide the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry {
    /// `time << 32 | child`.
    key: u64,
    seq: u32,
    /// What happens.
    pub(crate) event: Event,
    /// The placement of the child the event belongs to.
    pub(crate) epoch: Epoch,
}

impl Entry {
    fn new(time: u32, child: u32, seq: u32, event: Event, epoch: Epoch) -> Self {
        Entry {
            key: (time as u64) << 32 | child as u64,
            seq,
            event,
            epoch,
        }
    }
    /// Simulation time, minutes since the scenario start.
    #[inline]
    pub(crate) fn time(&self) -> u32 {
        (self.key >> 32) as u32
    }
    /// The child the event is about.
    #[inline]
    pub(crate) fn child(&self) -> u32 {
        self.key as u32
    }
}

/// Pending events, one bucket per simulated day (see the module documentation).
pub(crate) struct Calendar {
    buckets: Vec<Vec<Entry>>,
    /// The current day's events, sorted; `cursor` is the next one.
    sorted: Vec<Entry>,
    cursor: usize,
    /// Events scheduled for the current day after it was opened.
    late: BinaryHeap<Reverse<Entry>>,
    day: u32,
    seq: u32,
    /// Events dropped because they fall after the horizon.
    pub(crate) beyond_horizon: u64,
    /// Events scheduled within the horizon.
    pub(crate) scheduled: u64,
}

impl Calendar {
    /// An empty calendar of `days` days.
    pub(crate) fn new(days: u32) -> Self {
        Calendar {
            buckets: (0..days).map(|_| Vec::new()).collect(),
            sorted: Vec::new(),
            cursor: 0,
            late: BinaryHeap::new(),
            day: 0,
            seq: 0,
            beyond_horizon: 0,
            scheduled: 0,
        }
    }

    /// Schedule an event; the engine only schedules at or after the current time.
    #[inline]
    pub(crate) fn schedule(&mut self, time: u32, child: u32, event: Event, epoch: Epoch) {
        let day = time / MINUTES_PER_DAY;
        self.seq = self.seq.wrapping_add(1);
        let ev = Entry::new(time, child, self.seq, event, epoch);
        if day as usize >= self.buckets.len() {
            self.beyond_horizon += 1;
            return;
        }
        self.scheduled += 1;
        debug_assert!(day >= self.day, "event scheduled in the past");
        if day <= self.day {
            self.late.push(Reverse(ev));
        } else {
            self.buckets[day as usize].push(ev);
        }
    }

    /// Make `day` the current day: sort its bucket, with anything scheduled for it meanwhile.
    pub(crate) fn open_day(&mut self, day: u32) {
        debug_assert!(
            self.cursor >= self.sorted.len(),
            "the previous day was not finished"
        );
        self.day = day;
        let bucket = std::mem::take(&mut self.buckets[day as usize]);
        let mut next = std::mem::take(&mut self.sorted);
        next.clear();
        next.extend_from_slice(&bucket);
        next.extend(self.late.drain().map(|Reverse(e)| e));
        next.sort_unstable();
        self.sorted = next;
        self.cursor = 0;
    }

    /// The next event of the current day, if any.
    #[inline]
    pub(crate) fn pop_today(&mut self) -> Option<Entry> {
        let a = self.sorted.get(self.cursor);
        match (a, self.late.peek()) {
            (Some(&a), Some(Reverse(b))) if *b < a => self.late.pop().map(|Reverse(e)| e),
            (Some(&a), _) => {
                self.cursor += 1;
                Some(a)
            }
            (None, Some(_)) => self.late.pop().map(|Reverse(e)| e),
            (None, None) => None,
        }
    }

    /// The child of the event `k` places ahead in today's sorted run, if any.
    #[inline]
    pub(crate) fn child_ahead(&self, k: usize) -> Option<u32> {
        self.sorted.get(self.cursor + k).map(|e| e.child())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test events: kind `k` stands for the `k`-th event kind.
    fn ev(k: u8) -> Event {
        Event::ALL[k as usize]
    }

    #[test]
    fn events_leave_in_time_then_child_then_schedule_order() {
        let mut c = Calendar::new(3);
        c.schedule(MINUTES_PER_DAY + 5, 2, ev(0), Epoch::FIRST);
        c.schedule(MINUTES_PER_DAY + 5, 1, ev(1), Epoch::FIRST);
        c.schedule(MINUTES_PER_DAY + 1, 9, ev(2), Epoch::FIRST);
        c.schedule(MINUTES_PER_DAY + 5, 1, ev(3), Epoch::FIRST);
        c.schedule(10 * MINUTES_PER_DAY, 1, ev(4), Epoch::FIRST);
        assert_eq!(c.beyond_horizon, 1);
        c.open_day(0);
        assert!(c.pop_today().is_none());
        c.open_day(1);
        let kinds: Vec<Event> = std::iter::from_fn(|| c.pop_today())
            .map(|e| e.event)
            .collect();
        assert_eq!(kinds, vec![ev(2), ev(1), ev(3), ev(0)]);
    }

    #[test]
    fn same_day_events_join_the_open_heap() {
        let mut c = Calendar::new(2);
        c.open_day(0);
        c.schedule(100, 0, ev(1), Epoch::FIRST);
        c.schedule(50, 0, ev(2), Epoch::FIRST);
        assert_eq!(c.pop_today().map(|e| e.event), Some(ev(2)));
        c.schedule(60, 0, ev(3), Epoch::FIRST);
        assert_eq!(c.pop_today().map(|e| e.event), Some(ev(3)));
        assert_eq!(c.pop_today().map(|e| e.event), Some(ev(1)));
    }
}
