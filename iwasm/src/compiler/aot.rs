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

use iwasm_platforms::memory::{flush_icache, Protection, Region};
use serde::{Deserialize, Serialize};

use super::helpers::COMPILED_RUNTIME;
use super::isa::stubs;
use super::{compile_function, Bounds};
use crate::error::Error;
use crate::loader::{ModuleInfo, NativeCode};
use crate::runtime::vmctx::EntryFn;

/// The first bytes of every AOT image.
pub const MAGIC: [u8; 4] = *b"\0aot";
/// The format version this runtime writes.
pub const VERSION: u16 = 1;
/// The format versions this runtime reads (an image of another version is refused with the
/// range it supports).
pub const SUPPORTED_VERSIONS: core::ops::RangeInclusive<u16> = 1..=1;
/// Header bytes before the payload.
const HEADER: usize = 8;
/// Trailer bytes after the payload.
const TRAILER: usize = 8;

/// What an image's code needs from the machine that runs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The ISA (`x86_64`).
    pub arch: String,
    /// Pointer width in bits.
    pub pointer_width: u8,
    /// Whether the code compares every memory access with the memory's length (images are
    /// compiled with explicit checks, so they run with any memory).
    pub explicit_bounds_checks: bool,
    /// The wasm page size the code assumes.
    pub wasm_page_size: u32,
}

impl Target {
    /// The machine this runtime runs on.
    pub fn host() -> Target {
        Target {
            arch: String::from(std::env::consts::ARCH),
            pointer_width: usize::BITS as u8,
            explicit_bounds_checks: true,
            wasm_page_size: crate::values::PAGE_SIZE as u32,
        }
    }
}

/// The payload of an image, as written (borrowing what it writes; the same fields as
/// [`Image`], in the same order).
#[derive(Serialize)]
struct ImageOut<'a> {
    target: &'a Target,
    source_hash: u64,
    module: &'a ModuleInfo,
    code: &'a [u8],
    functions: &'a [(u32, u32)],
}

/// The payload of an image, as read (the code borrowed from the file's bytes).
#[derive(Deserialize)]
struct Image<'a> {
    target: Target,
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

/// Compiles a validated module into an AOT image for this machine.
pub(crate) fn compile(module: &ModuleInfo) -> Result<Vec<u8>, Error> {
    let wasm = &module.bytes;
    let mut code = Vec::new();
    let mut functions = Vec::new();
    for index in module.num_imported_funcs as u32..module.funcs.len() as u32 {
        let function = compile_function(module, index, Bounds::Explicit)?;
        // Functions start 16-byte aligned.
        code.resize(code.len().next_multiple_of(16), 0xcc);
        let offset = u32::try_from(code.len()).map_err(|_| too_large())?;
        let len = u32::try_from(function.len()).map_err(|_| too_large())?;
        functions.push((offset, len));
        code.extend_from_slice(&function);
    }
    let image = ImageOut {
        target: &Target::host(),
        source_hash: xxhash_rust::xxh3::xxh3_64(wasm),
        module,
        code: &code,
        functions: &functions,
    };
    let mut bytes = Vec::from(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    let bytes = postcard::to_extend(&image, bytes)
        .map_err(|e| Error::Resource(alloc::format!("cannot serialise the image: {e}")))?;
    let mut bytes = bytes;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    bytes.extend_from_slice(&hash.to_le_bytes());
    Ok(bytes)
}

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
    let host = Target::host();
    if image.target.arch != host.arch {
        return Err(Error::Unsupported(alloc::format!(
            "the AOT image was compiled for {}; this runtime is {}",
            image.target.arch,
            host.arch
        )));
    }
    if image.target != host {
        return Err(Error::Unsupported(alloc::format!(
            "the AOT image's target {:?} does not match this runtime's {:?}",
            image.target,
            host
        )));
    }
    check_metadata(&image).map_err(|why| bad(&why))?;
    let native = map_code(image.code, &image.functions)?;
    let mut module = image.module;
    module.native = Some(native);
    Ok(module)
}

/// Checks that every index and range of the image's metadata is in bounds, so a
/// well-hashed but inconsistent image is an error, not a panic.
fn check_metadata(image: &Image<'_>) -> Result<(), String> {
    let m = &image.module;
    let defined = m
        .funcs
        .len()
        .checked_sub(m.num_imported_funcs)
        .ok_or("import counts")?;
    let in_range = |r: &core::ops::Range<usize>| r.start <= r.end && r.end <= m.bytes.len();
    let checks = [
        (
            m.funcs.iter().all(|t| (*t as usize) < m.types.len()),
            "function types",
        ),
        (image.functions.len() == defined, "function count"),
        (
            image.functions.iter().all(|(o, l)| {
                (*o as usize)
                    .checked_add(*l as usize)
                    .is_some_and(|e| e <= image.code.len())
            }),
            "code ranges",
        ),
        (m.num_imported_tables <= m.tables.len(), "table counts"),
        (m.num_imported_memories <= m.memories.len(), "memory counts"),
        (m.num_imported_globals <= m.globals.len(), "global counts"),
        (
            m.global_inits.len() == m.globals.len() - m.num_imported_globals,
            "global initialisers",
        ),
        (m.data.iter().all(|d| in_range(&d.bytes)), "data segments"),
        (m.bodies.iter().all(in_range), "function bodies"),
        (
            m.start.is_none_or(|s| (s as usize) < m.funcs.len()),
            "start function",
        ),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, what)) => Err(alloc::format!("inconsistent {what}")),
        None => Ok(()),
    }
}

/// `code` in fresh executable memory, with each function's entry.
fn map_code(code: &[u8], functions: &[(u32, u32)]) -> Result<NativeCode, Error> {
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
        _memory: Box::new(region),
    })
}
