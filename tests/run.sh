#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what it needs first (idempotent), then:
# formatting and lints, unit + integration tests (incl. the spec suite in interp mode), the
# no_std build for a Cortex-M target, the spec suite in release with both dispatch backends,
# a quick benchmark pass that cross-checks every result against the wasmi crate, and cross
# builds for the Raspberry Pi (AArch64, ARMv7) run under QEMU user mode.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components and targets"
for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done
for target in thumbv7em-none-eabihf; do
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
done
# wasm32-wasip1 Rust target, clang + wasi-libc for the WASI end-to-end test programs.
bash tests/setup-wasm-toolchains.sh
# AArch64 and ARMv7 cross builds run under qemu-aarch64 and qemu-arm.
bash tests/setup-cross-toolchains.sh

step "layering: iwasm's modules import only downwards (see iwasm/src/lib.rs)"
# forbid DIR MODULE...: nothing under iwasm/src/DIR names crate::MODULE.
forbid() {
    local dir=$1; shift
    local pattern
    pattern="crate::($(IFS='|'; echo "$*"))\b"
    if grep -rnE "$pattern" "iwasm/src/$dir"; then
        echo "iwasm/src/$dir must not import $* (see the layer order in iwasm/src/lib.rs)" >&2
        exit 1
    fi
}
forbid loader runtime interp native target aot module compiler engine
forbid runtime interp native target aot module compiler engine
forbid native aot module compiler engine
forbid aot native module compiler engine
forbid compiler engine

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

step "unit and integration tests"
cargo test --workspace

step "C API: libiwasm and the 13 wasm-c-api examples, a misuse test, the exported symbols"
bash iwasm/c-api/tests/examples.sh

step "no_std core for thumbv7em-none-eabihf"
cargo build -p iwasm --no-default-features --features wasm --target thumbv7em-none-eabihf
cargo clippy -p iwasm --no-default-features --features wasm --target thumbv7em-none-eabihf -- -D warnings

step "AOT-only runtime (no wasm decoder, validator, interpreter or JIT): lints, runs an image"
cargo clippy -p iwasm --no-default-features --features std -- -D warnings
cargo clippy -p iwasm --no-default-features --features std,wasm -- -D warnings
aot_only=target/aot-only
cargo build --release -p iwasm-cli --no-default-features --target-dir "$aot_only"
cargo build --release -p iwasm-sample-aot-only --target-dir "$aot_only"
cargo build --release -p wamrc
# (module (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))
printf '\x00\x61\x73\x6d\x01\x00\x00\x00\x01\x06\x01\x60\x01\x7f\x01\x7f\x03\x02\x01\x00\x07\x06\x01\x02\x73\x71\x00\x00\x0a\x09\x01\x07\x00\x20\x00\x20\x00\x6c\x0b' > "$aot_only/sq.wasm"
target/release/wamrc -o "$aot_only/sq.aot" "$aot_only/sq.wasm"
[ "$("$aot_only/release/iwasm-sample-aot-only" "$aot_only/sq.aot" sq 12)" = "[I32(144)]" ]
[ "$("$aot_only/release/iwasm" -f sq "$aot_only/sq.aot" 12)" = "0x90:i32" ]
if "$aot_only/release/iwasm" "$aot_only/sq.wasm" 2>/dev/null; then echo "AOT-only iwasm ran a non-image" >&2; exit 1; fi
for binary in iwasm iwasm-sample-aot-only; do
    strip -o "$aot_only/$binary.stripped" "$aot_only/release/$binary"
    echo "AOT-only $binary, stripped: $(stat -c %s "$aot_only/$binary.stripped") bytes"
done

step "benchmark smoke run (results must match wasmi)"
cargo run --release --bin bench -- --quick

