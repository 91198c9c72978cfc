//! Minimal iwasm embedding: load a module from WAT, provide a host function,
//! instantiate through a `Linker`, call exports and access linear memory.

use iwasm::{Func, Instance, Linker, Memory, Module, Store, Value};
use std::error::Error;

/// The guest module: it imports `env.log_i32`, exports its memory and three
/// functions, and has a data segment with a greeting.
const GUEST_WAT: &str = r#"
(module
  (import "env" "log_i32" (func $log_i32 (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "Hello from wasm!")

  (func (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  ;; Sums `len` bytes at `ptr`, logging every byte through the host.
  (func (export "sum_bytes") (param $ptr i32) (param $len i32) (result i32)
    (local $sum i32)
    (local $byte i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $byte (i32.load8_u (local.get $ptr)))
        (call $log_i32 (local.get $byte))
        (local.set $sum (i32.add (local.get $sum) (local.get $byte)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  ;; Stores i*i for i in [0, n) as little-endian i32s at `ptr`.
  (func (export "write_squares") (param $ptr i32) (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store
          (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2)))
          (i32.mul (local.get $i) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
)
"#;

fn main() -> Result<(), Box<dyn Error>> {
    // 1. Compile: WAT -> wasm bytes -> validated module.
    let module = Module::new(&wat::parse_str(GUEST_WAT)?)?;
    println!("loaded module ({} bytes of WAT)", GUEST_WAT.len());

    // 2. Host function, satisfied through a linker; instantiation runs the
    //    data segment initialisation.
    let mut store = Store::new();
    let log_i32 = Func::wrap(&mut store, |value: i32| {
        println!("  [host] log_i32({value})")
    });
    let mut linker = Linker::new();
    linker.define("env", "log_i32", log_i32);
    let instance = linker.instantiate(&mut store, &module)?;
    let memory = instance
        .get_memory(&store, "memory")
        .ok_or("guest exports no memory")?;

    // 3. Call an export with typed arguments.
    let sum = call_i32(
        &mut store,
        instance,
        "add",
        &[Value::I32(40), Value::I32(2)],
    )?;
    println!("add(40, 2) = {sum}");

    // 4. Read memory written by the module's data segment.
    let greeting = String::from_utf8_lossy(&memory.data(&store)[..16]).into_owned();
    println!("memory[0..16] = {greeting:?}");

    // 5. Write memory from the host, then let the guest read it back.
    let input = [1u8, 2, 3, 4, 5];
    memory.data_mut(&mut store)[64..64 + input.len()].copy_from_slice(&input);
    println!("host wrote {input:?} at 64; guest sums them:");
    let args = [Value::I32(64), Value::I32(input.len() as i32)];
    let total = call_i32(&mut store, instance, "sum_bytes", &args)?;
    println!("sum_bytes(64, {}) = {total}", input.len());

    // 6. Let the guest write memory, then read it from the host.
    let squares = instance
        .get_func(&store, "write_squares")
        .ok_or("missing export write_squares")?;
    squares.call(&mut store, &[Value::I32(128), Value::I32(6)])?;
    println!(
        "write_squares(128, 6) -> {:?}",
        read_i32s(memory, &store, 128, 6)
    );
    println!("memory size: {} page(s)", memory.size(&store));
    Ok(())
}

/// Calls export `name` of `instance` and returns its single i32 result.
fn call_i32(
    store: &mut Store,
    instance: Instance,
    name: &str,
    args: &[Value],
) -> Result<i32, Box<dyn Error>> {
    let func = instance
        .get_func(store, name)
        .ok_or_else(|| format!("missing export {name}"))?;
    match func.call(store, args)?.as_slice() {
        [Value::I32(v)] => Ok(*v),
        other => Err(format!("{name} returned {} values, expected one i32", other.len()).into()),
    }
}

/// Reads `count` little-endian i32s at byte offset `at` of `memory`.
fn read_i32s(memory: Memory, store: &Store, at: usize, count: usize) -> Vec<i32> {
    memory.data(store)[at..at + 4 * count]
        .chunks_exact(4)
        .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}
