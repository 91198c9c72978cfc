//! Handles: each names an object of one [`Store`] by the store's identity and the object's
//! index, and the store checks both on every use.

use super::{FuncEntity, GlobalInst, InstanceData, MemoryInst, Store, TableInst};
use crate::error::Error;

/// The identity of a store object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Handle {
    store: u32,
    pub(crate) index: u32,
}

/// A function in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func(pub(crate) Handle);
/// A table in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) Handle);
/// A linear memory in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) Handle);
/// A global variable in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) Handle);
/// An instantiated module in a [`Store`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) Handle);

/// What using a handle with a store that does not own it says.
const WRONG_STORE: &str = "object used with a store that does not own it";

impl Store {
    /// The handle of this store's object at `index`.
    pub(crate) fn handle(&self, index: usize) -> Handle {
        Handle {
            store: self.id,
            index: index as u32,
        }
    }

    /// An error unless `handle` names an object of this store.
    pub(crate) fn check_owner(&self, handle: Handle) -> Result<(), Error> {
        if handle.store == self.id {
            Ok(())
        } else {
            Err(Error::Misuse(WRONG_STORE.into()))
        }
    }

    /// The index of `handle`'s object; panics (as wasmtime does) if another store owns it.
    fn owned(&self, handle: Handle) -> usize {
        assert!(handle.store == self.id, "{WRONG_STORE}");
        handle.index as usize
    }

    /// The function `f` names.
    pub(crate) fn func(&self, f: super::Func) -> &FuncEntity {
        &self.funcs[self.owned(f.0)]
    }

    /// The memory `m` names.
    pub(crate) fn memory(&self, m: Memory) -> &MemoryInst {
        &self.memories[self.owned(m.0)]
    }

    /// The memory `m` names, writable.
    pub(crate) fn memory_mut(&mut self, m: Memory) -> &mut MemoryInst {
        let index = self.owned(m.0);
        &mut self.memories[index]
    }

    /// The table `t` names.
    pub(crate) fn table(&self, t: Table) -> &TableInst {
        &self.tables[self.owned(t.0)]
    }

    /// The table `t` names, writable.
    pub(crate) fn table_mut(&mut self, t: Table) -> &mut TableInst {
        let index = self.owned(t.0);
        &mut self.tables[index]
    }

    /// The global `g` names.
    pub(crate) fn global(&self, g: Global) -> &GlobalInst {
        &self.globals[self.owned(g.0)]
    }

    /// The global `g` names, writable.
    pub(crate) fn global_mut(&mut self, g: Global) -> &mut GlobalInst {
        let index = self.owned(g.0);
        &mut self.globals[index]
    }

    /// The instance `i` names.
    pub(crate) fn instance(&self, i: Instance) -> &InstanceData {
        &self.instances[self.owned(i.0)]
    }
}
