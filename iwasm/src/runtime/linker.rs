//! The [`Linker`]: named host items and registered instances, used to resolve imports.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{instantiate, Extern, Instance, Store};
use crate::error::Error;
use crate::loader::{ImportKind, Module};

/// Resolves a module's imports by `(module, name)` and instantiates it.
#[derive(Clone, Debug, Default)]
pub struct Linker {
    items: BTreeMap<(String, String), Extern>,
}

impl Linker {
    /// An empty linker.
    pub fn new() -> Linker {
        Linker::default()
    }

    /// Makes `item` importable as `module.name`, replacing any earlier definition.
    pub fn define(&mut self, module: &str, name: &str, item: impl Into<Extern>) {
        self.items
            .insert((module.to_string(), name.to_string()), item.into());
    }

    /// Makes every export of `instance` importable under module name `module`.
    pub fn define_instance(&mut self, store: &Store, module: &str, instance: Instance) {
        for (name, item) in instance.exports(store) {
            self.define(module, name, item);
        }
    }

    /// The item defined as `module.name`, if any.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.items
            .get(&(module.to_string(), name.to_string()))
            .copied()
    }

    /// Resolves `module`'s imports by name, then instantiates it as [`Instance::new`] does.
    pub fn instantiate(&self, store: &mut Store, module: &Module) -> Result<Instance, Error> {
        let resolved = (module.info.imports.iter())
            .map(|import| {
                self.get(&import.module, &import.name).ok_or_else(|| {
                    Error::Link(alloc::format!(
                        "unknown import: {}.{}",
                        import.module,
                        import.name
                    ))
                })
            })
            .collect::<Result<Vec<Extern>, Error>>()?;
        Instance::new(store, module, &resolved)
    }
}

impl Instance {
    /// Instantiates `module` with `imports` given in the order of [`Module::imports`]:
    /// checks their types, allocates the module's functions, tables, memories and globals,
    /// initialises its segments and runs its start function.
    pub fn new(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
        if imports.len() != module.info.imports.len() {
            return Err(Error::Link(alloc::format!(
                "the module has {} imports, {} were given",
                module.info.imports.len(),
                imports.len()
            )));
        }
        for (import, item) in module.info.imports.iter().zip(imports) {
            store.check_owner(item.handle())?;
            if !import_matches(store, module, &import.kind, *item) {
                return Err(Error::Link(alloc::format!(
                    "incompatible import type: {}.{}",
                    import.module,
                    import.name
                )));
            }
        }
        instantiate::instantiate(store, module, imports)
    }
}

/// Whether `item` can satisfy an import of `kind` (the spec's import subtyping).
fn import_matches(store: &Store, module: &Module, kind: &ImportKind, item: Extern) -> bool {
    match (kind, item) {
        (ImportKind::Func(ty), Extern::Func(f)) => f.ty(store) == module.info.types[*ty as usize],
        (ImportKind::Table(ty), Extern::Table(t)) => {
            let table = store.table(t);
            table.ty.element == ty.element
                && limits_match(table.size(), table.ty.max, ty.min, ty.max)
        }
        (ImportKind::Memory(ty), Extern::Memory(m)) => {
            let mem = store.memory(m);
            limits_match(mem.pages(), mem.ty.max, ty.min, ty.max)
        }
        (ImportKind::Global(ty), Extern::Global(g)) => store.global(g).ty == *ty,
        _ => false,
    }
}

/// Limits subtyping: the actual size covers the declared minimum, and a declared maximum is
/// respected by an actual maximum no larger.
fn limits_match(size: u32, max: Option<u32>, wanted_min: u32, wanted_max: Option<u32>) -> bool {
    size >= wanted_min
        && match wanted_max {
            None => true,
            Some(wanted_max) => max.is_some_and(|m| m <= wanted_max),
        }
}
