//! `wamrc`: compiles a WebAssembly module ahead of time into an AOT image that `iwasm` runs
//! with no compile step. Flags follow WAMR's `wamrc` where they mean something here.

mod object_file;
mod options;

use std::path::Path;
use std::process::ExitCode;

use options::{Command, Options};

fn main() -> ExitCode {
    match options::parse(std::env::args_os().skip(1)) {
        Ok(Command::Help) => {
            print!("{}", options::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("wamrc {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(Command::ListTargets) => {
            print!("{}", options::targets());
            ExitCode::SUCCESS
        }
        Ok(Command::Compile(options)) => match compile(&options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("wamrc: {message}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("wamrc: {message}\n{}", options::USAGE);
            ExitCode::FAILURE
        }
    }
}

/// Reads, validates and compiles the input, then writes the image: to a temporary file
/// beside the output first, renamed into place, so a failure leaves nothing half-written.
fn compile(options: &Options) -> Result<(), String> {
    let input = &options.input;
    let wasm = std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let module = iwasm::Module::new(&wasm).map_err(|e| format!("{}: {e}", input.display()))?;
    check_disabled_features(&wasm, &options.disabled)
        .map_err(|e| format!("{}: {e}", input.display()))?;
    let start = std::time::Instant::now();
    let image = iwasm::compile_aot(&module, &options.aot)
        .map_err(|e| format!("{}: {e}", input.display()))?;
    if options.verbose {
        eprintln!(
            "wamrc: {} ({} bytes of wasm) -> {} ({} bytes) in {:.1} ms",
            input.display(),
            wasm.len(),
            options.output.display(),
            image.len(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    if options.object {
        let stem = options
            .output
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy();
        let symbol = object_file::symbol_name(&stem);
        let bytes = object_file::write(&image, options.aot.target, &symbol)?;
        return write_atomically(&options.output, &bytes);
    }
    write_atomically(&options.output, &image)
}

/// Refuses a module that uses a feature a `--disable-*` flag turned off.
fn check_disabled_features(wasm: &[u8], disabled: &[options::Disabled]) -> Result<(), String> {
    if disabled.is_empty() {
        return Ok(());
    }
    let mut features = wasmparser::WasmFeatures::WASM2;
    for flag in disabled {
        features.remove(flag.features());
    }
    let mut validator = wasmparser::Validator::new_with_features(features);
    match validator.validate_all(wasm) {
        Ok(_) => Ok(()),
        Err(e) => {
            let flags: Vec<&str> = disabled.iter().map(|d| d.flag()).collect();
            Err(format!(
                "not valid with {}: {}",
                flags.join(" "),
                e.message()
            ))
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".wamrc-tmp");
    let temporary = std::path::PathBuf::from(temporary);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })
}
