//! Data sharing: whether and when ORR's release record reaches ICE and the court (skipped with an
//! integrated record, where every agency already holds it). A shared record never overwrites a
//! newer one the receiving agency has.

use crate::sim::core::agency::Agency;
use crate::sim::core::child::NO_ADDRESS;
use crate::sim::core::event::Event;
use crate::sim::core::sampling::{unit, Sampler};
use crate::sim::core::Core;
use crate::sim::params::Params;

/// The delays of ORR's transmissions to ICE and the court.
pub(crate) struct Sharing {
    to_ice: Sampler,
    to_court: Sampler,
}

impl Sharing {
    /// Delay samplers from the scenario.
    pub(crate) fn new(p: &Params) -> Self {
        Sharing {
            to_ice: Sampler::new(p.sharing.orr_to_ice.delay),
            to_court: Sampler::new(p.sharing.orr_to_court.delay),
        }
    }

    /// At release: whether and when ORR's record is sent to ICE and to the court.
    pub(crate) fn on_release(&self, core: &mut Core, c: u32) {
        let s = &core.p.sharing;
        let ch = core.child(c);
        let share_ice = unit(&mut ch.follow) < s.orr_to_ice.probability;
        let ice_delay = self.to_ice.minutes(&mut ch.follow);
        let share_court = unit(&mut ch.follow) < s.orr_to_court.probability;
        let court_delay = self.to_court.minutes(&mut ch.follow);
        core.tally(c).never_shared_with_ice += (!share_ice && !s.integrated_record) as u64;
        if !s.integrated_record {
            if share_ice {
                core.after(c, ice_delay, Event::ShareIce);
            }
            if share_court {
                core.after(c, court_delay, Event::ShareCourt);
            }
        }
    }
}

/// ORR's record reaches agency `to`.
pub(crate) fn share(core: &mut Core, c: u32, to: Agency) {
    let ch = &core.children[c as usize];
    if !ch.state.is_followed() {
        return;
    }
    // The shared record does not overwrite something newer the receiving agency has learned.
    if ch.rec[to] != NO_ADDRESS && ch.rec_time[to] > ch.rec_time[Agency::Orr] {
        return;
    }
    let addr = ch.rec[Agency::Orr];
    core.write_record(c, to, addr);
    core.refresh(c);
}
