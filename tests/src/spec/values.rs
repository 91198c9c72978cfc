//! Conversion of wast constants to iwasm values and matching of expected results.

use iwasm::Value;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{WastArg, WastRet};

/// Bits that must be set in a quiet ("arithmetic") f32 NaN: all-ones exponent and quiet bit.
const F32_QUIET_NAN: u32 = 0x7fc0_0000;
/// Bits that must be set in a quiet ("arithmetic") f64 NaN.
const F64_QUIET_NAN: u64 = 0x7ff8_0000_0000_0000;

/// Converts an `invoke` argument to a value.
pub(crate) fn to_value(arg: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(core) = arg else {
        return Err("component-model argument".to_string());
    };
    match core {
        WastArgCore::I32(v) => Ok(Value::I32(*v)),
        WastArgCore::I64(v) => Ok(Value::I64(*v)),
        WastArgCore::F32(v) => Ok(Value::F32(v.bits)),
        WastArgCore::F64(v) => Ok(Value::F64(v.bits)),
        WastArgCore::RefNull(HeapType::Abstract { ty, .. }) => match ty {
            AbstractHeapType::Func => Ok(Value::FuncRef(None)),
            AbstractHeapType::Extern => Ok(Value::ExternRef(None)),
            _ => Err(format!("unsupported argument ref.null {ty:?}")),
        },
        WastArgCore::RefExtern(n) => Ok(Value::ExternRef(Some(*n))),
        other => Err(format!("unsupported argument {other:?}")),
    }
}

/// Whether `actual` matches the expected result `expected`.
pub(crate) fn result_matches(expected: &WastRet<'_>, actual: &Value) -> bool {
    match expected {
        WastRet::Core(core) => matches_core(core, actual),
        _ => false,
    }
}

fn matches_core(expected: &WastRetCore<'_>, actual: &Value) -> bool {
    match (expected, actual) {
        (WastRetCore::I32(e), Value::I32(a)) => e == a,
        (WastRetCore::I64(e), Value::I64(a)) => e == a,
        (WastRetCore::F32(e), Value::F32(a)) => matches_f32(e, *a),
        (WastRetCore::F64(e), Value::F64(a)) => matches_f64(e, *a),
        (WastRetCore::RefNull(ty), actual) => is_null_of(ty.as_ref(), actual),
        (WastRetCore::RefExtern(e), Value::ExternRef(Some(a))) => e.is_none_or(|e| e == *a),
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(alternatives), actual) => {
            alternatives.iter().any(|e| matches_core(e, actual))
        }
        _ => false,
    }
}

fn matches_f32(expected: &NanPattern<F32>, bits: u32) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & !(1 << 31) == F32_QUIET_NAN,
        NanPattern::ArithmeticNan => bits & F32_QUIET_NAN == F32_QUIET_NAN,
        NanPattern::Value(e) => e.bits == bits,
    }
}

fn matches_f64(expected: &NanPattern<F64>, bits: u64) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & !(1 << 63) == F64_QUIET_NAN,
        NanPattern::ArithmeticNan => bits & F64_QUIET_NAN == F64_QUIET_NAN,
        NanPattern::Value(e) => e.bits == bits,
    }
}

/// `ref.null` without a type matches any null reference.
fn is_null_of(ty: Option<&HeapType<'_>>, actual: &Value) -> bool {
    let abstract_ty = match ty {
        None => return matches!(actual, Value::FuncRef(None) | Value::ExternRef(None)),
        Some(HeapType::Abstract { ty, .. }) => ty,
        Some(_) => return false,
    };
    match abstract_ty {
        AbstractHeapType::Func => matches!(actual, Value::FuncRef(None)),
        AbstractHeapType::Extern => matches!(actual, Value::ExternRef(None)),
        _ => false,
    }
}

/// A short text form of a value, e.g. `i32:-1` or `f32:nan (0x7fc00000)`.
pub(crate) fn describe_value(value: &Value) -> String {
    match value {
        Value::I32(v) => format!("i32:{v}"),
        Value::I64(v) => format!("i64:{v}"),
        Value::F32(bits) => format!("f32:{} (0x{bits:08x})", f32::from_bits(*bits)),
        Value::F64(bits) => format!("f64:{} (0x{bits:016x})", f64::from_bits(*bits)),
        Value::FuncRef(None) => "ref.null func".to_string(),
        Value::FuncRef(Some(_)) => "ref.func".to_string(),
        Value::ExternRef(None) => "ref.null extern".to_string(),
        Value::ExternRef(Some(n)) => format!("ref.extern {n}"),
    }
}

/// A short text form of an expected result, in the style of [`describe_value`].
pub(crate) fn describe_expected(expected: &WastRet<'_>) -> String {
    let WastRet::Core(core) = expected else {
        return "component-model value".to_string();
    };
    match core {
        WastRetCore::I32(v) => format!("i32:{v}"),
        WastRetCore::I64(v) => format!("i64:{v}"),
        WastRetCore::F32(pattern) => describe_pattern("f32", pattern, |v| Value::F32(v.bits)),
        WastRetCore::F64(pattern) => describe_pattern("f64", pattern, |v| Value::F64(v.bits)),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })) => {
            format!("ref.null {ty:?}").to_lowercase()
        }
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        other => format!("{other:?}"),
    }
}

fn describe_pattern<T>(ty: &str, pattern: &NanPattern<T>, value: impl Fn(&T) -> Value) -> String {
    match pattern {
        NanPattern::CanonicalNan => format!("{ty}:nan:canonical"),
        NanPattern::ArithmeticNan => format!("{ty}:nan:arithmetic"),
        NanPattern::Value(v) => describe_value(&value(v)),
    }
}

/// Renders a list of values as `[i32:1, f32:2 (0x40000000)]`.
pub(crate) fn describe_values(values: &[Value]) -> String {
    let items: Vec<String> = values.iter().map(describe_value).collect();
    format!("[{}]", items.join(", "))
}

/// Renders a list of expected results in the style of [`describe_values`].
pub(crate) fn describe_expected_list(expected: &[WastRet<'_>]) -> String {
    let items: Vec<String> = expected.iter().map(describe_expected).collect();
    format!("[{}]", items.join(", "))
}
