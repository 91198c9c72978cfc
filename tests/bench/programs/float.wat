;; f64 arithmetic: Mandelbrot set on a `size` x `size` grid over
;; [-2, 0.5] x [-1.25, 1.25] with at most `max_iter` iterations per point.
;; Returns the total number of iterations performed.
(module
  (func $escape (param $cr f64) (param $ci f64) (param $max_iter i32) (result i32)
    (local $zr f64)
    (local $zi f64)
    (local $zr2 f64)
    (local $zi2 f64)
    (local $iter i32)
    (block $escaped
      (loop $step
        (br_if $escaped (i32.ge_u (local.get $iter) (local.get $max_iter)))
        (local.set $zr2 (f64.mul (local.get $zr) (local.get $zr)))
        (local.set $zi2 (f64.mul (local.get $zi) (local.get $zi)))
        (br_if $escaped (f64.gt (f64.add (local.get $zr2) (local.get $zi2)) (f64.const 4)))
        (local.set $zi
          (f64.add (f64.mul (f64.mul (f64.const 2) (local.get $zr)) (local.get $zi))
                   (local.get $ci)))
        (local.set $zr (f64.add (f64.sub (local.get $zr2) (local.get $zi2)) (local.get $cr)))
        (local.set $iter (i32.add (local.get $iter) (i32.const 1)))
        (br $step)))
    (local.get $iter))

  (func (export "run") (param $size i32) (param $max_iter i32) (result i64)
    (local $x i32)
    (local $y i32)
    (local $scale f64)
    (local $total i64)
    (local.set $scale (f64.div (f64.const 2.5) (f64.convert_i32_u (local.get $size))))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $size)))
        (local.set $x (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $x) (local.get $size)))
            (local.set $total
              (i64.add (local.get $total)
                (i64.extend_i32_u
                  (call $escape
                    (f64.sub (f64.mul (f64.convert_i32_u (local.get $x)) (local.get $scale))
                             (f64.const 2))
                    (f64.sub (f64.mul (f64.convert_i32_u (local.get $y)) (local.get $scale))
                             (f64.const 1.25))
                    (local.get $max_iter)))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $col)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $row)))
    (local.get $total)))
