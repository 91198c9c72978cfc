//! The runtime core's contract with every execution mode and with embedders: one stack
//! budget across re-entrant host calls, handles that know their store, memory limits.

use std::cell::Cell;
use std::rc::Rc;

use iwasm::{
    Config, Error, Func, Global, GlobalType, Linker, Memory, MemoryType, Module, Store, Table,
    TableType, Trap, TrapCode, ValType, Value,
};

fn module(wat: &str) -> Module {
    Module::new(&wat::parse_str(wat).unwrap()).unwrap()
}

/// `f(n)` calls the host, which calls `f(n + 1)` again: wasm → host → wasm → ... without end.
fn reentrant_recursion(store: &mut Store) -> Result<Vec<Value>, Error> {
    let callee: Rc<Cell<Option<Func>>> = Rc::default();
    let inner = callee.clone();
    let host = Func::wrap(store, move |caller: &mut iwasm::Caller<'_>, n: i32| {
        let f = inner.get().expect("set before the first call");
        match f.call(caller.store(), &[Value::I32(n + 1)]) {
            Ok(_) => Ok(()),
            Err(Error::Trap(trap)) => Err(trap),
            Err(other) => Err(Trap::host(other.to_string())),
        }
    });
    let mut linker = Linker::new();
    linker.define("env", "again", host);
    let wat = r#"(module (import "env" "again" (func $again (param i32)))
        (func (export "f") (param i32) (call $again (local.get 0))))"#;
    let instance = linker.instantiate(store, &module(wat)).unwrap();
    let f = instance.get_func(store, "f").unwrap();
    callee.set(Some(f));
    f.call(store, &[Value::I32(0)])
}

fn expect_stack_exhausted(result: Result<Vec<Value>, Error>) {
    match result {
        Err(Error::Trap(trap)) => assert_eq!(trap.code(), TrapCode::StackExhausted, "{trap}"),
        other => panic!("expected call stack exhausted, got {other:?}"),
    }
}

#[test]
fn reentrant_host_calls_a_million_deep_end_in_call_stack_exhausted() {
    // The call depth budget is large enough that the native stack runs out first.
    let config = Config {
        max_call_depth: 1_000_000,
        ..Config::default()
    };
    for stack_size in [256 << 10, 2 << 20, 16 << 20] {
        let config = config.clone();
        let outcome = std::thread::Builder::new()
            .stack_size(stack_size)
            .spawn(move || {
                let mut store = Store::with_config(config);
                expect_stack_exhausted(reentrant_recursion(&mut store));
                // The store is usable afterwards, its budget whole again.
                expect_stack_exhausted(reentrant_recursion(&mut store));
            })
            .unwrap()
            .join();
        assert!(outcome.is_ok(), "stack of {stack_size} bytes");
    }
}

#[test]
fn the_call_depth_budget_covers_host_reentry() {
    let mut store = Store::with_config(Config {
        max_call_depth: 100,
        ..Config::default()
    });
    expect_stack_exhausted(reentrant_recursion(&mut store));
}

/// Runs `f` and expects it to panic with the wrong-store message.
fn expect_wrong_store_panic(f: impl FnOnce()) {
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(message.contains("does not own"), "{message}");
}

fn expect_misuse<T: std::fmt::Debug>(result: Result<T, Error>) {
    assert!(matches!(result, Err(Error::Misuse(_))), "{result:?}");
}

#[test]
fn handles_used_with_another_store_are_refused() {
    let mut a = Store::new();
    let mut b = Store::new();
    let wat = r#"(module (func (export "f") (result i32) (i32.const 1))
        (memory (export "m") 1) (table (export "t") 1 funcref)
        (global (export "g") (mut i32) (i32.const 0)))"#;
    let instance = Linker::new().instantiate(&mut a, &module(wat)).unwrap();
    // Same indices exist in `b`: a handle of `a` must never reach them.
    Linker::new().instantiate(&mut b, &module(wat)).unwrap();
    let f = instance.get_func(&a, "f").unwrap();
    let m = instance.get_memory(&a, "m").unwrap();
    let t = instance.get_table(&a, "t").unwrap();
    let g = instance.get_global(&a, "g").unwrap();

    expect_misuse(f.call(&mut b, &[]));
    expect_misuse(m.grow(&mut b, 1));
    expect_misuse(g.set(&mut b, Value::I32(5)));
    expect_wrong_store_panic(|| {
        f.ty(&b);
    });
    expect_wrong_store_panic(|| {
        m.data(&b);
    });
    expect_wrong_store_panic(|| {
        t.get(&b, 0);
    });
    expect_wrong_store_panic(|| {
        g.get(&b);
    });
    expect_wrong_store_panic(|| {
        instance.get_export(&b, "f");
    });
    // A foreign function as a table value, a global value or an argument.
    let funcref = Value::FuncRef(Some(f));
    let ty = TableType {
        element: ValType::FuncRef,
        min: 1,
        max: None,
    };
    expect_misuse(Table::new(&mut b, ty, funcref));
    let ty = GlobalType {
        content: ValType::FuncRef,
        mutable: false,
    };
    expect_misuse(Global::new(&mut b, ty, funcref));
    // A foreign import.
    let mut linker = Linker::new();
    linker.define("env", "m", m);
    let importer = module(r#"(module (import "env" "m" (memory 1)))"#);
    expect_misuse(linker.instantiate(&mut b, &importer));
    // The owner still works.
    assert_eq!(f.call(&mut a, &[]).unwrap(), [Value::I32(1)]);
    assert_eq!(g.get(&a), Value::I32(0));
}

#[test]
fn memory_grows_to_its_maximum_then_fails() {
    let mut store = Store::new();
    let wat = r#"(module (memory (export "m") 1 3)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let instance = Linker::new().instantiate(&mut store, &module(wat)).unwrap();
    let grow = instance.get_func(&store, "grow").unwrap();
    let mut grow = |n| grow.call(&mut store, &[Value::I32(n)]).unwrap()[0];
    assert_eq!(grow(2), Value::I32(1));
    assert_eq!(grow(1), Value::I32(-1));
    assert_eq!(grow(0), Value::I32(3));
    assert_eq!(grow(-1), Value::I32(-1));
}

#[test]
fn the_store_caps_memories_below_their_declared_maximum() {
    let mut store = Store::with_config(Config {
        max_memory_pages: 4,
        ..Config::default()
    });
    let wat = r#"(module (memory (export "m") 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let instance = Linker::new().instantiate(&mut store, &module(wat)).unwrap();
    let grow = instance.get_func(&store, "grow").unwrap();
    assert_eq!(
        grow.call(&mut store, &[Value::I32(4)]).unwrap(),
        [Value::I32(-1)]
    );
    assert_eq!(
        grow.call(&mut store, &[Value::I32(3)]).unwrap(),
        [Value::I32(1)]
    );
    let memory = instance.get_memory(&store, "m").unwrap();
    assert_eq!(memory.size(&store), 4);
    assert!(memory.grow(&mut store, 1).is_err());
    // A memory whose minimum is over the cap cannot be created at all.
    let too_big = MemoryType { min: 5, max: None };
    assert!(matches!(
        Memory::new(&mut store, too_big),
        Err(Error::Resource(_))
    ));
    let err = Linker::new()
        .instantiate(&mut store, &module("(module (memory 5))"))
        .unwrap_err();
    assert!(matches!(err, Error::Resource(_)), "{err:?}");
}
