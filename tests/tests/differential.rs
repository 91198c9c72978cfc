//! Differential testing: random valid wasm 2.0 modules (from `wasm-smith`, made to terminate)
//! run in iwasm and in the `wasmi` crate; every export is called with zero arguments, and the
//! results, traps, exported globals and memory must agree.

use arbitrary::Unstructured;

/// What a call did, comparable across the two engines.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Results, as bit patterns with every NaN made the same (payloads may differ).
    Returned(Vec<u64>),
    Trapped,
    /// The call stack ran out: engines have different limits, so this is not compared.
    Exhausted,
}

/// Linear memories may not grow past this in either engine (so grows fail alike).
const MAX_MEMORY_PAGES: u32 = 1024;

/// Module-wide state visible after a call: exported globals and a hash of every memory.
type Snapshot = Vec<u64>;

fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        tail_call_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        threads_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        shared_everything_threads_enabled: false,
        max_imports: 0,
        max_memories: 1,
        max_tables: 2,
        max_memory32_bytes: 1 << 20,
        max_table_elements: 1000,
        export_everything: true,
        allow_start_export: false,
        ..wasm_smith::Config::default()
    }
}

/// A deterministic random module for `seed`.
fn module_for(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let mut module = wasm_smith::Module::new(smith_config(), &mut Unstructured::new(&bytes))
        .expect("wasm-smith builds a module");
    module.ensure_termination(2_000).expect("fuel injected");
    module.to_bytes()
}

fn nan_free(bits: u64, is_f32: bool, is_f64: bool) -> u64 {
    if (is_f32 && f32::from_bits(bits as u32).is_nan()) || (is_f64 && f64::from_bits(bits).is_nan())
    {
        u64::MAX
    } else {
        bits
    }
}

fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

mod on_iwasm {
    use super::*;
    use iwasm::{Config, Error, Extern, Linker, Module, Store, TrapCode, ValType, Value};

    fn new_store() -> Store {
        Store::with_config(Config {
            max_memory_pages: MAX_MEMORY_PAGES,
            ..Config::default()
        })
    }

    fn bits(v: &Value) -> u64 {
        match *v {
            Value::I32(x) => x as u32 as u64,
            Value::I64(x) => x as u64,
            Value::F32(x) => nan_free(x as u64, true, false),
            Value::F64(x) => nan_free(x, false, true),
            Value::FuncRef(f) => f.is_some() as u64,
            Value::ExternRef(r) => r.is_some() as u64,
        }
    }

    /// Calls every export, each on a fresh instance (so every call starts from the same state
    /// and fuel); `None` if instantiation traps.
    pub fn run(wasm: &[u8]) -> Option<Vec<(String, Outcome, Snapshot)>> {
        let module = Module::new(wasm).expect("iwasm accepts every valid wasm 2.0 module");
        let instantiate = |store: &mut Store| Linker::new().instantiate(store, &module).ok();
        let names: Vec<String> = {
            let mut store = Store::new();
            let instance = instantiate(&mut store)?;
            instance
                .exports(&store)
                .map(|(n, _)| n.to_string())
                .collect()
        };
        let mut out = Vec::new();
        for name in &names {
            let mut store = new_store();
            let instance = instantiate(&mut store)?;
            let Some(Extern::Func(func)) = instance.get_export(&store, name) else {
                continue;
            };
            let ty = func.ty(&store);
            let args: Vec<Value> = ty.params().iter().map(|t| Value::default_for(*t)).collect();
            let outcome = match func.call(&mut store, &args) {
                Ok(values) => Outcome::Returned(values.iter().map(bits).collect()),
                Err(Error::Trap(trap)) if trap.code() == TrapCode::StackExhausted => {
                    Outcome::Exhausted
                }
                Err(e) => {
                    if std::env::var("IWASM_DIFF_DUMP").is_ok() {
                        eprintln!("iwasm: export {name}: {e}");
                    }
                    Outcome::Trapped
                }
            };
            let exports: Vec<Extern> = instance.exports(&store).map(|(_, e)| e).collect();
            out.push((name.clone(), outcome, snapshot(&store, &exports)));
        }
        Some(out)
    }

    fn snapshot(store: &Store, exports: &[Extern]) -> Snapshot {
        exports
            .iter()
            .filter_map(|item| match item {
                Extern::Global(g) if g.ty(store).content != ValType::FuncRef => {
                    Some(bits(&g.get(store)))
                }
                Extern::Memory(m) => Some(hash(m.data(store))),
                _ => None,
            })
            .collect()
    }
}

mod on_wasmi {
    use super::*;
    use wasmi::{
        Engine, Extern, Instance, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Val,
    };

