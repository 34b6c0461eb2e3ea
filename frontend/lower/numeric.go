package lower

import (
	"math"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// simpleOps maps the Wasm opcodes that lower to a single SSA op of the same
// name and signature (numeric ops without trap conditions): single-byte
// opcodes at their value, the trunc_sat sub-opcodes from 256. OpInvalid
// marks the others.
var simpleOps = func() (t [256 + 8]ssa.Op) {
	for op := 0; op < 256; op++ {
		t[op] = simpleOp(wasm.Opcode(op))
	}
	for sub := 0; sub < 8; sub++ { // trunc_sat
		t[256+sub] = simpleOp(wasm.Opcode(wasm.PrefixMisc<<16 | sub))
	}
	return t
}()

func simpleOp(op wasm.Opcode) ssa.Op {
	info := wasm.Lookup(op)
	if info == nil || info.Imm != wasm.ImmNone || info.Sig == "" || info.Feature&Features == 0 {
		return ssa.OpInvalid
	}
	if sop, ok := ssa.OpByName(info.Name); ok && !trapping(sop) {
		return sop
	}
	return ssa.OpInvalid
}

// trapping reports whether the Wasm op of the same name has trap conditions
// the frontend must check first.
func trapping(op ssa.Op) bool {
	switch op {
	case ssa.OpI32DivS, ssa.OpI32DivU, ssa.OpI32RemS, ssa.OpI32RemU,
		ssa.OpI64DivS, ssa.OpI64DivU, ssa.OpI64RemS, ssa.OpI64RemU:
		return true
	}
	_, ok := truncBounds[op]
	return ok
}

// simple lowers a numeric op; it reports false for other ops.
func (l *Builder) simple() bool {
	var op ssa.Op
	switch c := l.in.Op; {
	case c < 256:
		op = simpleOps[c]
	case c>>16 == wasm.PrefixMisc && c&0xffff < 8:
		op = simpleOps[256+c&0xffff]
	}
	if op == ssa.OpInvalid {
		return false
	}
	info := op.Info()
	params, result := info.Sig[:len(info.Sig)-2], info.Sig[len(info.Sig)-1:]
	rt := resultType(result)
	if len(params) == 1 {
		x := l.pop()
		l.push(l.emit(op, rt, x))
	} else {
		y := l.pop()
		x := l.pop()
		l.push(l.emit(op, rt, x, y))
	}
	return true
}

func resultType(letter string) ssa.Type {
	switch letter {
	case "i":
		return ssa.I32
	case "I":
		return ssa.I64
	case "f":
		return ssa.F32
	}
	return ssa.F64
}

// numeric lowers the numeric ops with trap conditions and the constants.
func (l *Builder) numeric() bool {
	in := &l.in
	switch in.Op {
	case 0x41: // i32.const
		l.push(l.i32(int32(in.Const)))
	case 0x42:
		l.push(l.i64(int64(in.Const)))
	case 0x43:
		l.push(l.constant(ssa.F32, int64(uint32(in.Const))))
	case 0x44:
		l.push(l.constant(ssa.F64, int64(in.Const)))
	case 0x6d, 0x6e, 0x6f, 0x70: // i32.div_s, div_u, rem_s, rem_u
		l.divide(ssa.I32, in.Op-0x6d)
	case 0x7f, 0x80, 0x81, 0x82:
		l.divide(ssa.I64, in.Op-0x7f)
	case 0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1: // trapping truncations
		l.truncate()
	default:
		return false
	}
	return true
}

var divOps = [2][4]ssa.Op{
	{ssa.OpI32DivS, ssa.OpI32DivU, ssa.OpI32RemS, ssa.OpI32RemU},
	{ssa.OpI64DivS, ssa.OpI64DivU, ssa.OpI64RemS, ssa.OpI64RemU},
}

// divide lowers div_s, div_u, rem_s, rem_u (k = 0..3) with their checks:
// zero divisor, and MIN / -1 for div_s. rem_s of MIN, -1 is the backend's
// (see ssa/doc.go).
func (l *Builder) divide(t ssa.Type, k wasm.Opcode) {
	y := l.pop()
	x := l.pop()
	w := 0
	eq, eqz, and := ssa.OpI32Eq, ssa.OpI32Eqz, ssa.OpI32And
	cnst, minInt := l.i32, func() *ssa.Value { return l.i32(math.MinInt32) }
	if t == ssa.I64 {
		w = 1
		eq, eqz, and = ssa.OpI64Eq, ssa.OpI64Eqz, ssa.OpI32And
		cnst = func(c int32) *ssa.Value { return l.i64(int64(c)) }
		minInt = func() *ssa.Value { return l.i64(math.MinInt64) }
	}
	c, isConst := constOf(y)
	if t == ssa.I32 {
		c = int64(int32(c))
	}
	if !isConst || c == 0 {
		l.trapIf(l.emit(eqz, ssa.I32, y), abi.TrapIntegerDivideByZero)
	}
	if k == 0 && (!isConst || c == -1) {
		ovf := l.emit(and, ssa.I32, l.emit(eq, ssa.I32, x, minInt()), l.emit(eq, ssa.I32, y, cnst(-1)))
		l.trapIf(ovf, abi.TrapIntegerOverflow)
	}
	l.push(l.emit(divOps[w][k], t, x, y))
}

// truncBound is the open or closed interval of inputs whose truncation
// fits the result type.
type truncBound struct {
	lo, hi   float64
	loClosed bool // lo itself is valid (x >= lo) rather than x > lo
}

// truncBounds per trapping truncation. The bounds are exact in the source
// float type.
var truncBounds = map[ssa.Op]truncBound{
	ssa.OpI32TruncF32S: {-2147483648, 2147483648, true},
	ssa.OpI32TruncF64S: {-2147483649, 2147483648, false},
	ssa.OpI32TruncF32U: {-1, 4294967296, false},
	ssa.OpI32TruncF64U: {-1, 4294967296, false},
	ssa.OpI64TruncF32S: {-9223372036854775808, 9223372036854775808, true},
	ssa.OpI64TruncF64S: {-9223372036854775808, 9223372036854775808, true},
	ssa.OpI64TruncF32U: {-1, 18446744073709551616, false},
	ssa.OpI64TruncF64U: {-1, 18446744073709551616, false},
}

// truncate lowers a trapping float-to-int truncation: NaN traps with
// invalid conversion, out-of-range inputs with integer overflow.
func (l *Builder) truncate() {
	info := wasm.Lookup(l.in.Op)
	op, _ := ssa.OpByName(info.Name)
	b := truncBounds[op]
	x := l.pop()
	var ne, lt, le, ge, or ssa.Op = ssa.OpF32Ne, ssa.OpF32Lt, ssa.OpF32Le, ssa.OpF32Ge, ssa.OpI32Or
	fconst := func(f float64) *ssa.Value {
		return l.constant(ssa.F32, int64(math.Float32bits(float32(f))))
	}
	if x.Type == ssa.F64 {
		ne, lt, le, ge = ssa.OpF64Ne, ssa.OpF64Lt, ssa.OpF64Le, ssa.OpF64Ge
		fconst = func(f float64) *ssa.Value {
			return l.constant(ssa.F64, int64(math.Float64bits(f)))
		}
	}
	l.trapIf(l.emit(ne, ssa.I32, x, x), abi.TrapInvalidConversion)
	low := lt // x < lo is out of range when lo is valid
	if !b.loClosed {
		low = le
	}
	tooLow := l.emit(low, ssa.I32, x, fconst(b.lo))
	tooHigh := l.emit(ge, ssa.I32, x, fconst(b.hi))
	l.trapIf(l.emit(or, ssa.I32, tooLow, tooHigh), abi.TrapIntegerOverflow)
	rt := ssa.I32
	if op >= ssa.OpI64TruncF32S && op <= ssa.OpI64TruncF64U {
		rt = ssa.I64
	}
	l.push(l.emit(op, rt, x))
}
