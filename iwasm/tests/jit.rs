//! The JIT end to end: compiled functions, calls across tiers, traps out of compiled code.

#![cfg(target_arch = "x86_64")]

use iwasm::{Config, Error, Func, Linker, Module, RunningMode, Store, TrapCode, Value};

fn jit_store() -> Store {
    Store::with_mode(Config::default(), RunningMode::FastJit)
}

fn call(wat: &str, name: &str, args: &[Value]) -> Result<Vec<Value>, Error> {
    let mut store = jit_store();
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let instance = Linker::new().instantiate(&mut store, &module)?;
    let f = instance.get_func(&store, name).unwrap();
    f.call(&mut store, args)
}

const FIB: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;

#[test]
fn recursion() {
    assert_eq!(
        call(FIB, "fib", &[Value::I32(20)]).unwrap(),
        [Value::I32(6765)]
    );
}

#[test]
fn traps_leave_compiled_code() {
    let wat = r#"(module (func (export "div") (param i32 i32) (result i32)
        (i32.div_s (local.get 0) (local.get 1))))"#;
    let trap = |a, b| match call(wat, "div", &[Value::I32(a), Value::I32(b)]) {
        Err(Error::Trap(t)) => t.code(),
        other => panic!("{other:?}"),
    };
    assert_eq!(trap(1, 0), TrapCode::IntegerDivideByZero);
    assert_eq!(trap(i32::MIN, -1), TrapCode::IntegerOverflow);
    assert_eq!(
        call(wat, "div", &[Value::I32(7), Value::I32(-2)]).unwrap(),
        [Value::I32(-3)]
    );
}

#[test]
fn host_calls_and_reentry() {
    let mut store = jit_store();
    let mut linker = Linker::new();
    linker.define("env", "double", Func::wrap(&mut store, |x: i32| x * 2));
    let wat = r#"(module (import "env" "double" (func $d (param i32) (result i32)))
        (memory 1)
        (func (export "f") (param i32) (result i32)
          (i32.store (i32.const 8) (call $d (local.get 0)))
          (i32.load (i32.const 8))))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    assert_eq!(
        f.call(&mut store, &[Value::I32(21)]).unwrap(),
        [Value::I32(42)]
    );
}

#[test]
fn runaway_recursion_is_call_stack_exhausted() {
    let wat = r#"(module (func $r (export "r") (call $r)))"#;
    match call(wat, "r", &[]) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::StackExhausted),
        other => panic!("{other:?}"),
    }
}

/// A store that promotes functions after `threshold` calls plus loop iterations.
fn tiered_store(threshold: u32) -> Store {
    let config = Config {
        tier_up_threshold: threshold,
        ..Config::default()
    };
    Store::with_mode(config, RunningMode::MultiTierJit)
}

fn call_tiered(threshold: u32, wat: &str, name: &str, args: &[Value]) -> Result<Vec<Value>, Error> {
    let mut store = tiered_store(threshold);
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let instance = Linker::new().instantiate(&mut store, &module)?;
    let f = instance.get_func(&store, name).unwrap();
    f.call(&mut store, args)
}

#[test]
fn promotion_while_frames_of_the_function_are_live() {
    // fib recurses: it is promoted deep inside its own interpreted activations, which then
    // call (and return from) compiled code.
    for threshold in [1, 2, 5, 50, 1000] {
        assert_eq!(
            call_tiered(threshold, FIB, "fib", &[Value::I32(20)]).unwrap(),
            [Value::I32(6765)],
            "threshold {threshold}"
        );
    }
}

#[test]
fn a_long_loop_continues_in_compiled_code() {
    // A `main` entered once: its loop moves to compiled code mid-way (on-stack replacement)
    // with its locals, memory and globals as the interpreter left them.
    let wat = r#"(module (memory 1) (global $g (mut i64) (i64.const 7))
        (func (export "main") (param $n i32) (result i64) (local $i i32) (local $acc i64)
          (i32.store (i32.const 16) (i32.const 5))
          (loop $next
            (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
            (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
            (global.set $g (i64.add (global.get $g) (i64.const 1)))
            (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                   (local.get $n))))
          (i64.add (local.get $acc)
            (i64.add (global.get $g) (i64.extend_i32_u (i32.load (i32.const 16)))))))"#;
    let n = 100_000i64;
    let expected = n * (n - 1) / 2 + (7 + n) + (5 + n);
    for threshold in [2, 3, 100, 1000] {
        assert_eq!(
            call_tiered(threshold, wat, "main", &[Value::I32(n as i32)]).unwrap(),
            [Value::I64(expected)],
            "threshold {threshold}"
        );
    }
}

#[test]
fn traps_and_host_calls_across_tiers() {
    let mut store = tiered_store(2);
    let mut linker = Linker::new();
    linker.define("env", "double", Func::wrap(&mut store, |x: i32| x * 2));
    let wat = r#"(module (import "env" "double" (func $d (param i32) (result i32)))
        (func $inner (param i32) (result i32)
          (if (i32.eq (local.get 0) (i32.const 7)) (then unreachable))
          (call $d (local.get 0)))
        (func (export "run") (param $n i32) (result i32) (local $i i32) (local $sum i32)
          (loop $l
            (local.set $sum (i32.add (local.get $sum) (call $inner (local.get $i))))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                (local.get $n))))
          (local.get $sum)))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    assert_eq!(
        run.call(&mut store, &[Value::I32(7)]).unwrap(),
        [Value::I32(42)]
    );
    match run.call(&mut store, &[Value::I32(8)]) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::Unreachable),
        other => panic!("{other:?}"),
    }
    // The store is usable after a trap out of compiled code.
    assert_eq!(
        run.call(&mut store, &[Value::I32(3)]).unwrap(),
        [Value::I32(6)]
    );
}

#[test]
fn out_of_bounds_accesses_trap_with_guard_pages_and_explicit_checks() {
    let wat = r#"(module (memory 1 4)
        (func (export "load") (param i32) (result i32) (i32.load offset=8 (local.get 0)))
        (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#;
    for guard_pages in [true, false] {
        let config = Config {
            guard_pages,
            ..Config::default()
        };
        let mut store = Store::with_mode(config, RunningMode::FastJit);
        let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let load = instance.get_func(&store, "load").unwrap();
        let grow = instance.get_func(&store, "grow").unwrap();
        let trap = |store: &mut Store, addr: i32| match load.call(store, &[Value::I32(addr)]) {
            Err(Error::Trap(t)) => t.code(),
            other => panic!("guard pages {guard_pages}: {other:?}"),
        };
        assert_eq!(
            load.call(&mut store, &[Value::I32(65524)]).unwrap(),
            [Value::I32(0)]
        );
        assert_eq!(trap(&mut store, 65525), TrapCode::MemoryOutOfBounds);
        assert_eq!(trap(&mut store, -1), TrapCode::MemoryOutOfBounds);
        // After growing, the new page is in bounds; the one after it is not.
        assert_eq!(grow.call(&mut store, &[]).unwrap(), [Value::I32(1)]);
        assert_eq!(
            load.call(&mut store, &[Value::I32(65525)]).unwrap(),
            [Value::I32(0)]
        );
        assert_eq!(trap(&mut store, 131061), TrapCode::MemoryOutOfBounds);
    }
}