    fn new_store(engine: &Engine) -> Store<StoreLimits> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(MAX_MEMORY_PAGES as usize * 65536)
            .build();
        let mut store = Store::new(engine, limits);
        store.limiter(|limits| limits);
        store
    }

    fn bits(v: &Val) -> u64 {
        match v {
            Val::I32(x) => *x as u32 as u64,
            Val::I64(x) => *x as u64,
            Val::F32(x) => nan_free(x.to_bits() as u64, true, false),
            Val::F64(x) => nan_free(x.to_bits(), false, true),
            Val::FuncRef(f) => !f.is_null() as u64,
            Val::ExternRef(r) => !r.is_null() as u64,
            _ => unreachable!("no SIMD in generated modules"),
        }
    }

    fn zero(ty: &wasmi::ValType) -> Val {
        match ty {
            wasmi::ValType::I32 => Val::I32(0),
            wasmi::ValType::I64 => Val::I64(0),
            wasmi::ValType::F32 => Val::F32(0f32.into()),
            wasmi::ValType::F64 => Val::F64(0f64.into()),
            wasmi::ValType::FuncRef => Val::FuncRef(wasmi::Nullable::Null),
            wasmi::ValType::ExternRef => Val::ExternRef(wasmi::Nullable::Null),
            _ => unreachable!("no SIMD in generated modules"),
        }
    }

    /// Same as `on_iwasm::run`.
    pub fn run(wasm: &[u8]) -> Option<Vec<(String, Outcome, Snapshot)>> {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm).expect("wasmi accepts the module");
        let instantiate = |store: &mut Store<StoreLimits>| -> Option<Instance> {
            Linker::new(&engine)
                .instantiate_and_start(store, &module)
                .ok()
        };
        let names: Vec<String> = {
            let mut store = new_store(&engine);
            let instance = instantiate(&mut store)?;
            instance
                .exports(&store)
                .map(|e| e.name().to_string())
                .collect()
        };
        let mut out = Vec::new();
        for name in &names {
            let mut store = new_store(&engine);
            let instance = instantiate(&mut store)?;
            let Some(Extern::Func(func)) = instance.get_export(&store, name) else {
                continue;
            };
            let ty = func.ty(&store);
            let args: Vec<Val> = ty.params().iter().map(zero).collect();
            let mut results = vec![Val::I32(0); ty.results().len()];
            let outcome = match func.call(&mut store, &args, &mut results) {
                Ok(()) => Outcome::Returned(results.iter().map(bits).collect()),
                Err(e) if e.to_string().contains("call stack exhausted") => Outcome::Exhausted,
                Err(_) => Outcome::Trapped,
            };
            let exports: Vec<Extern> = instance.exports(&store).map(|e| e.into_extern()).collect();
            out.push((name.clone(), outcome, snapshot(&store, &exports)));
        }
        Some(out)
    }

    fn snapshot(store: &Store<StoreLimits>, exports: &[Extern]) -> Snapshot {
        exports
            .iter()
            .filter_map(|item| match item {
                Extern::Global(g) if !matches!(g.ty(store).content(), wasmi::ValType::FuncRef) => {
                    Some(bits(&g.get(store)))
                }
                Extern::Memory(m) => Some(hash(m.data(store))),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn random_modules_agree_with_wasmi() {
    // About 0.4 calls per module are compared: many random modules export no function or
    // trap while instantiating (which is compared too). IWASM_DIFF_SEEDS=5000 for a long run.
    let seeds = std::env::var("IWASM_DIFF_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400u64);
    let mut compared = 0;
    for seed in 0..seeds {
        let wasm = module_for(seed);
        if std::env::var("IWASM_DIFF_DUMP").ok() == Some(seed.to_string()) {
            std::fs::write(format!("/tmp/diff-{seed}.wasm"), &wasm).unwrap();
        }
        let (ours, theirs) = (on_iwasm::run(&wasm), on_wasmi::run(&wasm));
        assert_eq!(
            ours.is_some(),
            theirs.is_some(),
            "seed {seed}: instantiation differs"
        );
        let (Some(ours), Some(theirs)) = (ours, theirs) else {
            continue;
        };
        assert_eq!(ours.len(), theirs.len(), "seed {seed}: exports differ");
        for ((name, a, sa), (_, b, sb)) in ours.iter().zip(&theirs) {
            if *a == Outcome::Exhausted || *b == Outcome::Exhausted {
                continue;
            }
            assert_eq!(a, b, "seed {seed}: export {name} returned differently");
            assert_eq!(sa, sb, "seed {seed}: state after export {name} differs");
            compared += 1;
        }
    }
    println!("{compared} calls compared over {seeds} modules");
    assert!(
        compared >= seeds as usize / 5,
        "too few calls compared: {compared}"
    );
}
