//! The fast interpreter: functions are translated on first call into a compact register-style
//! code (`ops`, `translate`) and run by one dispatch loop (`exec`).

//!
//! `ops` (the op list, with each numeric operation's semantics), `float` and `cell` are the
//! part compiled code's helpers share; the rest needs the `wasm` feature.

mod cell;
#[cfg(feature = "wasm")]
mod cond;
#[cfg(feature = "wasm")]
mod exec;
pub(crate) mod float;
mod ops;
#[cfg(feature = "wasm")]
mod translate;

#[cfg(feature = "wasm")]
use alloc::boxed::Box;

#[cfg(iwasm_aot)]
pub(crate) use cell::Cell;
#[cfg(feature = "wasm")]
pub(crate) use exec::entry;
#[cfg(any(iwasm_aot, iwasm_compiler))]
pub(crate) use ops::for_each_op;
#[cfg(feature = "wasm")]
pub(crate) use ops::Instr;

/// A function translated for the interpreter.
#[cfg(feature = "wasm")]
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// The instructions; execution starts at index 0.
    pub code: Box<[Instr]>,
    /// Slots the frame needs: locals (parameters first) then the operand stack.
    pub frame_size: u32,
    /// Number of parameters (already in slots `0..num_params` at entry).
    pub num_params: u32,
    /// Number of locals including parameters (zeroed at entry beyond the parameters).
    pub num_locals: u32,
    /// Constant slots and their values, written at entry.
    pub consts: Box<[(u32, u64)]>,
    /// Calls plus loop iterations so far (for promotion to another tier).
    pub hotness: core::cell::Cell<u32>,
    /// The hotness at which the function is promoted (`u32::MAX`: never).
    pub promote_at: u32,
}
#[cfg(test)]
mod tests;
