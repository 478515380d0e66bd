//! Experiments: sampling designs and sensitivity analyses over scenario parameters.

pub mod analysis;
pub mod calibrate;
pub mod compare;
pub mod design;
pub mod slurm;
pub mod sweep;
pub mod targets;
