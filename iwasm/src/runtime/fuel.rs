//! Fuel metering (opt-in, [`Config::consume_fuel`](crate::Config::consume_fuel)): a store's
//! budget of executed wasm operators.
//!
//! Every tier charges the same amounts at the same points, so a budget trips at the same
//! operator whichever tier runs the code. A function body is cut into *segments* at the
//! points control flow can join or leave: the function's start, after `loop` (the target of
//! its back edges), after `if` and `else`, after `end`, and after `br`, `br_table`,
//! `return` and `unreachable` (what follows them is unreachable until the next `end` or
//! `else`). On entering a segment, its whole cost is charged at once: one unit per operator,
//! except `nop`, `drop`, `block`, `loop`, `else` and `end`, which are free (as Wasmtime
//! counts). A segment left early by `br_if` or a trap has been paid in full; a
//! call inside a segment charges the callee's segments as it runs them. If the fuel left is
//! less than a segment's cost, the guest traps with
//! [`TrapCode::OutOfFuel`](crate::TrapCode::OutOfFuel) before running any of it, and the
//! fuel left is unchanged.

use alloc::vec::Vec;

use wasmparser::{FunctionBody, Operator};

use crate::error::Error;

/// Fuel one operator costs.
fn cost(op: &Operator<'_>) -> u32 {
    match op {
        Operator::Nop
        | Operator::Drop
        | Operator::Block { .. }
        | Operator::Loop { .. }
        | Operator::End
        | Operator::Else => 0,
        _ => 1,
    }
}

/// Whether a new segment starts after `op`.
fn ends_segment(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::Unreachable
    )
}

/// Where one function's charges go: walked along with its operators by a translator, which
/// asks [`FuelPlan::charge_before`] once per operator, in order.
#[derive(Default)]
pub(crate) struct FuelPlan {
    /// `(operator index, cost)` of each segment that costs anything, in order.
    charges: Vec<(u32, u32)>,
    /// The next entry of `charges`.
    next: usize,
    /// The index of the next operator asked about.
    op: u32,
}

impl FuelPlan {
    /// The plan for `body`; an empty one (no charges) if `metered` is false.
    pub(crate) fn new(body: &FunctionBody<'_>, metered: bool) -> Result<FuelPlan, Error> {
        let mut charges = Vec::new();
        if metered {
            let mut ops = body.get_operators_reader()?;
            let (mut start, mut sum, mut index) = (0u32, 0u32, 0u32);
            while !ops.eof() {
                let op = ops.read()?;
                sum = sum.saturating_add(cost(&op));
                index += 1;
                if ends_segment(&op) || ops.eof() {
                    if sum > 0 {
                        charges.push((start, sum));
                    }
                    (start, sum) = (index, 0);
                }
            }
        }
        Ok(FuelPlan {
            charges,
            next: 0,
            op: 0,
        })
    }

    /// The fuel to charge before the next operator (which this call moves past), if a
    /// segment that costs anything starts there.
    pub(crate) fn charge_before(&mut self) -> Option<u32> {
        let op = self.op;
        self.op += 1;
        match self.charges.get(self.next) {
            Some(&(at, cost)) if at == op => {
                self.next += 1;
                Some(cost)
            }
            _ => None,
        }
    }
}

/// Takes `cost` from `fuel`, or leaves it alone and says the guest is out of fuel.
#[inline(always)]
pub(crate) fn consume(fuel: &mut u64, cost: u32) -> bool {
    match fuel.checked_sub(cost as u64) {
        Some(left) => {
            *fuel = left;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The charges of function 0 of `wat`.
    fn charges(wat: &str) -> Vec<(u32, u32)> {
        let bytes = wat::parse_str(wat).unwrap();
        let module = crate::Module::new(&bytes).unwrap();
        let body = module.info.body(0);
        FuelPlan::new(&body, true).unwrap().charges
    }

    #[test]
    fn segments_start_where_control_flow_joins() {
        // 0 local.get, 1 if, 2 i32.const, 3 local.set, 4 else, 5 nop, 6 end, 7 loop,
        // 8 local.get, 9 br_if, 10 end, 11 end.
        let wat = r#"(module (func (param i32) (local i32)
            (if (local.get 0) (then (local.set 1 (i32.const 5))) (else (nop)))
            (loop (br_if 0 (local.get 1)))))"#;
        assert_eq!(charges(wat), [(0, 2), (2, 2), (8, 2)]);
    }

    #[test]
    fn code_after_a_branch_is_not_charged_with_it() {
        // 0 block, 1 br, 2 i32.const, 3 drop, 4 end, 5 i32.const, 6 drop, 7 end.
        let wat = r#"(module (func
            (block (br 0) (drop (i32.const 1))) (drop (i32.const 2))))"#;
        assert_eq!(charges(wat), [(0, 1), (2, 1), (5, 1)]);
    }

    #[test]
    fn the_plan_is_walked_operator_by_operator() {
        let mut plan = FuelPlan {
            charges: alloc::vec![(0, 3), (2, 1)],
            next: 0,
            op: 0,
        };
        let walked: Vec<_> = (0..4).map(|_| plan.charge_before()).collect();
        assert_eq!(walked, [Some(3), None, Some(1), None]);
    }

    #[test]
    fn running_out_leaves_the_fuel_alone() {
        let mut fuel = 5;
        assert!(consume(&mut fuel, 5));
        assert_eq!(fuel, 0);
        assert!(!consume(&mut fuel, 1));
        assert_eq!(fuel, 0);
    }
}
