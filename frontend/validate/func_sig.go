package validate

import (
	"strings"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// opDesc is what the validator needs about an instruction typed from its
// fixed signature, precomputed from the opcode table so that the hot path
// neither parses signatures nor looks opcodes up in a map.
type opDesc struct {
	params  [2][]wasm.ValType // by address type: [0] for i32, [1] for i64
	results []wasm.ValType
	imm     wasm.ImmKind
	sig     bool  // typed generically from params and results
	numeric bool  // params and results are numeric or vector types only
	atomic  bool  // alignment must be exactly natural
	align   uint8 // natural alignment (log2) of a memory access
	lanes   uint8 // bound of the lane immediate(s)
}

var (
	mainDescs   [256]opDesc
	prefixDescs [4][]opDesc // prefixes 0xfb to 0xfe, by sub-opcode
)

func descOf(op wasm.Opcode) *opDesc {
	if op < 256 {
		return &mainDescs[op]
	}
	p := op >> 16
	if p < wasm.PrefixGC || p > wasm.PrefixThreads {
		return nil
	}
	tab := prefixDescs[p-wasm.PrefixGC]
	sub := int(op & 0xffff)
	if sub >= len(tab) {
		return nil
	}
	return &tab[sub]
}

func init() {
	for i := range mainDescs {
		if info := wasm.Lookup(wasm.Opcode(i)); info != nil {
			mainDescs[i] = makeDesc(info)
		}
	}
	for p := wasm.Opcode(wasm.PrefixGC); p <= wasm.PrefixThreads; p++ {
		var tab []opDesc
		for sub := wasm.Opcode(0); sub < 0x400; sub++ {
			info := wasm.Lookup(p<<16 | sub)
			if info == nil {
				continue
			}
			for len(tab) <= int(sub) {
				tab = append(tab, opDesc{})
			}
			tab[sub] = makeDesc(info)
		}
		prefixDescs[p-wasm.PrefixGC] = tab
	}
}

func makeDesc(info *wasm.OpInfo) opDesc {
	d := opDesc{imm: info.Imm}
	if info.Sig == "" {
		return d
	}
	d.sig = true
	params, results := info.SigTypes()
	for a, addr := range [2]wasm.ValType{wasm.I32, wasm.I64} {
		ps := []wasm.ValType{}
		for i := 0; i < len(params); i++ {
			if params[i] == 'a' {
				ps = append(ps, addr)
			} else {
				ps = append(ps, wasm.SigType(params[i]))
			}
		}
		d.params[a] = ps
	}
	for i := 0; i < len(results); i++ {
		d.results = append(d.results, wasm.SigType(results[i]))
	}
	d.numeric = true
	for _, t := range append(append(d.params[0], d.params[1]...), d.results...) {
		d.numeric = d.numeric && t.Kind != wasm.KindRef
	}
	switch info.Imm {
	case wasm.ImmMemArg, wasm.ImmMemArgLane:
		size := accessBytes(info.Name)
		for 1<<d.align < size {
			d.align++
		}
		d.atomic = info.Op.Prefix() == wasm.PrefixThreads
		d.lanes = uint8(16 / size)
	case wasm.ImmLane:
		d.lanes = laneCount(info.Name)
	case wasm.ImmShuffle:
		d.lanes = 32
	}
	return d
}

// accessBytes derives the number of bytes a memory instruction accesses from
// its name: the digits after load/store/rmw/wait ("load8", "load16x4",
// "rmw32", "wait64"), or else the size of the value type prefix.
func accessBytes(name string) int {
	if strings.HasSuffix(name, ".notify") {
		return 4
	}
	typ, rest, _ := strings.Cut(name, ".")
	for _, kw := range []string{"load", "store", "rmw", "wait"} {
		i := strings.Index(rest, kw)
		if i < 0 {
			continue
		}
		bits, n := leadingInt(rest[i+len(kw):])
		if n == 0 {
			break
		}
		if tail := rest[i+len(kw)+n:]; strings.HasPrefix(tail, "x") {
			count, _ := leadingInt(tail[1:])
			bits *= count
		}
		return bits / 8
	}
	switch typ {
	case "i32", "f32":
		return 4
	case "i64", "f64":
		return 8
	}
	return 16
}

// laneCount returns the lane count of a SIMD shape prefix such as "i16x8".
func laneCount(name string) uint8 {
	shape, _, _ := strings.Cut(name, ".")
	_, count, _ := strings.Cut(shape, "x")
	n, _ := leadingInt(count)
	return uint8(n)
}

func leadingInt(s string) (val, n int) {
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		val = val*10 + int(s[n]-'0')
		n++
	}
	return val, n
}

// stepSig validates an instruction with a fixed signature.
func (v *funcValidator) stepSig(in *wasm.Instr, d *opDesc) error {
	a := 0
	switch d.imm {
	case wasm.ImmMemArg, wasm.ImmMemArgLane:
		m := in.Mem.Memory
		if uint64(m) >= uint64(len(v.c.mems)) {
			return v.failf(in.Offset, "unknown memory %d", m)
		}
		if d.atomic {
			if in.Mem.Align != uint32(d.align) {
				return v.failf(in.Offset, "atomic alignment must be natural")
			}
		} else if in.Mem.Align > uint32(d.align) {
			return v.failf(in.Offset, "alignment must not be larger than natural")
		}
		if v.c.mems[m].Limits.Is64 {
			a = 1
		} else if in.Mem.Offset > 0xffffffff {
			return v.failf(in.Offset, "offset out of range")
		}
		if d.imm == wasm.ImmMemArgLane && in.Lane >= d.lanes {
			return v.failf(in.Offset, "invalid lane index")
		}
	case wasm.ImmLane:
		if in.Lane >= d.lanes {
			return v.failf(in.Offset, "invalid lane index")
		}
	case wasm.ImmShuffle:
		for _, l := range in.V128 {
			if l >= d.lanes {
				return v.failf(in.Offset, "invalid lane index")
			}
		}
	}
	ps := d.params[a]
	// Fast path for numeric signatures with all operands on the stack (the
	// bulk of all instructions): compare kinds in place, no calls.
	if n, k := len(v.vals), len(ps); d.numeric && n-v.ctrls[len(v.ctrls)-1].height >= k {
		got := v.vals[n-k : n]
		for i, w := range ps {
			if g := got[i].Kind; g != w.Kind && g != wasm.KindBot {
				return v.stackMismatch(ps, in.Offset)
			}
		}
		if len(d.results) == 1 {
			v.vals = append(v.vals[:n-k], d.results[0])
		} else {
			v.vals = append(v.vals[:n-k], d.results...)
		}
		return nil
	}
	if err := v.popN(ps, in.Offset); err != nil {
		return err
	}
	v.pushAll(d.results)
	return nil
}
