//! `iwasm`: run a WebAssembly module from the command line, the way WAMR's `iwasm` does.
//!
//! ```text
//! iwasm [options] <file.wasm> [args...]          run its _start export
//! iwasm [options] -f <name> <file.wasm> [args...]  call export <name>, print its results
//! ```
//!
//! Every failure (bad options, unreadable or invalid module, unknown import, trap) is reported
//! on stderr and exits with status 1.

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
        Ok(Command::Run(opts)) => match run::run(&opts) {
            Ok(()) => ExitCode::SUCCESS,
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

/// The usage text, with the actual default stack size.
fn usage() -> String {
    args::usage(iwasm::Config::default().max_value_stack_slots * 8)
}

/// Writes `text`, ignoring errors (a closed pipe is no reason to panic).
fn print_to(mut out: impl Write, text: &str) {
    let _ = out.write_all(text.as_bytes());
}
