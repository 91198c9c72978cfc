//! Runs the WebAssembly spec test suite against iwasm.
//!
//! `spec --mode interp|jit|multi-tier|aot [--suite wasm-v2] [--filter SUBSTR] [-v]`
//!
//! Prints one line per `.wast` file and ends with `N passed, M failed`. Exits with 0 when
//! every failure is listed in `tests/spec/expected-failures/<mode>-<suite>.txt`, 1 when
//! not, and 2 on usage errors.

use std::process::ExitCode;

use iwasm_tests::spec::{run_suite, ExpectedFailures, Mode, RunOptions, Suite, Totals};

const USAGE: &str =
    "usage: spec --mode interp|jit|multi-tier|aot [--suite NAME] [--filter SUBSTR] [-v]
  --mode MODE      execution mode: interp, jit, multi-tier or aot
  --suite NAME     wasm-v1, wasm-v2 (default), wasm-v3, wasm-latest or a proposal name
  --filter SUBSTR  only run .wast files whose name contains SUBSTR
  -v, --verbose    show all failures and spectest prints";

/// The parsed command line.
struct Args {
    mode: Mode,
    suite: Suite,
    filter: Option<String>,
    verbose: bool,
}

impl Args {
    /// Parses the arguments; `Ok(None)` when help was asked for.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
        let mut mode = Mode::Interp;
        let mut suite = Suite::DEFAULT.to_string();
        let mut filter = None;
        let mut verbose = false;
        while let Some(arg) = args.next() {
            let (flag, inline_value) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
                None => (arg, None),
            };
            let mut value = || {
                inline_value
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--mode" => mode = Mode::parse(&value()?)?,
                "--suite" => suite = value()?,
                "--filter" => filter = Some(value()?),
                "-v" | "--verbose" => verbose = true,
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(Some(Args {
            mode,
            suite: Suite::parse(&suite)?,
            filter,
            verbose,
        }))
    }
}

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("spec: {message} (see --help)");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("spec: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs the selected files; `Ok(true)` when all failures were expected.
fn run(args: &Args) -> Result<bool, String> {
    let expected = ExpectedFailures::load(args.mode, &args.suite)?;
    let mut files = args.suite.files();
    if let Some(filter) = &args.filter {
        files.retain(|file| file.name.contains(filter.as_str()));
    }
    if files.is_empty() {
        return Err(format!(
            "no .wast files in {} match the filter",
            args.suite.name()
        ));
    }
    if cfg!(panic = "abort") {
        eprintln!(
            "note: built with panic=abort, so a runtime panic ends the run; \
             `--profile bench` builds with panic=unwind"
        );
    }
    let options = RunOptions {
        verbose: args.verbose,
        mode: args.mode,
    };
    let verbose = args.verbose;
    let reports = run_suite(&files, &options, |report| {
        print!("{}", report.render(verbose))
    });
    let comparison = expected.compare(&reports);
    if !comparison.is_exact() {
        let path = ExpectedFailures::path(args.mode, &args.suite);
        println!("{comparison}(list: {})", path.display());
    }
    println!("{}", Totals::of(&reports));
    Ok(comparison.unexpected.is_empty())
}
