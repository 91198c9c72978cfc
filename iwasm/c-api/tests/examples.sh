#!/usr/bin/env bash
# Builds libiwasm and runs the 13 examples of the WebAssembly C API (examples/, unchanged
# upstream sources) against it: each must exit 0, print "Done." (threads prints none) and
# the lines checked below. Then links one example against libiwasm.so.
set -euo pipefail
cd "$(dirname "$0")/../../.."

cargo build --release -p iwasm-c-api
src=iwasm/c-api/examples
out=target/c-api-examples
rm -rf "$out"
mkdir -p "$out"

# expect EXAMPLE LINE: the example's output has LINE.
expect() {
    grep -qxF -- "$2" "$out/$1.out" || { echo "$1: no line '$2' in:" >&2; cat "$out/$1.out" >&2; exit 1; }
}

# run EXAMPLE BINARY: runs it in $out (the examples read NAME.wasm from the working directory).
run() {
    local status=0
    (cd "$out" && "./$2" > "$1.out" 2>&1) || status=$?
    if [ "$status" != 0 ]; then
        echo "$1: exit status $status" >&2
        cat "$out/$1.out" >&2
        exit 1
    fi
}

examples="hello callback finalize global hostref memory multi reflect serialize start table threads trap"
for example in $examples; do
    cc -std=gnu11 -O1 -I iwasm/c-api/include "$src/$example.c" target/release/libiwasm.a \
        -lpthread -ldl -lm -o "$out/$example"
    cp "$src/$example.wasm" "$out/"
    run "$example" "$example"
    [ "$example" = threads ] || expect "$example" "Done."
    echo "$example: passed"
done

expect hello "> Hello World!"
expect callback "> 49"
expect multi "> 4 3 2 1"
expect trap "> callback abort"
expect trap "> unreachable"
expect start "> unreachable"
expect reflect "> export 0 \"func\""
expect reflect ">> current: func i32 f64 f32 -> i32"
expect reflect ">> current: global const f64"
expect reflect ">> current: table 0d 50d funcref"
expect reflect ">> current: memory 1d"
expect finalize "Live count 0"
expect serialize "> Hello World!"
[ "$(grep -c "^> Thread .* running$" "$out/threads.out")" = 30 ] || { echo "threads: not 30 runs" >&2; exit 1; }

# Misuse and re-entry (see the file), with warnings as errors: the header compiles cleanly.
cc -std=c11 -Wall -Wextra -Werror -O1 -I iwasm/c-api/include iwasm/c-api/tests/misuse.c \
    target/release/libiwasm.a -lpthread -ldl -lm -o "$out/misuse"
run misuse misuse
expect misuse "Done."
echo "misuse: passed"

# The shared library: the same example, linked dynamically.
cc -std=gnu11 -O1 -I iwasm/c-api/include "$src/hello.c" -L target/release -liwasm \
    -Wl,-rpath,"$PWD/target/release" -o "$out/hello-shared"
run hello-shared hello-shared
expect hello-shared "> Hello World!"
echo "hello against libiwasm.so: passed"

# Every function wasm.h declares (macros expanded) is defined by the library, and no other
# wasm_* symbol is exported.
gcc -E -P -DWASM_API_EXTERN=IWASM_API_FUNCTION iwasm/c-api/include/wasm.h | tr '\n' ' ' \
    | grep -oE "IWASM_API_FUNCTION[^;]*;" | grep -oE "\bwasm_[a-z0-9_]+ *\(" | sed 's/ *(//' \
    | sort -u > "$out/declared.txt"
nm -D --defined-only target/release/libiwasm.so | awk '{print $3}' | grep '^wasm_' | sort -u > "$out/defined.txt"
if ! diff "$out/declared.txt" "$out/defined.txt"; then
    echo "libiwasm.so does not define exactly the functions wasm.h declares (< declared, > defined)" >&2
    exit 1
fi
echo "libiwasm.so defines all $(wc -l < "$out/declared.txt") functions of wasm.h"
