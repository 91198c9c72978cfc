//! Functions: host functions written in C, and calls from C into any function.

use std::ffi::c_void;
use std::rc::{Rc, Weak};

use iwasm::{Caller, Error, Func, Trap, Value};

use crate::engine::{store_ctx, wasm_store_t, StoreCtx};
use crate::object::{is_func, object, wasm_func_t, wasm_ref_t, wasm_trap_t, StoreTarget};
use crate::trap::{from_message, from_trap, take_trap};
use crate::types::{wasm_externtype_t, wasm_functype_t};
use crate::val::{wasm_val_t, wasm_val_vec_t};
use crate::vec::Vector;

/// `wasm_func_callback_t`.
pub type wasm_func_callback_t = unsafe extern "C" fn(
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// `wasm_func_callback_with_env_t`.
pub type wasm_func_callback_with_env_t = unsafe extern "C" fn(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// A C host function and its environment; the environment's finalizer runs when the store
/// frees the function.
struct Callback {
    call: CallbackKind,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
}

enum CallbackKind {
    Plain(wasm_func_callback_t),
    WithEnv(wasm_func_callback_with_env_t),
}

impl Callback {
    /// Calls the C function.
    fn call(&self, args: &wasm_val_vec_t, results: &mut wasm_val_vec_t) -> *mut wasm_trap_t {
        // SAFETY: the embedder's callback, called as wasm.h specifies.
        unsafe {
            match self.call {
                CallbackKind::Plain(f) => f(args, results),
                CallbackKind::WithEnv(f) => f(self.env, args, results),
            }
        }
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer {
            // SAFETY: the embedder's finalizer for this environment.
            unsafe { finalizer(self.env) };
        }
    }
}

/// Runs a C host function for wasm: converts the arguments, calls it with the caller's
/// store current, and converts its results or trap.
fn run_callback(
    store: &Weak<StoreCtx>,
    callback: &Callback,
    caller: &mut Caller<'_>,
    args: &[Value],
    results: &mut [Value],
) -> Result<(), Trap> {
    let ctx = store
        .upgrade()
        .ok_or_else(|| Trap::host("the function's store was deleted"))?;
    ctx.with_current(caller.store(), || {
        let to_c = |values: &[Value]| {
            Vector::from_vec(
                values
                    .iter()
                    .map(|v| wasm_val_t::from_value(&ctx, *v))
                    .collect(),
            )
        };
        let mut c_args = to_c(args);
        let mut c_results = to_c(results);
        let trap = callback.call(&c_args, &mut c_results);
        c_args.release();
        let outcome = if trap.is_null() {
            read_results(&ctx, &c_results, results)
        } else {
            Err(take_trap(trap))
        };
        c_results.release();
        outcome
    })
}

/// Copies a host function's C results into `results`, checking their kinds.
fn read_results(
    ctx: &StoreCtx,
    c_results: &wasm_val_vec_t,
    results: &mut [Value],
) -> Result<(), Trap> {
    for (slot, value) in results.iter_mut().zip(c_results.as_slice()) {
        match value.value(ctx) {
            Some(v) if v.ty() == slot.ty() => *slot = v,
            _ => {
                return Err(Trap::host(
                    "a host function returned a value of the wrong type",
                ))
            }
        }
    }
    Ok(())
}

/// Creates a host function in `store`.
fn new_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Callback,
) -> *mut wasm_func_t {
    // SAFETY: null or live, as the callers' contracts say.
    let (Some(ctx), Some(ty)) = (unsafe { store_ctx(store) }, unsafe { ty.as_ref() }) else {
        return core::ptr::null_mut();
    };
    let (Some(ty), Some(s)) = (ty.func_type(), ctx.store()) else {
        return core::ptr::null_mut();
    };
    let weak = Rc::downgrade(ctx);
    let func = Func::new(s, ty, move |caller, args, results| {
        run_callback(&weak, &callback, caller, args, results)
    });
    wasm_ref_t::new_raw(ctx, StoreTarget::Func(func))
}

/// A host function calling `callback`.
///
/// # Safety
/// `store` is null or live; `ty` null or a live function type.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Option<wasm_func_callback_t>,
) -> *mut wasm_func_t {
    let Some(callback) = callback else {
        return core::ptr::null_mut();
    };
    let callback = Callback {
        call: CallbackKind::Plain(callback),
        env: core::ptr::null_mut(),
        finalizer: None,
    };
    new_func(store, ty, callback)
}

