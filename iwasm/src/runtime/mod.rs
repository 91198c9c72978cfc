//! The runtime: the [`Store`] that owns every instance's functions, memories, tables and
//! globals, the handles that name them, instantiation and linking.

pub(crate) mod call;
#[cfg(feature = "wasm")]
pub(crate) mod fuel;
mod func;
mod handles;
pub(crate) mod instantiate;
pub(crate) mod interrupt;
pub(crate) mod libcalls;
mod linker;
mod memory;
mod stable;
mod table;
pub mod vmctx;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::sync::atomic::{AtomicU32, Ordering};

pub use func::{Caller, HostFunc, IntoFunc, WasmType};
pub(crate) use handles::Handle;
pub use handles::{Func, Global, Instance, Memory, Table};
#[cfg(feature = "std")]
pub use interrupt::Deadline;
pub use interrupt::InterruptHandle;
pub use linker::Linker;
#[cfg(feature = "wasm")]
pub(crate) use memory::zeroed_vec;
pub(crate) use memory::MemoryInst;
#[cfg(feature = "std")]
pub(crate) use memory::RESERVATION as MEMORY_RESERVATION;
pub(crate) use table::TableInst;

use crate::error::{Error, Frame, Trap};
use crate::loader::{ExportKind, ModuleInfo};
use crate::values::{ExternType, FuncType, GlobalType, ValType, Value};
use stable::StableVec;
use vmctx::{EntryFn, FuncRef, VMContext, VMRuntime, VMTable};

/// Limits of one [`Store`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Size of the interpreter's value stack, in 64-bit slots (frames of all active calls).
    pub max_value_stack_slots: usize,
    /// Maximum depth of nested calls (wasm frames of every tier and host calls, across
    /// re-entry) before `call stack exhausted`.
    pub max_call_depth: usize,
    /// Upper bound on any linear memory, in 64 KiB pages (a module's own maximum may be lower).
    pub max_memory_pages: u32,
    /// In a tiered running mode, a function's calls plus loop iterations after which it is
    /// compiled (a loop then continues in compiled code).
    pub tier_up_threshold: u32,
    /// Let compiled code rely on guard pages instead of comparing each memory access with
    /// the memory's length, where that is sound (a memory in its own 8 GiB reservation, and
    /// a platform that turns faults into traps); explicit checks everywhere else.
    pub guard_pages: bool,
    /// Meter fuel: every tier charges executed operators to the store's fuel (see
    /// [`Store::set_fuel`]) and traps with `all fuel consumed` when it runs out. Off by
    /// default; on, code is slower (a load, a subtraction, a branch and a store per
    /// straight-line segment) and functions are not inlined. An AOT image must be compiled
    /// for it (`wamrc --fuel`).
    pub consume_fuel: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_value_stack_slots: 1 << 20,
            max_call_depth: 50_000,
            max_memory_pages: crate::values::MAX_PAGES,
            tier_up_threshold: 1000,
            guard_pages: true,
            consume_fuel: false,
        }
    }
}

/// A function in the store: its reference (what execution calls) and what it is.
pub(crate) struct FuncEntity {
    pub func_ref: FuncRef,
    pub kind: FuncKind,
}

/// A wasm function of an instance, or a host function.
pub(crate) enum FuncKind {
    Wasm { instance: u32, index: u32 },
    Host(Rc<HostFunc>),
}

/// A global variable: its type and its value as a 64-bit cell.
pub(crate) struct GlobalInst {
    pub ty: GlobalType,
    pub value: u64,
}

/// The runtime state of one instance: where its index spaces point in the store, and the
/// context execution reads.
pub(crate) struct InstanceData {
    pub module: Arc<ModuleInfo>,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Per function index: the function's reference (what the context's `func_refs` points at).
    func_refs: Box<[*const FuncRef]>,
    /// The instance's context and the other arrays its pointers point at, owned here only
    /// to keep them alive as long as the instance.
    _vmctx: Box<VMContext>,
    _global_cells: Box<[*mut u64]>,
    _table_views: Box<[*mut VMTable]>,
    _type_ids: Box<[u32]>,
    /// Element segments as resolved reference cells; emptied by `elem.drop`.
    pub elements: Vec<Vec<u64>>,
    /// Whether each data segment was dropped.
    pub data_dropped: Vec<bool>,
}

