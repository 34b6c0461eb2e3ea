//go:build amd64 || arm64

package realworld

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A random module generator for differential testing. It writes WAT in the
// flat instruction form, typed by construction: every expression leaves
// exactly one value of the requested type. The programs mimic what Go and
// C compilers emit: many parameters and results, calls (direct and
// indirect), counted loops, br_table switches, early exits, loads and
// stores of every width, globals, and every numeric operator.
//
// Floats are observable bit for bit only through canonicalised values:
// before a float is stored, reinterpreted or used as a copysign source, a
// NaN is replaced by one fixed NaN, because Wasm leaves the sign and
// payload of NaNs that arithmetic produces nondeterministic.

type vt int

const (
	i32 vt = iota
	i64
	f32
	f64
)

var vtNames = [...]string{"i32", "i64", "f32", "f64"}

func (t vt) String() string { return vtNames[t] }

type sig struct{ params, results []vt }

func (s sig) wat() string {
	var b strings.Builder
	for _, p := range s.params {
		fmt.Fprintf(&b, " (param %s)", p)
	}
	for _, r := range s.results {
		fmt.Fprintf(&b, " (result %s)", r)
	}
	return b.String()
}

type gen struct {
	r       *rand.Rand
	funcs   []sig // the functions generated so far, callable by later ones
	b       *strings.Builder
	locals  []vt         // params, then declared locals, of the function being built
	counts  map[int]bool // loop counters, which only their loop may change
	nparam  int
	label   int
	inLoop  int
	budget  int  // instructions left for the current function
	calls   int  // call sites left for the current function: bounds the work of a call
	results []vt // of the function being built
}

const (
	numGlobals = 8 // two of each type: global i has type i%4
	memMask    = 0xffe0
)

// module returns a module of n functions f0..f(n-1), all exported and in a
// table, with an exported memory "mem" and globals g0..g7.
func (g *gen) module(n int) (string, []sig) {
	var out strings.Builder
	out.WriteString("(module\n  (memory (export \"mem\") 1 2)\n")
	fmt.Fprintf(&out, "  (table %d funcref)\n", n)
	for i := 0; i < numGlobals; i++ {
		t := vt(i % 4)
		fmt.Fprintf(&out, "  (global $g%d (export \"g%d\") (mut %s) (%s.const %s))\n", i, i, t, t, g.constVal(t))
	}
	var data strings.Builder
	for i := 0; i < 256; i++ {
		fmt.Fprintf(&data, "\\%02x", g.r.IntN(256))
	}
	fmt.Fprintf(&out, "  (data (i32.const 0) \"%s\")\n", data.String())
	for i := 0; i < n; i++ {
		s := g.sig()
		fmt.Fprintf(&out, "  (type $t%d (func%s))\n", i, s.wat())
		out.WriteString(g.function(i, s))
		g.funcs = append(g.funcs, s)
	}
	out.WriteString("  (elem (i32.const 0)")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&out, " $f%d", i)
	}
	out.WriteString(")\n)\n")
	return out.String(), g.funcs
}

func (g *gen) types(max int) []vt {
	n := g.r.IntN(max + 1)
	ts := make([]vt, n)
	for i := range ts {
		ts[i] = vt(g.r.IntN(4))
	}
	return ts
}

func (g *gen) sig() sig {
	s := sig{params: g.types(6), results: g.types(3)}
	if g.r.IntN(4) == 0 { // enough to spill to the stack on both sides
		s.params = g.types(22)
		s.results = g.types(12)
	}
	if len(s.results) == 0 {
		s.results = []vt{vt(g.r.IntN(4))}
	}
	return s
}

func (g *gen) function(idx int, s sig) string {
	var body strings.Builder
	g.b = &body
	g.locals = append([]vt(nil), s.params...)
	g.nparam = len(s.params)
	g.counts = map[int]bool{}
	g.results = s.results
	g.budget = 300
	g.calls = 2
	for i := 0; i < 6; i++ {
		g.newLocal(vt(i % 4))
	}
	for range 2 + g.r.IntN(8) {
		g.stmt(3)
	}
	for _, t := range s.results {
		g.expr(t, 3)
	}
	var out strings.Builder
	fmt.Fprintf(&out, "  (func $f%d (export \"f%d\") (type $t%d)", idx, idx, idx)
	for _, t := range g.locals[g.nparam:] {
		fmt.Fprintf(&out, " (local %s)", t)
	}
	out.WriteString("\n")
	out.WriteString(body.String())
	out.WriteString("  )\n")
	return out.String()
}

func (g *gen) newLocal(t vt) int {
	g.locals = append(g.locals, t)
	return len(g.locals) - 1
}

