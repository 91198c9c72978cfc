//! The result table. The first engine is the one under test, the last one
//! the baseline; `ratio = baseline time / tested time` (>1: tested is faster).

use super::measure::ProgramTimes;
use super::programs::Program;
use super::runner::{format_nums, EngineKind};
use std::time::Duration;

/// Prints the table header.
pub fn print_header(engines: &[EngineKind], runs_note: &str) {
    println!("execution time = best of the timed calls ({runs_note}), after one warm-up call");
    println!("load = decode + validate + instantiate; 1st = warm-up call incl. lazy translation");
    let mut line = format!("{:<12} {:<29}", "program", "kind");
    for engine in engines {
        line += &format!(" {:>10}", format!("{} ms", engine.name));
    }
    if engines.len() > 1 {
        line += &format!(" {:>7}", "ratio");
    }
    for engine in engines {
        line += &format!(" {:>17}", format!("{} load/1st", engine.name));
    }
    line += "  runs  result";
    println!("{line}");
    println!("{}", "-".repeat(line.len()));
}

/// Prints one program's row and returns its speed ratio, if there is one.
pub fn print_row(program: &Program, times: &ProgramTimes) -> Option<f64> {
    let mut line = format!("{:<12} {:<29}", program.name, program.kind);
    for engine in &times.engines {
        line += &format!(" {:>10.2}", ms(engine.best));
    }
    let ratio = ratio(times);
    if let Some(ratio) = ratio {
        line += &format!(" {:>6.2}x", ratio);
    }
    for engine in &times.engines {
        let pair = format!("{:.2}/{:.1}", ms(engine.load), ms(engine.first_call));
        line += &format!(" {pair:>17}");
    }
    line += &format!("  {:>4}  {}", times.runs, format_nums(&times.results));
    println!("{line}");
    ratio
}

/// Prints the geometric mean of the ratios on its own line.
pub fn print_geomean(ratios: &[f64], tested: &str, baseline: &str) {
    if ratios.is_empty() {
        return;
    }
    let mean_log = ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64;
    println!(
        "geomean speed vs {baseline}: {:.2}x  ({baseline} time / {tested} time, >1 = {tested} faster)",
        mean_log.exp()
    );
}

fn ratio(times: &ProgramTimes) -> Option<f64> {
    match times.engines.as_slice() {
        [tested, .., baseline] => {
            Some(baseline.best.as_secs_f64() / tested.best.as_secs_f64().max(1e-9))
        }
        _ => None,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