impl InstanceData {
    /// The bytes of data segment `index`, empty once dropped.
    pub fn data_segment(&self, index: u32) -> &[u8] {
        if self.data_dropped[index as usize] {
            return &[];
        }
        &self.module.bytes[self.module.data[index as usize].bytes.clone()]
    }
}

/// What an engine tells a store about the tier new wasm functions start in.
#[derive(Clone, Copy)]
pub(crate) struct TierHooks {
    /// Every new wasm function's entry.
    pub entry: EntryFn,
    /// Every new function's native entry (see [`FuncRef::native`]), or null.
    pub native: *const u8,
    /// The table compiled code reaches through [`VMRuntime::compiled`], or null.
    pub compiled: *const (),
    /// The entry of functions a module brings compiled (an AOT image's), where this build
    /// runs compiled code.
    pub compiled_entry: Option<EntryFn>,
    /// The handler that turns memory faults in compiled code into traps, where this build
    /// runs compiled code (guard-page bounds checks need it).
    #[cfg(feature = "std")]
    pub fault_handler: Option<iwasm_platforms::faults::FaultHandler>,
    /// Promotes a hot function to the next tier (swapping its entries), if the engine
    /// tiers up.
    pub promote: Option<PromoteFn>,
    /// Runs a function from the start of a hot loop in the next tier (on-stack
    /// replacement): `(store, function, loop ordinal, values)` with the function's locals
    /// in `values` on entry and its results on return. `Ok(false)`: not possible there.
    pub osr: Option<OsrFn>,
}

/// See [`TierHooks::promote`].
pub(crate) type PromoteFn = fn(&mut Store, &FuncRef) -> Result<(), Trap>;

/// See [`TierHooks::osr`].
pub(crate) type OsrFn = fn(&mut Store, &FuncRef, u32, &mut [u64]) -> Result<bool, Trap>;

/// Source of store identities, so handles can tell their store.
static NEXT_STORE_ID: AtomicU32 = AtomicU32::new(1);

/// Owns all runtime objects. Handles ([`Func`], [`Memory`], ...) name an object of one store;
/// used with another store they give an error (or panic where a method returns no `Result`).
pub struct Store {
    id: u32,
    pub(crate) config: Config,
    pub(crate) types: Vec<FuncType>,
    type_ids: BTreeMap<FuncType, u32>,
    pub(crate) funcs: StableVec<FuncEntity>,
    pub(crate) tables: StableVec<TableInst>,
    pub(crate) memories: StableVec<MemoryInst>,
    pub(crate) globals: StableVec<GlobalInst>,
    pub(crate) instances: Vec<InstanceData>,
    /// The interpreter's value stack; allocated on first use, never reallocated after.
    pub(crate) stack: Vec<u64>,
    /// Slots of `stack` in use by calls still running (for re-entrant host calls).
    pub(crate) stack_in_use: usize,
    /// Store-wide state every context points at.
    pub(crate) runtime: Box<VMRuntime>,
    /// The context of host functions (no memory, no functions: only the runtime pointer).
    host_vmctx: Box<VMContext>,
    /// How new wasm functions start (the engine's first tier).
    tier: TierHooks,
    /// Code that tiers produced for this store's functions, freed with the store.
    code: Vec<Box<dyn Any>>,
    /// Machine code ranges `(start, end, function)`, sorted, for naming the functions of a
    /// trapping native stack.
    #[cfg_attr(
        not(iwasm_jit),
        allow(dead_code, reason = "only compiled code has ranges")
    )]
    code_ranges: Vec<(usize, usize, u32)>,
    /// The trap of the last entry that returned non-zero.
    pending_trap: Option<Trap>,
    /// Set to stop the running guest (see [`InterruptHandle`]); every context points at it.
    pub(crate) interrupt: Arc<interrupt::InterruptState>,
}