func (g *gen) emit(format string, args ...any) {
	g.budget--
	fmt.Fprintf(g.b, "    "+format+"\n", args...)
}

// local2 combines the value on the stack with local l, both of type t.
func (g *gen) local2(t vt, l int) {
	g.emit("local.get %d", l)
	switch t {
	case i32, i64:
		g.emit("%s.%s", t, g.pick(intBinops))
	default:
		g.emit("%s.%s", t, g.pick(fBinops))
	}
}

// anyLocal returns a local that is not a loop counter.
func (g *gen) anyLocal() int {
	return g.localOf(vt(g.r.IntN(4)))
}

// localOf returns a local of type t, or -1.
func (g *gen) localOf(t vt) int {
	start := g.r.IntN(len(g.locals))
	for i := range g.locals {
		j := (start + i) % len(g.locals)
		if g.locals[j] == t && !g.counts[j] {
			return j
		}
	}
	return -1
}

var interesting32 = []uint32{0, 1, 2, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
	0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x12345678}

func (g *gen) int64Val() uint64 {
	switch g.r.IntN(4) {
	case 0:
		return uint64(interesting32[g.r.IntN(len(interesting32))])
	case 1:
		return uint64(int64(int32(interesting32[g.r.IntN(len(interesting32))])))
	case 2:
		return []uint64{1 << 63, 1<<63 - 1, 1 << 32, 1<<32 - 1, 0xfedcba9876543210}[g.r.IntN(5)]
	}
	return g.r.Uint64() >> g.r.IntN(64)
}

var interestingF = []string{"0", "-0", "1", "-1", "0.5", "-1.5", "2.5", "3.5", "-2.5", "1e10", "-1e10",
	"2147483647", "2147483648", "-2147483649", "4294967296", "9.3e18", "-9.3e18", "1.8e19",
	"inf", "-inf", "nan", "0x1p-149", "0x1p-1074", "123.456", "-0.75", "65535.99"}

func (g *gen) constVal(t vt) string {
	switch t {
	case i32:
		return fmt.Sprint(int32(g.int64Val()))
	case i64:
		return fmt.Sprint(int64(g.int64Val()))
	}
	if g.r.IntN(3) == 0 {
		return fmt.Sprint(g.r.NormFloat64() * 1000)
	}
	return interestingF[g.r.IntN(len(interestingF))]
}

// canon leaves x's value with any NaN replaced by the canonical NaN.
func (g *gen) canon(t vt, depth int) {
	g.expr(t, depth)
	tmp := g.newLocal(t)
	g.emit("local.tee %d", tmp)
	g.emit("%s.const nan", t)
	g.emit("local.get %d", tmp)
	g.emit("local.get %d", tmp)
	g.emit("%s.eq", t)
	g.emit("select")
}

// address leaves a memory address that is in bounds for any offset below 16.
func (g *gen) address(depth int) {
	g.expr(i32, depth)
	g.emit("i32.const %d", memMask)
	g.emit("i32.and")
}

