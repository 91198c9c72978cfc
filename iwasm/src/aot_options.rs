//! What an AOT compilation is asked for: `wamrc`'s flags, in WAMR's meaning.

use alloc::vec::Vec;

use crate::target::{Arch, CpuFeature};

/// How [`compile_aot`](crate::compile_aot) compiles a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AotOptions {
    /// `--target`: the architecture the image is for (by default this machine's; x86-64
    /// where that is none of [`Arch::ALL`]). Every architecture has a back end; a build
    /// without the compiler refuses with `Error::Unsupported`.
    pub target: Arch,
    /// `--opt-level`: 0 compiles each function as the JIT does; 1 and above add what the
    /// JIT has no time for (see the README's AOT section for what each level buys).
    pub opt_level: u8,
    /// `--bounds-checks=1`: compare every memory access with the memory's length, so the
    /// image runs with any memory. Off (the default, as in WAMR on 64-bit targets): the code
    /// relies on the runtime's guard pages, which needs a 64-bit host that reserves memories.
    pub bounds_checks: bool,
    /// `--cpu-features`: optional extensions of the target's ISA the code may use; the image
    /// then runs only on CPUs that have them. A feature of another ISA is refused.
    pub cpu_features: Vec<CpuFeature>,
    /// `--fuel`: meter fuel in the code (see [`Config::consume_fuel`](crate::Config)); the
    /// image then runs only in stores that meter fuel, and an image without it only in
    /// stores that do not.
    pub fuel: bool,
}

impl Default for AotOptions {
    /// This machine's architecture, `--opt-level=3`, guard pages, no optional ISA extensions
    /// (any CPU of the architecture).
    fn default() -> AotOptions {
        AotOptions {
            target: Arch::host().unwrap_or(Arch::X86_64),
            opt_level: 3,
            bounds_checks: false,
            cpu_features: Vec::new(),
            fuel: false,
        }
    }
}
