#!/usr/bin/env bash
# Rebuilds tests/bench/programs/rust_kernel.wasm from this crate.
# Needs: rustup target add wasm32-unknown-unknown
# The module must stay within WebAssembly 2.0 minus SIMD (what iwasm runs),
# so start from the MVP CPU and opt in to the 2.0 features explicitly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../programs/rust_kernel.wasm"
features="+mutable-globals,+sign-ext,+bulk-memory,+nontrapping-fptoint,+multivalue,+reference-types"
RUSTFLAGS="-C target-cpu=mvp -C target-feature=$features" \
    cargo build --manifest-path "$here/Cargo.toml" --release \
    --target wasm32-unknown-unknown --target-dir "$here/target"
cp "$here/target/wasm32-unknown-unknown/release/rust_kernel.wasm" "$out"
if command -v wasm-objdump >/dev/null; then
    if wasm-objdump -j Import -x "$out" 2>/dev/null | grep -q '<- '; then
        echo "error: $out has imports" >&2
        exit 1
    fi
fi
echo "wrote $out ($(wc -c <"$out") bytes)"
