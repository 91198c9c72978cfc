//! Where a [`Module`] comes from, told apart by magic (WAMR's `wasm_runtime_load`): a wasm
//! binary goes to the `loader` (decode and validate), an AOT image to `aot` (checks and maps
//! its code). Both sit below this file; neither knows the other.

use alloc::sync::Arc;

use crate::error::Error;
use crate::loader::{Module, ModuleInfo};

impl Module {
    /// Decodes and validates `bytes`: a wasm binary, or an AOT image (see
    /// [`compile_aot`](crate::compile_aot); recognised by its magic, loaded without parsing
    /// wasm). Malformed or invalid modules and images give [`Error::Load`]; modules using
    /// features beyond WebAssembly 2.0 (SIMD, tail calls, ...), and images for another
    /// machine or format version, give [`Error::Unsupported`].
    pub fn new(bytes: &[u8]) -> Result<Module, Error> {
        // The magic of `aot::format`, which builds without `std` leave out.
        let info = if bytes.starts_with(b"\0aot") {
            load_image(bytes)?
        } else {
            decode_wasm(bytes)?
        };
        Ok(Module {
            info: Arc::new(info),
        })
    }
}

/// An AOT image's module.
fn load_image(bytes: &[u8]) -> Result<ModuleInfo, Error> {
    #[cfg(feature = "std")]
    return crate::aot::load(bytes);
    #[cfg(not(feature = "std"))]
    return Err(Error::Unsupported(alloc::format!(
        "this build of iwasm cannot run AOT images ({} bytes)",
        bytes.len()
    )));
}

/// A wasm binary's module.
fn decode_wasm(bytes: &[u8]) -> Result<ModuleInfo, Error> {
    #[cfg(feature = "wasm")]
    return crate::loader::decode(bytes);
    #[cfg(not(feature = "wasm"))]
    return Err(Error::Unsupported(alloc::format!(
        "this build of iwasm runs AOT images only; {} bytes with no AOT magic given (build \
         with the `wasm` feature for WebAssembly binaries)",
        bytes.len()
    )));
}
