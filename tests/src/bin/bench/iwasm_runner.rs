//! [`Runner`]s for iwasm's interpreter, JIT and AOT images.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use super::runner::{EngineKind, Num, Runner};
use iwasm::{AotOptions, Config, Func, Linker, Module, RunningMode, Store, Value};

/// The iwasm interpreter.
pub const IWASM: EngineKind = EngineKind {
    name: "iwasm",
    load: |wasm, func| load(wasm, func, RunningMode::Interp, true),
};

/// The iwasm JIT (`--fast-jit`).
pub const IWASM_JIT: EngineKind = EngineKind {
    name: "jit",
    load: |wasm, func| load(wasm, func, RunningMode::FastJit, true),
};

/// The iwasm JIT comparing every memory access with the memory's length.
pub const IWASM_JIT_EXPLICIT_BOUNDS: EngineKind = EngineKind {
    name: "jit-xb",
    load: |wasm, func| load(wasm, func, RunningMode::FastJit, false),
};

/// The `--opt-level` AOT images are compiled at (`bench --opt-level N`).
pub static AOT_OPT_LEVEL: AtomicU8 = AtomicU8::new(3);

/// Whether iwasm meters fuel (`bench --fuel`: every store gets `u64::MAX` of it, every image
/// is compiled with `--fuel`), to measure what metering costs.
pub static FUEL: AtomicBool = AtomicBool::new(false);

/// An AOT image compiled as `wamrc` does by default (guard pages) at [`AOT_OPT_LEVEL`],
/// loaded back from its bytes. Its load time includes the compilation.
pub const IWASM_AOT: EngineKind = EngineKind {
    name: "aot",
    load: |wasm, func| {
        let module = Module::new(wasm).map_err(|e| format!("load: {e}"))?;
        let options = AotOptions {
            opt_level: AOT_OPT_LEVEL.load(Ordering::Relaxed),
            fuel: FUEL.load(Ordering::Relaxed),
            ..AotOptions::default()
        };
        let image = iwasm::compile_aot(&module, &options).map_err(|e| format!("wamrc: {e}"))?;
        load(&image, func, RunningMode::Interp, true)
    },
};

struct IwasmRunner {
    store: Store,
    func: Func,
}

/// Instantiates `wasm` without imports and resolves export `func`.
///
/// iwasm translates (or compiles) function bodies lazily on their first call, so
/// this only decodes and validates; the harness's warm-up call pays for translation.
fn load(
    wasm: &[u8],
    func: &str,
    mode: RunningMode,
    guard_pages: bool,
) -> Result<Box<dyn Runner>, String> {
    let module = Module::new(wasm).map_err(|e| format!("load: {e}"))?;
    let fuel = FUEL.load(Ordering::Relaxed);
    let config = Config {
        guard_pages,
        consume_fuel: fuel,
        ..Config::default()
    };
    let mut store = Store::with_mode(config, mode);
    if fuel {
        store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
    }
    let instance = Linker::new()
        .instantiate(&mut store, &module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let func = instance
        .get_func(&store, func)
        .ok_or_else(|| format!("no exported function `{func}`"))?;
    Ok(Box::new(IwasmRunner { store, func }))
}

impl Runner for IwasmRunner {
    fn call(&mut self, args: &[Num]) -> Result<Vec<Num>, String> {
        let args: Vec<Value> = args.iter().map(|&n| to_value(n)).collect();
        let results = self
            .func
            .call(&mut self.store, &args)
            .map_err(|e| e.to_string())?;
        results.into_iter().map(from_value).collect()
    }
}

fn to_value(n: Num) -> Value {
    match n {
        Num::I32(v) => Value::I32(v),
        Num::I64(v) => Value::I64(v),
        Num::F32(bits) => Value::F32(bits),
        Num::F64(bits) => Value::F64(bits),
    }
}

fn from_value(v: Value) -> Result<Num, String> {
    match v {
        Value::I32(v) => Ok(Num::I32(v)),
        Value::I64(v) => Ok(Num::I64(v)),
        Value::F32(bits) => Ok(Num::F32(bits)),
        Value::F64(bits) => Ok(Num::F64(bits)),
        _ => Err("reference results are not supported by the bench".into()),
    }
}
