// Package ssa is wasmc's machine-independent intermediate representation:
// typed values in basic blocks with block parameters, and the optimization
// passes that run over it. The frontend (frontend/lower) lowers validated
// Wasm into it; the backends select machine instructions from it.
//
// # Structure
//
// A Func is a list of Blocks; Blocks[0] is the entry and its parameters are
// the function's parameters. A Block has parameters (OpParam values, in
// place of phis), values in execution order and one terminator (Block.Term):
// jump, br_if, br_table, return or trap. Outgoing edges (Block.Succs) carry
// the arguments bound to the target's parameters, in order. Values are
// typed (types.go); references are i64: a funcref is the address of an
// abi FuncRef record, an externref a host handle, 0 is null in both.
//
// Every value is defined before its uses along every path (the verifier
// checks dominance), and edge arguments are uses at the end of the source
// block. Ops that read memory (ReadsMem) or have effects (SideEffect) keep
// their relative order; only pure ops may be moved or removed freely.
//
// # Op semantics
//
// The op table (op.go) gives operand and result types. Integer operands are
// two's complement; "_s"/"_u" pick signed/unsigned interpretation. Unless
// said otherwise an op never traps: every Wasm trap condition is an explicit
// trap_if (or a branch to a block ending in trap) placed by the frontend.
//
//   - param [i]: block parameter i.
//   - i32.const, i64.const [c]: the integer c (AuxInt; i32 uses the low 32
//     bits). f32.const, f64.const [bits]: the float with those IEEE bits
//     (NaN payloads must be preserved exactly).
//   - vmctx: the current instance's context pointer (R15 on amd64).
//   - copy x: x. Inserted by passes only; copy propagation removes it.
//   - select a, b, c: a when c != 0, else b. Any type.
//   - extract t [i]: element i of the tuple t (the results of a call).
//   - iN.eqz, eq, ne, lt/gt/le/ge_{s,u}: comparisons giving i32 1 or 0.
//   - iN.add, sub, mul, and, or, xor: modulo 2^N.
//   - iN.div_s, div_u, rem_u: the frontend has already trapped on a zero
//     divisor and, for div_s, on MIN / -1 (TrapIntegerOverflow). They are
//     undefined in those cases. div rounds toward zero.
//   - iN.rem_s: the frontend has trapped on a zero divisor only. MIN rem_s -1
//     is 0 and must not trap: the BACKEND handles it (x86 idiv faults on
//     it), e.g. by testing for a divisor of -1 and producing 0.
//   - iN.shl, shr_s, shr_u, rotl, rotr: the count is taken modulo N.
//   - iN.clz, ctz, popcnt: counts; clz 0 and ctz 0 are N.
//   - iN.extend8_s, extend16_s, i64.extend32_s: sign-extend the low bits.
//   - fN.eq, ne, lt, gt, le, ge: IEEE comparisons giving i32 (ne is 1 when
//     either operand is NaN, the others 0).
//   - fN.add, sub, mul, div, sqrt: IEEE, round to nearest even. abs, neg,
//     copysign: bit operations on the sign bit only (NaNs keep payloads).
//   - fN.ceil, floor, trunc, nearest: round to integral (nearest: ties to
//     even); NaN in gives a NaN out; -0 and +0 keep their sign.
//   - fN.min, max: Wasm rules: a NaN operand gives a NaN; min(-0, +0) is
//     -0 and max(-0, +0) is +0 in either order (x86 minss/maxss alone are
//     wrong for both).
//   - i32.wrap_i64: low 32 bits. i64.extend_i32_s/_u: sign/zero-extend.
//   - iN.trunc_fM_s/_u: truncate toward zero. The frontend has trapped on
//     NaN (TrapInvalidConversion) and on inputs whose truncation does not
//     fit (TrapIntegerOverflow), so the input always fits; the _u forms
//     still need the backend's unsigned sequence (e.g. inputs >= 2^63 for
//     i64, which cvttsd2si cannot convert directly).
//   - iN.trunc_sat_fM_s/_u: Wasm saturating truncation, done entirely by
//     the backend: NaN gives 0, out-of-range inputs clamp to the
//     destination's minimum or maximum.
//   - fN.convert_iM_s/_u: nearest float (round to nearest even); the _u
//     forms treat the operand as unsigned (i64 needs care on x86).
//   - f32.demote_f64, f64.promote_f32: IEEE conversion (NaN stays NaN).
//   - X.reinterpret_Y: same bits, other type.
//   - loads ([u]i32.load, i64.load, f32.load, f64.load, iN.loadK_s/_u) addr
//     [off]: read the bytes at the i64 machine address addr + off
//     (little-endian, any alignment); K-bit loads sign- or zero-extend to N.
//     off is a signed 32-bit displacement. No bounds check: the frontend
//     has already checked Wasm memory accesses. Used for linear memory and
//     runtime structures alike.
//   - stores (i32.store, i64.store, f32.store, f64.store, iN.storeK) addr,
//     x [off]: write x (its low K bits for storeK) at addr + off.
//   - mem.copy dst, src, n: copy n bytes from machine address src to dst;
//     the ranges may overlap (the result is as if copied through a buffer).
//   - mem.fill dst, x, n: set the n bytes at machine address dst to the
//     low 8 bits of x. Neither checks bounds: memory.copy and memory.fill
//     check the whole range first, as no byte may change when they trap.
//   - trap_if c [code]: trap with the abi.TrapCode code when c != 0.
//   - interrupt_check: yield to Go when the running goroutine's preemption
//     word (g.stackguard0, whose address abi.ExecPreempt holds) holds
//     abi.PreemptRequest; Go may answer a cancellation with
//     TrapInterrupted. The frontend puts one at every
//     loop header; function entry checks are the prologue's job.
//   - call args... [f] (Sig): call defined function f of this module with
//     the same vmctx.
//   - call_indirect code, vmctx, args... (Sig): call the code address code
//     with vmctx as the callee's instance context (R15), restoring the
//     caller's afterwards. Imports and call_indirect use it.
//   - call_builtin args... [b] (Sig): run the abi.Builtin b in Go through
//     the exit stub; args and results are 8-byte slots of the ExecCtx
//     buffer in order. Wasm memory/table/segment indices are i32 operands.
//     Any builtin may trap (it reports the trap code) and memory.grow may
//     change a memory's length (never its base).
//
// A call's type is Sig.ResultType(): none, the single result's type, or
// Tuple, whose elements extract reads.
//
// Terminators: jump; br_if c (first successor when c != 0); br_table i
// (successor i when i < n-1 as unsigned, else the last); return vals (the
// function's results); trap [code].
package ssa
