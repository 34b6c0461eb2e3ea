package ssa

// boundsSlack caps the constant part k of the bounds checks that
// boundsFast rewrites: accesses within that many bytes of the end of
// memory take the backends' slower exact path.
const boundsSlack = 256

// boundsFast rewrites the remaining bounds checks
// trap_if(i64.gt_u(ea+k, len)), ea a zero-extended i32 and 0 < k <= K,
// into trap_if(i64.gt_s(ea+(k-K), len-K)), where K is the largest such k
// of the function (at most boundsSlack) and len-K is computed once after
// each length load. The condition is the same (ea < 2^32 and len <= 2^40:
// nothing wraps), but now its first operand never exceeds ea, so the
// backends test ea > len-K first, a plain compare that is false for all
// but the accesses near the end of memory, and only then the exact
// condition, out of line. A check with k = K becomes ea > len-K itself.
func boundsFast(f *Func) {
	if len(f.Mems) == 0 {
		return
	}
	var k int64
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == OpTrapIf {
				if m, ea, c := boundsCheck(f, v.Args[0]); m >= 0 && ea != nil && c <= boundsSlack {
					k = max(k, c)
				}
			}
		}
	}
	if k == 0 {
		return
	}
	slack := map[*Value]*Value{} // length load -> len-K
	buf := f.scratch.rematBuf[:0]
	defer func() { clear(buf); f.scratch.rematBuf = buf[:0] }()
	for _, b := range f.Blocks {
		buf = buf[:0]
		for _, v := range b.Values {
			if v.Op == OpTrapIf {
				if m, ea, c := boundsCheck(f, v.Args[0]); m >= 0 && ea != nil && c <= boundsSlack {
					n := v.Args[0].Args[1]
					lim := slack[n]
					if lim == nil {
						lim = f.newValue(OpI64Add, I64, n.Block, []*Value{n, f.newValue(OpConstI64, I64, n.Block, nil)})
						lim.Args[1].AuxInt = -k
						slack[n] = lim
						if n.Block == b {
							// n is earlier in this block, maybe already in buf.
							buf = insertAfter(buf, n, lim.Args[1], lim)
						} else {
							n.Block.Values = insertAfter(n.Block.Values, n, lim.Args[1], lim)
						}
					}
					x := ea
					if c < k {
						d := f.newValue(OpConstI64, I64, b, nil)
						d.AuxInt = c - k
						x = f.newValue(OpI64Add, I64, b, []*Value{ea, d})
						buf = append(buf, d, x)
					}
					cmp := f.newValue(OpI64GtS, I32, b, []*Value{x, lim})
					buf = append(buf, cmp)
					v.Args[0] = cmp
				}
			}
			buf = append(buf, v)
		}
		b.Values = append(b.Values[:0], buf...)
	}
}

// insertAfter returns vals with ins inserted after v (at the end when v is
// not there).
func insertAfter(vals []*Value, v *Value, ins ...*Value) []*Value {
	i := len(vals)
	for j, w := range vals {
		if w == v {
			i = j + 1
			break
		}
	}
	vals = append(vals, ins...)
	copy(vals[i+len(ins):], vals[i:len(vals)-len(ins)])
	copy(vals[i:], ins)
	return vals
}
