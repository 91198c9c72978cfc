//! The result table. The last engine is the baseline; every other engine gets a
//! `ratio = baseline time / its time` (>1: faster than the baseline).

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
    for engine in &engines[..engines.len().saturating_sub(1)] {
        line += &format!(" {:>7}", format!("{}x", engine.name));
    }
    for engine in engines {
        line += &format!(" {:>17}", format!("{} load/1st", engine.name));
    }
    line += "  runs  result";
    println!("{line}");
    println!("{}", "-".repeat(line.len()));
}

/// Prints one program's row and returns each tested engine's speed ratio.
pub fn print_row(program: &Program, times: &ProgramTimes) -> Vec<f64> {
    let mut line = format!("{:<12} {:<29}", program.name, program.kind);
    for engine in &times.engines {
        line += &format!(" {:>10.2}", ms(engine.best));
    }
    let ratios = ratios(times);
    for ratio in &ratios {
        line += &format!(" {:>6.2}x", ratio);
    }
    for engine in &times.engines {
        let pair = format!("{:.2}/{:.1}", ms(engine.load), ms(engine.first_call));
        line += &format!(" {pair:>17}");
    }
    line += &format!("  {:>4}  {}", times.runs, format_nums(&times.results));
    println!("{line}");
    ratios
}

/// Prints each tested engine's geometric-mean ratio against the baseline, and each tested
/// engine's against every one before it; `rows` holds each program's ratios.
pub fn print_geomeans(rows: &[Vec<f64>], engines: &[EngineKind]) {
    let Some(baseline) = engines.last() else {
        return;
    };
    let geomean = |column: usize| {
        let logs: Vec<f64> = rows
            .iter()
            .filter_map(|r| r.get(column))
            .map(|r| r.ln())
            .collect();
        (!logs.is_empty()).then(|| (logs.iter().sum::<f64>() / logs.len() as f64).exp())
    };
    let tested = &engines[..engines.len() - 1];
    let means: Vec<Option<f64>> = (0..tested.len()).map(geomean).collect();
    for (engine, mean) in tested.iter().zip(&means) {
        if let Some(mean) = mean {
            println!(
                "geomean speed of {} vs {}: {mean:.2}x  ({} time / {} time, >1 = {} faster)",
                engine.name, baseline.name, baseline.name, engine.name, engine.name
            );
        }
    }
    for (later, engine) in tested.iter().enumerate().skip(1) {
        for (earlier, other) in tested[..later].iter().enumerate() {
            let speedups: Vec<f64> = rows
                .iter()
                .filter_map(|r| Some(r.get(later)? / r.get(earlier)?))
                .collect();
            if !speedups.is_empty() {
                let mean =
                    (speedups.iter().map(|r| r.ln()).sum::<f64>() / speedups.len() as f64).exp();
                println!(
                    "geomean speed of {} vs {}: {mean:.2}x",
                    engine.name, other.name
                );
            }
        }
    }
}

fn ratios(times: &ProgramTimes) -> Vec<f64> {
    match times.engines.split_last() {
        Some((baseline, tested)) => tested
            .iter()
            .map(|t| baseline.best.as_secs_f64() / t.best.as_secs_f64().max(1e-9))
            .collect(),
        None => Vec::new(),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
