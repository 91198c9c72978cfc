//! One handler per op. The simple families are generated from the op list; control, calls,
//! globals, tables and bulk memory are written out below.
//!
//! Every handler receives its own instruction at `ip` and ends with [`next!`] (continue at
//! another instruction) or by returning an [`Exit`].

use alloc::vec::Vec;
use core::hint::unreachable_unchecked;

use super::cells::{get, set, Cell, MemValue};
use super::{compiled, Executor, Exit, Frame, Regs};
use crate::error::{Trap, TrapCode};
use crate::interp::ops::{for_each_op, Instr, Slot};
use crate::interp::CompiledFunc;
use crate::runtime::vmctx::{EntryFn, FuncRef, VMTable};
use crate::runtime::{fuel, libcalls};
use crate::values::PAGE_SIZE;

/// The signature every handler shares: the hot registers, the executor, the accumulator.
type Handler = unsafe fn(*const Instr, *mut u64, *mut u8, usize, &mut Executor<'_>, u64) -> Exit;

/// Continues at instruction `$ip` with the given frame, memory view and accumulator.
macro_rules! next {
    ($ip:expr, $fp:expr, $mem:expr, $mem_len:expr, $ex:expr, $acc:expr) => {{
        let ip: *const Instr = $ip;
        let acc: u64 = $acc;
        #[cfg(iwasm_tail_calls)]
        {
            // SAFETY: `ip` points at an instruction of the running function, and every
            // opcode indexes `HANDLERS` (both come from the same op list).
            return unsafe {
                HANDLERS.get_unchecked((*ip).opcode())(ip, $fp, $mem, $mem_len, $ex, acc)
            };
        }
        #[cfg(not(iwasm_tail_calls))]
        {
            $ex.resume = Regs {
                ip,
                fp: $fp,
                mem: $mem,
                mem_len: $mem_len,
                acc,
            };
            return Exit::Continue;
        }
    }};
}

/// Runs the handler of the instruction at `regs.ip`.
///
/// # Safety
/// `regs.ip` points at an instruction of a function whose frame is at `regs.fp`.
unsafe fn dispatch(regs: Regs, ex: &mut Executor<'_>) -> Exit {
    let Regs {
        ip,
        fp,
        mem,
        mem_len,
        acc,
    } = regs;
    // SAFETY: guaranteed by the caller; every opcode indexes `HANDLERS`.
    unsafe { HANDLERS.get_unchecked((*ip).opcode())(ip, fp, mem, mem_len, ex, acc) }
}

/// Runs from `regs` until the outermost function returns or traps. With tail-call dispatch
/// the first handler chains through to the end; otherwise handlers return `Continue` and
/// this loop runs the next one.
pub(super) fn run(regs: Regs, ex: &mut Executor<'_>) -> Exit {
    // SAFETY: `regs.ip` is the first instruction of a function just entered (see `start`).
    let mut exit = unsafe { dispatch(regs, ex) };
    while exit == Exit::Continue {
        // SAFETY: `resume` was set by a handler to a valid next instruction.
        exit = unsafe { dispatch(ex.resume, ex) };
    }
    exit
}

/// Enters wasm function `func` (called through its entry) with its frame at `fp`, and runs it.
pub(super) fn start(ex: &mut Executor<'_>, func: *const FuncRef, fp: *mut u64) -> Exit {
    let ip = enter_frame(ex, func, fp);
    if ip.is_null() {
        return Exit::Trap;
    }
    let (mem, mem_len) = ex.memory_view();
    run(
        Regs {
            ip,
            fp,
            mem,
            mem_len,
            acc: 0,
        },
        ex,
    )
}

/// Prepares a frame for `func` at `fp`: translates it if needed, checks that the frame fits
/// in the value stack, zeroes its locals and writes its constant slots. Returns its first
/// instruction, or null after recording a trap in `ex`.
///
/// Nothing here returns a `Trap` by value: a by-memory return slot in a handler would stop
/// LLVM from turning the handler's final dispatch into a tail call.
#[inline(always)]
fn enter_frame(ex: &mut Executor<'_>, func: *const FuncRef, fp: *mut u64) -> *const Instr {
    // SAFETY: `func` is a live wasm function reference of the store.
    let code = unsafe { (*func).code.get() }.cast::<CompiledFunc>();
    let code = if code.is_null() {
        translate_now(ex, func)
    } else {
        code
    };
    if code.is_null() {
        return core::ptr::null();
    }
    if ex.interrupted() {
        ex.trap(Trap::new(TrapCode::Interrupted));
        return core::ptr::null();
    }
    // SAFETY: translated code is boxed in the store and never freed while the store lives.
    let code = unsafe { &*code };
    let hotness = code.hotness.get().wrapping_add(1);
    code.hotness.set(hotness);
    if hotness == code.promote_at {
        promote(ex, func);
    }
    let room = (ex.stack_end as usize - fp as usize) / core::mem::size_of::<u64>();
    if code.frame_size as usize > room {
        ex.trap(Trap::new(TrapCode::StackExhausted));
        return core::ptr::null();
    }
    // SAFETY: the frame fits in the value stack (checked above). Frames usually have few
    // locals: volatile stores keep this a short loop instead of a call to `memset`.
    unsafe {
        for slot in code.num_params..code.num_locals {
            fp.add(slot as usize).write_volatile(0);
        }
        for &(slot, value) in code.consts.iter() {
            *fp.add(slot as usize) = value;
        }
    }
    code.code.as_ptr()
}

/// Promotes `func` to the next tier if the store has one (later calls run there). A failure
/// to compile leaves the function interpreted.
#[cold]
#[inline(never)]
fn promote(ex: &mut Executor<'_>, func: *const FuncRef) {
    if let Some(promote) = ex.store.tier().promote {
        // SAFETY: `func` is a live wasm function reference of the store.
        let func = unsafe { &*func };
        if func.entry.get() as usize == super::entry as EntryFn as usize {
            let _ = promote(ex.store, func);
        }
    }
}

/// Continues the running function from the start of its loop `ordinal` in the next tier
/// (on-stack replacement), returning to the caller when it returns; or goes on
/// interpreting if that is not possible.
#[cold]
#[inline(never)]
unsafe fn replace_on_stack(
    ip: *const Instr,
    fp: *mut u64,
    ex: &mut Executor<'_>,
    acc: u64,
    ordinal: u32,
) -> Exit {
    let func = ex.current;
    promote(ex, func);
    // SAFETY: the running function's reference is live and was translated.
    let (code, func_ref) = unsafe { (&*(*func).code.get().cast::<CompiledFunc>(), &*func) };
    let results = ex.store.types[func_ref.type_id as usize].results().len();
    let Some(osr) = ex.store.tier().osr else {
        let (mem, mem_len) = ex.memory_view();
        next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
    };
    let locals = code.num_locals as usize;
    // SAFETY: the frame holds `num_locals` locals from `fp`.
    let mut values: Vec<u64> = unsafe { core::slice::from_raw_parts(fp, locals) }.to_vec();
    values.resize(locals.max(results), 0);
    // SAFETY: both pointers are into the value stack.
    let offset = unsafe { fp.offset_from(ex.stack_start) } as usize;
    let frame_end = offset + code.frame_size as usize;
    let outcome = ex.outside(frame_end, |store| {
        osr(store, func_ref, ordinal, &mut values)
    });
    let (mem, mem_len) = ex.memory_view();
    match outcome {
        Ok(true) => {
            // SAFETY: every frame has room for its function's results at slots `0..n`.
            unsafe { core::ptr::copy_nonoverlapping(values.as_ptr(), fp, results) };
            ret(mem, mem_len, ex)
        }
        Ok(false) => next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc),
        Err(trap) => ex.trap(trap),
    }
}

