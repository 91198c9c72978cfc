//! Type objects: value, function, global, table, memory and extern types, and the types of
//! imports and exports. Every type that `wasm_*type_as_externtype` casts is one
//! [`wasm_externtype_t`], so a cast is the same pointer, checked by kind.

use iwasm::{ExternType, FuncType, GlobalType, MemoryType, TableType, ValType};

use crate::vec::{vec_api, wasm_byte_vec_t, Object, Vector};

/// `wasm_valkind_t`.
pub type wasm_valkind_t = u8;
/// `WASM_I32`.
pub const WASM_I32: wasm_valkind_t = 0;
/// `WASM_I64`.
pub const WASM_I64: wasm_valkind_t = 1;
/// `WASM_F32`.
pub const WASM_F32: wasm_valkind_t = 2;
/// `WASM_F64`.
pub const WASM_F64: wasm_valkind_t = 3;
/// `WASM_EXTERNREF`.
pub const WASM_EXTERNREF: wasm_valkind_t = 128;
/// `WASM_FUNCREF`.
pub const WASM_FUNCREF: wasm_valkind_t = 129;

/// `wasm_externkind_t`.
pub type wasm_externkind_t = u8;
/// `WASM_EXTERN_FUNC`.
pub const WASM_EXTERN_FUNC: wasm_externkind_t = 0;
/// `WASM_EXTERN_GLOBAL`.
pub const WASM_EXTERN_GLOBAL: wasm_externkind_t = 1;
/// `WASM_EXTERN_TABLE`.
pub const WASM_EXTERN_TABLE: wasm_externkind_t = 2;
/// `WASM_EXTERN_MEMORY`.
pub const WASM_EXTERN_MEMORY: wasm_externkind_t = 3;

/// `wasm_mutability_t`: `WASM_CONST` (0) or `WASM_VAR` (1).
pub type wasm_mutability_t = u8;

/// `wasm_limits_t`: `max` is `0xffffffff` when unbounded.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasm_limits_t {
    /// Minimum size.
    pub min: u32,
    /// Maximum size, `u32::MAX` for none.
    pub max: u32,
}

impl wasm_limits_t {
    fn new(min: u32, max: Option<u32>) -> wasm_limits_t {
        wasm_limits_t {
            min,
            max: max.unwrap_or(u32::MAX),
        }
    }

    fn max(&self) -> Option<u32> {
        (self.max != u32::MAX).then_some(self.max)
    }
}

/// `wasm_valtype_t`.
#[derive(Clone)]
pub struct wasm_valtype_t {
    kind: wasm_valkind_t,
}

impl Object for wasm_valtype_t {
    fn duplicate(&self) -> Box<Self> {
        Box::new(self.clone())
    }
}

/// The C kind of a value type.
pub fn valkind(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::ExternRef => WASM_EXTERNREF,
        ValType::FuncRef => WASM_FUNCREF,
    }
}

/// The value type of a C kind, if it is one.
pub fn valtype_of(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASM_EXTERNREF => ValType::ExternRef,
        WASM_FUNCREF => ValType::FuncRef,
        _ => return None,
    })
}

fn new_valtype(ty: ValType) -> *mut wasm_valtype_t {
    Box::into_raw(Box::new(wasm_valtype_t { kind: valkind(ty) }))
}

/// `wasm_valtype_vec_t`.
pub type wasm_valtype_vec_t = Vector<*mut wasm_valtype_t>;

fn valtype_vec(types: &[ValType]) -> wasm_valtype_vec_t {
    Vector::from_vec(types.iter().map(|t| new_valtype(*t)).collect())
}

/// The value types of a vector, if every element is one.
fn valtypes(vec: &wasm_valtype_vec_t) -> Option<Vec<ValType>> {
    // SAFETY: the elements of a valtype vector are null or live value types.
    (vec.as_slice().iter())
        .map(|t| unsafe { t.as_ref() }.and_then(|t| valtype_of(t.kind)))
        .collect()
}