func (g *gen) stmt(depth int) {
	if g.budget <= 0 || depth <= 0 {
		l := g.anyLocal()
		g.expr(g.locals[l], 1)
		g.emit("local.set %d", l)
		return
	}
	switch g.r.IntN(15) {
	case 0, 1, 2:
		l := g.anyLocal()
		g.expr(g.locals[l], depth)
		g.emit("local.set %d", l)
	case 3:
		i := g.r.IntN(numGlobals)
		g.expr(vt(i%4), depth)
		g.emit("global.set $g%d", i)
	case 4: // store
		t := vt(g.r.IntN(4))
		g.address(depth - 1)
		if t >= f32 {
			g.canon(t, depth-1)
		} else {
			g.expr(t, depth-1)
		}
		op := "store"
		switch {
		case t == i32 && g.r.IntN(2) == 0:
			op = []string{"store8", "store16"}[g.r.IntN(2)]
		case t == i64 && g.r.IntN(2) == 0:
			op = []string{"store8", "store16", "store32"}[g.r.IntN(3)]
		}
		g.emit("%s.%s offset=%d", t, op, g.r.IntN(16))
	case 5: // if / else
		g.expr(i32, depth-1)
		g.emit("if")
		g.stmts(depth - 1)
		g.emit("else")
		g.stmts(depth - 1)
		g.emit("end")
	case 6: // counted loop
		c := g.newLocal(i32)
		g.counts[c] = true
		g.emit("i32.const %d", 1+g.r.IntN(4))
		g.emit("local.set %d", c)
		g.label++
		l := g.label
		g.emit("loop $L%d", l)
		g.inLoop++
		g.stmts(depth - 1)
		g.inLoop--
		g.emit("local.get %d", c)
		g.emit("i32.const 1")
		g.emit("i32.sub")
		g.emit("local.tee %d", c)
		g.emit("br_if $L%d", l)
		g.emit("end")
	case 7: // switch through br_table
		g.label++
		base := g.label
		n := 2 + g.r.IntN(4)
		g.emit("block $X%d", base)
		for i := n - 1; i >= 0; i-- {
			g.emit("block $C%d_%d", base, i)
		}
		g.expr(i32, depth-1)
		var targets strings.Builder
		for range 1 + g.r.IntN(6) {
			fmt.Fprintf(&targets, " $C%d_%d", base, g.r.IntN(n))
		}
		g.emit("br_table%s $C%d_%d", targets.String(), base, g.r.IntN(n))
		for i := 0; i < n; i++ {
			g.emit("end")
			g.stmts(depth - 1)
			if i < n-1 && g.r.IntN(4) != 0 {
				g.emit("br $X%d", base)
			}
		}
		g.emit("end")
	case 8: // early exit from a block
		g.label++
		l := g.label
		g.emit("block $B%d", l)
		g.stmts(depth - 1)
		g.expr(i32, depth-1)
		g.emit("br_if $B%d", l)
		g.stmts(depth - 1)
		g.emit("end")
	case 9: // a call whose results all land in locals
		if g.inLoop > 0 || len(g.funcs) == 0 || g.calls == 0 {
			g.stmt(depth - 1)
			return
		}
		f := g.r.IntN(len(g.funcs))
		g.call(f, depth-1)
		s := g.funcs[f]
		for i := len(s.results) - 1; i >= 0; i-- {
			if g.r.IntN(3) == 0 {
				g.emit("drop")
				continue
			}
			l := g.localOf(s.results[i])
			g.emit("local.set %d", l)
		}
	case 11: // a loop carrying values in and out, as multi-value code does
		ta, tb := vt(g.r.IntN(4)), vt(g.r.IntN(4))
		c := g.newLocal(i32)
		g.counts[c] = true
		g.emit("i32.const %d", 1+g.r.IntN(4))
		g.emit("local.set %d", c)
		g.expr(ta, depth-1)
		g.expr(tb, depth-1)
		g.label++
		l := g.label
		g.emit("loop $M%d (param %s %s) (result %s %s)", l, ta, tb, ta, tb)
		g.inLoop++
		// Swap the pair through locals, mixing in new values.
		x, y := g.newLocal(tb), g.newLocal(ta)
		g.emit("local.set %d", x)
		g.emit("local.set %d", y)
		g.stmts(depth - 1)
		g.emit("local.get %d", y)
		g.expr(ta, depth-1)
		g.emit("drop")
		g.emit("local.get %d", x)
		g.local2(tb, x)
		g.emit("local.get %d", c)
		g.emit("i32.const 1")
		g.emit("i32.sub")
		g.emit("local.tee %d", c)
		g.emit("br_if $M%d", l)
		g.inLoop--
		g.emit("end")
		g.emit("local.set %d", g.localOf(tb))
		g.emit("local.set %d", g.localOf(ta))
	case 12: // return early from the middle of the function
		g.expr(i32, depth-1)
		g.emit("if")
		for _, t := range g.results {
			g.expr(t, depth-1)
		}
		g.emit("return")
		g.emit("end")
	case 13: // many values live at once
		t := vt(g.r.IntN(4))
		k := 4 + g.r.IntN(20)
		for range k {
			g.expr(t, 1)
		}
		for range k - 1 {
			if t >= f32 {
				g.emit("%s.%s", t, g.pick([]string{"add", "sub", "mul", "min", "max"}))
			} else {
				g.emit("%s.%s", t, g.pick([]string{"add", "sub", "xor", "mul", "or"}))
			}
		}
		g.emit("local.set %d", g.localOf(t))
	case 10: // bulk-ish memory traffic
		g.address(depth - 1)
		g.address(depth - 1)
		g.emit("i32.const %d", g.r.IntN(16))
		g.emit("memory.copy")
	default:
		g.stmts(depth - 1)
	}
}

func (g *gen) stmts(depth int) {
	for range g.r.IntN(3) {
		g.stmt(depth)
	}
}

// call pushes the arguments of function f and calls it, directly or
// through the table.
func (g *gen) call(f, depth int) {
	s := g.funcs[f]
	g.calls--
	for _, p := range s.params {
		g.expr(p, min(depth, 1))
	}
	if g.r.IntN(3) == 0 {
		g.emit("i32.const %d", f)
		g.emit("call_indirect (type $t%d)", f)
	} else {
		g.emit("call $f%d", f)
	}
}
