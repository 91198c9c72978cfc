//! AOT images: a module compiled ahead of time, with everything a runtime needs to run it
//! without parsing or validating wasm.
//!
//! Layout: the 8-byte header `\0aot` + format version (u16 LE) + 2 zero bytes; the payload,
//! an [`Image`] in postcard; the trailer, the xxh3-64 hash (u64 LE) of header and payload.
//! A loader accepts the versions in [`SUPPORTED_VERSIONS`], checks the hash before anything
//! else, then the target, then every index and range the metadata holds.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use iwasm_platforms::faults::FaultHandler;
use iwasm_platforms::memory::{flush_icache, Protection, Region};
use serde::{Deserialize, Serialize};

use super::features;
#[cfg(iwasm_jit)]
use super::features::WasmFeatures;
use super::helpers::COMPILED_RUNTIME;
use super::isa::stubs;
#[cfg(iwasm_jit)]
use super::{compile_function, Bounds, CpuFeatures, Settings};
#[cfg(iwasm_jit)]
use crate::aot_options::AotOptions;
use crate::aot_options::CpuFeature;
use crate::error::Error;
use crate::loader::{check, ModuleInfo, NativeCode};
use crate::runtime::vmctx::EntryFn;

/// The first bytes of every AOT image.
pub const MAGIC: [u8; 4] = *b"\0aot";
/// The format version this runtime writes.
#[cfg(iwasm_jit)]
pub const VERSION: u16 = 2;
/// The format versions this runtime reads (an image of another version is refused with the
/// range it supports). Version 1 was the first cut's, never released.
pub const SUPPORTED_VERSIONS: core::ops::RangeInclusive<u16> = 2..=2;
/// Header bytes before the payload.
const HEADER: usize = 8;
/// Trailer bytes after the payload.
const TRAILER: usize = 8;

/// How an image's code keeps memory accesses in bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoundsChecks {
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
pub struct Target {
    /// The ISA (`x86_64`).
    pub arch: String,
    /// Pointer width in bits.
    pub pointer_width: u8,
    /// Optional ISA extensions the code uses.
    pub cpu_features: Vec<CpuFeature>,
    /// How the code keeps memory accesses in bounds.
    pub bounds: BoundsChecks,
    /// The wasm page size the code assumes.
    pub wasm_page_size: u32,
}