/// Every type that is also an extern type, and `wasm_externtype_t` itself.
pub enum ExternTypeData {
    /// A function type.
    Func {
        /// Parameter types.
        params: wasm_valtype_vec_t,
        /// Result types.
        results: wasm_valtype_vec_t,
    },
    /// A global type.
    Global {
        /// The content's type (owned).
        content: *mut wasm_valtype_t,
        /// `WASM_CONST` or `WASM_VAR`.
        mutability: wasm_mutability_t,
    },
    /// A table type.
    Table {
        /// The element type (owned).
        element: *mut wasm_valtype_t,
        /// Size limits.
        limits: wasm_limits_t,
    },
    /// A memory type.
    Memory {
        /// Size limits in pages.
        limits: wasm_limits_t,
    },
}

/// `wasm_externtype_t`, and (the same struct) `wasm_functype_t`, `wasm_globaltype_t`,
/// `wasm_tabletype_t`, `wasm_memorytype_t`.
pub struct wasm_externtype_t {
    data: ExternTypeData,
}
/// `wasm_functype_t` (a [`wasm_externtype_t`] of kind func).
pub type wasm_functype_t = wasm_externtype_t;
/// `wasm_globaltype_t` (a [`wasm_externtype_t`] of kind global).
pub type wasm_globaltype_t = wasm_externtype_t;
/// `wasm_tabletype_t` (a [`wasm_externtype_t`] of kind table).
pub type wasm_tabletype_t = wasm_externtype_t;
/// `wasm_memorytype_t` (a [`wasm_externtype_t`] of kind memory).
pub type wasm_memorytype_t = wasm_externtype_t;

impl Drop for wasm_externtype_t {
    fn drop(&mut self) {
        match &mut self.data {
            ExternTypeData::Func { params, results } => {
                params.release();
                results.release();
            }
            ExternTypeData::Global { content: t, .. }
            | ExternTypeData::Table { element: t, .. } => crate::vec::Element::release(*t),
            ExternTypeData::Memory { .. } => {}
        }
    }
}

impl Object for wasm_externtype_t {
    fn duplicate(&self) -> Box<Self> {
        let ty = self.to_iwasm().expect("type objects are built valid");
        wasm_externtype_t::boxed(&ty)
    }
}

impl wasm_externtype_t {
    /// A new type object for `ty`.
    pub fn boxed(ty: &ExternType) -> Box<wasm_externtype_t> {
        let data = match ty {
            ExternType::Func(f) => ExternTypeData::Func {
                params: valtype_vec(f.params()),
                results: valtype_vec(f.results()),
            },
            ExternType::Global(g) => ExternTypeData::Global {
                content: new_valtype(g.content),
                mutability: g.mutable as u8,
            },
            ExternType::Table(t) => ExternTypeData::Table {
                element: new_valtype(t.element),
                limits: wasm_limits_t::new(t.min, t.max),
            },
            ExternType::Memory(m) => ExternTypeData::Memory {
                limits: wasm_limits_t::new(m.min, m.max),
            },
        };
        Box::new(wasm_externtype_t { data })
    }

    /// A new owned type object for `ty`.
    pub fn new_raw(ty: &ExternType) -> *mut wasm_externtype_t {
        Box::into_raw(wasm_externtype_t::boxed(ty))
    }

    /// The runtime's type (every object this library builds converts).
    pub fn to_iwasm(&self) -> Option<ExternType> {
        // SAFETY: owned value types are live.
        let kind = |t: *mut wasm_valtype_t| unsafe { t.as_ref() }.and_then(|t| valtype_of(t.kind));
        Some(match &self.data {
            ExternTypeData::Func { params, results } => {
                ExternType::Func(FuncType::new(valtypes(params)?, valtypes(results)?))
            }
            ExternTypeData::Global {
                content,
                mutability,
            } => ExternType::Global(GlobalType {
                content: kind(*content)?,
                mutable: *mutability != 0,
            }),
            ExternTypeData::Table { element, limits } => ExternType::Table(TableType {
                element: kind(*element).filter(|t| t.is_ref())?,
                min: limits.min,
                max: limits.max(),
            }),
            ExternTypeData::Memory { limits } => ExternType::Memory(MemoryType {
                min: limits.min,
                max: limits.max(),
            }),
        })
    }

