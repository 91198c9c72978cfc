//! Runs the wasm 2.0 spec suite in every execution mode and checks that exactly the failures
//! listed in `tests/spec/expected-failures/<mode>-wasm-v2.txt` occur.

use iwasm_tests::spec::{run_suite, ExpectedFailures, Mode, RunOptions, Suite, Totals};

fn failures_match_expected_list(mode: Mode) {
    let suite = Suite::parse("wasm-v2").expect("wasm-v2 is a known suite");
    let expected = ExpectedFailures::load(mode, &suite).expect("readable expected-failures list");
    let options = RunOptions {
        mode,
        ..RunOptions::default()
    };
    let reports = run_suite(&suite.files(), &options, |report| {
        print!("{}", report.render(false))
    });
    println!("{}", Totals::of(&reports));
    let comparison = expected.compare(&reports);
    assert!(
        comparison.is_exact(),
        "spec failures differ from {}:\n{comparison}",
        ExpectedFailures::path(mode, &suite).display()
    );
}

#[test]
fn wasm_v2_interp() {
    failures_match_expected_list(Mode::Interp);
}

#[test]
#[cfg(target_arch = "x86_64")]
fn wasm_v2_jit() {
    failures_match_expected_list(Mode::Jit);
}

#[test]
#[cfg(target_arch = "x86_64")]
fn wasm_v2_multi_tier() {
    failures_match_expected_list(Mode::MultiTier);
}

#[test]
#[cfg(target_arch = "x86_64")]
fn wasm_v2_aot() {
    failures_match_expected_list(Mode::Aot);
}

#[test]
#[cfg(target_arch = "x86_64")]
fn wasm_v2_aot_checked() {
    failures_match_expected_list(Mode::AotChecked);
}
