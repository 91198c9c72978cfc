//! The engine wiring: which tier a store's wasm functions start in. The runtime knows no
//! execution mode; this is the one place that names them.

use crate::runtime::{Config, Store, TierHooks};

/// How a store runs wasm functions (WAMR's running modes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunningMode {
    /// The fast interpreter (`--interp`).
    Interp,
    /// Each function compiled to machine code on its first call (`--fast-jit`).
    FastJit,
    /// Functions start in the interpreter; hot ones (by calls, or by iterations of a loop,
    /// which then continues in compiled code) are compiled (`--multi-tier-jit`).
    MultiTierJit,
}

impl Default for RunningMode {
    /// The multi-tier JIT where this build has a JIT, else the interpreter: programs start
    /// as fast as in the interpreter and long runs reach the JIT's speed (see the README).
    fn default() -> RunningMode {
        if RunningMode::MultiTierJit.is_available() {
            RunningMode::MultiTierJit
        } else {
            RunningMode::Interp
        }
    }
}

impl RunningMode {
    /// Whether this build can run in this mode (the JIT needs `std` on x86-64).
    pub fn is_available(self) -> bool {
        match self {
            RunningMode::Interp => true,
            RunningMode::FastJit | RunningMode::MultiTierJit => {
                cfg!(all(feature = "std", target_arch = "x86_64"))
            }
        }
    }

    /// The tier new functions start in; the interpreter where this mode is unavailable.
    fn tier(self) -> TierHooks {
        match self {
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            RunningMode::FastJit => crate::compiler::jit::lazy_tier(),
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            RunningMode::MultiTierJit => crate::compiler::jit::multi_tier(crate::interp::entry),
            _ => TierHooks {
                entry: crate::interp::entry,
                native: core::ptr::null(),
                compiled: core::ptr::null(),
                promote: None,
                osr: None,
            },
        }
    }
}

impl Default for Store {
    fn default() -> Store {
        Store::with_config(Config::default())
    }
}

impl Store {
    /// An empty store with default limits and the default running mode.
    pub fn new() -> Store {
        Store::default()
    }

    /// An empty store with the given limits and the default running mode
    /// ([`RunningMode::default`]).
    pub fn with_config(config: Config) -> Store {
        Store::with_mode(config, RunningMode::default())
    }

    /// An empty store with the given limits and running mode (the interpreter if the mode
    /// is not available in this build; see [`RunningMode::is_available`]).
    pub fn with_mode(config: Config, mode: RunningMode) -> Store {
        Store::with_tier(config, mode.tier())
    }
}
