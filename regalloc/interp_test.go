package regalloc

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// machine interprets a toy function either before allocation (alloc nil:
// registers are whatever the operands name, virtual ones unlimited) or
// after it (operands in their assigned real registers, the allocator's
// edits executed, clobbered registers filled with garbage).
type machine struct {
	f     *tFunc
	alloc *Allocation
	regs  map[Reg]int64
	slots [2][]int64
	edits map[Pos][]Edit
	trace []int64
	rnd   *rand.Rand
}

const maxSteps = 200000

func runToy(f *tFunc, alloc *Allocation, params []int64, seed int64) ([]int64, int64, error) {
	m := &machine{f: f, alloc: alloc, regs: map[Reg]int64{}, rnd: rand.New(rand.NewSource(seed))}
	if alloc != nil {
		for r := Reg(0); r < 32; r++ {
			m.regs[r] = m.rnd.Int63()
		}
		for c := range m.slots {
			m.slots[c] = make([]int64, alloc.Slots[c])
			for i := range m.slots[c] {
				m.slots[c][i] = m.rnd.Int63()
			}
		}
		m.edits = map[Pos][]Edit{}
		for _, e := range alloc.Edits {
			m.edits[e.Pos] = append(m.edits[e.Pos], e)
		}
	}
	for i, p := range params {
		m.regs[Reg(i)] = p
	}
	b, steps := 0, 0
	for {
		blk := f.blocks[b]
		if len(blk.instrs) == 0 {
			if err := m.runEdits(Pos{Block: int32(b)}); err != nil {
				return nil, 0, err
			}
			if len(blk.succs) != 1 {
				return nil, 0, fmt.Errorf("empty block %d without a single successor", b)
			}
			b = blk.succs[0]
			continue
		}
		for i := range blk.instrs {
			if steps++; steps > maxSteps {
				return nil, 0, fmt.Errorf("too many steps")
			}
			if err := m.runEdits(Pos{Block: int32(b), Instr: int32(i)}); err != nil {
				return nil, 0, err
			}
			next, ret, done, err := m.exec(b, i)
			if err != nil {
				return nil, 0, fmt.Errorf("block %d instr %d: %v", b, i, err)
			}
			if done {
				return m.trace, ret, nil
			}
			if err := m.runEdits(Pos{Block: int32(b), Instr: int32(i), After: true}); err != nil {
				return nil, 0, err
			}
			if next >= 0 {
				// A split critical edge runs its block's edits on the way.
				for j, e := range m.alloc.splitOrNil() {
					if int(e.Pred) == b && int(e.Succ) == next {
						if err := m.runEdits(Pos{Block: int32(len(f.blocks) + j)}); err != nil {
							return nil, 0, err
						}
					}
				}
				b = next
				break
			}
		}
	}
}

func (m *machine) read(r Reg) (int64, error) {
	v, ok := m.regs[r]
	if !ok {
		return 0, fmt.Errorf("read of undefined %s", toyName(r))
	}
	return v, nil
}

func (m *machine) runEdits(p Pos) error {
	for _, e := range m.edits[p] {
		switch e.Kind {
		case EditMove:
			m.regs[e.Dst] = m.regs[e.Src]
		case EditSpill:
			m.slots[e.Class][e.Slot] = m.regs[e.Src]
		case EditReload:
			m.regs[e.Dst] = m.slots[e.Class][e.Slot]
		}
	}
	return nil
}

