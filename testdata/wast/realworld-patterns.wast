;; Code shapes that Go and C compilers emit and that real programs lean on:
;; calls with many stack arguments and results chained into each other, a
;; br_table dispatch loop over bytecode in memory, 64-bit arithmetic
;; built from 32-bit halves, and float/integer conversions at the edges.

(module
  ;; 20 parameters and 12 results: more than the registers of either class.
  (func $many (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64
                     i32 i64 f32 f64 i32 i64 f32 f64)
              (result i64 i32 f64 f32 i64 i32 f64 f32 i64 i32 f64 i32)
    (local.get 17) (local.get 16) (local.get 19) (local.get 18)
    (local.get 13) (local.get 12) (local.get 15) (local.get 14)
    (i64.add (local.get 1) (local.get 5))
    (i32.add (local.get 0) (local.get 4))
    (f64.add (local.get 3) (local.get 7))
    (i32.add (i32.trunc_f32_s (local.get 2)) (i32.trunc_f32_s (local.get 6))))
  ;; Passes each result set back in as arguments, three levels deep.
  (func $relay (param i64 i32 f64 f32 i64 i32 f64 f32 i64 i32 f64 i32)
               (result i64 i32 f64 f32 i64 i32 f64 f32 i64 i32 f64 i32)
    (call $many
      (local.get 1) (local.get 0) (local.get 3) (local.get 2)
      (local.get 5) (local.get 4) (local.get 7) (local.get 6)
      (local.get 9) (local.get 8) (f32.const 0.5) (local.get 10)
      (local.get 11) (i64.const 7) (f32.const 1.5) (f64.const 2.5)
      (i32.const 100) (i64.const 200) (f32.const 3.25) (f64.const 4.75)))
  (func (export "chain") (result i64)
    (local $r0 i64) (local $r1 i32) (local $r2 f64) (local $r3 f32)
    (local $r4 i64) (local $r5 i32) (local $r6 f64) (local $r7 f32)
    (local $r8 i64) (local $r9 i32) (local $r10 f64) (local $r11 i32)
    (call $relay
      (call $many
        (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4)
        (i32.const 5) (i64.const 6) (f32.const 7) (f64.const 8)
        (i32.const 9) (i64.const 10) (f32.const 11) (f64.const 12)
        (i32.const 13) (i64.const 14) (f32.const 15) (f64.const 16)
        (i32.const 17) (i64.const 18) (f32.const 19) (f64.const 20)))
    (local.set $r11) (local.set $r10) (local.set $r9) (local.set $r8)
    (local.set $r7) (local.set $r6) (local.set $r5) (local.set $r4)
    (local.set $r3) (local.set $r2) (local.set $r1) (local.set $r0)
    ;; Fold everything into one number, each value weighted differently.
    (i64.add
      (i64.add
        (i64.add (i64.mul (local.get $r0) (i64.const 1)) (i64.mul (i64.extend_i32_s (local.get $r1)) (i64.const 10)))
        (i64.add (i64.mul (i64.trunc_f64_s (local.get $r2)) (i64.const 100))
                 (i64.mul (i64.trunc_f32_s (local.get $r3)) (i64.const 1000))))
      (i64.add
        (i64.add (i64.mul (local.get $r4) (i64.const 10000)) (i64.mul (i64.extend_i32_s (local.get $r5)) (i64.const 100000)))
        (i64.add
          (i64.add (i64.mul (i64.trunc_f64_s (local.get $r6)) (i64.const 1000000))
                   (i64.mul (i64.trunc_f32_s (local.get $r7)) (i64.const 10000000)))
          (i64.add
            (i64.add (i64.mul (local.get $r8) (i64.const 100000000))
                     (i64.mul (i64.extend_i32_s (local.get $r9)) (i64.const 1000000000)))
            (i64.add (i64.mul (i64.trunc_f64_s (local.get $r10)) (i64.const 10000000000))
                     (i64.mul (i64.extend_i32_s (local.get $r11)) (i64.const 100000000000))))))))

  ;; A bytecode interpreter: one br_table dispatch per instruction.
  (memory 1)
  ;; 0 halt, 1 push imm, 2 add, 3 mul, 4 dec-and-jump-if-nonzero, 5 dup, 6 swap, 7 drop
  ;; Stack [counter=10, acc=1]; at 4: acc = acc*3 (dup drop swap swap) + 1;
  ;; decrement the counter and loop while it is not zero; the result is acc.
  (data (i32.const 0) "\01\0a\01\01\01\03\03\05\07\06\06\01\01\02\04\04\00")
  (func (export "interp") (result i64)
    (local $pc i32) (local $sp i32) (local $op i32) (local $a i64) (local $b i64)
    (local.set $sp (i32.const 1024))
    (block $halt
      (loop $next
        (local.set $op (i32.load8_u (local.get $pc)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (block $drop (block $swap (block $dup (block $jnz (block $mul (block $add (block $push
          (br_table $halt $push $add $mul $jnz $dup $swap $drop $halt (local.get $op)))
          ;; push imm8
          (i64.store (local.get $sp) (i64.load8_u (local.get $pc)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (local.set $sp (i32.add (local.get $sp) (i32.const 8)))
          (br $next))
          ;; add
          (local.set $sp (i32.sub (local.get $sp) (i32.const 8)))
          (i64.store (i32.sub (local.get $sp) (i32.const 8))
            (i64.add (i64.load (i32.sub (local.get $sp) (i32.const 8))) (i64.load (local.get $sp))))
          (br $next))
          ;; mul
          (local.set $sp (i32.sub (local.get $sp) (i32.const 8)))
          (i64.store (i32.sub (local.get $sp) (i32.const 8))
            (i64.mul (i64.load (i32.sub (local.get $sp) (i32.const 8))) (i64.load (local.get $sp))))
          (br $next))
          ;; dec the value under the top, jump to imm8 if it is not zero
          (local.set $a (i64.sub (i64.load (i32.sub (local.get $sp) (i32.const 16))) (i64.const 1)))
          (i64.store (i32.sub (local.get $sp) (i32.const 16)) (local.get $a))
          (local.set $pc
            (select (i32.load8_u (local.get $pc)) (i32.add (local.get $pc) (i32.const 1))
                    (i64.ne (local.get $a) (i64.const 0))))
          (br $next))
          ;; dup
          (i64.store (local.get $sp) (i64.load (i32.sub (local.get $sp) (i32.const 8))))
          (local.set $sp (i32.add (local.get $sp) (i32.const 8)))
          (br $next))
          ;; swap
          (local.set $a (i64.load (i32.sub (local.get $sp) (i32.const 8))))
          (local.set $b (i64.load (i32.sub (local.get $sp) (i32.const 16))))
          (i64.store (i32.sub (local.get $sp) (i32.const 8)) (local.get $b))
          (i64.store (i32.sub (local.get $sp) (i32.const 16)) (local.get $a))
          (br $next))
        ;; drop
        (local.set $sp (i32.sub (local.get $sp) (i32.const 8)))
        (br $next)))
    (i64.load (i32.sub (local.get $sp) (i32.const 8))))

  ;; 64x64 -> 128 multiply from 32-bit halves, as math/bits.Mul64 does on
  ;; 32-bit targets; returns the high and low words.
  (func (export "mul64") (param $x i64) (param $y i64) (result i64 i64)
    (local $x0 i64) (local $x1 i64) (local $y0 i64) (local $y1 i64)
    (local $w0 i64) (local $t i64) (local $w1 i64) (local $w2 i64)
    (local.set $x0 (i64.and (local.get $x) (i64.const 0xffffffff)))
    (local.set $x1 (i64.shr_u (local.get $x) (i64.const 32)))
    (local.set $y0 (i64.and (local.get $y) (i64.const 0xffffffff)))
    (local.set $y1 (i64.shr_u (local.get $y) (i64.const 32)))
    (local.set $w0 (i64.mul (local.get $x0) (local.get $y0)))
    (local.set $t (i64.add (i64.mul (local.get $x1) (local.get $y0)) (i64.shr_u (local.get $w0) (i64.const 32))))
    (local.set $w1 (i64.and (local.get $t) (i64.const 0xffffffff)))
    (local.set $w2 (i64.shr_u (local.get $t) (i64.const 32)))
    (local.set $w1 (i64.add (local.get $w1) (i64.mul (local.get $x0) (local.get $y1))))
    (i64.add (i64.add (i64.mul (local.get $x1) (local.get $y1)) (local.get $w2))
             (i64.shr_u (local.get $w1) (i64.const 32)))
    (i64.mul (local.get $x) (local.get $y)))
  ;; Division by constants (compilers turn these into multiplies) and
  ;; shifts and rotates by amounts of 64 and more.
  (func (export "divs") (param $x i64) (result i64 i64 i64 i64)
    (i64.div_u (local.get $x) (i64.const 10))
    (i64.rem_s (local.get $x) (i64.const 7))
    (i64.div_s (local.get $x) (i64.const -3))
    (i64.rotl (local.get $x) (i64.const 67)))
  (func (export "shifts") (param $x i64) (param $n i64) (result i64 i64 i64)
    (i64.shl (local.get $x) (local.get $n))
    (i64.shr_s (local.get $x) (local.get $n))
    (i64.rotr (local.get $x) (local.get $n)))

  ;; Conversions at the edges of their ranges.
  (func (export "u64_to_f32") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
  (func (export "u64_to_f64") (param i64) (result f64) (f64.convert_i64_u (local.get 0)))
  (func (export "f64_to_u64_sat") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))
  (func (export "f64_to_i64_sat") (param f64) (result i64) (i64.trunc_sat_f64_s (local.get 0)))
  (func (export "f32_to_u32") (param f32) (result i32) (i32.trunc_f32_u (local.get 0)))
  (func (export "f64_to_u64") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
)

(assert_return (invoke "chain") (i64.const 3793213074600))
(assert_return (invoke "interp") (i64.const 88573))
(assert_return (invoke "mul64" (i64.const -1) (i64.const -1)) (i64.const -2) (i64.const 1))
(assert_return (invoke "mul64" (i64.const 0x123456789abcdef0) (i64.const 0x0fedcba987654321))
  (i64.const 0x121fa00ad77d742) (i64.const 0x2236d88fe5618cf0))
(assert_return (invoke "divs" (i64.const -1))
  (i64.const 1844674407370955161) (i64.const -1) (i64.const 0) (i64.const -1))
(assert_return (invoke "divs" (i64.const 0x8000000000000001))
  (i64.const 922337203685477580) (i64.const 0) (i64.const 3074457345618258602) (i64.const 12))
(assert_return (invoke "shifts" (i64.const 0x8000000000000001) (i64.const 65))
  (i64.const 2) (i64.const 0xc000000000000000) (i64.const 0xc000000000000000))
(assert_return (invoke "shifts" (i64.const 0x8000000000000001) (i64.const 64))
  (i64.const 0x8000000000000001) (i64.const 0x8000000000000001) (i64.const 0x8000000000000001))
(assert_return (invoke "u64_to_f32" (i64.const 0x20000000000001)) (f32.const 0x1p+53))
(assert_return (invoke "u64_to_f32" (i64.const 0xffffff7fffffffff)) (f32.const 0x1.fffffep+63))
(assert_return (invoke "u64_to_f32" (i64.const 0xffffff8000000001)) (f32.const 0x1p+64))
(assert_return (invoke "u64_to_f64" (i64.const 0x8000000000000401)) (f64.const 0x1.0000000000001p+63))
(assert_return (invoke "u64_to_f64" (i64.const -1)) (f64.const 0x1p+64))
(assert_return (invoke "f64_to_u64_sat" (f64.const 0x1.fffffffffffffp+63)) (i64.const 0xfffffffffffff800))
(assert_return (invoke "f64_to_u64_sat" (f64.const 0x1p+64)) (i64.const -1))
(assert_return (invoke "f64_to_u64_sat" (f64.const -0.99)) (i64.const 0))
(assert_return (invoke "f64_to_i64_sat" (f64.const -0x1p+63)) (i64.const 0x8000000000000000))
(assert_return (invoke "f64_to_i64_sat" (f64.const nan)) (i64.const 0))
(assert_return (invoke "f32_to_u32" (f32.const 0x1.fffffep+31)) (i32.const 0xffffff00))
(assert_return (invoke "f32_to_u32" (f32.const -0.75)) (i32.const 0))
(assert_trap (invoke "f32_to_u32" (f32.const 0x1p+32)) "integer overflow")
(assert_return (invoke "f64_to_u64" (f64.const 0x1p+63)) (i64.const 0x8000000000000000))
(assert_trap (invoke "f64_to_u64" (f64.const -1)) "integer overflow")
