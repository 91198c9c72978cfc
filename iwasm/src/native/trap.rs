//! Traps in compiled code: how the status a trap exit reports (see
//! [`TRAP_STATUS_BASE`]) is recorded in the store, with the backtrace of the compiled frames;
//! and memory faults in compiled code turned into such traps. Both ISAs keep the same frame
//! record (the caller's frame pointer at `[fp]`, the return address at `[fp + 8]`) and pass a
//! trap exit's arguments as C arguments, so this is the same code for each.

use alloc::vec::Vec;

use iwasm_platforms::faults::FaultState;

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
            // A pending interrupt makes the entry's stack check fail (see `runtime::interrupt`).
            TrapCode::StackExhausted if store.interrupt.is_set() => {
                Trap::new(TrapCode::Interrupted)
            }
            code => Trap::new(code),
        }
    };
    let mut backtrace = Vec::new();
    let (mut pc, mut fp) = (pc, fp);
    while let Some(func) = store.func_at(pc) {
        backtrace.push(store.frame(func));
        if backtrace.len() == MAX_BACKTRACE {
            break;
        }
        // SAFETY: `fp` is the frame pointer of a compiled function (its code contains the
        // previous `pc`), whose frame record leads to its caller's.
        (pc, fp) = unsafe { caller_frame(fp) };
    }
    store.set_pending_trap(trap.with_backtrace(backtrace));
}

/// The caller's code address and frame pointer, from the frame record at `fp` (the saved
/// frame pointer at `[fp]`, the return address above it).
///
/// # Safety
/// `fp` is the frame pointer of a compiled function (or a stub) that has a caller.
unsafe fn caller_frame(fp: usize) -> (usize, usize) {
    // SAFETY: guaranteed by the caller: a frame record is two readable words at `fp`.
    unsafe { (*((fp + 8) as *const usize), *(fp as *const usize)) }
}

/// Takes a memory fault in compiled code of the store the thread is running (an access past
/// a guarded memory's length): the thread resumes in the trap exit as if the code had
/// trapped with `out of bounds memory access` there. Any other fault is left alone. Runs in
/// a signal handler: reads only, no allocation or locks.
pub(crate) fn take_fault(state: &mut FaultState) -> bool {
    let runtime = crate::runtime::call::active::current();
    if runtime.is_null() {
        return false;
    }
    // SAFETY: the active runtime belongs to the store whose call is running on this thread;
    // while compiled code runs, nothing changes the store's code ranges.
    let ours = unsafe { (*(*runtime).store).func_at(state.pc).is_some() };
    if !ours {
        return false;
    }
    let status = (TRAP_STATUS_BASE + TrapCode::MemoryOutOfBounds as u32) as usize;
    let args = [state.gprs[host::VMCTX_REG], status, 0, state.pc, state.fp()];
    state.resume_in_call(host::trap_exit as *const () as usize, args);
    true
}

/// The trap code numbered `n` (see `TrapCode as u32`).
fn trap_code(n: u32) -> TrapCode {
    const CODES: [TrapCode; 14] = [
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
        TrapCode::Interrupted,
        TrapCode::OutOfFuel,
    ];
    CODES.get(n as usize).copied().unwrap_or(TrapCode::Host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_codes_round_trip() {
        for n in 0..14 {
            assert_eq!(trap_code(n) as u32, n);
        }
    }
}
