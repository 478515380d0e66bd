//! custody-sim: an agent-based discrete-event simulator of the US custody pipeline for
//! unaccompanied children. Every child in the program is synthetic.
//!
//! Dependencies point one way:
//! `cli -> app -> (scenario, runner, output, experiment) -> (stats, sim)`; `scenario` and
//! `experiment` read their files through `input`.

#![warn(missing_docs, unreachable_pub)]

pub mod app;
pub mod cli;
pub mod error;
pub(crate) mod experiment;
pub(crate) mod input;
pub mod output;
pub(crate) mod rng;
pub mod runner;
pub mod scenario;
pub mod sim;
pub(crate) mod stats;
