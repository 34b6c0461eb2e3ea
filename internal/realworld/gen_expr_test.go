//go:build amd64 || arm64

package realworld

var (
	intBinops = []string{"add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u",
		"rotl", "rotr", "add", "sub", "mul"}
	intDivops = []string{"div_s", "div_u", "rem_s", "rem_u"}
	intRelops = []string{"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"}
	fBinops   = []string{"add", "sub", "mul", "div", "min", "max"}
	fUnops    = []string{"abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"}
	fRelops   = []string{"eq", "ne", "lt", "gt", "le", "ge"}
)

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// expr leaves one value of type t.
func (g *gen) expr(t vt, depth int) {
	if depth <= 0 || g.budget <= 0 || g.r.IntN(6) == 0 {
		g.leaf(t)
		return
	}
	d := depth - 1
	switch g.r.IntN(10) {
	case 0:
		g.leaf(t)
		return
	case 1: // select
		g.expr(t, d)
		g.expr(t, d)
		g.expr(i32, d)
		g.emit("select")
		return
	case 2: // if with a result
		g.expr(i32, d)
		g.emit("if (result %s)", t)
		g.expr(t, d)
		g.emit("else")
		g.expr(t, d)
		g.emit("end")
		return
	case 3: // block left early with a value
		g.label++
		l := g.label
		g.emit("block $V%d (result %s)", l, t)
		g.expr(t, d)
		g.expr(i32, d)
		g.emit("br_if $V%d", l)
		g.emit("drop")
		g.expr(t, d)
		g.emit("end")
		return
	case 4: // local.tee
		g.expr(t, d)
		g.emit("local.tee %d", g.localOf(t))
		return
	case 5: // a call, keeping one result of type t
		if g.inLoop == 0 && len(g.funcs) > 0 && g.calls > 0 {
			f := g.r.IntN(len(g.funcs))
			if k := indexOf(g.funcs[f].results, t); k >= 0 {
				g.callKeep(f, k, d)
				return
			}
		}
	case 6: // load
		g.load(t, d)
		return
	}
	switch t {
	case i32:
		g.exprI32(d)
	case i64:
		g.exprI64(d)
	default:
		g.exprF(t, d)
	}
}

func indexOf(ts []vt, t vt) int {
	for i, x := range ts {
		if x == t {
			return i
		}
	}
	return -1
}

// callKeep calls f and keeps its result k, storing the others in locals.
func (g *gen) callKeep(f, k, depth int) {
	g.call(f, depth)
	rs := g.funcs[f].results
	tmp := g.newLocal(rs[k])
	for i := len(rs) - 1; i >= 0; i-- {
		if i == k {
			g.emit("local.set %d", tmp)
		} else {
			g.emit("local.set %d", g.localOf(rs[i]))
		}
	}
	g.emit("local.get %d", tmp)
}

func (g *gen) leaf(t vt) {
	switch n := g.r.IntN(5); {
	case n == 0:
		g.emit("%s.const %s", t, g.constVal(t))
	case n == 1:
		g.emit("global.get $g%d", int(t)+4*g.r.IntN(numGlobals/4))
	default:
		if l := g.localOf(t); l >= 0 {
			g.emit("local.get %d", l)
		} else {
			g.emit("%s.const %s", t, g.constVal(t))
		}
	}
}

func (g *gen) load(t vt, depth int) {
	g.address(depth)
	op := "load"
	switch {
	case t == i32 && g.r.IntN(2) == 0:
		op = g.pick([]string{"load8_s", "load8_u", "load16_s", "load16_u"})
	case t == i64 && g.r.IntN(2) == 0:
		op = g.pick([]string{"load8_s", "load8_u", "load16_s", "load16_u", "load32_s", "load32_u"})
	}
	g.emit("%s.%s offset=%d", t, op, g.r.IntN(16))
}

// divisor leaves a nonzero integer most of the time, so that divisions
// seldom trap and the rest of the function still runs.
func (g *gen) divisor(t vt, depth int) {
	g.expr(t, depth)
	if g.r.IntN(8) != 0 {
		g.emit("%s.const 1", t)
		g.emit("%s.or", t)
	}
}

