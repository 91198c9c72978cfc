//! The loader: decodes and validates a binary module with `wasmparser`, once, into an owned
//! [`Module`]. Function bodies stay in the original bytes and are translated lazily.

#[cfg(iwasm_aot)]
pub(crate) mod check;
#[cfg(feature = "wasm")]
mod sections;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

use crate::error::Error;
use crate::values::{ExternType, FuncType, GlobalType, MemoryType, TableType};

/// A constant expression (wasm 2.0: exactly one instruction).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub(crate) enum ImportKind {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

/// One import: `(import "module" "name" kind)`.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// The kind of an exported item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub(crate) enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
}

/// Where an element segment goes.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub(crate) enum ElementMode {
    Active { table: u32, offset: ConstExpr },
    Passive,
    Declared,
}

/// An element segment: references to place into a table.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct ElementSegment {
    pub mode: ElementMode,
    pub items: Vec<ConstExpr>,
}

/// A data segment: bytes to place into memory, as a range of the module's bytes.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct DataSegment {
    pub active: Option<(u32, ConstExpr)>,
    pub bytes: Range<usize>,
}

/// Everything the runtime needs from a module, decoded once.
#[derive(Debug, Default)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct ModuleInfo {
    /// The module's binary; for a module from an AOT image, only its data segments' bytes.
    #[cfg_attr(feature = "std", serde(deserialize_with = "bytes_from_borrowed"))]
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
    /// `(name, kind, index)` of each export, in the export section's order (names are
    /// unique: the validator checks).
    pub exports: Vec<(String, ExportKind, u32)>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub data: Vec<DataSegment>,
    /// Byte range (in `bytes`) of each defined function's body, and its offset in the file.
    pub bodies: Vec<Range<usize>>,
    pub func_names: BTreeMap<u32, String>,
    /// Machine code for the defined functions, when the module came from an AOT image.
    #[cfg_attr(feature = "std", serde(skip))]
    pub native: Option<NativeCode>,
}

/// Reads a byte string in one copy (a `Vec<u8>` would be decoded one element at a time).
#[cfg(feature = "std")]
fn bytes_from_borrowed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    <&'de [u8] as serde::Deserialize<'de>>::deserialize(d).map(<[u8]>::to_vec)
}

/// Machine code a module brings for its defined functions (an AOT image's), executable.
pub(crate) struct NativeCode {
    /// Each defined function's native entry and code length, in order.
    pub functions: Vec<(*const u8, usize)>,
    /// Whether the code relies on guard pages for bounds checks (memory 0 must then sit in
    /// its own reservation, and faults there become traps).
    #[cfg(feature = "std")]
    pub guard_pages: bool,
    /// Whether the code meters fuel.
    pub fuel: bool,
    /// Keeps the code mapped (dropped with the module).
    pub _memory: alloc::boxed::Box<dyn core::any::Any>,
}

// SAFETY: the code is immutable executable memory: sharing or sending it between threads is
// sound.
unsafe impl Send for NativeCode {}
// SAFETY: as above.
unsafe impl Sync for NativeCode {}

impl core::fmt::Debug for NativeCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "NativeCode({} functions)", self.functions.len())
    }
}

impl ModuleInfo {
    /// The kind and index of the export called `name`.
    pub fn export(&self, name: &str) -> Option<(ExportKind, u32)> {
        (self.exports.iter())
            .find(|(export, _, _)| export == name)
            .map(|&(_, kind, index)| (kind, index))
    }

    /// The signature of function `index` (imported or defined).
    pub fn func_type(&self, index: u32) -> &FuncType {
        &self.types[self.funcs[index as usize] as usize]
    }

    /// The body of defined function `index` (a function index, imports counted).
    #[cfg(feature = "wasm")]
    pub fn body(&self, index: u32) -> wasmparser::FunctionBody<'_> {
        let range = self.bodies[index as usize - self.num_imported_funcs].clone();
        let offset = range.start as u64;
        wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(&self.bytes[range], offset))
    }

    /// The metadata without the function bodies, as an AOT image carries it: `bytes` holds
    /// only the data segments' contents (their ranges re-based), `bodies` is empty.
    #[cfg(iwasm_compiler)]
    pub fn without_code(&self) -> ModuleInfo {
        let mut bytes = Vec::new();
        let data = self
            .data
            .iter()
            .map(|segment| {
                let start = bytes.len();
                bytes.extend_from_slice(&self.bytes[segment.bytes.clone()]);
                DataSegment {
                    active: segment.active,
                    bytes: start..bytes.len(),
                }
            })
            .collect();
        ModuleInfo {
            bytes,
            types: self.types.clone(),
            imports: self.imports.clone(),
            funcs: self.funcs.clone(),
            num_imported_funcs: self.num_imported_funcs,
            tables: self.tables.clone(),
            num_imported_tables: self.num_imported_tables,
            memories: self.memories.clone(),
            num_imported_memories: self.num_imported_memories,
            globals: self.globals.clone(),
            num_imported_globals: self.num_imported_globals,
            global_inits: self.global_inits.clone(),
            exports: self.exports.clone(),
            start: self.start,
            elements: self.elements.clone(),
            data,
            bodies: Vec::new(),
            func_names: self.func_names.clone(),
            native: None,
        }
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
#[cfg(feature = "wasm")]
pub(crate) fn supported_features() -> wasmparser::WasmFeatures {
    wasmparser::WasmFeatures::WASM2.difference(wasmparser::WasmFeatures::SIMD)
}

impl Module {
    /// The names of the module's exports, in the order the module declares them.
    pub fn export_names(&self) -> impl Iterator<Item = &str> {
        self.info.exports.iter().map(|(name, _, _)| name.as_str())
    }

    /// The module's imports as `(module, name)` pairs.
    pub fn import_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.info
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str()))
    }

    /// The module's imports as `(module, name, type)`, in the order the module declares them
    /// (the order [`Instance::new`](crate::Instance::new) takes them in).
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, ExternType)> {
        self.info.imports.iter().map(|i| {
            let ty = match &i.kind {
                ImportKind::Func(ty) => ExternType::Func(self.info.types[*ty as usize].clone()),
                ImportKind::Table(ty) => ExternType::Table(*ty),
                ImportKind::Memory(ty) => ExternType::Memory(*ty),
                ImportKind::Global(ty) => ExternType::Global(*ty),
            };
            (i.module.as_str(), i.name.as_str(), ty)
        })
    }

    /// The module's exports as `(name, type)`, in the order the module declares them.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> {
        self.info.exports.iter().map(|(name, kind, index)| {
            let index = *index as usize;
            let ty = match kind {
                ExportKind::Func => ExternType::Func(self.info.func_type(index as u32).clone()),
                ExportKind::Table => ExternType::Table(self.info.tables[index]),
                ExportKind::Memory => ExternType::Memory(self.info.memories[index]),
                ExportKind::Global => ExternType::Global(self.info.globals[index]),
            };
            (name.as_str(), ty)
        })
    }
}

