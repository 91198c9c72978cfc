//! The embedding API end to end: traps, limits, host functions, memory.

use iwasm::{Config, Error, Func, Linker, Module, Store, Trap, TrapCode, Value};

fn instantiate(wat: &str, store: &mut Store, linker: &Linker) -> iwasm::Instance {
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    linker.instantiate(store, &module).unwrap()
}

fn trap_of(result: Result<Vec<Value>, Error>) -> Trap {
    match result {
        Err(Error::Trap(trap)) => trap,
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn runaway_recursion_is_a_trap_with_names() {
    let mut store = Store::with_config(Config {
        max_call_depth: 1000,
        ..Config::default()
    });
    let inst = instantiate(
        r#"(module (func $runaway (export "run") (call $runaway)))"#,
        &mut store,
        &Linker::new(),
    );
    let run = inst.get_func(&store, "run").unwrap();
    let trap = trap_of(run.call(&mut store, &[]));
    assert_eq!(trap.code(), TrapCode::StackExhausted);
    assert_eq!(trap.message(), "call stack exhausted");
    assert_eq!(trap.backtrace()[0].name, "runaway");
    // The store stays usable after a trap.
    assert!(run.call(&mut store, &[]).is_err());
}

#[test]
fn deep_frames_exhaust_the_value_stack_not_the_host() {
    let mut store = Store::with_config(Config {
        max_value_stack_slots: 4096,
        ..Config::default()
    });
    let inst = instantiate(
        r#"(module (func $f (export "f") (param i64) (local i64 i64 i64 i64 i64 i64 i64 i64)
             (call $f (local.get 0))))"#,
        &mut store,
        &Linker::new(),
    );
    let f = inst.get_func(&store, "f").unwrap();
    let trap = trap_of(f.call(&mut store, &[Value::I64(1)]));
    assert_eq!(trap.code(), TrapCode::StackExhausted);
}

#[test]
fn out_of_bounds_and_division_traps() {
    let mut store = Store::new();
    let inst = instantiate(
        r#"(module (memory 1)
             (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
             (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#,
        &mut store,
        &Linker::new(),
    );
    let load = inst.get_func(&store, "load").unwrap();
    assert_eq!(
        load.call(&mut store, &[Value::I32(65532)]).unwrap(),
        [Value::I32(0)]
    );
    let trap = trap_of(load.call(&mut store, &[Value::I32(65533)]));
    assert_eq!(trap.code(), TrapCode::MemoryOutOfBounds);
    let div = inst.get_func(&store, "div").unwrap();
    let trap = trap_of(div.call(&mut store, &[Value::I32(1), Value::I32(0)]));
    assert_eq!(trap.message(), "integer divide by zero");
    let trap = trap_of(div.call(&mut store, &[Value::I32(i32::MIN), Value::I32(-1)]));
    assert_eq!(trap.message(), "integer overflow");
}

#[test]
fn host_functions_see_memory_and_can_fail() {
    let mut store = Store::new();
    let mut linker = Linker::new();
    let sum = Func::wrap(
        &mut store,
        |caller: &mut iwasm::Caller<'_>, ptr: i32, len: i32| {
            let memory = caller.memory().expect("caller has a memory");
            let bytes = memory.data(caller.store());
            let range = ptr as usize..(ptr + len) as usize;
            bytes
                .get(range)
                .map(|b| b.iter().map(|x| *x as i32).sum::<i32>())
                .ok_or_else(|| Trap::host("bad range"))
        },
    );
    linker.define("env", "sum", sum);
    let inst = instantiate(
        r#"(module (import "env" "sum" (func $sum (param i32 i32) (result i32)))
             (memory (export "mem") 1) (data (i32.const 16) "\01\02\03\04")
             (func (export "go") (param i32 i32) (result i32) (call $sum (local.get 0) (local.get 1))))"#,
        &mut store,
        &linker,
    );
    let go = inst.get_func(&store, "go").unwrap();
    assert_eq!(
        go.call(&mut store, &[Value::I32(16), Value::I32(4)])
            .unwrap(),
        [Value::I32(10)]
    );
    let trap = trap_of(go.call(&mut store, &[Value::I32(65535), Value::I32(4)]));
    assert_eq!((trap.code(), trap.message()), (TrapCode::Host, "bad range"));
    let mem = inst.get_memory(&store, "mem").unwrap();
    mem.data_mut(&mut store)[16] = 100;
    assert_eq!(
        go.call(&mut store, &[Value::I32(16), Value::I32(1)])
            .unwrap(),
        [Value::I32(100)]
    );
}

