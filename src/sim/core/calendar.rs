//! The calendar (event queue): a calendar of one bucket per simulated day. Events of future days are appended
//! to their day's bucket unsorted. Events more than a block of days ahead first go to their
//! block's bucket (one per [`BLOCK_DAYS`] days), and are moved to their days' buckets, in the
//! order they were scheduled, when the clock comes within a block of them: appending to one of a
//! few dozen block buckets, whose ends stay in cache, costs less than appending to one of
//! thousands of day buckets at random (a cache miss each). When the clock reaches a day, its
//! bucket is sorted by
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

/// One pending event, packed in one integer so that ordering is one integer comparison: from the
/// top, time (32 bits), child (32), sequence number (32), event (16) and epoch (16). Events leave
/// by (time, child, sequence); the sequence number is unique, so the event and its epoch, packed
/// below it, never decide the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry(u128);

impl Entry {
    fn new(time: u32, child: u32, seq: u32, event: Event, epoch: Epoch) -> Self {
        Entry(
            (time as u128) << 96
                | (child as u128) << 64
                | (seq as u128) << 32
                | (event as u128) << 16
                | epoch.0 as u128,
        )
    }
    /// Simulation time, minutes since the scenario start.
    #[inline]
    pub(crate) fn time(&self) -> u32 {
        (self.0 >> 96) as u32
    }
    /// The child the event is about.
    #[inline]
    pub(crate) fn child(&self) -> u32 {
        (self.0 >> 64) as u32
    }
    /// What happens.
    #[inline]
    pub(crate) fn event(&self) -> Event {
        Event::from_index((self.0 >> 16) as u8)
    }
    /// The placement of the child the event belongs to.
    #[inline]
    pub(crate) fn epoch(&self) -> Epoch {
        Epoch(self.0 as u16)
    }
}

/// Append `e` to a day's `bucket`, giving a bucket that has no allocation yet one of the `spare`
/// allocations of finished days.
#[inline]
fn push_recycled(bucket: &mut Vec<Entry>, spare: &mut Vec<Vec<Entry>>, e: Entry) {
    if bucket.capacity() == 0 {
        if let Some(v) = spare.pop() {
            debug_assert!(v.is_empty());
            *bucket = v;
        }
    }
    bucket.push(e);
}

/// Days per block: events of a day beyond the open blocks wait in their block's bucket.
const BLOCK_DAYS: u32 = 32;

