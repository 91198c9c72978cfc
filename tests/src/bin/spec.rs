//! Runs the WebAssembly spec test suite against iwasm.
//!
//! `spec --mode interp|jit|multi-tier|aot|aot-checked [--suite wasm-v2] [--filter SUBSTR] [-v]
//! [--fuel]
//! [--write-images DIR --image-target ARCH | --read-images DIR]`
//!
//! Prints one line per `.wast` file and ends with `N passed, M failed`. Exits with 0 when
//! every failure is listed in `tests/spec/expected-failures/<mode>-<suite>.txt`, 1 when
//! not, and 2 on usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use iwasm::Arch;
use iwasm_tests::spec::{run_suite, ExpectedFailures, Images, Mode, RunOptions, Suite, Totals};

const USAGE: &str = "usage: spec --mode MODE [--suite NAME] [--filter SUBSTR] [-v] [IMAGES]
  --mode MODE            execution mode: interp, jit, multi-tier, aot or aot-checked
  --suite NAME           wasm-v1, wasm-v2 (default), wasm-v3, wasm-latest or a proposal name
  --filter SUBSTR        only run .wast files whose name contains SUBSTR
  -v, --verbose          show all failures and spectest prints
  --fuel                 meter fuel in every store and image (more than any script spends)
  --shard K/N            only run the K-th of every N files (K from 0): a suite in N
                         processes (QEMU keeps what a process reserved until it exits)
IMAGES (aot modes): images compiled on one machine, run on another
  --write-images DIR     also write each module's image for --image-target ARCH to DIR
  --image-target ARCH    the architecture of the written images (x86_64, aarch64)
  --read-images DIR      run the images in DIR (from a --write-images run) instead of
                         compiling";

/// The parsed command line.
struct Args {
    mode: Mode,
    suite: Suite,
    filter: Option<String>,
    verbose: bool,
    images: Option<Images>,
    /// `(k, n)`: run file `i` only if `i % n == k`.
    shard: Option<(usize, usize)>,
    fuel: bool,
}

impl Args {
    /// Parses the arguments; `Ok(None)` when help was asked for.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
        let mut mode = Mode::Interp;
        let mut suite = Suite::DEFAULT.to_string();
        let mut filter = None;
        let mut verbose = false;
        let mut shard = None;
        let mut fuel = false;
        let (mut write_dir, mut image_target, mut read_dir) = (None, None, None);
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
                "--fuel" => fuel = true,
                "--shard" => shard = Some(parse_shard(&value()?)?),
                "--write-images" => write_dir = Some(PathBuf::from(value()?)),
                "--read-images" => read_dir = Some(PathBuf::from(value()?)),
                "--image-target" => {
                    let name = value()?;
                    let arch = Arch::from_name(&name)
                        .ok_or_else(|| format!("unknown architecture `{name}`"))?;
                    image_target = Some(arch);
                }
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        let images = match (write_dir, image_target, read_dir) {
            (None, None, None) => None,
            (Some(dir), Some(target), None) => {
                std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                Some(Images::Write { dir, target })
            }
            (None, None, Some(dir)) => Some(Images::Read { dir }),
            _ => {
                return Err(
                    "--write-images needs --image-target, and excludes --read-images".into(),
                )
            }
        };
        if images.is_some() && !matches!(mode, Mode::Aot | Mode::AotChecked) {
            return Err("images are for the aot modes".into());
        }
        Ok(Some(Args {
            fuel,
            shard,
            images,
            mode,
            suite: Suite::parse(&suite)?,
            filter,
            verbose,
        }))
    }
}

/// Parses `--shard K/N` (`K < N`).
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard {text}: expected K/N with K < N");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if k < n {
        Ok((k, n))
    } else {
        Err(bad())
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
    if let Some((k, n)) = args.shard {
        let mut index = 0..;
        files.retain(|_| index.next().is_some_and(|i| i % n == k));
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
        images: args.images.clone(),
        fuel: args.fuel,
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
