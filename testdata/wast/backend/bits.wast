;; Bit tricks the backends select as one instruction: x & (x - 1) (amd64
;; blsr, which also sets the zero flag a following branch reads), a
;; 32-bit count of a wrapped i64 (the count reads the low half directly),
;; and eqz(eqz(x)), which is one test: x != 0.
(module
  (func (export "clear_low32") (param i32) (result i32)
    (i32.and (local.get 0) (i32.add (local.get 0) (i32.const -1))))
  (func (export "clear_low64") (param i64) (result i64)
    (i64.and (i64.add (local.get 0) (i64.const -1)) (local.get 0)))
  ;; x - 1 has a second use: it stays an add.
  (func (export "clear_low_keep") (param i32) (result i32)
    (local $d i32)
    (local.set $d (i32.add (local.get 0) (i32.const -1)))
    (i32.add (i32.and (local.get 0) (local.get $d)) (local.get $d)))
  ;; Not the pattern: x & (y - 1).
  (func (export "and_other") (param i32 i32) (result i32)
    (i32.and (local.get 0) (i32.add (local.get 1) (i32.const -1))))
  ;; Counts the set bits by clearing them one at a time; the loop exits
  ;; on the zero flag of the clear.
  (func (export "bits64") (param $x i64) (result i32)
    (local $n i32)
    (if (i64.eqz (local.get $x)) (then (return (i32.const 0))))
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $x (i64.and (local.get $x) (i64.sub (local.get $x) (i64.const 1))))
      (br_if $l (i32.eqz (i64.eqz (local.get $x)))))
    (local.get $n))
  ;; Sum of the bit positions of x, lowest first, as zstd walks match masks.
  (func (export "positions") (param $x i64) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i64.eqz (local.get $x)))
        (local.set $s (i32.add (local.get $s) (i32.ctz (i32.wrap_i64 (local.get $x)))))
        (local.set $x (i64.and (local.get $x) (i64.add (local.get $x) (i64.const -1))))
        (br $l)))
    (local.get $s))
  (func (export "ctz_wrap") (param i64) (result i32) (i32.ctz (i32.wrap_i64 (local.get 0))))
  (func (export "clz_wrap") (param i64) (result i32) (i32.clz (i32.wrap_i64 (local.get 0))))
  (func (export "popcnt_wrap") (param i64) (result i32) (i32.popcnt (i32.wrap_i64 (local.get 0))))
  ;; eqz(eqz(x)) is x != 0, as a value and as a branch condition.
  (func (export "nz64") (param i64) (result i32) (i32.eqz (i64.eqz (local.get 0))))
  (func (export "nz32") (param i32) (result i32) (i32.eqz (i32.eqz (local.get 0))))
  (func (export "nz_branch") (param i64) (result i32)
    (if (result i32) (i32.eqz (i64.eqz (local.get 0)))
      (then (i32.const 7)) (else (i32.const 9))))
  ;; The wrap has another use: it is computed once and kept.
  (func (export "ctz_wrap_keep") (param i64) (result i32)
    (local $w i32)
    (local.set $w (i32.wrap_i64 (local.get 0)))
    (i32.add (i32.ctz (local.get $w)) (local.get $w))))

(assert_return (invoke "clear_low32" (i32.const 0)) (i32.const 0))
(assert_return (invoke "clear_low32" (i32.const 1)) (i32.const 0))
(assert_return (invoke "clear_low32" (i32.const 12)) (i32.const 8))
(assert_return (invoke "clear_low32" (i32.const 0x80000000)) (i32.const 0))
(assert_return (invoke "clear_low32" (i32.const -1)) (i32.const -2))
(assert_return (invoke "clear_low64" (i64.const 0)) (i64.const 0))
(assert_return (invoke "clear_low64" (i64.const 0x100000000)) (i64.const 0))
(assert_return (invoke "clear_low64" (i64.const 0x100000003)) (i64.const 0x100000002))
(assert_return (invoke "clear_low64" (i64.const 0x8000000000000000)) (i64.const 0))
(assert_return (invoke "clear_low64" (i64.const -1)) (i64.const -2))
(assert_return (invoke "clear_low_keep" (i32.const 12)) (i32.const 19))
(assert_return (invoke "clear_low_keep" (i32.const 0)) (i32.const -1))
(assert_return (invoke "and_other" (i32.const 15) (i32.const 4)) (i32.const 3))
(assert_return (invoke "bits64" (i64.const 0)) (i32.const 0))
(assert_return (invoke "bits64" (i64.const 1)) (i32.const 1))
(assert_return (invoke "bits64" (i64.const 0x8000000100000001)) (i32.const 3))
(assert_return (invoke "bits64" (i64.const -1)) (i32.const 64))
(assert_return (invoke "positions" (i64.const 0)) (i32.const 0))
(assert_return (invoke "positions" (i64.const 0x16)) (i32.const 7))
;; Bits above 31 wrap away: the high ones count 32 each.
(assert_return (invoke "positions" (i64.const 0x300000001)) (i32.const 64))
(assert_return (invoke "ctz_wrap" (i64.const 0x100000000)) (i32.const 32))
(assert_return (invoke "ctz_wrap" (i64.const 0xff00000008)) (i32.const 3))
(assert_return (invoke "clz_wrap" (i64.const 0xffffffff00000001)) (i32.const 31))
(assert_return (invoke "clz_wrap" (i64.const 0x100000000)) (i32.const 32))
(assert_return (invoke "popcnt_wrap" (i64.const -1)) (i32.const 32))
(assert_return (invoke "popcnt_wrap" (i64.const 0xf00000003)) (i32.const 2))
(assert_return (invoke "ctz_wrap_keep" (i64.const 0x100000008)) (i32.const 11))
(assert_return (invoke "nz64" (i64.const 0)) (i32.const 0))
(assert_return (invoke "nz64" (i64.const 0x100000000)) (i32.const 1))
(assert_return (invoke "nz64" (i64.const -1)) (i32.const 1))
(assert_return (invoke "nz32" (i32.const 0)) (i32.const 0))
(assert_return (invoke "nz32" (i32.const 0x80000000)) (i32.const 1))
(assert_return (invoke "nz32" (i32.const 5)) (i32.const 1))
(assert_return (invoke "nz_branch" (i64.const 0)) (i32.const 9))
(assert_return (invoke "nz_branch" (i64.const 0x8000000000000000)) (i32.const 7))
