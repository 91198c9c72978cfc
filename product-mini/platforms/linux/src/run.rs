//! Loading, linking, instantiating and running a module as the options say.

use std::io::Write;
use std::path::Path;

use iwasm::{Config, Error, Instance, Linker, Module, Store, Trap, TrapCode};
use iwasm_wasi::WasiCtxBuilder;

use crate::args::Options;
use crate::invoke;

/// The most backtrace frames printed (a stack overflow has tens of thousands).
const MAX_FRAMES: usize = 32;

/// Why a run failed. Every failure exits with status 1.
#[derive(Debug)]
pub enum Failure {
    /// A one-line message (printed after `iwasm: `).
    Message(String),
    /// A wasm trap (printed as `Exception: <message>` and the wasm backtrace).
    Trap(Trap),
    /// `--timeout=<ms>` stopped the guest (printed as a trap that names the limit).
    Timeout(u32, Trap),
}

impl Failure {
    /// Prints the failure to stderr.
    pub fn report(&self) {
        let mut text = match self {
            Failure::Message(message) => format!("iwasm: {}\n", one_line(message)),
            Failure::Trap(trap) => format!("Exception: {}\n", one_line(trap.message())),
            Failure::Timeout(ms, _) => {
                format!("Exception: interrupted: time limit exceeded (--timeout={ms})\n")
            }
        };
        if let Failure::Trap(trap) | Failure::Timeout(_, trap) = self {
            let frames = trap.backtrace();
            for (depth, frame) in frames.iter().enumerate().take(MAX_FRAMES) {
                text.push_str(&format!("  #{depth:02} {}\n", frame.name));
            }
            if frames.len() > MAX_FRAMES {
                let more = frames.len() - MAX_FRAMES;
                text.push_str(&format!("  ... {more} more frames\n"));
            }
        }
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        match error {
            Error::Trap(trap) => Failure::Trap(trap),
            other => Failure::Message(other.to_string()),
        }
    }
}

/// The store limits the options ask for.
pub fn config(opts: &Options) -> Config {
    let mut config = Config::default();
    if let Some(bytes) = opts.heap_size {
        log::debug!("--heap-size={bytes} accepted; WASI programs manage their own heap");
    }
    if let Some(bytes) = opts.stack_size {
        config.max_value_stack_slots = bytes as usize / 8;
    }
    if let Some(bytes) = opts.max_memory_bytes {
        let pages = bytes / iwasm::PAGE_SIZE as u64;
        config.max_memory_pages = pages.min(iwasm::MAX_PAGES as u64) as u32;
    }
    config.consume_fuel = opts.fuel.is_some();
    config
}

/// Runs the module: its `_start`, or the `-f` function with the command-line arguments.
/// Returns the exit status: the guest's `proc_exit` code, else 0.
pub fn run(opts: &Options) -> Result<i32, Failure> {
    // The file's bytes are not needed once loaded (the module keeps what it uses).
    let module = Module::new(&read_module(&opts.file)?)
        .map_err(|e| Failure::Message(format!("{}: {e}", opts.file.display())))?;
    let mut store = Store::with_mode(config(opts), opts.mode);
    if let Some(fuel) = opts.fuel {
        store.set_fuel(fuel)?;
    }
    // Dropped at the end of the run, which cancels the timer.
    let _deadline = opts.timeout_ms.map(|ms| {
        let timeout = std::time::Duration::from_millis(ms.into());
        store.interrupt_handle().interrupt_after(timeout)
    });
    let mut linker = Linker::new();
    iwasm_wasi::add_to_linker(&mut linker, &mut store, wasi_ctx(opts)?);
    check_imports(&linker, &module)?;
    let outcome = linker
        .instantiate(&mut store, &module)
        .map_err(Failure::from)
        .and_then(|instance| match &opts.function {
            _ if opts.repl => repl(&mut store, instance).map(|()| 0),
            Some(name) => call_function(&mut store, instance, name, &opts.args).map(|()| 0),
            None => call_start(&mut store, instance),
        });
    match outcome {
        Ok(status) => Ok(status),
        Err(Failure::Trap(trap)) if trap.exit_code().is_some() => {
            let status = trap.exit_code().unwrap_or(0);
            log::debug!("program exited with status {status}");
            Ok(status)
        }
        Err(Failure::Trap(trap)) if trap.code() == TrapCode::Interrupted => match opts.timeout_ms {
            Some(ms) => Err(Failure::Timeout(ms, trap)),
            None => Err(Failure::Trap(trap)),
        },
        Err(failure) => Err(failure),
    }
}

