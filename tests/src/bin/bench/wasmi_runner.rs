//! [`Runner`] for the reference interpreter, wasmi 2.0 (default config).

use super::runner::{EngineKind, Num, Runner};
use wasmi::{Engine, Func, Linker, Module, Store, Val, F32, F64};

/// The wasmi engine used as the baseline.
pub const WASMI: EngineKind = EngineKind {
    name: "wasmi",
    load,
};

struct WasmiRunner {
    store: Store<()>,
    func: Func,
    /// Output buffer sized for the export's results.
    results: Vec<Val>,
}

/// Compiles `wasm` with wasmi's default config, instantiates it without
/// imports and resolves export `func`.
///
/// wasmi's default compilation mode is lazy too (`LazyTranslation`), so here
/// as well the harness's warm-up call pays for translating function bodies.
fn load(wasm: &[u8], func: &str) -> Result<Box<dyn Runner>, String> {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).map_err(|e| format!("load: {e}"))?;
    let mut store = Store::new(&engine, ());
    let instance = Linker::<()>::new(&engine)
        .instantiate_and_start(&mut store, &module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let func = instance
        .get_func(&store, func)
        .ok_or_else(|| format!("no exported function `{func}`"))?;
    let results = vec![Val::I32(0); func.ty(&store).results().len()];
    Ok(Box::new(WasmiRunner {
        store,
        func,
        results,
    }))
}

impl Runner for WasmiRunner {
    fn call(&mut self, args: &[Num]) -> Result<Vec<Num>, String> {
        let args: Vec<Val> = args.iter().map(|&n| to_val(n)).collect();
        self.func
            .call(&mut self.store, &args, &mut self.results)
            .map_err(|e| e.to_string())?;
        self.results.iter().map(from_val).collect()
    }
}

fn to_val(n: Num) -> Val {
    match n {
        Num::I32(v) => Val::I32(v),
        Num::I64(v) => Val::I64(v),
        Num::F32(bits) => Val::F32(F32::from_bits(bits)),
        Num::F64(bits) => Val::F64(F64::from_bits(bits)),
    }
}

fn from_val(v: &Val) -> Result<Num, String> {
    match v {
        Val::I32(v) => Ok(Num::I32(*v)),
        Val::I64(v) => Ok(Num::I64(*v)),
        Val::F32(v) => Ok(Num::F32(v.to_bits())),
        Val::F64(v) => Ok(Num::F64(v.to_bits())),
        _ => Err("reference/vector results are not supported by the bench".into()),
    }
}
