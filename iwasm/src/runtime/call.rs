//! Calling functions through their references, whatever runs them: the host-to-wasm path of
//! [`Func::call`](super::Func::call), the entry of host functions, and the store's one stack
//! budget (call depth across re-entry, and a native stack limit).

use alloc::vec::Vec;

use super::vmctx::{FuncRef, VMContext};
use super::{Caller, FuncKind, Memory, Store};
use crate::error::{Trap, TrapCode};
use crate::values::Value;

/// Native stack kept free below the limit, for the host code that runs between two checks
/// (host functions, the interpreter's entry, Rust's own bookkeeping); at most half of what
/// is left when execution starts, for threads with small stacks.
const STACK_RED_ZONE: usize = 256 * 1024;

/// Native stack a store may use when the platform cannot tell the thread's stack bounds.
const FALLBACK_STACK_BUDGET: usize = 512 * 1024;

/// The lowest native stack address execution entered from here may use.
fn native_stack_limit() -> usize {
    let sp = iwasm_platforms::stack::current_stack_pointer();
    match iwasm_platforms::stack::current_thread_stack_low() {
        Ok(low) => low.saturating_add(STACK_RED_ZONE.min(sp.saturating_sub(low) / 2)),
        Err(_) => sp.saturating_sub(FALLBACK_STACK_BUDGET),
    }
}

impl Store {
    /// Claims one level of the store's stack budget for a call about to start: fails with
    /// `call stack exhausted` when the call depth or the native stack is used up. The
    /// outermost call fixes the native stack limit for everything it runs.
    pub(crate) fn enter_call(&mut self) -> Result<(), Trap> {
        let runtime = &mut *self.runtime;
        if runtime.call_depth == 0 {
            runtime.stack_limit = native_stack_limit();
            self.interrupt.set_stack_limit(runtime.stack_limit);
        }
        if runtime.call_depth >= self.config.max_call_depth
            || iwasm_platforms::stack::current_stack_pointer() <= runtime.stack_limit
        {
            return Err(Trap::new(TrapCode::StackExhausted));
        }
        runtime.call_depth += 1;
        Ok(())
    }

    /// Releases the level [`Store::enter_call`] claimed.
    pub(crate) fn exit_call(&mut self) {
        self.runtime.call_depth -= 1;
    }

    /// Calls store function `func` from the host with its arguments as cells (already
    /// type-checked).
    pub(crate) fn call_func(
        &mut self,
        func: u32,
        mut values: Vec<u64>,
    ) -> Result<Vec<Value>, Trap> {
        let ty = self.types[self.funcs[func as usize].func_ref.type_id as usize].clone();
        values.resize(ty.params().len().max(ty.results().len()), 0);
        self.enter_call()?;
        self.runtime.store = self;
        let func_ref = self.func_ref(func);
        let outer = active::enter(&mut *self.runtime);
        // SAFETY: `func_ref` is a live reference of this store, whose entry follows the
        // `EntryFn` contract; `values` holds `max(params, results)` cells.
        let status = unsafe {
            ((*func_ref).entry.get())(func_ref, core::ptr::null_mut(), values.as_mut_ptr())
        };
        active::leave(outer);
        self.exit_call();
        if status != 0 {
            let trap = self.take_pending_trap();
            // The interrupt is delivered once it leaves the outermost call.
            if trap.code() == TrapCode::Interrupted && self.runtime.call_depth == 0 {
                self.interrupt.clear();
            }
            return Err(trap);
        }
        Ok(ty
            .results()
            .iter()
            .zip(&values)
            .map(|(t, cell)| self.cell_to_value(*t, *cell))
            .collect())
    }
}

/// Which store's code the current thread is running (for turning memory faults in compiled
/// code into traps).
pub(crate) mod active {
    use super::super::vmctx::VMRuntime;

    #[cfg(feature = "std")]
    std::thread_local! {
        static ACTIVE: core::cell::Cell<*mut VMRuntime> = const { core::cell::Cell::new(core::ptr::null_mut()) };
    }

