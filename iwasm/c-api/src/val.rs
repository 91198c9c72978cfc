//! `wasm_val_t`: a value and its kind; a reference value owns its `wasm_ref_t`.

use std::rc::Rc;

use iwasm::{ValType, Value};

use crate::engine::StoreCtx;
use crate::object::{wasm_ref_t, StoreTarget, Target};
use crate::types::{valkind, valtype_of, wasm_valkind_t, WASM_EXTERNREF, WASM_FUNCREF, WASM_I64};
use crate::vec::{vec_api, Element, Vector};

/// The payload of a [`wasm_val_t`].
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    /// `WASM_I32`.
    pub i32: i32,
    /// `WASM_I64`.
    pub i64: i64,
    /// `WASM_F32`.
    pub f32: f32,
    /// `WASM_F64`.
    pub f64: f64,
    /// `WASM_EXTERNREF`, `WASM_FUNCREF` (owned; null for a null reference).
    pub ref_: *mut wasm_ref_t,
}

/// `wasm_val_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    /// A `wasm_valkind_t`.
    pub kind: wasm_valkind_t,
    /// The value.
    pub of: wasm_val_union,
}

const _: () = assert!(core::mem::size_of::<wasm_val_t>() == 16);

impl wasm_val_t {
    /// The reference of a reference value (null for a null reference or a number).
    fn reference(&self) -> *mut wasm_ref_t {
        match self.kind {
            // SAFETY: reference kinds hold `ref_`.
            WASM_EXTERNREF | WASM_FUNCREF => unsafe { self.of.ref_ },
            _ => core::ptr::null_mut(),
        }
    }

    /// The C value of `value`: references become new owned objects of `ctx`'s store.
    pub fn from_value(ctx: &Rc<StoreCtx>, value: Value) -> wasm_val_t {
        let of = match value {
            Value::I32(v) => wasm_val_union { i32: v },
            Value::I64(v) => wasm_val_union { i64: v },
            Value::F32(v) => wasm_val_union {
                f32: f32::from_bits(v),
            },
            Value::F64(v) => wasm_val_union {
                f64: f64::from_bits(v),
            },
            Value::FuncRef(f) => wasm_val_union {
                ref_: f.map_or(core::ptr::null_mut(), |f| {
                    wasm_ref_t::new_raw(ctx, StoreTarget::Func(f))
                }),
            },
            Value::ExternRef(r) => wasm_val_union {
                ref_: match r.and_then(|id| ctx.externref(id)) {
                    Some(target) => Box::into_raw(Box::new(wasm_ref_t {
                        store: Some(ctx.clone()),
                        target,
                    })),
                    None => core::ptr::null_mut(),
                },
            },
        };
        wasm_val_t {
            kind: valkind(value.ty()),
            of,
        }
    }

    /// The runtime's value, if the kind is known and a reference fits it (a funcref must be
    /// a function; an externref may be any object, which `ctx` then numbers for wasm).
    pub fn value(&self, ctx: &StoreCtx) -> Option<Value> {
        // SAFETY: the union member read is the one `kind` names.
        Some(unsafe {
            match valtype_of(self.kind)? {
                ValType::I32 => Value::I32(self.of.i32),
                ValType::I64 => Value::I64(self.of.i64),
                ValType::F32 => Value::F32(self.of.f32.to_bits()),
                ValType::F64 => Value::F64(self.of.f64.to_bits()),
                ValType::FuncRef => Value::FuncRef(match self.of.ref_.as_ref() {
                    None => None,
                    Some(r) => match r.target {
                        Target::Store(StoreTarget::Func(f)) => Some(f),
                        _ => return None,
                    },
                }),
                ValType::ExternRef => {
                    Value::ExternRef(self.of.ref_.as_ref().map(|r| ctx.externref_id(&r.target)))
                }
            }
        })
    }
}

impl Element for wasm_val_t {
    fn empty() -> wasm_val_t {
        wasm_val_t {
            kind: WASM_I64,
            of: wasm_val_union { i64: 0 },
        }
    }
    fn duplicate(&self) -> wasm_val_t {
        let reference = self.reference();
        if reference.is_null() {
            return *self;
        }
        wasm_val_t {
            kind: self.kind,
            of: wasm_val_union {
                ref_: Element::duplicate(&reference),
            },
        }
    }
    fn release(self) {
        Element::release(self.reference());
    }
}

/// `wasm_val_vec_t`.
pub type wasm_val_vec_t = Vector<wasm_val_t>;

vec_api!(
    wasm_val_vec_t,
    wasm_val_t,
    wasm_val_vec_new_empty,
    wasm_val_vec_new_uninitialized,
    wasm_val_vec_new,
    wasm_val_vec_copy,
    wasm_val_vec_delete
);

/// Frees the reference a value owns.
///
/// # Safety
/// `value` is null or a value whose reference (if any) the caller owns.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_delete(value: *mut wasm_val_t) {
    // SAFETY: guaranteed by the caller.
    if let Some(value) = unsafe { value.as_mut() } {
        value.release();
        *value = wasm_val_t::empty();
    }
}

/// Copies `source` to `out` (a reference is copied to a new object).
///
/// # Safety
/// `out` is null or writable; `source` null or a valid value.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, source: *const wasm_val_t) {
    // SAFETY: guaranteed by the caller.
    if let Some(source) = unsafe { source.as_ref() } {
        // SAFETY: guaranteed by the caller.
        unsafe { crate::vec::write_out(out, source.duplicate()) };
    }
}