step "two large real programs (wasm32-wasip1) give the same output in every running mode and AOT"
bash tests/bench/real-programs/build.sh
cargo build --release -p iwasm-cli -p wamrc
real=target/real-programs
for program in "wat2wasm input.wat" "markdown input.md"; do
    set -- $program
    expected=$(target/release/iwasm --interp "$real/$1.wasm" 2 < "$real/$2")
    for mode in --fast-jit --multi-tier-jit; do
        actual=$(target/release/iwasm "$mode" "$real/$1.wasm" 2 < "$real/$2")
        [ "$actual" = "$expected" ] || { echo "$1 $mode: '$actual', expected '$expected'" >&2; exit 1; }
    done
    for options in --opt-level=0 --opt-level=1 --opt-level=2 --opt-level=3 --bounds-checks=1; do
        target/release/wamrc "$options" -o "$real/$1.aot" "$real/$1.wasm"
        actual=$(target/release/iwasm "$real/$1.aot" 2 < "$real/$2")
        [ "$actual" = "$expected" ] || { echo "$1 AOT $options: '$actual', expected '$expected'" >&2; exit 1; }
    done
    echo "$1: $expected in every mode and from AOT images at every --opt-level"
done

step "AArch64 (Raspberry Pi 64-bit OS): cross builds, lints, the PAL's fault state under qemu-aarch64"
a64=target/aarch64-unknown-linux-gnu/release
qemu_a64=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
cargo clippy -p iwasm -p iwasm-cli -p wamrc --target aarch64-unknown-linux-gnu --all-targets -- -D warnings
# The platform layer's AArch64 fault state (ucontext read and written back) under QEMU.
cargo test -p iwasm-platforms --target aarch64-unknown-linux-gnu
cargo build --release -p iwasm-tests -p iwasm-cli -p wamrc --bin spec --bin iwasm --bin wamrc --target aarch64-unknown-linux-gnu
# A function over 1 MiB of code and a module over 128 MiB, run on AArch64 in the JIT and AOT;
# interrupts and fuel in every tier.
cargo test --release -p iwasm --test large_code --test interrupt --test fuel --target aarch64-unknown-linux-gnu -- --nocapture

step "reproducible images: the x86-64 wamrc and the AArch64 wamrc (under QEMU) write the same bytes, for both targets"
for program in "wat2wasm input.wat" "markdown input.md"; do
    set -- $program
    for target in x86_64 aarch64; do
        for options in --opt-level=0 --opt-level=2 --opt-level=3 --bounds-checks=1; do
            target/release/wamrc --target=$target "$options" -o "$real/$1.host.aot" "$real/$1.wasm"
            "${qemu_a64[@]}" "$a64/wamrc" --target=$target "$options" -o "$real/$1.cross.aot" "$real/$1.wasm"
            cmp "$real/$1.host.aot" "$real/$1.cross.aot" || { echo "$1 $target $options: the images differ" >&2; exit 1; }
        done
    done
    target/release/wamrc --cpu-features=+popcnt,+lzcnt,+bmi -o "$real/$1.host.aot" "$real/$1.wasm"
    "${qemu_a64[@]}" "$a64/wamrc" --target=x86_64 --cpu-features=+popcnt,+lzcnt,+bmi -o "$real/$1.cross.aot" "$real/$1.wasm"
    cmp "$real/$1.host.aot" "$real/$1.cross.aot"
    expected=$(target/release/iwasm --interp "$real/$1.wasm" 2 < "$real/$2")
    actual=$(target/release/iwasm "$real/$1.cross.aot" 2 < "$real/$2")
    [ "$actual" = "$expected" ] || { echo "$1 from the cross-built image: '$actual', expected '$expected'" >&2; exit 1; }
    echo "$1: the same image bytes from both wamrc builds for both targets; the x86-64 one runs here"
done

step "AArch64: the two large real programs under qemu-aarch64 in every mode and from images wamrc wrote on x86-64"
for program in "wat2wasm input.wat" "markdown input.md"; do
    set -- $program
    expected=$(target/release/iwasm --interp "$real/$1.wasm" 2 < "$real/$2")
    for mode in --interp --fast-jit --multi-tier-jit ""; do
        actual=$("${qemu_a64[@]}" "$a64/iwasm" $mode "$real/$1.wasm" 2 < "$real/$2")
        [ "$actual" = "$expected" ] || { echo "$1 aarch64 '$mode': '$actual', expected '$expected'" >&2; exit 1; }
    done
    for options in --opt-level=0 --opt-level=1 --opt-level=2 --opt-level="3 --cpu=cortex-a72" --bounds-checks=1; do
        target/release/wamrc --target=aarch64 $options -o "$real/$1.a64.aot" "$real/$1.wasm"
        actual=$("${qemu_a64[@]}" "$a64/iwasm" "$real/$1.a64.aot" 2 < "$real/$2")
        [ "$actual" = "$expected" ] || { echo "$1 aarch64 AOT $options: '$actual', expected '$expected'" >&2; exit 1; }
    done
    echo "$1: $expected on AArch64 in every mode and from x86-64-compiled images at every --opt-level"
