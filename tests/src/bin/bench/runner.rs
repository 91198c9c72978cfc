//! Engine-neutral plumbing: the numeric values passed to and returned from the
//! benchmarked exports, and the [`Runner`] trait each engine implements.

use std::fmt;

/// A numeric wasm value. Floats are kept as raw IEEE bits so that results
/// of the two engines can be compared exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Num {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as raw bits.
    F32(u32),
    /// An `f64`, as raw bits.
    F64(u64),
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Num::I32(v) => write!(f, "{v}:i32"),
            Num::I64(v) => write!(f, "{v}:i64"),
            Num::F32(bits) => write!(f, "{}:f32", f32::from_bits(bits)),
            Num::F64(bits) => write!(f, "{}:f64", f64::from_bits(bits)),
        }
    }
}

/// Formats a result list like `[1:i32, 2.5:f64]`.
pub fn format_nums(nums: &[Num]) -> String {
    let items: Vec<String> = nums.iter().map(Num::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// One engine with one module instantiated and the benchmarked export resolved.
pub trait Runner {
    /// Calls the export with `args` and returns its results.
    fn call(&mut self, args: &[Num]) -> Result<Vec<Num>, String>;
}

/// Decodes/validates `wasm`, instantiates it and resolves export `func`.
pub type LoadFn = fn(wasm: &[u8], func: &str) -> Result<Box<dyn Runner>, String>;

/// A wasm engine under test: its name and how to load a module into it.
pub struct EngineKind {
    /// Short name shown in the report.
    pub name: &'static str,
    /// Loads a module into a fresh store of this engine.
    pub load: LoadFn,
}
