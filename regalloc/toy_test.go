package regalloc

import (
	"fmt"
	"strconv"
	"strings"
)

// A toy instruction set for testing the allocator: a few int registers
// r0..r3 (numbers 0..3), float registers x0..x3 (16..19), a scratch r7
// that is never allocated, int virtual registers vN and float ones fN.

const (
	floatBase = FirstVirtual + 1<<20
	xReg0     = Reg(16)
	scratch   = Reg(7)
)

func toyInfo(nInt, nFloat int) *RegInfo {
	info := &RegInfo{Names: make([]string, 32)}
	for i := 0; i < 8; i++ {
		info.Names[i] = fmt.Sprintf("r%d", i)
		info.Names[16+i] = fmt.Sprintf("x%d", i)
	}
	for i := 0; i < nInt; i++ {
		info.Allocatable[ClassInt] = append(info.Allocatable[ClassInt], Reg(i))
	}
	for i := 0; i < nFloat; i++ {
		info.Allocatable[ClassFloat] = append(info.Allocatable[ClassFloat], xReg0+Reg(i))
	}
	return info
}

func toyClass(r Reg) Class {
	if r >= floatBase || r >= 16 && r < 32 {
		return ClassFloat
	}
	return ClassInt
}

// argSpec describes one register argument of an op: read, written or
// both (two-address), possibly pinned to a real register.
type argSpec struct {
	use, def bool
	fixed    Reg
}

var (
	aU = argSpec{use: true, fixed: NoReg}
	aD = argSpec{def: true, fixed: NoReg}
	aT = argSpec{use: true, def: true, fixed: NoReg}
)

func aUF(r Reg) argSpec { return argSpec{use: true, fixed: r} }
func aDF(r Reg) argSpec { return argSpec{def: true, fixed: r} }
func aTF(r Reg) argSpec { return argSpec{use: true, def: true, fixed: r} }

type opSpec struct {
	args    []argSpec
	clobber bool // destroys every allocatable register
	early   bool // destroys toyScratch before reading its operands
	term    bool
	move    bool
	// exec maps the values read (operand order) to those written.
	exec func(in []int64, imm int64) []int64
}

func mix(in []int64) int64 {
	h := int64(17)
	for _, x := range in {
		h = h*31 + x
	}
	return h
}

