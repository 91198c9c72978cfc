//! The `spectest` host module that the spec scripts import from.

use iwasm::{
    Error, Extern, Func, FuncType, Global, GlobalType, Linker, Memory, MemoryType, Store, Table,
    TableType, ValType, Value,
};

use super::values::describe_values;

/// The module name the scripts import host items from.
const MODULE: &str = "spectest";

/// The `spectest` print functions and their parameter types.
const PRINT_FUNCS: [(&str, &[ValType]); 7] = [
    ("print", &[]),
    ("print_i32", &[ValType::I32]),
    ("print_i64", &[ValType::I64]),
    ("print_f32", &[ValType::F32]),
    ("print_f64", &[ValType::F64]),
    ("print_i32_f32", &[ValType::I32, ValType::F32]),
    ("print_f64_f64", &[ValType::F64, ValType::F64]),
];

/// A linker that provides the `spectest` module's functions, globals, table and memory,
/// allocated in `store`. The print functions print their arguments only when `verbose`.
pub(crate) fn spectest_linker(store: &mut Store, verbose: bool) -> Result<Linker, Error> {
    let mut linker = Linker::new();
    for (name, params) in PRINT_FUNCS {
        let func = print_func(store, name, params, verbose);
        linker.define(MODULE, name, Extern::Func(func));
    }
    for (name, value) in [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::from_f32(666.6)),
        ("global_f64", Value::from_f64(666.6)),
    ] {
        let ty = GlobalType {
            content: value.ty(),
            mutable: false,
        };
        let global = Global::new(store, ty, value)?;
        linker.define(MODULE, name, Extern::Global(global));
    }
    let table_ty = TableType {
        element: ValType::FuncRef,
        min: 10,
        max: Some(20),
    };
    let table = Table::new(store, table_ty, Value::FuncRef(None))?;
    linker.define(MODULE, "table", Extern::Table(table));
    let memory = Memory::new(
        store,
        MemoryType {
            min: 1,
            max: Some(2),
        },
    )?;
    linker.define(MODULE, "memory", Extern::Memory(memory));
    Ok(linker)
}

/// A host function with no results that prints its arguments when `verbose`.
fn print_func(store: &mut Store, name: &'static str, params: &[ValType], verbose: bool) -> Func {
    let ty = FuncType::new(params.iter().copied(), []);
    Func::new(store, ty, move |_caller, args, _results| {
        if verbose {
            println!("{MODULE}.{name}: {}", describe_values(args));
        }
        Ok(())
    })
}
