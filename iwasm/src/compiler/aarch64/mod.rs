//! The AArch64 back end: encodings and register use (the stubs that run its code are the
//! runtime's, in `native::aarch64`).

mod encode;
pub(crate) mod masm;
