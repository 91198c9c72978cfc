//! Translator tests: the shape of the code emitted for small functions.

use alloc::vec::Vec;

use super::ops::Instr;
use super::translate::translate;
use crate::loader::Module;

/// Translates function `index` of the module in `wat`.
fn code_of(wat: &str, index: u32) -> Vec<Instr> {
    let module = Module::new(&wat::parse_str(wat).expect("valid wat")).expect("valid module");
    translate(&module.info, index, false, false)
        .expect("translates")
        .code
        .into_vec()
}

#[test]
fn local_get_is_free_and_constants_fold_into_immediates() {
    let code = code_of(
        r#"(module (func (param i32) (result i32)
            (i32.add (local.get 0) (i32.const 7))))"#,
        0,
    );
    // Slot 1 is reserved for the constant 7 (unused here: it folded); slot 2 is the result.
    assert_eq!(
        code,
        [
            Instr::I32AddImm {
                dst: 2,
                lhs: 0,
                imm: 7
            },
            Instr::ReturnSlot { src: 2 },
        ]
    );
}

#[test]
fn local_set_retargets_the_result() {
    let code = code_of(
        r#"(module (func (param i32 i32)
            (local.set 1 (i32.mul (local.get 0) (local.get 1)))))"#,
        0,
    );
    assert_eq!(
        code,
        [
            Instr::I32Mul {
                dst: 1,
                lhs: 0,
                rhs: 1
            },
            Instr::Return {}
        ]
    );
}

#[test]
fn pending_local_reads_survive_a_local_set() {
    // The first `local.get 0` must see the old value although local 0 changes before the add.
    let code = code_of(
        r#"(module (func (param i32) (result i32)
            (local.get 0)
            (local.set 0 (i32.const 5))
            (local.get 0)
            (i32.add)))"#,
        0,
    );
    // Slot 1 is the constant 5's; slot 2 the first operand's home.
    assert_eq!(code[0], Instr::Copy { dst: 2, src: 0 });
    assert_eq!(code[1], Instr::Const32 { dst: 0, value: 5 });
    // The new value of local 0 is also still in the accumulator.
    assert_eq!(
        code[2],
        Instr::I32AddAccR {
            dst: 2,
            lhs: 2,
            rhs: 0
        }
    );
}

#[test]
fn compare_and_branch_fuse() {
    let code = code_of(
        r#"(module (func (param i32 i32) (result i32)
            (block (br_if 0 (i32.lt_s (local.get 0) (local.get 1))))
            (i32.const 1)))"#,
        0,
    );
    assert!(
        matches!(
            code[0],
            Instr::BrI32LtS {
                lhs: 0,
                rhs: 1,
                target: 1
            }
        ),
        "{code:?}"
    );
}

#[test]
fn eqz_of_a_compare_is_the_negated_branch() {
    let code = code_of(
        r#"(module (func (param i32)
            (block (br_if 0 (i32.eqz (i32.lt_u (local.get 0) (i32.const 9)))))))"#,
        0,
    );
    assert!(
        matches!(code[0], Instr::BrI32GeUImm { lhs: 0, imm: 9, .. }),
        "{code:?}"
    );
}

#[test]
fn top_tested_loops_are_rotated() {
    let code = code_of(
        r#"(module (func (param i32)
            (block (loop
              (br_if 1 (i32.eqz (local.get 0)))
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (br 0)))))"#,
        0,
    );
    // test; decrement; negated test back to the decrement; exit jump; return.
    assert!(
        matches!(code[0], Instr::BrEqz { cond: 0, target: 4 }),
        "{code:?}"
    );
    assert_eq!(
        code[1],
        Instr::I32AddImm {
            dst: 0,
            lhs: 0,
            imm: -1
        }
    );
    assert!(
        matches!(
            code[2],
            // The decrement's result is still in the accumulator.
            Instr::BrNezAcc {
                cond: 0,
                target: -1
            }
        ),
        "{code:?}"
    );
    assert!(matches!(code[3], Instr::Br { target: 1 }), "{code:?}");
}

#[test]
fn if_results_forward_into_the_local() {
    let code = code_of(
        r#"(module (func (param i64 i32)
            (local.set 0 (if (result i64) (local.get 1)
              (then (i64.shr_u (local.get 0) (i64.const 1)))
              (else (i64.mul (local.get 0) (i64.const 3)))))))"#,
        0,
    );
    assert!(
        !code.iter().any(|i| matches!(i, Instr::Copy { .. })),
        "{code:?}"
    );
    assert!(
        code.contains(&Instr::I64ShrUImm {
            dst: 0,
            lhs: 0,
            imm: 1
        }),
        "{code:?}"
    );
    assert!(
        code.contains(&Instr::I64MulImm {
            dst: 0,
            lhs: 0,
            imm: 3
        }),
        "{code:?}"
    );
}