    /// The C kind.
    pub fn kind(&self) -> wasm_externkind_t {
        match self.data {
            ExternTypeData::Func { .. } => WASM_EXTERN_FUNC,
            ExternTypeData::Global { .. } => WASM_EXTERN_GLOBAL,
            ExternTypeData::Table { .. } => WASM_EXTERN_TABLE,
            ExternTypeData::Memory { .. } => WASM_EXTERN_MEMORY,
        }
    }

    /// The function type, if this is one.
    pub fn func_type(&self) -> Option<FuncType> {
        match self.to_iwasm()? {
            ExternType::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// The type object at `ty` if it has `kind`.
fn of_kind<'a>(
    ty: *const wasm_externtype_t,
    kind: wasm_externkind_t,
) -> Option<&'a wasm_externtype_t> {
    // SAFETY: a non-null type pointer from C is a live type object (the API's contract).
    unsafe { ty.as_ref() }.filter(|t| t.kind() == kind)
}

/// Defines `wasm_X_delete`, `wasm_X_copy` and the five vector functions of a type object.
macro_rules! type_object_api {
    ($ty:ty, $delete:ident, $copy:ident, $new_empty:ident, $new_uninitialized:ident, $new:ident, $vcopy:ident, $vdelete:ident) => {
        /// Frees the type object.
        ///
        /// # Safety
        /// `ty` is null or an owned object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(ty: *mut $ty) {
            crate::vec::Element::release(ty);
        }

        /// A new copy of the type object.
        ///
        /// # Safety
        /// `ty` is null or a live object of this library.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(ty: *const $ty) -> *mut $ty {
            crate::vec::Element::duplicate(&ty.cast_mut())
        }

        vec_api!(
            Vector<*mut $ty>,
            *mut $ty,
            $new_empty,
            $new_uninitialized,
            $new,
            $vcopy,
            $vdelete
        );
    };
}

type_object_api!(
    wasm_valtype_t,
    wasm_valtype_delete,
    wasm_valtype_copy,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);
type_object_api!(
    wasm_functype_t,
    wasm_functype_delete,
    wasm_functype_copy,
    wasm_functype_vec_new_empty,
    wasm_functype_vec_new_uninitialized,
    wasm_functype_vec_new,
    wasm_functype_vec_copy,
    wasm_functype_vec_delete
);
type_object_api!(
    wasm_globaltype_t,
    wasm_globaltype_delete,
    wasm_globaltype_copy,
    wasm_globaltype_vec_new_empty,
    wasm_globaltype_vec_new_uninitialized,
    wasm_globaltype_vec_new,
    wasm_globaltype_vec_copy,
    wasm_globaltype_vec_delete
);
type_object_api!(
    wasm_tabletype_t,
    wasm_tabletype_delete,
    wasm_tabletype_copy,
    wasm_tabletype_vec_new_empty,
    wasm_tabletype_vec_new_uninitialized,
    wasm_tabletype_vec_new,
    wasm_tabletype_vec_copy,
    wasm_tabletype_vec_delete
);
type_object_api!(
    wasm_memorytype_t,
    wasm_memorytype_delete,
    wasm_memorytype_copy,
    wasm_memorytype_vec_new_empty,
    wasm_memorytype_vec_new_uninitialized,
    wasm_memorytype_vec_new,
    wasm_memorytype_vec_copy,
    wasm_memorytype_vec_delete
);
type_object_api!(
    wasm_externtype_t,
    wasm_externtype_delete,
    wasm_externtype_copy,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);
type_object_api!(
    wasm_importtype_t,
    wasm_importtype_delete,
    wasm_importtype_copy,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);
type_object_api!(
    wasm_exporttype_t,
    wasm_exporttype_delete,
    wasm_exporttype_copy,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);

/// A new value type of `kind` (NULL for an unknown kind).
#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    match valtype_of(kind) {
        Some(ty) => new_valtype(ty),
        None => core::ptr::null_mut(),
    }
}

