//! Runs the wasm 2.0 spec suite on the interpreter and checks that exactly the failures
//! listed in `tests/spec/expected-failures/interp-wasm-v2.txt` occur.

use iwasm_tests::spec::{run_suite, ExpectedFailures, Mode, RunOptions, Suite, Totals};

#[test]
fn wasm_v2_interp_failures_match_expected_list() {
    let suite = Suite::parse("wasm-v2").expect("wasm-v2 is a known suite");
    let expected =
        ExpectedFailures::load(Mode::Interp, &suite).expect("readable expected-failures list");
    let reports = run_suite(&suite.files(), &RunOptions::default(), |report| {
        print!("{}", report.render(false))
    });
    println!("{}", Totals::of(&reports));
    let comparison = expected.compare(&reports);
    assert!(
        comparison.is_exact(),
        "spec failures differ from {}:\n{comparison}",
        ExpectedFailures::path(Mode::Interp, &suite).display()
    );
}
