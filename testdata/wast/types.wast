;; Type canonicalization and subtyping across rec groups, as the validator
;; sees them: equivalent groups are one type, declared chains are subtypes.

(module
  ;; Two identical singleton groups are the same type: a function of one
  ;; can be called through the other.
  (type $a (func (param i32) (result i32)))
  (type $b (func (param i32) (result i32)))
  (func $f (type $a) (local.get 0))
  (elem declare func $f)
  (func (result i32)
    (call_ref $b (i32.const 1) (ref.func $f))))

(module
  ;; A subtype chain through struct widths, used with ref.cast and
  ;; br_on_cast in both directions.
  (type $p (sub (struct (field i32))))
  (type $q (sub $p (struct (field i32) (field i64))))
  (type $r (sub final $q (struct (field i32) (field i64) (field f32))))
  (func (param (ref $r)) (result (ref $p)) (local.get 0))
  (func (param (ref null $p)) (result i64)
    (block $miss (result (ref null $p))
      (br_on_cast_fail $miss (ref null $p) (ref $q) (local.get 0))
      (struct.get $q 1)
      (return))
    (drop)
    (i64.const -1)))

;; A final type cannot be extended.
(assert_invalid
  (module
    (type $p (struct))
    (type $q (sub $p (struct))))
  "sub type")

;; Recursive groups are compared as a whole: these two $t differ because their
;; groups have different shapes.
(assert_invalid
  (module
    (rec (type $t1 (func (param (ref $u1)))) (type $u1 (struct)))
    (rec (type $t2 (func (param (ref $u2)))) (type $u2 (struct (field i32))))
    (func $f (type $t1) (unreachable))
    (elem declare func $f)
    (func (result (ref $t2)) (ref.func $f)))
  "type mismatch")

;; Subtyping is structural for width but fields must match invariantly when
;; mutable.
(assert_invalid
  (module
    (type $p (sub (struct (field (mut (ref null any))))))
    (type $q (sub $p (struct (field (mut (ref null eq)))))))
  "sub type")

;; A forward reference outside the rec group is unknown.
(assert_invalid
  (module
    (type $a (func (param (ref $b))))
    (type $b (struct)))
  "unknown type")
