//! ICE's Notices to Appear: whether ICE means to issue one for a released child, the NTA queue
//! (a child joins it when ICE's record receives an address), and daily service, which succeeds
//! only at the household's current address and then opens a court case.

use std::collections::VecDeque;

use crate::sim::core::agency::Agency;
use crate::sim::core::child::Flags;
use crate::sim::core::event::Event;
use crate::sim::core::sampling::{unit, Sampler};
use crate::sim::core::Core;
use crate::sim::params::Params;

/// ICE's NTA queue.
pub(crate) struct Ice {
    queue: VecDeque<u32>,
    filing: Sampler,
}

impl Ice {
    /// An empty queue.
    pub(crate) fn new(p: &Params) -> Self {
        Ice {
            queue: VecDeque::new(),
            filing: Sampler::new(p.ice.nta_filing),
        }
    }

    /// At release: whether ICE will put this child on the NTA queue once it holds an address.
    pub(crate) fn on_release(&self, core: &mut Core, c: u32) {
        let intent = core.p.ice.nta_intent;
        let ch = core.child(c);
        if unit(&mut ch.follow) < intent {
            ch.flags.insert(Flags::NTA_INTENT);
        }
    }

    /// ICE reads its inbox (children whose ICE record was just written, in order): each joins the
    /// NTA queue once, and a returned NTA is retried now that ICE holds a new address.
    pub(crate) fn read_inbox(&mut self, core: &mut Core) {
        for i in 0..core.ice_inbox.len() {
            let c = core.ice_inbox[i];
            let ch = core.child(c);
            ch.flags.remove(Flags::NTA_RETURNED);
            if !ch.flags.intersects(Flags::NTA_QUEUED | Flags::NTA_SERVED)
                && ch.flags.contains(Flags::NTA_INTENT)
            {
                ch.flags.insert(Flags::NTA_QUEUED);
                self.queue.push_back(c);
            }
        }
        core.ice_inbox.clear();
    }

    /// ICE prepares and serves NTAs up to its daily capacity; service by mail succeeds only at the
    /// household's current address. From service on, the court holds the NTA's address.
    pub(crate) fn work(&mut self, core: &mut Core) {
        let mut capacity = core.p.ice.nta_capacity_per_day.at(core.day);
        while capacity > 0 {
            let Some(c) = self.queue.pop_front() else {
                break;
            };
            let ch = core.child(c);
            ch.flags.remove(Flags::NTA_QUEUED);
            if !ch.state.is_followed() {
                continue;
            }
            capacity -= 1;
            if ch.rec[Agency::Ice] == ch.household {
                // From service on, the family is told to report address changes to the court.
                ch.flags.insert(Flags::NTA_SERVED | Flags::CASE_OPEN);
                let addr = ch.rec[Agency::Ice];
                let d = self.filing.minutes(&mut ch.follow);
                core.out.ntas_served += 1;
                // The court's address on file is the one on the NTA.
                core.write_record(c, Agency::Court, addr);
                core.after(c, d, Event::NtaFiled);
            } else {
                ch.flags.insert(Flags::NTA_RETURNED);
                core.out.ntas_returned += 1;
            }
            core.refresh(c);
        }
    }
}
