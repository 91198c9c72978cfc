//! What runs compiled x86-64 code: the stubs between the runtime's entry convention and
//! compiled code (see the calling convention in `compiler/x64/masm.rs`).
//!
//! - [`enter`]: the [`EntryFn`](crate::runtime::vmctx::EntryFn) of compiled functions. It saves
//!   the host's callee-saved registers, records where a trap unwinds to, and calls the code.
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
        "push rbp",
        "mov rbp, rsp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        // rbx = the store's runtime state; kept on the stack with the previous exit point.
        "mov rax, [rdi + {fr_vmctx}]",
        "mov rbx, [rax + {vm_runtime}]",
        "push rbx",
        "push qword ptr [rbx + {rt_exit_sp}]",
        "sub rsp, 8",
        "mov [rbx + {rt_exit_sp}], rsp",
        "call qword ptr [rdi + {fr_native}]",
        "xor esi, esi",
        "jmp {leave}",
        fr_vmctx = const off::FUNC_REF_VMCTX,
        vm_runtime = const off::VMCTX_RUNTIME,
        rt_exit_sp = const off::RUNTIME_EXIT_SP,
        fr_native = const off::FUNC_REF_NATIVE,
        leave = sym leave,
    )
}

/// The common end of [`enter`]: `rsp` is its exit point, `esi` 0, or non-zero after a trap
/// (already recorded in the store).
#[unsafe(naked)]
unsafe extern "C" fn leave() {
    naked_asm!(
        "mov rbx, [rsp + 16]",
        "mov r9, [rsp + 8]",
        "mov [rbx + {rt_exit_sp}], r9",
        "xor eax, eax",
        "test esi, esi",
        "setnz al",
        "add rsp, 24",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
        rt_exit_sp = const off::RUNTIME_EXIT_SP,
    )
}

/// Leaves compiled code on a trap: `rdi` = the running context, `esi` = the trap status,
/// `edx` = its detail, `rcx` = an address in the trapping function's code, `r8` = its frame
/// pointer. The trap is recorded (with the backtrace of the compiled frames, walked while
/// they are still intact, below the current stack pointer) before the stack is unwound to
/// the innermost [`enter`].
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
        "mov rbx, [rdi + {vm_runtime}]",
        "mov rdi, rbx",
        "and rsp, -16",
        "call {record}",
        "mov rsp, [rbx + {rt_exit_sp}]",
        "mov esi, 1",
        "jmp {leave}",
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
/// Called only from compiled code, with `r14` = the caller's context.
#[unsafe(naked)]
pub(crate) unsafe extern "C" fn call_entry() {
    naked_asm!(
        "sub rsp, 8",
        "call qword ptr [rdi + {fr_entry}]",
        "add rsp, 8",
        "test eax, eax",
        "jnz 2f",
        "ret",
        "2:",
        "mov rdi, r14",
        "mov esi, {recorded}",
        "xor edx, edx",
        "mov rcx, [rsp]",
        "mov r8, rbp",
        "jmp {trap}",
        fr_entry = const off::FUNC_REF_ENTRY,
        recorded = const TRAP_STATUS_RECORDED,
        trap = sym trap_exit,
    )
}

/// The register compiled code keeps the running instance's context in (`r14`), by its number
/// in the platform's fault state.
pub(crate) const VMCTX_REG: usize = 14;
