//! An image's target descriptor: what its code needs from the machine that runs it, and the
//! loader's check of it against this machine.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::target::CpuFeature;

/// How an image's code keeps memory accesses in bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum BoundsChecks {
    /// Every access is compared with the memory's length: runs with any memory.
    Explicit,
    /// Accesses rely on memory 0 sitting at the start of a reservation of at least
    /// `reservation` bytes, and on faults there becoming traps.
    GuardPages {
        /// Bytes the code may reach past memory 0's base (8 GiB + 64 KiB).
        reservation: u64,
    },
}

/// What an image's code needs from the machine that runs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Target {
    /// The ISA, by [`Arch::name`] (a name, so that an image for an architecture this runtime
    /// does not know is refused naming it).
    pub arch: String,
    /// Pointer width in bits.
    pub pointer_width: u8,
    /// Optional ISA extensions the code uses, sorted.
    pub cpu_features: Vec<CpuFeature>,
    /// How the code keeps memory accesses in bounds.
    pub bounds: BoundsChecks,
    /// The wasm page size the code assumes.
    pub wasm_page_size: u32,
}

impl Target {
    /// The descriptor of code for `arch` using `cpu_features`, with explicit bounds checks or
    /// guard pages. Whichever host builds it, the same arguments give the same descriptor.
    #[cfg(iwasm_compiler)]
    pub(crate) fn new(
        arch: crate::target::Arch,
        cpu_features: &[CpuFeature],
        bounds_checks: bool,
    ) -> Target {
        let mut cpu_features = cpu_features.to_vec();
        cpu_features.sort();
        cpu_features.dedup();
        Target {
            arch: String::from(arch.name()),
            pointer_width: arch.pointer_width(),
            cpu_features,
            bounds: if bounds_checks {
                BoundsChecks::Explicit
            } else {
                BoundsChecks::GuardPages {
                    reservation: crate::runtime::MEMORY_RESERVATION,
                }
            },
            wasm_page_size: crate::values::PAGE_SIZE as u32,
        }
    }

    /// Why this machine cannot run code for this target, if it cannot.
    pub(crate) fn mismatch(&self) -> Option<String> {
        // Rust's names for the host are `Arch::name`'s.
        let host = std::env::consts::ARCH;
        if self.arch != host {
            return Some(alloc::format!(
                "the AOT image was compiled for {}; this runtime is {host}",
                self.arch
            ));
        }
        if let Some(missing) = self.cpu_features.iter().find(|f| !f.is_detected()) {
            return Some(alloc::format!(
                "the AOT image needs CPU feature {}, which this CPU lacks",
                missing.name()
            ));
        }
        if self.pointer_width != usize::BITS as u8
            || self.wasm_page_size != crate::values::PAGE_SIZE as u32
        {
            return Some(alloc::format!(
                "the AOT image assumes {}-bit pointers and {}-byte pages; this runtime has \
                 {}-bit pointers and {}-byte pages",
                self.pointer_width,
                self.wasm_page_size,
                usize::BITS,
                crate::values::PAGE_SIZE
            ));
        }
        match self.bounds {
            BoundsChecks::GuardPages { reservation }
                if reservation > crate::runtime::MEMORY_RESERVATION =>
            {
                Some(alloc::format!(
                    "the AOT image assumes a {reservation}-byte guard region; this runtime \
                     reserves {} (compile it with --bounds-checks=1)",
                    crate::runtime::MEMORY_RESERVATION
                ))
            }
            _ => None,
        }
    }
}