impl Store {
    /// An empty store whose wasm functions start as `tier` says (chosen by the engine).
    pub(crate) fn with_tier(config: Config, tier: TierHooks) -> Store {
        let mut runtime = Box::new(VMRuntime {
            store: core::ptr::null_mut(),
            stack_limit: 0,
            call_depth: 0,
            exit_sp: 0,
            compiled: tier.compiled,
            fuel: 0,
        });
        let interrupt = Arc::new(interrupt::InterruptState::default());
        let host_vmctx = Box::new(VMContext {
            runtime: &mut *runtime,
            memory0: core::ptr::null_mut(),
            func_refs: core::ptr::null(),
            globals: core::ptr::null(),
            tables: core::ptr::null(),
            type_ids: core::ptr::null(),
            helpers: &libcalls::HELPERS,
            instance: u32::MAX,
            interrupt: Arc::as_ptr(&interrupt),
        });
        Store {
            id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
            config,
            types: Vec::new(),
            type_ids: BTreeMap::new(),
            funcs: StableVec::default(),
            tables: StableVec::default(),
            memories: StableVec::default(),
            globals: StableVec::default(),
            instances: Vec::new(),
            stack: Vec::new(),
            stack_in_use: 0,
            runtime,
            host_vmctx,
            tier,
            code: Vec::new(),
            code_ranges: Vec::new(),
            pending_trap: None,
            interrupt,
        }
    }

