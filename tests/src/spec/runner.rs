//! Executing the directives of `.wast` scripts.

use std::collections::HashMap;
use std::panic;
use std::thread;

use iwasm::{Error, Instance, Linker, Module, Store, Value};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::{Id, Span};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use super::host::spectest_linker;
use super::images::Images;
use super::panics;
use super::report::{Failure, FileReport};
use super::suite::{Mode, WastFile};
use super::values::{describe_expected_list, describe_values, result_matches, to_value};

/// Stack of the thread running the scripts: generous, so that deep (but bounded) wasm
/// recursion in `assert_exhaustion` tests cannot overflow the native stack first.
const STACK_SIZE: usize = 256 << 20;

/// Longest failure reason kept, in bytes.
const MAX_REASON: usize = 240;

/// Options for running scripts.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Print `spectest.print*` calls as they happen.
    pub verbose: bool,
    /// How the runtime executes the scripts.
    pub mode: Mode,
    /// In the AOT modes, images to write for another target or to read instead of compiling.
    pub images: Option<Images>,
    /// Meter fuel (with more than any script spends): every tier's charges run, none trips.
    pub fuel: bool,
}

/// Runs `files` in order on a thread with a large stack, calling `on_file` with each
/// report as soon as its file is done; returns all reports.
pub fn run_suite(
    files: &[WastFile],
    options: &RunOptions,
    mut on_file: impl FnMut(&FileReport) + Send,
) -> Vec<FileReport> {
    let run_all = move || {
        files
            .iter()
            .map(|file| {
                let report = run_file(&file.name, file.text, options);
                on_file(&report);
                report
            })
            .collect()
    };
    thread::scope(|scope| {
        thread::Builder::new()
            .name("spec".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, run_all)
            .expect("failed to spawn the spec runner thread")
            .join()
            .unwrap_or_else(|payload| panic::resume_unwind(payload))
    })
}

/// Runs the script `text` (named `name`) in a fresh store with the `spectest` module.
pub fn run_file(name: &str, text: &str, options: &RunOptions) -> FileReport {
    let mut report = FileReport::new(name);
    let setup = panics::catch(|| Runner::new(text, options));
    let mut runner = match setup {
        Ok(Ok(runner)) => runner,
        Ok(Err(e)) => return report_setup_failure(report, e.to_string()),
        Err(panic) => return report_setup_failure(report, format!("panic: {panic}")),
    };
    if let Err(e) = runner.parse_and_run(&mut report) {
        report.failures.push(failure_at(
            text,
            e.span(),
            format!("parse error: {}", e.message()),
        ));
    }
    report
}

/// A report for a file whose store and `spectest` module could not be set up.
fn report_setup_failure(mut report: FileReport, reason: String) -> FileReport {
    report.failures.push(Failure {
        line: 1,
        col: 1,
        reason: format!("spectest setup failed: {reason}"),
    });
    report
}

/// The runtime outcome of an action: its results, or the error it failed with.
type Action = Result<Vec<Value>, Error>;

/// How a directive went, when it did not fail.
enum Outcome {
    Passed,
    Skipped,
}

/// The state of one script run: store, linker and the module instances defined so far.
struct Runner<'a> {
    text: &'a str,
    store: Store,
    linker: Linker,
    /// The most recently instantiated module, target of unnamed actions.
    current: Option<Instance>,
    /// Instances of modules defined with a `$name`.
    named: HashMap<String, Instance>,
    /// How modules are loaded and run.
    mode: Mode,
    /// Images exchanged with another machine's run, if any.
    images: Option<Images>,
    /// Whether fuel is metered.
    fuel: bool,
}

