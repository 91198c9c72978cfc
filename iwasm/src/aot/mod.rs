//! AOT images: a module compiled ahead of time (by `wamrc`, or [`compile_aot`](crate::compile_aot)),
//! with everything a runtime needs to run it without parsing or validating wasm. This module
//! is the image format and its loader, which the AOT-only build keeps; the compiler, above
//! it, writes images through [`format`].
//!
//! - [`format`]: the container (magic, version, postcard payload, integrity hash).
//! - [`target`]: the target descriptor and the check of it against this machine.
//! - [`features`]: the wasm features an image may record, by name.
//! - [`reloc`]: the relocation kinds of direct calls, per ISA, and how each is applied.
//! - `load`: an image to a module with executable code (where this build runs compiled code).

#[cfg(any(iwasm_aot, iwasm_compiler))]
pub(crate) mod features;
pub(crate) mod format;
#[cfg(iwasm_aot)]
mod load;
#[cfg_attr(
    not(iwasm_compiler),
    allow(dead_code, reason = "the compiler's linker applies relocations")
)]
pub(crate) mod reloc;
pub(crate) mod target;

use crate::error::Error;
use crate::loader::ModuleInfo;

/// Loads an AOT image's module: checks it and maps its code executable.
pub(crate) fn load(bytes: &[u8]) -> Result<ModuleInfo, Error> {
    #[cfg(iwasm_aot)]
    return load::load(bytes);
    // This build runs no image: say what is wrong with this one first (another machine's),
    // then what runs here instead.
    #[cfg(not(iwasm_aot))]
    return Err(Error::Unsupported(
        match format::decode(bytes)?.target.mismatch() {
            Some(mismatch) => alloc::format!(
                "{mismatch} (this build runs no AOT images: run the .wasm file instead)"
            ),
            None => alloc::format!(
                "this build of iwasm runs no AOT images on {}: run the .wasm file instead",
                std::env::consts::ARCH
            ),
        },
    ));
}
