//! The AArch64 macro-assembler, on `dynasm` (`.arch aarch64`, so it assembles on any host).
//!
//! Register use: `x19` holds the running instance's context, `x20` its memory 0 descriptor
//! (except with guard pages at `--opt-level=3`, where it caches values too) and `x21` that
//! memory's base; `x22`–`x28`, `x9`–`x15` and `v2`–`v31` cache values for the code
//! generator; `x0`–`x8`, `x16`, `x17`, `v0` and `v1` are scratch. `x18` (the platform
//! register) is never touched. Slots are `[sp + 8 * slot]`; the saved context and the
//! caller's value-array pointer sit below the frame record at `x29`. Every slot holds a full
//! 64-bit cell.
//!
//! Calling convention between compiled functions (and the stubs in `native::aarch64`): `x0` =
//! the callee's function reference, `x1` = the caller's context, `x2` = the value array
//! (arguments in, results out); every register but `sp`, `x29` and the AAPCS64 callee-saved
//! ones the stubs save may be clobbered. Helpers are AAPCS64 calls, which keep `x19`–`x21`.

#![allow(
    clippy::useless_conversion,
    reason = "dynasm expands dynamic registers (`X(reg)`) with an `.into()`"
)]

use alloc::vec::Vec;
use core::mem::offset_of;

use dynasmrt::aarch64::{
    encode_logical_immediate_32bit, encode_logical_immediate_64bit, Aarch64Relocation,
};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmError, DynasmLabelApi, VecAssembler};

use super::encode::{self, Cond};
use crate::aot::reloc::{RelocKind, Relocation};
use crate::compiler::masm::{
    Bounds, Callee, FloatCmp, FloatOp, FloatWidth, FunctionCode, IntCmp, IntOp, MacroAssembler,
    MemAccess, Operand, Reg, RuntimeCall, Slot, UnOp, Width,
};
use crate::compiler::Settings;
use crate::error::{Error, TrapCode};
use crate::native::helpers::{CompiledRuntime, TRAP_STATUS_BASE};
use crate::runtime::vmctx::offsets as off;

/// Scratch general-purpose registers (see the module comment).
const X0: u8 = 0;
const X1: u8 = 1;
const X2: u8 = 2;
const X8: u8 = 8;
const X16: u8 = 16;
const X17: u8 = 17;
/// The zero register, as a source.
const XZR: u8 = 31;
/// Scratch floating-point registers.
const V0: u8 = 0;
const V1: u8 = 1;

/// The AArch64 back end for one function.
pub(crate) struct Aarch64Masm {
    ops: VecAssembler<Aarch64Relocation>,
    /// Whether the module has a memory (then `x20`/`x21` are kept loaded).
    has_memory: bool,
    /// Bounds-check mode, CPU features and optimisation level.
    settings: Settings,
    /// Where the prologue's frame-size `movz`/`movk` pair starts (patched by `finish`).
    frame_patch: usize,
    /// One label per trap code used, emitted at the end.
    trap_labels: Vec<(TrapCode, DynamicLabel)>,
    /// Traps whose status is in `w1` and detail in `w2` already.
    trap_common: DynamicLabel,
    /// Where direct calls enter (see `FunctionCode::direct_entry`).
    direct_entry: usize,
    /// Direct calls: where each one's `bl` is, and the callee.
    direct_calls: Vec<Relocation>,
    /// How far a branch to a label may reach.
    reach: BranchReach,
}

/// How conditional branches to a function's labels are emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BranchReach {
    /// `b.cond`, `cbz`: one instruction reaching ±1 MiB, enough for any but huge functions.
    Near,
    /// The inverted condition around a `b` (±128 MiB): for a function whose code is larger
    /// than `Near` reaches (`finish` then fails with [`OUT_OF_REACH`]).
    Far,
}

/// The reason `finish` gives when a `Near` branch did not reach its label.
pub(crate) const OUT_OF_REACH: &str = "a branch of the function does not reach its label";

/// The register number of a general-purpose register.
fn gpr_number(reg: Reg) -> u8 {
    match reg {
        Reg::Gpr(r) => r,
        Reg::Fpr(_) => unreachable!("the code generator asked for a general-purpose register"),
    }
}

/// The register number of a floating-point register.
fn fpr_number(reg: Reg) -> u8 {
    match reg {
        Reg::Fpr(r) => r,
        Reg::Gpr(_) => unreachable!("the code generator asked for a floating-point register"),
    }
}

/// The immediate of an `add`/`sub`/`cmp` (12 bits, unshifted), if `value` is one.
fn arith_imm(value: u64) -> Option<u32> {
    (value < 4096).then_some(value as u32)
}

/// The condition an integer comparison holds under, after `cmp lhs, rhs`.
fn int_cond(cmp: IntCmp) -> Cond {
    match cmp {
        IntCmp::Eq => Cond::Eq,
        IntCmp::Ne => Cond::Ne,
        IntCmp::LtS => Cond::Lt,
        IntCmp::LtU => Cond::Lo,
        IntCmp::GtS => Cond::Gt,
        IntCmp::GtU => Cond::Hi,
        IntCmp::LeS => Cond::Le,
        IntCmp::LeU => Cond::Ls,
        IntCmp::GeS => Cond::Ge,
        IntCmp::GeU => Cond::Hs,
    }
}

/// The condition a float comparison holds under, after `fcmp lhs, rhs`: each is false for
/// unordered operands (NZCV = 0011) but `Ne`, and so is each one's inverse true for them.
fn float_cond(cmp: FloatCmp) -> Cond {
    match cmp {
        FloatCmp::Eq => Cond::Eq,
        FloatCmp::Ne => Cond::Ne,
        FloatCmp::Lt => Cond::Mi,
        FloatCmp::Gt => Cond::Gt,
        FloatCmp::Le => Cond::Ls,
        FloatCmp::Ge => Cond::Ge,
    }
}

/// The byte offset of a runtime call in the helper table.
fn runtime_call_offset(call: RuntimeCall) -> usize {
    match call {
        RuntimeCall::MemoryGrow => off::HELPER_MEMORY_GROW,
        RuntimeCall::MemoryFill => off::HELPER_MEMORY_FILL,
        RuntimeCall::MemoryCopy => off::HELPER_MEMORY_COPY,
        RuntimeCall::MemoryInit => off::HELPER_MEMORY_INIT,
        RuntimeCall::DataDrop => off::HELPER_DATA_DROP,
        RuntimeCall::TableGrow => off::HELPER_TABLE_GROW,
        RuntimeCall::TableFill => off::HELPER_TABLE_FILL,
        RuntimeCall::TableCopy => off::HELPER_TABLE_COPY,
        RuntimeCall::TableInit => off::HELPER_TABLE_INIT,
        RuntimeCall::ElemDrop => off::HELPER_ELEM_DROP,
    }
}

/// Emits `$op` for a memory access at `[x21 + x16]` (memory 0's base plus the index the
/// caller computed).
macro_rules! mem {
    ($self:ident, $op:ident $family:ident($reg:expr)) => {
        dynasm!($self.ops ; .arch aarch64 ; $op $family($reg), [x21, x16])
    };
}

