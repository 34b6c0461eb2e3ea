;; Validation of the stack switching instructions beyond the proposal's own
;; tests: the shapes a generator and a scheduler lower to.

;; A generator: the producer suspends with each value, the consumer resumes.
(module
  (type $ft (func))
  (type $ct (cont $ft))
  (tag $yield (param i32))
  (func $producer
    (local $i i32)
    (loop $l
      (suspend $yield (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10)))))
  (elem declare func $producer)
  (func (export "sum") (result i32)
    (local $k (ref null $ct)) (local $sum i32)
    (local.set $k (cont.new $ct (ref.func $producer)))
    (loop $next
      (block $done
        (block $on_yield (result i32 (ref $ct))
          (resume $ct (on $yield $on_yield) (local.get $k))
          (br $done))
        (local.set $k)
        (local.set $sum (i32.add (local.get $sum)))
        (br $next)))
    (local.get $sum)))

;; A symmetric scheduler: switch hands control (and a value) to another
;; continuation of the same type.
(module
  (rec
    (type $ft (func (param i32 (ref null $ct)) (result i32)))
    (type $ct (cont $ft)))
  (tag $swap (result i32))
  (func $task (type $ft)
    (switch $ct $swap (local.get 0) (local.get 1))
    (drop))
  (elem declare func $task))

;; cont.bind narrows a continuation type by supplying leading parameters.
(module
  (type $f2 (func (param i32 i64) (result f32)))
  (type $f1 (func (param i64) (result f32)))
  (type $c2 (cont $f2))
  (type $c1 (cont $f1))
  (func (param (ref $c2)) (result (ref $c1))
    (cont.bind $c2 $c1 (i32.const 7) (local.get 0))))

;; A handler label must receive the tag's parameters and the continuation.
(assert_invalid
  (module
    (type $ft (func))
    (type $ct (cont $ft))
    (tag $t (param i32))
    (func (param (ref $ct))
      (block $h (result i64 (ref $ct))
        (resume $ct (on $t $h) (local.get 0))
        (unreachable))
      (unreachable)))
  "type mismatch")

;; cont types must name function types.
(assert_invalid
  (module (type $s (struct)) (type $ct (cont $s)))
  "non-function type")

;; suspend needs a tag.
(assert_invalid
  (module (func (suspend 0)))
  "unknown tag")

;; cont.bind cannot add parameters.
(assert_invalid
  (module
    (type $f1 (func (param i64)))
    (type $f2 (func (param i32 i64)))
    (type $c1 (cont $f1))
    (type $c2 (cont $f2))
    (func (param (ref $c1)) (result (ref $c2))
      (cont.bind $c1 $c2 (local.get 0))))
  "type mismatch")

;; The binary encoding of cont types and resume handlers.
(module binary
  "\00asm" "\01\00\00\00"
  "\01\06\02"                 ;; type section: 2 types
  "\60\00\00"                 ;; 0: (func)
  "\5d\00"                    ;; 1: (cont 0)
  "\03\02\01\00"              ;; func section: 1 func of type 0
  "\0d\03\01\00\00"           ;; tag section: 1 tag, type 0
  "\0a\0e\01"                 ;; code section: 1 body
  "\0c\00"                    ;; size 12, no locals
  "\02\40"                    ;; block
  "\d0\01"                    ;; ref.null 1
  "\e3\01\01\01\00"           ;; resume 1 (on tag 0 switch)
  "\0b\0b"                    ;; end end
)

(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\06\02" "\60\00\00" "\5d\00"
    "\03\02\01\00"
    "\0d\03\01\00\00"
    "\0a\0e\01" "\0c\00"
    "\02\40" "\d0\01"
    "\e3\01\01\02\00"         ;; handler kind 2 does not exist
    "\0b\0b")
  "ON opcode expected")