/// Decodes and validates wasm binary `bytes` (see [`Module::new`]).
#[cfg(feature = "wasm")]
pub(crate) fn decode(bytes: &[u8]) -> Result<ModuleInfo, Error> {
    validate(bytes)?;
    sections::decode(bytes)
}

#[cfg(feature = "wasm")]
/// Validates with the supported feature set. A module that fails only because it uses a
/// proposal beyond what this runtime executes is unsupported, not invalid: it validates with
/// every proposal enabled, or (for proposals wasmparser is built without, like SIMD)
/// wasmparser says the proposal "is not enabled".
fn validate(bytes: &[u8]) -> Result<(), Error> {
    let mut validator = wasmparser::Validator::new_with_features(supported_features());
    let Err(err) = validator.validate_all(bytes) else {
        return Ok(());
    };
    let message = err.message();
    let disabled_proposal = message.contains("not enabled") || message.contains("must be enabled");
    let valid_with_all = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(bytes)
        .is_ok();
    if disabled_proposal || valid_with_all {
        Err(Error::Unsupported(message.into()))
    } else {
        Err(Error::Load(message.into()))
    }
}

#[cfg(all(test, feature = "wasm"))]
mod tests {
    use super::*;

    fn load(wat: &str) -> Result<Module, Error> {
        Module::new(&wat::parse_str(wat).expect("valid wat"))
    }

    #[test]
    fn decodes_index_spaces_imports_first() {
        let module = load(
            r#"(module
                (import "env" "f" (func $f (param i32)))
                (import "env" "g" (global $g i64))
                (import "env" "t" (table 1 funcref))
                (func $own (export "own") (result i32) (i32.const 1))
                (memory (export "mem") 1 3)
                (global (mut f32) (f32.const 0.5))
                (elem declare func $own)
                (data "\01\02")
                (start $own2) (func $own2))"#,
        )
        .unwrap();
        let info = &module.info;
        assert_eq!(info.num_imported_funcs, 1);
        assert_eq!(info.funcs.len(), 3);
        assert_eq!(info.globals.len(), 2);
        assert_eq!(info.num_imported_globals, 1);
        assert_eq!(info.global_inits, [ConstExpr::F32(0.5f32.to_bits())]);
        assert_eq!(
            info.memories,
            [MemoryType {
                min: 1,
                max: Some(3)
            }]
        );
        assert_eq!(info.export("own"), Some((ExportKind::Func, 1)));
        assert_eq!(info.export("mem"), Some((ExportKind::Memory, 0)));
        assert_eq!(info.start, Some(2));
        assert!(matches!(info.elements[0].mode, ElementMode::Declared));
        assert_eq!(&info.bytes[info.data[0].bytes.clone()], &[1, 2]);
        assert_eq!(info.bodies.len(), 2);
        let names: Vec<_> = module.import_names().collect();
        assert_eq!(names, [("env", "f"), ("env", "g"), ("env", "t")]);
    }

    #[test]
    fn function_names_come_from_the_name_section() {
        let module = load(r#"(module (func $alpha) (func) (func $gamma))"#).unwrap();
        assert_eq!(module.info.func_name(0), "alpha");
        assert_eq!(module.info.func_name(1), "$f1");
        assert_eq!(module.info.func_name(2), "gamma");
    }

    #[test]
    fn invalid_and_unsupported_are_told_apart() {
        let invalid = load(r#"(module (func (result i32)))"#).unwrap_err();
        assert!(matches!(invalid, Error::Load(_)), "{invalid:?}");
        let unsupported = load(r#"(module (memory i64 1))"#).unwrap_err();
        assert!(
            matches!(unsupported, Error::Unsupported(_)),
            "{unsupported:?}"
        );
    }
}
