//! Execution: threaded dispatch over translated code.
//!
//! Each op has a handler (`handlers.rs`, generated from the op list) taking the hot state in
//! registers: the instruction pointer, the frame pointer, and the current linear memory's base
//! and length. With the `iwasm_tail_calls` cfg (see `build.rs`) a handler ends by tail-calling
//! the next instruction's handler; otherwise it returns to a trampoline loop. Calls between
//! interpreted functions never recurse on the host stack: frames live in a side vector and
//! operands in the store's value stack, so `call stack exhausted` is a trap, never a host
//! stack overflow. Functions of other tiers (and host functions) are called through their
//! reference's entry.

pub(super) mod cells;
mod handlers;

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::ops::Instr;
use super::translate::translate;
use super::CompiledFunc;
use crate::error::{Trap, TrapCode};
use crate::runtime::vmctx::{FuncRef, VMContext};
use crate::runtime::{FuncKind, Store};

/// A suspended caller.
struct Frame {
    ip: *const Instr,
    fp: *mut u64,
    func: *const FuncRef,
}

/// How a handler chain ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Exit {
    /// The outermost function returned.
    Done,
    /// A trap; the trap is in `Executor::trap`.
    Trap,
    /// (Trampoline dispatch only) run the next handler with the state in `Executor::resume`.
    #[cfg_attr(iwasm_tail_calls, allow(dead_code))]
    Continue,
}

/// The hot registers of the dispatch loop.
#[derive(Clone, Copy)]
struct Regs {
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
    /// The last result written (see `Instr`'s accumulator variants).
    acc: u64,
}

/// The state handlers share besides the hot registers.
struct Executor<'s> {
    store: &'s mut Store,
    frames: Vec<Frame>,
    /// The running function, for backtraces.
    current: *const FuncRef,
    /// The running function's instance context.
    vmctx: *mut VMContext,
    stack_end: *mut u64,
    stack_start: *mut u64,
    /// The store's call depth when this execution started.
    depth_base: usize,
    /// How many frames this execution may push.
    max_frames: usize,
    trap: Option<Trap>,
    /// The store's interrupt state (owned by the store, which outlives this execution).
    interrupt: *const crate::runtime::interrupt::InterruptState,
    /// Where the trampoline resumes.
    #[cfg_attr(iwasm_tail_calls, allow(dead_code))]
    resume: Regs,
}

impl Executor<'_> {
    /// Whether the store was asked to stop (checked on function entry and backward branches).
    #[inline(always)]
    fn interrupted(&self) -> bool {
        // SAFETY: the store owns the flag and outlives this execution.
        unsafe { &*self.interrupt }.is_set()
    }

    /// Whether a taken branch by `target` instructions stops here: a backward branch is a
    /// loop's next iteration, where a pending interrupt is delivered.
    #[inline(always)]
    fn interrupted_at_branch(&self, target: i32) -> bool {
        target <= 0 && self.interrupted()
    }

    /// Records a trap for the dispatch loop to return.
    #[cold]
    fn trap(&mut self, trap: Trap) -> Exit {
        self.trap = Some(trap);
        Exit::Trap
    }

    /// Base and length of the current instance's memory 0 (re-read after anything that may
    /// grow it).
    fn memory_view(&self) -> (*mut u8, usize) {
        // SAFETY: `vmctx` is the live context of the running instance; `memory0` is null or
        // points at a memory of the store.
        unsafe {
            match (*self.vmctx).memory0.as_ref() {
                Some(memory) => (memory.base, memory.length),
                None => (core::ptr::null_mut(), 0),
            }
        }
    }

    /// Runs `call` (a call out of the interpreter: host functions, other tiers) with the
    /// value stack up to slot `in_use_end` and this execution's frames claimed in the store,
    /// so re-entrant calls build on top of them.
    fn outside<T>(&mut self, in_use_end: usize, call: impl FnOnce(&mut Store) -> T) -> T {
        let saved_in_use = self.store.stack_in_use;
        self.store.stack_in_use = in_use_end;
        self.store.runtime.call_depth = self.depth_base + self.frames.len() + 1;
        let result = call(self.store);
        self.store.runtime.call_depth = self.depth_base;
        self.store.stack_in_use = saved_in_use;
        result
    }

    /// The running instance's index in the store.
    fn instance(&self) -> u32 {
        // SAFETY: `vmctx` is the live context of the running instance.
        unsafe { (*self.vmctx).instance }
    }
}

