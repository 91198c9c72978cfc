//! The `wamrc` command end to end: it writes an image `iwasm` loads, and fails cleanly.

use std::path::PathBuf;
use std::process::Command;

fn wamrc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wamrc"))
        .args(args)
        .output()
        .expect("wamrc runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wamrc-cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn compiles_an_image_iwasm_runs() {
    let wasm = scratch("add.wasm");
    let wat = r#"(module (func (export "add") (param i32 i32) (result i32)
        (i32.add (local.get 0) (local.get 1))))"#;
    std::fs::write(&wasm, wat::parse_str(wat).unwrap()).unwrap();
    let aot = scratch("add.aot");
    let out = wamrc(&[
        "--target=x86_64",
        "-o",
        aot.to_str().unwrap(),
        wasm.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let module = iwasm::Module::new(&std::fs::read(&aot).unwrap()).unwrap();
    let mut store = iwasm::Store::new();
    let instance = iwasm::Linker::new()
        .instantiate(&mut store, &module)
        .unwrap();
    let add = instance.get_func(&store, "add").unwrap();
    let args = [iwasm::Value::I32(2), iwasm::Value::I32(40)];
    assert_eq!(
        add.call(&mut store, &args).unwrap(),
        [iwasm::Value::I32(42)]
    );
}

#[test]
fn bad_input_is_one_line_and_leaves_nothing_behind() {
    let wasm = scratch("bad.wasm");
    std::fs::write(&wasm, b"\0asm\x01\0\0\0\x7f").unwrap();
    let aot = scratch("bad.aot");
    let _ = std::fs::remove_file(&aot);
    let out = wamrc(&["-o", aot.to_str().unwrap(), wasm.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("wamrc: "), "{err}");
    assert!(!aot.exists());
    // An unwritable output: one line, no file.
    let good = scratch("good.wasm");
    std::fs::write(&good, wat::parse_str("(module)").unwrap()).unwrap();
    let out = wamrc(&["-o", "/nonexistent-dir/x.aot", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    // An unknown target.
    let out = wamrc(&[
        "--target=mips",
        "-o",
        aot.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!aot.exists());
}

#[test]
fn disabled_features_refuse_modules_that_use_them() {
    let wasm = scratch("fill.wasm");
    let wat = r#"(module (memory 1) (func (export "f")
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 1))))"#;
    std::fs::write(&wasm, wat::parse_str(wat).unwrap()).unwrap();
    let aot = scratch("fill.aot");
    let _ = std::fs::remove_file(&aot);
    let (wasm, out_path) = (wasm.to_str().unwrap(), aot.to_str().unwrap());
    let out = wamrc(&["--disable-bulk-memory", "-o", out_path, wasm]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--disable-bulk-memory"), "{err}");
    assert!(!aot.exists());
    let out = wamrc(&["--disable-ref-types", "-o", out_path, wasm]);
    assert!(out.status.success());
    let out = wamrc(&["--enable-tail-call", "-o", out_path, wasm]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn targets_are_listed_and_every_one_compiles() {
    let out = wamrc(&["--target=help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("x86_64 (also: x86-64, amd64)\n"), "{text}");
    assert!(
        text.contains("--cpu-features: popcnt, lzcnt, bmi"),
        "{text}"
    );
    assert!(
        text.contains("aarch64 (also: arm64, aarch64v8)\n"),
        "{text}"
    );
    assert!(text.contains("--cpu=cortex-a72"), "{text}");
    let wasm = scratch("empty.wasm");
    std::fs::write(&wasm, wat::parse_str("(module (func))").unwrap()).unwrap();
    let aot = scratch("empty.aot");
    let _ = std::fs::remove_file(&aot);
    let (wasm, aot_path) = (wasm.to_str().unwrap(), aot.to_str().unwrap());
    for args in [
        &["--target=aarch64"][..],
        &["--target=aarch64v8.2", "--cpu=cortex-a76"],
        &["--target=arm64", "--cpu=cortex-a53"],
    ] {
        let out = wamrc(&[args, &["-o", aot_path, wasm]].concat());
        assert!(out.status.success(), "{args:?}");
        let image = std::fs::read(&aot).unwrap();
        if iwasm::Arch::host() != Some(iwasm::Arch::Aarch64) {
            assert!(iwasm::Module::new(&image).is_err());
        }
        std::fs::remove_file(&aot).unwrap();
    }
    // A feature of another ISA, and --cpu=native for another one, are refused.
    for args in [
        &["--target=aarch64", "--cpu-features=+popcnt"][..],
        &["--target=aarch64", "--cpu=native"],
    ] {
        let out = wamrc(&[args, &["-o", aot_path, wasm]].concat());
        assert_eq!(out.status.code(), Some(1));
        assert!(!aot.exists());
    }
    for target in ["--target=x86_64", "--target=x86-64", "--target=amd64"] {
        assert!(wamrc(&[target, "-o", aot_path, wasm]).status.success());
    }
}

#[test]
fn the_same_module_and_options_give_the_same_image_bytes() {
    let wasm = scratch("calls.wasm");
    let wat = r#"(module (memory 1)
        (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
        (func (export "f") (param i32) (result i32)
          (call $sq (i32.load (local.get 0)))))"#;
    std::fs::write(&wasm, wat::parse_str(wat).unwrap()).unwrap();
    let wasm = wasm.to_str().unwrap();
    for options in [
        &["--opt-level=0"][..],
        &["--opt-level=3", "--bounds-checks=1"],
    ] {
        let images: Vec<Vec<u8>> = ["a", "b"]
            .iter()
            .map(|name| {
                let aot = scratch(&format!("calls-{name}.aot"));
                let path = aot.to_str().unwrap();
                let out = wamrc(&[options, &["--target=x86_64", "-o", path, wasm]].concat());
                assert!(out.status.success());
                std::fs::read(&aot).unwrap()
            })
            .collect();
        assert_eq!(images[0], images[1], "{options:?}");
    }
}
