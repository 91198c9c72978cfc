//! Globals, tables and memories, and what every extern has: a kind and a type.

use std::rc::Rc;

use iwasm::{ExternType, Global, Memory, Store, Table, Value, PAGE_SIZE};

use crate::engine::{store_ctx, wasm_store_t, StoreCtx};
use crate::object::{
    is_extern, is_global, is_memory, is_table, object, wasm_extern_t, wasm_global_t, wasm_memory_t,
    wasm_ref_t, wasm_table_t, StoreTarget,
};
use crate::types::{
    wasm_externkind_t, wasm_externtype_t, wasm_globaltype_t, wasm_memorytype_t, wasm_tabletype_t,
    WASM_EXTERNREF, WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_TABLE,
    WASM_FUNCREF,
};
use crate::val::{wasm_val_t, wasm_val_union};
use crate::vec::write_out;

/// The store object at `ptr` (accepted by `check`), its store context and the store.
fn live<'a>(
    ptr: *const wasm_ref_t,
    check: fn(&crate::object::Target) -> bool,
) -> Option<(&'a Rc<StoreCtx>, StoreTarget, &'a mut Store)> {
    let object = object(ptr, check)?;
    let ctx = object.store.as_ref()?;
    Some((ctx, object.store_target()?, ctx.store()?))
}

/// The type of the extern at `ptr`.
fn extern_type_of(ptr: *const wasm_ref_t) -> Option<ExternType> {
    let object = object(ptr, is_extern)?;
    let store = object.store.as_ref()?.store()?;
    Some(object.as_extern()?.ty(store))
}

/// The extern's kind.
///
/// # Safety
/// `object` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_kind(object: *const wasm_extern_t) -> wasm_externkind_t {
    match crate::object::object(object, is_extern).and_then(wasm_ref_t::store_target) {
        Some(StoreTarget::Global(_)) => WASM_EXTERN_GLOBAL,
        Some(StoreTarget::Table(_)) => WASM_EXTERN_TABLE,
        Some(StoreTarget::Memory(_)) => WASM_EXTERN_MEMORY,
        _ => WASM_EXTERN_FUNC,
    }
}

/// The extern's type (owned by the caller; tables and memories with their current size).
///
/// # Safety
/// `object` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(object: *const wasm_extern_t) -> *mut wasm_externtype_t {
    extern_type_of(object).map_or(core::ptr::null_mut(), |ty| wasm_externtype_t::new_raw(&ty))
}

/// A new global of type `ty` holding `value`.
///
/// # Safety
/// `store` is null or live; `ty` null or a live global type; `value` null or valid.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: *const wasm_globaltype_t,
    value: *const wasm_val_t,
) -> *mut wasm_global_t {
    // SAFETY: guaranteed by the caller.
    let (Some(ctx), Some(ty), Some(value)) = (
        unsafe { store_ctx(store) },
        unsafe { ty.as_ref() },
        unsafe { value.as_ref() },
    ) else {
        return core::ptr::null_mut();
    };
    let (Some(ExternType::Global(ty)), Some(value)) = (ty.to_iwasm(), value.value(ctx)) else {
        return core::ptr::null_mut();
    };
    match ctx.store().map(|s| Global::new(s, ty, value)) {
        Some(Ok(global)) => wasm_ref_t::new_raw(ctx, StoreTarget::Global(global)),
        _ => core::ptr::null_mut(),
    }
}

fn global_of<'a>(
    global: *const wasm_global_t,
) -> Option<(&'a Rc<StoreCtx>, Global, &'a mut Store)> {
    match live(global, is_global)? {
        (ctx, StoreTarget::Global(g), store) => Some((ctx, g, store)),
        _ => None,
    }
}

/// The global's type (owned by the caller).
///
/// # Safety
/// `global` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_type(global: *const wasm_global_t) -> *mut wasm_globaltype_t {
    global_of(global).map_or(core::ptr::null_mut(), |(_, g, store)| {
        wasm_externtype_t::new_raw(&ExternType::Global(g.ty(store)))
    })
}

/// The global's value into `out` (a reference as a new object owned by the caller).
///
/// # Safety
/// `global` is null or live; `out` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_get(global: *const wasm_global_t, out: *mut wasm_val_t) {
    if let Some((ctx, g, store)) = global_of(global) {
        let value = g.get(store);
        // SAFETY: guaranteed by the caller.
        unsafe { write_out(out, wasm_val_t::from_value(ctx, value)) };
    }
}

/// Sets a mutable global to `value` (ignored if the global is immutable or the type
/// differs).
///
/// # Safety
/// `global` is null or live; `value` null or valid.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set(global: *mut wasm_global_t, value: *const wasm_val_t) {
    // SAFETY: guaranteed by the caller.
    let value = unsafe { value.as_ref() };
    if let (Some((ctx, g, store)), Some(value)) = (global_of(global), value) {
        if let Some(value) = value.value(ctx) {
            let _ = g.set(store, value);
        }
    }
}

/// The reference of `r` as a value for a table of `element` type (`None` if it cannot be).
fn table_value(ctx: &StoreCtx, element: iwasm::ValType, r: *mut wasm_ref_t) -> Option<Value> {
    let kind = match element {
        iwasm::ValType::FuncRef => WASM_FUNCREF,
        _ => WASM_EXTERNREF,
    };
    wasm_val_t {
        kind,
        of: wasm_val_union { ref_: r },
    }
    .value(ctx)
}

