//! Branch conditions: what a conditional branch tests, so that a compare (or `and`, or their
//! `eqz`) followed by `br_if`/`if` becomes one fused branch, and so conditions can be negated.

use super::ops::{Instr, Offset, Slot};

/// The operand type of a fused compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Width {
    I32,
    I64,
    F32,
    F64,
}

/// The relation a fused branch tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rel {
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
    /// `lhs & rhs != 0`.
    AndNez,
    /// `lhs & rhs == 0`.
    AndEqz,
    /// Float orderings and their negations (not the same as the opposite ordering: NaN).
    Lt,
    Gt,
    Le,
    Ge,
    NotLt,
    NotGt,
    NotLe,
    NotGe,
}

impl Rel {
    /// The relation that holds exactly when `self` does not.
    fn negate(self) -> Rel {
        use Rel::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            LtS => GeS,
            LtU => GeU,
            GtS => LeS,
            GtU => LeU,
            LeS => GtS,
            LeU => GtU,
            GeS => LtS,
            GeU => LtU,
            AndNez => AndEqz,
            AndEqz => AndNez,
            Lt => NotLt,
            Gt => NotGt,
            Le => NotLe,
            Ge => NotGe,
            NotLt => Lt,
            NotGt => Gt,
            NotLe => Le,
            NotGe => Ge,
        }
    }
}

/// What a conditional branch tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cond {
    /// A value is non-zero (`is64`: a 64-bit value).
    Nez { slot: Slot, is64: bool },
    /// A value is zero.
    Eqz { slot: Slot, is64: bool },
    /// Two slots are related.
    Reg {
        width: Width,
        rel: Rel,
        lhs: Slot,
        rhs: Slot,
    },
    /// A slot is related to a sign-extended 32-bit immediate.
    Imm {
        width: Width,
        rel: Rel,
        lhs: Slot,
        imm: i32,
    },
}

impl Cond {
    /// The condition that holds exactly when `self` does not.
    pub fn negate(self) -> Cond {
        match self {
            Cond::Nez { slot, is64 } => Cond::Eqz { slot, is64 },
            Cond::Eqz { slot, is64 } => Cond::Nez { slot, is64 },
            Cond::Reg {
                width,
                rel,
                lhs,
                rhs,
            } => Cond::Reg {
                width,
                rel: rel.negate(),
                lhs,
                rhs,
            },
            Cond::Imm {
                width,
                rel,
                lhs,
                imm,
            } => Cond::Imm {
                width,
                rel: rel.negate(),
                lhs,
                imm,
            },
        }
    }
}

/// The fusion table: `width relation: value op / value op with immediate => branch op /
/// branch op with immediate;` (absent forms left empty). Generates the translation of value
/// ops into conditions and of conditions into branch ops.
macro_rules! fusion_table {
    ($($w:ident $r:ident : $($val:ident)? / $($vimm:ident)? => $br:ident / $($bimm:ident)? ;)*) => {
        impl Cond {
            /// The value op `instr` as a branch condition, if it fuses with a branch.
            pub fn from_instr(instr: &Instr) -> Option<Cond> {
                match *instr {
                    Instr::I32Eqz { src, .. } => Some(Cond::Eqz { slot: src, is64: false }),
                    Instr::I64Eqz { src, .. } => Some(Cond::Eqz { slot: src, is64: true }),
                    $($(Instr::$val { lhs, rhs, .. } => Some(Cond::Reg { width: Width::$w, rel: Rel::$r, lhs, rhs }),)?)*
                    $($(Instr::$vimm { lhs, imm, .. } => Some(Cond::Imm { width: Width::$w, rel: Rel::$r, lhs, imm }),)?)*
                    _ => None,
                }
            }

            /// The condition a conditional branch instruction tests, if `instr` is one.
            pub fn from_branch(instr: &Instr) -> Option<Cond> {
                match *instr {
                    Instr::BrNez { cond, .. } => Some(Cond::Nez { slot: cond, is64: false }),
                    Instr::BrNez64 { cond, .. } => Some(Cond::Nez { slot: cond, is64: true }),
                    Instr::BrEqz { cond, .. } => Some(Cond::Eqz { slot: cond, is64: false }),
                    Instr::BrEqz64 { cond, .. } => Some(Cond::Eqz { slot: cond, is64: true }),
                    $(Instr::$br { lhs, rhs, .. } => Some(Cond::Reg { width: Width::$w, rel: Rel::$r, lhs, rhs }),)*
                    $($(Instr::$bimm { lhs, imm, .. } => Some(Cond::Imm { width: Width::$w, rel: Rel::$r, lhs, imm }),)?)*
                    _ => None,
                }
            }

            /// The branch that jumps by `target` when the condition holds.
            pub fn branch(self, target: Offset) -> Instr {
                match self {
                    Cond::Nez { slot, is64: false } => Instr::BrNez { cond: slot, target },
                    Cond::Nez { slot, is64: true } => Instr::BrNez64 { cond: slot, target },
                    Cond::Eqz { slot, is64: false } => Instr::BrEqz { cond: slot, target },
                    Cond::Eqz { slot, is64: true } => Instr::BrEqz64 { cond: slot, target },
                    Cond::Reg { width, rel, lhs, rhs } => match (width, rel) {
                        $((Width::$w, Rel::$r) => Instr::$br { lhs, rhs, target },)*
                        _ => unreachable!("no branch for {width:?} {rel:?}"),
                    },
                    Cond::Imm { width, rel, lhs, imm } => match (width, rel) {
                        $($((Width::$w, Rel::$r) => Instr::$bimm { lhs, imm, target },)?)*
                        _ => unreachable!("no immediate branch for {width:?} {rel:?}"),
                    },
                }
            }
        }
    };
}

