//! What compiled code calls for operations it does not emit inline: one helper per numeric
//! operation, generated from the interpreter's op list so both tiers share one definition of
//! every operation's semantics; and the trap exit. [`CompiledRuntime`] is the layout of the
//! table compiled code reaches through the store's runtime state (the code generator reads
//! its offsets on any host); [`COMPILED_RUNTIME`] the table itself, where compiled code runs.

#[cfg(iwasm_aot)]
use crate::error::TrapCode;
use crate::interp::for_each_op;
#[cfg(iwasm_aot)]
use crate::interp::Cell;
use crate::runtime::vmctx::VMContext;

/// A trap status a compiled-code trap exit receives: this base plus a [`TrapCode`].
pub(crate) const TRAP_STATUS_BASE: u32 = 0x100;

/// A trap status meaning "the trap is already recorded in the store".
#[cfg(iwasm_aot)]
pub(crate) const TRAP_STATUS_RECORDED: u32 = 1;

/// A numeric helper's result: the value, and 0 or a trap status.
#[repr(C)]
pub(crate) struct HelperResult {
    value: u64,
    trap: u64,
}

/// Every numeric helper's signature: operands as 64-bit cells (the second unused by unary
/// operations).
pub(crate) type NumericFn = unsafe extern "C" fn(u64, u64) -> HelperResult;

#[cfg(iwasm_aot)]
fn ok(value: u64) -> HelperResult {
    HelperResult { value, trap: 0 }
}

#[cfg(iwasm_aot)]
fn trapped(code: TrapCode) -> HelperResult {
    HelperResult {
        value: 0,
        trap: (TRAP_STATUS_BASE + code as u32) as u64,
    }
}

/// Generates [`NumericHelper`], the helper functions and [`NUMERIC_HELPERS`] from the op list.
macro_rules! numeric_helpers {
    ({}
     binary { $($bin:ident($ba:ty, $bb:ty) $([$binl:ident, $binr:ident])? = $bf:expr;)* }
     binary_trap { $($bt:ident($bta:ty, $btb:ty) = $btf:expr;)* }
     binary_imm { $($bi:ident($bia:ty) $([$bix:ident])? = $bif:expr;)* }
     unary { $($un:ident($ua:ty) = $uf:expr;)* }
     unary_trap { $($ut:ident($uta:ty) = $utf:expr;)* }
     $($rest:tt)*
    ) => {
        /// The numeric helpers, by index into [`NUMERIC_HELPERS`].
        #[derive(Clone, Copy, Debug)]
        #[repr(u32)]
        #[allow(dead_code, reason = "generated for every operation; the JIT inlines many")]
        pub(crate) enum NumericHelper {
            $($bin,)* $($bt,)* $($un,)* $($ut,)*
        }

        /// The helper functions, one per operation.
        #[cfg(iwasm_aot)]
        #[allow(non_snake_case, clippy::unused_unit, clippy::neg_cmp_op_on_partial_ord)]
        mod functions {
            use super::*;
            $(pub(super) unsafe extern "C" fn $bin(a: u64, b: u64) -> HelperResult {
                ok(Cell::into_cell(($bf)(<$ba as Cell>::from_cell(a), <$bb as Cell>::from_cell(b))))
            })*
            $(pub(super) unsafe extern "C" fn $bt(a: u64, b: u64) -> HelperResult {
                match ($btf)(<$bta as Cell>::from_cell(a), <$btb as Cell>::from_cell(b)) {
                    Ok(v) => ok(Cell::into_cell(v)),
                    Err(code) => trapped(code),
                }
            })*
            $(pub(super) unsafe extern "C" fn $un(a: u64, _: u64) -> HelperResult {
                ok(Cell::into_cell(($uf)(<$ua as Cell>::from_cell(a))))
            })*
            $(pub(super) unsafe extern "C" fn $ut(a: u64, _: u64) -> HelperResult {
                match ($utf)(<$uta as Cell>::from_cell(a)) {
                    Ok(v) => ok(Cell::into_cell(v)),
                    Err(code) => trapped(code),
                }
            })*
        }

        /// The number of numeric helpers.
        const NUMERIC_COUNT: usize = [$(stringify!($bin),)* $(stringify!($bt),)* $(stringify!($un),)* $(stringify!($ut),)*].len();

        /// The helpers in [`NumericHelper`] order.
        #[cfg(iwasm_aot)]
        const NUMERIC_HELPERS: [NumericFn; NUMERIC_COUNT] = [
            $(functions::$bin,)* $(functions::$bt,)* $(functions::$un,)* $(functions::$ut,)*
        ];
    };
}

for_each_op!(numeric_helpers! {});

/// The table compiled code reaches through `VMRuntime::compiled`.
#[repr(C)]
pub(crate) struct CompiledRuntime {
    /// Leaves compiled code on a trap: `(vmctx, status, detail, pc, fp)`; never returns.
    pub trap: unsafe extern "C" fn(*mut VMContext, u32, u32, usize, usize),
    /// The numeric helpers, indexed by [`NumericHelper`].
    pub numeric: [NumericFn; NUMERIC_COUNT],
}

/// The one table every store with compiled code points at.
#[cfg(iwasm_aot)]
pub(crate) static COMPILED_RUNTIME: CompiledRuntime = CompiledRuntime {
    trap: super::host::trap_exit,
    numeric: NUMERIC_HELPERS,
};
