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
            I32Add(i32, i32) [I32AddAccL, I32AddAccR] = |a: i32, b: i32| a.wrapping_add(b);
            I32Sub(i32, i32) [I32SubAccL, I32SubAccR] = |a: i32, b: i32| a.wrapping_sub(b);
            I32Mul(i32, i32) [I32MulAccL, I32MulAccR] = |a: i32, b: i32| a.wrapping_mul(b);
            I32And(i32, i32) [I32AndAccL, I32AndAccR] = |a: i32, b: i32| a & b;
            I32Or(i32, i32) [I32OrAccL, I32OrAccR] = |a: i32, b: i32| a | b;
            I32Xor(i32, i32) [I32XorAccL, I32XorAccR] = |a: i32, b: i32| a ^ b;
            I32Shl(i32, i32) [I32ShlAccL, I32ShlAccR] = |a: i32, b: i32| a.wrapping_shl(b as u32);
            I32ShrS(i32, i32) [I32ShrSAccL, I32ShrSAccR] = |a: i32, b: i32| a.wrapping_shr(b as u32);
            I32ShrU(u32, u32) [I32ShrUAccL, I32ShrUAccR] = |a: u32, b: u32| a.wrapping_shr(b);
            I32Rotl(u32, u32) [I32RotlAccL, I32RotlAccR] = |a: u32, b: u32| a.rotate_left(b);
            I32Rotr(u32, u32) [I32RotrAccL, I32RotrAccR] = |a: u32, b: u32| a.rotate_right(b);
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
            I64Add(i64, i64) [I64AddAccL, I64AddAccR] = |a: i64, b: i64| a.wrapping_add(b);
            I64Sub(i64, i64) [I64SubAccL, I64SubAccR] = |a: i64, b: i64| a.wrapping_sub(b);
            I64Mul(i64, i64) [I64MulAccL, I64MulAccR] = |a: i64, b: i64| a.wrapping_mul(b);
            I64And(i64, i64) [I64AndAccL, I64AndAccR] = |a: i64, b: i64| a & b;
            I64Or(i64, i64) [I64OrAccL, I64OrAccR] = |a: i64, b: i64| a | b;
            I64Xor(i64, i64) [I64XorAccL, I64XorAccR] = |a: i64, b: i64| a ^ b;
            I64Shl(i64, i64) [I64ShlAccL, I64ShlAccR] = |a: i64, b: i64| a.wrapping_shl(b as u32);
            I64ShrS(i64, i64) [I64ShrSAccL, I64ShrSAccR] = |a: i64, b: i64| a.wrapping_shr(b as u32);
            I64ShrU(u64, u64) [I64ShrUAccL, I64ShrUAccR] = |a: u64, b: u64| a.wrapping_shr(b as u32);
            I64Rotl(u64, u64) [I64RotlAccL, I64RotlAccR] = |a: u64, b: u64| a.rotate_left(b as u32);
            I64Rotr(u64, u64) [I64RotrAccL, I64RotrAccR] = |a: u64, b: u64| a.rotate_right(b as u32);
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
            F32Add(f32, f32) [F32AddAccL, F32AddAccR] = |a: f32, b: f32| a + b;
            F32Sub(f32, f32) [F32SubAccL, F32SubAccR] = |a: f32, b: f32| a - b;
            F32Mul(f32, f32) [F32MulAccL, F32MulAccR] = |a: f32, b: f32| a * b;
            F32Div(f32, f32) [F32DivAccL, F32DivAccR] = |a: f32, b: f32| a / b;
            F32Min(f32, f32) = crate::interp::float::f32_min;
            F32Max(f32, f32) = crate::interp::float::f32_max;
            F32Copysign(u32, u32) = |a: u32, b: u32| (a & 0x7fff_ffff) | (b & 0x8000_0000);
            F32Eq(f32, f32) = |a: f32, b: f32| a == b;
            F32Ne(f32, f32) = |a: f32, b: f32| a != b;
            F32Lt(f32, f32) = |a: f32, b: f32| a < b;
            F32Gt(f32, f32) = |a: f32, b: f32| a > b;
            F32Le(f32, f32) = |a: f32, b: f32| a <= b;
            F32Ge(f32, f32) = |a: f32, b: f32| a >= b;
            F64Add(f64, f64) [F64AddAccL, F64AddAccR] = |a: f64, b: f64| a + b;
            F64Sub(f64, f64) [F64SubAccL, F64SubAccR] = |a: f64, b: f64| a - b;
            F64Mul(f64, f64) [F64MulAccL, F64MulAccR] = |a: f64, b: f64| a * b;
            F64Div(f64, f64) [F64DivAccL, F64DivAccR] = |a: f64, b: f64| a / b;
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
            I32AddImm(i32) [I32AddImmAcc] = |a: i32, b: i32| a.wrapping_add(b);
            I32MulImm(i32) [I32MulImmAcc] = |a: i32, b: i32| a.wrapping_mul(b);
            I32AndImm(i32) [I32AndImmAcc] = |a: i32, b: i32| a & b;
            I32OrImm(i32) [I32OrImmAcc] = |a: i32, b: i32| a | b;
            I32XorImm(i32) [I32XorImmAcc] = |a: i32, b: i32| a ^ b;
            I32ShlImm(i32) [I32ShlImmAcc] = |a: i32, b: i32| a.wrapping_shl(b as u32);
            I32ShrSImm(i32) [I32ShrSImmAcc] = |a: i32, b: i32| a.wrapping_shr(b as u32);
            I32ShrUImm(u32) [I32ShrUImmAcc] = |a: u32, b: i32| a.wrapping_shr(b as u32);
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
            I64AddImm(i64) [I64AddImmAcc] = |a: i64, b: i32| a.wrapping_add(b as i64);
            I64MulImm(i64) [I64MulImmAcc] = |a: i64, b: i32| a.wrapping_mul(b as i64);
            I64AndImm(i64) [I64AndImmAcc] = |a: i64, b: i32| a & b as i64;
            I64OrImm(i64) [I64OrImmAcc] = |a: i64, b: i32| a | b as i64;
            I64XorImm(i64) [I64XorImmAcc] = |a: i64, b: i32| a ^ b as i64;
            I64ShlImm(i64) [I64ShlImmAcc] = |a: i64, b: i32| a.wrapping_shl(b as u32);
            I64ShrSImm(i64) [I64ShrSImmAcc] = |a: i64, b: i32| a.wrapping_shr(b as u32);
            I64ShrUImm(u64) [I64ShrUImmAcc] = |a: u64, b: i32| a.wrapping_shr(b as u32);
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
            I32Load(i32) [I32LoadAcc] = |v: i32| v;
            I64Load(i64) [I64LoadAcc] = |v: i64| v;
            I32Load8S(i8) [I32Load8SAcc] = |v: i8| v as i32;
            I32Load8U(u8) [I32Load8UAcc] = |v: u8| v as u32;
            I32Load16S(i16) [I32Load16SAcc] = |v: i16| v as i32;
            I32Load16U(u16) [I32Load16UAcc] = |v: u16| v as u32;
            I64Load8S(i8) [I64Load8SAcc] = |v: i8| v as i64;
            I64Load8U(u8) [I64Load8UAcc] = |v: u8| v as u64;
            I64Load16S(i16) [I64Load16SAcc] = |v: i16| v as i64;
            I64Load16U(u16) [I64Load16UAcc] = |v: u16| v as u64;
            I64Load32S(i32) [I64Load32SAcc] = |v: i32| v as i64;
            I64Load32U(u32) [I64Load32UAcc] = |v: u32| v as u64;
        }
        // store::<mem type>(addr + offset, f(val))
        store {
            I32Store(u32) [I32StoreAcc] = |v: u64| v as u32;
            I64Store(u64) [I64StoreAcc] = |v: u64| v;
            I32Store8(u8) [I32Store8Acc] = |v: u64| v as u8;
            I32Store16(u16) [I32Store16Acc] = |v: u64| v as u16;
            I64Store8(u8) [I64Store8Acc] = |v: u64| v as u8;
            I64Store16(u16) [I64Store16Acc] = |v: u64| v as u16;
            I64Store32(u32) [I64Store32Acc] = |v: u64| v as u32;
        }
        // if f(cond) { pc += target }
        branch_unary {
            BrNez(u32) [BrNezAcc] = |a: u32| a != 0;
            BrEqz(u32) [BrEqzAcc] = |a: u32| a == 0;
            BrNez64(u64) [BrNez64Acc] = |a: u64| a != 0;
            BrEqz64(u64) [BrEqz64Acc] = |a: u64| a == 0;
        }
        // if f(lhs, rhs) { pc += target }
        branch_binary {
            BrI32Eq(i32, i32) [BrI32EqAccL, BrI32EqAccR] = |a: i32, b: i32| a == b;
            BrI32Ne(i32, i32) [BrI32NeAccL, BrI32NeAccR] = |a: i32, b: i32| a != b;
            BrI32LtS(i32, i32) [BrI32LtSAccL, BrI32LtSAccR] = |a: i32, b: i32| a < b;
            BrI32LtU(u32, u32) [BrI32LtUAccL, BrI32LtUAccR] = |a: u32, b: u32| a < b;
            BrI32GtS(i32, i32) [BrI32GtSAccL, BrI32GtSAccR] = |a: i32, b: i32| a > b;
            BrI32GtU(u32, u32) [BrI32GtUAccL, BrI32GtUAccR] = |a: u32, b: u32| a > b;
            BrI32LeS(i32, i32) [BrI32LeSAccL, BrI32LeSAccR] = |a: i32, b: i32| a <= b;
            BrI32LeU(u32, u32) [BrI32LeUAccL, BrI32LeUAccR] = |a: u32, b: u32| a <= b;
            BrI32GeS(i32, i32) [BrI32GeSAccL, BrI32GeSAccR] = |a: i32, b: i32| a >= b;
            BrI32GeU(u32, u32) [BrI32GeUAccL, BrI32GeUAccR] = |a: u32, b: u32| a >= b;
            BrI64Eq(i64, i64) [BrI64EqAccL, BrI64EqAccR] = |a: i64, b: i64| a == b;
            BrI64Ne(i64, i64) [BrI64NeAccL, BrI64NeAccR] = |a: i64, b: i64| a != b;
            BrI64LtS(i64, i64) [BrI64LtSAccL, BrI64LtSAccR] = |a: i64, b: i64| a < b;
            BrI64LtU(u64, u64) [BrI64LtUAccL, BrI64LtUAccR] = |a: u64, b: u64| a < b;
            BrI64GtS(i64, i64) [BrI64GtSAccL, BrI64GtSAccR] = |a: i64, b: i64| a > b;
            BrI64GtU(u64, u64) [BrI64GtUAccL, BrI64GtUAccR] = |a: u64, b: u64| a > b;
            BrI64LeS(i64, i64) [BrI64LeSAccL, BrI64LeSAccR] = |a: i64, b: i64| a <= b;
            BrI64LeU(u64, u64) [BrI64LeUAccL, BrI64LeUAccR] = |a: u64, b: u64| a <= b;
            BrI64GeS(i64, i64) [BrI64GeSAccL, BrI64GeSAccR] = |a: i64, b: i64| a >= b;
            BrI64GeU(u64, u64) [BrI64GeUAccL, BrI64GeUAccR] = |a: u64, b: u64| a >= b;
            BrI32AndNez(u32, u32) [BrI32AndNezAccL, BrI32AndNezAccR] = |a: u32, b: u32| a & b != 0;
            BrI32AndEqz(u32, u32) [BrI32AndEqzAccL, BrI32AndEqzAccR] = |a: u32, b: u32| a & b == 0;
            BrI64AndNez(u64, u64) [BrI64AndNezAccL, BrI64AndNezAccR] = |a: u64, b: u64| a & b != 0;
            BrI64AndEqz(u64, u64) [BrI64AndEqzAccL, BrI64AndEqzAccR] = |a: u64, b: u64| a & b == 0;
            BrF32Eq(f32, f32) [BrF32EqAccL, BrF32EqAccR] = |a: f32, b: f32| a == b;
            BrF32Ne(f32, f32) [BrF32NeAccL, BrF32NeAccR] = |a: f32, b: f32| a != b;
            BrF32Lt(f32, f32) [BrF32LtAccL, BrF32LtAccR] = |a: f32, b: f32| a < b;
            BrF32Gt(f32, f32) [BrF32GtAccL, BrF32GtAccR] = |a: f32, b: f32| a > b;
            BrF32Le(f32, f32) [BrF32LeAccL, BrF32LeAccR] = |a: f32, b: f32| a <= b;
            BrF32Ge(f32, f32) [BrF32GeAccL, BrF32GeAccR] = |a: f32, b: f32| a >= b;
            BrF32NotLt(f32, f32) [BrF32NotLtAccL, BrF32NotLtAccR] = |a: f32, b: f32| !(a < b);
            BrF32NotGt(f32, f32) [BrF32NotGtAccL, BrF32NotGtAccR] = |a: f32, b: f32| !(a > b);
            BrF32NotLe(f32, f32) [BrF32NotLeAccL, BrF32NotLeAccR] = |a: f32, b: f32| !(a <= b);
            BrF32NotGe(f32, f32) [BrF32NotGeAccL, BrF32NotGeAccR] = |a: f32, b: f32| !(a >= b);
            BrF64Eq(f64, f64) [BrF64EqAccL, BrF64EqAccR] = |a: f64, b: f64| a == b;
            BrF64Ne(f64, f64) [BrF64NeAccL, BrF64NeAccR] = |a: f64, b: f64| a != b;
            BrF64Lt(f64, f64) [BrF64LtAccL, BrF64LtAccR] = |a: f64, b: f64| a < b;
            BrF64Gt(f64, f64) [BrF64GtAccL, BrF64GtAccR] = |a: f64, b: f64| a > b;
            BrF64Le(f64, f64) [BrF64LeAccL, BrF64LeAccR] = |a: f64, b: f64| a <= b;
            BrF64Ge(f64, f64) [BrF64GeAccL, BrF64GeAccR] = |a: f64, b: f64| a >= b;
            BrF64NotLt(f64, f64) [BrF64NotLtAccL, BrF64NotLtAccR] = |a: f64, b: f64| !(a < b);
            BrF64NotGt(f64, f64) [BrF64NotGtAccL, BrF64NotGtAccR] = |a: f64, b: f64| !(a > b);
            BrF64NotLe(f64, f64) [BrF64NotLeAccL, BrF64NotLeAccR] = |a: f64, b: f64| !(a <= b);
            BrF64NotGe(f64, f64) [BrF64NotGeAccL, BrF64NotGeAccR] = |a: f64, b: f64| !(a >= b);
        }
        // if f(lhs, imm) { pc += target }
        branch_imm {
            BrI32EqImm(i32) [BrI32EqImmAcc] = |a: i32, b: i32| a == b;
            BrI32NeImm(i32) [BrI32NeImmAcc] = |a: i32, b: i32| a != b;
            BrI32LtSImm(i32) [BrI32LtSImmAcc] = |a: i32, b: i32| a < b;
            BrI32LtUImm(u32) [BrI32LtUImmAcc] = |a: u32, b: i32| a < b as u32;
            BrI32GtSImm(i32) [BrI32GtSImmAcc] = |a: i32, b: i32| a > b;
            BrI32GtUImm(u32) [BrI32GtUImmAcc] = |a: u32, b: i32| a > b as u32;
            BrI32LeSImm(i32) [BrI32LeSImmAcc] = |a: i32, b: i32| a <= b;
            BrI32LeUImm(u32) [BrI32LeUImmAcc] = |a: u32, b: i32| a <= b as u32;
            BrI32GeSImm(i32) [BrI32GeSImmAcc] = |a: i32, b: i32| a >= b;
            BrI32GeUImm(u32) [BrI32GeUImmAcc] = |a: u32, b: i32| a >= b as u32;
            BrI64EqImm(i64) [BrI64EqImmAcc] = |a: i64, b: i32| a == b as i64;
            BrI64NeImm(i64) [BrI64NeImmAcc] = |a: i64, b: i32| a != b as i64;
            BrI64LtSImm(i64) [BrI64LtSImmAcc] = |a: i64, b: i32| a < b as i64;
            BrI64LtUImm(u64) [BrI64LtUImmAcc] = |a: u64, b: i32| a < b as i64 as u64;
            BrI64GtSImm(i64) [BrI64GtSImmAcc] = |a: i64, b: i32| a > b as i64;
            BrI64GtUImm(u64) [BrI64GtUImmAcc] = |a: u64, b: i32| a > b as i64 as u64;
            BrI64LeSImm(i64) [BrI64LeSImmAcc] = |a: i64, b: i32| a <= b as i64;
            BrI64LeUImm(u64) [BrI64LeUImmAcc] = |a: u64, b: i32| a <= b as i64 as u64;
            BrI64GeSImm(i64) [BrI64GeSImmAcc] = |a: i64, b: i32| a >= b as i64;
            BrI64GeUImm(u64) [BrI64GeUImmAcc] = |a: u64, b: i32| a >= b as i64 as u64;
            BrI32AndImmNez(u32) [BrI32AndImmNezAcc] = |a: u32, b: i32| a & b as u32 != 0;
            BrI32AndImmEqz(u32) [BrI32AndImmEqzAcc] = |a: u32, b: i32| a & b as u32 == 0;
            BrI64AndImmNez(u64) [BrI64AndImmNezAcc] = |a: u64, b: i32| a & b as i64 as u64 != 0;
            BrI64AndImmEqz(u64) [BrI64AndImmEqzAcc] = |a: u64, b: i32| a & b as i64 as u64 == 0;
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
            LoopHeader { ordinal: u32 },
            Fuel { cost: u32 },
        }
        }
    };
}
pub(crate) use for_each_op;

