//! CBP: processing by a pool of agents (an M/M/c queue), then a request to ORR for a placement.
//! The 72-hour clock and transport are counted when the child enters ORR care (`orr`).

use crate::sim::core::event::Event;
use crate::sim::core::pool::Pool;
use crate::sim::core::sampling::Sampler;
use crate::sim::core::Core;
use crate::sim::params::Params;

/// CBP's processing agents.
pub(crate) struct Cbp {
    agents: Pool,
    processing: Sampler,
}

impl Cbp {
    /// No agent on duty yet (capacity is set each morning).
    pub(crate) fn new(p: &Params) -> Self {
        Cbp {
            agents: Pool::default(),
            processing: Sampler::new(p.cbp.processing),
        }
    }

    /// Agents on duty today; waiting children start processing as agents allow.
    pub(crate) fn start_of_day(&mut self, core: &mut Core) {
        self.agents.capacity = core.p.cbp.processing_agents.at(core.day);
        while let Some((c, since)) = self.agents.admit() {
            self.start_processing(core, c, since);
        }
    }

    /// A child arrives: processing starts now if an agent is free, or the child waits.
    pub(crate) fn arrive(&mut self, core: &mut Core, c: u32) {
        if self.agents.request(c, core.now) {
            self.start_processing(core, c, core.now);
        }
    }

    fn start_processing(&mut self, core: &mut Core, c: u32, since: u32) {
        core.tally(c).cbp_processing_started += 1;
        core.tally(c).cbp_processing_wait_hours_total += (core.now - since) as f64 / 60.0;
        let d = self.processing.minutes(&mut core.child(c).pre);
        core.after(c, d, Event::CbpProcessed);
    }

    /// Processing done: the agent takes the next waiting child.
    pub(crate) fn processed(&mut self, core: &mut Core) {
        if let Some((next, since)) = self.agents.release() {
            self.start_processing(core, next, since);
        }
    }
}