impl Aarch64Masm {
    /// A back end for a function of a module with (or without) a memory.
    pub(crate) fn new(has_memory: bool, settings: Settings, reach: BranchReach) -> Aarch64Masm {
        let mut ops = VecAssembler::new(0);
        let trap_common = ops.new_dynamic_label();
        Aarch64Masm {
            ops,
            has_memory,
            settings,
            frame_patch: 0,
            trap_labels: Vec::new(),
            trap_common,
            direct_entry: 0,
            direct_calls: Vec::new(),
            reach,
        }
    }

    /// The label that traps with `code`.
    fn trap_label(&mut self, code: TrapCode) -> DynamicLabel {
        if let Some((_, label)) = self.trap_labels.iter().find(|(c, _)| *c == code) {
            return *label;
        }
        let label = self.ops.new_dynamic_label();
        self.trap_labels.push((code, label));
        label
    }

    /// Emits a raw instruction word.
    fn word(&mut self, word: u32) {
        self.ops.push_u32(word);
    }

    /// X register `reg` = `value` (W register, zero-extended, when `value` fits 32 bits), in
    /// the shortest `mov`-family sequence.
    fn mov_imm(&mut self, reg: u8, value: u64) {
        let w64 = value > u32::MAX as u64;
        for word in encode::mov_imm(w64, reg, value) {
            self.word(word);
        }
    }

    /// A branch to `target` if `cond` holds, as far as `self.reach` says.
    fn b_cond(&mut self, cond: Cond, target: DynamicLabel) {
        match self.reach {
            BranchReach::Near => self.b_cond_near(cond, target),
            BranchReach::Far => {
                let skip = self.ops.new_dynamic_label();
                self.b_cond_near(cond.invert(), skip);
                dynasm!(self.ops ; .arch aarch64 ; b =>target ; =>skip);
            }
        }
    }

    /// A branch to `target` if general register `reg` (X if `w64`, else W) is zero (or
    /// non-zero), as far as `self.reach` says.
    fn branch_on_zero(&mut self, reg: u8, w64: bool, if_zero: bool, target: DynamicLabel) {
        let (label, if_zero) = match self.reach {
            BranchReach::Near => (target, if_zero),
            BranchReach::Far => (self.ops.new_dynamic_label(), !if_zero),
        };
        match (w64, if_zero) {
            (true, true) => dynasm!(self.ops ; .arch aarch64 ; cbz X(reg), =>label),
            (true, false) => dynasm!(self.ops ; .arch aarch64 ; cbnz X(reg), =>label),
            (false, true) => dynasm!(self.ops ; .arch aarch64 ; cbz W(reg), =>label),
            (false, false) => dynasm!(self.ops ; .arch aarch64 ; cbnz W(reg), =>label),
        }
        if self.reach == BranchReach::Far {
            dynasm!(self.ops ; .arch aarch64 ; b =>target ; =>label);
        }
    }

    /// `b.cond target` (±1 MiB).
    fn b_cond_near(&mut self, cond: Cond, target: DynamicLabel) {
        match cond {
            Cond::Eq => dynasm!(self.ops ; .arch aarch64 ; b.eq =>target),
            Cond::Ne => dynasm!(self.ops ; .arch aarch64 ; b.ne =>target),
            Cond::Hs => dynasm!(self.ops ; .arch aarch64 ; b.hs =>target),
            Cond::Lo => dynasm!(self.ops ; .arch aarch64 ; b.lo =>target),
            Cond::Mi => dynasm!(self.ops ; .arch aarch64 ; b.mi =>target),
            Cond::Pl => dynasm!(self.ops ; .arch aarch64 ; b.pl =>target),
            Cond::Vs => dynasm!(self.ops ; .arch aarch64 ; b.vs =>target),
            Cond::Vc => dynasm!(self.ops ; .arch aarch64 ; b.vc =>target),
            Cond::Hi => dynasm!(self.ops ; .arch aarch64 ; b.hi =>target),
            Cond::Ls => dynasm!(self.ops ; .arch aarch64 ; b.ls =>target),
            Cond::Ge => dynasm!(self.ops ; .arch aarch64 ; b.ge =>target),
            Cond::Lt => dynasm!(self.ops ; .arch aarch64 ; b.lt =>target),
            Cond::Gt => dynasm!(self.ops ; .arch aarch64 ; b.gt =>target),
            Cond::Le => dynasm!(self.ops ; .arch aarch64 ; b.le =>target),
        }
    }

    /// X register `dst` = the 64-bit field at `base + offset`.
    fn ldr_x(&mut self, dst: u8, base: u8, offset: usize) {
        if offset.is_multiple_of(8) && offset < 32768 {
            dynasm!(self.ops ; .arch aarch64 ; ldr X(dst), [X(base), offset as u32]);
        } else {
            self.mov_imm(X17, offset as u64);
            dynasm!(self.ops ; .arch aarch64 ; ldr X(dst), [X(base), x17]);
        }
    }

    /// W register `dst` = the 32-bit field at `base + offset`.
    fn ldr_w(&mut self, dst: u8, base: u8, offset: usize) {
        if offset.is_multiple_of(4) && offset < 16384 {
            dynasm!(self.ops ; .arch aarch64 ; ldr W(dst), [X(base), offset as u32]);
        } else {
            self.mov_imm(X17, offset as u64);
            dynasm!(self.ops ; .arch aarch64 ; ldr W(dst), [X(base), x17]);
        }
    }

    /// `slot`'s byte offset from `sp`, if a scaled 12-bit immediate reaches it; else `x17`
    /// holds it.
    fn slot_offset(&mut self, slot: Slot) -> Option<u32> {
        let offset = slot * 8;
        if offset < 32768 {
            Some(offset)
        } else {
            self.mov_imm(X17, u64::from(offset));
            None
        }
    }

    /// X register `reg` (31: `xzr`) to slot `slot`.
    fn str_slot(&mut self, reg: u8, slot: Slot) {
        match self.slot_offset(slot) {
            Some(o) => dynasm!(self.ops ; .arch aarch64 ; str X(reg), [sp, o]),
            None => dynasm!(self.ops ; .arch aarch64 ; str X(reg), [sp, x17]),
        }
    }

    /// X register `reg` = slot `slot`.
    fn ldr_slot(&mut self, reg: u8, slot: Slot) {
        match self.slot_offset(slot) {
            Some(o) => dynasm!(self.ops ; .arch aarch64 ; ldr X(reg), [sp, o]),
            None => dynasm!(self.ops ; .arch aarch64 ; ldr X(reg), [sp, x17]),
        }
    }

    /// D register `reg` to slot `slot`.
    fn str_slot_d(&mut self, reg: u8, slot: Slot) {
        match self.slot_offset(slot) {
            Some(o) => dynasm!(self.ops ; .arch aarch64 ; str D(reg), [sp, o]),
            None => dynasm!(self.ops ; .arch aarch64 ; str D(reg), [sp, x17]),
        }
    }

    /// D register `reg` = slot `slot`.
    fn ldr_slot_d(&mut self, reg: u8, slot: Slot) {
        match self.slot_offset(slot) {
            Some(o) => dynasm!(self.ops ; .arch aarch64 ; ldr D(reg), [sp, o]),
            None => dynasm!(self.ops ; .arch aarch64 ; ldr D(reg), [sp, x17]),
        }
    }

    /// X register `dst` = `sp + offset`.
    fn sp_plus(&mut self, dst: u8, offset: u64) {
        dynasm!(self.ops ; .arch aarch64 ; mov XSP(dst), sp);
        self.add_imm(dst, offset);
    }

