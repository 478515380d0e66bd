//! Integration tests: drive the real `custody-sim` binary in a temporary folder per test.

mod bad_input;
mod calibrate;
mod charts;
mod common;
mod experiment;
mod explore;
mod explorer;
mod golden;
mod hardening;
mod input_files;
mod outcomes;
mod posterior;
mod readme;
mod report;
mod run;
mod scripting;
mod validate;
mod validity;
