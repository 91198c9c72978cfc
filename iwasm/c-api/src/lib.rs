//! The C embedding API of iwasm: the standard `wasm.h` of the WebAssembly C API
//! (<https://github.com/WebAssembly/wasm-c-api>, `include/wasm.h`, shipped unchanged in
//! `include/`), built as `libiwasm.a` and `libiwasm.so`.
//!
//! Every function tolerates NULL and objects of the wrong kind (answering NULL, false or
//! zero); objects used after their store is deleted are inert. Traps and host errors come
//! back as `wasm_trap_t`, never as an unwind across the C boundary.
//!
//! Object model: every reference object (`wasm_func_t`, `wasm_extern_t`, `wasm_ref_t`, ...)
//! is one Rust struct, [`object::wasm_ref_t`], so the header's casts return the same pointer;
//! every extern type likewise is one [`types::wasm_externtype_t`]. A store owns what is
//! created in it until `wasm_store_delete`; the C objects are handles on it.

#![allow(non_camel_case_types)]

mod engine;
mod externs;
mod func;
mod instance;
mod module;
mod object;
mod trap;
mod types;
mod val;
mod vec;
