//! The machines compiled code is generated for: an instruction set ([`Arch`]) and the optional
//! extensions of it the code may use ([`CpuFeature`]). A compilation's target is chosen
//! (`wamrc --target=…`), never inferred from the host; the JIT's target is the host.

use alloc::vec::Vec;

/// An instruction set compiled code can be generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// x86-64 (AMD64, Intel 64).
    X86_64,
    /// AArch64 (64-bit ARMv8-A and later: a Raspberry Pi 3, 4 or 5 on a 64-bit OS).
    Aarch64,
}

impl Arch {
    /// Every architecture, in the order `--target=help` lists them.
    pub const ALL: [Arch; 2] = [Arch::X86_64, Arch::Aarch64];

    /// The name images record and `--target` takes (Rust's `target_arch` spelling).
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        }
    }

    /// The other spellings `--target` accepts (WAMR's and LLVM's). For AArch64, WAMR's
    /// sub-architecture forms `aarch64v8`, `aarch64v8.1`, … are accepted too.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Arch::X86_64 => &["x86-64", "amd64"],
            Arch::Aarch64 => &["arm64", "aarch64v8"],
        }
    }

    /// The architecture `name` denotes: its name, an alias, or for AArch64 a WAMR
    /// sub-architecture (`aarch64v8.2`).
    pub fn from_name(name: &str) -> Option<Arch> {
        let aarch64_version = name
            .strip_prefix("aarch64v8.")
            .is_some_and(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()));
        if aarch64_version {
            return Some(Arch::Aarch64);
        }
        Arch::ALL
            .into_iter()
            .find(|arch| arch.name() == name || arch.aliases().contains(&name))
    }

    /// The architecture of the machine this code runs on, if it is one of [`Arch::ALL`].
    pub fn host() -> Option<Arch> {
        if cfg!(target_arch = "x86_64") {
            Some(Arch::X86_64)
        } else if cfg!(target_arch = "aarch64") {
            Some(Arch::Aarch64)
        } else {
            None
        }
    }

    /// Pointer width of the architecture, in bits.
    pub fn pointer_width(self) -> u8 {
        match self {
            Arch::X86_64 | Arch::Aarch64 => 64,
        }
    }

    /// The optional extensions code for this architecture may use.
    pub fn cpu_features(self) -> impl Iterator<Item = CpuFeature> {
        CpuFeature::ALL
            .into_iter()
            .filter(move |f| f.arch() == self)
    }
}

impl core::fmt::Display for Arch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// An optional ISA extension compiled code may use, of one architecture ([`CpuFeature::arch`]);
/// an image that uses one runs only where the CPU has it (checked when the image is loaded).
///
/// New features are added at the end: an image records them by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum CpuFeature {
    /// x86-64 `popcnt` (`i32.popcnt`, `i64.popcnt` in one instruction).
    Popcnt,
    /// x86-64 `lzcnt` (`i32.clz`, `i64.clz` in one instruction).
    Lzcnt,
    /// x86-64 BMI1's `tzcnt` (`i32.ctz`, `i64.ctz` in one instruction).
    Bmi1,
}

impl CpuFeature {
    /// Every feature of every architecture, in the order names are listed.
    pub const ALL: [CpuFeature; 3] = [CpuFeature::Popcnt, CpuFeature::Lzcnt, CpuFeature::Bmi1];

    /// The architecture the feature extends.
    pub fn arch(self) -> Arch {
        match self {
            CpuFeature::Popcnt | CpuFeature::Lzcnt | CpuFeature::Bmi1 => Arch::X86_64,
        }
    }

    /// The feature's name as LLVM and `--cpu-features` spell it.
    pub fn name(self) -> &'static str {
        match self {
            CpuFeature::Popcnt => "popcnt",
            CpuFeature::Lzcnt => "lzcnt",
            CpuFeature::Bmi1 => "bmi",
        }
    }

    /// The feature of `arch` called `name` (on x86-64, `bmi1` is accepted for `bmi`).
    pub fn from_name(arch: Arch, name: &str) -> Option<CpuFeature> {
        match (arch, name) {
            (Arch::X86_64, "bmi1") => Some(CpuFeature::Bmi1),
            (arch, name) => arch.cpu_features().find(|f| f.name() == name),
        }
    }

    /// Whether the CPU this code runs on has the feature (never, for another architecture's).
    pub fn is_detected(self) -> bool {
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        return match self {
            CpuFeature::Popcnt => std::arch::is_x86_feature_detected!("popcnt"),
            CpuFeature::Lzcnt => std::arch::is_x86_feature_detected!("lzcnt"),
            CpuFeature::Bmi1 => std::arch::is_x86_feature_detected!("bmi1"),
        };
        #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
        return false;
    }

    /// The features of the CPU this code runs on (`--cpu=native`).
    pub fn host() -> Vec<CpuFeature> {
        CpuFeature::ALL
            .into_iter()
            .filter(|f| f.is_detected())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_wamr_spellings() {
        for arch in Arch::ALL {
            assert_eq!(Arch::from_name(arch.name()), Some(arch));
            for alias in arch.aliases() {
                assert_eq!(Arch::from_name(alias), Some(arch));
            }
        }
        assert_eq!(Arch::from_name("aarch64v8.2"), Some(Arch::Aarch64));
        for bad in [
            "aarch64v8.",
            "aarch64v8.x",
            "aarch64_be",
            "sparc",
            "",
            "X86_64",
        ] {
            assert_eq!(Arch::from_name(bad), None, "{bad}");
        }
        for feature in CpuFeature::ALL {
            assert_eq!(
                CpuFeature::from_name(feature.arch(), feature.name()),
                Some(feature)
            );
        }
        assert_eq!(CpuFeature::from_name(Arch::Aarch64, "popcnt"), None);
        assert_eq!(
            CpuFeature::from_name(Arch::X86_64, "bmi1"),
            Some(CpuFeature::Bmi1)
        );
    }

    #[test]
    fn the_host_has_only_its_own_features() {
        for feature in CpuFeature::host() {
            assert_eq!(Some(feature.arch()), Arch::host());
        }
    }
}
