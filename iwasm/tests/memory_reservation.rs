//! Growing a linear memory commits address space reserved up front: it is fast, and the new
//! pages cost no resident memory until the guest touches them. (Its own test binary, so no
//! other test's allocations disturb the resident-set figures.)

#![cfg(all(target_os = "linux", target_pointer_width = "64"))]

use std::time::{Duration, Instant};

use iwasm::{Linker, Module, Store, Value};

/// The process's resident set, in bytes (from /proc/self/statm).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn growing_to_4_gib_is_fast_and_adds_no_resident_memory() {
    let wat = r#"(module (memory (export "m") 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
        (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new();
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let func = |name| instance.get_func(&store, name).unwrap();
    let (grow, poke, peek) = (func("grow"), func("poke"), func("peek"));

    let before = resident_bytes();
    let start = Instant::now();
    let old = grow.call(&mut store, &[Value::I32(65535)]).unwrap();
    let took = start.elapsed();
    let added = resident_bytes().saturating_sub(before);
    assert_eq!(old, [Value::I32(1)]);
    assert!(took < Duration::from_millis(100), "grow took {took:?}");
    assert!(added < 8 << 20, "grow added {added} resident bytes");

    // The whole range is usable, and reads zero until written.
    let last = Value::I32(-1);
    assert_eq!(peek.call(&mut store, &[last]).unwrap(), [Value::I32(0)]);
    poke.call(&mut store, &[last, Value::I32(7)]).unwrap();
    assert_eq!(peek.call(&mut store, &[last]).unwrap(), [Value::I32(7)]);
    assert_eq!(
        grow.call(&mut store, &[Value::I32(1)]).unwrap(),
        [Value::I32(-1)]
    );
}