var toyOps = map[string]*opSpec{
	"const": {args: []argSpec{aD}, exec: func(_ []int64, imm int64) []int64 { return []int64{imm} }},
	"add":   {args: []argSpec{aD, aU, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] + in[1]} }},
	"scr":   {args: []argSpec{aD, aU, aU}, early: true, exec: func(in []int64, _ int64) []int64 { return []int64{in[0]*3 - in[1]} }},
	"sub":   {args: []argSpec{aD, aU, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] - in[1]} }},
	"mul":   {args: []argSpec{aD, aU, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] * in[1]} }},
	"xor":   {args: []argSpec{aD, aU, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] ^ in[1]} }},
	// add2 t u: t += u (two-address).
	"add2": {args: []argSpec{aT, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] + in[1]} }},
	"dec":  {args: []argSpec{aT}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] - 1} }},
	"mov":  {args: []argSpec{aD, aU}, move: true, exec: func(in []int64, _ int64) []int64 { return []int64{in[0]} }},
	// call d a b: d = f(a, b) with the calling convention d, a in r0, b in r1.
	"call": {args: []argSpec{aDF(0), aUF(0), aUF(1)}, clobber: true, exec: func(in []int64, _ int64) []int64 { return []int64{mix(in)} }},
	// callr d a b: the same with real registers written by the program.
	"callr": {args: []argSpec{aD, aU, aU}, clobber: true, exec: func(in []int64, _ int64) []int64 { return []int64{mix(in)} }},
	// fcall fd fa b: fd, fa in x0, b in r0.
	"fcall": {args: []argSpec{aDF(xReg0), aUF(xReg0), aUF(0)}, clobber: true, exec: func(in []int64, _ int64) []int64 { return []int64{mix(in) ^ 5} }},
	// divmod q z r: q = q / z, r = q % z (z forced odd), q in r0, r in r1.
	"divmod": {args: []argSpec{aTF(0), aU, aDF(1)}, exec: func(in []int64, _ int64) []int64 {
		z := in[1] | 1
		return []int64{in[0] / z, in[0] % z}
	}},
	// shl t c: t <<= c&7 with c in r2.
	"shl":    {args: []argSpec{aT, aUF(2)}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] << (in[1] & 7)} }},
	"clob":   {clobber: true, exec: func([]int64, int64) []int64 { return nil }},
	"out":    {args: []argSpec{aU}, exec: func([]int64, int64) []int64 { return nil }},
	"fconst": {args: []argSpec{aD}, exec: func(_ []int64, imm int64) []int64 { return []int64{imm} }},
	"fadd":   {args: []argSpec{aD, aU, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0] + 3*in[1]} }},
	"itof":   {args: []argSpec{aD, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0]} }},
	"ftoi":   {args: []argSpec{aD, aU}, exec: func(in []int64, _ int64) []int64 { return []int64{in[0]} }},
	"jmp":    {term: true, exec: func([]int64, int64) []int64 { return nil }},
	"brlt":   {args: []argSpec{aU, aU}, term: true, exec: func([]int64, int64) []int64 { return nil }},
	"brnz":   {args: []argSpec{aU}, term: true, exec: func([]int64, int64) []int64 { return nil }},
	"ret":    {args: []argSpec{aUF(0)}, term: true, exec: func([]int64, int64) []int64 { return nil }},
}

type tInstr struct {
	op   string
	regs []Reg
	imm  int64
}

type tBlock struct {
	instrs []tInstr
	succs  []int
	preds  []int
	depth  int
}

type tFunc struct {
	blocks []*tBlock
}

func (f *tFunc) NumBlocks() int         { return len(f.blocks) }
func (f *tFunc) Succs(b int) []int      { return f.blocks[b].succs }
func (f *tFunc) Preds(b int) []int      { return f.blocks[b].preds }
func (f *tFunc) LoopDepth(b int) int    { return f.blocks[b].depth }
func (f *tFunc) NumInstrs(b int) int    { return len(f.blocks[b].instrs) }
func (f *tFunc) RegClass(r Reg) Class   { return toyClass(r) }
func (f *tFunc) instr(b, i int) *tInstr { return &f.blocks[b].instrs[i] }

func (f *tFunc) Operands(b, i int, ops []Operand) []Operand {
	in := f.instr(b, i)
	for k, s := range toyOps[in.op].args {
		if s.use {
			ops = append(ops, Operand{Reg: in.regs[k], Fixed: s.fixed})
		}
		if s.def {
			ops = append(ops, Operand{Reg: in.regs[k], Def: true, Fixed: s.fixed})
		}
	}
	return ops
}

func (f *tFunc) Clobbers(b, i int) RegSet {
	var s RegSet
	if toyOps[f.instr(b, i).op].clobber {
		for r := Reg(0); r < 8; r++ {
			s = s.Add(r).Add(xReg0 + r)
		}
	}
	return s
}

// toyScratch is the register "scr" writes before reading its operands, as
// a code generator's scratch register.
const toyScratch = Reg(1)

func (f *tFunc) EarlyClobbers(b, i int) RegSet {
	var s RegSet
	if toyOps[f.instr(b, i).op].early {
		s = s.Add(toyScratch)
	}
	return s
}

func (f *tFunc) IsMove(b, i int) (dst, src Reg, ok bool) {
	in := f.instr(b, i)
	if in.op != "mov" || toyClass(in.regs[0]) != toyClass(in.regs[1]) {
		return NoReg, NoReg, false
	}
	return in.regs[0], in.regs[1], true
}

