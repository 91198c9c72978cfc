//! What several test files share: every way a module can run.

use iwasm::{AotOptions, Module, RunningMode};

/// Every tier this build has, each with the module to instantiate for it: the interpreter,
/// the JIT, the multi-tier JIT and (where the host has a compiler) an AOT image of `wat`
/// compiled with `aot` (run in an interpreter-mode store).
pub fn tiers(wat: &str, aot: &AotOptions) -> Vec<(&'static str, RunningMode, Module)> {
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let mut tiers = vec![("interp", RunningMode::Interp, module.clone())];
    for (name, mode) in [
        ("jit", RunningMode::FastJit),
        ("multi-tier", RunningMode::MultiTierJit),
    ] {
        if mode.is_available() {
            tiers.push((name, mode, module.clone()));
        }
    }
    if iwasm::Arch::host().is_some_and(iwasm::Arch::has_compiler) {
        let image = iwasm::compile_aot(&module, aot).unwrap();
        tiers.push(("aot", RunningMode::Interp, Module::new(&image).unwrap()));
    }
    tiers
}
