package regalloc

import (
	"math/rand"
	"slices"
	"testing"
)

// progGen builds random structured toy programs: straight-line code with
// every kind of operand constraint, diamonds whose arms may define a
// block argument through moves, and counted do-while loops (with the
// back edge split, unless critical is set). Values are only used
// where they are defined on every path.
type progGen struct {
	r        *rand.Rand
	f        *tFunc
	cur      int
	depth    int
	ints     []Reg // int values defined here
	floats   []Reg
	counters map[Reg]bool // loop counters: read-only inside their loop
	nextV    Reg
	budget   int
	nInt     int  // allocatable int registers (shl needs r2)
	window   int  // when > 0, operands come from the last window values
	critical bool // loops may branch back from the latch: a critical edge
	scratch  bool // emit "scr", which clobbers toyScratch early
}

func genProgram(seed int64, size, nInt int) *tFunc {
	return genProgramWindow(seed, size, nInt, 0)
}

func genProgramWindow(seed int64, size, nInt, window int) *tFunc {
	g := &progGen{r: rand.New(rand.NewSource(seed)), f: &tFunc{}, counters: map[Reg]bool{}, budget: size, nInt: nInt, window: window}
	return g.program()
}

func (g *progGen) program() *tFunc {
	window := g.window
	g.cur = g.newBlock()
	g.ints = append(g.ints, g.fresh(false), g.fresh(false))
	g.emit("mov", g.ints[0], 0)
	g.emit("mov", g.ints[1], 1)
	for g.budget > 0 {
		g.stmt()
	}
	outs := g.ints
	if window > 0 {
		outs = outs[max(len(outs)-window, 0):]
	}
	for _, v := range outs {
		if g.r.Intn(3) == 0 {
			g.emit("out", v)
		}
	}
	g.emit("ret", g.pick())
	g.f.finish()
	return g.f
}

func (g *progGen) newBlock() int {
	g.f.blocks = append(g.f.blocks, &tBlock{depth: g.depth})
	return len(g.f.blocks) - 1
}

func (g *progGen) fresh(float bool) Reg {
	g.nextV++
	if float {
		return floatBase + g.nextV
	}
	return FirstVirtual + g.nextV
}

func (g *progGen) emit(op string, regs ...Reg) {
	b := g.f.blocks[g.cur]
	b.instrs = append(b.instrs, tInstr{op: op, regs: regs, imm: int64(g.r.Intn(200) - 100)})
}

func (g *progGen) branch(op string, regs []Reg, succs ...int) {
	g.emit(op, regs...)
	g.f.blocks[g.cur].succs = succs
}

func (g *progGen) pick() Reg {
	if g.window > 0 && len(g.ints) > g.window {
		if g.r.Intn(8) == 0 { // a long-lived "local"
			return g.ints[g.r.Intn(g.window)]
		}
		return g.ints[len(g.ints)-1-g.r.Intn(g.window)]
	}
	return g.ints[g.r.Intn(len(g.ints))]
}

// target returns a register to define: a new value, or an existing one
// redefined (the input need not be SSA).
func (g *progGen) target() Reg {
	if g.r.Intn(3) == 0 {
		v := g.pick()
		if g.window > 0 {
			v = g.ints[len(g.ints)-1-g.r.Intn(min(g.window, len(g.ints)))]
		}
		if !g.counters[v] {
			return v
		}
	}
	v := g.fresh(false)
	g.ints = append(g.ints, v)
	return v
}

func (g *progGen) ftarget() Reg {
	if len(g.floats) > 0 && g.r.Intn(3) == 0 {
		n := len(g.floats)
		if g.window > 0 {
			n = min(n, g.window)
		}
		return g.floats[len(g.floats)-1-g.r.Intn(n)]
	}
	v := g.fresh(true)
	g.floats = append(g.floats, v)
	return v
}

