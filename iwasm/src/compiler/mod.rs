//! The compiler: one code generator (`codegen`) over an ISA-neutral macro-assembler
//! (`masm`), with a back end per ISA (`x64`, `aarch64`), chosen by the target each compilation is given
//! (`Settings::target`), never by the host: every back end builds on every 64-bit host. The
//! JIT (`jit`, where this build runs compiled code) compiles for the host; the AOT compiler
//! (`aot`) for any target, writing images in `crate::aot`'s format. Below this module sit the
//! image format and loader (`crate::aot`) and the code that runs compiled code
//! (`crate::native`); neither imports anything from here.

mod aarch64;
pub(crate) mod aot;
mod codegen;
mod features;
#[cfg(iwasm_jit)]
pub(crate) mod jit;
mod locals;
mod masm;
#[cfg(test)]
mod tests;
mod x64;

pub(crate) use masm::{Bounds, FunctionCode};

use crate::error::Error;
use crate::loader::ModuleInfo;
use crate::target::{Arch, CpuFeature};

/// What a compilation is for: the machine running the code, and how much it optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    /// The ISA the code is for.
    pub arch: Arch,
    /// How memory accesses stay in bounds.
    pub bounds: Bounds,
    /// Optional extensions of the ISA the code may use.
    pub cpu_features: CpuFeatures,
    /// 0: the JIT's single pass; 1 and above: AOT optimisations too (`--opt-level`).
    pub opt_level: u8,
    /// Whether calls between the module's functions are direct
    /// ([`Callee::Direct`](masm::Callee)), which whoever places the compiled functions must
    /// link: from `--opt-level=2`, unless the code is larger than a direct call reaches.
    pub direct_calls: bool,
    /// Whether the code meters fuel ([`crate::runtime::fuel`]); functions are then not
    /// inlined (the callee's charges are its own).
    pub fuel: bool,
}

impl Settings {
    /// The JIT's settings: this machine and its CPU's extensions, no extra optimisation.
    #[cfg(iwasm_jit)]
    pub(crate) fn jit(bounds: Bounds, fuel: bool) -> Settings {
        Settings {
            arch: Arch::host().expect("a JIT build runs on an architecture it compiles for"),
            bounds,
            cpu_features: CpuFeatures::host(),
            opt_level: 0,
            direct_calls: false,
            fuel,
        }
    }
}

/// A set of [`CpuFeature`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CpuFeatures(u64);

impl CpuFeatures {
    /// The features in `list`.
    pub(crate) fn of(list: impl IntoIterator<Item = CpuFeature>) -> CpuFeatures {
        CpuFeatures(list.into_iter().fold(0, |bits, f| bits | 1 << f as u8))
    }

    /// The features of this CPU (detected once by `std`, so cheap to ask per function).
    #[cfg_attr(not(iwasm_jit), allow(dead_code, reason = "the JIT's target"))]
    pub(crate) fn host() -> CpuFeatures {
        CpuFeatures::of(CpuFeature::ALL.into_iter().filter(|f| f.is_detected()))
    }

    /// Whether `feature` is in the set.
    pub(crate) fn has(self, feature: CpuFeature) -> bool {
        self.0 & 1 << feature as u8 != 0
    }
}

/// Compiles function `func_index` of `module` to position-independent machine code for
/// `settings.arch`; entered at the start of its loop number `loop_entry` (counting every
/// `loop` operator of the body in order) with all its locals as arguments if given, and then
/// `None` if that loop does not start on an empty operand stack.
fn compile_with(
    module: &ModuleInfo,
    func_index: u32,
    settings: Settings,
    loop_entry: Option<u32>,
) -> Result<Option<FunctionCode>, Error> {
    let has_memory = !module.memories.is_empty();
    match settings.arch {
        Arch::X86_64 => {
            let masm = x64::masm::X64Masm::new(has_memory, settings);
            codegen::compile(module, func_index, masm, settings, loop_entry)
        }
        Arch::Aarch64 => {
            use aarch64::masm::{Aarch64Masm, BranchReach, OUT_OF_REACH};
            let compile = |reach| {
                let masm = Aarch64Masm::new(has_memory, settings, reach);
                codegen::compile(module, func_index, masm, settings, loop_entry)
            };
            match compile(BranchReach::Near) {
                // A function of over 1 MiB of code: again with long branches.
                Err(Error::Resource(reason)) if reason == OUT_OF_REACH => compile(BranchReach::Far),
                result => result,
            }
        }
    }
}

/// Compiles function `func_index` of `module` to position-independent machine code for
/// `settings.arch`.
pub(crate) fn compile_function(
    module: &ModuleInfo,
    func_index: u32,
    settings: Settings,
) -> Result<FunctionCode, Error> {
    compile_with(module, func_index, settings, None)?
        .ok_or_else(|| Error::Resource("the function entry was not generated".into()))
}

/// Compiles every function body of `module` (as the JIT would, all at once) and returns the
/// machine code's total size in bytes: a measure of the code generator's speed and output
/// size.
#[cfg(iwasm_jit)]
pub(crate) fn compile_all(module: &ModuleInfo, settings: Settings) -> Result<usize, Error> {
    let first = module.num_imported_funcs as u32;
    (first..module.funcs.len() as u32).try_fold(0, |size, index| {
        Ok(size + compile_function(module, index, settings)?.code.len())
    })
}

/// Compiles function `func_index` of `module` entered at the start of its loop number
/// `ordinal` with all its locals as arguments; `None` if that loop does not start on an
/// empty operand stack.
#[cfg(iwasm_jit)]
pub(crate) fn compile_loop_entry(
    module: &ModuleInfo,
    func_index: u32,
    ordinal: u32,
    settings: Settings,
) -> Result<Option<FunctionCode>, Error> {
    compile_with(module, func_index, settings, Some(ordinal))
}
