//! Configs, engines and stores. An engine is shared between threads; a store belongs to one
//! thread at a time and owns every object created in it, until `wasm_store_delete`.

use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use iwasm::{Config, RunningMode, Store};

use crate::object::{HostInfo, StoreTarget, Target, TargetKey};

/// `wasm_config_t`: how an engine's stores run code.
#[derive(Default)]
pub struct wasm_config_t {
    mode: RunningMode,
    config: Config,
}

/// `wasm_engine_t`: the configuration its stores share.
pub struct wasm_engine_t {
    settings: Arc<wasm_config_t>,
}

/// `wasm_store_t`: the owner's handle on a [`StoreCtx`].
pub struct wasm_store_t {
    pub(crate) ctx: Rc<StoreCtx>,
}

/// A store and what the C API keeps beside it. Objects of the store hold an `Rc` of it, so
/// an object used after `wasm_store_delete` finds the store gone instead of freed memory.
pub struct StoreCtx {
    /// The store; `None` once deleted. Reached only through `current`.
    store: UnsafeCell<Option<Store>>,
    /// The store as the running code may use it: the store itself, or, while a host
    /// function runs, the caller's reborrow of it. Null once deleted.
    current: Cell<*mut Store>,
    /// Keeps the engine's settings alive as long as the store.
    _settings: Arc<wasm_config_t>,
    /// Host info of the store's objects, by identity (copies and objects that went through
    /// wasm as references see the same).
    host_info: RefCell<HashMap<StoreTarget, Rc<HostInfo>>>,
    /// The objects passed to wasm as `externref`, by the number wasm holds.
    externrefs: RefCell<Vec<Target>>,
    /// Inverse of `externrefs`.
    externref_ids: RefCell<HashMap<TargetKey, u32>>,
    /// Number of foreign objects created.
    foreigns: Cell<u32>,
    /// Number of host functions of this store running (nested through re-entry).
    host_calls: Cell<u32>,
}

impl StoreCtx {
    /// The store, unless deleted.
    ///
    /// The reference must not be held across a call that runs wasm or a host function
    /// (which may use the store through `current` meanwhile).
    #[allow(clippy::mut_from_ref)]
    pub fn store(&self) -> Option<&mut Store> {
        // SAFETY: `current` is null or points at the live store (or a live reborrow of it,
        // while a host function runs); a store is used by one thread, and callers do not
        // keep the reference across re-entry (see above).
        unsafe { self.current.get().as_mut() }
    }

    /// Runs `f` with `store` (a host function's reborrow of this store) as the current store.
    pub fn with_current<R>(&self, store: &mut Store, f: impl FnOnce() -> R) -> R {
        let outer = self.current.replace(store);
        self.host_calls.set(self.host_calls.get() + 1);
        let result = f();
        self.host_calls.set(self.host_calls.get() - 1);
        self.current.set(outer);
        result
    }

    /// Whether a host function of this store is running (the store must not be deleted).
    fn in_host_call(&self) -> bool {
        self.host_calls.get() > 0
    }

    /// The host info cell of `target`, created on first use when `create`.
    pub fn host_info(&self, target: StoreTarget, create: bool) -> Option<Rc<HostInfo>> {
        let mut map = self.host_info.borrow_mut();
        if create {
            return Some(map.entry(target).or_default().clone());
        }
        map.get(&target).cloned()
    }

    /// The number wasm holds for `target` as an `externref`.
    pub fn externref_id(&self, target: &Target) -> u32 {
        let key = target.key();
        if let Some(id) = self.externref_ids.borrow().get(&key) {
            return *id;
        }
        let mut refs = self.externrefs.borrow_mut();
        let id = refs.len() as u32;
        refs.push(target.clone());
        self.externref_ids.borrow_mut().insert(key, id);
        id
    }

    /// The object wasm's `externref` number `id` stands for.
    pub fn externref(&self, id: u32) -> Option<Target> {
        self.externrefs.borrow().get(id as usize).cloned()
    }

    /// A new foreign object's identity.
    pub fn next_foreign(&self) -> u32 {
        let id = self.foreigns.get();
        self.foreigns.set(id + 1);
        id
    }

