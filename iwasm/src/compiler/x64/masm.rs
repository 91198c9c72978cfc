//! The x86-64 macro-assembler, on `dynasm`.
//!
//! Register use: `r14` holds the running instance's context, `r12` its memory 0 descriptor
//! (except with guard pages at `--opt-level=3`, where it caches values too) and `r15` that
//! memory's base; `rbx`, `r13`, `r8`–`r11` and `xmm2`–`xmm15` cache values for
//! the code generator; `rax`, `rcx`, `rdx`, `rsi`, `rdi`, `xmm0` and `xmm1` are scratch. Slots are `[rsp + 8 * slot]`; the
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

use super::regs::{R8, R9, RAX, RCX, RDI, RDX, RSI, XMM0, XMM1};
use crate::aot::reloc::{RelocKind, Relocation};
use crate::compiler::masm::{
    Bounds, Callee, FloatCmp, FloatOp, FloatWidth, FunctionCode, IntCmp, IntOp, MacroAssembler,
    MemAccess, Operand, Reg, RuntimeCall, Slot, UnOp, Width,
};
use crate::compiler::Settings;
use crate::error::{Error, TrapCode};
use crate::native::helpers::{CompiledRuntime, TRAP_STATUS_BASE};
use crate::runtime::vmctx::offsets as off;
use crate::target::CpuFeature;

