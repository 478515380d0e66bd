//! The event queue: a calendar of one bucket per simulated day. Events of future days are appended
//! to their day's bucket unsorted; when the clock reaches a day, that bucket becomes a binary heap
//! ordered by (time, child, sequence), and events scheduled for the current day join that heap.
//! Simultaneous events therefore leave in a fixed order: by child id, then in the order they were
//! scheduled. Ordering ties by child first keeps the pre-release history of a child independent of
//! how many post-release events other children schedule (common random numbers).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::params::MINUTES_PER_DAY;

/// One pending event. `kind` is interpreted by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Simulation time, minutes since the scenario start.
    pub time: u32,
    pub child: u32,
    pub seq: u32,
    pub kind: u8,
}

impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.child, self.seq).cmp(&(other.time, other.child, other.seq))
    }
}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub struct Calendar {
    buckets: Vec<Vec<Event>>,
    today: BinaryHeap<Reverse<Event>>,
    day: u32,
    seq: u32,
    /// Events dropped because they fall after the horizon.
    pub beyond_horizon: u64,
    pub scheduled: u64,
}

impl Calendar {
    pub fn new(days: u32) -> Self {
        Calendar {
            buckets: (0..days).map(|_| Vec::new()).collect(),
            today: BinaryHeap::new(),
            day: 0,
            seq: 0,
            beyond_horizon: 0,
            scheduled: 0,
        }
    }

    /// Schedule an event; times before the current day are clamped to now by the caller's contract
    /// (the engine only schedules at or after the current time).
    #[inline]
    pub fn schedule(&mut self, time: u32, child: u32, kind: u8) {
        let day = time / MINUTES_PER_DAY;
        self.seq = self.seq.wrapping_add(1);
        let ev = Event {
            time,
            child,
            seq: self.seq,
            kind,
        };
        if day as usize >= self.buckets.len() {
            self.beyond_horizon += 1;
            return;
        }
        self.scheduled += 1;
        debug_assert!(day >= self.day, "event scheduled in the past");
        if day <= self.day {
            self.today.push(Reverse(ev));
        } else {
            self.buckets[day as usize].push(ev);
        }
    }

    /// Make `day` the current day: its bucket joins the heap of today's events.
    pub fn open_day(&mut self, day: u32) {
        self.day = day;
        let bucket = std::mem::take(&mut self.buckets[day as usize]);
        if self.today.is_empty() {
            let mut heap = std::mem::take(&mut self.today).into_vec();
            heap.extend(bucket.into_iter().map(Reverse));
            self.today = BinaryHeap::from(heap);
        } else {
            self.today.extend(bucket.into_iter().map(Reverse));
        }
    }

    #[inline]
    pub fn pop_today(&mut self) -> Option<Event> {
        self.today.pop().map(|Reverse(e)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_leave_in_time_then_child_then_schedule_order() {
        let mut c = Calendar::new(3);
        c.schedule(MINUTES_PER_DAY + 5, 2, 0);
        c.schedule(MINUTES_PER_DAY + 5, 1, 1);
        c.schedule(MINUTES_PER_DAY + 1, 9, 2);
        c.schedule(MINUTES_PER_DAY + 5, 1, 3);
        c.schedule(10 * MINUTES_PER_DAY, 1, 4);
        assert_eq!(c.beyond_horizon, 1);
        c.open_day(0);
        assert!(c.pop_today().is_none());
        c.open_day(1);
        let kinds: Vec<u8> = std::iter::from_fn(|| c.pop_today())
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, vec![2, 1, 3, 0]);
    }

    #[test]
    fn same_day_events_join_the_open_heap() {
        let mut c = Calendar::new(2);
        c.open_day(0);
        c.schedule(100, 0, 1);
        c.schedule(50, 0, 2);
        assert_eq!(c.pop_today().map(|e| e.kind), Some(2));
        c.schedule(60, 0, 3);
        assert_eq!(c.pop_today().map(|e| e.kind), Some(3));
        assert_eq!(c.pop_today().map(|e| e.kind), Some(1));
    }
}
