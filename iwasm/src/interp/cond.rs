//! Branch conditions: what a conditional branch tests, so that a compare followed by `br_if`
//! or `if` becomes one fused instruction, and so conditions can be negated.

use super::ops::{Instr, Offset, Slot};

/// The integer comparisons that can fuse with a branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
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

impl Cmp {
    /// The comparison that holds exactly when `self` does not.
    fn negate(self) -> Cmp {
        match self {
            Cmp::Eq => Cmp::Ne,
            Cmp::Ne => Cmp::Eq,
            Cmp::LtS => Cmp::GeS,
            Cmp::LtU => Cmp::GeU,
            Cmp::GtS => Cmp::LeS,
            Cmp::GtU => Cmp::LeU,
            Cmp::LeS => Cmp::GtS,
            Cmp::LeU => Cmp::GtU,
            Cmp::GeS => Cmp::LtS,
            Cmp::GeU => Cmp::LtU,
        }
    }
}

/// What a conditional branch tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cond {
    /// A 32-bit value is non-zero (`is64` for a 64-bit value).
    Nez { slot: Slot, is64: bool },
    /// A 32-bit value is zero (`is64` for a 64-bit value).
    Eqz { slot: Slot, is64: bool },
    /// Two registers compare.
    Cmp { cmp: Cmp, is64: bool, lhs: Slot, rhs: Slot },
    /// A register compares with an immediate.
    CmpImm { cmp: Cmp, is64: bool, lhs: Slot, imm: i32 },
}

impl Cond {
    /// The condition that holds exactly when `self` does not.
    pub fn negate(self) -> Cond {
        match self {
            Cond::Nez { slot, is64 } => Cond::Eqz { slot, is64 },
            Cond::Eqz { slot, is64 } => Cond::Nez { slot, is64 },
            Cond::Cmp { cmp, is64, lhs, rhs } => Cond::Cmp { cmp: cmp.negate(), is64, lhs, rhs },
            Cond::CmpImm { cmp, is64, lhs, imm } => Cond::CmpImm { cmp: cmp.negate(), is64, lhs, imm },
        }
    }

