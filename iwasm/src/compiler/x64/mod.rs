//! The x86-64 back end: the macro-assembler and the entry/exit stubs.

pub(crate) mod masm;
mod regs;
pub(crate) mod stubs;
