//! ICE's Notices to Appear: whether ICE means to issue one for a released child, the NTA queue
//! (a child joins it when ICE's record receives an address, and joins it again, at the new
//! address's place, when the record is rewritten), and daily service, which succeeds only at the
//! address where the child lives now and then opens a court case.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, NO_ADDRESS};
use crate::sim::core::event::Event;
use crate::sim::core::sampling::{unit, Sampler};
use crate::sim::core::Core;
use crate::sim::params::{NtaQueueOrder, Params};

/// One entry of the NTA queue. The heap pops the highest `key` first (freshest address first:
/// the minute ICE's record was written; first in, first out: always 0), then the earliest queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Waiting {
    key: u32,
    order: Reverse<u64>,
    child: u32,
}

/// ICE's NTA queue.
pub(crate) struct Ice {
    /// Entries are deleted lazily: one whose child is no longer queued, or (freshest address
    /// first) whose key is not the time of the child's ICE record any more, is skipped when popped.
    queue: BinaryHeap<Waiting>,
    order: NtaQueueOrder,
    /// Entries pushed so far (ties in `key` go to the earlier).
    pushed: u64,
    filing: Sampler,
}

impl Ice {
    /// An empty queue.
    pub(crate) fn new(p: &Params) -> Self {
        Ice {
            queue: BinaryHeap::new(),
            order: p.ice.nta_queue_order,
            pushed: 0,
            filing: Sampler::new(p.ice.nta_filing),
        }
    }

    /// At release: whether ICE will put this child on the NTA queue once it holds an address.
    pub(crate) fn on_release(&self, core: &mut Core, c: u32) {
        let intent = core.p.ice.nta_intent.at(core.day);
        let ch = core.child(c);
        if unit(&mut ch.follow) < intent {
            ch.flags.insert(Flags::NTA_INTENT);
        }
    }

    /// ICE reads its inbox (children whose ICE record was just written, in order): a child ICE
    /// means to serve joins the NTA queue, and a returned NTA is retried now that ICE holds a new
    /// address. Freshest address first, a child already queued joins again at the new address's
    /// place (the old entry lapses); first in, first out, a queued child keeps their place.
    pub(crate) fn read_inbox(&mut self, core: &mut Core) {
        for i in 0..core.ice_inbox.len() {
            let c = core.ice_inbox[i];
            let ch = core.child(c);
            if !ch.flags.contains(Flags::NTA_INTENT) || ch.flags.contains(Flags::NTA_SERVED) {
                continue;
            }
            let queued = ch.flags.contains(Flags::NTA_QUEUED);
            let key = match self.order {
                NtaQueueOrder::FreshestAddressFirst => ch.rec_time[Agency::Ice],
                NtaQueueOrder::FirstInFirstOut if queued => continue,
                NtaQueueOrder::FirstInFirstOut => 0,
            };
            ch.flags.insert(Flags::NTA_QUEUED);
            self.queue.push(Waiting {
                key,
                order: Reverse(self.pushed),
                child: c,
            });
            self.pushed += 1;
        }
        core.ice_inbox.clear();
    }

    /// Whether a popped entry still stands for the child's place in the queue.
    fn current(&self, w: &Waiting, core: &Core) -> bool {
        let ch = &core.children[w.child as usize];
        ch.flags.contains(Flags::NTA_QUEUED)
            && match self.order {
                NtaQueueOrder::FreshestAddressFirst => ch.rec_time[Agency::Ice] == w.key,
                NtaQueueOrder::FirstInFirstOut => true,
            }
    }

