//! The interpreter's internal instruction set, declared once.
//!
//! [`for_each_op!`] is the single list of internal ops. Each family gives the shape of its
//! operands; the simple families also give their semantics as a closure. The [`Instr`] enum is
//! generated from this list here, and the dispatch loop's handlers are generated from the same
//! list in `exec.rs`, so an op's encoding and behaviour cannot drift apart.
//!
//! Operands are frame slots (`Slot`, an index into the current function's frame of 64-bit
//! cells). Branch targets are `Offset`s relative to the branch instruction itself.

/// Index of a 64-bit cell in the current frame.
pub(crate) type Slot = u32;
/// Branch distance in instructions, relative to the branch.
pub(crate) type Offset = i32;

/// The list of every internal op; calls `$m! { $args ; families... }`.
macro_rules! for_each_op {
    ($m:ident ! { $($args:tt)* }) => {
        $m! { { $($args)* }
        // dst = f(lhs, rhs)
        binary {
            I32Add(i32, i32) = |a: i32, b: i32| a.wrapping_add(b);
            I32Sub(i32, i32) = |a: i32, b: i32| a.wrapping_sub(b);
            I32Mul(i32, i32) = |a: i32, b: i32| a.wrapping_mul(b);
            I32And(i32, i32) = |a: i32, b: i32| a & b;
            I32Or(i32, i32) = |a: i32, b: i32| a | b;
            I32Xor(i32, i32) = |a: i32, b: i32| a ^ b;
            I32Shl(i32, i32) = |a: i32, b: i32| a.wrapping_shl(b as u32);
            I32ShrS(i32, i32) = |a: i32, b: i32| a.wrapping_shr(b as u32);
            I32ShrU(u32, u32) = |a: u32, b: u32| a.wrapping_shr(b);
            I32Rotl(u32, u32) = |a: u32, b: u32| a.rotate_left(b);
            I32Rotr(u32, u32) = |a: u32, b: u32| a.rotate_right(b);
            I32Eq(i32, i32) = |a: i32, b: i32| a == b;
            I32Ne(i32, i32) = |a: i32, b: i32| a != b;
            I32LtS(i32, i32) = |a: i32, b: i32| a < b;
            I32LtU(u32, u32) = |a: u32, b: u32| a < b;
            I32GtS(i32, i32) = |a: i32, b: i32| a > b;
            I32GtU(u32, u32) = |a: u32, b: u32| a > b;
            I32LeS(i32, i32) = |a: i32, b: i32| a <= b;
            I32LeU(u32, u32) = |a: u32, b: u32| a <= b;
            I32GeS(i32, i32) = |a: i32, b: i32| a >= b;
            I32GeU(u32, u32) = |a: u32, b: u32| a >= b;
            I64Add(i64, i64) = |a: i64, b: i64| a.wrapping_add(b);
            I64Sub(i64, i64) = |a: i64, b: i64| a.wrapping_sub(b);
            I64Mul(i64, i64) = |a: i64, b: i64| a.wrapping_mul(b);
            I64And(i64, i64) = |a: i64, b: i64| a & b;
            I64Or(i64, i64) = |a: i64, b: i64| a | b;
            I64Xor(i64, i64) = |a: i64, b: i64| a ^ b;
            I64Shl(i64, i64) = |a: i64, b: i64| a.wrapping_shl(b as u32);
            I64ShrS(i64, i64) = |a: i64, b: i64| a.wrapping_shr(b as u32);
            I64ShrU(u64, u64) = |a: u64, b: u64| a.wrapping_shr(b as u32);
            I64Rotl(u64, u64) = |a: u64, b: u64| a.rotate_left(b as u32);
            I64Rotr(u64, u64) = |a: u64, b: u64| a.rotate_right(b as u32);
            I64Eq(i64, i64) = |a: i64, b: i64| a == b;
            I64Ne(i64, i64) = |a: i64, b: i64| a != b;
            I64LtS(i64, i64) = |a: i64, b: i64| a < b;
            I64LtU(u64, u64) = |a: u64, b: u64| a < b;
            I64GtS(i64, i64) = |a: i64, b: i64| a > b;
            I64GtU(u64, u64) = |a: u64, b: u64| a > b;
            I64LeS(i64, i64) = |a: i64, b: i64| a <= b;
            I64LeU(u64, u64) = |a: u64, b: u64| a <= b;
            I64GeS(i64, i64) = |a: i64, b: i64| a >= b;
            I64GeU(u64, u64) = |a: u64, b: u64| a >= b;
            F32Add(f32, f32) = |a: f32, b: f32| a + b;
            F32Sub(f32, f32) = |a: f32, b: f32| a - b;
            F32Mul(f32, f32) = |a: f32, b: f32| a * b;
            F32Div(f32, f32) = |a: f32, b: f32| a / b;
            F32Min(f32, f32) = crate::interp::float::f32_min;
            F32Max(f32, f32) = crate::interp::float::f32_max;
            F32Copysign(u32, u32) = |a: u32, b: u32| (a & 0x7fff_ffff) | (b & 0x8000_0000);
            F32Eq(f32, f32) = |a: f32, b: f32| a == b;
            F32Ne(f32, f32) = |a: f32, b: f32| a != b;
            F32Lt(f32, f32) = |a: f32, b: f32| a < b;
            F32Gt(f32, f32) = |a: f32, b: f32| a > b;
            F32Le(f32, f32) = |a: f32, b: f32| a <= b;
            F32Ge(f32, f32) = |a: f32, b: f32| a >= b;
            F64Add(f64, f64) = |a: f64, b: f64| a + b;
            F64Sub(f64, f64) = |a: f64, b: f64| a - b;
            F64Mul(f64, f64) = |a: f64, b: f64| a * b;
            F64Div(f64, f64) = |a: f64, b: f64| a / b;
            F64Min(f64, f64) = crate::interp::float::f64_min;
            F64Max(f64, f64) = crate::interp::float::f64_max;
            F64Copysign(u64, u64) = |a: u64, b: u64| (a & !(1 << 63)) | (b & (1 << 63));
            F64Eq(f64, f64) = |a: f64, b: f64| a == b;
            F64Ne(f64, f64) = |a: f64, b: f64| a != b;
            F64Lt(f64, f64) = |a: f64, b: f64| a < b;
            F64Gt(f64, f64) = |a: f64, b: f64| a > b;
            F64Le(f64, f64) = |a: f64, b: f64| a <= b;
            F64Ge(f64, f64) = |a: f64, b: f64| a >= b;
        }
        // dst = f(lhs, rhs)?  (may trap)
        binary_trap {
            I32DivS(i32, i32) = |a: i32, b: i32| match (a, b) {
                (_, 0) => Err(crate::error::TrapCode::IntegerDivideByZero),
                (i32::MIN, -1) => Err(crate::error::TrapCode::IntegerOverflow),
                _ => Ok(a / b),
            };
            I32DivU(u32, u32) = |a: u32, b: u32| a.checked_div(b).ok_or(crate::error::TrapCode::IntegerDivideByZero);
            I32RemS(i32, i32) = |a: i32, b: i32| if b == 0 { Err(crate::error::TrapCode::IntegerDivideByZero) } else { Ok(a.wrapping_rem(b)) };
            I32RemU(u32, u32) = |a: u32, b: u32| a.checked_rem(b).ok_or(crate::error::TrapCode::IntegerDivideByZero);
            I64DivS(i64, i64) = |a: i64, b: i64| match (a, b) {
                (_, 0) => Err(crate::error::TrapCode::IntegerDivideByZero),
                (i64::MIN, -1) => Err(crate::error::TrapCode::IntegerOverflow),
                _ => Ok(a / b),
            };
            I64DivU(u64, u64) = |a: u64, b: u64| a.checked_div(b).ok_or(crate::error::TrapCode::IntegerDivideByZero);
            I64RemS(i64, i64) = |a: i64, b: i64| if b == 0 { Err(crate::error::TrapCode::IntegerDivideByZero) } else { Ok(a.wrapping_rem(b)) };
            I64RemU(u64, u64) = |a: u64, b: u64| a.checked_rem(b).ok_or(crate::error::TrapCode::IntegerDivideByZero);
        }
        // dst = f(lhs, imm)  with a sign-extended 32-bit immediate
        binary_imm {
            I32AddImm(i32) = |a: i32, b: i32| a.wrapping_add(b);
            I32MulImm(i32) = |a: i32, b: i32| a.wrapping_mul(b);
            I32AndImm(i32) = |a: i32, b: i32| a & b;
            I32OrImm(i32) = |a: i32, b: i32| a | b;
            I32XorImm(i32) = |a: i32, b: i32| a ^ b;
            I32ShlImm(i32) = |a: i32, b: i32| a.wrapping_shl(b as u32);
            I32ShrSImm(i32) = |a: i32, b: i32| a.wrapping_shr(b as u32);
            I32ShrUImm(u32) = |a: u32, b: i32| a.wrapping_shr(b as u32);
            I32EqImm(i32) = |a: i32, b: i32| a == b;
            I32NeImm(i32) = |a: i32, b: i32| a != b;
            I32LtSImm(i32) = |a: i32, b: i32| a < b;
            I32LtUImm(u32) = |a: u32, b: i32| a < b as u32;
            I32GtSImm(i32) = |a: i32, b: i32| a > b;
            I32GtUImm(u32) = |a: u32, b: i32| a > b as u32;
            I32LeSImm(i32) = |a: i32, b: i32| a <= b;
            I32LeUImm(u32) = |a: u32, b: i32| a <= b as u32;
            I32GeSImm(i32) = |a: i32, b: i32| a >= b;
            I32GeUImm(u32) = |a: u32, b: i32| a >= b as u32;
            I64AddImm(i64) = |a: i64, b: i32| a.wrapping_add(b as i64);
            I64MulImm(i64) = |a: i64, b: i32| a.wrapping_mul(b as i64);
            I64AndImm(i64) = |a: i64, b: i32| a & b as i64;
            I64OrImm(i64) = |a: i64, b: i32| a | b as i64;
            I64XorImm(i64) = |a: i64, b: i32| a ^ b as i64;
            I64ShlImm(i64) = |a: i64, b: i32| a.wrapping_shl(b as u32);
            I64ShrSImm(i64) = |a: i64, b: i32| a.wrapping_shr(b as u32);
            I64ShrUImm(u64) = |a: u64, b: i32| a.wrapping_shr(b as u32);
            I64EqImm(i64) = |a: i64, b: i32| a == b as i64;
            I64NeImm(i64) = |a: i64, b: i32| a != b as i64;
            I64LtSImm(i64) = |a: i64, b: i32| a < b as i64;
            I64LtUImm(u64) = |a: u64, b: i32| a < b as i64 as u64;
            I64GtSImm(i64) = |a: i64, b: i32| a > b as i64;
            I64GtUImm(u64) = |a: u64, b: i32| a > b as i64 as u64;
            I64LeSImm(i64) = |a: i64, b: i32| a <= b as i64;
            I64LeUImm(u64) = |a: u64, b: i32| a <= b as i64 as u64;
            I64GeSImm(i64) = |a: i64, b: i32| a >= b as i64;
            I64GeUImm(u64) = |a: u64, b: i32| a >= b as i64 as u64;
        }
        // dst = f(src)
        unary {
            Copy(u64) = |a: u64| a;
            I32Eqz(i32) = |a: i32| a == 0;
            I32Clz(i32) = |a: i32| a.leading_zeros() as i32;
            I32Ctz(i32) = |a: i32| a.trailing_zeros() as i32;
            I32Popcnt(i32) = |a: i32| a.count_ones() as i32;
            I64Eqz(i64) = |a: i64| a == 0;
            I64Clz(i64) = |a: i64| a.leading_zeros() as i64;
            I64Ctz(i64) = |a: i64| a.trailing_zeros() as i64;
            I64Popcnt(i64) = |a: i64| a.count_ones() as i64;
            I32Extend8S(i32) = |a: i32| a as i8 as i32;
            I32Extend16S(i32) = |a: i32| a as i16 as i32;
            I64Extend8S(i64) = |a: i64| a as i8 as i64;
            I64Extend16S(i64) = |a: i64| a as i16 as i64;
            I64Extend32S(i64) = |a: i64| a as i32 as i64;
            I64ExtendI32S(i32) = |a: i32| a as i64;
            I64ExtendI32U(u32) = |a: u32| a as u64;
            F32Abs(u32) = |a: u32| a & 0x7fff_ffff;
            F32Neg(u32) = |a: u32| a ^ 0x8000_0000;
            F32Sqrt(f32) = crate::interp::float::f32_sqrt;
            F32Ceil(f32) = crate::interp::float::f32_ceil;
            F32Floor(f32) = crate::interp::float::f32_floor;
            F32Trunc(f32) = crate::interp::float::f32_trunc;
            F32Nearest(f32) = crate::interp::float::f32_nearest;
            F64Abs(u64) = |a: u64| a & !(1 << 63);
            F64Neg(u64) = |a: u64| a ^ (1 << 63);
            F64Sqrt(f64) = crate::interp::float::f64_sqrt;
            F64Ceil(f64) = crate::interp::float::f64_ceil;
            F64Floor(f64) = crate::interp::float::f64_floor;
            F64Trunc(f64) = crate::interp::float::f64_trunc;
            F64Nearest(f64) = crate::interp::float::f64_nearest;
            F32ConvertI32S(i32) = |a: i32| a as f32;
            F32ConvertI32U(u32) = |a: u32| a as f32;
            F32ConvertI64S(i64) = |a: i64| a as f32;
            F32ConvertI64U(u64) = |a: u64| a as f32;
            F32DemoteF64(f64) = crate::interp::float::f32_demote;
            F64ConvertI32S(i32) = |a: i32| a as f64;
            F64ConvertI32U(u32) = |a: u32| a as f64;
            F64ConvertI64S(i64) = |a: i64| a as f64;
            F64ConvertI64U(u64) = |a: u64| a as f64;
            F64PromoteF32(f32) = crate::interp::float::f64_promote;
            I32TruncSatF32S(f32) = |a: f32| a as i32;
            I32TruncSatF32U(f32) = |a: f32| a as u32;
            I32TruncSatF64S(f64) = |a: f64| a as i32;
            I32TruncSatF64U(f64) = |a: f64| a as u32;
            I64TruncSatF32S(f32) = |a: f32| a as i64;
            I64TruncSatF32U(f32) = |a: f32| a as u64;
            I64TruncSatF64S(f64) = |a: f64| a as i64;
            I64TruncSatF64U(f64) = |a: f64| a as u64;
        }
        // dst = f(src)?  (may trap)
        unary_trap {
            I32TruncF32S(f32) = |a: f32| crate::interp::float::trunc_checked(a as f64, -2147483649.0, 2147483648.0).map(|v| v as i32);
            I32TruncF32U(f32) = |a: f32| crate::interp::float::trunc_checked(a as f64, -1.0, 4294967296.0).map(|v| v as u32);
            I32TruncF64S(f64) = |a: f64| crate::interp::float::trunc_checked(a, -2147483649.0, 2147483648.0).map(|v| v as i32);
            I32TruncF64U(f64) = |a: f64| crate::interp::float::trunc_checked(a, -1.0, 4294967296.0).map(|v| v as u32);
            I64TruncF32S(f32) = |a: f32| crate::interp::float::trunc_checked_i64(a as f64).map(|v| v as i64);
            I64TruncF32U(f32) = |a: f32| crate::interp::float::trunc_checked(a as f64, -1.0, 18446744073709551616.0).map(|v| v as u64);
            I64TruncF64S(f64) = |a: f64| crate::interp::float::trunc_checked_i64(a).map(|v| v as i64);
            I64TruncF64U(f64) = |a: f64| crate::interp::float::trunc_checked(a, -1.0, 18446744073709551616.0).map(|v| v as u64);
        }
        // dst = f(load::<mem type>(addr + offset))
        load {
            I32Load(i32) = |v: i32| v;
            I64Load(i64) = |v: i64| v;
            I32Load8S(i8) = |v: i8| v as i32;
            I32Load8U(u8) = |v: u8| v as u32;
            I32Load16S(i16) = |v: i16| v as i32;
            I32Load16U(u16) = |v: u16| v as u32;
            I64Load8S(i8) = |v: i8| v as i64;
            I64Load8U(u8) = |v: u8| v as u64;
            I64Load16S(i16) = |v: i16| v as i64;
            I64Load16U(u16) = |v: u16| v as u64;
            I64Load32S(i32) = |v: i32| v as i64;
            I64Load32U(u32) = |v: u32| v as u64;
        }
        // store::<mem type>(addr + offset, f(val))
        store {
            I32Store(u32) = |v: u64| v as u32;
            I64Store(u64) = |v: u64| v;
            I32Store8(u8) = |v: u64| v as u8;
            I32Store16(u16) = |v: u64| v as u16;
            I64Store8(u8) = |v: u64| v as u8;
            I64Store16(u16) = |v: u64| v as u16;
            I64Store32(u32) = |v: u64| v as u32;
        }
        // if f(cond) { pc += target }
        branch_unary {
            BrNez(u32) = |a: u32| a != 0;
            BrEqz(u32) = |a: u32| a == 0;
            BrNez64(u64) = |a: u64| a != 0;
            BrEqz64(u64) = |a: u64| a == 0;
        }
        // if f(lhs, rhs) { pc += target }
        branch_binary {
            BrI32Eq(i32, i32) = |a: i32, b: i32| a == b;
            BrI32Ne(i32, i32) = |a: i32, b: i32| a != b;
            BrI32LtS(i32, i32) = |a: i32, b: i32| a < b;
            BrI32LtU(u32, u32) = |a: u32, b: u32| a < b;
            BrI32GtS(i32, i32) = |a: i32, b: i32| a > b;
            BrI32GtU(u32, u32) = |a: u32, b: u32| a > b;
            BrI32LeS(i32, i32) = |a: i32, b: i32| a <= b;
            BrI32LeU(u32, u32) = |a: u32, b: u32| a <= b;
            BrI32GeS(i32, i32) = |a: i32, b: i32| a >= b;
            BrI32GeU(u32, u32) = |a: u32, b: u32| a >= b;
            BrI64Eq(i64, i64) = |a: i64, b: i64| a == b;
            BrI64Ne(i64, i64) = |a: i64, b: i64| a != b;
            BrI64LtS(i64, i64) = |a: i64, b: i64| a < b;
            BrI64LtU(u64, u64) = |a: u64, b: u64| a < b;
            BrI64GtS(i64, i64) = |a: i64, b: i64| a > b;
            BrI64GtU(u64, u64) = |a: u64, b: u64| a > b;
            BrI64LeS(i64, i64) = |a: i64, b: i64| a <= b;
            BrI64LeU(u64, u64) = |a: u64, b: u64| a <= b;
            BrI64GeS(i64, i64) = |a: i64, b: i64| a >= b;
            BrI64GeU(u64, u64) = |a: u64, b: u64| a >= b;
            BrI32AndNez(u32, u32) = |a: u32, b: u32| a & b != 0;
            BrI32AndEqz(u32, u32) = |a: u32, b: u32| a & b == 0;
            BrI64AndNez(u64, u64) = |a: u64, b: u64| a & b != 0;
            BrI64AndEqz(u64, u64) = |a: u64, b: u64| a & b == 0;
            BrF32Eq(f32, f32) = |a: f32, b: f32| a == b;
            BrF32Ne(f32, f32) = |a: f32, b: f32| a != b;
            BrF32Lt(f32, f32) = |a: f32, b: f32| a < b;
            BrF32Gt(f32, f32) = |a: f32, b: f32| a > b;
            BrF32Le(f32, f32) = |a: f32, b: f32| a <= b;
            BrF32Ge(f32, f32) = |a: f32, b: f32| a >= b;
            BrF32NotLt(f32, f32) = |a: f32, b: f32| !(a < b);
            BrF32NotGt(f32, f32) = |a: f32, b: f32| !(a > b);
            BrF32NotLe(f32, f32) = |a: f32, b: f32| !(a <= b);
            BrF32NotGe(f32, f32) = |a: f32, b: f32| !(a >= b);
            BrF64Eq(f64, f64) = |a: f64, b: f64| a == b;
            BrF64Ne(f64, f64) = |a: f64, b: f64| a != b;
            BrF64Lt(f64, f64) = |a: f64, b: f64| a < b;
            BrF64Gt(f64, f64) = |a: f64, b: f64| a > b;
            BrF64Le(f64, f64) = |a: f64, b: f64| a <= b;
            BrF64Ge(f64, f64) = |a: f64, b: f64| a >= b;
            BrF64NotLt(f64, f64) = |a: f64, b: f64| !(a < b);
            BrF64NotGt(f64, f64) = |a: f64, b: f64| !(a > b);
            BrF64NotLe(f64, f64) = |a: f64, b: f64| !(a <= b);
            BrF64NotGe(f64, f64) = |a: f64, b: f64| !(a >= b);
        }
        // if f(lhs, imm) { pc += target }
        branch_imm {
            BrI32EqImm(i32) = |a: i32, b: i32| a == b;
            BrI32NeImm(i32) = |a: i32, b: i32| a != b;
            BrI32LtSImm(i32) = |a: i32, b: i32| a < b;
            BrI32LtUImm(u32) = |a: u32, b: i32| a < b as u32;
            BrI32GtSImm(i32) = |a: i32, b: i32| a > b;
            BrI32GtUImm(u32) = |a: u32, b: i32| a > b as u32;
            BrI32LeSImm(i32) = |a: i32, b: i32| a <= b;
            BrI32LeUImm(u32) = |a: u32, b: i32| a <= b as u32;
            BrI32GeSImm(i32) = |a: i32, b: i32| a >= b;
            BrI32GeUImm(u32) = |a: u32, b: i32| a >= b as u32;
            BrI64EqImm(i64) = |a: i64, b: i32| a == b as i64;
            BrI64NeImm(i64) = |a: i64, b: i32| a != b as i64;
            BrI64LtSImm(i64) = |a: i64, b: i32| a < b as i64;
            BrI64LtUImm(u64) = |a: u64, b: i32| a < b as i64 as u64;
            BrI64GtSImm(i64) = |a: i64, b: i32| a > b as i64;
            BrI64GtUImm(u64) = |a: u64, b: i32| a > b as i64 as u64;
            BrI64LeSImm(i64) = |a: i64, b: i32| a <= b as i64;
            BrI64LeUImm(u64) = |a: u64, b: i32| a <= b as i64 as u64;
            BrI64GeSImm(i64) = |a: i64, b: i32| a >= b as i64;
            BrI64GeUImm(u64) = |a: u64, b: i32| a >= b as i64 as u64;
            BrI32AndImmNez(u32) = |a: u32, b: i32| a & b as u32 != 0;
            BrI32AndImmEqz(u32) = |a: u32, b: i32| a & b as u32 == 0;
            BrI64AndImmNez(u64) = |a: u64, b: i32| a & b as i64 as u64 != 0;
            BrI64AndImmEqz(u64) = |a: u64, b: i32| a & b as i64 as u64 == 0;
        }
        // Ops with hand-written handlers in exec.rs.
        other {
            Const32 { dst: Slot, value: u32 },
            Const64 { dst: Slot, lo: u32, hi: u32 },
            Br { target: Offset },
            BrTable { index: Slot, len: u32 },
            Unreachable {},
            Return {},
            ReturnSlot { src: Slot },
            Call { func: u32, base: Slot },
            CallIndirect { table: u32, type_index: u32, base: Slot },
            Select { dst: Slot, other: Slot, cond: Slot },
            GlobalGet { dst: Slot, global: u32 },
            GlobalSet { src: Slot, global: u32 },
            MemorySize { dst: Slot },
            MemoryGrow { dst: Slot, delta: Slot },
            MemoryFill { base: Slot },
            MemoryCopy { base: Slot },
            MemoryInit { base: Slot, segment: u32 },
            DataDrop { segment: u32 },
            TableGet { dst: Slot, index: Slot, table: u32 },
            TableSet { index: Slot, value: Slot, table: u32 },
            TableSize { dst: Slot, table: u32 },
            TableGrow { base: Slot, table: u32 },
            TableFill { base: Slot, table: u32 },
            TableCopy { base: Slot, dst_table: u32, src_table: u32 },
            TableInit { base: Slot, table: u32, segment: u32 },
            ElemDrop { segment: u32 },
            RefFunc { dst: Slot, func: u32 },
        }
        }
    };
}
pub(crate) use for_each_op;

