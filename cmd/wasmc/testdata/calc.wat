;; calc exports plain functions for run --invoke; _initialize sets the
;; base that add adds, as a WASI reactor would.
(module $calc
  (global $base (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $base (i32.const 100)))
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (global.get $base)))
  (func (export "mul") (param f64 f64) (result f64) (f64.mul (local.get 0) (local.get 1)))
  (func (export "wide") (param i64) (result i64 f32)
    (i64.mul (local.get 0) (i64.const 2)) (f32.const 0.5))
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "twice") (param i32) (result i32)
    (call $add (call $div (local.get 0) (i32.const 1)) (local.get 0))))
