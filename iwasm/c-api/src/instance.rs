//! Instances: a module instantiated in a store with imports given in order.

use iwasm::{Error, Extern, Instance};

use crate::engine::{store_ctx, wasm_store_t};
use crate::module::module_of;
use crate::object::{
    is_extern, is_instance, object, wasm_extern_t, wasm_instance_t, wasm_module_t, wasm_ref_t,
    wasm_trap_t, StoreTarget,
};
use crate::trap::{from_message, from_trap};
use crate::vec::{vec_api, write_out, Vector};

/// `wasm_extern_vec_t`.
pub type wasm_extern_vec_t = Vector<*mut wasm_extern_t>;

vec_api!(
    wasm_extern_vec_t,
    *mut wasm_extern_t,
    wasm_extern_vec_new_empty,
    wasm_extern_vec_new_uninitialized,
    wasm_extern_vec_new,
    wasm_extern_vec_copy,
    wasm_extern_vec_delete
);

/// Instantiates `module` in `store` with `imports` in the order of `wasm_module_imports`.
/// On failure returns NULL and, if `trap` is not null, stores there a trap (owned by the
/// caller) with the reason: the start function's trap, or why linking failed.
///
/// # Safety
/// `store` is null or live; `module` null or live; `imports` null or a valid vector of live
/// externs; `trap` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    let fail = |reason: *mut wasm_trap_t| {
        if trap.is_null() {
            crate::vec::Element::release(reason);
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { write_out(trap, reason) };
        }
        core::ptr::null_mut()
    };
    // SAFETY: guaranteed by the caller.
    let (Some(ctx), Some(module)) = (unsafe { store_ctx(store) }, module_of(module)) else {
        return fail(from_message("wasm_instance_new: no live store or module"));
    };
    // SAFETY: guaranteed by the caller.
    let imports = unsafe { imports.as_ref() }.map_or(&[][..], Vector::as_slice);
    let items: Option<Vec<Extern>> = (imports.iter())
        .map(|i| object(*i, is_extern).and_then(wasm_ref_t::as_extern))
        .collect();
    let Some(items) = items else {
        return fail(from_message(
            "wasm_instance_new: an import is not a live extern",
        ));
    };
    let Some(s) = ctx.store() else {
        return fail(from_message("wasm_instance_new: the store was deleted"));
    };
    match Instance::new(s, &module.module, &items) {
        Ok(instance) => wasm_ref_t::new_raw(ctx, StoreTarget::Instance(instance)),
        Err(Error::Trap(t)) => fail(from_trap(ctx, &t)),
        Err(error) => fail(from_message(&error.to_string())),
    }
}

/// The instance's exports, in the module's order, into `out` (owned by the caller).
///
/// # Safety
/// `instance` is null or live; `out` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(
    instance: *const wasm_instance_t,
    out: *mut wasm_extern_vec_t,
) {
    let exports = (|| {
        let object = object(instance, is_instance)?;
        let ctx = object.store.as_ref()?;
        let StoreTarget::Instance(instance) = object.store_target()? else {
            return None;
        };
        let store = ctx.store()?;
        let items = instance.exports(store).map(|(_, item)| {
            let target = match item {
                Extern::Func(f) => StoreTarget::Func(f),
                Extern::Global(g) => StoreTarget::Global(g),
                Extern::Table(t) => StoreTarget::Table(t),
                Extern::Memory(m) => StoreTarget::Memory(m),
            };
            wasm_ref_t::new_raw(ctx, target)
        });
        Some(items.collect())
    })();
    // SAFETY: guaranteed by the caller.
    unsafe { write_out(out, Vector::from_vec(exports.unwrap_or_default())) };
}
