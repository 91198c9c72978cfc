//! AArch64 instructions the back end encodes itself rather than through `dynasm`: those whose
//! condition or shift is chosen at run time (dynasm takes these as literals), and the
//! placeholders `finish` patches.

/// A condition code (the ISA's encoding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Cond {
    Eq = 0,
    Ne = 1,
    Hs = 2,
    Lo = 3,
    Mi = 4,
    Pl = 5,
    Vs = 6,
    Vc = 7,
    Hi = 8,
    Ls = 9,
    Ge = 10,
    Lt = 11,
    Gt = 12,
    Le = 13,
}

impl Cond {
    /// The condition that holds exactly when this one does not.
    pub(super) fn invert(self) -> Cond {
        const ALL: [Cond; 14] = [
            Cond::Eq,
            Cond::Ne,
            Cond::Hs,
            Cond::Lo,
            Cond::Mi,
            Cond::Pl,
            Cond::Vs,
            Cond::Vc,
            Cond::Hi,
            Cond::Ls,
            Cond::Ge,
            Cond::Lt,
            Cond::Gt,
            Cond::Le,
        ];
        ALL[(self as usize) ^ 1]
    }
}

/// The `sf` bit: 64-bit operation.
fn sf(w64: bool) -> u32 {
    u32::from(w64) << 31
}

/// `movz Rd, #imm16, lsl #shift`.
pub(super) fn movz(w64: bool, rd: u8, imm16: u16, shift: u8) -> u32 {
    0x5280_0000 | sf(w64) | u32::from(shift / 16) << 21 | u32::from(imm16) << 5 | u32::from(rd)
}

/// `movk Rd, #imm16, lsl #shift`.
pub(super) fn movk(w64: bool, rd: u8, imm16: u16, shift: u8) -> u32 {
    0x7280_0000 | sf(w64) | u32::from(shift / 16) << 21 | u32::from(imm16) << 5 | u32::from(rd)
}

/// `movn Rd, #imm16, lsl #shift`.
pub(super) fn movn(w64: bool, rd: u8, imm16: u16, shift: u8) -> u32 {
    0x1280_0000 | sf(w64) | u32::from(shift / 16) << 21 | u32::from(imm16) << 5 | u32::from(rd)
}

/// `cset Wd, cond` (`csinc Wd, wzr, wzr, !cond`).
pub(super) fn cset(rd: u8, cond: Cond) -> u32 {
    0x1a9f_07e0 | u32::from(cond.invert() as u8) << 12 | u32::from(rd)
}

/// `csel Rd, Rn, Rm, cond`.
pub(super) fn csel(w64: bool, rd: u8, rn: u8, rm: u8, cond: Cond) -> u32 {
    0x1a80_0000
        | sf(w64)
        | u32::from(rm) << 16
        | u32::from(cond as u8) << 12
        | u32::from(rn) << 5
        | u32::from(rd)
}

/// `bl` with a zero offset, to be linked.
pub(super) const BL: u32 = 0x9400_0000;

/// The instructions that put `value` in X register (or, with `!w64`, W register) `rd`:
/// `movz` or `movn` and then `movk` for each remaining 16-bit part that differs.
pub(super) fn mov_imm(w64: bool, rd: u8, value: u64) -> impl Iterator<Item = u32> {
    let parts = if w64 { 4 } else { 2 };
    let value = if w64 { value } else { value & 0xffff_ffff };
    let half = move |i: u8| (value >> (16 * i)) as u16;
    let ones = (0..parts).filter(|&i| half(i) == 0xffff).count();
    let zeros = (0..parts).filter(|&i| half(i) == 0).count();
    let inverted = ones > zeros;
    let filler = if inverted { 0xffff } else { 0 };
    let first = (0..parts).find(|&i| half(i) != filler).unwrap_or(0);
    let head = if inverted {
        movn(w64, rd, !half(first), first * 16)
    } else {
        movz(w64, rd, half(first), first * 16)
    };
    core::iter::once(head).chain(
        (first + 1..parts)
            .filter(move |&i| half(i) != filler)
            .map(move |i| movk(w64, rd, half(i), i * 16)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evaluates a `movz`/`movn`/`movk` sequence.
    fn run(words: impl Iterator<Item = u32>) -> u64 {
        let mut value = 0u64;
        for word in words {
            let w64 = word >> 31 == 1;
            let shift = (word >> 21 & 3) * 16;
            let imm = u64::from(word >> 5 & 0xffff) << shift;
            value = match word >> 23 & 0xff {
                0xa5 => imm,
                0x25 => !imm,
                0xe5 => value & !(0xffff << shift) | imm,
                other => panic!("not a move: {other:#x}"),
            };
            if !w64 {
                value &= 0xffff_ffff;
            }
        }
        value
    }

    #[test]
    fn immediates_load_exactly() {
        for value in [
            0,
            1,
            0xffff,
            0x1_0000,
            0xdead_beef,
            u32::MAX as u64,
            u64::MAX,
            -2i64 as u64,
            0x8000_0000_0000_0000,
            0x1234_0000_5678_0000,
            0xffff_1234_ffff_ffff,
        ] {
            assert_eq!(run(mov_imm(true, 0, value)), value, "{value:#x}");
            assert_eq!(
                run(mov_imm(false, 0, value)),
                value & 0xffff_ffff,
                "{value:#x}"
            );
        }
        assert_eq!(mov_imm(true, 0, u64::MAX).count(), 1);
        assert_eq!(mov_imm(true, 0, 0x1_0000).count(), 1);
    }

    #[test]
    fn conditions_invert_in_pairs() {
        assert_eq!(Cond::Eq.invert(), Cond::Ne);
        assert_eq!(Cond::Lt.invert(), Cond::Ge);
        assert_eq!(Cond::Hi.invert(), Cond::Ls);
        assert_eq!(cset(3, Cond::Eq), 0x1a9f_17e3);
    }
}
