//! The state that execution reads directly, at stable addresses, in `#[repr(C)]` layouts.
//!
//! Every execution mode — the interpreter today, compiled code tomorrow — reaches an
//! instance's memory, globals, tables and functions through its [`VMContext`], and calls a
//! function through its [`FuncRef`]. Offsets into these structures come from [`offsets`]
//! only: no code generator writes them as literals.
//!
//! | structure | field | what |
//! |---|---|---|
//! | `VMContext` | `runtime` | the store-wide [`VMRuntime`] |
//! | | `memory0` | memory 0's [`VMMemory`] (null without memory) |
//! | | `func_refs` | per function index: its [`FuncRef`] |
//! | | `globals` | per global index: its 64-bit cell |
//! | | `tables` | per table index: its [`VMTable`] |
//! | | `type_ids` | per module type index: the store-wide type id |
//! | | `helpers` | the [`Helpers`] table of runtime calls |
//! | | `instance` | the instance's index in its store |
//! | `FuncRef` | `entry` | host-to-function entry ([`EntryFn`]); swapped on tier-up |
//! | | `type_id` | store-wide type id (`call_indirect` compares it) |
//! | | `func` | the function's index in its store |
//! | | `vmctx` | the owning instance's context (the store's host context for host functions) |
//! | | `code` | the current tier's code for the function, or null |
//! | | `native` | entry for compiled callers (their own calling convention); see below |
//! | `VMMemory` | `base`, `length` | linear memory bytes (length in bytes) |
//! | `VMTable` | `base`, `length` | table elements (64-bit cells: `*const FuncRef` or externref) |
//! | `VMRuntime` | `store` | the running [`Store`] |
//! | | `stack_limit` | lowest native stack address execution may use |
//! | | `call_depth` | wasm and host frames live in the store, across re-entry |
//! | | `exit_sp` | where compiled code unwinds to on a trap |
//! | | `compiled` | the engine's table for compiled code (numeric helpers, trap exit) |

use core::cell::Cell;

use super::Store;

/// How a function is entered from outside its tier: the caller passes the callee's
/// reference, the calling instance's context (null from the host) and a value array holding
/// the arguments on entry and the results on return (`max(params, results)` 64-bit cells).
/// Returns 0 on success; non-zero after a trap, which is left in the store (see
/// [`Store::take_pending_trap`]).
pub type EntryFn = unsafe extern "C" fn(
    callee: *const FuncRef,
    caller_vmctx: *mut VMContext,
    values: *mut u64,
) -> u32;

/// A function reference: what `call`, `call_indirect`, tables and `ref.func` hold.
#[repr(C)]
pub struct FuncRef {
    /// The host-to-function entry; a tier swaps in its own when it takes over the function.
    pub entry: Cell<EntryFn>,
    /// Store-wide id of the function's type.
    pub type_id: u32,
    /// The function's index in its store.
    pub func: u32,
    /// The owning instance's context; for host functions, the store's host context.
    pub vmctx: *mut VMContext,
    /// The first tier's translation of this function (owned by the store), or null; it
    /// stays when a later tier takes over the entries.
    pub code: Cell<*const ()>,
    /// The entry compiled callers use, in the compiled-code calling convention: the
    /// function's machine code once compiled, until then an adapter to `entry` (null in
    /// stores without compiled code).
    pub native: Cell<*const u8>,
}

/// A linear memory as execution sees it. Reserved memories keep `base` for their lifetime;
/// heap-backed ones (targets without virtual memory) may move it on grow.
#[repr(C)]
pub struct VMMemory {
    /// The first byte.
    pub base: *mut u8,
    /// The current length in bytes.
    pub length: usize,
}

/// A table as execution sees it.
#[repr(C)]
pub struct VMTable {
    /// The elements: a `*const FuncRef` (null = `ref.null`) or an externref cell.
    pub base: *mut u64,
    /// The current number of elements.
    pub length: u32,
}

