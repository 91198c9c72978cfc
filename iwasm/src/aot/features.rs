//! The WebAssembly features (post-MVP proposals) a module uses, as an AOT image records them:
//! by name, so that a runtime can refuse an image needing a feature it does not run, naming
//! it, even when the name is newer than the runtime.

/// The features this runtime runs (WebAssembly 2.0 without SIMD), by name.
pub(crate) const SUPPORTED: [&str; 6] = [
    "mutable-global",
    "sign-extension",
    "saturating-float-to-int",
    "multi-value",
    "bulk-memory",
    "reference-types",
];