impl<'a> Runner<'a> {
    fn new(text: &'a str, options: &RunOptions) -> Result<Runner<'a>, Error> {
        let mode = options.mode.running_mode();
        let mut store = Store::with_mode(options.mode.config(options.fuel), mode);
        if options.fuel {
            store.set_fuel(u64::MAX)?;
        }
        let linker = spectest_linker(&mut store, options.verbose)?;
        Ok(Runner {
            text,
            store,
            linker,
            current: None,
            named: HashMap::new(),
            mode: options.mode,
            images: options.images.clone(),
            fuel: options.fuel,
        })
    }

    fn parse_and_run(&mut self, report: &mut FileReport) -> Result<(), wast::Error> {
        let mut lexer = Lexer::new(self.text);
        lexer.allow_confusing_unicode(true);
        let buffer = ParseBuffer::new_with_lexer(lexer)?;
        let script = parser::parse::<Wast<'_>>(&buffer)?;
        for directive in script.directives {
            self.run(directive, report);
        }
        Ok(())
    }

    /// Runs one directive, catching runtime panics, and records its outcome.
    fn run(&mut self, directive: WastDirective<'_>, report: &mut FileReport) {
        let span = directive.span();
        match panics::catch(|| self.execute(directive)) {
            Ok(Ok(Outcome::Passed)) => report.passed += 1,
            Ok(Ok(Outcome::Skipped)) => report.skipped += 1,
            Ok(Err(reason)) => report.failures.push(failure_at(self.text, span, reason)),
            Err(panic) => {
                let reason = format!("panic: {panic}");
                report.failures.push(failure_at(self.text, span, reason));
            }
        }
    }

    /// Executes one directive; `Err` holds the reason it failed.
    fn execute(&mut self, directive: WastDirective<'_>) -> Result<Outcome, String> {
        match directive {
            WastDirective::Module(module) => self.define_module(module),
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker.define_instance(&self.store, name, instance);
                Ok(Outcome::Passed)
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke)? {
                Ok(_) => Ok(Outcome::Passed),
                Err(e) => Err(format!("invoke failed: {}", describe_error(&e))),
            },
            WastDirective::AssertReturn { exec, results, .. } => {
                let action = self.execute_action(exec)?;
                expect_return(action, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                expect_trap(self.execute_action(exec)?, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                expect_trap(self.invoke(&call)?, message)
            }
            WastDirective::AssertInvalid {
                module, message, ..
            } => expect_rejected(module, message, false),
            WastDirective::AssertMalformed {
                module, message, ..
            } => expect_rejected(module, message, true),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => self.expect_unlinkable(module, message),
            // Module definitions/instances, threads, exceptions, custom-section assertions
            // and component-model directives are beyond wasm 2.0.
            _ => Ok(Outcome::Skipped),
        }
    }

    /// A `module` directive: instantiate and make it the current (and maybe named) module.
    fn define_module(&mut self, mut module: QuoteWat<'_>) -> Result<Outcome, String> {
        if is_component(&module) {
            return Ok(Outcome::Skipped);
        }
        self.current = None;
        let bytes = module
            .encode()
            .map_err(|e| format!("wat encode failed: {}", e.message()))?;
        let instance = self.instantiate(&bytes).map_err(|e| describe_error(&e))?;
        self.current = Some(instance);
        if let Some(id) = module.name() {
            self.named.insert(id.name().to_string(), instance);
        }
        Ok(Outcome::Passed)
    }

    fn instantiate(&mut self, bytes: &[u8]) -> Result<Instance, Error> {
        let module = self.mode.load(bytes, self.images.as_ref(), self.fuel)?;
        self.linker.instantiate(&mut self.store, &module)
    }

    /// The instance named `id`, or the current one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, String> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("unknown module ${}", id.name())),
            None => self
                .current
                .ok_or_else(|| "no module instantiated".to_string()),
        }
    }