/// The interpreter's entry (see [`EntryFn`](crate::runtime::vmctx::EntryFn)): every wasm
/// function starts with it.
///
/// # Safety
/// As the `EntryFn` contract says: `callee` is a wasm function's reference whose context's
/// runtime points at the executing store, and `values` holds `max(params, results)` cells.
pub(crate) unsafe extern "C" fn entry(
    callee: *const FuncRef,
    _caller_vmctx: *mut VMContext,
    values: *mut u64,
) -> u32 {
    // SAFETY: guaranteed by the caller.
    let store = unsafe { &mut *(*(*(*callee).vmctx).runtime).store };
    // SAFETY: guaranteed by the caller.
    match unsafe { invoke(store, callee, values) } {
        Ok(()) => 0,
        Err(trap) => {
            store.set_pending_trap(trap);
            1
        }
    }
}

/// Runs `callee` on the arguments in `values`, leaving its results there.
///
/// # Safety
/// As for [`entry`].
unsafe fn invoke(store: &mut Store, callee: *const FuncRef, values: *mut u64) -> Result<(), Trap> {
    if store.stack.is_empty() {
        store.stack = crate::runtime::zeroed_vec(store.config.max_value_stack_slots)
            .ok_or_else(|| Trap::new(TrapCode::StackExhausted))?;
    }
    // SAFETY: `callee` is live (guaranteed by the caller).
    let ty = &store.types[unsafe { (*callee).type_id } as usize];
    let (params, results) = (ty.params().len(), ty.results().len());
    let base = store.stack_in_use;
    if base + params.max(results) > store.stack.len() {
        return Err(Trap::new(TrapCode::StackExhausted));
    }
    // SAFETY: the caller provides `max(params, results)` cells at `values`.
    unsafe {
        let stack = store.stack.as_mut_ptr().add(base);
        core::ptr::copy_nonoverlapping(values, stack, params);
        execute(store, callee, base)?;
        let stack = store.stack.as_ptr().add(base);
        core::ptr::copy_nonoverlapping(stack, values, results);
    }
    Ok(())
}

/// The translated code of `func`, translating it on its first call.
fn compiled(store: &mut Store, func: &FuncRef) -> Result<*const CompiledFunc, Trap> {
    let code = func.code.get();
    if !code.is_null() {
        return Ok(code.cast());
    }
    let FuncKind::Wasm { instance, index } = store.funcs[func.func as usize].kind else {
        unreachable!("the interpreter runs wasm functions only");
    };
    let module = &store.instances[instance as usize].module;
    let tiers_up = store.tier().promote.is_some();
    let mut translated = translate(
        module,
        index,
        store.tier().osr.is_some(),
        store.config.consume_fuel,
    )
    .map_err(|e| Trap::host(alloc::format!("cannot translate function: {e}")))?;
    if tiers_up {
        translated.promote_at = store.config.tier_up_threshold.max(1);
    }
    let code = store.keep_code(Box::new(translated));
    func.code.set(code.cast());
    Ok(code)
}

/// The wasm backtrace (innermost first) for a trap in `func` under `frames`.
fn backtrace(store: &Store, func: *const FuncRef, frames: &[Frame]) -> Vec<crate::error::Frame> {
    core::iter::once(func)
        .chain(frames.iter().rev().map(|f| f.func))
        // SAFETY: every frame's function reference is a live reference of the store.
        .map(|f| store.frame(unsafe { (*f).func }))
        .collect()
}

/// Runs wasm function `func` with its frame at `stack[base..]` until it returns.
fn execute(store: &mut Store, func: *const FuncRef, base: usize) -> Result<(), Trap> {
    let stack_start = store.stack.as_mut_ptr();
    // SAFETY: one past the end of the value stack, which is never reallocated while running.
    let stack_end = unsafe { stack_start.add(store.stack.len()) };
    let depth_base = store.runtime.call_depth;
    let max_frames = store.config.max_call_depth.saturating_sub(depth_base);
    let interrupt = alloc::sync::Arc::as_ptr(&store.interrupt);
    let mut ex = Executor {
        interrupt,
        store,
        frames: Vec::new(),
        current: func,
        // SAFETY: `func` is a live wasm function reference.
        vmctx: unsafe { (*func).vmctx },
        stack_start,
        stack_end,
        depth_base,
        max_frames,
        trap: None,
        resume: Regs {
            ip: core::ptr::null(),
            fp: core::ptr::null_mut(),
            mem: core::ptr::null_mut(),
            mem_len: 0,
            acc: 0,
        },
    };
    // SAFETY: `base` is within the value stack (checked by `invoke`).
    let fp = unsafe { stack_start.add(base) };
    let exit = handlers::start(&mut ex, func, fp);
    match exit {
        Exit::Done => Ok(()),
        _ => {
            let trap = ex.trap.take().expect("a trap exit records its trap");
            let trace = backtrace(ex.store, ex.current, &ex.frames);
            Err(trap.with_backtrace(trace))
        }
    }
}
