//! The ISA-neutral macro-assembler interface the code generator emits through. A function's
//! values live in 64-bit frame slots (locals first, then one slot per operand-stack depth) or,
//! while the code generator caches them, in registers; operands are slots, registers or
//! immediates. Each ISA implements [`MacroAssembler`] in its own module.
//!
//! A 32-bit value's cell may hold anything in its upper half: every consumer reads the low
//! half only.

use crate::error::TrapCode;

/// A frame slot index.
pub(crate) type Slot = u32;

/// A register the code generator may keep a value in, by the back end's numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reg {
    /// A general-purpose register.
    Gpr(u8),
    /// A floating-point register.
    Fpr(u8),
}

/// An operand: a frame slot, a register, or a constant (its 64-bit cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    Slot(Slot),
    Reg(Reg),
    Imm(u64),
}

/// Operand width of an integer operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Width {
    W32,
    W64,
}

/// Integer binary operations the back ends implement inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntOp {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
    DivS,
    DivU,
    RemS,
    RemU,
}

/// Integer comparisons (result 0 or 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntCmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl IntCmp {
    /// The comparison that holds exactly when this one does not.
    pub(crate) fn negate(self) -> IntCmp {
        match self {
            IntCmp::Eq => IntCmp::Ne,
            IntCmp::Ne => IntCmp::Eq,
            IntCmp::LtS => IntCmp::GeS,
            IntCmp::LtU => IntCmp::GeU,
            IntCmp::GtS => IntCmp::LeS,
            IntCmp::GtU => IntCmp::LeU,
            IntCmp::LeS => IntCmp::GtS,
            IntCmp::LeU => IntCmp::GtU,
            IntCmp::GeS => IntCmp::LtS,
            IntCmp::GeU => IntCmp::LtU,
        }
    }
}

/// Float binary arithmetic the back ends implement inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// Float comparisons (result 0 or 1; false when either operand is NaN, except `Ne`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// Float width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatWidth {
    F32,
    F64,
}

/// Unary operations the back ends implement inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnOp {
    /// `iNN.eqz`.
    Eqz(Width),
    /// Sign-extend the low 8, 16 or 32 bits to the width.
    ExtendS(Width, u8),
    /// Zero-extend the low 32 bits (`i64.extend_i32_u`, and `i32.wrap_i64` on a 64-bit cell).
    ExtendU32,
    /// `iNN.clz`.
    Clz(Width),
    /// `iNN.ctz`.
    Ctz(Width),
    /// `iNN.popcnt` (only where [`MacroAssembler::has_popcnt`]).
    Popcnt(Width),
    /// `fNN.sqrt`.
    Sqrt(FloatWidth),
    /// Signed integer to float (`fNN.convert_iMM_s`).
    ConvertS(FloatWidth, Width),
}

/// How compiled code keeps memory accesses in bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bounds {
    /// Compare every access with the memory's length.
    Explicit,
    /// Rely on the guard region after the memory: an access past the length faults, and the
    /// fault handler turns it into a trap.
    GuardPages,
}

/// Width and extension of a memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemAccess {
    /// Bytes accessed: 1, 2, 4 or 8.
    pub bytes: u8,
    /// Loads: sign-extend the value read.
    pub signed: bool,
    /// Loads: the result is 64 bits wide (sign extension fills 64 bits).
    pub wide: bool,
}

/// A compiled function's machine code.
#[derive(Debug)]
pub(crate) struct FunctionCode {
    pub code: alloc::vec::Vec<u8>,
    /// Where [`Callee::Direct`] calls enter: past the loading of the context registers.
    pub direct_entry: u32,
    /// The function's direct calls, to be linked: where each one's field is (from the
    /// start of `code`), how its ISA encodes it, and the callee's function index.
    pub direct_calls: alloc::vec::Vec<crate::aot::reloc::Relocation>,
    /// The wasm features the function's operators use (set by the code generator).
    pub features: super::features::WasmFeatures,
}

/// How a call finds its callee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Callee {
    /// Function `index` of the module (through the context's function references).
    Func(u32),
    /// Function `index`, defined in the module, called at its direct entry with the
    /// caller's context registers (the same instance's): a PC-relative call that whoever
    /// places the functions links (see [`FunctionCode::direct_calls`]).
    Direct(u32),
    /// `call_indirect` through table `table`, expecting module type `type_index`; the table
    /// index is in `index`.
    Indirect {
        type_index: u32,
        table: u32,
        index: Operand,
    },
}

/// Runtime calls made through the context's helper table (see `runtime::vmctx::Helpers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuntimeCall {
    MemoryGrow,
    MemoryFill,
    MemoryCopy,
    MemoryInit,
    DataDrop,
    TableGrow,
    TableFill,
    TableCopy,
    TableInit,
    ElemDrop,
}

/// What a back end offers the code generator.
pub(crate) trait MacroAssembler {
    /// A position in the code that branches can target.
    type Label: Copy;

    /// General-purpose registers the code generator may cache values in.
    fn gprs(&self) -> &'static [u8];
    /// Floating-point registers the code generator may cache values in.
    const FPRS: &'static [u8];

    /// A new, unbound label.
    fn new_label(&mut self) -> Self::Label;
    /// Binds `label` to the current position.
    fn bind(&mut self, label: Self::Label);

