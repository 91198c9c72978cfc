;; Byte-wise linear-memory loops: sieve of Eratosthenes over `n` bytes,
;; repeated `reps` times; returns the prime count of the last round.
(module
  (memory 160)

  (func $sieve (param $n i32) (result i32)
    (local $i i32)
    (local $j i32)
    (local $count i32)
    ;; Mark everything as a prime candidate.
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $crossed
              (loop $cross
                (br_if $crossed (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $cross)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    ;; Count survivors >= 2.
    (local.set $i (i32.const 2))
    (block $counted
      (loop $count_loop
        (br_if $counted (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count_loop)))
    (local.get $count))

  (func (export "run") (param $n i32) (param $reps i32) (result i32)
    (local $result i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $reps)))
        (local.set $result (call $sieve (local.get $n)))
        (local.set $reps (i32.sub (local.get $reps) (i32.const 1)))
        (br $again)))
    (local.get $result)))
