//! Catching runtime panics per directive without flooding the output.
//!
//! A process-wide panic hook is installed once; it stays silent (and remembers the panic
//! message and location) on threads that are inside [`catch`], and forwards to the
//! previous hook everywhere else.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside [`catch`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The description of the last panic caught on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL_HOOK: Once = Once::new();

/// Runs `f`, turning a panic into `Err("message at file:line:col")`.
///
/// Only works when built with `panic = "unwind"`; with `panic = "abort"` a panic still
/// ends the process.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    INSTALL_HOOK.call_once(install_quiet_hook);
    CATCHING.set(true);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.set(false);
    result.map_err(|payload| {
        LAST_PANIC
            .take()
            .unwrap_or_else(|| payload_message(payload.as_ref()))
    })
}

fn install_quiet_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        if CATCHING.get() {
            LAST_PANIC.set(Some(describe(info)));
        } else {
            previous(info);
        }
    }));
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let message = payload_message(info.payload());
    match info.location() {
        Some(location) => format!("{message} at {location}"),
        None => message,
    }
}

fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}