    /// X register `reg` += `value`.
    fn add_imm(&mut self, reg: u8, value: u64) {
        match arith_imm(value) {
            Some(0) => {}
            Some(v) => dynasm!(self.ops ; .arch aarch64 ; add XSP(reg), XSP(reg), v),
            None => {
                self.mov_imm(X17, value);
                dynasm!(self.ops ; .arch aarch64 ; add X(reg), X(reg), x17);
            }
        }
    }

    /// Puts `src` (64 bits) in general-purpose register `dst`.
    fn load_gpr(&mut self, dst: u8, src: Operand) {
        match src {
            Operand::Reg(Reg::Gpr(r)) if r == dst => {}
            Operand::Reg(Reg::Gpr(r)) => dynasm!(self.ops ; .arch aarch64 ; mov X(dst), X(r)),
            Operand::Reg(Reg::Fpr(r)) => dynasm!(self.ops ; .arch aarch64 ; fmov X(dst), D(r)),
            Operand::Slot(s) => self.ldr_slot(dst, s),
            Operand::Imm(v) => self.mov_imm(dst, v),
        }
    }

    /// The general-purpose register holding `src`: its own, or `scratch` loaded with it.
    fn gpr(&mut self, src: Operand, scratch: u8) -> u8 {
        match src {
            Operand::Reg(Reg::Gpr(r)) => r,
            src => {
                self.load_gpr(scratch, src);
                scratch
            }
        }
    }

    /// As [`Self::gpr`], but zero is `xzr`: for operands an instruction reads as a data
    /// register (stored values), where register 31 is the zero register rather than `sp`.
    fn gpr_or_zero(&mut self, src: Operand, scratch: u8) -> u8 {
        match src {
            Operand::Imm(0) => XZR,
            src => self.gpr(src, scratch),
        }
    }

    /// Puts `src` in floating-point register `dst` (64 bits; an f32 in the low 32).
    fn load_fpr(&mut self, dst: u8, src: Operand) {
        match src {
            Operand::Reg(Reg::Fpr(r)) if r == dst => {}
            Operand::Reg(Reg::Fpr(r)) => dynasm!(self.ops ; .arch aarch64 ; fmov D(dst), D(r)),
            Operand::Reg(Reg::Gpr(r)) => dynasm!(self.ops ; .arch aarch64 ; fmov D(dst), X(r)),
            Operand::Slot(s) => self.ldr_slot_d(dst, s),
            Operand::Imm(v) => {
                let r = self.gpr(Operand::Imm(v), X8);
                dynasm!(self.ops ; .arch aarch64 ; fmov D(dst), X(r));
            }
        }
    }

    /// The floating-point register holding `src`: its own, or `scratch` loaded with it.
    fn fpr(&mut self, src: Operand, scratch: u8) -> u8 {
        match src {
            Operand::Reg(Reg::Fpr(r)) => r,
            src => {
                self.load_fpr(scratch, src);
                scratch
            }
        }
    }

    /// Re-establishes `x19`, `x20` and `x21` after a call into other code.
    fn reload_context(&mut self) {
        dynasm!(self.ops ; .arch aarch64 ; ldur x19, [x29, -8]);
        self.reload_memory();
    }

    /// Whether `x20` holds memory 0's descriptor: for explicit bounds checks, and in the
    /// JIT's code; with guard pages at `--opt-level=3` it is one more register for values.
    fn memory_descriptor_pinned(&self) -> bool {
        self.settings.bounds == Bounds::Explicit || self.settings.opt_level < 3
    }

    /// Re-reads memory 0's descriptor and base (after anything that may grow it).
    fn reload_memory(&mut self) {
        if !self.has_memory {
            return;
        }
        let descriptor = if self.memory_descriptor_pinned() {
            20
        } else {
            X16
        };
        self.ldr_x(descriptor, 19, off::VMCTX_MEMORY0);
        self.ldr_x(21, descriptor, off::MEMORY_BASE);
    }

    /// `w0` = a 32-bit operand, zero-extended into `x0`.
    fn index_to_w0(&mut self, index: Operand) {
        let r = self.gpr(index, X0);
        dynasm!(self.ops ; .arch aarch64 ; mov W(X0), W(r));
    }

    /// `x16` = the effective address `addr + offset` (from memory 0's base); traps unless
    /// `bytes` bytes from there lie within memory 0 (with guard pages: the access itself
    /// faults, as any 32-bit index plus a 32-bit offset stays inside the reservation).
    fn effective_address(&mut self, addr: Operand, offset: u64, bytes: u8) {
        match addr {
            Operand::Imm(a) => self.mov_imm(X16, (a as u32 as u64) + offset),
            addr => {
                let r = self.gpr(addr, X16);
                dynasm!(self.ops ; .arch aarch64 ; mov W(X16), W(r));
                self.add_imm(X16, offset);
            }
        }
        if self.settings.bounds == Bounds::GuardPages {
            return;
        }
        let oob = self.trap_label(TrapCode::MemoryOutOfBounds);
        self.ldr_x(X17, 20, off::MEMORY_LENGTH);
        dynasm!(self.ops
            ; .arch aarch64
            ; add x8, x16, u32::from(bytes)
            ; cmp x8, x17
        );
        self.b_cond(Cond::Hi, oob);
    }

    /// `x2` = the elements of table `table`; `w0` = `index`, trapping with `code` unless it
    /// is below the table's length.
    fn table_element(&mut self, table: u32, index: Operand, code: TrapCode) {
        self.index_to_w0(index);
        let trap = self.trap_label(code);
        self.ldr_x(X2, 19, off::VMCTX_TABLES);
        self.ldr_x(X2, X2, table as usize * 8);
        self.ldr_w(X8, X2, off::TABLE_LENGTH);
        dynasm!(self.ops ; .arch aarch64 ; cmp w0, w8);
        self.b_cond(Cond::Hs, trap);
        self.ldr_x(X2, X2, off::TABLE_BASE);
    }

    /// `x16` = `[x19 → runtime → compiled runtime]`.
    fn compiled_runtime(&mut self) {
        self.ldr_x(X16, 19, off::VMCTX_RUNTIME);
        self.ldr_x(X16, X16, off::RUNTIME_COMPILED);
    }