/// Translates wasm function `func` on its first call; null after recording a trap.
#[cold]
#[inline(never)]
fn translate_now(ex: &mut Executor<'_>, func: *const FuncRef) -> *const CompiledFunc {
    // SAFETY: `func` is a live wasm function reference of the store.
    match compiled(ex.store, unsafe { &*func }) {
        Ok(code) => code,
        Err(trap) => {
            ex.trap(trap);
            core::ptr::null()
        }
    }
}

/// Calls `callee` with its arguments at slot `base` of the current frame: interpreted
/// functions get a new frame here, anything else is called through its entry.
#[inline(always)]
unsafe fn call(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
    ex: &mut Executor<'_>,
    callee: *const FuncRef,
    base: Slot,
) -> Exit {
    // SAFETY: `base` is a slot of the current frame.
    let new_fp = unsafe { fp.add(base as usize) };
    // SAFETY: `callee` is a live function reference of the store.
    let callee_ref = unsafe { &*callee };
    if callee_ref.entry.get() as usize != super::entry as EntryFn as usize {
        return unsafe { call_through_entry(ip, fp, ex, callee, new_fp) };
    }
    if ex.frames.len() >= ex.max_frames {
        return ex.trap(Trap::new(TrapCode::StackExhausted));
    }
    let entry = enter_frame(ex, callee, new_fp);
    if entry.is_null() {
        return Exit::Trap;
    }
    ex.frames.push(Frame {
        // SAFETY: the call is not the last instruction of its function.
        ip: unsafe { ip.add(1) },
        fp,
        func: ex.current,
    });
    ex.current = callee;
    let (mem, mem_len) = if callee_ref.vmctx == ex.vmctx {
        (mem, mem_len)
    } else {
        ex.vmctx = callee_ref.vmctx;
        ex.memory_view()
    };
    next!(entry, new_fp, mem, mem_len, ex, 0)
}