/// Store-wide state that every instance's context points at.
#[repr(C)]
pub struct VMRuntime {
    /// The store running now (set on every entry from the host).
    pub store: *mut Store,
    /// Execution must not push the native stack below this address.
    pub stack_limit: usize,
    /// Frames live in the store: wasm frames of every tier plus host calls.
    pub call_depth: usize,
    /// The stack pointer compiled code's trap exit restores (innermost entry from outside).
    pub exit_sp: usize,
    /// The engine's table for compiled code, or null.
    pub compiled: *const (),
    /// Fuel left, where the store meters it (see [`Config::consume_fuel`](crate::Config)).
    pub fuel: u64,
}

/// Runtime functions compiled code calls out to, through its context.
#[repr(C)]
pub struct Helpers {
    /// `memory.grow` of memory 0: the old size in pages, or -1.
    pub memory_grow: unsafe extern "C" fn(*mut VMContext, u32) -> i32,
    /// `memory.fill(dst, value, len)` of memory 0: 0 or a trap code.
    pub memory_fill: unsafe extern "C" fn(*mut VMContext, u32, u32, u32) -> u32,
    /// `memory.copy(dst, src, len)` within memory 0: 0 or a trap code.
    pub memory_copy: unsafe extern "C" fn(*mut VMContext, u32, u32, u32) -> u32,
    /// `memory.init(segment, dst, src, len)`: 0 or a trap code.
    pub memory_init: unsafe extern "C" fn(*mut VMContext, u32, u32, u32, u32) -> u32,
    /// `data.drop(segment)`.
    pub data_drop: unsafe extern "C" fn(*mut VMContext, u32),
    /// `table.grow(table, init, delta)`: the old size, or -1.
    pub table_grow: unsafe extern "C" fn(*mut VMContext, u32, u64, u32) -> i32,
    /// `table.fill(table, dst, value, len)`: 0 or a trap code.
    pub table_fill: unsafe extern "C" fn(*mut VMContext, u32, u32, u64, u32) -> u32,
    /// `table.copy(dst_table, src_table, dst, src, len)`: 0 or a trap code.
    pub table_copy: unsafe extern "C" fn(*mut VMContext, u32, u32, u32, u32, u32) -> u32,
    /// `table.init(table, segment, dst, src, len)`: 0 or a trap code.
    pub table_init: unsafe extern "C" fn(*mut VMContext, u32, u32, u32, u32, u32) -> u32,
    /// `elem.drop(segment)`.
    pub elem_drop: unsafe extern "C" fn(*mut VMContext, u32),
}

/// One instance's context.
#[repr(C)]
pub struct VMContext {
    /// The store-wide state.
    pub runtime: *mut VMRuntime,
    /// Memory 0, or null.
    pub memory0: *mut VMMemory,
    /// Per function index (imports first): the function's reference.
    pub func_refs: *const *const FuncRef,
    /// Per global index (imports first): the global's cell.
    pub globals: *const *mut u64,
    /// Per table index (imports first): the table.
    pub tables: *const *mut VMTable,
    /// Per module type index: the store-wide type id.
    pub type_ids: *const u32,
    /// Runtime calls.
    pub helpers: *const Helpers,
    /// The instance's index in its store.
    pub instance: u32,
    /// The store's interrupt state: its flag, and the stack limit compiled code checks (see
    /// [`InterruptHandle`](crate::InterruptHandle)).
    pub interrupt: *const super::interrupt::InterruptState,
}

/// Byte offsets into the structures above, for code generators.
pub mod offsets {
    use super::{FuncRef, Helpers, VMContext, VMMemory, VMRuntime, VMTable};
    use crate::runtime::interrupt::InterruptState;
    use core::mem::offset_of;

