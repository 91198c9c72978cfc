//! Differential testing: random valid wasm 2.0 modules (from `wasm-smith`, made to terminate)
//! run in iwasm's interpreter, iwasm's JIT and the `wasmi` crate; every export is called with
//! zero arguments and with random ones, and the results, traps (with their codes, between
//! iwasm's tiers), exported globals and memory must agree. iwasm's tiers are also compared
//! with fuel metered and a random budget: they must trip at the same point and leave the
//! same fuel.

use arbitrary::Unstructured;

/// What a call did, comparable across the two engines.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Results, as bit patterns with every NaN made the same (payloads may differ).
    Returned(Vec<u64>),
    /// A trap, with its code where the engine reports one comparably (iwasm).
    Trapped(Option<String>),
    /// The call stack ran out: engines have different limits, so this is not compared.
    Exhausted,
}

/// Linear memories may not grow past this in either engine (so grows fail alike).
const MAX_MEMORY_PAGES: u32 = 1024;

/// iwasm's limit on table elements, given to wasmi too (so `table.grow` fails alike).
const TABLE_LIMIT: usize = 10_000_000;

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

/// The bits of argument `index` in argument set `set` (set 0: all zero).
fn arg_bits(set: u64, index: usize) -> u64 {
    if set == 0 {
        return 0;
    }
    let mut x = set.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ (index as u64 + 1);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // Small numbers drive loops and memory indices more usefully than huge ones.
    if x & 1 == 0 {
        x % 64
    } else {
        x
    }
}

/// Argument sets every export is called with.
const ARG_SETS: u64 = 2;

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