/// Calls a function the interpreter does not run (a host function, or another tier's code)
/// through its entry, with the value array at `new_fp`, then continues after the call.
#[cold]
#[inline(never)]
unsafe fn call_through_entry(
    ip: *const Instr,
    fp: *mut u64,
    ex: &mut Executor<'_>,
    callee: *const FuncRef,
    new_fp: *mut u64,
) -> Exit {
    // SAFETY: `callee` is a live function reference of the store.
    let ty = &ex.store.types[unsafe { (*callee).type_id } as usize];
    let cells = ty.params().len().max(ty.results().len());
    // SAFETY: both pointers are into the value stack.
    let offset = unsafe { new_fp.offset_from(ex.stack_start) } as usize;
    let vmctx = ex.vmctx;
    // SAFETY: the callee's entry follows the `EntryFn` contract; the value array lies in the
    // value stack (the translator reserves `max(params, results)` slots for every call).
    let status = ex.outside(offset + cells, |_| unsafe {
        ((*callee).entry.get())(callee, vmctx, new_fp)
    });
    if status != 0 {
        let trap = ex.store.take_pending_trap();
        return ex.trap(trap);
    }
    let (mem, mem_len) = ex.memory_view();
    // SAFETY: the call is not the last instruction of its function.
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, 0)
}

/// Returns to the caller, or ends execution if this was the outermost function.
#[inline(always)]
fn ret(mem: *mut u8, mem_len: usize, ex: &mut Executor<'_>) -> Exit {
    let Some(frame) = ex.frames.pop() else {
        return Exit::Done;
    };
    ex.current = frame.func;
    // SAFETY: a frame's function reference is live.
    let vmctx = unsafe { (*frame.func).vmctx };
    let (mem, mem_len) = if vmctx == ex.vmctx {
        (mem, mem_len)
    } else {
        ex.vmctx = vmctx;
        ex.memory_view()
    };
    next!(frame.ip, frame.fp, mem, mem_len, ex, 0)
}

