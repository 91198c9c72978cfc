//! Runtime calls: the operations execution hands to the runtime (growing memories and
//! tables, bulk memory and table operations, segment drops). Each takes the store and the
//! calling instance; [`HELPERS`] exposes them to compiled code through the context.

use alloc::vec::Vec;

use super::vmctx::{Helpers, VMContext};
use super::Store;
use crate::error::TrapCode;

/// `start..start+len` if it lies within `0..bound`.
pub(crate) fn range(start: u32, len: u32, bound: usize) -> Option<core::ops::Range<usize>> {
    let end = start as u64 + len as u64;
    (end <= bound as u64).then_some(start as usize..end as usize)
}

/// The store index of memory 0 of `instance`.
fn memory0(store: &Store, instance: u32) -> usize {
    store.instances[instance as usize].memories[0] as usize
}

/// The store index of table `table` of `instance`.
fn table_index(store: &Store, instance: u32, table: u32) -> usize {
    store.instances[instance as usize].tables[table as usize] as usize
}

/// `memory.grow`: the old size in pages, or -1.
pub(crate) fn memory_grow(store: &mut Store, instance: u32, delta: u32) -> i32 {
    let m = memory0(store, instance);
    store.memories[m].grow(delta).map_or(-1, |old| old as i32)
}