    /// The compare instruction `instr` as a condition, if it is one that fuses.
    pub fn from_compare(instr: &Instr) -> Option<Cond> {
        use Instr as I;
        let reg = |cmp, is64, lhs, rhs| Some(Cond::Cmp { cmp, is64, lhs, rhs });
        let imm = |cmp, is64, lhs, imm| Some(Cond::CmpImm { cmp, is64, lhs, imm });
        match *instr {
            I::I32Eqz { src, .. } => Some(Cond::Eqz { slot: src, is64: false }),
            I::I64Eqz { src, .. } => Some(Cond::Eqz { slot: src, is64: true }),
            I::I32Eq { lhs, rhs, .. } => reg(Cmp::Eq, false, lhs, rhs),
            I::I32Ne { lhs, rhs, .. } => reg(Cmp::Ne, false, lhs, rhs),
            I::I32LtS { lhs, rhs, .. } => reg(Cmp::LtS, false, lhs, rhs),
            I::I32LtU { lhs, rhs, .. } => reg(Cmp::LtU, false, lhs, rhs),
            I::I32GtS { lhs, rhs, .. } => reg(Cmp::GtS, false, lhs, rhs),
            I::I32GtU { lhs, rhs, .. } => reg(Cmp::GtU, false, lhs, rhs),
            I::I32LeS { lhs, rhs, .. } => reg(Cmp::LeS, false, lhs, rhs),
            I::I32LeU { lhs, rhs, .. } => reg(Cmp::LeU, false, lhs, rhs),
            I::I32GeS { lhs, rhs, .. } => reg(Cmp::GeS, false, lhs, rhs),
            I::I32GeU { lhs, rhs, .. } => reg(Cmp::GeU, false, lhs, rhs),
            I::I64Eq { lhs, rhs, .. } => reg(Cmp::Eq, true, lhs, rhs),
            I::I64Ne { lhs, rhs, .. } => reg(Cmp::Ne, true, lhs, rhs),
            I::I64LtS { lhs, rhs, .. } => reg(Cmp::LtS, true, lhs, rhs),
            I::I64LtU { lhs, rhs, .. } => reg(Cmp::LtU, true, lhs, rhs),
            I::I64GtS { lhs, rhs, .. } => reg(Cmp::GtS, true, lhs, rhs),
            I::I64GtU { lhs, rhs, .. } => reg(Cmp::GtU, true, lhs, rhs),
            I::I64LeS { lhs, rhs, .. } => reg(Cmp::LeS, true, lhs, rhs),
            I::I64LeU { lhs, rhs, .. } => reg(Cmp::LeU, true, lhs, rhs),
            I::I64GeS { lhs, rhs, .. } => reg(Cmp::GeS, true, lhs, rhs),
            I::I64GeU { lhs, rhs, .. } => reg(Cmp::GeU, true, lhs, rhs),
            I::I32EqImm { lhs, imm: i, .. } => imm(Cmp::Eq, false, lhs, i),
            I::I32NeImm { lhs, imm: i, .. } => imm(Cmp::Ne, false, lhs, i),
            I::I32LtSImm { lhs, imm: i, .. } => imm(Cmp::LtS, false, lhs, i),
            I::I32LtUImm { lhs, imm: i, .. } => imm(Cmp::LtU, false, lhs, i),
            I::I32GtSImm { lhs, imm: i, .. } => imm(Cmp::GtS, false, lhs, i),
            I::I32GtUImm { lhs, imm: i, .. } => imm(Cmp::GtU, false, lhs, i),
            I::I32LeSImm { lhs, imm: i, .. } => imm(Cmp::LeS, false, lhs, i),
            I::I32LeUImm { lhs, imm: i, .. } => imm(Cmp::LeU, false, lhs, i),
            I::I32GeSImm { lhs, imm: i, .. } => imm(Cmp::GeS, false, lhs, i),
            I::I32GeUImm { lhs, imm: i, .. } => imm(Cmp::GeU, false, lhs, i),
            I::I64EqImm { lhs, imm: i, .. } => imm(Cmp::Eq, true, lhs, i),
            I::I64NeImm { lhs, imm: i, .. } => imm(Cmp::Ne, true, lhs, i),
            I::I64LtSImm { lhs, imm: i, .. } => imm(Cmp::LtS, true, lhs, i),
            I::I64LtUImm { lhs, imm: i, .. } => imm(Cmp::LtU, true, lhs, i),
            I::I64GtSImm { lhs, imm: i, .. } => imm(Cmp::GtS, true, lhs, i),
            I::I64GtUImm { lhs, imm: i, .. } => imm(Cmp::GtU, true, lhs, i),
            I::I64LeSImm { lhs, imm: i, .. } => imm(Cmp::LeS, true, lhs, i),
            I::I64LeUImm { lhs, imm: i, .. } => imm(Cmp::LeU, true, lhs, i),
            I::I64GeSImm { lhs, imm: i, .. } => imm(Cmp::GeS, true, lhs, i),
            I::I64GeUImm { lhs, imm: i, .. } => imm(Cmp::GeU, true, lhs, i),
            _ => None,
        }
    }

