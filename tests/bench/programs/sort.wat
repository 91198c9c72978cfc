;; Indirect calls: recursive quicksort of an i32 array in linear memory whose
;; element comparator is picked from a table and invoked with call_indirect.
;; Each of `reps` rounds refills the array from an LCG and sorts it with
;; comparator `round % 3`; returns a position-weighted checksum of all rounds.
(module
  (type $cmp (func (param i32 i32) (result i32)))
  (memory 16)
  (table 3 funcref)
  (elem (i32.const 0) $ascending $descending $by_low_byte)

  ;; Comparators return <0, 0 or >0 like C's qsort callbacks.
  (func $ascending (type $cmp)
    (i32.sub (i32.gt_s (local.get 0) (local.get 1)) (i32.lt_s (local.get 0) (local.get 1))))
  (func $descending (type $cmp)
    (i32.sub (i32.lt_s (local.get 0) (local.get 1)) (i32.gt_s (local.get 0) (local.get 1))))
  (func $by_low_byte (type $cmp)
    (local $d i32)
    (local.set $d
      (i32.sub (i32.and (local.get 0) (i32.const 255)) (i32.and (local.get 1) (i32.const 255))))
    (if (result i32) (local.get $d)
      (then (local.get $d))
      (else (call $ascending (local.get 0) (local.get 1)))))

  (func $addr (param $i i32) (result i32) (i32.shl (local.get $i) (i32.const 2)))

  (func $swap (param $i i32) (param $j i32)
    (local $t i32)
    (local.set $t (i32.load (call $addr (local.get $i))))
    (i32.store (call $addr (local.get $i)) (i32.load (call $addr (local.get $j))))
    (i32.store (call $addr (local.get $j)) (local.get $t)))

  ;; Sorts elements [lo, hi] (inclusive) with the Lomuto partition scheme,
  ;; using the middle element as pivot; recurses on the smaller half.
  (func $quicksort (param $lo i32) (param $hi i32) (param $cmp i32)
    (local $pivot i32)
    (local $i i32)
    (local $j i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_s (local.get $lo) (local.get $hi)))
        (call $swap
          (i32.add (local.get $lo) (i32.shr_u (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1)))
          (local.get $hi))
        (local.set $pivot (i32.load (call $addr (local.get $hi))))
        (local.set $i (local.get $lo))
        (local.set $j (local.get $lo))
        (block $partitioned
          (loop $scan
            (br_if $partitioned (i32.ge_s (local.get $j) (local.get $hi)))
            (if (i32.lt_s
                  (call_indirect (type $cmp)
                    (i32.load (call $addr (local.get $j))) (local.get $pivot) (local.get $cmp))
                  (i32.const 0))
              (then
                (call $swap (local.get $i) (local.get $j))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $scan)))
        (call $swap (local.get $i) (local.get $hi))
        (if (i32.lt_s (i32.sub (local.get $i) (local.get $lo)) (i32.sub (local.get $hi) (local.get $i)))
          (then
            (call $quicksort (local.get $lo) (i32.sub (local.get $i) (i32.const 1)) (local.get $cmp))
            (local.set $lo (i32.add (local.get $i) (i32.const 1))))
          (else
            (call $quicksort (i32.add (local.get $i) (i32.const 1)) (local.get $hi) (local.get $cmp))
            (local.set $hi (i32.sub (local.get $i) (i32.const 1)))))
        (br $again))))

  (func $fill (param $n i32) (param $seed i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $seed
          (i32.add (i32.mul (local.get $seed) (i32.const 1664525)) (i32.const 1013904223)))
        (i32.store (call $addr (local.get $i)) (i32.shr_s (local.get $seed) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $seed))

  (func $checksum (param $n i32) (result i64)
    (local $i i32)
    (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i64.add (local.get $sum)
            (i64.mul (i64.extend_i32_s (i32.load (call $addr (local.get $i))))
                     (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  (func (export "run") (param $n i32) (param $reps i32) (result i64)
    (local $round i32)
    (local $seed i32)
    (local $sum i64)
    (local.set $seed (i32.const 7))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $round) (local.get $reps)))
        (local.set $seed (call $fill (local.get $n) (local.get $seed)))
        (call $quicksort (i32.const 0) (i32.sub (local.get $n) (i32.const 1))
          (i32.rem_u (local.get $round) (i32.const 3)))
        (local.set $sum (i64.add (i64.rotl (local.get $sum) (i64.const 5)) (call $checksum (local.get $n))))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