/// The x86-64 back end for one function.
pub(crate) struct X64Masm {
    ops: VecAssembler<X64Relocation>,
    /// Whether the module has a memory (then `r12`/`r15` are kept loaded).
    has_memory: bool,
    /// Bounds-check mode, CPU features and optimisation level.
    settings: Settings,
    /// Where the prologue's two frame-size immediates end (patched by `finish`).
    frame_patches: [usize; 2],
    /// One label per trap code used, emitted at the end.
    trap_labels: Vec<(TrapCode, DynamicLabel)>,
    /// Traps whose status is in `esi` and detail in `edx` already.
    trap_common: DynamicLabel,
    /// Where direct calls enter (see `FunctionCode::direct_entry`).
    direct_entry: usize,
    /// Direct calls: where each one's displacement is, and the callee.
    direct_calls: Vec<Relocation>,
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

/// Emits `$op dst, src` for a two-operand ALU instruction in either width, with `src` an
/// immediate, a slot or a register.
macro_rules! alu {
    ($self:ident, $op:ident, $w64:expr, $dst:expr, $src:expr) => {{
        let (dst, src, w64): (u8, Operand, bool) = ($dst, $src, $w64);
        match src {
            Operand::Imm(v) if imm32(v).is_some() => {
                let v = imm32(v).expect("checked");
                if w64 {
                    dynasm!($self.ops ; .arch x64 ; $op Rq(dst), v);
                } else {
                    dynasm!($self.ops ; .arch x64 ; $op Rd(dst), v);
                }
            }
            Operand::Slot(s) => {
                if w64 {
                    dynasm!($self.ops ; .arch x64 ; $op Rq(dst), QWORD [rsp + disp(s)]);
                } else {
                    dynasm!($self.ops ; .arch x64 ; $op Rd(dst), DWORD [rsp + disp(s)]);
                }
            }
            src => {
                let r = $self.gpr(src, RCX);
                if w64 {
                    dynasm!($self.ops ; .arch x64 ; $op Rq(dst), Rq(r));
                } else {
                    dynasm!($self.ops ; .arch x64 ; $op Rd(dst), Rd(r));
                }
            }
        }
    }};
}

/// Emits load `$op $dst, $size [r15 + rcx + $at]` (memory 0 at the address in `rcx` plus
/// displacement `$at`), without a displacement when `$at` is 0: dynasm encodes a run-time
/// displacement in 32 bits, even a zero one.
macro_rules! load {
    ($self:ident, $at:expr, $op:ident $family:ident($dst:ident), $size:ident) => {{
        if $at == 0 {
            dynasm!($self.ops ; .arch x64 ; $op $family($dst), $size [r15 + rcx])
        } else {
            dynasm!($self.ops ; .arch x64 ; $op $family($dst), $size [r15 + rcx + $at])
        }
    }};
}

/// Emits store `$op $size [r15 + rcx + $at], $src`, as [`load!`] does its load.
macro_rules! store {
    ($self:ident, $at:expr, $op:ident $size:ident, $family:ident($src:ident)) => {{
        if $at == 0 {
            dynasm!($self.ops ; .arch x64 ; $op $size [r15 + rcx], $family($src))
        } else {
            dynasm!($self.ops ; .arch x64 ; $op $size [r15 + rcx + $at], $family($src))
        }
    }};
}

/// Emits shift or rotate `$op` of general-purpose register `dst` in either width, by `$count`:
/// `cl` or an immediate.
macro_rules! shift {
    ($self:ident, $op:expr, $w64:expr, $dst:expr, $count:tt) => {{
        let (dst, w64): (u8, bool) = ($dst, $w64);
        match ($op, w64) {
            (IntOp::Shl, false) => dynasm!($self.ops ; .arch x64 ; shl Rd(dst), $count),
            (IntOp::Shl, true) => dynasm!($self.ops ; .arch x64 ; shl Rq(dst), $count),
            (IntOp::ShrS, false) => dynasm!($self.ops ; .arch x64 ; sar Rd(dst), $count),
            (IntOp::ShrS, true) => dynasm!($self.ops ; .arch x64 ; sar Rq(dst), $count),
            (IntOp::ShrU, false) => dynasm!($self.ops ; .arch x64 ; shr Rd(dst), $count),
            (IntOp::ShrU, true) => dynasm!($self.ops ; .arch x64 ; shr Rq(dst), $count),
            (IntOp::Rotl, false) => dynasm!($self.ops ; .arch x64 ; rol Rd(dst), $count),
            (IntOp::Rotl, true) => dynasm!($self.ops ; .arch x64 ; rol Rq(dst), $count),
            (IntOp::Rotr, false) => dynasm!($self.ops ; .arch x64 ; ror Rd(dst), $count),
            (_, _) => dynasm!($self.ops ; .arch x64 ; ror Rq(dst), $count),
        }
    }};
}

/// Emits `$op dst, src` for a scalar SSE instruction, `src` a slot or any register.
macro_rules! sse {
    ($self:ident, $op32:ident, $op64:ident, $width:expr, $dst:expr, $src:expr) => {{
        let (dst, src, width): (u8, Operand, FloatWidth) = ($dst, $src, $width);
        match (src, width) {
            (Operand::Slot(s), FloatWidth::F32) => {
                dynasm!($self.ops ; .arch x64 ; $op32 Rx(dst), DWORD [rsp + disp(s)])
            }
            (Operand::Slot(s), FloatWidth::F64) => {
                dynasm!($self.ops ; .arch x64 ; $op64 Rx(dst), QWORD [rsp + disp(s)])
            }
            (src, width) => {
                let r = $self.fpr(src, XMM1);
                match width {
                    FloatWidth::F32 => dynasm!($self.ops ; .arch x64 ; $op32 Rx(dst), Rx(r)),
                    FloatWidth::F64 => dynasm!($self.ops ; .arch x64 ; $op64 Rx(dst), Rx(r)),
                }
            }
        }
    }};
}

impl X64Masm {
    /// A back end for a function of a module with (or without) a memory.
    pub(crate) fn new(has_memory: bool, settings: Settings) -> X64Masm {
        let mut ops = VecAssembler::new(0);
        let trap_common = ops.new_dynamic_label();
        X64Masm {
            ops,
            has_memory,
            settings,
            frame_patches: [0; 2],
            trap_labels: Vec::new(),
            trap_common,
            direct_entry: 0,
            direct_calls: Vec::new(),
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

    /// General-purpose register `reg` = `value`, in the shortest encoding.
    fn mov_imm(&mut self, reg: u8, value: u64) {
        if value <= u32::MAX as u64 {
            dynasm!(self.ops ; .arch x64 ; mov Rd(reg), value as i32);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov Rq(reg), QWORD value as i64);
        }
    }

    /// Puts `src` (64 bits) in general-purpose register `dst`.
    fn load_gpr(&mut self, dst: u8, src: Operand) {
        match src {
            Operand::Reg(Reg::Gpr(r)) if r == dst => {}
            Operand::Reg(Reg::Gpr(r)) => dynasm!(self.ops ; .arch x64 ; mov Rq(dst), Rq(r)),
            Operand::Reg(Reg::Fpr(r)) => dynasm!(self.ops ; .arch x64 ; movq Rq(dst), Rx(r)),
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; mov Rq(dst), QWORD [rsp + disp(s)]),
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

    /// Puts `src` in floating-point register `dst` (64 bits; an f32 in the low 32).
    fn load_fpr(&mut self, dst: u8, src: Operand) {
        match src {
            Operand::Reg(Reg::Fpr(r)) if r == dst => {}
            Operand::Reg(Reg::Fpr(r)) => dynasm!(self.ops ; .arch x64 ; movaps Rx(dst), Rx(r)),
            Operand::Reg(Reg::Gpr(r)) => dynasm!(self.ops ; .arch x64 ; movq Rx(dst), Rq(r)),
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; movq Rx(dst), QWORD [rsp + disp(s)]),
            Operand::Imm(v) => {
                self.mov_imm(RAX, v);
                dynasm!(self.ops ; .arch x64 ; movq Rx(dst), rax);
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

    /// Re-establishes `r14`, `r12` and `r15` after a call into other code.
    fn reload_context(&mut self) {
        dynasm!(self.ops ; .arch x64 ; mov r14, QWORD [rbp - 8]);
        self.reload_memory();
    }

    /// Whether `r12` holds memory 0's descriptor: for explicit bounds checks, and in the
    /// JIT's code; with guard pages at `--opt-level=3` it is one more register for values.
    fn memory_descriptor_pinned(&self) -> bool {
        self.settings.bounds == Bounds::Explicit || self.settings.opt_level < 3
    }

    /// Re-reads memory 0's descriptor and base (after anything that may grow it).
    fn reload_memory(&mut self) {
        if !self.has_memory {
            return;
        }
        if self.memory_descriptor_pinned() {
            dynasm!(self.ops
                ; .arch x64
                ; mov r12, QWORD [r14 + off::VMCTX_MEMORY0 as i32]
                ; mov r15, QWORD [r12 + off::MEMORY_BASE as i32]
            );
        } else {
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, QWORD [r14 + off::VMCTX_MEMORY0 as i32]
                ; mov r15, QWORD [rax + off::MEMORY_BASE as i32]
            );
        }
    }

    /// `ecx` = a 32-bit operand, zero-extended into `rcx`.
    fn index_to_ecx(&mut self, index: Operand) {
        match index {
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; mov ecx, DWORD [rsp + disp(s)]),
            Operand::Imm(v) => self.mov_imm(RCX, v as u32 as u64),
            Operand::Reg(Reg::Gpr(r)) => dynasm!(self.ops ; .arch x64 ; mov ecx, Rd(r)),
            Operand::Reg(Reg::Fpr(r)) => dynasm!(self.ops ; .arch x64 ; movd ecx, Rx(r)),
        }
    }

    /// `rcx` plus the returned displacement = the effective address `addr + offset`; traps
    /// unless `bytes` bytes from there lie within memory 0 (with guard pages: the access
    /// itself faults).
    fn effective_address(&mut self, addr: Operand, offset: u64, bytes: u8) -> i32 {
        let guarded = self.settings.bounds == Bounds::GuardPages;
        match addr {
            Operand::Imm(a) => self.mov_imm(RCX, (a as u32 as u64) + offset),
            // With guard pages the offset goes into the access's displacement: any 32-bit
            // index plus an offset below 2 GiB stays inside the reservation.
            addr if guarded && offset <= i32::MAX as u64 => {
                self.index_to_ecx(addr);
                return offset as i32;
            }
            addr => {
                self.index_to_ecx(addr);
                if offset > 0 {
                    if let Some(o) = imm32(offset) {
                        dynasm!(self.ops ; .arch x64 ; add rcx, o);
                    } else {
                        dynasm!(self.ops ; .arch x64 ; mov rdx, QWORD offset as i64 ; add rcx, rdx);
                    }
                }
            }
        }
        if guarded {
            return 0;
        }
        let oob = self.trap_label(TrapCode::MemoryOutOfBounds);
        dynasm!(self.ops
            ; .arch x64
            ; lea rdx, [rcx + bytes as i32]
            ; cmp rdx, QWORD [r12 + off::MEMORY_LENGTH as i32]
            ; ja =>oob
        );
        0
    }

    /// `rdx` = the `VMTable` of table `table`; `eax` = `index`, trapping with `code` unless
    /// it is below the table's length.
    fn table_element(&mut self, table: u32, index: Operand, code: TrapCode) {
        self.index_to_ecx(index);
        let trap = self.trap_label(code);
        dynasm!(self.ops
            ; .arch x64
            ; mov eax, ecx
            ; mov rdx, QWORD [r14 + off::VMCTX_TABLES as i32]
            ; mov rdx, QWORD [rdx + table as i32 * 8]
            ; cmp eax, DWORD [rdx + off::TABLE_LENGTH as i32]
            ; jae =>trap
            ; mov rdx, QWORD [rdx + off::TABLE_BASE as i32]
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

    /// Sets the flags from comparing `lhs` with `rhs`.
    fn compare(&mut self, width: Width, lhs: Operand, rhs: Operand) {
        let w64 = width == Width::W64;
        let l = self.gpr(lhs, RAX);
        alu!(self, cmp, w64, l, rhs);
    }

    /// Sets general-purpose `dst` to 0 or 1 from the flags, per `set`.
    fn flag_to(&mut self, dst: u8, set: impl FnOnce(&mut Self)) {
        set(self);
        dynasm!(self.ops ; .arch x64 ; movzx Rd(dst), al);
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

    /// rbx, r13, r8–r11, and r12 where it is free (rax, rcx, rdx, rsi, rdi are scratch;
    /// r14, r15 pinned).
    fn gprs(&self) -> &'static [u8] {
        if self.memory_descriptor_pinned() {
            &[3, 13, 8, 9, 10, 11]
        } else {
            &[3, 13, 12, 8, 9, 10, 11]
        }
    }
    /// xmm2–xmm15 (xmm0 and xmm1 are scratch).
    const FPRS: &'static [u8] = &[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    fn new_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    fn bind(&mut self, label: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; =>label);
    }

    fn interrupt_check(&mut self) {
        let interrupted = self.trap_label(TrapCode::Interrupted);
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r14 + off::VMCTX_INTERRUPT as i32]
            ; cmp DWORD [rax + off::INTERRUPT_FLAG as i32], 0
            ; jne =>interrupted
        );
    }

    fn fuel_charge(&mut self, cost: u32) {
        let out_of_fuel = self.trap_label(TrapCode::OutOfFuel);
        // Segments are far shorter than 2^31 operators (function bodies are limited).
        let cost = cost.min(i32::MAX as u32) as i32;
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r14 + off::VMCTX_RUNTIME as i32]
            ; mov rcx, QWORD [rax + off::RUNTIME_FUEL as i32]
            ; sub rcx, cost
            ; jb =>out_of_fuel
            ; mov QWORD [rax + off::RUNTIME_FUEL as i32], rcx
        );
    }

