//! One handler per op. The simple families are generated from the op list; control, calls,
//! globals, tables and bulk memory are written out below.
//!
//! Every handler receives its own instruction at `ip` and ends with [`next!`] (continue at
//! another instruction) or by returning an [`Exit`].

use alloc::vec::Vec;
use core::hint::unreachable_unchecked;

use super::cells::{get, set, Cell, MemValue};
use super::{call_host, compiled, Executor, Exit, Frame, Regs};
use crate::error::{Trap, TrapCode};
use crate::interp::ops::{for_each_op, Instr, Slot};
use crate::interp::CompiledFunc;
use crate::runtime::{instantiate, FuncKind};
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

/// Enters wasm function `func` (called from the host) with its frame at `fp`, and runs it.
pub(super) fn start(ex: &mut Executor<'_>, func: u32, fp: *mut u64) -> Exit {
    let ip = enter_frame(ex, func, fp);
    if ip.is_null() {
        return Exit::Trap;
    }
    ex.current = func;
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
fn enter_frame(ex: &mut Executor<'_>, func: u32, fp: *mut u64) -> *const Instr {
    let code = match compiled(ex.store, func) {
        Some(code) => code,
        None => translate_now(ex, func),
    };
    if code.is_null() {
        return core::ptr::null();
    }
    // SAFETY: translated code is boxed in the store and never freed while the store lives.
    let code = unsafe { &*code };
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

/// Translates wasm function `func` on its first call; null after recording a trap.
#[cold]
#[inline(never)]
fn translate_now(ex: &mut Executor<'_>, func: u32) -> *const CompiledFunc {
    match super::translate_function(ex.store, func) {
        Ok(code) => code,
        Err(trap) => {
            ex.trap(trap);
            core::ptr::null()
        }
    }
}

/// Calls store function `callee` with its arguments at slot `base` of the current frame.
#[inline(always)]
unsafe fn call(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
    ex: &mut Executor<'_>,
    callee: u32,
    base: Slot,
) -> Exit {
    // SAFETY: `base` is a slot of the current frame.
    let new_fp = unsafe { fp.add(base as usize) };
    match ex.store.funcs[callee as usize].kind {
        FuncKind::Wasm { instance, .. } => {
            if ex.frames.len() >= ex.max_depth {
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
                instance: ex.instance,
            });
            ex.current = callee;
            let (mem, mem_len) = if instance == ex.instance {
                (mem, mem_len)
            } else {
                ex.instance = instance;
                ex.memory_view()
            };
            next!(entry, new_fp, mem, mem_len, ex, 0)
        }
        FuncKind::Host(_) => {
            // SAFETY: both pointers are into the value stack.
            let offset = unsafe { new_fp.offset_from(ex.stack_start) } as usize;
            if let Err(trap) = call_host(ex.store, callee, offset, ex.mem_index) {
                return ex.trap(trap);
            }
            let (mem, mem_len) = ex.memory_view();
            // SAFETY: the call is not the last instruction of its function.
            next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, 0)
        }
    }
}

/// Returns to the caller, or ends execution if this was the outermost function.
#[inline(always)]
fn ret(mem: *mut u8, mem_len: usize, ex: &mut Executor<'_>) -> Exit {
    let Some(frame) = ex.frames.pop() else {
        return Exit::Done;
    };
    ex.current = frame.func;
    let (mem, mem_len) = if frame.instance == ex.instance {
        (mem, mem_len)
    } else {
        ex.instance = frame.instance;
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
            let ip = if taken { unsafe { $ip.offset($target as isize) } } else { unsafe { $ip.add(1) } };
            next!(ip, $fp, $mem, $len, $ex, $acc)
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
    let callee = ex.store.instances[ex.instance as usize].funcs[func as usize];
    unsafe { call(ip, fp, mem, mem_len, ex, callee, base) }
});