    /// A handle that stops this store's running guest from any thread (see
    /// [`InterruptHandle`]).
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle::new(self.interrupt.clone())
    }

    /// Sets the fuel left to `fuel` (a store that meters fuel starts with none). Each
    /// executed operator costs one unit (some cost none: see the README's fuel section);
    /// running out traps with `all fuel consumed`. `Error::Misuse` unless the store's
    /// [`Config::consume_fuel`] is on.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.require_fuel()?;
        self.runtime.fuel = fuel;
        Ok(())
    }

    /// The fuel left (see [`Store::set_fuel`]).
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.require_fuel()?;
        Ok(self.runtime.fuel)
    }

    /// Refuses fuel calls on a store that does not meter fuel.
    fn require_fuel(&self) -> Result<(), Error> {
        if self.config.consume_fuel {
            Ok(())
        } else {
            Err(Error::Misuse(
                "fuel is not metered in this store (Config::consume_fuel)".into(),
            ))
        }
    }

    /// The store-wide id of a function type (equal types share an id).
    pub(crate) fn intern_type(&mut self, ty: &FuncType) -> u32 {
        if let Some(id) = self.type_ids.get(ty) {
            return *id;
        }
        let id = self.types.len() as u32;
        self.types.push(ty.clone());
        self.type_ids.insert(ty.clone(), id);
        id
    }

    /// Adds a host function of type `ty`.
    pub(crate) fn push_host_func(&mut self, ty: &FuncType, host: Rc<HostFunc>) -> Func {
        let type_id = self.intern_type(ty);
        let vmctx: *mut VMContext = &mut *self.host_vmctx;
        let index = self.push_func(type_id, vmctx, call::host_entry, FuncKind::Host(host));
        Func(self.handle(index))
    }

    /// Adds a function and returns its store index.
    fn push_func(
        &mut self,
        type_id: u32,
        vmctx: *mut VMContext,
        entry: EntryFn,
        kind: FuncKind,
    ) -> usize {
        let func = self.funcs.len() as u32;
        self.funcs.push(FuncEntity {
            func_ref: FuncRef {
                entry: core::cell::Cell::new(entry),
                type_id,
                func,
                vmctx,
                code: core::cell::Cell::new(core::ptr::null()),
                native: core::cell::Cell::new(self.tier.native),
            },
            kind,
        })
    }

    /// The reference of store function `func`.
    pub(crate) fn func_ref(&self, func: u32) -> *const FuncRef {
        &self.funcs[func as usize].func_ref
    }

    /// Keeps `code` (a tier's code for a function) alive as long as the store, returning a
    /// pointer to it that stays valid that long.
    pub(crate) fn keep_code<T: Any>(&mut self, code: Box<T>) -> *const T {
        let ptr: *const T = &*code;
        self.code.push(code);
        ptr
    }

    /// How this store's functions change tiers.
    pub(crate) fn tier(&self) -> &TierHooks {
        &self.tier
    }

    /// Notes that `start..start+len` is machine code of store function `func`.
    #[cfg_attr(
        not(iwasm_jit),
        allow(dead_code, reason = "only compiled code has ranges")
    )]
    pub(crate) fn add_code_range(&mut self, start: usize, len: usize, func: u32) {
        let at = self.code_ranges.partition_point(|r| r.0 < start);
        self.code_ranges.insert(at, (start, start + len, func));
    }

    /// The store function whose machine code contains `pc`, if any.
    #[cfg_attr(
        not(iwasm_jit),
        allow(dead_code, reason = "only compiled code has ranges")
    )]
    pub(crate) fn func_at(&self, pc: usize) -> Option<u32> {
        let at = self.code_ranges.partition_point(|r| r.0 <= pc);
        let (start, end, func) = *self.code_ranges.get(at.checked_sub(1)?)?;
        (start <= pc && pc < end).then_some(func)
    }

    /// Store function `func` as a backtrace shows it.
    pub(crate) fn frame(&self, func: u32) -> Frame {
        match &self.funcs[func as usize].kind {
            FuncKind::Wasm { instance, index } => {
                let module = &self.instances[*instance as usize].module;
                let body = (*index as usize).checked_sub(module.num_imported_funcs);
                Frame {
                    name: module.func_name(*index),
                    func: Some((Instance(self.handle(*instance as usize)), *index)),
                    module_offset: body
                        .and_then(|b| module.bodies.get(b))
                        .map_or(0, |range| range.start),
                }
            }
            FuncKind::Host(_) => Frame {
                name: alloc::string::String::from("<host>"),
                func: None,
                module_offset: 0,
            },
        }
    }

    /// Records the trap of an entry that is about to return non-zero.
    pub(crate) fn set_pending_trap(&mut self, trap: Trap) {
        self.pending_trap = Some(trap);
    }

    /// The trap an entry returned non-zero for.
    pub(crate) fn take_pending_trap(&mut self) -> Trap {
        self.pending_trap
            .take()
            .unwrap_or_else(|| Trap::host("an entry reported a trap without recording it"))
    }

    /// The 64-bit cell a value is stored in (references: see [`TableInst`]).
    pub(crate) fn value_to_cell(&self, value: Value) -> Result<u64, Error> {
        Ok(match value {
            Value::I32(v) => v as u32 as u64,
            Value::I64(v) => v as u64,
            Value::F32(v) => v as u64,
            Value::F64(v) => v,
            Value::FuncRef(None) | Value::ExternRef(None) => 0,
            Value::FuncRef(Some(f)) => {
                self.check_owner(f.0)?;
                self.func_ref(f.0.index) as u64
            }
            Value::ExternRef(Some(r)) => r as u64 + 1,
        })
    }

    /// The value of type `ty` held in `cell`.
    pub(crate) fn cell_to_value(&self, ty: ValType, cell: u64) -> Value {
        match ty {
            ValType::I32 => Value::I32(cell as u32 as i32),
            ValType::I64 => Value::I64(cell as i64),
            ValType::F32 => Value::F32(cell as u32),
            ValType::F64 => Value::F64(cell),
            ValType::FuncRef => Value::FuncRef((cell != 0).then(|| {
                // SAFETY: a non-null funcref cell is the address of a `FuncRef` of this store
                // (cells are written only by `value_to_cell` and by execution from references).
                let func = unsafe { (*(cell as *const FuncRef)).func };
                Func(self.handle(func as usize))
            })),
            ValType::ExternRef => Value::ExternRef(cell.checked_sub(1).map(|r| r as u32)),
        }
    }
}

