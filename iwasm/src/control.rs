//! The shape of wasm control frames, shared by every tier that walks function bodies (the
//! interpreter's translator and the compiler).

use wasmparser::BlockType;

use crate::loader::ModuleInfo;

/// What opened a control frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CtrlKind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

impl CtrlKind {
    /// The values a branch to a frame of this kind carries: a loop's parameters, any other
    /// frame's results.
    pub(crate) fn branch_arity(self, params: usize, results: usize) -> usize {
        if self == CtrlKind::Loop {
            params
        } else {
            results
        }
    }
}

/// A block type's `(parameters, results)` counts in `module`.
pub(crate) fn block_arity(module: &ModuleInfo, ty: BlockType) -> (usize, usize) {
    match ty {
        BlockType::Empty => (0, 0),
        BlockType::Type(_) => (0, 1),
        BlockType::FuncType(index) => {
            let ty = &module.types[index as usize];
            (ty.params().len(), ty.results().len())
        }
    }
}
