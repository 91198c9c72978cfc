//! The platform abstraction layer (PAL): the few services the runtime needs from the system,
//! behind one small API.
//!
//! - [`memory`]: map, protect and unmap page-aligned regions (RW for data, RX for code).
//! - [`clock`]: monotonic and wall clocks, in nanoseconds.
//! - [`random`]: fill a buffer with random bytes.
//! - [`io`]: write to standard output and error.
//!
//! `linux` (x86-64, AArch64, ARMv7) implements it with `libc`. On targets without an OS the
//! crate builds `no_std`; the functions report [`Unsupported`] there until a board port
//! (Zephyr-style) provides them.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

#[cfg(not(all(unix, feature = "std")))]
mod bare;
#[cfg(all(unix, feature = "std"))]
mod linux;

#[cfg(not(all(unix, feature = "std")))]
use bare as imp;
#[cfg(all(unix, feature = "std"))]
use linux as imp;

/// The platform cannot provide this service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsupported;

/// A failed platform call: the OS error number, or [`Unsupported`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PalError {
    /// The OS reported this `errno`.
    Os(i32),
    /// The platform has no such service.
    Unsupported(Unsupported),
}

impl core::fmt::Display for PalError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PalError::Os(errno) => write!(f, "platform error (errno {errno})"),
            PalError::Unsupported(_) => f.write_str("not supported on this platform"),
        }
    }
}

/// Page-granular memory regions.
pub mod memory {
    use super::{imp, PalError};

    /// Access rights of a region.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Protection {
        /// No access (guard pages, reserved space).
        None,
        /// Read and write (data, code being written).
        ReadWrite,
        /// Read and execute (finished code; never writable at the same time).
        ReadExecute,
    }

    /// A mapped region, unmapped on drop.
    #[derive(Debug)]
    pub struct Region {
        ptr: *mut u8,
        len: usize,
    }

    impl Region {
        /// Maps `len` bytes (rounded up to whole pages), zeroed, with `protection`.
        pub fn map(len: usize, protection: Protection) -> Result<Region, PalError> {
            let len = round_up_to_page(len);
            let ptr = imp::map(len, protection)?;
            Ok(Region { ptr, len })
        }

        /// Reserves `len` bytes of address space (rounded up to whole pages) with no access
        /// and no memory behind it until parts are committed with [`Region::protect_range`].
        pub fn reserve(len: usize) -> Result<Region, PalError> {
            let len = round_up_to_page(len);
            let ptr = imp::reserve(len)?;
            Ok(Region { ptr, len })
        }

        /// Changes the access rights of the whole region.
        pub fn protect(&mut self, protection: Protection) -> Result<(), PalError> {
            // SAFETY: `ptr..ptr+len` is exactly the region this value mapped.
            unsafe { imp::protect(self.ptr, self.len, protection) }
        }

        /// Changes the access rights of `offset..offset+len` of the region (both page
        /// aligned), e.g. to commit reserved pages as read-write. Pages made accessible read
        /// as zero until written.
        pub fn protect_range(
            &mut self,
            offset: usize,
            len: usize,
            protection: Protection,
        ) -> Result<(), PalError> {
            let page = page_size();
            let in_bounds = offset.checked_add(len).is_some_and(|end| end <= self.len);
            if !in_bounds || !offset.is_multiple_of(page) || !len.is_multiple_of(page) {
                return Err(PalError::Os(EINVAL));
            }
            if len == 0 {
                return Ok(());
            }
            // SAFETY: the range is page aligned and inside the region this value mapped.
            unsafe { imp::protect(self.ptr.add(offset), len, protection) }
        }

        /// Maps a region holding a copy of `code`, executable and never writable at the same
        /// time (W^X): written while read-write, then made read-execute, and the instruction
        /// cache flushed.
        pub fn with_code(code: &[u8]) -> Result<Region, PalError> {
            let mut region = Region::map(code.len(), Protection::ReadWrite)?;
            // SAFETY: the region is mapped read-write and at least `code.len()` bytes long.
            unsafe { core::ptr::copy_nonoverlapping(code.as_ptr(), region.ptr, code.len()) };
            region.protect(Protection::ReadExecute)?;
            flush_icache(region.ptr, code.len());
            Ok(region)
        }

        /// The start of the region.
        pub fn as_ptr(&self) -> *mut u8 {
            self.ptr
        }

        /// The length in bytes (a multiple of the page size).
        pub fn len(&self) -> usize {
            self.len
        }

        /// Whether the region is empty (never true for a mapped region).
        pub fn is_empty(&self) -> bool {
            self.len == 0
        }
    }

    impl Drop for Region {
        fn drop(&mut self) {
            // SAFETY: the region was mapped by `map` and is unmapped only here.
            unsafe { imp::unmap(self.ptr, self.len) }
        }
    }

    /// `EINVAL`, for ranges that are not page aligned or not inside the region.
    const EINVAL: i32 = 22;

    /// The system page size.
    pub fn page_size() -> usize {
        imp::page_size()
    }

    /// `len` rounded up to a whole number of pages.
    pub fn round_up_to_page(len: usize) -> usize {
        let page = page_size();
        len.div_ceil(page).max(1) * page
    }

    /// Makes freshly written code visible to instruction fetch (a no-op on x86-64).
    pub fn flush_icache(ptr: *const u8, len: usize) {
        imp::flush_icache(ptr, len)
    }
}