    /// Sets the flags from comparing `lhs` with `rhs`.
    fn compare(&mut self, width: Width, lhs: Operand, rhs: Operand) {
        let w64 = width == Width::W64;
        let l = self.gpr(lhs, X0);
        let value = match (rhs, w64) {
            (Operand::Imm(v), true) => Some(v),
            (Operand::Imm(v), false) => Some(v as u32 as u64),
            _ => None,
        };
        let negated = value.map(|v| {
            if w64 {
                v.wrapping_neg()
            } else {
                v.wrapping_neg() & 0xffff_ffff
            }
        });
        match (value.and_then(arith_imm), negated.and_then(arith_imm), w64) {
            (Some(v), _, true) => dynasm!(self.ops ; .arch aarch64 ; cmp XSP(l), v),
            (Some(v), _, false) => dynasm!(self.ops ; .arch aarch64 ; cmp WSP(l), v),
            (None, Some(v), true) => dynasm!(self.ops ; .arch aarch64 ; cmn XSP(l), v),
            (None, Some(v), false) => dynasm!(self.ops ; .arch aarch64 ; cmn WSP(l), v),
            (None, None, _) => {
                let r = self.gpr(rhs, X1);
                if w64 {
                    dynasm!(self.ops ; .arch aarch64 ; cmp X(l), X(r));
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; cmp W(l), W(r));
                }
            }
        }
    }

    /// Sets the flags from comparing `lhs` with `rhs` (`fcmp`).
    fn float_compare(&mut self, width: FloatWidth, lhs: Operand, rhs: Operand) {
        let l = self.fpr(lhs, V0);
        let r = self.fpr(rhs, V1);
        match width {
            FloatWidth::F32 => dynasm!(self.ops ; .arch aarch64 ; fcmp S(l), S(r)),
            FloatWidth::F64 => dynasm!(self.ops ; .arch aarch64 ; fcmp D(l), D(r)),
        }
    }

    /// `dst = lhs op rhs` for the operations with a logical-immediate form.
    fn logical(&mut self, op: IntOp, w64: bool, l: u8, rhs: Operand, dst: u8) {
        let imm = match rhs {
            Operand::Imm(v) if w64 => encode_logical_immediate_64bit(v).map(|_| v),
            Operand::Imm(v) => encode_logical_immediate_32bit(v as u32).map(|_| v),
            _ => None,
        };
        match (imm, op, w64) {
            (Some(v), IntOp::And, true) => {
                dynasm!(self.ops ; .arch aarch64 ; and XSP(dst), X(l), v)
            }
            (Some(v), IntOp::Or, true) => dynasm!(self.ops ; .arch aarch64 ; orr XSP(dst), X(l), v),
            (Some(v), _, true) => dynasm!(self.ops ; .arch aarch64 ; eor XSP(dst), X(l), v),
            (Some(v), IntOp::And, false) => {
                dynasm!(self.ops ; .arch aarch64 ; and WSP(dst), W(l), v as u32)
            }
            (Some(v), IntOp::Or, false) => {
                dynasm!(self.ops ; .arch aarch64 ; orr WSP(dst), W(l), v as u32)
            }
            (Some(v), _, false) => dynasm!(self.ops ; .arch aarch64 ; eor WSP(dst), W(l), v as u32),
            (None, op, w64) => {
                let r = self.gpr(rhs, X1);
                match (op, w64) {
                    (IntOp::And, true) => {
                        dynasm!(self.ops ; .arch aarch64 ; and X(dst), X(l), X(r))
                    }
                    (IntOp::Or, true) => dynasm!(self.ops ; .arch aarch64 ; orr X(dst), X(l), X(r)),
                    (_, true) => dynasm!(self.ops ; .arch aarch64 ; eor X(dst), X(l), X(r)),
                    (IntOp::And, false) => {
                        dynasm!(self.ops ; .arch aarch64 ; and W(dst), W(l), W(r))
                    }
                    (IntOp::Or, false) => {
                        dynasm!(self.ops ; .arch aarch64 ; orr W(dst), W(l), W(r))
                    }
                    (_, false) => dynasm!(self.ops ; .arch aarch64 ; eor W(dst), W(l), W(r)),
                }
            }
        }
    }

    /// `dst = lhs ± rhs`, with `rhs` as an immediate where one fits (either sign).
    fn add_sub(&mut self, subtract: bool, w64: bool, l: u8, rhs: Operand, dst: u8) {
        let imm = match rhs {
            Operand::Imm(v) => {
                let v = if w64 {
                    v as i64
                } else {
                    v as u32 as i32 as i64
                };
                let v = if subtract { v.wrapping_neg() } else { v };
                // `v` is now the addend: add it, or subtract its magnitude.
                if (0..4096).contains(&v) {
                    Some((false, v as u32))
                } else if (-4095..0).contains(&v) {
                    Some((true, (-v) as u32))
                } else {
                    None
                }
            }
            _ => None,
        };
        match (imm, w64) {
            (Some((false, v)), true) => dynasm!(self.ops ; .arch aarch64 ; add XSP(dst), XSP(l), v),
            (Some((false, v)), false) => {
                dynasm!(self.ops ; .arch aarch64 ; add WSP(dst), WSP(l), v)
            }
            (Some((true, v)), true) => dynasm!(self.ops ; .arch aarch64 ; sub XSP(dst), XSP(l), v),
            (Some((true, v)), false) => dynasm!(self.ops ; .arch aarch64 ; sub WSP(dst), WSP(l), v),
            (None, w64) => {
                let r = self.gpr(rhs, X1);
                match (subtract, w64) {
                    (false, true) => dynasm!(self.ops ; .arch aarch64 ; add X(dst), X(l), X(r)),
                    (false, false) => dynasm!(self.ops ; .arch aarch64 ; add W(dst), W(l), W(r)),
                    (true, true) => dynasm!(self.ops ; .arch aarch64 ; sub X(dst), X(l), X(r)),
                    (true, false) => dynasm!(self.ops ; .arch aarch64 ; sub W(dst), W(l), W(r)),
                }
            }
        }
    }

    /// Shifts and rotates: by an immediate (taken modulo the width, as wasm and the ISA do),
    /// or by a register.
    fn shift(&mut self, op: IntOp, w64: bool, l: u8, rhs: Operand, dst: u8) {
        let bits = if w64 { 64 } else { 32 };
        if let Operand::Imm(count) = rhs {
            let n = (count % bits) as u32;
            match (op, w64) {
                (_, _) if n == 0 => {
                    if w64 {
                        dynasm!(self.ops ; .arch aarch64 ; mov X(dst), X(l));
                    } else {
                        dynasm!(self.ops ; .arch aarch64 ; mov W(dst), W(l));
                    }
                }
                (IntOp::Shl, true) => dynasm!(self.ops ; .arch aarch64 ; lsl X(dst), X(l), n),
                (IntOp::Shl, false) => dynasm!(self.ops ; .arch aarch64 ; lsl W(dst), W(l), n),
                (IntOp::ShrS, true) => dynasm!(self.ops ; .arch aarch64 ; asr X(dst), X(l), n),
                (IntOp::ShrS, false) => dynasm!(self.ops ; .arch aarch64 ; asr W(dst), W(l), n),
                (IntOp::ShrU, true) => dynasm!(self.ops ; .arch aarch64 ; lsr X(dst), X(l), n),
                (IntOp::ShrU, false) => dynasm!(self.ops ; .arch aarch64 ; lsr W(dst), W(l), n),
                (IntOp::Rotl, true) => {
                    dynasm!(self.ops ; .arch aarch64 ; ror X(dst), X(l), 64 - n)
                }
                (IntOp::Rotl, false) => {
                    dynasm!(self.ops ; .arch aarch64 ; ror W(dst), W(l), 32 - n)
                }
                (_, true) => dynasm!(self.ops ; .arch aarch64 ; ror X(dst), X(l), n),
                (_, false) => dynasm!(self.ops ; .arch aarch64 ; ror W(dst), W(l), n),
            }
            return;
        }
        let mut r = self.gpr(rhs, X1);
        if op == IntOp::Rotl {
            // Left by n is right by -n (the count is taken modulo the width).
            dynasm!(self.ops ; .arch aarch64 ; neg X(X1), X(r));
            r = X1;
        }
        match (op, w64) {
            (IntOp::Shl, true) => dynasm!(self.ops ; .arch aarch64 ; lsl X(dst), X(l), X(r)),
            (IntOp::Shl, false) => dynasm!(self.ops ; .arch aarch64 ; lsl W(dst), W(l), W(r)),
            (IntOp::ShrS, true) => dynasm!(self.ops ; .arch aarch64 ; asr X(dst), X(l), X(r)),
            (IntOp::ShrS, false) => dynasm!(self.ops ; .arch aarch64 ; asr W(dst), W(l), W(r)),
            (IntOp::ShrU, true) => dynasm!(self.ops ; .arch aarch64 ; lsr X(dst), X(l), X(r)),
            (IntOp::ShrU, false) => dynasm!(self.ops ; .arch aarch64 ; lsr W(dst), W(l), W(r)),
            (_, true) => dynasm!(self.ops ; .arch aarch64 ; ror X(dst), X(l), X(r)),
            (_, false) => dynasm!(self.ops ; .arch aarch64 ; ror W(dst), W(l), W(r)),
        }
    }

    /// Division and remainder: traps on a zero divisor and on signed overflow, as wasm
    /// requires (the ISA's division never traps).
    fn divide(&mut self, op: IntOp, w64: bool, l: u8, rhs: Operand, dst: u8) {
        let r = self.gpr(rhs, X1);
        let by_zero = self.trap_label(TrapCode::IntegerDivideByZero);
        self.branch_on_zero(r, w64, true, by_zero);
        if op == IntOp::DivS {
            // Overflow: the divisor is -1 and `l - 1` overflows (`l` is the minimum).
            let overflow = self.trap_label(TrapCode::IntegerOverflow);
            if w64 {
                dynasm!(self.ops ; .arch aarch64 ; cmn XSP(r), 1 ; ccmp X(l), 1, 0, eq);
            } else {
                dynasm!(self.ops ; .arch aarch64 ; cmn WSP(r), 1 ; ccmp W(l), 1, 0, eq);
            }
            self.b_cond(Cond::Vs, overflow);
        }
        // The minimum rem -1 is 0, which `msub` computes from `sdiv`'s wrapped quotient.
        match (op, w64) {
            (IntOp::DivS, true) => dynasm!(self.ops ; .arch aarch64 ; sdiv X(dst), X(l), X(r)),
            (IntOp::DivS, false) => dynasm!(self.ops ; .arch aarch64 ; sdiv W(dst), W(l), W(r)),
            (IntOp::DivU, true) => dynasm!(self.ops ; .arch aarch64 ; udiv X(dst), X(l), X(r)),
            (IntOp::DivU, false) => dynasm!(self.ops ; .arch aarch64 ; udiv W(dst), W(l), W(r)),
            (IntOp::RemS, true) => dynasm!(self.ops
                ; .arch aarch64 ; sdiv x8, X(l), X(r) ; msub X(dst), x8, X(r), X(l)),
            (IntOp::RemS, false) => dynasm!(self.ops
                ; .arch aarch64 ; sdiv w8, W(l), W(r) ; msub W(dst), w8, W(r), W(l)),
            (IntOp::RemU, true) => dynasm!(self.ops
                ; .arch aarch64 ; udiv x8, X(l), X(r) ; msub X(dst), x8, X(r), X(l)),
            (_, _) => dynasm!(self.ops
                ; .arch aarch64 ; udiv w8, W(l), W(r) ; msub W(dst), w8, W(r), W(l)),
        }
    }

    /// Leaves for the trap exit when the trap status in `x1` (a helper's) is non-zero.
    fn trap_if_status(&mut self) {
        let common = self.trap_common;
        dynasm!(self.ops
            ; .arch aarch64
            ; cbz x1, >ok
            ; mov w2, wzr
            ; b =>common
            ; ok:
        );
    }
}

