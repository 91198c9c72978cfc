//! Reference objects: functions, globals, tables, memories, externs, instances, foreign
//! objects, traps and modules are all one struct, [`wasm_ref_t`], so every `*_as_ref`,
//! `*_as_extern` and back is the same pointer, checked by what it refers to.

use std::cell::Cell;
use std::ffi::c_void;
use std::rc::Rc;

use iwasm::{Extern, Func, Global, Instance, Memory, Table};

use crate::engine::StoreCtx;
use crate::module::ModuleObj;
use crate::trap::TrapData;
use crate::vec::Object;

/// An object that lives in a store, by identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreTarget {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
    /// An instance.
    Instance(Instance),
    /// A foreign object (`wasm_foreign_new`), by number.
    Foreign(u32),
}

/// The identity of a [`Target`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetKey {
    /// A store object.
    Store(StoreTarget),
    /// A trap or module, by address.
    Shared(usize),
}

/// What a reference object refers to.
#[derive(Clone)]
pub enum Target {
    /// An object of the store.
    Store(StoreTarget),
    /// A trap (owns its message and frames).
    Trap(Rc<TrapData>),
    /// A module.
    Module(Rc<ModuleObj>),
}

impl Target {
    /// A key equal for equal targets (for the externref table).
    pub fn key(&self) -> TargetKey {
        match self {
            Target::Store(t) => TargetKey::Store(*t),
            Target::Trap(t) => TargetKey::Shared(Rc::as_ptr(t) as usize),
            Target::Module(m) => TargetKey::Shared(Rc::as_ptr(m) as usize),
        }
    }

