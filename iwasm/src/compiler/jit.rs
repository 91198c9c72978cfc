//! The JIT: functions are compiled on their first call and run from executable memory that
//! is written while read-write and then made read-execute (never both).

use alloc::boxed::Box;
use core::cell::Cell;

use iwasm_platforms::faults;
use iwasm_platforms::memory::Region;

use super::{Bounds, FunctionCode, Settings};

use crate::error::Trap;
use crate::native;
use crate::runtime::vmctx::{EntryFn, FuncRef, VMContext};
use crate::runtime::{FuncKind, Store, TierHooks};

/// A store's tier hooks for functions compiled on their first call.
pub(crate) fn lazy_tier() -> TierHooks {
    native::interpreted(lazy_entry)
}

/// A store's tier hooks for functions that start at `first_tier`'s entry (the interpreter)
/// and are compiled when hot.
pub(crate) fn multi_tier(first_tier: EntryFn) -> TierHooks {
    TierHooks {
        promote: Some(compile_into as crate::runtime::PromoteFn),
        osr: Some(run_from_loop as crate::runtime::OsrFn),
        ..native::interpreted(first_tier)
    }
}

/// Compiles `func` with an entry at the start of loop `ordinal` and runs it from there with
/// its locals in `values` (results come back in `values`). `Ok(false)` if that loop cannot
/// be entered (it does not start on an empty operand stack).
fn run_from_loop(
    store: &mut Store,
    func: &FuncRef,
    ordinal: u32,
    values: &mut [u64],
) -> Result<bool, Trap> {
    let FuncKind::Wasm { instance, index } = store.funcs[func.func as usize].kind else {
        unreachable!("only wasm functions are compiled");
    };
    let settings = Settings::jit(bounds_for(store, instance), store.config.consume_fuel);
    let module = &store.instances[instance as usize].module;
    let Some(FunctionCode { code, .. }) =
        super::compile_loop_entry(module, index, ordinal, settings)
            .map_err(|e| Trap::host(alloc::format!("cannot compile function: {e}")))?
    else {
        return Ok(false);
    };
    let region = Region::with_code(&code)
        .map_err(|e| Trap::host(alloc::format!("cannot map code memory: {e}")))?;
    let entry = region.as_ptr() as *const u8;
    store.keep_code(Box::new(region));
    store.add_code_range(entry as usize, code.len(), func.func);
    // A reference to the same function whose native entry is the loop entry.
    let at_loop = FuncRef {
        entry: Cell::new(native::enter as EntryFn),
        type_id: func.type_id,
        func: func.func,
        vmctx: func.vmctx,
        code: Cell::new(entry.cast()),
        native: Cell::new(entry),
    };
    store.runtime.store = store;
    // SAFETY: `at_loop` is a live reference whose native entry is compiled code expecting
    // the function's locals in `values`, which holds at least as many cells as the function
    // has locals and results (the caller's contract).
    let status = unsafe { native::enter(&at_loop, core::ptr::null_mut(), values.as_mut_ptr()) };
    if status != 0 {
        return Err(store.take_pending_trap());
    }
    Ok(true)
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
    unsafe { native::enter(callee, caller_vmctx, values) }
}

/// Compiles `func` and switches its entries to the compiled code.
pub(crate) fn compile_into(store: &mut Store, func: &FuncRef) -> Result<(), Trap> {
    let FuncKind::Wasm { instance, index } = store.funcs[func.func as usize].kind else {
        unreachable!("only wasm functions are compiled");
    };
    let settings = Settings::jit(bounds_for(store, instance), store.config.consume_fuel);
    let module = &store.instances[instance as usize].module;
    let code = super::compile_function(module, index, settings)
        .map_err(|e| Trap::host(alloc::format!("cannot compile function: {e}")))?
        .code;
    let region = Region::with_code(&code)
        .map_err(|e| Trap::host(alloc::format!("cannot map code memory: {e}")))?;
    let entry = region.as_ptr() as *const u8;
    store.keep_code(Box::new(region));
    store.add_code_range(entry as usize, code.len(), func.func);
    func.native.set(entry);
    func.entry.set(native::enter as EntryFn);
    Ok(())
}

/// How code for `instance`'s functions keeps memory accesses in bounds: guard pages where
/// the store allows them, memory 0 sits in its own reservation and the platform turns faults
/// in compiled code into traps; explicit checks otherwise.
fn bounds_for(store: &Store, instance: u32) -> Bounds {
    let reserved = store.instances[instance as usize]
        .memories
        .first()
        .is_some_and(|m| store.memories[*m as usize].is_reserved());
    if store.config.guard_pages && reserved && faults::install(native::take_fault).is_ok() {
        Bounds::GuardPages
    } else {
        Bounds::Explicit
    }
}
