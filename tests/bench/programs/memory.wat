;; Memory-heavy: f64 and i32 matrix multiplication in linear memory.
;; A and B (n x n, row-major) are filled from a linear congruential generator,
;; C = A * B is computed with the naive triple loop, once in i32 (wrapping)
;; and once in f64, and a checksum of both results is returned.
(module
  (memory 64)

  ;; Matrices of 8-byte cells: A at 0, B at n*n*8, C at 2*n*n*8.
  (func $fill (param $base i32) (param $count i32) (param $seed i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $seed
          (i32.add (i32.mul (local.get $seed) (i32.const 1103515245)) (i32.const 12345)))
        (i64.store
          (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 3)))
          (i64.extend_i32_u (i32.shr_u (local.get $seed) (i32.const 24))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $seed))

  (func $matmul_i32 (param $n i32) (param $a i32) (param $b i32) (param $c i32)
    (local $i i32) (local $j i32) (local $k i32) (local $acc i32) (local $row i32)
    (block $i_done
      (loop $i_loop
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $row (i32.mul (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $j_loop
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $acc (i32.const 0))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $k_loop
                (br_if $k_done (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $acc
                  (i32.add (local.get $acc)
                    (i32.mul
                      (i32.load (i32.add (local.get $a)
                        (i32.shl (i32.add (local.get $row) (local.get $k)) (i32.const 3))))
                      (i32.load (i32.add (local.get $b)
                        (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j))
                                 (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $k_loop)))
            (i32.store
              (i32.add (local.get $c)
                (i32.shl (i32.add (local.get $row) (local.get $j)) (i32.const 3)))
              (local.get $acc))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop))))

  (func $matmul_f64 (param $n i32) (param $a i32) (param $b i32) (param $c i32)
    (local $i i32) (local $j i32) (local $k i32) (local $acc f64) (local $row i32)
    (block $i_done
      (loop $i_loop
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $row (i32.mul (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $j_loop
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $acc (f64.const 0))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $k_loop
                (br_if $k_done (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $acc
                  (f64.add (local.get $acc)
                    (f64.mul
                      (f64.load (i32.add (local.get $a)
                        (i32.shl (i32.add (local.get $row) (local.get $k)) (i32.const 3))))
                      (f64.load (i32.add (local.get $b)
                        (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j))
                                 (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $k_loop)))
            (f64.store
              (i32.add (local.get $c)
                (i32.shl (i32.add (local.get $row) (local.get $j)) (i32.const 3)))
              (local.get $acc))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop))))

  ;; Converts `count` i64 cells at `base` to f64 in place.
  (func $to_f64 (param $base i32) (param $count i32)
    (local $p i32)
    (local $end i32)
    (local.set $p (local.get $base))
    (local.set $end (i32.add (local.get $base) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (f64.store (local.get $p) (f64.convert_i64_u (i64.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next))))

  ;; Sum of the low 32 bits of each cell (i32) or of the f64 values (truncated).
  (func $checksum (param $base i32) (param $count i32) (param $is_f64 i32) (result i64)
    (local $p i32)
    (local $end i32)
    (local $sum i64)
    (local.set $p (local.get $base))
    (local.set $end (i32.add (local.get $base) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $sum
          (i64.add (local.get $sum)
            (if (result i64) (local.get $is_f64)
              (then (i64.trunc_f64_u (f64.load (local.get $p))))
              (else (i64.extend_i32_u (i32.load (local.get $p)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $next)))
    (local.get $sum))

  (func (export "run") (param $n i32) (result i64)
    (local $cells i32)
    (local $bytes i32)
    (local $b i32)
    (local $c i32)
    (local $seed i32)
    (local $sum i64)
    (local.set $cells (i32.mul (local.get $n) (local.get $n)))
    (local.set $bytes (i32.shl (local.get $cells) (i32.const 3)))
    (local.set $b (local.get $bytes))
    (local.set $c (i32.shl (local.get $bytes) (i32.const 1)))
    (local.set $seed (call $fill (i32.const 0) (local.get $cells) (i32.const 42)))
    (drop (call $fill (local.get $b) (local.get $cells) (local.get $seed)))
    (call $matmul_i32 (local.get $n) (i32.const 0) (local.get $b) (local.get $c))
    (local.set $sum (call $checksum (local.get $c) (local.get $cells) (i32.const 0)))
    (call $to_f64 (i32.const 0) (i32.shl (local.get $cells) (i32.const 1)))
    (call $matmul_f64 (local.get $n) (i32.const 0) (local.get $b) (local.get $c))
    (i64.add (local.get $sum)
      (call $checksum (local.get $c) (local.get $cells) (i32.const 1)))))
