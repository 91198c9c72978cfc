//! Instantiation: allocate a module's entities, evaluate initialisers, apply active segments
//! (elements, then data, in order; effects before a failing segment persist, as wasm 2.0
//! requires) and run the start function.

use alloc::vec::Vec;
use core::cell::OnceCell;

use super::{
    Extern, FuncEntity, FuncKind, GlobalInst, Instance, InstanceData, MemoryInst, Store, TableInst,
};
use crate::error::{Error, Trap, TrapCode};
use crate::loader::{ConstExpr, ElementMode, Module};

/// Creates an instance of `module` whose imports are `imports` (already type-checked).
pub(crate) fn instantiate(
    store: &mut Store,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance, Error> {
    let info = module.info.clone();
    let id = store.instances.len() as u32;
    let type_ids = info.types.iter().map(|t| store.intern_type(t)).collect();
    let mut data = InstanceData {
        module: info.clone(),
        funcs: Vec::with_capacity(info.funcs.len()),
        tables: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        type_ids,
        elements: Vec::new(),
        data_dropped: alloc::vec![false; info.data.len()],
    };
    for item in imports {
        match *item {
            Extern::Func(f) => data.funcs.push(f.0),
            Extern::Table(t) => data.tables.push(t.0),
            Extern::Memory(m) => data.memories.push(m.0),
            Extern::Global(g) => data.globals.push(g.0),
        }
    }
    for index in info.num_imported_funcs..info.funcs.len() {
        let type_id = data.type_ids[info.funcs[index] as usize];
        let func = store.push_func(FuncEntity {
            type_id,
            kind: FuncKind::Wasm {
                instance: id,
                index: index as u32,
                code: OnceCell::new(),
            },
        });
        data.funcs.push(func.0);
    }
    for ty in &info.tables[info.num_imported_tables..] {
        store.tables.push(TableInst::new(*ty, 0)?);
        data.tables.push(store.tables.len() as u32 - 1);
    }
    for ty in &info.memories[info.num_imported_memories..] {
        store
            .memories
            .push(MemoryInst::new(*ty, store.config.max_memory_pages)?);
        data.memories.push(store.memories.len() as u32 - 1);
    }
    for (ty, init) in info.globals[info.num_imported_globals..]
        .iter()
        .zip(&info.global_inits)
    {
        let value = eval_const(store, &data, *init);
        store.globals.push(GlobalInst { ty: *ty, value });
        data.globals.push(store.globals.len() as u32 - 1);
    }
    data.elements = info
        .elements
        .iter()
        .map(|seg| {
            seg.items
                .iter()
                .map(|e| eval_const(store, &data, *e))
                .collect()
        })
        .collect();
    store.instances.push(data);
    initialise_segments(store, id)?;
    if let Some(start) = info.start {
        let func = store.instances[id as usize].funcs[start as usize];
        let ty = store.types[store.funcs[func as usize].type_id as usize].clone();
        crate::interp::invoke(store, func, &ty, &[])?;
    }
    Ok(Instance(id))
}

/// The value of a constant expression, as an interpreter cell.
fn eval_const(store: &Store, data: &InstanceData, expr: ConstExpr) -> u64 {
    match expr {
        ConstExpr::I32(v) => v as u32 as u64,
        ConstExpr::I64(v) => v as u64,
        ConstExpr::F32(v) => v as u64,
        ConstExpr::F64(v) => v,
        ConstExpr::RefNull => 0,
        ConstExpr::RefFunc(f) => data.funcs[f as usize] as u64 + 1,
        ConstExpr::GlobalGet(g) => store.globals[data.globals[g as usize] as usize].value,
    }
}

/// Applies active element segments, then active data segments, dropping each after use.
fn initialise_segments(store: &mut Store, id: u32) -> Result<(), Trap> {
    let info = store.instances[id as usize].module.clone();
    for (index, segment) in info.elements.iter().enumerate() {
        match &segment.mode {
            ElementMode::Active { table, offset } => {
                let data = &store.instances[id as usize];
                let offset = eval_const(store, data, *offset) as u32;
                let table = data.tables[*table as usize];
                let len = data.elements[index].len() as u32;
                table_init(store, id, table, index as u32, offset, 0, len)?;
                store.instances[id as usize].elements[index].clear();
            }
            ElementMode::Declared => store.instances[id as usize].elements[index].clear(),
            ElementMode::Passive => {}
        }
    }
    for (index, segment) in info.data.iter().enumerate() {
        if let Some((memory, offset)) = segment.active {
            let data = &store.instances[id as usize];
            let offset = eval_const(store, data, offset) as u32;
            let memory = data.memories[memory as usize];
            let len = segment.bytes.len() as u32;
            memory_init(store, id, memory, index as u32, offset, 0, len)?;
            store.instances[id as usize].data_dropped[index] = true;
        }
    }
    Ok(())
}

/// `table.init`: copies `len` references from element segment `segment` of instance `id`
/// (from `src`) into store table `table` (at `dst`), all or nothing.
pub(crate) fn table_init(
    store: &mut Store,
    id: u32,
    table: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let elems = &store.instances[id as usize].elements[segment as usize];
    let table = &mut store.tables[table as usize].elems;
    let src = range(src, len, elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
    let dst = range(dst, len, table.len()).ok_or(TrapCode::TableOutOfBounds)?;
    table[dst].copy_from_slice(&elems[src]);
    Ok(())
}

/// `memory.init`: copies `len` bytes of data segment `segment` of instance `id` (from `src`)
/// into store memory `memory` (at `dst`), all or nothing.
pub(crate) fn memory_init(
    store: &mut Store,
    id: u32,
    memory: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let bytes = store.instances[id as usize].data_segment(segment);
    let mem = &mut store.memories[memory as usize].data;
    let src = range(src, len, bytes.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    let dst = range(dst, len, mem.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    mem[dst].copy_from_slice(&bytes[src]);
    Ok(())
}

/// `start..start+len` if it lies within `0..bound`.
pub(crate) fn range(start: u32, len: u32, bound: usize) -> Option<core::ops::Range<usize>> {
    let end = start as u64 + len as u64;
    (end <= bound as u64).then_some(start as usize..end as usize)
}
