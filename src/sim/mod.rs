//! The pure simulation engine. `core` is the event core (clock, calendar, typed events, the child
//! record, the one place records are written, the daily snapshot, tracing, the observer
//! interface); `stages` holds one module per stage of the pipeline with its resources and rules;
//! `engine` runs the day loop and routes each event to its stage; `params` are the validated
//! parameters (`policy` the dated policy history among them). Nothing here does I/O, prints, reads the environment or spawns threads.

pub(crate) mod core;
pub mod engine;
pub mod params;
pub mod policy;
pub(crate) mod stages;

pub use self::core::agency::{Agency, N_AGENCIES};
pub use self::core::child::{State, N_STATES};
pub use self::core::locate::{
    Cause, Exit, Flows, Lens, Route, N_CAUSES, N_EXITS, N_LENSES, N_ROUTES,
};
pub use self::core::metrics;
pub use self::core::observer::{ChildEvent, DailyLog, NoObserver, Observer};
pub use self::core::snapshot::{
    flow_columns, series_grows_with_cohort, series_names, CumulativeColumn, DaySnapshot,
    CUMULATIVE, N_CUMULATIVE,
};
pub use self::core::summary::RunSummary;
pub use engine::{simulate, simulate_verified};
pub use params::Params;
