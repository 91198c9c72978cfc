//! Code larger than a branch or a call instruction reaches: AArch64's conditional branches
//! reach ±1 MiB and its `bl` ±128 MiB. Such functions and modules compile for every target
//! (long branches; calls through function references) and run where the target is the host.

#![cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]

use iwasm::{
    compile_aot, AotOptions, Arch, Config, Error, Linker, Module, RunningMode, Store, TrapCode,
    Value,
};

/// Appends `value` as unsigned LEB128.
fn leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Appends section `id` with `body`.
fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
    out.push(id);
    leb(out, body.len());
    out.extend_from_slice(body);
}

/// A module of one memory (4 at address 4) and `bodies.len()` functions of type
/// `(param i32) (result i32)`, each body given without its size, function 0 exported as `f`.
fn module(bodies: &[Vec<u8>]) -> Vec<u8> {
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    section(&mut wasm, 1, &[1, 0x60, 1, 0x7f, 1, 0x7f]);
    let mut funcs = Vec::new();
    leb(&mut funcs, bodies.len());
    funcs.resize(funcs.len() + bodies.len(), 0);
    section(&mut wasm, 3, &funcs);
    section(&mut wasm, 5, &[1, 0, 1]);
    section(&mut wasm, 7, &[1, 1, b'f', 0, 0]);
    let mut code = Vec::new();
    leb(&mut code, bodies.len());
    for body in bodies {
        leb(&mut code, body.len());
        code.extend_from_slice(body);
    }
    section(&mut wasm, 10, &code);
    section(&mut wasm, 11, &[1, 0, 0x41, 4, 0x0b, 4, 4, 0, 0, 0]);
    wasm
}

/// `count` chained `i32.load`s: each loads from the address the previous one loaded.
fn chained_loads(count: usize) -> Vec<u8> {
    [0x28, 0x02, 0x00].repeat(count)
}

/// Calls `f` with each argument: the results, or the trap.
fn run(module: &Module, mode: RunningMode, args: &[i32]) -> Vec<Result<Vec<Value>, Error>> {
    let mut store = Store::with_mode(Config::default(), mode);
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    args.iter()
        .map(|&arg| f.call(&mut store, &[Value::I32(arg)]))
        .collect()
}

/// Every AOT target and bounds-check mode, at `--opt-level=3`.
fn every_target() -> impl Iterator<Item = AotOptions> {
    Arch::ALL.into_iter().flat_map(|target| {
        [false, true].map(|bounds_checks| AotOptions {
            target,
            bounds_checks,
            ..AotOptions::default()
        })
    })
}

#[test]
fn a_function_larger_than_a_conditional_branch_reaches_compiles_and_runs() {
    // (block (br_if 0 (i32.eq (local.get 0) (i32.const 8)))
    //   (drop (i32.load (i32.load ... (local.get 0)))))   ;; 200 000 loads: over 1 MiB of code
    // (i32.load (local.get 0))
    let mut body = vec![0, 0x02, 0x40, 0x20, 0, 0x41, 8, 0x46, 0x0d, 0, 0x20, 0];
    body.extend(chained_loads(200_000));
    body.extend([0x1a, 0x0b, 0x20, 0, 0x28, 0x02, 0x00, 0x0b]);
    let module = Module::new(&module(&[body])).unwrap();
    let check = |results: Vec<Result<Vec<Value>, Error>>| {
        let [four, eight, out] = <[_; 3]>::try_from(results).unwrap();
        assert_eq!(four.unwrap(), [Value::I32(4)]);
        assert_eq!(eight.unwrap(), [Value::I32(0)]);
        assert!(matches!(out, Err(Error::Trap(t)) if t.code() == TrapCode::MemoryOutOfBounds));
    };
    let args = [4, 8, 65536];
    for mode in [RunningMode::Interp, RunningMode::FastJit] {
        if mode.is_available() {
            check(run(&module, mode, &args));
        }
    }
    for options in every_target() {
        let image = compile_aot(&module, &options).unwrap();
        if Arch::host() == Some(options.target) {
            check(run(
                &Module::new(&image).unwrap(),
                RunningMode::Interp,
                &args,
            ));
        }
    }
}

#[test]
fn a_module_larger_than_a_direct_call_reaches_compiles_and_runs() {
    // Function 0 calls the last one across about 150 MiB of AArch64 code (with explicit
    // bounds checks); the last one has a loop, so it is not inlined.
    const FILLERS: usize = 1100;
    let mut filler = vec![0, 0x20, 0];
    filler.extend(chained_loads(5400));
    filler.push(0x0b);
    let mut bodies = vec![vec![0, 0x20, 0, 0x10, 0, 0x0b]];
    bodies.extend(std::iter::repeat_n(filler, FILLERS));
    bodies.push(vec![0, 0x03, 0x40, 0x0b, 0x20, 0, 0x41, 7, 0x6a, 0x0b]);
    // `call` names the last function (LEB128 of FILLERS + 1, two bytes).
    let last = FILLERS + 1;
    bodies[0].splice(4..5, [(last & 0x7f) as u8 | 0x80, (last >> 7) as u8]);
    let module = Module::new(&module(&bodies)).unwrap();
    let options = AotOptions {
        target: Arch::Aarch64,
        bounds_checks: true,
        ..AotOptions::default()
    };
    let image = compile_aot(&module, &options).unwrap();
    assert!(image.len() > 130 << 20, "{} bytes", image.len());
    if Arch::host() == Some(Arch::Aarch64) {
        let results = run(&Module::new(&image).unwrap(), RunningMode::Interp, &[35]);
        assert_eq!(results[0].as_ref().unwrap(), &[Value::I32(42)]);
    }
}
