//! Stopping a runaway guest: an interrupt from another thread or a deadline stops it in every
//! tier (interpreter, JIT, multi-tier after on-stack replacement, AOT images), within a bounded
//! time, and the store then runs other calls correctly.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use iwasm::{
    AotOptions, Caller, Config, Error, Func, Instance, Linker, Module, RunningMode, Store, Trap,
    TrapCode, Value,
};

mod common;

/// Every tier, with the module of [`WAT`].
fn tiers() -> Vec<(&'static str, RunningMode, Module)> {
    common::tiers(WAT, &AotOptions::default())
}

const WAT: &str = r#"(module
    (import "env" "reenter" (func $reenter (param i32) (result i32)))
    (memory 1)
    (func (export "spin") (loop (br 0)))
    (func (export "spin_br_if") (loop (br_if 0 (i32.const 1))))
    (func (export "spin_br_table") (loop (br_table 0 0 (i32.const 1))))
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "calls") (local i32)
      (loop (local.set 0 (call $leaf (local.get 0))) (br 0)))
    (func $deep (export "deep") (param i32)
      (if (i32.eqz (local.get 0)) (then (loop (br 0))))
      (call $deep (i32.sub (local.get 0) (i32.const 1))))
    (func (export "count") (param i32) (result i32) (local i32)
      (loop
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if 0 (i32.ne (local.get 1) (local.get 0))))
      (local.get 1))
    (func (export "through_host") (param i32) (result i32)
      (call $reenter (local.get 0)))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1))))"#;

/// A store of `mode` (tiering up after 3 calls or iterations: in the multi-tier JIT, each
/// runaway loop here continues in compiled code by on-stack replacement before the
/// interrupt comes) with the module instantiated;
/// `env.reenter(n)` calls the instance's `count(n)` back.
fn instantiate(mode: RunningMode, module: &Module) -> (Store, Instance) {
    let config = Config {
        tier_up_threshold: 3,
        ..Config::default()
    };
    let mut store = Store::with_mode(config, mode);
    let mut linker = Linker::new();
    let count: Rc<Cell<Option<Func>>> = Rc::default();
    let callee = count.clone();
    let reenter = Func::wrap(&mut store, move |caller: &mut Caller<'_>, n: i32| {
        let count = callee.get().expect("set after instantiation");
        match count.call(caller.store(), &[Value::I32(n)]) {
            Ok(results) => match results[..] {
                [Value::I32(v)] => Ok(v),
                _ => Err(Trap::host("count returned no i32")),
            },
            Err(Error::Trap(trap)) => Err(trap),
            Err(other) => Err(Trap::host(other.to_string())),
        }
    });
    linker.define("env", "reenter", reenter);
    let instance = linker.instantiate(&mut store, module).unwrap();
    count.set(instance.get_func(&store, "count"));
    (store, instance)
}

/// Calls `name(args)`, interrupting it from another thread after 20 ms: it must trap with
/// `interrupted` within a second of that.
fn assert_interrupted(
    store: &mut Store,
    instance: Instance,
    name: &str,
    args: &[Value],
    tier: &str,
) {
    let func = instance.get_func(store, name).unwrap();
    let handle = store.interrupt_handle();
    let start = Instant::now();
    let interrupter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        handle.interrupt();
    });
    let result = func.call(store, args);
    interrupter.join().unwrap();
    let elapsed = start.elapsed();
    match result {
        Err(Error::Trap(trap)) => {
            assert_eq!(trap.code(), TrapCode::Interrupted, "{tier} {name}: {trap}");
            assert_eq!(trap.message(), "interrupted");
        }
        other => panic!("{tier} {name}: {other:?}"),
    }
    assert!(
        elapsed < Duration::from_secs(2),
        "{tier} {name}: {elapsed:?}"
    );
}

/// The store still works: a plain call, and a loop that ends by itself.
fn assert_usable(store: &mut Store, instance: Instance, tier: &str) {
    let add = instance.get_func(store, "add").unwrap();
    let sum = add.call(store, &[Value::I32(2), Value::I32(40)]).unwrap();
    assert_eq!(sum, [Value::I32(42)], "{tier}");
    let count = instance.get_func(store, "count").unwrap();
    let n = count.call(store, &[Value::I32(100_000)]).unwrap();
    assert_eq!(n, [Value::I32(100_000)], "{tier}");
}