#[test]
fn memory_grow_respects_maximum_and_store_limit() {
    let mut store = Store::with_config(Config {
        max_memory_pages: 3,
        ..Config::default()
    });
    let inst = instantiate(
        r#"(module (memory 1)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
        &mut store,
        &Linker::new(),
    );
    let grow = inst.get_func(&store, "grow").unwrap();
    assert_eq!(
        grow.call(&mut store, &[Value::I32(2)]).unwrap(),
        [Value::I32(1)]
    );
    assert_eq!(
        grow.call(&mut store, &[Value::I32(1)]).unwrap(),
        [Value::I32(-1)]
    );
}

/// A memory of 65536 pages (4 GiB) exists only where the host can back it; on a 32-bit host
/// its length fits no `usize`. Growing to it, or declaring it, succeeds whole or fails: no
/// memory is ever shorter than its size in pages says.
#[test]
fn a_4_gib_memory_is_whole_or_refused() {
    let mut store = Store::new();
    let inst = instantiate(
        r#"(module (memory (export "mem") 0)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
             (func (export "size") (result i32) (memory.size)))"#,
        &mut store,
        &Linker::new(),
    );
    let grow = inst.get_func(&store, "grow").unwrap();
    let size = inst.get_func(&store, "size").unwrap();
    let mem = inst.get_memory(&store, "mem").unwrap();
    let pages = match grow.call(&mut store, &[Value::I32(65536)]).unwrap()[..] {
        [Value::I32(0)] => 65536,
        [Value::I32(-1)] => 0,
        ref other => panic!("memory.grow 65536 from 0 returned {other:?}"),
    };
    assert_eq!(size.call(&mut store, &[]).unwrap(), [Value::I32(pages)]);
    assert_eq!(mem.data(&store).len() as u64, pages as u64 * 65536);

    let wasm = wat::parse_str(r#"(module (memory (export "mem") 65536))"#).unwrap();
    match Linker::new().instantiate(&mut store, &Module::new(&wasm).unwrap()) {
        Ok(inst) => {
            let mem = inst.get_memory(&store, "mem").unwrap();
            assert_eq!(mem.size(&store), 65536);
            assert_eq!(mem.data(&store).len() as u64, 1 << 32);
        }
        Err(error) => assert!(matches!(error, Error::Resource(_)), "{error}"),
    }
}