    /// Whether both name the same object.
    pub fn same(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::Store(a), Target::Store(b)) => a == b,
            (Target::Trap(a), Target::Trap(b)) => Rc::ptr_eq(a, b),
            (Target::Module(a), Target::Module(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Host info attached to an object, and its finalizer (run when replaced or freed).
#[derive(Default)]
pub struct HostInfo {
    info: Cell<*mut c_void>,
    finalizer: Cell<Option<unsafe extern "C" fn(*mut c_void)>>,
}

impl HostInfo {
    /// Replaces the info, finalizing the old one.
    fn set(&self, info: *mut c_void, finalizer: Option<unsafe extern "C" fn(*mut c_void)>) {
        self.finalize();
        self.info.set(info);
        self.finalizer.set(finalizer);
    }

    fn finalize(&self) {
        if let Some(finalizer) = self.finalizer.take() {
            // SAFETY: the embedder's finalizer, given with this info for this purpose.
            unsafe { finalizer(self.info.get()) };
        }
    }
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        self.finalize();
    }
}

/// `wasm_ref_t`, and (the same struct) every reference object of the API.
pub struct wasm_ref_t {
    /// The store of a store object; `None` for traps and modules.
    pub(crate) store: Option<Rc<StoreCtx>>,
    /// What it refers to.
    pub(crate) target: Target,
}

/// `wasm_func_t`.
pub type wasm_func_t = wasm_ref_t;
/// `wasm_global_t`.
pub type wasm_global_t = wasm_ref_t;
/// `wasm_table_t`.
pub type wasm_table_t = wasm_ref_t;
/// `wasm_memory_t`.
pub type wasm_memory_t = wasm_ref_t;
/// `wasm_extern_t`.
pub type wasm_extern_t = wasm_ref_t;
/// `wasm_instance_t`.
pub type wasm_instance_t = wasm_ref_t;
/// `wasm_foreign_t`.
pub type wasm_foreign_t = wasm_ref_t;
/// `wasm_trap_t`.
pub type wasm_trap_t = wasm_ref_t;
/// `wasm_module_t`.
pub type wasm_module_t = wasm_ref_t;

impl Object for wasm_ref_t {
    fn duplicate(&self) -> Box<Self> {
        Box::new(wasm_ref_t {
            store: self.store.clone(),
            target: self.target.clone(),
        })
    }
}

impl wasm_ref_t {
    /// A new owned object for `target` in `store`.
    pub fn new_raw(store: &Rc<StoreCtx>, target: StoreTarget) -> *mut wasm_ref_t {
        Box::into_raw(Box::new(wasm_ref_t {
            store: Some(store.clone()),
            target: Target::Store(target),
        }))
    }

    /// The store object, if this is one.
    pub fn store_target(&self) -> Option<StoreTarget> {
        match self.target {
            Target::Store(t) => Some(t),
            _ => None,
        }
    }

    /// The object as an import or export, if it is one.
    pub fn as_extern(&self) -> Option<Extern> {
        Some(match self.store_target()? {
            StoreTarget::Func(f) => Extern::Func(f),
            StoreTarget::Global(g) => Extern::Global(g),
            StoreTarget::Table(t) => Extern::Table(t),
            StoreTarget::Memory(m) => Extern::Memory(m),
            _ => return None,
        })
    }

    /// The host info cell (created when `create`; `None` once the store is deleted).
    fn host_info(&self, create: bool) -> Option<Rc<HostInfo>> {
        match &self.target {
            Target::Store(t) => self.store.as_ref()?.host_info(*t, create),
            Target::Trap(t) => Some(t.host_info.clone()),
            Target::Module(m) => Some(m.host_info.clone()),
        }
    }
}

/// The object at `ptr` if `check` accepts its target.
pub fn object<'a>(ptr: *const wasm_ref_t, check: fn(&Target) -> bool) -> Option<&'a wasm_ref_t> {
    // SAFETY: a non-null object pointer from C is a live object of this library (the API's
    // contract); what it refers to is checked.
    unsafe { ptr.as_ref() }.filter(|o| check(&o.target))
}

/// Whether `target` is a function (and so on, one per object type).
pub fn is_func(t: &Target) -> bool {
    matches!(t, Target::Store(StoreTarget::Func(_)))
}
/// See [`is_func`].
pub fn is_global(t: &Target) -> bool {
    matches!(t, Target::Store(StoreTarget::Global(_)))
}
/// See [`is_func`].
pub fn is_table(t: &Target) -> bool {
    matches!(t, Target::Store(StoreTarget::Table(_)))
}
/// See [`is_func`].
pub fn is_memory(t: &Target) -> bool {
    matches!(t, Target::Store(StoreTarget::Memory(_)))
}
/// See [`is_func`].
pub fn is_extern(t: &Target) -> bool {
    is_func(t) || is_global(t) || is_table(t) || is_memory(t)
}
/// See [`is_func`].
pub fn is_instance(t: &Target) -> bool {
    matches!(t, Target::Store(StoreTarget::Instance(_)))
}
/// See [`is_func`].
pub fn is_foreign(t: &Target) -> bool {
    matches!(t, Target::Store(StoreTarget::Foreign(_)))
}
/// See [`is_func`].
pub fn is_trap(t: &Target) -> bool {
    matches!(t, Target::Trap(_))
}
/// See [`is_func`].
pub fn is_module(t: &Target) -> bool {
    matches!(t, Target::Module(_))
}
/// Any reference.
pub fn is_any(_: &Target) -> bool {
    true
}

/// Defines `delete`, `copy`, `same` and the host info functions of a reference type whose
/// targets `$check` accepts.
macro_rules! ref_base_api {
    ($check:path, $delete:ident, $copy:ident, $same:ident, $get_info:ident, $set_info:ident, $set_info_fin:ident) => {
        /// Frees the object (not what it refers to).
        ///
        /// # Safety
        /// `object` is null or owned by the caller.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(object: *mut $crate::object::wasm_ref_t) {
            if $crate::object::object(object, $check).is_some() {
                $crate::vec::Element::release(object);
            }
        }

        /// A new object referring to the same thing.
        ///
        /// # Safety
        /// `object` is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(
            object: *const $crate::object::wasm_ref_t,
        ) -> *mut $crate::object::wasm_ref_t {
            match $crate::object::object(object, $check) {
                Some(o) => Box::into_raw($crate::vec::Object::duplicate(o)),
                None => core::ptr::null_mut(),
            }
        }

        /// Whether both refer to the same thing.
        ///
        /// # Safety
        /// Each is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $same(
            a: *const $crate::object::wasm_ref_t,
            b: *const $crate::object::wasm_ref_t,
        ) -> bool {
            match (
                $crate::object::object(a, $check),
                $crate::object::object(b, $check),
            ) {
                (Some(a), Some(b)) => $crate::object::same(a, b),
                _ => false,
            }
        }

