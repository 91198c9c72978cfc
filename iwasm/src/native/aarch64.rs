//! What runs compiled AArch64 code: the stubs between the runtime's entry convention and
//! compiled code (see the calling convention in `compiler/aarch64/masm.rs`).
//!
//! - [`enter`]: the [`EntryFn`](crate::runtime::vmctx::EntryFn) of compiled functions. It saves
//!   the host's callee-saved registers (`x19`–`x28`, `d8`–`d15`), records where a trap unwinds
//!   to, and calls the code.
//! - [`call_entry`]: the native entry of functions that are not compiled (host functions,
//!   functions still interpreted or not yet compiled): it calls their `entry`.
//! - [`trap_exit`]: compiled code's way out on a trap: it restores the stack of the innermost
//!   [`enter`], records the trap and returns non-zero from there.

use core::arch::naked_asm;

use super::helpers::TRAP_STATUS_RECORDED;
use super::trap::record_trap;
use crate::runtime::vmctx::offsets as off;
use crate::runtime::vmctx::{FuncRef, VMContext};

/// Calls compiled function `callee` (see `EntryFn`).
///
/// # Safety
/// As the `EntryFn` contract says; `callee.native` is compiled code.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn enter(
    callee: *const FuncRef,
    caller_vmctx: *mut VMContext,
    values: *mut u64,
) -> u32 {
    naked_asm!(
        "stp x29, x30, [sp, #-16]!",
        "mov x29, sp",
        "stp x19, x20, [sp, #-16]!",
        "stp x21, x22, [sp, #-16]!",
        "stp x23, x24, [sp, #-16]!",
        "stp x25, x26, [sp, #-16]!",
        "stp x27, x28, [sp, #-16]!",
        "stp d8, d9, [sp, #-16]!",
        "stp d10, d11, [sp, #-16]!",
        "stp d12, d13, [sp, #-16]!",
        "stp d14, d15, [sp, #-16]!",
        // The store's runtime state and its previous exit point, kept on the stack; the exit
        // point is now here.
        "ldr x9, [x0, #{fr_vmctx}]",
        "ldr x9, [x9, #{vm_runtime}]",
        "ldr x10, [x9, #{rt_exit_sp}]",
        "stp x9, x10, [sp, #-16]!",
        "mov x10, sp",
        "str x10, [x9, #{rt_exit_sp}]",
        "ldr x16, [x0, #{fr_native}]",
        "blr x16",
        "mov w1, #0",
        "b {leave}",
        fr_vmctx = const off::FUNC_REF_VMCTX,
        vm_runtime = const off::VMCTX_RUNTIME,
        rt_exit_sp = const off::RUNTIME_EXIT_SP,
        fr_native = const off::FUNC_REF_NATIVE,
        leave = sym leave,
    )
}

/// The common end of [`enter`]: `sp` is its exit point, `w1` 0, or non-zero after a trap
/// (already recorded in the store).
#[unsafe(naked)]
unsafe extern "C" fn leave() {
    naked_asm!(
        "ldp x9, x10, [sp], #16",
        "str x10, [x9, #{rt_exit_sp}]",
        "cmp w1, #0",
        "cset w0, ne",
        "ldp d14, d15, [sp], #16",
        "ldp d12, d13, [sp], #16",
        "ldp d10, d11, [sp], #16",
        "ldp d8, d9, [sp], #16",
        "ldp x27, x28, [sp], #16",
        "ldp x25, x26, [sp], #16",
        "ldp x23, x24, [sp], #16",
        "ldp x21, x22, [sp], #16",
        "ldp x19, x20, [sp], #16",
        "ldp x29, x30, [sp], #16",
        "ret",
        rt_exit_sp = const off::RUNTIME_EXIT_SP,
    )
}

/// Leaves compiled code on a trap: `x0` = the running context, `w1` = the trap status, `w2` =
/// its detail, `x3` = an address in the trapping function's code, `x4` = its frame pointer.
/// The trap is recorded (with the backtrace of the compiled frames, walked while they are
/// still intact, below the current stack pointer) before the stack is unwound to the
/// innermost [`enter`].
///
/// # Safety
/// Called only from compiled code running under [`enter`].
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn trap_exit(
    vmctx: *mut VMContext,
    status: u32,
    detail: u32,
    pc: usize,
    fp: usize,
) {
    naked_asm!(
        "ldr x19, [x0, #{vm_runtime}]",
        "mov x0, x19",
        "bl {record}",
        "ldr x9, [x19, #{rt_exit_sp}]",
        "mov sp, x9",
        "mov w1, #1",
        "b {leave}",
        vm_runtime = const off::VMCTX_RUNTIME,
        rt_exit_sp = const off::RUNTIME_EXIT_SP,
        record = sym record_trap,
        leave = sym leave,
    )
}

/// The native entry of functions that are not compiled: calls their `entry` with the same
/// arguments, and turns a non-zero status into a trap exit (the trap is already recorded;
/// the caller's frames are added to its backtrace).
///
/// # Safety
/// Called only from compiled code, with `x19` = the caller's context.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn call_entry() {
    naked_asm!(
        "stp x29, x30, [sp, #-16]!",
        "mov x29, sp",
        "ldr x16, [x0, #{fr_entry}]",
        "blr x16",
        "ldp x29, x30, [sp], #16",
        "cbnz w0, 2f",
        "ret",
        "2:",
        "mov x0, x19",
        "mov w1, #{recorded}",
        "mov w2, #0",
        "mov x3, x30",
        "mov x4, x29",
        "b {trap}",
        fr_entry = const off::FUNC_REF_ENTRY,
        recorded = const TRAP_STATUS_RECORDED,
        trap = sym trap_exit,
    )
}

/// The register compiled code keeps the running instance's context in (`x19`), by its number
/// in the platform's fault state.
pub(crate) const VMCTX_REG: usize = 19;