impl MacroAssembler for Aarch64Masm {
    type Label = DynamicLabel;

    /// x22–x28, x9–x15, and x20 where it is free.
    fn gprs(&self) -> &'static [u8] {
        if self.memory_descriptor_pinned() {
            &[22, 23, 24, 25, 26, 27, 28, 9, 10, 11, 12, 13, 14, 15]
        } else {
            &[22, 23, 24, 25, 26, 27, 28, 20, 9, 10, 11, 12, 13, 14, 15]
        }
    }
    /// v2–v31 (v0 and v1 are scratch).
    const FPRS: &'static [u8] = &[
        2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
        27, 28, 29, 30, 31,
    ];

    fn new_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    fn bind(&mut self, label: DynamicLabel) {
        dynasm!(self.ops ; .arch aarch64 ; =>label);
    }

    fn interrupt_check(&mut self) {
        let interrupted = self.trap_label(TrapCode::Interrupted);
        self.ldr_x(X16, 19, off::VMCTX_INTERRUPT);
        self.ldr_w(X16, X16, off::INTERRUPT_FLAG);
        self.branch_on_zero(X16, false, false, interrupted);
    }

    fn fuel_charge(&mut self, cost: u32) {
        let out_of_fuel = self.trap_label(TrapCode::OutOfFuel);
        self.ldr_x(X16, 19, off::VMCTX_RUNTIME);
        self.ldr_x(X17, X16, off::RUNTIME_FUEL);
        // `subs` takes 12 bits, optionally shifted by 12: a larger cost in two steps, each
        // of which traps on a borrow (the fuel is stored only once all of it is paid).
        let (high, low) = ((cost >> 12).min(0xfff), cost & 0xfff);
        if high > 0 {
            dynasm!(self.ops ; .arch aarch64 ; subs x17, x17, high, lsl 12 ; b.lo =>out_of_fuel);
        }
        if low > 0 {
            dynasm!(self.ops ; .arch aarch64 ; subs x17, x17, low ; b.lo =>out_of_fuel);
        }
        dynasm!(self.ops ; .arch aarch64 ; str x17, [x16, off::RUNTIME_FUEL as u32]);
    }

    fn prologue(&mut self, params: u32, locals: u32) {
        let stack_trap = self.trap_label(TrapCode::StackExhausted);
        self.ldr_x(19, X0, off::FUNC_REF_VMCTX);
        self.reload_memory();
        // Direct calls from the same instance enter here, x19, x20 and x21 already set. The
        // stack check comes before the frame is allocated, so a trap (and the code that
        // records it) always runs above the stack limit. It is the entry's interrupt check
        // too: an interrupt sets the limit to the top of the address space.
        self.direct_entry = self.ops.offset().0;
        dynasm!(self.ops ; .arch aarch64 ; stp x29, x30, [sp, -16]! ; mov x29, sp);
        self.ldr_x(X16, 19, off::VMCTX_INTERRUPT);
        self.ldr_x(X16, X16, off::INTERRUPT_STACK_LIMIT);
        // x17 = the frame size (patched by `finish`).
        self.frame_patch = self.ops.offset().0;
        self.word(encode::movz(true, X17, 0, 0));
        self.word(encode::movk(true, X17, 0, 16));
        dynasm!(self.ops
            ; .arch aarch64
            ; mov x8, sp
            ; sub x17, x8, x17
            ; cmp x17, x16
        );
        self.b_cond(Cond::Ls, stack_trap);
        dynasm!(self.ops
            ; .arch aarch64
            ; mov sp, x17
            ; stur x19, [x29, -8]
            ; stur x2, [x29, -16]
        );
        for i in 0..params {
            self.ldr_x(X8, X2, i as usize * 8);
            self.str_slot(X8, i);
        }
        let zeroed = locals - params;
        if zeroed > 8 {
            self.sp_plus(X16, u64::from(params) * 8);
            self.mov_imm(X17, u64::from(zeroed));
            dynasm!(self.ops
                ; .arch aarch64
                ; zero:
                ; str xzr, [x16], 8
                ; subs x17, x17, 1
                ; b.ne <zero
            );
        } else {
            for slot in params..locals {
                self.str_slot(XZR, slot);
            }
        }
    }

    fn epilogue(&mut self, results: &[Slot]) {
        dynasm!(self.ops ; .arch aarch64 ; ldur x2, [x29, -16]);
        for (i, slot) in results.iter().enumerate() {
            self.ldr_slot(X8, *slot);
            dynasm!(self.ops ; .arch aarch64 ; str x8, [x2, i as u32 * 8]);
        }
        dynasm!(self.ops
            ; .arch aarch64
            ; mov sp, x29
            ; ldp x29, x30, [sp], 16
            ; ret
        );
    }

    fn finish(mut self, frame_slots: u32) -> Result<FunctionCode, Error> {
        let common = self.trap_common;
        for (code, label) in core::mem::take(&mut self.trap_labels) {
            dynasm!(self.ops ; .arch aarch64 ; =>label);
            self.mov_imm(X1, u64::from(TRAP_STATUS_BASE + code as u32));
            dynasm!(self.ops ; .arch aarch64 ; mov w2, wzr ; b =>common);
        }
        dynasm!(self.ops
            ; .arch aarch64
            ; =>common
            ; mov x0, x19
            ; adr x3, =>common
            ; mov x4, x29
        );
        self.compiled_runtime();
        self.ldr_x(X16, X16, offset_of!(CompiledRuntime, trap));
        dynasm!(self.ops ; .arch aarch64 ; br x16);
        let frame = (frame_slots as usize * 8 + 16).next_multiple_of(16);
        let frame =
            u32::try_from(frame).map_err(|_| Error::Resource("function frame too large".into()))?;
        let mut code = self.ops.finalize().map_err(|e| match e {
            DynasmError::ImpossibleRelocation(_) => Error::Resource(OUT_OF_REACH.into()),
            e => Error::Resource(alloc::format!("code generation failed: {e}")),
        })?;
        let patch = [
            encode::movz(true, X17, frame as u16, 0),
            encode::movk(true, X17, (frame >> 16) as u16, 16),
        ];
        for (i, word) in patch.into_iter().enumerate() {
            let at = self.frame_patch + 4 * i;
            code[at..at + 4].copy_from_slice(&word.to_le_bytes());
        }
        Ok(FunctionCode {
            code,
            direct_entry: self.direct_entry as u32,
            direct_calls: self.direct_calls,
            features: Default::default(),
        })
    }

    fn copy(&mut self, src: Operand, dst: Slot) {
        match src {
            Operand::Reg(Reg::Fpr(r)) => self.str_slot_d(r, dst),
            src => {
                let r = self.gpr_or_zero(src, X8);
                self.str_slot(r, dst);
            }
        }
    }

    fn move_to(&mut self, src: Operand, dst: Reg) {
        match dst {
            Reg::Gpr(r) => self.load_gpr(r, src),
            Reg::Fpr(r) => self.load_fpr(r, src),
        }
    }

    fn int_op(&mut self, op: IntOp, width: Width, lhs: Operand, rhs: Operand, dst: Reg) {
        let w64 = width == Width::W64;
        let dst = gpr_number(dst);
        let l = self.gpr(lhs, X0);
        match op {
            IntOp::Add | IntOp::Sub => self.add_sub(op == IntOp::Sub, w64, l, rhs, dst),
            IntOp::And | IntOp::Or | IntOp::Xor => self.logical(op, w64, l, rhs, dst),
            IntOp::Mul => {
                let r = self.gpr(rhs, X1);
                if w64 {
                    dynasm!(self.ops ; .arch aarch64 ; mul X(dst), X(l), X(r));
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; mul W(dst), W(l), W(r));
                }
            }
            IntOp::Shl | IntOp::ShrS | IntOp::ShrU | IntOp::Rotl | IntOp::Rotr => {
                self.shift(op, w64, l, rhs, dst)
            }
            IntOp::DivS | IntOp::DivU | IntOp::RemS | IntOp::RemU => {
                self.divide(op, w64, l, rhs, dst)
            }
        }
    }

    fn int_cmp(&mut self, cmp: IntCmp, width: Width, lhs: Operand, rhs: Operand, dst: Reg) {
        self.compare(width, lhs, rhs);
        self.word(encode::cset(gpr_number(dst), int_cond(cmp)));
    }

    fn float_op(&mut self, op: FloatOp, width: FloatWidth, lhs: Operand, rhs: Operand, dst: Reg) {
        let d = fpr_number(dst);
        let l = self.fpr(lhs, V0);
        let r = self.fpr(rhs, V1);
        match (op, width) {
            (FloatOp::Add, FloatWidth::F32) => {
                dynasm!(self.ops ; .arch aarch64 ; fadd S(d), S(l), S(r))
            }
            (FloatOp::Add, FloatWidth::F64) => {
                dynasm!(self.ops ; .arch aarch64 ; fadd D(d), D(l), D(r))
            }
            (FloatOp::Sub, FloatWidth::F32) => {
                dynasm!(self.ops ; .arch aarch64 ; fsub S(d), S(l), S(r))
            }
            (FloatOp::Sub, FloatWidth::F64) => {
                dynasm!(self.ops ; .arch aarch64 ; fsub D(d), D(l), D(r))
            }
            (FloatOp::Mul, FloatWidth::F32) => {
                dynasm!(self.ops ; .arch aarch64 ; fmul S(d), S(l), S(r))
            }
            (FloatOp::Mul, FloatWidth::F64) => {
                dynasm!(self.ops ; .arch aarch64 ; fmul D(d), D(l), D(r))
            }
            (FloatOp::Div, FloatWidth::F32) => {
                dynasm!(self.ops ; .arch aarch64 ; fdiv S(d), S(l), S(r))
            }
            (FloatOp::Div, FloatWidth::F64) => {
                dynasm!(self.ops ; .arch aarch64 ; fdiv D(d), D(l), D(r))
            }
        }
    }

    fn float_cmp(
        &mut self,
        cmp: FloatCmp,
        width: FloatWidth,
        lhs: Operand,
        rhs: Operand,
        dst: Reg,
    ) {
        self.float_compare(width, lhs, rhs);
        self.word(encode::cset(gpr_number(dst), float_cond(cmp)));
    }

    /// Always: NEON's `cnt` is part of every AArch64 CPU the runtime supports.
    fn has_popcnt(&self) -> bool {
        true
    }

    fn unary(&mut self, op: UnOp, src: Operand, dst: Reg) {
        match op {
            UnOp::Eqz(width) => {
                let r = self.gpr(src, X0);
                if width == Width::W64 {
                    dynasm!(self.ops ; .arch aarch64 ; cmp XSP(r), 0);
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; cmp WSP(r), 0);
                }
                self.word(encode::cset(gpr_number(dst), Cond::Eq));
            }
            UnOp::ExtendS(width, bits) => {
                let d = gpr_number(dst);
                let r = self.gpr(src, X0);
                match (width, bits) {
                    (Width::W32, 8) => dynasm!(self.ops ; .arch aarch64 ; sxtb W(d), W(r)),
                    (Width::W32, _) => dynasm!(self.ops ; .arch aarch64 ; sxth W(d), W(r)),
                    (Width::W64, 8) => dynasm!(self.ops ; .arch aarch64 ; sxtb X(d), W(r)),
                    (Width::W64, 16) => dynasm!(self.ops ; .arch aarch64 ; sxth X(d), W(r)),
                    (Width::W64, _) => dynasm!(self.ops ; .arch aarch64 ; sxtw X(d), W(r)),
                }
            }
            UnOp::ExtendU32 => {
                let d = gpr_number(dst);
                let r = self.gpr(src, X0);
                dynasm!(self.ops ; .arch aarch64 ; mov W(d), W(r));
            }
            UnOp::Clz(width) => {
                let d = gpr_number(dst);
                let r = self.gpr(src, X0);
                if width == Width::W64 {
                    dynasm!(self.ops ; .arch aarch64 ; clz X(d), X(r));
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; clz W(d), W(r));
                }
            }
            UnOp::Ctz(width) => {
                let d = gpr_number(dst);
                let r = self.gpr(src, X0);
                if width == Width::W64 {
                    dynasm!(self.ops ; .arch aarch64 ; rbit X(d), X(r) ; clz X(d), X(d));
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; rbit W(d), W(r) ; clz W(d), W(d));
                }
            }
            UnOp::Popcnt(width) => {
                let d = gpr_number(dst);
                let r = self.gpr(src, X0);
                // `fmov s0, w` clears the rest of v0, so a 32-bit count sees 32 bits only.
                if width == Width::W64 {
                    dynasm!(self.ops ; .arch aarch64 ; fmov D(V0), X(r));
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; fmov S(V0), W(r));
                }
                dynasm!(self.ops
                    ; .arch aarch64
                    ; cnt v0.b8, v0.b8
                    ; addv b0, v0.b8
                    ; fmov W(d), s0
                );
            }
            UnOp::Sqrt(width) => {
                let d = fpr_number(dst);
                let r = self.fpr(src, V0);
                match width {
                    FloatWidth::F32 => dynasm!(self.ops ; .arch aarch64 ; fsqrt S(d), S(r)),
                    FloatWidth::F64 => dynasm!(self.ops ; .arch aarch64 ; fsqrt D(d), D(r)),
                }
            }
            UnOp::ConvertS(fw, width) => {
                let d = fpr_number(dst);
                let r = self.gpr(src, X0);
                match (fw, width) {
                    (FloatWidth::F32, Width::W32) => {
                        dynasm!(self.ops ; .arch aarch64 ; scvtf S(d), W(r))
                    }
                    (FloatWidth::F32, Width::W64) => {
                        dynasm!(self.ops ; .arch aarch64 ; scvtf S(d), X(r))
                    }
                    (FloatWidth::F64, Width::W32) => {
                        dynasm!(self.ops ; .arch aarch64 ; scvtf D(d), W(r))
                    }
                    (FloatWidth::F64, Width::W64) => {
                        dynasm!(self.ops ; .arch aarch64 ; scvtf D(d), X(r))
                    }
                }
            }
        }
    }

    fn numeric_helper(&mut self, helper: u32, a: Operand, b: Operand, dst: Reg) {
        self.load_gpr(X0, a);
        self.load_gpr(X1, b);
        self.compiled_runtime();
        let entry = offset_of!(CompiledRuntime, numeric) + helper as usize * 8;
        self.ldr_x(X16, X16, entry);
        dynasm!(self.ops ; .arch aarch64 ; blr x16);
        // The result comes back in x0, the trap status in x1.
        self.trap_if_status();
        self.move_to(Operand::Reg(Reg::Gpr(X0)), dst);
    }

    fn select(&mut self, cond: Operand, a: Operand, b: Operand, dst: Reg) {
        let d = gpr_number(dst);
        if let Operand::Imm(c) = cond {
            self.load_gpr(d, if c as u32 != 0 { a } else { b });
            return;
        }
        let ra = self.gpr(a, X0);
        let rb = self.gpr(b, X1);
        let c = self.gpr(cond, X8);
        dynasm!(self.ops ; .arch aarch64 ; cmp WSP(c), 0);
        self.word(encode::csel(true, d, ra, rb, Cond::Ne));
    }

    fn load(&mut self, access: MemAccess, addr: Operand, offset: u64, dst: Reg) {
        self.effective_address(addr, offset, access.bytes);
        let d = match dst {
            Reg::Fpr(x) => {
                match access.bytes {
                    4 => mem!(self, ldr S(x)),
                    _ => mem!(self, ldr D(x)),
                }
                return;
            }
            Reg::Gpr(d) => d,
        };
        match (access.bytes, access.signed, access.wide) {
            (1, false, _) => mem!(self, ldrb W(d)),
            (1, true, false) => mem!(self, ldrsb W(d)),
            (1, true, true) => mem!(self, ldrsb X(d)),
            (2, false, _) => mem!(self, ldrh W(d)),
            (2, true, false) => mem!(self, ldrsh W(d)),
            (2, true, true) => mem!(self, ldrsh X(d)),
            (4, true, true) => mem!(self, ldrsw X(d)),
            (4, _, _) => mem!(self, ldr W(d)),
            _ => mem!(self, ldr X(d)),
        }
    }

    fn store(&mut self, access: MemAccess, addr: Operand, offset: u64, value: Operand) {
        if let Operand::Reg(Reg::Fpr(x)) = value {
            self.effective_address(addr, offset, access.bytes);
            match access.bytes {
                4 => mem!(self, str S(x)),
                _ => mem!(self, str D(x)),
            }
            return;
        }
        let v = self.gpr_or_zero(value, X0);
        self.effective_address(addr, offset, access.bytes);
        match access.bytes {
            1 => mem!(self, strb W(v)),
            2 => mem!(self, strh W(v)),
            4 => mem!(self, str W(v)),
            _ => mem!(self, str X(v)),
        }
    }

    fn memory_size(&mut self, dst: Reg) {
        let d = gpr_number(dst);
        if self.memory_descriptor_pinned() {
            self.ldr_x(d, 20, off::MEMORY_LENGTH);
        } else {
            self.ldr_x(X16, 19, off::VMCTX_MEMORY0);
            self.ldr_x(d, X16, off::MEMORY_LENGTH);
        }
        dynasm!(self.ops ; .arch aarch64 ; lsr X(d), X(d), 16);
    }

    fn global_get(&mut self, global: u32, dst: Reg) {
        self.ldr_x(X16, 19, off::VMCTX_GLOBALS);
        self.ldr_x(X16, X16, global as usize * 8);
        match dst {
            Reg::Gpr(d) => dynasm!(self.ops ; .arch aarch64 ; ldr X(d), [x16]),
            Reg::Fpr(x) => dynasm!(self.ops ; .arch aarch64 ; ldr D(x), [x16]),
        }
    }

    fn global_set(&mut self, global: u32, src: Operand) {
        self.ldr_x(X16, 19, off::VMCTX_GLOBALS);
        self.ldr_x(X16, X16, global as usize * 8);
        match src {
            Operand::Reg(Reg::Fpr(x)) => dynasm!(self.ops ; .arch aarch64 ; str D(x), [x16]),
            src => {
                let r = self.gpr(src, X0);
                dynasm!(self.ops ; .arch aarch64 ; str X(r), [x16]);
            }
        }
    }

    fn table_get(&mut self, table: u32, index: Operand, dst: Reg) {
        self.table_element(table, index, TrapCode::TableOutOfBounds);
        let d = gpr_number(dst);
        dynasm!(self.ops ; .arch aarch64 ; ldr X(d), [x2, x0, lsl 3]);
    }

    fn table_set(&mut self, table: u32, index: Operand, value: Operand) {
        self.load_gpr(X1, value);
        self.table_element(table, index, TrapCode::TableOutOfBounds);
        dynasm!(self.ops ; .arch aarch64 ; str x1, [x2, x0, lsl 3]);
    }

    fn table_size(&mut self, table: u32, dst: Reg) {
        let d = gpr_number(dst);
        self.ldr_x(X2, 19, off::VMCTX_TABLES);
        self.ldr_x(X2, X2, table as usize * 8);
        self.ldr_w(d, X2, off::TABLE_LENGTH);
    }

    fn ref_func(&mut self, func: u32, dst: Reg) {
        let d = gpr_number(dst);
        self.ldr_x(X16, 19, off::VMCTX_FUNC_REFS);
        self.ldr_x(d, X16, func as usize * 8);
    }

    fn runtime_call(&mut self, call: RuntimeCall, args: &[Operand], dst: Option<Slot>) {
        // AAPCS64 argument registers after the context in x0.
        for (arg, reg) in args.iter().zip(1..=5) {
            self.load_gpr(reg, *arg);
        }
        dynasm!(self.ops ; .arch aarch64 ; mov x0, x19);
        self.ldr_x(X16, 19, off::VMCTX_HELPERS);
        self.ldr_x(X16, X16, runtime_call_offset(call));
        dynasm!(self.ops ; .arch aarch64 ; blr x16);
        match call {
            RuntimeCall::MemoryGrow | RuntimeCall::TableGrow => {
                let dst = dst.expect("grow has a result");
                dynasm!(self.ops ; .arch aarch64 ; mov w0, w0);
                self.str_slot(X0, dst);
            }
            RuntimeCall::DataDrop | RuntimeCall::ElemDrop => {}
            _ => {
                // A non-zero result is a trap code plus one.
                dynasm!(self.ops ; .arch aarch64 ; cbz w0, >ok);
                self.mov_imm(X1, u64::from(TRAP_STATUS_BASE - 1));
                let common = self.trap_common;
                dynasm!(self.ops
                    ; .arch aarch64
                    ; add w1, w1, w0
                    ; mov w2, wzr
                    ; b =>common
                    ; ok:
                );
            }
        }
        self.reload_memory();
    }

    fn call(&mut self, callee: Callee, base: Slot) {
        if let Callee::Direct(func) = callee {
            self.sp_plus(X2, u64::from(base) * 8);
            // `bl`, linked later; the callee returns with x19, x20 and x21 as they were
            // (the same instance's, memory 0's base up to date).
            self.direct_calls.push(Relocation {
                offset: self.ops.offset().0 as u32,
                kind: RelocKind::Arm64Call26,
                func,
            });
            self.word(encode::BL);
            return;
        }
        match callee {
            Callee::Func(func) => {
                self.ldr_x(X16, 19, off::VMCTX_FUNC_REFS);
                self.ldr_x(X0, X16, func as usize * 8);
            }
            Callee::Indirect {
                type_index,
                table,
                index,
            } => {
                self.table_element(table, index, TrapCode::UndefinedElement);
                let mismatch = self.trap_label(TrapCode::IndirectCallTypeMismatch);
                let common = self.trap_common;
                dynasm!(self.ops
                    ; .arch aarch64
                    ; ldr x8, [x2, x0, lsl 3]
                    ; cbnz x8, >found
                    ; mov w2, w0
                );
                self.mov_imm(
                    X1,
                    u64::from(TRAP_STATUS_BASE + TrapCode::UninitializedElement as u32),
                );
                dynasm!(self.ops
                    ; .arch aarch64
                    ; b =>common
                    ; found:
                    ; mov x0, x8
                );
                self.ldr_x(X16, 19, off::VMCTX_TYPE_IDS);
                self.ldr_w(X16, X16, type_index as usize * 4);
                self.ldr_w(X17, X0, off::FUNC_REF_TYPE_ID);
                dynasm!(self.ops ; .arch aarch64 ; cmp w16, w17);
                self.b_cond(Cond::Ne, mismatch);
            }
            Callee::Direct(_) => unreachable!("direct calls are emitted above"),
        }
        dynasm!(self.ops ; .arch aarch64 ; mov x1, x19);
        self.sp_plus(X2, u64::from(base) * 8);
        self.ldr_x(X16, X0, off::FUNC_REF_NATIVE);
        dynasm!(self.ops ; .arch aarch64 ; blr x16);
        self.reload_context();
    }

    fn jump(&mut self, target: DynamicLabel) {
        dynasm!(self.ops ; .arch aarch64 ; b =>target);
    }

    fn branch_if(&mut self, cond: Operand, if_nonzero: bool, target: DynamicLabel) {
        if let Operand::Imm(c) = cond {
            if (c as u32 != 0) == if_nonzero {
                self.jump(target);
            }
            return;
        }
        let c = self.gpr(cond, X0);
        self.branch_on_zero(c, false, !if_nonzero, target);
    }

    fn compare_and_branch(
        &mut self,
        cmp: IntCmp,
        width: Width,
        lhs: Operand,
        rhs: Operand,
        target: DynamicLabel,
    ) {
        self.compare(width, lhs, rhs);
        self.b_cond(int_cond(cmp), target);
    }

    fn float_compare_and_branch(
        &mut self,
        cmp: FloatCmp,
        width: FloatWidth,
        negate: bool,
        lhs: Operand,
        rhs: Operand,
        target: DynamicLabel,
    ) {
        self.float_compare(width, lhs, rhs);
        let cond = float_cond(cmp);
        self.b_cond(if negate { cond.invert() } else { cond }, target);
    }

    fn branch_table(&mut self, index: Operand, targets: &[DynamicLabel], default: DynamicLabel) {
        if let Operand::Imm(v) = index {
            let i = v as u32 as usize;
            self.jump(targets.get(i).copied().unwrap_or(default));
            return;
        }
        self.index_to_w0(index);
        self.compare(
            Width::W32,
            Operand::Reg(Reg::Gpr(X0)),
            Operand::Imm(targets.len() as u64),
        );
        self.b_cond(Cond::Hs, default);
        let table = self.ops.new_dynamic_label();
        dynasm!(self.ops
            ; .arch aarch64
            ; adr x16, =>table
            ; add x16, x16, x0, lsl 2
            ; br x16
            ; =>table
        );
        // Each entry is a 4-byte `b`.
        for target in targets {
            dynasm!(self.ops ; .arch aarch64 ; b =>*target);
        }
    }

    fn trap(&mut self, code: TrapCode) {
        let label = self.trap_label(code);
        self.jump(label);
    }
}
