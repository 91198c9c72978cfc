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
    image[4..6].copy_from_slice(&2u16.to_le_bytes());
    match Module::new(&image) {
        Err(Error::Unsupported(message)) => assert_eq!(
            message,
            "AOT format version 2 is not supported by this runtime (supports 3..=3)"
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

/// Calls `export` with each of `inputs` in the interpreter and in images at every
/// `--opt-level`, with guard pages and with bounds checks; all must agree.
fn agrees_at_every_level(wat: &str, export: &str, inputs: &[i32]) {
    let wasm = wat::parse_str(wat).unwrap();
    let run = |module: &Module, mode: iwasm::RunningMode| {
        let mut store = Store::with_mode(iwasm::Config::default(), mode);
        let instance = Linker::new().instantiate(&mut store, module).unwrap();
        let func = instance.get_func(&store, export).unwrap();
        inputs
            .iter()
            .map(|x| match func.call(&mut store, &[Value::I32(*x)]) {
                Ok(values) => format!("{values:?}"),
                Err(Error::Trap(trap)) => format!("trap {:?}", trap.code()),
                Err(e) => panic!("{e}"),
            })
            .collect::<Vec<_>>()
    };
    let module = Module::new(&wasm).unwrap();
    let expected = run(&module, iwasm::RunningMode::Interp);
    for opt_level in 0..=3 {
        for bounds_checks in [false, true] {
            let options = AotOptions {
                opt_level,
                bounds_checks,
                ..AotOptions::default()
            };
            let image = Module::new(&compile_aot(&module, &options).unwrap()).unwrap();
            let got = run(&image, iwasm::RunningMode::Interp);
            assert_eq!(got, expected, "{options:?}");
        }
    }
}

#[test]
fn inlined_calls_behave_like_calls() {
    // Small leaf callees (inlined at --opt-level=3): returns from nested blocks, branches
    // to the function level carrying values, several results, declared locals that start
    // at zero on every call, a trap, and callers whose locals and pending values must
    // survive the callee's code.
    let wat = r#"(module
        (memory 1)
        (func $pick (param i32 i32) (result i32)
          (block (result i32)
            (if (i32.lt_s (local.get 0) (i32.const 0)) (then (return (local.get 1))))
            (drop (br_if 1 (i32.const 7) (i32.eqz (local.get 0))))
            (i32.add (local.get 0) (local.get 1))))
        (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
        (func $counter (param i32) (result i32) (local i32)
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (local.get 1))
        (func $store (param i32 i32) (i32.store (local.get 0) (local.get 1)))
        (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
        (func $max (param f64 f64) (result f64)
          (if (result f64) (f64.gt (local.get 0) (local.get 1))
            (then (local.get 0)) (else (local.get 1))))
        (func (export "run") (param $x i32) (result i32)
          (local $acc i32) (local $i i32)
          (loop $again
            (local.set $acc (i32.add (local.get $acc)
              (call $pick (i32.sub (local.get $x) (local.get $i)) (local.get $i))))
            (call $swap (local.get $acc) (local.get $i))
            (local.set $acc (i32.sub))
            (local.set $acc (i32.add (local.get $acc) (call $counter (local.get $i))))
            (call $store (i32.mul (local.get $i) (i32.const 4)) (local.get $acc))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $again (i32.lt_u (local.get $i) (i32.const 10))))
          (i32.add
            (i32.add (local.get $acc) (i32.load (i32.const 8)))
            (i32.add
              (i32.trunc_f64_s (call $max (f64.convert_i32_s (local.get $x)) (f64.const 2.5)))
              (call $div (i32.const 1000) (i32.sub (local.get $x) (i32.const 3)))))))"#;
    agrees_at_every_level(wat, "run", &[-5, 0, 1, 2, 3, 4, 9, 100, i32::MIN, i32::MAX]);
}

#[test]
fn an_image_is_not_compiled_again() {
    let module = Module::new(&image()).unwrap();
    assert!(matches!(
        compile_aot(&module, &AotOptions::default()),
        Err(Error::Unsupported(_))
    ));
    assert!(matches!(
        iwasm::compile_all_functions(&module),
        Err(Error::Unsupported(_))
    ));
}

#[test]
fn the_target_is_an_input_checked_before_compiling() {
    let wasm = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
    let module = Module::new(&wasm).unwrap();
    let x86_64 = AotOptions {
        target: iwasm::Arch::X86_64,
        ..AotOptions::default()
    };
    assert!(compile_aot(&module, &x86_64).is_ok());
    assert!(iwasm::Arch::X86_64.has_compiler());
    assert!(iwasm::Arch::Aarch64.has_compiler());
    let aarch64 = AotOptions {
        target: iwasm::Arch::Aarch64,
        ..AotOptions::default()
    };
    let image = compile_aot(&module, &aarch64).unwrap();
    if iwasm::Arch::host() != Some(iwasm::Arch::Aarch64) {
        let Err(Error::Unsupported(message)) = Module::new(&image) else {
            panic!("another machine's image was loaded")
        };
        assert!(message.contains("aarch64"), "{message}");
    }
    let foreign_feature = AotOptions {
        cpu_features: vec![iwasm::CpuFeature::Popcnt],
        ..aarch64
    };
    assert!(matches!(
        compile_aot(&module, &foreign_feature),
        Err(Error::Unsupported(_))
    ));
}

#[test]
fn images_name_the_wasm_features_they_use_and_unknown_ones_are_refused() {
    let wat = r#"(module (func (export "f") (param i32) (result i32)
        (i32.extend8_s (local.get 0))))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let mut image = compile_aot(&module, &AotOptions::default()).unwrap();
    let name = b"sign-extension";
    let at = image
        .windows(name.len())
        .position(|w| w == name)
        .expect("the image names the feature");
    assert!(Module::new(&image).is_ok());
    // The same image needing a feature this runtime does not know (integrity hash redone).
    image[at + name.len() - 1] = b'X';
    let body = image.len() - 8;
    let hash = xxhash_rust::xxh3::xxh3_64(&image[..body]);
    image[body..].copy_from_slice(&hash.to_le_bytes());
    match Module::new(&image) {
        Err(Error::Unsupported(message)) => assert_eq!(
            message,
            "the AOT image uses wasm feature sign-extensioX, which this runtime does not run"
        ),
        other => panic!("{other:?}"),
    }
}

