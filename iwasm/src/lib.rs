//! # iwasm — a WebAssembly micro runtime
//!
//! Load a module, link host functions, instantiate and call exports:
//!
//! ```
//! use iwasm::{Func, Linker, Module, Store, Value};
//! # fn main() -> Result<(), iwasm::Error> {
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (import "env" "double" (func $double (param i32) (result i32)))
//!       (func (export "quadruple") (param i32) (result i32)
//!         (call $double (call $double (local.get 0)))))
//! "#).unwrap();
//! let module = Module::new(&wasm)?;
//! let mut store = Store::new();
//! let mut linker = Linker::new();
//! let double = Func::wrap(&mut store, |x: i32| x * 2);
//! linker.define("env", "double", double);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let quadruple = instance.get_func(&store, "quadruple").unwrap();
//! assert_eq!(quadruple.call(&mut store, &[Value::I32(5)])?, vec![Value::I32(20)]);
//! # Ok(()) }
//! ```
//!
//! The crate builds `no_std` (with `alloc`) when the default `std` feature is off: the loader,
//! the interpreter and the runtime need nothing else.

#![cfg_attr(not(feature = "std"), no_std)]
// Builds without `wasm` (AOT images only) leave out the interpreter and the JIT but share the
// runtime with them; what only those use is unused there (and linked out).
#![cfg_attr(not(feature = "wasm"), allow(dead_code, unused_imports, unused_macros))]
#![warn(missing_docs)]

extern crate alloc;

// The layers, bottom-up: each imports only modules listed before it (`values` excepted: a
// value may be a `runtime::Func`). `tests/run.sh` checks it for the layers from `loader` on.
#[cfg(feature = "std")]
mod aot;
mod aot_options;
#[cfg(iwasm_compiler)]
mod compiler;
#[cfg(feature = "wasm")]
mod control;
mod engine;
mod error;
mod interp;
mod loader;
mod module;
#[cfg(any(iwasm_aot, iwasm_compiler))]
mod native;
mod runtime;
mod target;
mod values;

pub use aot_options::AotOptions;
pub use engine::{compile_all_functions, compile_aot, RunningMode};
pub use error::{Error, Frame, Trap, TrapCode};
pub use loader::Module;
pub use runtime::vmctx as vm;
#[cfg(feature = "std")]
pub use runtime::Deadline;
pub use runtime::{
    Caller, Config, Extern, Func, Global, HostFunc, Instance, InterruptHandle, IntoFunc, Linker,
    Memory, Store, Table, WasmType,
};
pub use target::{Arch, CpuFeature};
pub use values::{
    ExternType, FuncType, GlobalType, MemoryType, TableType, ValType, Value, MAX_PAGES, PAGE_SIZE,
};