/// Generates the [`Instr`] enum from the op list. Variant order (the opcodes) is: each family's
/// ops, then that family's accumulator variants; `exec/handlers.rs` builds its table in the same
/// order.
#[cfg(feature = "wasm")]
macro_rules! define_instr {
    ({}
     binary { $($bin:ident($ba:ty, $bb:ty) $([$binl:ident, $binr:ident])? = $bf:expr;)* }
     binary_trap { $($bt:ident($bta:ty, $btb:ty) = $btf:expr;)* }
     binary_imm { $($bi:ident($bia:ty) $([$bix:ident])? = $bif:expr;)* }
     unary { $($un:ident($ua:ty) = $uf:expr;)* }
     unary_trap { $($ut:ident($uta:ty) = $utf:expr;)* }
     load { $($ld:ident($lt:ty) $([$ldx:ident])? = $lf:expr;)* }
     store { $($st:ident($stt:ty) $([$stx:ident])? = $sf:expr;)* }
     branch_unary { $($bu:ident($bua:ty) $([$bux:ident])? = $buf:expr;)* }
     branch_binary { $($bb2:ident($bba:ty, $bbb:ty) $([$bb2l:ident, $bb2r:ident])? = $bbf:expr;)* }
     branch_imm { $($bim:ident($bima:ty) $([$bimx:ident])? = $bimf:expr;)* }
     other { $($other:ident { $($field:ident : $fty:ty),* },)* }
    ) => {
        /// One internal instruction. See the module docs for the operand conventions. Variants
        /// named `...Acc`, `...AccL`, `...AccR` take that operand (the only, the left, the right)
        /// from the accumulator: the result of the instruction just before, still in a register.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub(crate) enum Instr {
            $($bin { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($($binl { dst: Slot, lhs: Slot, rhs: Slot }, $binr { dst: Slot, lhs: Slot, rhs: Slot },)?)*
            $($bt { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($bi { dst: Slot, lhs: Slot, imm: i32 },)*
            $($($bix { dst: Slot, lhs: Slot, imm: i32 },)?)*
            $($un { dst: Slot, src: Slot },)*
            $($ut { dst: Slot, src: Slot },)*
            $($ld { dst: Slot, addr: Slot, offset: u32 },)*
            $($($ldx { dst: Slot, addr: Slot, offset: u32 },)?)*
            $($st { addr: Slot, value: Slot, offset: u32 },)*
            $($($stx { addr: Slot, value: Slot, offset: u32 },)?)*
            $($bu { cond: Slot, target: Offset },)*
            $($($bux { cond: Slot, target: Offset },)?)*
            $($bb2 { lhs: Slot, rhs: Slot, target: Offset },)*
            $($($bb2l { lhs: Slot, rhs: Slot, target: Offset }, $bb2r { lhs: Slot, rhs: Slot, target: Offset },)?)*
            $($bim { lhs: Slot, imm: i32, target: Offset },)*
            $($($bimx { lhs: Slot, imm: i32, target: Offset },)?)*
            $($other { $($field: $fty),* },)*
        }

        impl Instr {
            /// The instruction's opcode: its position in the op list.
            #[inline(always)]
            pub(crate) fn opcode(&self) -> usize {
                // SAFETY: `Instr` is `repr(u16)`, so its first field is the u16 discriminant.
                unsafe { *(self as *const Instr as *const u16) as usize }
            }

            /// The slot this instruction writes its single result to, if it has one. Every
            /// such instruction also leaves the result in the accumulator.
            pub(crate) fn dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Instr::$bin { dst, .. })|*
                    $($(| Instr::$binl { dst, .. } | Instr::$binr { dst, .. })?)*
                    | $(Instr::$bt { dst, .. })|*
                    | $(Instr::$bi { dst, .. })|*
                    $($(| Instr::$bix { dst, .. })?)*
                    | $(Instr::$un { dst, .. })|*
                    | $(Instr::$ut { dst, .. })|*
                    | $(Instr::$ld { dst, .. })|*
                    $($(| Instr::$ldx { dst, .. })?)*
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
                    $($(| Instr::$bux { target, .. })?)*
                    | $(Instr::$bb2 { target, .. })|*
                    $($(| Instr::$bb2l { target, .. } | Instr::$bb2r { target, .. })?)*
                    | $(Instr::$bim { target, .. })|*
                    $($(| Instr::$bimx { target, .. })?)*
                    | Instr::Br { target } => Some(target),
                    _ => None,
                }
            }

            /// This instruction reading `slot` from the accumulator instead, if it has such a
            /// variant and an operand in `slot`.
            pub(crate) fn with_acc(self, slot: Slot) -> Option<Instr> {
                match self {
                    $($(Instr::$bin { dst, lhs, rhs } if lhs == slot => Some(Instr::$binl { dst, lhs, rhs }),
                    Instr::$bin { dst, lhs, rhs } if rhs == slot => Some(Instr::$binr { dst, lhs, rhs }),)?)*
                    $($(Instr::$bi { dst, lhs, imm } if lhs == slot => Some(Instr::$bix { dst, lhs, imm }),)?)*
                    $($(Instr::$ld { dst, addr, offset } if addr == slot => Some(Instr::$ldx { dst, addr, offset }),)?)*
                    $($(Instr::$st { addr, value, offset } if value == slot && addr != slot => Some(Instr::$stx { addr, value, offset }),)?)*
                    $($(Instr::$bu { cond, target } if cond == slot => Some(Instr::$bux { cond, target }),)?)*
                    $($(Instr::$bb2 { lhs, rhs, target } if lhs == slot => Some(Instr::$bb2l { lhs, rhs, target }),
                    Instr::$bb2 { lhs, rhs, target } if rhs == slot => Some(Instr::$bb2r { lhs, rhs, target }),)?)*
                    $($(Instr::$bim { lhs, imm, target } if lhs == slot => Some(Instr::$bimx { lhs, imm, target }),)?)*
                    _ => None,
                }
            }

            /// The plain form of an accumulator variant (operands from slots), else `self`.
            pub(crate) fn without_acc(self) -> Instr {
                match self {
                    $($(Instr::$binl { dst, lhs, rhs } | Instr::$binr { dst, lhs, rhs } => Instr::$bin { dst, lhs, rhs },)?)*
                    $($(Instr::$bix { dst, lhs, imm } => Instr::$bi { dst, lhs, imm },)?)*
                    $($(Instr::$ldx { dst, addr, offset } => Instr::$ld { dst, addr, offset },)?)*
                    $($(Instr::$stx { addr, value, offset } => Instr::$st { addr, value, offset },)?)*
                    $($(Instr::$bux { cond, target } => Instr::$bu { cond, target },)?)*
                    $($(Instr::$bb2l { lhs, rhs, target } | Instr::$bb2r { lhs, rhs, target } => Instr::$bb2 { lhs, rhs, target },)?)*
                    $($(Instr::$bimx { lhs, imm, target } => Instr::$bim { lhs, imm, target },)?)*
                    other => other,
                }
            }
        }
    };
}

#[cfg(feature = "wasm")]
for_each_op!(define_instr! {});

// Keep instructions small: the dispatch loop streams through them.
#[cfg(feature = "wasm")]
const _: () = assert!(core::mem::size_of::<Instr>() <= 16);
