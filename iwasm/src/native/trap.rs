//! Traps in compiled code: how the status a trap exit reports (see
//! [`TRAP_STATUS_BASE`]) is recorded in the store, with the backtrace of the compiled frames.

use alloc::vec::Vec;

use super::helpers::{TRAP_STATUS_BASE, TRAP_STATUS_RECORDED};
use super::host;
use crate::error::{Trap, TrapCode};
use crate::runtime::vmctx::VMRuntime;

/// Most compiled frames a trap's backtrace names.
const MAX_BACKTRACE: usize = 10_000;

/// Records the trap a compiled-code trap exit reports (`status`, see [`TRAP_STATUS_BASE`];
/// `detail`: the table index of an uninitialised element), with the backtrace of the
/// compiled frames from the one at code address `pc` with frame pointer `fp` (the trapping
/// function, or for a trap already recorded, the caller of the failed call) up to the entry
/// stub.
///
/// # Safety
/// `runtime` is the live runtime state of the executing store; `fp` is the frame pointer of
/// the compiled function whose code contains `pc`, whose chain of saved frame pointers and
/// return addresses leads back to the entry stub.
pub(crate) unsafe extern "C" fn record_trap(
    runtime: *mut VMRuntime,
    status: u32,
    detail: u32,
    pc: usize,
    fp: usize,
) {
    // SAFETY: guaranteed by the caller.
    let store = unsafe { &mut *(*runtime).store };
    let trap = if status == TRAP_STATUS_RECORDED {
        store.take_pending_trap()
    } else {
        match trap_code(status.wrapping_sub(TRAP_STATUS_BASE)) {
            TrapCode::UninitializedElement => Trap::uninitialized_element(detail),
            code => Trap::new(code),
        }
    };
    let mut backtrace = Vec::new();
    let (mut pc, mut fp) = (pc, fp);
    while let Some(func) = store.func_at(pc) {
        backtrace.push(store.func_name(func));
        if backtrace.len() == MAX_BACKTRACE {
            break;
        }
        // SAFETY: `fp` is the frame pointer of a compiled function (its code contains the
        // previous `pc`), whose frame record leads to its caller's.
        (pc, fp) = unsafe { host::caller_frame(fp) };
    }
    store.set_pending_trap(trap.with_backtrace(backtrace));
}

/// The trap code numbered `n` (see `TrapCode as u32`).
fn trap_code(n: u32) -> TrapCode {
    const CODES: [TrapCode; 12] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::IntegerDivideByZero,
        TrapCode::IntegerOverflow,
        TrapCode::InvalidConversionToInteger,
        TrapCode::StackExhausted,
        TrapCode::Host,
        TrapCode::Exit,
    ];
    CODES.get(n as usize).copied().unwrap_or(TrapCode::Host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_codes_round_trip() {
        for n in 0..12 {
            assert_eq!(trap_code(n) as u32, n);
        }
    }
}
