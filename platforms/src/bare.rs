//! The PAL on targets without an operating system. Until a board port provides them, every
//! service reports `Unsupported` (memory mapping, clocks, randomness, console).

use crate::memory::Protection;
use crate::{PalError, Unsupported};

const UNSUPPORTED: PalError = PalError::Unsupported(Unsupported);

pub(crate) fn page_size() -> usize {
    4096
}

pub(crate) fn map(_len: usize, _protection: Protection) -> Result<*mut u8, PalError> {
    Err(UNSUPPORTED)
}

pub(crate) fn reserve(_len: usize) -> Result<*mut u8, PalError> {
    Err(UNSUPPORTED)
}

pub(crate) fn current_thread_stack_low() -> Result<usize, PalError> {
    Err(UNSUPPORTED)
}

pub(crate) fn install_fault_handler(_: crate::faults::FaultHandler) -> Result<(), PalError> {
    Err(UNSUPPORTED)
}

/// # Safety
/// Never called: no region can be mapped here.
pub(crate) unsafe fn protect(_ptr: *mut u8, _len: usize, _p: Protection) -> Result<(), PalError> {
    Err(UNSUPPORTED)
}

/// # Safety
/// Never called: no region can be mapped here.
pub(crate) unsafe fn unmap(_ptr: *mut u8, _len: usize) {}

pub(crate) fn flush_icache(_ptr: *const u8, _len: usize) {}

pub(crate) fn monotonic_ns() -> Result<u64, PalError> {
    Err(UNSUPPORTED)
}

pub(crate) fn wall_ns() -> Result<u64, PalError> {
    Err(UNSUPPORTED)
}

pub(crate) fn monotonic_resolution_ns() -> Result<u64, PalError> {
    Err(UNSUPPORTED)
}

pub(crate) fn random_fill(_buf: &mut [u8]) -> Result<(), PalError> {
    Err(UNSUPPORTED)
}

pub(crate) fn write_all(_fd: i32, _bytes: &[u8]) -> Result<(), PalError> {
    Err(UNSUPPORTED)
}
