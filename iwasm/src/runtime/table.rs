//! Tables of references, stored as interpreter cells (0 = null).

use alloc::vec::Vec;

use super::{Store, Table};
use crate::error::Error;
use crate::values::{TableType, Value};

/// Tables may not grow past this many elements, whatever their declared maximum.
const TABLE_LIMIT: u32 = 10_000_000;

/// A table.
pub(crate) struct TableInst {
    pub elems: Vec<u64>,
    pub ty: TableType,
}

impl TableInst {
    /// A table of `ty.min` elements, each `init`.
    pub fn new(ty: TableType, init: u64) -> Result<TableInst, Error> {
        if ty.min > TABLE_LIMIT {
            return Err(Error::Resource("table too large".into()));
        }
        Ok(TableInst {
            elems: alloc::vec![init; ty.min as usize],
            ty,
        })
    }

    /// Current number of elements.
    pub fn size(&self) -> u32 {
        self.elems.len() as u32
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or `None` if the table's
    /// maximum would be exceeded (wasm then sees -1).
    pub fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.size();
        let max = self.ty.max.unwrap_or(u32::MAX).min(TABLE_LIMIT);
        let new = old.checked_add(delta).filter(|n| *n <= max)?;
        self.elems.try_reserve(delta as usize).ok()?;
        self.elems.resize(new as usize, init);
        Some(old)
    }
}

impl Table {
    /// A new table owned by the host, every element set to `init`.
    pub fn new(store: &mut Store, ty: TableType, init: Value) -> Result<Table, Error> {
        if init.ty() != ty.element {
            return Err(Error::Link("table initial value has the wrong type".into()));
        }
        store.tables.push(TableInst::new(ty, init.to_cell())?);
        Ok(Table(store.tables.len() as u32 - 1))
    }

    /// The table's type, with its current size as minimum.
    pub fn ty(&self, store: &Store) -> TableType {
        let table = &store.tables[self.0 as usize];
        TableType {
            min: table.size(),
            ..table.ty
        }
    }

    /// Current number of elements.
    pub fn size(&self, store: &Store) -> u32 {
        store.tables[self.0 as usize].size()
    }

    /// Element `index`, or `None` past the end.
    pub fn get(&self, store: &Store, index: u32) -> Option<Value> {
        let table = &store.tables[self.0 as usize];
        let cell = *table.elems.get(index as usize)?;
        Some(Value::from_cell(table.ty.element, cell))
    }
}
