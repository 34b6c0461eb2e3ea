;; Zero as the first operand of add, sub and compares whose second operand
;; is an immediate or an extended register: on arm64, register 31 in those
;; forms is SP, not the zero register, so the zero must be materialized.
(module
  (func (export "neg-sext") (param i32) (result i64)
    (i64.sub (i64.const 0) (i64.extend_i32_s (local.get 0))))
  (func (export "neg-zext") (param i32) (result i64)
    (i64.sub (i64.const 0) (i64.extend_i32_u (local.get 0))))
  (func (export "zero-lt-sext") (param i32) (result i32)
    (i64.lt_s (i64.const 0) (i64.extend_i32_s (local.get 0)))))
(assert_return (invoke "neg-sext" (i32.const 5)) (i64.const -5))
(assert_return (invoke "neg-sext" (i32.const -7)) (i64.const 7))
(assert_return (invoke "neg-zext" (i32.const -1)) (i64.const -4294967295))
(assert_return (invoke "zero-lt-sext" (i32.const 3)) (i32.const 1))
(assert_return (invoke "zero-lt-sext" (i32.const -3)) (i32.const 0))
