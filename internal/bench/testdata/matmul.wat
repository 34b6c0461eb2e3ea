;; C = A x B for n x n f64 matrices stored row-major at 0 (A), n*n*8 (B)
;; and 2*n*n*8 (C): floating point and address arithmetic in nested loops.
(module
  (memory (export "memory") 16)
  (func (export "init") (param $n i32)
    (local $i i32) (local $nn i32)
    (local.set $nn (i32.mul (i32.const 2) (i32.mul (local.get $n) (local.get $n))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $nn)))
        (f64.store (i32.shl (local.get $i) (i32.const 3))
          (f64.div (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 17)))
                   (f64.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
  (func (export "matmul") (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32)
    (local $b i32) (local $c i32) (local $acc f64) (local $trace f64)
    (local.set $b (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3)))
    (local.set $c (i32.shl (local.get $b) (i32.const 1)))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $acc (f64.const 0))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $acc (f64.add (local.get $acc)
                  (f64.mul
                    (f64.load (i32.shl
                      (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k))
                      (i32.const 3)))
                    (f64.load (i32.add (local.get $b) (i32.shl
                      (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j))
                      (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kloop)))
            (f64.store (i32.add (local.get $c) (i32.shl
                (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))
                (i32.const 3)))
              (local.get $acc))
            (if (i32.eq (local.get $i) (local.get $j))
              (then (local.set $trace (f64.add (local.get $trace) (local.get $acc)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop)))
    (local.get $trace)))
