//! The image container: the 8-byte header `\0aot` + format version (u16 LE) + 2 zero bytes;
//! the payload, an [`Image`] in postcard; the trailer, the xxh3-64 hash (u64 LE) of header
//! and payload. A reader accepts the versions in [`SUPPORTED_VERSIONS`] and checks the hash
//! before it decodes anything.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use super::target::Target;
use crate::error::Error;
use crate::loader::ModuleInfo;

/// The first bytes of every AOT image.
pub(crate) const MAGIC: [u8; 4] = *b"\0aot";
/// The format version this runtime writes.
#[cfg(iwasm_compiler)]
pub(crate) const VERSION: u16 = 3;
/// The format versions this runtime reads (an image of another version is refused with the
/// range it supports). Version 1 was the first cut's, never released; version 2's code has no
/// interrupt checks, so it could not be stopped, nor fuel metering.
pub(crate) const SUPPORTED_VERSIONS: core::ops::RangeInclusive<u16> = 3..=3;
/// Header bytes before the payload.
const HEADER: usize = 8;
/// Trailer bytes after the payload.
const TRAILER: usize = 8;

/// The payload of an image, as written (borrowing what it writes; the same fields as
/// [`Image`], in the same order).
#[cfg(iwasm_compiler)]
#[derive(serde::Serialize)]
pub(crate) struct ImageOut<'a> {
    pub target: &'a Target,
    pub wasm_features: Vec<String>,
    pub opt_level: u8,
    pub fuel: bool,
    pub source_hash: u64,
    pub module: &'a ModuleInfo,
    pub code: &'a [u8],
    pub functions: &'a [(u32, u32)],
}

/// The payload of an image, as read (the code borrowed from the file's bytes).
#[derive(Deserialize)]
#[cfg_attr(
    not(iwasm_aot),
    allow(
        dead_code,
        reason = "a build that runs no compiled code checks the target only"
    )
)]
pub(crate) struct Image<'a> {
    pub target: Target,
    /// The wasm features (proposals) the module uses, by name (see `features::SUPPORTED`).
    pub wasm_features: Vec<String>,
    /// The `--opt-level` the image was compiled at.
    #[allow(
        dead_code,
        reason = "for tools describing an image; loading needs none"
    )]
    pub opt_level: u8,
    /// Whether the code meters fuel (`wamrc --fuel`): it runs only in stores that do.
    pub fuel: bool,
    /// xxh3-64 of the wasm module the image was compiled from.
    #[allow(
        dead_code,
        reason = "for tools matching an image to its source; loading needs none"
    )]
    pub source_hash: u64,
    /// The module's metadata, validated when the image was made.
    pub module: ModuleInfo,
    /// Machine code of every defined function, back to back, with every direct call linked.
    #[serde(borrow)]
    pub code: &'a [u8],
    /// Each defined function's `(offset, length)` in `code`.
    pub functions: Vec<(u32, u32)>,
}

/// The image bytes holding `payload`.
#[cfg(iwasm_compiler)]
pub(crate) fn encode(payload: &ImageOut<'_>) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::from(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    let mut bytes = postcard::to_extend(payload, bytes)
        .map_err(|e| Error::Resource(alloc::format!("cannot serialise the image: {e}")))?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    bytes.extend_from_slice(&hash.to_le_bytes());
    Ok(bytes)
}

/// The payload of image `bytes`, once its magic, version and hash are checked.
pub(crate) fn decode(bytes: &[u8]) -> Result<Image<'_>, Error> {
    if !bytes.starts_with(&MAGIC) || bytes.len() < HEADER + TRAILER {
        return Err(invalid("too short or no AOT magic"));
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
        return Err(invalid("integrity hash mismatch (the file is corrupt)"));
    }
    postcard::from_bytes(&body[HEADER..]).map_err(|e| invalid(&alloc::format!("{e}")))
}

/// A load error for an image that is not well formed.
pub(crate) fn invalid(why: &str) -> Error {
    Error::Load(alloc::format!("invalid AOT image: {why}"))
}