// exec runs one instruction; it returns the next block for a terminator
// (-1 otherwise) and whether the function returned.
func (m *machine) exec(b, i int) (next int, ret int64, done bool, err error) {
	in := m.f.instr(b, i)
	spec := toyOps[in.op]
	ops := m.f.Operands(b, i, nil)
	reg := func(k int) Reg {
		if m.alloc != nil {
			return m.alloc.Reg(b, i, k)
		}
		return ops[k].Reg
	}
	if spec.early {
		m.regs[toyScratch] = m.rnd.Int63()
	}
	var vals []int64
	for k, op := range ops {
		if !op.Def {
			v, err := m.read(reg(k))
			if err != nil {
				return 0, 0, false, err
			}
			vals = append(vals, v)
		}
	}
	if spec.clobber {
		cl := m.f.Clobbers(b, i)
		for r := Reg(0); r < 32; r++ {
			if cl.Has(r) {
				m.regs[r] = m.rnd.Int63()
			}
		}
	}
	res := spec.exec(vals, in.imm)
	n := 0
	for k, op := range ops {
		if op.Def {
			m.regs[reg(k)] = res[n]
			n++
		}
	}
	succ := m.f.blocks[b].succs
	switch in.op {
	case "out":
		m.trace = append(m.trace, vals[0])
	case "ret":
		return 0, vals[0], true, nil
	case "jmp":
		return succ[0], 0, false, nil
	case "brlt":
		if vals[0] < vals[1] {
			return succ[0], 0, false, nil
		}
		return succ[1], 0, false, nil
	case "brnz":
		if vals[0] != 0 {
			return succ[0], 0, false, nil
		}
		return succ[1], 0, false, nil
	}
	return -1, 0, false, nil
}

// checkAlloc verifies the Allocation's shape and constraints: real
// registers of the right class, fixed and two-address operands honoured,
// edits sorted and within the slot counts.
func checkAlloc(f *tFunc, info *RegInfo, a *Allocation) error {
	isAlloc := func(r Reg, c Class) bool { return slices.Contains(info.Allocatable[c], r) }
	if len(a.Start) != len(f.blocks) {
		return fmt.Errorf("Start has %d blocks, want %d", len(a.Start), len(f.blocks))
	}
	for b := range f.blocks {
		if len(a.Start[b]) != f.NumInstrs(b) {
			return fmt.Errorf("Start[%d] has %d instrs", b, len(a.Start[b]))
		}
		for i := range f.blocks[b].instrs {
			ops := f.Operands(b, i, nil)
			for k, op := range ops {
				r := a.Reg(b, i, k)
				switch {
				case !op.Reg.IsVirtual():
					if r != op.Reg {
						return fmt.Errorf("b%d/%d op %d: real %s became %s", b, i, k, toyName(op.Reg), toyName(r))
					}
				case op.Fixed != NoReg:
					if r != op.Fixed {
						return fmt.Errorf("b%d/%d op %d: fixed to %s, got %s", b, i, k, toyName(op.Fixed), toyName(r))
					}
				case !isAlloc(r, toyClass(op.Reg)):
					return fmt.Errorf("b%d/%d op %d: %s got %s", b, i, k, toyName(op.Reg), toyName(r))
				}
				for k2, op2 := range ops {
					if op2.Reg == op.Reg && op2.Def != op.Def && op.Fixed == NoReg && op2.Fixed == NoReg && a.Reg(b, i, k2) != r {
						return fmt.Errorf("b%d/%d: two-address %s split over %s and %s", b, i, toyName(op.Reg), toyName(r), toyName(a.Reg(b, i, k2)))
					}
				}
			}
		}
	}
	for n, e := range a.Edits {
		if n > 0 {
			p, q := a.Edits[n-1].Pos, e.Pos
			if p.Block > q.Block || p.Block == q.Block && (p.Instr > q.Instr || p.Instr == q.Instr && p.After && !q.After) {
				return fmt.Errorf("edits not sorted at %d", n)
			}
		}
		if sb := int(e.Pos.Block) - len(f.blocks); sb >= 0 {
			if sb >= len(a.Split) || e.Pos.Instr != 0 || e.Pos.After {
				return fmt.Errorf("edit %d at bad position %+v", n, e.Pos)
			}
		} else if int(e.Pos.Instr) >= max(f.NumInstrs(int(e.Pos.Block)), 1) {
			return fmt.Errorf("edit %d at bad position %+v", n, e.Pos)
		}
		if e.Kind != EditReload && !isAlloc(e.Src, e.Class) || e.Kind != EditSpill && !isAlloc(e.Dst, e.Class) {
			return fmt.Errorf("edit %d uses registers outside class %d: %+v", n, e.Class, e)
		}
		if e.Kind != EditMove && (e.Slot < 0 || e.Slot >= a.Slots[e.Class]) {
			return fmt.Errorf("edit %d slot %d out of range", n, e.Slot)
		}
	}
	return nil
}

