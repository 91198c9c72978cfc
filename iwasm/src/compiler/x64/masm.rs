//! The x86-64 macro-assembler, on `dynasm`.
//!
//! Register use: `r14` holds the running instance's context, `r12` its memory 0 descriptor
//! and `r15` that memory's base; the rest are scratch. Slots are `[rsp + 8 * slot]`; the
//! saved context and the caller's value-array pointer sit below `rbp`. Every slot holds a
//! full 64-bit cell: 32-bit results are stored zero-extended.
//!
//! Calling convention between compiled functions (and the stubs in `stubs.rs`): `rdi` = the
//! callee's function reference, `rsi` = the caller's context, `rdx` = the value array
//! (arguments in, results out); every register but `rsp`/`rbp` may be clobbered.

#![allow(
    clippy::useless_conversion,
    reason = "dynasm expands dynamic registers (`Rq(reg)`) with an `.into()`"
)]

use alloc::vec::Vec;
use core::mem::offset_of;

use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

use crate::compiler::helpers::{CompiledRuntime, TRAP_STATUS_BASE};
use crate::compiler::masm::{
    Callee, FloatCmp, FloatOp, FloatWidth, IntCmp, IntOp, MacroAssembler, MemAccess, Operand,
    RuntimeCall, Slot, UnOp, Width,
};
use crate::error::{Error, TrapCode};
use crate::runtime::vmctx::offsets as off;

/// The x86-64 back end for one function.
pub(crate) struct X64Masm {
    ops: VecAssembler<X64Relocation>,
    /// Whether the module has a memory (then `r12`/`r15` are kept loaded).
    has_memory: bool,
    /// Where the prologue's frame-size immediate ends (patched by `finish`).
    frame_patch: usize,
    /// One label per trap code used, emitted at the end.
    trap_labels: Vec<(TrapCode, DynamicLabel)>,
    /// Traps whose status is in `esi` and detail in `edx` already.
    trap_common: DynamicLabel,
}

/// `[rsp + 8 * slot]`'s displacement.
fn disp(slot: Slot) -> i32 {
    slot as i32 * 8
}

/// The immediate if it fits a sign-extended 32-bit field.
fn imm32(value: u64) -> Option<i32> {
    let v = value as i64;
    (v == v as i32 as i64).then_some(v as i32)
}

impl X64Masm {
    /// A back end for a function of a module with (or without) a memory.
    pub(crate) fn new(has_memory: bool) -> X64Masm {
        let mut ops = VecAssembler::new(0);
        let trap_common = ops.new_dynamic_label();
        X64Masm {
            ops,
            has_memory,
            frame_patch: 0,
            trap_labels: Vec::new(),
            trap_common,
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

    /// `rax = operand` (64 bits).
    fn load_rax(&mut self, operand: Operand) {
        match operand {
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; mov rax, QWORD [rsp + disp(s)]),
            Operand::Imm(v) => self.mov_imm(0, v),
        }
    }

    /// `rcx = operand` (64 bits).
    fn load_rcx(&mut self, operand: Operand) {
        match operand {
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; mov rcx, QWORD [rsp + disp(s)]),
            Operand::Imm(v) => self.mov_imm(1, v),
        }
    }

