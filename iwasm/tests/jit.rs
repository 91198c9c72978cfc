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