/// Exports sorted by name: the engines list them in different orders (iwasm as declared,
/// wasmi by name).
fn by_name<T>(exports: impl Iterator<Item = (String, T)>) -> Vec<(String, T)> {
    let mut exports: Vec<(String, T)> = exports.collect();
    exports.sort_by(|a, b| a.0.cmp(&b.0));
    exports
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
    use iwasm::{
        Config, Error, Extern, Linker, Module, RunningMode, Store, TrapCode, ValType, Value,
    };

    fn new_store(mode: RunningMode, fuel: Option<u64>) -> Store {
        let config = Config {
            max_memory_pages: MAX_MEMORY_PAGES,
            // Multi-tier: promote early, so calls and loops cross tiers.
            tier_up_threshold: 3,
            consume_fuel: fuel.is_some(),
            ..Config::default()
        };
        let mut store = Store::with_mode(config, mode);
        if let Some(fuel) = fuel {
            store.set_fuel(fuel).expect("the store meters fuel");
        }
        store
    }

    fn arg(ty: ValType, bits: u64) -> Value {
        match ty {
            ValType::I32 => Value::I32(bits as i32),
            ValType::I64 => Value::I64(bits as i64),
            ValType::F32 => Value::F32(bits as u32),
            ValType::F64 => Value::F64(bits),
            _ => Value::default_for(ty),
        }
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
    /// With `aot`, the module runs from an AOT image compiled from it with those options and
    /// loaded back. With `fuel`, each call gets that much fuel, and the snapshot ends with
    /// the fuel left.
    pub fn run(
        wasm: &[u8],
        mode: RunningMode,
        aot: Option<&iwasm::AotOptions>,
        set: u64,
        fuel: Option<u64>,
    ) -> Option<Vec<(String, Outcome, Snapshot)>> {
        let module = Module::new(wasm).expect("iwasm accepts every valid wasm 2.0 module");
        let module = match aot {
            Some(options) => {
                let image =
                    iwasm::compile_aot(&module, options).expect("every valid module compiles");
                Module::new(&image).expect("an image loads")
            }
            None => module,
        };
        let instantiate = |store: &mut Store| Linker::new().instantiate(store, &module).ok();
        let names: Vec<String> = {
            let mut store = new_store(mode, fuel.map(|_| u64::MAX));
            let instance = instantiate(&mut store)?;
            let exports = instance.exports(&store).map(|(n, _)| (n.to_string(), ()));
            by_name(exports).into_iter().map(|(n, ())| n).collect()
        };
        let mut out = Vec::new();
        for name in &names {
            // A start function is not charged against the call's budget.
            let mut store = new_store(mode, fuel.map(|_| u64::MAX));
            let instance = instantiate(&mut store)?;
            let Some(Extern::Func(func)) = instance.get_export(&store, name) else {
                continue;
            };
            let ty = func.ty(&store);
            let args: Vec<Value> = ty
                .params()
                .iter()
                .enumerate()
                .map(|(i, t)| arg(*t, arg_bits(set, i)))
                .collect();
            if let Some(fuel) = fuel {
                store.set_fuel(fuel).expect("the store meters fuel");
            }
            let outcome = match func.call(&mut store, &args) {
                Ok(values) => Outcome::Returned(values.iter().map(bits).collect()),
                Err(Error::Trap(trap)) if trap.code() == TrapCode::StackExhausted => {
                    Outcome::Exhausted
                }
                Err(e) => {
                    if std::env::var("IWASM_DIFF_DUMP").is_ok() {
                        eprintln!("iwasm ({mode:?}): export {name}: {e}");
                    }
                    match e {
                        Error::Trap(trap) => Outcome::Trapped(Some(format!("{:?}", trap.code()))),
                        other => Outcome::Trapped(Some(other.to_string())),
                    }
                }
            };
            let exports = instance.exports(&store).map(|(n, e)| (n.to_string(), e));
            let exports: Vec<Extern> = by_name(exports).into_iter().map(|(_, e)| e).collect();
            let mut state = snapshot(&store, &exports);
            if fuel.is_some() {
                state.push(store.get_fuel().expect("the store meters fuel"));
            }
            out.push((name.clone(), outcome, state));
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
            .table_elements(TABLE_LIMIT)
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

    fn arg(ty: &wasmi::ValType, bits: u64) -> Val {
        match ty {
            wasmi::ValType::I32 => Val::I32(bits as i32),
            wasmi::ValType::I64 => Val::I64(bits as i64),
            wasmi::ValType::F32 => Val::F32(f32::from_bits(bits as u32).into()),
            wasmi::ValType::F64 => Val::F64(f64::from_bits(bits).into()),
            wasmi::ValType::FuncRef => Val::FuncRef(wasmi::Nullable::Null),
            wasmi::ValType::ExternRef => Val::ExternRef(wasmi::Nullable::Null),
            _ => unreachable!("no SIMD in generated modules"),
        }
    }

    /// Same as `on_iwasm::run`.
    pub fn run(wasm: &[u8], set: u64) -> Option<Vec<(String, Outcome, Snapshot)>> {
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
            let exports = instance.exports(&store).map(|e| (e.name().to_string(), ()));
            by_name(exports).into_iter().map(|(n, ())| n).collect()
        };
        let mut out = Vec::new();
        for name in &names {
            let mut store = new_store(&engine);
            let instance = instantiate(&mut store)?;
            let Some(Extern::Func(func)) = instance.get_export(&store, name) else {
                continue;
            };
            let ty = func.ty(&store);
            let args: Vec<Val> = ty
                .params()
                .iter()
                .enumerate()
                .map(|(i, t)| arg(t, arg_bits(set, i)))
                .collect();
            let mut results = vec![Val::I32(0); ty.results().len()];
            let outcome = match func.call(&mut store, &args, &mut results) {
                Ok(()) => Outcome::Returned(results.iter().map(bits).collect()),
                Err(e) if e.to_string().contains("call stack exhausted") => Outcome::Exhausted,
                Err(_) => Outcome::Trapped(None),
            };
            let exports = instance.exports(&store).map(|e| (e.name().to_string(), e));
            let exports: Vec<Extern> = by_name(exports)
                .into_iter()
                .map(|(_, e)| e.into_extern())
                .collect();
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

/// Trap codes erased, for comparing with an engine that reports them differently.
fn without_codes(outcome: &Outcome) -> Outcome {
    match outcome {
        Outcome::Trapped(_) => Outcome::Trapped(None),
        Outcome::Returned(v) => Outcome::Returned(v.clone()),
        Outcome::Exhausted => Outcome::Exhausted,
    }
}

/// With fuel metered and a budget that depends on the seed (often too small to finish), every
/// tier runs each export to the same outcome, state and fuel left.
fn fuel_agrees_across_tiers(wasm: &[u8], seed: u64, options: &iwasm::AotOptions) {
    use iwasm::RunningMode::{FastJit, Interp, MultiTierJit};
    let budget = Some(seed.wrapping_mul(0x9e37_79b9) % 4000);
    let interp = on_iwasm::run(wasm, Interp, None, 0, budget);
    for (tier, mode) in [("JIT", FastJit), ("multi-tier", MultiTierJit)] {
        let other = on_iwasm::run(wasm, mode, None, 0, budget);
        assert_eq!(interp, other, "seed {seed} fuel {budget:?}: {tier} differs");
    }
    let options = iwasm::AotOptions {
        fuel: true,
        ..options.clone()
    };
    let aot = on_iwasm::run(wasm, Interp, Some(&options), 0, budget);
    assert_eq!(interp, aot, "seed {seed} fuel {budget:?}: AOT differs");
}

#[test]
fn random_modules_agree_across_tiers_and_with_wasmi() {
    // About 0.4 calls per module and argument set are compared: many random modules export
    // no function or trap while instantiating (which is compared too).
    // IWASM_DIFF_SEEDS=5000 for a long run.
    let seeds = std::env::var("IWASM_DIFF_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400u64);
    // IWASM_DIFF_FIRST=K starts at seed K (to resume or bisect a long run).
    let first = std::env::var("IWASM_DIFF_FIRST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0u64);
    // Progress every IWASM_DIFF_EVERY seeds (1000), to find a seed that crashes the process.
    let progress_every = std::env::var("IWASM_DIFF_EVERY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000u64)
        .max(1);
    let jit = iwasm::RunningMode::FastJit;
    let test_jit = jit.is_available();
    let mut compared = 0;
    for seed in first..first + seeds {
        if seed % progress_every == 0 {
            eprintln!("seed {seed}");
        }
        let wasm = module_for(seed);
        if std::env::var("IWASM_DIFF_DUMP").ok() == Some(seed.to_string()) {
            std::fs::write(format!("/tmp/diff-{seed}.wasm"), &wasm).unwrap();
        }
        for set in 0..ARG_SETS {
            let interp = on_iwasm::run(&wasm, iwasm::RunningMode::Interp, None, set, None);
            // The oracle has bugs of its own (wasmi 2.0.0 panics translating some
            // `i32.store16`): such a module is compared across iwasm's tiers only.
            let wasmi = match std::panic::catch_unwind(|| on_wasmi::run(&wasm, set)) {
                Ok(wasmi) => Some(wasmi),
                Err(_) => {
                    println!("seed {seed}: wasmi panicked; compared across iwasm's tiers only");
                    None
                }
            };
            if let Some(wasmi) = &wasmi {
                assert_eq!(
                    interp.is_some(),
                    wasmi.is_some(),
                    "seed {seed}: instantiation differs"
                );
            }
            if test_jit {
                let compiled = on_iwasm::run(&wasm, jit, None, set, None);
                assert_eq!(
                    interp, compiled,
                    "seed {seed} args {set}: JIT differs from interpreter"
                );
                let tiered =
                    on_iwasm::run(&wasm, iwasm::RunningMode::MultiTierJit, None, set, None);
                assert_eq!(
                    interp, tiered,
                    "seed {seed} args {set}: multi-tier differs from interpreter"
                );
                // Every opt level, with guard pages and with bounds checks, in turn.
                let options = iwasm::AotOptions {
                    opt_level: (seed % 4) as u8,
                    bounds_checks: seed % 8 >= 4,
                    ..iwasm::AotOptions::default()
                };
                let aot =
                    on_iwasm::run(&wasm, iwasm::RunningMode::Interp, Some(&options), set, None);
                assert_eq!(
                    interp, aot,
                    "seed {seed} args {set}: AOT ({options:?}) differs from interpreter"
                );
                if set == 0 {
                    fuel_agrees_across_tiers(&wasm, seed, &options);
                }
            }
            let (Some(ours), Some(Some(theirs))) = (interp, wasmi) else {
                continue;
            };
            assert_eq!(ours.len(), theirs.len(), "seed {seed}: exports differ");
            for ((name, a, sa), (_, b, sb)) in ours.iter().zip(&theirs) {
                if *a == Outcome::Exhausted || *b == Outcome::Exhausted {
                    continue;
                }
                assert_eq!(
                    without_codes(a),
                    *b,
                    "seed {seed} args {set}: export {name} returned differently"
                );
                assert_eq!(
                    sa, sb,
                    "seed {seed} args {set}: state after export {name} differs"
                );
                compared += 1;
            }
        }
    }
    println!("{compared} calls compared over {seeds} modules");
    assert!(
        compared >= seeds as usize / 5,
        "too few calls compared: {compared}"
    );
}