        /// The host info of what the object refers to (NULL if none).
        ///
        /// # Safety
        /// `object` is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $get_info(
            object: *const $crate::object::wasm_ref_t,
        ) -> *mut std::ffi::c_void {
            $crate::object::object(object, $check)
                .map_or(core::ptr::null_mut(), $crate::object::get_host_info)
        }

        /// Sets the host info of what the object refers to.
        ///
        /// # Safety
        /// `object` is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $set_info(
            object: *mut $crate::object::wasm_ref_t,
            info: *mut std::ffi::c_void,
        ) {
            if let Some(o) = $crate::object::object(object, $check) {
                $crate::object::set_host_info(o, info, None);
            }
        }

        /// Sets the host info and the function that finalizes it (called when the info is
        /// replaced, or when what the object refers to is freed: at `wasm_store_delete` for
        /// store objects).
        ///
        /// # Safety
        /// `object` is null or live; `finalizer` null or a function taking `info`.
        #[no_mangle]
        pub unsafe extern "C" fn $set_info_fin(
            object: *mut $crate::object::wasm_ref_t,
            info: *mut std::ffi::c_void,
            finalizer: Option<unsafe extern "C" fn(*mut std::ffi::c_void)>,
        ) {
            if let Some(o) = $crate::object::object(object, $check) {
                $crate::object::set_host_info(o, info, finalizer);
            }
        }
    };
}
pub(crate) use ref_base_api;

/// Defines `ref_base_api!` plus the four casts to and from `wasm_ref_t`.
macro_rules! ref_api {
    ($check:path, $delete:ident, $copy:ident, $same:ident, $get_info:ident, $set_info:ident, $set_info_fin:ident,
     $as_ref:ident, $from_ref:ident, $as_ref_const:ident, $from_ref_const:ident) => {
        $crate::object::ref_base_api!(
            $check,
            $delete,
            $copy,
            $same,
            $get_info,
            $set_info,
            $set_info_fin
        );
        $crate::object::casts!($check, $as_ref, $from_ref, $as_ref_const, $from_ref_const);
    };
}

/// Defines four casts between two object types: the same pointer if `$check` accepts it,
/// else NULL.
macro_rules! casts {
    ($check:path, $to:ident, $from:ident, $to_const:ident, $from_const:ident) => {
        /// The same object as the other type (NULL if it is not one).
        ///
        /// # Safety
        /// `object` is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $to(
            object: *mut $crate::object::wasm_ref_t,
        ) -> *mut $crate::object::wasm_ref_t {
            $crate::object::object(object, $check).map_or(core::ptr::null_mut(), |_| object)
        }
        /// The same object as the other type (NULL if it is not one).
        ///
        /// # Safety
        /// `object` is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $from(
            object: *mut $crate::object::wasm_ref_t,
        ) -> *mut $crate::object::wasm_ref_t {
            $crate::object::object(object, $check).map_or(core::ptr::null_mut(), |_| object)
        }
        /// The same object as the other type (NULL if it is not one).
        ///
        /// # Safety
        /// `object` is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $to_const(
            object: *const $crate::object::wasm_ref_t,
        ) -> *const $crate::object::wasm_ref_t {
            $crate::object::object(object, $check).map_or(core::ptr::null(), |_| object)
        }
        /// The same object as the other type (NULL if it is not one).
        ///
        /// # Safety
        /// `object` is null or live.
        #[no_mangle]
        pub unsafe extern "C" fn $from_const(
            object: *const $crate::object::wasm_ref_t,
        ) -> *const $crate::object::wasm_ref_t {
            $crate::object::object(object, $check).map_or(core::ptr::null(), |_| object)
        }
    };
}
pub(crate) use casts;

/// Whether two objects refer to the same thing (in the same store).
pub fn same(a: &wasm_ref_t, b: &wasm_ref_t) -> bool {
    let same_store = match (&a.store, &b.store) {
        (Some(x), Some(y)) => Rc::ptr_eq(x, y),
        (None, None) => true,
        _ => false,
    };
    same_store && a.target.same(&b.target)
}

/// See `wasm_ref_get_host_info`.
pub fn get_host_info(object: &wasm_ref_t) -> *mut c_void {
    object
        .host_info(false)
        .map_or(core::ptr::null_mut(), |h| h.info.get())
}

/// See `wasm_ref_set_host_info_with_finalizer`.
pub fn set_host_info(
    object: &wasm_ref_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    if let Some(host) = object.host_info(true) {
        host.set(info, finalizer);
    }
}

ref_base_api!(
    is_any,
    wasm_ref_delete,
    wasm_ref_copy,
    wasm_ref_same,
    wasm_ref_get_host_info,
    wasm_ref_set_host_info,
    wasm_ref_set_host_info_with_finalizer
);

