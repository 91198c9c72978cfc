//! Spec-suite runner, end-to-end tests and benchmarks for the iwasm runtime.

pub mod spec;