impl Target {
    /// This machine, with `options`' bounds checks and CPU features.
    #[cfg(iwasm_jit)]
    fn host(options: &AotOptions) -> Target {
        let mut cpu_features = options.cpu_features.clone();
        cpu_features.sort();
        cpu_features.dedup();
        Target {
            arch: String::from(std::env::consts::ARCH),
            pointer_width: usize::BITS as u8,
            cpu_features,
            bounds: if options.bounds_checks {
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
    fn mismatch(&self) -> Option<String> {
        let arch = std::env::consts::ARCH;
        if self.arch != arch {
            return Some(alloc::format!(
                "the AOT image was compiled for {}; this runtime is {arch}",
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

#[cfg(iwasm_jit)]
/// The payload of an image, as written (borrowing what it writes; the same fields as
/// [`Image`], in the same order).
#[derive(Serialize)]
struct ImageOut<'a> {
    target: &'a Target,
    wasm_features: Vec<String>,
    opt_level: u8,
    source_hash: u64,
    module: &'a ModuleInfo,
    code: &'a [u8],
    functions: &'a [(u32, u32)],
}

/// The payload of an image, as read (the code borrowed from the file's bytes).
#[derive(Deserialize)]
struct Image<'a> {
    target: Target,
    /// The wasm features (proposals) the module uses, by name (see `features::SUPPORTED`).
    wasm_features: Vec<String>,
    /// The `--opt-level` the image was compiled at.
    #[allow(
        dead_code,
        reason = "for tools describing an image; loading needs none"
    )]
    opt_level: u8,
    /// xxh3-64 of the wasm module the image was compiled from.
    #[allow(
        dead_code,
        reason = "for tools matching an image to its source; loading needs none"
    )]
    source_hash: u64,
    /// The module's metadata, validated when the image was made.
    module: ModuleInfo,
    /// Machine code of every defined function, back to back.
    #[serde(borrow)]
    code: &'a [u8],
    /// Each defined function's `(offset, length)` in `code`.
    functions: Vec<(u32, u32)>,
}

#[cfg(iwasm_jit)]
/// Compiles a validated module into an AOT image for this machine.
pub(crate) fn compile(module: &ModuleInfo, options: &AotOptions) -> Result<Vec<u8>, Error> {
    let wasm = &module.bytes;
    let target = Target::host(options);
    let settings = Settings {
        bounds: match target.bounds {
            BoundsChecks::Explicit => Bounds::Explicit,
            BoundsChecks::GuardPages { .. } => Bounds::GuardPages,
        },
        cpu_features: CpuFeatures::of(&target.cpu_features),
        opt_level: options.opt_level,
    };
    let mut code = Vec::new();
    let mut functions = Vec::new();
    let mut direct_entries = Vec::new();
    let mut direct_calls = Vec::new();
    let mut wasm_features = WasmFeatures::of_module(module);
    for index in module.num_imported_funcs as u32..module.funcs.len() as u32 {
        let function = compile_function(module, index, settings)?;
        wasm_features = wasm_features.union(function.features);
        // Functions start 16-byte aligned.
        code.resize(code.len().next_multiple_of(16), 0xcc);
        let offset = u32::try_from(code.len()).map_err(|_| too_large())?;
        let len = u32::try_from(function.code.len()).map_err(|_| too_large())?;
        functions.push((offset, len));
        direct_entries.push(offset + function.direct_entry);
        direct_calls
            .extend((function.direct_calls.iter()).map(|(site, callee)| (offset + site, *callee)));
        code.extend_from_slice(&function.code);
    }
    for (site, callee) in direct_calls {
        let entry = direct_entries[callee as usize - module.num_imported_funcs];
        let displacement = i64::from(entry) - (i64::from(site) + 4);
        let displacement = i32::try_from(displacement).map_err(|_| too_large())?;
        code[site as usize..site as usize + 4].copy_from_slice(&displacement.to_le_bytes());
    }
    let image = ImageOut {
        target: &target,
        wasm_features: wasm_features.names(),
        opt_level: options.opt_level,
        source_hash: xxhash_rust::xxh3::xxh3_64(wasm),
        module: &module.without_code(),
        code: &code,
        functions: &functions,
    };
    let mut bytes = Vec::from(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    let mut bytes = postcard::to_extend(&image, bytes)
        .map_err(|e| Error::Resource(alloc::format!("cannot serialise the image: {e}")))?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    bytes.extend_from_slice(&hash.to_le_bytes());
    Ok(bytes)
}

#[cfg(iwasm_jit)]
fn too_large() -> Error {
    Error::Resource("module too large for an AOT image".into())
}

/// Whether `bytes` start like an AOT image.
pub(crate) fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// Loads an AOT image: checks it, maps its code executable and returns the module.
pub(crate) fn load(bytes: &[u8]) -> Result<ModuleInfo, Error> {
    let bad = |why: &str| Error::Load(alloc::format!("invalid AOT image: {why}"));
    if !is_image(bytes) || bytes.len() < HEADER + TRAILER {
        return Err(bad("too short or no AOT magic"));
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if !SUPPORTED_VERSIONS.contains(&version) {
        return Err(Error::Unsupported(alloc::format!(
            "AOT format version {version} is not supported by this runtime (supports {}..={})",
            SUPPORTED_VERSIONS.start(),
            SUPPORTED_VERSIONS.end()
        )));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - TRAILER);
    let hash = u64::from_le_bytes(trailer.try_into().expect("8 bytes"));
    if xxhash_rust::xxh3::xxh3_64(body) != hash {
        return Err(bad("integrity hash mismatch (the file is corrupt)"));
    }
    let image: Image =
        postcard::from_bytes(&body[HEADER..]).map_err(|e| bad(&alloc::format!("{e}")))?;
    if let Some(mismatch) = image.target.mismatch() {
        return Err(Error::Unsupported(mismatch));
    }
    let unknown = (image.wasm_features.iter()).find(|f| !features::SUPPORTED.contains(&f.as_str()));
    if let Some(feature) = unknown {
        return Err(Error::Unsupported(alloc::format!(
            "the AOT image uses wasm feature {feature}, which this runtime does not run"
        )));
    }
    check_metadata(&image).map_err(|why| bad(&why))?;
    let guard_pages = matches!(image.target.bounds, BoundsChecks::GuardPages { .. });
    let native = map_code(image.code, &image.functions, guard_pages)?;
    let mut module = image.module;
    module.native = Some(native);
    Ok(module)
}

/// Checks that the image's code ranges match its functions and that every index and range
/// of its metadata is in bounds, so a well-hashed but inconsistent image is an error, not a
/// panic.
fn check_metadata(image: &Image<'_>) -> Result<(), String> {
    let m = &image.module;
    let defined = m.funcs.len().checked_sub(m.num_imported_funcs);
    let code_ranges = image.functions.iter().all(|(offset, len)| {
        (*offset as usize)
            .checked_add(*len as usize)
            .is_some_and(|end| end <= image.code.len())
    });
    let inconsistency = if defined != Some(image.functions.len()) {
        Some("function count")
    } else if !code_ranges {
        Some("code ranges")
    } else {
        check::inconsistency(m)
    };
    match inconsistency {
        Some(what) => Err(alloc::format!("inconsistent {what}")),
        None => Ok(()),
    }
}

/// `code` in fresh executable memory, with each function's entry.
fn map_code(code: &[u8], functions: &[(u32, u32)], guard_pages: bool) -> Result<NativeCode, Error> {
    let map_error = |e| Error::Resource(alloc::format!("cannot map AOT code: {e}"));
    let mut region = Region::map(code.len().max(1), Protection::ReadWrite).map_err(map_error)?;
    // SAFETY: the region is mapped read-write and at least `code.len()` bytes long.
    unsafe { core::ptr::copy_nonoverlapping(code.as_ptr(), region.as_ptr(), code.len()) };
    region.protect(Protection::ReadExecute).map_err(map_error)?;
    flush_icache(region.as_ptr(), code.len());
    let base = region.as_ptr() as *const u8;
    Ok(NativeCode {
        // SAFETY: every offset was checked to lie within the code.
        functions: functions
            .iter()
            .map(|(o, l)| (unsafe { base.add(*o as usize) }, *l as usize))
            .collect(),
        entry: stubs::enter as EntryFn,
        compiled: &COMPILED_RUNTIME as *const _ as *const (),
        guard_pages: guard_pages.then_some(stubs::take_fault as FaultHandler),
        _memory: Box::new(region),
    })
}
