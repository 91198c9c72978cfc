//! The code generator: one pass over a function's operators, emitting through a
//! [`MacroAssembler`]. Every wasm operand-stack depth owns a frame slot after the locals; the
//! value stack tracks which values are still only known as a constant or as a local (so
//! `local.get` and constants cost nothing until used), which results are still in a register,
//! and materialises them at control flow.

use alloc::vec::Vec;

use wasmparser::{BlockType, MemArg, Operator, ValType};

use super::features::WasmFeatures;
use super::locals::{self, LocalRegisters};
use super::masm::{
    Callee, FloatCmp, FloatOp, FloatWidth, FunctionCode, IntCmp, IntOp, MacroAssembler, MemAccess,
    Operand, Reg, RuntimeCall, Slot, UnOp, Width,
};
use super::Settings;
use crate::native::helpers::NumericHelper;

use crate::control::{block_arity, CtrlKind};
use crate::error::{Error, TrapCode};
use crate::loader::ModuleInfo;
use crate::runtime::fuel::FuelPlan;

/// Most slots (locals plus operand depth) one function may use.
const MAX_SLOTS: u64 = 1 << 20;

/// How many of the back end's floating-point registers locals may have.
const LOCAL_FPRS: usize = 6;

/// How many of the back end's `available` general-purpose registers locals may have: three
/// (the JIT), or all but three at `--opt-level=3`. Values being computed always keep three:
/// an operation holds at most two popped operands in registers when it needs one for its
/// result, and spills values on the stack for more.
fn local_gprs(settings: Settings, available: usize) -> usize {
    match settings.opt_level {
        0..=2 => 3.min(available.saturating_sub(3)),
        _ => available.saturating_sub(3),
    }
}

/// Where a value on the operand stack is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    /// In the slot of its own depth.
    Slot,
    /// A constant not yet written anywhere.
    Const(u64),
    /// The current value of a local, not yet copied.
    Local(u32),
    /// In a register.
    Reg(Reg),
}

/// A comparison fused with the branch that follows it.
#[derive(Clone, Copy, Debug)]
enum Fused {
    /// An integer comparison; `with_zero` (`eqz`) has one operand, compared with zero.
    Int {
        cmp: IntCmp,
        width: Width,
        with_zero: bool,
    },
    /// A float comparison (`--opt-level` ≥ 1).
    Float { cmp: FloatCmp, width: FloatWidth },
}

/// Which register file a result goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Gpr,
    Fpr,
}

/// A control frame.
struct Ctrl<L> {
    kind: CtrlKind,
    /// Operand-stack height below the frame's parameters.
    height: usize,
    params: usize,
    results: usize,
    /// Where `br` goes: the end (block, if) or the start (loop).
    label: L,
    /// An `if`'s else branch.
    else_label: Option<L>,
    /// Code after an unconditional branch, up to the frame's end, is dead.
    unreachable: bool,
    /// Where the frame's one result is passed to its end, if in a register rather than its
    /// slot (`--opt-level` ≥ 1; blocks and ifs with one result and no parameters).
    result_reg: Option<Reg>,
}

impl<L> Ctrl<L> {
    /// Values a branch to this frame carries.
    fn branch_arity(&self) -> usize {
        self.kind.branch_arity(self.params, self.results)
    }
}

/// Compiles function `func_index` of `module` with the back end `masm`: entered normally,
/// or with `loop_entry`, at the start of that loop (by ordinal among the body's `loop`
/// operators) with every local as an argument. `None` if that loop does not start on an
/// empty operand stack.
pub(crate) fn compile<M: MacroAssembler>(
    module: &ModuleInfo,
    func_index: u32,
    masm: M,
    settings: Settings,
    loop_entry: Option<u32>,
) -> Result<Option<FunctionCode>, Error> {
    let body = module.body(func_index);
    let ty = module.func_type(func_index);
    let num_params = ty.params().len() as u32;
    let mut local_types: Vec<ValType> = ty.params().iter().map(|t| t.to_wasmparser()).collect();
    for local in body.get_locals_reader()? {
        let (count, ty) = local?;
        if local_types.len() as u64 + count as u64 > MAX_SLOTS {
            return Err(Error::Resource("function has too many locals".into()));
        }
        local_types.extend(core::iter::repeat_n(ty, count as usize));
    }
    let num_locals = local_types.len() as u64;
    let gprs = masm.gprs();
    let registers = LocalRegisters {
        gprs: &gprs[..local_gprs(settings, gprs.len())],
        fprs: &M::FPRS[..LOCAL_FPRS.min(M::FPRS.len())],
    };
    let assignment = locals::assign(&body, &local_types, registers, settings.opt_level >= 3)?;
    let local_regs = assignment.registers;
    let register_locals: Vec<(u32, Reg)> = local_regs
        .iter()
        .enumerate()
        .filter_map(|(local, reg)| Some((local as u32, (*reg)?)))
        .collect();
    let taken: Vec<Reg> = register_locals.iter().map(|(_, reg)| *reg).collect();
    let mut gen = CodeGen {
        module,
        masm,
        settings,
        free_gprs: gprs
            .iter()
            .copied()
            .filter(|r| !taken.contains(&Reg::Gpr(*r)))
            .collect(),
        free_fprs: M::FPRS
            .iter()
            .copied()
            .filter(|r| !taken.contains(&Reg::Fpr(*r)))
            .collect(),
        local_regs,
        register_locals,
        locals_written: assignment.written,
        stack: Vec::new(),
        ctrls: Vec::new(),
        num_locals: num_locals as u32,
        num_results: ty.results().len(),
        max_slots: num_locals as u32,
        skip: 0,
        loop_ordinal: 0,
        loop_entry: None,
        target: None,
        result_gpr: None,
        result_fpr: None,
        loops_seen: 0,
        features: WasmFeatures::default(),
        inlined: None,
    };
    gen.result_gpr = gen.free_gprs.first().map(|r| Reg::Gpr(*r));
    gen.result_fpr = gen.free_fprs.first().map(|r| Reg::Fpr(*r));
    let arguments = if loop_entry.is_some() {
        gen.num_locals
    } else {
        num_params
    };
    gen.masm.prologue(arguments, gen.num_locals);
    gen.load_register_locals(arguments);
    if let Some(ordinal) = loop_entry {
        let label = gen.masm.new_label();
        gen.masm.jump(label);
        gen.loop_entry = Some(LoopEntry {
            ordinal,
            label,
            bound: false,
        });
    }
    let label = gen.masm.new_label();
    gen.ctrls.push(Ctrl {
        kind: CtrlKind::Func,
        height: 0,
        params: 0,
        results: ty.results().len(),
        label,
        else_label: None,
        unreachable: false,
        result_reg: None,
    });
    let fuel = FuelPlan::new(&body, settings.fuel)?;
    gen.compile_operators(body.get_operators_reader()?, fuel)?;
    if gen.loop_entry.as_ref().is_some_and(|entry| !entry.bound) {
        return Ok(None);
    }
    let slots = gen.max_slots;
    let features = gen.features;
    let mut code = gen.masm.finish(slots)?;
    code.features = features;
    Ok(Some(code))
}

/// The extra entry of a function compiled to start at a loop.
struct LoopEntry<L> {
    ordinal: u32,
    label: L,
    /// Whether the loop was found (and the label bound at its start).
    bound: bool,
}