// dumpAlloc prints the function as allocated, for failure messages.
func dumpAlloc(f *tFunc, a *Allocation) string {
	var sb strings.Builder
	edits := map[Pos][]Edit{}
	for _, e := range a.Edits {
		edits[e.Pos] = append(edits[e.Pos], e)
	}
	pe := func(p Pos) {
		for _, e := range edits[p] {
			switch e.Kind {
			case EditMove:
				fmt.Fprintf(&sb, "    ; %s = %s\n", toyName(e.Dst), toyName(e.Src))
			case EditSpill:
				fmt.Fprintf(&sb, "    ; slot%d.%d = %s\n", e.Class, e.Slot, toyName(e.Src))
			case EditReload:
				fmt.Fprintf(&sb, "    ; %s = slot%d.%d\n", toyName(e.Dst), e.Class, e.Slot)
			}
		}
	}
	for b, blk := range f.blocks {
		fmt.Fprintf(&sb, "b%d depth %d succs %v:\n", b, blk.depth, blk.succs)
		if len(blk.instrs) == 0 {
			pe(Pos{Block: int32(b)})
		}
		for i, in := range blk.instrs {
			pe(Pos{Block: int32(b), Instr: int32(i)})
			fmt.Fprintf(&sb, "  %s", in.op)
			for k, op := range f.Operands(b, i, nil) {
				d := ""
				if op.Def {
					d = "="
				}
				fmt.Fprintf(&sb, " %s%s:%s", d, toyName(op.Reg), toyName(a.Reg(b, i, k)))
			}
			fmt.Fprintf(&sb, " %d\n", in.imm)
			pe(Pos{Block: int32(b), Instr: int32(i), After: true})
		}
	}
	for j, e := range a.Split {
		fmt.Fprintf(&sb, "b%d split edge b%d -> b%d:\n", len(f.blocks)+j, e.Pred, e.Succ)
		pe(Pos{Block: int32(len(f.blocks) + j)})
	}
	return sb.String()
}

var toyParams = []int64{7, -3}

// checkToy runs f before and after allocation and requires identical
// observable behaviour (the out trace and the returned value).
func checkToy(t testing.TB, f *tFunc, info *RegInfo) *Allocation {
	t.Helper()
	want, wantRet, err := runToy(f, nil, toyParams, 1)
	if err != nil {
		t.Fatalf("reference run: %v\n%s", err, f)
	}
	a, err := Allocate(f, info)
	if err != nil {
		t.Fatalf("Allocate: %v\n%s", err, f)
	}
	if err := checkAlloc(f, info, a); err != nil {
		t.Fatalf("bad allocation: %v\n%s", err, dumpAlloc(f, a))
	}
	for seed := int64(1); seed <= 3; seed++ {
		got, gotRet, err := runToy(f, a, toyParams, seed)
		if err != nil {
			t.Fatalf("allocated run: %v\n%s", err, dumpAlloc(f, a))
		}
		if !slices.Equal(got, want) || gotRet != wantRet {
			t.Fatalf("allocated run differs:\nwant %v ret %d\ngot  %v ret %d\n%s", want, wantRet, got, gotRet, dumpAlloc(f, a))
		}
	}
	return a
}

func mustParse(t testing.TB, src string) *tFunc {
	t.Helper()
	f, err := parseToy(src)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (a *Allocation) splitOrNil() []Edge {
	if a == nil {
		return nil
	}
	return a.Split
}
