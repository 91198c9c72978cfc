//! The PAL on Linux (and other Unix systems) through `libc`.

use crate::memory::Protection;
use crate::PalError;

fn errno() -> PalError {
    PalError::Os(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
}

fn prot_flags(protection: Protection) -> libc::c_int {
    match protection {
        Protection::None => libc::PROT_NONE,
        Protection::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
        Protection::ReadExecute => libc::PROT_READ | libc::PROT_EXEC,
    }
}

pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

pub(crate) fn map(len: usize, protection: Protection) -> Result<*mut u8, PalError> {
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing.
    let ptr = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            len,
            prot_flags(protection),
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        Err(errno())
    } else {
        Ok(ptr.cast())
    }
}

pub(crate) fn reserve(len: usize) -> Result<*mut u8, PalError> {
    // SAFETY: an anonymous inaccessible mapping that reserves address space only.
    let ptr = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        Err(errno())
    } else {
        Ok(ptr.cast())
    }
}

/// # Safety
/// `ptr..ptr+len` must lie inside a region returned by [`map`] or [`reserve`].
pub(crate) unsafe fn protect(
    ptr: *mut u8,
    len: usize,
    protection: Protection,
) -> Result<(), PalError> {
    // SAFETY: guaranteed by the caller.
    if unsafe { libc::mprotect(ptr.cast(), len, prot_flags(protection)) } == 0 {
        Ok(())
    } else {
        Err(errno())
    }
}

/// # Safety
/// `ptr..ptr+len` must be a region returned by [`map`], not used afterwards.
pub(crate) unsafe fn unmap(ptr: *mut u8, len: usize) {
    // SAFETY: guaranteed by the caller. A failure here leaks the mapping; nothing else to do.
    unsafe {
        libc::munmap(ptr.cast(), len);
    }
}

pub(crate) fn flush_icache(ptr: *const u8, len: usize) {
    #[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
    {
        extern "C" {
            fn __clear_cache(start: *mut libc::c_char, end: *mut libc::c_char);
        }
        // SAFETY: the range is readable memory owned by the caller; __clear_cache only
        // performs cache maintenance on it.
        unsafe { __clear_cache(ptr as *mut _, ptr.add(len) as *mut _) }
    }
    #[cfg(not(any(target_arch = "aarch64", target_arch = "arm")))]
    let _ = (ptr, len);
}

pub(crate) fn current_thread_stack_low() -> Result<usize, PalError> {
    // SAFETY: `attr` is initialised by pthread_getattr_np before use and destroyed after;
    // the out-pointers are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        let rc = libc::pthread_getattr_np(libc::pthread_self(), &mut attr);
        if rc != 0 {
            return Err(PalError::Os(rc));
        }
        let mut addr: *mut libc::c_void = core::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            return Err(PalError::Os(rc));
        }
        Ok(addr as usize)
    }
}

fn clock_ns(clock: libc::clockid_t) -> Result<u64, PalError> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Err(errno());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

pub(crate) fn monotonic_ns() -> Result<u64, PalError> {
    clock_ns(libc::CLOCK_MONOTONIC)
}

pub(crate) fn wall_ns() -> Result<u64, PalError> {
    clock_ns(libc::CLOCK_REALTIME)
}

pub(crate) fn monotonic_resolution_ns() -> Result<u64, PalError> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    if unsafe { libc::clock_getres(libc::CLOCK_MONOTONIC, &mut ts) } != 0 {
        return Err(errno());
    }
    Ok((ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64).max(1))
}

pub(crate) fn random_fill(buf: &mut [u8]) -> Result<(), PalError> {
    let mut filled = 0;
    while filled < buf.len() {
        let rest = &mut buf[filled..];
        // SAFETY: `rest` is a valid writable buffer of the given length.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n < 0 {
            let err = errno();
            if err == PalError::Os(libc::EINTR) {
                continue;
            }
            return Err(err);
        }
        filled += n as usize;
    }
    Ok(())
}

pub(crate) fn write_all(fd: libc::c_int, mut bytes: &[u8]) -> Result<(), PalError> {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is a valid readable buffer of the given length.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 {
            let err = errno();
            if err == PalError::Os(libc::EINTR) {
                continue;
            }
            return Err(err);
        }
        bytes = &bytes[n as usize..];
    }
    Ok(())
}

/// Memory faults become the runtime's to take where it knows the architecture's registers.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod faults;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(crate) use faults::install_fault_handler;

/// Elsewhere (ARMv7): no fault handling; compiled code checks bounds explicitly.
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) fn install_fault_handler(_: crate::faults::FaultHandler) -> Result<(), PalError> {
    Err(PalError::Unsupported(crate::Unsupported))
}