fusion_table! {
    I32 Eq: I32Eq / I32EqImm => BrI32Eq / BrI32EqImm;
    I32 Ne: I32Ne / I32NeImm => BrI32Ne / BrI32NeImm;
    I32 LtS: I32LtS / I32LtSImm => BrI32LtS / BrI32LtSImm;
    I32 LtU: I32LtU / I32LtUImm => BrI32LtU / BrI32LtUImm;
    I32 GtS: I32GtS / I32GtSImm => BrI32GtS / BrI32GtSImm;
    I32 GtU: I32GtU / I32GtUImm => BrI32GtU / BrI32GtUImm;
    I32 LeS: I32LeS / I32LeSImm => BrI32LeS / BrI32LeSImm;
    I32 LeU: I32LeU / I32LeUImm => BrI32LeU / BrI32LeUImm;
    I32 GeS: I32GeS / I32GeSImm => BrI32GeS / BrI32GeSImm;
    I32 GeU: I32GeU / I32GeUImm => BrI32GeU / BrI32GeUImm;
    I32 AndNez: I32And / I32AndImm => BrI32AndNez / BrI32AndImmNez;
    I32 AndEqz: / => BrI32AndEqz / BrI32AndImmEqz;
    I64 Eq: I64Eq / I64EqImm => BrI64Eq / BrI64EqImm;
    I64 Ne: I64Ne / I64NeImm => BrI64Ne / BrI64NeImm;
    I64 LtS: I64LtS / I64LtSImm => BrI64LtS / BrI64LtSImm;
    I64 LtU: I64LtU / I64LtUImm => BrI64LtU / BrI64LtUImm;
    I64 GtS: I64GtS / I64GtSImm => BrI64GtS / BrI64GtSImm;
    I64 GtU: I64GtU / I64GtUImm => BrI64GtU / BrI64GtUImm;
    I64 LeS: I64LeS / I64LeSImm => BrI64LeS / BrI64LeSImm;
    I64 LeU: I64LeU / I64LeUImm => BrI64LeU / BrI64LeUImm;
    I64 GeS: I64GeS / I64GeSImm => BrI64GeS / BrI64GeSImm;
    I64 GeU: I64GeU / I64GeUImm => BrI64GeU / BrI64GeUImm;
    I64 AndNez: I64And / I64AndImm => BrI64AndNez / BrI64AndImmNez;
    I64 AndEqz: / => BrI64AndEqz / BrI64AndImmEqz;
    F32 Eq: F32Eq / => BrF32Eq /;
    F32 Ne: F32Ne / => BrF32Ne /;
    F32 Lt: F32Lt / => BrF32Lt /;
    F32 Gt: F32Gt / => BrF32Gt /;
    F32 Le: F32Le / => BrF32Le /;
    F32 Ge: F32Ge / => BrF32Ge /;
    F32 NotLt: / => BrF32NotLt /;
    F32 NotGt: / => BrF32NotGt /;
    F32 NotLe: / => BrF32NotLe /;
    F32 NotGe: / => BrF32NotGe /;
    F64 Eq: F64Eq / => BrF64Eq /;
    F64 Ne: F64Ne / => BrF64Ne /;
    F64 Lt: F64Lt / => BrF64Lt /;
    F64 Gt: F64Gt / => BrF64Gt /;
    F64 Le: F64Le / => BrF64Le /;
    F64 Ge: F64Ge / => BrF64Ge /;
    F64 NotLt: / => BrF64NotLt /;
    F64 NotGt: / => BrF64NotGt /;
    F64 NotLe: / => BrF64NotLe /;
    F64 NotGe: / => BrF64NotGe /;
}
