;; Loop interrupt checks through a register the loop leaves free (amd64
;; loads the preemption word's address in the preheader): sibling loops
;; entered from one branch, a loop whose preheader branches elsewhere too,
;; a nested pair and a loop that calls (whose check reloads the address).
(module
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "sib") (param $c i32) (param $n i32) (param $m i32) (result i32)
    (local $s i32) (local $t i32)
    (if (local.get $c)
      (then (loop $a
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $a (local.get $n))))
      (else (loop $b
        (local.set $t (i32.xor (local.get $t) (i32.mul (local.get $m) (i32.const 7))))
        (local.set $s (i32.add (local.get $s) (local.get $t)))
        (local.set $m (i32.sub (local.get $m) (i32.const 1)))
        (br_if $b (local.get $m)))))
    (local.get $s))
  ;; sum of i*j for i < n, j < i, skipped entirely when n is 0
  (func (export "nested") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const -1))))
    (loop $outer
      (local.set $j (i32.const 0))
      (block $done
        (loop $inner
          (br_if $done (i32.ge_u (local.get $j) (local.get $i)))
          (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $j))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "calls") (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $id (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $s))
)
(assert_return (invoke "sib" (i32.const 1) (i32.const 5) (i32.const 0)) (i32.const 15))
(assert_return (invoke "sib" (i32.const 0) (i32.const 0) (i32.const 3)) (i32.const 76))
(assert_return (invoke "nested" (i32.const 0)) (i32.const -1))
(assert_return (invoke "nested" (i32.const 5)) (i32.const 35))
(assert_return (invoke "calls" (i32.const 100)) (i32.const 5050))
