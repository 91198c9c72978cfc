//! The engine wiring: which tier a store's wasm functions start in. The runtime knows no
//! execution mode; this is the one place that names them.

use crate::runtime::vmctx::EntryFn;
use crate::runtime::{Config, Store, TierHooks};
use crate::target::Arch;

/// The entry wasm functions without compiled code start at: the interpreter's.
#[cfg(feature = "wasm")]
const FIRST_TIER: EntryFn = crate::interp::entry;

/// The entry wasm functions without compiled code would start at in a build without the
/// interpreter: never reached, since such a build loads no module without compiled code.
#[cfg(not(feature = "wasm"))]
const FIRST_TIER: EntryFn = no_interpreter;

/// See [`FIRST_TIER`]: reports a trap.
///
/// # Safety
/// As the `EntryFn` contract says.
#[cfg(not(feature = "wasm"))]
unsafe extern "C" fn no_interpreter(
    callee: *const crate::runtime::vmctx::FuncRef,
    _caller_vmctx: *mut crate::runtime::vmctx::VMContext,
    _values: *mut u64,
) -> u32 {
    // SAFETY: guaranteed by the caller: `callee` is a live reference of a store's function.
    let store = unsafe { &mut *(*(*(*callee).vmctx).runtime).store };
    store.set_pending_trap(crate::error::Trap::host(alloc::string::String::from(
        "this build of iwasm has no interpreter",
    )));
    1
}

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
            RunningMode::Interp => cfg!(feature = "wasm"),
            RunningMode::FastJit | RunningMode::MultiTierJit => {
                cfg!(iwasm_jit)
            }
        }
    }

    /// The tier new functions start in; the interpreter where this mode is unavailable.
    fn tier(self) -> TierHooks {
        match self {
            #[cfg(iwasm_jit)]
            RunningMode::FastJit => crate::compiler::jit::lazy_tier(),
            #[cfg(iwasm_jit)]
            RunningMode::MultiTierJit => crate::compiler::jit::multi_tier(FIRST_TIER),
            // Interpreted functions stay callable from compiled code (an AOT module's).
            #[cfg(iwasm_aot)]
            _ => crate::native::interpreted(FIRST_TIER),
            #[cfg(not(iwasm_aot))]
            _ => TierHooks {
                entry: FIRST_TIER,
                native: core::ptr::null(),
                compiled: core::ptr::null(),
                compiled_entry: None,
                #[cfg(feature = "std")]
                fault_handler: None,
                promote: None,
                osr: None,
            },
        }
    }
}

/// Compiles every function of `module` with the JIT's code generator, as `--fast-jit` would
/// if every function were called, and returns `(wasm code bytes, machine code bytes)`: for
/// measuring compile speed and code size. `Error::Unsupported` where this build has no JIT.
pub fn compile_all_functions(module: &crate::Module) -> Result<(usize, usize), crate::Error> {
    refuse_compiled(module)?;
    let wasm_code: usize = module.info.bodies.iter().map(|b| b.len()).sum();
    #[cfg(iwasm_jit)]
    return Ok((
        wasm_code,
        crate::compiler::compile_all(
            &module.info,
            crate::compiler::Settings::jit(crate::compiler::Bounds::GuardPages, false),
        )?,
    ));
    #[cfg(not(iwasm_jit))]
    return Err(crate::Error::Unsupported(alloc::format!(
        "no JIT in this build ({wasm_code} bytes of wasm code)"
    )));
}

/// Compiles `module` ahead of time, as `options` say (for `options.target`, whatever the host),
/// into an AOT image (the bytes `wamrc` writes), which [`Module::new`](crate::Module::new)
/// loads without parsing wasm on a machine of that target. `Error::Unsupported` where this
/// build has no compiler, or none for that target ([`Arch::has_compiler`]).
pub fn compile_aot(
    module: &crate::Module,
    options: &crate::AotOptions,
) -> Result<alloc::vec::Vec<u8>, crate::Error> {
    refuse_compiled(module)?;
    #[cfg(iwasm_compiler)]
    return crate::compiler::aot::compile(&module.info, options);
    #[cfg(not(iwasm_compiler))]
    return Err(crate::Error::Unsupported(alloc::format!(
        "no compiler in this build (module with {} functions, --opt-level={})",
        module.info.funcs.len(),
        options.opt_level
    )));
}

/// Refuses a module that came from an AOT image: it has no wasm code left to compile.
fn refuse_compiled(module: &crate::Module) -> Result<(), crate::Error> {
    match module.info.native {
        Some(_) => Err(crate::Error::Unsupported(
            "the module came from an AOT image: it is compiled already".into(),
        )),
        None => Ok(()),
    }
}

impl Arch {
    /// Whether this build can compile code for the architecture: [`compile_aot`] with it as
    /// `AotOptions::target` (every back end builds on every 64-bit host).
    pub fn has_compiler(self) -> bool {
        match self {
            Arch::X86_64 | Arch::Aarch64 => cfg!(iwasm_compiler),
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
