//! Translation of one wasm function body into interpreter code.
//!
//! Every operand-stack position `i` has a fixed home slot `num_locals + i` in the frame. The
//! translator keeps a compile-time operand stack whose entries are either already in their home
//! slot (`Temp`) or deferred: a local (`local.get` costs nothing) or a constant (folded into
//! immediate forms or materialised when needed). Results are written straight to their home
//! slot, or to a local when a `local.set`/`local.tee` follows. Compares followed by `br_if`/`if`
//! fuse into one branch. Deferred entries are materialised before any block boundary, so every
//! control-flow join sees values in home slots.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use wasmparser::{BlockType, FunctionBody, Operator};

use crate::control::{block_arity, CtrlKind};

use super::cond::Cond;
use super::ops::{Instr, Offset, Slot};
use super::CompiledFunc;
use crate::error::Error;
use crate::loader::ModuleInfo;
use crate::runtime::fuel::FuelPlan;

/// A compile-time operand-stack entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operand {
    /// In its home slot.
    Temp,
    /// The current value of a local (not yet copied).
    Local(Slot),
    /// A constant cell (not yet materialised).
    Const(u64),
}

/// A control frame of the function being translated.
#[derive(Debug)]
struct Ctrl {
    kind: CtrlKind,
    /// Operand-stack height below the block's parameters.
    height: usize,
    params: usize,
    results: usize,
    /// Branches to patch with the block's end.
    fixups: Vec<usize>,
    /// For loops: where branches go.
    loop_start: usize,
    /// For `if`: the branch to patch with the start of `else` (or the end).
    else_fixup: Option<usize>,
    /// Code after an unconditional branch until the frame's end is dead.
    unreachable: bool,
    /// For single-result blocks: the instructions that write the result on each path, while
    /// every path ends with a retargetable definition (see [`Forward`]).
    result_defs: Option<Vec<usize>>,
}

/// A block just ended whose single result was defined by `defs` on every path into `slot`;
/// a `local.set` right after may retarget those definitions to the local.
struct Forward {
    defs: Vec<usize>,
    slot: Slot,
    at: usize,
}

impl Ctrl {
    /// The number of values a branch to this frame carries.
    fn branch_arity(&self) -> usize {
        self.kind.branch_arity(self.params, self.results)
    }
}

/// Translates function `func_index` (a defined function) of `module`; with `loop_headers`,
/// loops that start on an empty operand stack begin with a [`Instr::LoopHeader`] that counts
/// iterations (for promotion to another tier, see `exec`); with `metered`, each segment
/// begins with an [`Instr::Fuel`] charging its cost (see [`crate::runtime::fuel`]).
pub(crate) fn translate(
    module: &ModuleInfo,
    func_index: u32,
    loop_headers: bool,
    metered: bool,
) -> Result<CompiledFunc, Error> {
    let body = module.body(func_index);
    let ty = module.func_type(func_index);
    let num_params = ty.params().len() as u32;
    let mut num_locals = num_params as u64;
    for local in body.get_locals_reader()? {
        num_locals += local?.0 as u64;
    }
    if num_locals > MAX_SLOTS as u64 {
        return Err(Error::Resource("function has too many locals".into()));
    }
    let const_slots = scan_constants(&body, num_locals as u32)?;
    let mut t = Translator {
        module,
        num_const_slots: const_slots.len() as u32,
        const_slots,
        code: Vec::new(),
        stack: Vec::new(),
        ctrls: Vec::new(),
        num_locals: num_locals as u32,
        max_height: 0,
        last_def: None,
        skip_depth: 0,
        loop_headers,
        loops_seen: 0,
        last_label: 0,
        forward: None,
        num_results: ty.results().len(),
        fuel: None,
    };
    t.ctrls.push(Ctrl {
        kind: CtrlKind::Func,
        height: 0,
        params: 0,
        results: t.num_results,
        fixups: Vec::new(),
        loop_start: 0,
        else_fixup: None,
        unreachable: false,
        result_defs: None,
    });
    let mut fuel = FuelPlan::new(&body, metered)?;
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        let op = ops.read()?;
        t.fuel = fuel.charge_before();
        t.operator(op)?;
        if (t.num_locals + t.num_const_slots) as usize + t.max_height > MAX_SLOTS {
            return Err(Error::Resource("function frame too large".into()));
        }
    }
    Ok(CompiledFunc {
        code: t.code.into_boxed_slice(),
        frame_size: t.num_locals + t.num_const_slots + t.max_height as u32,
        num_params,
        num_locals: t.num_locals,
        consts: t
            .const_slots
            .iter()
            .filter(|(_, c)| c.used)
            .map(|(&cell, c)| (c.slot, cell))
            .collect(),
        hotness: core::cell::Cell::new(0),
        promote_at: u32::MAX,
    })
}

