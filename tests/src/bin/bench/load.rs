//! `bench --load FILE...`: how long loading and instantiating a module takes (an AOT image:
//! checking, decoding and mapping it; a wasm binary: decoding and validating it), with WASI
//! linked, best of several runs, and per MB of the file.

use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Timed runs per file; the best counts.
const RUNS: usize = 10;

/// The best `(load, instantiate)` times for `bytes`.
fn load_and_instantiate(bytes: &[u8]) -> Result<(Duration, Duration), String> {
    let mut best = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        let start = Instant::now();
        let module = iwasm::Module::new(bytes).map_err(|e| e.to_string())?;
        let loaded = start.elapsed();
        let mut store = iwasm::Store::new();
        let mut linker = iwasm::Linker::new();
        let ctx = iwasm_wasi::WasiCtxBuilder::new()
            .build()
            .map_err(|e| e.to_string())?;
        iwasm_wasi::add_to_linker(&mut linker, &mut store, ctx);
        let start = Instant::now();
        linker
            .instantiate(&mut store, &module)
            .map_err(|e| e.to_string())?;
        let instantiated = start.elapsed();
        best = (best.0.min(loaded), best.1.min(instantiated));
    }
    Ok(best)
}

/// Prints each file's load and instantiate times.
pub fn run(files: &[String]) -> ExitCode {
    println!("file                      MB    load ms  instantiate ms  total ms/MB");
    for file in files {
        let measured = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| Ok((bytes.len(), load_and_instantiate(&bytes)?)));
        match measured {
            Ok((size, (load, instantiate))) => {
                let mb = size as f64 / 1e6;
                let ms = |d: Duration| d.as_secs_f64() * 1e3;
                println!(
                    "{:<22} {mb:>6.2}  {:>9.2}  {:>14.2}  {:>11.3}",
                    std::path::Path::new(file)
                        .file_name()
                        .map_or(file.into(), |n| n.to_string_lossy()),
                    ms(load),
                    ms(instantiate),
                    (ms(load) + ms(instantiate)) / mb,
                );
            }
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