    /// Register `reg` (by number) = operand (64 bits).
    fn load_reg(&mut self, reg: u8, operand: Operand) {
        match operand {
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; mov Rq(reg), QWORD [rsp + disp(s)]),
            Operand::Imm(v) => self.mov_imm(reg, v),
        }
    }

    /// Register `reg` = `value`, in the shortest encoding.
    fn mov_imm(&mut self, reg: u8, value: u64) {
        if value <= u32::MAX as u64 {
            dynasm!(self.ops ; .arch x64 ; mov Rd(reg), value as i32);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov Rq(reg), QWORD value as i64);
        }
    }

    /// Stores `rax` to `slot`.
    fn store_rax(&mut self, slot: Slot) {
        dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + disp(slot)], rax);
    }

    /// `xmm<reg> = operand`'s float bits.
    fn load_xmm(&mut self, reg: u8, width: FloatWidth, operand: Operand) {
        match (operand, width) {
            (Operand::Slot(s), FloatWidth::F32) => {
                dynasm!(self.ops ; .arch x64 ; movss Rx(reg), DWORD [rsp + disp(s)])
            }
            (Operand::Slot(s), FloatWidth::F64) => {
                dynasm!(self.ops ; .arch x64 ; movsd Rx(reg), QWORD [rsp + disp(s)])
            }
            (Operand::Imm(v), _) => {
                self.mov_imm(0, v);
                dynasm!(self.ops ; .arch x64 ; movq Rx(reg), rax);
            }
        }
    }

    /// Stores `xmm0`'s float to `slot` (an f32 zero-extended to 64 bits).
    fn store_xmm0(&mut self, width: FloatWidth, slot: Slot) {
        match width {
            FloatWidth::F32 => dynasm!(self.ops ; .arch x64 ; movd eax, xmm0),
            FloatWidth::F64 => dynasm!(self.ops ; .arch x64 ; movq rax, xmm0),
        }
        self.store_rax(slot);
    }

    /// Re-establishes `r14`, `r12` and `r15` after a call into other code.
    fn reload_context(&mut self) {
        dynasm!(self.ops ; .arch x64 ; mov r14, QWORD [rbp - 8]);
        self.reload_memory();
    }

    /// Re-reads memory 0's descriptor and base (after anything that may grow it).
    fn reload_memory(&mut self) {
        if self.has_memory {
            dynasm!(self.ops
                ; .arch x64
                ; mov r12, QWORD [r14 + off::VMCTX_MEMORY0 as i32]
                ; mov r15, QWORD [r12 + off::MEMORY_BASE as i32]
            );
        }
    }

    /// `rcx` = the effective address `addr + offset`; traps unless `bytes` bytes from there
    /// lie within memory 0.
    fn effective_address(&mut self, addr: Operand, offset: u64, bytes: u8) {
        match addr {
            Operand::Imm(a) => self.mov_imm(1, (a as u32 as u64) + offset),
            Operand::Slot(s) => {
                dynasm!(self.ops ; .arch x64 ; mov ecx, DWORD [rsp + disp(s)]);
                if offset > 0 {
                    if let Some(o) = imm32(offset) {
                        dynasm!(self.ops ; .arch x64 ; add rcx, o);
                    } else {
                        dynasm!(self.ops ; .arch x64 ; mov rdx, QWORD offset as i64 ; add rcx, rdx);
                    }
                }
            }
        }
        let oob = self.trap_label(TrapCode::MemoryOutOfBounds);
        dynasm!(self.ops
            ; .arch x64
            ; lea rdx, [rcx + bytes as i32]
            ; cmp rdx, QWORD [r12 + off::MEMORY_LENGTH as i32]
            ; ja =>oob
        );
    }

    /// `rcx` = the `VMTable` of table `table`.
    fn table_view(&mut self, table: u32) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, QWORD [r14 + off::VMCTX_TABLES as i32]
            ; mov rcx, QWORD [rcx + table as i32 * 8]
        );
    }

    /// `eax` = a table index operand; traps with `code` unless it is below `rcx`'s length.
    fn table_index(&mut self, index: Operand, code: TrapCode) {
        match index {
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; mov eax, DWORD [rsp + disp(s)]),
            Operand::Imm(v) => self.mov_imm(0, v as u32 as u64),
        }
        let trap = self.trap_label(code);
        dynasm!(self.ops
            ; .arch x64
            ; cmp eax, DWORD [rcx + off::TABLE_LENGTH as i32]
            ; jae =>trap
        );
    }

    /// `rax` = `[r14 → runtime → compiled runtime]`.
    fn compiled_runtime(&mut self) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r14 + off::VMCTX_RUNTIME as i32]
            ; mov rax, QWORD [rax + off::RUNTIME_COMPILED as i32]
        );
    }
}

/// The byte offset of a runtime call in the helper table.
fn runtime_call_offset(call: RuntimeCall) -> i32 {
    (match call {
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
    }) as i32
}

impl MacroAssembler for X64Masm {
    type Label = DynamicLabel;

