//! The dispatch loop. Wasm-to-wasm calls do not recurse on the host stack: frames live in a
//! side vector and operands in the store's value stack, so `call stack exhausted` is a trap
//! and never a host stack overflow.

use alloc::string::String;
use alloc::vec::Vec;

use super::ops::{for_each_op, Instr, Slot};
use super::translate::translate;
use super::CompiledFunc;
use crate::error::{Trap, TrapCode};
use crate::runtime::{instantiate, Caller, FuncKind, Memory, Store};
use crate::values::{FuncType, Value, PAGE_SIZE};

/// A value that can live in a 64-bit frame cell.
trait Cell: Copy {
    fn from_cell(cell: u64) -> Self;
    fn into_cell(self) -> u64;
}

macro_rules! cell_int {
    ($($t:ty => $via:ty),*) => {$(
        impl Cell for $t {
            #[inline(always)]
            fn from_cell(cell: u64) -> Self {
                cell as $via as $t
            }
            #[inline(always)]
            fn into_cell(self) -> u64 {
                self as $via as u64
            }
        }
    )*};
}
cell_int!(i32 => u32, u32 => u32, i64 => u64, u64 => u64);

impl Cell for bool {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        cell as u32 != 0
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self as u64
    }
}
impl Cell for f32 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits() as u64
    }
}
impl Cell for f64 {
    #[inline(always)]
    fn from_cell(cell: u64) -> Self {
        f64::from_bits(cell)
    }
    #[inline(always)]
    fn into_cell(self) -> u64 {
        self.to_bits()
    }
}

/// A little-endian value in linear memory.
trait MemValue: Copy {
    const SIZE: u64;
    /// # Safety
    /// `ptr..ptr+SIZE` must be readable.
    unsafe fn read(ptr: *const u8) -> Self;
    /// # Safety
    /// `ptr..ptr+SIZE` must be writable.
    unsafe fn write(self, ptr: *mut u8);
}

macro_rules! mem_value {
    ($($t:ty),*) => {$(
        impl MemValue for $t {
            const SIZE: u64 = core::mem::size_of::<$t>() as u64;
            #[inline(always)]
            unsafe fn read(ptr: *const u8) -> Self {
                // SAFETY: the caller checked the bounds; unaligned access is allowed in wasm.
                <$t>::from_le_bytes(unsafe { ptr.cast::<[u8; core::mem::size_of::<$t>()]>().read_unaligned() })
            }
            #[inline(always)]
            unsafe fn write(self, ptr: *mut u8) {
                // SAFETY: the caller checked the bounds.
                unsafe { ptr.cast::<[u8; core::mem::size_of::<$t>()]>().write_unaligned(self.to_le_bytes()) }
            }
        }
    )*};
}
mem_value!(i8, u8, i16, u16, i32, u32, i64, u64);

/// Reads slot `slot` of the frame at `fp`.
#[inline(always)]
unsafe fn get<T: Cell>(fp: *mut u64, slot: Slot) -> T {
    // SAFETY: the translator only emits slots below the frame size, and the frame was checked
    // to fit in the value stack when it was entered.
    T::from_cell(unsafe { *fp.add(slot as usize) })
}

/// Writes slot `slot` of the frame at `fp`.
#[inline(always)]
unsafe fn set<T: Cell>(fp: *mut u64, slot: Slot, value: T) {
    // SAFETY: as for `get`.
    unsafe { *fp.add(slot as usize) = value.into_cell() }
}

/// A suspended caller.
struct Frame {
    pc: *const Instr,
    fp: *mut u64,
    func: u32,
    instance: u32,
}

/// Calls store function `func` (of type `ty`) with `args` (already type-checked).
pub(crate) fn invoke(
    store: &mut Store,
    func: u32,
    ty: &FuncType,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    if store.stack.is_empty() {
        let mut stack = Vec::new();
        stack
            .try_reserve_exact(store.config.max_value_stack_slots)
            .map_err(|_| Trap::new(TrapCode::StackExhausted))?;
        stack.resize(store.config.max_value_stack_slots, 0);
        store.stack = stack;
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
    let mut results: Vec<Value> = ty.results().iter().map(|t| Value::default_for(*t)).collect();
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
            return Err(Trap::host("host function returned a value of the wrong type"));
        }
        store.stack[base + i] = value.to_cell();
    }
    Ok(())
}