done
# Wrong-arch images are refused with one line and status 1, both ways.
if message=$(target/release/iwasm "$real/markdown.a64.aot" 2>&1 </dev/null); then echo "x86-64 iwasm ran an AArch64 image" >&2; exit 1; fi
grep -q "compiled for aarch64" <<<"$message" || { echo "$message" >&2; exit 1; }
if message=$("${qemu_a64[@]}" "$a64/iwasm" "$real/markdown.host.aot" 2>&1 </dev/null); then echo "AArch64 iwasm ran an x86-64 image" >&2; exit 1; fi
grep -q "compiled for x86_64" <<<"$message" || { echo "$message" >&2; exit 1; }

step "AArch64: spec suite under qemu-aarch64 in every mode; AOT images compiled on x86-64"
# spec_a64 MODE [ARGS]: the suite in 8 processes (qemu-user keeps the page tables of every
# memory reservation until the process exits: one process would peak at ~15 GB).
spec_a64() {
    local mode=$1 passed=0 peak=0 shard line rss
    shift
    for shard in 0 1 2 3 4 5 6 7; do
        /usr/bin/time -f "%M" -o /tmp/iwasm-spec-a64-rss "${qemu_a64[@]}" "$a64/spec" --mode "$mode" --shard "$shard/8" "$@" \
            > /tmp/iwasm-spec-a64.txt || { cat /tmp/iwasm-spec-a64.txt; exit 1; }
        line=$(tail -n 1 /tmp/iwasm-spec-a64.txt)
        passed=$((passed + ${line%% passed*}))
        rss=$(tail -n 1 /tmp/iwasm-spec-a64-rss)
        [ "$rss" -gt "$peak" ] && peak=$rss
    done
    echo "aarch64 $mode $*: $passed passed, 0 failed (peak RSS of a shard under QEMU: $((peak / 1024)) MB)"
}
spec_a64 interp
spec_a64 jit
spec_a64 multi-tier
images=target/spec-images-aarch64
rm -rf "$images"
cargo run --release --bin spec -- --mode aot --write-images "$images" --image-target aarch64 | tail -n 1
cargo run --release --bin spec -- --mode aot-checked --write-images "$images" --image-target aarch64 | tail -n 1
spec_a64 aot --read-images "$images"
spec_a64 aot-checked --read-images "$images"
# Fuel metered: the AArch64 charges in the JIT and in images (compiled on x86-64 with --fuel).
spec_a64 jit --fuel
rm -rf "$images"
cargo run --release --bin spec -- --mode aot --fuel --write-images "$images" --image-target aarch64 | tail -n 1
spec_a64 aot --fuel --read-images "$images"

step "AArch64: WASI end-to-end programs under qemu-aarch64 in every mode and from images wamrc wrote on x86-64"
for options in "" --fast-jit --interp; do
    IWASM_TEST_RUNNER="${qemu_a64[*]}" IWASM_TEST_OPTIONS="$options" \
        IWASM_TEST_WAMRC="$PWD/target/release/wamrc --target=aarch64" \
        cargo test --release -p iwasm-cli --test wasi_programs --target aarch64-unknown-linux-gnu
done

step "AArch64: differential test (interpreter, JIT, multi-tier, AOT at every level, wasmi) under qemu-aarch64"
# A 256 GiB guest address space: enough for the test's memories, and qemu-user's page tables
# for it stay small.
QEMU_RESERVED_VA=0x4000000000 IWASM_DIFF_SEEDS=40 \
    cargo test --release -p iwasm-tests --test differential --target aarch64-unknown-linux-gnu