    /// `VMContext::runtime`.
    pub const VMCTX_RUNTIME: usize = offset_of!(VMContext, runtime);
    /// `VMContext::memory0`.
    pub const VMCTX_MEMORY0: usize = offset_of!(VMContext, memory0);
    /// `VMContext::func_refs`.
    pub const VMCTX_FUNC_REFS: usize = offset_of!(VMContext, func_refs);
    /// `VMContext::globals`.
    pub const VMCTX_GLOBALS: usize = offset_of!(VMContext, globals);
    /// `VMContext::tables`.
    pub const VMCTX_TABLES: usize = offset_of!(VMContext, tables);
    /// `VMContext::type_ids`.
    pub const VMCTX_TYPE_IDS: usize = offset_of!(VMContext, type_ids);
    /// `VMContext::helpers`.
    pub const VMCTX_HELPERS: usize = offset_of!(VMContext, helpers);
    /// `VMContext::interrupt`.
    pub const VMCTX_INTERRUPT: usize = offset_of!(VMContext, interrupt);
    /// `InterruptState::stack_limit`.
    pub const INTERRUPT_STACK_LIMIT: usize = offset_of!(InterruptState, stack_limit);
    /// `InterruptState::flag`.
    pub const INTERRUPT_FLAG: usize = offset_of!(InterruptState, flag);
    /// `FuncRef::entry`.
    pub const FUNC_REF_ENTRY: usize = offset_of!(FuncRef, entry);
    /// `FuncRef::type_id`.
    pub const FUNC_REF_TYPE_ID: usize = offset_of!(FuncRef, type_id);
    /// `FuncRef::vmctx`.
    pub const FUNC_REF_VMCTX: usize = offset_of!(FuncRef, vmctx);
    /// `FuncRef::code`.
    pub const FUNC_REF_CODE: usize = offset_of!(FuncRef, code);
    /// `FuncRef::native`.
    pub const FUNC_REF_NATIVE: usize = offset_of!(FuncRef, native);
    /// `VMMemory::base`.
    pub const MEMORY_BASE: usize = offset_of!(VMMemory, base);
    /// `VMMemory::length`.
    pub const MEMORY_LENGTH: usize = offset_of!(VMMemory, length);
    /// `VMTable::base`.
    pub const TABLE_BASE: usize = offset_of!(VMTable, base);
    /// `VMTable::length`.
    pub const TABLE_LENGTH: usize = offset_of!(VMTable, length);
    /// `VMRuntime::stack_limit`.
    pub const RUNTIME_STACK_LIMIT: usize = offset_of!(VMRuntime, stack_limit);
    /// `VMRuntime::exit_sp`.
    pub const RUNTIME_EXIT_SP: usize = offset_of!(VMRuntime, exit_sp);
    /// `VMRuntime::compiled`.
    pub const RUNTIME_COMPILED: usize = offset_of!(VMRuntime, compiled);
    /// `VMRuntime::fuel`.
    pub const RUNTIME_FUEL: usize = offset_of!(VMRuntime, fuel);
    /// `Helpers::memory_grow`.
    pub const HELPER_MEMORY_GROW: usize = offset_of!(Helpers, memory_grow);
    /// `Helpers::memory_fill`.
    pub const HELPER_MEMORY_FILL: usize = offset_of!(Helpers, memory_fill);
    /// `Helpers::memory_copy`.
    pub const HELPER_MEMORY_COPY: usize = offset_of!(Helpers, memory_copy);
    /// `Helpers::memory_init`.
    pub const HELPER_MEMORY_INIT: usize = offset_of!(Helpers, memory_init);
    /// `Helpers::data_drop`.
    pub const HELPER_DATA_DROP: usize = offset_of!(Helpers, data_drop);
    /// `Helpers::table_grow`.
    pub const HELPER_TABLE_GROW: usize = offset_of!(Helpers, table_grow);
    /// `Helpers::table_fill`.
    pub const HELPER_TABLE_FILL: usize = offset_of!(Helpers, table_fill);
    /// `Helpers::table_copy`.
    pub const HELPER_TABLE_COPY: usize = offset_of!(Helpers, table_copy);
    /// `Helpers::table_init`.
    pub const HELPER_TABLE_INIT: usize = offset_of!(Helpers, table_init);
    /// `Helpers::elem_drop`.
    pub const HELPER_ELEM_DROP: usize = offset_of!(Helpers, elem_drop);
}
