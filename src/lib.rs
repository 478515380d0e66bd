//! custody-sim: an agent-based discrete-event simulator of the US custody pipeline for
//! unaccompanied children. Every child in the program is synthetic.
//!
//! Dependencies point one way:
//! `cli -> app -> (scenario, runner, output, experiment) -> (stats, sim)`.

pub mod app;
pub mod cli;
pub mod error;
pub mod experiment;
pub mod output;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod sim;
pub mod stats;