#[test]
fn bad_calls_and_imports_are_errors() {
    let mut store = Store::new();
    let inst = instantiate(
        r#"(module (func (export "f") (param i32)))"#,
        &mut store,
        &Linker::new(),
    );
    let f = inst.get_func(&store, "f").unwrap();
    assert!(matches!(
        f.call(&mut store, &[Value::I64(1)]),
        Err(Error::Link(_))
    ));
    assert!(matches!(f.call(&mut store, &[]), Err(Error::Link(_))));
    let module =
        Module::new(&wat::parse_str(r#"(module (import "env" "missing" (func)))"#).unwrap())
            .unwrap();
    let err = Linker::new().instantiate(&mut store, &module).unwrap_err();
    assert!(err.to_string().contains("unknown import"), "{err}");
    assert!(matches!(
        Module::new(b"\0asm\x01\0\0\0\x01"),
        Err(Error::Load(_))
    ));
    assert!(matches!(Module::new(b"not wasm"), Err(Error::Load(_))));
}

#[test]
fn features_beyond_wasm2_are_reported_as_unsupported() {
    let simd = wat::parse_str(r#"(module (func (result v128) (v128.const i64x2 0 0)))"#).unwrap();
    assert!(
        matches!(Module::new(&simd), Err(Error::Unsupported(_))),
        "{:?}",
        Module::new(&simd)
    );
    let tail = wat::parse_str(r#"(module (func $f (return_call $f)))"#).unwrap();
    assert!(matches!(Module::new(&tail), Err(Error::Unsupported(_))));
}

/// Handlers must hand over to the next one by tail call (or the trampoline): a million
/// iterations of calls, indirect calls, returns, `br_table`, memory and global ops must run
/// on a 64 KiB host stack. A handler that dispatched by a plain call would overflow it.
#[test]
fn dispatch_runs_in_constant_host_stack() {
    let wat = r#"(module
        (type $t (func (param i32) (result i32)))
        (table 2 funcref) (elem (i32.const 0) $inc $dec)
        (memory 1) (global $g (mut i32) (i32.const 0))
        (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
        (func $dec (type $t) (i32.sub (local.get 0) (i32.const 1)))
        (func (export "spin") (param $n i32) (result i32) (local $acc i32)
          (loop $next
            (local.set $acc (call $inc (local.get $acc)))
            (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.and (local.get $n) (i32.const 1))))
            (block $b (block $a
              (br_table $a $b (i32.and (local.get $n) (i32.const 1))))
              (i32.store (i32.const 8) (local.get $n)))
            (global.set $g (i32.add (global.get $g) (i32.load (i32.const 8))))
            (local.set $acc (select (local.get $acc) (i32.const 0) (local.get $n)))
            (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
          (local.get $acc)))"#;
    let wasm = wat::parse_str(wat).unwrap();
    let spin = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            // The interpreter's dispatch is what this checks (the JIT would take over).
            let mut store = Store::with_mode(Config::default(), iwasm::RunningMode::Interp);
            let module = Module::new(&wasm).unwrap();
            let inst = Linker::new().instantiate(&mut store, &module).unwrap();
            let spin = inst.get_func(&store, "spin").unwrap();
            spin.call(&mut store, &[Value::I32(1_000_000)]).unwrap()
        })
        .unwrap();
    // Even n: +1 then inc (+1); odd n: +1 then dec (-1). 500,000 even values of n.
    assert_eq!(spin.join().unwrap(), [Value::I32(1_000_000)]);
}

#[test]
fn host_exit_unwinds_with_its_status() {
    let mut store = Store::new();
    let mut linker = Linker::new();
    let exit = Func::wrap(&mut store, |status: i32| -> Result<(), Trap> {
        Err(Trap::exit(status))
    });
    linker.define("env", "exit", exit);
    let inst = instantiate(
        r#"(module (import "env" "exit" (func $exit (param i32)))
             (func (export "main") (call $exit (i32.const 3)) unreachable))"#,
        &mut store,
        &linker,
    );
    let main = inst.get_func(&store, "main").unwrap();
    let trap = trap_of(main.call(&mut store, &[]));
    assert_eq!((trap.code(), trap.exit_code()), (TrapCode::Exit, Some(3)));
}

#[test]
fn block_results_forward_only_into_the_next_local_set() {
    // The block's result becomes a loop parameter; the loop's first operator sets a local from
    // it. Each back edge passes a new parameter, so that `local.set` must stay in the loop
    // rather than be folded into the block's result definition before the loop.
    let mut store = Store::new();
    let inst = instantiate(
        r#"(module (func (export "f") (result i32) (local $x i32) (local $n i32)
             (block (result i32) (i32.const 1))
             (loop (param i32)
               (local.set $x)
               (local.set $n (i32.add (local.get $n) (i32.const 1)))
               (br_if 0 (i32.add (local.get $x) (i32.const 1)) (i32.lt_u (local.get $n) (i32.const 3)))
               (drop))
             (local.get $x)))"#,
        &mut store,
        &Linker::new(),
    );
    let f = inst.get_func(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, &[]).unwrap(), [Value::I32(3)]);
}

