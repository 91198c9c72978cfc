//! AOT images that cross machines. The spec runner on one host can write, beside running
//! each module, the image compiled for another target ([`Images::Write`]); the runner on
//! that target then loads those images instead of compiling its own ([`Images::Read`]).
//! CI uses this to prove that images compiled on x86-64 for AArch64 run there.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use iwasm::{compile_aot, AotOptions, Arch, Error, Module};

/// Where the images of the modules a spec run loads come from or go to.
#[derive(Clone, Debug)]
pub enum Images {
    /// Run as usual, and also write each module's image for `target` to `dir`.
    Write {
        /// The directory the images go to.
        dir: PathBuf,
        /// The architecture they are compiled for.
        target: Arch,
    },
    /// Load each module's image from `dir` (written by a [`Images::Write`] run for this
    /// machine's architecture) instead of compiling it.
    Read {
        /// The directory the images come from.
        dir: PathBuf,
    },
}

impl Images {
    /// The image to run for `module` (decoded from `wasm`), compiled as `options` say: this
    /// machine's own, or the one read from the directory.
    pub(crate) fn image(
        &self,
        wasm: &[u8],
        module: &Module,
        options: &AotOptions,
    ) -> Result<Vec<u8>, Error> {
        match self {
            Images::Write { dir, target } => {
                let foreign = AotOptions {
                    target: *target,
                    ..options.clone()
                };
                let path = image_path(dir, wasm, options);
                std::fs::write(&path, compile_aot(module, &foreign)?)
                    .map_err(|e| Error::Resource(format!("{}: {e}", path.display())))?;
                compile_aot(module, options)
            }
            Images::Read { dir } => {
                let path = image_path(dir, wasm, options);
                std::fs::read(&path).map_err(|e| {
                    Error::Resource(format!("no image from the host: {}: {e}", path.display()))
                })
            }
        }
    }
}

/// The file for the image of `wasm` compiled with `options` (whatever the target): named by
/// a hash of the module and the options that change the code, the same on every 64-bit host.
fn image_path(dir: &Path, wasm: &[u8], options: &AotOptions) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    wasm.hash(&mut hasher);
    options.bounds_checks.hash(&mut hasher);
    options.opt_level.hash(&mut hasher);
    options.fuel.hash(&mut hasher);
    dir.join(format!("{:016x}.aot", hasher.finish()))
}
