//! Chooses the interpreter's dispatch backend, and whether compiled code can run
//! (`iwasm_aot`) and be generated (`iwasm_jit`: the JIT and the AOT compiler).
//!
//! With `iwasm_tail_calls` set, every handler ends by tail-calling the next one (threaded
//! code). That relies on LLVM's sibling-call optimisation, which happens reliably only when
//! optimising (opt-level 2, 3, s, z) without debug assertions, on x86-64 and AArch64. Everywhere else, and with the
//! `portable-dispatch` feature, handlers return to a trampoline loop instead.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(iwasm_tail_calls)");
    println!("cargo:rustc-check-cfg=cfg(iwasm_jit)");
    println!("cargo:rustc-check-cfg=cfg(iwasm_aot)");
    println!("cargo:rerun-if-changed=build.rs");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let optimising = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    let arch_ok = matches!(arch.as_str(), "x86_64" | "aarch64");
    let portable = std::env::var_os("CARGO_FEATURE_PORTABLE_DISPATCH").is_some();
    // Debug assertions (`ub_checks` on raw-pointer reads) keep some handlers from ending in
    // a tail call, so threaded dispatch would grow the host stack.
    let debug_assertions = std::env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    if optimising && arch_ok && !portable && !debug_assertions {
        println!("cargo:rustc-cfg=iwasm_tail_calls");
    }
    // Running compiled code (AOT images): std builds for an ISA with a back end; the JIT
    // and the AOT compiler: those with the `compiler` feature too.
    if std::env::var_os("CARGO_FEATURE_STD").is_some() && arch == "x86_64" {
        println!("cargo:rustc-cfg=iwasm_aot");
        if std::env::var_os("CARGO_FEATURE_COMPILER").is_some() {
            println!("cargo:rustc-cfg=iwasm_jit");
        }
    }
}
