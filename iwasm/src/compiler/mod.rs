//! The compiler: one code generator (`codegen`) over an ISA-neutral macro-assembler
//! (`masm`), with a back end per ISA (`x64`), and the helpers compiled code calls. The JIT
//! (`jit`) uses it today; the AOT compiler will too.

pub(crate) mod aot;
#[cfg(iwasm_jit)]
mod codegen;
pub(crate) mod features;
pub(crate) mod helpers;
#[cfg(iwasm_jit)]
pub(crate) mod jit;
#[cfg(iwasm_jit)]
mod locals;
#[cfg(iwasm_jit)]
mod masm;
#[cfg(all(test, iwasm_jit))]
mod tests;
mod x64;

use x64 as isa;

#[cfg(iwasm_jit)]
pub(crate) use masm::{Bounds, FunctionCode};

#[cfg(iwasm_jit)]
use crate::aot_options::CpuFeature;
#[cfg(iwasm_jit)]
use crate::error::Error;
#[cfg(iwasm_jit)]
use crate::loader::ModuleInfo;
use crate::runtime::vmctx::EntryFn;
use crate::runtime::TierHooks;

/// A store's tier hooks for wasm functions that start at `first_tier`'s entry and are never
/// compiled, but can be called from compiled code (an AOT module's): host functions and
/// such functions are called through [`x64::stubs::call_entry`].
pub(crate) fn interpreted(first_tier: EntryFn) -> TierHooks {
    TierHooks {
        entry: first_tier,
        native: isa::stubs::call_entry as *const u8,
        compiled: &helpers::COMPILED_RUNTIME as *const _ as *const (),
        promote: None,
        osr: None,
    }
}

#[cfg(iwasm_jit)]
/// What the code generator may assume about the machine running the code, and how much it
/// optimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    /// How memory accesses stay in bounds.
    pub bounds: Bounds,
    /// Optional ISA extensions the code may use.
    pub cpu_features: CpuFeatures,
    /// 0: the JIT's single pass; 1 and above: AOT optimisations too (`--opt-level`). From 2,
    /// calls between the module's functions are direct ([`Callee::Direct`](masm::Callee)),
    /// which whoever places the compiled functions must link.
    pub opt_level: u8,
}

#[cfg(iwasm_jit)]
impl Settings {
    /// The JIT's settings: this CPU's extensions, no extra optimisation.
    pub(crate) fn jit(bounds: Bounds) -> Settings {
        Settings {
            bounds,
            cpu_features: CpuFeatures::host(),
            opt_level: 0,
        }
    }
}

#[cfg(iwasm_jit)]
/// A set of [`CpuFeature`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CpuFeatures(u8);

#[cfg(iwasm_jit)]
impl CpuFeatures {
    /// The features in `list`.
    pub(crate) fn of(list: &[CpuFeature]) -> CpuFeatures {
        CpuFeatures(list.iter().fold(0, |bits, f| bits | 1 << *f as u8))
    }

    /// The features of this CPU (detected once by `std`, so cheap to ask per function).
    pub(crate) fn host() -> CpuFeatures {
        let detected = CpuFeature::ALL.into_iter().filter(|f| f.is_detected());
        CpuFeatures(detected.fold(0, |bits, f| bits | 1 << f as u8))
    }

    /// Whether `feature` is in the set.
    pub(crate) fn has(self, feature: CpuFeature) -> bool {
        self.0 & 1 << feature as u8 != 0
    }
}

#[cfg(iwasm_jit)]
/// Compiles function `func_index` of `module` to position-independent machine code for the
/// host.
pub(crate) fn compile_function(
    module: &ModuleInfo,
    func_index: u32,
    settings: Settings,
) -> Result<FunctionCode, Error> {
    let masm = isa::masm::X64Masm::new(!module.memories.is_empty(), settings);
    codegen::compile(module, func_index, masm, settings, None)?
        .ok_or_else(|| Error::Resource("the function entry was not generated".into()))
}

#[cfg(iwasm_jit)]
/// Compiles every function body of `module` for the host (as the JIT would, all at once)
/// and returns the machine code's total size in bytes: a measure of the code generator's
/// speed and output size.
pub(crate) fn compile_all(module: &ModuleInfo, settings: Settings) -> Result<usize, Error> {
    let first = module.num_imported_funcs as u32;
    (first..module.funcs.len() as u32).try_fold(0, |size, index| {
        Ok(size + compile_function(module, index, settings)?.code.len())
    })
}

#[cfg(iwasm_jit)]
/// Compiles function `func_index` of `module` entered at the start of its loop number
/// `ordinal` (counting every `loop` operator of the body in order) with all its locals as
/// arguments; `None` if that loop does not start on an empty operand stack.
pub(crate) fn compile_loop_entry(
    module: &ModuleInfo,
    func_index: u32,
    ordinal: u32,
    settings: Settings,
) -> Result<Option<FunctionCode>, Error> {
    let masm = isa::masm::X64Masm::new(!module.memories.is_empty(), settings);
    codegen::compile(module, func_index, masm, settings, Some(ordinal))
}
