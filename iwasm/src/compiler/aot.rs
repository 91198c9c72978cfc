//! The AOT compiler: every function compiled for the chosen target, laid out back to back,
//! direct calls linked by their ISA's relocation rule, and the whole written as an image in
//! `crate::aot`'s format. The same module and options give the same bytes on any host.

use alloc::vec::Vec;

use super::features::WasmFeatures;
use super::{compile_function, Bounds, CpuFeatures, Settings};
use crate::aot::format::{encode, ImageOut};
use crate::aot::reloc::Relocation;
use crate::aot::target::{BoundsChecks, Target};
use crate::aot_options::AotOptions;
use crate::error::Error;
use crate::loader::ModuleInfo;
use crate::target::Arch;

/// Compiles a validated module into an AOT image for `options.target`.
pub(crate) fn compile(module: &ModuleInfo, options: &AotOptions) -> Result<Vec<u8>, Error> {
    let arch = options.target;
    if let Some(other) = options.cpu_features.iter().find(|f| f.arch() != arch) {
        return Err(Error::Unsupported(alloc::format!(
            "CPU feature {} is not a feature of {arch}",
            other.name()
        )));
    }
    let target = Target::new(arch, &options.cpu_features, options.bounds_checks);
    let settings = Settings {
        arch,
        bounds: match target.bounds {
            BoundsChecks::Explicit => Bounds::Explicit,
            BoundsChecks::GuardPages { .. } => Bounds::GuardPages,
        },
        cpu_features: CpuFeatures::of(target.cpu_features.iter().copied()),
        opt_level: options.opt_level,
        direct_calls: options.opt_level >= 2,
        fuel: options.fuel,
    };
    let linked = match link(module, settings)? {
        Some(linked) => linked,
        // More code than a direct call reaches (AArch64's `bl`: ±128 MiB): every call goes
        // through its function reference instead, as at `--opt-level=1`.
        None => link(
            module,
            Settings {
                direct_calls: false,
                ..settings
            },
        )?
        .ok_or_else(too_large)?,
    };
    encode(&ImageOut {
        target: &target,
        wasm_features: linked.wasm_features.names(),
        opt_level: options.opt_level,
        fuel: options.fuel,
        source_hash: xxhash_rust::xxh3::xxh3_64(&module.bytes),
        module: &module.without_code(),
        code: &linked.code,
        functions: &linked.functions,
    })
}

/// A module's compiled functions laid out and linked.
struct Linked {
    /// The machine code of every function, in order.
    code: Vec<u8>,
    /// Each function's offset and length in `code`.
    functions: Vec<(u32, u32)>,
    /// The wasm features the module and its code use.
    wasm_features: WasmFeatures,
}

/// Compiles every function of `module` with `settings`, lays them out and links their direct
/// calls; `None` if a direct call does not reach its callee.
fn link(module: &ModuleInfo, settings: Settings) -> Result<Option<Linked>, Error> {
    let mut code = Vec::new();
    let mut functions = Vec::new();
    let mut direct_entries = Vec::new();
    let mut relocations: Vec<Relocation> = Vec::new();
    let mut wasm_features = WasmFeatures::of_module(module);
    for index in module.num_imported_funcs as u32..module.funcs.len() as u32 {
        let function = compile_function(module, index, settings)?;
        wasm_features = wasm_features.union(function.features);
        code.resize(
            code.len().next_multiple_of(FUNCTION_ALIGN),
            padding(settings.arch),
        );
        let offset = u32::try_from(code.len()).map_err(|_| too_large())?;
        let len = u32::try_from(function.code.len()).map_err(|_| too_large())?;
        functions.push((offset, len));
        direct_entries.push(offset + function.direct_entry);
        relocations.extend(function.direct_calls.iter().map(|r| Relocation {
            offset: offset + r.offset,
            ..*r
        }));
        code.extend_from_slice(&function.code);
    }
    for relocation in relocations {
        let entry = direct_entries[relocation.func as usize - module.num_imported_funcs];
        if (relocation.kind)
            .apply(&mut code, relocation.offset, entry)
            .is_err()
        {
            return Ok(None);
        }
    }
    Ok(Some(Linked {
        code,
        functions,
        wasm_features,
    }))
}

/// Functions start at multiples of this many bytes.
const FUNCTION_ALIGN: usize = 16;

/// The byte filling the gaps between functions: one that traps if executed (x86-64 `int3`;
/// on AArch64 zero words, a permanently undefined instruction).
fn padding(arch: Arch) -> u8 {
    match arch {
        Arch::X86_64 => 0xcc,
        Arch::Aarch64 => 0,
    }
}

fn too_large() -> Error {
    Error::Resource("module too large for an AOT image (over 4 GiB of code)".into())
}
