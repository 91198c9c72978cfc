//! Tables of references. Each element is a 64-bit cell: for `funcref` tables the address of
//! the function's [`FuncRef`](super::vmctx::FuncRef) (0 = null), for `externref` tables the
//! host value plus one (0 = null).

use alloc::vec::Vec;

use super::vmctx::VMTable;
use super::{Store, Table};
use crate::error::{Error, TrapCode};
use crate::values::{TableType, Value};

/// Tables may not grow past this many elements, whatever their declared maximum.
const TABLE_LIMIT: u32 = 10_000_000;

/// A table.
pub(crate) struct TableInst {
    /// Base and length as execution reads them (kept in sync with `elems`).
    pub vm: VMTable,
    elems: Vec<u64>,
    pub ty: TableType,
}

impl TableInst {
    /// A table of `ty.min` elements, each `init`.
    pub fn new(ty: TableType, init: u64) -> Result<TableInst, Error> {
        if ty.min > TABLE_LIMIT {
            return Err(Error::Resource("table too large".into()));
        }
        let mut table = TableInst {
            vm: VMTable {
                base: core::ptr::null_mut(),
                length: 0,
            },
            elems: alloc::vec![init; ty.min as usize],
            ty,
        };
        table.sync();
        Ok(table)
    }

    /// Points the execution view at the current elements.
    fn sync(&mut self) {
        self.vm = VMTable {
            base: self.elems.as_mut_ptr(),
            length: self.elems.len() as u32,
        };
    }

    /// Current number of elements.
    pub fn size(&self) -> u32 {
        self.elems.len() as u32
    }

    /// The elements.
    pub fn elems(&self) -> &[u64] {
        &self.elems
    }

    /// The elements, writable (their number is fixed; see [`TableInst::grow`]).
    pub fn elems_mut(&mut self) -> &mut [u64] {
        &mut self.elems
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or `None` if the table's
    /// maximum would be exceeded (wasm then sees -1).
    pub fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.size();
        let max = self.ty.max.unwrap_or(u32::MAX).min(TABLE_LIMIT);
        let new = old.checked_add(delta).filter(|n| *n <= max)?;
        self.elems.try_reserve(delta as usize).ok()?;
        self.elems.resize(new as usize, init);
        self.sync();
        Some(old)
    }
}

impl Table {
    /// A new table owned by the host, every element set to `init`.
    pub fn new(store: &mut Store, ty: TableType, init: Value) -> Result<Table, Error> {
        if init.ty() != ty.element {
            return Err(Error::Link("table initial value has the wrong type".into()));
        }
        let cell = store.value_to_cell(init)?;
        let index = store.tables.push(TableInst::new(ty, cell)?);
        Ok(Table(store.handle(index)))
    }

    /// The table's type, with its current size as minimum.
    pub fn ty(&self, store: &Store) -> TableType {
        let table = store.table(*self);
        TableType {
            min: table.size(),
            ..table.ty
        }
    }

    /// Current number of elements.
    pub fn size(&self, store: &Store) -> u32 {
        store.table(*self).size()
    }

    /// Element `index`, or `None` past the end.
    pub fn get(&self, store: &Store, index: u32) -> Option<Value> {
        let table = store.table(*self);
        let cell = *table.elems.get(index as usize)?;
        Some(store.cell_to_value(table.ty.element, cell))
    }

    /// Sets element `index` to `value` (of the table's element type, from this store).
    pub fn set(&self, store: &mut Store, index: u32, value: Value) -> Result<(), Error> {
        let cell = self.element_cell(store, value)?;
        let slot = store.table_mut(*self).elems_mut().get_mut(index as usize);
        *slot.ok_or(Error::Trap(TrapCode::TableOutOfBounds.into()))? = cell;
        Ok(())
    }

    /// Grows the table by `delta` elements set to `init`, as `table.grow` does; returns the
    /// old size, or an error past the table's maximum.
    pub fn grow(&self, store: &mut Store, delta: u32, init: Value) -> Result<u32, Error> {
        let cell = self.element_cell(store, init)?;
        store
            .table_mut(*self)
            .grow(delta, cell)
            .ok_or_else(|| Error::Resource(alloc::format!("table cannot grow by {delta}")))
    }

    /// The cell of `value`, checked against the table's element type.
    fn element_cell(&self, store: &Store, value: Value) -> Result<u64, Error> {
        store.check_owner(self.0)?;
        if value.ty() != store.table(*self).ty.element {
            return Err(Error::Misuse(alloc::format!(
                "a {:?} value in a table of {:?}",
                value.ty(),
                store.table(*self).ty.element
            )));
        }
        store.value_to_cell(value)
    }
}
