//! Running compiled code, whoever compiled it (the JIT, or `wamrc` for an AOT image): the
//! helpers compiled code calls and the layout of their table (`helpers`), trap recording with
//! backtraces (`trap`), and per architecture the stubs between the runtime and compiled code,
//! the fault-to-trap redirect and frame walking (`x86_64`; `aarch64` next). The code
//! generator sits above this module and only reads the layouts and constants it defines.

pub(crate) mod helpers;
#[cfg(iwasm_aot)]
mod trap;
#[cfg(all(iwasm_aot, target_arch = "x86_64"))]
pub(crate) mod x86_64;

#[cfg(all(iwasm_aot, target_arch = "x86_64"))]
pub(crate) use x86_64 as host;

#[cfg(iwasm_jit)]
pub(crate) use host::{enter, take_fault};

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
        fault_handler: Some(host::take_fault),
        promote: None,
        osr: None,
    }
}
