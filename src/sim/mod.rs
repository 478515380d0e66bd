//! The pure simulation engine: time, event queue, children, sponsors, agencies, records and the
//! pipeline. Nothing here does I/O, prints, reads the environment or spawns threads.

pub mod engine;
pub mod model;
pub mod params;
pub mod queue;
pub mod sampling;
pub mod slots;

pub use engine::simulate;
pub use model::{
    Agency, ChildEvent, DailyLog, DaySnapshot, NoObserver, Observer, RunSummary, State,
};
pub use params::Params;