/// `image` with its integrity hash recomputed (as a tampered image would have it).
fn rehashed(mut image: Vec<u8>) -> Vec<u8> {
    let body = image.len() - 8;
    let hash = xxhash_rust::xxh3::xxh3_64(&image[..body]);
    image[body..].copy_from_slice(&hash.to_le_bytes());
    image
}

#[test]
fn well_hashed_but_altered_images_load_and_instantiate_or_fail_cleanly() {
    // Every byte changed three ways, the hash made to match: loading and instantiating
    // (which runs no code here: no start function) is an error or works, never a panic. The
    // metadata's counts, indices and ranges are all checked; altered machine code is what
    // the hash is for (see the trust rule in wamrc/README.md).
    let image = image();
    let mut loaded = 0;
    for at in 8..image.len() - 8 {
        for change in [|b: u8| b ^ 0x01, |b: u8| b ^ 0x80, |_| 0xff] {
            let mut altered = image.clone();
            altered[at] = change(altered[at]);
            let Ok(module) = Module::new(&rehashed(altered)) else {
                continue;
            };
            loaded += 1;
            let mut store = Store::new();
            let mut linker = Linker::new();
            linker.define("env", "double", Func::wrap(&mut store, |x: i32| x * 2));
            let _ = linker.instantiate(&mut store, &module);
        }
    }
    assert!(
        loaded > 0,
        "no altered image loaded at all: the test checks nothing"
    );
}