struct CodeGen<'m, M: MacroAssembler> {
    module: &'m ModuleInfo,
    masm: M,
    settings: Settings,
    /// Registers holding no value.
    free_gprs: Vec<u8>,
    free_fprs: Vec<u8>,
    /// The register each local lives in, if any (see `locals`).
    local_regs: Vec<Option<Reg>>,
    /// The locals that have a register, with it (a handful: what calls save and restore).
    register_locals: Vec<(u32, Reg)>,
    /// Whether the function ever writes each local.
    locals_written: Vec<bool>,
    stack: Vec<Entry>,
    ctrls: Vec<Ctrl<M::Label>>,
    num_locals: u32,
    num_results: usize,
    max_slots: u32,
    /// Blocks opened inside dead code being skipped.
    skip: u32,
    /// The ordinal of the latest `loop` operator read.
    loop_ordinal: u32,
    /// The loop this compilation enters at, if any.
    loop_entry: Option<LoopEntry<M::Label>>,
    /// The register local the next operator sets, if any: the current operator may compute
    /// its result straight into that register (`--opt-level` ≥ 1).
    target: Option<u32>,
    /// The registers blocks pass their result in, by class (see `Ctrl::result_reg`): values
    /// are never cached in registers across a branch, so one of each class serves all.
    result_gpr: Option<Reg>,
    result_fpr: Option<Reg>,
    /// `loop` operators of the function's own body seen so far.
    loops_seen: u32,
    /// The wasm features of the operators read so far.
    features: WasmFeatures,
    /// While a callee's body is compiled inline: its control frame (which its `return`s
    /// branch to) and the slot its local 0 lives in (its locals are the operand-stack slots
    /// its arguments were in, then its other locals; a local index plus this base names
    /// the slot, as the function's own locals' indices name theirs).
    inlined: Option<InlinedCall>,
}

/// A callee being compiled inline (see `CodeGen::inlined`).
#[derive(Clone, Copy)]
struct InlinedCall {
    frame: usize,
    local_base: u32,
}

/// Largest body (bytes of wasm, locals declarations included) inlined at `--opt-level=3`.
const INLINE_MAX_BODY: u64 = 64;
/// Most locals (parameters included) an inlined callee may have.
const INLINE_MAX_LOCALS: u32 = 16;