#[test]
fn exports_come_in_the_order_the_module_declares_them() {
    let wasm = wat::parse_str(
        r#"(module
            (func (export "zeta") (result i32) (i32.const 1))
            (memory (export "memory") 1)
            (global (export "alpha") i32 (i32.const 7))
            (func (export "beta") (result i32) (i32.const 2)))"#,
    )
    .unwrap();
    let order = ["zeta", "memory", "alpha", "beta"];
    let mut modules = vec![Module::new(&wasm).unwrap()];
    if iwasm::Arch::host().is_some_and(iwasm::Arch::has_compiler) {
        let image = iwasm::compile_aot(&modules[0], &iwasm::AotOptions::default()).unwrap();
        modules.push(Module::new(&image).unwrap());
    }
    for module in &modules {
        assert_eq!(module.export_names().collect::<Vec<_>>(), order);
        let mut store = Store::new();
        let instance = Linker::new().instantiate(&mut store, module).unwrap();
        let names: Vec<&str> = instance.exports(&store).map(|(name, _)| name).collect();
        assert_eq!(names, order);
        let beta = instance.get_func(&store, "beta").unwrap();
        assert_eq!(beta.call(&mut store, &[]).unwrap(), [Value::I32(2)]);
        assert!(instance.get_export(&store, "gamma").is_none());
    }
}

#[test]
fn reflection_positional_instantiation_tables_and_frames() {
    use iwasm::{Extern, ExternType, FuncType, Instance, MemoryType, Table, TableType, ValType};
    let wasm = wat::parse_str(
        r#"(module
             (import "env" "f" (func $f (param i32) (result i32)))
             (import "env" "m" (memory 1))
             (table (export "t") 2 4 funcref)
             (func $boom (export "boom") unreachable)
             (func (export "call_boom") (call $boom)))"#,
    )
    .unwrap();
    let module = Module::new(&wasm).unwrap();
    let i32_to_i32 = FuncType::new([ValType::I32], [ValType::I32]);
    let imports: Vec<_> = module.imports().collect();
    assert_eq!(
        imports,
        [
            ("env", "f", ExternType::Func(i32_to_i32.clone())),
            (
                "env",
                "m",
                ExternType::Memory(MemoryType { min: 1, max: None })
            ),
        ]
    );
    let exports: Vec<_> = module.exports().map(|(name, _)| name).collect();
    assert_eq!(exports, ["t", "boom", "call_boom"]);

    let mut store = Store::new();
    let f = Func::wrap(&mut store, |x: i32| x);
    let memory = iwasm::Memory::new(&mut store, MemoryType { min: 1, max: None }).unwrap();
    // Imports by position: wrong count, wrong order, then right.
    assert!(matches!(
        Instance::new(&mut store, &module, &[f.into()]),
        Err(Error::Link(_))
    ));
    let swapped = [Extern::Memory(memory), Extern::Func(f)];
    assert!(matches!(
        Instance::new(&mut store, &module, &swapped),
        Err(Error::Link(_))
    ));
    let instance = Instance::new(&mut store, &module, &[f.into(), memory.into()]).unwrap();
    assert_eq!(Extern::Func(f).ty(&store), ExternType::Func(i32_to_i32));

    let table = instance.get_table(&store, "t").unwrap();
    table.set(&mut store, 1, Value::FuncRef(Some(f))).unwrap();
    assert_eq!(table.get(&store, 1), Some(Value::FuncRef(Some(f))));
    assert!(table.set(&mut store, 2, Value::FuncRef(None)).is_err());
    assert!(table.set(&mut store, 0, Value::I32(0)).is_err());
    assert_eq!(table.grow(&mut store, 2, Value::FuncRef(None)).unwrap(), 2);
    assert!(table.grow(&mut store, 1, Value::FuncRef(None)).is_err());
    let ty = TableType {
        element: ValType::FuncRef,
        min: 4,
        max: Some(4),
    };
    assert_eq!(table.ty(&store), ty);
    let other = Table::new(&mut store, ty, Value::FuncRef(None)).unwrap();
    assert_eq!(other.size(&store), 4);

    // Frames name the instance, the function index and where its body is in the binary.
    let call_boom = instance.get_func(&store, "call_boom").unwrap();
    let trap = trap_of(call_boom.call(&mut store, &[]));
    let frames = trap.backtrace();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].func, Some((instance, 1)));
    assert_eq!(frames[1].func, Some((instance, 2)));
    assert_eq!(frames[0].name, "boom");
    assert!(frames[0].module_offset > 0 && frames[0].module_offset < frames[1].module_offset);
    assert_eq!(
        wasm[frames[0].module_offset], 0x00,
        "a body starts with its local count"
    );
}