/// A host function calling `callback` with `env`; `finalizer` (if any) is called with `env`
/// when the store frees the function.
///
/// # Safety
/// `store` is null or live; `ty` null or a live function type.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Option<wasm_func_callback_with_env_t>,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    let Some(callback) = callback else {
        return core::ptr::null_mut();
    };
    let callback = Callback {
        call: CallbackKind::WithEnv(callback),
        env,
        finalizer,
    };
    new_func(store, ty, callback)
}

/// The function and its store, if both are live.
fn func_of<'a>(func: *const wasm_func_t) -> Option<(&'a Rc<StoreCtx>, Func)> {
    let object = object(func, is_func)?;
    let ctx = object.store.as_ref()?;
    ctx.store()?;
    match object.store_target()? {
        StoreTarget::Func(f) => Some((ctx, f)),
        _ => None,
    }
}

/// The function's type (owned by the caller).
///
/// # Safety
/// `func` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_type(func: *const wasm_func_t) -> *mut wasm_functype_t {
    match func_of(func).and_then(|(ctx, f)| Some(f.ty(ctx.store()?))) {
        Some(ty) => wasm_externtype_t::new_raw(&iwasm::ExternType::Func(ty)),
        None => core::ptr::null_mut(),
    }
}

/// Number of parameters.
///
/// # Safety
/// `func` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_param_arity(func: *const wasm_func_t) -> usize {
    func_of(func)
        .and_then(|(ctx, f)| Some(f.ty(ctx.store()?).params().len()))
        .unwrap_or(0)
}

/// Number of results.
///
/// # Safety
/// `func` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_result_arity(func: *const wasm_func_t) -> usize {
    func_of(func)
        .and_then(|(ctx, f)| Some(f.ty(ctx.store()?).results().len()))
        .unwrap_or(0)
}

/// Calls the function with `args`, writing its results to `results` (which must have room
/// for them, or the call ends in a trap saying so). Returns NULL, or the trap (owned by the caller): a wasm trap, a host
/// function's, or one describing wrong arguments.
///
/// # Safety
/// `func` is null or live; `args` null or a valid vector; `results` null or a vector with
/// writable elements.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_call(
    func: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    let Some((ctx, f)) = func_of(func) else {
        return from_message("wasm_func_call: not a live function");
    };
    // SAFETY: guaranteed by the caller.
    let args = unsafe { args.as_ref() }.map_or(&[][..], Vector::as_slice);
    let Some(values) = args
        .iter()
        .map(|a| a.value(ctx))
        .collect::<Option<Vec<Value>>>()
    else {
        return from_message(
            "wasm_func_call: an argument has an unknown kind or a wrong reference",
        );
    };
    let Some(store) = ctx.store() else {
        return from_message("wasm_func_call: the store was deleted");
    };
    match f.call(store, &values) {
        Ok(values) => {
            // SAFETY: guaranteed by the caller.
            let slots = unsafe { results.as_mut() }.map_or(&mut [][..], Vector::as_mut_slice);
            if slots.len() < values.len() {
                return from_message("wasm_func_call: the results vector is too short");
            }
            for (slot, value) in slots.iter_mut().zip(values) {
                *slot = wasm_val_t::from_value(ctx, value);
            }
            core::ptr::null_mut()
        }
        Err(Error::Trap(trap)) => from_trap(ctx, &trap),
        Err(error) => from_message(&error.to_string()),
    }
}
