//! Integration tests: drive the real `custody-sim` binary in a temporary folder per test.

mod bad_input;
mod calibrate;
mod common;
mod experiment;
mod run;
mod validate;