    fn prologue(&mut self, params: u32, locals: u32) {
        let stack_trap = self.trap_label(TrapCode::StackExhausted);
        dynasm!(self.ops ; .arch x64 ; mov r14, QWORD [rdi + off::FUNC_REF_VMCTX as i32]);
        self.reload_memory();
        // Direct calls from the same instance enter here, r14, r12 and r15 already set. The
        // stack check comes before the frame is allocated, so a trap (and the code that
        // records it) always runs above the stack limit. It is the entry's interrupt check
        // too: an interrupt sets the limit to the top of the address space.
        self.direct_entry = self.ops.offset().0;
        dynasm!(self.ops
            ; .arch x64
            ; push rbp
            ; mov rbp, rsp
            ; mov rax, QWORD [r14 + off::VMCTX_INTERRUPT as i32]
            ; lea rcx, [rsp - 0x7fff_fff0]
        );
        self.frame_patches[0] = self.ops.offset().0;
        dynasm!(self.ops
            ; .arch x64
            ; cmp rcx, QWORD [rax + off::INTERRUPT_STACK_LIMIT as i32]
            ; jbe =>stack_trap
            ; sub rsp, 0x7fff_fff0
        );
        self.frame_patches[1] = self.ops.offset().0;
        dynasm!(self.ops
            ; .arch x64
            ; mov QWORD [rbp - 8], r14
            ; mov QWORD [rbp - 16], rdx
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
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + disp(slot)], rax);
            }
        }
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

    fn finish(mut self, frame_slots: u32) -> Result<FunctionCode, Error> {
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
            ; lea rcx, [=>common]
            ; mov r8, rbp
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
        let size = frame.to_le_bytes();
        let minus_size = (-frame).to_le_bytes();
        for (end, bytes) in self.frame_patches.into_iter().zip([minus_size, size]) {
            code[end - 4..end].copy_from_slice(&bytes);
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
            Operand::Imm(v) if imm32(v).is_some() => {
                let v = imm32(v).expect("checked");
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + disp(dst)], v);
            }
            Operand::Reg(Reg::Fpr(r)) => {
                dynasm!(self.ops ; .arch x64 ; movq QWORD [rsp + disp(dst)], Rx(r));
            }
            src => {
                let r = self.gpr(src, RAX);
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + disp(dst)], Rq(r));
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
        match op {
            IntOp::Add | IntOp::Sub | IntOp::And | IntOp::Or | IntOp::Xor => {
                self.load_gpr(dst, lhs);
                match op {
                    IntOp::Add => alu!(self, add, w64, dst, rhs),
                    IntOp::Sub => alu!(self, sub, w64, dst, rhs),
                    IntOp::And => alu!(self, and, w64, dst, rhs),
                    IntOp::Or => alu!(self, or, w64, dst, rhs),
                    _ => alu!(self, xor, w64, dst, rhs),
                }
            }
            IntOp::Mul => {
                self.load_gpr(dst, lhs);
                match rhs {
                    Operand::Imm(v) if imm32(v).is_some() => {
                        let v = imm32(v).expect("checked");
                        if w64 {
                            dynasm!(self.ops ; .arch x64 ; imul Rq(dst), Rq(dst), v);
                        } else {
                            dynasm!(self.ops ; .arch x64 ; imul Rd(dst), Rd(dst), v);
                        }
                    }
                    rhs => {
                        let r = self.gpr(rhs, RCX);
                        if w64 {
                            dynasm!(self.ops ; .arch x64 ; imul Rq(dst), Rq(r));
                        } else {
                            dynasm!(self.ops ; .arch x64 ; imul Rd(dst), Rd(r));
                        }
                    }
                }
            }
            IntOp::Shl | IntOp::ShrS | IntOp::ShrU | IntOp::Rotl | IntOp::Rotr => {
                if let Operand::Imm(count) = rhs {
                    // The count is taken modulo the width, as wasm (and the CPU) do.
                    let n = (count & if w64 { 63 } else { 31 }) as i8;
                    self.load_gpr(dst, lhs);
                    shift!(self, op, w64, dst, n);
                } else {
                    self.load_gpr(RCX, rhs);
                    self.load_gpr(dst, lhs);
                    shift!(self, op, w64, dst, cl);
                }
            }
            IntOp::DivS | IntOp::DivU | IntOp::RemS | IntOp::RemU => {
                self.load_gpr(RCX, rhs);
                self.load_gpr(RAX, lhs);
                let by_zero = self.trap_label(TrapCode::IntegerDivideByZero);
                if w64 {
                    dynasm!(self.ops ; .arch x64 ; test rcx, rcx ; jz =>by_zero);
                } else {
                    dynasm!(self.ops ; .arch x64 ; test ecx, ecx ; jz =>by_zero);
                }
                self.divide(op, w64);
                dynasm!(self.ops ; .arch x64 ; mov Rq(dst), rax);
            }
        }
    }

    fn int_cmp(&mut self, cmp: IntCmp, width: Width, lhs: Operand, rhs: Operand, dst: Reg) {
        let dst = gpr_number(dst);
        self.compare(width, lhs, rhs);
        self.flag_to(dst, |m| match cmp {
            IntCmp::Eq => dynasm!(m.ops ; .arch x64 ; sete al),
            IntCmp::Ne => dynasm!(m.ops ; .arch x64 ; setne al),
            IntCmp::LtS => dynasm!(m.ops ; .arch x64 ; setl al),
            IntCmp::LtU => dynasm!(m.ops ; .arch x64 ; setb al),
            IntCmp::GtS => dynasm!(m.ops ; .arch x64 ; setg al),
            IntCmp::GtU => dynasm!(m.ops ; .arch x64 ; seta al),
            IntCmp::LeS => dynasm!(m.ops ; .arch x64 ; setle al),
            IntCmp::LeU => dynasm!(m.ops ; .arch x64 ; setbe al),
            IntCmp::GeS => dynasm!(m.ops ; .arch x64 ; setge al),
            IntCmp::GeU => dynasm!(m.ops ; .arch x64 ; setae al),
        });
    }

    fn float_op(&mut self, op: FloatOp, width: FloatWidth, lhs: Operand, rhs: Operand, dst: Reg) {
        let dst = fpr_number(dst);
        self.load_fpr(dst, lhs);
        match op {
            FloatOp::Add => sse!(self, addss, addsd, width, dst, rhs),
            FloatOp::Sub => sse!(self, subss, subsd, width, dst, rhs),
            FloatOp::Mul => sse!(self, mulss, mulsd, width, dst, rhs),
            FloatOp::Div => sse!(self, divss, divsd, width, dst, rhs),
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
        self.float_compare(cmp, width, lhs, rhs);
        self.flag_to(gpr_number(dst), |m| match cmp {
            FloatCmp::Eq => dynasm!(m.ops ; .arch x64 ; sete al ; setnp cl ; and al, cl),
            FloatCmp::Ne => dynasm!(m.ops ; .arch x64 ; setne al ; setp cl ; or al, cl),
            FloatCmp::Lt | FloatCmp::Gt => dynasm!(m.ops ; .arch x64 ; seta al),
            FloatCmp::Le | FloatCmp::Ge => dynasm!(m.ops ; .arch x64 ; setae al),
        });
    }

    fn has_popcnt(&self) -> bool {
        self.settings.cpu_features.has(CpuFeature::Popcnt)
    }

    fn unary(&mut self, op: UnOp, src: Operand, dst: Reg) {
        match op {
            UnOp::Eqz(width) => {
                let r = self.gpr(src, RAX);
                if width == Width::W64 {
                    dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r));
                } else {
                    dynasm!(self.ops ; .arch x64 ; test Rd(r), Rd(r));
                }
                self.flag_to(gpr_number(dst), |m| dynasm!(m.ops ; .arch x64 ; sete al));
            }
            UnOp::ExtendS(width, bits) => {
                let dst = gpr_number(dst);
                let r = self.gpr(src, RAX);
                match (width, bits) {
                    (Width::W32, 8) => dynasm!(self.ops ; .arch x64 ; movsx Rd(dst), Rb(r)),
                    (Width::W32, _) => dynasm!(self.ops ; .arch x64 ; movsx Rd(dst), Rw(r)),
                    (Width::W64, 8) => dynasm!(self.ops ; .arch x64 ; movsx Rq(dst), Rb(r)),
                    (Width::W64, 16) => dynasm!(self.ops ; .arch x64 ; movsx Rq(dst), Rw(r)),
                    (Width::W64, _) => dynasm!(self.ops ; .arch x64 ; movsxd Rq(dst), Rd(r)),
                }
            }
            UnOp::Clz(width) => self.count_zeros(true, width, src, gpr_number(dst)),
            UnOp::Ctz(width) => self.count_zeros(false, width, src, gpr_number(dst)),
            UnOp::Popcnt(width) => {
                let dst = gpr_number(dst);
                let r = self.gpr(src, RAX);
                if width == Width::W64 {
                    dynasm!(self.ops ; .arch x64 ; popcnt Rq(dst), Rq(r));
                } else {
                    dynasm!(self.ops ; .arch x64 ; popcnt Rd(dst), Rd(r));
                }
            }
            UnOp::ExtendU32 => {
                let dst = gpr_number(dst);
                let r = self.gpr(src, RAX);
                dynasm!(self.ops ; .arch x64 ; mov Rd(dst), Rd(r));
            }
            UnOp::Sqrt(width) => {
                let dst = fpr_number(dst);
                sse!(self, sqrtss, sqrtsd, width, dst, src);
            }
            UnOp::ConvertS(fw, width) => {
                let dst = fpr_number(dst);
                let r = self.gpr(src, RAX);
                dynasm!(self.ops ; .arch x64 ; xorps Rx(dst), Rx(dst));
                match (fw, width) {
                    (FloatWidth::F32, Width::W32) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2ss Rx(dst), Rd(r))
                    }
                    (FloatWidth::F32, Width::W64) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2ss Rx(dst), Rq(r))
                    }
                    (FloatWidth::F64, Width::W32) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2sd Rx(dst), Rd(r))
                    }
                    (FloatWidth::F64, Width::W64) => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2sd Rx(dst), Rq(r))
                    }
                }
            }
        }
    }

    fn numeric_helper(&mut self, helper: u32, a: Operand, b: Operand, dst: Reg) {
        self.load_gpr(RDI, a);
        self.load_gpr(RSI, b);
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
        self.move_to(Operand::Reg(Reg::Gpr(RAX)), dst);
    }

    fn select(&mut self, cond: Operand, a: Operand, b: Operand, dst: Reg) {
        let dst = gpr_number(dst);
        match cond {
            Operand::Imm(c) => self.load_gpr(dst, if c as u32 != 0 { a } else { b }),
            cond => {
                self.load_gpr(dst, a);
                let rb = self.gpr(b, RCX);
                match cond {
                    Operand::Slot(s) => {
                        dynasm!(self.ops ; .arch x64 ; cmp DWORD [rsp + disp(s)], 0)
                    }
                    cond => {
                        let c = self.gpr(cond, RAX);
                        dynasm!(self.ops ; .arch x64 ; test Rd(c), Rd(c));
                    }
                }
                dynasm!(self.ops ; .arch x64 ; cmove Rq(dst), Rq(rb));
            }
        }
    }

    fn load(&mut self, access: MemAccess, addr: Operand, offset: u64, dst: Reg) {
        let at = self.effective_address(addr, offset, access.bytes);
        let d = match dst {
            Reg::Fpr(x) => {
                match access.bytes {
                    4 => load!(self, at, movd Rx(x), DWORD),
                    _ => load!(self, at, movq Rx(x), QWORD),
                }
                return;
            }
            Reg::Gpr(d) => d,
        };
        match (access.bytes, access.signed, access.wide) {
            (1, false, _) => load!(self, at, movzx Rd(d), BYTE),
            (1, true, false) => load!(self, at, movsx Rd(d), BYTE),
            (1, true, true) => load!(self, at, movsx Rq(d), BYTE),
            (2, false, _) => load!(self, at, movzx Rd(d), WORD),
            (2, true, false) => load!(self, at, movsx Rd(d), WORD),
            (2, true, true) => load!(self, at, movsx Rq(d), WORD),
            (4, true, true) => load!(self, at, movsxd Rq(d), DWORD),
            (4, _, _) => load!(self, at, mov Rd(d), DWORD),
            _ => load!(self, at, mov Rq(d), QWORD),
        }
    }

    fn store(&mut self, access: MemAccess, addr: Operand, offset: u64, value: Operand) {
        let at = self.effective_address(addr, offset, access.bytes);
        if let Operand::Reg(Reg::Fpr(x)) = value {
            match access.bytes {
                4 => store!(self, at, movd DWORD, Rx(x)),
                _ => store!(self, at, movq QWORD, Rx(x)),
            }
            return;
        }
        let v = self.gpr(value, RAX);
        match access.bytes {
            1 => store!(self, at, mov BYTE, Rb(v)),
            2 => store!(self, at, mov WORD, Rw(v)),
            4 => store!(self, at, mov DWORD, Rd(v)),
            _ => store!(self, at, mov QWORD, Rq(v)),
        }
    }

    fn memory_size(&mut self, dst: Reg) {
        let d = gpr_number(dst);
        if self.memory_descriptor_pinned() {
            dynasm!(self.ops ; .arch x64 ; mov Rq(d), QWORD [r12 + off::MEMORY_LENGTH as i32]);
        } else {
            dynasm!(self.ops
                ; .arch x64
                ; mov rax, QWORD [r14 + off::VMCTX_MEMORY0 as i32]
                ; mov Rq(d), QWORD [rax + off::MEMORY_LENGTH as i32]
            );
        }
        dynasm!(self.ops ; .arch x64 ; shr Rq(d), 16);
    }

    fn global_get(&mut self, global: u32, dst: Reg) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r14 + off::VMCTX_GLOBALS as i32]
            ; mov rax, QWORD [rax + global as i32 * 8]
        );
        match dst {
            Reg::Gpr(d) => dynasm!(self.ops ; .arch x64 ; mov Rq(d), QWORD [rax]),
            Reg::Fpr(x) => dynasm!(self.ops ; .arch x64 ; movq Rx(x), QWORD [rax]),
        }
    }

    fn global_set(&mut self, global: u32, src: Operand) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, QWORD [r14 + off::VMCTX_GLOBALS as i32]
            ; mov rcx, QWORD [rcx + global as i32 * 8]
        );
        match src {
            Operand::Reg(Reg::Fpr(x)) => dynasm!(self.ops ; .arch x64 ; movq QWORD [rcx], Rx(x)),
            src => {
                let r = self.gpr(src, RAX);
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rcx], Rq(r));
            }
        }
    }

    fn table_get(&mut self, table: u32, index: Operand, dst: Reg) {
        self.table_element(table, index, TrapCode::TableOutOfBounds);
        let d = gpr_number(dst);
        dynasm!(self.ops ; .arch x64 ; mov Rq(d), QWORD [rdx + rax * 8]);
    }

    fn table_set(&mut self, table: u32, index: Operand, value: Operand) {
        self.load_gpr(RSI, value);
        self.table_element(table, index, TrapCode::TableOutOfBounds);
        dynasm!(self.ops ; .arch x64 ; mov QWORD [rdx + rax * 8], rsi);
    }

    fn table_size(&mut self, table: u32, dst: Reg) {
        let d = gpr_number(dst);
        dynasm!(self.ops
            ; .arch x64
            ; mov rdx, QWORD [r14 + off::VMCTX_TABLES as i32]
            ; mov rdx, QWORD [rdx + table as i32 * 8]
            ; mov Rd(d), DWORD [rdx + off::TABLE_LENGTH as i32]
        );
    }

    fn ref_func(&mut self, func: u32, dst: Reg) {
        let d = gpr_number(dst);
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD [r14 + off::VMCTX_FUNC_REFS as i32]
            ; mov Rq(d), QWORD [rax + func as i32 * 8]
        );
    }

    fn runtime_call(&mut self, call: RuntimeCall, args: &[Operand], dst: Option<Slot>) {
        // System V argument registers after the context in rdi: rsi, rdx, rcx, r8, r9.
        const ARG_REGS: [u8; 5] = [RSI, RDX, RCX, R8, R9];
        for (arg, reg) in args.iter().zip(ARG_REGS) {
            self.load_gpr(reg, *arg);
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
                let dst = dst.expect("grow has a result");
                dynasm!(self.ops ; .arch x64 ; mov eax, eax ; mov QWORD [rsp + disp(dst)], rax);
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
        if let Callee::Direct(func) = callee {
            dynasm!(self.ops ; .arch x64 ; lea rdx, [rsp + disp(base)]);
            // `call rel32`, linked later; the callee returns with r14, r12 and r15 as they
            // were (the same instance's, memory 0's base up to date).
            self.ops.extend([0xe8, 0, 0, 0, 0]);
            self.direct_calls.push(Relocation {
                offset: self.ops.offset().0 as u32 - 4,
                kind: RelocKind::X86CallRel32,
                func,
            });
            return;
        }
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
                self.table_element(table, index, TrapCode::UndefinedElement);
                let mismatch = self.trap_label(TrapCode::IndirectCallTypeMismatch);
                let common = self.trap_common;
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rdi, QWORD [rdx + rax * 8]
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
            Callee::Direct(_) => unreachable!("direct calls are emitted above"),
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
                return;
            }
            Operand::Slot(s) => dynasm!(self.ops ; .arch x64 ; cmp DWORD [rsp + disp(s)], 0),
            cond => {
                let c = self.gpr(cond, RAX);
                dynasm!(self.ops ; .arch x64 ; test Rd(c), Rd(c));
            }
        }
        if if_nonzero {
            dynasm!(self.ops ; .arch x64 ; jne =>target);
        } else {
            dynasm!(self.ops ; .arch x64 ; je =>target);
        }
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
        match cmp {
            IntCmp::Eq => dynasm!(self.ops ; .arch x64 ; je =>target),
            IntCmp::Ne => dynasm!(self.ops ; .arch x64 ; jne =>target),
            IntCmp::LtS => dynasm!(self.ops ; .arch x64 ; jl =>target),
            IntCmp::LtU => dynasm!(self.ops ; .arch x64 ; jb =>target),
            IntCmp::GtS => dynasm!(self.ops ; .arch x64 ; jg =>target),
            IntCmp::GtU => dynasm!(self.ops ; .arch x64 ; ja =>target),
            IntCmp::LeS => dynasm!(self.ops ; .arch x64 ; jle =>target),
            IntCmp::LeU => dynasm!(self.ops ; .arch x64 ; jbe =>target),
            IntCmp::GeS => dynasm!(self.ops ; .arch x64 ; jge =>target),
            IntCmp::GeU => dynasm!(self.ops ; .arch x64 ; jae =>target),
        }
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
        self.float_compare(cmp, width, lhs, rhs);
        // After `float_compare` every "true" is "above" (see there); equality needs ZF = 1
        // and PF = 0 (ordered), while inequality holds for unordered operands too.
        match (cmp, negate) {
            (FloatCmp::Lt | FloatCmp::Gt, false) => dynasm!(self.ops ; .arch x64 ; ja =>target),
            (FloatCmp::Lt | FloatCmp::Gt, true) => dynasm!(self.ops ; .arch x64 ; jbe =>target),
            (FloatCmp::Le | FloatCmp::Ge, false) => dynasm!(self.ops ; .arch x64 ; jae =>target),
            (FloatCmp::Le | FloatCmp::Ge, true) => dynasm!(self.ops ; .arch x64 ; jb =>target),
            (FloatCmp::Eq, false) | (FloatCmp::Ne, true) => {
                dynasm!(self.ops ; .arch x64 ; jp >skip ; je =>target ; skip:)
            }
            (FloatCmp::Eq, true) | (FloatCmp::Ne, false) => {
                dynasm!(self.ops ; .arch x64 ; jp =>target ; jne =>target)
            }
        }
    }

    fn branch_table(&mut self, index: Operand, targets: &[DynamicLabel], default: DynamicLabel) {
        if let Operand::Imm(v) = index {
            let i = v as u32 as usize;
            self.jump(targets.get(i).copied().unwrap_or(default));
            return;
        }
        self.index_to_ecx(index);
        let table = self.ops.new_dynamic_label();
        dynasm!(self.ops
            ; .arch x64
            ; cmp ecx, targets.len() as i32
            ; jae =>default
            ; lea rax, [=>table]
            ; lea rcx, [rcx + rcx * 4]
            ; add rax, rcx
            ; jmp rax
            ; =>table
        );
        // Each entry is a 5-byte `jmp rel32`.
        for target in targets {
            dynasm!(self.ops ; .arch x64 ; jmp DWORD =>*target);
        }
    }

    fn trap(&mut self, code: TrapCode) {
        let label = self.trap_label(code);
        self.jump(label);
    }
}

