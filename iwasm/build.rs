//! Chooses the interpreter's dispatch backend, and what this build does with compiled code:
//! run it (`iwasm_aot`: std builds on x86-64 and AArch64, where the runtime has stubs), generate it
//! (`iwasm_compiler`: the code generator and the AOT compiler, for any target, on any 64-bit
//! host with the `compiler` feature) and both (`iwasm_jit`).
//!
//! With `iwasm_tail_calls` set, every handler ends by tail-calling the next one (threaded
//! code). That relies on LLVM's sibling-call optimisation, which happens reliably only when
//! optimising (opt-level 2, 3, s, z) without debug assertions, on x86-64 and AArch64. Everywhere else, and with the
//! `portable-dispatch` feature, handlers return to a trampoline loop instead.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(iwasm_tail_calls)");
    println!("cargo:rustc-check-cfg=cfg(iwasm_jit)");
    println!("cargo:rustc-check-cfg=cfg(iwasm_aot)");
    println!("cargo:rustc-check-cfg=cfg(iwasm_compiler)");
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
    let std = std::env::var_os("CARGO_FEATURE_STD").is_some();
    let runs_compiled_code = std && matches!(arch.as_str(), "x86_64" | "aarch64");
    let compiler = std::env::var_os("CARGO_FEATURE_COMPILER").is_some()
        && std::env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() == Ok("64");
    if runs_compiled_code {
        println!("cargo:rustc-cfg=iwasm_aot");
    }
    if compiler {
        println!("cargo:rustc-cfg=iwasm_compiler");
    }
    if runs_compiled_code && compiler {
        println!("cargo:rustc-cfg=iwasm_jit");
    }
}
