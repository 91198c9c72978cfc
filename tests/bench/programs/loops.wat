;; Integer loops without memory traffic: sum of the Collatz sequence lengths
;; of every start value in [1, n), using i64 arithmetic and tight branches.
(module
  (func $collatz_len (param $x i64) (result i32)
    (local $steps i32)
    (block $done
      (loop $step
        (br_if $done (i64.le_u (local.get $x) (i64.const 1)))
        (local.set $x
          (if (result i64) (i64.eqz (i64.and (local.get $x) (i64.const 1)))
            (then (i64.shr_u (local.get $x) (i64.const 1)))
            (else (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1)))))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $step)))
    (local.get $steps))

  (func (export "run") (param $n i32) (result i64)
    (local $i i32)
    (local $sum i64)
    (local.set $i (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i64.add (local.get $sum)
            (i64.extend_i32_u (call $collatz_len (i64.extend_i32_u (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
