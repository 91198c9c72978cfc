//! AOT images: compiled once, loaded back from their bytes, run like the module; corrupt or
//! foreign images are errors, never crashes.

#![cfg(target_arch = "x86_64")]

use iwasm::{compile_aot, AotOptions, Error, Func, Linker, Module, Store, TrapCode, Value};

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
    compile_aot(&module, &AotOptions::default()).unwrap()
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
            "AOT format version 3 is not supported by this runtime (supports 2..=2)"
        ),
        other => panic!("{other:?}"),
    }
}

fn compiled(wat: &str, options: &AotOptions) -> Module {
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    Module::new(&compile_aot(&module, options).unwrap()).unwrap()
}

#[test]
fn guard_page_images_need_guard_pages_and_checked_images_run_anywhere() {
    let wat = r#"(module (memory 1)
        (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))"#;
    let no_guard_pages = || {
        Store::with_config(iwasm::Config {
            guard_pages: false,
            ..iwasm::Config::default()
        })
    };
    let guarded = compiled(wat, &AotOptions::default());
    match Linker::new().instantiate(&mut no_guard_pages(), &guarded) {
        Err(Error::Unsupported(message)) => {
            assert!(message.contains("--bounds-checks=1"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let checked = AotOptions {
        bounds_checks: true,
        ..AotOptions::default()
    };
    for (module, mut store) in [
        (guarded, Store::new()),
        (compiled(wat, &checked), no_guard_pages()),
    ] {
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let peek = instance.get_func(&store, "peek").unwrap();
        assert_eq!(
            peek.call(&mut store, &[Value::I32(65532)]).unwrap(),
            [Value::I32(0)]
        );
        match peek.call(&mut store, &[Value::I32(65533)]) {
            Err(Error::Trap(trap)) => assert_eq!(trap.code(), TrapCode::MemoryOutOfBounds),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn bit_counts_agree_with_and_without_cpu_features() {
    let wat = r#"(module
        (func (export "i32") (param i32) (result i32 i32 i32)
          (i32.clz (local.get 0)) (i32.ctz (local.get 0)) (i32.popcnt (local.get 0)))
        (func (export "i64") (param i64) (result i64 i64 i64)
          (i64.clz (local.get 0)) (i64.ctz (local.get 0)) (i64.popcnt (local.get 0))))"#;
    let mut feature_sets = vec![Vec::new()];
    feature_sets.extend(iwasm::CpuFeature::ALL.map(|f| vec![f]));
    feature_sets.push(iwasm::CpuFeature::ALL.to_vec());
    for cpu_features in feature_sets {
        let options = AotOptions {
            cpu_features: cpu_features.clone(),
            ..AotOptions::default()
        };
        let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
        let image = compile_aot(&module, &options).unwrap();
        let module = match Module::new(&image) {
            Err(Error::Unsupported(message)) => {
                assert!(cpu_features.iter().any(|f| !f.is_detected()), "{message}");
                assert!(message.contains("which this CPU lacks"), "{message}");
                continue;
            }
            loaded => loaded.unwrap(),
        };
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let (f32, f64) = (
            instance.get_func(&store, "i32").unwrap(),
            instance.get_func(&store, "i64").unwrap(),
        );
        for x in [0u32, 1, 2, 0x8000_0000, 0xffff_ffff, 0x0f00_f000] {
            let want = [x.leading_zeros(), x.trailing_zeros(), x.count_ones()]
                .map(|n| Value::I32(n as i32));
            let got = f32.call(&mut store, &[Value::I32(x as i32)]).unwrap();
            assert_eq!(got, want, "{x:#x} with {cpu_features:?}");
        }
        for x in [0u64, 1, 1 << 63, u64::MAX, 0x00f0_0000_0000_0100] {
            let want = [x.leading_zeros(), x.trailing_zeros(), x.count_ones()]
                .map(|n| Value::I64(n as i64));
            let got = f64.call(&mut store, &[Value::I64(x as i64)]).unwrap();
            assert_eq!(got, want, "{x:#x} with {cpu_features:?}");
        }
    }
}
