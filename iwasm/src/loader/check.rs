//! Consistency of module metadata that did not come from the validator (an AOT image's):
//! every count, index and range the runtime will use, so that a well-formed but inconsistent
//! image is an error, never a panic.

use core::ops::Range;

use super::{ConstExpr, ElementMode, ExportKind, ImportKind, ModuleInfo};

/// Why `m` cannot be instantiated safely, if it cannot: the name of the first inconsistent
/// part.
pub(crate) fn inconsistency(m: &ModuleInfo) -> Option<&'static str> {
    let imported =
        |kind: fn(&ImportKind) -> bool| m.imports.iter().filter(|i| kind(&i.kind)).count();
    let func = |f: u32| (f as usize) < m.funcs.len();
    // A constant expression may read the globals visible to it, and name any function.
    let constant = |e: &ConstExpr, globals: usize| match *e {
        ConstExpr::RefFunc(f) => func(f),
        ConstExpr::GlobalGet(g) => (g as usize) < globals,
        _ => true,
    };
    let in_bytes = |r: &Range<usize>| r.start <= r.end && r.end <= m.bytes.len();
    let export = |kind: ExportKind, index: u32| {
        let count = match kind {
            ExportKind::Func => m.funcs.len(),
            ExportKind::Table => m.tables.len(),
            ExportKind::Memory => m.memories.len(),
            ExportKind::Global => m.globals.len(),
        };
        (index as usize) < count
    };
    let checks: [(bool, &'static str); 12] = [
        (
            m.funcs.iter().all(|t| (*t as usize) < m.types.len())
                && m.imports.iter().all(|i| match i.kind {
                    ImportKind::Func(t) => (t as usize) < m.types.len(),
                    _ => true,
                }),
            "function types",
        ),
        (
            imported(|k| matches!(k, ImportKind::Func(_))) == m.num_imported_funcs
                && m.num_imported_funcs <= m.funcs.len(),
            "function imports",
        ),
        (
            imported(|k| matches!(k, ImportKind::Table(_))) == m.num_imported_tables
                && m.num_imported_tables <= m.tables.len(),
            "table imports",
        ),
        (
            imported(|k| matches!(k, ImportKind::Memory(_))) == m.num_imported_memories
                && m.num_imported_memories <= m.memories.len()
                && m.memories.len() <= 1,
            "memories",
        ),
        (
            imported(|k| matches!(k, ImportKind::Global(_))) == m.num_imported_globals
                && m.num_imported_globals <= m.globals.len(),
            "global imports",
        ),
        (
            m.global_inits.len() == m.globals.len() - m.num_imported_globals.min(m.globals.len())
                && (m.global_inits.iter()).all(|e| constant(e, m.num_imported_globals)),
            "global initialisers",
        ),
        (
            m.exports
                .iter()
                .all(|(_, kind, index)| export(*kind, *index)),
            "exports",
        ),
        (m.start.is_none_or(func), "start function"),
        (
            m.elements.iter().all(|segment| {
                let placed = match &segment.mode {
                    ElementMode::Active { table, offset } => {
                        (*table as usize) < m.tables.len() && constant(offset, m.globals.len())
                    }
                    ElementMode::Passive | ElementMode::Declared => true,
                };
                placed && segment.items.iter().all(|e| constant(e, m.globals.len()))
            }),
            "element segments",
        ),
        (
            m.data.iter().all(|segment| {
                in_bytes(&segment.bytes)
                    && segment.active.is_none_or(|(memory, offset)| {
                        (memory as usize) < m.memories.len() && constant(&offset, m.globals.len())
                    })
            }),
            "data segments",
        ),
        (m.bodies.iter().all(in_bytes), "function bodies"),
        (
            m.tables
                .iter()
                .all(|t| t.max.is_none_or(|max| t.min <= max))
                && (m.memories.iter()).all(|t| t.max.is_none_or(|max| t.min <= max)),
            "limits",
        ),
    ];
    checks.iter().find(|(ok, _)| !ok).map(|(_, what)| *what)
}