#[test]
fn runaway_loops_are_stopped_in_every_tier_and_the_store_stays_usable() {
    for (tier, mode, module) in tiers() {
        let (mut store, instance) = instantiate(mode, &module);
        for (name, args) in [
            ("spin", &[][..]),
            ("spin_br_if", &[]),
            ("spin_br_table", &[]),
            ("calls", &[]),
            ("deep", &[Value::I32(1000)]),
            ("spin", &[]),
        ] {
            assert_interrupted(&mut store, instance, name, args, tier);
            assert_usable(&mut store, instance, tier);
        }
    }
}

#[test]
fn an_interrupt_while_idle_stops_the_next_call_once() {
    for (tier, mode, module) in tiers() {
        let (mut store, instance) = instantiate(mode, &module);
        store.interrupt_handle().interrupt();
        let count = instance.get_func(&store, "count").unwrap();
        match count.call(&mut store, &[Value::I32(5)]) {
            Err(Error::Trap(trap)) => assert_eq!(trap.code(), TrapCode::Interrupted, "{tier}"),
            other => panic!("{tier}: {other:?}"),
        }
        assert_usable(&mut store, instance, tier);
    }
}

#[test]
fn wasm_reentered_from_a_host_function_with_an_interrupt_pending_traps() {
    for (tier, mode, module) in tiers() {
        let (mut store, instance) = instantiate(mode, &module);
        // The outer wasm function calls the host, which calls `count(1 << 30)` back: the
        // interrupt stops the inner loop, the host function returns that trap, and it leaves
        // the outer call as the same trap.
        assert_interrupted(
            &mut store,
            instance,
            "through_host",
            &[Value::I32(i32::MAX)],
            tier,
        );
        assert_usable(&mut store, instance, tier);
    }
}

#[test]
fn a_deadline_stops_the_guest_and_dropping_it_cancels_it() {
    for (tier, mode, module) in tiers() {
        let (mut store, instance) = instantiate(mode, &module);
        let spin = instance.get_func(&store, "spin").unwrap();
        let start = Instant::now();
        let deadline = store
            .interrupt_handle()
            .interrupt_after(Duration::from_millis(30));
        let result = spin.call(&mut store, &[]);
        drop(deadline);
        assert!(
            matches!(&result, Err(Error::Trap(t)) if t.code() == TrapCode::Interrupted),
            "{tier}: {result:?}"
        );
        assert!(start.elapsed() >= Duration::from_millis(30), "{tier}");
        // A cancelled deadline never fires.
        drop(
            store
                .interrupt_handle()
                .interrupt_after(Duration::from_millis(10)),
        );
        std::thread::sleep(Duration::from_millis(20));
        assert_usable(&mut store, instance, tier);
    }
}

#[test]
fn the_trap_follows_the_interrupt_promptly() {
    // Run with --nocapture for the figures (release builds for meaningful ones).
    for (tier, mode, module) in tiers() {
        let (mut store, instance) = instantiate(mode, &module);
        let mut latencies = Vec::new();
        for name in ["spin", "calls"] {
            let func = instance.get_func(&store, name).unwrap();
            for _ in 0..10 {
                let handle = store.interrupt_handle();
                let interrupter = std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(5));
                    handle.interrupt();
                    Instant::now()
                });
                let result = func.call(&mut store, &[]);
                let trapped = Instant::now();
                let interrupted = interrupter.join().unwrap();
                assert!(
                    matches!(&result, Err(Error::Trap(t)) if t.code() == TrapCode::Interrupted),
                    "{tier} {name}: {result:?}"
                );
                latencies.push(trapped.saturating_duration_since(interrupted));
            }
        }
        latencies.sort();
        let (median, worst) = (
            latencies[latencies.len() / 2],
            latencies[latencies.len() - 1],
        );
        println!("{tier}: interrupt to trap: median {median:?}, worst {worst:?}");
        assert!(worst < Duration::from_secs(1), "{tier}: {worst:?}");
    }
}
