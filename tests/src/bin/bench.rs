//! Benchmarks iwasm's interpreter and JIT against wasmi 2.0 on a set of CPU-bound programs.
//!
//! ```text
//! cargo run --release --bin bench [-- [--filter NAME] [--quick] [--runs N]]
//! ```
//!
//! Each program is loaded into both engines in this process, the same export
//! is called with the same arguments, the results must agree, and after one
//! warm-up call (which also pays for lazy translation in both engines) the
//! calls are timed, alternating between engines. The table reports the best
//! time per engine and `ratio = wasmi time / iwasm time` (>1: iwasm faster),
//! followed by the geometric mean of the ratios.

// A bin's crate root looks for modules beside itself, so point into bench/.
#[path = "bench/iwasm_runner.rs"]
mod iwasm_runner;
#[path = "bench/load.rs"]
mod load;
#[path = "bench/measure.rs"]
mod measure;
#[path = "bench/programs.rs"]
mod programs;
#[path = "bench/report.rs"]
mod report;
#[path = "bench/runner.rs"]
mod runner;
#[path = "bench/wasmi_runner.rs"]
mod wasmi_runner;

use measure::RunPolicy;
use programs::{Program, PROGRAMS};
use runner::EngineKind;
use std::process::ExitCode;
use std::time::Duration;

/// Tested engines first (the interpreter, the JIT, AOT images), baseline last (see
/// `report`).
const ENGINES: [EngineKind; 4] = [
    iwasm_runner::IWASM,
    iwasm_runner::IWASM_JIT,
    iwasm_runner::IWASM_AOT,
    wasmi_runner::WASMI,
];

/// Command-line options.
struct Options {
    /// Only programs whose name contains this.
    filter: Option<String>,
    /// Small inputs and few runs: a smoke test of a few seconds.
    quick: bool,
    /// Fixed number of timed runs instead of the time budget.
    runs: Option<usize>,
    /// `--compile FILE...`: measure the JIT's compile speed on these modules instead.
    compile: Vec<String>,
    /// `--load FILE...`: measure loading and instantiating these modules or AOT images.
    load: Vec<String>,
    /// `--explicit-bounds`: the JIT compares every memory access with the memory's length
    /// instead of relying on guard pages.
    explicit_bounds: bool,
    /// `--opt-level N`: the AOT images' optimisation level (default 3).
    opt_level: u8,
    /// `--fuel`: iwasm meters fuel in every tier.
    fuel: bool,
}

const USAGE: &str = "usage: bench [--filter NAME] [--quick] [--runs N] [--explicit-bounds] \
                     [--opt-level N] [--fuel] | bench --compile FILE.wasm... | bench --load FILE...";

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        filter: None,
        quick: false,
        runs: None,
        compile: Vec::new(),
        load: Vec::new(),
        explicit_bounds: false,
        opt_level: 3,
        fuel: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--filter" => options.filter = Some(args.next().ok_or("--filter needs a name")?),
            "--runs" => {
                let n = args.next().ok_or("--runs needs a number")?;
                let n = n.parse().map_err(|_| format!("bad --runs value `{n}`"))?;
                options.runs = Some(usize::max(n, 1));
            }
            "--compile" => options.compile.extend(args.by_ref()),
            "--load" => options.load.extend(args.by_ref()),
            "--explicit-bounds" => options.explicit_bounds = true,
            "--fuel" => options.fuel = true,
            "--opt-level" => {
                let n = args.next().ok_or("--opt-level needs a number")?;
                options.opt_level = n
                    .parse()
                    .ok()
                    .filter(|n| *n <= 3)
                    .ok_or(format!("bad --opt-level value `{n}` (0 to 3)"))?;
            }
            // `cargo bench` style invocations pass this; nothing to do.
            "--bench" => {}
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(options)
}

/// Timed-run policy: ~8 s per program for a full run (~1–1.5 min in all),
/// a fraction of a second with `--quick`, or exactly `--runs N`.
fn run_policy(options: &Options) -> RunPolicy {
    match (options.runs, options.quick) {
        (Some(n), _) => RunPolicy {
            budget: Duration::ZERO,
            min_runs: n,
            max_runs: n,
        },
        (None, true) => RunPolicy {
            budget: Duration::from_millis(200),
            min_runs: 1,
            max_runs: 5,
        },
        (None, false) => RunPolicy {
            budget: Duration::from_secs(8),
            min_runs: 3,
            max_runs: 25,
        },
    }
}

fn selected<'a>(options: &'a Options) -> impl Iterator<Item = &'static Program> + 'a {
    PROGRAMS.iter().filter(move |p| {
        options
            .filter
            .as_deref()
            .is_none_or(|filter| p.name.contains(filter))
    })
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    if !options.compile.is_empty() {
        return compile_speed(&options.compile);
    }
    if !options.load.is_empty() {
        return load::run(&options.load);
    }
    let policy = run_policy(&options);
    let runs_note = match options.runs {
        Some(n) => format!("{n} runs"),
        None => format!(
            "{}-{} runs by time budget",
            policy.min_runs, policy.max_runs
        ),
    } + &format!("; aot at --opt-level={}", options.opt_level)
        + if options.fuel { "; fuel metered" } else { "" };
    iwasm_runner::AOT_OPT_LEVEL.store(options.opt_level, std::sync::atomic::Ordering::Relaxed);
    iwasm_runner::FUEL.store(options.fuel, std::sync::atomic::Ordering::Relaxed);
    let mut engines = ENGINES;
    if options.explicit_bounds {
        engines[1] = iwasm_runner::IWASM_JIT_EXPLICIT_BOUNDS;
    }
    report::print_header(&engines, &runs_note);
    let mut rows = Vec::new();
    let mut failures = 0;
    for program in selected(&options) {
        match measure::bench_program(program, &engines, options.quick, &policy) {
            Ok(times) => rows.push(report::print_row(program, &times)),
            Err(message) => {
                println!("{:<12} FAILED: {message}", program.name);
                failures += 1;
            }
        }
    }
    report::print_geomeans(&rows, &engines);
    if failures > 0 {
        eprintln!("{failures} program(s) failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// `--compile`: for each module, the JIT's compile time for every function (best of 5),
/// throughput in MB of wasm code per second, and machine code size against wasm code size.
fn compile_speed(files: &[String]) -> ExitCode {
    println!("file                 wasm code    machine code  ratio   compile ms   MB/s");
    for file in files {
        let measured = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| iwasm::Module::new(&bytes).map_err(|e| e.to_string()))
            .and_then(|module| {
                let mut best = Duration::MAX;
                let mut sizes = (0, 0);
                for _ in 0..5 {
                    let start = std::time::Instant::now();
                    sizes = iwasm::compile_all_functions(&module).map_err(|e| e.to_string())?;
                    best = best.min(start.elapsed());
                }
                Ok((sizes, best))
            });
        match measured {
            Ok(((wasm, machine), time)) => println!(
                "{:<20} {wasm:>9}  {machine:>14}  {:>5.2}  {:>11.1}  {:>5.1}",
                std::path::Path::new(file)
                    .file_name()
                    .map_or(file.into(), |n| n.to_string_lossy()),
                machine as f64 / wasm as f64,
                time.as_secs_f64() * 1e3,
                wasm as f64 / 1e6 / time.as_secs_f64(),
            ),
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
