//! The x86-64 back end: encodings and register use (the stubs that run its code are the
//! runtime's, in `native::x86_64`).

pub(crate) mod masm;
mod regs;