/// The translated code of wasm function `func`, translating it on first use.
fn compiled(store: &Store, func: u32) -> Result<*const CompiledFunc, Trap> {
    let FuncKind::Wasm { instance, index, code } = &store.funcs[func as usize].kind else {
        unreachable!("compiled() on a host function");
    };
    if let Some(code) = code.get() {
        return Ok(&**code);
    }
    let module = &store.instances[*instance as usize].module;
    let translated = translate(module, *index)
        .map_err(|e| Trap::host(alloc::format!("cannot translate function: {e}")))?;
    let _ = code.set(alloc::boxed::Box::new(translated));
    Ok(&**code.get().expect("just set"))
}

/// The instance a wasm function belongs to.
fn instance_of(store: &Store, func: u32) -> u32 {
    match &store.funcs[func as usize].kind {
        FuncKind::Wasm { instance, .. } => *instance,
        FuncKind::Host(_) => unreachable!("host functions have no instance"),
    }
}

/// The wasm backtrace (innermost first) for a trap in `func` under `frames`.
fn backtrace(store: &Store, func: u32, frames: &[Frame]) -> Vec<String> {
    core::iter::once(func)
        .chain(frames.iter().rev().map(|f| f.func))
        .map(|f| match &store.funcs[f as usize].kind {
            FuncKind::Wasm { instance, index, .. } => {
                store.instances[*instance as usize].module.func_name(*index)
            }
            FuncKind::Host(_) => String::from("<host>"),
        })
        .collect()
}

/// The first memory of `instance` as (base pointer, length in bytes, store index).
fn memory_view(store: &mut Store, instance: u32) -> (*mut u8, usize, Option<u32>) {
    match store.instances[instance as usize].memories.first() {
        Some(&m) => {
            let data = &mut store.memories[m as usize].data;
            (data.as_mut_ptr(), data.len(), Some(m))
        }
        None => (core::ptr::null_mut(), 0, None),
    }
}

/// Runs wasm function `func` with its frame at `stack[base..]` until it returns.
fn execute(store: &mut Store, func: u32, base: usize) -> Result<(), Trap> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut current = func;
    let result = run(store, &mut current, base, &mut frames);
    result.map_err(|trap| {
        let trace = backtrace(store, current, &frames);
        trap.with_backtrace(trace)
    })
}

/// Generates the dispatch `match` from the op list: one arm per simple op, plus the
/// hand-written arms passed in.
macro_rules! dispatch {
    ({ $instr:expr, $fp:ident, $pc:ident, $mem:ident, $mem_len:ident, $trap:ident, { $($arms:tt)* } }
     binary { $($bin:ident($ba:ty, $bb:ty) = $bf:expr;)* }
     binary_trap { $($bt:ident($bta:ty, $btb:ty) = $btf:expr;)* }
     binary_imm { $($bi:ident($bia:ty) = $bif:expr;)* }
     unary { $($un:ident($ua:ty) = $uf:expr;)* }
     unary_trap { $($ut:ident($uta:ty) = $utf:expr;)* }
     load { $($ld:ident($lt:ty) = $lf:expr;)* }
     store { $($st:ident($stt:ty) = $sf:expr;)* }
     branch_unary { $($bu:ident($bua:ty) = $buf:expr;)* }
     branch_binary { $($bb2:ident($bba:ty, $bbb:ty) = $bbf:expr;)* }
     branch_imm { $($bim:ident($bima:ty) = $bimf:expr;)* }
     other { $($other:ident { $($field:ident : $fty:ty),* },)* }
    ) => {
        // SAFETY (all arms): slots are within the current frame (see `get`), memory accesses
        // are bounds-checked against `$mem_len` first, and branch offsets stay inside the
        // function's code (the translator patches them to instruction boundaries).
        match $instr {
            $(Instr::$bin { dst, lhs, rhs } => unsafe {
                set($fp, dst, ($bf)(get::<$ba>($fp, lhs), get::<$bb>($fp, rhs)));
            })*
            $(Instr::$bt { dst, lhs, rhs } => unsafe {
                match ($btf)(get::<$bta>($fp, lhs), get::<$btb>($fp, rhs)) {
                    Ok(v) => set($fp, dst, v),
                    Err(code) => $trap!(code),
                }
            })*
            $(Instr::$bi { dst, lhs, imm } => unsafe {
                set($fp, dst, ($bif)(get::<$bia>($fp, lhs), imm));
            })*
            $(Instr::$un { dst, src } => unsafe {
                set($fp, dst, ($uf)(get::<$ua>($fp, src)));
            })*
            $(Instr::$ut { dst, src } => unsafe {
                match ($utf)(get::<$uta>($fp, src)) {
                    Ok(v) => set($fp, dst, v),
                    Err(code) => $trap!(code),
                }
            })*
            $(Instr::$ld { dst, addr, offset } => unsafe {
                let ea = get::<u32>($fp, addr) as u64 + offset as u64;
                if ea + <$lt as MemValue>::SIZE > $mem_len as u64 {
                    $trap!(TrapCode::MemoryOutOfBounds);
                }
                set($fp, dst, ($lf)(<$lt as MemValue>::read($mem.add(ea as usize))));
            })*
            $(Instr::$st { addr, value, offset } => unsafe {
                let ea = get::<u32>($fp, addr) as u64 + offset as u64;
                if ea + <$stt as MemValue>::SIZE > $mem_len as u64 {
                    $trap!(TrapCode::MemoryOutOfBounds);
                }
                MemValue::write(($sf)(get::<u64>($fp, value)), $mem.add(ea as usize));
            })*
            $(Instr::$bu { cond, target } => unsafe {
                if ($buf)(get::<$bua>($fp, cond)) {
                    $pc = $pc.offset(target as isize - 1);
                }
            })*
            $(Instr::$bb2 { lhs, rhs, target } => unsafe {
                if ($bbf)(get::<$bba>($fp, lhs), get::<$bbb>($fp, rhs)) {
                    $pc = $pc.offset(target as isize - 1);
                }
            })*
            $(Instr::$bim { lhs, imm, target } => unsafe {
                if ($bimf)(get::<$bima>($fp, lhs), imm) {
                    $pc = $pc.offset(target as isize - 1);
                }
            })*
            $($arms)*
        }
    };
}