/// Generates the handlers of the simple op families and the `HANDLERS` table (in the order
/// of `Instr`'s variants, see `define_instr!`).
macro_rules! generate_handlers {
    ({}
     binary { $($bin:ident($ba:ty, $bb:ty) $([$binl:ident, $binr:ident])? = $bf:expr;)* }
     binary_trap { $($bt:ident($bta:ty, $btb:ty) = $btf:expr;)* }
     binary_imm { $($bi:ident($bia:ty) $([$bix:ident])? = $bif:expr;)* }
     unary { $($un:ident($ua:ty) = $uf:expr;)* }
     unary_trap { $($ut:ident($uta:ty) = $utf:expr;)* }
     load { $($ld:ident($lt:ty) $([$ldx:ident])? = $lf:expr;)* }
     store { $($st:ident($stt:ty) $([$stx:ident])? = $sf:expr;)* }
     branch_unary { $($bu:ident($bua:ty) $([$bux:ident])? = $buf:expr;)* }
     branch_binary { $($bb2:ident($bba:ty, $bbb:ty) $([$bb2l:ident, $bb2r:ident])? = $bbf:expr;)* }
     branch_imm { $($bim:ident($bima:ty) $([$bimx:ident])? = $bimf:expr;)* }
     other { $($other:ident { $($field:ident : $fty:ty),* },)* }
    ) => {
        $(value_handler!($bin(ip, fp, mem, mem_len, ex, acc) { dst, lhs, rhs } => {
            ($bf)(get::<$ba>(fp, lhs), get::<$bb>(fp, rhs))
        });)*
        $($(value_handler!($binl(ip, fp, mem, mem_len, ex, acc) { dst, lhs, rhs } => {
            ($bf)(<$ba as Cell>::from_cell(acc), get::<$bb>(fp, rhs))
        });
        value_handler!($binr(ip, fp, mem, mem_len, ex, acc) { dst, lhs, rhs } => {
            ($bf)(get::<$ba>(fp, lhs), <$bb as Cell>::from_cell(acc))
        });)?)*
        $(value_handler!($bt(ip, fp, mem, mem_len, ex, acc) { dst, lhs, rhs } => {
            match ($btf)(get::<$bta>(fp, lhs), get::<$btb>(fp, rhs)) {
                Ok(v) => v,
                Err(code) => return ex.trap(Trap::new(code)),
            }
        });)*
        $(value_handler!($bi(ip, fp, mem, mem_len, ex, acc) { dst, lhs, imm } => {
            ($bif)(get::<$bia>(fp, lhs), imm)
        });)*
        $($(value_handler!($bix(ip, fp, mem, mem_len, ex, acc) { dst, lhs, imm } => {
            ($bif)(<$bia as Cell>::from_cell(acc), imm)
        });)?)*
        $(value_handler!($un(ip, fp, mem, mem_len, ex, acc) { dst, src } => {
            ($uf)(get::<$ua>(fp, src))
        });)*
        $(value_handler!($ut(ip, fp, mem, mem_len, ex, acc) { dst, src } => {
            match ($utf)(get::<$uta>(fp, src)) {
                Ok(v) => v,
                Err(code) => return ex.trap(Trap::new(code)),
            }
        });)*
        $(value_handler!($ld(ip, fp, mem, mem_len, ex, acc) { dst, addr, offset } => {
            let ea = get::<u32>(fp, addr) as u64 + offset as u64;
            if ea + <$lt as MemValue>::SIZE > mem_len as u64 {
                return ex.trap(Trap::new(TrapCode::MemoryOutOfBounds));
            }
            ($lf)(<$lt as MemValue>::read(mem.add(ea as usize)))
        });)*
        $($(value_handler!($ldx(ip, fp, mem, mem_len, ex, acc) { dst, addr, offset } => {
            let ea = acc as u32 as u64 + offset as u64;
            if ea + <$lt as MemValue>::SIZE > mem_len as u64 {
                return ex.trap(Trap::new(TrapCode::MemoryOutOfBounds));
            }
            ($lf)(<$lt as MemValue>::read(mem.add(ea as usize)))
        });)?)*
        $(effect_handler!($st(ip, fp, mem, mem_len, ex, acc) { addr, value, offset } => {
            store::<$stt>(fp, mem, mem_len, addr, offset, ($sf)(get::<u64>(fp, value)))
        });)*
        $($(effect_handler!($stx(ip, fp, mem, mem_len, ex, acc) { addr, value, offset } => {
            store::<$stt>(fp, mem, mem_len, addr, offset, ($sf)(acc))
        });)?)*
        $(branch_handler!($bu(ip, fp, mem, mem_len, ex, acc) { cond, target } @ target => {
            ($buf)(get::<$bua>(fp, cond))
        });)*
        $($(branch_handler!($bux(ip, fp, mem, mem_len, ex, acc) { cond, target } @ target => {
            ($buf)(<$bua as Cell>::from_cell(acc))
        });)?)*
        $(branch_handler!($bb2(ip, fp, mem, mem_len, ex, acc) { lhs, rhs, target } @ target => {
            ($bbf)(get::<$bba>(fp, lhs), get::<$bbb>(fp, rhs))
        });)*
        $($(branch_handler!($bb2l(ip, fp, mem, mem_len, ex, acc) { lhs, rhs, target } @ target => {
            ($bbf)(<$bba as Cell>::from_cell(acc), get::<$bbb>(fp, rhs))
        });
        branch_handler!($bb2r(ip, fp, mem, mem_len, ex, acc) { lhs, rhs, target } @ target => {
            ($bbf)(get::<$bba>(fp, lhs), <$bbb as Cell>::from_cell(acc))
        });)?)*
        $(branch_handler!($bim(ip, fp, mem, mem_len, ex, acc) { lhs, imm, target } @ target => {
            ($bimf)(get::<$bima>(fp, lhs), imm)
        });)*
        $($(branch_handler!($bimx(ip, fp, mem, mem_len, ex, acc) { lhs, imm, target } @ target => {
            ($bimf)(<$bima as Cell>::from_cell(acc), imm)
        });)?)*

        /// Handlers indexed by opcode (the order of `Instr`'s variants).
        static HANDLERS: &[Handler] = &[
            $($bin,)* $($($binl, $binr,)?)*
            $($bt,)*
            $($bi,)* $($($bix,)?)*
            $($un,)*
            $($ut,)*
            $($ld,)* $($($ldx,)?)*
            $($st,)* $($($stx,)?)*
            $($bu,)* $($($bux,)?)*
            $($bb2,)* $($($bb2l, $bb2r,)?)*
            $($bim,)* $($($bimx,)?)*
            $($other,)*
        ];
    };
}

