//! The smallest iwasm host: `iwasm-sample-aot-only app.aot export [i32 args...]` loads an AOT
//! image (from `wamrc`), calls the export with the arguments and prints its results. The
//! runtime is built without the `wasm` and `compiler` features: no wasm decoder or validator,
//! no interpreter, no JIT (see the README for its size).

use iwasm::{Linker, Module, Store, Value};
use std::process::ExitCode;

fn run(args: &[String]) -> Result<Vec<Value>, String> {
    let [image, export, rest @ ..] = args else {
        return Err("usage: iwasm-sample-aot-only app.aot export [i32 args...]".into());
    };
    let bytes = std::fs::read(image).map_err(|e| format!("{image}: {e}"))?;
    let module = Module::new(&bytes).map_err(|e| format!("{image}: {e}"))?;
    let mut store = Store::new();
    let instance = Linker::new()
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let func = instance
        .get_func(&store, export)
        .ok_or_else(|| format!("no exported function {export}"))?;
    let args = rest
        .iter()
        .map(|a| {
            a.parse()
                .map(Value::I32)
                .map_err(|_| format!("not an i32: {a}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    func.call(&mut store, &args).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(results) => {
            println!("{results:?}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
