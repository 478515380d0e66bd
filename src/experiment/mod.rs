//! Experiments: sampling designs and sensitivity analyses over scenario parameters.

pub(crate) mod analysis;
pub(crate) mod calibrate;
pub(crate) mod campaign;
pub(crate) mod checks;
pub(crate) mod compare;
pub(crate) mod design;
pub(crate) mod design_csv;
pub(crate) mod explore;
pub(crate) mod posterior;
pub(crate) mod prim;
pub(crate) mod slurm;
pub(crate) mod sobol;
pub(crate) mod sweep;
pub(crate) mod targets;
