;; A small module for trying out the iwasm command (see README.md in this folder).
;;
;;   iwasm -f fib fib.wasm 20     ->  0x1a6d:i32   (fib(20) = 6765)
;;   iwasm -f add fib.wasm 2 -5   ->  0xfffffffd:i32
;;   iwasm fib.wasm               ->  runs _start (prints nothing)
(module
  ;; Set by _start: fib(20).
  (global $result (export "result") (mut i32) (i32.const 0))

  ;; The n-th Fibonacci number, recursively: fib(0) = 0, fib(1) = 1.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; a + b, wrapping.
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  ;; The default entry point: computes fib(20) into the exported global `result`.
  (func $_start (export "_start")
    (global.set $result (call $fib (i32.const 20))))
)
