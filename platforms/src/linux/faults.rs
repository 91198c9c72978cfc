//! Memory faults (SIGSEGV, SIGBUS) offered to the runtime's handler with the faulting
//! thread's registers, then handed on to the previous handler if it leaves them.

use super::errno;
use crate::PalError;

/// The installed fault handler and the handlers it replaced (for faults it leaves alone).
struct FaultHandlers {
    handler: std::sync::OnceLock<crate::faults::FaultHandler>,
    previous: std::sync::OnceLock<[libc::sigaction; 2]>,
}

static FAULTS: FaultHandlers = FaultHandlers {
    handler: std::sync::OnceLock::new(),
    previous: std::sync::OnceLock::new(),
};

/// The signals a memory fault raises.
const FAULT_SIGNALS: [libc::c_int; 2] = [libc::SIGSEGV, libc::SIGBUS];

pub(crate) fn install_fault_handler(handler: crate::faults::FaultHandler) -> Result<(), PalError> {
    if FAULTS.handler.set(handler).is_err() {
        return Ok(());
    }
    let mut previous: [libc::sigaction; 2] =
        // SAFETY: `sigaction` is a plain C struct; all-zero is a valid (empty) value.
        unsafe { core::mem::zeroed() };
    for (signal, old) in FAULT_SIGNALS.iter().zip(previous.iter_mut()) {
        // SAFETY: installs a handler with a valid, zero-initialised sigaction whose handler
        // follows the SA_SIGINFO signature; `old` receives the previous disposition.
        unsafe {
            let mut action: libc::sigaction = core::mem::zeroed();
            action.sa_sigaction = on_fault as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            if libc::sigaction(*signal, &action, old) != 0 {
                return Err(errno());
            }
        }
    }
    let _ = FAULTS.previous.set(previous);
    Ok(())
}

/// The signal handler: asks the runtime's handler, else hands the fault on.
extern "C" fn on_fault(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    if let Some(handler) = FAULTS.handler.get() {
        // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
        let uc = unsafe { &mut *(context as *mut libc::ucontext_t) };
        let mut state = registers::read(uc);
        if handler(&mut state) {
            registers::write(uc, &state);
            return;
        }
    }
    forward_fault(signal, info, context);
}

/// A faulting thread's registers in its `ucontext`, per architecture.
#[cfg(target_arch = "x86_64")]
mod registers {
    use crate::faults::FaultState;

    /// `gregs` indices in hardware numbering: rax rcx rdx rbx rsp rbp rsi rdi r8..r15.
    const ORDER: [libc::c_int; 16] = [
        libc::REG_RAX,
        libc::REG_RCX,
        libc::REG_RDX,
        libc::REG_RBX,
        libc::REG_RSP,
        libc::REG_RBP,
        libc::REG_RSI,
        libc::REG_RDI,
        libc::REG_R8,
        libc::REG_R9,
        libc::REG_R10,
        libc::REG_R11,
        libc::REG_R12,
        libc::REG_R13,
        libc::REG_R14,
        libc::REG_R15,
    ];

    pub(super) fn read(uc: &libc::ucontext_t) -> FaultState {
        let gregs = &uc.uc_mcontext.gregs;
        FaultState {
            pc: gregs[libc::REG_RIP as usize] as usize,
            sp: gregs[libc::REG_RSP as usize] as usize,
            gprs: ORDER.map(|r| gregs[r as usize] as usize),
        }
    }

    pub(super) fn write(uc: &mut libc::ucontext_t, state: &FaultState) {
        let gregs = &mut uc.uc_mcontext.gregs;
        for (r, value) in ORDER.iter().zip(&state.gprs) {
            gregs[*r as usize] = *value as i64;
        }
        gregs[libc::REG_RSP as usize] = state.sp as i64;
        gregs[libc::REG_RIP as usize] = state.pc as i64;
    }
}

/// A faulting thread's registers in its `ucontext`, per architecture.
#[cfg(target_arch = "aarch64")]
mod registers {
    use crate::faults::FaultState;

    pub(super) fn read(uc: &libc::ucontext_t) -> FaultState {
        let context = &uc.uc_mcontext;
        FaultState {
            pc: context.pc as usize,
            sp: context.sp as usize,
            gprs: context.regs.map(|r| r as usize),
        }
    }

    pub(super) fn write(uc: &mut libc::ucontext_t, state: &FaultState) {
        let context = &mut uc.uc_mcontext;
        context.regs = state.gprs.map(|r| r as u64);
        context.sp = state.sp as u64;
        context.pc = state.pc as u64;
    }
}

/// Hands a fault the runtime did not take to the handler installed before ours (or to the
/// default action: the fault repeats on return and ends the process).
fn forward_fault(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let index = FAULT_SIGNALS.iter().position(|s| *s == signal).unwrap_or(0);
    let Some(previous) = FAULTS.previous.get().map(|p| p[index]) else {
        return;
    };
    // SAFETY: restores or calls the disposition that was installed before ours, as the
    // kernel would have.
    unsafe {
        if previous.sa_sigaction == libc::SIG_DFL || previous.sa_sigaction == libc::SIG_IGN {
            libc::sigaction(signal, &previous, core::ptr::null_mut());
        } else if previous.sa_flags & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                core::mem::transmute(previous.sa_sigaction);
            f(signal, info, context);
        } else {
            let f: extern "C" fn(libc::c_int) = core::mem::transmute(previous.sa_sigaction);
            f(signal);
        }
    }
}
