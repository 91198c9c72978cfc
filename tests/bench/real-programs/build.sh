#!/usr/bin/env bash
# Builds the two large real programs (wasm32-wasip1) and their inputs into target/real-programs/
# of the repository: wat2wasm.wasm + input.wat, markdown.wasm + input.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../../target/real-programs"
mkdir -p "$out"
rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1
cargo build --quiet --release --target wasm32-wasip1 --manifest-path "$here/Cargo.toml" \
    --target-dir "$out/build"
cp "$out/build/wasm32-wasip1/release/wat2wasm.wasm" "$out/build/wasm32-wasip1/release/markdown.wasm" "$out/"
# Inputs: a module with many functions, and a long markdown document.
python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
with open(f"{out}/input.wat", "w") as f:
    f.write("(module (memory 1)\n")
    for i in range(3000):
        f.write(f'(func $f{i} (export "f{i}") (param i32 i64) (result i64)\n'
                f'  (local f64) (if (i32.eqz (local.get 0)) (then (return (local.get 1))))\n'
                f'  (i64.add (local.get 1) (i64.extend_i32_u (i32.load offset={i % 64} (local.get 0)))))\n')
    f.write(")\n")
with open(f"{out}/input.md", "w") as f:
    for i in range(4000):
        f.write(f"## Section {i}\n\nSome *emphasis*, **strong** text and a [link](https://example.com/{i}).\n\n"
                f"- item `{i}`\n- item two\n\n| a | b |\n|---|---|\n| {i} | x |\n\n")
PY
ls -l "$out"/*.wasm