    /// Makes `runtime` the active one; returns the one it replaces.
    #[cfg(feature = "std")]
    pub(crate) fn enter(runtime: *mut VMRuntime) -> *mut VMRuntime {
        ACTIVE.with(|active| active.replace(runtime))
    }

    /// Makes `outer` (from [`enter`]) active again.
    #[cfg(feature = "std")]
    pub(crate) fn leave(outer: *mut VMRuntime) {
        ACTIVE.with(|active| active.set(outer));
    }

    /// The runtime state of the store the current thread is running, or null.
    #[cfg(feature = "std")]
    #[cfg_attr(not(iwasm_jit), allow(dead_code, reason = "only compiled code faults"))]
    pub(crate) fn current() -> *mut VMRuntime {
        ACTIVE.with(|active| active.get())
    }

    /// Without threads there is nothing to track.
    #[cfg(not(feature = "std"))]
    pub(crate) fn enter(_: *mut VMRuntime) -> *mut VMRuntime {
        core::ptr::null_mut()
    }

    /// Without threads there is nothing to track.
    #[cfg(not(feature = "std"))]
    pub(crate) fn leave(_: *mut VMRuntime) {}
}

/// The entry of every host function (see [`EntryFn`](super::vmctx::EntryFn)).
///
/// # Safety
/// `callee` is a host function's reference of the store its context's runtime points at;
/// `caller_vmctx` is null or a context of that store; `values` holds `max(params, results)`
/// cells.
pub(crate) unsafe extern "C" fn host_entry(
    callee: *const FuncRef,
    caller_vmctx: *mut VMContext,
    values: *mut u64,
) -> u32 {
    // SAFETY: guaranteed by the caller: the reference and the runtime are live, and the
    // runtime points at the store that is executing.
    let (func, store) = unsafe {
        let func_ref = &*callee;
        (func_ref.func, &mut *(*(*func_ref.vmctx).runtime).store)
    };
    // SAFETY: as above: a null caller context means the host called directly.
    let memory = unsafe { caller_vmctx.as_ref() }.and_then(|vmctx| {
        let memory = *store.instances[vmctx.instance as usize].memories.first()?;
        Some(Memory(store.handle(memory as usize)))
    });
    let ty = store.types[store.funcs[func as usize].func_ref.type_id as usize].clone();
    let cells = ty.params().len().max(ty.results().len());
    // SAFETY: the caller provides `cells` cells at `values`.
    let values = unsafe { core::slice::from_raw_parts_mut(values, cells) };
    match call_host(store, func, memory, values) {
        Ok(()) => 0,
        Err(trap) => {
            store.set_pending_trap(trap);
            1
        }
    }
}

/// Runs host function `func` on the arguments in `values`, leaving its results there.
fn call_host(
    store: &mut Store,
    func: u32,
    memory: Option<Memory>,
    values: &mut [u64],
) -> Result<(), Trap> {
    let FuncKind::Host(host) = &store.funcs[func as usize].kind else {
        unreachable!("host_entry is the entry of host functions only");
    };
    let host = host.clone();
    let ty = store.types[store.funcs[func as usize].func_ref.type_id as usize].clone();
    let args: Vec<Value> = ty
        .params()
        .iter()
        .zip(values.iter())
        .map(|(t, cell)| store.cell_to_value(*t, *cell))
        .collect();
    let mut results: Vec<Value> = ty
        .results()
        .iter()
        .map(|t| Value::default_for(*t))
        .collect();
    store.enter_call()?;
    let outcome = host(&mut Caller { store, memory }, &args, &mut results);
    store.exit_call();
    outcome?;
    for ((cell, value), ty) in values.iter_mut().zip(&results).zip(ty.results()) {
        if value.ty() != *ty {
            return Err(Trap::host(
                "host function returned a value of the wrong type",
            ));
        }
        *cell = store
            .value_to_cell(*value)
            .map_err(|e| Trap::host(alloc::format!("host function result: {e}")))?;
    }
    Ok(())
}
