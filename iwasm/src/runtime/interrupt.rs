//! Stopping a running guest from outside: each store has an interrupt flag, which the
//! interpreter and compiled code check at every function entry and every loop iteration (a
//! load and a branch). Set, the guest traps with `interrupted` at its next check and unwinds
//! like any trap; the flag is cleared when that trap leaves the outermost wasm call, so the
//! store stays usable. Set while no wasm runs, it stops the next call at its first check.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, Ordering};

/// Asks a [`Store`](crate::Store)'s running guest to stop: the guest traps with
/// [`TrapCode::Interrupted`](crate::TrapCode::Interrupted) at its next function entry or loop
/// iteration. `Send + Sync` and cheap to clone: give it to a watchdog thread, a signal
/// handler (setting it is one atomic store) or a UI. A guest blocked in a host function
/// (e.g. WASI `poll_oneoff` sleeping) traps when that function returns to wasm.
///
/// Every call into wasm may trap with `interrupted` ([`Func::call`](crate::Func::call),
/// instantiation running a start function, a host function calling back into wasm).
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    flag: Arc<AtomicU32>,
}

impl InterruptHandle {
    /// A handle for the store that owns `flag`.
    pub(crate) fn new(flag: Arc<AtomicU32>) -> InterruptHandle {
        InterruptHandle { flag }
    }

    /// Stops the store's guest at its next check (or its next call, if none is running).
    pub fn interrupt(&self) {
        self.flag.store(1, Ordering::Relaxed);
    }

    /// Interrupts the store after `timeout`, unless the returned [`Deadline`] is dropped
    /// first (a timer thread waits meanwhile).
    #[cfg(feature = "std")]
    pub fn interrupt_after(&self, timeout: std::time::Duration) -> Deadline {
        let (cancel, cancelled) = std::sync::mpsc::channel::<()>();
        let handle = self.clone();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = cancelled.recv_timeout(timeout)
            {
                handle.interrupt();
            }
        });
        Deadline { _cancel: cancel }
    }
}

/// A pending [`InterruptHandle::interrupt_after`]: dropping it cancels the interrupt if it has
/// not happened yet.
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct Deadline {
    /// Dropped with the deadline, which wakes the timer thread without interrupting.
    _cancel: std::sync::mpsc::Sender<()>,
}

/// Whether `flag` asks the guest to stop.
#[inline(always)]
pub(crate) fn is_set(flag: &AtomicU32) -> bool {
    flag.load(Ordering::Relaxed) != 0
}

/// Clears `flag` once its interrupt has been delivered.
pub(crate) fn clear(flag: &AtomicU32) {
    flag.store(0, Ordering::Relaxed);
}
