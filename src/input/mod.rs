//! Reading the program's input files (scenario, sweep, explore, calibration, targets and explorer
//! files), the one way for all of them: [`read`] (the bytes, which must be UTF-8, parsed as TOML),
//! then strict typed deserialisation naming the dotted path of every bad field ([`strict`],
//! [`read_parts`]: each top-level field on its own), then the checks of each section, which record
//! every problem in one [`Problems`] collector, so that a file is refused once with all of its
//! problems.

pub(crate) mod lines;
mod problems;
mod read;
mod strict;
pub(crate) mod suggest;

pub(crate) use problems::Problems;
pub(crate) use read::{read, Source};
pub(crate) use strict::{exact_values, parts, read_parts, short, strict, Fields, Parts};