/// The WASI context the options ask for: argv is the module path as given (as WAMR does) and
/// the arguments after it.
fn wasi_ctx(opts: &Options) -> Result<iwasm_wasi::WasiCtx, Failure> {
    let mut builder = WasiCtxBuilder::new();
    builder.arg(&opts.file).args(&opts.args).inherit_stdio();
    for (key, value) in &opts.env {
        builder.env(key, value);
    }
    for dir in &opts.dirs {
        builder.preopened_dir(dir, dir.to_string_lossy());
    }
    for (guest, host) in &opts.map_dirs {
        builder.preopened_dir(host, guest.as_str());
    }
    builder
        .build()
        .map_err(|e| Failure::Message(format!("cannot open directory {}", io_message(&e))))
}

/// The file's bytes, if it is a wasm binary or an AOT image (recognised by its magic).
fn read_module(path: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::Message(format!(
            "cannot read {}: {}",
            path.display(),
            io_message(&e)
        ))
    })?;
    if bytes.starts_with(b"\0asm") || bytes.starts_with(b"\0aot") {
        return Ok(bytes);
    }
    let what = if looks_like_wat(&bytes) {
        "WebAssembly text; convert it to a binary with wat2wasm"
    } else {
        "not a WebAssembly binary (bad magic number)"
    };
    Err(Failure::Message(format!("{} is {what}", path.display())))
}

/// Whether `bytes` start like WebAssembly text: `(`, after blanks and `;;` comment lines.
fn looks_like_wat(bytes: &[u8]) -> bool {
    let mut rest = bytes.trim_ascii_start();
    while rest.starts_with(b";;") {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        rest = rest[end..].trim_ascii_start();
    }
    rest.starts_with(b"(")
}

/// Fails on the first import the linker cannot provide.
fn check_imports(linker: &Linker, module: &Module) -> Result<(), Failure> {
    for (module_name, name) in module.import_names() {
        if linker.get(module_name, name).is_none() {
            let note = if module_name.starts_with("wasi") {
                " (only wasi_snapshot_preview1 is supported)"
            } else {
                ""
            };
            return Err(Failure::Message(format!(
                "unknown import {module_name}.{name}{note}"
            )));
        }
    }
    Ok(())
}

/// Runs `_start` (WASI's entry point); a normal return is exit status 0.
fn call_start(store: &mut Store, instance: Instance) -> Result<i32, Failure> {
    let Some(start) = instance.get_func(store, "_start") else {
        return Err(Failure::Message(
            "no _start function; use -f to call an export".into(),
        ));
    };
    if !start.ty(store).params().is_empty() {
        return Err(Failure::Message(
            "_start must take no parameters; use -f to call it".into(),
        ));
    }
    start.call(store, &[])?;
    Ok(0)
}

/// WAMR's REPL: prompts `webassembly> `, reads `FUNC ARG...` lines and runs each like `-f`,
/// reporting failures and going on, until `__exit__` or the end of input. A requested exit
/// (`proc_exit`) ends it with that status.
fn repl(store: &mut Store, instance: Instance) -> Result<(), Failure> {
    let stdin = std::io::stdin();
    let mut line = String::new();
    loop {
        let _ = std::io::stdout().lock().write_all(b"webassembly> ");
        let _ = std::io::stdout().flush();
        line.clear();
        match stdin.read_line(&mut line) {
            Ok(0) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else { continue };
        if name == "__exit__" {
            return Ok(());
        }
        let args: Vec<std::ffi::OsString> = words.map(Into::into).collect();
        match call_function(store, instance, name, &args) {
            Err(Failure::Trap(trap)) if trap.exit_code().is_some() => {
                return Err(Failure::Trap(trap));
            }
            Err(failure) => failure.report(),
            Ok(()) => {}
        }
    }
}

/// Calls export `name` with `args` parsed by its signature and prints its results.
fn call_function(
    store: &mut Store,
    instance: Instance,
    name: &str,
    args: &[std::ffi::OsString],
) -> Result<(), Failure> {
    let Some(func) = instance.get_func(store, name) else {
        let mut exports: Vec<&str> = instance
            .exports(store)
            .filter(|(_, item)| matches!(item, iwasm::Extern::Func(_)))
            .map(|(export, _)| export)
            .collect();
        exports.sort_unstable();
        let available = if exports.is_empty() {
            "the module exports no functions".to_owned()
        } else {
            format!("exported functions: {}", exports.join(", "))
        };
        return Err(Failure::Message(format!(
            "no exported function {name} ({available})"
        )));
    };
    let ty = func.ty(store);
    let params = invoke::parse_params(name, &ty, args).map_err(Failure::Message)?;
    let results = func.call(store, &params)?;
    let line = format!("{}\n", invoke::format_results(&results));
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
    Ok(())
}

/// An I/O error's text without Rust's ` (os error N)` suffix.
fn io_message(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// `text` on one line.
fn one_line(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join(" ")
}