ref_api!(
    is_func,
    wasm_func_delete,
    wasm_func_copy,
    wasm_func_same,
    wasm_func_get_host_info,
    wasm_func_set_host_info,
    wasm_func_set_host_info_with_finalizer,
    wasm_func_as_ref,
    wasm_ref_as_func,
    wasm_func_as_ref_const,
    wasm_ref_as_func_const
);
ref_api!(
    is_global,
    wasm_global_delete,
    wasm_global_copy,
    wasm_global_same,
    wasm_global_get_host_info,
    wasm_global_set_host_info,
    wasm_global_set_host_info_with_finalizer,
    wasm_global_as_ref,
    wasm_ref_as_global,
    wasm_global_as_ref_const,
    wasm_ref_as_global_const
);
ref_api!(
    is_table,
    wasm_table_delete,
    wasm_table_copy,
    wasm_table_same,
    wasm_table_get_host_info,
    wasm_table_set_host_info,
    wasm_table_set_host_info_with_finalizer,
    wasm_table_as_ref,
    wasm_ref_as_table,
    wasm_table_as_ref_const,
    wasm_ref_as_table_const
);
ref_api!(
    is_memory,
    wasm_memory_delete,
    wasm_memory_copy,
    wasm_memory_same,
    wasm_memory_get_host_info,
    wasm_memory_set_host_info,
    wasm_memory_set_host_info_with_finalizer,
    wasm_memory_as_ref,
    wasm_ref_as_memory,
    wasm_memory_as_ref_const,
    wasm_ref_as_memory_const
);
ref_api!(
    is_extern,
    wasm_extern_delete,
    wasm_extern_copy,
    wasm_extern_same,
    wasm_extern_get_host_info,
    wasm_extern_set_host_info,
    wasm_extern_set_host_info_with_finalizer,
    wasm_extern_as_ref,
    wasm_ref_as_extern,
    wasm_extern_as_ref_const,
    wasm_ref_as_extern_const
);
ref_api!(
    is_instance,
    wasm_instance_delete,
    wasm_instance_copy,
    wasm_instance_same,
    wasm_instance_get_host_info,
    wasm_instance_set_host_info,
    wasm_instance_set_host_info_with_finalizer,
    wasm_instance_as_ref,
    wasm_ref_as_instance,
    wasm_instance_as_ref_const,
    wasm_ref_as_instance_const
);
ref_api!(
    is_foreign,
    wasm_foreign_delete,
    wasm_foreign_copy,
    wasm_foreign_same,
    wasm_foreign_get_host_info,
    wasm_foreign_set_host_info,
    wasm_foreign_set_host_info_with_finalizer,
    wasm_foreign_as_ref,
    wasm_ref_as_foreign,
    wasm_foreign_as_ref_const,
    wasm_ref_as_foreign_const
);
ref_api!(
    is_trap,
    wasm_trap_delete,
    wasm_trap_copy,
    wasm_trap_same,
    wasm_trap_get_host_info,
    wasm_trap_set_host_info,
    wasm_trap_set_host_info_with_finalizer,
    wasm_trap_as_ref,
    wasm_ref_as_trap,
    wasm_trap_as_ref_const,
    wasm_ref_as_trap_const
);
ref_api!(
    is_module,
    wasm_module_delete,
    wasm_module_copy,
    wasm_module_same,
    wasm_module_get_host_info,
    wasm_module_set_host_info,
    wasm_module_set_host_info_with_finalizer,
    wasm_module_as_ref,
    wasm_ref_as_module,
    wasm_module_as_ref_const,
    wasm_ref_as_module_const
);

casts!(
    is_func,
    wasm_func_as_extern,
    wasm_extern_as_func,
    wasm_func_as_extern_const,
    wasm_extern_as_func_const
);
casts!(
    is_global,
    wasm_global_as_extern,
    wasm_extern_as_global,
    wasm_global_as_extern_const,
    wasm_extern_as_global_const
);
casts!(
    is_table,
    wasm_table_as_extern,
    wasm_extern_as_table,
    wasm_table_as_extern_const,
    wasm_extern_as_table_const
);
casts!(
    is_memory,
    wasm_memory_as_extern,
    wasm_extern_as_memory,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory_const
);

/// A new foreign object in `store`.
///
/// # Safety
/// `store` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_new(
    store: *mut crate::engine::wasm_store_t,
) -> *mut wasm_foreign_t {
    // SAFETY: guaranteed by the caller.
    match unsafe { crate::engine::store_ctx(store) } {
        Some(ctx) => wasm_ref_t::new_raw(ctx, StoreTarget::Foreign(ctx.next_foreign())),
        None => core::ptr::null_mut(),
    }
}
