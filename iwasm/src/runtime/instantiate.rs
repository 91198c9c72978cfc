//! Instantiation: allocate a module's entities, build its context, evaluate initialisers,
//! apply active segments (elements, then data, in order; effects before a failing segment
//! persist, as wasm 2.0 requires) and run the start function.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::vmctx::{FuncRef, VMContext, VMTable};
use super::{
    libcalls, Extern, FuncKind, GlobalInst, Instance, InstanceData, MemoryInst, Store, TableInst,
};
use crate::error::{Error, Trap};
use crate::loader::{ConstExpr, ElementMode, Module};

/// Creates an instance of `module` whose imports are `imports` (already type-checked and
/// owned by `store`).
pub(crate) fn instantiate(
    store: &mut Store,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance, Error> {
    let info = module.info.clone();
    if let Some(native) = &info.native {
        require_same_fuel(native.fuel, store.config.consume_fuel)?;
    }
    let id = store.instances.len() as u32;
    let type_ids: Box<[u32]> = info.types.iter().map(|t| store.intern_type(t)).collect();
    let mut vmctx = Box::new(VMContext {
        runtime: &mut *store.runtime,
        memory0: core::ptr::null_mut(),
        func_refs: core::ptr::null(),
        globals: core::ptr::null(),
        tables: core::ptr::null(),
        type_ids: type_ids.as_ptr(),
        helpers: &libcalls::HELPERS,
        instance: id,
        interrupt: Arc::as_ptr(&store.interrupt),
    });
    let (mut funcs, mut tables, mut memories, mut globals) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for item in imports {
        match *item {
            Extern::Func(f) => funcs.push(f.0.index),
            Extern::Table(t) => tables.push(t.0.index),
            Extern::Memory(m) => memories.push(m.0.index),
            Extern::Global(g) => globals.push(g.0.index),
        }
    }
    let entry = match &info.native {
        Some(_) => store.tier.compiled_entry.ok_or_else(|| {
            Error::Unsupported("this build of iwasm runs no compiled code".into())
        })?,
        None => store.tier.entry,
    };
    for index in info.num_imported_funcs..info.funcs.len() {
        let type_id = type_ids[info.funcs[index] as usize];
        let kind = FuncKind::Wasm {
            instance: id,
            index: index as u32,
        };
        let func = store.push_func(type_id, &mut *vmctx, entry, kind);
        if let Some(native) = &info.native {
            let (code, len) = native.functions[index - info.num_imported_funcs];
            store.funcs[func].func_ref.native.set(code);
            store.add_code_range(code as usize, len, func as u32);
        }
        funcs.push(func as u32);
    }
    for ty in &info.tables[info.num_imported_tables..] {
        tables.push(store.tables.push(TableInst::new(*ty, 0)?) as u32);
    }
    for ty in &info.memories[info.num_imported_memories..] {
        let memory = MemoryInst::new(*ty, store.config.max_memory_pages)?;
        memories.push(store.memories.push(memory) as u32);
    }
    #[cfg(feature = "std")]
    if info.native.as_ref().is_some_and(|n| n.guard_pages) {
        require_guard_pages(store, memories.first().copied())?;
    }
    let func_refs: Box<[*const FuncRef]> = funcs.iter().map(|f| store.func_ref(*f)).collect();
    for (ty, init) in info.globals[info.num_imported_globals..]
        .iter()
        .zip(&info.global_inits)
    {
        let value = eval_const(store, &func_refs, &globals, *init);
        globals.push(store.globals.push(GlobalInst { ty: *ty, value }) as u32);
    }
    let global_cells: Box<[*mut u64]> = globals
        .iter()
        .map(|g| &mut store.globals[*g as usize].value as *mut u64)
        .collect();
    let table_views: Box<[*mut VMTable]> = tables
        .iter()
        .map(|t| &mut store.tables[*t as usize].vm as *mut VMTable)
        .collect();
    vmctx.memory0 = match memories.first() {
        Some(m) => &mut store.memories[*m as usize].vm,
        None => core::ptr::null_mut(),
    };
    vmctx.func_refs = func_refs.as_ptr();
    vmctx.globals = global_cells.as_ptr();
    vmctx.tables = table_views.as_ptr();
    let elements = info
        .elements
        .iter()
        .map(|seg| {
            seg.items
                .iter()
                .map(|e| eval_const(store, &func_refs, &globals, *e))
                .collect()
        })
        .collect();
    store.instances.push(InstanceData {
        module: info.clone(),
        funcs,
        tables,
        memories,
        globals,
        func_refs,
        _vmctx: vmctx,
        _global_cells: global_cells,
        _table_views: table_views,
        _type_ids: type_ids,
        elements,
        data_dropped: alloc::vec![false; info.data.len()],
    });
    initialise_segments(store, id)?;
    if let Some(start) = info.start {
        let func = store.instances[id as usize].funcs[start as usize];
        store.call_func(func, Vec::new())?;
    }
    Ok(Instance(store.handle(id as usize)))
}

/// Checks that an AOT image meters fuel exactly when the store does.
fn require_same_fuel(image: bool, store: bool) -> Result<(), Error> {
    match (image, store) {
        (true, false) => Err(Error::Unsupported(
            "the AOT image meters fuel (wamrc --fuel), but this store does not".into(),
        )),
        (false, true) => Err(Error::Unsupported(
            "this store meters fuel, but the AOT image does not: compile it with wamrc --fuel"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// Checks that code relying on guard pages can run here: memory 0 (if any) sits in its own
/// reservation and the store allows guard pages; installs the store's fault handler.
#[cfg(feature = "std")]
fn require_guard_pages(store: &Store, memory0: Option<u32>) -> Result<(), Error> {
    let Some(memory) = memory0 else {
        return Ok(());
    };
    let refuse = |why: &str| {
        Err(Error::Unsupported(alloc::format!(
            "the AOT image relies on guard pages for bounds checks, but {why}; compile it \
             with wamrc --bounds-checks=1"
        )))
    };
    if !store.config.guard_pages {
        return refuse("this store has guard pages turned off");
    }
    if !store.memories[memory as usize].is_reserved() {
        return refuse("memory 0 is not in a reserved region on this host");
    }
    let Some(handler) = store.tier.fault_handler else {
        return refuse("this build of iwasm handles no memory faults");
    };
    match iwasm_platforms::faults::install(handler) {
        Ok(()) => Ok(()),
        Err(e) => refuse(&alloc::format!("memory faults cannot be handled here: {e}")),
    }
}

/// The value of a constant expression, as a cell, given the instance's function references
/// and global store indices.
fn eval_const(
    store: &Store,
    func_refs: &[*const FuncRef],
    globals: &[u32],
    expr: ConstExpr,
) -> u64 {
    match expr {
        ConstExpr::I32(v) => v as u32 as u64,
        ConstExpr::I64(v) => v as u64,
        ConstExpr::F32(v) => v as u64,
        ConstExpr::F64(v) => v,
        ConstExpr::RefNull => 0,
        ConstExpr::RefFunc(f) => func_refs[f as usize] as u64,
        ConstExpr::GlobalGet(g) => store.globals[globals[g as usize] as usize].value,
    }
}

/// Applies active element segments, then active data segments, dropping each after use.
fn initialise_segments(store: &mut Store, id: u32) -> Result<(), Trap> {
    let info = store.instances[id as usize].module.clone();
    for (index, segment) in info.elements.iter().enumerate() {
        let index = index as u32;
        match &segment.mode {
            ElementMode::Active { table, offset } => {
                let data = &store.instances[id as usize];
                let offset = eval_const(store, &data.func_refs, &data.globals, *offset) as u32;
                let len = data.elements[index as usize].len() as u32;
                libcalls::table_init(store, id, *table, index, offset, 0, len)?;
                libcalls::elem_drop(store, id, index);
            }
            ElementMode::Declared => libcalls::elem_drop(store, id, index),
            ElementMode::Passive => {}
        }
    }
    for (index, segment) in info.data.iter().enumerate() {
        if let Some((_, offset)) = segment.active {
            let data = &store.instances[id as usize];
            let offset = eval_const(store, &data.func_refs, &data.globals, offset) as u32;
            let len = segment.bytes.len() as u32;
            libcalls::memory_init(store, id, index as u32, offset, 0, len)?;
            libcalls::data_drop(store, id, index as u32);
        }
    }
    Ok(())
}
