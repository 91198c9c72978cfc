//! `-f` support: parsing command-line arguments by a function's signature and printing its
//! results, in WAMR's formats (`wasm_application_execute_func`).
//!
//! Parameters: integers as C's `strtoul(s, 0)` reads them (decimal, `0x` hex, a leading `0`
//! meaning octal, optionally signed; negative values wrap to their two's-complement bits);
//! floats in decimal or as `nan`, `inf`, `-inf` (`nan:0x<payload>` sets a NaN's mantissa);
//! references as `null` (or a number for `externref`).
//!
//! Results: `0x<hex>:i32`, `0x<hex>:i64`, `<%.7g>:f32`, `<%.7g>:f64`, `func:ref.null`,
//! `extern:ref.null`, `0x<hex>:ref.extern`, separated by `,`.

use std::ffi::OsString;

use iwasm::{FuncType, ValType, Value};

/// The name of a value type as wasm text writes it.
pub fn type_name(ty: ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::FuncRef => "funcref",
        ValType::ExternRef => "externref",
    }
}

/// Parses `args` as the parameters of function `name` of type `ty`; the error is one line.
pub fn parse_params(name: &str, ty: &FuncType, args: &[OsString]) -> Result<Vec<Value>, String> {
    let params = ty.params();
    if args.len() != params.len() {
        let types: Vec<&str> = params.iter().map(|t| type_name(*t)).collect();
        return Err(format!(
            "function {name} takes {} argument{} ({}), got {}",
            params.len(),
            if params.len() == 1 { "" } else { "s" },
            types.join(" "),
            args.len()
        ));
    }
    params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (ty, arg))| {
            let text = arg.to_string_lossy();
            parse_value(*ty, &text).ok_or_else(|| {
                format!(
                    "argument {} of {name}: `{text}` is not a valid {}",
                    i + 1,
                    type_name(*ty)
                )
            })
        })
        .collect()
}

/// Parses one value of type `ty`; `None` if `text` is not one.
pub fn parse_value(ty: ValType, text: &str) -> Option<Value> {
    match ty {
        ValType::I32 => {
            let (negative, magnitude) = parse_int(text)?;
            let v = if negative {
                (magnitude <= 1 << 31).then(|| (magnitude as i64).wrapping_neg() as i32)?
            } else {
                u32::try_from(magnitude).ok()? as i32
            };
            Some(Value::I32(v))
        }
        ValType::I64 => {
            let (negative, magnitude) = parse_int(text)?;
            let v = if negative {
                (magnitude <= 1 << 63).then(|| (magnitude as i64).wrapping_neg())?
            } else {
                magnitude as i64
            };
            Some(Value::I64(v))
        }
        ValType::F32 => {
            let bits = match parse_nan(text, 23)? {
                Some(bits) => bits as u32,
                None => text.parse::<f32>().ok()?.to_bits(),
            };
            Some(Value::F32(bits))
        }
        ValType::F64 => {
            let bits = match parse_nan(text, 52)? {
                Some(bits) => bits,
                None => text.parse::<f64>().ok()?.to_bits(),
            };
            Some(Value::F64(bits))
        }
        ValType::FuncRef => is_null(text).then_some(Value::FuncRef(None)),
        ValType::ExternRef => {
            if is_null(text) {
                return Some(Value::ExternRef(None));
            }
            let (false, handle) = parse_int(text)? else {
                return None;
            };
            Some(Value::ExternRef(Some(u32::try_from(handle).ok()?)))
        }
    }
}

/// WAMR's spelling of a null reference.
fn is_null(text: &str) -> bool {
    text == "null" || text == "NULL"
}

/// An integer as `strtoul(text, 0)` reads it: sign and magnitude.
fn parse_int(text: &str) -> Option<(bool, u64)> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) =
        if let Some(hex) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, hex)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
    // `from_str_radix` would accept a second sign.
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((negative, u64::from_str_radix(digits, radix).ok()?))
}

/// `Some(Some(bits))` for `[+-]nan` or `[+-]nan:<payload>` (a float with `mantissa_bits` bits
/// of mantissa), `Some(None)` for anything else, `None` for a bad payload.
fn parse_nan(text: &str, mantissa_bits: u32) -> Option<Option<u64>> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if !rest.get(..3).is_some_and(|h| h.eq_ignore_ascii_case("nan")) {
        return Some(None);
    }
    let mantissa_mask = (1u64 << mantissa_bits) - 1;
    let payload = match &rest[3..] {
        "" => 1 << (mantissa_bits - 1),
        tail => {
            let (false, payload) = parse_int(tail.strip_prefix(':')?)? else {
                return None;
            };
            if payload == 0 || payload > mantissa_mask {
                return None;
            }
            payload
        }
    };
    let exponent = if mantissa_bits == 23 { 0xff } else { 0x7ff };
    let sign_shift = if mantissa_bits == 23 { 31 } else { 63 };
    Some(Some(
        (negative as u64) << sign_shift | exponent << mantissa_bits | payload,
    ))
}

/// All results on one line, WAMR style (empty for a function without results).
pub fn format_results(results: &[Value]) -> String {
    let parts: Vec<String> = results.iter().map(format_value).collect();
    parts.join(",")
}

