//! The benchmark programs: embedded modules, the export to call and its
//! arguments (full and `--quick` sizes).

use super::runner::Num;

/// Where a program's module comes from.
pub enum Source {
    /// WebAssembly text, converted with the `wat` crate.
    Wat(&'static str),
    /// A prebuilt binary module.
    Wasm(&'static [u8]),
}

/// One benchmark program.
pub struct Program {
    /// Short name, matched by `--filter`.
    pub name: &'static str,
    /// What the program stresses.
    pub kind: &'static str,
    /// The module.
    pub source: Source,
    /// Exported function to call.
    pub export: &'static str,
    /// Arguments for a full run (~50–300 ms per call in wasmi).
    pub args: &'static [Num],
    /// Arguments for `--quick` (a few ms per call).
    pub quick_args: &'static [Num],
}

impl Program {
    /// The module as wasm bytes.
    pub fn wasm(&self) -> Result<Vec<u8>, String> {
        match self.source {
            Source::Wat(text) => wat::parse_str(text).map_err(|e| format!("{}: {e}", self.name)),
            Source::Wasm(bytes) => Ok(bytes.to_vec()),
        }
    }

    /// The arguments for the chosen mode.
    pub fn args(&self, quick: bool) -> &'static [Num] {
        if quick {
            self.quick_args
        } else {
            self.args
        }
    }
}

/// Every program, in report order.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "fib",
        kind: "recursive calls",
        source: Source::Wat(include_str!("../../../bench/programs/fib.wat")),
        export: "fib",
        args: &[Num::I32(33)],
        quick_args: &[Num::I32(25)],
    },
    Program {
        name: "loops",
        kind: "i64 integer loops (collatz)",
        source: Source::Wat(include_str!("../../../bench/programs/loops.wat")),
        export: "run",
        args: &[Num::I32(200_000)],
        quick_args: &[Num::I32(20_000)],
    },
    Program {
        name: "sieve",
        kind: "byte loads/stores (sieve)",
        source: Source::Wat(include_str!("../../../bench/programs/sieve.wat")),
        export: "run",
        args: &[Num::I32(4_000_000), Num::I32(4)],
        quick_args: &[Num::I32(500_000), Num::I32(1)],
    },
    Program {
        name: "float",
        kind: "f64 arithmetic (mandelbrot)",
        source: Source::Wat(include_str!("../../../bench/programs/float.wat")),
        export: "run",
        args: &[Num::I32(500), Num::I32(200)],
        quick_args: &[Num::I32(100), Num::I32(100)],
    },
    Program {
        name: "memory",
        kind: "i32/f64 matmul in memory",
        source: Source::Wat(include_str!("../../../bench/programs/memory.wat")),
        export: "run",
        args: &[Num::I32(200)],
        quick_args: &[Num::I32(50)],
    },
    Program {
        name: "sort",
        kind: "quicksort, call_indirect cmp",
        source: Source::Wat(include_str!("../../../bench/programs/sort.wat")),
        export: "run",
        args: &[Num::I32(40_000), Num::I32(3)],
        quick_args: &[Num::I32(10_000), Num::I32(1)],
    },
    Program {
        name: "vm",
        kind: "bytecode VM, br_table",
        source: Source::Wat(include_str!("../../../bench/programs/vm.wat")),
        export: "run",
        args: &[Num::I32(40_000)],
        quick_args: &[Num::I32(8_000)],
    },
    Program {
        name: "rust_kernel",
        kind: "Rust: LZ77 + SHA-256",
        source: Source::Wasm(include_bytes!("../../../bench/programs/rust_kernel.wasm")),
        export: "run",
        args: &[Num::I32(25)],
        quick_args: &[Num::I32(2)],
    },
];
