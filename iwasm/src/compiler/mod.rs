//! The compiler: one code generator (`codegen`) over an ISA-neutral macro-assembler
//! (`masm`), with a back end per ISA (`x64`), and the helpers compiled code calls. The JIT
//! (`jit`) uses it today; the AOT compiler will too.

#[cfg(target_arch = "x86_64")]
pub(crate) mod aot;
mod codegen;
pub(crate) mod helpers;
pub(crate) mod jit;
mod locals;
mod masm;
#[cfg(test)]
mod tests;
#[cfg(target_arch = "x86_64")]
mod x64;

#[cfg(target_arch = "x86_64")]
use x64 as isa;

use alloc::vec::Vec;

pub(crate) use masm::Bounds;

use crate::error::Error;
use crate::loader::ModuleInfo;

/// Compiles function `func_index` of `module` to position-independent machine code for the
/// host.
pub(crate) fn compile_function(
    module: &ModuleInfo,
    func_index: u32,
    bounds: Bounds,
) -> Result<Vec<u8>, Error> {
    let masm = isa::masm::X64Masm::new(!module.memories.is_empty(), bounds);
    codegen::compile(module, func_index, masm, None)?
        .ok_or_else(|| Error::Resource("the function entry was not generated".into()))
}

/// Compiles every function body of `module` for the host (as the JIT would, all at once)
/// and returns the machine code's total size in bytes: a measure of the code generator's
/// speed and output size.
pub(crate) fn compile_all(module: &ModuleInfo, bounds: Bounds) -> Result<usize, Error> {
    let first = module.num_imported_funcs as u32;
    (first..module.funcs.len() as u32).try_fold(0, |size, index| {
        Ok(size + compile_function(module, index, bounds)?.len())
    })
}

/// Compiles function `func_index` of `module` entered at the start of its loop number
/// `ordinal` (counting every `loop` operator of the body in order) with all its locals as
/// arguments; `None` if that loop does not start on an empty operand stack.
pub(crate) fn compile_loop_entry(
    module: &ModuleInfo,
    func_index: u32,
    ordinal: u32,
    bounds: Bounds,
) -> Result<Option<Vec<u8>>, Error> {
    let masm = isa::masm::X64Masm::new(!module.memories.is_empty(), bounds);
    codegen::compile(module, func_index, masm, Some(ordinal))
}
