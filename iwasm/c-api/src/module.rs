//! Modules: compiled from wasm bytes or loaded from AOT images, shared between threads, and
//! serialized as AOT images.

use std::rc::Rc;
use std::sync::Arc;

use iwasm::{AotOptions, Module};

use crate::engine::{store_ctx, wasm_store_t};
use crate::object::{is_module, object, wasm_module_t, wasm_ref_t, HostInfo, Target};
use crate::types::{wasm_exporttype_t, wasm_importtype_t};
use crate::vec::{wasm_byte_vec_t, write_out, Vector};

/// A module and the bytes it came from, shareable between threads.
pub struct SharedModule {
    /// The loaded module.
    pub module: Module,
    /// The wasm binary or AOT image it was loaded from.
    bytes: Vec<u8>,
}

const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<SharedModule>();
};

/// What a module object refers to.
pub struct ModuleObj {
    /// The module.
    pub shared: Arc<SharedModule>,
    /// See `wasm_module_set_host_info`.
    pub(crate) host_info: Rc<HostInfo>,
}

/// `wasm_shared_module_t`: a module any thread can obtain.
pub struct wasm_shared_module_t {
    shared: Arc<SharedModule>,
}

fn new_module_object(shared: Arc<SharedModule>) -> *mut wasm_module_t {
    Box::into_raw(Box::new(wasm_ref_t {
        store: None,
        target: Target::Module(Rc::new(ModuleObj {
            shared,
            host_info: Rc::default(),
        })),
    }))
}

/// The module of a module object.
pub fn module_of<'a>(module: *const wasm_module_t) -> Option<&'a Arc<SharedModule>> {
    match &object(module, is_module)?.target {
        Target::Module(m) => Some(&m.shared),
        _ => None,
    }
}

/// Loads `bytes` (a wasm binary or an AOT image).
fn load(store: *mut wasm_store_t, bytes: *const wasm_byte_vec_t) -> Option<Arc<SharedModule>> {
    // SAFETY: null or live, as the callers' contracts say.
    unsafe { store_ctx(store) }?;
    // SAFETY: as above.
    let bytes = unsafe { bytes.as_ref() }?.as_slice();
    let module = Module::new(bytes).ok()?;
    Some(Arc::new(SharedModule {
        module,
        bytes: bytes.to_vec(),
    }))
}

/// Compiles a wasm binary, or loads an AOT image (from `wasm_module_serialize` or `wamrc`);
/// NULL if it is malformed, invalid or unsupported.
///
/// # Safety
/// `store` is null or live; `binary` null or a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    load(store, binary).map_or(core::ptr::null_mut(), new_module_object)
}

/// Whether `binary` is a module `wasm_module_new` accepts.
///
/// # Safety
/// `store` is null or live; `binary` null or a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> bool {
    load(store, binary).is_some()
}

/// The module's imports, in order, into `out`.
///
/// # Safety
/// `module` is null or live; `out` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_imports(
    module: *const wasm_module_t,
    out: *mut Vector<*mut wasm_importtype_t>,
) {
    let imports = module_of(module).map_or(Vec::new(), |m| {
        (m.module.imports())
            .map(|(module, name, ty)| wasm_importtype_t::new_raw(module, name, &ty))
            .collect()
    });
    // SAFETY: guaranteed by the caller.
    unsafe { write_out(out, Vector::from_vec(imports)) };
}

/// The module's exports, in order, into `out`.
///
/// # Safety
/// `module` is null or live; `out` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_exports(
    module: *const wasm_module_t,
    out: *mut Vector<*mut wasm_exporttype_t>,
) {
    let exports = module_of(module).map_or(Vec::new(), |m| {
        (m.module.exports())
            .map(|(name, ty)| wasm_exporttype_t::new_raw(name, &ty))
            .collect()
    });
    // SAFETY: guaranteed by the caller.
    unsafe { write_out(out, Vector::from_vec(exports)) };
}

/// The module as an AOT image for this machine (what `wamrc` writes), which
/// `wasm_module_deserialize` and `iwasm` load without compiling; empty if it cannot be
/// compiled. A module loaded from an image serializes to that image.
///
/// # Safety
/// `module` is null or live; `out` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_serialize(
    module: *const wasm_module_t,
    out: *mut wasm_byte_vec_t,
) {
    let image = module_of(module).map_or(Vec::new(), |m| {
        if m.bytes.starts_with(b"\0aot") {
            m.bytes.clone()
        } else {
            iwasm::compile_aot(&m.module, &AotOptions::default()).unwrap_or_default()
        }
    });
    // SAFETY: guaranteed by the caller.
    unsafe { write_out(out, Vector::from_vec(image)) };
}

/// Loads an AOT image (NULL if it is not one this machine runs, or is corrupt).
///
/// # Safety
/// `store` is null or live; `bytes` null or a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    // SAFETY: guaranteed by the caller.
    let is_image = unsafe { bytes.as_ref() }.is_some_and(|b| b.as_slice().starts_with(b"\0aot"));
    if !is_image {
        return core::ptr::null_mut();
    }
    load(store, bytes).map_or(core::ptr::null_mut(), new_module_object)
}

/// A handle on the module that another thread can obtain.
///
/// # Safety
/// `module` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_share(
    module: *const wasm_module_t,
) -> *mut wasm_shared_module_t {
    match module_of(module) {
        Some(shared) => Box::into_raw(Box::new(wasm_shared_module_t {
            shared: shared.clone(),
        })),
        None => core::ptr::null_mut(),
    }
}

/// A module object for a shared module, in this thread.
///
/// # Safety
/// `store` is null or live; `shared` null or a live shared module.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    // SAFETY: guaranteed by the caller.
    match (unsafe { store_ctx(store) }, unsafe { shared.as_ref() }) {
        (Some(_), Some(shared)) => new_module_object(shared.shared.clone()),
        _ => core::ptr::null_mut(),
    }
}

/// Frees a shared module handle.
///
/// # Safety
/// `shared` is null or owned.
#[no_mangle]
pub unsafe extern "C" fn wasm_shared_module_delete(shared: *mut wasm_shared_module_t) {
    if !shared.is_null() {
        // SAFETY: guaranteed by the caller.
        drop(unsafe { Box::from_raw(shared) });
    }
}