#[test]
fn operand_constants_get_frame_slots() {
    let module = Module::new(
        &wat::parse_str(
            r#"(module (func (param f64) (result f64)
                (f64.mul (local.get 0) (f64.const 2.5))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let code = translate(&module.info, 0, false, false).unwrap();
    assert_eq!(&*code.consts, &[(1, 2.5f64.to_bits())]);
    assert_eq!(
        code.code[0],
        Instr::F64Mul {
            dst: 2,
            lhs: 0,
            rhs: 1
        }
    );
}

#[test]
fn multi_value_returns_swap_through_home_slots() {
    // Returning (local 1, local 0): destination slots 0 and 1 overlap the sources.
    let code = code_of(
        r#"(module (func (param i32 i32) (result i32 i32)
            (local.get 1) (local.get 0)))"#,
        0,
    );
    let mut frame = [10u64, 20, 0, 0];
    for instr in &code {
        if let Instr::Copy { dst, src } = *instr {
            frame[dst as usize] = frame[src as usize];
        }
    }
    assert_eq!(&frame[..2], &[20, 10]);
}

/// Valid modules to mutate: the benchmark programs and a module touching every section.
fn seed_modules() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for name in ["fib", "loops", "sieve", "float", "memory", "sort", "vm"] {
        let path = alloc::format!(
            "{}/../tests/bench/programs/{name}.wat",
            env!("CARGO_MANIFEST_DIR")
        );
        seeds.push(wat::parse_file(path).expect("benchmark program parses"));
    }
    seeds.push(
        wat::parse_str(
            r#"(module
                (type $t (func (param i32) (result i32)))
                (import "env" "f" (func $f (type $t)))
                (table 2 funcref) (memory 1 2) (global $g (mut i32) (i32.const 1))
                (elem (i32.const 0) $f $h) (data (i32.const 8) "hello")
                (func $h (type $t) (local i64 f32)
                  (block (result i32) (loop (br_if 1 (local.get 0)) (br 0)))
                  (call_indirect (type $t) (i32.const 1))
                  (select (global.get $g) (memory.grow (i32.const 1)))
                  (i32.add))
                (start $s) (func $s)
                (export "h" (func $h)))"#,
        )
        .expect("seed parses"),
    );
    seeds
}

/// Loading, then translating every function, must give `Ok` or `Err`, never a panic.
fn load_and_translate(bytes: &[u8]) {
    if let Ok(module) = Module::new(bytes) {
        for index in module.info.num_imported_funcs..module.info.funcs.len() {
            let _ = translate(&module.info, index as u32, true, true);
        }
    }
}

#[test]
fn truncated_modules_are_errors_not_panics() {
    for seed in seed_modules() {
        // A cut at a section boundary can leave a valid module; anywhere else it must fail.
        for len in 0..seed.len() {
            load_and_translate(&seed[..len]);
        }
        assert!(Module::new(&seed[..seed.len() - 1]).is_err());
    }
}

#[test]
fn bit_flipped_modules_never_panic() {
    // A small deterministic generator: every byte position, one flipped bit each, three rounds.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for seed in seed_modules() {
        for round in 0..3 {
            for pos in 0..seed.len() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let mut mutated = seed.clone();
                mutated[pos] ^= 1 << ((state >> (round * 3)) % 8);
                load_and_translate(&mutated);
            }
        }
    }
}

#[test]
fn operands_just_computed_come_from_the_accumulator_except_at_labels() {
    let code = code_of(
        r#"(module (memory 1) (func (param i32 i32) (result i32)
            (i32.load (i32.add (local.get 0) (local.get 1)))
            (block (result i32) (local.get 0))
            (i32.mul)))"#,
        0,
    );
    assert_eq!(
        code[0],
        Instr::I32Add {
            dst: 2,
            lhs: 0,
            rhs: 1
        }
    );
    assert_eq!(
        code[1],
        Instr::I32LoadAcc {
            dst: 2,
            addr: 2,
            offset: 0
        }
    );
    // The block's end is a label: the multiply must read both operands from slots.
    let mul = code
        .iter()
        .find(|i| matches!(i.without_acc(), Instr::I32Mul { .. }))
        .unwrap();
    assert!(
        matches!(mul, Instr::I32Mul { .. } | Instr::I32MulAccR { .. }),
        "{code:?}"
    );
}