    /// Deletes the store: frees its objects (running the finalizers of host functions'
    /// environments) and then the host infos' finalizers.
    fn delete(&self) {
        self.current.set(core::ptr::null_mut());
        // SAFETY: no reference to the store is live: `current` was the only way to it and
        // no host function is running (checked by the caller).
        drop(unsafe { (*self.store.get()).take() });
        let infos: Vec<_> = self.host_info.borrow_mut().drain().collect();
        drop(infos);
        self.externrefs.borrow_mut().clear();
        self.externref_ids.borrow_mut().clear();
    }
}

/// A new default configuration.
#[no_mangle]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    Box::into_raw(Box::default())
}

/// Frees a configuration.
///
/// # Safety
/// `config` is null or an owned configuration.
#[no_mangle]
pub unsafe extern "C" fn wasm_config_delete(config: *mut wasm_config_t) {
    if !config.is_null() {
        // SAFETY: guaranteed by the caller.
        drop(unsafe { Box::from_raw(config) });
    }
}

/// A new engine with the default configuration.
#[no_mangle]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    // SAFETY: a fresh configuration is owned.
    unsafe { wasm_engine_new_with_config(wasm_config_new()) }
}

/// A new engine taking ownership of `config` (the default configuration for null).
///
/// # Safety
/// `config` is null or an owned configuration.
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new_with_config(
    config: *mut wasm_config_t,
) -> *mut wasm_engine_t {
    let settings = if config.is_null() {
        wasm_config_t::default()
    } else {
        // SAFETY: guaranteed by the caller.
        *unsafe { Box::from_raw(config) }
    };
    Box::into_raw(Box::new(wasm_engine_t {
        settings: Arc::new(settings),
    }))
}

/// Frees an engine (its stores keep what they need of it).
///
/// # Safety
/// `engine` is null or an owned engine.
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_delete(engine: *mut wasm_engine_t) {
    if !engine.is_null() {
        // SAFETY: guaranteed by the caller.
        drop(unsafe { Box::from_raw(engine) });
    }
}

/// A new store of `engine` (NULL for a null engine).
///
/// # Safety
/// `engine` is null or a live engine.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    // SAFETY: guaranteed by the caller.
    let Some(engine) = (unsafe { engine.as_ref() }) else {
        return core::ptr::null_mut();
    };
    let store = Store::with_mode(engine.settings.config.clone(), engine.settings.mode);
    let ctx = Rc::new(StoreCtx {
        store: UnsafeCell::new(Some(store)),
        current: Cell::new(core::ptr::null_mut()),
        _settings: engine.settings.clone(),
        host_info: RefCell::default(),
        externrefs: RefCell::default(),
        externref_ids: RefCell::default(),
        foreigns: Cell::new(0),
        host_calls: Cell::new(0),
    });
    // SAFETY: the store just created; `current` is its only alias from here on.
    let base = unsafe { (*ctx.store.get()).as_mut() }.map(|s| s as *mut Store);
    ctx.current.set(base.unwrap_or(core::ptr::null_mut()));
    Box::into_raw(Box::new(wasm_store_t { ctx }))
}

/// Deletes a store and every object in it. Objects of the store still held afterwards are
/// inert: using them gives NULL, false or zero. Refused (the store is kept) while one of
/// the store's host functions is running.
///
/// # Safety
/// `store` is null or an owned store.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    // SAFETY: guaranteed by the caller.
    let Some(handle) = (unsafe { store.as_ref() }) else {
        return;
    };
    if handle.ctx.in_host_call() {
        return;
    }
    handle.ctx.delete();
    // SAFETY: guaranteed by the caller.
    drop(unsafe { Box::from_raw(store) });
}

/// The context of a store pointer from C.
///
/// # Safety
/// `store` is null or a live store.
pub unsafe fn store_ctx<'a>(store: *const wasm_store_t) -> Option<&'a Rc<StoreCtx>> {
    // SAFETY: guaranteed by the caller.
    unsafe { store.as_ref() }.map(|s| &s.ctx)
}