func (g *gen) exprI32(d int) {
	switch g.r.IntN(12) {
	case 0, 1, 2:
		g.expr(i32, d)
		g.expr(i32, d)
		g.emit("i32.%s", g.pick(intBinops))
	case 3:
		g.expr(i32, d)
		g.divisor(i32, d)
		g.emit("i32.%s", g.pick(intDivops))
	case 4:
		g.expr(i32, d)
		g.emit("i32.%s", g.pick([]string{"clz", "ctz", "popcnt", "eqz", "extend8_s", "extend16_s"}))
	case 5:
		t := vt(g.r.IntN(2))
		g.expr(t, d)
		g.expr(t, d)
		g.emit("%s.%s", t, g.pick(intRelops))
	case 6:
		t := f32 + vt(g.r.IntN(2))
		g.expr(t, d)
		g.expr(t, d)
		g.emit("%s.%s", t, g.pick(fRelops))
	case 7:
		g.expr(i64, d)
		g.emit("i32.wrap_i64")
	case 8:
		g.expr(i64, d)
		g.emit("i64.eqz")
	case 9:
		t := f32 + vt(g.r.IntN(2))
		g.expr(t, d)
		g.emit("i32.trunc_sat_%s_%s", t, g.pick([]string{"s", "u"}))
	case 10:
		g.canon(f32, d)
		g.emit("i32.reinterpret_f32")
	default:
		g.truncTrapping(i32, d)
	}
}

// truncTrapping converts a float that is usually in range with a
// trapping conversion.
func (g *gen) truncTrapping(t vt, d int) {
	ft := f32 + vt(g.r.IntN(2))
	g.expr(ft, d)
	if g.r.IntN(4) != 0 { // fold into (-1000, 1000), NaN stays NaN
		g.emit("%s.const 1000", ft)
		g.emit("%s.min", ft)
		g.emit("%s.const -999", ft)
		g.emit("%s.max", ft)
	}
	sign := g.pick([]string{"s", "u"})
	if sign == "u" && g.r.IntN(4) != 0 {
		g.emit("%s.abs", ft)
	}
	if g.r.IntN(4) != 0 { // no NaN
		tmp := g.newLocal(ft)
		g.emit("local.tee %d", tmp)
		g.emit("%s.const 0", ft)
		g.emit("local.get %d", tmp)
		g.emit("local.get %d", tmp)
		g.emit("%s.eq", ft)
		g.emit("select")
	}
	g.emit("%s.trunc_%s_%s", t, ft, sign)
}

func (g *gen) exprI64(d int) {
	switch g.r.IntN(11) {
	case 0, 1, 2:
		g.expr(i64, d)
		g.expr(i64, d)
		g.emit("i64.%s", g.pick(intBinops))
	case 3:
		g.expr(i64, d)
		g.divisor(i64, d)
		g.emit("i64.%s", g.pick(intDivops))
	case 4:
		g.expr(i64, d)
		g.emit("i64.%s", g.pick([]string{"clz", "ctz", "popcnt", "extend8_s", "extend16_s", "extend32_s"}))
	case 5:
		g.expr(i32, d)
		g.emit("i64.extend_i32_%s", g.pick([]string{"s", "u"}))
	case 6:
		t := f32 + vt(g.r.IntN(2))
		g.expr(t, d)
		g.emit("i64.trunc_sat_%s_%s", t, g.pick([]string{"s", "u"}))
	case 7:
		g.canon(f64, d)
		g.emit("i64.reinterpret_f64")
	case 8: // a 64-bit shift by a computed amount, as in bit twiddling
		g.expr(i64, d)
		g.expr(i32, d)
		g.emit("i64.extend_i32_u")
		g.emit("i64.%s", g.pick([]string{"shl", "shr_s", "shr_u", "rotl", "rotr"}))
	default:
		g.truncTrapping(i64, d)
	}
}

func (g *gen) exprF(t vt, d int) {
	other := f32
	if t == f32 {
		other = f64
	}
	switch g.r.IntN(9) {
	case 0, 1, 2:
		g.expr(t, d)
		g.expr(t, d)
		g.emit("%s.%s", t, g.pick(fBinops))
	case 3:
		g.expr(t, d)
		g.emit("%s.%s", t, g.pick(fUnops))
	case 4:
		it := vt(g.r.IntN(2))
		g.expr(it, d)
		g.emit("%s.convert_%s_%s", t, it, g.pick([]string{"s", "u"}))
	case 5:
		g.expr(other, d)
		if t == f32 {
			g.emit("f32.demote_f64")
		} else {
			g.emit("f64.promote_f32")
		}
	case 6:
		g.expr(t, d)
		g.canon(t, d)
		g.emit("%s.copysign", t)
	case 7:
		if t == f32 {
			g.expr(i32, d)
			g.emit("f32.reinterpret_i32")
		} else {
			g.expr(i64, d)
			g.emit("f64.reinterpret_i64")
		}
	default:
		g.expr(t, d)
		g.emit("%s.const %s", t, g.constVal(t))
		g.emit("%s.%s", t, g.pick(fBinops))
	}
}