/// The native stack of the running thread.
pub mod stack {
    use super::{imp, PalError};

    /// The lowest usable address of the current thread's stack (stacks grow down on every
    /// supported target), so a runtime can stop deep recursion before it overflows.
    pub fn current_thread_stack_low() -> Result<usize, PalError> {
        imp::current_thread_stack_low()
    }

    /// An address inside the current stack frame: how deep the thread's stack is now.
    #[inline(always)]
    pub fn current_stack_pointer() -> usize {
        let marker = 0u8;
        core::ptr::addr_of!(marker) as usize
    }
}

/// Memory faults (SIGSEGV/SIGBUS on Linux) that a runtime may turn into traps: a handler
/// sees the faulting thread's registers and either takes the fault (changing where the
/// thread resumes) or leaves it to whatever handled it before. The register state is per
/// architecture (x86-64, AArch64); elsewhere [`install`] reports `Unsupported`.
pub mod faults {
    use super::{imp, PalError};

    /// How many general-purpose registers [`FaultState::gprs`] holds: x86-64's 16 (rax, rcx,
    /// rdx, rbx, rsp, rbp, rsi, rdi, r8–r15), AArch64's 31 (x0–x30).
    pub const GPR_COUNT: usize = if cfg!(target_arch = "aarch64") {
        31
    } else {
        16
    };

    /// The registers of a faulting thread that a runtime reads or changes.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct FaultState {
        /// The program counter.
        pub pc: usize,
        /// The stack pointer (on x86-64 also `gprs[4]`; this field is what the thread
        /// resumes with).
        pub sp: usize,
        /// The general-purpose registers, in the ISA's own numbering.
        pub gprs: [usize; GPR_COUNT],
    }

    /// Where the C calling convention passes the first five integer arguments, by register
    /// number: x86-64 rdi, rsi, rdx, rcx, r8; AArch64 x0–x4.
    const ARGUMENT_REGS: [usize; 5] = if cfg!(target_arch = "aarch64") {
        [0, 1, 2, 3, 4]
    } else {
        [7, 6, 2, 1, 8]
    };

    /// The frame pointer's register number: x86-64 rbp, AArch64 x29.
    const FP: usize = if cfg!(target_arch = "aarch64") { 29 } else { 5 };

    impl FaultState {
        /// The frame pointer.
        pub fn fp(&self) -> usize {
            self.gprs[FP]
        }

        /// Makes the thread resume at `function` with `args` as its first five (C calling
        /// convention) integer arguments, on the stack it faulted on. No return address is
        /// set up: `function` must never return (a trap exit that unwinds elsewhere).
        pub fn resume_in_call(&mut self, function: usize, args: [usize; 5]) {
            for (reg, value) in ARGUMENT_REGS.into_iter().zip(args) {
                self.gprs[reg] = value;
            }
            self.pc = function;
        }
    }

    /// Decides about a fault: `true` takes it (the thread resumes with the state as the
    /// handler left it), `false` leaves it to the previous handler. Runs in a signal handler:
    /// it must not allocate, lock or unwind.
    pub type FaultHandler = fn(&mut FaultState) -> bool;

    /// Installs `handler` for memory faults of every thread (once per process; later calls
    /// do nothing).
    pub fn install(handler: FaultHandler) -> Result<(), PalError> {
        imp::install_fault_handler(handler)
    }
}

/// Clocks.
pub mod clock {
    use super::{imp, PalError};

    /// Nanoseconds on a clock that never goes backwards.
    pub fn monotonic_ns() -> Result<u64, PalError> {
        imp::monotonic_ns()
    }

    /// Nanoseconds since the Unix epoch.
    pub fn wall_ns() -> Result<u64, PalError> {
        imp::wall_ns()
    }

    /// The resolution of the monotonic clock, in nanoseconds.
    pub fn monotonic_resolution_ns() -> Result<u64, PalError> {
        imp::monotonic_resolution_ns()
    }
}

/// Randomness.
pub mod random {
    use super::{imp, PalError};

    /// Fills `buf` with random bytes from the system source.
    pub fn fill(buf: &mut [u8]) -> Result<(), PalError> {
        imp::random_fill(buf)
    }
}

/// Console output.
pub mod io {
    use super::{imp, PalError};

    /// Writes all of `bytes` to standard output.
    pub fn write_stdout(bytes: &[u8]) -> Result<(), PalError> {
        imp::write_all(1, bytes)
    }

    /// Writes all of `bytes` to standard error.
    pub fn write_stderr(bytes: &[u8]) -> Result<(), PalError> {
        imp::write_all(2, bytes)
    }
}

