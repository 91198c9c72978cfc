//! AOT images: compiled once, loaded back from their bytes, run like the module; corrupt or
//! foreign images are errors, never crashes.

#![cfg(target_arch = "x86_64")]

use iwasm::{compile_aot, Error, Func, Linker, Module, Store, TrapCode, Value};

const WAT: &str = r#"(module
    (import "env" "double" (func $double (param i32) (result i32)))
    (memory (export "mem") 1)
    (global $count (export "count") (mut i32) (i32.const 0))
    (table 2 funcref) (elem (i32.const 0) $inc $boom)
    (data (i32.const 16) "\2a")
    (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $boom (param i32) (result i32) (unreachable))
    (func (export "run") (param i32) (result i32)
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (call $double (call_indirect (param i32) (result i32)
        (i32.load8_u (i32.const 16)) (local.get 0)))))"#;

fn image() -> Vec<u8> {
    let module = Module::new(&wat::parse_str(WAT).unwrap()).unwrap();
    compile_aot(&module).unwrap()
}

#[test]
fn an_image_runs_like_its_module() {
    let image = image();
    assert!(image.starts_with(b"\0aot"));
    let module = Module::new(&image).unwrap();
    let mut store = Store::new();
    let mut linker = Linker::new();
    linker.define("env", "double", Func::wrap(&mut store, |x: i32| x * 2));
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    assert_eq!(
        run.call(&mut store, &[Value::I32(0)]).unwrap(),
        [Value::I32(86)]
    );
    match run.call(&mut store, &[Value::I32(1)]) {
        Err(Error::Trap(trap)) => assert_eq!(trap.code(), TrapCode::Unreachable),
        other => panic!("{other:?}"),
    }
    let count = instance.get_global(&store, "count").unwrap();
    assert_eq!(count.get(&store), Value::I32(2));
}

#[test]
fn corrupt_and_truncated_images_are_errors() {
    let image = image();
    for at in 0..image.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = image.clone();
            bad[at] ^= bit;
            assert!(Module::new(&bad).is_err(), "flip {bit:#x} at {at} loaded");
        }
    }
    for len in 0..image.len() {
        assert!(
            Module::new(&image[..len]).is_err(),
            "truncated to {len} loaded"
        );
    }
}

#[test]
fn another_format_version_is_refused_with_the_supported_range() {
    let mut image = image();
    image[4..6].copy_from_slice(&3u16.to_le_bytes());
    match Module::new(&image) {
        Err(Error::Unsupported(message)) => assert_eq!(
            message,
            "AOT format version 3 is not supported by this runtime (supports 1..=1)"
        ),
        other => panic!("{other:?}"),
    }
}