/// A constant's frame slot, and whether any instruction reads it.
struct ConstSlot {
    slot: Slot,
    used: bool,
}

/// At most this many distinct constants of a function get a frame slot of their own.
const MAX_CONST_SLOTS: usize = 256;

/// Gives each distinct constant of the body (up to [`MAX_CONST_SLOTS`]) a slot after the
/// locals. Constants used as operands then cost nothing in loops: the slot is written once,
/// when the function is entered, and only if some instruction reads it.
fn scan_constants(
    body: &FunctionBody<'_>,
    num_locals: u32,
) -> Result<BTreeMap<u64, ConstSlot>, Error> {
    let mut slots = BTreeMap::new();
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() && slots.len() < MAX_CONST_SLOTS {
        let cell = match ops.read()? {
            Operator::I32Const { value } => value as u32 as u64,
            Operator::I64Const { value } => value as u64,
            Operator::F32Const { value } => value.bits() as u64,
            Operator::F64Const { value } => value.bits(),
            _ => continue,
        };
        let slot = num_locals + slots.len() as Slot;
        slots.entry(cell).or_insert(ConstSlot { slot, used: false });
    }
    Ok(slots)
}

/// Frames are limited so slot arithmetic never overflows.
const MAX_SLOTS: usize = 1 << 24;

struct Translator<'m> {
    module: &'m ModuleInfo,
    /// The frame slot of each constant that has one (see [`scan_constants`]); those some
    /// instruction reads are written at entry.
    const_slots: BTreeMap<u64, ConstSlot>,
    num_const_slots: u32,
    code: Vec<Instr>,
    stack: Vec<Operand>,
    ctrls: Vec<Ctrl>,
    num_locals: u32,
    max_height: usize,
    /// The last instruction, if it wrote the top-of-stack `Temp` and may be retargeted.
    last_def: Option<usize>,
    /// Nesting depth of blocks opened inside dead code.
    skip_depth: usize,
    /// Whether loops get iteration-counting headers.
    loop_headers: bool,
    /// `loop` operators read so far, dead or alive (their ordinal names a loop across tiers).
    loops_seen: u32,
    /// The result definitions of the block that just ended.
    forward: Option<Forward>,
    /// The latest code position some branch may jump to; code before it must not be fused
    /// across it.
    last_label: usize,
    num_results: usize,
    /// The fuel to charge before the operator being translated, if a segment starts there.
    fuel: Option<u32>,
}

/// Emits a binary op `$op`, with optional immediate form `$imm` and a flag saying whether the
/// operands may be swapped to use it.
macro_rules! binary {
    ($t:ident, $op:ident) => {
        $t.binary(|dst, lhs, rhs| Instr::$op { dst, lhs, rhs }, None, false)
    };
    ($t:ident, $op:ident, $imm:ident, $commutes:expr) => {
        $t.binary(
            |dst, lhs, rhs| Instr::$op { dst, lhs, rhs },
            Some(|dst, lhs, imm| Some(Instr::$imm { dst, lhs, imm })),
            $commutes,
        )
    };
}

/// Emits an `i64` binary op `$op` whose immediate form `$imm` takes a sign-extended 32-bit
/// immediate.
macro_rules! binary64 {
    ($t:ident, $op:ident, $imm:ident, $commutes:expr) => {
        $t.binary64(
            |dst, lhs, rhs| Instr::$op { dst, lhs, rhs },
            |dst, lhs, imm| Some(Instr::$imm { dst, lhs, imm }),
            $commutes,
        )
    };
}

macro_rules! unary {
    ($t:ident, $op:ident) => {
        $t.unary(|dst, src| Instr::$op { dst, src })
    };
}

macro_rules! load {
    ($t:ident, $op:ident, $memarg:expr) => {
        $t.load(
            |dst, addr, offset| Instr::$op { dst, addr, offset },
            $memarg,
        )
    };
}

macro_rules! store {
    ($t:ident, $op:ident, $memarg:expr) => {
        $t.store(
            |addr, value, offset| Instr::$op {
                addr,
                value,
                offset,
            },
            $memarg,
        )
    };
}

mod numeric;

type MakeBinary = fn(Slot, Slot, Slot) -> Instr;
type MakeImm = fn(Slot, Slot, i32) -> Option<Instr>;