impl X64Masm {
    /// Sets the flags from comparing `lhs` with `rhs` (`ucomiss`/`ucomisd`). Lt and Le
    /// compare the other way round, so every "true" is "above" and NaN (unordered: CF = ZF =
    /// PF = 1) is false.
    fn float_compare(&mut self, cmp: FloatCmp, width: FloatWidth, lhs: Operand, rhs: Operand) {
        let (a, b) = match cmp {
            FloatCmp::Lt | FloatCmp::Le => (rhs, lhs),
            _ => (lhs, rhs),
        };
        let a = self.fpr(a, XMM0);
        sse!(self, ucomiss, ucomisd, width, a, b);
    }

    /// `dst` = the leading (`leading`) or trailing zero bits of `src`: `lzcnt`/`tzcnt` where
    /// the CPU has them, else `bsr`/`bsf` (which leave the flags saying "zero" for 0).
    fn count_zeros(&mut self, leading: bool, width: Width, src: Operand, dst: u8) {
        let r = self.gpr(src, RAX);
        let w64 = width == Width::W64;
        let bits = if w64 { 64 } else { 32 };
        let feature = if leading {
            CpuFeature::Lzcnt
        } else {
            CpuFeature::Bmi1
        };
        match (self.settings.cpu_features.has(feature), leading, w64) {
            (true, true, true) => dynasm!(self.ops ; .arch x64 ; lzcnt Rq(dst), Rq(r)),
            (true, true, false) => dynasm!(self.ops ; .arch x64 ; lzcnt Rd(dst), Rd(r)),
            (true, false, true) => dynasm!(self.ops ; .arch x64 ; tzcnt Rq(dst), Rq(r)),
            (true, false, false) => dynasm!(self.ops ; .arch x64 ; tzcnt Rd(dst), Rd(r)),
            // clz = (bsr ^ (bits - 1)), with 0 mapped to 2 * bits - 1 so that it gives bits.
            (false, true, _) => {
                dynasm!(self.ops ; .arch x64 ; mov ecx, 2 * bits - 1);
                if w64 {
                    dynasm!(self.ops ; .arch x64 ; bsr Rq(dst), Rq(r) ; cmovz Rq(dst), rcx ; xor Rd(dst), 63);
                } else {
                    dynasm!(self.ops ; .arch x64 ; bsr Rd(dst), Rd(r) ; cmovz Rd(dst), ecx ; xor Rd(dst), 31);
                }
            }
            (false, false, _) => {
                dynasm!(self.ops ; .arch x64 ; mov ecx, bits);
                if w64 {
                    dynasm!(self.ops ; .arch x64 ; bsf Rq(dst), Rq(r) ; cmovz Rq(dst), rcx);
                } else {
                    dynasm!(self.ops ; .arch x64 ; bsf Rd(dst), Rd(r) ; cmovz Rd(dst), ecx);
                }
            }
        }
    }

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
