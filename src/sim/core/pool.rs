//! A resource with a capacity and a first-in-first-out waiting line (CBP agents, ORR beds, case
//! managers, HSI investigators). Stages hand units on in loops (`admit_next` until it admits
//! nobody), never by recursion, however many children in line have left meanwhile.

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

    /// Give `n` units back without handing them on: the caller admits the line next
    /// ([`Pool::admit_next`]).
    #[inline]
    pub(crate) fn give_back(&mut self, n: u32) {
        debug_assert!(self.busy >= n, "{n} units given back, {} held", self.busy);
        self.busy = self.busy.saturating_sub(n);
    }

    /// Take a unit now even if none is free (occupancy may then exceed capacity); nobody in line
    /// is admitted until occupancy is below capacity again.
    #[inline]
    pub(crate) fn take(&mut self) {
        self.busy += 1;
    }

    /// Admit the first child in line for whom `wanted` holds, if a unit is free. Children passed
    /// over on the way (for whom `wanted` fails, e.g. who left care while waiting) leave the line
    /// without taking a unit. `None` when no unit is free or nobody wanted is waiting.
    #[inline]
    pub(crate) fn admit_next(&mut self, mut wanted: impl FnMut(u32) -> bool) -> Option<(u32, u32)> {
        while self.busy < self.capacity {
            let (c, since) = self.line.pop_front()?;
            if wanted(c) {
                self.busy += 1;
                return Some((c, since));
            }
        }
        None
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    /// What the stages do with a pool.
    #[derive(Debug, Clone)]
    enum Op {
        /// A new child asks for a unit.
        Request,
        /// The holder with this index (modulo the number of holders) gives its unit back.
        Release(usize),
        /// One `admit` call.
        Admit,
        /// `admit` until it admits nobody (what the stages do each morning).
        AdmitAll,
        /// The day's capacity.
        Capacity(u32),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            5 => Just(Op::Request),
            4 => any::<usize>().prop_map(Op::Release),
            1 => Just(Op::Admit),
            1 => Just(Op::AdmitAll),
            2 => (0u32..8).prop_map(Op::Capacity),
        ]
    }

    /// What became of each child that asked for a unit.
    #[derive(Debug, Default)]
    struct Ledger {
        /// Children holding a unit now.
        holders: Vec<u32>,
        /// Times each child was given a unit (immediately or from the line).
        admissions: BTreeMap<u32, u32>,
        /// When each child asked.
        asked_at: BTreeMap<u32, u32>,
    }

    impl Ledger {
        fn admit(&mut self, child: u32) {
            self.holders.push(child);
            *self.admissions.entry(child).or_default() += 1;
        }
    }

    /// A unit that left the line: the head of the line as it stood before, and only when a unit
    /// was free once the releasing holder (if any) was counted out.
    fn check_admission(
        got: Option<(u32, u32)>,
        line_before: &VecDeque<(u32, u32)>,
        busy_before: u32,
        capacity: u32,
    ) -> Result<(), TestCaseError> {
        let expected = if busy_before < capacity {
            line_before.front().copied()
        } else {
            None
        };
        prop_assert_eq!(got, expected);
        Ok(())
    }

    proptest! {
        #[test]
        fn fifo_conservation_and_capacity_under_any_sequence(
            start in 0u32..4,
            ops in prop::collection::vec(op(), 0..400),
        ) {
            let mut pool = Pool { capacity: start, ..Pool::default() };
            let mut ledger = Ledger::default();
            let mut next_child = 0u32;
            for (now, op) in (0u32..).zip(ops) {
                let line_before = pool.line.clone();
                let busy_before = pool.busy;
                // How many left the head of the line, and who joined its back.
                let mut left = 0;
                let mut joined = None;
                match op {
                    Op::Request => {
                        let c = next_child;
                        next_child += 1;
                        ledger.asked_at.insert(c, now);
                        let admitted = pool.request(c, now);
                        // Nobody jumps the line: a unit is taken at once only if one is free
                        // and nobody waits.
                        prop_assert_eq!(
                            admitted,
                            line_before.is_empty() && busy_before < pool.capacity
                        );
                        if admitted {
                            ledger.admit(c);
                        } else {
                            joined = Some((c, now));
                        }
                    }
                    Op::Release(i) => {
                        // Only holders give units back (as in the stages).
                        if ledger.holders.is_empty() {
                            continue;
                        }
                        ledger.holders.swap_remove(i % ledger.holders.len());
                        let got = pool.release();
                        check_admission(got, &line_before, busy_before - 1, pool.capacity)?;
                        if let Some((c, t)) = got {
                            ledger.admit(c);
                            prop_assert_eq!(ledger.asked_at[&c], t);
                            left = 1;
                        }
                    }
                    Op::Admit => {
                        let got = pool.admit();
                        check_admission(got, &line_before, busy_before, pool.capacity)?;
                        if let Some((c, _)) = got {
                            ledger.admit(c);
                            left = 1;
                        }
                    }
                    Op::AdmitAll => {
                        let mut expected = line_before.clone();
                        let mut busy = busy_before;
                        while let Some(got) = pool.admit() {
                            // Strictly in the order they joined.
                            prop_assert_eq!(Some(got), expected.pop_front());
                            prop_assert!(busy < pool.capacity);
                            busy += 1;
                            left += 1;
                            ledger.admit(got.0);
                        }
                        // Work-conserving: nobody is left waiting beside a free unit.
                        prop_assert!(pool.line.is_empty() || pool.busy >= pool.capacity);
                    }
                    Op::Capacity(c) => pool.capacity = c,
                }
                // Units held are exactly the holders'.
                prop_assert_eq!(pool.busy as usize, ledger.holders.len());
                // `busy` only grows while under capacity: it exceeds capacity only when capacity
                // was lowered below it, and then no operation raises it.
                prop_assert!(pool.busy <= pool.capacity.max(busy_before));
                // Strictly first in, first out: whoever left the line left from its head, a
                // newcomer joins at the back with the time of asking, nobody else moves.
                let expected: Vec<(u32, u32)> =
                    line_before.iter().skip(left).copied().chain(joined).collect();
                prop_assert!(pool.line.iter().eq(expected.iter()), "line {:?}, expected {:?}", pool.line, expected);
            }
            // Conservation: every child that asked holds (or held) a unit exactly once, or is
            // still waiting, never both.
            let waiting: BTreeMap<u32, u32> = pool.line.iter().copied().collect();
            prop_assert_eq!(waiting.len(), pool.line.len());
            for c in 0..next_child {
                let admitted = ledger.admissions.get(&c).copied().unwrap_or(0);
                prop_assert!(admitted <= 1, "child {} admitted {} times", c, admitted);
                prop_assert!((admitted == 1) != waiting.contains_key(&c), "child {} lost or duplicated", c);
            }
        }
    }

    /// What ORR and HSI do with a pool: units are handed back (`give_back`) when a holder is
    /// done or leaves, then the line is admitted in a loop that passes over children who left.
    #[derive(Debug, Clone)]
    enum Hold {
        /// A new child asks for a unit.
        Request,
        /// The holder with this index finishes.
        Finish(usize),
        /// The child with this id (modulo those who asked) leaves: a holder hands its unit back,
        /// a waiting child will be passed over.
        Leave(usize),
        /// Someone takes a unit even if none is free.
        Take,
        /// The day's capacity.
        Capacity(u32),
    }

    fn hold() -> impl Strategy<Value = Hold> {
        prop_oneof![
            5 => Just(Hold::Request),
            3 => any::<usize>().prop_map(Hold::Finish),
            3 => any::<usize>().prop_map(Hold::Leave),
            1 => Just(Hold::Take),
            2 => (0u32..8).prop_map(Hold::Capacity),
        ]
    }

    proptest! {
        #[test]
        fn handing_back_and_passing_over_keep_units_exact_and_fifo(
            ops in prop::collection::vec(hold(), 0..400),
        ) {
            let mut pool = Pool { capacity: 2, ..Pool::default() };
            // Units held, by holder (u32::MAX for units taken over capacity).
            let mut holders: Vec<u32> = Vec::new();
            let mut gone: Vec<bool> = Vec::new();
            // Wanted children in the order they joined the line.
            let mut expected: std::collections::VecDeque<u32> = Default::default();
            for (now, op) in (0u32..).zip(ops) {
                match op {
                    Hold::Request => {
                        let c = gone.len() as u32;
                        gone.push(false);
                        if pool.request(c, now) {
                            holders.push(c);
                        } else {
                            expected.push_back(c);
                        }
                    }
                    Hold::Finish(i) => {
                        if holders.is_empty() {
                            continue;
                        }
                        holders.swap_remove(i % holders.len());
                        pool.give_back(1);
                    }
                    Hold::Leave(i) => {
                        if gone.is_empty() {
                            continue;
                        }
                        let c = (i % gone.len()) as u32;
                        gone[c as usize] = true;
                        expected.retain(|&x| x != c);
                        let n = holders.iter().filter(|&&h| h == c).count() as u32;
                        holders.retain(|&h| h != c);
                        pool.give_back(n);
                    }
                    Hold::Take => {
                        pool.take();
                        holders.push(u32::MAX);
                    }
                    Hold::Capacity(k) => pool.capacity = k,
                }
                while let Some((c, _)) = pool.admit_next(|c| !gone[c as usize]) {
                    prop_assert!(!gone[c as usize], "a child who left took a unit");
                    prop_assert_eq!(Some(c), expected.pop_front(), "out of order");
                    holders.push(c);
                }
                prop_assert_eq!(pool.busy as usize, holders.len());
                // Work-conserving: a unit is free only if nobody is left in line.
                prop_assert!(pool.busy >= pool.capacity || pool.line.is_empty());
                let waiting: Vec<u32> =
                    pool.line.iter().map(|x| x.0).filter(|&c| !gone[c as usize]).collect();
                prop_assert!(waiting.iter().eq(expected.iter()));
            }
        }
    }
}
