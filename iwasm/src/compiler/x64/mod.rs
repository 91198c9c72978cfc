//! The x86-64 back end: the macro-assembler and the entry/exit stubs.

#[cfg(iwasm_jit)]
pub(crate) mod masm;
#[cfg_attr(
    not(iwasm_jit),
    allow(dead_code, reason = "the macro-assembler uses the rest")
)]
mod regs;
pub(crate) mod stubs;