impl<M: MacroAssembler> CodeGen<'_, M> {
    /// Compiles the operators of a body, up to and including its final `end`, with the fuel
    /// charges `fuel` places. Each operator is read once; the one after it is at hand for
    /// fusing a comparison with its branch and for computing a result into the local it is
    /// stored to.
    fn compile_operators(
        &mut self,
        mut reader: wasmparser::OperatorsReader<'_>,
        mut fuel: FuelPlan,
    ) -> Result<(), Error> {
        let mut read = || -> Result<Option<Operator<'_>>, Error> {
            Ok(if reader.eof() {
                None
            } else {
                Some(reader.read()?)
            })
        };
        let mut next = read()?;
        while let Some(op) = next {
            next = read()?;
            if let Some(cost) = fuel.charge_before() {
                if !self.ctrls.last().is_some_and(|c| c.unreachable) {
                    self.masm.fuel_charge(cost);
                }
            }
            self.features = self.features.union(WasmFeatures::of_operator(&op));
            if matches!(op, Operator::Loop { .. }) && self.inlined.is_none() {
                self.loop_ordinal = self.loops_seen;
                self.loops_seen += 1;
            }
            if let Some(cmp) = self.fusable_compare(&op) {
                if let Some(branch @ (Operator::BrIf { .. } | Operator::If { .. })) = next {
                    self.features = self.features.union(WasmFeatures::of_operator(&branch));
                    next = read()?;
                    // A branch never starts a segment: it ends one.
                    fuel.charge_before();
                    self.compare_and_branch(cmp, branch);
                    continue;
                }
            }
            self.target = match &next {
                Some(Operator::LocalSet { local_index } | Operator::LocalTee { local_index })
                    if self.settings.opt_level >= 1
                        && self.inlined.is_none()
                        && self.local_regs[*local_index as usize].is_some() =>
                {
                    Some(*local_index)
                }
                _ => None,
            };
            self.operator(op)?;
            if self.max_slots as u64 > MAX_SLOTS {
                return Err(Error::Resource(
                    "function needs too many stack slots".into(),
                ));
            }
        }
        Ok(())
    }

    /// The local a `local.*` operator's index names: in inlined code, the callee's.
    fn local_index(&self, index: u32) -> u32 {
        self.inlined.map_or(0, |call| call.local_base) + index
    }

    /// Whether a call of defined function `callee` is compiled inline (`--opt-level=3`):
    /// a small leaf (no calls) without loops (its locals live in slots, which a loop would
    /// pay for on every iteration) and with few locals, called from code that is not
    /// inlined itself.
    fn inlinable(&self, callee: u32) -> Result<bool, Error> {
        if self.settings.opt_level < 3
            || self.settings.fuel
            || self.inlined.is_some()
            || self.loop_entry.is_some()
        {
            return Ok(false);
        }
        let body = self.module.body(callee);
        if body.range().end - body.range().start > INLINE_MAX_BODY {
            return Ok(false);
        }
        let mut locals = self.module.func_type(callee).params().len() as u32;
        for group in body.get_locals_reader()? {
            locals = locals.saturating_add(group?.0);
        }
        if locals > INLINE_MAX_LOCALS {
            return Ok(false);
        }
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            if matches!(
                reader.read()?,
                Operator::Call { .. } | Operator::CallIndirect { .. } | Operator::Loop { .. }
            ) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Compiles a call of `callee`, whose arguments are the top `params` values, as its
    /// body: the arguments become its first locals where they are, its other locals follow
    /// (zeroed), and its body runs as a block whose end (and every `return`) leaves the
    /// results where the arguments were.
    fn inline_call(&mut self, callee: u32, params: usize, results: usize) -> Result<(), Error> {
        let body = self.module.body(callee);
        let result_type = self.module.func_type(callee).results().first().copied();
        self.flush();
        let base = self.stack.len() - params;
        for group in body.get_locals_reader()? {
            for _ in 0..group?.0 {
                let slot = self.push_slot();
                self.masm.copy(Operand::Imm(0), slot);
            }
        }
        let height = self.stack.len();
        let label = self.masm.new_label();
        let block = match (results, result_type) {
            (1, Some(ty)) => BlockType::Type(ty.to_wasmparser()),
            _ => BlockType::Empty,
        };
        self.push_ctrl(CtrlKind::Block, block, label);
        let frame = self.ctrls.last_mut().expect("just pushed");
        frame.results = results;
        self.inlined = Some(InlinedCall {
            frame: self.ctrls.len() - 1,
            local_base: self.slot(base),
        });
        // Never with fuel (see `inlinable`): the callee has no charges of its own here.
        let compiled = self.compile_operators(body.get_operators_reader()?, FuelPlan::default());
        self.inlined = None;
        compiled?;
        // The results are at `height..`: move them down to where the arguments were.
        let results: Vec<Entry> = self.stack.drain(height..).collect();
        self.stack.truncate(base);
        for (i, entry) in results.into_iter().enumerate() {
            if entry == Entry::Slot && height != base {
                let (from, to) = (self.slot(height + i), self.slot(base + i));
                self.masm.copy(Operand::Slot(from), to);
            }
            self.stack.push(entry);
        }
        Ok(())
    }

    /// The slot of operand depth `depth`.
    fn slot(&self, depth: usize) -> Slot {
        self.num_locals + depth as u32
    }

    /// Makes sure slots up to `slot` (exclusive) exist in the frame.
    fn reserve(&mut self, end: Slot) {
        self.max_slots = self.max_slots.max(end);
    }

    /// The operand for the entry at depth `depth`.
    fn operand_at(&self, depth: usize) -> Operand {
        match self.stack[depth] {
            Entry::Slot => Operand::Slot(self.slot(depth)),
            Entry::Const(c) => Operand::Imm(c),
            Entry::Local(l) => self.local(l),
            Entry::Reg(r) => Operand::Reg(r),
        }
    }

    /// Where local `local` lives.
    fn local(&self, local: u32) -> Operand {
        match self.local_regs.get(local as usize).copied().flatten() {
            Some(reg) => Operand::Reg(reg),
            None => Operand::Slot(local),
        }
    }

    /// The register for a result of `class` that the next operator stores in a register
    /// local: that local's register, when it is of that class and is not `other`, an operand
    /// still to be read after the result is written. Pending reads of the local's old value
    /// are copied first.
    fn target_register(&mut self, class: Class, other: Option<Operand>) -> Option<Reg> {
        let local = self.target.take()?;
        let reg = self.local_regs[local as usize]?;
        let fits = match reg {
            Reg::Gpr(_) => class == Class::Gpr,
            Reg::Fpr(_) => class == Class::Fpr,
        };
        if !fits || other == Some(Operand::Reg(reg)) {
            return None;
        }
        self.settle_local(local);
        Some(reg)
    }

    /// Whether `reg` holds a local (and so is never released or reused for a result).
    fn is_local_register(&self, reg: Reg) -> bool {
        self.register_locals.iter().any(|(_, r)| *r == reg)
    }

    /// Loads the register locals at function entry: parameters from their slots, the rest
    /// zeroed.
    fn load_register_locals(&mut self, num_params: u32) {
        for &(local, reg) in &self.register_locals {
            let src = if local < num_params {
                Operand::Slot(local)
            } else {
                Operand::Imm(0)
            };
            self.masm.move_to(src, reg);
        }
    }

    /// Writes the register locals to their slots (before anything that clobbers registers);
    /// locals the function never writes are up to date there already.
    fn save_register_locals(&mut self) {
        for &(local, reg) in &self.register_locals {
            if self.locals_written[local as usize] {
                self.masm.copy(Operand::Reg(reg), local);
            }
        }
    }

    /// Reloads the register locals from their slots (after a call).
    fn restore_register_locals(&mut self) {
        for &(local, reg) in &self.register_locals {
            self.masm.move_to(Operand::Slot(local), reg);
        }
    }

    /// A free register of `class`, spilling the deepest cached value of that class if none is.
    fn alloc(&mut self, class: Class) -> Reg {
        let free = match class {
            Class::Gpr => self.free_gprs.pop().map(Reg::Gpr),
            Class::Fpr => self.free_fprs.pop().map(Reg::Fpr),
        };
        if let Some(reg) = free {
            return reg;
        }
        let depth = self
            .stack
            .iter()
            .position(|e| {
                matches!(
                    (e, class),
                    (Entry::Reg(Reg::Gpr(_)), Class::Gpr) | (Entry::Reg(Reg::Fpr(_)), Class::Fpr)
                )
            })
            .expect("a register of each class is cached when none is free");
        let Entry::Reg(reg) = self.stack[depth] else {
            unreachable!("found a register entry")
        };
        let slot = self.slot(depth);
        self.masm.copy(Operand::Reg(reg), slot);
        self.stack[depth] = Entry::Slot;
        reg
    }

    /// Returns `operand`'s register, if any, to the free pool.
    fn release(&mut self, operand: Operand) {
        if matches!(operand, Operand::Reg(reg) if self.is_local_register(reg)) {
            return;
        }
        match operand {
            Operand::Reg(Reg::Gpr(r)) => self.free_gprs.push(r),
            Operand::Reg(Reg::Fpr(r)) => self.free_fprs.push(r),
            _ => {}
        }
    }

    /// Releases the operands' registers except `kept` (the result's).
    fn release_all_but(&mut self, operands: &[Operand], kept: Reg) {
        for &operand in operands {
            if operand != Operand::Reg(kept) {
                self.release(operand);
            }
        }
    }

    /// A register of `class` for a result: `reuse`'s register when it is of that class
    /// (two-address forms), else a free one.
    fn result_reg(&mut self, class: Class, reuse: Operand) -> Reg {
        if matches!(reuse, Operand::Reg(reg) if self.is_local_register(reg)) {
            return self.alloc(class);
        }
        match (reuse, class) {
            (Operand::Reg(r @ Reg::Gpr(_)), Class::Gpr)
            | (Operand::Reg(r @ Reg::Fpr(_)), Class::Fpr) => r,
            _ => self.alloc(class),
        }
    }

    /// Pushes a result held in `reg`.
    fn push_reg(&mut self, reg: Reg) {
        self.stack.push(Entry::Reg(reg));
        let slot = self.slot(self.stack.len() - 1);
        self.reserve(slot + 1);
    }

    /// Writes every cached register value into its slot (before native calls).
    fn spill_registers(&mut self) {
        for depth in 0..self.stack.len() {
            if let Entry::Reg(reg) = self.stack[depth] {
                let slot = self.slot(depth);
                self.masm.copy(Operand::Reg(reg), slot);
                self.stack[depth] = Entry::Slot;
                self.release(Operand::Reg(reg));
            }
        }
    }

    fn pop(&mut self) -> Operand {
        let depth = self.stack.len() - 1;
        let operand = self.operand_at(depth);
        self.stack.pop();
        operand
    }

    /// Pushes a value computed into its own slot; returns the slot.
    fn push_slot(&mut self) -> Slot {
        self.stack.push(Entry::Slot);
        let slot = self.slot(self.stack.len() - 1);
        self.reserve(slot + 1);
        slot
    }

    /// Writes every pending constant and local copy into its slot.
    fn flush(&mut self) {
        for depth in 0..self.stack.len() {
            if self.stack[depth] != Entry::Slot {
                let src = self.operand_at(depth);
                let dst = self.slot(depth);
                self.reserve(dst + 1);
                self.masm.copy(src, dst);
                self.release(src);
                self.stack[depth] = Entry::Slot;
            }
        }
    }

    /// Copies pending reads of local `local` before it changes.
    fn settle_local(&mut self, local: u32) {
        for depth in 0..self.stack.len() {
            if self.stack[depth] == Entry::Local(local) {
                let dst = self.slot(depth);
                self.reserve(dst + 1);
                let src = self.local(local);
                self.masm.copy(src, dst);
                self.stack[depth] = Entry::Slot;
            }
        }
    }

    fn push_ctrl(&mut self, kind: CtrlKind, ty: BlockType, label: M::Label) {
        let (params, results) = block_arity(self.module, ty);
        let result_reg = match ty {
            BlockType::Type(ty) if kind != CtrlKind::Loop && self.settings.opt_level >= 1 => {
                match ty {
                    ValType::F32 | ValType::F64 => self.result_fpr,
                    ValType::I32 | ValType::I64 | ValType::Ref(_) => self.result_gpr,
                    ValType::V128 => None,
                }
            }
            _ => None,
        };
        self.ctrls.push(Ctrl {
            kind,
            height: self.stack.len() - params,
            params,
            results,
            label,
            else_label: None,
            unreachable: false,
            result_reg,
        });
    }

    /// The rest of the current block is dead.
    fn mark_unreachable(&mut self) {
        let ctrl = self.ctrls.last_mut().expect("inside a function");
        ctrl.unreachable = true;
        let height = ctrl.height;
        while self.stack.len() > height {
            let dropped = self.pop();
            self.release(dropped);
        }
    }

    /// The slots of the top `n` values (already flushed).
    fn top_slots(&self, n: usize) -> Vec<Slot> {
        let len = self.stack.len();
        (len - n..len).map(|d| self.slot(d)).collect()
    }

    /// Leaves the function with the top values as results (the stack is flushed).
    fn emit_return(&mut self) {
        let slots = self.top_slots(self.num_results);
        self.masm.epilogue(&slots);
    }

    /// Whether a branch to relative depth `depth` must move values first.
    fn branch_needs_moves(&self, depth: u32) -> bool {
        let target = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        target.kind == CtrlKind::Func
            || target.result_reg.is_some()
            || (target.branch_arity() > 0
                && target.height + target.branch_arity() != self.stack.len())
    }

    /// Moves the branch values into the target's slots and jumps (the stack is flushed).
    fn emit_branch(&mut self, depth: u32) {
        let target = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        if target.kind == CtrlKind::Func {
            self.emit_return();
            return;
        }
        let (arity, height, label) = (target.branch_arity(), target.height, target.label);
        if let Some(reg) = target.result_reg {
            // The one result, from the top of the (flushed) stack.
            let top = self.slot(self.stack.len() - 1);
            self.masm.move_to(Operand::Slot(top), reg);
            self.masm.jump(label);
            return;
        }
        let from = self.stack.len() - arity;
        if from != height {
            for i in 0..arity {
                let src = self.slot(from + i);
                self.masm.copy(Operand::Slot(src), self.slot(height + i));
            }
        }
        self.masm.jump(label);
    }

    fn operator(&mut self, op: Operator<'_>) -> Result<(), Error> {
        if self.ctrls.last().is_some_and(|c| c.unreachable) {
            return self.dead_operator(op);
        }
        use Operator as O;
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.masm.trap(TrapCode::Unreachable);
                self.mark_unreachable();
            }
            O::Block { blockty } => {
                self.flush();
                let label = self.masm.new_label();
                self.push_ctrl(CtrlKind::Block, blockty, label);
            }
            O::Loop { blockty } => {
                self.flush();
                let label = self.masm.new_label();
                self.masm.bind(label);
                self.masm.interrupt_check();
                self.push_ctrl(CtrlKind::Loop, blockty, label);
                self.bind_loop_entry(blockty);
            }
            O::If { blockty } => {
                let cond = self.pop();
                self.flush();
                let else_label = self.masm.new_label();
                self.masm.branch_if(cond, false, else_label);
                self.release(cond);
                let end = self.masm.new_label();
                self.push_ctrl(CtrlKind::If, blockty, end);
                self.ctrls.last_mut().expect("just pushed").else_label = Some(else_label);
            }
            O::Else => self.op_else(),
            O::End => self.op_end(),
            O::Br { relative_depth } => {
                self.flush();
                self.emit_branch(relative_depth);
                self.mark_unreachable();
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                self.flush();
                if self.branch_needs_moves(relative_depth) {
                    let skip = self.masm.new_label();
                    self.masm.branch_if(cond, false, skip);
                    self.emit_branch(relative_depth);
                    self.masm.bind(skip);
                } else {
                    let target = &self.ctrls[self.ctrls.len() - 1 - relative_depth as usize];
                    self.masm.branch_if(cond, true, target.label);
                }
                self.release(cond);
            }
            O::BrTable { targets } => {
                let index = self.pop();
                self.flush();
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for depth in targets.targets() {
                    depths.push(depth?);
                }
                depths.push(targets.default());
                let mut labels = Vec::with_capacity(depths.len());
                let mut stubs = Vec::new();
                for &depth in &depths {
                    if self.branch_needs_moves(depth) {
                        let stub = self.masm.new_label();
                        stubs.push((stub, depth));
                        labels.push(stub);
                    } else {
                        labels.push(self.ctrls[self.ctrls.len() - 1 - depth as usize].label);
                    }
                }
                let default = labels.pop().expect("a default target");
                self.masm.branch_table(index, &labels, default);
                self.release(index);
                for (stub, depth) in stubs {
                    self.masm.bind(stub);
                    self.emit_branch(depth);
                }
                self.mark_unreachable();
            }
            O::Return => {
                self.flush();
                match self.inlined {
                    Some(call) => self.emit_branch((self.ctrls.len() - 1 - call.frame) as u32),
                    None => self.emit_return(),
                }
                self.mark_unreachable();
            }
            O::Call { function_index } => {
                let ty = self.module.func_type(function_index);
                let (params, results) = (ty.params().len(), ty.results().len());
                let defined = function_index as usize >= self.module.num_imported_funcs;
                if defined && self.inlinable(function_index)? {
                    return self.inline_call(function_index, params, results);
                }
                let callee = if defined && self.settings.direct_calls {
                    Callee::Direct(function_index)
                } else {
                    Callee::Func(function_index)
                };
                self.call(callee, params, results);
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let ty = &self.module.types[type_index as usize];
                let (params, results) = (ty.params().len(), ty.results().len());
                let index = self.pop();
                let callee = Callee::Indirect {
                    type_index,
                    table: table_index,
                    index,
                };
                self.call(callee, params, results);
            }
            O::Drop => {
                let dropped = self.pop();
                self.release(dropped);
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop();
                let b = self.pop();
                let a = self.pop();
                let dst = self.result_reg(Class::Gpr, a);
                self.masm.select(cond, a, b, dst);
                self.release_all_but(&[cond, a, b], dst);
                self.push_reg(dst);
            }
            O::LocalGet { local_index } => {
                let local = self.local_index(local_index);
                self.stack.push(Entry::Local(local));
            }
            O::LocalSet { local_index } => self.local_set(self.local_index(local_index)),
            O::LocalTee { local_index } => {
                let local = self.local_index(local_index);
                self.local_set(local);
                self.stack.push(Entry::Local(local));
            }
            O::GlobalGet { global_index } => {
                let dst = (self.target_register(Class::Gpr, None))
                    .unwrap_or_else(|| self.alloc(Class::Gpr));
                self.masm.global_get(global_index, dst);
                self.push_reg(dst);
            }
            O::GlobalSet { global_index } => {
                let src = self.pop();
                self.masm.global_set(global_index, src);
                self.release(src);
            }
            O::I32Const { value } => self.stack.push(Entry::Const(value as u32 as u64)),
            O::I64Const { value } => self.stack.push(Entry::Const(value as u64)),
            O::F32Const { value } => self.stack.push(Entry::Const(value.bits() as u64)),
            O::F64Const { value } => self.stack.push(Entry::Const(value.bits())),
            O::RefNull { .. } => self.stack.push(Entry::Const(0)),
            O::RefIsNull => self.unary(UnOp::Eqz(Width::W64)),
            O::RefFunc { function_index } => {
                let dst = self.alloc(Class::Gpr);
                self.masm.ref_func(function_index, dst);
                self.push_reg(dst);
            }
            O::MemorySize { .. } => {
                let dst = self.alloc(Class::Gpr);
                self.masm.memory_size(dst);
                self.push_reg(dst);
            }
            O::MemoryGrow { .. } => self.runtime_call(RuntimeCall::MemoryGrow, &[], 1, true),
            O::MemoryFill { .. } => self.runtime_call(RuntimeCall::MemoryFill, &[], 3, false),
            O::MemoryCopy { .. } => self.runtime_call(RuntimeCall::MemoryCopy, &[], 3, false),
            O::MemoryInit { data_index, .. } => {
                let segment = Operand::Imm(data_index as u64);
                self.runtime_call(RuntimeCall::MemoryInit, &[segment], 3, false)
            }
            O::DataDrop { data_index } => {
                let segment = Operand::Imm(data_index as u64);
                self.runtime_call(RuntimeCall::DataDrop, &[segment], 0, false)
            }
            O::TableGet { table } => {
                let index = self.pop();
                let dst = self.result_reg(Class::Gpr, index);
                self.masm.table_get(table, index, dst);
                self.release_all_but(&[index], dst);
                self.push_reg(dst);
            }
            O::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                self.masm.table_set(table, index, value);
                self.release(value);
                self.release(index);
            }
            O::TableSize { table } => {
                let dst = self.alloc(Class::Gpr);
                self.masm.table_size(table, dst);
                self.push_reg(dst);
            }
            O::TableGrow { table } => {
                let t = Operand::Imm(table as u64);
                self.runtime_call(RuntimeCall::TableGrow, &[t], 2, true)
            }
            O::TableFill { table } => {
                let t = Operand::Imm(table as u64);
                self.runtime_call(RuntimeCall::TableFill, &[t], 3, false)
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let tables = [
                    Operand::Imm(dst_table as u64),
                    Operand::Imm(src_table as u64),
                ];
                self.runtime_call(RuntimeCall::TableCopy, &tables, 3, false)
            }
            O::TableInit { elem_index, table } => {
                let fixed = [Operand::Imm(table as u64), Operand::Imm(elem_index as u64)];
                self.runtime_call(RuntimeCall::TableInit, &fixed, 3, false)
            }
            O::ElemDrop { elem_index } => {
                let segment = Operand::Imm(elem_index as u64);
                self.runtime_call(RuntimeCall::ElemDrop, &[segment], 0, false)
            }
            op => return self.memory_or_numeric(op),
        }
        Ok(())
    }

    /// The comparison `op` makes, if it is one a following `br_if` or `if` can branch on
    /// directly (in reachable code): integer comparisons, and float ones at `--opt-level` ≥ 1.
    fn fusable_compare(&self, op: &Operator<'_>) -> Option<Fused> {
        use FloatWidth::{F32, F64};
        use Operator as O;
        use Width::{W32, W64};
        if self.ctrls.last().is_some_and(|c| c.unreachable) {
            return None;
        }
        let float =
            |cmp, width| (self.settings.opt_level >= 1).then_some(Fused::Float { cmp, width });
        let (cmp, width) = match op {
            O::I32Eqz | O::I32Eq => (IntCmp::Eq, W32),
            O::I32Ne => (IntCmp::Ne, W32),
            O::I32LtS => (IntCmp::LtS, W32),
            O::I32LtU => (IntCmp::LtU, W32),
            O::I32GtS => (IntCmp::GtS, W32),
            O::I32GtU => (IntCmp::GtU, W32),
            O::I32LeS => (IntCmp::LeS, W32),
            O::I32LeU => (IntCmp::LeU, W32),
            O::I32GeS => (IntCmp::GeS, W32),
            O::I32GeU => (IntCmp::GeU, W32),
            O::I64Eqz | O::I64Eq => (IntCmp::Eq, W64),
            O::I64Ne => (IntCmp::Ne, W64),
            O::I64LtS => (IntCmp::LtS, W64),
            O::I64LtU => (IntCmp::LtU, W64),
            O::I64GtS => (IntCmp::GtS, W64),
            O::I64GtU => (IntCmp::GtU, W64),
            O::I64LeS => (IntCmp::LeS, W64),
            O::I64LeU => (IntCmp::LeU, W64),
            O::I64GeS => (IntCmp::GeS, W64),
            O::I64GeU => (IntCmp::GeU, W64),
            O::F32Eq => return float(FloatCmp::Eq, F32),
            O::F32Ne => return float(FloatCmp::Ne, F32),
            O::F32Lt => return float(FloatCmp::Lt, F32),
            O::F32Gt => return float(FloatCmp::Gt, F32),
            O::F32Le => return float(FloatCmp::Le, F32),
            O::F32Ge => return float(FloatCmp::Ge, F32),
            O::F64Eq => return float(FloatCmp::Eq, F64),
            O::F64Ne => return float(FloatCmp::Ne, F64),
            O::F64Lt => return float(FloatCmp::Lt, F64),
            O::F64Gt => return float(FloatCmp::Gt, F64),
            O::F64Le => return float(FloatCmp::Le, F64),
            O::F64Ge => return float(FloatCmp::Ge, F64),
            _ => return None,
        };
        Some(Fused::Int {
            cmp,
            width,
            with_zero: matches!(op, O::I32Eqz | O::I64Eqz),
        })
    }

    /// Branches to `target` when the fused comparison of `lhs` and `rhs` holds (or, with
    /// `negate`, when it does not).
    fn fused_branch(
        &mut self,
        fused: Fused,
        negate: bool,
        lhs: Operand,
        rhs: Operand,
        target: M::Label,
    ) {
        match fused {
            Fused::Int { cmp, width, .. } => {
                let cmp = if negate { cmp.negate() } else { cmp };
                self.masm.compare_and_branch(cmp, width, lhs, rhs, target);
            }
            Fused::Float { cmp, width } => {
                self.masm
                    .float_compare_and_branch(cmp, width, negate, lhs, rhs, target);
            }
        }
    }

    /// A comparison followed by `br_if` or `if` (`next`): one compare-and-branch.
    fn compare_and_branch(&mut self, fused: Fused, next: Operator<'_>) {
        let rhs = if let Fused::Int {
            with_zero: true, ..
        } = fused
        {
            Operand::Imm(0)
        } else {
            self.pop()
        };
        let lhs = self.pop();
        self.flush();
        match next {
            Operator::If { blockty } => {
                let else_label = self.masm.new_label();
                self.fused_branch(fused, true, lhs, rhs, else_label);
                let end = self.masm.new_label();
                self.push_ctrl(CtrlKind::If, blockty, end);
                self.ctrls.last_mut().expect("just pushed").else_label = Some(else_label);
            }
            Operator::BrIf { relative_depth } => {
                if self.branch_needs_moves(relative_depth) {
                    let skip = self.masm.new_label();
                    self.fused_branch(fused, true, lhs, rhs, skip);
                    self.emit_branch(relative_depth);
                    self.masm.bind(skip);
                } else {
                    let target = self.ctrls[self.ctrls.len() - 1 - relative_depth as usize].label;
                    self.fused_branch(fused, false, lhs, rhs, target);
                }
            }
            _ => unreachable!("only br_if and if follow a fused comparison"),
        }
        self.release(lhs);
        self.release(rhs);
    }

    /// Binds the loop entry here if this is its loop and the loop starts on an empty stack.
    fn bind_loop_entry(&mut self, blockty: BlockType) {
        let ordinal = self.loop_ordinal;
        let empty = self.stack.is_empty() && block_arity(self.module, blockty).0 == 0;
        if let Some(entry) = self.loop_entry.as_mut() {
            if entry.ordinal == ordinal && empty {
                entry.bound = true;
                let label = entry.label;
                self.masm.bind(label);
            }
        }
    }

    /// Operators inside dead code: only block structure matters.
    fn dead_operator(&mut self, op: Operator<'_>) -> Result<(), Error> {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => self.skip += 1,
            Operator::Else if self.skip == 0 => self.op_else(),
            Operator::End if self.skip == 0 => self.op_end(),
            Operator::End => self.skip -= 1,
            _ => {}
        }
        Ok(())
    }

    fn op_else(&mut self) {
        let ctrl = self.ctrls.last().expect("inside an if");
        let (reachable, end, height, params, result_reg) = (
            !ctrl.unreachable,
            ctrl.label,
            ctrl.height,
            ctrl.params,
            ctrl.result_reg,
        );
        if reachable {
            self.flush_result_into(result_reg);
            self.masm.jump(end);
        }
        let ctrl = self.ctrls.last_mut().expect("inside an if");
        let else_label = ctrl.else_label.take().expect("an if has an else label");
        ctrl.kind = CtrlKind::Else;
        ctrl.unreachable = false;
        self.masm.bind(else_label);
        self.stack.truncate(height);
        self.stack.resize(height + params, Entry::Slot);
    }

    /// Flushes the stack at the end of a frame's code whose result passes in `result_reg`
    /// (if a register): the result goes straight there, not through its slot, and is popped
    /// (the frame's values are dropped next).
    fn flush_result_into(&mut self, result_reg: Option<Reg>) {
        let Some(reg) = result_reg else {
            self.flush();
            return;
        };
        let result = self.pop();
        self.flush();
        self.masm.move_to(result, reg);
        self.release(result);
    }

    fn op_end(&mut self) {
        let ctrl = self.ctrls.last().expect("a frame to end");
        if !ctrl.unreachable {
            let result_reg = ctrl.result_reg;
            self.flush_result_into(result_reg);
        }
        let ctrl = self.ctrls.pop().expect("a frame to end");
        if ctrl.kind == CtrlKind::Func {
            if !ctrl.unreachable {
                self.emit_return();
            }
            return;
        }
        if let Some(else_label) = ctrl.else_label {
            self.masm.bind(else_label);
        }
        if ctrl.kind != CtrlKind::Loop {
            self.masm.bind(ctrl.label);
        }
        self.stack.truncate(ctrl.height);
        if let Some(reg) = ctrl.result_reg {
            match reg {
                Reg::Gpr(r) => self.free_gprs.retain(|free| *free != r),
                Reg::Fpr(r) => self.free_fprs.retain(|free| *free != r),
            }
            self.push_reg(reg);
            return;
        }
        for _ in 0..ctrl.results {
            self.push_slot();
        }
    }

    fn local_set(&mut self, local: u32) {
        let value = self.pop();
        self.settle_local(local);
        match self.local(local) {
            target if target == value => {}
            Operand::Reg(reg) => self.masm.move_to(value, reg),
            _ => self.masm.copy(value, local),
        }
        self.release(value);
    }

    /// A call whose arguments are the top `params` values.
    fn call(&mut self, callee: Callee, params: usize, results: usize) {
        self.flush();
        let base_depth = self.stack.len() - params;
        let base = self.slot(base_depth);
        self.reserve(base + params.max(results) as u32 + 1);
        self.save_register_locals();
        self.masm.call(callee, base);
        self.restore_register_locals();
        if let Callee::Indirect { index, .. } = callee {
            self.release(index);
        }
        self.stack.truncate(base_depth);
        for _ in 0..results {
            self.push_slot();
        }
    }

    /// A runtime call taking `fixed` operands then the top `popped` values, pushing a result
    /// when `has_result`.
    fn runtime_call(
        &mut self,
        call: RuntimeCall,
        fixed: &[Operand],
        popped: usize,
        has_result: bool,
    ) {
        self.flush();
        let mut args: Vec<Operand> = fixed.to_vec();
        let first = self.stack.len() - popped;
        args.extend((first..self.stack.len()).map(|d| self.operand_at(d)));
        self.stack.truncate(first);
        let dst = has_result.then(|| self.push_slot());
        self.save_register_locals();
        self.masm.runtime_call(call, &args, dst);
        self.restore_register_locals();
    }

    fn unary(&mut self, op: UnOp) {
        let class = match op {
            UnOp::Sqrt(_) | UnOp::ConvertS(..) => Class::Fpr,
            _ => Class::Gpr,
        };
        let src = self.pop();
        let dst =
            (self.target_register(class, None)).unwrap_or_else(|| self.result_reg(class, src));
        self.masm.unary(op, src, dst);
        self.release_all_but(&[src], dst);
        self.push_reg(dst);
    }

    /// A binary operation whose result goes to a register of `class`, reusing the left
    /// operand's register when it can.
    fn binary(&mut self, class: Class, emit: impl FnOnce(&mut M, Operand, Operand, Reg)) {
        let rhs = self.pop();
        let lhs = self.pop();
        let dst =
            (self.target_register(class, Some(rhs))).unwrap_or_else(|| self.result_reg(class, lhs));
        emit(&mut self.masm, lhs, rhs, dst);
        self.release_all_but(&[lhs, rhs], dst);
        self.push_reg(dst);
    }

    fn int_op(&mut self, op: IntOp, width: Width) {
        let commutative = matches!(
            op,
            IntOp::Add | IntOp::Mul | IntOp::And | IntOp::Or | IntOp::Xor
        );
        if commutative && self.settings.opt_level >= 1 {
            self.put_temporary_first();
        }
        self.binary(Class::Gpr, |m, l, r, d| m.int_op(op, width, l, r, d));
    }

    /// Swaps the top two values when the top one is in a register the result may reuse and
    /// the other is a constant or a local in a register (for commutative operations: the
    /// result then needs no new register). Values in slots stay where they are: a local in a
    /// slot read as a 32-bit memory operand right after a 64-bit store of it would miss the
    /// CPU's fast store-to-load forwarding, and loop counters live that way.
    fn put_temporary_first(&mut self) {
        let len = self.stack.len();
        let temporary =
            matches!(self.stack[len - 1], Entry::Reg(reg) if !self.is_local_register(reg));
        let movable = match self.stack[len - 2] {
            Entry::Const(_) => true,
            Entry::Local(local) => matches!(self.local(local), Operand::Reg(_)),
            Entry::Slot | Entry::Reg(_) => false,
        };
        if temporary && movable {
            self.stack.swap(len - 2, len - 1);
        }
    }

    fn int_cmp(&mut self, cmp: IntCmp, width: Width) {
        self.binary(Class::Gpr, |m, l, r, d| m.int_cmp(cmp, width, l, r, d));
    }

    fn float_op(&mut self, op: FloatOp, width: FloatWidth) {
        self.binary(Class::Fpr, |m, l, r, d| m.float_op(op, width, l, r, d));
    }

    fn float_cmp(&mut self, cmp: FloatCmp, width: FloatWidth) {
        let rhs = self.pop();
        let lhs = self.pop();
        let dst =
            (self.target_register(Class::Gpr, None)).unwrap_or_else(|| self.alloc(Class::Gpr));
        self.masm.float_cmp(cmp, width, lhs, rhs, dst);
        self.release(lhs);
        self.release(rhs);
        self.push_reg(dst);
    }

    /// An operation done by a numeric helper with one or two operands.
    fn helper(&mut self, helper: NumericHelper, operands: usize) {
        let b = if operands == 2 {
            self.pop()
        } else {
            Operand::Imm(0)
        };
        let a = self.pop();
        self.spill_registers();
        let dst = self.alloc(Class::Gpr);
        self.save_register_locals();
        self.masm.numeric_helper(helper as u32, a, b, dst);
        self.restore_register_locals();
        self.release(a);
        self.release(b);
        self.push_reg(dst);
    }

    /// The result of a no-op conversion (reinterpretations): the same cell.
    fn keep(&mut self) {}

    fn load(&mut self, class: Class, bytes: u8, signed: bool, wide: bool, memarg: MemArg) {
        let addr = self.pop();
        let dst =
            (self.target_register(class, None)).unwrap_or_else(|| self.result_reg(class, addr));
        let access = MemAccess {
            bytes,
            signed,
            wide,
        };
        self.masm.load(access, addr, memarg.offset, dst);
        self.release_all_but(&[addr], dst);
        self.push_reg(dst);
    }

    fn store(&mut self, bytes: u8, memarg: MemArg) {
        let value = self.pop();
        let addr = self.pop();
        let access = MemAccess {
            bytes,
            signed: false,
            wide: false,
        };
        self.masm.store(access, addr, memarg.offset, value);
        self.release(value);
        self.release(addr);
    }

    fn memory_or_numeric(&mut self, op: Operator<'_>) -> Result<(), Error> {
        use FloatWidth::{F32, F64};
        use NumericHelper as H;
        use Operator as O;
        use Width::{W32, W64};
        match op {
            O::I32Load { memarg } => self.load(Class::Gpr, 4, false, false, memarg),
            O::I64Load { memarg } => self.load(Class::Gpr, 8, false, true, memarg),
            O::F32Load { memarg } => self.load(Class::Fpr, 4, false, false, memarg),
            O::F64Load { memarg } => self.load(Class::Fpr, 8, false, true, memarg),
            O::I32Load8S { memarg } => self.load(Class::Gpr, 1, true, false, memarg),
            O::I32Load8U { memarg } => self.load(Class::Gpr, 1, false, false, memarg),
            O::I32Load16S { memarg } => self.load(Class::Gpr, 2, true, false, memarg),
            O::I32Load16U { memarg } => self.load(Class::Gpr, 2, false, false, memarg),
            O::I64Load8S { memarg } => self.load(Class::Gpr, 1, true, true, memarg),
            O::I64Load8U { memarg } => self.load(Class::Gpr, 1, false, true, memarg),
            O::I64Load16S { memarg } => self.load(Class::Gpr, 2, true, true, memarg),
            O::I64Load16U { memarg } => self.load(Class::Gpr, 2, false, true, memarg),
            O::I64Load32S { memarg } => self.load(Class::Gpr, 4, true, true, memarg),
            O::I64Load32U { memarg } => self.load(Class::Gpr, 4, false, true, memarg),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                self.store(4, memarg)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(8, memarg),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(1, memarg),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(2, memarg),

            O::I32Eqz => self.unary(UnOp::Eqz(W32)),
            O::I64Eqz => self.unary(UnOp::Eqz(W64)),
            O::I32Eq => self.int_cmp(IntCmp::Eq, W32),
            O::I32Ne => self.int_cmp(IntCmp::Ne, W32),
            O::I32LtS => self.int_cmp(IntCmp::LtS, W32),
            O::I32LtU => self.int_cmp(IntCmp::LtU, W32),
            O::I32GtS => self.int_cmp(IntCmp::GtS, W32),
            O::I32GtU => self.int_cmp(IntCmp::GtU, W32),
            O::I32LeS => self.int_cmp(IntCmp::LeS, W32),
            O::I32LeU => self.int_cmp(IntCmp::LeU, W32),
            O::I32GeS => self.int_cmp(IntCmp::GeS, W32),
            O::I32GeU => self.int_cmp(IntCmp::GeU, W32),
            O::I64Eq => self.int_cmp(IntCmp::Eq, W64),
            O::I64Ne => self.int_cmp(IntCmp::Ne, W64),
            O::I64LtS => self.int_cmp(IntCmp::LtS, W64),
            O::I64LtU => self.int_cmp(IntCmp::LtU, W64),
            O::I64GtS => self.int_cmp(IntCmp::GtS, W64),
            O::I64GtU => self.int_cmp(IntCmp::GtU, W64),
            O::I64LeS => self.int_cmp(IntCmp::LeS, W64),
            O::I64LeU => self.int_cmp(IntCmp::LeU, W64),
            O::I64GeS => self.int_cmp(IntCmp::GeS, W64),
            O::I64GeU => self.int_cmp(IntCmp::GeU, W64),
            O::F32Eq => self.float_cmp(FloatCmp::Eq, F32),
            O::F32Ne => self.float_cmp(FloatCmp::Ne, F32),
            O::F32Lt => self.float_cmp(FloatCmp::Lt, F32),
            O::F32Gt => self.float_cmp(FloatCmp::Gt, F32),
            O::F32Le => self.float_cmp(FloatCmp::Le, F32),
            O::F32Ge => self.float_cmp(FloatCmp::Ge, F32),
            O::F64Eq => self.float_cmp(FloatCmp::Eq, F64),
            O::F64Ne => self.float_cmp(FloatCmp::Ne, F64),
            O::F64Lt => self.float_cmp(FloatCmp::Lt, F64),
            O::F64Gt => self.float_cmp(FloatCmp::Gt, F64),
            O::F64Le => self.float_cmp(FloatCmp::Le, F64),
            O::F64Ge => self.float_cmp(FloatCmp::Ge, F64),

            O::I32Add => self.int_op(IntOp::Add, W32),
            O::I32Sub => self.int_op(IntOp::Sub, W32),
            O::I32Mul => self.int_op(IntOp::Mul, W32),
            O::I32DivS => self.int_op(IntOp::DivS, W32),
            O::I32DivU => self.int_op(IntOp::DivU, W32),
            O::I32RemS => self.int_op(IntOp::RemS, W32),
            O::I32RemU => self.int_op(IntOp::RemU, W32),
            O::I32And => self.int_op(IntOp::And, W32),
            O::I32Or => self.int_op(IntOp::Or, W32),
            O::I32Xor => self.int_op(IntOp::Xor, W32),
            O::I32Shl => self.int_op(IntOp::Shl, W32),
            O::I32ShrS => self.int_op(IntOp::ShrS, W32),
            O::I32ShrU => self.int_op(IntOp::ShrU, W32),
            O::I32Rotl => self.int_op(IntOp::Rotl, W32),
            O::I32Rotr => self.int_op(IntOp::Rotr, W32),
            O::I64Add => self.int_op(IntOp::Add, W64),
            O::I64Sub => self.int_op(IntOp::Sub, W64),
            O::I64Mul => self.int_op(IntOp::Mul, W64),
            O::I64DivS => self.int_op(IntOp::DivS, W64),
            O::I64DivU => self.int_op(IntOp::DivU, W64),
            O::I64RemS => self.int_op(IntOp::RemS, W64),
            O::I64RemU => self.int_op(IntOp::RemU, W64),
            O::I64And => self.int_op(IntOp::And, W64),
            O::I64Or => self.int_op(IntOp::Or, W64),
            O::I64Xor => self.int_op(IntOp::Xor, W64),
            O::I64Shl => self.int_op(IntOp::Shl, W64),
            O::I64ShrS => self.int_op(IntOp::ShrS, W64),
            O::I64ShrU => self.int_op(IntOp::ShrU, W64),
            O::I64Rotl => self.int_op(IntOp::Rotl, W64),
            O::I64Rotr => self.int_op(IntOp::Rotr, W64),
            O::I32Clz => self.unary(UnOp::Clz(W32)),
            O::I32Ctz => self.unary(UnOp::Ctz(W32)),
            O::I64Clz => self.unary(UnOp::Clz(W64)),
            O::I64Ctz => self.unary(UnOp::Ctz(W64)),
            O::I32Popcnt if self.masm.has_popcnt() => self.unary(UnOp::Popcnt(W32)),
            O::I64Popcnt if self.masm.has_popcnt() => self.unary(UnOp::Popcnt(W64)),
            O::I32Popcnt => self.helper(H::I32Popcnt, 1),
            O::I64Popcnt => self.helper(H::I64Popcnt, 1),

            O::F32Add => self.float_op(FloatOp::Add, F32),
            O::F32Sub => self.float_op(FloatOp::Sub, F32),
            O::F32Mul => self.float_op(FloatOp::Mul, F32),
            O::F32Div => self.float_op(FloatOp::Div, F32),
            O::F64Add => self.float_op(FloatOp::Add, F64),
            O::F64Sub => self.float_op(FloatOp::Sub, F64),
            O::F64Mul => self.float_op(FloatOp::Mul, F64),
            O::F64Div => self.float_op(FloatOp::Div, F64),
            O::F32Min => self.helper(H::F32Min, 2),
            O::F32Max => self.helper(H::F32Max, 2),
            O::F32Copysign => self.helper(H::F32Copysign, 2),
            O::F64Min => self.helper(H::F64Min, 2),
            O::F64Max => self.helper(H::F64Max, 2),
            O::F64Copysign => self.helper(H::F64Copysign, 2),
            O::F32Abs => self.helper(H::F32Abs, 1),
            O::F32Neg => self.helper(H::F32Neg, 1),
            O::F32Sqrt => self.unary(UnOp::Sqrt(F32)),
            O::F32Ceil => self.helper(H::F32Ceil, 1),
            O::F32Floor => self.helper(H::F32Floor, 1),
            O::F32Trunc => self.helper(H::F32Trunc, 1),
            O::F32Nearest => self.helper(H::F32Nearest, 1),
            O::F64Abs => self.helper(H::F64Abs, 1),
            O::F64Neg => self.helper(H::F64Neg, 1),
            O::F64Sqrt => self.unary(UnOp::Sqrt(F64)),
            O::F64Ceil => self.helper(H::F64Ceil, 1),
            O::F64Floor => self.helper(H::F64Floor, 1),
            O::F64Trunc => self.helper(H::F64Trunc, 1),
            O::F64Nearest => self.helper(H::F64Nearest, 1),

            O::I32WrapI64 | O::I64ExtendI32U => self.unary(UnOp::ExtendU32),
            O::I64ExtendI32S => self.unary(UnOp::ExtendS(W64, 32)),
            O::I32Extend8S => self.unary(UnOp::ExtendS(W32, 8)),
            O::I32Extend16S => self.unary(UnOp::ExtendS(W32, 16)),
            O::I64Extend8S => self.unary(UnOp::ExtendS(W64, 8)),
            O::I64Extend16S => self.unary(UnOp::ExtendS(W64, 16)),
            O::I64Extend32S => self.unary(UnOp::ExtendS(W64, 32)),
            O::F32ConvertI32S => self.unary(UnOp::ConvertS(F32, W32)),
            O::F32ConvertI64S => self.unary(UnOp::ConvertS(F32, W64)),
            O::F64ConvertI32S => self.unary(UnOp::ConvertS(F64, W32)),
            O::F64ConvertI64S => self.unary(UnOp::ConvertS(F64, W64)),
            O::F32ConvertI32U => self.helper(H::F32ConvertI32U, 1),
            O::F32ConvertI64U => self.helper(H::F32ConvertI64U, 1),
            O::F64ConvertI32U => self.helper(H::F64ConvertI32U, 1),
            O::F64ConvertI64U => self.helper(H::F64ConvertI64U, 1),
            O::F32DemoteF64 => self.helper(H::F32DemoteF64, 1),
            O::F64PromoteF32 => self.helper(H::F64PromoteF32, 1),
            O::I32TruncF32S => self.helper(H::I32TruncF32S, 1),
            O::I32TruncF32U => self.helper(H::I32TruncF32U, 1),
            O::I32TruncF64S => self.helper(H::I32TruncF64S, 1),
            O::I32TruncF64U => self.helper(H::I32TruncF64U, 1),
            O::I64TruncF32S => self.helper(H::I64TruncF32S, 1),
            O::I64TruncF32U => self.helper(H::I64TruncF32U, 1),
            O::I64TruncF64S => self.helper(H::I64TruncF64S, 1),
            O::I64TruncF64U => self.helper(H::I64TruncF64U, 1),
            O::I32TruncSatF32S => self.helper(H::I32TruncSatF32S, 1),
            O::I32TruncSatF32U => self.helper(H::I32TruncSatF32U, 1),
            O::I32TruncSatF64S => self.helper(H::I32TruncSatF64S, 1),
            O::I32TruncSatF64U => self.helper(H::I32TruncSatF64U, 1),
            O::I64TruncSatF32S => self.helper(H::I64TruncSatF32S, 1),
            O::I64TruncSatF32U => self.helper(H::I64TruncSatF32U, 1),
            O::I64TruncSatF64S => self.helper(H::I64TruncSatF64S, 1),
            O::I64TruncSatF64U => self.helper(H::I64TruncSatF64U, 1),
            O::I32ReinterpretF32
            | O::F32ReinterpretI32
            | O::I64ReinterpretF64
            | O::F64ReinterpretI64 => self.keep(),
            other => {
                return Err(Error::Unsupported(alloc::format!(
                    "the JIT cannot compile {other:?}"
                )))
            }
        }
        Ok(())
    }
}
