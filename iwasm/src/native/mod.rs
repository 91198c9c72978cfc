//! Running compiled code, whoever compiled it (the JIT, or `wamrc` for an AOT image): the
//! helpers compiled code calls and the layout of their table (`helpers`), trap recording with
//! backtraces and memory faults turned into traps (`trap`), and per architecture the stubs
//! between the runtime and compiled code (`x86_64`, `aarch64`). The code
//! generator sits above this module and only reads the layouts and constants it defines.

#[cfg(all(iwasm_aot, target_arch = "aarch64"))]
mod aarch64;
pub(crate) mod helpers;
#[cfg(iwasm_aot)]
mod trap;
#[cfg(all(iwasm_aot, target_arch = "x86_64"))]
mod x86_64;

#[cfg(all(iwasm_aot, target_arch = "aarch64"))]
use aarch64 as host;
#[cfg(all(iwasm_aot, target_arch = "x86_64"))]
use x86_64 as host;

#[cfg(iwasm_jit)]
pub(crate) use host::enter;
#[cfg(iwasm_jit)]
pub(crate) use trap::take_fault;

#[cfg(iwasm_aot)]
use crate::runtime::vmctx::EntryFn;
#[cfg(iwasm_aot)]
use crate::runtime::TierHooks;

/// A store's tier hooks for wasm functions that start at `first_tier`'s entry and are never
/// compiled, but can be called from compiled code (an AOT module's): host functions and
/// such functions are called through the host architecture's `call_entry` stub.
#[cfg(iwasm_aot)]
pub(crate) fn interpreted(first_tier: EntryFn) -> TierHooks {
    TierHooks {
        entry: first_tier,
        native: host::call_entry as *const u8,
        compiled: &helpers::COMPILED_RUNTIME as *const _ as *const (),
        compiled_entry: Some(host::enter),
        fault_handler: Some(trap::take_fault),
        promote: None,
        osr: None,
    }
}