/// The kind of a value type.
///
/// # Safety
/// `ty` is null or a live value type.
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_kind(ty: *const wasm_valtype_t) -> wasm_valkind_t {
    // SAFETY: guaranteed by the caller.
    unsafe { ty.as_ref() }.map_or(WASM_I32, |t| t.kind)
}

/// A function type taking ownership of the two vectors (and their elements).
///
/// # Safety
/// Both are null or owned valtype vectors.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    // SAFETY: guaranteed by the caller; the vectors are moved out (left empty).
    let take = |v: *mut wasm_valtype_vec_t| match unsafe { v.as_mut() } {
        Some(v) => Vector::from_vec(v.take()),
        None => Vector::EMPTY,
    };
    let data = ExternTypeData::Func {
        params: take(params),
        results: take(results),
    };
    Box::into_raw(Box::new(wasm_externtype_t { data }))
}

/// The parameter types (owned by the function type).
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_params(
    ty: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    match of_kind(ty, WASM_EXTERN_FUNC).map(|t| &t.data) {
        Some(ExternTypeData::Func { params, .. }) => params,
        _ => core::ptr::null(),
    }
}

/// The result types (owned by the function type).
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_results(
    ty: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    match of_kind(ty, WASM_EXTERN_FUNC).map(|t| &t.data) {
        Some(ExternTypeData::Func { results, .. }) => results,
        _ => core::ptr::null(),
    }
}

/// A global type taking ownership of `content`.
///
/// # Safety
/// `content` is null or an owned value type.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    if content.is_null() || mutability > 1 {
        crate::vec::Element::release(content);
        return core::ptr::null_mut();
    }
    let data = ExternTypeData::Global {
        content,
        mutability,
    };
    Box::into_raw(Box::new(wasm_externtype_t { data }))
}

/// The content type (owned by the global type).
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_content(
    ty: *const wasm_globaltype_t,
) -> *const wasm_valtype_t {
    match of_kind(ty, WASM_EXTERN_GLOBAL).map(|t| &t.data) {
        Some(ExternTypeData::Global { content, .. }) => *content,
        _ => core::ptr::null(),
    }
}

/// `WASM_CONST` or `WASM_VAR`.
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_mutability(
    ty: *const wasm_globaltype_t,
) -> wasm_mutability_t {
    match of_kind(ty, WASM_EXTERN_GLOBAL).map(|t| &t.data) {
        Some(ExternTypeData::Global { mutability, .. }) => *mutability,
        _ => 0,
    }
}

/// A table type taking ownership of `element` (NULL unless a reference type).
///
/// # Safety
/// `element` is null or an owned value type; `limits` null or valid.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    // SAFETY: guaranteed by the caller.
    let (valid, limits) = match (unsafe { element.as_ref() }, unsafe { limits.as_ref() }) {
        (Some(e), Some(l)) => (valtype_of(e.kind).is_some_and(|t| t.is_ref()), *l),
        _ => (false, wasm_limits_t { min: 0, max: 0 }),
    };
    if !valid {
        crate::vec::Element::release(element);
        return core::ptr::null_mut();
    }
    let data = ExternTypeData::Table { element, limits };
    Box::into_raw(Box::new(wasm_externtype_t { data }))
}

/// The element type (owned by the table type).
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_element(
    ty: *const wasm_tabletype_t,
) -> *const wasm_valtype_t {
    match of_kind(ty, WASM_EXTERN_TABLE).map(|t| &t.data) {
        Some(ExternTypeData::Table { element, .. }) => *element,
        _ => core::ptr::null(),
    }
}

/// The size limits (owned by the table type).
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_limits(
    ty: *const wasm_tabletype_t,
) -> *const wasm_limits_t {
    match of_kind(ty, WASM_EXTERN_TABLE).map(|t| &t.data) {
        Some(ExternTypeData::Table { limits, .. }) => limits,
        _ => core::ptr::null(),
    }
}

/// A memory type.
///
/// # Safety
/// `limits` is null or valid.
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_new(
    limits: *const wasm_limits_t,
) -> *mut wasm_memorytype_t {
    // SAFETY: guaranteed by the caller.
    let Some(limits) = (unsafe { limits.as_ref() }) else {
        return core::ptr::null_mut();
    };
    let data = ExternTypeData::Memory { limits: *limits };
    Box::into_raw(Box::new(wasm_externtype_t { data }))
}