/// Generates the [`Instr`] enum from the op list.
macro_rules! define_instr {
    ({}
     binary { $($bin:ident($ba:ty, $bb:ty) = $bf:expr;)* }
     binary_trap { $($bt:ident($bta:ty, $btb:ty) = $btf:expr;)* }
     binary_imm { $($bi:ident($bia:ty) = $bif:expr;)* }
     unary { $($un:ident($ua:ty) = $uf:expr;)* }
     unary_trap { $($ut:ident($uta:ty) = $utf:expr;)* }
     load { $($ld:ident($lt:ty) = $lf:expr;)* }
     store { $($st:ident($stt:ty) = $sf:expr;)* }
     branch_unary { $($bu:ident($bua:ty) = $buf:expr;)* }
     branch_binary { $($bb2:ident($bba:ty, $bbb:ty) = $bbf:expr;)* }
     branch_imm { $($bim:ident($bima:ty) = $bimf:expr;)* }
     other { $($other:ident { $($field:ident : $fty:ty),* },)* }
    ) => {
        /// One internal instruction. See the module docs for the operand conventions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub(crate) enum Instr {
            $($bin { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($bt { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($bi { dst: Slot, lhs: Slot, imm: i32 },)*
            $($un { dst: Slot, src: Slot },)*
            $($ut { dst: Slot, src: Slot },)*
            $($ld { dst: Slot, addr: Slot, offset: u32 },)*
            $($st { addr: Slot, value: Slot, offset: u32 },)*
            $($bu { cond: Slot, target: Offset },)*
            $($bb2 { lhs: Slot, rhs: Slot, target: Offset },)*
            $($bim { lhs: Slot, imm: i32, target: Offset },)*
            $($other { $($field: $fty),* },)*
        }

        impl Instr {
            /// The instruction's opcode: its position in the op list.
            #[inline(always)]
            pub(crate) fn opcode(&self) -> usize {
                // SAFETY: `Instr` is `repr(u16)`, so its first field is the u16 discriminant.
                unsafe { *(self as *const Instr as *const u16) as usize }
            }

            /// The slot this instruction writes its single result to, if it has one.
            pub(crate) fn dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Instr::$bin { dst, .. })|*
                    | $(Instr::$bt { dst, .. })|*
                    | $(Instr::$bi { dst, .. })|*
                    | $(Instr::$un { dst, .. })|*
                    | $(Instr::$ut { dst, .. })|*
                    | $(Instr::$ld { dst, .. })|*
                    | Instr::Const32 { dst, .. }
                    | Instr::Const64 { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::MemorySize { dst, .. }
                    | Instr::TableGet { dst, .. }
                    | Instr::TableSize { dst, .. }
                    | Instr::RefFunc { dst, .. } => Some(dst),
                    _ => None,
                }
            }

            /// The branch distance of a branch instruction, to patch it.
            pub(crate) fn target_mut(&mut self) -> Option<&mut Offset> {
                match self {
                    $(Instr::$bu { target, .. })|*
                    | $(Instr::$bb2 { target, .. })|*
                    | $(Instr::$bim { target, .. })|*
                    | Instr::Br { target } => Some(target),
                    _ => None,
                }
            }
        }
    };
}

for_each_op!(define_instr! {});

// Keep instructions small: the dispatch loop streams through them.
const _: () = assert!(core::mem::size_of::<Instr>() <= 16);
