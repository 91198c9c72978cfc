//! Which locals live in registers for a whole function: the most used ones (uses inside
//! loops count more), as many as the registers set aside for them allow.

use alloc::vec::Vec;

use wasmparser::{FunctionBody, Operator, ValType};

use super::masm::Reg;
use crate::error::Error;

/// Registers the code generator sets aside for locals, by class.
pub(crate) struct LocalRegisters<'a> {
    pub gprs: &'a [u8],
    pub fprs: &'a [u8],
}

/// Where each local lives.
pub(crate) struct Assignment {
    /// The register of each local (`None`: it lives in its frame slot).
    pub registers: Vec<Option<Reg>>,
    /// Whether the function ever writes each local (a local it never writes keeps its slot
    /// up to date, so a register copy need not be saved before calls).
    pub written: Vec<bool>,
}

/// Assigns registers to the locals of `types` in `body`. With `favour_written`, a write
/// weighs four reads: a local a loop updates in a slot puts a store and a reload on the
/// loop's critical path, while one it only reads costs a load off it.
pub(crate) fn assign(
    body: &FunctionBody<'_>,
    types: &[ValType],
    registers: LocalRegisters<'_>,
    favour_written: bool,
) -> Result<Assignment, Error> {
    let write_factor = if favour_written { 4 } else { 1 };
    let mut weights = alloc::vec![0u64; types.len()];
    let mut written = alloc::vec![false; types.len()];
    let mut loop_depth = 0u32;
    let mut blocks: Vec<bool> = Vec::new();
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        match reader.read()? {
            Operator::Loop { .. } => {
                blocks.push(true);
                loop_depth += 1;
            }
            Operator::Block { .. } | Operator::If { .. } => blocks.push(false),
            Operator::End => loop_depth -= blocks.pop().unwrap_or(false) as u32,
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let weight = write_factor << (3 * loop_depth.min(6));
                if let Some(w) = weights.get_mut(local_index as usize) {
                    *w += weight;
                    written[local_index as usize] = true;
                }
            }
            Operator::LocalGet { local_index } => {
                let weight = 1u64 << (3 * loop_depth.min(6));
                if let Some(w) = weights.get_mut(local_index as usize) {
                    *w += weight;
                }
            }
            _ => {}
        }
    }
    let mut order: Vec<usize> = (0..types.len()).filter(|&l| weights[l] > 0).collect();
    order.sort_by(|&a, &b| weights[b].cmp(&weights[a]).then(a.cmp(&b)));
    let mut assigned = alloc::vec![None; types.len()];
    let (mut gprs, mut fprs) = (registers.gprs.iter(), registers.fprs.iter());
    for local in order {
        let reg = match types[local] {
            ValType::F32 | ValType::F64 => fprs.next().map(|r| Reg::Fpr(*r)),
            ValType::I32 | ValType::I64 | ValType::Ref(_) => gprs.next().map(|r| Reg::Gpr(*r)),
            ValType::V128 => None,
        };
        assigned[local] = reg;
    }
    Ok(Assignment {
        registers: assigned,
        written,
    })
}
