//! The runtime: the [`Store`] that owns every instance's functions, memories, tables and
//! globals, the handles that name them, instantiation and linking.

mod func;
pub(crate) mod instantiate;
mod linker;
mod memory;
mod table;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::OnceCell;

pub use func::{Caller, HostFunc, IntoFunc, WasmType};
pub use linker::Linker;
pub(crate) use memory::{zeroed_vec, MemoryInst};
pub(crate) use table::TableInst;

use crate::error::Error;
use crate::interp::CompiledFunc;
use crate::loader::{ExportKind, ModuleInfo};
use crate::values::{FuncType, GlobalType, Value};

/// Limits of one [`Store`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Size of the interpreter's value stack, in 64-bit slots (frames of all active calls).
    pub max_value_stack_slots: usize,
    /// Maximum depth of nested wasm calls before `call stack exhausted`.
    pub max_call_depth: usize,
    /// Upper bound on any linear memory, in 64 KiB pages (a module's own maximum may be lower).
    pub max_memory_pages: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_value_stack_slots: 1 << 20,
            max_call_depth: 50_000,
            max_memory_pages: crate::values::MAX_PAGES,
        }
    }
}

/// A function in the store: its interned type and how to run it.
pub(crate) struct FuncEntity {
    pub type_id: u32,
    pub kind: FuncKind,
}

/// A wasm function of an instance (translated on first call) or a host function.
pub(crate) enum FuncKind {
    Wasm {
        instance: u32,
        index: u32,
        code: OnceCell<Box<CompiledFunc>>,
    },
    Host(Rc<HostFunc>),
}

/// A global variable: its type and its value as an interpreter cell.
pub(crate) struct GlobalInst {
    pub ty: GlobalType,
    pub value: u64,
}

/// The runtime state of one instance: where its index spaces point in the store.
pub(crate) struct InstanceData {
    pub module: Arc<ModuleInfo>,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Store type id of each of the module's types.
    pub type_ids: Vec<u32>,
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

/// Owns all runtime objects. Handles ([`Func`], [`Memory`], ...) are indices into one store.
pub struct Store {
    pub(crate) config: Config,
    pub(crate) types: Vec<FuncType>,
    type_ids: BTreeMap<FuncType, u32>,
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) memories: Vec<MemoryInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) instances: Vec<InstanceData>,
    /// The interpreter's value stack; allocated on first use, never reallocated after.
    pub(crate) stack: Vec<u64>,
    /// Slots of `stack` in use by calls still running (for re-entrant host calls).
    pub(crate) stack_in_use: usize,
}

impl Default for Store {
    fn default() -> Store {
        Store::with_config(Config::default())
    }
}

impl Store {
    /// An empty store with default limits.
    pub fn new() -> Store {
        Store::default()
    }

    /// An empty store with the given limits.
    pub fn with_config(config: Config) -> Store {
        Store {
            config,
            types: Vec::new(),
            type_ids: BTreeMap::new(),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            instances: Vec::new(),
            stack: Vec::new(),
            stack_in_use: 0,
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

    pub(crate) fn push_func(&mut self, entity: FuncEntity) -> Func {
        self.funcs.push(entity);
        Func(self.funcs.len() as u32 - 1)
    }
}

/// A function in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) u32);
/// A table in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) u32);
/// A linear memory in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) u32);
/// A global variable in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) u32);
/// An instantiated module in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) u32);

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
        let data = &store.instances[self.0 as usize];
        let (kind, index) = *data.module.exports.get(name)?;
        let index = index as usize;
        Some(match kind {
            ExportKind::Func => Extern::Func(Func(data.funcs[index])),
            ExportKind::Table => Extern::Table(Table(data.tables[index])),
            ExportKind::Memory => Extern::Memory(Memory(data.memories[index])),
            ExportKind::Global => Extern::Global(Global(data.globals[index])),
        })
    }

    /// Every export, by name.
    pub fn exports<'a>(&self, store: &'a Store) -> impl Iterator<Item = (&'a str, Extern)> + 'a {
        let this = *self;
        let data = &store.instances[self.0 as usize];
        data.module.exports.keys().map(move |name| {
            let item = this.get_export(store, name).expect("export exists");
            (name.as_str(), item)
        })
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
        store.instances[self.0 as usize]
            .memories
            .first()
            .map(|m| Memory(*m))
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
        store.globals.push(GlobalInst {
            ty,
            value: init.to_cell(),
        });
        Ok(Global(store.globals.len() as u32 - 1))
    }

    /// The global's type.
    pub fn ty(&self, store: &Store) -> GlobalType {
        store.globals[self.0 as usize].ty
    }

    /// The current value.
    pub fn get(&self, store: &Store) -> Value {
        let g = &store.globals[self.0 as usize];
        Value::from_cell(g.ty.content, g.value)
    }

    /// Changes the value of a mutable global.
    pub fn set(&self, store: &mut Store, value: Value) -> Result<(), Error> {
        let g = &mut store.globals[self.0 as usize];
        if !g.ty.mutable {
            return Err(Error::Link("global is immutable".into()));
        }
        if value.ty() != g.ty.content {
            return Err(Error::Link("global value has the wrong type".into()));
        }
        g.value = value.to_cell();
        Ok(())
    }
}