handler!(CallIndirect(ip, fp, mem, mem_len, ex, acc) { table, type_index, base } => {
    let callee = match indirect_callee(ex, fp, table, type_index, base) {
        Ok(callee) => callee,
        Err(code) => return ex.trap(Trap::new(code)),
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
) -> Result<u32, TrapCode> {
    let data = &ex.store.instances[ex.instance as usize];
    let expected = data.type_ids[type_index as usize];
    let num_params = ex.store.types[expected as usize].params().len() as Slot;
    let elems = &ex.store.tables[data.tables[table as usize] as usize].elems;
    // SAFETY: the index operand was materialised right after the arguments in this frame.
    let index = unsafe { get::<u32>(fp, base + num_params) };
    let cell = *elems
        .get(index as usize)
        .ok_or(TrapCode::UndefinedElement)?;
    let callee = cell.checked_sub(1).ok_or(TrapCode::UninitializedElement)? as u32;
    if ex.store.funcs[callee as usize].type_id != expected {
        return Err(TrapCode::IndirectCallTypeMismatch);
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
    let g = ex.store.instances[ex.instance as usize].globals[global as usize];
    let value = ex.store.globals[g as usize].value;
    unsafe { set(fp, dst, value) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, value)
});

handler!(GlobalSet(ip, fp, mem, mem_len, ex, acc) { src, global } => {
    let g = ex.store.instances[ex.instance as usize].globals[global as usize];
    ex.store.globals[g as usize].value = unsafe { get::<u64>(fp, src) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(MemorySize(ip, fp, mem, mem_len, ex, acc) { dst } => {
    let pages = (mem_len / PAGE_SIZE) as u64;
    unsafe { set(fp, dst, pages) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, pages)
});

handler!(MemoryGrow(ip, fp, mem, mem_len, ex, acc) { dst, delta } => {
    let delta = unsafe { get::<u32>(fp, delta) };
    let m = ex.mem_index.expect("validated: the module has a memory");
    let old = ex.store.memories[m as usize].grow(delta).map_or(-1, |old| old as i32);
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
    let Some(range) = instantiate::range(dst, len, mem_len) else {
        return ex.trap(Trap::new(TrapCode::MemoryOutOfBounds));
    };
    // SAFETY: the range is within the memory.
    unsafe { core::ptr::write_bytes(mem.add(range.start), value as u8, range.len()) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(MemoryCopy(ip, fp, mem, mem_len, ex, acc) { base } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    let (Some(to), Some(from)) = (instantiate::range(dst, len, mem_len), instantiate::range(src, len, mem_len)) else {
        return ex.trap(Trap::new(TrapCode::MemoryOutOfBounds));
    };
    // SAFETY: both ranges are within the memory; `copy` allows overlap.
    unsafe { core::ptr::copy(mem.add(from.start), mem.add(to.start), from.len()) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(MemoryInit(ip, fp, mem, mem_len, ex, acc) { base, segment } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    let m = ex.mem_index.expect("validated: the module has a memory");
    check!(ex, instantiate::memory_init(ex.store, ex.instance, m, segment, dst, src, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(DataDrop(ip, fp, mem, mem_len, ex, acc) { segment } => {
    ex.store.instances[ex.instance as usize].data_dropped[segment as usize] = true;
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

/// The store index of table `table` of the running instance.
fn table_addr(ex: &Executor<'_>, table: u32) -> usize {
    ex.store.instances[ex.instance as usize].tables[table as usize] as usize
}

handler!(TableGet(ip, fp, mem, mem_len, ex, acc) { dst, index, table } => {
    let index = unsafe { get::<u32>(fp, index) };
    let Some(&cell) = ex.store.tables[table_addr(ex, table)].elems.get(index as usize) else {
        return ex.trap(Trap::new(TrapCode::TableOutOfBounds));
    };
    unsafe { set(fp, dst, cell) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, cell)
});

handler!(TableSet(ip, fp, mem, mem_len, ex, acc) { index, value, table } => {
    let (index, value) = unsafe { (get::<u32>(fp, index), get::<u64>(fp, value)) };
    let t = table_addr(ex, table);
    let Some(cell) = ex.store.tables[t].elems.get_mut(index as usize) else {
        return ex.trap(Trap::new(TrapCode::TableOutOfBounds));
    };
    *cell = value;
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(TableSize(ip, fp, mem, mem_len, ex, acc) { dst, table } => {
    let size = ex.store.tables[table_addr(ex, table)].size() as u64;
    unsafe { set(fp, dst, size) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, size)
});

handler!(TableGrow(ip, fp, mem, mem_len, ex, acc) { base, table } => {
    let (init, delta) = unsafe { (get::<u64>(fp, base), get::<u32>(fp, base + 1)) };
    let t = table_addr(ex, table);
    let old = ex.store.tables[t].grow(delta, init).map_or(-1, |old| old as i32);
    unsafe { set(fp, base, old) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(TableFill(ip, fp, mem, mem_len, ex, acc) { base, table } => {
    let (start, value, len) = unsafe { (get::<u32>(fp, base), get::<u64>(fp, base + 1), get::<u32>(fp, base + 2)) };
    let t = table_addr(ex, table);
    let elems = &mut ex.store.tables[t].elems;
    let Some(range) = instantiate::range(start, len, elems.len()) else {
        return ex.trap(Trap::new(TrapCode::TableOutOfBounds));
    };
    elems[range].fill(value);
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(TableCopy(ip, fp, mem, mem_len, ex, acc) { base, dst_table, src_table } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    check!(ex, table_copy(ex, table_addr(ex, dst_table), table_addr(ex, src_table), dst, src, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

/// `table.copy` between store tables `dt` and `st` (possibly the same), all or nothing.
fn table_copy(
    ex: &mut Executor<'_>,
    dt: usize,
    st: usize,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let tables = &mut ex.store.tables;
    let from =
        instantiate::range(src, len, tables[st].elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
    let to =
        instantiate::range(dst, len, tables[dt].elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
    if dt == st {
        tables[dt].elems.copy_within(from, to.start);
    } else {
        let moved: Vec<u64> = tables[st].elems[from].to_vec();
        tables[dt].elems[to].copy_from_slice(&moved);
    }
    Ok(())
}

handler!(TableInit(ip, fp, mem, mem_len, ex, acc) { base, table, segment } => {
    let (dst, src, len) = unsafe { operands3(fp, base) };
    let t = table_addr(ex, table) as u32;
    check!(ex, instantiate::table_init(ex.store, ex.instance, t, segment, dst, src, len));
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(ElemDrop(ip, fp, mem, mem_len, ex, acc) { segment } => {
    ex.store.instances[ex.instance as usize].elements[segment as usize] = Vec::new();
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, acc)
});

handler!(RefFunc(ip, fp, mem, mem_len, ex, acc) { dst, func } => {
    let f = ex.store.instances[ex.instance as usize].funcs[func as usize];
    let cell = f as u64 + 1;
    unsafe { set(fp, dst, cell) };
    next!(unsafe { ip.add(1) }, fp, mem, mem_len, ex, cell)
});