func (f *tFunc) finish() {
	for _, b := range f.blocks {
		b.preds = nil
	}
	for i, b := range f.blocks {
		for _, s := range b.succs {
			f.blocks[s].preds = append(f.blocks[s].preds, i)
		}
	}
}

func (f *tFunc) String() string {
	var sb strings.Builder
	for i, b := range f.blocks {
		fmt.Fprintf(&sb, "b%d depth %d:\n", i, b.depth)
		for _, in := range b.instrs {
			sb.WriteString("  " + in.op)
			for _, r := range in.regs {
				sb.WriteString(" " + toyName(r))
			}
			if in.op == "const" || in.op == "fconst" {
				fmt.Fprintf(&sb, " %d", in.imm)
			}
			if toyOps[in.op].term && len(b.succs) > 0 {
				sb.WriteString(" ->")
				for _, s := range b.succs {
					fmt.Fprintf(&sb, " b%d", s)
				}
			}
			sb.WriteString("\n")
		}
	}
	return sb.String()
}

func toyName(r Reg) string {
	switch {
	case r >= floatBase:
		return fmt.Sprintf("f%d", r-floatBase)
	case r >= FirstVirtual:
		return fmt.Sprintf("v%d", r-FirstVirtual)
	case r >= 16:
		return fmt.Sprintf("x%d", r-16)
	}
	return fmt.Sprintf("r%d", r)
}

// parseToy reads the text form:
//
//	b0:
//	  const v1 5
//	  jmp -> b1
//	b1 depth 1:
//	  brnz v1 -> b1 b2
func parseToy(src string) (*tFunc, error) {
	f := &tFunc{}
	for ln, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("line %d %q: %s", ln+1, line, fmt.Sprintf(format, args...))
		}
		if strings.HasSuffix(line, ":") {
			fs := strings.Fields(strings.TrimSuffix(line, ":"))
			if fs[0] != fmt.Sprintf("b%d", len(f.blocks)) {
				return nil, bad("blocks must be numbered in order")
			}
			b := &tBlock{}
			if len(fs) == 3 && fs[1] == "depth" {
				b.depth, _ = strconv.Atoi(fs[2])
			}
			f.blocks = append(f.blocks, b)
			continue
		}
		if len(f.blocks) == 0 {
			return nil, bad("instruction outside a block")
		}
		b := f.blocks[len(f.blocks)-1]
		fs := strings.Fields(line)
		spec := toyOps[fs[0]]
		if spec == nil {
			return nil, bad("unknown op")
		}
		in := tInstr{op: fs[0]}
		targets := false
		for _, tok := range fs[1:] {
			switch {
			case tok == "->":
				targets = true
			case targets:
				n, err := strconv.Atoi(strings.TrimPrefix(tok, "b"))
				if err != nil {
					return nil, bad("bad target %q", tok)
				}
				b.succs = append(b.succs, n)
			default:
				if n, err := strconv.ParseInt(tok, 10, 64); err == nil {
					in.imm = n
					continue
				}
				r, err := parseReg(tok)
				if err != nil {
					return nil, bad("%v", err)
				}
				in.regs = append(in.regs, r)
			}
		}
		if len(in.regs) != len(spec.args) {
			return nil, bad("want %d registers", len(spec.args))
		}
		b.instrs = append(b.instrs, in)
	}
	f.finish()
	return f, nil
}

func parseReg(tok string) (Reg, error) {
	if len(tok) < 2 {
		return NoReg, fmt.Errorf("bad register %q", tok)
	}
	n, err := strconv.Atoi(tok[1:])
	if err != nil {
		return NoReg, fmt.Errorf("bad register %q", tok)
	}
	switch tok[0] {
	case 'v':
		return FirstVirtual + Reg(n), nil
	case 'f':
		return floatBase + Reg(n), nil
	case 'r':
		return Reg(n), nil
	case 'x':
		return xReg0 + Reg(n), nil
	}
	return NoReg, fmt.Errorf("bad register %q", tok)
}