/// Pending events, one bucket per simulated day (see the module documentation).
pub(crate) struct Calendar {
    buckets: Vec<Vec<Entry>>,
    /// Events of the days of block `k` (days `k * BLOCK_DAYS ..`) not yet in their days' buckets,
    /// in the order they were scheduled, for every block after `open_block`.
    blocks: Vec<Vec<Entry>>,
    /// The last block whose events go straight to their days' buckets.
    open_block: u32,
    /// The current day's events, sorted; `cursor` is the next one.
    sorted: Vec<Entry>,
    cursor: usize,
    /// Scratch space of the day's sort: a second buffer, and a count per minute of the day.
    scratch: Vec<Entry>,
    per_minute: Vec<u32>,
    /// Emptied allocations of finished days, handed to the next day buckets that receive a first
    /// event: every day's bucket is allocated once and freed once, so recycling them spares the
    /// allocator a few growths (reallocations and copies) per day.
    spare: Vec<Vec<Entry>>,
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
            blocks: (0..days.div_ceil(BLOCK_DAYS)).map(|_| Vec::new()).collect(),
            open_block: 1,
            sorted: Vec::new(),
            cursor: 0,
            scratch: Vec::new(),
            per_minute: vec![0; MINUTES_PER_DAY as usize],
            spare: Vec::new(),
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
        } else if day / BLOCK_DAYS <= self.open_block {
            push_recycled(&mut self.buckets[day as usize], &mut self.spare, ev);
        } else {
            self.blocks[(day / BLOCK_DAYS) as usize].push(ev);
        }
    }

    /// Keep the block after the current day's open: move the events of every block up to it into
    /// their days' buckets. A day's bucket then holds its events in the order they were scheduled
    /// (those of the block first, scheduled before the block opened, then the later ones).
    fn open_blocks(&mut self, day: u32) {
        while self.open_block < day / BLOCK_DAYS + 1 {
            self.open_block += 1;
            let Some(block) = self.blocks.get_mut(self.open_block as usize) else {
                break;
            };
            for e in std::mem::take(block) {
                let bucket = &mut self.buckets[(e.time() / MINUTES_PER_DAY) as usize];
                push_recycled(bucket, &mut self.spare, e);
            }
        }
    }

    /// Make `day` the current day: sort its bucket, with anything scheduled for it meanwhile.
    pub(crate) fn open_day(&mut self, day: u32) {
        debug_assert!(
            self.cursor >= self.sorted.len(),
            "the previous day was not finished"
        );
        self.day = day;
        self.open_blocks(day);
        let mut next = std::mem::take(&mut self.buckets[day as usize]);
        if self.late.is_empty() {
            self.sort_day(day, &mut next);
        } else {
            next.extend(self.late.drain().map(|Reverse(e)| e));
            next.sort_unstable();
        }
        debug_assert!(next.is_sorted());
        let mut done = std::mem::replace(&mut self.sorted, next);
        if done.capacity() > 0 {
            done.clear();
            self.spare.push(done);
        }
        self.cursor = 0;
    }

    /// Sort the events of `day` by (time, child, sequence): a counting sort by minute of the day
    /// (one pass counts, one places), then a stable sort by child within each minute.
    /// A day's events spread over 1,440 minutes, so this costs a few operations per event where a
    /// comparison sort of the whole day costs a dozen comparisons.
    fn sort_day(&mut self, day: u32, events: &mut Vec<Entry>) {
        let start = day * MINUTES_PER_DAY;
        let minute = |e: &Entry| (e.time() - start) as usize;
        let counts = &mut self.per_minute;
        counts.fill(0);
        for e in events.iter() {
            counts[minute(e)] += 1;
        }
        // Counts become each minute's first place.
        let mut first = 0;
        for n in counts.iter_mut() {
            let k = *n;
            *n = first;
            first += k;
        }
        let out = &mut self.scratch;
        // Every place is written below: what the buffer held before does not matter.
        out.resize(events.len(), Entry(0));
        for &e in events.iter() {
            let slot = &mut counts[minute(&e)];
            out[*slot as usize] = e;
            *slot += 1;
        }
        // Each minute's place has moved to the end of its events, which are in the order they
        // were scheduled (the pass above is stable), that is by sequence number: a stable sort
        // by child finishes the order.
        let mut from = 0;
        for &end in counts.iter() {
            let end = end as usize;
            if end - from > 1 {
                out[from..end].sort_unstable();
            }
            from = end;
        }
        std::mem::swap(events, out);
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
            .map(|e| e.event())
            .collect();
        assert_eq!(kinds, vec![ev(2), ev(1), ev(3), ev(0)]);
    }

    #[test]
    fn same_day_events_join_the_open_heap() {
        let mut c = Calendar::new(2);
        c.open_day(0);
        c.schedule(100, 0, ev(1), Epoch::FIRST);
        c.schedule(50, 0, ev(2), Epoch::FIRST);
        assert_eq!(c.pop_today().map(|e| e.event()), Some(ev(2)));
        c.schedule(60, 0, ev(3), Epoch::FIRST);
        assert_eq!(c.pop_today().map(|e| e.event()), Some(ev(3)));
        assert_eq!(c.pop_today().map(|e| e.event()), Some(ev(1)));
    }

    #[test]
    fn finished_days_hand_their_allocations_to_the_days_of_a_newly_opened_block() {
        let days = 8 * BLOCK_DAYS;
        let mut c = Calendar::new(days);
        for d in 0..days {
            for k in 0..40 {
                c.schedule(d * MINUTES_PER_DAY + k, k, ev(0), Epoch::FIRST);
            }
        }
        let mut most = 0;
        for d in 0..days {
            let before = c.spare.len();
            c.open_day(d);
            if d >= 2 * BLOCK_DAYS && d + BLOCK_DAYS < days && d % BLOCK_DAYS == 0 {
                // The block opened today moves its events into 32 day buckets that had none:
                // each takes a spare allocation instead of a new one.
                assert!(
                    c.spare.len() + 16 < before,
                    "day {d}: {before} -> {}",
                    c.spare.len()
                );
            }
            let mut n = 0;
            while c.pop_today().is_some() {
                n += 1;
            }
            assert_eq!(n, 40);
            most = most.max(c.spare.len());
        }
        // Each day gives one allocation back and each bucket takes one: the pool stays small.
        assert!(
            most <= 2 * BLOCK_DAYS as usize + 1,
            "{most} spare allocations"
        );
    }

    use crate::rng::Stream;
    use rand::{Rng, SeedableRng};

    /// A pending event in the reference: ordered by (time, child, sequence); the sequence number
    /// is unique, so the event kind and epoch that follow it never decide the order.
    type RefEntry = (u32, u32, u64, Event, Epoch);

    /// The plainest correct calendar: one binary heap of every pending event within the horizon,
    /// popped while its head falls on the current day.
    struct Reference {
        heap: BinaryHeap<Reverse<RefEntry>>,
        days: u32,
        day: u32,
        seq: u64,
        beyond_horizon: u64,
        scheduled: u64,
        /// The current day's events as they stood when it was opened, in order, and how many of
        /// them have left: what `child_ahead` peeks into.
        run: Vec<RefEntry>,
        run_cursor: usize,
    }

    impl Reference {
        fn new(days: u32) -> Self {
            Reference {
                heap: BinaryHeap::new(),
                days,
                day: 0,
                seq: 0,
                beyond_horizon: 0,
                scheduled: 0,
                run: Vec::new(),
                run_cursor: 0,
            }
        }

        fn schedule(&mut self, time: u32, child: u32, event: Event, epoch: Epoch) {
            self.seq += 1;
            if time / MINUTES_PER_DAY >= self.days {
                self.beyond_horizon += 1;
            } else {
                self.scheduled += 1;
                self.heap
                    .push(Reverse((time, child, self.seq, event, epoch)));
            }
        }

        fn open_day(&mut self, day: u32) {
            self.day = day;
            self.run = self
                .heap
                .iter()
                .map(|Reverse(e)| *e)
                .filter(|e| e.0 / MINUTES_PER_DAY == day)
                .collect();
            self.run.sort_unstable();
            self.run_cursor = 0;
        }

        fn pop_today(&mut self) -> Option<RefEntry> {
            let &Reverse(e) = self.heap.peek()?;
            if e.0 / MINUTES_PER_DAY != self.day {
                return None;
            }
            self.heap.pop();
            if self.run.get(self.run_cursor) == Some(&e) {
                self.run_cursor += 1;
            }
            Some(e)
        }

        fn child_ahead(&self, k: usize) -> Option<u32> {
            self.run.get(self.run_cursor + k).map(|e| e.1)
        }
    }

    /// Drives a calendar and the reference through the same random operations, the way the engine
    /// does: schedule at or after the current time, open the days in order, pop each day dry.
    struct Driver {
        rng: Stream,
        cal: Calendar,
        reference: Reference,
        days: u32,
        /// The current time: the last event popped, or midnight between days.
        now: u32,
        /// The last (time, child) scheduled, reused now and then to make sequence ties.
        last: (u32, u32),
        epochs: [Epoch; 4],
        ops: u64,
    }

    impl Driver {
        fn new(seed: u64) -> Self {
            let mut rng = Stream::seed_from_u64(seed);
            let days = rng.random_range(1..90);
            let mut epochs = [Epoch::FIRST; 4];
            for i in 1..epochs.len() {
                epochs[i] = epochs[i - 1].next();
            }
            Driver {
                rng,
                cal: Calendar::new(days),
                reference: Reference::new(days),
                days,
                now: 0,
                last: (0, 0),
                epochs,
                ops: 0,
            }
        }

        /// A time at or after `now`: the same minute, later today, a later day, or past the horizon.
        fn time(&mut self) -> u32 {
            let now = self.now;
            let end_of_today = (now / MINUTES_PER_DAY + 1) * MINUTES_PER_DAY;
            let horizon = self.days * MINUTES_PER_DAY;
            match self.rng.random_range(0..100) {
                0..20 => now,
                20..45 => self.rng.random_range(now..end_of_today.max(now + 1)),
                45..80 => {
                    now.saturating_add(self.rng.random_range(MINUTES_PER_DAY..10 * MINUTES_PER_DAY))
                }
                80..90 => self.rng.random_range(now..horizon.max(now + 1)),
                90..98 => self.rng.random_range(horizon.max(now)..=u32::MAX),
                98 => u32::MAX,
                _ => horizon.max(now),
            }
        }

        fn child(&mut self) -> u32 {
            match self.rng.random_range(0..100) {
                0..60 => self.rng.random_range(0..4),
                60..62 => u32::MAX,
                _ => self.rng.random::<u32>(),
            }
        }

        fn schedule_one(&mut self) {
            let (time, child) = if self.rng.random_range(0..10) == 0 && self.last.0 >= self.now {
                self.last
            } else {
                (self.time(), self.child())
            };
            self.last = (time, child);
            let event = Event::ALL[self.rng.random_range(0..Event::ALL.len())];
            let epoch = self.epochs[self.rng.random_range(0..self.epochs.len())];
            self.cal.schedule(time, child, event, epoch);
            self.reference.schedule(time, child, event, epoch);
            self.ops += 1;
        }

        fn check_counters(&self) {
            assert_eq!(self.cal.scheduled, self.reference.scheduled);
            assert_eq!(self.cal.beyond_horizon, self.reference.beyond_horizon);
        }

        /// Pops and schedules interleaved until the day runs dry; returns the events popped.
        fn run_day(&mut self, day: u32) -> u64 {
            self.cal.open_day(day);
            self.reference.open_day(day);
            let mut popped = 0;
            loop {
                for k in 0..4 {
                    assert_eq!(
                        self.cal.child_ahead(k),
                        self.reference.child_ahead(k),
                        "child_ahead({k}) on day {day}"
                    );
                }
                if self.rng.random_range(0..100) < 45 {
                    self.schedule_one();
                    continue;
                }
                let got = self.cal.pop_today();
                let want = self.reference.pop_today();
                self.ops += 1;
                match (got, want) {
                    (None, None) => return popped,
                    (Some(g), Some(w)) => {
                        assert_eq!(
                            (g.time(), g.child(), g.event(), g.epoch()),
                            (w.0, w.1, w.3, w.4),
                            "event {popped} of day {day}"
                        );
                        popped += 1;
                        self.now = g.time();
                    }
                    (g, w) => panic!("day {day}: calendar popped {g:?}, reference {w:?}"),
                }
            }
        }

        /// The whole horizon: a first batch of events, then every day in order with a few events
        /// scheduled at midnight before it opens (as the start and end of day do).
        fn run(&mut self) {
            let initial = self.days * self.rng.random_range(1..600);
            for _ in 0..initial {
                self.schedule_one();
            }
            for day in 0..self.days {
                self.now = day * MINUTES_PER_DAY;
                for _ in 0..self.rng.random_range(0..20) {
                    self.schedule_one();
                }
                self.run_day(day);
                self.check_counters();
                // Both ran dry together; nothing of this day or earlier is left in the reference.
                assert!(self
                    .reference
                    .heap
                    .peek()
                    .is_none_or(|Reverse(e)| e.0 / MINUTES_PER_DAY > day));
                assert_eq!(self.cal.pop_today(), None);
            }
            assert!(self.reference.heap.is_empty());
        }
    }

    #[test]
    fn matches_a_reference_heap_over_millions_of_random_operations() {
        let mut ops = 0;
        for seed in 0..40 {
            let mut d = Driver::new(0xCA1E_0000 + seed);
            d.run();
            ops += d.ops;
        }
        assert!(ops > 2_000_000, "only {ops} operations");
    }
}
