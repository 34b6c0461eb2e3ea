;; Division and remainder by constants (ssa/pass_divconst.go) against the
;; same operations by a divisor the compiler cannot see: each check runs
;; 4000 dividends (edges, multiples of the divisor and their neighbours,
;; small and mixed values) and returns how many differ.
;; Generated: a u_D / s_D pair per divisor D.
(module
  ;; The i-th dividend for divisor d.
  (func $nval (param $i i32) (param $d i32) (result i32)
    (local $x i32)
    (local.set $x (i32.mul (i32.add (local.get $i) (i32.const 0x7f4a7c15)) (i32.const 0x9e3779b1)))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 15))))
    (block $b3 (block $b2 (block $b1 (block $b0
      (br_table $b0 $b1 $b2 $b3 (i32.and (local.get $i) (i32.const 3))))
      (return (local.get $x)))
      ;; k*d - 1, k*d, k*d + 1 (wrapping)
      (return (i32.add (i32.mul (i32.shr_u (local.get $x) (i32.and (local.get $i) (i32.const 31))) (local.get $d))
        (i32.sub (i32.rem_u (i32.shr_u (local.get $i) (i32.const 2)) (i32.const 3)) (i32.const 1)))))
      ;; around the extremes
      (if (i32.and (local.get $i) (i32.const 4))
        (then (return (i32.sub (i32.const 0x7fffffff) (i32.shr_u (local.get $i) (i32.const 3))))))
      (return (i32.add (i32.const 0x80000000) (i32.shr_u (local.get $i) (i32.const 3)))))
    ;; small, both signs
    (i32.sub (i32.shr_u (local.get $i) (i32.const 2)) (i32.const 512)))
  (func (export "u_3") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x3)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x3)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_5") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x5)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x5)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_6") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x6)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x6)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_7") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x7)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x7)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_9") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x9)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x9)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_10") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0xa)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0xa)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_11") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0xb)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0xb)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_12") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0xc)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0xc)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_13") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0xd)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0xd)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_25") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x19)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x19)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_38") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x26)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x26)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_100") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x64)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x64)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_125") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x7d)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x7d)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_641") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x281)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x281)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_1000") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x3e8)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x3e8)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_6700417") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x663d81)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x663d81)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_2147483647") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x7fffffff)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x7fffffff)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_2147483649") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x80000001)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x80000001)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_4294967294") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0xfffffffe)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0xfffffffe)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_4294967295") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0xffffffff)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0xffffffff)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_1431655765") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x55555555)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x55555555)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_3145728") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x300000)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x300000)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_1073741825") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x40000001)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x40000001)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "u_2147483645") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_u (local.get $n) (i32.const 0x7ffffffd)) (i32.div_u (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_u (local.get $n) (i32.const 0x7ffffffd)) (i32.rem_u (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_3") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x3)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x3)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m3") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x3)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x3)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_5") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x5)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x5)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_7") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x7)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x7)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m7") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x7)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x7)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_9") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x9)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x9)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_10") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0xa)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0xa)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m10") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0xa)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0xa)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_13") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0xd)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0xd)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_100") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x64)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x64)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m100") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x64)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x64)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_641") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x281)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x281)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_2147483647") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x7fffffff)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x7fffffff)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m2147483647") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x7fffffff)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x7fffffff)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m2147483648") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x80000000)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x80000000)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_2") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x2)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x2)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m2") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x2)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x2)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_4") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x4)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x4)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m4") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x4)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x4)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_1073741824") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x40000000)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x40000000)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m1073741824") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x40000000)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x40000000)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_6") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x6)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x6)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_12") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0xc)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0xc)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_1073741825") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const 0x40000001)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const 0x40000001)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "s_m1073741825") (param $d i32) (result i32)
    (local $i i32) (local $n i32) (local $bad i32)
    (loop $l
      (local.set $n (call $nval (local.get $i) (local.get $d)))
      (local.set $bad (i32.add (local.get $bad) (i32.add
        (i32.ne (i32.div_s (local.get $n) (i32.const -0x40000001)) (i32.div_s (local.get $n) (local.get $d)))
        (i32.ne (i32.rem_s (local.get $n) (i32.const -0x40000001)) (i32.rem_s (local.get $n) (local.get $d))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4000))))
    (local.get $bad))
  (func (export "div10") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 10)))
  (func (export "rem7s") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const 7)))
  (func (export "div_m3") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -3)))
  (func (export "div2s") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 2)))
)
(assert_return (invoke "u_3" (i32.const 0x3)) (i32.const 0))
(assert_return (invoke "u_5" (i32.const 0x5)) (i32.const 0))
(assert_return (invoke "u_6" (i32.const 0x6)) (i32.const 0))
(assert_return (invoke "u_7" (i32.const 0x7)) (i32.const 0))
(assert_return (invoke "u_9" (i32.const 0x9)) (i32.const 0))
(assert_return (invoke "u_10" (i32.const 0xa)) (i32.const 0))
(assert_return (invoke "u_11" (i32.const 0xb)) (i32.const 0))
(assert_return (invoke "u_12" (i32.const 0xc)) (i32.const 0))
(assert_return (invoke "u_13" (i32.const 0xd)) (i32.const 0))
(assert_return (invoke "u_25" (i32.const 0x19)) (i32.const 0))
(assert_return (invoke "u_38" (i32.const 0x26)) (i32.const 0))
(assert_return (invoke "u_100" (i32.const 0x64)) (i32.const 0))
(assert_return (invoke "u_125" (i32.const 0x7d)) (i32.const 0))
(assert_return (invoke "u_641" (i32.const 0x281)) (i32.const 0))
(assert_return (invoke "u_1000" (i32.const 0x3e8)) (i32.const 0))
(assert_return (invoke "u_6700417" (i32.const 0x663d81)) (i32.const 0))
(assert_return (invoke "u_2147483647" (i32.const 0x7fffffff)) (i32.const 0))
(assert_return (invoke "u_2147483649" (i32.const 0x80000001)) (i32.const 0))
(assert_return (invoke "u_4294967294" (i32.const 0xfffffffe)) (i32.const 0))
(assert_return (invoke "u_4294967295" (i32.const 0xffffffff)) (i32.const 0))
(assert_return (invoke "u_1431655765" (i32.const 0x55555555)) (i32.const 0))
(assert_return (invoke "u_3145728" (i32.const 0x300000)) (i32.const 0))
(assert_return (invoke "u_1073741825" (i32.const 0x40000001)) (i32.const 0))
(assert_return (invoke "u_2147483645" (i32.const 0x7ffffffd)) (i32.const 0))
(assert_return (invoke "s_3" (i32.const 0x3)) (i32.const 0))
(assert_return (invoke "s_m3" (i32.const -0x3)) (i32.const 0))
(assert_return (invoke "s_5" (i32.const 0x5)) (i32.const 0))
(assert_return (invoke "s_7" (i32.const 0x7)) (i32.const 0))
(assert_return (invoke "s_m7" (i32.const -0x7)) (i32.const 0))
(assert_return (invoke "s_9" (i32.const 0x9)) (i32.const 0))
(assert_return (invoke "s_10" (i32.const 0xa)) (i32.const 0))
(assert_return (invoke "s_m10" (i32.const -0xa)) (i32.const 0))
(assert_return (invoke "s_13" (i32.const 0xd)) (i32.const 0))
(assert_return (invoke "s_100" (i32.const 0x64)) (i32.const 0))
(assert_return (invoke "s_m100" (i32.const -0x64)) (i32.const 0))
(assert_return (invoke "s_641" (i32.const 0x281)) (i32.const 0))
(assert_return (invoke "s_2147483647" (i32.const 0x7fffffff)) (i32.const 0))
(assert_return (invoke "s_m2147483647" (i32.const -0x7fffffff)) (i32.const 0))
(assert_return (invoke "s_m2147483648" (i32.const -0x80000000)) (i32.const 0))
(assert_return (invoke "s_2" (i32.const 0x2)) (i32.const 0))
(assert_return (invoke "s_m2" (i32.const -0x2)) (i32.const 0))
(assert_return (invoke "s_4" (i32.const 0x4)) (i32.const 0))
(assert_return (invoke "s_m4" (i32.const -0x4)) (i32.const 0))
(assert_return (invoke "s_1073741824" (i32.const 0x40000000)) (i32.const 0))
(assert_return (invoke "s_m1073741824" (i32.const -0x40000000)) (i32.const 0))
(assert_return (invoke "s_6" (i32.const 0x6)) (i32.const 0))
(assert_return (invoke "s_12" (i32.const 0xc)) (i32.const 0))
(assert_return (invoke "s_1073741825" (i32.const 0x40000001)) (i32.const 0))
(assert_return (invoke "s_m1073741825" (i32.const -0x40000001)) (i32.const 0))
(assert_return (invoke "div10" (i32.const 4294967295)) (i32.const 429496729))
(assert_return (invoke "rem7s" (i32.const -15)) (i32.const -1))
(assert_return (invoke "div_m3" (i32.const -2147483648)) (i32.const 715827882))
(assert_return (invoke "div2s" (i32.const -7)) (i32.const -3))