func (g *progGen) stmt() {
	g.budget--
	x := g.r.Intn(100)
	switch {
	case x < 25:
		ops := []string{"add", "sub", "mul", "xor"}
		if g.scratch {
			ops = append(ops, "scr", "scr")
		}
		a, b := g.pick(), g.pick()
		g.emit(ops[g.r.Intn(len(ops))], g.target(), a, b)
	case x < 32:
		if v := g.pick(); !g.counters[v] {
			g.emit("add2", v, g.pick())
		}
	case x < 38:
		s := g.pick()
		g.emit("mov", g.target(), s)
	case x < 43:
		a, b := g.pick(), g.pick()
		g.emit("call", g.target(), a, b)
	case x < 46:
		a, b := g.pick(), g.pick()
		d := g.target()
		g.emit("mov", 0, a)
		g.emit("mov", 1, b)
		g.emit("callr", 0, 0, 1)
		g.emit("mov", d, 0)
	case x < 50:
		if q := g.pick(); !g.counters[q] {
			z, r := g.pick(), g.target()
			if r == q {
				r = g.fresh(false)
				g.ints = append(g.ints, r)
			}
			g.emit("divmod", q, z, r)
		}
	case x < 53:
		if v := g.pick(); !g.counters[v] && g.nInt >= 3 {
			g.emit("shl", v, g.pick())
		}
	case x < 58:
		g.emit("out", g.pick())
	case x < 68:
		g.floatStmt()
	case x < 77 && g.depth < 4:
		g.diamond()
	case x < 84 && g.depth < 3:
		g.loop()
	case x < 86:
		g.emit("clob")
	default:
		g.emit("const", g.target())
	}
}

func (g *progGen) floatStmt() {
	if len(g.floats) == 0 || g.r.Intn(4) == 0 {
		if g.r.Intn(2) == 0 {
			g.emit("fconst", g.ftarget())
		} else {
			s := g.pick()
			g.emit("itof", g.ftarget(), s)
		}
		return
	}
	f := func() Reg {
		if g.window > 0 && len(g.floats) > g.window {
			return g.floats[len(g.floats)-1-g.r.Intn(g.window)]
		}
		return g.floats[g.r.Intn(len(g.floats))]
	}
	switch g.r.Intn(5) {
	case 0, 1:
		a, b := f(), f()
		g.emit("fadd", g.ftarget(), a, b)
	case 2:
		s := f()
		g.emit("mov", g.ftarget(), s)
	case 3:
		a, b := f(), g.pick()
		g.emit("fcall", g.ftarget(), a, b)
	default:
		s := f()
		g.emit("ftoi", g.target(), s)
	}
}

func (g *progGen) arm(saved, fsaved []Reg, phi Reg, n int) (end int) {
	g.ints, g.floats = slices.Clone(saved), slices.Clone(fsaved)
	for i := 0; i < n && g.budget > 0; i++ {
		g.stmt()
	}
	if phi != NoReg {
		g.emit("mov", phi, g.pick())
	}
	return g.cur
}

func (g *progGen) diamond() {
	a, b := g.pick(), g.pick()
	cond := g.cur
	then, els := g.newBlock(), g.newBlock()
	g.cur = cond
	g.branch("brlt", []Reg{a, b}, then, els)
	saved, fsaved := slices.Clone(g.ints), slices.Clone(g.floats)
	phi := NoReg
	if g.r.Intn(2) == 0 {
		phi = g.fresh(false)
	}
	g.cur = then
	thenEnd := g.arm(saved, fsaved, phi, g.r.Intn(6))
	g.cur = els
	elsEnd := g.arm(saved, fsaved, phi, g.r.Intn(6))
	join := g.newBlock()
	for _, e := range []int{thenEnd, elsEnd} {
		g.cur = e
		g.branch("jmp", nil, join)
	}
	g.cur = join
	g.ints, g.floats = saved, fsaved
	if phi != NoReg {
		g.ints = append(g.ints, phi)
	}
}

