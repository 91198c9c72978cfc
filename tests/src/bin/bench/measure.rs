//! Timing: load every engine, warm up, then interleave timed calls.

use super::programs::Program;
use super::runner::{format_nums, EngineKind, Num, Runner};
use std::time::{Duration, Instant};

/// How many timed calls to make per engine.
#[derive(Clone, Copy, Debug)]
pub struct RunPolicy {
    /// Wall-clock target for the timed calls of one program (all engines).
    pub budget: Duration,
    /// Lower bound on timed calls per engine.
    pub min_runs: usize,
    /// Upper bound on timed calls per engine.
    pub max_runs: usize,
}

impl RunPolicy {
    /// Number of runs that fits the budget, given one call of every engine
    /// takes about `round`.
    fn runs_for(&self, round: Duration) -> usize {
        let fit = self.budget.as_secs_f64() / round.as_secs_f64().max(1e-9);
        (fit as usize).clamp(self.min_runs, self.max_runs)
    }
}

/// Timings of one engine on one program.
#[derive(Clone, Debug)]
pub struct EngineTimes {
    /// Module decoding + validation + instantiation.
    pub load: Duration,
    /// The warm-up call (includes lazy translation).
    pub first_call: Duration,
    /// Fastest timed call.
    pub best: Duration,
}

/// Outcome of one program on every engine.
#[derive(Clone, Debug)]
pub struct ProgramTimes {
    /// The results all engines agreed on.
    pub results: Vec<Num>,
    /// Timed calls per engine.
    pub runs: usize,
    /// Per engine, in the order the engines were given.
    pub engines: Vec<EngineTimes>,
}

/// Runs `program` on every engine; fails if loading, a call, or the
/// agreement of results fails.
pub fn bench_program(
    program: &Program,
    engines: &[EngineKind],
    quick: bool,
    policy: &RunPolicy,
) -> Result<ProgramTimes, String> {
    let wasm = program.wasm()?;
    let args = program.args(quick);
    let (mut runners, loads): (Vec<_>, Vec<_>) = load_all(engines, &wasm, program.export)?
        .into_iter()
        .unzip();
    // Warm-up: both engines translate function bodies lazily on first call.
    let mut warm_ups = Vec::with_capacity(engines.len());
    for (engine, runner) in engines.iter().zip(&mut runners) {
        warm_ups.push(checked_call(engine, runner.as_mut(), args, None)?);
    }
    let expected = agreed_results(engines, &warm_ups)?;
    let first_calls: Vec<Duration> = warm_ups.iter().map(|(_, time)| *time).collect();
    let runs = policy.runs_for(first_calls.iter().sum());
    let samples = timed_runs(engines, &mut runners, args, &expected, runs)?;
    let engines = samples
        .into_iter()
        .zip(loads.into_iter().zip(first_calls))
        .map(|(times, (load, first_call))| summarize(times, load, first_call))
        .collect();
    Ok(ProgramTimes {
        results: expected,
        runs,
        engines,
    })
}

/// A loaded engine and how long loading took.
type Loaded = (Box<dyn Runner>, Duration);

/// Loads the module into every engine, timing each.
fn load_all(engines: &[EngineKind], wasm: &[u8], export: &str) -> Result<Vec<Loaded>, String> {
    engines
        .iter()
        .map(|engine| {
            let (runner, load) = timed(|| (engine.load)(wasm, export));
            Ok((runner.map_err(|e| format!("{}: {e}", engine.name))?, load))
        })
        .collect()
}

/// Makes `runs` timed calls per engine, interleaving engines so that machine
/// noise hits them alike; returns the call times per engine.
fn timed_runs(
    engines: &[EngineKind],
    runners: &mut [Box<dyn Runner>],
    args: &[Num],
    expected: &[Num],
    runs: usize,
) -> Result<Vec<Vec<Duration>>, String> {
    let mut samples = vec![Vec::with_capacity(runs); engines.len()];
    for _ in 0..runs {
        for ((engine, runner), times) in engines.iter().zip(&mut *runners).zip(&mut samples) {
            times.push(checked_call(engine, runner.as_mut(), args, Some(expected))?.1);
        }
    }
    Ok(samples)
}

/// The results of the warm-up calls, if every engine returned the same.
fn agreed_results(
    engines: &[EngineKind],
    warm_ups: &[(Vec<Num>, Duration)],
) -> Result<Vec<Num>, String> {
    let first = warm_ups.first().map(|(results, _)| results.clone());
    let first = first.unwrap_or_default();
    if warm_ups.iter().all(|(results, _)| *results == first) {
        return Ok(first);
    }
    let listed: Vec<String> = engines
        .iter()
        .zip(warm_ups)
        .map(|(engine, (results, _))| format!("{} {}", engine.name, format_nums(results)))
        .collect();
    Err(format!("results differ: {}", listed.join(", ")))
}

/// Calls the runner once, timing it and checking the results against
/// `expected` when given.
fn checked_call(
    engine: &EngineKind,
    runner: &mut dyn Runner,
    args: &[Num],
    expected: Option<&[Num]>,
) -> Result<(Vec<Num>, Duration), String> {
    let (results, elapsed) = timed(|| runner.call(args));
    let results = results.map_err(|e| format!("{}: call failed: {e}", engine.name))?;
    match expected {
        Some(expected) if expected != results.as_slice() => Err(format!(
            "{}: result changed between calls: got {}, first call gave {}",
            engine.name,
            format_nums(&results),
            format_nums(expected)
        )),
        _ => Ok((results, elapsed)),
    }
}

fn summarize(times: Vec<Duration>, load: Duration, first_call: Duration) -> EngineTimes {
    EngineTimes {
        load,
        first_call,
        best: times.into_iter().min().unwrap_or(first_call),
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}
