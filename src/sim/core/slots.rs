//! A calendar of daily slots (court hearings): book the first day on or after a requested day that
//! still has a free slot. Days that fill up are skipped with a path-compressed "next free day"
//! pointer, so booking stays cheap however long the backlog grows.

use crate::sim::params::Schedule;

/// Daily slots with a capacity per day.
pub(crate) struct DailySlots {
    used: Vec<u32>,
    capacity: Vec<u32>,
    /// `next[d]`: a day >= d that may have room (d itself if it has).
    next: Vec<u32>,
}

impl DailySlots {
    pub(crate) fn new(days: u32, capacity: &Schedule) -> Self {
        DailySlots {
            used: vec![0; days as usize],
            capacity: (0..days).map(|d| capacity.at(d)).collect(),
            next: (0..days).collect(),
        }
    }

    fn find(&mut self, day: u32) -> u32 {
        let n = self.next.len() as u32;
        let mut root = day;
        while root < n && self.next[root as usize] != root {
            root = self.next[root as usize];
        }
        let mut d = day;
        while d < n && self.next[d as usize] != d {
            let up = self.next[d as usize];
            self.next[d as usize] = root;
            d = up;
        }
        root
    }

    /// Book a slot on the first day >= `earliest` with room; `None` if there is none before the end.
    pub(crate) fn book(&mut self, earliest: u32) -> Option<u32> {
        let n = self.next.len() as u32;
        let mut day = self.find(earliest.min(n));
        while day < n {
            let i = day as usize;
            if self.used[i] < self.capacity[i] {
                self.used[i] += 1;
                if self.used[i] >= self.capacity[i] {
                    self.next[i] = day + 1;
                }
                return Some(day);
            }
            self.next[i] = day + 1;
            day = self.find(day + 1);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn books_first_free_day_and_keeps_earlier_gaps() {
        let mut s = DailySlots::new(10, &Schedule(vec![(0, 2)]));
        assert_eq!(s.book(5), Some(5));
        assert_eq!(s.book(5), Some(5));
        assert_eq!(s.book(5), Some(6));
        // Days before 5 are still free: a later request for day 1 is not pushed past the backlog.
        assert_eq!(s.book(1), Some(1));
        // Day 6 has one slot left, days 7 and 8 two each: six bookings fill them.
        for expected in [6, 7, 7, 8, 8, 9] {
            assert_eq!(s.book(6), Some(expected));
        }
        assert_eq!(s.book(6), Some(9));
        assert_eq!(s.book(6), None);
        assert_eq!(s.book(12), None);
    }

    #[test]
    fn zero_capacity_days_are_skipped() {
        let mut s = DailySlots::new(6, &Schedule(vec![(0, 0), (3, 1)]));
        assert_eq!(s.book(0), Some(3));
        assert_eq!(s.book(0), Some(4));
    }

    use proptest::prelude::*;

    /// A schedule of (from_day, capacity) steps, first at day 0, days increasing; capacities
    /// include zero.
    fn schedule() -> impl Strategy<Value = Schedule> {
        (0u32..4, prop::collection::vec((1u32..6, 0u32..4), 0..6)).prop_map(|(first, steps)| {
            let mut from = 0;
            let mut v = vec![(0, first)];
            for (gap, cap) in steps {
                from += gap;
                v.push((from, cap));
            }
            Schedule(v)
        })
    }

    /// The capacity on `day`, read off the steps directly.
    fn capacity_on(s: &Schedule, day: u32) -> u32 {
        s.0.iter()
            .rev()
            .find(|&&(from, _)| from <= day)
            .map_or(0, |&(_, c)| c)
    }

    proptest! {
        #[test]
        fn books_like_a_naive_scan(
            days in 0u32..40,
            sched in schedule(),
            requests in prop::collection::vec(0u32..45, 0..160),
        ) {
            let capacity: Vec<u32> = (0..days).map(|d| capacity_on(&sched, d)).collect();
            let mut used = vec![0u32; days as usize];
            let mut s = DailySlots::new(days, &sched);
            for earliest in requests {
                let naive = (earliest..days).find(|&d| used[d as usize] < capacity[d as usize]);
                let got = s.book(earliest);
                prop_assert_eq!(got, naive, "book({})", earliest);
                if let Some(d) = got {
                    prop_assert!(d >= earliest);
                    used[d as usize] += 1;
                } else {
                    // `None` exactly when no day from `earliest` on has room.
                    prop_assert!((earliest..days).all(|d| used[d as usize] >= capacity[d as usize]));
                }
                // Never more bookings on a day than its capacity.
                prop_assert!(used.iter().zip(&capacity).all(|(u, c)| u <= c));
                prop_assert_eq!(&s.used, &used);
            }
        }
    }
}
