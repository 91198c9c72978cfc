//! Stopping a running guest from outside. Each store shares an [`InterruptState`] with its
//! handles. Set, it stops the guest at its next check: compiled code's function-entry stack
//! check doubles as one (an interrupt sets the stack limit it compares with to the top of
//! the address space, and the failing check reports `interrupted`), loop headers in
//! compiled code test the flag (a load and a branch), and the interpreter tests it at every
//! function entry and backward branch. The guest traps with `interrupted` and unwinds like
//! any trap; the flag is cleared when that trap leaves the outermost wasm call, so the
//! store stays usable. Set while no wasm runs, it stops the next call at its first check.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering::SeqCst};

/// What a store shares with its [`InterruptHandle`]s; every instance's context points at it.
#[repr(C)]
#[derive(Debug, Default)]
pub struct InterruptState {
    /// The native stack limit compiled code checks on function entry: the store's limit, or
    /// `usize::MAX` while an interrupt is pending, so that check fails.
    pub stack_limit: AtomicUsize,
    /// Non-zero while an interrupt is pending.
    pub flag: AtomicU32,
}

impl InterruptState {
    /// Asks the guest to stop.
    fn interrupt(&self) {
        self.flag.store(1, SeqCst);
        self.stack_limit.store(usize::MAX, SeqCst);
    }

    /// Whether an interrupt is pending.
    #[inline(always)]
    pub(crate) fn is_set(&self) -> bool {
        self.flag.load(core::sync::atomic::Ordering::Relaxed) != 0
    }

    /// Sets the stack limit an outermost call runs with, keeping it poisoned if an interrupt
    /// is pending. (An `interrupt` racing with this is never lost: it either sees its flag
    /// read here, or stores its limit after this store.)
    pub(crate) fn set_stack_limit(&self, limit: usize) {
        self.stack_limit.store(limit, SeqCst);
        if self.flag.load(SeqCst) != 0 {
            self.stack_limit.store(usize::MAX, SeqCst);
        }
    }

    /// Clears a delivered interrupt (the next outermost call restores the stack limit).
    pub(crate) fn clear(&self) {
        self.flag.store(0, SeqCst);
    }
}

/// Asks a [`Store`](crate::Store)'s running guest to stop: the guest traps with
/// [`TrapCode::Interrupted`](crate::TrapCode::Interrupted) at its next function entry or loop
/// iteration. `Send + Sync` and cheap to clone: give it to a watchdog thread, a signal
/// handler (`interrupt` is two atomic stores) or a UI. A guest blocked in a host function
/// (e.g. WASI `poll_oneoff` sleeping) traps when that function returns to wasm.
///
/// Every call into wasm may trap with `interrupted` ([`Func::call`](crate::Func::call),
/// instantiation running a start function, a host function calling back into wasm).
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    state: Arc<InterruptState>,
}

impl InterruptHandle {
    /// A handle for the store that owns `state`.
    pub(crate) fn new(state: Arc<InterruptState>) -> InterruptHandle {
        InterruptHandle { state }
    }

    /// Stops the store's guest at its next check (or its next call, if none is running).
    pub fn interrupt(&self) {
        self.state.interrupt();
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