/// `memory.fill`.
pub(crate) fn memory_fill(
    store: &mut Store,
    instance: u32,
    dst: u32,
    value: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let m = memory0(store, instance);
    let bytes = store.memories[m].bytes_mut();
    let to = range(dst, len, bytes.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    bytes[to].fill(value as u8);
    Ok(())
}

/// `memory.copy` (the ranges may overlap).
pub(crate) fn memory_copy(
    store: &mut Store,
    instance: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let m = memory0(store, instance);
    let bytes = store.memories[m].bytes_mut();
    let from = range(src, len, bytes.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    let to = range(dst, len, bytes.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    bytes.copy_within(from, to.start);
    Ok(())
}

/// `memory.init`: copies `len` bytes of data segment `segment` (from `src`) into memory 0
/// (at `dst`), all or nothing.
pub(crate) fn memory_init(
    store: &mut Store,
    instance: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let m = memory0(store, instance);
    let data = store.instances[instance as usize].data_segment(segment);
    let from = range(src, len, data.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    let data = &data[from];
    let bytes = store.memories[m].bytes_mut();
    let to = range(dst, len, bytes.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    bytes[to].copy_from_slice(data);
    Ok(())
}

/// `data.drop`.
pub(crate) fn data_drop(store: &mut Store, instance: u32, segment: u32) {
    store.instances[instance as usize].data_dropped[segment as usize] = true;
}

/// `table.grow`: the old size, or -1.
pub(crate) fn table_grow(
    store: &mut Store,
    instance: u32,
    table: u32,
    init: u64,
    delta: u32,
) -> i32 {
    let t = table_index(store, instance, table);
    store.tables[t]
        .grow(delta, init)
        .map_or(-1, |old| old as i32)
}

/// `table.fill`.
pub(crate) fn table_fill(
    store: &mut Store,
    instance: u32,
    table: u32,
    dst: u32,
    value: u64,
    len: u32,
) -> Result<(), TrapCode> {
    let t = table_index(store, instance, table);
    let elems = store.tables[t].elems_mut();
    let to = range(dst, len, elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
    elems[to].fill(value);
    Ok(())
}

/// `table.copy` between two tables of `instance` (possibly the same), all or nothing.
pub(crate) fn table_copy(
    store: &mut Store,
    instance: u32,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let dt = table_index(store, instance, dst_table);
    let st = table_index(store, instance, src_table);
    let from = range(src, len, store.tables[st].elems().len()).ok_or(TrapCode::TableOutOfBounds)?;
    let to = range(dst, len, store.tables[dt].elems().len()).ok_or(TrapCode::TableOutOfBounds)?;
    if dt == st {
        store.tables[dt].elems_mut().copy_within(from, to.start);
    } else {
        let moved: Vec<u64> = store.tables[st].elems()[from].to_vec();
        store.tables[dt].elems_mut()[to].copy_from_slice(&moved);
    }
    Ok(())
}

/// `table.init`: copies `len` references of element segment `segment` (from `src`) into
/// table `table` (at `dst`), all or nothing.
pub(crate) fn table_init(
    store: &mut Store,
    instance: u32,
    table: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let t = table_index(store, instance, table);
    let elems = &store.instances[instance as usize].elements[segment as usize];
    let from = range(src, len, elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
    let table = store.tables[t].elems_mut();
    let to = range(dst, len, table.len()).ok_or(TrapCode::TableOutOfBounds)?;
    table[to].copy_from_slice(&elems[from]);
    Ok(())
}

/// `elem.drop`.
pub(crate) fn elem_drop(store: &mut Store, instance: u32, segment: u32) {
    store.instances[instance as usize].elements[segment as usize] = Vec::new();
}

/// The store and instance a context belongs to.
///
/// # Safety
/// `vmctx` is the live context of an instance of the store its runtime points at, and no
/// other reference to that store is in use for the duration of the returned borrow.
unsafe fn context<'a>(vmctx: *mut VMContext) -> (&'a mut Store, u32) {
    // SAFETY: guaranteed by the caller.
    unsafe { (&mut *(*(*vmctx).runtime).store, (*vmctx).instance) }
}

/// A trap code as a helper's status: 0 for success.
fn status(result: Result<(), TrapCode>) -> u32 {
    match result {
        Ok(()) => 0,
        Err(code) => code as u32 + 1,
    }
}

/// Declares the `extern "C"` form of a runtime call, taking the context instead of the store
/// and instance.
macro_rules! helper {
    ($name:ident => $call:ident($($arg:ident: $ty:ty),*) -> $ret:ty, $wrap:expr) => {
        /// The runtime call of the same name, for compiled code.
        ///
        /// # Safety
        /// See [`context`].
        unsafe extern "C" fn $name(vmctx: *mut VMContext, $($arg: $ty),*) -> $ret {
            // SAFETY: guaranteed by the caller.
            let (store, instance) = unsafe { context(vmctx) };
            ($wrap)($call(store, instance, $($arg),*))
        }
    };
}

helper!(memory_grow_vm => memory_grow(delta: u32) -> i32, |r| r);
helper!(memory_fill_vm => memory_fill(dst: u32, value: u32, len: u32) -> u32, status);
helper!(memory_copy_vm => memory_copy(dst: u32, src: u32, len: u32) -> u32, status);
helper!(memory_init_vm => memory_init(segment: u32, dst: u32, src: u32, len: u32) -> u32, status);
helper!(data_drop_vm => data_drop(segment: u32) -> (), |r| r);
helper!(table_grow_vm => table_grow(table: u32, init: u64, delta: u32) -> i32, |r| r);
helper!(table_fill_vm => table_fill(table: u32, dst: u32, value: u64, len: u32) -> u32, status);
helper!(table_copy_vm => table_copy(dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> u32, status);
helper!(table_init_vm => table_init(table: u32, segment: u32, dst: u32, src: u32, len: u32) -> u32, status);
helper!(elem_drop_vm => elem_drop(segment: u32) -> (), |r| r);

/// The runtime calls every context points at.
pub(crate) static HELPERS: Helpers = Helpers {
    memory_grow: memory_grow_vm,
    memory_fill: memory_fill_vm,
    memory_copy: memory_copy_vm,
    memory_init: memory_init_vm,
    data_drop: data_drop_vm,
    table_grow: table_grow_vm,
    table_fill: table_fill_vm,
    table_copy: table_copy_vm,
    table_init: table_init_vm,
    elem_drop: elem_drop_vm,
};
