//! Fuel: exact counts for small programs, the same trip point in every tier (interpreter,
//! JIT, multi-tier after on-stack replacement, AOT images compiled with fuel), refuelling, and
//! the errors of a store or image that does not meter it.

use iwasm::{
    AotOptions, Config, Error, Instance, Linker, Module, RunningMode, Store, TrapCode, Value,
};

mod common;

const WAT: &str = r#"(module
    (global $g (export "iterations") (mut i32) (i32.const 0))
    (table 1 funcref)
    (elem (i32.const 0) $leaf)
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    ;; 10 per iteration, 1 to return.
    (func (export "count") (param i32) (result i32) (local i32)
      (loop
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (global.set $g (local.get 1))
        (br_if 0 (i32.ne (local.get 1) (local.get 0))))
      (local.get 1))
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    ;; Calls, indirect calls, if/else and br_table: the counts must agree anyway.
    (func (export "mixed") (param i32) (result i32) (local i32)
      (loop $next
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (if (i32.and (local.get 1) (i32.const 1))
          (then (local.set 1 (call $leaf (local.get 1))))
          (else (local.set 1 (call_indirect (param i32) (result i32)
                               (local.get 1) (i32.const 0)))))
        (block $a (block $b
          (br_table $a $b (i32.and (local.get 1) (i32.const 1))))
          (local.set 1 (i32.add (local.get 1) (i32.const 2))))
        (br_if $next (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1)))"#;

/// Every tier, the AOT image compiled with fuel metering.
fn tiers() -> Vec<(&'static str, RunningMode, Module)> {
    let aot = AotOptions {
        fuel: true,
        ..AotOptions::default()
    };
    common::tiers(WAT, &aot)
}

/// A store of `mode` that meters fuel (tiering up after 3 calls or iterations), with the
/// module instantiated and `fuel` to spend.
fn instantiate(mode: RunningMode, module: &Module, fuel: u64) -> (Store, Instance) {
    let config = Config {
        tier_up_threshold: 3,
        consume_fuel: true,
        ..Config::default()
    };
    let mut store = Store::with_mode(config, mode);
    store.set_fuel(fuel).unwrap();
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    (store, instance)
}

/// Calls `name(arg)` with `fuel`: its result (or `None` if it ran out), the fuel left and
/// the `iterations` global.
fn run(
    mode: RunningMode,
    module: &Module,
    name: &str,
    arg: i32,
    fuel: u64,
) -> (Option<i32>, u64, i32) {
    let (mut store, instance) = instantiate(mode, module, fuel);
    let func = instance.get_func(&store, name).unwrap();
    let result = match func.call(&mut store, &[Value::I32(arg)]) {
        Ok(values) => match values[..] {
            [Value::I32(v)] => Some(v),
            _ => panic!("{name}: {values:?}"),
        },
        Err(Error::Trap(trap)) => {
            assert_eq!(trap.code(), TrapCode::OutOfFuel, "{name}: {trap}");
            assert_eq!(trap.message(), "all fuel consumed");
            None
        }
        Err(other) => panic!("{name}: {other}"),
    };
    let iterations = match instance
        .get_global(&store, "iterations")
        .unwrap()
        .get(&store)
    {
        Value::I32(v) => v,
        other => panic!("{other:?}"),
    };
    (result, store.get_fuel().unwrap(), iterations)
}

#[test]
fn small_programs_cost_exactly_their_operators() {
    for (tier, mode, module) in tiers() {
        let (mut store, instance) = instantiate(mode, &module, 1000);
        let add = instance.get_func(&store, "add").unwrap();
        add.call(&mut store, &[Value::I32(1), Value::I32(2)])
            .unwrap();
        // local.get, local.get, i32.add (`end` is free).
        assert_eq!(store.get_fuel().unwrap(), 997, "{tier}");
        for n in [1, 2, 5, 50] {
            let (result, left, _) = run(mode, &module, "count", n, 1000);
            assert_eq!(result, Some(n), "{tier}");
            assert_eq!(left, 1000 - (10 * n as u64 + 1), "{tier} count({n})");
        }
    }
}

#[test]
fn a_budget_trips_at_the_same_point_in_every_tier() {
    let tiers = tiers();
    for (name, arg) in [("count", 1000), ("mixed", 1000)] {
        for fuel in [0, 1, 7, 8, 9, 100, 801, 2023, 4999] {
            let (_, mode, module) = &tiers[0];
            let expected = run(*mode, module, name, arg, fuel);
            for (tier, mode, module) in &tiers[1..] {
                let got = run(*mode, module, name, arg, fuel);
                assert_eq!(got, expected, "{tier} {name}({arg}) with fuel {fuel}");
            }
        }
    }
    // Running out leaves what was not spent: `count` stops before the iteration it cannot pay.
    assert_eq!(
        run(RunningMode::Interp, &tiers[0].2, "count", 1000, 805),
        (None, 5, 80)
    );
}

#[test]
fn a_store_that_ran_out_can_be_refuelled() {
    for (tier, mode, module) in tiers() {
        let (mut store, instance) = instantiate(mode, &module, 100);
        let count = instance.get_func(&store, "count").unwrap();
        let result = count.call(&mut store, &[Value::I32(1000)]);
        assert!(
            matches!(&result, Err(Error::Trap(t)) if t.code() == TrapCode::OutOfFuel),
            "{tier}: {result:?}"
        );
        store.set_fuel(10_000).unwrap();
        let n = count.call(&mut store, &[Value::I32(900)]).unwrap();
        assert_eq!(n, [Value::I32(900)], "{tier}");
        assert_eq!(store.get_fuel().unwrap(), 10_000 - 9001, "{tier}");
    }
}

#[test]
fn fuel_calls_need_a_store_that_meters_it() {
    let mut store = Store::new();
    assert!(matches!(store.set_fuel(5), Err(Error::Misuse(_))));
    assert!(matches!(store.get_fuel(), Err(Error::Misuse(_))));
}

#[test]
fn an_image_runs_only_where_fuel_is_metered_as_it_was_compiled() {
    if !iwasm::Arch::host().is_some_and(iwasm::Arch::has_compiler) {
        return;
    }
    let module = Module::new(&wat::parse_str(WAT).unwrap()).unwrap();
    for fuel in [false, true] {
        let options = AotOptions {
            fuel,
            ..AotOptions::default()
        };
        let image = Module::new(&iwasm::compile_aot(&module, &options).unwrap()).unwrap();
        let config = Config {
            consume_fuel: !fuel,
            ..Config::default()
        };
        let mut store = Store::with_config(config);
        match Linker::new().instantiate(&mut store, &image) {
            Err(Error::Unsupported(message)) => assert!(message.contains("fuel"), "{message}"),
            other => panic!("fuel {fuel}: {:?}", other.map(|_| ())),
        }
    }
}
