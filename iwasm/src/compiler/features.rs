//! Which WebAssembly features (post-MVP proposals) a module and its compiled code use, for
//! the AOT image to record by name (see `aot::features`).

use alloc::string::String;
use alloc::vec::Vec;

use wasmparser::{BlockType, Operator};

use crate::aot::features::SUPPORTED;
use crate::loader::{ElementMode, ExportKind, ImportKind, ModuleInfo};
use crate::values::ValType;

/// A set of [`SUPPORTED`] features, by index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct WasmFeatures(u8);

const MUTABLE_GLOBAL: u8 = 1 << 0;
const SIGN_EXTENSION: u8 = 1 << 1;
const SATURATING: u8 = 1 << 2;
const MULTI_VALUE: u8 = 1 << 3;
const BULK_MEMORY: u8 = 1 << 4;
const REFERENCE_TYPES: u8 = 1 << 5;

impl WasmFeatures {
    /// The features in both sets.
    pub(crate) fn union(self, other: WasmFeatures) -> WasmFeatures {
        WasmFeatures(self.0 | other.0)
    }

    /// The names of the features in the set.
    pub(crate) fn names(self) -> Vec<String> {
        (SUPPORTED.iter().enumerate())
            .filter(|(bit, _)| self.0 & 1 << bit != 0)
            .map(|(_, name)| String::from(*name))
            .collect()
    }

    /// The features operator `op` uses.
    pub(crate) fn of_operator(op: &Operator<'_>) -> WasmFeatures {
        use Operator as O;
        WasmFeatures(match op {
            O::I32Extend8S
            | O::I32Extend16S
            | O::I64Extend8S
            | O::I64Extend16S
            | O::I64Extend32S => SIGN_EXTENSION,
            O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U => SATURATING,
            O::MemoryCopy { .. }
            | O::MemoryFill { .. }
            | O::MemoryInit { .. }
            | O::DataDrop { .. }
            | O::TableCopy { .. }
            | O::TableInit { .. }
            | O::ElemDrop { .. } => BULK_MEMORY,
            O::RefNull { .. }
            | O::RefIsNull
            | O::RefFunc { .. }
            | O::TableGet { .. }
            | O::TableSet { .. }
            | O::TableSize { .. }
            | O::TableGrow { .. }
            | O::TableFill { .. }
            | O::TypedSelect { .. } => REFERENCE_TYPES,
            O::CallIndirect { table_index, .. } if *table_index != 0 => REFERENCE_TYPES,
            O::Block { blockty } | O::Loop { blockty } | O::If { blockty }
                if matches!(blockty, BlockType::FuncType(_)) =>
            {
                MULTI_VALUE
            }
            _ => 0,
        })
    }

    /// The features `module`'s declarations use (types, imports, exports, globals,
    /// tables and segments; not its code).
    pub(crate) fn of_module(module: &ModuleInfo) -> WasmFeatures {
        let mut bits = 0;
        if module.types.iter().any(|t| t.results().len() > 1) {
            bits |= MULTI_VALUE;
        }
        let mutable_import = module.imports.iter().any(|i| match &i.kind {
            ImportKind::Global(g) => g.mutable,
            _ => false,
        });
        let mutable_export = module.exports.iter().any(|(_, kind, index)| {
            *kind == ExportKind::Global
                && module
                    .globals
                    .get(*index as usize)
                    .is_some_and(|g| g.mutable)
        });
        if mutable_import || mutable_export {
            bits |= MUTABLE_GLOBAL;
        }
        let reference = |t: &ValType| matches!(t, ValType::FuncRef | ValType::ExternRef);
        let references_in_types = module
            .types
            .iter()
            .any(|t| t.params().iter().chain(t.results()).any(reference));
        let references_elsewhere = module.tables.len() > 1
            || module
                .tables
                .iter()
                .any(|t| t.element == ValType::ExternRef)
            || module.globals.iter().any(|g| reference(&g.content));
        if references_in_types || references_elsewhere {
            bits |= REFERENCE_TYPES;
        }
        let passive_data = module.data.iter().any(|d| d.active.is_none());
        let passive_elements =
            (module.elements.iter()).any(|e| matches!(e.mode, ElementMode::Passive));
        if passive_data || passive_elements {
            bits |= BULK_MEMORY;
        }
        if (module.elements.iter()).any(|e| matches!(e.mode, ElementMode::Declared)) {
            bits |= REFERENCE_TYPES;
        }
        WasmFeatures(bits)
    }
}
