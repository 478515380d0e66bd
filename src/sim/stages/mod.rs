//! One module per stage of the pipeline, each owning its resources, queues and rules. Stages talk
//! to each other only through the core (`sim::core`): the child record, the calendar, and ICE's
//! inbox of new addresses. `sim::engine` routes each event to its stage.

pub(crate) mod arrivals;
pub(crate) mod calls;
pub(crate) mod cbp;
pub(crate) mod checks;
pub(crate) mod court;
pub(crate) mod deterrence;
pub(crate) mod ice;
pub(crate) mod life;
pub(crate) mod operations;
pub(crate) mod orr;
pub(crate) mod placement;
pub(crate) mod recovery;
pub(crate) mod screening;
pub(crate) mod services;
pub(crate) mod sharing;
pub(crate) mod start;
