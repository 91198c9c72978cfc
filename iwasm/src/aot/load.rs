//! Loading an image: its container and target checked (`format`, `target`), the wasm
//! features it needs, every index and range of its metadata, then its code mapped executable
//! and handed to the runtime as the module's native code.

use alloc::boxed::Box;
use alloc::string::String;

use iwasm_platforms::memory::Region;

use super::format::{decode, invalid, Image};
use super::{features, target::BoundsChecks};
use crate::error::Error;
use crate::loader::{check, ModuleInfo, NativeCode};

/// Loads an AOT image: checks it, maps its code executable and returns the module.
pub(crate) fn load(bytes: &[u8]) -> Result<ModuleInfo, Error> {
    let image = decode(bytes)?;
    if let Some(mismatch) = image.target.mismatch() {
        return Err(Error::Unsupported(mismatch));
    }
    let unknown = (image.wasm_features.iter()).find(|f| !features::SUPPORTED.contains(&f.as_str()));
    if let Some(feature) = unknown {
        return Err(Error::Unsupported(alloc::format!(
            "the AOT image uses wasm feature {feature}, which this runtime does not run"
        )));
    }
    check_metadata(&image).map_err(|why| invalid(&why))?;
    let guard_pages = matches!(image.target.bounds, BoundsChecks::GuardPages { .. });
    let native = map_code(image.code, &image.functions, guard_pages, image.fuel)?;
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
fn map_code(
    code: &[u8],
    functions: &[(u32, u32)],
    guard_pages: bool,
    fuel: bool,
) -> Result<NativeCode, Error> {
    let region = Region::with_code(code)
        .map_err(|e| Error::Resource(alloc::format!("cannot map AOT code: {e}")))?;
    let base = region.as_ptr() as *const u8;
    Ok(NativeCode {
        // SAFETY: every offset was checked to lie within the code.
        functions: functions
            .iter()
            .map(|(o, l)| (unsafe { base.add(*o as usize) }, *l as usize))
            .collect(),
        guard_pages,
        fuel,
        _memory: Box::new(region),
    })
}