    /// ICE prepares and serves NTAs up to its daily capacity, to children and to people who turned
    /// 18 after release (an immigration case does not end at 18); service by mail succeeds only at
    /// the address where the person lives now (an NTA mailed to the sponsor's household does not
    /// reach a child who has left it, and one mailed to a traced address does). From service on,
    /// the court holds the NTA's address, unless its own record is newer than ICE's.
    pub(crate) fn work(&mut self, core: &mut Core) {
        let mut capacity = core.p.ice.nta_capacity_per_day.at(core.day);
        while capacity > 0 {
            let Some(w) = self.queue.pop() else {
                break;
            };
            if !self.current(&w, core) {
                continue;
            }
            let c = w.child;
            let ch = core.child(c);
            ch.flags.remove(Flags::NTA_QUEUED);
            if !ch.case_may_proceed() {
                continue;
            }
            capacity -= 1;
            if ch.rec[Agency::Ice] == ch.true_addr {
                // From service on, the family is told to report address changes to the court.
                ch.flags.insert(Flags::NTA_SERVED | Flags::CASE_OPEN);
                let retried = ch.flags.contains(Flags::NTA_RETURNED);
                ch.flags.remove(Flags::NTA_RETURNED);
                let addr = ch.rec[Agency::Ice];
                // The court takes the NTA's address unless it holds one written after ICE's (from
                // ORR, say), as a shared record never overwrites a newer one.
                let court_newer = ch.rec[Agency::Court] != NO_ADDRESS
                    && ch.rec_time[Agency::Court] > ch.rec_time[Agency::Ice];
                let d = self.filing.minutes(&mut ch.follow);
                core.tally(c).ntas_served += 1;
                core.tally(c).nta_retries += retried as u64;
                if !court_newer {
                    core.write_record(c, Agency::Court, addr);
                }
                core.after(c, d, Event::NtaFiled);
            } else {
                ch.flags.insert(Flags::NTA_RETURNED);
                core.tally(c).ntas_returned += 1;
            }
            core.refresh(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::testkit::{miniature, replications, scenario};
    use crate::sim::engine::Engine;
    use crate::sim::params::{Duration, MINUTES_PER_DAY};

    /// The children of the queue's current entries, in the order ICE would work them.
    fn drain(ice: &mut Ice, core: &Core) -> Vec<u32> {
        let mut order = Vec::new();
        while let Some(w) = ice.queue.pop() {
            if ice.current(&w, core) {
                order.push(w.child);
            }
        }
        order
    }

    /// The order in which ICE would work two children it means to serve, after ICE's record of
    /// the child `writes[k]` is written (at a new address) `k + 1` hours after day 400.
    fn served_order(order: NtaQueueOrder, writes: &[usize]) -> Vec<usize> {
        let mut p = scenario("baseline.toml", 0.02);
        p.ice.nta_queue_order = order;
        let mut e = Engine::after_days(&p, 400);
        let kids = e.quiet_released_children(2);
        let core = e.core();
        let mut ice = Ice::new(&p);
        for &c in &kids {
            core.child(c).flags.insert(Flags::NTA_INTENT);
        }
        for &k in writes {
            core.now += 60;
            let addr = core.new_address();
            core.write_record(kids[k], Agency::Ice, addr);
            ice.read_inbox(core);
        }
        let served = drain(&mut ice, core);
        served
            .iter()
            .map(|c| kids.iter().position(|k| k == c).expect("a queued child"))
            .collect()
    }

    #[test]
    fn freshest_address_first_serves_the_latest_written_record_first() {
        use NtaQueueOrder::*;
        assert_eq!(served_order(FreshestAddressFirst, &[0, 1]), [1, 0]);
        assert_eq!(served_order(FirstInFirstOut, &[0, 1]), [0, 1]);
        // A new address moves a queued child to the front, once (the old entry lapses); first in,
        // first out, the child keeps their place.
        assert_eq!(served_order(FreshestAddressFirst, &[0, 1, 0]), [0, 1]);
        assert_eq!(served_order(FirstInFirstOut, &[1, 0, 1]), [1, 0]);
        assert_eq!(served_order(FreshestAddressFirst, &[1, 0, 1]), [1, 0]);
    }

    /// The baseline at 5% of its cohort and NTA capacity, without deterrence.
    fn reduced() -> Params {
        let mut p = miniature("baseline.toml", 0.05);
        p.deterrence.enabled = false;
        p
    }

    fn ntas_served(p: &Params, n: u64) -> u64 {
        replications(p, n).iter().map(|s| s.ntas_served).sum()
    }

    /// Telling ICE every release address within a week gives it more and fresher addresses: it
    /// must never end up serving fewer NTAs (paired replications, summed).
    #[test]
    fn sharing_every_address_with_ice_sooner_never_serves_fewer_ntas() {
        let base = reduced();
        let mut reform = base.clone();
        reform.sharing.orr_to_ice.probability = 1.0;
        reform.sharing.orr_to_ice.delay = Duration {
            mean: 7.0 * MINUTES_PER_DAY as f64,
            cv: 0.0,
        };
        let (b, r) = (ntas_served(&base, 4), ntas_served(&reform, 4));
        eprintln!("NTAs served: {b} in the baseline, {r} with more sharing");
        assert!(
            r >= b,
            "NTAs served: {b} in the baseline, {r} with more sharing"
        );
    }

    /// The court's record was written after ICE's: the NTA, served later at ICE's address, does not
    /// overwrite it (a shared record never overwrites a newer one).
    #[test]
    fn an_nta_does_not_overwrite_a_newer_court_record() {
        let p = scenario("baseline.toml", 0.02);
        let mut e = Engine::after_days(&p, 400);
        let c = e.quiet_released_child();
        let core = e.core();
        let mut ice = Ice::new(&p);
        core.child(c).flags.insert(Flags::NTA_INTENT);
        let household = core.children[c as usize].household;
        core.write_record(c, Agency::Ice, household);
        ice.read_inbox(core);
        core.now += 60;
        let own = core.new_address();
        core.write_record(c, Agency::Court, own);
        ice.work(core);
        let ch = &core.children[c as usize];
        assert!(
            ch.flags.contains(Flags::NTA_SERVED),
            "served at the household"
        );
        assert_eq!(
            ch.rec[Agency::Court],
            own,
            "the court kept the newer address"
        );
    }
}