    /// The branch instruction that jumps by `target` when the condition holds.
    pub fn branch(self, target: Offset) -> Instr {
        use Instr as I;
        match self {
            Cond::Nez { slot, is64: false } => I::BrNez { cond: slot, target },
            Cond::Nez { slot, is64: true } => I::BrNez64 { cond: slot, target },
            Cond::Eqz { slot, is64: false } => I::BrEqz { cond: slot, target },
            Cond::Eqz { slot, is64: true } => I::BrEqz64 { cond: slot, target },
            Cond::Cmp { cmp, is64, lhs, rhs } => {
                let make = match (is64, cmp) {
                    (false, Cmp::Eq) => |lhs, rhs, target| I::BrI32Eq { lhs, rhs, target },
                    (false, Cmp::Ne) => |lhs, rhs, target| I::BrI32Ne { lhs, rhs, target },
                    (false, Cmp::LtS) => |lhs, rhs, target| I::BrI32LtS { lhs, rhs, target },
                    (false, Cmp::LtU) => |lhs, rhs, target| I::BrI32LtU { lhs, rhs, target },
                    (false, Cmp::GtS) => |lhs, rhs, target| I::BrI32GtS { lhs, rhs, target },
                    (false, Cmp::GtU) => |lhs, rhs, target| I::BrI32GtU { lhs, rhs, target },
                    (false, Cmp::LeS) => |lhs, rhs, target| I::BrI32LeS { lhs, rhs, target },
                    (false, Cmp::LeU) => |lhs, rhs, target| I::BrI32LeU { lhs, rhs, target },
                    (false, Cmp::GeS) => |lhs, rhs, target| I::BrI32GeS { lhs, rhs, target },
                    (false, Cmp::GeU) => |lhs, rhs, target| I::BrI32GeU { lhs, rhs, target },
                    (true, Cmp::Eq) => |lhs, rhs, target| I::BrI64Eq { lhs, rhs, target },
                    (true, Cmp::Ne) => |lhs, rhs, target| I::BrI64Ne { lhs, rhs, target },
                    (true, Cmp::LtS) => |lhs, rhs, target| I::BrI64LtS { lhs, rhs, target },
                    (true, Cmp::LtU) => |lhs, rhs, target| I::BrI64LtU { lhs, rhs, target },
                    (true, Cmp::GtS) => |lhs, rhs, target| I::BrI64GtS { lhs, rhs, target },
                    (true, Cmp::GtU) => |lhs, rhs, target| I::BrI64GtU { lhs, rhs, target },
                    (true, Cmp::LeS) => |lhs, rhs, target| I::BrI64LeS { lhs, rhs, target },
                    (true, Cmp::LeU) => |lhs, rhs, target| I::BrI64LeU { lhs, rhs, target },
                    (true, Cmp::GeS) => |lhs, rhs, target| I::BrI64GeS { lhs, rhs, target },
                    (true, Cmp::GeU) => |lhs, rhs, target| I::BrI64GeU { lhs, rhs, target },
                };
                make(lhs, rhs, target)
            }
            Cond::CmpImm { cmp, is64, lhs, imm } => {
                let make = match (is64, cmp) {
                    (false, Cmp::Eq) => |lhs, imm, target| I::BrI32EqImm { lhs, imm, target },
                    (false, Cmp::Ne) => |lhs, imm, target| I::BrI32NeImm { lhs, imm, target },
                    (false, Cmp::LtS) => |lhs, imm, target| I::BrI32LtSImm { lhs, imm, target },
                    (false, Cmp::LtU) => |lhs, imm, target| I::BrI32LtUImm { lhs, imm, target },
                    (false, Cmp::GtS) => |lhs, imm, target| I::BrI32GtSImm { lhs, imm, target },
                    (false, Cmp::GtU) => |lhs, imm, target| I::BrI32GtUImm { lhs, imm, target },
                    (false, Cmp::LeS) => |lhs, imm, target| I::BrI32LeSImm { lhs, imm, target },
                    (false, Cmp::LeU) => |lhs, imm, target| I::BrI32LeUImm { lhs, imm, target },
                    (false, Cmp::GeS) => |lhs, imm, target| I::BrI32GeSImm { lhs, imm, target },
                    (false, Cmp::GeU) => |lhs, imm, target| I::BrI32GeUImm { lhs, imm, target },
                    (true, Cmp::Eq) => |lhs, imm, target| I::BrI64EqImm { lhs, imm, target },
                    (true, Cmp::Ne) => |lhs, imm, target| I::BrI64NeImm { lhs, imm, target },
                    (true, Cmp::LtS) => |lhs, imm, target| I::BrI64LtSImm { lhs, imm, target },
                    (true, Cmp::LtU) => |lhs, imm, target| I::BrI64LtUImm { lhs, imm, target },
                    (true, Cmp::GtS) => |lhs, imm, target| I::BrI64GtSImm { lhs, imm, target },
                    (true, Cmp::GtU) => |lhs, imm, target| I::BrI64GtUImm { lhs, imm, target },
                    (true, Cmp::LeS) => |lhs, imm, target| I::BrI64LeSImm { lhs, imm, target },
                    (true, Cmp::LeU) => |lhs, imm, target| I::BrI64LeUImm { lhs, imm, target },
                    (true, Cmp::GeS) => |lhs, imm, target| I::BrI64GeSImm { lhs, imm, target },
                    (true, Cmp::GeU) => |lhs, imm, target| I::BrI64GeUImm { lhs, imm, target },
                };
                make(lhs, imm, target)
            }
        }
    }
}
