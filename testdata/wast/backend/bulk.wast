;; memory.copy and memory.fill are compiled inline (amd64: rep movsb and
;; rep stosb, backward with the direction flag when the destination starts
;; inside the source; arm64: loops of eight bytes, then one). Each case is
;; compared with a byte-at-a-time reference in a second region: every
;; overlap, length and alignment up to 24 bytes, and long copies.
(module
  (memory 1)
  ;; Region A at 0 gets the instruction, region B at 16384 the reference;
  ;; both start as the same pattern. The reference copies through a buffer
  ;; at 32768, as the spec defines memory.copy.
  (func $init (param $len i32)
    (local $i i32)
    (loop $l
      (i32.store8 (local.get $i) (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)))
      (i32.store8 (i32.add (local.get $i) (i32.const 16384))
        (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $len)))))
  (func $mismatches (param $len i32) (result i32)
    (local $i i32) (local $bad i32)
    (loop $l
      (if (i32.ne (i32.load8_u (local.get $i)) (i32.load8_u (i32.add (local.get $i) (i32.const 16384))))
        (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $len))))
    (local.get $bad))
  (func $ref_copy (param $d i32) (param $s i32) (param $n i32)
    (local $i i32)
    (local.set $i (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $i) (i32.const 32768))
        (i32.load8_u (i32.add (i32.add (local.get $s) (local.get $i)) (i32.const 16384))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.set $i (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (i32.add (local.get $d) (local.get $i)) (i32.const 16384))
        (i32.load8_u (i32.add (local.get $i) (i32.const 32768))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $ref_fill (param $d i32) (param $v i32) (param $n i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (i32.add (local.get $d) (local.get $i)) (i32.const 16384)) (local.get $v))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; Mismatching bytes after one copy of n bytes from s to d.
  (func $copy_case (export "copy_case") (param $d i32) (param $s i32) (param $n i32) (param $len i32) (result i32)
    (call $init (local.get $len))
    (memory.copy (local.get $d) (local.get $s) (local.get $n))
    (call $ref_copy (local.get $d) (local.get $s) (local.get $n))
    (call $mismatches (local.get $len)))
  (func $fill_case (export "fill_case") (param $d i32) (param $v i32) (param $n i32) (param $len i32) (result i32)
    (call $init (local.get $len))
    (memory.fill (local.get $d) (local.get $v) (local.get $n))
    (call $ref_fill (local.get $d) (local.get $v) (local.get $n))
    (call $mismatches (local.get $len)))

  ;; Every d, s < 25 and n < 25 over 64 bytes: the sum of mismatches.
  (func (export "copy_all") (result i32)
    (local $d i32) (local $s i32) (local $n i32) (local $bad i32)
    (loop $ld
      (local.set $s (i32.const 0))
      (loop $ls
        (local.set $n (i32.const 0))
        (loop $ln
          (local.set $bad (i32.add (local.get $bad)
            (call $copy_case (local.get $d) (local.get $s) (local.get $n) (i32.const 64))))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br_if $ln (i32.lt_u (local.get $n) (i32.const 25))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $ls (i32.lt_u (local.get $s) (i32.const 25))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $ld (i32.lt_u (local.get $d) (i32.const 25))))
    (local.get $bad))
  ;; Every d < 25 and n < 25, with a value whose high bits must not matter.
  (func (export "fill_all") (result i32)
    (local $d i32) (local $n i32) (local $bad i32)
    (loop $ld
      (local.set $n (i32.const 0))
      (loop $ln
        (local.set $bad (i32.add (local.get $bad)
          (call $fill_case (local.get $d) (i32.const 0x12345AB) (local.get $n) (i32.const 64))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $ln (i32.lt_u (local.get $n) (i32.const 25))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $ld (i32.lt_u (local.get $d) (i32.const 25))))
    (local.get $bad))

  ;; The same value as destination and source, and as address and length.
  (func (export "same_value") (param $x i32) (result i32)
    (call $init (i32.const 64))
    (memory.copy (local.get $x) (local.get $x) (local.get $x))
    (memory.fill (local.get $x) (local.get $x) (local.get $x))
    (call $ref_fill (local.get $x) (local.get $x) (local.get $x))
    (call $mismatches (i32.const 64)))

  ;; A copy's operands live on after it: they must survive the registers
  ;; the copy consumes.
  (func (export "operands_live") (param $d i32) (param $s i32) (param $n i32) (result i32)
    (memory.copy (local.get $d) (local.get $s) (local.get $n))
    (memory.fill (local.get $d) (local.get $s) (local.get $n))
    (i32.add (i32.add (local.get $d) (local.get $s)) (local.get $n)))

  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "copy_all") (i32.const 0))
(assert_return (invoke "fill_all") (i32.const 0))
(assert_return (invoke "same_value" (i32.const 0)) (i32.const 0))
(assert_return (invoke "same_value" (i32.const 9)) (i32.const 0))
(assert_return (invoke "operands_live" (i32.const 100) (i32.const 50) (i32.const 20)) (i32.const 170))
;; Long copies, forward and backward by 1 and 8 bytes, and a long fill.
(assert_return (invoke "copy_case" (i32.const 1) (i32.const 0) (i32.const 9000) (i32.const 9100)) (i32.const 0))
(assert_return (invoke "copy_case" (i32.const 0) (i32.const 1) (i32.const 9000) (i32.const 9100)) (i32.const 0))
(assert_return (invoke "copy_case" (i32.const 8) (i32.const 3) (i32.const 9001) (i32.const 9100)) (i32.const 0))
(assert_return (invoke "copy_case" (i32.const 3) (i32.const 11) (i32.const 9001) (i32.const 9100)) (i32.const 0))
(assert_return (invoke "copy_case" (i32.const 7000) (i32.const 5) (i32.const 2000) (i32.const 9100)) (i32.const 0))
(assert_return (invoke "fill_case" (i32.const 5) (i32.const 0xff) (i32.const 9000) (i32.const 9100)) (i32.const 0))

;; Out of bounds: the trap comes first and no byte changes.
(invoke "fill" (i32.const 65000) (i32.const 0x55) (i32.const 536))
(assert_trap (invoke "copy" (i32.const 65000) (i32.const 0) (i32.const 537)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 65000) (i32.const 537)) "out of bounds memory access")
(assert_trap (invoke "fill" (i32.const 65000) (i32.const 0) (i32.const 537)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 65000) (i32.const 0) (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65000)) (i32.const 0x55))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0x55))
;; Zero bytes at the end are in bounds; past it they are not.
(invoke "copy" (i32.const 65536) (i32.const 65536) (i32.const 0))
(invoke "fill" (i32.const 65536) (i32.const 0) (i32.const 0))
(assert_trap (invoke "copy" (i32.const 65537) (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "fill" (i32.const 65537) (i32.const 0) (i32.const 0)) "out of bounds memory access")
