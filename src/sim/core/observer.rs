//! The observer interface through which every output leaves the engine: daily snapshots, one
//! traced child's journey, and the children unlocatable at the horizon.

use super::agency::N_AGENCIES;
use super::child::State;
use super::locate::N_LENSES;
use super::snapshot::DaySnapshot;

/// Receives what the engine reports. Outputs (CSV, plots, progress) are observers at the edge.
pub trait Observer {
    /// Called once at the end of every simulated day, in order.
    fn on_day(&mut self, day: u32, snapshot: &DaySnapshot);

    /// A child whose journey should be reported event by event (for teaching); `None` by default.
    fn traced_child(&self) -> Option<u32> {
        None
    }

    /// One step of the traced child's journey: after each of its events, and after a day's
    /// follow-up work (calls, NTAs, welfare checks) when that changed something.
    fn on_child_event(&mut self, _event: &ChildEvent) {}

    /// Whether to receive, at the horizon, the ids of the children unlocatable then.
    fn wants_unlocatable_at_end(&self) -> bool {
        false
    }

    /// The children unlocatable at the horizon, in id order.
    fn on_unlocatable_at_end(&mut self, _children: &[u32]) {}
}

/// What the traced child's situation is after one step of its journey: the truth and each
/// agency's record.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildEvent {
    /// Simulation time, minutes since the scenario start.
    pub time: u32,
    /// What happened (an event name, or "daily follow-up").
    pub what: &'static str,
    /// Where the child truly is.
    pub state: State,
    /// Where the child truly lives (an address id; 0: none yet).
    pub true_address: u32,
    /// The sponsor household's address (0: none yet).
    pub household: u32,
    /// Each agency's record (CBP, ORR, ICE, court; 0: none).
    pub records: [u32; N_AGENCIES],
    /// Whether the child is followed and locatable through each lens (ORR, ICE, court, pooled;
    /// see [`crate::sim::Lens`]).
    pub locatable: [bool; N_LENSES],
}

/// An observer that ignores everything.
pub struct NoObserver;
impl Observer for NoObserver {
    fn on_day(&mut self, _: u32, _: &DaySnapshot) {}
}

/// Collects every daily snapshot.
#[derive(Default)]
pub struct DailyLog(pub Vec<DaySnapshot>);
impl Observer for DailyLog {
    fn on_day(&mut self, _: u32, s: &DaySnapshot) {
        self.0.push(s.clone());
    }
}