impl Translator<'_> {
    fn home(&self, index: usize) -> Slot {
        self.num_locals + self.num_const_slots + index as Slot
    }

    fn push(&mut self, operand: Operand) {
        self.stack.push(operand);
        self.max_height = self.max_height.max(self.stack.len());
    }

    /// Pushes a `Temp` and returns its home slot.
    fn push_temp(&mut self) -> Slot {
        self.push(Operand::Temp);
        self.home(self.stack.len() - 1)
    }

    /// Pops an entry, returning it with the home slot it occupied.
    fn pop(&mut self) -> (Operand, Slot) {
        let operand = self.stack.pop().expect("validated operand stack");
        (operand, self.home(self.stack.len()))
    }

    fn emit(&mut self, instr: Instr) -> usize {
        let instr = match self.acc_slot() {
            Some(slot) => instr.with_acc(slot).unwrap_or(instr),
            None => instr,
        };
        self.code.push(instr);
        self.last_def = None;
        self.code.len() - 1
    }

    /// The slot whose value the accumulator holds when the next instruction runs: the previous
    /// instruction's result, unless a branch may land on the next instruction.
    fn acc_slot(&mut self) -> Option<Slot> {
        let last = self.code.len().checked_sub(1)?;
        if self.last_label > last {
            return None;
        }
        self.code[last].dst_mut().map(|dst| *dst)
    }

    /// Emits an instruction that wrote the `Temp` just pushed, so a following `local.set`
    /// may redirect its result.
    fn emit_def(&mut self, instr: Instr) {
        let at = self.emit(instr);
        self.last_def = Some(at);
    }

    fn emit_const(&mut self, dst: Slot, cell: u64) {
        let instr = if cell >> 32 == 0 {
            Instr::Const32 {
                dst,
                value: cell as u32,
            }
        } else {
            Instr::Const64 {
                dst,
                lo: cell as u32,
                hi: (cell >> 32) as u32,
            }
        };
        self.emit(instr);
    }

    /// The slot holding `operand` (popped from `home`): its constant slot, or else the
    /// constant is materialised in `home`.
    fn slot_of(&mut self, operand: Operand, home: Slot) -> Slot {
        match operand {
            Operand::Temp => home,
            Operand::Local(slot) => slot,
            Operand::Const(cell) => match self.const_slots.get_mut(&cell) {
                Some(constant) => {
                    constant.used = true;
                    constant.slot
                }
                None => {
                    self.emit_const(home, cell);
                    home
                }
            },
        }
    }

    fn pop_slot(&mut self) -> Slot {
        let (operand, home) = self.pop();
        self.slot_of(operand, home)
    }

    /// Puts stack entry `index` into its home slot.
    fn materialize(&mut self, index: usize) {
        let home = self.home(index);
        match self.stack[index] {
            Operand::Temp => return,
            Operand::Local(src) => {
                self.emit(Instr::Copy { dst: home, src });
            }
            Operand::Const(cell) => self.emit_const(home, cell),
        }
        self.stack[index] = Operand::Temp;
        if index + 1 == self.stack.len() {
            self.last_def = Some(self.code.len() - 1);
        }
    }

    /// Puts the top `n` entries into their home slots.
    fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for index in len - n..len {
            self.materialize(index);
        }
    }

    fn materialize_all(&mut self) {
        self.materialize_top(self.stack.len());
    }

    /// Materialises entries that read local `slot`, before it is overwritten.
    fn preserve_local(&mut self, slot: Slot) {
        for index in 0..self.stack.len() {
            if self.stack[index] == Operand::Local(slot) {
                self.materialize(index);
            }
        }
    }

    fn unary(&mut self, make: fn(Slot, Slot) -> Instr) {
        let src = self.pop_slot();
        let dst = self.push_temp();
        self.emit_def(make(dst, src));
    }

    fn binary(&mut self, make: MakeBinary, make_imm: Option<MakeImm>, commutes: bool) {
        let (rhs, rhs_home) = self.pop();
        let (lhs, lhs_home) = self.pop();
        if let Some(make_imm) = make_imm {
            let folded = match (lhs, rhs) {
                (_, Operand::Const(c)) if !matches!(lhs, Operand::Const(_)) => {
                    let lhs = self.slot_of(lhs, lhs_home);
                    imm32(c).and_then(|imm| make_imm(lhs_home, lhs, imm))
                }
                (Operand::Const(c), _) if commutes => {
                    let rhs = self.slot_of(rhs, rhs_home);
                    imm32(c).and_then(|imm| make_imm(lhs_home, rhs, imm))
                }
                _ => None,
            };
            if let Some(instr) = folded {
                self.push_temp();
                self.emit_def(instr);
                return;
            }
        }
        let lhs = self.slot_of(lhs, lhs_home);
        let rhs = self.slot_of(rhs, rhs_home);
        let dst = self.push_temp();
        self.emit_def(make(dst, lhs, rhs));
    }

    /// `i64` binary op whose immediate form takes a sign-extended 32-bit immediate.
    fn binary64(&mut self, make: MakeBinary, make_imm: MakeImm, commutes: bool) {
        let fits = |operand: &Operand| match *operand {
            Operand::Const(c) => c as i64 == c as i32 as i64,
            _ => true,
        };
        let len = self.stack.len();
        let imm = if self.stack[len - 2..].iter().all(fits) {
            Some(make_imm)
        } else {
            None
        };
        self.binary(make, imm, commutes);
    }

    fn load(&mut self, make: fn(Slot, Slot, u32) -> Instr, memarg: wasmparser::MemArg) {
        let addr = self.pop_slot();
        let dst = self.push_temp();
        self.emit_def(make(dst, addr, memarg.offset as u32));
    }

    fn store(&mut self, make: fn(Slot, Slot, u32) -> Instr, memarg: wasmparser::MemArg) {
        let value = self.pop_slot();
        let addr = self.pop_slot();
        self.emit(make(addr, value, memarg.offset as u32));
    }

    fn push_ctrl(&mut self, kind: CtrlKind, ty: BlockType) {
        let (params, results) = block_arity(self.module, ty);
        if kind == CtrlKind::Loop {
            self.last_label = self.code.len();
        }
        self.ctrls.push(Ctrl {
            kind,
            height: self.stack.len() - params,
            params,
            results,
            fixups: Vec::new(),
            loop_start: self.code.len(),
            else_fixup: None,
            unreachable: false,
            result_defs: (results == 1 && kind != CtrlKind::Loop).then(Vec::new),
        });
    }

    /// Marks the rest of the current block dead and drops its operands.
    fn set_unreachable(&mut self) {
        let ctrl = self.ctrls.last_mut().expect("control frame");
        ctrl.unreachable = true;
        self.stack.truncate(ctrl.height);
        self.last_def = None;
    }

    fn is_unreachable(&self) -> bool {
        self.ctrls.last().is_some_and(|c| c.unreachable)
    }

    /// Points the branch at `at` to the current end of code (a branch target from now on).
    fn patch_here(&mut self, at: usize) {
        self.last_label = self.code.len();
        let offset = (self.code.len() - at) as Offset;
        *self.code[at].target_mut().expect("branch") = offset;
    }

    /// Emits a branch to `target_pc` (known, backwards) or records it for patching.
    fn branch_to(&mut self, depth: u32, instr: Instr) {
        let at = self.emit(instr);
        let index = self.ctrls.len() - 1 - depth as usize;
        let ctrl = &mut self.ctrls[index];
        if ctrl.kind == CtrlKind::Loop {
            let offset = ctrl.loop_start as isize - at as isize;
            *self.code[at].target_mut().expect("branch") = offset as Offset;
        } else {
            ctrl.fixups.push(at);
            ctrl.result_defs = None;
        }
    }

    /// Records how the current block's single result was defined on the path ending here.
    fn record_result_def(&mut self) {
        let height = self.ctrls.last().expect("block").height;
        let home = self.home(height);
        let def = self
            .last_def
            .filter(|&at| self.code[at].dst_mut().is_some_and(|d| *d == home));
        let ctrl = self.ctrls.last_mut().expect("block");
        match (def, ctrl.result_defs.as_mut()) {
            (Some(at), Some(defs)) => defs.push(at),
            _ => ctrl.result_defs = None,
        }
    }

    /// Whether a branch to `depth` must copy values into the target's slots first.
    fn branch_needs_copies(&self, depth: u32) -> bool {
        let ctrl = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        let arity = ctrl.branch_arity();
        let len = self.stack.len();
        (0..arity).any(|i| {
            self.stack[len - arity + i] != Operand::Temp || ctrl.height + i != len - arity + i
        })
    }

    /// Copies the values a branch to `depth` carries into the target's slots.
    fn emit_branch_copies(&mut self, depth: u32) {
        let ctrl = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        let (arity, height) = (ctrl.branch_arity(), ctrl.height);
        let len = self.stack.len();
        for i in 0..arity {
            let dst = self.home(height + i);
            match self.stack[len - arity + i] {
                Operand::Temp => {
                    let src = self.home(len - arity + i);
                    if src != dst {
                        self.emit(Instr::Copy { dst, src });
                    }
                }
                Operand::Local(src) => {
                    self.emit(Instr::Copy { dst, src });
                }
                Operand::Const(cell) => self.emit_const(dst, cell),
            }
        }
    }

    fn is_func_label(&self, depth: u32) -> bool {
        depth as usize == self.ctrls.len() - 1
    }

    /// An unconditional branch to `depth`, with its copies.
    fn emit_branch(&mut self, depth: u32) {
        if self.is_func_label(depth) {
            self.emit_return();
        } else {
            self.emit_branch_copies(depth);
            if !self.rotate_loop(depth) {
                self.branch_to(depth, Instr::Br { target: 0 });
            }
        }
    }

    /// Loop rotation: a jump back to a loop that starts with an exit test becomes that test,
    /// negated, jumping to the loop's second instruction, followed by the exit jump. One
    /// dispatch less per iteration. The machine state at the back edge equals the loop
    /// entry's (branch copies already placed the loop parameters), so the test means the same.
    fn rotate_loop(&mut self, depth: u32) -> bool {
        let ctrl = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        if ctrl.kind != CtrlKind::Loop || ctrl.loop_start >= self.code.len() {
            return false;
        }
        let start = ctrl.loop_start;
        let Some(test) = Cond::from_branch(&self.code[start].without_acc()) else {
            return false;
        };
        // The test must be a pending forward exit, owned by an enclosing block.
        let Some(owner) = self.ctrls.iter().position(|c| c.fixups.contains(&start)) else {
            return false;
        };
        let at = self.emit(test.negate().branch(0));
        *self.code[at].target_mut().expect("branch") = (start + 1) as Offset - at as Offset;
        let exit = self.emit(Instr::Br { target: 0 });
        self.ctrls[owner].fixups.push(exit);
        true
    }

    /// Returns the top `num_results` values: they go to slots `0..n` of the frame.
    fn emit_return(&mut self) {
        let n = self.num_results;
        let len = self.stack.len();
        if n == 1 {
            let (operand, home) = (self.stack[len - 1], self.home(len - 1));
            let src = self.slot_of(operand, home);
            self.emit(Instr::ReturnSlot { src });
            return;
        }
        // A local that is also a destination is first copied to the entry's (free) home slot.
        // Stack entries stay as they are: after a `br_if` the fall-through still uses them.
        for i in 0..n {
            let index = len - n + i;
            match self.stack[index] {
                Operand::Local(src) if (src as usize) < n => {
                    let home = self.home(index);
                    self.emit(Instr::Copy { dst: home, src });
                }
                _ => {}
            }
        }
        for i in 0..n {
            let dst = i as Slot;
            let index = len - n + i;
            match self.stack[index] {
                Operand::Local(src) if (src as usize) >= n => {
                    self.emit(Instr::Copy { dst, src });
                }
                Operand::Const(cell) => self.emit_const(dst, cell),
                _ => {
                    let src = self.home(index);
                    if src != dst {
                        self.emit(Instr::Copy { dst, src });
                    }
                }
            }
        }
        self.emit(Instr::Return {});
    }

    /// Whether instruction `at` wrote `slot` and no branch can land between it and the end.
    fn defines_unlabelled(&mut self, at: usize, slot: Slot) -> bool {
        at >= self.last_label && self.code[at].dst_mut().is_some_and(|d| *d == slot)
    }

    /// Pops a branch condition, fusing it with the compare (or `and`, or `eqz` of either)
    /// that produced it.
    fn pop_cond(&mut self) -> Cond {
        let (operand, home) = self.pop();
        let last = self.code.len().wrapping_sub(1);
        if operand == Operand::Temp
            && self.last_def == Some(last)
            && self.defines_unlabelled(last, home)
        {
            if let Some(cond) = Cond::from_instr(&self.code[last].without_acc()) {
                self.last_def = None;
                // `eqz` of a fusable value op is that op's negated condition.
                if let Cond::Eqz { slot, .. } = cond {
                    if slot == home && last > 0 && self.defines_unlabelled(last - 1, home) {
                        if let Some(inner) = Cond::from_instr(&self.code[last - 1].without_acc()) {
                            self.code.truncate(last - 1);
                            return inner.negate();
                        }
                    }
                }
                self.code.pop();
                return cond;
            }
        }
        Cond::Nez {
            slot: self.slot_of(operand, home),
            is64: false,
        }
    }

    fn local_set(&mut self, local: u32, tee: bool) {
        let (operand, home) = self.pop();
        if let Some(forward) = self.forward.take() {
            let applies = operand == Operand::Temp
                && forward.slot == home
                && forward.at == self.code.len()
                && !self.stack.contains(&Operand::Local(local));
            if applies {
                for at in forward.defs {
                    *self.code[at]
                        .dst_mut()
                        .expect("recorded definitions write a slot") = local;
                }
                if tee {
                    self.push(Operand::Local(local));
                }
                return;
            }
        }
        let retarget = operand == Operand::Temp
            && self
                .last_def
                .is_some_and(|at| self.code[at].dst_mut().is_some_and(|d| *d == home))
            && !self.stack.contains(&Operand::Local(local));
        if retarget {
            let at = self.last_def.take().expect("checked");
            *self.code[at].dst_mut().expect("checked") = local;
        } else {
            self.preserve_local(local);
            match operand {
                Operand::Temp => {
                    self.emit(Instr::Copy {
                        dst: local,
                        src: home,
                    });
                }
                Operand::Local(src) if src == local => {}
                Operand::Local(src) => {
                    self.emit(Instr::Copy { dst: local, src });
                }
                Operand::Const(cell) => self.emit_const(local, cell),
            }
        }
        if tee {
            self.push(Operand::Local(local));
        }
    }

    fn call(&mut self, func: u32) {
        let ty = self.module.func_type(func);
        let (params, results) = (ty.params().len(), ty.results().len());
        self.materialize_top(params);
        let base = self.home(self.stack.len() - params);
        self.stack.truncate(self.stack.len() - params);
        self.emit(Instr::Call { func, base });
        for _ in 0..results {
            self.push(Operand::Temp);
        }
    }

    fn call_indirect(&mut self, type_index: u32, table: u32) {
        let ty = &self.module.types[type_index as usize];
        let (params, results) = (ty.params().len(), ty.results().len());
        self.materialize_top(params + 1);
        let base = self.home(self.stack.len() - params - 1);
        self.stack.truncate(self.stack.len() - params - 1);
        self.emit(Instr::CallIndirect {
            table,
            type_index,
            base,
        });
        for _ in 0..results {
            self.push(Operand::Temp);
        }
    }

    /// Materialises the top `n` operands into consecutive slots, pops them and returns the first.
    fn pop_consecutive(&mut self, n: usize) -> Slot {
        self.materialize_top(n);
        self.stack.truncate(self.stack.len() - n);
        self.home(self.stack.len())
    }

    fn br_if(&mut self, depth: u32) {
        let cond = self.pop_cond();
        if !self.is_func_label(depth) && !self.branch_needs_copies(depth) {
            self.branch_to(depth, cond.branch(0));
            return;
        }
        let skip = self.emit(cond.negate().branch(0));
        self.emit_branch(depth);
        self.patch_here(skip);
    }

    fn br_table(&mut self, targets: wasmparser::BrTable<'_>) -> Result<(), Error> {
        let index = self.pop_slot();
        let depths: Vec<u32> = targets
            .targets()
            .chain(core::iter::once(Ok(targets.default())))
            .collect::<Result<_, _>>()?;
        self.emit(Instr::BrTable {
            index,
            len: depths.len() as u32 - 1,
        });
        let mut stubs = Vec::new();
        for &depth in &depths {
            if self.is_func_label(depth) || self.branch_needs_copies(depth) {
                let at = self.emit(Instr::Br { target: 0 });
                stubs.push((at, depth));
            } else {
                self.branch_to(depth, Instr::Br { target: 0 });
            }
        }
        for (at, depth) in stubs {
            self.patch_here(at);
            self.emit_branch(depth);
        }
        Ok(())
    }

    fn op_block(&mut self, kind: CtrlKind, ty: BlockType) {
        self.materialize_all();
        self.last_def = None;
        self.push_ctrl(kind, ty);
    }

    fn op_if(&mut self, ty: BlockType) {
        let cond = self.pop_cond();
        self.materialize_all();
        let at = self.emit(cond.negate().branch(0));
        self.push_ctrl(CtrlKind::If, ty);
        self.ctrls.last_mut().expect("pushed").else_fixup = Some(at);
    }

    fn op_else(&mut self) {
        if !self.is_unreachable() {
            let results = self.ctrls.last().expect("if").results;
            self.materialize_top(results);
            self.record_result_def();
            let at = self.emit(Instr::Br { target: 0 });
            self.ctrls.last_mut().expect("if").fixups.push(at);
        }
        let ctrl = self.ctrls.last_mut().expect("if");
        let else_fixup = ctrl.else_fixup.take().expect("if frame");
        ctrl.kind = CtrlKind::Else;
        ctrl.unreachable = false;
        let (height, params) = (ctrl.height, ctrl.params);
        self.patch_here(else_fixup);
        self.stack.truncate(height);
        for _ in 0..params {
            self.push(Operand::Temp);
        }
        self.last_def = None;
    }

    fn op_end(&mut self) {
        let ctrl = self.ctrls.last().expect("control frame");
        if ctrl.kind == CtrlKind::Func {
            if !ctrl.unreachable {
                self.emit_return();
            }
            self.ctrls.pop();
            return;
        }
        let (kind, unreachable, results) = (ctrl.kind, ctrl.unreachable, ctrl.results);
        if kind == CtrlKind::If {
            // No `else`: the result is the parameter, flowing around the `then` arm.
            self.ctrls.last_mut().expect("if").result_defs = None;
        }
        if !unreachable {
            self.materialize_top(results);
            self.record_result_def();
        }
        let ctrl = self.ctrls.pop().expect("control frame");
        self.forward = match ctrl.result_defs {
            Some(defs) if !defs.is_empty() => Some(Forward {
                defs,
                slot: self.home(ctrl.height),
                at: self.code.len(),
            }),
            _ => None,
        };
        if let Some(at) = ctrl.else_fixup {
            self.patch_here(at);
        }
        for at in ctrl.fixups {
            self.patch_here(at);
        }
        self.stack.truncate(ctrl.height);
        for _ in 0..ctrl.results {
            self.push(Operand::Temp);
        }
        self.last_def = None;
    }

    /// Skips operators in dead code, tracking nested blocks. Returns true if `op` was skipped.
    fn skip_dead(&mut self, op: &Operator<'_>) -> bool {
        if !self.is_unreachable() {
            return false;
        }
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.skip_depth += 1;
                true
            }
            Operator::Else if self.skip_depth == 0 => false,
            Operator::End if self.skip_depth == 0 => false,
            Operator::End => {
                self.skip_depth -= 1;
                true
            }
            _ => true,
        }
    }

    fn operator(&mut self, op: Operator<'_>) -> Result<(), Error> {
        // A block's result definitions may only be redirected by the operator right after it.
        if !matches!(op, Operator::LocalSet { .. } | Operator::LocalTee { .. }) {
            self.forward = None;
        }
        let loop_ordinal = self.loops_seen;
        if matches!(op, Operator::Loop { .. }) {
            self.loops_seen += 1;
        }
        if self.skip_dead(&op) {
            return Ok(());
        }
        if let Some(cost) = self.fuel.take() {
            self.emit(Instr::Fuel { cost });
        }
        use Operator as O;
        match op {
            O::Unreachable => {
                self.emit(Instr::Unreachable {});
                self.set_unreachable();
            }
            O::Nop => {}
            O::Block { blockty } => self.op_block(CtrlKind::Block, blockty),
            O::Loop { blockty } => {
                self.op_block(CtrlKind::Loop, blockty);
                let ctrl = self.ctrls.last().expect("just pushed");
                if self.loop_headers && ctrl.height == 0 && ctrl.params == 0 {
                    self.emit(Instr::LoopHeader {
                        ordinal: loop_ordinal,
                    });
                }
            }
            O::If { blockty } => self.op_if(blockty),
            O::Else => self.op_else(),
            O::End => self.op_end(),
            O::Br { relative_depth } => {
                self.emit_branch(relative_depth);
                self.set_unreachable();
            }
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { targets } => {
                self.br_table(targets)?;
                self.set_unreachable();
            }
            O::Return => {
                self.emit_return();
                self.set_unreachable();
            }
            O::Call { function_index } => self.call(function_index),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop_slot();
                let other = self.pop_slot();
                let index = self.stack.len() - 1;
                self.materialize(index);
                let dst = self.home(index);
                self.emit(Instr::Select { dst, other, cond });
            }
            O::LocalGet { local_index } => self.push(Operand::Local(local_index)),
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let dst = self.push_temp();
                self.emit_def(Instr::GlobalGet {
                    dst,
                    global: global_index,
                });
            }
            O::GlobalSet { global_index } => {
                let src = self.pop_slot();
                self.emit(Instr::GlobalSet {
                    src,
                    global: global_index,
                });
            }
            O::I32Load { memarg } | O::F32Load { memarg } => load!(self, I32Load, memarg),
            O::I64Load { memarg } | O::F64Load { memarg } => load!(self, I64Load, memarg),
            O::I32Load8S { memarg } => load!(self, I32Load8S, memarg),
            O::I32Load8U { memarg } => load!(self, I32Load8U, memarg),
            O::I32Load16S { memarg } => load!(self, I32Load16S, memarg),
            O::I32Load16U { memarg } => load!(self, I32Load16U, memarg),
            O::I64Load8S { memarg } => load!(self, I64Load8S, memarg),
            O::I64Load8U { memarg } => load!(self, I64Load8U, memarg),
            O::I64Load16S { memarg } => load!(self, I64Load16S, memarg),
            O::I64Load16U { memarg } => load!(self, I64Load16U, memarg),
            O::I64Load32S { memarg } => load!(self, I64Load32S, memarg),
            O::I64Load32U { memarg } => load!(self, I64Load32U, memarg),
            O::I32Store { memarg } | O::F32Store { memarg } => store!(self, I32Store, memarg),
            O::I64Store { memarg } | O::F64Store { memarg } => store!(self, I64Store, memarg),
            O::I32Store8 { memarg } => store!(self, I32Store8, memarg),
            O::I32Store16 { memarg } => store!(self, I32Store16, memarg),
            O::I64Store8 { memarg } => store!(self, I64Store8, memarg),
            O::I64Store16 { memarg } => store!(self, I64Store16, memarg),
            O::I64Store32 { memarg } => store!(self, I64Store32, memarg),
            O::MemorySize { .. } => {
                let dst = self.push_temp();
                self.emit_def(Instr::MemorySize { dst });
            }
            O::MemoryGrow { .. } => {
                let delta = self.pop_slot();
                let dst = self.push_temp();
                self.emit(Instr::MemoryGrow { dst, delta });
            }
            O::MemoryFill { .. } => {
                let base = self.pop_consecutive(3);
                self.emit(Instr::MemoryFill { base });
            }
            O::MemoryCopy { .. } => {
                let base = self.pop_consecutive(3);
                self.emit(Instr::MemoryCopy { base });
            }
            O::MemoryInit { data_index, .. } => {
                let base = self.pop_consecutive(3);
                self.emit(Instr::MemoryInit {
                    base,
                    segment: data_index,
                });
            }
            O::DataDrop { data_index } => {
                self.emit(Instr::DataDrop {
                    segment: data_index,
                });
            }
            O::TableGet { table } => {
                let index = self.pop_slot();
                let dst = self.push_temp();
                self.emit_def(Instr::TableGet { dst, index, table });
            }
            O::TableSet { table } => {
                let value = self.pop_slot();
                let index = self.pop_slot();
                self.emit(Instr::TableSet {
                    index,
                    value,
                    table,
                });
            }
            O::TableSize { table } => {
                let dst = self.push_temp();
                self.emit_def(Instr::TableSize { dst, table });
            }
            O::TableGrow { table } => {
                let base = self.pop_consecutive(2);
                self.push(Operand::Temp);
                self.emit(Instr::TableGrow { base, table });
            }
            O::TableFill { table } => {
                let base = self.pop_consecutive(3);
                self.emit(Instr::TableFill { base, table });
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let base = self.pop_consecutive(3);
                self.emit(Instr::TableCopy {
                    base,
                    dst_table,
                    src_table,
                });
            }
            O::TableInit { elem_index, table } => {
                let base = self.pop_consecutive(3);
                self.emit(Instr::TableInit {
                    base,
                    table,
                    segment: elem_index,
                });
            }
            O::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop {
                    segment: elem_index,
                });
            }
            O::RefNull { .. } => self.push(Operand::Const(0)),
            O::RefIsNull => unary!(self, I64Eqz),
            O::RefFunc { function_index } => {
                let dst = self.push_temp();
                self.emit_def(Instr::RefFunc {
                    dst,
                    func: function_index,
                });
            }
            O::I32Const { value } => self.push(Operand::Const(value as u32 as u64)),
            O::I64Const { value } => self.push(Operand::Const(value as u64)),
            O::F32Const { value } => self.push(Operand::Const(value.bits() as u64)),
            O::F64Const { value } => self.push(Operand::Const(value.bits())),
            // Free: every op reads only the bits it needs from a cell.
            O::I32WrapI64
            | O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64 => {}
            op => self.numeric(op)?,
        }
        Ok(())
    }
}

/// A constant cell as a 32-bit immediate (the low 32 bits for i32 ops; i64 callers check range).
fn imm32(cell: u64) -> Option<i32> {
    Some(cell as u32 as i32)
}