/// A new table of type `ty`, every element `init` (null for a null reference).
///
/// # Safety
/// `store` is null or live; `ty` null or a live table type; `init` null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    // SAFETY: guaranteed by the caller.
    let (Some(ctx), Some(ty)) = (unsafe { store_ctx(store) }, unsafe { ty.as_ref() }) else {
        return core::ptr::null_mut();
    };
    let Some(ExternType::Table(ty)) = ty.to_iwasm() else {
        return core::ptr::null_mut();
    };
    let Some(init) = table_value(ctx, ty.element, init) else {
        return core::ptr::null_mut();
    };
    match ctx.store().map(|s| Table::new(s, ty, init)) {
        Some(Ok(table)) => wasm_ref_t::new_raw(ctx, StoreTarget::Table(table)),
        _ => core::ptr::null_mut(),
    }
}

fn table_of<'a>(table: *const wasm_table_t) -> Option<(&'a Rc<StoreCtx>, Table, &'a mut Store)> {
    match live(table, is_table)? {
        (ctx, StoreTarget::Table(t), store) => Some((ctx, t, store)),
        _ => None,
    }
}

/// The table's type, with its current size as minimum (owned by the caller).
///
/// # Safety
/// `table` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_type(table: *const wasm_table_t) -> *mut wasm_tabletype_t {
    table_of(table).map_or(core::ptr::null_mut(), |(_, t, store)| {
        wasm_externtype_t::new_raw(&ExternType::Table(t.ty(store)))
    })
}

/// Element `index` as a new object owned by the caller (NULL if null or out of bounds).
///
/// # Safety
/// `table` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_get(table: *const wasm_table_t, index: u32) -> *mut wasm_ref_t {
    let Some((ctx, t, store)) = table_of(table) else {
        return core::ptr::null_mut();
    };
    match t.get(store, index) {
        // SAFETY: reference values hold `ref_`.
        Some(value) => unsafe { wasm_val_t::from_value(ctx, value).of.ref_ },
        None => core::ptr::null_mut(),
    }
}

/// Sets element `index` to `r` (null for a null reference); false if out of bounds or of
/// the wrong type.
///
/// # Safety
/// `table` is null or live; `r` null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_set(
    table: *mut wasm_table_t,
    index: u32,
    r: *mut wasm_ref_t,
) -> bool {
    let Some((ctx, t, store)) = table_of(table) else {
        return false;
    };
    let element = t.ty(store).element;
    table_value(ctx, element, r).is_some_and(|value| t.set(store, index, value).is_ok())
}

/// Current number of elements.
///
/// # Safety
/// `table` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_size(table: *const wasm_table_t) -> u32 {
    table_of(table).map_or(0, |(_, t, store)| t.size(store))
}

/// Grows the table by `delta` elements set to `init`; false past its maximum.
///
/// # Safety
/// `table` is null or live; `init` null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_grow(
    table: *mut wasm_table_t,
    delta: u32,
    init: *mut wasm_ref_t,
) -> bool {
    let Some((ctx, t, store)) = table_of(table) else {
        return false;
    };
    let element = t.ty(store).element;
    table_value(ctx, element, init).is_some_and(|value| t.grow(store, delta, value).is_ok())
}

/// A new memory of type `ty`.
///
/// # Safety
/// `store` is null or live; `ty` null or a live memory type.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    ty: *const wasm_memorytype_t,
) -> *mut wasm_memory_t {
    // SAFETY: guaranteed by the caller.
    let (Some(ctx), Some(ty)) = (unsafe { store_ctx(store) }, unsafe { ty.as_ref() }) else {
        return core::ptr::null_mut();
    };
    let Some(ExternType::Memory(ty)) = ty.to_iwasm() else {
        return core::ptr::null_mut();
    };
    match ctx.store().map(|s| Memory::new(s, ty)) {
        Some(Ok(memory)) => wasm_ref_t::new_raw(ctx, StoreTarget::Memory(memory)),
        _ => core::ptr::null_mut(),
    }
}

fn memory_of<'a>(memory: *const wasm_memory_t) -> Option<(Memory, &'a mut Store)> {
    match live(memory, is_memory)? {
        (_, StoreTarget::Memory(m), store) => Some((m, store)),
        _ => None,
    }
}

/// The memory's type, with its current size as minimum (owned by the caller).
///
/// # Safety
/// `memory` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(memory: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    memory_of(memory).map_or(core::ptr::null_mut(), |(m, store)| {
        wasm_externtype_t::new_raw(&ExternType::Memory(m.ty(store)))
    })
}

/// The memory's bytes (valid until it grows or the store is deleted).
///
/// # Safety
/// `memory` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(memory: *mut wasm_memory_t) -> *mut u8 {
    memory_of(memory).map_or(core::ptr::null_mut(), |(m, store)| {
        m.data_mut(store).as_mut_ptr()
    })
}

/// The memory's size in bytes.
///
/// # Safety
/// `memory` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(memory: *const wasm_memory_t) -> usize {
    memory_of(memory).map_or(0, |(m, store)| m.data(store).len())
}

/// The memory's size in pages.
///
/// # Safety
/// `memory` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(memory: *const wasm_memory_t) -> u32 {
    memory_of(memory).map_or(0, |(m, store)| (m.data(store).len() / PAGE_SIZE) as u32)
}

/// Grows the memory by `delta` pages; false past its maximum.
///
/// # Safety
/// `memory` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(memory: *mut wasm_memory_t, delta: u32) -> bool {
    memory_of(memory).is_some_and(|(m, store)| m.grow(store, delta).is_ok())
}
