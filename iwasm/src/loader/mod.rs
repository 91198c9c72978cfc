//! The loader: decodes and validates a binary module with `wasmparser`, once, into an owned
//! [`Module`]. Function bodies stay in the original bytes and are translated lazily.

mod sections;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

use crate::error::Error;
use crate::values::{FuncType, GlobalType, MemoryType, TableType};

/// A constant expression (wasm 2.0: exactly one instruction).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ConstExpr {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
}

/// What an import brings in.
#[derive(Clone, Debug)]
pub(crate) enum ImportKind {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

/// One import: `(import "module" "name" kind)`.
#[derive(Clone, Debug)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// The kind of an exported item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
}

/// Where an element segment goes.
#[derive(Clone, Debug)]
pub(crate) enum ElementMode {
    Active { table: u32, offset: ConstExpr },
    Passive,
    Declared,
}

/// An element segment: references to place into a table.
#[derive(Clone, Debug)]
pub(crate) struct ElementSegment {
    pub mode: ElementMode,
    pub items: Vec<ConstExpr>,
}

/// A data segment: bytes to place into memory, as a range of the module's bytes.
#[derive(Clone, Debug)]
pub(crate) struct DataSegment {
    pub active: Option<(u32, ConstExpr)>,
    pub bytes: Range<usize>,
}

/// Everything the runtime needs from a module, decoded once.
#[derive(Debug, Default)]
pub(crate) struct ModuleInfo {
    pub bytes: Vec<u8>,
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: usize,
    pub tables: Vec<TableType>,
    pub num_imported_tables: usize,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: usize,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: usize,
    /// Initialisers of the module's own globals.
    pub global_inits: Vec<ConstExpr>,
    pub exports: BTreeMap<String, (ExportKind, u32)>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub data: Vec<DataSegment>,
    /// Byte range (in `bytes`) of each defined function's body, and its offset in the file.
    pub bodies: Vec<Range<usize>>,
    pub func_names: BTreeMap<u32, String>,
}

impl ModuleInfo {
    /// The signature of function `index` (imported or defined).
    pub fn func_type(&self, index: u32) -> &FuncType {
        &self.types[self.funcs[index as usize] as usize]
    }

    /// A printable name for function `index`: from the name section, else `$f<index>`.
    pub fn func_name(&self, index: u32) -> String {
        match self.func_names.get(&index) {
            Some(name) => name.clone(),
            None => alloc::format!("$f{index}"),
        }
    }
}

/// A decoded and validated WebAssembly module, ready to be instantiated any number of times.
/// Cloning is cheap.
#[derive(Clone, Debug)]
pub struct Module {
    pub(crate) info: Arc<ModuleInfo>,
}

/// The wasm features this runtime executes: WebAssembly 2.0 without SIMD.
pub(crate) fn supported_features() -> wasmparser::WasmFeatures {
    wasmparser::WasmFeatures::WASM2.difference(wasmparser::WasmFeatures::SIMD)
}

impl Module {
    /// Decodes and validates `bytes`. Malformed or invalid modules give [`Error::Load`]; modules
    /// using features beyond WebAssembly 2.0 (SIMD, tail calls, ...) give [`Error::Unsupported`].
    pub fn new(bytes: &[u8]) -> Result<Module, Error> {
        validate(bytes)?;
        let info = sections::decode(bytes)?;
        Ok(Module {
            info: Arc::new(info),
        })
    }

    /// The names of the module's exports.
    pub fn export_names(&self) -> impl Iterator<Item = &str> {
        self.info.exports.keys().map(String::as_str)
    }

    /// The module's imports as `(module, name)` pairs.
    pub fn import_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.info
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str()))
    }
}

/// Validates with the supported feature set. wasmparser reports a construct of a disabled
/// proposal as "... support is not enabled" (or "... proposal not enabled"): such modules are unsupported, not invalid.
fn validate(bytes: &[u8]) -> Result<(), Error> {
    let mut validator = wasmparser::Validator::new_with_features(supported_features());
    match validator.validate_all(bytes) {
        Ok(_) => Ok(()),
        Err(err)
            if err.message().contains("support is not enabled")
                || err.message().contains("proposal not enabled") =>
        {
            Err(Error::Unsupported(err.message().into()))
        }
        Err(err) => Err(Error::Load(err.message().into())),
    }
}