/// Checks a bulk-memory range against the memory length.
fn mem_range(start: u32, len: u32, mem_len: usize) -> Result<usize, Trap> {
    instantiate::range(start, len, mem_len)
        .map(|r| r.start)
        .ok_or(Trap::new(TrapCode::MemoryOutOfBounds))
}

/// The dispatch loop proper. `current` tracks the running function for backtraces.
#[allow(clippy::too_many_lines)]
fn run(
    store: &mut Store,
    current: &mut u32,
    base: usize,
    frames: &mut Vec<Frame>,
) -> Result<(), Trap> {
    let stack_start = store.stack.as_mut_ptr();
    // SAFETY: one past the end of the value stack, which is never reallocated while running.
    let stack_end = unsafe { stack_start.add(store.stack.len()) };
    let max_depth = store.config.max_call_depth;
    let mut instance = instance_of(store, *current);
    let (mut mem, mut mem_len, mut mem_index) = memory_view(store, instance);
    // SAFETY: `base` is within the stack (checked by `invoke`).
    let mut fp = unsafe { stack_start.add(base) };
    let mut pc: *const Instr;

    macro_rules! trap {
        ($code:expr) => {
            return Err(Trap::new($code))
        };
    }

    // Enters wasm function `$callee` with its frame starting at `$new_fp`.
    macro_rules! enter {
        ($callee:expr, $new_fp:expr) => {{
            let callee = $callee;
            let code = compiled(store, callee)?;
            // SAFETY: compiled code is boxed and owned by the store, which outlives this call.
            let code = unsafe { &*code };
            let new_fp: *mut u64 = $new_fp;
            // SAFETY: pointer arithmetic within (or one past) the value stack, compared only.
            if unsafe { new_fp.add(code.frame_size as usize) } > stack_end {
                trap!(TrapCode::StackExhausted);
            }
            // SAFETY: the frame fits in the value stack (checked above).
            unsafe {
                core::ptr::write_bytes(
                    new_fp.add(code.num_params as usize),
                    0,
                    (code.num_locals - code.num_params) as usize,
                );
            }
            fp = new_fp;
            pc = code.code.as_ptr();
            *current = callee;
        }};
    }

    // Calls store function `$callee` with its arguments at slot `$base` of the current frame.
    macro_rules! call {
        ($callee:expr, $base:expr) => {{
            let callee: u32 = $callee;
            // SAFETY: `$base` is a slot of the current frame.
            let new_fp = unsafe { fp.add($base as usize) };
            match &store.funcs[callee as usize].kind {
                FuncKind::Wasm { instance: callee_instance, .. } => {
                    let callee_instance = *callee_instance;
                    if frames.len() >= max_depth {
                        trap!(TrapCode::StackExhausted);
                    }
                    let caller = Frame { pc, fp, func: *current, instance };
                    enter!(callee, new_fp);
                    frames.push(caller);
                    if callee_instance != instance {
                        instance = callee_instance;
                        (mem, mem_len, mem_index) = memory_view(store, instance);
                    }
                }
                FuncKind::Host(_) => {
                    // SAFETY: both pointers are into the value stack.
                    let offset = unsafe { new_fp.offset_from(stack_start) } as usize;
                    call_host(store, callee, offset, mem_index)?;
                    (mem, mem_len, mem_index) = memory_view(store, instance);
                }
            }
        }};
    }

    enter!(*current, fp);

    loop {
        // SAFETY: `pc` always points into the current function's code: every function ends
        // with a return and branches land on instructions.
        let instr = unsafe { *pc };
        pc = unsafe { pc.add(1) };
        for_each_op!(dispatch! { instr, fp, pc, mem, mem_len, trap, {
            Instr::Const32 { dst, value } => unsafe { set(fp, dst, value) },
            Instr::Const64 { dst, lo, hi } => unsafe { set(fp, dst, (hi as u64) << 32 | lo as u64) },
            Instr::Br { target } => pc = unsafe { pc.offset(target as isize - 1) },
            Instr::BrTable { index, len } => {
                let i = unsafe { get::<u32>(fp, index) }.min(len);
                pc = unsafe { pc.add(i as usize) };
            }
            Instr::Unreachable {} => trap!(TrapCode::Unreachable),
            Instr::ReturnSlot { src } => {
                unsafe { set(fp, 0, get::<u64>(fp, src)) };
                match frames.pop() {
                    None => return Ok(()),
                    Some(frame) => {
                        pc = frame.pc;
                        fp = frame.fp;
                        *current = frame.func;
                        instance = frame.instance;
                        (mem, mem_len, mem_index) = memory_view(store, instance);
                    }
                }
            }
            Instr::Return {} => match frames.pop() {
                None => return Ok(()),
                Some(frame) => {
                    pc = frame.pc;
                    fp = frame.fp;
                    *current = frame.func;
                    instance = frame.instance;
                    (mem, mem_len, mem_index) = memory_view(store, instance);
                }
            },
            Instr::Call { func, base } => {
                let callee = store.instances[instance as usize].funcs[func as usize];
                call!(callee, base);
            }
            Instr::CallIndirect { table, type_index, base } => {
                let data = &store.instances[instance as usize];
                let expected = data.type_ids[type_index as usize];
                let nparams = store.types[expected as usize].params().len();
                let elems = &store.tables[data.tables[table as usize] as usize].elems;
                let index = unsafe { get::<u32>(fp, base + nparams as Slot) };
                let Some(&cell) = elems.get(index as usize) else {
                    trap!(TrapCode::UndefinedElement);
                };
                if cell == 0 {
                    trap!(TrapCode::UninitializedElement);
                }
                let callee = (cell - 1) as u32;
                if store.funcs[callee as usize].type_id != expected {
                    trap!(TrapCode::IndirectCallTypeMismatch);
                }
                call!(callee, base);
            }
            Instr::Select { dst, other, cond } => unsafe {
                if get::<u32>(fp, cond) == 0 {
                    set(fp, dst, get::<u64>(fp, other));
                }
            },
            Instr::GlobalGet { dst, global } => {
                let g = store.instances[instance as usize].globals[global as usize];
                unsafe { set(fp, dst, store.globals[g as usize].value) };
            }
            Instr::GlobalSet { src, global } => {
                let g = store.instances[instance as usize].globals[global as usize];
                store.globals[g as usize].value = unsafe { get::<u64>(fp, src) };
            }
            Instr::MemorySize { dst } => unsafe { set(fp, dst, (mem_len / PAGE_SIZE) as u32) },
            Instr::MemoryGrow { dst, delta } => {
                let delta = unsafe { get::<u32>(fp, delta) };
                let m = mem_index.expect("validated: memory exists");
                let old = store.memories[m as usize].grow(delta).map_or(-1, |old| old as i32);
                (mem, mem_len, mem_index) = memory_view(store, instance);
                unsafe { set(fp, dst, old) };
            }
            Instr::MemoryFill { base } => unsafe {
                let (dst, value, len) = (get::<u32>(fp, base), get::<u32>(fp, base + 1), get::<u32>(fp, base + 2));
                let start = mem_range(dst, len, mem_len)?;
                core::ptr::write_bytes(mem.add(start), value as u8, len as usize);
            },
            Instr::MemoryCopy { base } => unsafe {
                let (dst, src, len) = (get::<u32>(fp, base), get::<u32>(fp, base + 1), get::<u32>(fp, base + 2));
                let to = mem_range(dst, len, mem_len)?;
                let from = mem_range(src, len, mem_len)?;
                core::ptr::copy(mem.add(from), mem.add(to), len as usize);
            },
            Instr::MemoryInit { base, segment } => {
                let (dst, src, len) = unsafe { (get::<u32>(fp, base), get::<u32>(fp, base + 1), get::<u32>(fp, base + 2)) };
                let m = mem_index.expect("validated: memory exists");
                instantiate::memory_init(store, instance, m, segment, dst, src, len)?;
            }
            Instr::DataDrop { segment } => {
                store.instances[instance as usize].data_dropped[segment as usize] = true;
            }
            Instr::TableGet { dst, index, table } => {
                let t = store.instances[instance as usize].tables[table as usize];
                let index = unsafe { get::<u32>(fp, index) };
                let Some(&cell) = store.tables[t as usize].elems.get(index as usize) else {
                    trap!(TrapCode::TableOutOfBounds);
                };
                unsafe { set(fp, dst, cell) };
            }
            Instr::TableSet { index, value, table } => {
                let t = store.instances[instance as usize].tables[table as usize];
                let (index, value) = unsafe { (get::<u32>(fp, index), get::<u64>(fp, value)) };
                let Some(cell) = store.tables[t as usize].elems.get_mut(index as usize) else {
                    trap!(TrapCode::TableOutOfBounds);
                };
                *cell = value;
            }
            Instr::TableSize { dst, table } => {
                let t = store.instances[instance as usize].tables[table as usize];
                unsafe { set(fp, dst, store.tables[t as usize].size()) };
            }
            Instr::TableGrow { base, table } => {
                let t = store.instances[instance as usize].tables[table as usize];
                let (init, delta) = unsafe { (get::<u64>(fp, base), get::<u32>(fp, base + 1)) };
                let old = store.tables[t as usize].grow(delta, init).map_or(-1, |old| old as i32);
                unsafe { set(fp, base, old) };
            }
            Instr::TableFill { base, table } => {
                let t = store.instances[instance as usize].tables[table as usize];
                let (start, value, len) = unsafe { (get::<u32>(fp, base), get::<u64>(fp, base + 1), get::<u32>(fp, base + 2)) };
                let elems = &mut store.tables[t as usize].elems;
                let Some(range) = instantiate::range(start, len, elems.len()) else {
                    trap!(TrapCode::TableOutOfBounds);
                };
                elems[range].fill(value);
            }
            Instr::TableCopy { base, dst_table, src_table } => {
                let data = &store.instances[instance as usize];
                let (dt, st) = (data.tables[dst_table as usize], data.tables[src_table as usize]);
                let (dst, src, len) = unsafe { (get::<u32>(fp, base), get::<u32>(fp, base + 1), get::<u32>(fp, base + 2)) };
                let src_len = store.tables[st as usize].elems.len();
                let dst_len = store.tables[dt as usize].elems.len();
                let (Some(from), Some(to)) = (instantiate::range(src, len, src_len), instantiate::range(dst, len, dst_len)) else {
                    trap!(TrapCode::TableOutOfBounds);
                };
                if dt == st {
                    store.tables[dt as usize].elems.copy_within(from, to.start);
                } else {
                    let moved: Vec<u64> = store.tables[st as usize].elems[from].to_vec();
                    store.tables[dt as usize].elems[to].copy_from_slice(&moved);
                }
            }
            Instr::TableInit { base, table, segment } => {
                let t = store.instances[instance as usize].tables[table as usize];
                let (dst, src, len) = unsafe { (get::<u32>(fp, base), get::<u32>(fp, base + 1), get::<u32>(fp, base + 2)) };
                instantiate::table_init(store, instance, t, segment, dst, src, len)?;
            }
            Instr::ElemDrop { segment } => {
                store.instances[instance as usize].elements[segment as usize] = Vec::new();
            }
            Instr::RefFunc { dst, func } => {
                let f = store.instances[instance as usize].funcs[func as usize];
                unsafe { set(fp, dst, f as u64 + 1) };
            }
        }});
    }
}