    fn new_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    fn bind(&mut self, label: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; =>label);
    }

    fn prologue(&mut self, params: u32, locals: u32) {
        let stack_trap = self.trap_label(TrapCode::StackExhausted);
        dynasm!(self.ops
            ; .arch x64
            ; push rbp
            ; mov rbp, rsp
            ; sub rsp, 0x7fff_fff0
        );
        self.frame_patch = self.ops.offset().0;
        dynasm!(self.ops
            ; .arch x64
            ; mov r14, QWORD [rdi + off::FUNC_REF_VMCTX as i32]
            ; mov QWORD [rbp - 8], r14
            ; mov QWORD [rbp - 16], rdx
            ; mov rax, QWORD [r14 + off::VMCTX_RUNTIME as i32]
            ; cmp rsp, QWORD [rax + off::RUNTIME_STACK_LIMIT as i32]
            ; jbe =>stack_trap
        );
        for i in 0..params as i32 {
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, QWORD [rdx + i * 8]
                ; mov QWORD [rsp + i * 8], rax
            );
        }
        let zeroed = locals - params;
        if zeroed > 8 {
            dynasm!(self.ops
                ; .arch x64
                ; lea rdi, [rsp + disp(params)]
                ; mov ecx, zeroed as i32
                ; xor eax, eax
                ; rep stosq
            );
        } else if zeroed > 0 {
            dynasm!(self.ops ; .arch x64 ; xor eax, eax);
            for slot in params..locals {
                self.store_rax(slot);
            }
        }
        self.reload_memory();
    }

    fn epilogue(&mut self, results: &[Slot]) {
        dynasm!(self.ops ; .arch x64 ; mov rdx, QWORD [rbp - 16]);
        for (i, slot) in results.iter().enumerate() {
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, QWORD [rsp + disp(*slot)]
                ; mov QWORD [rdx + i as i32 * 8], rax
            );
        }
        dynasm!(self.ops ; .arch x64 ; mov rsp, rbp ; pop rbp ; ret);
    }

    fn finish(mut self, frame_slots: u32) -> Result<Vec<u8>, Error> {
        let common = self.trap_common;
        for (code, label) in core::mem::take(&mut self.trap_labels) {
            dynasm!(self.ops
                ; .arch x64
                ; =>label
                ; mov esi, TRAP_STATUS_BASE as i32 + code as i32
                ; xor edx, edx
                ; jmp =>common
            );
        }
        dynasm!(self.ops
            ; .arch x64
            ; =>common
            ; mov rdi, r14
        );
        self.compiled_runtime();
        dynasm!(self.ops
            ; .arch x64
            ; jmp QWORD [rax + offset_of!(CompiledRuntime, trap) as i32]
        );
        let frame = (frame_slots as usize * 8 + 16).next_multiple_of(16);
        let frame =
            i32::try_from(frame).map_err(|_| Error::Resource("function frame too large".into()))?;
        let mut code = self
            .ops
            .finalize()
            .map_err(|e| Error::Resource(alloc::format!("code generation failed: {e}")))?;
        code[self.frame_patch - 4..self.frame_patch].copy_from_slice(&frame.to_le_bytes());
        Ok(code)
    }

    fn copy(&mut self, src: Operand, dst: Slot) {
        match src {
            Operand::Imm(v) if imm32(v).is_some() => {
                let v = imm32(v).expect("checked");
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + disp(dst)], v);
            }
            src => {
                self.load_rax(src);
                self.store_rax(dst);
            }
        }
    }

    fn int_op(&mut self, op: IntOp, width: Width, lhs: Operand, rhs: Operand, dst: Slot) {
        let w64 = width == Width::W64;
        self.load_rax(lhs);
        match op {
            IntOp::Add | IntOp::Sub | IntOp::Mul | IntOp::And | IntOp::Or | IntOp::Xor => {
                self.load_rcx(rhs);
                match (op, w64) {
                    (IntOp::Add, false) => dynasm!(self.ops ; .arch x64 ; add eax, ecx),
                    (IntOp::Add, true) => dynasm!(self.ops ; .arch x64 ; add rax, rcx),
                    (IntOp::Sub, false) => dynasm!(self.ops ; .arch x64 ; sub eax, ecx),
                    (IntOp::Sub, true) => dynasm!(self.ops ; .arch x64 ; sub rax, rcx),
                    (IntOp::Mul, false) => dynasm!(self.ops ; .arch x64 ; imul eax, ecx),
                    (IntOp::Mul, true) => dynasm!(self.ops ; .arch x64 ; imul rax, rcx),
                    (IntOp::And, false) => dynasm!(self.ops ; .arch x64 ; and eax, ecx),
                    (IntOp::And, true) => dynasm!(self.ops ; .arch x64 ; and rax, rcx),
                    (IntOp::Or, false) => dynasm!(self.ops ; .arch x64 ; or eax, ecx),
                    (IntOp::Or, true) => dynasm!(self.ops ; .arch x64 ; or rax, rcx),
                    (IntOp::Xor, false) => dynasm!(self.ops ; .arch x64 ; xor eax, ecx),
                    (_, _) => dynasm!(self.ops ; .arch x64 ; xor rax, rcx),
                }
            }
            IntOp::Shl | IntOp::ShrS | IntOp::ShrU | IntOp::Rotl | IntOp::Rotr => {
                self.load_rcx(rhs);
                match (op, w64) {
                    (IntOp::Shl, false) => dynasm!(self.ops ; .arch x64 ; shl eax, cl),
                    (IntOp::Shl, true) => dynasm!(self.ops ; .arch x64 ; shl rax, cl),
                    (IntOp::ShrS, false) => dynasm!(self.ops ; .arch x64 ; sar eax, cl),
                    (IntOp::ShrS, true) => dynasm!(self.ops ; .arch x64 ; sar rax, cl),
                    (IntOp::ShrU, false) => dynasm!(self.ops ; .arch x64 ; shr eax, cl),
                    (IntOp::ShrU, true) => dynasm!(self.ops ; .arch x64 ; shr rax, cl),
                    (IntOp::Rotl, false) => dynasm!(self.ops ; .arch x64 ; rol eax, cl),
                    (IntOp::Rotl, true) => dynasm!(self.ops ; .arch x64 ; rol rax, cl),
                    (IntOp::Rotr, false) => dynasm!(self.ops ; .arch x64 ; ror eax, cl),
                    (_, _) => dynasm!(self.ops ; .arch x64 ; ror rax, cl),
                }
            }
            IntOp::DivS | IntOp::DivU | IntOp::RemS | IntOp::RemU => {
                self.load_rcx(rhs);
                let by_zero = self.trap_label(TrapCode::IntegerDivideByZero);
                if w64 {
                    dynasm!(self.ops ; .arch x64 ; test rcx, rcx ; jz =>by_zero);
                } else {
                    dynasm!(self.ops ; .arch x64 ; test ecx, ecx ; jz =>by_zero);
                }
                self.divide(op, w64);
            }
        }
        self.store_rax(dst);
    }

    fn int_cmp(&mut self, cmp: IntCmp, width: Width, lhs: Operand, rhs: Operand, dst: Slot) {
        self.load_rax(lhs);
        self.load_rcx(rhs);
        if width == Width::W64 {
            dynasm!(self.ops ; .arch x64 ; cmp rax, rcx);
        } else {
            dynasm!(self.ops ; .arch x64 ; cmp eax, ecx);
        }
        match cmp {
            IntCmp::Eq => dynasm!(self.ops ; .arch x64 ; sete al),
            IntCmp::Ne => dynasm!(self.ops ; .arch x64 ; setne al),
            IntCmp::LtS => dynasm!(self.ops ; .arch x64 ; setl al),
            IntCmp::LtU => dynasm!(self.ops ; .arch x64 ; setb al),
            IntCmp::GtS => dynasm!(self.ops ; .arch x64 ; setg al),
            IntCmp::GtU => dynasm!(self.ops ; .arch x64 ; seta al),
            IntCmp::LeS => dynasm!(self.ops ; .arch x64 ; setle al),
            IntCmp::LeU => dynasm!(self.ops ; .arch x64 ; setbe al),
            IntCmp::GeS => dynasm!(self.ops ; .arch x64 ; setge al),
            IntCmp::GeU => dynasm!(self.ops ; .arch x64 ; setae al),
        }
        dynasm!(self.ops ; .arch x64 ; movzx eax, al);
        self.store_rax(dst);
    }

    fn float_op(&mut self, op: FloatOp, width: FloatWidth, lhs: Operand, rhs: Operand, dst: Slot) {
        self.load_xmm(0, width, lhs);
        self.load_xmm(1, width, rhs);
        match (op, width) {
            (FloatOp::Add, FloatWidth::F32) => dynasm!(self.ops ; .arch x64 ; addss xmm0, xmm1),
            (FloatOp::Add, FloatWidth::F64) => dynasm!(self.ops ; .arch x64 ; addsd xmm0, xmm1),
            (FloatOp::Sub, FloatWidth::F32) => dynasm!(self.ops ; .arch x64 ; subss xmm0, xmm1),
            (FloatOp::Sub, FloatWidth::F64) => dynasm!(self.ops ; .arch x64 ; subsd xmm0, xmm1),
            (FloatOp::Mul, FloatWidth::F32) => dynasm!(self.ops ; .arch x64 ; mulss xmm0, xmm1),
            (FloatOp::Mul, FloatWidth::F64) => dynasm!(self.ops ; .arch x64 ; mulsd xmm0, xmm1),
            (FloatOp::Div, FloatWidth::F32) => dynasm!(self.ops ; .arch x64 ; divss xmm0, xmm1),
            (FloatOp::Div, FloatWidth::F64) => dynasm!(self.ops ; .arch x64 ; divsd xmm0, xmm1),
        }
        self.store_xmm0(width, dst);
    }

    fn float_cmp(
        &mut self,
        cmp: FloatCmp,
        width: FloatWidth,
        lhs: Operand,
        rhs: Operand,
        dst: Slot,
    ) {
        // Lt and Le compare the other way round, so every "true" is "above" and NaN
        // (unordered: CF = ZF = PF = 1) is false.
        let (a, b) = match cmp {
            FloatCmp::Lt | FloatCmp::Le => (rhs, lhs),
            _ => (lhs, rhs),
        };
        self.load_xmm(0, width, a);
        self.load_xmm(1, width, b);
        match width {
            FloatWidth::F32 => dynasm!(self.ops ; .arch x64 ; ucomiss xmm0, xmm1),
            FloatWidth::F64 => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1),
        }
        match cmp {
            FloatCmp::Eq => dynasm!(self.ops ; .arch x64 ; sete al ; setnp cl ; and al, cl),
            FloatCmp::Ne => dynasm!(self.ops ; .arch x64 ; setne al ; setp cl ; or al, cl),
            FloatCmp::Lt | FloatCmp::Gt => dynasm!(self.ops ; .arch x64 ; seta al),
            FloatCmp::Le | FloatCmp::Ge => dynasm!(self.ops ; .arch x64 ; setae al),
        }
        dynasm!(self.ops ; .arch x64 ; movzx eax, al);
        self.store_rax(dst);
    }

    fn unary(&mut self, op: UnOp, src: Operand, dst: Slot) {
        match op {
            UnOp::Eqz(width) => {
                self.load_rax(src);
                if width == Width::W64 {
                    dynasm!(self.ops ; .arch x64 ; test rax, rax);
                } else {
                    dynasm!(self.ops ; .arch x64 ; test eax, eax);
                }
                dynasm!(self.ops ; .arch x64 ; sete al ; movzx eax, al);
            }
            UnOp::ExtendS(width, bits) => {
                self.load_rax(src);
                match (width, bits) {
                    (Width::W32, 8) => dynasm!(self.ops ; .arch x64 ; movsx eax, al),
                    (Width::W32, _) => dynasm!(self.ops ; .arch x64 ; movsx eax, ax),
                    (Width::W64, 8) => dynasm!(self.ops ; .arch x64 ; movsx rax, al),
                    (Width::W64, 16) => dynasm!(self.ops ; .arch x64 ; movsx rax, ax),
                    (Width::W64, _) => dynasm!(self.ops ; .arch x64 ; movsxd rax, eax),
                }
            }
            UnOp::ExtendU32 => {
                self.load_rax(src);
                dynasm!(self.ops ; .arch x64 ; mov eax, eax);
            }
            UnOp::Sqrt(width) => {
                self.load_xmm(0, width, src);
                match width {
                    FloatWidth::F32 => dynasm!(self.ops ; .arch x64 ; sqrtss xmm0, xmm0),
                    FloatWidth::F64 => dynasm!(self.ops ; .arch x64 ; sqrtsd xmm0, xmm0),
                }
                self.store_xmm0(width, dst);
                return;
            }
            UnOp::ConvertS(fw, width) => {
                self.load_rax(src);
                dynasm!(self.ops ; .arch x64 ; xorps xmm0, xmm0);
                match (fw, width) {
                    (FloatWidth::F32, Width::W32) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2ss xmm0, eax)
                    }
                    (FloatWidth::F32, Width::W64) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2ss xmm0, rax)
                    }
                    (FloatWidth::F64, Width::W32) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2sd xmm0, eax)
                    }
                    (FloatWidth::F64, Width::W64) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2sd xmm0, rax)
                    }
                }
                self.store_xmm0(fw, dst);
                return;
            }
        }
        self.store_rax(dst);
    }

    fn numeric_helper(&mut self, helper: u32, a: Operand, b: Operand, dst: Slot) {
        self.load_reg(7, a);
        self.load_reg(6, b);
        self.compiled_runtime();
        let entry = offset_of!(CompiledRuntime, numeric) as i32 + helper as i32 * 8;
        let common = self.trap_common;
        dynasm!(self.ops
            ; .arch x64
            ; call QWORD [rax + entry]
            ; test rdx, rdx
            ; jz >ok
            ; mov esi, edx
            ; xor edx, edx
            ; jmp =>common
            ; ok:
        );
        self.store_rax(dst);
    }

    fn select(&mut self, cond: Operand, a: Operand, b: Operand, dst: Slot) {
        match cond {
            Operand::Imm(c) => self.copy(if c as u32 != 0 { a } else { b }, dst),
            Operand::Slot(s) => {
                self.load_rax(a);
                self.load_rcx(b);
                dynasm!(self.ops
                    ; .arch x64
                    ; cmp DWORD [rsp + disp(s)], 0
                    ; cmove rax, rcx
                );
                self.store_rax(dst);
            }
        }
    }

    fn load(&mut self, access: MemAccess, addr: Operand, offset: u64, dst: Slot) {
        self.effective_address(addr, offset, access.bytes);
        match (access.bytes, access.signed, access.wide) {
            (1, false, _) => dynasm!(self.ops ; .arch x64 ; movzx eax, BYTE [r15 + rcx]),
            (1, true, false) => dynasm!(self.ops ; .arch x64 ; movsx eax, BYTE [r15 + rcx]),
            (1, true, true) => dynasm!(self.ops ; .arch x64 ; movsx rax, BYTE [r15 + rcx]),
            (2, false, _) => dynasm!(self.ops ; .arch x64 ; movzx eax, WORD [r15 + rcx]),
            (2, true, false) => dynasm!(self.ops ; .arch x64 ; movsx eax, WORD [r15 + rcx]),
            (2, true, true) => dynasm!(self.ops ; .arch x64 ; movsx rax, WORD [r15 + rcx]),
            (4, true, true) => dynasm!(self.ops ; .arch x64 ; movsxd rax, DWORD [r15 + rcx]),
            (4, _, _) => dynasm!(self.ops ; .arch x64 ; mov eax, DWORD [r15 + rcx]),
            _ => dynasm!(self.ops ; .arch x64 ; mov rax, QWORD [r15 + rcx]),
        }
        self.store_rax(dst);
    }

    fn store(&mut self, access: MemAccess, addr: Operand, offset: u64, value: Operand) {
        self.effective_address(addr, offset, access.bytes);
        self.load_rax(value);
        match access.bytes {
            1 => dynasm!(self.ops ; .arch x64 ; mov BYTE [r15 + rcx], al),
            2 => dynasm!(self.ops ; .arch x64 ; mov WORD [r15 + rcx], ax),
            4 => dynasm!(self.ops ; .arch x64 ; mov DWORD [r15 + rcx], eax),
            _ => dynasm!(self.ops ; .arch x64 ; mov QWORD [r15 + rcx], rax),
        }
    }

    fn memory_size(&mut self, dst: Slot) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r12 + off::MEMORY_LENGTH as i32]
            ; shr rax, 16
        );
        self.store_rax(dst);
    }

    fn global_get(&mut self, global: u32, dst: Slot) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r14 + off::VMCTX_GLOBALS as i32]
            ; mov rax, QWORD [rax + global as i32 * 8]
            ; mov rax, QWORD [rax]
        );
        self.store_rax(dst);
    }

    fn global_set(&mut self, global: u32, src: Operand) {
        self.load_rax(src);
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, QWORD [r14 + off::VMCTX_GLOBALS as i32]
            ; mov rcx, QWORD [rcx + global as i32 * 8]
            ; mov QWORD [rcx], rax
        );
    }

    fn table_get(&mut self, table: u32, index: Operand, dst: Slot) {
        self.table_view(table);
        self.table_index(index, TrapCode::TableOutOfBounds);
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, QWORD [rcx + off::TABLE_BASE as i32]
            ; mov rax, QWORD [rcx + rax * 8]
        );
        self.store_rax(dst);
    }

    fn table_set(&mut self, table: u32, index: Operand, value: Operand) {
        self.load_reg(2, value);
        self.table_view(table);
        self.table_index(index, TrapCode::TableOutOfBounds);
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, QWORD [rcx + off::TABLE_BASE as i32]
            ; mov QWORD [rcx + rax * 8], rdx
        );
    }

    fn table_size(&mut self, table: u32, dst: Slot) {
        self.table_view(table);
        dynasm!(self.ops ; .arch x64 ; mov eax, DWORD [rcx + off::TABLE_LENGTH as i32]);
        self.store_rax(dst);
    }

    fn ref_func(&mut self, func: u32, dst: Slot) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r14 + off::VMCTX_FUNC_REFS as i32]
            ; mov rax, QWORD [rax + func as i32 * 8]
        );
        self.store_rax(dst);
    }

    fn runtime_call(&mut self, call: RuntimeCall, args: &[Operand], dst: Option<Slot>) {
        // System V argument registers after the context in rdi: rsi, rdx, rcx, r8, r9.
        const ARG_REGS: [u8; 5] = [6, 2, 1, 8, 9];
        for (arg, reg) in args.iter().zip(ARG_REGS) {
            self.load_reg(reg, *arg);
        }
        let entry = runtime_call_offset(call);
        dynasm!(self.ops
            ; .arch x64
            ; mov rdi, r14
            ; mov rax, QWORD [r14 + off::VMCTX_HELPERS as i32]
            ; call QWORD [rax + entry]
        );
        match call {
            RuntimeCall::MemoryGrow | RuntimeCall::TableGrow => {
                dynasm!(self.ops ; .arch x64 ; mov eax, eax);
                self.store_rax(dst.expect("grow has a result"));
            }
            RuntimeCall::DataDrop | RuntimeCall::ElemDrop => {}
            _ => {
                let common = self.trap_common;
                dynasm!(self.ops
                    ; .arch x64
                    ; test eax, eax
                    ; jz >ok
                    ; lea esi, [rax + TRAP_STATUS_BASE as i32 - 1]
                    ; xor edx, edx
                    ; jmp =>common
                    ; ok:
                );
            }
        }
        self.reload_memory();
    }

    fn call(&mut self, callee: Callee, base: Slot) {
        match callee {
            Callee::Func(func) => {
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rax, QWORD [r14 + off::VMCTX_FUNC_REFS as i32]
                    ; mov rdi, QWORD [rax + func as i32 * 8]
                );
            }
            Callee::Indirect {
                type_index,
                table,
                index,
            } => {
                self.table_view(table);
                self.table_index(index, TrapCode::UndefinedElement);
                let mismatch = self.trap_label(TrapCode::IndirectCallTypeMismatch);
                let common = self.trap_common;
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rcx, QWORD [rcx + off::TABLE_BASE as i32]
                    ; mov rdi, QWORD [rcx + rax * 8]
                    ; test rdi, rdi
                    ; jnz >found
                    ; mov edx, eax
                    ; mov esi, TRAP_STATUS_BASE as i32 + TrapCode::UninitializedElement as i32
                    ; jmp =>common
                    ; found:
                    ; mov rax, QWORD [r14 + off::VMCTX_TYPE_IDS as i32]
                    ; mov eax, DWORD [rax + type_index as i32 * 4]
                    ; cmp eax, DWORD [rdi + off::FUNC_REF_TYPE_ID as i32]
                    ; jne =>mismatch
                );
            }
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov rsi, r14
            ; lea rdx, [rsp + disp(base)]
            ; call QWORD [rdi + off::FUNC_REF_NATIVE as i32]
        );
        self.reload_context();
    }

    fn jump(&mut self, target: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; jmp =>target);
    }

    fn branch_if(&mut self, cond: Operand, if_nonzero: bool, target: DynamicLabel) {
        match cond {
            Operand::Imm(c) => {
                if (c as u32 != 0) == if_nonzero {
                    self.jump(target);
                }
            }
            Operand::Slot(s) => {
                dynasm!(self.ops ; .arch x64 ; cmp DWORD [rsp + disp(s)], 0);
                if if_nonzero {
                    dynasm!(self.ops ; .arch x64 ; jne =>target);
                } else {
                    dynasm!(self.ops ; .arch x64 ; je =>target);
                }
            }
        }
    }

    fn branch_table(&mut self, index: Operand, targets: &[DynamicLabel], default: DynamicLabel) {
        match index {
            Operand::Imm(v) => {
                let i = v as u32 as usize;
                self.jump(targets.get(i).copied().unwrap_or(default));
            }
            Operand::Slot(s) => {
                let table = self.ops.new_dynamic_label();
                dynasm!(self.ops
                    ; .arch x64
                    ; mov eax, DWORD [rsp + disp(s)]
                    ; cmp eax, targets.len() as i32
                    ; jae =>default
                    ; lea rcx, [=>table]
                    ; lea rax, [rax + rax * 4]
                    ; add rax, rcx
                    ; jmp rax
                    ; =>table
                );
                // Each entry is a 5-byte `jmp rel32`.
                for target in targets {
                    dynasm!(self.ops ; .arch x64 ; jmp DWORD =>*target);
                }
            }
        }
    }

    fn trap(&mut self, code: TrapCode) {
        let label = self.trap_label(code);
        self.jump(label);
    }
}