/// The size limits in pages (owned by the memory type).
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(
    ty: *const wasm_memorytype_t,
) -> *const wasm_limits_t {
    match of_kind(ty, WASM_EXTERN_MEMORY).map(|t| &t.data) {
        Some(ExternTypeData::Memory { limits }) => limits,
        _ => core::ptr::null(),
    }
}

/// The kind of an extern type.
///
/// # Safety
/// `ty` is null or a live type object.
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_kind(ty: *const wasm_externtype_t) -> wasm_externkind_t {
    // SAFETY: guaranteed by the caller.
    unsafe { ty.as_ref() }.map_or(WASM_EXTERN_FUNC, wasm_externtype_t::kind)
}

/// Defines the casts between a type and `wasm_externtype_t`: the same object, checked by kind.
macro_rules! externtype_casts {
    ($kind:expr, $as_extern:ident, $as_extern_const:ident, $from_extern:ident, $from_extern_const:ident) => {
        /// The same object as an extern type.
        ///
        /// # Safety
        /// `ty` is null or a live type object.
        #[no_mangle]
        pub unsafe extern "C" fn $as_extern(ty: *mut wasm_externtype_t) -> *mut wasm_externtype_t {
            of_kind(ty, $kind).map_or(core::ptr::null_mut(), |_| ty)
        }
        /// The same object as an extern type.
        ///
        /// # Safety
        /// `ty` is null or a live type object.
        #[no_mangle]
        pub unsafe extern "C" fn $as_extern_const(
            ty: *const wasm_externtype_t,
        ) -> *const wasm_externtype_t {
            of_kind(ty, $kind).map_or(core::ptr::null(), |_| ty)
        }
        /// The extern type as this type, NULL if it is of another kind.
        ///
        /// # Safety
        /// `ty` is null or a live type object.
        #[no_mangle]
        pub unsafe extern "C" fn $from_extern(
            ty: *mut wasm_externtype_t,
        ) -> *mut wasm_externtype_t {
            of_kind(ty, $kind).map_or(core::ptr::null_mut(), |_| ty)
        }
        /// The extern type as this type, NULL if it is of another kind.
        ///
        /// # Safety
        /// `ty` is null or a live type object.
        #[no_mangle]
        pub unsafe extern "C" fn $from_extern_const(
            ty: *const wasm_externtype_t,
        ) -> *const wasm_externtype_t {
            of_kind(ty, $kind).map_or(core::ptr::null(), |_| ty)
        }
    };
}

externtype_casts!(
    WASM_EXTERN_FUNC,
    wasm_functype_as_externtype,
    wasm_functype_as_externtype_const,
    wasm_externtype_as_functype,
    wasm_externtype_as_functype_const
);
externtype_casts!(
    WASM_EXTERN_GLOBAL,
    wasm_globaltype_as_externtype,
    wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype,
    wasm_externtype_as_globaltype_const
);
externtype_casts!(
    WASM_EXTERN_TABLE,
    wasm_tabletype_as_externtype,
    wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype,
    wasm_externtype_as_tabletype_const
);
externtype_casts!(
    WASM_EXTERN_MEMORY,
    wasm_memorytype_as_externtype,
    wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype,
    wasm_externtype_as_memorytype_const
);

/// `wasm_importtype_t`: module name, item name and type, all owned.
pub struct wasm_importtype_t {
    module: wasm_byte_vec_t,
    name: wasm_byte_vec_t,
    ty: *mut wasm_externtype_t,
}

/// `wasm_exporttype_t`: name and type, both owned.
pub struct wasm_exporttype_t {
    name: wasm_byte_vec_t,
    ty: *mut wasm_externtype_t,
}

impl Drop for wasm_importtype_t {
    fn drop(&mut self) {
        self.module.release();
        self.name.release();
        crate::vec::Element::release(self.ty);
    }
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        self.name.release();
        crate::vec::Element::release(self.ty);
    }
}