/// One result, WAMR style: `0x2a:i32`, `1.5:f64`, ...
pub fn format_value(value: &Value) -> String {
    match *value {
        Value::I32(v) => format!("0x{:x}:i32", v as u32),
        Value::I64(v) => format!("0x{:x}:i64", v as u64),
        Value::F32(bits) => format!("{}:f32", format_g7(f32::from_bits(bits) as f64)),
        Value::F64(bits) => format!("{}:f64", format_g7(f64::from_bits(bits))),
        Value::FuncRef(None) => "func:ref.null".into(),
        // WAMR prints the function's index; the runtime API does not expose one.
        Value::FuncRef(Some(_)) => "func:ref.func".into(),
        Value::ExternRef(None) => "extern:ref.null".into(),
        Value::ExternRef(Some(handle)) => format!("0x{handle:x}:ref.extern"),
    }
}

/// `v` as C's `printf("%.7g", v)` prints it (as glibc does: `nan`, `-nan`, `inf`, `-inf`).
pub fn format_g7(v: f64) -> String {
    const PRECISION: i32 = 7;
    if v.is_nan() {
        return if v.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf" } else { "inf" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Round to PRECISION significant digits first: %g picks its style by the rounded exponent.
    let scientific = format!("{:.*e}", (PRECISION - 1) as usize, v);
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return scientific;
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..PRECISION).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{}e{sign}{:02}",
            strip_fraction_zeros(mantissa),
            exponent.abs()
        )
    } else {
        let fixed = format!("{:.*}", (PRECISION - 1 - exponent) as usize, v);
        strip_fraction_zeros(&fixed).to_owned()
    }
}

/// Drops trailing zeros of a fraction, and the point if nothing is left after it.
fn strip_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_like_strtoul() {
        assert_eq!(parse_value(ValType::I32, "42"), Some(Value::I32(42)));
        assert_eq!(parse_value(ValType::I32, "-1"), Some(Value::I32(-1)));
        assert_eq!(parse_value(ValType::I32, "0x1F"), Some(Value::I32(31)));
        assert_eq!(parse_value(ValType::I32, "-0x10"), Some(Value::I32(-16)));
        assert_eq!(parse_value(ValType::I32, "010"), Some(Value::I32(8)));
        assert_eq!(parse_value(ValType::I32, "0"), Some(Value::I32(0)));
        assert_eq!(
            parse_value(ValType::I32, "4294967295"),
            Some(Value::I32(-1))
        );
        assert_eq!(
            parse_value(ValType::I32, "-2147483648"),
            Some(Value::I32(i32::MIN))
        );
        assert_eq!(parse_value(ValType::I32, "4294967296"), None);
        assert_eq!(parse_value(ValType::I32, "-2147483649"), None);
        for bad in ["", "-", "0x", "12a", "--1", "+-1", "08", "1.0", " 1"] {
            assert_eq!(parse_value(ValType::I32, bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_value(ValType::I64, "-9223372036854775808"),
            Some(Value::I64(i64::MIN))
        );
        assert_eq!(
            parse_value(ValType::I64, "0xffffffffffffffff"),
            Some(Value::I64(-1))
        );
    }

    #[test]
    fn floats() {
        assert_eq!(parse_value(ValType::F64, "1.5"), Some(Value::from_f64(1.5)));
        assert_eq!(parse_value(ValType::F32, "-2"), Some(Value::from_f32(-2.0)));
        assert_eq!(
            parse_value(ValType::F64, "-inf"),
            Some(Value::from_f64(f64::NEG_INFINITY))
        );
        assert_eq!(
            parse_value(ValType::F32, "inf"),
            Some(Value::from_f32(f32::INFINITY))
        );
        assert_eq!(
            parse_value(ValType::F32, "nan"),
            Some(Value::F32(0x7fc0_0000))
        );
        assert_eq!(
            parse_value(ValType::F32, "-nan"),
            Some(Value::F32(0xffc0_0000))
        );
        assert_eq!(
            parse_value(ValType::F64, "nan:0x1"),
            Some(Value::F64(0x7ff0_0000_0000_0001))
        );
        assert_eq!(parse_value(ValType::F32, "nan:0x800000"), None);
        assert_eq!(parse_value(ValType::F64, "1.5x"), None);
    }

    #[test]
    fn references() {
        assert_eq!(
            parse_value(ValType::FuncRef, "null"),
            Some(Value::FuncRef(None))
        );
        assert_eq!(parse_value(ValType::FuncRef, "3"), None);
        assert_eq!(
            parse_value(ValType::ExternRef, "0x10"),
            Some(Value::ExternRef(Some(16)))
        );
    }

    #[test]
    fn results_like_wamr() {
        assert_eq!(format_results(&[Value::I32(42)]), "0x2a:i32");
        assert_eq!(format_results(&[Value::I32(-3)]), "0xfffffffd:i32");
        assert_eq!(
            format_results(&[Value::I64(-1), Value::from_f64(1.5), Value::from_f32(0.1)]),
            "0xffffffffffffffff:i64,1.5:f64,0.1:f32"
        );
        assert_eq!(format_results(&[]), "");
    }

    #[test]
    fn percent_g7() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (100.0, "100"),
            (1234567.0, "1234567"),
            (12345678.0, "1.234568e+07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (std::f64::consts::PI, "3.141593"),
            (-2.5e-300, "-2.5e-300"),
            (1e100, "1e+100"),
            (9999999.5, "1e+07"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            (0.1f32 as f64, "0.1"),
        ];
        for (v, want) in cases {
            assert_eq!(format_g7(v), want, "{v:e}");
        }
    }
}
