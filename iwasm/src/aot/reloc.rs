//! Relocations: the places in an image's code that name another function of the module (direct
//! calls), one kind per ISA (x86-64 `call rel32`, AArch64 `bl` imm26), each patched by its ISA's
//! own rule. `wamrc` resolves them all when it lays out the functions, so
//! an image's code needs no patching when it is loaded.

/// How a relocation's field is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RelocKind {
    /// x86-64 `call rel32`: the 4 bytes at the site, a little-endian displacement from the
    /// end of the field (reach: ±2 GiB, more than an image's code may hold).
    X86CallRel32,
    /// AArch64 `bl`: the instruction at the site, whose low 26 bits are the word offset from
    /// the instruction itself (reach: ±128 MiB).
    Arm64Call26,
}

/// A place in a function's code to link to a function of the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Relocation {
    /// Where the field is, in bytes from the start of the function's code.
    pub offset: u32,
    /// How the field is encoded.
    pub kind: RelocKind,
    /// The function (module index) whose direct entry the field is to reach.
    pub func: u32,
}

/// A relocation whose target lies beyond its field's reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutOfRange;

impl RelocKind {
    /// Patches the field at byte `site` of `code` so that it reaches byte `target` of `code`.
    pub(crate) fn apply(self, code: &mut [u8], site: u32, target: u32) -> Result<(), OutOfRange> {
        let field = code
            .get_mut(site as usize..site as usize + 4)
            .ok_or(OutOfRange)?;
        let from_site = i64::from(target) - i64::from(site);
        let bytes = match self {
            RelocKind::X86CallRel32 => i32::try_from(from_site - 4)
                .map_err(|_| OutOfRange)?
                .to_le_bytes(),
            RelocKind::Arm64Call26 => {
                let words = from_site / 4;
                if from_site % 4 != 0 || !(-(1 << 25)..1 << 25).contains(&words) {
                    return Err(OutOfRange);
                }
                let opcode =
                    u32::from_le_bytes(field[..].try_into().expect("4 bytes")) & !0x03ff_ffff;
                (opcode | (words as u32 & 0x03ff_ffff)).to_le_bytes()
            }
        };
        field.copy_from_slice(&bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86_rel32_is_relative_to_the_end_of_the_field() {
        let mut code = [0xe8, 0, 0, 0, 0, 0x90, 0x90, 0x90];
        RelocKind::X86CallRel32.apply(&mut code, 1, 7).unwrap();
        assert_eq!(code[1..5], 2i32.to_le_bytes());
        RelocKind::X86CallRel32.apply(&mut code, 1, 0).unwrap();
        assert_eq!(code[1..5], (-5i32).to_le_bytes());
        assert_eq!(
            RelocKind::X86CallRel32.apply(&mut code, 5, 0),
            Err(OutOfRange)
        );
    }

    #[test]
    fn arm64_bl_counts_words_from_the_instruction() {
        let mut code = [0u8; 16];
        code[4..8].copy_from_slice(&0x9400_0000u32.to_le_bytes());
        RelocKind::Arm64Call26.apply(&mut code, 4, 12).unwrap();
        assert_eq!(code[4..8], 0x9400_0002u32.to_le_bytes());
        RelocKind::Arm64Call26.apply(&mut code, 4, 0).unwrap();
        assert_eq!(code[4..8], 0x97ff_ffffu32.to_le_bytes());
        assert_eq!(
            RelocKind::Arm64Call26.apply(&mut code, 4, 6),
            Err(OutOfRange)
        );
    }
}