impl X64Masm {
    /// `rax = rax op rcx` for division and remainder (the divisor is non-zero).
    fn divide(&mut self, op: IntOp, w64: bool) {
        match op {
            IntOp::DivS => {
                let overflow = self.trap_label(TrapCode::IntegerOverflow);
                if w64 {
                    dynasm!(self.ops
                        ; .arch x64
                        ; cmp rcx, -1
                        ; jne >divide
                        ; mov rdx, QWORD i64::MIN
                        ; cmp rax, rdx
                        ; je =>overflow
                        ; divide:
                        ; cqo
                        ; idiv rcx
                    );
                } else {
                    dynasm!(self.ops
                        ; .arch x64
                        ; cmp ecx, -1
                        ; jne >divide
                        ; cmp eax, i32::MIN
                        ; je =>overflow
                        ; divide:
                        ; cdq
                        ; idiv ecx
                    );
                }
            }
            IntOp::RemS => {
                if w64 {
                    dynasm!(self.ops
                        ; .arch x64
                        ; xor edx, edx
                        ; cmp rcx, -1
                        ; je >done
                        ; cqo
                        ; idiv rcx
                        ; done:
                        ; mov rax, rdx
                    );
                } else {
                    dynasm!(self.ops
                        ; .arch x64
                        ; xor edx, edx
                        ; cmp ecx, -1
                        ; je >done
                        ; cdq
                        ; idiv ecx
                        ; done:
                        ; mov eax, edx
                    );
                }
            }
            IntOp::DivU | IntOp::RemU => {
                dynasm!(self.ops ; .arch x64 ; xor edx, edx);
                if w64 {
                    dynasm!(self.ops ; .arch x64 ; div rcx);
                } else {
                    dynasm!(self.ops ; .arch x64 ; div ecx);
                }
                if op == IntOp::RemU {
                    dynasm!(self.ops ; .arch x64 ; mov rax, rdx);
                }
            }
            _ => unreachable!("divide() handles division and remainder only"),
        }
    }
}