step "ARMv7 (Raspberry Pi 32-bit OS): interpreter, spec suite under qemu-arm"
# A 32-bit host: no JIT, no AOT code, heap-backed memories; the interpreter alone.
cargo clippy -p iwasm -p iwasm-cli --target armv7-unknown-linux-gnueabihf -- -D warnings
cargo build --release -p iwasm-tests -p iwasm-cli --bin spec --bin iwasm --target armv7-unknown-linux-gnueabihf
armv7=target/armv7-unknown-linux-gnueabihf/release
qemu_arm=(qemu-arm -L /usr/arm-linux-gnueabihf)
"${qemu_arm[@]}" "$armv7/spec" --mode interp > /tmp/iwasm-spec-armv7.txt || { cat /tmp/iwasm-spec-armv7.txt; exit 1; }
tail -n 1 /tmp/iwasm-spec-armv7.txt
# Without a mode it interprets; a WASI program gives the same output as on this host.
[ "$("${qemu_arm[@]}" "$armv7/iwasm" -f sq "$aot_only/sq.wasm" 12)" = "0x90:i32" ]
expected=$(target/release/iwasm --interp "$real/markdown.wasm" 1 < "$real/input.md")
actual=$("${qemu_arm[@]}" "$armv7/iwasm" "$real/markdown.wasm" 1 < "$real/input.md")
[ "$actual" = "$expected" ] || { echo "markdown on armv7: '$actual', expected '$expected'" >&2; exit 1; }
# The JIT modes and an x86-64 image are refused: one line, status 1 (not a crash's >= 128).
# refused NEEDLE ARGS...: the armv7 iwasm run with ARGS fails so, with NEEDLE in its line.
refused() {
    local needle=$1 status=0 message
    shift
    message=$("${qemu_arm[@]}" "$armv7/iwasm" "$@" 2>&1 >/dev/null) || status=$?
    if [ "$status" -ne 1 ] || [ "$(wc -l <<<"$message")" -ne 1 ] || ! grep -q "$needle" <<<"$message"; then
        echo "armv7 iwasm $*: status $status, '$message' (expected '$needle')" >&2; exit 1
    fi
    echo "armv7 iwasm $*: $message"
}
refused "run with --interp" --fast-jit "$aot_only/sq.wasm"
refused "run with --interp" --multi-tier-jit "$aot_only/sq.wasm"
refused "compiled for x86_64" "$aot_only/sq.aot"

step "spec suite, portable (trampoline) dispatch"
cargo run --release -p iwasm-tests --features iwasm/portable-dispatch --bin spec -- --mode interp > /tmp/iwasm-spec-portable.txt || { cat /tmp/iwasm-spec-portable.txt; exit 1; }
tail -n 1 /tmp/iwasm-spec-portable.txt

step "spec suite, release build (threaded dispatch)"
cargo run --release --bin spec -- --mode interp > /tmp/iwasm-spec-interp.txt || { cat /tmp/iwasm-spec-interp.txt; exit 1; }
tail -n 1 /tmp/iwasm-spec-interp.txt

step "spec suite, JIT (x86-64)"
cargo run --release --bin spec -- --mode jit > /tmp/iwasm-spec-jit.txt || { cat /tmp/iwasm-spec-jit.txt; exit 1; }
tail -n 1 /tmp/iwasm-spec-jit.txt

step "spec suite, multi-tier JIT (x86-64; promotion after 3 calls or loop iterations)"
cargo run --release --bin spec -- --mode multi-tier > /tmp/iwasm-spec-multi-tier.txt || { cat /tmp/iwasm-spec-multi-tier.txt; exit 1; }
tail -n 1 /tmp/iwasm-spec-multi-tier.txt

step "spec suite, AOT (every module compiled to an image and loaded back from its bytes)"
cargo run --release --bin spec -- --mode aot
step "spec suite, AOT with --bounds-checks=1"
cargo run --release --bin spec -- --mode aot-checked

step "spec suite with fuel metered, every mode (every charge runs; none trips)"
for mode in interp jit multi-tier aot aot-checked; do
    cargo run --release --bin spec -- --mode $mode --fuel > /tmp/iwasm-spec-fuel.txt || { cat /tmp/iwasm-spec-fuel.txt; exit 1; }
    echo "$mode --fuel: $(tail -n 1 /tmp/iwasm-spec-fuel.txt)"
done