    fn execute_action(&mut self, exec: WastExecute<'_>) -> Result<Action, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => self.get_global(module, global).map(Ok),
            WastExecute::Wat(mut wat) => {
                let bytes = wat
                    .encode()
                    .map_err(|e| format!("wat encode failed: {}", e.message()))?;
                Ok(self.instantiate(&bytes).map(|_| Vec::new()))
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Action, String> {
        let instance = self.instance(invoke.module)?;
        let func = instance
            .get_func(&self.store, invoke.name)
            .ok_or_else(|| format!("no exported function \"{}\"", invoke.name))?;
        let args = invoke
            .args
            .iter()
            .map(to_value)
            .collect::<Result<Vec<Value>, String>>()?;
        Ok(func.call(&mut self.store, &args))
    }

    fn get_global(&self, module: Option<Id<'_>>, name: &str) -> Result<Vec<Value>, String> {
        let global = self
            .instance(module)?
            .get_global(&self.store, name)
            .ok_or_else(|| format!("no exported global \"{name}\""))?;
        Ok(vec![global.get(&self.store)])
    }

    fn expect_unlinkable(&mut self, mut wat: Wat<'_>, message: &str) -> Result<Outcome, String> {
        let bytes = wat
            .encode()
            .map_err(|e| format!("wat encode failed: {}", e.message()))?;
        let module = self
            .mode
            .load(&bytes, self.images.as_ref(), self.fuel)
            .map_err(|e| describe_error(&e))?;
        match self.linker.instantiate(&mut self.store, &module) {
            Err(Error::Link(m)) if m.starts_with(message) => Ok(Outcome::Passed),
            Err(e) => Err(format!(
                "expected link error \"{message}\", got {}",
                describe_error(&e)
            )),
            Ok(_) => Err(format!("module linked, expected \"{message}\"")),
        }
    }
}

fn expect_return(action: Action, expected: &[WastRet<'_>]) -> Result<Outcome, String> {
    let want = describe_expected_list(expected);
    let values = action.map_err(|e| format!("expected {want}, got {}", describe_error(&e)))?;
    let ok = values.len() == expected.len()
        && expected
            .iter()
            .zip(&values)
            .all(|(e, v)| result_matches(e, v));
    if ok {
        Ok(Outcome::Passed)
    } else {
        Err(format!("expected {want}, got {}", describe_values(&values)))
    }
}

fn expect_trap(action: Action, message: &str) -> Result<Outcome, String> {
    match action {
        Err(Error::Trap(trap)) if trap.message().starts_with(message) => Ok(Outcome::Passed),
        Err(Error::Trap(trap)) => Err(format!(
            "trap \"{}\", expected \"{message}\"",
            trap.message()
        )),
        Err(e) => Err(format!(
            "expected trap \"{message}\", got {}",
            describe_error(&e)
        )),
        Ok(values) => Err(format!(
            "expected trap \"{message}\", got {}",
            describe_values(&values)
        )),
    }
}

/// `assert_invalid` / `assert_malformed`: the module must be rejected. For malformed
/// modules, failing to even encode the text counts as a rejection.
fn expect_rejected(
    mut module: QuoteWat<'_>,
    message: &str,
    malformed: bool,
) -> Result<Outcome, String> {
    if is_component(&module) {
        return Ok(Outcome::Skipped);
    }
    let bytes = match module.encode() {
        Ok(bytes) => bytes,
        Err(_) if malformed => return Ok(Outcome::Passed),
        Err(e) => return Err(format!("wat encode failed: {}", e.message())),
    };
    match Module::new(&bytes) {
        // Rejected by the loader: as invalid, or as valid only with a feature beyond 2.0.
        Err(Error::Load(_) | Error::Unsupported(_)) => Ok(Outcome::Passed),
        Err(e) => Err(format!(
            "expected a load error \"{message}\", got {}",
            describe_error(&e)
        )),
        Ok(_) => Err(format!("module accepted, expected \"{message}\"")),
    }
}

fn is_component(module: &QuoteWat<'_>) -> bool {
    matches!(
        module,
        QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)
    )
}

/// A runtime error in one line: traps without their backtrace.
fn describe_error(error: &Error) -> String {
    match error {
        Error::Trap(trap) => format!("trap \"{}\"", trap.message()),
        other => other.to_string(),
    }
}

/// A failure at `span` of `text`, with `reason` cut to one short line.
fn failure_at(text: &str, span: Span, reason: String) -> Failure {
    let (line, col) = span.linecol_in(text);
    let mut reason = reason.replace('\n', " | ");
    if reason.len() > MAX_REASON {
        let cut = (0..=MAX_REASON)
            .rev()
            .find(|&i| reason.is_char_boundary(i))
            .unwrap_or(0);
        reason.truncate(cut);
        reason.push_str("...");
    }
    Failure {
        line: line + 1,
        col: col + 1,
        reason,
    }
}