impl Object for wasm_importtype_t {
    fn duplicate(&self) -> Box<Self> {
        Box::new(wasm_importtype_t {
            module: self.module.duplicate(),
            name: self.name.duplicate(),
            ty: crate::vec::Element::duplicate(&self.ty),
        })
    }
}

impl Object for wasm_exporttype_t {
    fn duplicate(&self) -> Box<Self> {
        Box::new(wasm_exporttype_t {
            name: self.name.duplicate(),
            ty: crate::vec::Element::duplicate(&self.ty),
        })
    }
}

impl wasm_importtype_t {
    /// A new owned import type.
    pub fn new_raw(module: &str, name: &str, ty: &ExternType) -> *mut wasm_importtype_t {
        Box::into_raw(Box::new(wasm_importtype_t {
            module: wasm_byte_vec_t::from_bytes(module.as_bytes()),
            name: wasm_byte_vec_t::from_bytes(name.as_bytes()),
            ty: wasm_externtype_t::new_raw(ty),
        }))
    }
}

impl wasm_exporttype_t {
    /// A new owned export type.
    pub fn new_raw(name: &str, ty: &ExternType) -> *mut wasm_exporttype_t {
        Box::into_raw(Box::new(wasm_exporttype_t {
            name: wasm_byte_vec_t::from_bytes(name.as_bytes()),
            ty: wasm_externtype_t::new_raw(ty),
        }))
    }
}

/// Moves an owned name vector out of `name` (empty for null).
fn take_name(name: *mut wasm_byte_vec_t) -> wasm_byte_vec_t {
    // SAFETY: a non-null name is an owned byte vector (the API's contract).
    match unsafe { name.as_mut() } {
        Some(name) => Vector::from_vec(name.take()),
        None => Vector::EMPTY,
    }
}

/// An import type taking ownership of its parts.
///
/// # Safety
/// Each is null or owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_byte_vec_t,
    name: *mut wasm_byte_vec_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    let import = wasm_importtype_t {
        module: take_name(module),
        name: take_name(name),
        ty,
    };
    if ty.is_null() {
        return core::ptr::null_mut();
    }
    Box::into_raw(Box::new(import))
}

/// The module name (owned by the import type).
///
/// # Safety
/// `ty` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_module(
    ty: *const wasm_importtype_t,
) -> *const wasm_byte_vec_t {
    // SAFETY: guaranteed by the caller.
    unsafe { ty.as_ref() }.map_or(core::ptr::null(), |t| &t.module)
}

/// The item name (owned by the import type).
///
/// # Safety
/// `ty` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_name(
    ty: *const wasm_importtype_t,
) -> *const wasm_byte_vec_t {
    // SAFETY: guaranteed by the caller.
    unsafe { ty.as_ref() }.map_or(core::ptr::null(), |t| &t.name)
}

/// The item's type (owned by the import type).
///
/// # Safety
/// `ty` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_type(
    ty: *const wasm_importtype_t,
) -> *const wasm_externtype_t {
    // SAFETY: guaranteed by the caller.
    unsafe { ty.as_ref() }.map_or(core::ptr::null(), |t| t.ty)
}

/// An export type taking ownership of its parts.
///
/// # Safety
/// Each is null or owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_byte_vec_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    let export = wasm_exporttype_t {
        name: take_name(name),
        ty,
    };
    if ty.is_null() {
        return core::ptr::null_mut();
    }
    Box::into_raw(Box::new(export))
}

/// The name (owned by the export type).
///
/// # Safety
/// `ty` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(
    ty: *const wasm_exporttype_t,
) -> *const wasm_byte_vec_t {
    // SAFETY: guaranteed by the caller.
    unsafe { ty.as_ref() }.map_or(core::ptr::null(), |t| &t.name)
}

/// The item's type (owned by the export type).
///
/// # Safety
/// `ty` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(
    ty: *const wasm_exporttype_t,
) -> *const wasm_externtype_t {
    // SAFETY: guaranteed by the caller.
    unsafe { ty.as_ref() }.map_or(core::ptr::null(), |t| t.ty)
}
