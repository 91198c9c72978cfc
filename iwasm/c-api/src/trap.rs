//! Traps (a message and the wasm frames it happened under) and frames.

use std::rc::Rc;

use iwasm::Trap;

use crate::engine::{store_ctx, wasm_store_t, StoreCtx};
use crate::object::{wasm_instance_t, wasm_ref_t, wasm_trap_t, HostInfo, StoreTarget, Target};
use crate::vec::{vec_api, wasm_byte_vec_t, write_out, Object, Vector};

/// What a trap object refers to.
pub struct TrapData {
    /// The message, NUL-terminated (as `wasm_message_t` is).
    message: Vec<u8>,
    /// Wasm frames, innermost first.
    frames: Vec<wasm_frame_t>,
    /// See `wasm_trap_set_host_info`.
    pub(crate) host_info: Rc<HostInfo>,
}

/// `wasm_frame_t`: a function of a trap's call stack.
pub struct wasm_frame_t {
    /// The instance (owned here, so `wasm_frame_instance` can lend it); null if unknown.
    instance: *mut wasm_instance_t,
    func_index: u32,
    module_offset: usize,
}

impl Drop for wasm_frame_t {
    fn drop(&mut self) {
        crate::vec::Element::release(self.instance);
    }
}

impl Object for wasm_frame_t {
    fn duplicate(&self) -> Box<Self> {
        Box::new(wasm_frame_t {
            instance: crate::vec::Element::duplicate(&self.instance),
            func_index: self.func_index,
            module_offset: self.module_offset,
        })
    }
}

/// A new owned trap object with `message` (without the NUL) and `frames`.
fn new_trap(message: &[u8], frames: Vec<wasm_frame_t>) -> *mut wasm_trap_t {
    let mut message = message.to_vec();
    message.push(0);
    Box::into_raw(Box::new(wasm_ref_t {
        store: None,
        target: Target::Trap(Rc::new(TrapData {
            message,
            frames,
            host_info: Rc::default(),
        })),
    }))
}

/// A new owned trap object for a runtime trap in `ctx`'s store.
pub fn from_trap(ctx: &Rc<StoreCtx>, trap: &Trap) -> *mut wasm_trap_t {
    let frames = (trap.backtrace().iter())
        .filter_map(|frame| {
            let (instance, func_index) = frame.func?;
            Some(wasm_frame_t {
                instance: wasm_ref_t::new_raw(ctx, StoreTarget::Instance(instance)),
                func_index,
                module_offset: frame.module_offset,
            })
        })
        .collect();
    new_trap(trap.message().as_bytes(), frames)
}

/// A new owned trap object for an error that is not a trap (e.g. wrong arguments).
pub fn from_message(message: &str) -> *mut wasm_trap_t {
    new_trap(message.as_bytes(), Vec::new())
}

/// The runtime trap a host function returns for trap object `trap` (which it frees).
pub fn take_trap(trap: *mut wasm_trap_t) -> Trap {
    let message = match crate::object::object(trap, crate::object::is_trap).map(|t| &t.target) {
        Some(Target::Trap(data)) => {
            let text = data.message.strip_suffix(&[0]).unwrap_or(&data.message);
            String::from_utf8_lossy(text).into_owned()
        }
        _ => String::from("a host function returned an invalid trap"),
    };
    crate::vec::Element::release(trap);
    Trap::host(message)
}

/// The trap data of a trap object.
fn trap_data<'a>(trap: *const wasm_trap_t) -> Option<&'a TrapData> {
    match &crate::object::object(trap, crate::object::is_trap)?.target {
        Target::Trap(data) => Some(data),
        _ => None,
    }
}

/// A new trap with `message` (a `wasm_message_t`: its NUL, if any, is not part of the text).
///
/// # Safety
/// `message` is null or a valid byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_new(
    store: *mut wasm_store_t,
    message: *const wasm_byte_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: guaranteed by the caller.
    let (Some(_), Some(message)) = (unsafe { store_ctx(store) }, unsafe { message.as_ref() })
    else {
        return core::ptr::null_mut();
    };
    let text = message.as_slice();
    new_trap(text.strip_suffix(&[0]).unwrap_or(text), Vec::new())
}

/// The message, NUL-terminated, into `out`.
///
/// # Safety
/// `trap` is null or live; `out` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(trap: *const wasm_trap_t, out: *mut wasm_byte_vec_t) {
    let message =
        trap_data(trap).map_or(Vector::EMPTY, |t| wasm_byte_vec_t::from_bytes(&t.message));
    // SAFETY: guaranteed by the caller.
    unsafe { write_out(out, message) };
}

/// The innermost wasm frame (NULL if none).
///
/// # Safety
/// `trap` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(trap: *const wasm_trap_t) -> *mut wasm_frame_t {
    match trap_data(trap).and_then(|t| t.frames.first()) {
        Some(frame) => Box::into_raw(frame.duplicate()),
        None => core::ptr::null_mut(),
    }
}

/// The wasm frames, innermost first, into `out`.
///
/// # Safety
/// `trap` is null or live; `out` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(trap: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    let frames = trap_data(trap).map_or(Vec::new(), |t| {
        (t.frames.iter())
            .map(|f| Box::into_raw(f.duplicate()))
            .collect()
    });
    // SAFETY: guaranteed by the caller.
    unsafe { write_out(out, Vector::from_vec(frames)) };
}

/// `wasm_frame_vec_t`.
pub type wasm_frame_vec_t = Vector<*mut wasm_frame_t>;

vec_api!(
    wasm_frame_vec_t,
    *mut wasm_frame_t,
    wasm_frame_vec_new_empty,
    wasm_frame_vec_new_uninitialized,
    wasm_frame_vec_new,
    wasm_frame_vec_copy,
    wasm_frame_vec_delete
);

/// Frees a frame.
///
/// # Safety
/// `frame` is null or owned.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_delete(frame: *mut wasm_frame_t) {
    crate::vec::Element::release(frame);
}

/// A copy of a frame.
///
/// # Safety
/// `frame` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_copy(frame: *const wasm_frame_t) -> *mut wasm_frame_t {
    crate::vec::Element::duplicate(&frame.cast_mut())
}

/// The frame's instance, owned by the frame.
///
/// # Safety
/// `frame` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_instance(frame: *const wasm_frame_t) -> *mut wasm_instance_t {
    // SAFETY: guaranteed by the caller.
    unsafe { frame.as_ref() }.map_or(core::ptr::null_mut(), |f| f.instance)
}

/// The function's index in its module.
///
/// # Safety
/// `frame` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_index(frame: *const wasm_frame_t) -> u32 {
    // SAFETY: guaranteed by the caller.
    unsafe { frame.as_ref() }.map_or(0, |f| f.func_index)
}

/// The offset in the function: not recorded (0).
///
/// # Safety
/// `frame` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_offset(_frame: *const wasm_frame_t) -> usize {
    0
}

/// The offset of the function's body in the module's binary (0 for a module from an AOT
/// image).
///
/// # Safety
/// `frame` is null or live.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_module_offset(frame: *const wasm_frame_t) -> usize {
    // SAFETY: guaranteed by the caller.
    unsafe { frame.as_ref() }.map_or(0, |f| f.module_offset)
}