/// Anything a module can import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global variable.
    Global(Global),
}

impl Extern {
    /// The object's type (a table's or memory's with its current size as minimum).
    pub fn ty(&self, store: &Store) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
        }
    }

    /// The identity of the object.
    pub(crate) fn handle(self) -> Handle {
        match self {
            Extern::Func(f) => f.0,
            Extern::Table(t) => t.0,
            Extern::Memory(m) => m.0,
            Extern::Global(g) => g.0,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}

impl Instance {
    /// The export called `name`, if any.
    pub fn get_export(&self, store: &Store, name: &str) -> Option<Extern> {
        let (kind, index) = store.instance(*self).module.export(name)?;
        Some(self.export_item(store, kind, index))
    }

    /// The instance's item of `kind` at `index` in its index space.
    fn export_item(&self, store: &Store, kind: ExportKind, index: u32) -> Extern {
        let data = store.instance(*self);
        let index = index as usize;
        match kind {
            ExportKind::Func => Extern::Func(Func(store.handle(data.funcs[index] as usize))),
            ExportKind::Table => Extern::Table(Table(store.handle(data.tables[index] as usize))),
            ExportKind::Memory => {
                Extern::Memory(Memory(store.handle(data.memories[index] as usize)))
            }
            ExportKind::Global => {
                Extern::Global(Global(store.handle(data.globals[index] as usize)))
            }
        }
    }

    /// Every export with its name, in the order the module declares them.
    pub fn exports<'a>(&self, store: &'a Store) -> impl Iterator<Item = (&'a str, Extern)> + 'a {
        let this = *self;
        let data = store.instance(*self);
        (data.module.exports.iter())
            .map(move |(name, kind, index)| (name.as_str(), this.export_item(store, *kind, *index)))
    }

    /// The exported function called `name`, if any.
    pub fn get_func(&self, store: &Store, name: &str) -> Option<Func> {
        match self.get_export(store, name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The exported memory called `name`, if any.
    pub fn get_memory(&self, store: &Store, name: &str) -> Option<Memory> {
        match self.get_export(store, name)? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The exported global called `name`, if any.
    pub fn get_global(&self, store: &Store, name: &str) -> Option<Global> {
        match self.get_export(store, name)? {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The exported table called `name`, if any.
    pub fn get_table(&self, store: &Store, name: &str) -> Option<Table> {
        match self.get_export(store, name)? {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The instance's first memory (the one WASI and host functions use), if it has one.
    pub fn default_memory(&self, store: &Store) -> Option<Memory> {
        let memory = *store.instance(*self).memories.first()?;
        Some(Memory(store.handle(memory as usize)))
    }
}

impl Global {
    /// A new global owned by the host.
    pub fn new(store: &mut Store, ty: GlobalType, init: Value) -> Result<Global, Error> {
        if init.ty() != ty.content {
            return Err(Error::Link(
                "global initial value has the wrong type".into(),
            ));
        }
        let value = store.value_to_cell(init)?;
        let index = store.globals.push(GlobalInst { ty, value });
        Ok(Global(store.handle(index)))
    }

    /// The global's type.
    pub fn ty(&self, store: &Store) -> GlobalType {
        store.global(*self).ty
    }

    /// The current value.
    pub fn get(&self, store: &Store) -> Value {
        let g = store.global(*self);
        store.cell_to_value(g.ty.content, g.value)
    }

    /// Changes the value of a mutable global.
    pub fn set(&self, store: &mut Store, value: Value) -> Result<(), Error> {
        store.check_owner(self.0)?;
        let ty = store.global(*self).ty;
        if !ty.mutable {
            return Err(Error::Link("global is immutable".into()));
        }
        if value.ty() != ty.content {
            return Err(Error::Link("global value has the wrong type".into()));
        }
        let cell = store.value_to_cell(value)?;
        store.global_mut(*self).value = cell;
        Ok(())
    }
}
