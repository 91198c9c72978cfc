//! What an AOT compilation is asked for: `wamrc`'s flags, in WAMR's meaning.

use alloc::vec::Vec;

/// An optional x86-64 ISA extension compiled code may use; an image that uses one runs only
/// where the CPU has it (checked when the image is loaded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum CpuFeature {
    /// `popcnt` (`i32.popcnt`, `i64.popcnt` in one instruction).
    Popcnt,
    /// `lzcnt` (`i32.clz`, `i64.clz` in one instruction).
    Lzcnt,
    /// BMI1's `tzcnt` (`i32.ctz`, `i64.ctz` in one instruction).
    Bmi1,
}

impl CpuFeature {
    /// Every feature, in the order names are listed.
    pub const ALL: [CpuFeature; 3] = [CpuFeature::Popcnt, CpuFeature::Lzcnt, CpuFeature::Bmi1];

    /// The feature's name as LLVM and `--cpu-features` spell it.
    pub fn name(self) -> &'static str {
        match self {
            CpuFeature::Popcnt => "popcnt",
            CpuFeature::Lzcnt => "lzcnt",
            CpuFeature::Bmi1 => "bmi",
        }
    }

    /// The feature called `name` (`bmi1` is accepted for `bmi`).
    pub fn from_name(name: &str) -> Option<CpuFeature> {
        match name {
            "bmi1" => Some(CpuFeature::Bmi1),
            name => CpuFeature::ALL.into_iter().find(|f| f.name() == name),
        }
    }

    /// Whether the CPU this code runs on has the feature.
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

/// How [`compile_aot`](crate::compile_aot) compiles a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AotOptions {
    /// `--opt-level`: 0 compiles each function as the JIT does; 1 and above add what the
    /// JIT has no time for (see the README's AOT section for what each level buys).
    pub opt_level: u8,
    /// `--bounds-checks=1`: compare every memory access with the memory's length, so the
    /// image runs with any memory. Off (the default, as in WAMR on 64-bit targets): the code
    /// relies on the runtime's guard pages, which needs a 64-bit host that reserves memories.
    pub bounds_checks: bool,
    /// `--cpu-features`: optional ISA extensions the code may use; the image then runs only
    /// on CPUs that have them.
    pub cpu_features: Vec<CpuFeature>,
}

impl Default for AotOptions {
    /// `--opt-level=3`, guard pages, no optional ISA extensions (any x86-64 CPU).
    fn default() -> AotOptions {
        AotOptions {
            opt_level: 3,
            bounds_checks: false,
            cpu_features: Vec::new(),
        }
    }
}