    /// The function's entry: frame set-up, stack check (against the stack limit in the
    /// store's interrupt state, which an interrupt poisons), parameters copied from the caller's
    /// value array into slots `0..params`, the other locals (`params..locals`) zeroed.
    fn prologue(&mut self, params: u32, locals: u32);
    /// Traps with `interrupted` if the store's interrupt flag is set (at loop headers; the
    /// prologue's stack check catches interrupts at function entries). Only scratch
    /// registers are used.
    fn interrupt_check(&mut self);
    /// Takes `cost` from the store's fuel, or traps with `all fuel consumed` (leaving the
    /// fuel as it was) if less is left (at the start of each segment, when fuel is metered;
    /// only scratch registers are used).
    fn fuel_charge(&mut self, cost: u32);
    /// Writes `results` (slots) to the caller's value array and returns.
    fn epilogue(&mut self, results: &[Slot]);
    /// Ends the function; `frame_slots` is the number of slots it used. Returns the code.
    fn finish(self, frame_slots: u32) -> Result<FunctionCode, crate::error::Error>;

    /// Writes `src` to slot `dst` (a whole 64-bit cell).
    fn copy(&mut self, src: Operand, dst: Slot);
    /// Loads `src` into register `dst`.
    fn move_to(&mut self, src: Operand, dst: Reg);
    /// Integer arithmetic into a general-purpose register; division and remainder trap as
    /// wasm requires.
    fn int_op(&mut self, op: IntOp, width: Width, lhs: Operand, rhs: Operand, dst: Reg);
    /// Integer comparison into a general-purpose register.
    fn int_cmp(&mut self, cmp: IntCmp, width: Width, lhs: Operand, rhs: Operand, dst: Reg);
    /// Float arithmetic into a floating-point register.
    fn float_op(&mut self, op: FloatOp, width: FloatWidth, lhs: Operand, rhs: Operand, dst: Reg);
    /// Float comparison into a general-purpose register.
    fn float_cmp(&mut self, cmp: FloatCmp, width: FloatWidth, lhs: Operand, rhs: Operand, dst: Reg);
    /// A unary operation (floating-point results into a floating-point register).
    fn unary(&mut self, op: UnOp, src: Operand, dst: Reg);
    /// Whether [`UnOp::Popcnt`] is available inline (else the code generator calls the
    /// helper): on x86-64, where the target's CPU features include `popcnt`.
    fn has_popcnt(&self) -> bool;
    /// A numeric operation done by helper function `helper` (see `native::helpers`), a
    /// native call: the code generator keeps nothing else in registers across it. A trap it
    /// reports leaves the function.
    fn numeric_helper(&mut self, helper: u32, a: Operand, b: Operand, dst: Reg);
    /// `dst = cond != 0 ? a : b` (a general-purpose register).
    fn select(&mut self, cond: Operand, a: Operand, b: Operand, dst: Reg);

    /// A load from memory 0 at `addr + offset`, bounds-checked.
    fn load(&mut self, access: MemAccess, addr: Operand, offset: u64, dst: Reg);
    /// A store to memory 0 at `addr + offset`, bounds-checked.
    fn store(&mut self, access: MemAccess, addr: Operand, offset: u64, value: Operand);
    /// `memory.size` of memory 0, in pages.
    fn memory_size(&mut self, dst: Reg);

    /// `global.get`.
    fn global_get(&mut self, global: u32, dst: Reg);
    /// `global.set`.
    fn global_set(&mut self, global: u32, src: Operand);
    /// `table.get` (traps out of bounds).
    fn table_get(&mut self, table: u32, index: Operand, dst: Reg);
    /// `table.set` (traps out of bounds).
    fn table_set(&mut self, table: u32, index: Operand, value: Operand);
    /// `table.size`.
    fn table_size(&mut self, table: u32, dst: Reg);
    /// `ref.func`: the function's reference.
    fn ref_func(&mut self, func: u32, dst: Reg);
    /// A runtime call with up to five operands (slots or immediates; nothing is cached in
    /// registers across it); its result (if any) goes to slot `dst`. Calls that return a
    /// trap status leave the function on a trap.
    fn runtime_call(&mut self, call: RuntimeCall, args: &[Operand], dst: Option<Slot>);

    /// Calls `callee` with its value array at slots `base..`; the results land there too.
    /// Nothing is cached in registers across a call.
    fn call(&mut self, callee: Callee, base: Slot);

    /// Unconditional branch.
    fn jump(&mut self, target: Self::Label);
    /// Branches when `cond` (an i32) is non-zero (`if_nonzero`) or zero.
    fn branch_if(&mut self, cond: Operand, if_nonzero: bool, target: Self::Label);
    /// Branches when integer comparison `cmp` of `lhs` and `rhs` holds.
    fn compare_and_branch(
        &mut self,
        cmp: IntCmp,
        width: Width,
        lhs: Operand,
        rhs: Operand,
        target: Self::Label,
    );
    /// Branches when float comparison `cmp` of `lhs` and `rhs` holds (NaN: as wasm says),
    /// or with `negate`, when it does not.
    fn float_compare_and_branch(
        &mut self,
        cmp: FloatCmp,
        width: FloatWidth,
        negate: bool,
        lhs: Operand,
        rhs: Operand,
        target: Self::Label,
    );
    /// Branches to `targets[index]`, or to `default` when `index` is out of range.
    fn branch_table(&mut self, index: Operand, targets: &[Self::Label], default: Self::Label);
    /// Traps with `code`.
    fn trap(&mut self, code: TrapCode);
}
