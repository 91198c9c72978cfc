//! Execution: threaded dispatch over translated code.
//!
//! Each op has a handler (`handlers.rs`, generated from the op list) taking the hot state in
//! registers: the instruction pointer, the frame pointer, and the current linear memory's base
//! and length. With the `iwasm_tail_calls` cfg (see `build.rs`) a handler ends by tail-calling
//! the next instruction's handler; otherwise it returns to a trampoline loop. Wasm-to-wasm calls
//! never recurse on the host stack: frames live in a side vector and operands in the store's
//! value stack, so `call stack exhausted` is a trap, never a host stack overflow.

mod cells;
mod handlers;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::ops::Instr;
use super::translate::translate;
use super::CompiledFunc;
use crate::error::{Trap, TrapCode};
use crate::runtime::{Caller, FuncKind, Memory, Store};
use crate::values::{FuncType, Value};

/// A suspended caller.
struct Frame {
    ip: *const Instr,
    fp: *mut u64,
    func: u32,
    instance: u32,
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
    /// The running function (store index), for backtraces.
    current: u32,
    /// The running function's instance.
    instance: u32,
    /// The store index of the instance's memory 0.
    mem_index: Option<u32>,
    stack_end: *mut u64,
    stack_start: *mut u64,
    max_depth: usize,
    trap: Option<Trap>,
    /// Where the trampoline resumes.
    #[cfg_attr(iwasm_tail_calls, allow(dead_code))]
    resume: Regs,
}

impl Executor<'_> {
    /// Records a trap for the dispatch loop to return.
    #[cold]
    fn trap(&mut self, trap: Trap) -> Exit {
        self.trap = Some(trap);
        Exit::Trap
    }

    /// Base and length of the current instance's memory 0 (re-read after anything that may
    /// grow or replace it).
    fn memory_view(&mut self) -> (*mut u8, usize) {
        let memories = &self.store.instances[self.instance as usize].memories;
        self.mem_index = memories.first().copied();
        match self.mem_index {
            Some(m) => {
                let data = &mut self.store.memories[m as usize].data;
                (data.as_mut_ptr(), data.len())
            }
            None => (core::ptr::null_mut(), 0),
        }
    }
}

/// Calls store function `func` (of type `ty`) with `args` (already type-checked).
pub(crate) fn invoke(
    store: &mut Store,
    func: u32,
    ty: &FuncType,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    if store.stack.is_empty() {
        store.stack = crate::runtime::zeroed_vec(store.config.max_value_stack_slots)
            .ok_or_else(|| Trap::new(TrapCode::StackExhausted))?;
    }
    let base = store.stack_in_use;
    let cells = ty.params().len().max(ty.results().len());
    if base + cells > store.stack.len() {
        return Err(Trap::new(TrapCode::StackExhausted));
    }
    for (i, arg) in args.iter().enumerate() {
        store.stack[base + i] = arg.to_cell();
    }
    match &store.funcs[func as usize].kind {
        FuncKind::Host(_) => call_host(store, func, base, None)?,
        FuncKind::Wasm { .. } => execute(store, func, base)?,
    }
    let results = ty.results().iter().enumerate();
    Ok(results
        .map(|(i, t)| Value::from_cell(*t, store.stack[base + i]))
        .collect())
}

/// Calls host function `func` with its arguments in `stack[base..]`, leaving results there.
fn call_host(store: &mut Store, func: u32, base: usize, memory: Option<u32>) -> Result<(), Trap> {
    let FuncKind::Host(host) = &store.funcs[func as usize].kind else {
        unreachable!("call_host on a wasm function");
    };
    let host = host.clone();
    let ty = store.types[store.funcs[func as usize].type_id as usize].clone();
    let args: Vec<Value> = ty
        .params()
        .iter()
        .enumerate()
        .map(|(i, t)| Value::from_cell(*t, store.stack[base + i]))
        .collect();
    let mut results: Vec<Value> = ty
        .results()
        .iter()
        .map(|t| Value::default_for(*t))
        .collect();
    let saved = store.stack_in_use;
    store.stack_in_use = base + ty.params().len().max(ty.results().len());
    let outcome = host(
        &mut Caller {
            store,
            memory: memory.map(Memory),
        },
        &args,
        &mut results,
    );
    store.stack_in_use = saved;
    outcome?;
    for (i, (value, ty)) in results.iter().zip(ty.results()).enumerate() {
        if value.ty() != *ty {
            return Err(Trap::host(
                "host function returned a value of the wrong type",
            ));
        }
        store.stack[base + i] = value.to_cell();
    }
    Ok(())
}

/// The translated code of wasm function `func`, if it was translated already.
#[inline(always)]
fn compiled(store: &Store, func: u32) -> Option<*const CompiledFunc> {
    match &store.funcs[func as usize].kind {
        FuncKind::Wasm { code, .. } => code.get().map(|code| &**code as *const CompiledFunc),
        FuncKind::Host(_) => unreachable!("compiled() on a host function"),
    }
}

/// Translates wasm function `func` and keeps the code in the store.
fn translate_function(store: &Store, func: u32) -> Result<*const CompiledFunc, Trap> {
    let FuncKind::Wasm {
        instance,
        index,
        code,
    } = &store.funcs[func as usize].kind
    else {
        unreachable!("translate_function() on a host function");
    };
    let module = &store.instances[*instance as usize].module;
    let translated = translate(module, *index)
        .map_err(|e| Trap::host(alloc::format!("cannot translate function: {e}")))?;
    let _ = code.set(Box::new(translated));
    Ok(&**code.get().expect("just set"))
}

/// The wasm backtrace (innermost first) for a trap in `func` under `frames`.
fn backtrace(store: &Store, func: u32, frames: &[Frame]) -> Vec<String> {
    core::iter::once(func)
        .chain(frames.iter().rev().map(|f| f.func))
        .map(|f| match &store.funcs[f as usize].kind {
            FuncKind::Wasm {
                instance, index, ..
            } => store.instances[*instance as usize].module.func_name(*index),
            FuncKind::Host(_) => String::from("<host>"),
        })
        .collect()
}

/// Runs wasm function `func` with its frame at `stack[base..]` until it returns.
fn execute(store: &mut Store, func: u32, base: usize) -> Result<(), Trap> {
    let FuncKind::Wasm { instance, .. } = store.funcs[func as usize].kind else {
        unreachable!("execute() on a host function");
    };
    let stack_start = store.stack.as_mut_ptr();
    // SAFETY: one past the end of the value stack, which is never reallocated while running.
    let stack_end = unsafe { stack_start.add(store.stack.len()) };
    let max_depth = store.config.max_call_depth;
    let mut ex = Executor {
        store,
        frames: Vec::new(),
        current: func,
        instance,
        mem_index: None,
        stack_start,
        stack_end,
        max_depth,
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
