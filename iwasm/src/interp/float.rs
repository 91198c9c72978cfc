//! Float operations with WebAssembly semantics (NaN propagation, signed zeros), built on `libm`
//! so they work without `std`.

use crate::error::TrapCode;

const F32_QUIET: u32 = 0x0040_0000;
const F64_QUIET: u64 = 0x0008_0000_0000_0000;

/// A NaN result derived from `a`: same payload, quiet bit set.
fn quiet32(a: f32) -> f32 {
    f32::from_bits(a.to_bits() | F32_QUIET)
}

fn quiet64(a: f64) -> f64 {
    f64::from_bits(a.to_bits() | F64_QUIET)
}

/// Applies a rounding function, returning a quiet NaN for NaN input.
fn round32(a: f32, f: fn(f32) -> f32) -> f32 {
    if a.is_nan() {
        quiet32(a)
    } else {
        f(a)
    }
}

fn round64(a: f64, f: fn(f64) -> f64) -> f64 {
    if a.is_nan() {
        quiet64(a)
    } else {
        f(a)
    }
}

/// `f32.min`: NaN if either is NaN; -0 is less than +0.
pub(crate) fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f32::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}

/// `f32.max`: NaN if either is NaN; +0 is greater than -0.
pub(crate) fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f32::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}

/// `f64.min`.
pub(crate) fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}

/// `f64.max`.
pub(crate) fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}

/// `f32.sqrt`.
pub(crate) fn f32_sqrt(a: f32) -> f32 {
    round32(a, libm::sqrtf)
}
/// `f32.ceil`.
pub(crate) fn f32_ceil(a: f32) -> f32 {
    round32(a, libm::ceilf)
}
/// `f32.floor`.
pub(crate) fn f32_floor(a: f32) -> f32 {
    round32(a, libm::floorf)
}
/// `f32.trunc`.
pub(crate) fn f32_trunc(a: f32) -> f32 {
    round32(a, libm::truncf)
}
/// `f32.nearest`: round half to even.
pub(crate) fn f32_nearest(a: f32) -> f32 {
    round32(a, libm::rintf)
}
/// `f64.sqrt`.
pub(crate) fn f64_sqrt(a: f64) -> f64 {
    round64(a, libm::sqrt)
}
/// `f64.ceil`.
pub(crate) fn f64_ceil(a: f64) -> f64 {
    round64(a, libm::ceil)
}
/// `f64.floor`.
pub(crate) fn f64_floor(a: f64) -> f64 {
    round64(a, libm::floor)
}
/// `f64.trunc`.
pub(crate) fn f64_trunc(a: f64) -> f64 {
    round64(a, libm::trunc)
}
/// `f64.nearest`: round half to even.
pub(crate) fn f64_nearest(a: f64) -> f64 {
    round64(a, libm::rint)
}

/// `f32.demote_f64`, NaNs made quiet.
pub(crate) fn f32_demote(a: f64) -> f32 {
    if a.is_nan() {
        quiet32(a as f32)
    } else {
        a as f32
    }
}

/// `f64.promote_f32`, NaNs made quiet.
pub(crate) fn f64_promote(a: f32) -> f64 {
    if a.is_nan() {
        quiet64(a as f64)
    } else {
        a as f64
    }
}

/// Checks a float-to-int truncation: NaN is an invalid conversion, values outside the open
/// interval `(lo, hi)` overflow. Returns the value to convert with `as`.
pub(crate) fn trunc_checked(a: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if a.is_nan() {
        Err(TrapCode::InvalidConversionToInteger)
    } else if a > lo && a < hi {
        Ok(a)
    } else {
        Err(TrapCode::IntegerOverflow)
    }
}

/// [`trunc_checked`] for signed 64-bit results, whose lower bound is exactly representable.
pub(crate) fn trunc_checked_i64(a: f64) -> Result<f64, TrapCode> {
    const LIMIT: f64 = 9223372036854775808.0;
    if a.is_nan() {
        Err(TrapCode::InvalidConversionToInteger)
    } else if (-LIMIT..LIMIT).contains(&a) {
        Ok(a)
    } else {
        Err(TrapCode::IntegerOverflow)
    }
}
