//! `iwasm`: run a WebAssembly module from the command line, the way WAMR's `iwasm` does.
//!
//! ```text
//! iwasm [options] <file.wasm> [args...]          run its _start export
//! iwasm [options] -f <name> <file.wasm> [args...]  call export <name>, print its results
//! ```
//!
//! The program gets WASI preview 1: `argv` is the module path as given and the arguments after it,
//! `--dir`/`--map-dir` grant directories, `--env` sets variables. The guest's `proc_exit`
//! status becomes the exit status (a normal return from `_start` is 0). Every failure (bad
//! options, unreadable or invalid module, unknown import, trap) is reported on stderr and
//! exits with status 1.

mod args;
mod invoke;
mod run;

use std::io::Write;
use std::process::ExitCode;

use args::{ArgError, Command};

fn main() -> ExitCode {
    match args::parse(std::env::args_os().skip(1)) {
        Ok(Command::Help) => {
            print_to(std::io::stdout(), &usage());
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            let version = format!("iwasm {}\n", env!("CARGO_PKG_VERSION"));
            print_to(std::io::stdout(), &version);
            ExitCode::SUCCESS
        }
        Ok(Command::Run(opts)) => match run_with_logging(&opts) {
            // The low 8 bits, as a process exit status has.
            Ok(status) => ExitCode::from(status as u8),
            Err(failure) => {
                failure.report();
                ExitCode::FAILURE
            }
        },
        Err(ArgError::NoFile) => {
            print_to(std::io::stderr(), &usage());
            ExitCode::FAILURE
        }
        Err(ArgError::Invalid(message)) => {
            print_to(
                std::io::stderr(),
                &format!("iwasm: {message} (see iwasm --help)\n"),
            );
            ExitCode::FAILURE
        }
    }
}

/// Sets up logging, then runs the module.
fn run_with_logging(opts: &args::Options) -> Result<i32, run::Failure> {
    init_logging(opts.log_level);
    run::run(opts)
}

/// Logs to stderr at the level `-v` gives (0: off, 1: error, 2: warn, 3: info, 4: debug,
/// 5: trace); `RUST_LOG`, when set, overrides it.
fn init_logging(level: u8) {
    let filter = match level {
        0 => log::LevelFilter::Off,
        1 => log::LevelFilter::Error,
        2 => log::LevelFilter::Warn,
        3 => log::LevelFilter::Info,
        4 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    let mut builder = env_logger::Builder::new();
    builder.filter_level(filter);
    if let Ok(spec) = std::env::var("RUST_LOG") {
        builder.parse_filters(&spec);
    }
    let _ = builder.try_init();
}

/// The usage text, with the actual default stack size.
fn usage() -> String {
    args::usage(iwasm::Config::default().max_value_stack_slots * 8)
}

/// Writes `text`, ignoring errors (a closed pipe is no reason to panic).
fn print_to(mut out: impl Write, text: &str) {
    let _ = out.write_all(text.as_bytes());
}