/// Stores `value` at `addr` slot's address plus `offset`, or traps out of bounds.
///
/// # Safety
/// `addr` is a slot of the frame at `fp`; `mem..mem+mem_len` is the current memory.
#[inline(always)]
unsafe fn store<T: MemValue>(
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
    addr: Slot,
    offset: u32,
    value: T,
) -> Result<(), TrapCode> {
    // SAFETY: guaranteed by the caller; the access is bounds-checked first.
    unsafe {
        let ea = get::<u32>(fp, addr) as u64 + offset as u64;
        if ea + T::SIZE > mem_len as u64 {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        value.write(mem.add(ea as usize));
    }
    Ok(())
}

/// Declares a handler whose body computes a value: it goes to slot `dst` and to the
/// accumulator, then the next instruction follows.
macro_rules! value_handler {
    ($name:ident($ip:ident, $fp:ident, $mem:ident, $len:ident, $ex:ident, $acc:ident) { dst, $($f:ident),* } => $body:block) => {
        handler!($name($ip, $fp, $mem, $len, $ex, $acc) { dst, $($f),* } => {
            // SAFETY: slots are within the frame and memory accesses are bounds-checked.
            #[allow(unused_unsafe)]
            let value = unsafe { $body };
            unsafe { set($fp, dst, value) };
            next!(unsafe { $ip.add(1) }, $fp, $mem, $len, $ex, Cell::into_cell(value))
        });
    };
}

/// Declares a handler whose body has an effect (and may trap); the accumulator passes on.
macro_rules! effect_handler {
    ($name:ident($ip:ident, $fp:ident, $mem:ident, $len:ident, $ex:ident, $acc:ident) { $($f:ident),* } => $body:block) => {
        handler!($name($ip, $fp, $mem, $len, $ex, $acc) { $($f),* } => {
            // SAFETY: slots are within the frame and memory accesses are bounds-checked.
            #[allow(unused_unsafe)]
            let outcome: Result<(), TrapCode> = unsafe { $body };
            if let Err(code) = outcome {
                return $ex.trap(Trap::new(code));
            }
            next!(unsafe { $ip.add(1) }, $fp, $mem, $len, $ex, $acc)
        });
    };
}

/// Declares a conditional branch handler: the body is the condition.
macro_rules! branch_handler {
    ($name:ident($ip:ident, $fp:ident, $mem:ident, $len:ident, $ex:ident, $acc:ident) { $($f:ident),* } @ $target:ident => $cond:block) => {
        handler!($name($ip, $fp, $mem, $len, $ex, $acc) { $($f),* } => {
            // SAFETY: slots are within the frame; branch offsets land on instructions.
            #[allow(unused_unsafe)]
            let taken = unsafe { $cond };
            if !taken {
                next!(unsafe { $ip.add(1) }, $fp, $mem, $len, $ex, $acc)
            }
            if $ex.interrupted_at_branch($target) {
                return $ex.trap(Trap::new(TrapCode::Interrupted));
            }
            next!(unsafe { $ip.offset($target as isize) }, $fp, $mem, $len, $ex, $acc)
        });
    };
}

/// Declares the handler function of op `$name`, destructuring its fields.
macro_rules! handler {
    ($name:ident($ip:ident, $fp:ident, $mem:ident, $len:ident, $ex:ident, $acc:ident) { $($f:ident),* } => $body:block) => {
        #[allow(non_snake_case, unused_variables, clippy::unused_unit, clippy::neg_cmp_op_on_partial_ord)]
        unsafe fn $name(
            $ip: *const Instr,
            $fp: *mut u64,
            $mem: *mut u8,
            $len: usize,
            $ex: &mut Executor<'_>,
            $acc: u64,
        ) -> Exit {
            // SAFETY: the dispatcher calls each handler only for its own opcode.
            let Instr::$name { $($f),* } = (unsafe { *$ip }) else {
                unsafe { unreachable_unchecked() }
            };
            $body
        }
    };
}

for_each_op!(generate_handlers! {});

/// Ends a handler with a trap if `$result` is an error.
macro_rules! check {
    ($ex:ident, $result:expr) => {
        if let Err(code) = $result {
            return $ex.trap(Trap::from(code));
        }
    };
}

handler!(Const32(ip, fp, mem, mem_len, ex, acc) { dst, value } => {
    unsafe { set(fp, dst, value) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, value as u64)
});

handler!(Const64(ip, fp, mem, mem_len, ex, acc) { dst, lo, hi } => {
    let value = (hi as u64) << 32 | lo as u64;
    unsafe { set(fp, dst, value) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, value)
});

handler!(Br(ip, fp, mem, mem_len, ex, acc) { target } => {
    if ex.interrupted_at_branch(target) {
        return ex.trap(Trap::new(TrapCode::Interrupted));
    }
    next!(unsafe { ip.offset(target as isize) }, fp, mem, mem_len, ex, acc)
});

handler!(BrTable(ip, fp, mem, mem_len, ex, acc) { index, len } => {
    // The `len + 1` entries that follow are `Br`s; the last is the default.
    let i = unsafe { get::<u32>(fp, index) }.min(len);
    next!(unsafe { ip.add(1 + i as usize) }, fp, mem, mem_len, ex, acc)
});

handler!(Unreachable(ip, fp, mem, mem_len, ex, acc) {} => {
    ex.trap(Trap::new(TrapCode::Unreachable))
});

handler!(Return(ip, fp, mem, mem_len, ex, acc) {} => {
    ret(mem, mem_len, ex)
});

handler!(ReturnSlot(ip, fp, mem, mem_len, ex, acc) { src } => {
    unsafe { set(fp, 0, get::<u64>(fp, src)) };
    ret(mem, mem_len, ex)
});

handler!(Call(ip, fp, mem, mem_len, ex, acc) { func, base } => {
    // SAFETY: validated: `func` indexes the instance's functions.
    let callee = unsafe { *(*ex.vmctx).func_refs.add(func as usize) };
    unsafe { call(ip, fp, mem, mem_len, ex, callee, base) }
});

handler!(CallIndirect(ip, fp, mem, mem_len, ex, acc) { table, type_index, base } => {
    let callee = match indirect_callee(ex, fp, table, type_index, base) {
        Ok(callee) => callee,
        Err(trap) => return ex.trap(trap),
    };
    unsafe { call(ip, fp, mem, mem_len, ex, callee, base) }
});

/// Resolves a `call_indirect` target: the table index sits after the arguments.
fn indirect_callee(
    ex: &Executor<'_>,
    fp: *mut u64,
    table: u32,
    type_index: u32,
    base: Slot,
) -> Result<*const FuncRef, Trap> {
    // SAFETY: validated: the indices are in range for the running instance's context.
    let (expected, table) = unsafe {
        let vmctx = &*ex.vmctx;
        (
            *vmctx.type_ids.add(type_index as usize),
            &**vmctx.tables.add(table as usize),
        )
    };
    let num_params = ex.store.types[expected as usize].params().len() as Slot;
    // SAFETY: the index operand was materialised right after the arguments in this frame.
    let index = unsafe { get::<u32>(fp, base + num_params) };
    if index >= table.length {
        return Err(Trap::new(TrapCode::UndefinedElement));
    }
    // SAFETY: `index` is below the table's length.
    let callee = unsafe { *table.base.add(index as usize) } as *const FuncRef;
    if callee.is_null() {
        return Err(Trap::uninitialized_element(index));
    }
    // SAFETY: a non-null funcref table element is a live function reference.
    if unsafe { (*callee).type_id } != expected {
        return Err(Trap::new(TrapCode::IndirectCallTypeMismatch));
    }
    Ok(callee)
}

handler!(Select(ip, fp, mem, mem_len, ex, acc) { dst, other, cond } => {
    unsafe {
        if get::<u32>(fp, cond) == 0 {
            set(fp, dst, get::<u64>(fp, other));
        }
    }
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(GlobalGet(ip, fp, mem, mem_len, ex, acc) { dst, global } => {
    // SAFETY: validated: `global` indexes the instance's globals, whose cells are live.
    let value = unsafe { **(*ex.vmctx).globals.add(global as usize) };
    unsafe { set(fp, dst, value) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, value)
});

handler!(GlobalSet(ip, fp, mem, mem_len, ex, acc) { src, global } => {
    // SAFETY: as for `GlobalGet`.
    unsafe { **(*ex.vmctx).globals.add(global as usize) = get::<u64>(fp, src) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(MemorySize(ip, fp, mem, mem_len, ex, acc) { dst } => {
    let pages = (mem_len / PAGE_SIZE) as u64;
    unsafe { set(fp, dst, pages) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, pages)
});

handler!(MemoryGrow(ip, fp, mem, mem_len, ex, acc) { dst, delta } => {
    let delta = unsafe { get::<u32>(fp, delta) };
    let old = libcalls::memory_grow(ex.store, ex.instance(), delta);
    unsafe { set(fp, dst, old) };
    let (mem, mem_len) = ex.memory_view();
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

/// The three operands of a bulk operation, in consecutive slots from `base`.
#[inline(always)]
unsafe fn operands3(fp: *mut u64, base: Slot) -> (u32, u32, u32) {
    // SAFETY: the translator placed three operands at `base..base+3` in this frame.
    unsafe { (get(fp, base), get(fp, base + 1), get(fp, base + 2)) }
}

handler!(MemoryFill(ip, fp, mem, mem_len, ex, acc) { base } => {
    let (dst, value, len) = unsafe { operands3(fp, base) };
    check!(ex, libcalls::memory_fill(ex.store, ex.instance(), dst, value, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(MemoryCopy(ip, fp, mem, mem_len, ex, acc) { base } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    check!(ex, libcalls::memory_copy(ex.store, ex.instance(), dst, src, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(MemoryInit(ip, fp, mem, mem_len, ex, acc) { base, segment } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    check!(ex, libcalls::memory_init(ex.store, ex.instance(), segment, dst, src, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(DataDrop(ip, fp, mem, mem_len, ex, acc) { segment } => {
    libcalls::data_drop(ex.store, ex.instance(), segment);
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

/// Table `table` of the running instance, as execution sees it.
fn table_view<'a>(ex: &'a Executor<'_>, table: u32) -> &'a VMTable {
    // SAFETY: validated: `table` indexes the instance's tables, which are live.
    unsafe { &**(*ex.vmctx).tables.add(table as usize) }
}

handler!(TableGet(ip, fp, mem, mem_len, ex, acc) { dst, index, table } => {
    let index = unsafe { get::<u32>(fp, index) };
    let view = table_view(ex, table);
    if index >= view.length {
        return ex.trap(Trap::new(TrapCode::TableOutOfBounds));
    }
    // SAFETY: `index` is below the table's length.
    let cell = unsafe { *view.base.add(index as usize) };
    unsafe { set(fp, dst, cell) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, cell)
});

handler!(TableSet(ip, fp, mem, mem_len, ex, acc) { index, value, table } => {
    let (index, value) = unsafe { (get::<u32>(fp, index), get::<u64>(fp, value)) };
    let view = table_view(ex, table);
    if index >= view.length {
        return ex.trap(Trap::new(TrapCode::TableOutOfBounds));
    }
    // SAFETY: `index` is below the table's length.
    unsafe { *view.base.add(index as usize) = value };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(TableSize(ip, fp, mem, mem_len, ex, acc) { dst, table } => {
    let size = table_view(ex, table).length as u64;
    unsafe { set(fp, dst, size) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, size)
});

handler!(TableGrow(ip, fp, mem, mem_len, ex, acc) { base, table } => {
    let (init, delta) = unsafe { (get::<u64>(fp, base), get::<u32>(fp, base + 1)) };
    let old = libcalls::table_grow(ex.store, ex.instance(), table, init, delta);
    unsafe { set(fp, base, old) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(TableFill(ip, fp, mem, mem_len, ex, acc) { base, table } => {
    let (start, value, len) = unsafe { (get::<u32>(fp, base), get::<u64>(fp, base + 1), get::<u32>(fp, base + 2)) };
    check!(ex, libcalls::table_fill(ex.store, ex.instance(), table, start, value, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(TableCopy(ip, fp, mem, mem_len, ex, acc) { base, dst_table, src_table } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    check!(ex, libcalls::table_copy(ex.store, ex.instance(), dst_table, src_table, dst, src, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(TableInit(ip, fp, mem, mem_len, ex, acc) { base, table, segment } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    check!(ex, libcalls::table_init(ex.store, ex.instance(), table, segment, dst, src, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(ElemDrop(ip, fp, mem, mem_len, ex, acc) { segment } => {
    libcalls::elem_drop(ex.store, ex.instance(), segment);
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(LoopHeader(ip, fp, mem, mem_len, ex, acc) { ordinal } => {
    // SAFETY: the running function was translated (its reference's code is this code).
    let code = unsafe { &*(*ex.current).code.get().cast::<CompiledFunc>() };
    let hotness = code.hotness.get().wrapping_add(1);
    code.hotness.set(hotness);
    if hotness == code.promote_at {
        return unsafe { replace_on_stack(ip, fp, ex, acc, ordinal) };
    }
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(Fuel(ip, fp, mem, mem_len, ex, acc) { cost } => {
    if !fuel::consume(&mut ex.store.runtime.fuel, cost) {
        return ex.trap(Trap::new(TrapCode::OutOfFuel));
    }
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(RefFunc(ip, fp, mem, mem_len, ex, acc) { dst, func } => {
    // SAFETY: validated: `func` indexes the instance's functions.
    let cell = unsafe { *(*ex.vmctx).func_refs.add(func as usize) } as u64;
    unsafe { set(fp, dst, cell) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, cell)
});