#[cfg(all(test, unix, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    fn map_write_protect_unmap() {
        let mut region = memory::Region::map(10, memory::Protection::ReadWrite).unwrap();
        assert_eq!(region.len(), memory::page_size());
        // SAFETY: the region is mapped read-write and at least 10 bytes long.
        unsafe {
            assert_eq!(*region.as_ptr(), 0);
            *region.as_ptr() = 42;
        }
        region.protect(memory::Protection::ReadExecute).unwrap();
        // SAFETY: still mapped, now readable.
        assert_eq!(unsafe { *region.as_ptr() }, 42);
    }

    #[test]
    fn code_is_copied_into_a_read_execute_region() {
        let region = memory::Region::with_code(&[0xc3, 0x90]).unwrap();
        // SAFETY: the region is mapped readable and holds the two bytes.
        let bytes = unsafe { core::slice::from_raw_parts(region.as_ptr(), 2) };
        assert_eq!(bytes, [0xc3, 0x90]);
        assert!(memory::Region::with_code(&[]).is_ok());
    }

    #[test]
    fn reserve_then_commit_part() {
        let page = memory::page_size();
        let mut region = memory::Region::reserve(1 << 32).unwrap();
        region
            .protect_range(page, page, memory::Protection::ReadWrite)
            .unwrap();
        // SAFETY: the second page was committed read-write.
        unsafe {
            assert_eq!(*region.as_ptr().add(page), 0);
            *region.as_ptr().add(page) = 7;
        }
        assert!(region
            .protect_range(1, page, memory::Protection::ReadWrite)
            .is_err());
        assert!(region
            .protect_range(region.len(), page, memory::Protection::ReadWrite)
            .is_err());
    }

    #[test]
    fn stack_low_is_below_the_stack_pointer() {
        let low = stack::current_thread_stack_low().unwrap();
        let sp = stack::current_stack_pointer();
        assert!(low < sp && sp - low < 1 << 30, "low {low:#x} sp {sp:#x}");
    }

    #[test]
    fn clocks_advance() {
        let a = clock::monotonic_ns().unwrap();
        let b = clock::monotonic_ns().unwrap();
        assert!(b >= a);
        assert!(clock::wall_ns().unwrap() > 1_600_000_000_000_000_000);
        assert!(clock::monotonic_resolution_ns().unwrap() > 0);
    }

    #[test]
    fn random_bytes_differ() {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        random::fill(&mut a).unwrap();
        random::fill(&mut b).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn writes_to_stderr() {
        io::write_stderr(b"").unwrap();
    }

    #[test]
    fn resuming_in_a_call_sets_the_c_argument_registers_and_the_pc() {
        let mut state = faults::FaultState {
            pc: 1,
            sp: 2,
            gprs: [0; faults::GPR_COUNT],
        };
        state.resume_in_call(0x1000, [10, 11, 12, 13, 14]);
        assert_eq!(state.pc, 0x1000);
        assert_eq!(state.sp, 2);
        // x86-64: rdi, rsi, rdx, rcx, r8; AArch64: x0-x4.
        let expected: [usize; 5] = if cfg!(target_arch = "aarch64") {
            [0, 1, 2, 3, 4]
        } else {
            [7, 6, 2, 1, 8]
        };
        for (reg, value) in expected.into_iter().zip(10..) {
            assert_eq!(state.gprs[reg], value);
        }
    }

    /// The handler sees the faulting thread's program counter and stack pointer, and the
    /// thread resumes with the registers it leaves (here: unchanged, the page made readable).
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[test]
    fn a_fault_handler_sees_the_thread_and_resumes_it() {
        use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
        static GUARDED: AtomicPtr<memory::Region> = AtomicPtr::new(core::ptr::null_mut());
        static SEEN_PC: AtomicUsize = AtomicUsize::new(0);
        static SEEN_SP: AtomicUsize = AtomicUsize::new(0);
        fn take(state: &mut faults::FaultState) -> bool {
            let region = GUARDED.swap(core::ptr::null_mut(), Ordering::SeqCst);
            if region.is_null() {
                return false;
            }
            SEEN_PC.store(state.pc, Ordering::SeqCst);
            SEEN_SP.store(state.sp, Ordering::SeqCst);
            // SAFETY: the test's region outlives the fault; mprotect is async-signal-safe.
            unsafe { (*region).protect(memory::Protection::ReadWrite).is_ok() }
        }
        let mut region = memory::Region::map(1, memory::Protection::None).unwrap();
        faults::install(take).unwrap();
        GUARDED.store(&mut region, Ordering::SeqCst);
        // SAFETY: the region is mapped; the first read faults and the handler makes it
        // readable before the read is retried.
        let value = unsafe { core::ptr::read_volatile(region.as_ptr()) };
        assert_eq!(value, 0);
        let sp = stack::current_stack_pointer();
        let seen_sp = SEEN_SP.load(Ordering::SeqCst);
        assert!(SEEN_PC.load(Ordering::SeqCst) != 0);
        assert!(
            seen_sp.abs_diff(sp) < 1 << 20,
            "sp {sp:#x}, seen {seen_sp:#x}"
        );
    }
}
