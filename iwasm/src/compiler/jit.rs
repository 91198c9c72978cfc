//! The JIT: functions are compiled on their first call and run from executable memory that
//! is written while read-write and then made read-execute (never both).

use alloc::boxed::Box;

use iwasm_platforms::memory::{flush_icache, Protection, Region};

use super::helpers::COMPILED_RUNTIME;
use super::isa::stubs;
use crate::error::Trap;
use crate::runtime::vmctx::{EntryFn, FuncRef, VMContext};
use crate::runtime::{FuncKind, Store, TierHooks};

/// A store's tier hooks for functions compiled on their first call.
pub(crate) fn lazy_tier() -> TierHooks {
    TierHooks {
        entry: lazy_entry,
        native: stubs::call_entry as *const u8,
        compiled: &COMPILED_RUNTIME as *const _ as *const (),
    }
}

/// The entry of functions not compiled yet: compiles, then enters the code.
///
/// # Safety
/// As the `EntryFn` contract says.
unsafe extern "C" fn lazy_entry(
    callee: *const FuncRef,
    caller_vmctx: *mut VMContext,
    values: *mut u64,
) -> u32 {
    // SAFETY: guaranteed by the caller.
    let (func_ref, store) = unsafe { (&*callee, &mut *(*(*(*callee).vmctx).runtime).store) };
    if let Err(trap) = compile_into(store, func_ref) {
        store.set_pending_trap(trap);
        return 1;
    }
    // SAFETY: the function's native entry is now its compiled code.
    unsafe { stubs::enter(callee, caller_vmctx, values) }
}

/// Compiles `func` and switches its entries to the compiled code.
pub(crate) fn compile_into(store: &mut Store, func: &FuncRef) -> Result<(), Trap> {
    let FuncKind::Wasm { instance, index } = store.funcs[func.func as usize].kind else {
        unreachable!("only wasm functions are compiled");
    };
    let module = &store.instances[instance as usize].module;
    let code = super::compile_function(module, index)
        .map_err(|e| Trap::host(alloc::format!("cannot compile function: {e}")))?;
    let region =
        executable(&code).map_err(|e| Trap::host(alloc::format!("cannot map code memory: {e}")))?;
    let entry = region.as_ptr() as *const u8;
    store.keep_code(Box::new(region));
    func.native.set(entry);
    func.code.set(entry.cast());
    func.entry.set(stubs::enter as EntryFn);
    Ok(())
}

/// `code` in fresh memory, made executable.
fn executable(code: &[u8]) -> Result<Region, iwasm_platforms::PalError> {
    let mut region = Region::map(code.len(), Protection::ReadWrite)?;
    // SAFETY: the region is mapped read-write and at least `code.len()` bytes long.
    unsafe { core::ptr::copy_nonoverlapping(code.as_ptr(), region.as_ptr(), code.len()) };
    region.protect(Protection::ReadExecute)?;
    flush_icache(region.as_ptr(), code.len());
    Ok(region)
}
