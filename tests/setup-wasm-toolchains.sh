#!/usr/bin/env bash
# Installs the toolchains that compile the WASI test programs of the `iwasm` command
# (product-mini/platforms/linux/tests/programs/): Rust's wasm32-wasip1 target, and clang + lld
# + wasi-libc + the wasm32 compiler-rt builtins for the C programs. Idempotent: a second run
# only checks, and touches the network only when something is missing.
set -euo pipefail

# Rust: the wasm32-wasip1 standard library.
if ! rustup target list --installed | grep -qx wasm32-wasip1; then
    rustup target add wasm32-wasip1
fi

# C: Debian's packages (wasi-libc lands in /usr/{include,lib}/wasm32-wasi).
bash "$(dirname "$0")/apt-install.sh" clang lld wasi-libc libclang-rt-dev-wasm32

# Check that the result actually links a WASI program, so a broken install fails here, not in
# the tests. (Debian's clang finds wasi-libc in /usr/{include,lib}/wasm32-wasi by itself.)
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n' >"$probe/probe.c"
clang --target=wasm32-wasi -O2 "$probe/probe.c" -o "$probe/probe.wasm" || {
    echo "setup-wasm-toolchains: clang cannot link a wasm32-wasi program" >&2
    exit 1
}
