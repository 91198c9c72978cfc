//! Value types, runtime values and the types of functions, globals, tables and memories.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::runtime::Func;

/// A WebAssembly value type (wasm 2.0, without SIMD).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// Nullable reference to a function.
    FuncRef,
    /// Nullable reference to a host value.
    ExternRef,
}

impl ValType {
    /// Converts a wasmparser value type; `None` for types beyond wasm 2.0.
    #[cfg(feature = "wasm")]
    pub(crate) fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::Ref(r) if r == wasmparser::RefType::FUNCREF => ValType::FuncRef,
            W::Ref(r) if r == wasmparser::RefType::EXTERNREF => ValType::ExternRef,
            _ => return None,
        })
    }

    /// The wasmparser value type.
    #[cfg(feature = "wasm")]
    #[cfg(iwasm_compiler)]
    pub(crate) fn to_wasmparser(self) -> wasmparser::ValType {
        use wasmparser::ValType as W;
        match self {
            ValType::I32 => W::I32,
            ValType::I64 => W::I64,
            ValType::F32 => W::F32,
            ValType::F64 => W::F64,
            ValType::FuncRef => W::Ref(wasmparser::RefType::FUNCREF),
            ValType::ExternRef => W::Ref(wasmparser::RefType::EXTERNREF),
        }
    }

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

/// A runtime value. Floats are kept as raw bits so NaN payloads survive unchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// 32-bit integer.
    I32(i32),
    /// 64-bit integer.
    I64(i64),
    /// 32-bit float, as raw IEEE bits.
    F32(u32),
    /// 64-bit float, as raw IEEE bits.
    F64(u64),
    /// A function reference or null.
    FuncRef(Option<Func>),
    /// A host reference (an embedder-chosen handle) or null.
    ExternRef(Option<u32>),
}

impl Value {
    /// The type of this value.
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// An `f32` value.
    pub fn from_f32(v: f32) -> Value {
        Value::F32(v.to_bits())
    }

    /// An `f64` value.
    pub fn from_f64(v: f64) -> Value {
        Value::F64(v.to_bits())
    }

    /// The zero value (or null reference) of a type.
    pub fn default_for(ty: ValType) -> Value {
        match ty {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::FuncRef => Value::FuncRef(None),
            ValType::ExternRef => Value::ExternRef(None),
        }
    }
}

/// The signature of a function.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FuncType {
    params_results: Box<[ValType]>,
    num_params: usize,
}

impl FuncType {
    /// A function type from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let mut all: Vec<ValType> = params.into_iter().collect();
        let num_params = all.len();
        all.extend(results);
        FuncType {
            params_results: all.into_boxed_slice(),
            num_params,
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params_results[..self.num_params]
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.params_results[self.num_params..]
    }
}

/// The type of a global variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct GlobalType {
    /// The type of the value held.
    pub content: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

/// The type of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct TableType {
    /// The element type (`FuncRef` or `ExternRef`).
    pub element: ValType,
    /// Initial number of elements.
    pub min: u32,
    /// Maximum number of elements, if bounded.
    pub max: Option<u32>,
}

/// The type of a linear memory, in 64 KiB pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct MemoryType {
    /// Initial size in pages.
    pub min: u32,
    /// Maximum size in pages, if bounded.
    pub max: Option<u32>,
}

/// The type of anything a module imports or exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// A function's signature.
    Func(FuncType),
    /// A global's type.
    Global(GlobalType),
    /// A table's type.
    Table(TableType),
    /// A memory's type.
    Memory(MemoryType),
}

/// The size of a wasm page in bytes.
pub const PAGE_SIZE: usize = 65536;
/// The most pages a 32-bit linear memory can have (4 GiB).
pub const MAX_PAGES: u32 = 65536;