func (g *progGen) loop() {
	cnt := g.fresh(false)
	g.emit("const", cnt)
	g.f.blocks[g.cur].instrs[len(g.f.blocks[g.cur].instrs)-1].imm = int64(1 + g.r.Intn(3))
	g.depth++
	header := g.newBlock()
	g.branch("jmp", nil, header)
	g.cur = header
	g.counters[cnt] = true
	g.ints = append(g.ints, cnt)
	n := 1 + g.r.Intn(8)
	for i := 0; i < n && g.budget > 0; i++ {
		g.stmt()
	}
	latch := g.cur
	g.emit("dec", cnt)
	back := header // a critical back edge
	if !g.critical || g.r.Intn(2) == 0 {
		back = g.newBlock()
		g.cur = back
		g.branch("jmp", nil, header)
	}
	g.depth--
	exit := g.newBlock()
	g.cur = latch
	g.branch("brnz", []Reg{cnt}, back, exit)
	g.cur = exit
	delete(g.counters, cnt)
}

func TestRandomPrograms(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	for seed := int64(0); seed < int64(n); seed++ {
		nInt := 2 + int(seed%3)
		f := genProgram(seed, 10+int(seed%60), nInt)
		checkToy(t, f, toyInfo(nInt, 2+int(seed%2)))
	}
}

// TestRandomCriticalEdges runs programs whose loops branch back from
// their latch, so that the allocator splits the back edges with moves.
func TestRandomCriticalEdges(t *testing.T) {
	splits := 0
	for seed := int64(3000); seed < 3200; seed++ {
		nInt := 2 + int(seed%4)
		g := &progGen{r: rand.New(rand.NewSource(seed)), f: &tFunc{}, counters: map[Reg]bool{}, budget: 20 + int(seed%60), nInt: nInt, critical: true}
		a := checkToy(t, g.program(), toyInfo(nInt, 2+int(seed%2)))
		splits += len(a.Split)
	}
	if splits == 0 {
		t.Error("no critical edge needed moves")
	}
}

func TestRandomProgramsAmpleRegisters(t *testing.T) {
	for seed := int64(1000); seed < 1100; seed++ {
		f := genProgram(seed, 40, 4)
		checkToy(t, f, toyInfo(8, 8))
	}
}

// TestRandomProgramsCopiesAndStores runs longer programs with long-lived
// values and more registers, where copies of values on the stack and
// values stored where they leave a register (stores.go) are common.
func TestRandomProgramsCopiesAndStores(t *testing.T) {
	n := int64(400)
	if testing.Short() {
		n = 100
	}
	for seed := int64(2000); seed < 2000+n; seed++ {
		nInt := 3 + int(seed%4)
		f := genProgramWindow(seed, 30+int(seed%70), nInt, 4+int(seed%3)*2)
		checkToy(t, f, toyInfo(nInt, 2+int(seed%3)))
	}
}

// TestRandomCriticalEdgesCrowded runs the critical-edge programs with two
// to six integer registers. Seed 641 once made the allocator give a
// register to a reload piece that started before the scan position (an
// evicted value's cut moved back to its loop's start), which the scan
// had passed: two values held r0 into a loop header.
func TestRandomCriticalEdgesCrowded(t *testing.T) {
	n := int64(2000)
	if testing.Short() {
		n = 700
	}
	for seed := int64(0); seed < n; seed++ {
		nInt := 2 + int(seed%5)
		g := &progGen{r: rand.New(rand.NewSource(seed + 100000)), f: &tFunc{}, counters: map[Reg]bool{}, budget: 20 + int(seed%60), nInt: nInt, critical: true}
		checkToy(t, g.program(), toyInfo(nInt, 2+int(seed%2)))
	}
}

// TestRandomScratch runs programs with "scr", which writes r1 before it
// reads its operands (EarlyClobberer), with r1 a Whole register: no
// operand of "scr" may sit in r1, nor any value across it, and values in
// r1 must fit between two "scr" (checkToy fills r1 with garbage first).
func TestRandomScratch(t *testing.T) {
	n := int64(1500)
	if testing.Short() {
		n = 500
	}
	for seed := int64(0); seed < n; seed++ {
		nInt := 4 + int(seed%3) // "scr" needs two registers besides r1
		g := &progGen{r: rand.New(rand.NewSource(seed + 200000)), f: &tFunc{}, counters: map[Reg]bool{}, budget: 20 + int(seed%70), nInt: nInt, critical: seed%2 == 0, scratch: true}
		info := toyInfo(nInt, 2+int(seed%2))
		info.Whole = info.Whole.Add(toyScratch)
		checkToy(t, g.program(), info)
	}
}
